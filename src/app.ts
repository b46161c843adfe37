import { Client, Events, GatewayIntentBits, Options, Partials } from 'discord.js';
import { loadCatalogue, type Catalogue } from './catalogue/catalogue.js';
import type { Random } from './catalogue/random.js';
import { CoupleSearch } from './catalogue/search.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createCooldowns } from './cooldowns.js';
import { createDiscordDailyPublisher } from './daily/discord-publisher.js';
import { ownsGuildFor } from './daily/ownership.js';
import { createDailyService } from './daily/service.js';
import { SharedIdentifyThrottler } from './identify-throttler.js';
import { handleInteraction } from './interactions.js';
import { loadCommands, type CommandRegistry } from './loader.js';
import { createLogger, type Logger } from './logger.js';
import type { BotMetrics } from './metrics/metrics.js';
import type { OperatorEndpointsHandle } from './metrics/process.js';
import { createDiscordPublisher } from './polls/discord-publisher.js';
import { createPollService } from './polls/service.js';
import { SceneReplies } from './replies/scene-replies.js';
import { createStore, openKeyv, type Store } from './store/index.js';

export interface AppOptions {
  config: Config;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  catalogue?: Catalogue;
  /** Keyv store to use instead of opening `config.storeUrl` (tests). */
  store?: Store;
  /** Least time between two live edits of one poll message (default 2 s). */
  pollEditIntervalMs?: number;
}

export interface App {
  readonly client: Client;
  readonly ctx: AppContext;
  readonly registry: CommandRegistry;
  /**
   * This process's Prometheus metrics (its own registry), when someone reads them: METRICS_PORT is
   * set, or the process runs under the sharding manager (which serves its metrics). Otherwise
   * undefined, and prom-client is never loaded.
   */
  readonly metrics: BotMetrics | undefined;
  /** Where `/metrics` and `/healthz` are served once started (METRICS_PORT); undefined when off. */
  readonly metricsUrl: string | undefined;
  /** Logs in and resolves when the client is ready and the background services run. */
  start(): Promise<void>;
  /** Stops the services, closes the gateway and the store. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Wires the bot: the same wiring for `npm start`, the end-to-end tests and the playground.
 * Only the Guilds intent (no privileged intent): the bot works from interactions, and needs the
 * guild and channel cache for permission checks. Caches it never reads are turned off.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: [config.token] });
  const catalogue = options.catalogue ?? loadCatalogue();
  // What every `/kiss-scene` reads is held in memory: Discord sends each server's interactions to
  // this process alone (see store/memory.ts).
  const store = options.store ?? createStore(openKeyv(config.storeUrl), { memory: { now: () => clock.now() } });
  const registry = await loadCommands();

  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    partials: [Partials.Channel],
    rest: { api: config.apiUrl, version: '10' },
    // 'auto' asks Discord (GET /gateway/bot) for the recommended count: Discord refuses a shard
    // that carries more than 2,500 servers.
    ...(config.shards === 'auto' ? { shards: 'auto' as const } : { shards: config.shards.ids, shardCount: config.shards.count }),
    ws: {
      // One IDENTIFY per 5 s per concurrency bucket for the whole bot, not per process: shard
      // processes (a sharding manager, several machines) take their bucket in the shared store.
      buildIdentifyThrottler: async (manager) =>
        new SharedIdentifyThrottler({
          maxConcurrency: (await manager.fetchGatewayInformation()).session_start_limit.max_concurrency,
          claim: (key, ttlMs) => store.setIfAbsent(`bot:${key}`, clock.now(), ttlMs),
        }),
    },
    // Off: what arrives with the Guilds intent and is never read (the messages the bot sends, the
    // emojis, stickers, events and stages in every GUILD_CREATE, the members and users of every
    // interaction). A cache whose data needs an intent the bot lacks (presences, voice states,
    // reactions, invites, bans…) stays empty anyway: limiting it would only make it bigger (a
    // limited collection is larger than a plain one, in every server).
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildStickerManager: 0,
      GuildEmojiManager: 0,
      StageInstanceManager: 0,
      GuildScheduledEventManager: 0,
      // Keep only the bot's own member: permission checks need it.
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
    }),
  });

  // prom-client, its registry and its process metrics (an event-loop monitor among them) cost time
  // and memory at start-up: loaded only when something serves the metrics (a shard process of the
  // sharding manager has `client.shard`).
  const metrics = config.metrics || client.shard ? (await import('./metrics/metrics.js')).createBotMetrics() : undefined;
  if (metrics) store.onError(() => metrics.storeError());

  const random = options.random ?? Math.random;
  const pollService = createPollService({
    store: store.polls,
    catalogue,
    clock,
    logger,
    random,
    publisher: createDiscordPublisher(client.rest),
    ...(options.pollEditIntervalMs !== undefined ? { editIntervalMs: options.pollEditIntervalMs } : {}),
  });
  const polls = metrics ? metrics.countingVotes(pollService) : pollService;

  const daily = createDailyService({
    store: store.daily,
    catalogue,
    clock,
    logger,
    random,
    publisher: createDiscordDailyPublisher(client),
    ownsGuild: ownsGuildFor(config.shards === 'auto' ? undefined : config.shards),
    videos: store.videos,
    onPostSettled: metrics ? (result) => metrics.dailyPost(result) : undefined,
  });

  const ctx: AppContext = Object.freeze({
    config,
    logger,
    store,
    catalogue,
    search: new CoupleSearch(catalogue),
    sceneReplies: new SceneReplies(catalogue),
    clock,
    random,
    polls,
    daily,
    cooldowns: createCooldowns(config.cooldowns, clock),
  });

  client.on(Events.InteractionCreate, (interaction) => {
    void handleInteraction(interaction, ctx, registry, metrics?.interaction);
  });
  // Servers this process serves: restore their polls' timers (and close what fell due while down).
  client.on(Events.GuildCreate, (guild) => void polls.start([guild.id]));
  // A server that removed the bot: nothing of it is kept in memory any more.
  client.on(Events.GuildDelete, (guild) => void store.forget(guild.id).catch((err: unknown) => logger.warn({ guildId: guild.id, err }, 'could not forget a server')));
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'shard disconnected'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'shard resumed'));

  metrics?.watch(client);

  let stopped = false;
  let operators: OperatorEndpointsHandle | undefined;
  return {
    client,
    ctx,
    registry,
    metrics,
    get metricsUrl() {
      return operators?.url;
    },
    async start() {
      if (metrics) operators = await (await import('./metrics/process.js')).startOperatorEndpoints({ client, config, metrics, store, logger });
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.token);
      await ready;
      // Restoring poll timers and loading daily schedules are independent: do both at once.
      await Promise.all([polls.start(client.guilds.cache.keys()), daily.start()]);
      logger.info({ guilds: client.guilds.cache.size, shards: client.ws.shards.size, commands: registry.commands.size }, 'bot ready');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await operators?.stop();
      await polls.stop();
      await daily.stop();
      ctx.cooldowns.close();
      await client.destroy();
      await store.close();
      logger.info('bot stopped');
    },
  };
}
