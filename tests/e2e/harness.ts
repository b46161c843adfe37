import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import type { Catalogue } from '../../src/catalogue/catalogue.js';
import type { Random } from '../../src/catalogue/random.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { commandPayload, loadCommands } from '../../src/loader.js';
import { captureLogs, type LogLine } from '../support/logs.js';
import { registerCommands } from '../../src/registration.js';
import type { SimGuild, Simulator, SimulatorOptions } from '@kiss-scene-bot/discord-simulator';
import { startCheckedSimulator } from '../support/simulator.js';

export type { LogLine } from '../support/logs.js';

export interface BotUnderTest {
  app: App;
  logs: LogLine[];
  /** Every raw log line, to check that no secret leaks. */
  rawLogs: string[];
  stop(): Promise<void>;
}

export interface World {
  sim: Simulator;
  guild: SimGuild;
  /** The first text channel of `guild`. */
  channelId: string;
  storeUrl: string;
  bot: BotUnderTest;
  /** Starts another bot process on the same store (for restarts). */
  startBot(overrides?: BotOverrides): Promise<BotUnderTest>;
  close(): Promise<void>;
}

export interface BotOverrides {
  clock?: Clock;
  random?: Random;
  storeUrl?: string;
  shards?: { ids: number[]; count: number };
  /** Where the bot sends its REST requests (a REST proxy in front of the simulator); default the simulator. */
  apiUrl?: string;
  pollEditIntervalMs?: number;
  /** Serve /metrics and /healthz on 127.0.0.1 (METRICS_PORT; 0 picks a free port, see `app.metricsUrl`). */
  metricsPort?: number;
  /** More settings, as environment variables (e.g. DATA_RETENTION_AFTER_REMOVAL). */
  env?: Record<string, string>;
  /** The built-in catalogue (default: data/stories), e.g. a few of its stories for a small server. */
  catalogue?: Catalogue;
}

export interface WorldOptions {
  simulator?: SimulatorOptions;
  clock?: Clock;
  random?: Random;
  /** Default: a fresh SQLite file under the system's temp folder (the real store, as in production). */
  storeUrl?: string;
  /** Register commands globally (default) or to the test guild. */
  guildCommands?: boolean;
  pollEditIntervalMs?: number;
  /** Settings of the first bot process (for example the shards it runs). */
  firstBot?: BotOverrides;
  /**
   * Changes the world before the first bot connects (thousands of servers, say); what it returns is
   * added to the first bot's settings (a REST proxy started meanwhile, for example).
   */
  beforeBot?: (sim: Simulator) => void | BotOverrides | Promise<void | BotOverrides>;
}

/**
 * Starts the local Discord simulator with one server, registers the commands exactly as
 * `npm run deploy` does, and starts the bot with the same wiring as `npm start` (createApp),
 * pointed at the simulator through DISCORD_API_URL only. A request body that does not match
 * Discord's OpenAPI description fails the test that caused it.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const sim = await startCheckedSimulator({ clock: options.clock, ...options.simulator });
  const guild = sim.createGuild({ name: 'K-drama Club', channels: [{ name: 'general' }, { name: 'kdrama' }] });
  const channelId = guild.channels.find((c) => c.type === 0)!.id;
  const storeUrl = options.storeUrl ?? `sqlite://${join(mkdtempSync(join(tmpdir(), 'kiss-e2e-')), 'state.sqlite')}`;

  const body = commandPayload(await loadCommands());
  await registerCommands(
    { apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId, guildId: options.guildCommands ? guild.id : undefined },
    body,
  );

  const bots: BotUnderTest[] = [];
  const startBot: World['startBot'] = async (overrides = {}) => {
    const env: Record<string, string> = {
      DISCORD_TOKEN: sim.token,
      DISCORD_API_URL: overrides.apiUrl ?? sim.apiUrl,
      DISCORD_APPLICATION_ID: sim.applicationId,
      STORE_URL: overrides.storeUrl ?? storeUrl,
      LOG_LEVEL: 'debug',
    };
    if (overrides.metricsPort !== undefined) env.METRICS_PORT = String(overrides.metricsPort);
    Object.assign(env, overrides.env);
    if (overrides.shards) {
      env.SHARD_IDS = overrides.shards.ids.join(',');
      env.SHARD_COUNT = String(overrides.shards.count);
    }
    const config = loadConfig(env);
    const { logger, lines: logs, raw: rawLogs } = captureLogs(config.logLevel, [config.token]);
    const app = await createApp({
      config,
      logger,
      clock: overrides.clock ?? options.clock,
      random: overrides.random ?? options.random,
      pollEditIntervalMs: overrides.pollEditIntervalMs ?? options.pollEditIntervalMs,
      catalogue: overrides.catalogue,
    });
    await app.start();
    const bot: BotUnderTest = { app, logs, rawLogs, stop: () => app.stop() };
    bots.push(bot);
    return bot;
  };

  const late = await options.beforeBot?.(sim);
  const bot = await startBot({ ...options.firstBot, ...late });
  return {
    sim,
    guild,
    channelId,
    storeUrl,
    bot,
    startBot,
    async close() {
      for (const b of bots) await b.stop().catch(() => undefined);
      await sim.close();
    },
  };
}

/** A random source that walks through a fixed list of values, for predictable picks. */
export function sequence(...values: number[]): Random {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}
