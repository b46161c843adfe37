import { z } from 'zod';
import type { CooldownLimit, CooldownLimits } from './cooldowns.js';

/** Discord's own API base; the simulator's address replaces it in tests and the playground. */
export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const STORE_URL_DEFAULT = 'sqlite://data/state/bot.sqlite';
/**
 * Where the bot's source code and privacy notice are published (`/kiss-about` links to it). The
 * project has no public address yet: set REPOSITORY_URL to yours before inviting members.
 */
export const REPOSITORY_URL_DEFAULT = 'https://github.com/kiss-scene-bot/kiss-scene-bot';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

const apiUrl = z
  .string()
  .trim()
  .url({ error: 'must be a URL such as https://discord.com/api' })
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''))
  .default(DISCORD_API_DEFAULT);

const PERIOD_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A cooldown: `<uses>/<period>` per member and channel (`3/30s`, `1/1m`, `10/1h`), or `0`/`off` (null). */
const cooldown = (fallback: CooldownLimit) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(0|off|[1-9]\d{0,2}\s*\/\s*[1-9]\d{0,4}\s*[smh])$/, 'must be uses per period such as 3/30s or 1/1m (s, m or h), or off')
    .transform((value): CooldownLimit | null => {
      const match = /^(\d+)\s*\/\s*(\d+)\s*([smh])$/.exec(value);
      return match ? { uses: Number(match[1]), windowMs: Number(match[2]) * PERIOD_MS[match[3] as keyof typeof PERIOD_MS] } : null;
    })
    .refine((limit) => !limit || limit.windowMs <= 86_400_000, 'must have a period of at most 24h')
    .default(fallback);

const DURATION_MS = { ...PERIOD_MS, d: 86_400_000 } as const;
/** How long a server's state is kept after the bot is removed from it, unless it is invited back. */
export const DATA_RETENTION_DEFAULT_MS = 7 * DURATION_MS.d;
/** The longest retention DATA_RETENTION_AFTER_REMOVAL accepts. */
const DATA_RETENTION_MAX_MS = 365 * DURATION_MS.d;

/** A duration such as `7d`, `12h`, `30m` or `0` (s, m, h or d), at most 365 days. */
const retention = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(0|[1-9]\d{0,7}\s*[smhd])$/, 'must be a duration such as 7d, 12h or 30m (s, m, h or d), or 0')
  .transform((value) => {
    const match = /^(\d+)\s*([smhd])$/.exec(value);
    return match ? Number(match[1]) * DURATION_MS[match[2] as keyof typeof DURATION_MS] : 0;
  })
  .refine((ms) => ms <= DATA_RETENTION_MAX_MS, 'must be at most 365d')
  .default(DATA_RETENTION_DEFAULT_MS);

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
  LOG_LEVEL: logLevel,
  SCENE_COOLDOWN: cooldown({ uses: 3, windowMs: 30_000 }),
  POLL_START_COOLDOWN: cooldown({ uses: 1, windowMs: 60_000 }),
  DISCORD_API_URL: apiUrl,
  SHARD_IDS: z
    .string()
    .trim()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of shard numbers, e.g. 0,1')
    .optional(),
  // What discord.js's ShardingManager hands each process it spawns: one shard number, or a JSON list.
  SHARDS: z
    .string()
    .trim()
    .regex(/^(\d+|\[\s*\d+(\s*,\s*\d+)*\s*\])$/, 'must be a shard number or a JSON list such as [0,1] (set by the sharding manager)')
    .optional(),
  SHARD_COUNT: z.coerce.number({ error: 'must be a whole number, 1 or more' }).int('must be a whole number, 1 or more').min(1, 'must be a whole number, 1 or more').optional(),
  METRICS_PORT: z.coerce
    .number({ error: 'must be a port number (0 to 65535)' })
    .int('must be a port number (0 to 65535)')
    .min(0, 'must be a port number (0 to 65535)')
    .max(65_535, 'must be a port number (0 to 65535)')
    .optional(),
  METRICS_HOST: z.string().trim().regex(/^[\w.:-]+$/, 'must be a host name or IP address such as 127.0.0.1').default('127.0.0.1'),
  DATA_RETENTION_AFTER_REMOVAL: retention,
  REPOSITORY_URL: z
    .url({ protocol: /^https$/, error: 'must be an https address such as https://github.com/you/kiss-scene-bot' })
    .transform((u) => u.replace(/\/+$/, ''))
    .default(REPOSITORY_URL_DEFAULT),
});

export type Config = Readonly<{
  token: string;
  applicationId: string | undefined;
  guildId: string | undefined;
  storeUrl: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  apiUrl: string;
  /** Per member and channel: public `/kiss-scene` answers, `/kiss-poll start`; undefined = off. */
  cooldowns: CooldownLimits;
  /**
   * The shards this process runs and the bot's total; 'auto' (no shard setting): every shard in this
   * process, as many as Discord recommends for the bot's servers.
   */
  shards: { ids: number[]; count: number } | 'auto';
  /** Where `/healthz` and `/metrics` are served (METRICS_PORT; 0 picks a free port); undefined: off. */
  metrics: { host: string; port: number } | undefined;
  /** How long a server's state is kept after the bot is removed from it (DATA_RETENTION_AFTER_REMOVAL). */
  dataRetentionMs: number;
  /** The bot's public source repository (`/kiss-about` links to it and to its PRIVACY.md). */
  repositoryUrl: string;
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

/** Reads and validates the bot's settings once. The returned object is frozen. */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const requireToken = options.requireToken ?? true;
  const v = parseSettings(schema, env, (input) => {
    if (!requireToken && input.DISCORD_TOKEN === undefined) input.DISCORD_TOKEN = 'unused';
  });
  const shards = shardsOf(v.SHARD_IDS, v.SHARDS, v.SHARD_COUNT);
  return Object.freeze({
    token: v.DISCORD_TOKEN,
    applicationId: v.DISCORD_APPLICATION_ID,
    guildId: v.DISCORD_GUILD_ID,
    storeUrl: v.STORE_URL,
    logLevel: v.LOG_LEVEL,
    apiUrl: v.DISCORD_API_URL,
    cooldowns: Object.freeze({ scene: v.SCENE_COOLDOWN ?? undefined, pollStart: v.POLL_START_COOLDOWN ?? undefined }),
    shards: shards === 'auto' ? shards : Object.freeze({ ids: Object.freeze([...shards.ids]) as number[], count: shards.count }),
    metrics: v.METRICS_PORT === undefined ? undefined : Object.freeze({ host: v.METRICS_HOST, port: v.METRICS_PORT }),
    dataRetentionMs: v.DATA_RETENTION_AFTER_REMOVAL,
    repositoryUrl: v.REPOSITORY_URL,
  });
}

/**
 * The shards of this process. `SHARD_IDS` (a list, for one machine of several) or `SHARDS` (what
 * discord.js's ShardingManager sets) name them; `SHARD_COUNT` is the bot's total and must come with
 * either, or alone (then this process runs all of them). Nothing set: 'auto'.
 */
function shardsOf(list: string | undefined, managed: string | undefined, count: number | undefined): Config['shards'] {
  if (list !== undefined && managed !== undefined) throw new ConfigError('SHARD_IDS', 'is invalid: set SHARD_IDS or SHARDS, not both');
  const variable = list !== undefined ? 'SHARD_IDS' : 'SHARDS';
  const raw = list ?? managed;
  if (raw === undefined && count === undefined) return 'auto';
  if (count === undefined) throw new ConfigError('SHARD_COUNT', `is missing: set it together with ${variable}`);
  const ids = raw === undefined ? [...Array(count).keys()] : (raw.match(/\d+/g) ?? []).map(Number);
  if (ids.some((id) => id >= count)) throw new ConfigError(variable, `is invalid: every shard number must be below SHARD_COUNT (${count})`);
  if (new Set(ids).size !== ids.length) throw new ConfigError(variable, 'is invalid: a shard is listed twice');
  return { ids, count };
}

/**
 * Validates the variables a schema names. Empty strings count as unset, so a blank line in `.env`
 * falls back to the default instead of failing obscurely. The first problem becomes a ConfigError.
 */
function parseSettings<S extends z.ZodObject>(
  settings: S,
  env: NodeJS.ProcessEnv,
  prepare: (input: Record<string, string | undefined>) => void = () => undefined,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(settings.shape)) {
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  prepare(input);
  const parsed = settings.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue?.path[0] ?? 'configuration');
  if (input[variable] === undefined) {
    throw new ConfigError(variable, variable === 'DISCORD_TOKEN' ? 'is missing: it is required to connect to Discord' : 'is missing');
  }
  throw new ConfigError(variable, `is invalid: it ${issue?.message ?? 'is malformed'}`);
}

/** Settings of the sharding manager (`npm run start:shards`) alone. */
export type ShardingConfig = Readonly<{
  /** Time between two shard processes' starts (Discord: one identify per 5 s per bucket). */
  spawnDelayMs: number;
}>;

const shardingSchema = z.object({
  SHARD_SPAWN_DELAY_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 or more')
    .default(5_500),
});

export function loadShardingConfig(env: NodeJS.ProcessEnv): ShardingConfig {
  return Object.freeze({ spawnDelayMs: parseSettings(shardingSchema, env).SHARD_SPAWN_DELAY_MS });
}

/** Settings of the REST proxy (`npm run rest-proxy`) alone. */
export type RestProxyConfig = Readonly<{
  host: string;
  port: number;
  /** Where the proxy sends requests: Discord's API (the simulator's in tests). */
  upstreamUrl: string;
  logLevel: z.infer<typeof logLevel>;
}>;

const restProxySchema = z.object({
  REST_PROXY_HOST: z.string().trim().default('127.0.0.1'),
  REST_PROXY_PORT: z.coerce
    .number({ error: 'must be a port number (0 to 65535)' })
    .int('must be a port number (0 to 65535)')
    .min(0, 'must be a port number (0 to 65535)')
    .max(65_535, 'must be a port number (0 to 65535)')
    .default(8080),
  DISCORD_API_URL: apiUrl,
  LOG_LEVEL: logLevel,
});

export function loadRestProxyConfig(env: NodeJS.ProcessEnv): RestProxyConfig {
  const v = parseSettings(restProxySchema, env);
  return Object.freeze({ host: v.REST_PROXY_HOST, port: v.REST_PROXY_PORT, upstreamUrl: v.DISCORD_API_URL, logLevel: v.LOG_LEVEL });
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
