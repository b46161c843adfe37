import { z } from 'zod';

/** Discord's own API base; the simulator's address replaces it in tests and the playground. */
export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const STORE_URL_DEFAULT = 'sqlite://data/state/bot.sqlite';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

const schema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is required to connect to Discord' })
    .trim()
    .regex(/^\S+$/, 'must be one word without spaces: the token from the Developer Portal'),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  STORE_URL: z
    .string()
    .trim()
    .regex(/^(sqlite|redis|rediss|memory):/, 'must start with sqlite://, redis://, rediss:// or memory://')
    .default(STORE_URL_DEFAULT),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  DISCORD_API_URL: z
    .string()
    .trim()
    .url({ error: 'must be a URL such as https://discord.com/api' })
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .default(DISCORD_API_DEFAULT),
  SHARD_IDS: z
    .string()
    .trim()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of shard numbers, e.g. 0,1')
    .optional(),
  SHARD_COUNT: z.coerce.number({ error: 'must be a whole number, 1 or more' }).int('must be a whole number, 1 or more').min(1, 'must be a whole number, 1 or more').optional(),
});

export type Config = Readonly<{
  token: string;
  applicationId: string | undefined;
  guildId: string | undefined;
  storeUrl: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  apiUrl: string;
  /** Shards this process runs; undefined lets discord.js decide (all shards in one process). */
  shards: { ids: number[]; count: number } | undefined;
}>;

/** A setting that is missing or malformed. `message` is the one line printed before the bot exits. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Config error: ${variable} ${reason} (see .env.example).`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The deploy script's --dry-run needs no token. */
  requireToken?: boolean;
}

/**
 * Reads and validates the settings once. Empty strings count as unset, so a blank line in `.env`
 * falls back to the default instead of failing obscurely. The returned object is frozen.
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const requireToken = options.requireToken ?? true;
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  if (!requireToken && input.DISCORD_TOKEN === undefined) input.DISCORD_TOKEN = 'unused';

  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    if (input[variable] === undefined) {
      throw new ConfigError(variable, variable === 'DISCORD_TOKEN' ? 'is missing: it is required to connect to Discord' : 'is missing');
    }
    throw new ConfigError(variable, `is invalid: it ${issue?.message ?? 'is malformed'}`);
  }
  const v = parsed.data;

  let shards: Config['shards'];
  if (v.SHARD_IDS !== undefined || v.SHARD_COUNT !== undefined) {
    if (v.SHARD_IDS === undefined) throw new ConfigError('SHARD_IDS', 'is missing: set it together with SHARD_COUNT');
    if (v.SHARD_COUNT === undefined) throw new ConfigError('SHARD_COUNT', 'is missing: set it together with SHARD_IDS');
    const ids = v.SHARD_IDS.split(',').map(Number);
    const count = v.SHARD_COUNT;
    if (ids.some((id) => id >= count)) {
      throw new ConfigError('SHARD_IDS', `is invalid: every shard number must be below SHARD_COUNT (${count})`);
    }
    shards = { ids, count };
  }

  return Object.freeze({
    token: v.DISCORD_TOKEN,
    applicationId: v.DISCORD_APPLICATION_ID,
    guildId: v.DISCORD_GUILD_ID,
    storeUrl: v.STORE_URL,
    logLevel: v.LOG_LEVEL,
    apiUrl: v.DISCORD_API_URL,
    shards: shards ? Object.freeze({ ids: Object.freeze([...shards.ids]) as number[], count: shards.count }) : undefined,
  });
}

/** The application id is the first part of a bot token (base64 of the id). */
export function applicationIdFromToken(token: string): string | undefined {
  const first = token.split('.')[0];
  if (!first) return undefined;
  try {
    const decoded = Buffer.from(first, 'base64').toString('utf8');
    return /^\d{17,20}$/.test(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}
