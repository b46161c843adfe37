import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { applicationIdFromToken, ConfigError, DISCORD_API_DEFAULT, loadConfig, loadRestProxyConfig, loadShardingConfig, STORE_URL_DEFAULT } from '../../src/config.js';
import { readPackageJson } from '../../src/package-json.js';
import { captureLogs } from '../support/logs.js';

const TOKEN = 'test-token-not-real-0123456789';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('reads defaults and freezes the result', () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN });
    expect(config).toMatchObject({ storeUrl: STORE_URL_DEFAULT, apiUrl: DISCORD_API_DEFAULT, logLevel: 'info', guildId: undefined, shards: 'auto' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, STORE_URL: '', DISCORD_GUILD_ID: '  ' }).storeUrl).toBe(STORE_URL_DEFAULT);
  });

  it('reads .env.example as shipped, with only the token filled in, as the defaults', () => {
    const shipped = parse(readFileSync(new URL('../../.env.example', import.meta.url)));
    expect(shipped).toMatchObject({ DISCORD_TOKEN: '', SHARD_IDS: '', SHARD_COUNT: '', METRICS_PORT: '', REST_PROXY_PORT: '' });
    const env = { ...shipped, DISCORD_TOKEN: TOKEN };
    expect(loadConfig(env)).toEqual(loadConfig({ DISCORD_TOKEN: TOKEN }));
    expect(loadConfig(env)).toMatchObject({ shards: 'auto', shardingManager: false, metrics: undefined });
    expect(loadShardingConfig(env)).toEqual(loadShardingConfig({}));
    expect(loadRestProxyConfig(env)).toEqual(loadRestProxyConfig({}));
  });

  it('names the missing token in one line that points to .env.example', () => {
    const message = errorOf({});
    expect(message).toBe('Config error: DISCORD_TOKEN is missing: it is required to connect to Discord (see .env.example).');
  });

  it.each([
    ['LOG_LEVEL', 'loud', /LOG_LEVEL is invalid: it must be one of/],
    ['DISCORD_GUILD_ID', '123', /DISCORD_GUILD_ID is invalid: it must be a Discord id/],
    ['DISCORD_APPLICATION_ID', 'abc', /DISCORD_APPLICATION_ID is invalid/],
    ['STORE_URL', 'mysql://db', /STORE_URL is invalid: it must start with sqlite:\/\//],
    ['DISCORD_API_URL', 'not a url', /DISCORD_API_URL is invalid: it must be a URL/],
    ['SHARD_COUNT', 'two', /SHARD_COUNT is invalid/],
  ])('refuses a malformed %s', (variable, value, pattern) => {
    const message = errorOf({ DISCORD_TOKEN: TOKEN, [variable]: value, ...(variable === 'SHARD_COUNT' ? { SHARD_IDS: '0' } : {}) });
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(TOKEN);
  });

  it('reads the cooldowns as uses per period, or off', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN }).cooldowns).toEqual({ scene: { uses: 3, windowMs: 30_000 }, pollStart: { uses: 1, windowMs: 60_000 } });
    const set = loadConfig({ DISCORD_TOKEN: TOKEN, SCENE_COOLDOWN: ' 5 / 2M ', POLL_START_COOLDOWN: 'off' }).cooldowns;
    expect(set).toEqual({ scene: { uses: 5, windowMs: 120_000 }, pollStart: undefined });
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SCENE_COOLDOWN: '0', POLL_START_COOLDOWN: '2/1h' }).cooldowns).toEqual({ scene: undefined, pollStart: { uses: 2, windowMs: 3_600_000 } });
  });

  it.each([
    ['SCENE_COOLDOWN', '3'],
    ['SCENE_COOLDOWN', '3/30'],
    ['SCENE_COOLDOWN', '0/30s'],
    ['SCENE_COOLDOWN', '-1/30s'],
    ['POLL_START_COOLDOWN', '1 per minute'],
    ['POLL_START_COOLDOWN', '1/0s'],
  ])('refuses a cooldown %s=%s in one line naming it', (variable, value) => {
    const message = errorOf({ DISCORD_TOKEN: TOKEN, [variable]: value });
    expect(message).toBe(`Config error: ${variable} is invalid: it must be uses per period such as 3/30s or 1/1m (s, m or h), or off (see .env.example).`);
  });

  it('refuses a cooldown period over a day', () => {
    expect(errorOf({ DISCORD_TOKEN: TOKEN, POLL_START_COOLDOWN: '1/25h' })).toBe(
      'Config error: POLL_START_COOLDOWN is invalid: it must have a period of at most 24h (see .env.example).',
    );
  });

  it('never echoes the token, even when the token itself is malformed', () => {
    const message = errorOf({ DISCORD_TOKEN: 'two words-secret-value' });
    expect(message).toMatch(/^Config error: DISCORD_TOKEN is invalid/);
    expect(message).not.toContain('secret-value');
  });

  it('takes the shard that discord.js’s ShardingManager hands a child process', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARDS: '2', SHARD_COUNT: '3' }).shards).toEqual({ ids: [2], count: 3 });
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARDS: '[0, 2]', SHARD_COUNT: '3' }).shards).toEqual({ ids: [0, 2], count: 3 });
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARDS: '3', SHARD_COUNT: '3' })).toMatch(/SHARDS is invalid: every shard number must be below SHARD_COUNT \(3\)/);
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARDS: 'zero', SHARD_COUNT: '3' })).toMatch(/SHARDS is invalid/);
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARDS: '0', SHARD_IDS: '0', SHARD_COUNT: '3' })).toMatch(/set SHARD_IDS or SHARDS, not both/);
  });

  it('knows it was started by the sharding manager from SHARDING_MANAGER, which comes with SHARDS', () => {
    const child = { DISCORD_TOKEN: TOKEN, SHARDING_MANAGER: 'true', SHARDING_MANAGER_MODE: 'process', SHARDS: '1', SHARD_COUNT: '2' };
    expect(loadConfig(child)).toMatchObject({ shardingManager: true, shards: { ids: [1], count: 2 } });
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARDING_MANAGER: '', SHARDING_MANAGER_MODE: '' }).shardingManager).toBe(false);
    expect(errorOf({ ...child, SHARDS: '' })).toBe('Config error: SHARDS is missing: the sharding manager sets it together with SHARDING_MANAGER (see .env.example).');
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARDING_MANAGER: 'false' })).toBe(
      'Config error: SHARDING_MANAGER is invalid: it must be empty: the sharding manager (npm run start:shards) sets it (see .env.example).',
    );
    expect(errorOf({ ...child, SHARDING_MANAGER_MODE: 'worker' })).toMatch(/^Config error: SHARDING_MANAGER_MODE is invalid: it must be empty or process/);
  });

  it('takes shards as a pair that must agree', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARD_IDS: '0,1', SHARD_COUNT: '4' }).shards).toEqual({ ids: [0, 1], count: 4 });
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '2' }).shards).toEqual({ ids: [0, 1], count: 2 });
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARD_IDS: '0' })).toMatch(/SHARD_COUNT is missing: set it together with SHARD_IDS/);
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARD_IDS: '1,1', SHARD_COUNT: '2' })).toMatch(/SHARD_IDS is invalid: a shard is listed twice/);
    expect(errorOf({ DISCORD_TOKEN: TOKEN, SHARD_IDS: '2', SHARD_COUNT: '2' })).toMatch(/below SHARD_COUNT/);
  });

  it('serves metrics only when METRICS_PORT is set, on 127.0.0.1 unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN }).metrics).toBeUndefined();
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, METRICS_PORT: '9464' }).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ host: '0.0.0.0', port: 0 });
    expect(errorOf({ DISCORD_TOKEN: TOKEN, METRICS_PORT: '70000' })).toBe('Config error: METRICS_PORT is invalid: it must be a port number (0 to 65535) (see .env.example).');
    expect(errorOf({ DISCORD_TOKEN: TOKEN, METRICS_PORT: 'nine' })).toBe('Config error: METRICS_PORT is invalid: it must be a port number (0 to 65535) (see .env.example).');
    expect(errorOf({ DISCORD_TOKEN: TOKEN, METRICS_PORT: '9464', METRICS_HOST: 'http://x' })).toBe(
      'Config error: METRICS_HOST is invalid: it must be a host name or IP address such as 127.0.0.1 (see .env.example).',
    );
  });

  it('keeps a removed server’s data 7 days by default, or as long as DATA_RETENTION_AFTER_REMOVAL says', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN }).dataRetentionMs).toBe(7 * 86_400_000);
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_AFTER_REMOVAL: ' 30D ' }).dataRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_AFTER_REMOVAL: '12h' }).dataRetentionMs).toBe(12 * 3_600_000);
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_AFTER_REMOVAL: '0' }).dataRetentionMs).toBe(0);
    for (const value of ['7', 'a week', '-1d', '7w', '1.5d']) {
      expect(errorOf({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_AFTER_REMOVAL: value })).toBe(
        'Config error: DATA_RETENTION_AFTER_REMOVAL is invalid: it must be a duration such as 7d, 12h or 30m (s, m, h or d), or 0 (see .env.example).',
      );
    }
    expect(errorOf({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_AFTER_REMOVAL: '366d' })).toBe('Config error: DATA_RETENTION_AFTER_REMOVAL is invalid: it must be at most 365d (see .env.example).');
  });

  describe('the repository /kiss-about links to', () => {
    const withPackage = (repository: unknown, env: Record<string, string> = {}) =>
      loadConfig({ DISCORD_TOKEN: TOKEN, ...env }, { packageJson: { repository } }).repositoryUrl;

    it("is package.json's repository, in any of npm's forms", () => {
      const page = 'https://github.com/you/kiss-scene-bot';
      for (const form of [
        page,
        `${page}/`,
        `git+${page}.git`,
        'git+ssh://git@github.com/you/kiss-scene-bot.git',
        'ssh://git@github.com/you/kiss-scene-bot.git',
        'git://github.com/you/kiss-scene-bot.git',
        'git@github.com:you/kiss-scene-bot.git',
        'github:you/kiss-scene-bot',
        'you/kiss-scene-bot',
        { type: 'git', url: `git+${page}.git` },
      ]) {
        expect(withPackage(form), JSON.stringify(form)).toBe(page);
      }
      expect(withPackage('gitlab:you/kiss-scene-bot')).toBe('https://gitlab.com/you/kiss-scene-bot');
      expect(withPackage('bitbucket:you/kiss-scene-bot')).toBe('https://bitbucket.org/you/kiss-scene-bot');
    });

    it('is REPOSITORY_URL (https only) when set, over package.json', () => {
      expect(withPackage('github:you/kiss-scene-bot', { REPOSITORY_URL: 'https://git.example/me/bot/' })).toBe('https://git.example/me/bot');
      // A package.json field REPOSITORY_URL replaces is not read at all.
      expect(withPackage(42, { REPOSITORY_URL: 'https://git.example/me/bot' })).toBe('https://git.example/me/bot');
      expect(errorOf({ DISCORD_TOKEN: TOKEN, REPOSITORY_URL: 'http://git.example/me/bot' })).toBe(
        'Config error: REPOSITORY_URL is invalid: it must be an https address such as https://github.com/you/kiss-scene-bot (see .env.example).',
      );
    });

    it('is none when neither says (this project’s package.json has no repository yet)', () => {
      expect(withPackage(undefined)).toBeUndefined();
      expect(withPackage(undefined, { REPOSITORY_URL: '' })).toBeUndefined();
      expect(loadConfig({ DISCORD_TOKEN: TOKEN }).repositoryUrl).toBeUndefined();
    });

    it('reads the nearest package.json above the code, from src/ as from the build’s dist/src/', () => {
      expect(readPackageJson()).toMatchObject({ name: 'kiss-scene-bot' });
      const app = mkdtempSync(join(tmpdir(), 'kiss-package-'));
      mkdirSync(join(app, 'dist', 'src'), { recursive: true });
      writeFileSync(join(app, 'package.json'), JSON.stringify({ repository: 'github:you/kiss-scene-bot' }));
      const found = readPackageJson(pathToFileURL(join(app, 'dist', 'src') + '/'));
      expect(loadConfig({ DISCORD_TOKEN: TOKEN }, { packageJson: found }).repositoryUrl).toBe('https://github.com/you/kiss-scene-bot');
    });

    it("stops the bot with one line naming package.json's repository when it is malformed", () => {
      for (const bad of ['http://github.com/you/bot', 'gist:abc', 'sourcehut:you/bot', 42, { url: 7 }]) {
        let message = '';
        try {
          withPackage(bad);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          message = (error as Error).message;
        }
        expect(message, JSON.stringify(bad)).toMatch(/^Config error: package\.json's "repository" is invalid: it .+; or set REPOSITORY_URL, which takes its place \(see \.env\.example\)\.$/);
      }
    });
  });

  it('strips a trailing slash from the API address', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'http://127.0.0.1:9999/api/' }).apiUrl).toBe('http://127.0.0.1:9999/api');
  });

  it('lets the dry-run go without a token', () => {
    expect(loadConfig({}, { requireToken: false }).token).toBe('unused');
  });

  it('reads the application id from a token', () => {
    const id = '123456789012345678';
    expect(applicationIdFromToken(`${Buffer.from(id).toString('base64')}.abc.def`)).toBe(id);
    expect(applicationIdFromToken('garbage')).toBeUndefined();
  });
});

describe('logs', () => {
  it('never contain the token, in messages, fields or errors', async () => {
    const { logger, raw: lines } = captureLogs('info', [TOKEN]);
    logger.info({ token: TOKEN, headers: { authorization: `Bot ${TOKEN}` } }, `connecting with ${TOKEN}`);
    logger.error({ err: new Error(`401 for ${TOKEN}`), detail: `x${TOKEN}y` }, 'failed');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    expect(lines).toHaveLength(2);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('[redacted]');
    expect(text).toContain('connecting with [redacted]');
  });
});

describe('logs of Discord API errors', () => {
  it('hide interaction tokens carried in request URLs', async () => {
    const { logger, raw: lines } = captureLogs('info', [TOKEN]);
    const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA';
    const err = Object.assign(new Error('Unknown interaction'), {
      url: `https://discord.com/api/v10/interactions/123456789012345678/${interactionToken}/callback`,
      requestBody: { json: { content: 'x' } },
    });
    logger.error({ err, webhook: `/webhooks/123456789012345678/${interactionToken}/messages/@original` }, 'failed');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    expect(text).toContain('interactions/123456789012345678/[redacted]/callback');
    expect(text).toContain('webhooks/123456789012345678/[redacted]/messages');
    expect(text).not.toContain(interactionToken);
  });
});
