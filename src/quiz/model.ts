import type { Language } from '../i18n/index.js';

/*
 * What the quiz stores: a member's solo game and a server game. Plain data, changed by the pure
 * functions here; the services store it (store/quiz.ts).
 */

/** Text in each language the bot speaks. */
export type Bilingual = Readonly<Record<Language, string>>;

/** One of a question's four couples: its id and its name in both languages (a button's label). */
export interface Choice {
  readonly id: string;
  readonly name: Bilingual;
}

/** A question: the story of `choices[answer]`, its names hidden; four couples to choose from. */
export interface QuizQuestion {
  readonly coupleId: string;
  readonly choices: readonly Choice[];
  readonly answer: number;
  /** The wrong choice a server game's hint takes away at half time. */
  readonly hint: number;
}

/** Questions a game asks: 5 to 20, 10 when none is given. */
export const MIN_QUESTIONS = 5;
export const MAX_QUESTIONS = 20;
export const DEFAULT_QUESTIONS = 10;
/** Couples a question offers. */
export const CHOICES = 4;
/** Seconds a server game's question lasts: 10 to 120, 30 when none is given. */
export const MIN_SECONDS = 10;
export const MAX_SECONDS = 120;
export const DEFAULT_SECONDS = 30;
/** The next question of a server game follows this long after the answer is shown. */
export const NEXT_QUESTION_MS = 5_000;
/** A server game ends early once someone leads by this many points. */
export const WINNING_LEAD = 5;
/** From this many right answers in a row, each one scores a bonus point. */
export const STREAK_BONUS_FROM = 3;

/** A member's private game: one question at a time, in one channel. */
export interface SoloQuiz {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly questions: readonly QuizQuestion[];
  /** The member's choice for each question answered so far, in order. */
  readonly answers: readonly number[];
  readonly score: number;
  /** Right answers in a row, up to the last one. */
  readonly streak: number;
  readonly bestStreak: number;
  /** Questions asked for, when the catalogue had fewer stories (the game asks all it has). */
  readonly requested: number;
  readonly startedAt: number;
  /** The last answer (or the start); an unfinished game expires `SOLO_EXPIRY_MS` after it. */
  readonly updatedAt: number;
  readonly finishedAt?: number | undefined;
  /** The result was posted in the channel (once). */
  readonly shared?: boolean | undefined;
}

/** An unfinished solo game expires this long after its last answer. */
export const SOLO_EXPIRY_MS = 15 * 60_000;
/** A member's last solo game is kept this long: the next one avoids its stories. */
export const SOLO_KEPT_MS = 30 * 24 * 60 * 60_000;

export function isSoloLive(game: SoloQuiz, now: number): boolean {
  return game.finishedAt !== undefined ? now < game.finishedAt + SOLO_EXPIRY_MS : now < game.updatedAt + SOLO_EXPIRY_MS;
}

/** Points a right answer earns with `streak` right answers in a row, itself included. */
export function pointsFor(streak: number): number {
  return streak >= STREAK_BONUS_FROM ? 2 : 1;
}

/** A solo game after the member chose `choice` for its next question. */
export function answerSolo(game: SoloQuiz, choice: number, now: number): SoloQuiz {
  const question = game.questions[game.answers.length];
  if (!question) return game;
  const right = choice === question.answer;
  const streak = right ? game.streak + 1 : 0;
  const answers = [...game.answers, choice];
  const finished = answers.length === game.questions.length;
  return {
    ...game,
    answers,
    score: game.score + (right ? pointsFor(streak) : 0),
    streak,
    bestStreak: Math.max(game.bestStreak, streak),
    updatedAt: now,
    ...(finished ? { finishedAt: now } : {}),
  };
}

/** How many of a solo game's answers were right. */
export function soloCorrect(game: SoloQuiz): number {
  return game.answers.filter((choice, i) => game.questions[i]?.answer === choice).length;
}

/** One question of a server game, as it runs. */
export interface QuestionState {
  /** When it was posted (or is due to be) and when it closes. */
  readonly openedAt: number;
  readonly closesAt: number;
  readonly messageId?: string | undefined;
  /** The hint was given (one wrong couple taken away). */
  readonly hinted?: boolean | undefined;
  readonly closedAt?: number | undefined;
  /** Who answered first and right; none when time ran out. */
  readonly winner?: string | undefined;
  /** The question's message was replaced by its answer. */
  readonly revealed?: boolean | undefined;
}

export type GameEnd = 'questions' | 'lead' | 'stopped' | 'gone';

/** A server game in one channel: everyone races to answer. */
export interface QuizGame {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  /** The language of its public messages. */
  readonly lang: Language;
  readonly questionMs: number;
  readonly createdAt: number;
  readonly questions: readonly QuizQuestion[];
  readonly requested: number;
  /** One entry per question opened so far; the last is the current one while running. */
  readonly rounds: readonly QuestionState[];
  readonly status: 'running' | 'finished';
  readonly endedBy?: GameEnd | undefined;
  readonly finishedAt?: number | undefined;
  readonly finalMessageId?: string | undefined;
  /** True once the scoreboard was posted and the game counted in the leaderboard. */
  readonly finalized?: boolean | undefined;
}

/** When a question's hint is due: half its time. */
export function hintAt(state: QuestionState): number {
  return state.openedAt + Math.floor((state.closesAt - state.openedAt) / 2);
}

/** The question being answered, while the game runs. */
export function currentQuestion(game: QuizGame): number | undefined {
  if (game.status !== 'running' || !game.rounds.length) return undefined;
  const index = game.rounds.length - 1;
  return game.rounds[index]!.closedAt === undefined ? index : undefined;
}

/** Right answers in a row by `userId` up to question `q` included, if they win it. */
export function streakAt(game: Pick<QuizGame, 'rounds'>, q: number, userId: string): number {
  let streak = 1;
  for (let i = q - 1; i >= 0 && game.rounds[i]?.winner === userId; i--) streak++;
  return streak;
}

/** Each winner's longest run of questions won in a row. */
export function bestStreaks(game: Pick<QuizGame, 'rounds'>): Map<string, number> {
  const best = new Map<string, number>();
  let run = 0;
  let last: string | undefined;
  for (const state of game.rounds) {
    const winner = state.winner;
    run = winner !== undefined && winner === last ? run + 1 : winner !== undefined ? 1 : 0;
    last = winner;
    if (winner !== undefined) best.set(winner, Math.max(best.get(winner) ?? 0, run));
  }
  return best;
}

/** A member's line on a scoreboard. */
export interface Standing {
  readonly userId: string;
  readonly points: number;
  readonly correct: number;
  readonly wrong: number;
  readonly bestStreak: number;
}

/** A game's scores counters (`p:<user>` points, `c:` right, `x:` wrong) as standings, best first. */
export function standingsOf(scores: ReadonlyMap<string, number>, streaks: ReadonlyMap<string, number> = new Map()): Standing[] {
  const users = new Set<string>();
  for (const name of scores.keys()) {
    const match = /^[pcx]:(\d{1,20})$/.exec(name);
    if (match) users.add(match[1]!);
  }
  return [...users]
    .map((userId) => ({ userId, points: scores.get(`p:${userId}`) ?? 0, correct: scores.get(`c:${userId}`) ?? 0, wrong: scores.get(`x:${userId}`) ?? 0, bestStreak: streaks.get(userId) ?? 0 }))
    .sort((a, b) => b.points - a.points || b.bestStreak - a.bestStreak || b.correct - a.correct || (a.userId < b.userId ? -1 : 1));
}

/** Whether the leader is `WINNING_LEAD` points ahead of everyone else. */
export function leaderAhead(standings: readonly Standing[]): boolean {
  const [first, second] = standings;
  return first !== undefined && first.points - Math.max(0, second?.points ?? 0) >= WINNING_LEAD;
}

/** A game's month in its leaderboard ("2026-11", UTC). */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
