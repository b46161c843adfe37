import { describe, expect, it } from 'vitest';
import { array, boolean, CheckError, httpsUrl, number, object, oneOf, optional, record, refine, text } from '../../src/check.js';

/** The message of the CheckError `run` throws. */
function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckError);
    return (error as Error).message;
  }
  throw new Error('expected a CheckError');
}

describe('checking the shape of data', () => {
  const person = object(
    {
      name: text({ trim: true, min: 1, max: 10 }),
      age: optional(number({ integer: true, min: 0 })),
      tags: array(text({ pattern: [/^[a-z]+$/, 'must be lowercase letters'] }), { max: 2 }),
    },
    { strict: true },
  );

  it('names the path to the first problem and what is wrong', () => {
    expect(problem(() => person({ name: 'Mina', tags: ['ok', 'Not OK'] }))).toBe('tags.1: must be lowercase letters');
    expect(problem(() => person({ name: '  ', tags: [] }))).toBe('name: must not be empty');
    expect(problem(() => person({ name: 'Mina', age: 1.5, tags: [] }))).toBe('age: must be a whole number');
    expect(problem(() => person({ name: 'Mina', tags: ['a', 'b', 'c'] }))).toBe('tags: must hold at most 2 items');
    expect(problem(() => person({ name: 'Mina', tags: [], email: 'x' }))).toBe('email: is not a known field');
    expect(problem(() => person([]))).toBe('must be an object');
  });

  it('returns an accepted object itself, and a copy only when something changed or was dropped', () => {
    const clean = { name: 'Mina', tags: ['a'] };
    expect(person(clean)).toBe(clean);
    const padded = { name: ' Mina ', tags: ['a'] };
    expect(person(padded)).toEqual({ name: 'Mina', tags: ['a'] });
    expect(padded.name).toBe(' Mina ');
    const loose = object({ a: number() });
    const extra = { a: 1, b: 2 };
    expect(loose(extra)).toEqual({ a: 1 });
    expect(loose({ a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it('accepts an absent optional field and leaves it absent', () => {
    expect(Object.keys(person({ name: 'Mina', tags: [] }))).toEqual(['name', 'tags']);
    expect(problem(() => person({ name: 'Mina', age: null, tags: [] }))).toBe('age: must be a number');
  });

  it('checks the small pieces', () => {
    expect(problem(() => boolean()('yes'))).toBe('must be true or false');
    expect(oneOf(['en', 'ko'])('ko')).toBe('ko');
    expect(problem(() => oneOf(['en', 'ko'])('fr'))).toBe('must be one of en, ko');
    expect(problem(() => number()(Number.NaN))).toBe('must be a number');
    expect(problem(() => number({ max: 3 })(4))).toBe('must be 3 or less');
    expect(httpsUrl()('https://example.com/a')).toBe('https://example.com/a');
    expect(problem(() => httpsUrl()('http://example.com'))).toBe('must be an https URL');
    expect(problem(() => httpsUrl()('not a url'))).toBe('must be a URL');
    expect(problem(() => array(number(), { length: 2 })([1]))).toBe('must hold exactly 2 items');
    expect(problem(() => record(number())({ a: 1, b: 'x' }))).toBe('b: must be a number');
  });

  it('runs a rule on what was accepted, at the path the rule names', () => {
    const pair = refine(object({ low: number(), high: number() }), (v) => (v.low > v.high ? [['low'], 'must not be above high'] : undefined));
    expect(pair({ low: 1, high: 2 })).toEqual({ low: 1, high: 2 });
    expect(problem(() => object({ range: pair })({ range: { low: 3, high: 2 } }))).toBe('range.low: must not be above high');
  });
});
