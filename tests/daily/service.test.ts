import { describe, expect, it } from 'vitest';
import { buildCatalogue, readStoryFiles } from '../../src/catalogue/catalogue.js';
import { UserError } from '../../src/errors.js';
import { ChannelUnusableError, DailyOffError } from '../../src/daily/errors.js';
import { localDate } from '../../src/daily/time.js';
import { ownsGuildFor, shardOf } from '../../src/daily/ownership.js';
import { createDailyService } from '../../src/daily/service.js';
import { CHANNEL, DAY, FakePublisher, GUILD, HOUR, MINUTE, OTHER_CHANNEL, OTHER_GUILD, ROLE, capturingLogger, catalogue, harness, iso, postedCouple, seeded } from './helpers.js';

/** 09:00 UTC on 10 March 2026 = 18:00 in Seoul. */
const MORNING = Date.UTC(2026, 2, 10, 9, 0);
const SEOUL_20 = Date.UTC(2026, 2, 10, 11, 0);
/** Stories in a round: the whole catalogue, however many it holds. */
const N = catalogue.couples.length;

describe('daily posts, day after day', () => {
  it('posts once a day at 20:00 Seoul time (11:00 UTC), every couple of the catalogue before any repeat', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, { time: '20:00', timezone: 'Asia/Seoul' });
    // Two whole rounds and the first story of a third.
    await h.clock.advanceTo(SEOUL_20 + 2 * N * DAY + HOUR);

    const posts = h.publisher.delivered;
    expect(posts.map((p) => iso(p.at))).toEqual(Array.from({ length: 2 * N + 1 }, (_, i) => iso(SEOUL_20 + i * DAY)));
    const couples = posts.map(postedCouple);
    const all = catalogue.couples.map((c) => c.id).sort();
    expect([...couples.slice(0, N)].sort()).toEqual(all);
    expect([...couples.slice(N, 2 * N)].sort()).toEqual(all);
    expect(couples[N]).not.toBe(couples[N - 1]);
    expect(couples[2 * N]).not.toBe(couples[2 * N - 1]);
    // One clock timer, whatever the number of days.
    expect(h.clock.pending).toBe(1);
  });

  it('uses the /kiss-scene embed with a "Story of the day" heading, and mentions only the chosen role', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, { roleId: ROLE, language: 'ko' });
    await h.clock.advanceTo(SEOUL_20);
    const [post] = h.publisher.delivered;
    expect(post?.channelId).toBe(CHANNEL);
    expect(post?.payload.embeds[0]?.author?.name).toBe('오늘의 이야기');
    expect(post?.payload.content).toContain(`<@&${ROLE}>`);
    expect(post?.payload.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(post?.payload.components[0]?.components.length).toBe(2);
  });

  it('tells the status: next post, stories left, last story', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    let status = await h.service.status(GUILD);
    expect(status?.next?.at).toBe(SEOUL_20);
    expect(status?.storiesLeft).toBe(N);
    expect(status?.roundSize).toBe(N);
    await h.clock.advanceTo(SEOUL_20 + 2 * DAY);
    status = await h.service.status(GUILD);
    expect(status?.next?.at).toBe(SEOUL_20 + 3 * DAY);
    expect(status?.storiesLeft).toBe(N - 3);
    expect(status?.schedule.lastPost).toMatchObject({ date: '2026-03-12', state: 'sent', attempts: 1 });
    expect(await h.service.status(OTHER_GUILD)).toBeUndefined();
  });
});

describe('daylight saving time', () => {
  /** Posts per local day for a New York schedule from 5 March to 5 November 2026. */
  async function newYork(time: string) {
    const h = harness(Date.UTC(2026, 2, 5, 12));
    await h.service.start();
    await h.set(GUILD, { time, timezone: 'America/New_York' });
    await h.clock.advanceTo(Date.UTC(2026, 10, 5, 12));
    const byDay = new Map<string, number[]>();
    for (const post of h.publisher.delivered) {
      const day = localDate(post.at, 'America/New_York');
      byDay.set(day, [...(byDay.get(day) ?? []), post.at]);
    }
    return byDay;
  }

  function expectOnePerDay(byDay: Map<string, number[]>, first: string, last: string) {
    const days = [...byDay.keys()];
    expect(days[0]).toBe(first);
    expect(days.at(-1)).toBe(last);
    expect([...byDay.values()].every((posts) => posts.length === 1)).toBe(true);
    // No day skipped: consecutive dates.
    expect(days.length).toBe(Math.round((Date.parse(last) - Date.parse(first)) / DAY) + 1);
  }

  it('posts an ordinary 20:00 exactly once a day at 20:00 local across both change days', async () => {
    const byDay = await newYork('20:00');
    expectOnePerDay(byDay, '2026-03-05', '2026-11-04');
    expect(byDay.get('2026-03-07')?.map(iso)).toEqual(['2026-03-08T01:00:00.000Z']);
    expect(byDay.get('2026-03-08')?.map(iso)).toEqual(['2026-03-09T00:00:00.000Z']);
    expect(byDay.get('2026-10-31')?.map(iso)).toEqual(['2026-11-01T00:00:00.000Z']);
    expect(byDay.get('2026-11-01')?.map(iso)).toEqual(['2026-11-02T01:00:00.000Z']);
  });

  it('posts 02:30 once on the spring-forward day (at 03:00, after the gap) and every other day', async () => {
    const byDay = await newYork('02:30');
    expectOnePerDay(byDay, '2026-03-06', '2026-11-05');
    expect(byDay.get('2026-03-08')?.map(iso)).toEqual(['2026-03-08T07:00:00.000Z']);
    expect(byDay.get('2026-11-01')?.map(iso)).toEqual(['2026-11-01T07:30:00.000Z']);
  });

  it('posts 01:30 once on the fall-back day, at its first occurrence', async () => {
    const byDay = await newYork('01:30');
    expectOnePerDay(byDay, '2026-03-06', '2026-11-05');
    expect(byDay.get('2026-11-01')?.map(iso)).toEqual(['2026-11-01T05:30:00.000Z']);
    expect(byDay.get('2026-03-08')?.map(iso)).toEqual(['2026-03-08T06:30:00.000Z']);
  });
});

describe('restarts and downtime', () => {
  it('does not post again after a restart right after the post', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 + MINUTE);
    expect(h.publisher.delivered).toHaveLength(1);
    await (await h.restart()).start();
    await h.clock.advanceTo(SEOUL_20 + 12 * HOUR);
    expect(h.publisher.delivered).toHaveLength(1);
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.delivered.map((p) => p.at)).toEqual([SEOUL_20, SEOUL_20 + DAY]);
  });

  it('posts once, late, at start-up when the bot was down at the due time — and not again on another restart', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.service.stop();
    await h.clock.advanceTo(SEOUL_20 + 2 * HOUR);
    expect(h.publisher.attempts).toHaveLength(0);
    await (await h.restart()).start();
    await h.clock.advance(0);
    expect(h.publisher.delivered.map((p) => p.at)).toEqual([SEOUL_20 + 2 * HOUR]);
    await (await h.restart()).start();
    await h.clock.advanceTo(SEOUL_20 + 10 * HOUR);
    expect(h.publisher.delivered).toHaveLength(1);
  });

  it('does not replay days missed entirely: three days down gives one post, today\'s', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.service.stop();
    await h.clock.advanceTo(SEOUL_20 + 3 * DAY + 2 * HOUR);
    await (await h.restart()).start();
    await h.clock.advance(HOUR);
    expect(h.publisher.delivered.map((p) => localDate(p.at, 'Asia/Seoul'))).toEqual(['2026-03-13']);
  });

  it('does not resend a post whose attempt was under way when the bot died', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    // The claim is written, then the process dies before Discord answers.
    const schedule = (await h.store.get(GUILD))!;
    await h.store.save(GUILD, { ...schedule, lastPost: { date: '2026-03-10', coupleId: catalogue.couples[0]!.id, state: 'sending', attempts: 1, claimedAt: SEOUL_20 } });
    await h.service.stop();
    await h.clock.advanceTo(SEOUL_20 + HOUR);
    await (await h.restart()).start();
    await h.clock.advance(HOUR);
    expect(h.publisher.attempts).toHaveLength(0);
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.delivered).toHaveLength(1);
  });

  it('starts tomorrow when set after today\'s time has passed', async () => {
    const h = harness(SEOUL_20 + HOUR);
    await h.service.start();
    await h.set(GUILD, {});
    await h.clock.advance(HOUR);
    expect(h.publisher.attempts).toHaveLength(0);
    expect((await h.service.status(GUILD))?.next?.at).toBe(SEOUL_20 + DAY);
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.delivered).toHaveLength(1);
  });

  it('does not post twice when the time is changed to later the same day after the post', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, { time: '20:00' });
    await h.clock.advanceTo(SEOUL_20 + MINUTE);
    await h.set(GUILD, { time: '22:00' });
    await h.clock.advanceTo(SEOUL_20 + 5 * HOUR);
    expect(h.publisher.delivered).toHaveLength(1);
    await h.clock.advanceTo(SEOUL_20 + DAY + 2 * HOUR);
    expect(h.publisher.delivered.map((p) => p.at)).toEqual([SEOUL_20, SEOUL_20 + DAY + 2 * HOUR]);
  });
});

describe('failures', () => {
  it('retries 429 and 5xx with growing waits, then posts once', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    h.publisher.outcomes.set(CHANNEL, [
      { kind: 'transient', retryAfterMs: 2_000, detail: '429' },
      { kind: 'transient', detail: '503' },
      { kind: 'transient', detail: '502' },
    ]);
    await h.clock.advanceTo(SEOUL_20 + HOUR);
    const attempts = h.publisher.attempts;
    expect(attempts.map((a) => a.outcome.kind)).toEqual(['transient', 'transient', 'transient', 'ok']);
    // Same story each time, and the waits grow.
    expect(new Set(attempts.map(postedCouple)).size).toBe(1);
    const waits = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    expect(waits[0]).toBeGreaterThanOrEqual(2_000);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThan(waits[1]!);
    expect((await h.store.get(GUILD))?.lastPost).toMatchObject({ state: 'sent', attempts: 4 });
    expect(h.lines.filter((l) => l.msg === 'daily post failed, will retry')).toHaveLength(3);
    // And the next day is normal.
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.delivered).toHaveLength(2);
  });

  it('gives up when the day ends, with a log line, and posts the same story the next day', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, { time: '23:00' });
    h.publisher.always.set(CHANNEL, { kind: 'transient', detail: '500' });
    const elevenPm = Date.UTC(2026, 2, 10, 14, 0);
    await h.clock.advanceTo(elevenPm + 2 * HOUR);
    const failed = h.publisher.attempts.length;
    expect(failed).toBeGreaterThan(2);
    expect(h.publisher.attempts.every((a) => localDate(a.at, 'Asia/Seoul') === '2026-03-10')).toBe(true);
    expect(h.lines.some((l) => l.msg === 'daily post failed all day, giving up until tomorrow')).toBe(true);
    h.publisher.always.delete(CHANNEL);
    await h.clock.advanceTo(elevenPm + DAY);
    expect(h.publisher.delivered.map((p) => p.at)).toEqual([elevenPm + DAY]);
    expect(postedCouple(h.publisher.delivered[0]!)).toBe(postedCouple(h.publisher.attempts[0]!));
  });

  it('picks up a pending retry after a restart, without a second story', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    h.publisher.outcomes.set(CHANNEL, [{ kind: 'transient', detail: '503' }]);
    await h.clock.advanceTo(SEOUL_20 + 1_000);
    expect((await h.store.get(GUILD))?.lastPost?.state).toBe('retrying');
    await (await h.restart()).start();
    await h.clock.advanceTo(SEOUL_20 + HOUR);
    expect(h.publisher.attempts.map((a) => a.outcome.kind)).toEqual(['transient', 'ok']);
    expect(postedCouple(h.publisher.attempts[1]!)).toBe(postedCouple(h.publisher.attempts[0]!));
  });

  it('turns the schedule off when the channel is deleted, explains why, and other servers keep their posts', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, { channelId: CHANNEL });
    await h.set(OTHER_GUILD, { channelId: OTHER_CHANNEL });
    h.publisher.always.set(CHANNEL, { kind: 'permanent', reason: { kind: 'channel-deleted' } });
    await h.clock.advanceTo(SEOUL_20 + 3 * DAY);
    expect(h.publisher.attempts.filter((a) => a.channelId === CHANNEL)).toHaveLength(1);
    expect(h.publisher.deliveredTo(OTHER_CHANNEL)).toHaveLength(4);
    const status = await h.service.status(GUILD);
    expect(status?.schedule.enabled).toBe(false);
    expect(status?.schedule.disabledReason).toEqual({ kind: 'channel-deleted' });
    expect(status?.next).toBeUndefined();
    expect(h.lines.find((l) => l.msg === 'daily schedule turned off: the bot cannot post in the channel')).toMatchObject({ guildId: GUILD, level: 40 });
    // The story that never arrived is not counted as seen.
    expect(status?.storiesLeft).toBe(N);
  });

  it('turns the schedule off with the missing permission named', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    h.publisher.always.set(CHANNEL, { kind: 'permanent', reason: { kind: 'missing-permissions', missing: ['EmbedLinks'] } });
    await h.clock.advanceTo(SEOUL_20);
    expect((await h.service.status(GUILD))?.schedule.disabledReason).toEqual({ kind: 'missing-permissions', missing: ['EmbedLinks'] });
    // Set again (permission given back): posts resume, the rotation continues.
    h.publisher.always.delete(CHANNEL);
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.delivered).toHaveLength(1);
    expect((await h.service.status(GUILD))?.schedule.disabledReason).toBeUndefined();
  });

  it('gives up for the day when Discord refuses the message itself, without turning the schedule off', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    h.publisher.outcomes.set(CHANNEL, [{ kind: 'rejected', detail: '400 Invalid Form Body' }]);
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.attempts.map((a) => a.outcome.kind)).toEqual(['rejected', 'ok']);
    // A refused story is not retried the next day (it would be refused again).
    expect(postedCouple(h.publisher.attempts[1]!)).not.toBe(postedCouple(h.publisher.attempts[0]!));
    expect(h.lines.some((l) => l.msg === 'daily post refused by Discord, giving up for today' && l.level === 50)).toBe(true);
  });

  it('skips a damaged schedule at start-up with a log line, and still loads the others', async () => {
    const h = harness(MORNING);
    await h.set(GUILD, {});
    await h.set(OTHER_GUILD, { channelId: OTHER_CHANNEL });
    const good = (await h.store.get(OTHER_GUILD))!;
    await h.store.save(OTHER_GUILD, { ...good, timezone: 'Mars/Olympus' });
    await h.keyv.set(`guild:${'100000000000000009'}:daily`, { channelId: 'not-an-id' });
    await (await h.restart()).start();
    await h.clock.advanceTo(SEOUL_20 + HOUR);
    expect(h.publisher.deliveredTo(CHANNEL)).toHaveLength(1);
    expect(h.publisher.deliveredTo(OTHER_CHANNEL)).toHaveLength(0);
    expect(h.lines.filter((l) => l.msg === 'daily schedule skipped' || l.msg === 'unreadable daily schedule skipped').map((l) => l.guildId).sort()).toEqual([
      OTHER_GUILD,
      '100000000000000009',
    ]);
    expect(h.lines.find((l) => l.msg === 'daily schedules loaded')).toMatchObject({ owned: 2, scheduled: 1, invalid: 2 });
  });

  it('posts later the same day when the claimed post could not be recorded (the store failed once)', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    const realSave = h.store.save.bind(h.store);
    let failedOnce = false;
    h.store.save = async (guildId, schedule) => {
      if (schedule.lastPost?.state === 'sending' && !failedOnce) {
        failedOnce = true;
        throw new Error('SQLITE_BUSY');
      }
      return realSave(guildId, schedule);
    };
    await h.clock.advanceTo(SEOUL_20 + 6 * MINUTE);
    expect(h.publisher.attempts).toHaveLength(1);
    expect(h.publisher.delivered).toHaveLength(1);
    expect(failedOnce).toBe(true);
  });

  it('survives a publisher that throws, and a store that fails once', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.set(OTHER_GUILD, { channelId: OTHER_CHANNEL });
    const realPost = h.publisher.post.bind(h.publisher);
    let thrown = false;
    h.publisher.post = async (channelId, payload) => {
      if (channelId === CHANNEL && !thrown) {
        thrown = true;
        throw new Error('socket hang up');
      }
      return realPost(channelId, payload);
    };
    const realGet = h.store.get.bind(h.store);
    let failedOnce = false;
    h.store.get = async (guildId) => {
      if (guildId === OTHER_GUILD && !failedOnce) {
        failedOnce = true;
        throw new Error('SQLITE_BUSY');
      }
      return realGet(guildId);
    };
    await h.clock.advanceTo(SEOUL_20 + 2 * HOUR);
    expect(h.publisher.deliveredTo(CHANNEL)).toHaveLength(1);
    expect(h.publisher.deliveredTo(OTHER_CHANNEL)).toHaveLength(1);
    expect(h.lines.some((l) => l.msg === 'daily post run failed; looking again later')).toBe(true);
  });
});

describe('/kiss-daily now', () => {
  it('posts at once and counts as today\'s post: the 20:00 post does not come today', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    const result = await h.service.postNow(GUILD);
    expect(result).toMatchObject({ kind: 'posted', next: { at: SEOUL_20 + DAY } });
    // Until local midnight (15:00 UTC), nothing more.
    await h.clock.advanceTo(SEOUL_20 + 3 * HOUR + 59 * MINUTE);
    expect(h.publisher.delivered.map((p) => p.at)).toEqual([MORNING]);
    expect(await h.service.postNow(GUILD)).toMatchObject({ kind: 'already-posted', next: { at: SEOUL_20 + DAY } });
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.delivered.map((p) => p.at)).toEqual([MORNING, SEOUL_20 + DAY]);
  });

  it('says so when today\'s post was already made, and for servers without a schedule', async () => {
    const h = harness(MORNING);
    await h.service.start();
    const notConfigured = await h.service.postNow(GUILD).catch((e: unknown) => e);
    expect(notConfigured).toBeInstanceOf(UserError);
    expect(notConfigured).toMatchObject({ key: 'daily.status.notConfigured', vars: {} });
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20);
    expect((await h.service.postNow(GUILD)).kind).toBe('already-posted');
    expect(await h.service.disable(GUILD)).toBe(true);
    const off = await h.service.postNow(GUILD).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(DailyOffError);
    expect(off).toMatchObject({ key: 'daily.now.off', reason: undefined, channelId: CHANNEL });
    expect(h.publisher.attempts).toHaveLength(1);
  });

  it('reports a deleted channel and turns the schedule off', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    h.publisher.always.set(CHANNEL, { kind: 'permanent', reason: { kind: 'channel-deleted' } });
    expect(await h.service.postNow(GUILD)).toEqual({ kind: 'disabled', reason: { kind: 'channel-deleted' } });
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(h.publisher.attempts).toHaveLength(1);
    // Asked again, the member is told why it is off.
    const off = await h.service.postNow(GUILD).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(DailyOffError);
    expect(off).toMatchObject({ reason: { kind: 'channel-deleted' }, channelId: CHANNEL });
    expect(h.publisher.attempts).toHaveLength(1);
  });
});

describe('setting up and turning off', () => {
  it('refuses bad times and unknown zones with an example, and saves nothing', async () => {
    const h = harness(MORNING);
    await h.service.start();
    const bad = [
      { time: '25:00' },
      { time: '8pm' },
      { time: '' },
      { time: '7:5' },
      { timezone: 'Mars/Olympus' },
      { timezone: 'KST' },
    ];
    for (const settings of bad) {
      const error = await h.set(GUILD, settings).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).vars.example).toMatch(/20:00|Asia\/Seoul/);
    }
    expect(await h.store.get(GUILD)).toBeUndefined();
    expect(h.clock.pending).toBe(0);
  });

  it('defaults to UTC and refuses to mention @everyone', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, { timezone: undefined, time: '12:00' });
    expect((await h.service.status(GUILD))?.schedule.timezone).toBe('UTC');
    expect((await h.service.status(GUILD))?.next?.at).toBe(Date.UTC(2026, 2, 10, 12, 0));
    await expect(h.set(GUILD, { roleId: GUILD })).rejects.toMatchObject({ key: 'daily.error.everyoneRole' });
  });

  it('reports a channel the bot cannot post in, with the missing permissions, and saves nothing', async () => {
    const h = harness(MORNING);
    await h.service.start();
    h.publisher.checks.set(CHANNEL, { ok: false, problem: 'missing-permissions', missing: ['SendMessages', 'EmbedLinks'] });
    const error = await h.service.configure(GUILD, { channelId: CHANNEL, time: '20:00', timezone: 'Asia/Seoul', language: 'en' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelUnusableError);
    expect(error).toMatchObject({ key: 'daily.error.missingPermissions', vars: { channel: `<#${CHANNEL}>` } });
    expect((error as ChannelUnusableError).check).toEqual({ ok: false, problem: 'missing-permissions', missing: ['SendMessages', 'EmbedLinks'] });
    expect(await h.store.get(GUILD)).toBeUndefined();
  });

  it('stops posting when turned off, and continues the rotation when turned back on', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 + DAY);
    expect(await h.service.disable(GUILD)).toBe(true);
    expect(await h.service.disable(GUILD)).toBe(false);
    await h.clock.advanceTo(SEOUL_20 + 5 * DAY);
    expect(h.publisher.delivered).toHaveLength(2);
    expect((await h.service.status(GUILD))?.storiesLeft).toBe(N - 2);
    const round = (await h.store.get(GUILD))!.round;
    // Set again at 20:00 on the 15th: that day's post is owed at once, then one a day, until the round is done.
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 + (N + 2) * DAY);
    const couples = h.publisher.delivered.map(postedCouple);
    expect(couples).toHaveLength(N);
    expect(new Set(couples).size).toBe(N);
    // The same round, in its stored order: not a new one.
    expect(couples).toEqual(round.order);
  });

  it('lets couples added to the catalogue join the running round', async () => {
    const files = readStoryFiles();
    const extra = { file: 'a-new-couple.json', data: { ...(structuredClone(files[0]!.data) as object), id: 'a-new-couple' } };
    const grown = buildCatalogue([...files, extra]);
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 + 2 * DAY);
    await (await h.restart({ catalogue: grown })).start();
    // The rest of the round: the catalogue's other stories and the new one, each once.
    await h.clock.advanceTo(SEOUL_20 + N * DAY);
    const couples = h.publisher.delivered.map(postedCouple);
    expect(couples).toHaveLength(N + 1);
    expect(new Set(couples).size).toBe(N + 1);
    expect(couples.slice(3)).toContain('a-new-couple');
  });
});

describe('several shard processes', () => {
  it('computes shards the way Discord does', () => {
    expect(shardOf('41771983423143937', 1)).toBe(0);
    expect(shardOf(String((5n << 22n) | 123n), 4)).toBe(1);
    const owns = ownsGuildFor({ ids: [1], count: 4 });
    expect(owns(String(5n << 22n))).toBe(true);
    expect(owns(String(4n << 22n))).toBe(false);
    expect(owns('not-a-number')).toBe(false);
    expect(ownsGuildFor(undefined)('123')).toBe(true);
  });

  it('each process posts only for its own servers, so every server gets exactly one post a day', async () => {
    const guilds = Array.from({ length: 8 }, (_, i) => String((BigInt(i) << 22n) + 1000n));
    const channelOf = (g: string) => String(BigInt(g) + 1n);
    // Two processes share one store (as with Redis) and one clock; each has its own connection to Discord.
    const shared = harness(MORNING);
    const processes = [0, 1].map((shard) => {
      const publisher = new FakePublisher(shared.clock);
      const build = (seed: number) =>
        createDailyService({
          store: shared.store,
          catalogue,
          clock: shared.clock,
          logger: capturingLogger().logger,
          publisher,
          ownsGuild: ownsGuildFor({ ids: [shard], count: 2 }),
          random: seeded(seed),
        });
      return { shard, publisher, service: build(shard + 1), build };
    });
    // Each server is set up through the process that owns it (its interactions arrive on its shard).
    for (const g of guilds) {
      const owner = processes[shardOf(g, 2)]!;
      const status = await owner.service.configure(g, { channelId: channelOf(g), time: '20:00', timezone: 'Asia/Seoul', language: 'en' });
      expect(status.schedule).toMatchObject({ channelId: channelOf(g), enabled: true });
    }
    // A deploy: both restart and load the schedules from the shared store.
    for (const p of processes) {
      await p.service.stop();
      p.service = p.build(p.shard + 10);
      await p.service.start();
    }
    await shared.clock.advanceTo(SEOUL_20 + 2 * DAY);
    for (const g of guilds) {
      const owner = processes[shardOf(g, 2)]!;
      const other = processes[1 - shardOf(g, 2)]!;
      expect(owner.publisher.deliveredTo(channelOf(g))).toHaveLength(3);
      expect(other.publisher.attempts.filter((a) => a.channelId === channelOf(g))).toHaveLength(0);
    }
    expect(processes[0]!.publisher.attempts.length).toBeGreaterThan(0);
    expect(processes[1]!.publisher.attempts.length).toBeGreaterThan(0);
  });
});

describe('a server the bot was removed from (paused by the data lifecycle)', () => {
  /** Lets the service's store writes and callbacks run (the clock does not move). */
  const settleAll = async () => {
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  it('a post under way when the bot is removed, refused for that, leaves the schedule on, claims nothing while paused, and is made once the bot is back', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    await h.set(OTHER_GUILD, { channelId: OTHER_CHANNEL });
    // Discord holds the 20:00 post while the bot is removed, then refuses it (403: the bot is gone).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const post = h.publisher.post.bind(h.publisher);
    h.publisher.post = async (channelId, payload) => {
      if (channelId === CHANNEL) await held;
      return post(channelId, payload);
    };
    h.publisher.outcomes.set(CHANNEL, [{ kind: 'permanent', reason: { kind: 'missing-permissions', missing: [] }, detail: '403 Missing Access' }]);
    await h.clock.advanceTo(SEOUL_20);
    await h.service.pause(GUILD);
    release();
    await settleAll();
    expect(h.publisher.attempts.filter((a) => a.channelId === CHANNEL)).toHaveLength(1);
    const paused = await h.store.get(GUILD);
    expect(paused).toMatchObject({ enabled: true, lastPost: { date: '2026-03-10', state: 'retrying', attempts: 1 } });
    expect(paused?.disabledReason).toBeUndefined();

    // While paused: nothing is tried, and a post asked for now is refused.
    await h.clock.advance(HOUR);
    expect(h.publisher.attempts.filter((a) => a.channelId === CHANNEL)).toHaveLength(1);
    await expect(h.service.postNow(GUILD)).rejects.toMatchObject({ key: 'daily.error.removed' });
    expect(h.publisher.deliveredTo(OTHER_CHANNEL)).toHaveLength(1);

    // Invited back the same day: the day's story comes, with the schedule as it was.
    await h.service.resume(GUILD);
    await h.clock.advance(MINUTE);
    expect(h.publisher.deliveredTo(CHANNEL)).toHaveLength(1);
    expect(await h.store.get(GUILD)).toMatchObject({ enabled: true, lastPost: { date: '2026-03-10', state: 'sent', attempts: 2 } });
  });

  it('a server paused before start-up is not loaded, and its missed story comes when it is back', async () => {
    const h = harness(MORNING);
    await h.service.start();
    await h.set(GUILD, {});
    // The bot restarts after 20:00: the story is owed, but the server removed the bot meanwhile.
    const restarted = await h.restart();
    await h.clock.advanceTo(SEOUL_20 + HOUR);
    await restarted.pause(GUILD);
    await restarted.start();
    await h.clock.advance(HOUR);
    expect(h.publisher.attempts).toEqual([]);
    expect((await h.store.get(GUILD))?.lastPost).toBeUndefined();

    await restarted.resume(GUILD);
    await h.clock.advance(MINUTE);
    expect(h.publisher.deliveredTo(CHANNEL)).toHaveLength(1);
  });
});
