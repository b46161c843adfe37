import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, parseDuration, splitDuration } from '../../src/polls/duration.js';
import { durationText } from '../../src/polls/text.js';

describe('parseDuration', () => {
  it.each([
    ['5m', 5 * MINUTE],
    ['30m', 30 * MINUTE],
    ['2h', 2 * HOUR],
    ['3d', 3 * DAY],
    ['14d', 14 * DAY],
    ['1d12h', 36 * HOUR],
    ['1d 12h 30m', 36 * HOUR + 30 * MINUTE],
    ['1.5h', 90 * MINUTE],
    ['90 min', 90 * MINUTE],
    ['2 Days', 2 * DAY],
    ['2w', 14 * DAY],
    ['  24H ', DAY],
    ['30분', 30 * MINUTE],
    ['2시간', 2 * HOUR],
    ['1일12시간', 36 * HOUR],
  ])('accepts %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms });
  });

  it.each([
    ['0m', 'too-short'],
    ['4m', 'too-short'],
    ['4.9m', 'too-short'],
    ['15d', 'too-long'],
    ['14d1m', 'too-long'],
    ['3w', 'too-long'],
    ['99999999999999999999999d', 'too-long'],
    ['abc', 'format'],
    ['', 'format'],
    ['   ', 'format'],
    ['30', 'format'],
    ['30x', 'format'],
    ['1d12', 'format'],
    ['h2', 'format'],
    ['-5m', 'format'],
    ['1.2.3h', 'format'],
    ['2h; drop table', 'format'],
    ['1m'.repeat(20), 'format'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(parseDuration(input)).toEqual({ ok: false, reason });
  });
});

describe('duration text', () => {
  it('splits into days, hours and minutes', () => {
    expect(splitDuration(36 * HOUR + 5 * MINUTE)).toEqual({ days: 1, hours: 12, minutes: 5 });
  });

  it('reads naturally in English and Korean, singular and plural', () => {
    expect(durationText('en', DAY)).toBe('1 day');
    expect(durationText('en', 2 * DAY + HOUR)).toBe('2 days 1 hour');
    expect(durationText('en', 30 * MINUTE)).toBe('30 minutes');
    expect(durationText('ko', 36 * HOUR)).toBe('1일 12시간');
  });
});
