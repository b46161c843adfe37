import { Client, Events, GatewayIntentBits, Options, Partials, ShardClientUtil } from 'discord.js';
import { loadCatalogue, type Catalogue } from './catalogue/catalogue.js';
import type { Random } from './catalogue/random.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createCooldowns } from './cooldowns.js';
import { createDiscordDailyPublisher } from './daily/discord-publisher.js';
import { ownsGuildFor } from './daily/ownership.js';
import { withoutDiscordEnv } from './discord-env.js';
import { createDailyService } from './daily/service.js';
import { SharedIdentifyThrottler } from './identify-throttler.js';
import { handleInteraction } from './interactions.js';
import { createDataLifecycle } from './lifecycle/service.js';
import { commandPayload, loadCommands, type CommandRegistry } from './loader.js';
import { createLogger, type Logger } from './logger.js';
import { createCommandMentions } from './mentions.js';
import type { BotMetrics } from './metrics/metrics.js';
import type { OperatorEndpointsHandle } from './metrics/process.js';
import { createDiscordPublisher } from './polls/discord-publisher.js';
import { createPollService } from './polls/service.js';
import { SceneReplies } from './replies/scene-replies.js';
import { createStore, isStoreUnavailable, openKeyv, type Store } from './store/index.js';
import { createCandidatePool } from './worldcup/candidates.js';
import { createWorldCupService } from './worldcup/service.js';
import { createQuizService } from './quiz/service.js';
import { createCoupleBook } from './stories/book.js';
import { createStoryService } from './stories/service.js';

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
  /** How often removed servers' data is checked for deletion and expired values swept (default 1 h). */
  dataSweepIntervalMs?: number;
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
  // Set once the client exists (below); the store, made before it, tells it when it goes down or comes back.
  // eslint-disable-next-line prefer-const -- assigned once, after the store's callback that reads it is made
  let metrics: BotMetrics | undefined;
  // What every `/kiss-scene` reads is held in memory: Discord sends each server's interactions to
  // this process alone (see store/memory.ts).
  const store =
    options.store ??
    createStore(openKeyv(config.storeUrl), { logger, memory: { now: () => clock.now() }, onAvailabilityChange: (up) => metrics?.storeAvailable(up) });
  const registry = await loadCommands();

  // Made without the variables discord.js would read by itself (see discord-env.ts): the shards
  // come from the config alone.
  const client = withoutDiscordEnv(() => new Client({
    intents: [GatewayIntentBits.Guilds],
    partials: [Partials.Channel],
    rest: { api: config.apiUrl, version: '10' },
    // 'auto' asks Discord (GET /gateway/bot) for the recommended count: Discord refuses a shard
    // that carries more than 2,500 servers. discord.js replaces the count 1 once it knows.
    ...(config.shards === 'auto' ? { shards: 'auto' as const, shardCount: 1 } : { shards: config.shards.ids, shardCount: config.shards.count }),
    ws: {
      // One IDENTIFY per 5 s per concurrency bucket for the whole bot, not per process: shard
      // processes (a sharding manager, several machines) take their bucket in the shared store.
      buildIdentifyThrottler: async (manager) =>
        new SharedIdentifyThrottler({
          maxConcurrency: (await manager.fetchGatewayInformation()).session_start_limit.max_concurrency,
          // With the store down, a shard waits for it (asking again shortly) rather than identify unchecked.
          claim: async (key, ttlMs) => {
            try {
              return await store.setIfAbsent(`bot:${key}`, clock.now(), ttlMs);
            } catch (err) {
              if (isStoreUnavailable(err)) return false;
              throw err;
            }
          },
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
  }));
  // Started by the sharding manager: tell it when the shard is ready, answer its requests (what
  // discord.js does when it finds SHARDING_MANAGER in the environment).
  if (config.shardingManager) client.shard = ShardClientUtil.singleton(client as Client<true>, 'process');

  // prom-client, its registry and its process metrics (an event-loop monitor among them) cost time
  // and memory at start-up: loaded only when something serves the metrics (a shard process of the
  // sharding manager has `client.shard`).
  metrics = config.metrics || client.shard ? (await import('./metrics/metrics.js')).createBotMetrics() : undefined;
  if (metrics) {
    const counting = metrics;
    store.onError(() => counting.storeError());
  }

  const random = options.random ?? Math.random;
  // What each server sees: the catalogue, then its own stories (read from the store, held in memory).
  const couples = createCoupleBook({ catalogue, stories: store.stories });
  const pollService = createPollService({
    store: store.polls,
    catalogue: couples,
    clock,
    logger,
    random,
    publisher: createDiscordPublisher(client.rest),
    ...(options.pollEditIntervalMs !== undefined ? { editIntervalMs: options.pollEditIntervalMs } : {}),
  });
  const polls = metrics ? metrics.countingVotes(pollService) : pollService;

  const owns = ownsGuildFor(config.shards === 'auto' ? undefined : config.shards);
  /**
   * Servers the bot was removed from (their data kept for the grace period): no timer of theirs runs.
   * Filled by the data lifecycle at start-up, before the services below restore their timers.
   */
  const removed = new Set<string>();

  const daily = createDailyService({
    store: store.daily,
    catalogue: couples,
    clock,
    logger,
    random,
    publisher: createDiscordDailyPublisher(client),
    ownsGuild: owns,
    videos: store.videos,
    serverName: (guildId) => client.guilds.cache.get(guildId)?.name,
    onPostSettled: (result) => metrics?.dailyPost(result),
  });

  const worldcup = createWorldCupService({
    store: store.worldcup,
    pool: createCandidatePool({ catalogue: couples }),
    clock,
    random,
    logger,
    publisher: createDiscordPublisher(client.rest),
    polls,
    ownsGuild: (guildId) => owns(guildId) && !removed.has(guildId),
    ...(options.pollEditIntervalMs !== undefined ? { editIntervalMs: options.pollEditIntervalMs } : {}),
  });

  const quizService = createQuizService({
    store: store.quiz,
    couples,
    clock,
    random,
    logger,
    publisher: createDiscordPublisher(client.rest),
    ownsGuild: (guildId) => owns(guildId) && !removed.has(guildId),
    ...(options.pollEditIntervalMs !== undefined ? { editIntervalMs: options.pollEditIntervalMs } : {}),
  });
  const quiz = metrics ? metrics.countingQuiz(quizService) : quizService;

  const lifecycle = createDataLifecycle({
    store: store.lifecycle,
    clock,
    logger,
    retentionMs: config.dataRetentionMs,
    sweepIntervalMs: options.dataSweepIntervalMs,
    serves: (guildId) => client.guilds.cache.get(guildId)?.available === true,
    // READY lists every server of this process's shards, those in an outage as unavailable.
    isMember: (guildId) => client.guilds.cache.has(guildId),
    owns,
    timers: {
      // Removed from the server: nothing of it is kept in memory meanwhile (pinned links, last stories).
      pause: async (guildId) => {
        removed.add(guildId);
        await Promise.all([polls.forget(guildId), daily.pause(guildId), worldcup.forget(guildId), quiz.forget(guildId), store.forget(guildId)]);
      },
      resume: async (guildId) => {
        if (!removed.delete(guildId)) return;
        await Promise.all([polls.start([guildId]), daily.resume(guildId), worldcup.resume(guildId), quiz.resume(guildId)]);
      },
      forget: async (guildId) => {
        removed.delete(guildId);
        await Promise.all([polls.forget(guildId), daily.forget(guildId), worldcup.forget(guildId), quiz.forget(guildId), store.forget(guildId)]);
      },
    },
  });

  const ctx: AppContext = Object.freeze({
    config,
    logger,
    store,
    catalogue,
    search: couples.builtIn.search,
    couples,
    stories: createStoryService({ store: store.stories, catalogue, clock, logger, random: options.random }),
    sceneReplies: new SceneReplies(catalogue),
    clock,
    random,
    polls,
    daily,
    lifecycle,
    worldcup,
    quiz,
    cooldowns: createCooldowns(config.cooldowns, clock),
    mentions: createCommandMentions(commandPayload(registry)),
  });

  /**
   * Command mentions need the ids Discord gave the commands at registration: read them once
   * (global commands, and DISCORD_GUILD_ID's when commands are registered there). Without them
   * answers name commands in plain text, so a failure here is only a warning.
   */
  async function learnCommandIds(): Promise<void> {
    try {
      const application = client.application;
      if (!application) throw new Error('the client has no application');
      const registered = [...(await application.commands.fetch({ cache: false })).values()];
      if (config.guildId) registered.push(...(await application.commands.fetch({ guildId: config.guildId, cache: false })).values());
      const known = ctx.mentions.learn(registered);
      logger.debug({ commands: known }, 'command ids learnt for mentions');
    } catch (err) {
      logger.warn({ err }, 'could not read the registered commands: answers name commands in plain text');
    }
  }

  client.on(Events.InteractionCreate, (interaction) => {
    void handleInteraction(interaction, ctx, registry, metrics?.interaction);
  });
  // A server joined (or the bot invited back): keep its data if its deletion was pending, restore
  // its polls' timers (and close what fell due while down) and its daily story.
  client.on(Events.GuildCreate, (guild) => void lifecycle.joined(guild.id));
  // Removed from a server (kicked, or the server deleted): its data is deleted after the grace
  // period unless the bot is invited back. An outage is GuildUnavailable, never this; checked anyway.
  client.on(Events.GuildDelete, (guild) => {
    if (guild.available) void lifecycle.removed(guild.id);
  });
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
      // First, before any server's timer runs: pauses the servers the bot was removed from (while it
      // ran, or while no process did: their deletion is scheduled now), so none of their daily
      // stories, poll closes or World Cup rounds is attempted.
      await lifecycle.start();
      // Restoring poll timers, daily schedules and World Cups are independent: do them at once.
      const serving = [...client.guilds.cache.keys()].filter((guildId) => !removed.has(guildId));
      await Promise.all([polls.start(serving), daily.start(), worldcup.start(), quiz.start(), learnCommandIds()]);
      logger.info({ guilds: client.guilds.cache.size, shards: client.ws.shards.size, commands: registry.commands.size }, 'bot ready');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await operators?.stop();
      await lifecycle.stop();
      await polls.stop();
      await worldcup.stop();
      await quiz.stop();
      await daily.stop();
      ctx.cooldowns.close();
      await client.destroy();
      await store.close();
      logger.info('bot stopped');
    },
  };
}
