import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createStoryStore } from '../../src/store/stories.js';
import { createStoryService, type Actor } from '../../src/stories/service.js';
import { BACKENDS, type SharedStore } from '../support/backends.js';
import { fields } from './helpers.js';

const catalogue = loadCatalogue();
const silent = pino({ enabled: false });
const clock = new ManualClock(1_700_000_000_000);
const MODERATOR: Actor = { userId: '300000000000000001', manager: true, roleIds: [] };
const WRITER: Actor = { userId: '300000000000000002', manager: false, roleIds: ['400000000000000001'] };
const OTHER_WRITER: Actor = { userId: '300000000000000003', manager: false, roleIds: ['400000000000000001'] };
const MEMBER: Actor = { userId: '300000000000000004', manager: false, roleIds: ['400000000000000009'] };

describe.each(BACKENDS)('a server’s stories on $name', (backend) => {
  let shared: SharedStore | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) store.availability.close();
    await shared?.close();
    shared = undefined;
  });

  /** A bot process on the shared store: its store (memory on, as the bot runs) and story service. */
  function process(keyv: SharedStore['a'], maxStories?: number) {
    const store = createStore(keyv, { memory: {} });
    stores.push(store);
    return { store, stories: createStoryService({ store: store.stories, catalogue, clock, logger: silent, maxStories }) };
  }

  it.skipIf(backend.skip)('keeps them across a restart, and deletes them with the server’s data', async () => {
    shared = backend.open();
    const guild = shared.guild();
    const first = process(shared.a);
    const added = await first.stories.add(guild, MODERATOR, fields(1));
    expect(added).toMatchObject({ ok: true, story: { addedBy: MODERATOR.userId, addedAt: clock.now() } });
    // Another process (a restart) reads them from the store.
    const second = process(shared.b);
    expect((await second.stories.book(guild)).stories).toEqual([added.ok && added.story]);
    expect((await second.store.lifecycle.summarize(guild)).ownStories).toBe(1);
    await second.store.forget(guild);
    await second.store.lifecycle.deleteGuild(guild);
    expect(await createStoryStore(shared.a).get(guild)).toEqual({ stories: [], removed: [] });
  });

  it.skipIf(backend.skip)('lets the contributor role add and change its own stories only; other members nothing', async () => {
    shared = backend.open();
    const guild = shared.guild();
    const { stories } = process(shared.a);
    expect(await stories.access(guild, WRITER)).toBe('none');
    await stories.setContributorRole(guild, '400000000000000001');
    expect(await stories.access(guild, WRITER)).toBe('contributor');
    expect(await stories.access(guild, MEMBER)).toBe('none');
    expect(await stories.access(guild, MODERATOR)).toBe('manager');

    const mine = await stories.add(guild, WRITER, fields(1));
    if (!mine.ok) throw new Error(mine.reason);
    expect(await stories.edit(guild, OTHER_WRITER, mine.story.id, fields(1, { story: { en: 'Changed by another.' } }))).toEqual({ ok: false, reason: 'not-yours' });
    expect(await stories.remove(guild, OTHER_WRITER, mine.story.id)).toEqual({ ok: false, reason: 'not-yours' });
    expect(await stories.edit(guild, WRITER, mine.story.id, fields(1, { story: { en: 'Changed by its writer.' } }))).toMatchObject({ ok: true });
    expect((await stories.editable(guild, OTHER_WRITER)).map((s) => s.id)).toEqual([]);
    expect((await stories.editable(guild, MODERATOR)).map((s) => s.id)).toEqual([mine.story.id]);
    expect(await stories.remove(guild, MODERATOR, mine.story.id)).toMatchObject({ ok: true });

    await stories.setContributorRole(guild, undefined);
    expect(await stories.access(guild, WRITER)).toBe('none');
  });

  it.skipIf(backend.skip)('applies an import whole or not at all, and stops at the server’s limit', async () => {
    shared = backend.open();
    const guild = shared.guild();
    const { stories } = process(shared.a, 5);
    await stories.add(guild, MODERATOR, fields(1));
    const bad = [fields(2), fields(3), { ...fields(4), story: { en: '   ' } }];
    expect(await stories.importFile(guild, MODERATOR, JSON.stringify(bad))).toMatchObject({ ok: false, reason: 'entries' });
    expect((await stories.book(guild)).stories).toHaveLength(1);
    expect(await stories.importFile(guild, MODERATOR, JSON.stringify([fields(2), fields(3), fields(4), fields(5), fields(6)]))).toMatchObject({ ok: false, reason: 'full', limit: 5 });
    expect((await stories.book(guild)).stories).toHaveLength(1);
    expect(await stories.importFile(guild, MODERATOR, JSON.stringify({ stories: [fields(1), fields(2), fields(3), fields(4), fields(5)] }))).toMatchObject({ ok: true, added: 4, updated: 1 });
    expect(await stories.add(guild, MODERATOR, fields(6))).toEqual({ ok: false, reason: 'full' });
    const exported = await stories.exportFile(guild);
    expect(exported.count).toBe(5);
    expect(JSON.parse(exported.json)).toMatchObject({ format: 'kiss-scene-bot/stories', version: 1, stories: [{ drama: { title: 'Drama 1' } }, {}, {}, {}, {}] });
  });

  it.skipIf(backend.skip)('keeps a refused form an hour for its member only', async () => {
    shared = backend.open();
    const guild = shared.guild();
    const { store } = process(shared.a);
    const values = { couple: 'A & B', drama: 'D', story: 'S', quote: '', links: 'http://x' };
    await store.stories.saveDraft(guild, MEMBER.userId, 'token-abcdefg', values);
    expect(await store.stories.getDraft(guild, MEMBER.userId, 'token-abcdefg')).toEqual(values);
    expect(await store.stories.getDraft(guild, WRITER.userId, 'token-abcdefg')).toBeUndefined();
    expect((await store.lifecycle.summarize(guild)).storyDrafts).toBe(1);
  });

  it.skipIf(backend.skip)('reports a damaged record as a bug rather than show part of it', async () => {
    shared = backend.open();
    const guild = shared.guild();
    await shared.a.set(`guild:${guild}:stories`, { stories: [{ id: 'nope' }], removed: [] });
    await expect(createStoryStore(shared.b).get(guild)).rejects.toThrow(/stored stories of server \d+ do not read: stories\.0\.id/);
  });
});
