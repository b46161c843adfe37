import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import { LiveEdits } from '../polls/live-edits.js';
import type { PollPublisher } from '../polls/publisher.js';
import { KeyedTimers } from '../polls/timers.js';
import { isStoreUnavailable, STORE_RETRY_MS } from '../store/availability.js';
import type { QuizStore } from '../store/quiz.js';
import type { CouplesSource } from '../stories/book.js';
import { ServerGames, type AnswerInput, type AnswerReceipt, type StartGameInput } from './games.js';
import { ofGameKey } from './ids.js';
import { currentQuestion, monthOf, type QuizGame, type SoloQuiz } from './model.js';
import { SoloQuizzes, type SoloWhere } from './solo.js';
import { boardOf, memberStatsOf, type BoardPeriod, type MemberStats, type QuizBoard } from './stats.js';

export type { AnswerInput, AnswerReceipt, StartGameInput };

export interface QuizServiceDeps {
  readonly store: QuizStore;
  /** The couples of each server: the catalogue and the server's own stories. */
  readonly couples: CouplesSource;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  /** Which servers this process runs; default: all. */
  readonly ownsGuild?: ((guildId: string) => boolean) | undefined;
  /** At most one live edit of a question message per this many milliseconds (default 2000, as polls). */
  readonly editIntervalMs?: number | undefined;
}

/**
 * `/kiss-quiz`: solo games, server games, the leaderboard and members' statistics. Knows nothing of
 * discord.js: public messages go through the `publisher` port; a member's mistake rejects with a UserError.
 */
export interface QuizService {
  /** Restores the running server games of the servers this process runs; resolves with how many. */
  start(): Promise<number>;
  stop(): Promise<void>;
  idle(): Promise<void>;
  forget(guildId: string): Promise<void>;
  resume(guildId: string): Promise<number>;
  play(input: SoloWhere & { questions?: number | undefined }): Promise<{ game: SoloQuiz; replaced: boolean }>;
  pick(input: SoloWhere & { gameId: string; question: number; choice: number }): Promise<SoloQuiz>;
  show(input: SoloWhere & { gameId: string }): Promise<SoloQuiz>;
  share(input: SoloWhere & { gameId: string }, post: (game: SoloQuiz) => Promise<void>): Promise<SoloQuiz>;
  startGame(input: StartGameInput): Promise<{ game: QuizGame; available: number }>;
  answer(input: AnswerInput): Promise<AnswerReceipt>;
  stopGame(input: { guildId: string; channelId: string; userId: string; canManage: boolean }): Promise<QuizGame>;
  leaderboard(guildId: string, period: BoardPeriod): Promise<QuizBoard>;
  memberStats(guildId: string, userId: string): Promise<MemberStats>;
}

export function createQuizService(deps: QuizServiceDeps): QuizService {
  const { store, couples, clock, random, logger, publisher } = deps;
  const queue = new KeyedQueue();
  const timers = new KeyedTimers(clock);
  // eslint-disable-next-line prefer-const -- the live edits read the games, made after them
  let games: ServerGames;
  const liveEdits = new LiveEdits(
    clock,
    deps.editIntervalMs ?? 2000,
    async (key) => {
      const { guildId, gameId, question } = ofGameKey(key);
      const game = await store.getGame(guildId, gameId);
      const messageId = game?.rounds[question]?.messageId;
      if (!game || currentQuestion(game) !== question || !messageId) return 'ok';
      const result = await publisher.editMessage(game.channelId, messageId, await games.render(game, question));
      if (result === 'gone') logger.info({ guildId, gameId, question }, 'quiz question message is gone; live edits stop');
      return result;
    },
    (key, err) => (isStoreUnavailable(err) ? logger.debug({ question: key, reason: err.reason }, 'live quiz edit skipped: store unavailable') : logger.warn({ question: key, err }, 'live quiz edit failed')),
  );
  games = new ServerGames({ store, couples, clock, random, logger, publisher, queue, timers, liveEdits });
  const solo = new SoloQuizzes({ store, couples, clock, random, queue });

  async function idle(): Promise<void> {
    for (;;) {
      await Promise.all([timers.settle(), games.settle()]);
      await queue.idle();
      await liveEdits.idle();
      if (!timers.busy && !games.busy) return;
    }
  }

  async function restore(): Promise<number> {
    try {
      return await games.restore(deps.ownsGuild);
    } catch (err) {
      if (isStoreUnavailable(err)) {
        logger.debug({ reason: err.reason }, 'restoring quiz games waits for the store');
        timers.set('quiz-restore', STORE_RETRY_MS, () => restore());
      } else {
        logger.error({ err }, 'restoring quiz games failed; the next start-up tries again');
      }
      return 0;
    }
  }

  return {
    async start() {
      timers.start();
      return restore();
    },
    async stop() {
      timers.stop();
      await liveEdits.stopAll();
      await idle();
    },
    idle,
    forget: (guildId) => games.forget(guildId),
    resume: (guildId) => games.restore((id) => id === guildId),
    play: (input) => solo.play(input),
    pick: (input) => solo.pick(input),
    show: (input) => solo.show(input),
    share: (input, post) => solo.share(input, post),
    startGame: (input) => games.start(input),
    answer: (input) => games.answer(input),
    stopGame: (input) => games.stop(input),
    leaderboard: async (guildId, period) => boardOf(await store.getBoard(guildId, period === 'month' ? monthOf(clock.now()) : undefined)),
    memberStats: async (guildId, userId) => memberStatsOf(await store.getMemberStats(guildId, userId)),
  };
}
