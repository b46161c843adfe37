/**
 * `npm run start:shards` (`node dist/src/shards.js` in production): discord.js's ShardingManager runs
 * the bot as one process per shard on this machine, and starts a shard's process again when it
 * exits. With no shard setting it asks Discord how many shards the bot needs; `SHARD_COUNT` fixes
 * the total, and `SHARD_IDS` picks the shards this machine runs when several machines share a bot.
 * Each child is the ordinary entry point (main.ts), which reads the `SHARDS`/`SHARD_COUNT` the manager
 * sets and passes them to discord.js. The children must share one store (Redis) and, to stay under Discord's global rate limit
 * together, one REST proxy (`npm run rest-proxy`, with `DISCORD_API_URL` pointing at it).
 */
import 'dotenv/config';
import { fileURLToPath } from 'node:url';
import { REST } from '@discordjs/rest';
import { Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { fail, firstLine, readOrExit } from './cli.js';
import { loadConfig, loadShardingConfig } from './config.js';
import { createLogger } from './logger.js';
import { startMetricsServer, type MetricsServer } from './metrics/server.js';
import { shardManagerEndpoints } from './metrics/sharding.js';

const config = readOrExit(() => loadConfig(process.env));
const sharding = readOrExit(() => loadShardingConfig(process.env));
/** How long one shard process may take to become ready (thousands of servers take a while). */
const READY_TIMEOUT_MS = 120_000;

const logger = createLogger({ level: config.logLevel, secrets: [config.token] });

// The child entry point next to this file: main.ts under tsx (`npm run start:shards`), main.js in dist/.
const self = fileURLToPath(import.meta.url);
const child = self.replace(/shards\.(ts|js)$/, (_m, ext: string) => `main.${ext}`);

/**
 * The shard count Discord recommends. discord.js's own helper always asks discord.com; this asks
 * `DISCORD_API_URL`, so a REST proxy or a local Discord answers as Discord would.
 */
async function recommendedShardCount(): Promise<number> {
  const rest = new REST({ api: config.apiUrl, version: '10' }).setToken(config.token);
  const info = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return info.shards;
}

let totalShards: number;
try {
  totalShards = config.shards === 'auto' ? await recommendedShardCount() : config.shards.count;
} catch (err) {
  fail(`Could not ask Discord for the shard count: ${firstLine(err)}`);
}

const manager = new ShardingManager(child, {
  token: config.token,
  totalShards,
  shardList: config.shards === 'auto' ? 'auto' : config.shards.ids,
  respawn: true,
  // The same loader flags (tsx under `npm run start:shards`), so children run what the parent runs.
  execArgv: process.execArgv,
  // The manager gives each child SHARDING_MANAGER, SHARDS, SHARD_COUNT and the token; the rest of
  // the environment (STORE_URL, DISCORD_API_URL, …) is inherited, but for SHARD_IDS (below).
});

/** Set once SIGINT or SIGTERM asked every shard process to stop. */
let stopping = false;

manager.on('shardCreate', (shard) => {
  // SHARD_IDS is this machine's list, for the manager: a child runs the one shard in SHARDS. Empty
  // (unset), rather than left out, so the child's own read of .env does not bring it back.
  shard.env = { ...(shard.env as NodeJS.ProcessEnv), SHARD_IDS: '' };
  logger.info({ shardId: shard.id, total: manager.totalShards }, 'shard process starting');
  shard.on('spawn', (proc) => logger.info({ shardId: shard.id, pid: 'pid' in proc ? proc.pid : undefined }, 'shard process started'));
  shard.on('death', (proc) => {
    const exitCode = 'exitCode' in proc ? proc.exitCode : undefined;
    if (stopping) logger.info({ shardId: shard.id, exitCode }, 'shard process stopped');
    else logger.warn({ shardId: shard.id, exitCode }, 'shard process exited; starting it again');
  });
});

// The manager serves /metrics and /healthz for all its shard processes; they open no port themselves.
let metricsServer: MetricsServer | undefined;
if (config.metrics) {
  const { host, port } = config.metrics;
  const endpoints = shardManagerEndpoints(manager);
  metricsServer = await startMetricsServer(host, port, endpoints).catch((err: unknown) =>
    fail(`Could not serve /metrics on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`),
  );
  logger.info({ url: metricsServer.url }, 'serving /metrics and /healthz for every shard process');
}

function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping every shard process');
  const children = [...manager.shards.values()].flatMap((shard) => (shard.process ? [shard.process] : []));
  const exited = children.map((proc) => new Promise<void>((resolve) => (proc.exitCode === null ? proc.once('exit', () => resolve()) : resolve())));
  // Shard#kill sends SIGTERM (each child then stops cleanly: main.ts) and stops the manager from
  // starting it again.
  for (const shard of manager.shards.values()) shard.kill();
  void metricsServer?.close();
  setTimeout(() => process.exit(0), 10_000).unref();
  void Promise.all(exited).then(() => process.exit(0));
}
// A second signal while stopping is ignored (see main.ts).
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

try {
  // One shard at a time, `delay` apart: Discord lets a bot identify once per 5 s per concurrency bucket.
  await manager.spawn({ amount: manager.totalShards, delay: sharding.spawnDelayMs, timeout: READY_TIMEOUT_MS });
  logger.info({ shards: manager.shards.size, total: manager.totalShards }, 'every shard process is ready');
} catch (err) {
  fail(`Could not start the shards: ${firstLine(err)}`);
}
