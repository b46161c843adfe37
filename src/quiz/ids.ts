import { customId } from '../custom-id.js';
import { isPollId } from '../polls/ids.js';
import { CHOICES, MAX_QUESTIONS, MIN_QUESTIONS } from './model.js';

/** custom_id prefix of every quiz button. */
export const QUIZ_PREFIX = 'quiz';

/** What a quiz button asks for. Positions are checked against the stored game. */
export type QuizAction =
  /** Solo: the member's choice `choice` for question `question`. */
  | { action: 'pick'; gameId: string; question: number; choice: number }
  /** Solo: on to question `question`. */
  | { action: 'next'; gameId: string; question: number }
  /** Solo: post the finished game's result in the channel. */
  | { action: 'share'; gameId: string }
  /** Solo: a new game of `questions` questions. */
  | { action: 'again'; questions: number }
  /** Server game: an answer, `choice`, to question `question`. */
  | { action: 'answer'; gameId: string; question: number; choice: number };

const CODES = { pick: 'p', next: 'n', share: 's', again: 'g', answer: 'a' } as const;

/** `quiz:p:<game>:<q>:<c>`, `quiz:n:<game>:<q>`, `quiz:s:<game>`, `quiz:g:<n>`, `quiz:a:<game>:<q>:<c>`. */
export function quizCustomId(action: QuizAction): string {
  const code = CODES[action.action];
  switch (action.action) {
    case 'pick':
    case 'answer':
      return customId(QUIZ_PREFIX, code, action.gameId, action.question, action.choice);
    case 'next':
      return customId(QUIZ_PREFIX, code, action.gameId, action.question);
    case 'share':
      return customId(QUIZ_PREFIX, code, action.gameId);
    case 'again':
      return customId(QUIZ_PREFIX, code, action.questions);
  }
}

const number = (text: string | undefined, below: number): number | undefined => (text !== undefined && /^\d{1,2}$/.test(text) && Number(text) < below ? Number(text) : undefined);

/** Reads the parts after `quiz:`: anything not shaped exactly like an id we build is undefined (a forged button). */
export function parseQuizCustomId(args: readonly string[]): QuizAction | undefined {
  const [code, gameId, a, b, ...extra] = args;
  if (extra.length) return undefined;
  if (code === 'g') {
    const questions = number(gameId, MAX_QUESTIONS + 1);
    return questions !== undefined && questions >= MIN_QUESTIONS && a === undefined ? { action: 'again', questions } : undefined;
  }
  if (!gameId || !isPollId(gameId)) return undefined;
  const question = number(a, MAX_QUESTIONS);
  const choice = number(b, CHOICES);
  switch (code) {
    case 'p':
    case 'a':
      return question !== undefined && choice !== undefined ? { action: code === 'p' ? 'pick' : 'answer', gameId, question, choice } : undefined;
    case 'n':
      return question !== undefined && b === undefined ? { action: 'next', gameId, question } : undefined;
    case 's':
      return a === undefined ? { action: 'share', gameId } : undefined;
    default:
      return undefined;
  }
}

/** KeyedQueue key of a member's solo game. */
export const soloKey = (guildId: string, userId: string) => `quiz-solo:${guildId}:${userId}`;
/** KeyedQueue, timer and live-edit key of a server game. */
export const gameKey = (guildId: string, gameId: string) => `quiz:${guildId}:${gameId}`;
/** Live-edit key of one question's message. */
export const questionKey = (guildId: string, gameId: string, question: number) => `quiz:${guildId}:${gameId}:${question}`;
/** The server, game and question a `gameKey` or `questionKey` names. */
export function ofGameKey(key: string): { guildId: string; gameId: string; question: number } {
  const [, guildId = '', gameId = '', question = '0'] = key.split(':');
  return { guildId, gameId, question: Number(question) };
}
