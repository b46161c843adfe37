import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { UserError } from '../../src/errors.js';
import { createDataLifecycle, SWEEP_INTERVAL_MS, type DataLifecycle, type ServerTimers } from '../../src/lifecycle/service.js';
import { createLogger } from '../../src/logger.js';
import { createStore, STORE_RETRY_MS, StoreUnavailableError, type Store } from '../../src/store/index.js';
import { harness as dailyHarness, CHANNEL, DAY as DAILY_DAY } from '../daily/helpers.js';
import { harness as pollHarness, startPoll, HOUR as POLL_HOUR } from '../polls/helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETENTION = 7 * DAY;
const START = Date.UTC(2026, 0, 5, 12, 0, 0);
const G1 = '100000000000000001';
const G2 = '100000000000000002';
const MOD = '300000000000000001';

/** Waits (in real time, for the store's I/O) until `check` holds; the clock itself is moved by hand. */
async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Records what the lifecycle asks of a server's timers. */
class TimerLog implements ServerTimers {
  readonly calls: string[] = [];
  async pause(guildId: string) {
    this.calls.push(`pause ${guildId}`);
  }
  async resume(guildId: string) {
    this.calls.push(`resume ${guildId}`);
  }
  async forget(guildId: string) {
    this.calls.push(`forget ${guildId}`);
  }
}

interface Process {
  readonly lifecycle: DataLifecycle;
  readonly timers: TimerLog;
  readonly served: Set<string>;
}

/**
 * One bot process: its own lifecycle over a shared store and clock, serving the servers in `served`.
 * With `members`, the servers the bot is in (READY: `served` and those only unavailable), start-up
 * compares them with the servers that have data; `owns` says which servers are on its shards.
 */
function process(
  store: Store | Store['lifecycle'],
  clock: ManualClock,
  served: string[] = [],
  options: { members?: string[]; owns?: (guildId: string) => boolean } = {},
): Process {
  const timers = new TimerLog();
  const servedSet = new Set(served);
  const members = options.members && new Set([...options.members, ...served]);
  const lifecycle = createDataLifecycle({
    store: 'lifecycle' in store ? store.lifecycle : store,
    clock,
    logger: createLogger({ level: 'silent' }),
    retentionMs: RETENTION,
    serves: (guildId) => servedSet.has(guildId),
    ...(members ? { isMember: (guildId: string) => members.has(guildId) || servedSet.has(guildId) } : {}),
    owns: options.owns,
    timers,
  });
  return { lifecycle, timers, served: servedSet };
}

async function giveData(store: Store, guildId: string): Promise<void> {
  await store.videos.pin(guildId, 'iu', { url: 'https://youtu.be/a', pinnedBy: MOD, pinnedAt: 1 });
  await store.scenes.setLastShown({ guildId }, CHANNEL, 'iu');
}

const hasData = async (store: Store, guildId: string) => (await store.lifecycle.summarize(guildId)).entries > 0;

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error.key;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a server’s data after the bot is removed from it, on a controlled clock', () => {
  it('is deleted at the first sweep after the grace period, not before, and the server’s timers stop', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    const bot = process(store, clock, [G1, G2]);
    await giveData(store, G1);
    await giveData(store, G2);
    await bot.lifecycle.start();

    bot.served.delete(G1);
    await bot.lifecycle.removed(G1);
    expect(bot.timers.calls).toEqual([`pause ${G1}`]);
    expect(await store.lifecycle.pendingRemoval(G1)).toEqual({ guildId: G1, removedAt: START, deleteAt: START + RETENTION });

    await clock.advance(RETENTION - HOUR);
    await bot.lifecycle.sweep();
    expect(await hasData(store, G1)).toBe(true);

    await clock.advance(HOUR + SWEEP_INTERVAL_MS);
    await until(async () => !(await hasData(store, G1)));
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();
    expect(bot.timers.calls).toEqual([`pause ${G1}`, `forget ${G1}`]);
    expect(await hasData(store, G2)).toBe(true);
    await bot.lifecycle.stop();
  });

  it('is kept when the bot is invited back within the grace period, and its timers run again', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    const bot = process(store, clock, [G1]);
    await giveData(store, G1);
    await bot.lifecycle.start();
    bot.served.delete(G1);
    await bot.lifecycle.removed(G1);
    await clock.advance(RETENTION - DAY);

    bot.served.add(G1);
    await bot.lifecycle.joined(G1);
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();
    await clock.advance(2 * DAY);
    await bot.lifecycle.sweep();
    expect(await hasData(store, G1)).toBe(true);
    expect(bot.timers.calls).toEqual([`pause ${G1}`, `resume ${G1}`]);
    await bot.lifecycle.stop();
  });

  it('survives a restart: the new process pauses the removed server, and deletes it when due', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    const before = process(store, clock, [G1]);
    await giveData(store, G1);
    await before.lifecycle.start();
    before.served.delete(G1);
    await before.lifecycle.removed(G1);
    await before.lifecycle.stop();

    const after = process(store, clock, []);
    await after.lifecycle.start();
    expect(after.timers.calls).toEqual([`pause ${G1}`]);
    await clock.advance(RETENTION + SWEEP_INTERVAL_MS);
    await until(async () => !(await hasData(store, G1)));
    await after.lifecycle.stop();
  });

  it('is kept when the bot was invited back while no process heard it: the process that serves it cancels the deletion at start', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    await giveData(store, G1);
    await store.lifecycle.scheduleRemoval({ guildId: G1, removedAt: START, deleteAt: START + HOUR });
    const bot = process(store, clock, [G1]);
    await bot.lifecycle.start();
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();
    await clock.advance(DAY);
    await bot.lifecycle.sweep();
    expect(await hasData(store, G1)).toBe(true);
    await bot.lifecycle.stop();
  });

  it('is swept by one process of several sharing the store each interval, and deleted once', async () => {
    const clock = new ManualClock(START);
    const keyv = new Keyv();
    const store = createStore(keyv);
    let sweeps = 0;
    const counting: Store = {
      ...store,
      lifecycle: {
        ...store.lifecycle,
        deleteExpired: () => {
          sweeps++;
          return store.lifecycle.deleteExpired();
        },
      },
    };
    const bots = [process(counting, clock), process(counting, clock), process(counting, clock)];
    await giveData(store, G1);
    await store.lifecycle.scheduleRemoval({ guildId: G1, removedAt: START, deleteAt: START + HOUR });
    // Each process sweeps when it starts and every hour: for each interval, only the one that claims it.
    await Promise.all(bots.map((b) => b.lifecycle.start()));
    await Promise.all(bots.map((b) => b.lifecycle.idle()));
    expect(sweeps).toBe(1);
    expect(await hasData(store, G1)).toBe(true);

    await clock.advance(HOUR);
    await Promise.all(bots.map((b) => b.lifecycle.idle()));
    expect(sweeps).toBe(2);
    expect(await hasData(store, G1)).toBe(false);
    expect(bots.flatMap((b) => b.timers.calls.filter((c) => c.startsWith('forget')))).toEqual([`forget ${G1}`]);
    await Promise.all(bots.map((b) => b.lifecycle.stop()));
  });

  it('is deleted once when several processes sweep at the same moment', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    const bots = [process(store, clock), process(store, clock), process(store, clock)];
    await giveData(store, G1);
    await store.lifecycle.scheduleRemoval({ guildId: G1, removedAt: START - DAY, deleteAt: START - HOUR });
    const reports = await Promise.all(bots.map((b) => b.lifecycle.sweep()));
    expect(reports.flatMap((r) => r.deleted)).toEqual([G1]);
    expect(bots.flatMap((b) => b.timers.calls)).toEqual([`forget ${G1}`]);
    expect(await hasData(store, G1)).toBe(false);
  });
});

describe('removals the bot heard of late, or could not record at once', () => {
  it('at start-up, a server of its shards that has data but is not among the servers the bot is in is paused and deleted after the grace period; one only unavailable, or on another shard, is left alone', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    const G3 = '100000000000000003';
    const G4 = '100000000000000004';
    for (const g of [G1, G2, G3, G4]) await giveData(store, g);
    // G1: removed while no process ran; G2: in READY but unavailable (an outage); G3: on another
    // process's shard; G4: served.
    const bot = process(store, clock, [G4], { members: [G2], owns: (g) => g !== G3 });
    await bot.lifecycle.start();
    expect(bot.timers.calls).toEqual([`pause ${G1}`]);
    expect(await store.lifecycle.pendingRemoval(G1)).toEqual({ guildId: G1, removedAt: START, deleteAt: START + RETENTION });
    for (const g of [G2, G3, G4]) expect(await store.lifecycle.pendingRemoval(g)).toBeUndefined();

    await clock.advance(RETENTION + SWEEP_INTERVAL_MS);
    await until(async () => !(await hasData(store, G1)));
    await bot.lifecycle.idle();
    for (const g of [G2, G3, G4]) expect(await hasData(store, g)).toBe(true);
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();
    // The deletion's claim is released: nothing names the server.
    expect(await store.lifecycle.claim(`removal:${G1}:${START + RETENTION}`, 60_000)).toBe(true);
    await bot.lifecycle.stop();
  });

  it('a pending removal of a server on another process’s shard is left to that process, even past its grace period', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    await giveData(store, G1);
    await store.lifecycle.scheduleRemoval({ guildId: G1, removedAt: START, deleteAt: START + HOUR });
    const other = process(store, clock, [], { members: [], owns: (g) => g !== G1 });
    await other.lifecycle.start();
    await clock.advance(2 * HOUR);
    expect(await other.lifecycle.sweep()).toMatchObject({ deleted: [] });
    expect(await hasData(store, G1)).toBe(true);
    expect(other.timers.calls).toEqual([]);
    await other.lifecycle.stop();
  });

  it('a removal seen while the store is down is tried again until it is recorded, with the time it happened', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    await giveData(store, G1);
    let down = true;
    const flaky: Store['lifecycle'] = {
      ...store.lifecycle,
      scheduleRemoval: async (removal) => {
        if (down) throw new StoreUnavailableError('test: the store is down');
        await store.lifecycle.scheduleRemoval(removal);
      },
    };
    const bot = process(flaky, clock, [G1]);
    await bot.lifecycle.start();
    bot.served.delete(G1);
    await bot.lifecycle.removed(G1);
    expect(bot.timers.calls).toEqual([`pause ${G1}`]);
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();
    await clock.advance(STORE_RETRY_MS);
    await clock.advance(STORE_RETRY_MS);
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();

    down = false;
    await clock.advance(STORE_RETRY_MS);
    await until(async () => (await store.lifecycle.pendingRemoval(G1)) !== undefined);
    expect(await store.lifecycle.pendingRemoval(G1)).toEqual({ guildId: G1, removedAt: START, deleteAt: START + RETENTION });
    await clock.advance(RETENTION + SWEEP_INTERVAL_MS);
    await until(async () => !(await hasData(store, G1)));
    await bot.lifecycle.stop();
  });

  it('a re-invite that comes before a refused removal was recorded wins: nothing is scheduled', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    let down = true;
    const flaky: Store['lifecycle'] = {
      ...store.lifecycle,
      scheduleRemoval: async (removal) => {
        if (down) throw new StoreUnavailableError('test: the store is down');
        await store.lifecycle.scheduleRemoval(removal);
      },
    };
    const bot = process(flaky, clock, [G1]);
    await bot.lifecycle.start();
    await bot.lifecycle.removed(G1);
    await bot.lifecycle.joined(G1);
    down = false;
    await clock.advance(STORE_RETRY_MS);
    await bot.lifecycle.idle();
    expect(await store.lifecycle.pendingRemoval(G1)).toBeUndefined();
    expect(bot.timers.calls).toEqual([`pause ${G1}`, `resume ${G1}`]);
    await bot.lifecycle.stop();
  });
});

describe('`/kiss-data delete` confirmations', () => {
  it('delete a server’s data once, for the member who asked, and refuse any other token', async () => {
    const clock = new ManualClock(START);
    const store = createStore(new Keyv());
    const bot = process(store, clock, [G1, G2]);
    await giveData(store, G1);
    await giveData(store, G2);

    const { token, summary } = await bot.lifecycle.requestDeletion(G1, MOD);
    expect(summary).toMatchObject({ pinnedLinks: 1, lastShown: 1, entries: 2 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await refusal(bot.lifecycle.redeemConfirmation(G2, MOD, token!))).toBe('data.errors.staleConfirmation');
    expect(await refusal(bot.lifecycle.redeemConfirmation(G1, MOD, 'A'.repeat(16)))).toBe('data.errors.staleConfirmation');
    expect(await refusal(bot.lifecycle.redeemConfirmation(G1, MOD, '../../../etc'))).toBe('data.errors.staleConfirmation');
    // Another moderator's click (a copied button), on Confirm or Cancel: refused, and the token stays its member's.
    expect(await refusal(bot.lifecycle.redeemConfirmation(G1, '300000000000000009', token!))).toBe('data.errors.notYourConfirmation');
    expect(await refusal(bot.lifecycle.cancelDeletion(G1, '300000000000000009', token!))).toBe('data.errors.notYourConfirmation');
    expect(await hasData(store, G1)).toBe(true);

    await bot.lifecycle.redeemConfirmation(G1, MOD, token!);
    expect(await refusal(bot.lifecycle.redeemConfirmation(G1, MOD, token!))).toBe('data.errors.staleConfirmation');
    // Cancel of a token already used clears the prompt without complaint.
    await bot.lifecycle.cancelDeletion(G1, MOD, token!);
    const deleted = await bot.lifecycle.deleteServerData(G1);
    expect(deleted).toMatchObject({ pinnedLinks: 1, lastShown: 1 });
    expect(bot.timers.calls).toEqual([`forget ${G1}`]);
    expect(await hasData(store, G1)).toBe(false);
    expect(await hasData(store, G2)).toBe(true);
    expect(await bot.lifecycle.requestDeletion(G1, MOD)).toMatchObject({ token: undefined, summary: { entries: 0 } });
  });
});

describe('the services’ timers for a server the bot left', () => {
  it('daily: a paused server gets no post, and gets its schedule back when resumed', async () => {
    const h = dailyHarness(Date.parse('2026-01-05T00:00:00Z'));
    await h.service.start();
    await h.set(G1, { time: '20:00', timezone: 'Asia/Seoul' });
    await h.service.pause(G1);
    await h.clock.advance(DAILY_DAY);
    expect(h.publisher.attempts).toHaveLength(0);
    await h.service.resume(G1);
    await h.clock.advance(DAILY_DAY);
    await until(() => h.publisher.delivered.length === 1);
    expect((await h.service.status(G1))?.schedule.enabled).toBe(true);
    await h.service.stop();
  });

  it('daily: a forgotten server loses its timer, and a new schedule for it is posted again', async () => {
    const h = dailyHarness(Date.parse('2026-01-05T00:00:00Z'));
    await h.service.start();
    await h.set(G1, { time: '20:00', timezone: 'Asia/Seoul' });
    await h.service.pause(G1);
    await h.service.forget(G1);
    await h.store.delete(G1);
    await h.clock.advance(DAILY_DAY);
    expect(h.publisher.attempts).toHaveLength(0);
    await h.set(G1, { time: '20:00', timezone: 'Asia/Seoul' });
    await h.clock.advance(DAILY_DAY);
    await until(() => h.publisher.delivered.length === 1);
    await h.service.stop();
  });

  it('polls: a forgotten server’s poll does not close at its deadline, and is restored (and closed) when the server is started again', async () => {
    const h = pollHarness();
    await h.service.start([]);
    const poll = await startPoll(h.service, { durationMs: POLL_HOUR });
    await h.service.forget(poll.guildId);
    await h.clock.advance(2 * POLL_HOUR);
    await h.service.idle();
    expect((await h.store.getPoll(poll.guildId, poll.id))?.status).toBe('open');
    const report = await h.service.start([poll.guildId]);
    expect(report.closed).toBe(1);
    expect((await h.store.getPoll(poll.guildId, poll.id))?.status).toBe('closed');
    await h.service.stop();
  });
});
