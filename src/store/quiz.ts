import type Keyv from 'keyv';
import type { QuizGame, SoloQuiz } from '../quiz/model.js';
import { SOLO_KEPT_MS } from '../quiz/model.js';
import { deleteExpired, setIfAbsent } from './atomic.js';
import { addCounts, countsOf } from './counters.js';
import { guildKey } from './keys.js';
import { dropLease, takeLease, type LeaseClaim } from './leases.js';
import { scanEntries, type Stored } from './scan.js';

/**
 * What the quiz keeps, per server (every key starts `guild:<id>:`, so `/kiss-data` counts and
 * deletes it with the rest):
 * - `guild:<id>:quiz-solo:<user>`: a member's solo game (one at most: a new one replaces it), kept
 *   30 days so the next game can avoid its stories; unfinished, it can be played 15 minutes after
 *   its last answer;
 * - `guild:<id>:quiz:<game>`: a server game (questions, deadlines, winners), kept 30 days after it ends;
 * - `guild:<id>:quiz:<game>:q<n>:answer:<user>`: a member's answer to one question (the choice and
 *   the interaction's id), written only if absent: one answer per member per question, even across
 *   processes; the same click delivered to two processes (a rolling deploy) is answered alike by both;
 * - `guild:<id>:quiz:<game>:q<n>:first`: who answered first and right, written only if absent (of
 *   racing right answers, exactly one scores); the question's close writes `-` when nobody did, so
 *   no answer scores after it;
 * - `guild:<id>:quiz:<game>:scores`: the game's points, right and wrong answers per member, as
 *   counters (store/counters.ts): every answer adds to them in one atomic step, never read-modify-write;
 * - `guild:<id>:quiz:<game>:claim:<step>`: the leases that let one process post a question, close
 *   it or end the game (store/leases.ts);
 * - `guild:<id>:quiz-channel:<channel>`: the game running in a channel (one at most, set if absent);
 * - `guild:<id>:quiz-board:counts` and `…:quiz-board:<YYYY-MM>:counts`: the server's leaderboard,
 *   all-time and per month (kept 62 days), as counters each finished game is added to once;
 * - `guild:<id>:quiz-member:<user>:counts`: a member's statistics (games, right and wrong answers,
 *   streaks, the couples they guessed), as counters.
 * Running games are found at start-up with one key scan over the game records.
 */
export interface QuizStore {
  getSolo(guildId: string, userId: string): Promise<SoloQuiz | undefined>;
  saveSolo(game: SoloQuiz): Promise<void>;
  getGame(guildId: string, gameId: string): Promise<QuizGame | undefined>;
  saveGame(game: QuizGame): Promise<void>;
  deleteGame(guildId: string, gameId: string): Promise<void>;
  /**
   * Records a member's answer to a question, with the interaction that carried it: false when they
   * already answered it.
   */
  markAnswer(guildId: string, gameId: string, question: number, userId: string, choice: number, interactionId?: string): Promise<boolean>;
  /** The member's stored answer to a question, if any, and the interaction that carried it. */
  answerOf(guildId: string, gameId: string, question: number, userId: string): Promise<StoredAnswer | undefined>;
  /** Claims a question's first right answer for `userId` (or `-`: nobody, at its close): of racing claims, one gets true. */
  claimFirst(guildId: string, gameId: string, question: number, userId: string): Promise<boolean>;
  /** Who holds a question's first right answer (`-`: nobody, it closed). */
  firstOf(guildId: string, gameId: string, question: number): Promise<string | undefined>;
  /** Adds to the game's scores in one atomic step; with `once`, only the first call with that token does. */
  addScores(guildId: string, gameId: string, deltas: Iterable<readonly [string, number]>, once?: string): Promise<boolean>;
  getScores(guildId: string, gameId: string): Promise<Map<string, number>>;
  claimChannel(guildId: string, channelId: string, gameId: string, ttlMs: number): Promise<boolean>;
  channelHolder(guildId: string, channelId: string): Promise<string | undefined>;
  releaseChannel(guildId: string, channelId: string, gameId: string): Promise<void>;
  claimStep(guildId: string, gameId: string, step: string, holder: string, leaseMs: number): Promise<LeaseClaim>;
  releaseStep(guildId: string, gameId: string, step: string, holder: string): Promise<void>;
  /** Every running (or not yet finalized) game of the servers `include` accepts: one key scan. */
  listRunning(include?: (guildId: string) => boolean): Promise<QuizGame[]>;
  /** Adds a finished game to the leaderboard (all-time and its month) once per `once` token. */
  addToBoard(guildId: string, month: string, deltas: Iterable<readonly [string, number]>, once: string): Promise<boolean>;
  /** The leaderboard's counters: all-time, or one month's. */
  getBoard(guildId: string, month?: string): Promise<Map<string, number>>;
  addMemberStats(guildId: string, userId: string, deltas: Iterable<readonly [string, number]>, once: string): Promise<boolean>;
  getMemberStats(guildId: string, userId: string): Promise<Map<string, number>>;
  deleteExpired(guildId: string): Promise<void>;
}

/** A member's answer to one question: the choice, and the id of the interaction that carried it. */
export interface StoredAnswer {
  readonly choice: number;
  readonly interactionId?: string | undefined;
}

const DAY = 24 * 60 * 60_000;
/** How long a finished server game, its answers and its scores stay. */
export const FINISHED_GAME_TTL_MS = 30 * DAY;
/** How long a month's leaderboard stays. */
export const MONTH_BOARD_TTL_MS = 62 * DAY;
/** A running game's answers and scores expire this long after their last write (a game lasts under an hour). */
const RUNNING_TTL_MS = 2 * DAY;

const GAME_ID = '[A-Za-z0-9]';
const GAME_GLOB = `guild:*:quiz:${GAME_ID.repeat(10)}`;
const GAME_KEY = /^guild:(\d{1,20}):quiz:[A-Za-z0-9]{10}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isQuestions(value: unknown): boolean {
  return Array.isArray(value) && value.every((q) => isObject(q) && typeof q.coupleId === 'string' && Array.isArray(q.choices) && typeof q.answer === 'number');
}

function isGame(value: unknown, guildId?: string, id?: string): value is QuizGame {
  if (!isObject(value)) return false;
  return (
    typeof value.id === 'string' &&
    typeof value.guildId === 'string' &&
    (guildId === undefined || value.guildId === guildId) &&
    (id === undefined || value.id === id) &&
    typeof value.channelId === 'string' &&
    typeof value.questionMs === 'number' &&
    Array.isArray(value.rounds) &&
    (value.status === 'running' || value.status === 'finished') &&
    isQuestions(value.questions)
  );
}

function isSolo(value: unknown, guildId: string, userId: string): value is SoloQuiz {
  if (!isObject(value)) return false;
  return value.guildId === guildId && value.userId === userId && typeof value.id === 'string' && Array.isArray(value.answers) && typeof value.updatedAt === 'number' && isQuestions(value.questions);
}

async function decode(keyv: Keyv, stored: Stored, now: number): Promise<unknown> {
  if ('value' in stored) return stored.value;
  const data = await keyv.deserializeData<unknown>(stored.raw);
  if (!data || (typeof data.expires === 'number' && data.expires < now)) return undefined;
  return data.value;
}

export function createQuizStore(keyv: Keyv): QuizStore {
  const soloKey = (guildId: string, userId: string) => guildKey(guildId, 'quiz-solo', userId);
  const gameKey = (guildId: string, id: string) => guildKey(guildId, 'quiz', id);
  const answerKey = (guildId: string, id: string, q: number, userId: string) => guildKey(guildId, 'quiz', id, `q${q}`, 'answer', userId);
  const firstKey = (guildId: string, id: string, q: number) => guildKey(guildId, 'quiz', id, `q${q}`, 'first');
  const scoresKey = (guildId: string, id: string) => guildKey(guildId, 'quiz', id, 'scores');
  const claimKey = (guildId: string, id: string, step: string) => guildKey(guildId, 'quiz', id, 'claim', step);
  const channelKey = (guildId: string, channelId: string) => guildKey(guildId, 'quiz-channel', channelId);
  const boardKey = (guildId: string, month?: string) => (month ? guildKey(guildId, 'quiz-board', month, 'counts') : guildKey(guildId, 'quiz-board', 'counts'));
  const memberKey = (guildId: string, userId: string) => guildKey(guildId, 'quiz-member', userId, 'counts');

  const isDone = (g: QuizGame) => g.status === 'finished' && g.finalized === true;

  async function getGame(guildId: string, gameId: string): Promise<QuizGame | undefined> {
    const value = await keyv.get<unknown>(gameKey(guildId, gameId));
    return isGame(value, guildId, gameId) ? value : undefined;
  }

  return {
    async getSolo(guildId, userId) {
      const value = await keyv.get<unknown>(soloKey(guildId, userId));
      return isSolo(value, guildId, userId) ? value : undefined;
    },
    async saveSolo(game) {
      await keyv.set(soloKey(game.guildId, game.userId), game, SOLO_KEPT_MS);
    },
    getGame,
    async saveGame(game) {
      await keyv.set(gameKey(game.guildId, game.id), game, isDone(game) ? FINISHED_GAME_TTL_MS : undefined);
    },
    async deleteGame(guildId, gameId) {
      await keyv.delete(gameKey(guildId, gameId));
    },
    markAnswer: (guildId, gameId, q, userId, choice, interactionId) =>
      setIfAbsent(keyv, answerKey(guildId, gameId, q, userId), interactionId ? { c: choice, i: interactionId } : { c: choice }, RUNNING_TTL_MS),
    async answerOf(guildId, gameId, q, userId) {
      const value = await keyv.get<unknown>(answerKey(guildId, gameId, q, userId));
      if (typeof value === 'number') return { choice: value };
      if (!isObject(value) || typeof value.c !== 'number') return undefined;
      return { choice: value.c, interactionId: typeof value.i === 'string' ? value.i : undefined };
    },
    claimFirst: (guildId, gameId, q, userId) => setIfAbsent(keyv, firstKey(guildId, gameId, q), userId, RUNNING_TTL_MS),
    async firstOf(guildId, gameId, q) {
      const value = await keyv.get<unknown>(firstKey(guildId, gameId, q));
      return typeof value === 'string' ? value : undefined;
    },
    addScores: (guildId, gameId, deltas, once) => addCounts(keyv, scoresKey(guildId, gameId), deltas, { ttlMs: FINISHED_GAME_TTL_MS, once }),
    async getScores(guildId, gameId) {
      return countsOf(await keyv.get<unknown>(scoresKey(guildId, gameId)));
    },
    claimChannel: (guildId, channelId, gameId, ttlMs) => setIfAbsent(keyv, channelKey(guildId, channelId), gameId, ttlMs),
    async channelHolder(guildId, channelId) {
      const value = await keyv.get<unknown>(channelKey(guildId, channelId));
      return typeof value === 'string' ? value : undefined;
    },
    async releaseChannel(guildId, channelId, gameId) {
      const key = channelKey(guildId, channelId);
      if ((await keyv.get<unknown>(key)) === gameId) await keyv.delete(key);
    },
    claimStep: (guildId, gameId, step, holder, leaseMs) => takeLease(keyv, claimKey(guildId, gameId, step), holder, leaseMs),
    releaseStep: (guildId, gameId, step, holder) => dropLease(keyv, claimKey(guildId, gameId, step), holder),
    async listRunning(include) {
      const now = Date.now();
      const out: QuizGame[] = [];
      for await (const page of scanEntries(keyv, { glob: GAME_GLOB, pattern: GAME_KEY })) {
        for (const [key, stored] of page) {
          const guildId = GAME_KEY.exec(key)?.[1];
          if (!guildId || (include && !include(guildId))) continue;
          const value = await decode(keyv, stored, now);
          if (isGame(value, guildId) && !isDone(value)) out.push(value);
        }
      }
      return out;
    },
    async addToBoard(guildId, month, deltas, once) {
      const list = [...deltas];
      const added = await addCounts(keyv, boardKey(guildId), list, { once });
      await addCounts(keyv, boardKey(guildId, month), list, { once, ttlMs: MONTH_BOARD_TTL_MS });
      return added;
    },
    async getBoard(guildId, month) {
      return countsOf(await keyv.get<unknown>(boardKey(guildId, month)));
    },
    addMemberStats: (guildId, userId, deltas, once) => addCounts(keyv, memberKey(guildId, userId), deltas, { once }),
    async getMemberStats(guildId, userId) {
      return countsOf(await keyv.get<unknown>(memberKey(guildId, userId)));
    },
    deleteExpired: async (guildId) => {
      await deleteExpired(keyv, guildKey(guildId, 'quiz', ''));
      await deleteExpired(keyv, guildKey(guildId, 'quiz-board', ''));
    },
  };
}
