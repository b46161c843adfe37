/**
 * Poll durations typed by members: `30m`, `2h`, `3d`, `1d12h`, `1.5h`, `90 min`, `2 days`, and the
 * Korean units `30분`, `2시간`, `3일`, `1주`. Pure: text in, milliseconds or a reason out.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Shortest poll: 5 minutes. */
export const MIN_DURATION_MS = 5 * MINUTE;
/** Longest poll: 14 days. */
export const MAX_DURATION_MS = 14 * DAY;
/** Used when the member gives no duration. */
export const DEFAULT_DURATION_MS = DAY;
/** Longest text we try to read as a duration. */
export const MAX_DURATION_INPUT = 32;

export type DurationRefusal = 'format' | 'too-short' | 'too-long';
export type DurationParse = { ok: true; ms: number } | { ok: false; reason: DurationRefusal };

const UNITS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(w|wk|wks|week|weeks|주|주일)$/, 7 * DAY],
  [/^(d|day|days|일)$/, DAY],
  [/^(h|hr|hrs|hour|hours|시간)$/, HOUR],
  [/^(m|min|mins|minute|minutes|분)$/, MINUTE],
];

const PART = /(\d+(?:\.\d+)?)\s*([a-z가-힣]+)\s*/gy;

/** Reads a duration and checks it lies within 5 minutes and 14 days (both included). */
export function parseDuration(input: string): DurationParse {
  const text = input.trim().toLowerCase();
  if (!text || text.length > MAX_DURATION_INPUT) return { ok: false, reason: 'format' };
  let total = 0;
  let end = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    const [, amount = '', unit = ''] = match;
    const size = UNITS.find(([pattern]) => pattern.test(unit))?.[1];
    if (size === undefined) return { ok: false, reason: 'format' };
    total += Number(amount) * size;
    end = PART.lastIndex;
  }
  if (end === 0 || end !== text.length || !Number.isFinite(total)) return { ok: false, reason: 'format' };
  const ms = Math.round(total);
  if (ms < MIN_DURATION_MS) return { ok: false, reason: 'too-short' };
  if (ms > MAX_DURATION_MS) return { ok: false, reason: 'too-long' };
  return { ok: true, ms };
}

/** Whole days, hours and minutes of a duration, largest first, zeros left out (at least minutes). */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number } {
  const minutesTotal = Math.round(ms / MINUTE);
  return {
    days: Math.floor(minutesTotal / (24 * 60)),
    hours: Math.floor((minutesTotal % (24 * 60)) / 60),
    minutes: minutesTotal % 60,
  };
}
