import { createCoupleBook } from '../../src/stories/book.js';
/**
 * `/kiss-scene` without a couple: the member's answer comes first, and remembering the story shown
 * (so the next one differs, even after a restart) is written after it, in the background.
 */
import Keyv from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import command from '../../commands/kiss-scene.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { seededRandom } from '../../src/catalogue/random.js';
import { CoupleSearch } from '../../src/catalogue/search.js';
import type { AppContext } from '../../src/context.js';
import { createCooldowns } from '../../src/cooldowns.js';
import { SceneReplies } from '../../src/replies/scene-replies.js';
import { createStore } from '../../src/store/index.js';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { captureLogs } from '../support/logs.js';

const catalogue = loadCatalogue();
const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';

/** A bot context over an in-memory Keyv whose writes can be made to fail; `events` records replies and writes in order. */
function context() {
  const keyv = new Keyv();
  const events: string[] = [];
  let failing = false;
  const map = keyv.store as Map<string, unknown>;
  const mapSet = map.set.bind(map);
  map.set = (key: string, value: unknown) => {
    if (failing) throw new Error('store down');
    events.push(`write ${key}`);
    return mapSet(key, value);
  };
  const { logger, lines } = captureLogs('warn');
  const store = createStore(keyv, { memory: {} });
  const ctx = {
    catalogue,
    search: new CoupleSearch(catalogue),
    couples: createCoupleBook({ catalogue, stories: store.stories }),
    sceneReplies: new SceneReplies(catalogue),
    store,
    logger,
    random: seededRandom(7),
    cooldowns: createCooldowns({ scene: undefined, pollStart: undefined }, new ManualClock(0)),
  } as unknown as AppContext;
  return { ctx, keyv, store, events, lines, fail: (on: boolean) => (failing = on) };
}

/** `/kiss-scene` without a couple, as discord.js hands it to the command. */
function randomStory(events: string[]) {
  const replies: Array<Record<string, unknown>> = [];
  const interaction = {
    guildId: GUILD,
    channelId: CHANNEL,
    locale: 'en-US',
    user: { id: '300000000000000001' },
    options: { getString: () => null },
    async reply(body: Record<string, unknown>) {
      events.push('reply');
      replies.push(body);
    },
  };
  return { replies, interaction: interaction as never };
}

describe('/kiss-scene without a couple', () => {
  it('answers first, and writes the story shown after the answer', async () => {
    const { ctx, store, events } = context();
    const { replies, interaction } = randomStory(events);
    await command.execute(interaction, ctx);
    expect(events).toEqual(['reply']);
    await store.scenes.flush();
    expect(events).toEqual(['reply', `write keyv:guild:${GUILD}:scene-last:${CHANNEL}`]);
    expect(replies).toHaveLength(1);
  });

  it('logs a write that fails after the answer, and answers nothing more (no error follow-up)', async () => {
    const { ctx, store, events, lines, fail } = context();
    fail(true);
    const { replies, interaction } = randomStory(events);
    await expect(command.execute(interaction, ctx)).resolves.toBeUndefined();
    await expect(store.scenes.flush()).rejects.toThrow('store down');
    await vi.waitFor(() => expect(lines.some((l) => l.msg === 'could not store the last story shown in a channel' && l.channelId === CHANNEL)).toBe(true));
    expect(replies).toHaveLength(1);
    // The story shown is still this channel's last: the next one differs.
    const shown = (replies[0]!.embeds as Array<{ title: string }>)[0]!.title;
    const next = randomStory(events);
    await command.execute(next.interaction, ctx);
    expect((next.replies[0]!.embeds as Array<{ title: string }>)[0]!.title).not.toBe(shown);
  });
});
