import { Status } from 'discord.js';

/** What `/healthz` answers: 200 with `ok`, 503 with `unavailable` and why. */
export interface Health {
  readonly status: 'ok' | 'unavailable';
  readonly reasons: readonly string[];
  /** Shards that are ready, of `shardCount` this process (or sharding manager) runs. */
  readonly shardsReady: number;
  readonly shardCount: number;
}

export type StoreCheck = { readonly kind: 'ok' } | { readonly kind: 'timeout'; readonly ms: number } | { readonly kind: 'failed'; readonly message: string };

/** How long the store may take to answer the health check's read. */
export const STORE_DEADLINE_MS = 500;

/** Reads one key from the store, giving up after `deadlineMs`. */
export async function checkStore(ping: () => Promise<void>, deadlineMs = STORE_DEADLINE_MS): Promise<StoreCheck> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<StoreCheck>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', ms: deadlineMs }), deadlineMs);
  });
  const answered = ping().then(
    (): StoreCheck => ({ kind: 'ok' }),
    (error: unknown): StoreCheck => ({ kind: 'failed', message: (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200) }),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `WaitingForGuilds` → `waiting for guilds`. */
function statusName(status: Status): string {
  return (Status[status] ?? `status ${status}`).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
}

/**
 * The health of one bot process: healthy when every shard it runs is ready and the store answered.
 * `shards` lists each shard's discord.js status; none at all means the gateway is not connected yet.
 */
export function healthOf(shards: ReadonlyArray<{ readonly id: number; readonly status: Status }>, store: StoreCheck): Health {
  const reasons: string[] = [];
  if (shards.length === 0) reasons.push('not connected to Discord yet');
  for (const shard of [...shards].sort((a, b) => a.id - b.id)) {
    if (shard.status !== Status.Ready) reasons.push(`shard ${shard.id} is ${statusName(shard.status)}`);
  }
  if (store.kind === 'timeout') reasons.push(`store did not answer within ${store.ms} ms`);
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
