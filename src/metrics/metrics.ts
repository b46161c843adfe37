import { SnowflakeUtil, Status, type Client, type WebSocketShard } from 'discord.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PostNowResult } from '../daily/service.js';
import type { InteractionObserver } from '../interactions.js';
import type { PollService } from '../polls/service.js';
import type { QuizService } from '../quiz/service.js';

/** Every metric name starts with this (the default process metrics too). */
export const METRIC_PREFIX = 'kiss_';

/** Seconds from an interaction's creation (its snowflake) to the bot's first response (reply, defer, update, modal, choices). */
const FIRST_RESPONSE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10];

/** The routes of an interaction's first (and only) response: `/interactions/{id}/{token}/callback`. */
const CALLBACK = /^\/interactions\/(\d{17,20})\/[^/]+\/callback$/;

export type DailyPostOutcome = 'sent' | 'failed' | 'retried';

/**
 * The bot's Prometheus metrics, in a registry of their own (never prom-client's global one): one per
 * process. The shard gauges are read from the discord.js client at each scrape.
 */
export interface BotMetrics {
  readonly registry: Registry;
  /** The interaction error boundary's observer (a plain function: it is passed around on its own). */
  readonly interaction: InteractionObserver;
  storeError(): void;
  /** The store went down (false) or came back (true). */
  storeAvailable(up: boolean): void;
  dailyPost(result: PostNowResult): void;
  /** The poll service, counting the votes it records. */
  countingVotes(polls: PollService): PollService;
  /** The quiz service, counting the games it starts and the answers it records. */
  countingQuiz(quiz: QuizService): QuizService;
  /** Reads the shard gauges from `client` and times the interactions' first responses from its REST calls. */
  watch(client: Client): void;
}

export function createBotMetrics(registry = new Registry()): BotMetrics {
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const interactions = new Counter({
    name: `${METRIC_PREFIX}interactions_total`,
    help: 'Interactions handled, by kind (command, autocomplete, component, modal), command or component, and outcome (ok, user_error, store_unavailable, error).',
    labelNames: ['kind', 'command', 'outcome'] as const,
    registers,
  });
  const firstResponse = new Histogram({
    name: `${METRIC_PREFIX}interaction_first_response_seconds`,
    help: "Seconds from an interaction's creation to the bot's first response to it (reply, defer, update, choices).",
    buckets: FIRST_RESPONSE_BUCKETS,
    registers,
  });
  const storeErrors = new Counter({ name: `${METRIC_PREFIX}store_errors_total`, help: 'Errors the store (SQLite or Redis) reported.', registers });
  // Summed by the sharding manager as the lowest of its processes: 1 only when every one has its store.
  const storeUp = new Gauge({ name: `${METRIC_PREFIX}store_up`, help: 'Whether the store answers (1) or is down (0): store-backed interactions are refused meanwhile.', aggregator: 'min', registers });
  storeUp.set(1);
  const pollVotes = new Counter({
    name: `${METRIC_PREFIX}poll_votes_total`,
    help: 'Poll votes recorded, by outcome (new, same, changed).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const dailyPosts = new Counter({
    name: `${METRIC_PREFIX}daily_posts_total`,
    help: 'Daily story posts, by outcome (sent, failed, retried: failed for a passing reason, tried again later).',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of ['sent', 'failed', 'retried'] as const) dailyPosts.inc({ outcome }, 0);
  const quizGames = new Counter({
    name: `${METRIC_PREFIX}quiz_games_started_total`,
    help: 'Quiz games started, by mode (solo, server).',
    labelNames: ['mode'] as const,
    registers,
  });
  const quizAnswers = new Counter({
    name: `${METRIC_PREFIX}quiz_answers_total`,
    help: 'Quiz answers recorded, by mode (solo, server) and outcome (correct, wrong, too-late, already).',
    labelNames: ['mode', 'outcome'] as const,
    registers,
  });
  for (const mode of ['solo', 'server'] as const) quizGames.inc({ mode }, 0);

  let client: Client | undefined;
  /** A gauge per shard of this process, read from the client at each scrape (undefined: no sample). */
  const shardGauge = (name: string, help: string, value: (shard: WebSocketShard) => number | undefined) =>
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: ['shard'] as const,
      registers,
      collect() {
        this.reset();
        for (const [id, shard] of client?.ws.shards ?? []) {
          const v = value(shard);
          if (v !== undefined) this.set({ shard: String(id) }, v);
        }
      },
    });
  shardGauge('shard_ping_seconds', "Each shard's last gateway heartbeat round trip, in seconds (absent before the first).", (shard) =>
    shard.ping >= 0 ? shard.ping / 1000 : undefined,
  );
  shardGauge(
    'shard_status',
    "Each shard's gateway status (discord.js Status: 0 ready, 1 connecting, 2 reconnecting, 3 idle, 4 nearly, 5 disconnected, 6 waiting for guilds, 7 identifying, 8 resuming).",
    (shard) => shard.status,
  );
  shardGauge('shard_ready', '1 when the shard is ready, 0 otherwise.', (shard) => (shard.status === Status.Ready ? 1 : 0));
  new Gauge({
    name: `${METRIC_PREFIX}guilds`,
    help: 'Servers each shard carries.',
    labelNames: ['shard'] as const,
    registers,
    collect() {
      this.reset();
      if (!client) return;
      const counts = new Map<number, number>([...client.ws.shards.keys()].map((id) => [id, 0]));
      for (const guild of client.guilds.cache.values()) counts.set(guild.shardId, (counts.get(guild.shardId) ?? 0) + 1);
      for (const [id, count] of counts) this.set({ shard: String(id) }, count);
    },
  });

  return {
    registry,
    interaction: (labels, outcome) => interactions.inc({ ...labels, outcome }),
    storeError: () => storeErrors.inc(),
    storeAvailable: (up) => storeUp.set(up ? 1 : 0),
    dailyPost: (result) => {
      const outcome = dailyOutcome(result);
      if (outcome) dailyPosts.inc({ outcome });
    },
    countingVotes: (polls) => ({
      ...polls,
      vote: async (input) => {
        const receipt = await polls.vote(input);
        pollVotes.inc({ outcome: receipt.outcome });
        return receipt;
      },
    }),
    countingQuiz: (quiz) => ({
      ...quiz,
      play: async (input) => {
        const started = await quiz.play(input);
        quizGames.inc({ mode: 'solo' });
        return started;
      },
      startGame: async (input) => {
        const started = await quiz.startGame(input);
        quizGames.inc({ mode: 'server' });
        return started;
      },
      pick: async (input) => {
        const before = await quiz.show(input).catch(() => undefined);
        const game = await quiz.pick(input);
        if (before && game.answers.length > before.answers.length) {
          const q = game.answers.length - 1;
          quizAnswers.inc({ mode: 'solo', outcome: game.answers[q] === game.questions[q]!.answer ? 'correct' : 'wrong' });
        }
        return game;
      },
      answer: async (input) => {
        const receipt = await quiz.answer(input);
        quizAnswers.inc({ mode: 'server', outcome: receipt.outcome });
        return receipt;
      },
    }),
    watch(watched) {
      client = watched;
      watched.rest.on('response', (request, response) => {
        const match = CALLBACK.exec(request.path);
        // Only the status is read. A fetch Response is a clone made for listeners: drop its body.
        // (An undici response is shared with the request itself: leave it alone.)
        if (response instanceof Response && response.body) void response.body.cancel().catch(() => undefined);
        if (!match || response.status >= 300) return;
        firstResponse.observe(Math.max(0, Date.now() - SnowflakeUtil.timestampFrom(match[1]!)) / 1000);
      });
    },
  };
}

/** A settled daily post as the metric counts it; undefined when nothing was attempted. */
export function dailyOutcome(result: PostNowResult): DailyPostOutcome | undefined {
  switch (result.kind) {
    case 'posted':
      return 'sent';
    case 'retrying':
      return 'retried';
    case 'failed':
    case 'disabled':
      return 'failed';
    case 'already-posted':
      return undefined;
  }
}
