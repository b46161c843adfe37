import { describe, expect, it } from 'vitest';
import { planNext, type DailySchedule } from '../../src/daily/schedule.js';
import { EMPTY_ROUND } from '../../src/daily/rotation.js';
import { addDays, dueInstant, endOfDay, formatTime, isValidZone, localDate, normalizeZone, offsetLabel, parseTime } from '../../src/daily/time.js';
import { DAY, HOUR, iso } from './helpers.js';

describe('reading the time of day', () => {
  it.each([
    ['20:00', 20, 0],
    ['00:00', 0, 0],
    ['23:59', 23, 59],
    ['07:05', 7, 5],
    ['7:05', 7, 5],
    [' 20:30 ', 20, 30],
  ])('accepts %j', (input, hour, minute) => {
    expect(parseTime(input)).toEqual({ hour, minute });
  });

  it.each(['25:00', '24:00', '20:60', '8pm', '', '   ', '7:5', '20', '20:00:00', '2000', '-1:00', '20:0', '２０:００', '20.00', '12:30 PM'])(
    'refuses %j',
    (input) => {
      expect(parseTime(input)).toBeUndefined();
    },
  );

  it('writes times back as HH:MM', () => {
    expect(formatTime({ hour: 7, minute: 5 })).toBe('07:05');
    expect(formatTime({ hour: 20, minute: 0 })).toBe('20:00');
  });
});

describe('time zones', () => {
  it.each([
    ['Asia/Seoul', 'Asia/Seoul'],
    ['asia/seoul', 'Asia/Seoul'],
    ['America/New_York', 'America/New_York'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Europe/London', 'Europe/London'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
  ])('knows %j as %j', (input, name) => {
    expect(normalizeZone(input)).toBe(name);
    expect(isValidZone(input)).toBe(true);
  });

  it.each(['KST', 'Mars/Olympus', '+09:00', 'Seoul', '', 'Asia/Seoul; DROP TABLE', 'x'.repeat(200)])('refuses %j', (input) => {
    expect(normalizeZone(input)).toBeUndefined();
    expect(isValidZone(input)).toBe(false);
  });

  it('labels offsets', () => {
    const winter = Date.UTC(2026, 0, 15);
    const summer = Date.UTC(2026, 6, 15);
    expect(offsetLabel('Asia/Seoul', winter)).toBe('UTC+09:00');
    expect(offsetLabel('America/New_York', winter)).toBe('UTC-05:00');
    expect(offsetLabel('America/New_York', summer)).toBe('UTC-04:00');
    expect(offsetLabel('Asia/Kathmandu', summer)).toBe('UTC+05:45');
    expect(offsetLabel('UTC', summer)).toBe('UTC');
  });
});

describe('local dates and due instants', () => {
  it('20:00 in Seoul is 11:00 UTC the same day', () => {
    expect(iso(dueInstant('2026-03-10', { hour: 20, minute: 0 }, 'Asia/Seoul'))).toBe('2026-03-10T11:00:00.000Z');
  });

  it('reads the local date of an instant in the zone', () => {
    const instant = Date.UTC(2026, 2, 10, 16, 0); // 01:00 on the 11th in Seoul, 12:00 on the 10th in New York
    expect(localDate(instant, 'Asia/Seoul')).toBe('2026-03-11');
    expect(localDate(instant, 'America/New_York')).toBe('2026-03-10');
    expect(localDate(instant, 'UTC')).toBe('2026-03-10');
  });

  it('adds calendar days across month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('maps 02:30 on the New York spring-forward day to 03:00 EDT, the first instant after the gap', () => {
    expect(iso(dueInstant('2026-03-08', { hour: 2, minute: 30 }, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(dueInstant('2026-03-07', { hour: 2, minute: 30 }, 'America/New_York'))).toBe('2026-03-07T07:30:00.000Z');
    expect(iso(dueInstant('2026-03-09', { hour: 2, minute: 30 }, 'America/New_York'))).toBe('2026-03-09T06:30:00.000Z');
  });

  it('takes the first of the two 01:30s on the New York fall-back day', () => {
    expect(iso(dueInstant('2026-11-01', { hour: 1, minute: 30 }, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(dueInstant('2026-11-02', { hour: 1, minute: 30 }, 'America/New_York'))).toBe('2026-11-02T06:30:00.000Z');
  });

  it('keeps an ordinary time at the same local time across both change days', () => {
    expect(iso(dueInstant('2026-03-07', { hour: 20, minute: 0 }, 'America/New_York'))).toBe('2026-03-08T01:00:00.000Z');
    expect(iso(dueInstant('2026-03-08', { hour: 20, minute: 0 }, 'America/New_York'))).toBe('2026-03-09T00:00:00.000Z');
    expect(iso(dueInstant('2026-10-31', { hour: 20, minute: 0 }, 'America/New_York'))).toBe('2026-11-01T00:00:00.000Z');
    expect(iso(dueInstant('2026-11-01', { hour: 20, minute: 0 }, 'America/New_York'))).toBe('2026-11-02T01:00:00.000Z');
  });

  it('gives every local day of a DST year exactly one instant that falls on that day, at every half hour', () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Santiago', 'Asia/Seoul'];
    const wrong: string[] = [];
    for (const zone of zones) {
      for (let minute = 0; minute < 24 * 60; minute += 30) {
        const time = { hour: Math.floor(minute / 60), minute: minute % 60 };
        let previous = -Infinity;
        for (let date = '2026-01-01'; date < '2027-01-01'; date = addDays(date, 1)) {
          const at = dueInstant(date, time, zone);
          if (localDate(at, zone) !== date || at <= previous) wrong.push(`${zone} ${date} ${formatTime(time)} → ${iso(at)}`);
          previous = at;
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('ends a day at the next local midnight, 23 or 25 hours long on change days', () => {
    const zone = 'America/New_York';
    const start = (date: string) => dueInstant(date, { hour: 0, minute: 0 }, zone);
    expect(endOfDay('2026-03-08', zone) - start('2026-03-08')).toBe(23 * HOUR);
    expect(endOfDay('2026-11-01', zone) - start('2026-11-01')).toBe(25 * HOUR);
    expect(endOfDay('2026-06-01', zone) - start('2026-06-01')).toBe(DAY);
  });
});

describe('planning the next post', () => {
  const base: DailySchedule = {
    channelId: '1',
    time: '20:00',
    timezone: 'Asia/Seoul',
    language: 'en',
    enabled: true,
    activeSince: Date.UTC(2026, 2, 1),
    round: EMPTY_ROUND,
  };
  const at = (h: number, m = 0) => Date.UTC(2026, 2, 10, h, m);

  it('is today at the set time while that is still ahead', () => {
    expect(planNext(base, at(9))).toEqual({ date: '2026-03-10', at: at(11), retry: false });
  });

  it('owes a late post today when the time passed with no post (the bot was down)', () => {
    expect(planNext(base, at(13))).toEqual({ date: '2026-03-10', at: at(11), retry: false });
  });

  it('is tomorrow once today has its post', () => {
    const posted = { ...base, lastPost: { date: '2026-03-10', coupleId: 'x', state: 'sent', attempts: 1, claimedAt: at(11) } } as const;
    expect(planNext(posted, at(13))).toEqual({ date: '2026-03-11', at: at(11) + DAY, retry: false });
  });

  it('does not owe today when the schedule was set after today\'s time', () => {
    expect(planNext({ ...base, activeSince: at(12) }, at(12))).toEqual({ date: '2026-03-11', at: at(11) + DAY, retry: false });
  });

  it('never replays missed days: after three days down, only today is owed', () => {
    const stale = { ...base, lastPost: { date: '2026-03-06', coupleId: 'x', state: 'sent', attempts: 1, claimedAt: 0 } } as const;
    expect(planNext(stale, at(13)).date).toBe('2026-03-10');
  });

  it('resends a retrying post of today at its retry time, but not one of an earlier day', () => {
    const retrying = { date: '2026-03-10', coupleId: 'x', state: 'retrying', attempts: 2, retryAt: at(11, 5), claimedAt: at(11) } as const;
    expect(planNext({ ...base, lastPost: retrying }, at(11, 1))).toEqual({ date: '2026-03-10', at: at(11, 5), retry: true });
    expect(planNext({ ...base, lastPost: { ...retrying, date: '2026-03-09' } }, at(11, 1))).toEqual({ date: '2026-03-10', at: at(11), retry: false });
  });
});
