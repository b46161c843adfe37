/**
 * Under discord.js's ShardingManager the manager alone serves `/metrics` and `/healthz`, for all its
 * shard processes: it asks each child over the shard's IPC channel for its registry (as JSON) and
 * its health, and sums the registries with prom-client's `AggregatorRegistry.aggregate`. The
 * children open no port of their own.
 */
import type { Shard, ShardingManager } from 'discord.js';
import { AggregatorRegistry, collectDefaultMetrics, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { combineHealth, type Health } from './health.js';
import { METRIC_PREFIX } from './metrics.js';
import type { OperatorEndpoints } from './server.js';

/** What one shard process reports. */
export interface ShardReport {
  readonly metrics: Array<MetricObjectWithValues<MetricValue<string>>>;
  readonly health: Health;
}

type Request = { readonly kissReportRequest: number };
type Reply = { readonly kissReportReply: number; readonly report: ShardReport };

const isRequest = (m: unknown): m is Request => typeof (m as Request | null)?.kissReportRequest === 'number';
const isReply = (m: unknown): m is Reply => typeof (m as Reply | null)?.kissReportReply === 'number';

/** How long the manager waits for each shard process's report. */
export const SHARD_REPORT_TIMEOUT_MS = 2_000;

/**
 * In a shard process: answers the manager's report requests. Returns the function that stops
 * answering (at shutdown).
 */
export function answerShardManager(report: () => Promise<ShardReport>): () => void {
  const listener = (message: unknown) => {
    if (!isRequest(message)) return;
    void report()
      .then((r) => process.send?.({ kissReportReply: message.kissReportRequest, report: r } satisfies Reply))
      .catch(() => undefined);
  };
  process.on('message', listener);
  return () => process.off('message', listener);
}

/** The manager's own process metrics, `kiss_manager_…`, served beside the shard processes' totals. */
export function managerRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `${METRIC_PREFIX}manager_` });
  return registry;
}

/**
 * In the sharding manager: the endpoints with every shard process's metrics summed, and healthy
 * only when every shard process answered healthy. Call before `manager.spawn`.
 */
export function shardManagerEndpoints(manager: ShardingManager, own = managerRegistry(), timeoutMs = SHARD_REPORT_TIMEOUT_MS): OperatorEndpoints {
  let nextId = 0;
  const pending = new Map<number, (report: ShardReport) => void>();
  manager.on('shardCreate', (shard) =>
    shard.on('message', (message: unknown) => {
      if (isReply(message)) pending.get(message.kissReportReply)?.(message.report);
    }),
  );

  async function ask(shard: Shard): Promise<ShardReport | string> {
    if (!shard.process || shard.process.exitCode !== null || !shard.process.connected) return `shard ${shard.id}'s process is not running`;
    const id = nextId++;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<ShardReport | string>((resolve) => {
        pending.set(id, resolve);
        timer = setTimeout(() => resolve(`shard ${shard.id}'s process did not answer within ${timeoutMs} ms`), timeoutMs);
        shard.send({ kissReportRequest: id } satisfies Request).catch(() => resolve(`shard ${shard.id}'s process is not running`));
      });
    } finally {
      clearTimeout(timer);
      pending.delete(id);
    }
  }

  async function collect(): Promise<{ reports: ShardReport[]; missing: string[] }> {
    const answers = await Promise.all([...manager.shards.values()].sort((a, b) => a.id - b.id).map(ask));
    return {
      reports: answers.filter((a): a is ShardReport => typeof a !== 'string'),
      missing: answers.filter((a): a is string => typeof a === 'string'),
    };
  }

  return {
    async metrics() {
      const { reports } = await collect();
      const summed = AggregatorRegistry.aggregate([...reports.map((r) => r.metrics), await own.getMetricsAsJSON()]);
      return { contentType: summed.contentType, body: await summed.metrics() };
    },
    async health() {
      const { reports, missing } = await collect();
      return combineHealth(
        reports.map((r) => r.health),
        missing,
      );
    },
  };
}
