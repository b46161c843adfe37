/**
 * The playground in headless Chromium: the real bot behind the simulator, driven through the page
 * the way a person would use it. The screenshots it saves are the README's (docs/screenshots/).
 */
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalogue, coupleName, readStoryFiles, t } from '../src/bot.js';
import { startPlayground, type Playground } from '../src/index.js';
import { CHROMIUM, hasChromium, launchBrowser, memoryLogger, screenshot, tempStoreUrl } from './browser.js';

if (!hasChromium) console.warn(`Skipping the playground's browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium).`);

const HOUR = 60 * 60 * 1000;

let pg: Playground;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Every URL any page asked for. */
const requested: string[] = [];
/** The origins of the playgrounds the pages were opened on. */
const origins = new Set<string>();
const pageErrors: string[] = [];
const { logger } = memoryLogger();

/** A page acting as `member` in `channel` (of the shared playground, or of `on`). */
async function openPage(member: string, channel = 'general', on: Playground = pg): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(on.url);
  await page.locator('body[data-ready][data-live][data-viewer]').waitFor({ state: 'attached' });
  await actAs(page, member, on);
  await openChannel(page, channel);
  return page;
}

function memberId(name: string, on: Playground = pg): string {
  const found = on.seed.members.find((m) => m.user.username === name);
  if (!found) throw new Error(`No seeded member ${name}`);
  return found.user.id;
}

async function actAs(page: Page, name: string, on: Playground = pg): Promise<void> {
  const id = memberId(name, on);
  await page.getByTestId('member-select').selectOption(id);
  await page.locator(`body[data-live][data-viewer="${id}"]`).waitFor({ state: 'attached' });
}

async function openChannel(page: Page, name: string): Promise<void> {
  await page.locator(`#channels [data-channel="${name}"]`).click();
  await page.locator(`body[data-channel="${name}"]`).waitFor({ state: 'attached' });
}

interface OptionInput {
  name: string;
  text: string;
  /** Text of the choice to pick from the list the option shows (static choices or the bot's autocomplete). */
  pick?: string;
}

/**
 * Types `/typed`, picks `command` in the slash menu, fills the options and presses Enter
 * (`beforeSend` runs just before).
 */
async function runCommand(page: Page, typed: string, command: string, options: OptionInput[] = [], beforeSend?: () => void): Promise<void> {
  await page.getByTestId('message-input').click();
  await page.keyboard.type(`/${typed}`);
  await page.locator(`[data-testid=command-item][data-command="${command}"]`).click();
  for (const o of options) {
    await page.getByTestId(`option-${o.name}`).fill(o.text);
    if (o.pick) await page.getByTestId('choice').filter({ hasText: o.pick }).first().click();
  }
  beforeSend?.();
  await page.keyboard.press('Enter');
  await page.getByTestId('command-chip').waitFor({ state: 'hidden' });
}

/**
 * Waits until the channel's newest message has drawn itself (its height unchanged for several
 * frames), then says how far it sticks out of the visible part of the channel (0 when fully in view;
 * above, 0 too when only what cannot fit in the view sticks out).
 */
async function newestMessageOverflow(page: Page): Promise<{ below: number; above: number }> {
  return page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    const newest = () => [...document.querySelectorAll('#messages > discord-message')].at(-1);
    let height = -1;
    for (let i = 0, steady = 0; i < 600 && steady < 6; i++) {
      await frame();
      const now = newest()?.getBoundingClientRect().height ?? -1;
      steady = now === height && now > 30 ? steady + 1 : 0;
      height = now;
    }
    const m = newest()!.getBoundingClientRect();
    const scroller = document.getElementById('scroller')!;
    const view = scroller.getBoundingClientRect();
    const style = getComputedStyle(scroller);
    // Scrolled to the end, what follows the newest message (its margin, the list's padding, the
    // channel's) stays in view below it. A message taller than the room left above that shows its
    // end, as Discord's client does: scrolled to the end, only its top may stick out.
    const contentBottom = view.top + scroller.clientTop - scroller.scrollTop + scroller.scrollHeight;
    const room = scroller.clientHeight - parseFloat(style.paddingTop) - (contentBottom - m.bottom);
    const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
    const above = m.height > room && atEnd ? 0 : Math.max(0, Math.round(view.top - m.top));
    return { below: Math.max(0, Math.round(m.bottom - view.bottom)), above };
  });
}

async function expectNewestInView(page: Page): Promise<void> {
  expect(await newestMessageOverflow(page)).toEqual({ below: 0, above: 0 });
}

/** The message whose embed has this title. */
function embedMessage(page: Page, title: string) {
  return page.locator('discord-message').filter({ has: page.locator(`discord-embed[embed-title="${title}"]`) });
}

beforeAll(async () => {
  if (!hasChromium) return;
  pg = await startPlayground({ port: 0, storeUrl: tempStoreUrl(), logger });
  origins.add(new URL(pg.url).origin);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await pg?.close();
});

describe.skipIf(!hasChromium)('the playground in a browser', () => {
  it('lists the bot’s commands with their descriptions as a member types /, the moderator-only ones only for the moderator', async () => {
    const page = await openPage('Jisoo');
    await page.getByTestId('message-input').click();
    await page.keyboard.type('/');
    const items = page.getByTestId('command-item');
    await items.first().waitFor();
    const names = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-command')));
    expect(names).toContain('kiss-scene');
    expect(names).toContain('kiss-poll start');
    expect(names).not.toContain('kiss-daily set');
    expect(await items.filter({ hasText: '/kiss-scene' }).textContent()).toContain(t('en', 'scene.command.description'));

    await page.keyboard.type('poll');
    const filtered = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-command')));
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((n) => n?.startsWith('kiss-poll'))).toBe(true);
    await page.keyboard.press('Escape');

    await actAs(page, 'Mina');
    await page.getByTestId('message-input').fill('/kiss-daily');
    await page.locator('[data-testid=command-item][data-command="kiss-daily set"]').waitFor();
    await page.keyboard.press('Escape');
  });

  it('runs /kiss-scene with a couple picked through the bot’s autocomplete and shows the embed', async () => {
    const page = await openPage('Jisoo', 'general');
    await runCommand(page, 'kiss-scene', 'kiss-scene', [{ name: 'couple', text: 'IU', pick: 'Lee Joon Ki & IU' }]);
    const message = embedMessage(page, '💋 Lee Joon Ki & IU');
    await message.waitFor();
    // The reply is the newest message: drawn, then scrolled fully into view.
    await expectNewestInView(page);
    expect(await message.locator('discord-command').getAttribute('command')).toBe('/kiss-scene');
    expect(await message.locator('discord-command').getAttribute('author')).toBe('Jisoo');
    expect(await message.locator('discord-embed-field[field-title="Drama"]').textContent()).toContain('Moon Lovers: Scarlet Heart Ryeo');
    expect(await message.locator('discord-button').allTextContents()).toEqual([
      expect.stringContaining('Search for the filming video'),
      expect.stringContaining('Another story'),
    ]);
    expect(await message.locator('discord-button').first().getAttribute('url')).toMatch(/^https:\/\/www\.youtube\.com\//);
    expect(await message.getAttribute('ephemeral')).toBeNull();
    await screenshot(page, 'playground-scene.png');

    // "Another story" answers only the member who clicked.
    await message.locator('discord-button', { hasText: 'Another story' }).click();
    const privateStory = page.locator('discord-message[ephemeral]').filter({ has: page.locator('discord-embed') });
    await privateStory.waitFor();
    expect(await privateStory.locator('discord-embed').getAttribute('embed-title')).not.toBe('💋 Lee Joon Ki & IU');
    const other = await openPage('Alex', 'general');
    await embedMessage(other, '💋 Lee Joon Ki & IU').waitFor();
    expect(await other.locator('discord-message[ephemeral]').count()).toBe(0);
  });

  it('shows two members voting in a poll, each page seeing the counts change live', async () => {
    const first = await openPage('Mina', 'kdrama');
    await runCommand(first, 'kiss-poll start', 'kiss-poll start', [
      // A drama only one story has, then a name several share: the list offers each of them to pick from.
      { name: 'couples', text: 'moon lovers, park bo', pick: 'Park Bo Gum & Kim Yoo Jung' },
    ]);
    const question = `💋 ${t('en', 'poll.defaultQuestion')}`;
    const poll = embedMessage(first, question);
    await poll.waitFor();
    await poll.locator('discord-embed-description', { hasText: '0 members have voted' }).waitFor();
    // The starter's private answer links to the poll as Discord shows a message link: "#kdrama › 💬".
    const started = first.locator('discord-message[ephemeral]').filter({ hasText: 'Your poll is up' });
    await started.waitFor();
    expect(await started.getByTestId('message-link').textContent()).toBe('#kdrama›💬');
    expect(await started.textContent()).not.toContain('https://discord.com/channels/');
    await actAs(first, 'Jisoo');
    const second = await openPage('Alex', 'kdrama');
    const secondPoll = embedMessage(second, question);

    await poll.locator('discord-button', { hasText: '1. Lee Joon Ki & IU' }).click();
    for (const p of [poll, secondPoll]) await p.locator('discord-embed-description', { hasText: '1 member has voted' }).waitFor();
    expect(await secondPoll.locator('discord-embed-description').textContent()).toMatch(/1 vote · 100%/);

    await secondPoll.locator('discord-button', { hasText: '2. Park Bo Gum & Kim Yoo Jung' }).click();
    for (const p of [poll, secondPoll]) await p.locator('discord-embed-description', { hasText: '2 members have voted' }).waitFor();
    const counts = await poll.locator('discord-embed-description').textContent();
    expect(counts?.match(/1 vote · 50%/g)).toHaveLength(2);
    // Each voter's confirmation is theirs alone.
    const confirmations = (page: Page, couple: string) => page.locator('discord-message[ephemeral]').filter({ hasText: couple });
    await confirmations(second, 'Park Bo Gum & Kim Yoo Jung').waitFor();
    expect(await confirmations(first, 'Lee Joon Ki & IU').count()).toBe(1);
    expect(await confirmations(first, 'Park Bo Gum & Kim Yoo Jung').count()).toBe(0);
    expect(await confirmations(second, 'Lee Joon Ki & IU').count()).toBe(0);
    await poll.scrollIntoViewIfNeeded();
    await screenshot(first, 'playground-poll.png');
  });

  it('moves the clock a day: the 24-hour poll closes and its results show the chart', async () => {
    const page = await openPage('Jisoo', 'kdrama');
    const before = pg.clock.now();
    await page.getByTestId('advance-day').click();
    await page.waitForFunction((min) => Number(document.getElementById('clock-now')?.dataset.now) >= min, before + 24 * HOUR);
    expect(pg.clock.now()).toBeGreaterThanOrEqual(before + 24 * HOUR);
    // The chart is an attachment the bot uploaded, shown from the simulator's stored bytes.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLImageElement>('img.attachment-image')].some((img) => img.complete && img.naturalWidth > 0) ||
        [...document.querySelectorAll('discord-embed[image]')].some((e) => {
          const img = e.shadowRoot?.querySelector<HTMLImageElement>('img.discord-embed-image');
          return Boolean(img?.complete && img.naturalWidth > 0);
        }),
      undefined,
      { timeout: 15_000 },
    );
    // A day later the results (and their chart, once loaded) are the newest message, fully in view.
    await expectNewestInView(page);
    await screenshot(page, 'playground-poll-results.png');
    // And so they are for a member who opens the channel now.
    const later = await openPage('Alex', 'kdrama');
    await expectNewestInView(later);
  });

  it('moves the clock a day and the daily story appears in the chosen channel', async () => {
    const page = await openPage('Mina', 'general');
    const at = new Date(pg.clock.now() + 2 * HOUR);
    const time = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    await runCommand(page, 'kiss-daily set', 'kiss-daily set', [
      { name: 'channel', text: 'announ', pick: '#announcements' },
      { name: 'time', text: time },
    ]);
    // Only Mina sees the confirmation.
    await page.locator('discord-message[ephemeral]').filter({ hasText: t('en', 'daily.set.saved') }).waitFor();

    const before = pg.clock.now();
    await page.getByTestId('advance-day').click();
    await page.waitForFunction((min) => Number(document.getElementById('clock-now')?.dataset.now) >= min, before + 24 * HOUR);

    await openChannel(page, 'announcements');
    const daily = page.locator('discord-message').filter({ has: page.locator(`discord-embed[author-name="${t('en', 'daily.post.heading')}"]`) });
    await daily.waitFor({ timeout: 15_000 });
    expect(await daily.locator('discord-embed').getAttribute('embed-title')).toMatch(/^💋 /);
    await expectNewestInView(page);
    await screenshot(page, 'playground-daily.png');
  });

  it('speaks Korean to a member switched to Korean', async () => {
    const page = await openPage('Alex', 'general');
    await page.getByTestId('locale-select').selectOption('ko');
    await runCommand(page, 'kiss-scene', 'kiss-scene', [{ name: 'couple', text: '박보검', pick: '박보검 & 김유정' }]);
    const park = await import('../src/bot.js').then((m) => m.loadCatalogue().get('park-bo-gum-kim-yoo-jung'));
    const title = `💋 ${coupleName(park!, 'ko')}`;
    const message = embedMessage(page, title);
    await message.waitFor();
    expect(await message.locator('discord-button').allTextContents()).toContainEqual(expect.stringContaining(t('ko', 'scene.another')));
    // Characters in Hangul, and the printed line with its translation marked as one.
    expect(await message.locator('discord-embed-field[field-title="배역"]').textContent()).toContain('왕세자 이영(박보검) & 홍라온(김유정)');
    expect(await message.locator(`discord-embed-field[field-title="${t('ko', 'scene.quotes')}"]`).textContent()).toContain('번역: 나 키스 잘 못해!');
    await expectNewestInView(page);
    // Nothing covers the story: the screenshot is taken before the slash menu opens.
    await screenshot(page, 'playground-korean.png');
    // The slash menu follows the member's language too.
    await page.getByTestId('message-input').click();
    await page.keyboard.type('/kiss-sc');
    await page.getByTestId('command-item').filter({ hasText: t('ko', 'scene.command.description') }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('popup-empty').count()).toBe(0);
    expect(await page.locator('#popup').isHidden()).toBe(true);
  });

  it('closes the list with Esc, leaves what was typed, and never throws the command away', async () => {
    const page = await openPage('Jisoo', 'general');
    await page.getByTestId('message-input').click();
    await page.keyboard.type('/kiss-scene');
    await page.locator('[data-testid=command-item][data-command="kiss-scene"]').click();
    const field = page.getByTestId('option-couple');
    await field.fill('eric');
    await page.getByTestId('choice').first().waitFor();
    await field.press('Escape');
    expect(await page.locator('#popup').isHidden()).toBe(true);
    expect(await field.inputValue()).toBe('eric');
    expect(await page.getByTestId('command-chip').isVisible()).toBe(true);
    // With no list open, Esc changes nothing.
    await field.press('Escape');
    expect(await field.inputValue()).toBe('eric');
    expect(await page.getByTestId('command-chip').textContent()).toBe('/kiss-scene');
    // The ✕ cancels the command.
    await page.locator('#cancel-command').click();
    await page.getByTestId('command-chip').waitFor({ state: 'hidden' });
  });

  it('shows command mentions as each member’s client does, and opens the command on a click', async () => {
    const page = await openPage('Jisoo', 'general');
    await runCommand(page, 'kiss-about', 'kiss-about');
    const about = page.locator('discord-message[ephemeral]').filter({ has: page.locator(`discord-embed[embed-title="${t('en', 'about.title')}"]`) });
    await about.waitFor();
    const labels = await about.getByTestId('command-mention').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['/kiss-scene', '/kiss-video', '/kiss-poll start', '/kiss-daily set']));
    await expectNewestInView(page);
    await about.getByTestId('command-mention').filter({ hasText: '/kiss-scene' }).click();
    expect(await page.getByTestId('command-chip').textContent()).toBe('/kiss-scene');
    await page.locator('#cancel-command').click();

    await page.getByTestId('locale-select').selectOption('ko');
    await runCommand(page, 'kiss-about', 'kiss-about');
    const korean = page.locator('discord-message[ephemeral]').filter({ has: page.locator(`discord-embed[embed-title="${t('ko', 'about.title')}"]`) });
    await korean.waitFor();
    expect(await korean.getByTestId('command-mention').allTextContents()).toEqual(expect.arrayContaining(['/키스신-매일 설정', '/키스신-투표 시작']));
    await page.getByTestId('locale-select').selectOption('en-US');
  });

  it('lets a member play a solo World Cup: each choice replaces the private message, then the winner is shared', async () => {
    const page = await openPage('Jisoo', 'kdrama');
    await runCommand(page, 'kiss-worldcup play', 'kiss-worldcup play');
    const run = page.locator('discord-message[ephemeral]').filter({ has: page.locator('discord-embed[author-name="Kiss-scene World Cup"]') });
    await run.waitFor();
    // Two couples side by side: two inline fields.
    expect(await run.locator('discord-embed-field[inline]').count()).toBe(2);
    expect(await run.locator('discord-embed').getAttribute('embed-title')).toBe(`💋 ${t('en', 'worldcup.round.8')} · match 1 of 4`);
    await screenshot(page, 'playground-worldcup.png');
    for (let step = 2; step <= 7; step++) {
      await run.locator('discord-button').first().click();
      await run.locator('discord-embed-footer', { hasText: `Choice ${step} of 7` }).waitFor();
    }
    await run.locator('discord-button').first().click();
    const winner = page.locator('discord-message[ephemeral]').filter({ has: page.locator(`discord-embed[author-name="${t('en', 'worldcup.solo.winnerAuthor')}"]`) });
    await winner.waitFor();
    const title = await winner.locator('discord-embed').getAttribute('embed-title');
    expect(title).toMatch(/^🏆 /);
    expect(await page.locator('discord-message[ephemeral]').filter({ hasText: 'Kiss-scene World Cup' }).count()).toBe(1);

    await winner.locator('discord-button', { hasText: t('en', 'worldcup.solo.share') }).click();
    const other = await openPage('Alex', 'kdrama');
    const shared = other.locator('discord-message').filter({ has: other.locator(`discord-embed[embed-title="${title}"]`) });
    await shared.waitFor();
    expect(await shared.getAttribute('ephemeral')).toBeNull();
  });

  it('shows "The application did not respond" when the bot answers too late', async () => {
    const page = await openPage('Jisoo', 'general');
    // The bot's answer reaches the simulator 3.5 s late: past Discord's 3-second limit.
    await runCommand(page, 'kiss-scene', 'kiss-scene', [{ name: 'couple', text: 'eric', pick: 'Eric & Seo Hyun Jin' }], () =>
      pg.sim.faults.latency({ route: '/interactions/:id/:token/callback', method: 'POST', ms: 3500, times: 1 }),
    );
    const failed = page.getByTestId('failed-interaction');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('The application did not respond');
    expect(await failed.locator('discord-command').getAttribute('command')).toBe('/kiss-scene');
  });

  it('answers an unknown couple privately, as the bot wrote it', async () => {
    const page = await openPage('Jisoo', 'kdrama');
    await page.getByTestId('message-input').click();
    await page.keyboard.type('/kiss-scene');
    await page.locator('[data-testid=command-item][data-command="kiss-scene"]').click();
    const field = page.getByTestId('option-couple');
    await field.fill('Zzyzx Qwerty');
    await page.getByTestId('popup-empty').waitFor();
    await field.press('Enter');
    const reply = page.locator('discord-message[ephemeral]').filter({ hasText: 'No couple matches' });
    await reply.waitFor();
    expect(await reply.textContent()).toContain('Zzyzx Qwerty');
  });

  it('lets a member choose from a select menu the bot posted, and shows the bot’s answer', async () => {
    // No command posts a menu yet: the bot posts one through the simulator's REST API, as it would.
    const kdrama = pg.seed.channels.find((c) => c.name === 'kdrama')!;
    const rest = new REST({ version: '10', api: pg.sim.apiUrl }).setToken(pg.sim.token);
    await rest.post(Routes.channelMessages(kdrama.id), {
      body: {
        content: 'Pick a drama',
        components: [
          {
            type: 1,
            components: [
              {
                type: 3,
                custom_id: 'nope:menu',
                placeholder: 'Choose a drama',
                options: [
                  { label: 'Moon Lovers', value: 'moon-lovers', description: 'SBS, 2016' },
                  { label: 'Bubblegum', value: 'bubblegum' },
                ],
              },
            ],
          },
        ],
      },
    });
    const page = await openPage('Jisoo', 'kdrama');
    const message = page.locator('discord-message').filter({ hasText: 'Pick a drama' });
    await message.locator('discord-string-select-menu[placeholder="Choose a drama"]').click();
    await message.locator('discord-string-select-menu-option[label="Bubblegum"]').click();
    await page.locator('discord-message[ephemeral]').filter({ hasText: t('en', 'common.staleButton') }).waitFor();
  });

  it('keeps the newest message fully in view after a load, a reply and a day passing, once it has drawn itself', async () => {
    // Tall messages first, so the channel must scroll: embeds draw their titles and fields a moment
    // after they are added, which is when a scroll done at insertion falls short.
    const kdrama = pg.seed.channels.find((c) => c.name === 'kdrama')!;
    const rest = new REST({ version: '10', api: pg.sim.apiUrl }).setToken(pg.sim.token);
    for (const n of [1, 2, 3]) {
      const fields = Array.from({ length: 8 }, (_, i) => ({ name: `Scene ${n}.${i + 1}`, value: 'Filmed in one take.' }));
      await rest.post(Routes.channelMessages(kdrama.id), { body: { embeds: [{ author: { name: 'Behind the scenes' }, title: `Notes ${n}`, description: 'What happened on set.', fields }] } });
    }
    const page = await openPage('Jisoo', 'kdrama');
    await expectNewestInView(page); // a load

    await runCommand(page, 'kiss-scene', 'kiss-scene', [{ name: 'couple', text: 'eric', pick: 'Eric & Seo Hyun Jin' }]);
    await embedMessage(page, '💋 Eric & Seo Hyun Jin').waitFor();
    await expectNewestInView(page); // a reply

    const before = pg.clock.now();
    await page.getByTestId('advance-day').click();
    await page.waitForFunction((min) => Number(document.getElementById('clock-now')?.dataset.now) >= min, before + 24 * HOUR);
    await expectNewestInView(page); // +1 day: the channel is drawn again
  });

  // A server of its own (a second playground): no earlier test has posted today's story or added
  // stories. Its bot has the article's ten stories built in, so that a default poll holds all of them
  // and this one, and the daily rotation reaches this one within as many days as it has stories.
  describe('a moderator adds a story of the server’s own', () => {
    const ARTICLE = ['eric-seo-hyun-jin', 'kim-rae-won-park-shin-hye', 'kim-soo-hyun-cha-tae-hyun', 'krystal-kang-min-hyuk', 'lee-dong-wook-jung-ryeo-won', 'lee-joon-ki-iu', 'park-bo-gum-kim-yoo-jung', 'park-hae-jin-kim-go-eun', 'seo-in-guk-jung-eun-ji', 'yoo-yeon-seok-seo-hyun-jin'];
    const builtIn = buildCatalogue(readStoryFiles().filter((f) => ARTICLE.includes((f.data as { id: string }).id)));
    /** The server's stories once this one is added: the built-in ones and its own. */
    const rotation = builtIn.couples.length + 1;
    let own: Playground;
    const story = {
      couple: 'Kim Soo Hyun (김수현) & Kim Ji Won (김지원)',
      drama: 'Queen of Tears (눈물의 여왕, 2024)',
      story:
        'The kiss on the bridge was filmed on a cold night, after the two actors had rehearsed it a few times with the director. ' +
        'Between takes they laughed about the wind, and the crew said the last take was the one that made it into the drama.',
      quote: 'Kim Ji Won: I was so nervous.',
      links: 'https://www.example.com/queen-of-tears-behind-the-scenes',
    };
    const name = 'Kim Soo Hyun & Kim Ji Won';

    /** The pages opened before these tests are on the shared playground; the later ones on this one. */
    let firstOwnContext = 0;
    beforeAll(async () => {
      if (!hasChromium) return;
      own = await startPlayground({ port: 0, storeUrl: tempStoreUrl(), logger, catalogue: builtIn });
      origins.add(new URL(own.url).origin);
      firstOwnContext = contexts.length;
    });
    afterAll(async () => {
      // Its pages first: a playground closed under an open page cuts its event stream (a page error).
      for (const c of contexts.splice(firstOwnContext)) await c.close().catch(() => undefined);
      await own?.close();
    });

    /** Types each box of the open form (only the boxes given). */
    async function fillForm(page: Page, values: Partial<Record<keyof typeof story, string>>): Promise<void> {
      for (const [box, value] of Object.entries(values)) await page.getByTestId(`modal-${box}`).fill(value);
    }

    it('fills the form, then finds the story in /kiss-scene, a poll and the daily post', { timeout: 120_000 }, async () => {
      const page = await openPage('Mina', 'general', own);
      await runCommand(page, 'kiss-story add', 'kiss-story add');
      const modal = page.getByTestId('modal');
      await modal.waitFor();
      expect(await page.locator('#modal-title').textContent()).toBe(t('en', 'story.form.titleAdd'));
      // Five boxes as the bot defined them: labels, placeholders (the links one on two lines), the
      // long ones as paragraphs, each with the bot's most characters.
      const boxes = await page.locator('#modal-fields').evaluate((el) =>
        [...el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')].map((f) => ({
          name: f.name,
          tag: f.tagName.toLowerCase(),
          label: f.labels?.[0]?.textContent,
          placeholder: f.placeholder,
          maxLength: f.maxLength,
          required: f.required,
          value: f.value,
        })),
      );
      expect(boxes.map((b) => [b.name, b.tag, b.required])).toEqual([
        ['couple', 'input', true],
        ['drama', 'input', true],
        ['story', 'textarea', true],
        ['quote', 'textarea', false],
        ['links', 'textarea', false],
      ]);
      for (const b of boxes) {
        expect(b.label).toContain(t('en', `story.form.${b.name}`));
        // Discord takes at most 100 characters of placeholder: the bot cuts a longer one with "…".
        const placeholder = t('en', `story.form.${b.name}Placeholder`);
        expect(b.placeholder).toBe(placeholder.length <= 100 ? placeholder : `${placeholder.slice(0, 99)}…`);
        expect(b.maxLength).toBeGreaterThan(0);
        expect(b.value).toBe('');
      }
      expect(boxes.find((b) => b.name === 'links')?.placeholder).toContain('\n');
      expect(boxes.find((b) => b.name === 'couple')?.maxLength).toBeLessThan(boxes.find((b) => b.name === 'story')?.maxLength ?? 0);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('couple');
      await fillForm(page, story);
      // The screenshot shows the story from its first line.
      await page.getByTestId('modal-story').evaluate((el) => el.scrollTo(0, 0));
      // The Submit button is in view without scrolling the page.
      expect(await page.locator('#modal-submit').isVisible()).toBe(true);
      await screenshot(page, 'story-form.png');
      await page.locator('#modal-submit').click();
      await modal.waitFor({ state: 'hidden' });

      // The answer is Mina's alone.
      const added = page.locator('discord-message[ephemeral]').filter({ hasText: `Added ${name} — Queen of Tears` });
      await added.waitFor();
      expect(await added.getByTestId('command-mention').allTextContents()).toContain('/kiss-scene');

      // /kiss-scene: the choice is marked as the server's own, and the embed credits the server.
      await runCommand(page, 'kiss-scene', 'kiss-scene', [{ name: 'couple', text: 'queen of tears', pick: t('en', 'story.ownMarker', { label: name }) }]);
      const scene = embedMessage(page, `💋 ${name}`);
      await scene.waitFor();
      expect(await scene.getAttribute('ephemeral')).toBeNull();
      expect(await scene.locator('discord-embed-description').textContent()).toContain('The kiss on the bridge was filmed on a cold night');
      expect(await scene.locator('discord-embed-field[field-title="Drama"]').textContent()).toContain('Queen of Tears');
      expect(await scene.locator(`discord-embed-field[field-title="${t('en', 'scene.quotes')}"]`).textContent()).toContain('I was so nervous.');
      expect(await scene.locator(`discord-embed-field[field-title="${t('en', 'scene.source')}"]`).textContent()).toContain(
        t('en', 'story.credit', { server: own.seed.guild.name }),
      );
      expect(await scene.locator('discord-embed-footer').textContent()).toContain(t('en', 'story.ownMarker', { label: t('en', 'scene.author') }));
      await expectNewestInView(page);

      // A poll with the default candidates: every story of the server, its own one too.
      await openChannel(page, 'kdrama');
      await runCommand(page, 'kiss-poll start', 'kiss-poll start');
      const poll = embedMessage(page, `💋 ${t('en', 'poll.defaultQuestion')}`);
      await poll.waitFor();
      const buttons = await poll.locator('discord-button').allTextContents();
      expect(buttons.filter((b) => b.includes(name))).toHaveLength(1);
      expect(buttons.filter((b) => /^\s*\d+\. /.test(b))).toHaveLength(rotation);

      // The daily story: each couple once before any repeats, so one of the next `rotation` days is this one.
      const at = new Date(own.clock.now() + 2 * HOUR);
      const time = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
      await runCommand(page, 'kiss-daily set', 'kiss-daily set', [
        { name: 'channel', text: 'announ', pick: '#announcements' },
        { name: 'time', text: time },
      ]);
      await page.locator('discord-message[ephemeral]').filter({ hasText: t('en', 'daily.set.saved') }).waitFor();
      await openChannel(page, 'announcements');
      const dailyTitles = () =>
        page
          .locator(`discord-embed[author-name="${t('en', 'daily.post.heading')}"]`)
          .evaluateAll((els) => els.map((e) => e.getAttribute('embed-title')));
      let titles: Array<string | null> = [];
      for (let day = 1; day <= rotation && !titles.includes(`💋 ${name}`); day++) {
        const before = own.clock.now();
        await page.getByTestId('advance-day').click();
        await page.waitForFunction((min) => Number(document.getElementById('clock-now')?.dataset.now) >= min, before + 24 * HOUR);
        // One post a day: the day's post is drawn before the next day is asked for.
        await page.waitForFunction(
          ({ heading, count }) => document.querySelectorAll(`discord-embed[author-name="${heading}"]`).length >= count,
          { heading: t('en', 'daily.post.heading'), count: day },
          { timeout: 15_000 },
        );
        titles = await dailyTitles();
        expect(titles).toHaveLength(day);
      }
      expect(titles).toContain(`💋 ${name}`);
      // Never twice in one round.
      expect(new Set(titles).size).toBe(titles.length);
      // The daily story credits the server by name, as /kiss-scene does.
      const daily = page.locator('discord-message').filter({ has: page.locator(`discord-embed[embed-title="💋 ${name}"]`) });
      expect(await daily.locator(`discord-embed-field[field-title="${t('en', 'scene.source')}"]`).textContent()).toContain(t('en', 'story.credit', { server: 'K-drama Club' }));
      expect(await daily.locator('discord-embed-description').textContent()).toContain('The kiss on the bridge was filmed on a cold night');
    });

    it('answers a bad link with the problems and "Fix it", which opens the form again as it was typed', async () => {
      const page = await openPage('Mina', 'kdrama', own);
      const typed = {
        couple: 'Hyun Bin (현빈) & Son Ye Jin (손예진)',
        drama: 'Crash Landing on You (사랑의 불시착, 2019)',
        story: 'The two actors filmed their first kiss scene in Switzerland. They said afterwards that the cold made it hard to keep a straight face.',
        quote: '',
        links: 'http://example.com/x',
      };
      // A short window: the form's boxes scroll between its title and its buttons, so Submit stays in view.
      await page.setViewportSize({ width: 900, height: 480 });
      await runCommand(page, 'kiss-story add', 'kiss-story add');
      await page.getByTestId('modal').waitFor();
      const layout = await page.evaluate(() => {
        const fields = document.getElementById('modal-fields')!;
        return { scrolls: fields.scrollHeight > fields.clientHeight, submitBottom: document.getElementById('modal-submit')!.getBoundingClientRect().bottom };
      });
      expect(layout.scrolls).toBe(true);
      expect(layout.submitBottom).toBeLessThanOrEqual(480);
      await fillForm(page, typed);
      await page.locator('#modal-submit').click();

      const problems = page.locator('discord-message[ephemeral]').filter({ hasText: t('en', 'story.errors.formTitle') });
      await problems.waitFor();
      expect(await problems.textContent()).toContain(`${t('en', 'story.parts.source')}: ${t('en', 'story.problems.notHttps')}`);
      const fix = problems.locator('discord-button', { hasText: t('en', 'story.fixIt') });
      expect(await fix.count()).toBe(1);
      // Nothing was added.
      const stories = await own.app.ctx.stories.book(own.seed.guild.id);
      expect(stories.stories.map((x) => x.actors.map((a) => a.name).join(' & '))).not.toContain('Hyun Bin & Son Ye Jin');

      await fix.click();
      await page.getByTestId('modal').waitFor();
      for (const [box, value] of Object.entries(typed)) expect(await page.getByTestId(`modal-${box}`).inputValue()).toBe(value);

      // Fixed and sent again, it is added.
      await fillForm(page, { links: 'https://www.example.com/crash-landing-on-you-making' });
      await page.locator('#modal-submit').click();
      await page.locator('discord-message[ephemeral]').filter({ hasText: 'Added Hyun Bin & Son Ye Jin — Crash Landing on You' }).waitFor();
    });
  });

  it('loads nothing from outside the playground and logs no errors in the page', () => {
    const outside = requested.filter((u) => ![...origins].some((origin) => u.startsWith(`${origin}/`)) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
