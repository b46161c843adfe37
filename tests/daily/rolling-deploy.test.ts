import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { describe, expect, it } from 'vitest';
import { createDailyService } from '../../src/daily/service.js';
import { createDailyStore } from '../../src/store/daily.js';
import { BACKENDS, type Backend, type SharedStore } from '../support/backends.js';
import { CHANNEL, DAY, FakePublisher, HOUR, capturingLogger, catalogue, postedCouple, seeded } from './helpers.js';

/** 09:00 UTC on 10 March 2026 = 18:00 in Seoul; the post is due at 20:00 Seoul time. */
const MORNING = Date.UTC(2026, 2, 10, 9, 0);
const SEOUL_20 = Date.UTC(2026, 2, 10, 11, 0);

/**
 * Two bot processes that both think they own one server (a rolling deploy), over one shared store,
 * one clock and one Discord.
 */
function twoProcesses(shared: SharedStore) {
  const clock = new ManualClock(MORNING);
  const publisher = new FakePublisher(clock);
  const build = (keyv: typeof shared.a, seed: number) =>
    createDailyService({ store: createDailyStore(keyv), catalogue, clock, logger: capturingLogger().logger, publisher, ownsGuild: () => true, random: seeded(seed), retryBaseMs: 60_000 });
  return { clock, publisher, old: build(shared.a, 1), next: build(shared.b, 2) };
}

/**
 * Moves the clock through `times` in order, and after each lets the work its timers started finish:
 * on SQLite and Redis that takes real time, which ManualClock alone does not wait for.
 */
async function walk(clock: ManualClock, ...times: number[]) {
  for (const time of times) {
    await clock.advanceTo(time);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await clock.advance(0);
    }
  }
}

/** Runs `body` with a server set up (through the old process) and both processes started, then stops both. */
async function withTwoProcesses(backend: Backend, body: (world: ReturnType<typeof twoProcesses> & { guildId: string }) => Promise<void>) {
  const shared = backend.open();
  const world = twoProcesses(shared);
  const guildId = shared.guild();
  try {
    await world.old.configure(guildId, { channelId: CHANNEL, time: '20:00', timezone: 'Asia/Seoul', language: 'en' });
    await Promise.all([world.old.start(), world.next.start()]);
    await body({ ...world, guildId });
  } finally {
    await Promise.all([world.old.stop(), world.next.stop()]);
    await shared.close();
  }
}

describe.each(BACKENDS)('two processes that both own a server, on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('post once a day, retries included', () =>
      withTwoProcesses(backend, async ({ clock, publisher }) => {
        await walk(clock, SEOUL_20, SEOUL_20 + HOUR);
        // The second day's first attempt fails for a passing reason and is retried.
        publisher.outcomes.set(CHANNEL, [{ kind: 'transient', detail: '503' }]);
        await walk(clock, SEOUL_20 + DAY, SEOUL_20 + DAY + 5 * 60_000, SEOUL_20 + DAY + HOUR);
        await walk(clock, SEOUL_20 + 2 * DAY, SEOUL_20 + 2 * DAY + HOUR);

        expect(publisher.delivered.map((p) => new Date(p.at).toISOString().slice(0, 10))).toEqual(['2026-03-10', '2026-03-11', '2026-03-12']);
        expect(publisher.attempts.map((a) => a.outcome.kind)).toEqual(['ok', 'transient', 'ok', 'ok']);
        // The retry resent the day's story.
        expect(postedCouple(publisher.attempts[2]!)).toBe(postedCouple(publisher.attempts[1]!));
        expect(new Set(publisher.delivered.map(postedCouple)).size).toBe(3);
      }));

    it('post once when a moderator asks for today’s story in one process as it falls due in the other', () =>
      withTwoProcesses(backend, async ({ clock, publisher, old, next, guildId }) => {
        await walk(clock, SEOUL_20 - 1);
        const [now] = await Promise.all([next.postNow(guildId), clock.advance(1)]);
        await walk(clock, SEOUL_20 + HOUR);

        expect(publisher.attempts).toHaveLength(1);
        expect(['posted', 'already-posted']).toContain(now.kind);
        expect((await old.status(guildId))?.schedule.lastPost).toMatchObject({ date: '2026-03-10', state: 'sent' });
      }));
  });
});
