import { randomUUID } from 'node:crypto';
import { StepRunner } from '../step-runner.js';
import type { Couple } from '../catalogue/catalogue.js';
import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { Language } from '../i18n/index.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import { newPollId } from '../polls/ids.js';
import type { LiveEdits } from '../polls/live-edits.js';
import type { PollPublisher } from '../polls/publisher.js';
import type { KeyedTimers } from '../polls/timers.js';
import { messageLink } from '../replies/poll.js';
import { questionMessage, revealMessage, scoreboardMessage } from '../replies/quiz.js';
import { HeldLease, LEASE_MS } from '../store/leases.js';
import type { QuizStore } from '../store/quiz.js';
import { catalogueFor, type CouplesSource } from '../stories/book.js';
import { gameKey, questionKey } from './ids.js';
import {
  bestStreaks,
  CHOICES,
  currentQuestion,
  DEFAULT_QUESTIONS,
  DEFAULT_SECONDS,
  MAX_QUESTIONS,
  hintAt,
  leaderAhead,
  monthOf,
  NEXT_QUESTION_MS,
  pointsFor,
  standingsOf,
  streakAt,
  type GameEnd,
  type QuestionState,
  type QuizGame,
} from './model.js';
import { distinctCouples, drawQuestions, questionCount } from './questions.js';

export interface GamesDeps {
  readonly store: QuizStore;
  readonly couples: CouplesSource;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  readonly queue: KeyedQueue;
  readonly timers: KeyedTimers;
  readonly liveEdits: Pick<LiveEdits, 'touch' | 'stop'>;
}

export interface StartGameInput {
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  readonly questions?: number | undefined;
  readonly seconds?: number | undefined;
  readonly lang: Language;
}

export interface AnswerInput {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly gameId: string;
  readonly question: number;
  readonly choice: number;
  /**
   * The interaction that carried it. Discord sends a click to every session of the server's shard
   * (two processes during a rolling deploy): each answers the same click the same way.
   */
  readonly interactionId?: string | undefined;
}

/** What an answer did, for the member's private acknowledgement. */
export type AnswerReceipt =
  | { readonly outcome: 'correct'; readonly points: number; readonly streak: number }
  | { readonly outcome: 'wrong' }
  | { readonly outcome: 'too-late'; readonly winner: string }
  | { readonly outcome: 'already'; readonly right: boolean };

/** Waits before trying a failed step again (then the next start-up tries). */
const RETRIES_MS = [5_000, 60_000, 5 * 60_000];
const LOOK_AGAIN_SLACK_MS = 250;
/** The channel claim outlives the game's planned end by this much (it is released at the end). */
const CHANNEL_SLACK_MS = 24 * 60 * 60_000;
/** The close of a question nobody got: the first-answer claim holds this instead of a member. */
const NOBODY = '-';

type Step = 'done' | 'waiting' | { readonly elsewhereUntil: number };

/**
 * Server games: one message per question, racing answers until the first right one or the deadline,
 * the hint at half time, the answer shown, the next question 5 s later, and a scoreboard at the end.
 *
 * As the World Cup's tournaments, everything after the start is one idempotent step machine
 * (`advance`), run by the game's timer, after an answer, at start-up and after a failure: it reads
 * the stored game and does what comes next. Steps that must happen once (posting a question,
 * closing it, the end) are leased in the store (`post:<q>`, `close:<q>`, `final`), so two processes
 * serving the server do each once, and a dead holder's step is taken over within LEASE_MS. Scores
 * only ever move by atomic counter steps in the store; a question's winner is the one claim of its
 * first right answer that the store let through.
 */
export class ServerGames {
  readonly #holder = randomUUID();
  readonly #steps: StepRunner;

  constructor(private readonly deps: GamesDeps) {
    this.#steps = new StepRunner({
      logger: deps.logger,
      timers: deps.timers,
      what: 'quiz game',
      key: gameKey,
      retriesMs: RETRIES_MS,
      // A question may have moved on while a run was under way: run once more after it.
      again: true,
      step: (guildId, id) => this.#advance(guildId, id),
    });
  }

  async start(input: StartGameInput): Promise<{ game: QuizGame; available: number }> {
    const { store, couples, clock, random, logger, queue } = this.deps;
    const { couples: list } = await catalogueFor(couples, input.guildId);
    if (distinctCouples(list) < CHOICES) throw new UserError('quiz.errors.tooFewStories', { count: distinctCouples(list) });
    const requested = input.questions ?? DEFAULT_QUESTIONS;
    const questionMs = (input.seconds ?? DEFAULT_SECONDS) * 1000;
    const now = clock.now();
    const game: QuizGame = {
      id: newPollId(random),
      guildId: input.guildId,
      channelId: input.channelId,
      starterId: input.starterId,
      lang: input.lang,
      questionMs,
      createdAt: now,
      questions: drawQuestions(list, questionCount(requested, list.length), random),
      requested,
      rounds: [{ openedAt: now, closesAt: now + questionMs }],
      status: 'running',
    };
    await this.#claimChannel(game);
    try {
      await queue.run(gameKey(game.guildId, game.id), () => store.saveGame(game));
      const posted = await this.#postQuestion(game, 0);
      if (posted === 'gone') throw new UserError('quiz.errors.cannotPost');
    } catch (error) {
      await store.deleteGame(game.guildId, game.id).catch(() => undefined);
      await store.releaseChannel(game.guildId, game.channelId, game.id).catch(() => undefined);
      throw error;
    }
    const shown = (await store.getGame(game.guildId, game.id)) ?? game;
    this.#schedule(shown);
    logger.info({ guildId: game.guildId, gameId: game.id, questions: game.questions.length, questionMs }, 'quiz game started');
    return { game: shown, available: list.length };
  }

  /**
   * A member's answer: checked against the stored game, stored once per member and question, the
   * first right one scoring (one claim in the store, whichever process handles it).
   */
  async answer(input: AnswerInput): Promise<AnswerReceipt> {
    const { store, clock } = this.deps;
    const { guildId, gameId, question: q, userId } = input;
    const game = await store.getGame(guildId, gameId);
    if (!game) throw new UserError('quiz.errors.unknownGame');
    if (game.channelId !== input.channelId) throw new UserError('quiz.errors.otherChannel', { channel: `<#${game.channelId}>` });
    const state = game.rounds[q];
    const question = game.questions[q];
    if (!state || !question) throw new UserError('quiz.errors.badButton');
    const sameClick = async () => {
      const before = await store.answerOf(guildId, gameId, q, userId);
      return { before, same: input.interactionId !== undefined && before?.interactionId === input.interactionId };
    };
    const correct = async (): Promise<AnswerReceipt> => {
      const streak = streakAt(game, q, userId);
      // Scored once per question, whichever process (or the close) gets here first.
      await this.#scoreWin(game, q, userId);
      // The question ends at its first right answer: close it now.
      void this.advance(guildId, gameId);
      return { outcome: 'correct', points: pointsFor(streak), streak };
    };
    const first = await store.firstOf(guildId, gameId, q);
    if (first !== undefined && first !== NOBODY) {
      if (first !== userId) return { outcome: 'too-late', winner: first };
      return (await sameClick()).same ? correct() : { outcome: 'already', right: true };
    }
    if (game.status === 'finished') throw new UserError('quiz.errors.gameOver');
    if (q < game.rounds.length - 1) throw new UserError('quiz.errors.pastQuestion');
    if (state.closedAt !== undefined || first === NOBODY || clock.now() >= state.closesAt) throw new UserError('quiz.errors.timeUp');
    let replayed = false;
    if (!(await store.markAnswer(guildId, gameId, q, userId, input.choice, input.interactionId))) {
      const { before, same } = await sameClick();
      if (!same) return { outcome: 'already', right: before?.choice === question.answer };
      // The same click, answered by another process too: the same answer, counted once.
      replayed = true;
    }
    if (input.choice !== question.answer) {
      if (!replayed) {
        await store.addScores(guildId, gameId, [
          [`p:${userId}`, -1],
          [`x:${userId}`, 1],
          [`out:${q}`, 1],
        ]);
        this.deps.liveEdits.touch(questionKey(guildId, gameId, q));
      }
      return { outcome: 'wrong' };
    }
    if (!(await store.claimFirst(guildId, gameId, q, userId))) {
      const winner = await store.firstOf(guildId, gameId, q);
      if (winner === undefined || winner === NOBODY) throw new UserError('quiz.errors.timeUp');
      if (winner !== userId) return { outcome: 'too-late', winner };
    }
    return correct();
  }

  /** Stops the channel's game: its starter, or a member who may manage the server. */
  async stop(input: { guildId: string; channelId: string; userId: string; canManage: boolean }): Promise<QuizGame> {
    const { store, clock } = this.deps;
    const gameId = await store.channelHolder(input.guildId, input.channelId);
    const game = gameId === undefined ? undefined : await store.getGame(input.guildId, gameId);
    if (!game || game.status === 'finished') throw new UserError('quiz.errors.noGameHere');
    if (game.starterId !== input.userId && !input.canManage) throw new UserError('quiz.errors.notYourGame');
    const q = currentQuestion(game);
    if (q !== undefined) await store.claimFirst(game.guildId, game.id, q, NOBODY);
    const stopped = await this.#update(game.guildId, game.id, (latest) => {
      if (latest.status === 'finished') return latest;
      const now = clock.now();
      return { ...latest, status: 'finished', endedBy: 'stopped', finishedAt: now, rounds: latest.rounds.map((s) => (s.closedAt === undefined && s.messageId ? { ...s, closedAt: now } : s)).filter((s) => s.messageId) };
    });
    // A question closed by the stop keeps its winner, if someone got it just before.
    if (q !== undefined) await this.#settleWinner(input.guildId, game.id, q);
    await this.advance(input.guildId, game.id);
    return stopped ?? game;
  }

  async restore(include?: (guildId: string) => boolean): Promise<number> {
    const running = await this.deps.store.listRunning(include);
    for (const game of running) await this.advance(game.guildId, game.id);
    if (running.length) this.deps.logger.info({ games: running.length }, 'quiz games restored');
    return running.length;
  }

  async forget(guildId: string): Promise<void> {
    for (const id of this.#steps.forget(guildId)) {
      await Promise.all(Array.from({ length: MAX_QUESTIONS }, (_, q) => this.deps.liveEdits.stop(questionKey(guildId, id, q))));
    }
  }

  get busy(): boolean {
    return this.#steps.busy;
  }

  async settle(): Promise<void> {
    await this.#steps.settle();
  }

  /** Does what the stored game needs next, until it waits for a deadline, another process, or is over. */
  advance(guildId: string, gameId: string): Promise<void> {
    return this.#steps.run(guildId, gameId);
  }

  async #advance(guildId: string, gameId: string): Promise<void> {
    for (let pass = 0; pass < 12; pass++) {
      const game = await this.deps.store.getGame(guildId, gameId);
      if (!game) return this.#steps.untrack(guildId, gameId);
      const step = await this.#step(game);
      if (step === 'waiting') return;
      if (step !== 'done') {
        const wait = Math.max(0, step.elsewhereUntil - Date.now()) + LOOK_AGAIN_SLACK_MS;
        this.deps.timers.set(gameKey(guildId, gameId), wait, () => this.advance(guildId, gameId));
        return;
      }
    }
  }

  async #step(game: QuizGame): Promise<Step> {
    const { clock } = this.deps;
    this.#steps.track(game.guildId, game.id);
    const now = clock.now();
    const last = game.rounds.length - 1;
    const state = game.rounds[last];
    // A question whose answer is not shown yet (closed, or ended by a stop).
    const unrevealed = game.rounds.findIndex((s) => s.closedAt !== undefined && s.messageId !== undefined && !s.revealed);
    if (unrevealed >= 0) {
      await this.#reveal(game, unrevealed);
      return 'done';
    }
    if (game.status === 'finished') {
      if (game.finalized) {
        this.#steps.untrack(game.guildId, game.id);
        return 'waiting';
      }
      return this.#finalize(game);
    }
    if (!state) return 'waiting';
    if (!state.messageId) {
      if (now < state.openedAt) {
        this.#schedule(game);
        return 'waiting';
      }
      const posted = await this.#postQuestion(game, last);
      if (posted === 'gone') await this.#end(game, 'gone');
      return typeof posted === 'string' ? 'done' : posted;
    }
    const first = await this.deps.store.firstOf(game.guildId, game.id, last);
    if (now >= state.closesAt || (first !== undefined && first !== NOBODY)) {
      const closed = await this.#close(game.guildId, game.id, last);
      return typeof closed === 'string' ? 'done' : closed;
    }
    if (!state.hinted && now >= hintAt(state)) {
      await this.#update(game.guildId, game.id, (latest) => ({ ...latest, rounds: latest.rounds.map((s, i) => (i === last && s.closedAt === undefined ? { ...s, hinted: true } : s)) }));
      this.deps.liveEdits.touch(questionKey(game.guildId, game.id, last));
      return 'done';
    }
    this.#schedule(game);
    return 'waiting';
  }

  /** The couple a question is about, as the server sees it now (a removed story keeps its name). */
  async #couple(game: QuizGame, q: number): Promise<Couple | undefined> {
    const catalogue = await catalogueFor(this.deps.couples, game.guildId);
    const id = game.questions[q]?.coupleId ?? '';
    return catalogue.get(id) ?? catalogue.lookup?.(id);
  }

  /** The question's message as it stands: the hint once given, how many are out. */
  async render(game: QuizGame, q: number) {
    const scores = await this.deps.store.getScores(game.guildId, game.id);
    return questionMessage(game, q, await this.#couple(game, q), { out: scores.get(`out:${q}`) ?? 0 });
  }

  async #leased<T>(guildId: string, gameId: string, step: string, work: (lease: HeldLease) => Promise<T>): Promise<T | { readonly elsewhereUntil: number }> {
    const { store, logger } = this.deps;
    const lease = await HeldLease.take({
      take: () => store.claimStep(guildId, gameId, step, this.#holder, LEASE_MS),
      drop: () => store.releaseStep(guildId, gameId, step, this.#holder),
    });
    if (!lease.held) return { elsewhereUntil: lease.expiresAt };
    try {
      return await work(lease);
    } finally {
      await lease.release().catch((err: unknown) => logger.warn({ guildId, gameId, step, err }, 'giving up a quiz lease failed; it lapses by itself'));
    }
  }

  /** Sets the game's timer: the next question's post, the hint, or the deadline. */
  #schedule(game: QuizGame): void {
    const state = game.rounds.at(-1);
    if (!state || game.status !== 'running' || state.closedAt !== undefined) return;
    this.#steps.track(game.guildId, game.id);
    const due = !state.messageId ? state.openedAt : !state.hinted ? Math.min(hintAt(state), state.closesAt) : state.closesAt;
    const wait = Math.max(0, due - this.deps.clock.now());
    this.deps.timers.set(gameKey(game.guildId, game.id), wait, () => this.advance(game.guildId, game.id));
  }

  async #claimChannel(game: QuizGame): Promise<void> {
    const { store } = this.deps;
    const { guildId, channelId, id } = game;
    const ttl = game.questions.length * (game.questionMs + NEXT_QUESTION_MS) + CHANNEL_SLACK_MS;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await store.claimChannel(guildId, channelId, id, ttl)) return;
      const holderId = await store.channelHolder(guildId, channelId);
      const holder = holderId === undefined ? undefined : await store.getGame(guildId, holderId);
      // A finished game gives the channel up at once (its scoreboard may still be on its way).
      if (holder && holder.status !== 'finished') {
        const messageId = holder.rounds.findLast((s) => s.messageId)?.messageId;
        throw new UserError('quiz.errors.channelBusy', { link: messageId ? messageLink(guildId, channelId, messageId) : `<#${channelId}>` });
      }
      if (holderId !== undefined) await store.releaseChannel(guildId, channelId, holderId);
    }
    throw new UserError('quiz.errors.channelBusy', { link: `<#${channelId}>` });
  }

  /** Posts a question's message once (leased); its time starts when it is posted. */
  #postQuestion(game: QuizGame, q: number): Promise<'posted' | 'gone' | { readonly elsewhereUntil: number }> {
    const { guildId, id } = game;
    return this.#leased(guildId, id, `post:${q}`, async (lease) => {
      const { store, clock, publisher, logger } = this.deps;
      const latest = (await store.getGame(guildId, id)) ?? game;
      const state = latest.rounds[q];
      if (!state || state.messageId || latest.status !== 'running') return 'posted';
      const now = clock.now();
      const opened: QuestionState = { ...state, openedAt: now, closesAt: now + latest.questionMs };
      const shown: QuizGame = { ...latest, rounds: latest.rounds.map((s, i) => (i === q ? opened : s)) };
      const message = questionMessage(shown, q, await this.#couple(shown, q), { out: 0 });
      if (!(await lease.confirm())) return { elsewhereUntil: Date.now() };
      const posted = await publisher.postMessage(latest.channelId, message);
      if (!posted.ok) {
        logger.warn({ guildId, gameId: id, question: q }, 'cannot post a quiz question in its channel');
        return 'gone';
      }
      await this.#update(guildId, id, (current) => ({ ...current, rounds: current.rounds.map((s, i) => (i === q ? { ...opened, messageId: posted.messageId } : s)) }));
      return 'posted';
    });
  }

  /** A winner's points, once per question (the answer and the close both make sure). */
  async #scoreWin(game: QuizGame, q: number, userId: string): Promise<void> {
    const points = pointsFor(streakAt(game, q, userId));
    await this.deps.store.addScores(game.guildId, game.id, [
      [`p:${userId}`, points],
      [`c:${userId}`, 1],
    ], `win:${q}`);
  }

  /** Records the winner of a question closed by a stop. */
  async #settleWinner(guildId: string, gameId: string, q: number): Promise<void> {
    const winner = await this.deps.store.firstOf(guildId, gameId, q);
    if (winner === undefined || winner === NOBODY) return;
    const game = await this.#update(guildId, gameId, (latest) => ({ ...latest, rounds: latest.rounds.map((s, i) => (i === q ? { ...s, winner } : s)) }));
    if (game) await this.#scoreWin(game, q, winner);
  }

  /**
   * Closes a question (leased): its winner, if anyone got it, scored once; then the next question
   * 5 s later, or the end (the last question, or a five-point lead).
   */
  #close(guildId: string, gameId: string, q: number): Promise<'closed' | 'stale' | { readonly elsewhereUntil: number }> {
    const { store, clock, logger, queue } = this.deps;
    return queue.run(gameKey(guildId, gameId), () =>
      this.#leased(guildId, gameId, `close:${q}`, async (lease) => {
        const game = await store.getGame(guildId, gameId);
        if (!game || currentQuestion(game) !== q) return 'stale';
        // No answer scores after this: the first-answer claim is taken (by nobody) if no one got it.
        await store.claimFirst(guildId, gameId, q, NOBODY);
        const first = await store.firstOf(guildId, gameId, q);
        const winner = first !== undefined && first !== NOBODY ? first : undefined;
        if (winner) await this.#scoreWin(game, q, winner);
        const now = clock.now();
        const rounds = game.rounds.map((s, i) => (i === q ? { ...s, closedAt: now, ...(winner ? { winner } : {}) } : s));
        const closed: QuizGame = { ...game, rounds };
        const standings = standingsOf(await store.getScores(guildId, gameId), bestStreaks(closed));
        const end: GameEnd | undefined = q + 1 >= game.questions.length ? 'questions' : leaderAhead(standings) ? 'lead' : undefined;
        const next: QuizGame = end
          ? { ...closed, status: 'finished', endedBy: end, finishedAt: now }
          : { ...closed, rounds: [...rounds, { openedAt: now + NEXT_QUESTION_MS, closesAt: now + NEXT_QUESTION_MS + game.questionMs }] };
        if (!(await lease.confirm())) return { elsewhereUntil: Date.now() };
        await store.saveGame(next);
        logger.info({ guildId, gameId, question: q, winner, end }, 'quiz question closed');
        return 'closed' as const;
      }),
    );
  }

  /** Replaces a closed question's message with its answer (once its live edits have stopped). */
  async #reveal(game: QuizGame, q: number): Promise<void> {
    const { publisher, liveEdits, logger } = this.deps;
    await liveEdits.stop(questionKey(game.guildId, game.id, q));
    const state = game.rounds[q]!;
    const points = state.winner ? pointsFor(streakAt(game, q, state.winner)) : 0;
    const edited = await publisher.editMessage(game.channelId, state.messageId!, revealMessage(game, q, await this.#couple(game, q), points));
    if (edited === 'gone') logger.info({ guildId: game.guildId, gameId: game.id, question: q }, 'a quiz question message is gone');
    await this.#update(game.guildId, game.id, (latest) => ({ ...latest, rounds: latest.rounds.map((s, i) => (i === q ? { ...s, revealed: true } : s)) }));
  }

  /** The end, once (leased): the scoreboard, the leaderboard and the members' statistics, the channel given back. */
  async #finalize(game: QuizGame): Promise<Step> {
    const { guildId, id } = game;
    return this.#leased(guildId, id, 'final', async (lease) => {
      const { store, publisher, logger } = this.deps;
      const latest = await store.getGame(guildId, id);
      if (!latest || latest.finalized) return 'done' as const;
      const standings = standingsOf(await store.getScores(guildId, id), bestStreaks(latest));
      const finishedAt = latest.finishedAt ?? this.deps.clock.now();
      if (standings.length) {
        const board: Array<[string, number]> = [['games', 1]];
        for (const s of standings) board.push([`p:${s.userId}`, s.points], [`g:${s.userId}`, 1], [`c:${s.userId}`, s.correct]);
        await store.addToBoard(guildId, monthOf(finishedAt), board, `game:${id}`);
        for (const s of standings) {
          const deltas: Array<[string, number]> = [
            ['games', 1],
            ['server', 1],
            ['correct', s.correct],
            ['wrong', s.wrong],
            [`streak:${s.bestStreak}`, 1],
          ];
          latest.rounds.forEach((r, i) => {
            if (r.winner === s.userId) deltas.push([`couple:${latest.questions[i]!.coupleId}`, 1]);
          });
          await store.addMemberStats(guildId, s.userId, deltas, `game:${id}`);
        }
      }
      let finalMessageId: string | undefined;
      if (latest.endedBy !== 'gone') {
        if (!(await lease.confirm())) return { elsewhereUntil: Date.now() };
        const posted = await publisher.postMessage(latest.channelId, scoreboardMessage(latest, standings));
        if (posted.ok) finalMessageId = posted.messageId;
      }
      await this.#update(guildId, id, (current) => ({ ...current, finalized: true, finishedAt, finalMessageId }));
      await store.releaseChannel(guildId, latest.channelId, id);
      this.#steps.untrack(guildId, id);
      logger.info({ guildId, gameId: id, endedBy: latest.endedBy, players: standings.length }, 'quiz game finished');
      await store.deleteExpired(guildId).catch((err: unknown) => logger.warn({ guildId, err }, 'deleting expired quiz keys failed; the next one tries again'));
      return 'done' as const;
    });
  }

  async #end(game: QuizGame, endedBy: GameEnd): Promise<void> {
    await this.#update(game.guildId, game.id, (latest) => ({ ...latest, status: 'finished', endedBy, finishedAt: this.deps.clock.now() }));
    this.deps.logger.warn({ guildId: game.guildId, gameId: game.id, endedBy }, 'quiz game ended early');
  }

  #update(guildId: string, gameId: string, change: (latest: QuizGame) => QuizGame): Promise<QuizGame | undefined> {
    const { store, queue } = this.deps;
    return queue.run(gameKey(guildId, gameId), async () => {
      const latest = await store.getGame(guildId, gameId);
      if (!latest) return undefined;
      const next = change(latest);
      await store.saveGame(next);
      return next;
    });
  }



}
