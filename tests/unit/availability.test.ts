/**
 * The store's behaviour in an outage, on each real backend: a call that cannot reach the store is
 * refused with StoreUnavailableError (never left hanging, never queued to apply later), the outage is
 * logged once and the recovery once, and the store is used again once it answers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore, isStoreUnavailable, openKeyv, StoreAvailability, StoreUnavailableError, type Store } from '../../src/store/index.js';
import type { SqliteAdapter } from '../../src/store/atomic.js';
import { guarded, unavailableReason } from '../../src/store/availability.js';
import { captureLogs } from '../support/logs.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const link = { url: 'https://www.youtube.com/watch?v=abc', pinnedBy: '1', pinnedAt: 1 };

/** Rejects with the error the promise rejected with (fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have been refused'),
    (error: unknown) => error,
  );
}

describe('unavailableReason', () => {
  it('names the errors that mean the store cannot be used now', () => {
    const busy = Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
    const readonly = Object.assign(new Error('SQLITE_READONLY: attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const offline = Object.assign(new Error('The client is offline'), { name: 'ClientOfflineError' });
    expect(unavailableReason(busy)).toMatch(/SQLITE_BUSY/);
    expect(unavailableReason(readonly)).toMatch(/SQLITE_READONLY/);
    expect(unavailableReason(refused)).toMatch(/ECONNREFUSED/);
    expect(unavailableReason(offline)).toBe('The client is offline');
    expect(unavailableReason(new Error('READONLY You can\'t write against a read only replica.'))).toMatch(/^READONLY/);
    expect(unavailableReason(new Error('wrapper', { cause: refused }))).toMatch(/ECONNREFUSED/);
  });

  it('leaves bugs and bad data alone', () => {
    expect(unavailableReason(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(unavailableReason(new SyntaxError('Unexpected token < in JSON'))).toBeUndefined();
    expect(unavailableReason(Object.assign(new Error('SQLITE_ERROR: no such table: keyv'), { code: 'SQLITE_ERROR' }))).toBeUndefined();
    expect(unavailableReason('a string')).toBeUndefined();
  });
});

describe('StoreAvailability', () => {
  function availability(probe: () => Promise<void>) {
    const logs = captureLogs('debug');
    const changes: boolean[] = [];
    const gate = new StoreAvailability({ logger: logs.logger, probe, deadlineMs: 40, probeIntervalMs: 10, onChange: (up) => changes.push(up) });
    return { gate, logs, changes };
  }
  let gates: StoreAvailability[] = [];
  afterEach(() => {
    for (const gate of gates) gate.close();
    gates = [];
  });

  it('refuses a call that misses its deadline, then refuses the next without running it', async () => {
    const { gate, changes } = availability(() => new Promise(() => undefined));
    gates.push(gate);
    const error = await rejection(gate.run(() => new Promise(() => undefined)));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).reason).toBe('no answer within 40 ms');
    expect(gate.available).toBe(false);
    const call = vi.fn(() => Promise.resolve('value'));
    expect(isStoreUnavailable(await rejection(gate.run(call)))).toBe(true);
    expect(call).not.toHaveBeenCalled();
    expect(changes).toEqual([false]);
  });

  it('passes ordinary errors through without taking the store down', async () => {
    const { gate } = availability(() => Promise.resolve());
    gates.push(gate);
    const bug = new TypeError('bug');
    expect(await rejection(gate.run(() => Promise.reject(bug)))).toBe(bug);
    expect(gate.available).toBe(true);
  });

  it('logs one warning per outage and one line when the probe succeeds, whatever the number of refused calls', async () => {
    let healthy = false;
    const { gate, logs, changes } = availability(() => (healthy ? Promise.resolve() : Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))));
    gates.push(gate);
    const recovered = vi.fn();
    gate.onRecovered(recovered);
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await rejection(gate.run(() => Promise.reject(down)));
    for (let i = 0; i < 25; i++) await rejection(gate.run(() => Promise.resolve()));
    healthy = true;
    await vi.waitFor(() => expect(gate.available).toBe(true));
    const lines = logs.lines.filter((l) => l.level >= 30);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, expect.stringMatching(/^store unavailable/)],
      [30, 'store available again'],
    ]);
    expect(lines[1]?.refused).toBe(25);
    expect(lines[1]?.reason).toMatch(/ECONNREFUSED/);
    expect(recovered).toHaveBeenCalledTimes(1);
    expect(changes).toEqual([false, true]);
    await expect(gate.run(() => Promise.resolve('back'))).resolves.toBe('back');
  });
});

describe('guarded store sections', () => {
  it('gives each method the deadline, except long background work, and leaves non-promise methods alone', async () => {
    const gate = new StoreAvailability({ logger: captureLogs('silent').logger, probe: () => Promise.resolve(), deadlineMs: 20, probeIntervalMs: 10 });
    let release: () => void = () => undefined;
    const slow = () => new Promise<string>((resolve) => (release = () => resolve('done')));
    const section = guarded({ quick: slow, sweep: slow, list: () => [1, 2] }, gate, { unbounded: ['sweep'], passThrough: ['list'] });
    expect(section.list()).toEqual([1, 2]);
    const sweep = section.sweep();
    await new Promise((resolve) => setTimeout(resolve, 60));
    release();
    await expect(sweep).resolves.toBe('done');
    expect(gate.available).toBe(true);
    await expect(section.quick()).rejects.toBeInstanceOf(StoreUnavailableError);
    // Down now: the long work is refused too, before it starts.
    await expect(section.sweep()).rejects.toBeInstanceOf(StoreUnavailableError);
    gate.close();
  });
});

describe('SQLite: a locked or read-only file', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  function open(file: string): Store {
    const store = createStore(openKeyv(`sqlite://${file}`), { probeIntervalMs: 20 });
    stores.push(store);
    return store;
  }

  it('refuses a write while another connection holds the write lock, and applies nothing later', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kiss-locked-')), 'state.sqlite');
    const store = open(file);
    await store.videos.pin('1', 'a', link); // creates the table
    const other = new sqlite3.Database(file);
    await new Promise<void>((resolve, reject) => other.exec('BEGIN EXCLUSIVE', (err) => (err ? reject(err) : resolve())));

    const error = await rejection(store.videos.pin('1', 'b', link));
    expect(isStoreUnavailable(error)).toBe(true);
    expect((error as StoreUnavailableError).reason).toMatch(/SQLITE_BUSY/);
    expect(store.availability.available).toBe(false);

    await new Promise<void>((resolve, reject) => other.exec('ROLLBACK', (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve) => other.close(() => resolve()));
    await vi.waitFor(() => expect(store.availability.available).toBe(true));
    expect(await store.videos.pinned('1', 'b')).toBeUndefined();
    expect(await store.videos.pinned('1', 'a')).toEqual(link);
  });

  it('refuses writes to a read-only database with the same answer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kiss-readonly-')), 'state.sqlite');
    const keyv = openKeyv(`sqlite://${file}`);
    const store = createStore(keyv, { probeIntervalMs: 20 });
    stores.push(store);
    await store.videos.pin('1', 'a', link);
    // The bot's own connection made read-only, as a file mounted read-only would make it.
    const adapter = keyv.store as SqliteAdapter;
    await adapter.query('PRAGMA query_only = 1');
    const error = await rejection(store.videos.pin('1', 'c', link));
    expect(isStoreUnavailable(error)).toBe(true);
    expect((error as StoreUnavailableError).reason).toMatch(/SQLITE_READONLY/);
    expect(await rejection(store.videos.pinned('1', 'a'))).toBeInstanceOf(StoreUnavailableError);
    await adapter.query('PRAGMA query_only = 0');
    await vi.waitFor(() => expect(store.availability.available).toBe(true));
    expect(await store.videos.pinned('1', 'c')).toBeUndefined();
    expect(await store.videos.pinned('1', 'a')).toEqual(link);
  });
});

describe('Redis: the server is killed and started again', () => {
  let server: RedisServer | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close().catch(() => undefined);
    await server?.kill();
    store = undefined;
    server = undefined;
  });

  it('refuses calls at once while it is down, queues nothing, and works again once it is back', async () => {
    server = await startRedisServer();
    const logs = captureLogs('info');
    store = createStore(openKeyv(server.url), { logger: logs.logger, probeIntervalMs: 20 });
    await store.videos.pin('1', 'a', link);

    await server.kill();
    // The first call after the crash may be the one that finds out; every call is refused.
    for (let i = 0; i < 3; i++) expect(isStoreUnavailable(await rejection(store.videos.pin('1', 'refused', link)))).toBe(true);
    expect(isStoreUnavailable(await rejection(store.videos.pinned('1', 'a')))).toBe(true);
    expect(store.availability.available).toBe(false);

    await server.start();
    await vi.waitFor(() => expect(store!.availability.available).toBe(true), { timeout: 10_000, interval: 50 });
    // The restarted server is empty (nothing persisted): what was refused must not appear from a queue.
    expect(await store.videos.pinned('1', 'refused')).toBeUndefined();
    await store.videos.pin('1', 'after', link);
    expect(await store.videos.pinned('1', 'after')).toEqual(link);
    const lines = logs.lines.filter((l) => l.msg?.startsWith('store '));
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/^store unavailable/), 'store available again']);
  });

  it('with the connection down, Keyv itself refuses a write at once instead of queueing it (the offline queue is off)', async () => {
    server = await startRedisServer();
    const keyv = openKeyv(server.url);
    try {
      await keyv.set('probe', 1);
      await server.kill();
      // A queued write would never settle while the server is down; it must be refused.
      await expect(keyv.set('queued', 1)).rejects.toThrow();
      await server.start();
      await vi.waitFor(async () => expect(await keyv.get('probe').then(() => true, () => false)).toBe(true), { timeout: 10_000, interval: 50 });
      expect(await keyv.get('queued')).toBeUndefined();
    } finally {
      await keyv.disconnect().catch(() => undefined);
    }
  });
});
