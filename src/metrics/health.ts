import { Status } from 'discord.js';
import { isStoreUnavailable, type StoreAvailability } from '../store/availability.js';

/** What `/healthz` answers: 200 with `ok`, 503 with `unavailable` and why. */
export interface Health {
  readonly status: 'ok' | 'unavailable';
  readonly reasons: readonly string[];
  /** Shards that are ready, of `shardCount` this process (or sharding manager) runs. */
  readonly shardsReady: number;
  readonly shardCount: number;
}

/**
 * The store as the commands see it: `ok`; `unavailable` while the store gate refuses store calls
 * (store/availability.ts), with its reason; `failed` when the health check's write failed otherwise.
 */
export type StoreCheck = { readonly kind: 'ok' } | { readonly kind: 'unavailable'; readonly reason: string } | { readonly kind: 'failed'; readonly message: string };

/** What the health check needs of the store gate every command's store call passes. */
export type StoreGate = Pick<StoreAvailability, 'available' | 'reason' | 'run'>;

/**
 * Asks the store gate the commands ask, so `/healthz` and the commands never disagree: while the
 * gate counts the store as down, that is the answer (it comes back when the gate's own probe
 * succeeds, and the commands with it). Otherwise `ping` (one write) runs through the gate, under the
 * deadline a command's store call has; a failure there marks the store down for the commands too.
 */
export async function checkStore(gate: StoreGate, ping: () => Promise<void>): Promise<StoreCheck> {
  if (!gate.available) return { kind: 'unavailable', reason: gate.reason ?? 'down' };
  try {
    await gate.run(ping);
    return { kind: 'ok' };
  } catch (error) {
    if (isStoreUnavailable(error)) return { kind: 'unavailable', reason: error.reason };
    return { kind: 'failed', message: (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200) };
  }
}

/** `WaitingForGuilds` → `waiting for guilds`. */
function statusName(status: Status): string {
  return (Status[status] ?? `status ${status}`).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
}

/**
 * The health of one bot process: healthy when every shard it runs is ready and the store takes
 * the commands' calls.
 * `shards` lists each shard's discord.js status; none at all means the gateway is not connected yet.
 */
export function healthOf(shards: ReadonlyArray<{ readonly id: number; readonly status: Status }>, store: StoreCheck): Health {
  const reasons: string[] = [];
  if (shards.length === 0) reasons.push('not connected to Discord yet');
  for (const shard of [...shards].sort((a, b) => a.id - b.id)) {
    if (shard.status !== Status.Ready) reasons.push(`shard ${shard.id} is ${statusName(shard.status)}`);
  }
  if (store.kind === 'unavailable') reasons.push(`store unavailable: ${store.reason}`);
  if (store.kind === 'failed') reasons.push(`store failed: ${store.message}`);
  return {
    status: reasons.length === 0 ? 'ok' : 'unavailable',
    reasons,
    shardsReady: shards.filter((s) => s.status === Status.Ready).length,
    shardCount: shards.length,
  };
}

/**
 * The sharding manager's health: every shard process answered and is healthy. `missing` names the
 * processes that did not answer (not running, or too slow).
 */
export function combineHealth(parts: readonly Health[], missing: readonly string[]): Health {
  const reasons = [...missing, ...new Set(parts.flatMap((p) => p.reasons))];
  return {
    status: reasons.length === 0 && parts.length > 0 ? 'ok' : 'unavailable',
    reasons: parts.length === 0 && reasons.length === 0 ? ['no shard process is running'] : reasons,
    shardsReady: parts.reduce((n, p) => n + p.shardsReady, 0),
    shardCount: parts.reduce((n, p) => n + p.shardCount, 0),
  };
}
