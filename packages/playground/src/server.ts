import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from './bot.js';
import type { PlaygroundApi } from './api.js';
import { avatarSvg, type Asset } from './assets.js';
import { listenOnLoopback } from '@kiss-scene-bot/discord-simulator';

/**
 * Everything the page loads comes from this server: the browser is told so (Content-Security-Policy),
 * and nothing on another host is fetched even if a message points there.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export interface ServerDeps {
  api: PlaygroundApi;
  assets: Map<string, Asset>;
  /** Avatar colour and name by user id. */
  avatar: (userId: string) => { name: string; colour: string };
  logger: Logger;
}

/** The playground's HTTP server on 127.0.0.1. */
export class PlaygroundServer {
  readonly #server: Server;
  readonly #d: ServerDeps;
  #port = 0;

  constructor(deps: ServerDeps) {
    this.#d = deps;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        deps.logger.error({ err, url: req.url }, 'playground server error');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal error');
      });
    });
  }

  /** Listens on 127.0.0.1:`port` (0: any free port) and resolves with the port. */
  async listen(port: number): Promise<number> {
    this.#port = await listenOnLoopback(this.#server, port);
    return this.#port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // Only pages served from here may talk to it: no other site (through DNS rebinding or a form post).
    if (!this.#trustedHost(req.headers.host)) return plain(res, 421, 'Use http://127.0.0.1 or http://localhost');
    const method = req.method ?? 'GET';
    if (method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return plain(res, 415, 'POST bodies must be application/json');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (await this.#d.api.handle(req, res, url)) return;
    if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'Method not allowed');

    const avatar = /^\/play\/avatars\/(\d{1,20})\.svg$/.exec(url.pathname);
    if (avatar?.[1]) {
      const { name, colour } = this.#d.avatar(avatar[1]);
      return send(res, req, { type: 'image/svg+xml', body: Buffer.from(avatarSvg(name, colour)) }, 'public, max-age=3600');
    }
    const asset = this.#d.assets.get(url.pathname === '/index.html' ? '/' : url.pathname);
    if (asset) return send(res, req, asset, url.pathname === '/' ? 'no-store' : 'public, max-age=300');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(301, { location: '/favicon.svg' });
      res.end();
      return;
    }
    plain(res, 404, 'Not found');
  }

  #trustedHost(host: string | undefined): boolean {
    return host === `127.0.0.1:${this.#port}` || host === `localhost:${this.#port}`;
  }
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}

function send(res: ServerResponse, req: IncomingMessage, asset: Asset, cache: string): void {
  const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? asset.gzip : undefined;
  const body = gzip ?? asset.body;
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': String(body.length),
    'cache-control': cache,
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
