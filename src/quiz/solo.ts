import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { KeyedQueue } from '../keyed-queue.js';
import { newPollId } from '../polls/ids.js';
import type { QuizStore } from '../store/quiz.js';
import { catalogueFor, type CouplesSource } from '../stories/book.js';
import { soloKey } from './ids.js';
import { answerSolo, CHOICES, DEFAULT_QUESTIONS, isSoloLive, soloCorrect, type SoloQuiz } from './model.js';
import { distinctCouples, drawQuestions, questionCount } from './questions.js';

export interface SoloDeps {
  readonly store: Pick<QuizStore, 'getSolo' | 'saveSolo' | 'addMemberStats'>;
  readonly couples: CouplesSource;
  readonly clock: Clock;
  readonly random: Random;
  readonly queue: KeyedQueue;
}

export interface SoloWhere {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
}

/**
 * The solo quiz: a member answers privately, one question at a time. A member has one game per
 * server (a new one replaces it; its stories are left for last in the next). Each member's clicks
 * run in order, so a double click is one answer.
 */
export class SoloQuizzes {
  constructor(private readonly deps: SoloDeps) {}

  /** Starts a game; `replaced` says whether it replaced an unfinished one. */
  async play(where: SoloWhere & { questions?: number | undefined }): Promise<{ game: SoloQuiz; replaced: boolean }> {
    const { store, couples, clock, random, queue } = this.deps;
    const { couples: list } = await catalogueFor(couples, where.guildId);
    if (distinctCouples(list) < CHOICES) throw new UserError('quiz.errors.tooFewStories', { count: distinctCouples(list) });
    const requested = where.questions ?? DEFAULT_QUESTIONS;
    return queue.run(soloKey(where.guildId, where.userId), async () => {
      const previous = await store.getSolo(where.guildId, where.userId);
      const now = clock.now();
      const avoid = new Set(previous?.questions.map((q) => q.coupleId) ?? []);
      const game: SoloQuiz = {
        id: newPollId(random),
        guildId: where.guildId,
        channelId: where.channelId,
        userId: where.userId,
        questions: drawQuestions(list, questionCount(requested, list.length), random, avoid),
        answers: [],
        score: 0,
        streak: 0,
        bestStreak: 0,
        requested,
        startedAt: now,
        updatedAt: now,
      };
      await store.saveSolo(game);
      return { game, replaced: previous !== undefined && previous.finishedAt === undefined && isSoloLive(previous, now) };
    });
  }

  /**
   * The member's choice for `question`. A click on an answered question (a double click, an old
   * message) changes nothing and returns the game as it stands; an expired game is refused.
   */
  pick(where: SoloWhere & { gameId: string; question: number; choice: number }): Promise<SoloQuiz> {
    const { store, clock, queue } = this.deps;
    return queue.run(soloKey(where.guildId, where.userId), async () => {
      const game = await this.#live(where);
      if (where.question !== game.answers.length || game.finishedAt !== undefined) return game;
      const next = answerSolo(game, where.choice, clock.now());
      // Counted before the game is stored as finished: a failed count leaves the answer to be given again.
      if (next.finishedAt !== undefined) await this.#count(next);
      await store.saveSolo(next);
      return next;
    });
  }

  /** The game as it stands, to show question `question` (checked against it). */
  async show(where: SoloWhere & { gameId: string }): Promise<SoloQuiz> {
    return this.#live(where);
  }

  /** Shares a finished game's result once: `post` shows it in the channel, then it is marked shared. */
  share(where: SoloWhere & { gameId: string }, post: (game: SoloQuiz) => Promise<void>): Promise<SoloQuiz> {
    const { store, queue } = this.deps;
    return queue.run(soloKey(where.guildId, where.userId), async () => {
      const game = await this.#live(where);
      if (game.finishedAt === undefined) throw new UserError('quiz.errors.notFinished');
      if (game.shared) throw new UserError('quiz.errors.alreadyShared');
      await post(game);
      const shared: SoloQuiz = { ...game, shared: true };
      await store.saveSolo(shared);
      return shared;
    });
  }

  /** A finished game in the member's statistics, once. */
  async #count(game: SoloQuiz): Promise<void> {
    const correct = soloCorrect(game);
    const deltas: Array<[string, number]> = [
      ['games', 1],
      ['solo', 1],
      ['correct', correct],
      ['wrong', game.answers.length - correct],
      [`streak:${game.bestStreak}`, 1],
    ];
    game.answers.forEach((choice, i) => {
      const question = game.questions[i]!;
      if (choice === question.answer) deltas.push([`couple:${question.coupleId}`, 1]);
    });
    await this.deps.store.addMemberStats(game.guildId, game.userId, deltas, `solo:${game.id}`);
  }

  async #live(where: SoloWhere & { gameId: string }): Promise<SoloQuiz> {
    const game = await this.deps.store.getSolo(where.guildId, where.userId);
    if (!game || game.id !== where.gameId || !isSoloLive(game, this.deps.clock.now())) throw new UserError('quiz.errors.soloExpired');
    return game;
  }
}
