import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client, GatewayIntentBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { READ_BY_DISCORD_JS, withoutDiscordEnv } from '../../src/discord-env.js';

/** discord.js's Client, as installed. */
const clientSource = readFileSync(join(dirname(createRequire(import.meta.url).resolve('discord.js')), 'client/Client.js'), 'utf8');

describe('the environment discord.js reads by itself', () => {
  it('is every variable its Client reads (process.env.X, or X looked up in the environment)', () => {
    const read = new Set([...clientSource.matchAll(/process\.env\.([A-Z_]+)|'([A-Z_]+)' in (?:data|process\.env)/g)].map((m) => m[1] ?? m[2]));
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((name) => !(READ_BY_DISCORD_JS as readonly string[]).includes(name!))).toEqual([]);
  });

  it('is out of the environment while the Client is made, and back after', () => {
    const env: NodeJS.ProcessEnv = { SHARD_COUNT: '', SHARDS: '', DISCORD_TOKEN: 'secret', STORE_URL: 'memory://' };
    const seen = withoutDiscordEnv(() => ({ ...env }), env);
    expect(seen).toEqual({ STORE_URL: 'memory://' });
    expect(env).toEqual({ SHARD_COUNT: '', SHARDS: '', DISCORD_TOKEN: 'secret', STORE_URL: 'memory://' });
    expect(() => withoutDiscordEnv(() => { throw new Error('boom'); }, env)).toThrow('boom');
    expect(env.SHARD_COUNT).toBe('');
  });

  it('would otherwise turn an empty SHARD_COUNT= into shard count 0', () => {
    const saved = process.env.SHARD_COUNT;
    process.env.SHARD_COUNT = '';
    try {
      const options = { intents: [GatewayIntentBits.Guilds], shards: 'auto' as const, shardCount: 1 };
      expect(() => new Client(options)).toThrow(/shardCount/);
      const client = withoutDiscordEnv(() => new Client(options));
      expect(client.options.shardCount).toBe(1);
      expect(client.shard).toBeNull();
      void client.destroy();
    } finally {
      if (saved === undefined) delete process.env.SHARD_COUNT;
      else process.env.SHARD_COUNT = saved;
    }
  });
});
