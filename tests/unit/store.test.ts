import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { createStore, openKeyv } from '../../src/store/index.js';

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
