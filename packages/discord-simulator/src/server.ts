/** The HTTP side: one server on 127.0.0.1 for REST (/api/v10), the gateway (/gateway) and attachments. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, Errors } from './errors.js';
import type { Faults } from './faults.js';
import type { Gateway } from './gateway.js';
import { GlobalRateLimit, type StatsCounter } from './limits.js';
import type { Messages } from './messages.js';
import { parseBody, type ParsedBody } from './multipart.js';
import type { Rest, RestResponse } from './rest.js';
import { listenOnLoopback } from './net.js';
import { checkRequestBody, throwInvalidFormBody, type SchemaPart, type SchemaProblem } from './schema.js';
import type { RequestLogEntry, SchemaMode, SchemaViolation } from './types.js';

/** Largest request body accepted (Discord's limit with the biggest upload tier is far above what tests send). */
const MAX_BODY = 64 * 1024 * 1024;

/** What the server needs from the simulator. */
export interface ServerHost {
  token: string;
  rest: Rest;
  gateway: Gateway;
  faults: Faults;
  messages: Messages;
  nowIso: () => string;
  onRequest: (entry: RequestLogEntry) => void;
  /** What to do with a body that does not match Discord's schema for its operation. */
  schemaMode: SchemaMode;
  onSchemaViolation: (violation: SchemaViolation) => void;
  requestLog?: string;
  /** Requests per second per bot token, interaction routes exempt; false: no global limit. */
  globalRateLimit: number | false;
  stats: StatsCounter;
}

/** The listening server; `close()` ends every connection. */
export class SimulatorServer {
  readonly #host: ServerHost;
  readonly #server: Server;
  readonly #log: WriteStream | undefined;
  /** The global rate limit of each Authorization header (a bot token; '' for none, i.e. per IP). */
  readonly #globalLimits = new Map<string, GlobalRateLimit>();
  #port = 0;

  constructor(host: ServerHost) {
    this.#host = host;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.keepAliveTimeout = 5000;
    this.#server.on('upgrade', (req, socket, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/gateway' || path === '/gateway/') host.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    this.#log = host.requestLog ? createWriteStream(host.requestLog, { flags: 'a' }) : undefined;
  }

  async listen(port: number): Promise<number> {
    this.#port = await listenOnLoopback(this.#server, port);
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    const log = this.#log;
    if (log) await new Promise<void>((resolve) => log.end(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/attachments/')) {
      this.#serveAttachment(url.pathname, res);
      return;
    }
    const prefix = '/api/v10';
    const rawPath = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : undefined;
    let path = rawPath ?? url.pathname;
    try {
      path = rawPath === undefined ? path : rawPath.split('/').map((s) => decodeURIComponent(s)).join('/');
    } catch {
      // keep the raw path; it will not match a route
    }
    // The global limit counts a request when it arrives, before its body is read.
    const globalRetryMs = rawPath === undefined ? undefined : this.#globalLimit(req, path, started);
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      this.#send(res, { status: 413, body: { code: 40005, message: 'Request entity too large' } });
      return;
    }
    const entry: RequestLogEntry = { method, route: path, query: url.search.slice(1), status: 0, time: this.#host.nowIso(), durationMs: 0 };
    let body: ParsedBody | undefined;
    let response: RestResponse;
    try {
      const match = rawPath === undefined ? undefined : this.#host.rest.match(method, path);
      if (match !== undefined && match !== 'method') entry.operationId = match.operationId;
      if (globalRetryMs !== undefined) {
        this.#host.stats.global429s++;
        throw new GlobalRateLimited(globalRetryMs);
      }
      if (match === undefined) throw Errors.notFound();
      if (match === 'method') throw Errors.methodNotAllowed();
      const delay = this.#host.faults.takeLatency(method, path);
      if (delay > 0) await sleep(delay);
      const failure = this.#host.faults.takeFailure(method, path);
      body = await parseBody(raw, req.headers['content-type']);
      if (failure?.kind === 'rateLimit') response = rateLimited(path, failure.retryAfterSec, failure.scope);
      else if (failure?.kind === 'serverError') response = serverError(failure.status);
      else if (match.auth && req.headers.authorization !== `Bot ${this.#host.token}`) throw Errors.unauthorized();
      else {
        this.#checkShape(entry, body);
        response = match.run({ method, path, query: url.searchParams, body });
        if (response.status < 300) this.#checkAccepted(entry, body);
      }
    } catch (err) {
      response = errorResponse(err);
    }
    if (body) {
      if (body.json !== undefined) entry.body = body.json;
      if (body.contentType) entry.contentType = body.contentType;
      if (body.files.length > 0) {
        entry.files = body.files.map((f) => ({
          field: f.field,
          filename: f.filename,
          size: f.data.length,
          ...(f.contentType ? { contentType: f.contentType } : {}),
        }));
      }
    }
    entry.status = response.status;
    entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    this.#host.stats.response(response.status, response.headers);
    this.#send(res, response);
    this.#log?.write(`${JSON.stringify(entry)}\n`);
    this.#host.onRequest(entry);
  }

  /**
   * The global rate limit for this request's bot token: undefined when it may go on, or the
   * milliseconds to wait. Interaction callbacks and webhooks are exempt, as on Discord.
   */
  #globalLimit(req: IncomingMessage, path: string, now: number): number | undefined {
    const limit = this.#host.globalRateLimit;
    if (limit === false || path.startsWith('/interactions/') || path.startsWith('/webhooks/')) return undefined;
    const key = req.headers.authorization ?? '';
    let bucket = this.#globalLimits.get(key);
    if (!bucket) {
      bucket = new GlobalRateLimit(limit);
      this.#globalLimits.set(key, bucket);
    }
    return bucket.take(now);
  }

  /**
   * Before a route runs: the body's shape (types, required and unknown fields, enums) against the
   * operation's request-body schema in Discord's OpenAPI description. In 'reject' mode a wrong
   * shape is recorded and answered with 400 Invalid Form Body (50035), as Discord answers a body it
   * cannot read; in 'record' mode the route decides, and the body is recorded only if it accepts it.
   */
  #checkShape(entry: RequestLogEntry, body: ParsedBody): void {
    const problems = this.#problems(entry, body, 'shape');
    if (problems?.length && this.#host.schemaMode === 'reject') {
      this.#violation(entry, body, problems);
      throwInvalidFormBody(problems);
    }
  }

  /**
   * After a route accepted a body: the whole schema, Discord's limits included. The routes check
   * those limits themselves with Discord's own error codes, so a problem here is a body Discord
   * would have refused: recorded, for the test to fail on.
   */
  #checkAccepted(entry: RequestLogEntry, body: ParsedBody): void {
    const problems = this.#problems(entry, body, 'all');
    if (problems === undefined) return;
    entry.schema = problems.length === 0 ? 'valid' : 'invalid';
    if (problems.length > 0) this.#violation(entry, body, problems);
  }

  #problems(entry: RequestLogEntry, body: ParsedBody, part: SchemaPart): SchemaProblem[] | undefined {
    if (this.#host.schemaMode === 'off' || body.json === undefined || !entry.operationId) return undefined;
    const problems = checkRequestBody(entry.operationId, body.json, part);
    if (problems?.length) entry.schema = 'invalid';
    return problems;
  }

  #violation(entry: RequestLogEntry, body: ParsedBody, problems: SchemaProblem[]): void {
    this.#host.onSchemaViolation({ method: entry.method, route: entry.route, operationId: entry.operationId ?? '', body: body.json, problems });
  }

  #serveAttachment(pathname: string, res: ServerResponse): void {
    const [, , channelId, attachmentId] = pathname.split('/');
    const attachment = this.#host.messages.attachment(channelId ?? '', attachmentId ?? '');
    if (!attachment) {
      this.#send(res, { status: 404, body: { code: 0, message: '404: Not Found' } });
      return;
    }
    res.writeHead(200, {
      'Content-Type': attachment.content_type ?? 'application/octet-stream',
      'Content-Length': String(attachment.data.length),
    });
    res.end(attachment.data);
  }

  #send(res: ServerResponse, r: RestResponse): void {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.status === 204 || r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(r.body);
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(text));
    res.writeHead(r.status, headers);
    res.end(text);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Thrown inside the request handler when the global rate limit refuses a request. */
class GlobalRateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super('global rate limit');
  }
}

function errorResponse(err: unknown): RestResponse {
  if (err instanceof GlobalRateLimited) return globalRateLimited(err.retryAfterMs);
  if (err instanceof ApiError) return { status: err.status, body: err.toJSON() };
  return { status: 500, body: { code: 0, message: '500: Internal Server Error' } };
}

/**
 * Discord's answer over the global limit: `Retry-After` in whole seconds (rounded up, as Discord
 * sends it), the exact wait in the body.
 */
function globalRateLimited(retryAfterMs: number): RestResponse {
  const seconds = Math.max(0.001, Math.ceil(retryAfterMs) / 1000);
  return {
    status: 429,
    headers: {
      'Retry-After': String(Math.ceil(seconds)),
      'X-RateLimit-Global': 'true',
      'X-RateLimit-Scope': 'global',
    },
    body: { message: 'You are being rate limited.', retry_after: seconds, global: true },
  };
}

/** A 429 with every header discord.js reads (without Retry-After it would retry in a tight loop). */
function rateLimited(path: string, retryAfter: number, scope: 'user' | 'global' | 'shared'): RestResponse {
  const global = scope === 'global';
  const bucket = Buffer.from(path.replace(/\d{15,}/g, ':id')).toString('hex').slice(0, 32);
  const headers: Record<string, string> = {
    'Retry-After': String(retryAfter),
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': String(retryAfter),
    'X-RateLimit-Bucket': bucket,
    'X-RateLimit-Scope': scope,
  };
  if (global) headers['X-RateLimit-Global'] = 'true';
  return {
    status: 429,
    headers,
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global, ...(global ? { code: 0 } : {}) },
  };
}

function serverError(status: 500 | 502 | 503): RestResponse {
  const text = { 500: '500: Internal Server Error', 502: '502: Bad Gateway', 503: '503: Service Unavailable' }[status];
  return { status, body: { code: 0, message: text } };
}
