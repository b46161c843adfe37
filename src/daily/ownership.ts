import { ShardClientUtil } from 'discord.js';

/**
 * Which process handles which server, when the bot runs as several shard processes. A process
 * schedules only its own shards' servers, so no post is sent twice. Discord puts a server on shard
 * `(guild_id >> 22) % shard_count`; discord.js computes it (`ShardClientUtil.shardIdForGuildId`).
 */
export const shardOf = (guildId: string, shardCount: number): number => ShardClientUtil.shardIdForGuildId(guildId, shardCount);

/**
 * The `ownsGuild` predicate for a process running `shards` (undefined: one process runs them all).
 * An id that is not a number is never owned.
 */
export function ownsGuildFor(shards: { readonly ids: readonly number[]; readonly count: number } | undefined): (guildId: string) => boolean {
  if (!shards) return () => true;
  const mine = new Set(shards.ids);
  return (guildId) => /^\d{1,20}$/.test(guildId) && mine.has(ShardClientUtil.shardIdForGuildId(guildId, shards.count));
}
