/**
 * The playground: the local Discord simulator, the real bot (the same `createApp` wiring as
 * `npm start`, commands registered as `npm run deploy` does) and a Discord-like page on 127.0.0.1.
 * The page talks only to the playground's API; the bot talks to the simulator only through
 * Discord's REST and gateway protocol. One JumpClock is shared by the simulator and the bot.
 */
import { rm } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { JumpClock, startSimulator, type SimMessage, type Simulator } from '@kiss-scene-bot/discord-simulator';
import { commandPayload, createApp, createLogger, loadCommands, loadConfig, registerCommands, type App, type Catalogue, type Logger } from './bot.js';
import { PlaygroundApi, type AdvancingClock } from './api.js';
import { pageAssets } from './assets.js';
import { EventHub } from './events.js';
import { seedWorld, type Seed } from './seed.js';
import { PlaygroundServer } from './server.js';
import { LOADING_FLAG, messageView } from './views.js';

/** The playground's own state file (git-ignored), apart from the bot's `data/state/`. */
export const PLAYGROUND_STORE_URL = 'sqlite://.playground/state.sqlite';
/** The bot's name in the playground. */
export const BOT_NAME = 'Kiss Scene Bot';
const BOT_COLOUR = '#f25c8a';
/** The simulator keeps every REST request; the playground keeps the newest of them only. */
const REQUESTS_KEPT = 1000;

export interface PlaygroundOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 3000. */
  port?: number;
  /** Default {@link PLAYGROUND_STORE_URL}. */
  storeUrl?: string;
  /** Shared by the simulator and the bot. Default: a new JumpClock (real time that can jump). */
  clock?: AdvancingClock;
  /**
   * Start from an empty state file (default true): the simulated server is new on every start, so
   * polls and daily posts saved by an earlier run would point at channels that no longer exist.
   */
  freshState?: boolean;
  /** The bot's and the playground's logger. Default: pino at `warn` to stdout. */
  logger?: Logger;
  /** Real milliseconds the bot has to answer an interaction (default 3000, as on Discord). */
  interactionDeadlineMs?: number;
  /** The bot's built-in stories. Default: the repository's catalogue (data/stories/), as `npm start` loads it. */
  catalogue?: Catalogue;
}

export interface Playground {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  readonly sim: Simulator;
  readonly app: App;
  readonly seed: Seed;
  readonly clock: AdvancingClock;
  /** Stops the page server, the bot and the simulator. Safe to call twice. */
  close(): Promise<void>;
}

/** Deletes a SQLite state file and its journal files; other store kinds are left alone. */
async function clearSqlite(storeUrl: string): Promise<void> {
  if (!storeUrl.startsWith('sqlite://')) return;
  const raw = storeUrl.slice('sqlite://'.length);
  if (raw === ':memory:') return;
  const file = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
  await Promise.all(['', '-journal', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
}

/** Starts the simulator, the seeded server, the bot and the page server. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const clock = options.clock ?? new JumpClock();
  const storeUrl = options.storeUrl ?? PLAYGROUND_STORE_URL;
  const logger = options.logger ?? createLogger({ level: 'warn' });
  if (options.freshState ?? true) await clearSqlite(storeUrl);
  const assets = await pageAssets();

  const sim = await startSimulator({
    clock,
    botUsername: BOT_NAME,
    ...(options.interactionDeadlineMs !== undefined ? { interactionDeadlineMs: options.interactionDeadlineMs } : {}),
  });
  const cleanup: Array<() => Promise<void>> = [() => sim.close()];
  const closeAll = async () => {
    for (const step of cleanup.reverse().splice(0)) await step().catch((err: unknown) => logger.warn({ err }, 'playground shutdown step failed'));
  };
  try {
    sim.on('request', () => {
      if (sim.requests.length > REQUESTS_KEPT * 2) sim.requests.splice(0, sim.requests.length - REQUESTS_KEPT);
    });
    const seed = seedWorld(sim);

    // Exactly what `npm run deploy` does, against the simulator.
    await registerCommands(
      { apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId },
      commandPayload(await loadCommands()),
    );

    const config = loadConfig({
      DISCORD_TOKEN: sim.token,
      DISCORD_API_URL: sim.apiUrl,
      DISCORD_APPLICATION_ID: sim.applicationId,
      STORE_URL: storeUrl,
      LOG_LEVEL: 'warn',
    });
    const app = await createApp({ config, clock, logger, ...(options.catalogue ? { catalogue: options.catalogue } : {}) });
    cleanup.push(() => app.stop());
    await app.start();

    const events = new EventHub();
    cleanup.push(() => Promise.resolve(events.close()));
    const guildChannels = new Set(seed.channels.map((c) => c.id));
    const deferred = new Set<string>();
    const wasDeferred = (id: string) => deferred.has(id);
    sim.on('messageCreate', (m) => {
      if (m.flags & LOADING_FLAG) deferred.add(m.id);
    });
    const forward = (kind: 'messageCreate' | 'messageUpdate' | 'messageDelete') => (m: SimMessage) => {
      if (!guildChannels.has(m.channel_id)) return;
      if (m.ephemeral && !m.recipientId) return;
      const only = m.ephemeral ? m.recipientId : undefined;
      if (kind === 'messageDelete') events.send({ kind, id: m.id, channelId: m.channel_id }, only);
      else events.send({ kind, message: messageView(m, wasDeferred) }, only);
    };
    sim.on('messageCreate', forward('messageCreate'));
    sim.on('messageUpdate', forward('messageUpdate'));
    sim.on('messageDelete', forward('messageDelete'));

    const api = new PlaygroundApi({ sim, seed, clock, events, logger, wasDeferred });
    const colours = new Map(seed.members.map((m) => [m.user.id, m.colour]));
    const server = new PlaygroundServer({
      api,
      assets,
      logger,
      avatar: (userId) => {
        const user = sim.world.users.get(userId);
        const colour = userId === sim.botUserId ? BOT_COLOUR : (colours.get(userId) ?? '#80848e');
        return { name: user?.globalName ?? user?.username ?? '?', colour };
      },
    });
    const port = await server.listen(options.port ?? 3000);
    cleanup.push(() => server.close());

    return {
      url: `http://127.0.0.1:${port}/`,
      port,
      sim,
      app,
      seed,
      clock,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
