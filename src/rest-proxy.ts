/**
 * `npm run rest-proxy` (`node dist/src/rest-proxy.js`): the one owner of the bot's REST rate limits.
 * Discord's global limit (50 requests per second) and its per-route buckets count per bot token,
 * across every process of the bot; each process keeps its own count, so several processes posting
 * at the same minute would overrun them together. This runs discord.js's own `@discordjs/proxy`: one
 * @discordjs/rest instance that queues every process's requests. Point each bot process at it with
 * `DISCORD_API_URL=http://<host>:<REST_PROXY_PORT>/api`; run one per bot token.
 */
import 'dotenv/config';
import { createServer } from 'node:http';
import { proxyRequests } from '@discordjs/proxy';
import { REST } from '@discordjs/rest';
import { ConfigError, loadRestProxyConfig } from './config.js';
import { createLogger } from './logger.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let config;
try {
  config = loadRestProxyConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
const logger = createLogger({ level: config.logLevel, secrets: [] });

// No token of its own: each request carries its process's `Authorization` header through.
// The proxy keeps the one shared count (global limit and route buckets) but never waits or
// retries itself: a request streams its body straight through, so it could not be sent twice.
// Where the shared count says "not now" (or Discord answers 429), the proxy answers 429 with
// Retry-After at once, and the bot process's own REST client waits and sends it again, body and all
// (the setup of discord.js's own proxy container).
const rest = new REST({ api: config.upstreamUrl, version: '10', rejectOnRateLimit: () => true, retries: 0 });
rest.on('rateLimited', (info) =>
  logger.info({ route: info.route, global: info.global, retryAfterMs: info.retryAfter, scope: info.scope }, 'waiting for a Discord rate limit'),
);
const handle = proxyRequests(rest);
const server = createServer((req, res) => {
  Promise.resolve(handle(req, res)).catch((err: unknown) => {
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
