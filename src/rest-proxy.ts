/**
 * `npm run rest-proxy` (`node dist/src/rest-proxy.js`): the one owner of the bot's REST rate limits.
 * Discord's global limit (50 requests per second) and its per-route buckets count per bot token,
 * across every process of the bot; each process keeps its own count, so several processes posting
 * at the same minute would overrun them together. This is discord.js's own answer, `@discordjs/proxy`:
 * one @discordjs/rest instance that queues every process's requests. Point each bot process at it with
 * `DISCORD_API_URL=http://<host>:<REST_PROXY_PORT>/api`; run one per bot token.
 */
import 'dotenv/config';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { populateErrorResponse, populateSuccessfulResponse } from '@discordjs/proxy';
import { REST, type RequestMethod } from '@discordjs/rest';
import { fail, readOrExit } from './cli.js';
import { loadRestProxyConfig } from './config.js';
import { createLogger } from './logger.js';

const config = readOrExit(() => loadRestProxyConfig(process.env));
const logger = createLogger({ level: config.logLevel, secrets: [] });

// No token of its own: each request carries its process's `Authorization` header through. This
// one REST instance keeps the bot's shared count (the global limit and every route bucket), waits
// when the count says "not now", and sends a request again after Discord's 429.
const rest = new REST({ api: config.upstreamUrl, version: '10' });
rest.on('rateLimited', (info) =>
  logger.debug({ route: info.route, global: info.global, retryAfterMs: info.retryAfter, scope: info.scope }, 'waiting for a Discord rate limit'),
);

/** Largest request body accepted: Discord's own upload limit for bots. */
const MAX_BODY = 25 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * @discordjs/proxy's `proxyRequests`, with one change: the body is read whole before it is queued,
 * so a request that waited out a 429 is sent again with its body (proxyRequests streams the body
 * through, and a second send would go out empty). The response side is @discordjs/proxy's own.
 */
async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const headers: Record<string, string> = {};
  if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  const reason = req.headers['x-audit-log-reason'];
  if (typeof reason === 'string') headers['x-audit-log-reason'] = reason;
  try {
    const body = await readBody(req);
    const response = await rest.queueRequest({
      fullRoute: url.pathname.replace(/^\/api(\/v\d+)?/, '') as `/${string}`,
      method: (req.method ?? 'GET') as RequestMethod,
      ...(body.length > 0 ? { body, passThroughBody: true } : {}),
      query: url.searchParams,
      headers,
      // The token travels in the forwarded header.
      auth: false,
    });
    await populateSuccessfulResponse(res, response);
  } catch (error) {
    if (!populateErrorResponse(res, error)) throw error;
  } finally {
    res.end();
  }
}

const server = createServer((req, res) => {
  forward(req, res).catch((err: unknown) => {
    logger.error({ err, method: req.method }, 'proxied request failed');
    if (!res.headersSent) res.statusCode = 502;
    res.end();
  });
});
server.keepAliveTimeout = 65_000;

server.once('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') fail(`Port ${config.port} is in use: set REST_PROXY_PORT to another one.`);
  fail(`The REST proxy could not start: ${err.message}`);
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ host: config.host, port, upstream: config.upstreamUrl }, 'REST proxy ready');
  // One plain line for people and scripts: where the bot processes should send their requests.
  console.log(`REST proxy: DISCORD_API_URL=http://${config.host}:${port}/api`);
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'REST proxy stopping');
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
