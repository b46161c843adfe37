import { coupleName, type Couple } from '../catalogue/catalogue.js';
import type { Random } from '../catalogue/random.js';
import { CHOICES, type Choice, type QuizQuestion } from './model.js';

/*
 * Drawing a game's questions (pure, with an injected random source): each story at most once, the
 * stories of a member's last game left for last, and wrong couples that could be right: the same
 * network, or a drama of the same years, when the catalogue has them.
 */

/** How many questions a game asks: what was asked for, or every story there is when there are fewer. */
export function questionCount(requested: number, available: number): number {
  return Math.max(0, Math.min(requested, available));
}

/** The couples in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How much a wrong couple looks like the right one: the same network, and how close in years. */
export function likeness(answer: Couple, other: Couple): number {
  let score = 0;
  if (answer.drama.network && answer.drama.network === other.drama.network) score += 2;
  const a = answer.drama.year;
  const b = other.drama.year;
  if (a !== undefined && b !== undefined) {
    const gap = Math.abs(a - b);
    score += gap <= 1 ? 2 : gap <= 3 ? 1 : 0;
  }
  return score;
}

/** How many different couples the stories name (a quiz needs CHOICES of them). */
export function distinctCouples(couples: readonly Couple[]): number {
  return new Set(couples.map((c) => coupleName(c, 'en'))).size;
}

export function choiceOf(couple: Couple): Choice {
  return { id: couple.id, name: { en: coupleName(couple, 'en'), ko: coupleName(couple, 'ko') } };
}

/** Three wrong couples for `answer`, the likest first among equals at random, then the answer put in at random. */
export function choicesFor(answer: Couple, couples: readonly Couple[], random: Random): { choices: Choice[]; answer: number; hint: number } {
  const others = shuffled(
    couples.filter((c) => c.id !== answer.id),
    random,
  ).sort((x, y) => likeness(answer, y) - likeness(answer, x));
  // A couple with several stories is one answer: never offered twice, nor as a wrong choice for itself.
  const names = new Set([coupleName(answer, 'en')]);
  const wrong: Couple[] = [];
  for (const other of others) {
    if (wrong.length === CHOICES - 1) break;
    const name = coupleName(other, 'en');
    if (names.has(name)) continue;
    names.add(name);
    wrong.push(other);
  }
  const position = Math.min(wrong.length, Math.floor(random() * (wrong.length + 1)));
  const list = [...wrong];
  list.splice(position, 0, answer);
  // The hint takes away the least likely wrong couple.
  const hintCouple = wrong.at(-1);
  return { choices: list.map(choiceOf), answer: position, hint: hintCouple ? list.indexOf(hintCouple) : position };
}

/**
 * The questions of a game: `count` stories, none twice, those in `avoid` (the member's last game)
 * only when there are not enough others. Needs at least CHOICES couples.
 */
export function drawQuestions(couples: readonly Couple[], count: number, random: Random, avoid: ReadonlySet<string> = new Set()): QuizQuestion[] {
  const fresh = shuffled(
    couples.filter((c) => !avoid.has(c.id)),
    random,
  );
  const seen = shuffled(
    couples.filter((c) => avoid.has(c.id)),
    random,
  );
  return [...fresh, ...seen].slice(0, questionCount(count, couples.length)).map((couple) => ({ coupleId: couple.id, ...choicesFor(couple, couples, random) }));
}
