import type { CooldownLimit, CooldownLimits } from './cooldowns.js';
import { readPackageJson, type PackageJson } from './package-json.js';

/** Discord's own API base; the simulator's address replaces it in tests and the playground. */
export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const STORE_URL_DEFAULT = 'sqlite://data/state/bot.sqlite';

/*
 * Each setting is read by a small function of its raw text (never blank: a blank value counts as
 * unset) that returns its value or throws `Invalid` with the reason, worded to follow "it": the
 * ConfigError then reads `Config error: LOG_LEVEL is invalid: it must be one of … (see .env.example).`
 */

/** A setting's text is not acceptable; `reason` follows "it". */
class Invalid extends Error {}

type Read<T> = (raw: string) => T;

const invalid = (reason: string): never => {
  throw new Invalid(reason);
};

/** Text matching `pattern` (after trimming when asked). */
const matching =
  (pattern: RegExp, reason: string, options: { trim?: boolean } = {}): Read<string> =>
  (raw) => {
    const value = options.trim ? raw.trim() : raw;
    return pattern.test(value) ? value : invalid(reason);
  };

/** A whole number within bounds, written any way `Number()` reads (`8080`, ` 8080 `). */
const wholeNumber =
  (reason: string, min: number, max = Number.MAX_SAFE_INTEGER, belowMin = reason): Read<number> =>
  (raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n)) return invalid(reason);
    if (n < min) return invalid(belowMin);
    return n > max ? invalid(reason) : n;
  };

const snowflake = matching(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const logLevel: Read<LogLevel> = (raw) =>
  (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : invalid(`must be one of ${LOG_LEVELS.join(', ')}`);

const apiUrl: Read<string> = (raw) => {
  const value = raw.trim();
  try {
    new URL(value);
  } catch {
    return invalid('must be a URL such as https://discord.com/api');
  }
  if (!/^https?:\/\//.test(value)) return invalid('must be an http(s) URL');
  return value.replace(/\/+$/, '');
};

const port = wholeNumber('must be a port number (0 to 65535)', 0, 65_535);

/** Milliseconds per unit of a cooldown's period (a Map: the unit is read from the setting's text). */
const PERIOD_MS: ReadonlyMap<string, number> = new Map([
  ['s', 1_000],
  ['m', 60_000],
  ['h', 3_600_000],
]);

/** A cooldown: `<uses>/<period>` per member and channel (`3/30s`, `1/1m`, `10/1h`), or `0`/`off` (null). */
const cooldown: Read<CooldownLimit | null> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (!/^(0|off|[1-9]\d{0,2}\s*\/\s*[1-9]\d{0,4}\s*[smh])$/.test(value)) {
    return invalid('must be uses per period such as 3/30s or 1/1m (s, m or h), or off');
  }
  const match = /^(\d+)\s*\/\s*(\d+)\s*([smh])$/.exec(value);
  if (!match) return null;
  const limit = { uses: Number(match[1]), windowMs: Number(match[2]) * (PERIOD_MS.get(match[3]!) ?? Number.NaN) };
  return limit.windowMs <= 86_400_000 ? limit : invalid('must have a period of at most 24h');
};

const DAY_MS = 86_400_000;
/** Milliseconds per unit of a duration (a Map, as PERIOD_MS). */
const DURATION_MS: ReadonlyMap<string, number> = new Map([...PERIOD_MS, ['d', DAY_MS]]);
/** How long a server's state is kept after the bot is removed from it, unless it is invited back. */
export const DATA_RETENTION_DEFAULT_MS = 7 * DAY_MS;
/** The longest retention DATA_RETENTION_AFTER_REMOVAL accepts. */
const DATA_RETENTION_MAX_MS = 365 * DAY_MS;

/** A duration such as `7d`, `12h`, `30m` or `0` (s, m, h or d), at most 365 days. */
const retention: Read<number> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (!/^(0|[1-9]\d{0,7}\s*[smhd])$/.test(value)) return invalid('must be a duration such as 7d, 12h or 30m (s, m, h or d), or 0');
  const match = /^(\d+)\s*([smhd])$/.exec(value);
  const ms = match ? Number(match[1]) * (DURATION_MS.get(match[2]!) ?? Number.NaN) : 0;
  return ms <= DATA_RETENTION_MAX_MS ? ms : invalid('must be at most 365d');
};

/** An https address, without a trailing slash. */
const httpsAddress: Read<string> = (raw) => {
  const value = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  return url?.protocol === 'https:' ? value.replace(/\/+$/, '') : invalid('must be an https address such as https://github.com/you/kiss-scene-bot');
};

/** The hosts npm's `repository` shortcuts name (`github:owner/name`; `owner/name` alone is GitHub). */
const REPOSITORY_HOSTS = new Map([
  ['github', 'github.com'],
  ['gitlab', 'gitlab.com'],
  ['bitbucket', 'bitbucket.org'],
]);

/**
 * package.json's `repository`, in any of npm's forms (`https://…`, `git+https://…`, `git+ssh://git@host/…`,
 * `git@host:owner/name.git`, `github:owner/name`, `owner/name`, or an object with `url`), as the
 * https address of the repository's page.
 */
const repositoryAddress = (field: unknown): string => {
  const raw = typeof field === 'object' && field !== null && Object.hasOwn(field, 'url') ? (field as { url: unknown }).url : field;
  if (typeof raw !== 'string') return invalid('must be an address, or an object with one in "url"');
  const value = raw.trim();
  const shortcut = /^(?:([a-z]+):)?([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (shortcut) {
    const host = REPOSITORY_HOSTS.get(shortcut[1] ?? 'github');
    if (host === undefined) return invalid(`must name github:, gitlab: or bitbucket:, not ${shortcut[1]}:`);
    return httpsAddress(`https://${host}/${shortcut[2]}/${shortcut[3]}`.replace(/\.git$/, ''));
  }
  const address = value
    .replace(/^git\+/, '')
    .replace(/^[\w.-]+@([\w.-]+):(?!\/\/)/, 'https://$1/')
    .replace(/^(?:ssh|git):\/\/(?:[\w.-]+@)?/, 'https://')
    .replace(/\.git\/?$/, '');
  return httpsAddress(address);
};

/**
 * Reads one setting. Empty strings count as unset, so a blank line in `.env` falls back to the
 * default instead of failing obscurely; a setting without a default must be there.
 */
function setting<T>(env: NodeJS.ProcessEnv, name: string, read: Read<T>, fallback?: { value: T }): T;
function setting<T>(env: NodeJS.ProcessEnv, name: string, read: Read<T>, fallback: 'optional'): T | undefined;
function setting<T>(env: NodeJS.ProcessEnv, name: string, read: Read<T>, fallback?: { value: T } | 'optional'): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    if (fallback === 'optional') return undefined;
    if (fallback) return fallback.value;
    throw new ConfigError(name, name === 'DISCORD_TOKEN' ? 'is missing: it is required to connect to Discord' : 'is missing');
  }
  try {
    return read(raw);
  } catch (error) {
    if (error instanceof Invalid) throw new ConfigError(name, `is invalid: it ${error.message}`);
    throw error;
  }
}

export type Config = Readonly<{
  token: string;
  applicationId: string | undefined;
  guildId: string | undefined;
  storeUrl: string;
  logLevel: LogLevel;
  apiUrl: string;
  /** Per member and channel: public `/kiss-scene` answers, `/kiss-poll start`; undefined = off. */
  cooldowns: CooldownLimits;
  /**
   * The shards this process runs and the bot's total; 'auto' (no shard setting): every shard in this
   * process, as many as Discord recommends for the bot's servers.
   */
  shards: { ids: number[]; count: number } | 'auto';
  /**
   * Started by discord.js's ShardingManager (`npm run start:shards`), which sets SHARDING_MANAGER,
   * SHARDS and SHARD_COUNT in each process it starts: the process reports to it over IPC.
   */
  shardingManager: boolean;
  /** Where `/healthz` and `/metrics` are served (METRICS_PORT; 0 picks a free port); undefined: off. */
  metrics: { host: string; port: number } | undefined;
  /** How long a server's state is kept after the bot is removed from it (DATA_RETENTION_AFTER_REMOVAL). */
  dataRetentionMs: number;
  /**
   * The bot's public source repository (`/kiss-about` links to it and to its PRIVACY.md): REPOSITORY_URL,
   * else package.json's `repository`; undefined when neither says (no link is shown).
   */
  repositoryUrl: string | undefined;
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
  /** The bot's package.json (its `repository` is REPOSITORY_URL's default); read from disk when not given. */
  packageJson?: PackageJson;
}

/** Reads and validates the bot's settings once. The returned object is frozen. */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const requireToken = options.requireToken ?? true;
  // In this order: the first problem is the one reported.
  const token = setting(env, 'DISCORD_TOKEN', matching(/^\S+$/, 'must be one word without spaces: the token from the Developer Portal', { trim: true }), requireToken ? undefined : { value: 'unused' });
  const applicationId = setting(env, 'DISCORD_APPLICATION_ID', snowflake, 'optional');
  const guildId = setting(env, 'DISCORD_GUILD_ID', snowflake, 'optional');
  const storeUrl = setting(env, 'STORE_URL', matching(/^(sqlite|redis|rediss|memory):/, 'must start with sqlite://, redis://, rediss:// or memory://', { trim: true }), { value: STORE_URL_DEFAULT });
  const level = setting<LogLevel>(env, 'LOG_LEVEL', logLevel, { value: 'info' });
  const scene = setting(env, 'SCENE_COOLDOWN', cooldown, { value: { uses: 3, windowMs: 30_000 } });
  const pollStart = setting(env, 'POLL_START_COOLDOWN', cooldown, { value: { uses: 1, windowMs: 60_000 } });
  const api = setting(env, 'DISCORD_API_URL', apiUrl, { value: DISCORD_API_DEFAULT });
  const shardIds = setting(env, 'SHARD_IDS', matching(/^\d+(,\d+)*$/, 'must be a comma-separated list of shard numbers, e.g. 0,1', { trim: true }), 'optional');
  // What discord.js's ShardingManager hands each process it spawns: one shard number, or a JSON list.
  const managed = setting(env, 'SHARDS', matching(/^(\d+|\[\s*\d+(\s*,\s*\d+)*\s*\])$/, 'must be a shard number or a JSON list such as [0,1] (set by the sharding manager)', { trim: true }), 'optional');
  const shardCount = setting(env, 'SHARD_COUNT', wholeNumber('must be a whole number, 1 or more', 1), 'optional');
  // Also set by the ShardingManager, for the processes it starts (each of them a process, never a worker).
  const manager = setting(env, 'SHARDING_MANAGER', matching(/^true$/, 'must be empty: the sharding manager (npm run start:shards) sets it', { trim: true }), 'optional');
  setting(env, 'SHARDING_MANAGER_MODE', matching(/^process$/, 'must be empty or process: the sharding manager runs each shard as a process', { trim: true }), 'optional');
  const metricsPort = setting(env, 'METRICS_PORT', port, 'optional');
  const metricsHost = setting(env, 'METRICS_HOST', matching(/^[\w.:-]+$/, 'must be a host name or IP address such as 127.0.0.1', { trim: true }), { value: '127.0.0.1' });
  const dataRetentionMs = setting(env, 'DATA_RETENTION_AFTER_REMOVAL', retention, { value: DATA_RETENTION_DEFAULT_MS });
  const repositoryUrl = setting(env, 'REPOSITORY_URL', httpsAddress, 'optional') ?? packageRepository(options.packageJson ?? readPackageJson());
  const shardingManager = manager !== undefined;
  if (shardingManager && managed === undefined) throw new ConfigError('SHARDS', 'is missing: the sharding manager sets it together with SHARDING_MANAGER');
  const shards = shardsOf(shardIds, managed, shardCount);
  return Object.freeze({
    token,
    applicationId,
    guildId,
    storeUrl,
    logLevel: level,
    apiUrl: api,
    cooldowns: Object.freeze({ scene: scene ?? undefined, pollStart: pollStart ?? undefined }),
    shards: shards === 'auto' ? shards : Object.freeze({ ids: Object.freeze([...shards.ids]) as number[], count: shards.count }),
    shardingManager,
    metrics: metricsPort === undefined ? undefined : Object.freeze({ host: metricsHost, port: metricsPort }),
    dataRetentionMs,
    repositoryUrl,
  });
}

/** package.json's `repository`, when it has one: a malformed one is named like a setting. */
function packageRepository(packageJson: PackageJson): string | undefined {
  if (packageJson.repository === undefined) return undefined;
  try {
    return repositoryAddress(packageJson.repository);
  } catch (error) {
    if (error instanceof Invalid) throw new ConfigError('package.json\'s "repository"', `is invalid: it ${error.message}; or set REPOSITORY_URL, which takes its place`);
    throw error;
  }
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

/** Settings of the sharding manager (`npm run start:shards`) alone. */
export type ShardingConfig = Readonly<{
  /** Time between two shard processes' starts (Discord: one identify per 5 s per bucket). */
  spawnDelayMs: number;
}>;

export function loadShardingConfig(env: NodeJS.ProcessEnv): ShardingConfig {
  const reason = 'must be a whole number of milliseconds';
  return Object.freeze({ spawnDelayMs: setting(env, 'SHARD_SPAWN_DELAY_MS', wholeNumber(reason, 0, undefined, 'must be 0 or more'), { value: 5_500 }) });
}

/** Settings of the REST proxy (`npm run rest-proxy`) alone. */
export type RestProxyConfig = Readonly<{
  host: string;
  port: number;
  /** Where the proxy sends requests: Discord's API (the simulator's in tests). */
  upstreamUrl: string;
  logLevel: LogLevel;
}>;

export function loadRestProxyConfig(env: NodeJS.ProcessEnv): RestProxyConfig {
  return Object.freeze({
    host: setting(env, 'REST_PROXY_HOST', (raw) => raw.trim(), { value: '127.0.0.1' }),
    port: setting(env, 'REST_PROXY_PORT', port, { value: 8080 }),
    upstreamUrl: setting(env, 'DISCORD_API_URL', apiUrl, { value: DISCORD_API_DEFAULT }),
    logLevel: setting<LogLevel>(env, 'LOG_LEVEL', logLevel, { value: 'info' }),
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
