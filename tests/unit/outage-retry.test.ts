/**
 * Background work through a store outage, on a controlled clock: the daily post due while the store
 * is down is made once it is back (once), a post whose outcome could not be written is not made
 * again, and a poll whose deadline passes during the outage closes once with one results message.
 */
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/availability.js';
import { createDailyStore } from '../../src/store/daily.js';
import { createPollStore } from '../../src/store/polls.js';
import { CHANNEL, DAY, FakePublisher, GUILD, harness as dailyHarness, MINUTE } from '../daily/helpers.js';
import { harness as pollHarness, MEMBER, startPoll } from '../polls/helpers.js';

/** A store section whose every call is refused while `down` is set, as the availability gate does. */
function switchable<T extends object>(section: T): { section: T; down: boolean } {
  const state = { down: false, section: {} as T };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(section)) {
    out[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            if (state.down) return name === 'list' ? (value as (...a: unknown[]) => unknown).apply(section, args) : Promise.reject(new StoreUnavailableError('test outage'));
            return (value as (...a: unknown[]) => unknown).apply(section, args);
          }
        : value;
  }
  state.section = out as T;
  return state;
}

/** 09:00 UTC on 10 March 2026 = 18:00 in Seoul; the post is due at 20:00 Seoul. */
const MORNING = Date.UTC(2026, 2, 10, 9, 0);
const SEOUL_20 = Date.UTC(2026, 2, 10, 11, 0);

describe('daily posts through a store outage', () => {
  it('makes the post that fell due during the outage once the store is back, and only once', async () => {
    const store = switchable(createDailyStore(new Keyv()));
    const h = dailyHarness(MORNING, { store: store.section });
    await h.service.start();
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 - MINUTE);
    store.down = true;
    await h.clock.advanceTo(SEOUL_20 + 3 * MINUTE);
    expect(h.publisher.attempts).toEqual([]);
    // Waiting is not an error: no error line per try (the store logs its outage once).
    expect(h.lines.filter((l) => l.level === 50)).toEqual([]);
    expect(h.lines.filter((l) => l.msg === 'daily post waits for the store').length).toBeGreaterThan(1);

    store.down = false;
    await h.clock.advance(MINUTE);
    expect(h.publisher.deliveredTo(CHANNEL)).toHaveLength(1);
    await h.clock.advanceTo(SEOUL_20 + DAY + MINUTE);
    expect(h.publisher.deliveredTo(CHANNEL)).toHaveLength(2);
    await h.service.stop();
  });

  it('records a post made just before the store went down once it is back, without posting it again', async () => {
    const store = switchable(createDailyStore(new Keyv()));
    const h = dailyHarness(MORNING, { store: store.section });
    // The store goes down right after Discord accepted the post, for 12 s.
    const publisher = new (class extends FakePublisher {
      override async post(...args: Parameters<FakePublisher['post']>) {
        const outcome = await super.post(...args);
        store.down = true;
        h.clock.setTimeout(() => (store.down = false), 12_000);
        return outcome;
      }
    })(h.clock);
    h.service = await h.restart({ publisher });
    await h.service.start();
    await h.set(GUILD, {});
    await h.clock.advanceTo(SEOUL_20 + MINUTE);
    expect(publisher.delivered).toHaveLength(1);
    expect((await h.service.status(GUILD))?.schedule.lastPost).toMatchObject({ state: 'sent', attempts: 1 });
    await h.clock.advanceTo(SEOUL_20 + 2 * HOUR_MS);
    expect(publisher.delivered).toHaveLength(1);
    await h.service.stop();
  });
});

const HOUR_MS = 3_600_000;

describe('poll deadlines through a store outage', () => {
  it('closes a poll whose deadline passed during the outage once the store is back: one close, one results message', async () => {
    const keyv = new Keyv();
    const store = switchable(createPollStore(keyv));
    const h = pollHarness({ store: store.section });
    await h.service.start([]);
    const poll = await startPoll(h.service, { durationMs: HOUR_MS });
    await h.service.vote({ guildId: poll.guildId, pollId: poll.id, userId: MEMBER(1), index: 1 });
    store.down = true;
    await h.clock.advanceTo(poll.closesAt + 30_000);
    const results = () => h.publisher.edits.filter((e) => e.payload.files?.length).length + h.publisher.posts.filter((p) => p.payload.files?.length).length;
    expect(results()).toBe(0);
    expect(await createPollStore(keyv).getPoll(poll.guildId, poll.id)).toMatchObject({ status: 'open' });

    store.down = false;
    await h.clock.advance(10_000);
    await h.service.idle();
    expect(await createPollStore(keyv).getPoll(poll.guildId, poll.id)).toMatchObject({ status: 'closed', closeReason: 'deadline', finalized: true });
    expect(results()).toBe(1);
    expect((await createPollStore(keyv).getLeaderboard(poll.guildId)).polls).toBe(1);
    await h.clock.advance(HOUR_MS);
    expect(results()).toBe(1);
    await h.service.stop();
  });
});
