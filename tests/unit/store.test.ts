import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { createStore, openKeyv } from '../../src/store/index.js';
import { createSceneStore } from '../../src/store/scenes.js';

describe('per-server state', () => {
  it('keeps one server’s pinned link out of another’s', async () => {
    const store = createStore(new Keyv());
    await store.videos.pin('111111111111111111', 'eric-seo-hyun-jin', { url: 'https://youtu.be/a', pinnedBy: '9', pinnedAt: 1 });
    expect(await store.videos.pinned('111111111111111111', 'eric-seo-hyun-jin')).toMatchObject({ url: 'https://youtu.be/a' });
    expect(await store.videos.pinned('222222222222222222', 'eric-seo-hyun-jin')).toBeUndefined();
    expect(await store.videos.unpin('222222222222222222', 'eric-seo-hyun-jin')).toBe(false);
    expect(await store.videos.unpin('111111111111111111', 'eric-seo-hyun-jin')).toBe(true);
    expect(await store.videos.pinned('111111111111111111', 'eric-seo-hyun-jin')).toBeUndefined();
  });

  it('remembers the last story per channel, in servers and in DMs separately', async () => {
    const store = createStore(new Keyv());
    await store.scenes.setLastShown({ guildId: '1' }, '10', 'a');
    await store.scenes.setLastShown({ dmChannelId: '10' }, '10', 'b');
    expect(await store.scenes.lastShown({ guildId: '1' }, '10')).toBe('a');
    expect(await store.scenes.lastShown({ dmChannelId: '10' }, '10')).toBe('b');
    expect(await store.scenes.lastShown({ guildId: '1' }, '11')).toBeUndefined();
  });

  it('creates the SQLite file and its folder on first run, and keeps state across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiss-store-'));
    const url = `sqlite://${join(dir, 'nested', 'state.sqlite')}`;
    const first = createStore(openKeyv(url));
    await first.videos.pin('1', 'x', { url: 'https://vimeo.com/1', pinnedBy: '2', pinnedAt: 3 });
    await first.close();
    expect(existsSync(join(dir, 'nested', 'state.sqlite'))).toBe(true);
    const second = createStore(openKeyv(url));
    expect(await second.videos.pinned('1', 'x')).toEqual({ url: 'https://vimeo.com/1', pinnedBy: '2', pinnedAt: 3 });
    await second.close();
  });

  it('refuses a store address it does not know', () => {
    expect(() => openKeyv('mysql://db')).toThrow(/Unsupported STORE_URL/);
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL)('per-server state in Redis (several processes)', () => {
  it('is shared by two connections, as by two bot processes', async () => {
    const url = process.env.TEST_REDIS_URL!;
    const a = createStore(openKeyv(url));
    const b = createStore(openKeyv(url));
    const guild = String(Date.now()) + '00000';
    await a.videos.pin(guild, 'eric-seo-hyun-jin', { url: 'https://youtu.be/r', pinnedBy: '1', pinnedAt: 2 });
    expect(await b.videos.pinned(guild, 'eric-seo-hyun-jin')).toEqual({ url: 'https://youtu.be/r', pinnedBy: '1', pinnedAt: 2 });
    expect(await b.videos.unpin(guild, 'eric-seo-hyun-jin')).toBe(true);
    expect(await a.videos.pinned(guild, 'eric-seo-hyun-jin')).toBeUndefined();
    await a.close();
    await b.close();
  });
});

describe('per-server state held in memory (as the bot runs it)', () => {
  /** A Keyv whose reads and writes are counted, and whose writes can be made to fail. */
  function counted() {
    const keyv = new Keyv();
    const counts = { get: 0, set: 0 };
    let failing = false;
    const { get, set } = keyv;
    keyv.get = ((...args: Parameters<typeof get>) => {
      counts.get += 1;
      return get.apply(keyv, args);
    }) as typeof get;
    keyv.set = ((...args: Parameters<typeof set>) => {
      counts.set += 1;
      return set.apply(keyv, args);
    });
    const store = keyv.store as Map<string, unknown>;
    const mapSet = store.set.bind(store);
    store.set = (key: string, value: unknown) => {
      if (failing) throw new Error('store down');
      return mapSet(key, value);
    };
    return { keyv, counts, fail: (on: boolean) => (failing = on) };
  }

  it('reads a pinned link once, and sees a pin or a removal made through it at once', async () => {
    const { keyv, counts } = counted();
    const store = createStore(keyv, { memory: {} });
    expect(await store.videos.pinned('1', 'x')).toBeUndefined();
    expect(await store.videos.pinned('1', 'x')).toBeUndefined();
    expect(counts.get).toBe(1);
    await store.videos.pin('1', 'x', { url: 'https://vimeo.com/1', pinnedBy: '2', pinnedAt: 3 });
    expect(await store.videos.pinned('1', 'x')).toMatchObject({ url: 'https://vimeo.com/1' });
    expect(await store.videos.unpin('1', 'x')).toBe(true);
    expect(await store.videos.pinned('1', 'x')).toBeUndefined();
  });

  it('shows a pin made by another process once its value is older than the refresh period', async () => {
    let now = 0;
    const keyv = new Keyv();
    const a = createStore(keyv, { memory: { refreshMs: 60_000, now: () => now } });
    const b = createStore(keyv, { memory: {} });
    expect(await a.videos.pinned('1', 'x')).toBeUndefined();
    await b.videos.pin('1', 'x', { url: 'https://vimeo.com/2', pinnedBy: '2', pinnedAt: 3 });
    expect(await a.videos.pinned('1', 'x')).toBeUndefined();
    now = 60_000;
    await a.videos.pinned('1', 'x');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await a.videos.pinned('1', 'x')).toMatchObject({ url: 'https://vimeo.com/2' });
  });

  it('keeps nothing wrong in memory when a pin fails', async () => {
    const { keyv, fail } = counted();
    const store = createStore(keyv, { memory: {} });
    await store.videos.pin('1', 'x', { url: 'https://vimeo.com/1', pinnedBy: '2', pinnedAt: 3 });
    fail(true);
    await store.videos.pin('1', 'x', { url: 'https://vimeo.com/new', pinnedBy: '2', pinnedAt: 4 }).catch(() => undefined);
    fail(false);
    expect(await store.videos.pinned('1', 'x')).toEqual(await keyv.get('guild:1:video:x'));
  });

  /** A SQLite store whose statements are counted (writes are INSERTs), and can be made to fail. */
  function sqlite() {
    const url = `sqlite://${join(mkdtempSync(join(tmpdir(), 'kiss-memory-')), 'state.sqlite')}`;
    const keyv = openKeyv(url);
    const adapter = keyv.store as { query: (sql: string, ...args: unknown[]) => Promise<unknown> };
    const query = adapter.query.bind(adapter);
    const stats = { inserts: 0, failing: false };
    adapter.query = async (sql, ...args) => {
      if (/^\s*INSERT/i.test(sql)) {
        stats.inserts += 1;
        if (stats.failing) throw new Error('store down');
      }
      return query(sql, ...args);
    };
    return { url, keyv, stats };
  }

  it('answers the last story of a channel from memory at once, and stores many channels in one write after', async () => {
    const { keyv, stats } = sqlite();
    const scenes = createSceneStore(keyv, { memory: {}, writeDelayMs: 10 });
    const stored: Array<Promise<void>> = [];
    for (let channel = 0; channel < 50; channel++) stored.push(scenes.setLastShown({ guildId: '1' }, String(channel), `couple-${channel}`));
    expect(await scenes.lastShown({ guildId: '1' }, '7')).toBe('couple-7');
    expect(stats.inserts).toBe(0);
    await Promise.all(stored);
    expect(stats.inserts).toBe(1);
    expect(await keyv.get('guild:1:scene-last:7')).toBe('couple-7');
    expect(await keyv.get('guild:1:scene-last:49')).toBe('couple-49');
    await keyv.disconnect();
  });

  it('keeps a last story whose write failed, and writes it with the next one', async () => {
    const { keyv, stats } = sqlite();
    const scenes = createSceneStore(keyv, { memory: {}, writeDelayMs: 10 });
    stats.failing = true;
    await expect(scenes.setLastShown({ guildId: '1' }, '10', 'a')).rejects.toThrow('store down');
    expect(await scenes.lastShown({ guildId: '1' }, '10')).toBe('a');
    stats.failing = false;
    await scenes.setLastShown({ guildId: '1' }, '11', 'b');
    expect([await keyv.get('guild:1:scene-last:10'), await keyv.get('guild:1:scene-last:11')]).toEqual(['a', 'b']);
    await keyv.disconnect();
  });

  it('writes what is waiting when the store closes, so a restarted bot knows the last story', async () => {
    const { url } = sqlite();
    const first = createStore(openKeyv(url), { memory: {} });
    void first.scenes.setLastShown({ dmChannelId: '20' }, '20', 'c');
    await first.close();
    const second = createStore(openKeyv(url), { memory: {} });
    expect(await second.scenes.lastShown({ dmChannelId: '20' }, '20')).toBe('c');
    await second.close();
  });

  it('forgets a server: its memory and its writes not made yet, not another server’s', async () => {
    const { keyv } = sqlite();
    const store = createStore(keyv, { memory: {} });
    await store.videos.pin('1', 'x', { url: 'https://vimeo.com/1', pinnedBy: '2', pinnedAt: 3 });
    const dropped = store.scenes.setLastShown({ guildId: '1' }, '10', 'a');
    const kept = store.scenes.setLastShown({ guildId: '2' }, '10', 'b');
    await store.forget('1');
    await keyv.delete('guild:1:video:x');
    await Promise.all([dropped, kept]);
    expect(await keyv.get('guild:1:scene-last:10')).toBeUndefined();
    expect(await keyv.get('guild:2:scene-last:10')).toBe('b');
    expect(await store.videos.pinned('1', 'x')).toBeUndefined();
    await store.close();
  });
});
