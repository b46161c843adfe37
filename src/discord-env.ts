/**
 * discord.js's Client reads a few environment variables by itself, in its constructor: SHARDS and
 * SHARD_COUNT when the options leave `shards`/`shardCount` at their defaults (and an empty
 * `SHARD_COUNT=`, as `.env.example` ships it, becomes shard count 0), SHARDING_MANAGER and
 * SHARDING_MANAGER_MODE to decide whether to talk to a sharding manager, DISCORD_TOKEN as a token
 * before login. The bot reads each of them once, in its validated config, and passes what they mean
 * to discord.js itself; the Client is made without them, so it never reads a setting behind the
 * bot's back (tests/unit/discord-env.test.ts checks this list against discord.js's source).
 */
export const READ_BY_DISCORD_JS = ['SHARDS', 'SHARD_COUNT', 'SHARDING_MANAGER', 'SHARDING_MANAGER_MODE', 'DISCORD_TOKEN'] as const;

/**
 * Runs `make` (a `new Client(…)`) with READ_BY_DISCORD_JS out of `env`, and puts them back after.
 * Synchronous, so nothing else runs while they are out.
 */
export function withoutDiscordEnv<T>(make: () => T, env: NodeJS.ProcessEnv = process.env): T {
  const saved = new Map<string, string>();
  for (const name of READ_BY_DISCORD_JS) {
    const value = env[name];
    if (value === undefined) continue;
    saved.set(name, value);
    delete env[name];
  }
  try {
    return make();
  } finally {
    for (const [name, value] of saved) env[name] = value;
  }
}
