import { describe, expect, it } from 'vitest';
import { coupleName, loadCatalogue, type Couple } from '../../src/catalogue/catalogue.js';
import { sequence } from '../e2e/harness.js';
import { CHOICES } from '../../src/quiz/model.js';
import { choicesFor, distinctCouples, drawQuestions, likeness } from '../../src/quiz/questions.js';

const catalogue = loadCatalogue();
const couples = catalogue.couples;
const byId = new Map(couples.map((c) => [c.id, c]));
/** A deterministic but varied random source. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('a quiz question’s choices', () => {
  it.each(couples.map((c) => [c.id, c] as const))('offer four different couples, exactly one of them the answer: %s', (_id, answer) => {
    const { choices, answer: position, hint } = choicesFor(answer, couples, seeded(answer.id.length * 7919));
    expect(choices).toHaveLength(CHOICES);
    expect(choices[position]!.id).toBe(answer.id);
    // Several stories of one couple are one answer: its name appears once, and no wrong choice is it.
    const names = choices.map((c) => c.name.en);
    expect(new Set(names).size).toBe(CHOICES);
    expect(new Set(choices.map((c) => c.name.ko)).size).toBe(CHOICES);
    expect(names.filter((n) => n === coupleName(answer, 'en'))).toHaveLength(1);
    expect(hint).not.toBe(position);
    expect(hint).toBeGreaterThanOrEqual(0);
  });

  it('picks wrong couples of the same network or years whenever the catalogue has three', () => {
    for (const answer of couples) {
      const alike = new Set(couples.filter((c) => c.id !== answer.id && coupleName(c) !== coupleName(answer) && likeness(answer, c) > 0).map((c) => coupleName(c)));
      const { choices, answer: position } = choicesFor(answer, couples, seeded(3));
      const wrong = choices.filter((_, i) => i !== position).map((c) => byId.get(c.id)!);
      if (alike.size >= CHOICES - 1) for (const c of wrong) expect(likeness(answer, c), `${answer.id}: ${c.id}`).toBeGreaterThan(0);
    }
  });

  it('never offers a couple twice when the catalogue holds two stories of it', () => {
    const twice = couples.filter((c) => couples.some((o) => o.id !== c.id && coupleName(o) === coupleName(c)));
    expect(twice.length).toBeGreaterThan(0);
    for (const answer of twice) {
      // Every other story at the same likeness: the random order decides, over many draws.
      for (let seed = 1; seed < 40; seed++) {
        const { choices } = choicesFor(answer, couples, seeded(seed));
        expect(new Set(choices.map((c) => c.name.en)).size).toBe(CHOICES);
      }
    }
    expect(distinctCouples(couples)).toBe(new Set(couples.map((c) => coupleName(c))).size);
    expect(distinctCouples(couples)).toBeLessThan(couples.length);
  });
});

describe('a game’s questions', () => {
  it('ask no story twice, and as many as asked for', () => {
    const questions = drawQuestions(couples, 20, seeded(11));
    expect(questions).toHaveLength(20);
    expect(new Set(questions.map((q) => q.coupleId)).size).toBe(20);
  });

  it('leave the stories of the member’s last game out while there are others', () => {
    const last = new Set(drawQuestions(couples, 20, seeded(5)).map((q) => q.coupleId));
    const next = drawQuestions(couples, 20, seeded(6), last);
    expect(next.filter((q) => last.has(q.coupleId))).toEqual([]);
    // With only a few stories, the last game's come back rather than asking fewer questions.
    const few: Couple[] = couples.slice(0, 8);
    const again = drawQuestions(few, 6, sequence(0.5), new Set(few.slice(0, 4).map((c) => c.id)));
    expect(again).toHaveLength(6);
    expect(again.slice(0, 4).every((q) => !few.slice(0, 4).some((c) => c.id === q.coupleId))).toBe(true);
  });
});
