import type { Client } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { checkStore, healthOf, type Health } from './health.js';
import type { BotMetrics } from './metrics.js';
import { answerShardManager } from './sharding.js';
import { startMetricsServer } from './server.js';

export interface OperatorEndpointsHandle {
  /** Where `/metrics` and `/healthz` are served; undefined when off, or under a sharding manager. */
  readonly url: string | undefined;
  stop(): Promise<void>;
}

/** This process's health: its shards' statuses, and the store as its commands' gate sees it. */
export async function processHealth(client: Client, store: Pick<Store, 'ping' | 'availability'>): Promise<Health> {
  const shards = [...client.ws.shards.values()].map((shard) => ({ id: shard.id, status: shard.status }));
  return healthOf(shards, await checkStore(store.availability, () => store.ping()));
}

/**
 * Serves this process's `/metrics` and `/healthz` on METRICS_HOST:METRICS_PORT; or, in a process of
 * discord.js's ShardingManager (`client.shard` is set), reports them to the manager, which serves
 * the totals of all its processes on its own port.
 */
export async function startOperatorEndpoints(deps: { client: Client; config: Config; metrics: BotMetrics; store: Store; logger: Logger }): Promise<OperatorEndpointsHandle> {
  const { client, config, metrics, store } = deps;
  const health = () => processHealth(client, store);
  if (client.shard) {
    const stop = answerShardManager(async () => ({ metrics: await metrics.registry.getMetricsAsJSON(), health: await health() }));
    return { url: undefined, stop: () => Promise.resolve(stop()) };
  }
  if (!config.metrics) return { url: undefined, stop: () => Promise.resolve() };
  const { host, port } = config.metrics;
  const server = await startMetricsServer(host, port, {
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    health,
  }).catch((error: unknown) => {
    throw new Error(`Could not serve /metrics on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  });
  deps.logger.info({ url: server.url }, 'serving /metrics and /healthz');
  return { url: server.url, stop: () => server.close() };
}
