/**
 * The playground at a phone's size (390 × 844) and a desktop's (1280 × 800), in headless Chromium:
 * the layout (drawers on the phone, columns on the desktop), the emoji font, the page's own words
 * in the member's language, the clock's "Moving time…" state, and the message box's keys. Saves
 * docs/screenshots/playground-phone.png and playground-phone-menu.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../src/bot.js';
import { startPlayground, type Playground } from '../src/index.js';
import { label } from '../src/page/labels.js';
import { CHROMIUM, hasChromium, launchBrowser, memoryLogger, screenshot, tempStoreUrl } from './browser.js';

if (!hasChromium) console.warn(`Skipping the playground's browser tests at two sizes: no Chromium at ${CHROMIUM}.`);

const DAY = 24 * 60 * 60 * 1000;

interface Size {
  name: string;
  width: number;
  height: number;
  /** The channel list and the member list are drawers (Discord's mobile layout). */
  phone: boolean;
}

const SIZES: Size[] = [
  { name: 'a phone', width: 390, height: 844, phone: true },
  { name: 'a desktop', width: 1280, height: 800, phone: false },
];

let browser: Browser;

beforeAll(async () => {
  if (hasChromium) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!hasChromium).each(SIZES)('the playground on $name ($width × $height)', (size) => {
  let pg: Playground;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    pg = await startPlayground({ port: 0, storeUrl: tempStoreUrl(), logger: memoryLogger().logger });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await pg?.close();
  });

  async function openPage(member: string, channel = 'general'): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      ...(size.phone ? { isMobile: true, hasTouch: true } : {}),
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(pg.url);
    await page.locator('body[data-ready][data-live][data-viewer]').waitFor({ state: 'attached' });
    await actAs(page, member);
    await openChannel(page, channel);
    return page;
  }

  /** Opens the channel drawer on a phone (on a desktop the list is always there). */
  async function openNav(page: Page): Promise<void> {
    if (!size.phone) return;
    await page.getByTestId('open-nav').click();
    await page.getByTestId('nav-drawer').locator('#channels').waitFor({ state: 'visible' });
    // All the way in (it slides).
    await page.waitForFunction(() => document.getElementById('nav-drawer')!.getBoundingClientRect().left === 0);
  }

  /** Waits until no drawer is open, nor still sliding out. */
  async function drawersClosed(page: Page): Promise<void> {
    await page.locator('#app:not([data-drawer])').waitFor({ state: 'attached' });
    if (!size.phone) return;
    for (const drawer of ['nav-drawer', 'members-drawer']) await page.getByTestId(drawer).waitFor({ state: 'hidden' });
  }

  /** Closes the open drawer by a tap on the dimmed chat beside it. */
  async function closeDrawer(page: Page): Promise<void> {
    if (!size.phone) return;
    // The dim shows on the side away from the drawer: the left one's right, the right one's left.
    const open = await page.locator('#app').getAttribute('data-drawer');
    await page.getByTestId('scrim').click({ position: { x: open === 'members' ? 20 : size.width - 20, y: size.height / 2 } });
    await drawersClosed(page);
  }

  async function actAs(page: Page, name: string): Promise<void> {
    const id = pg.seed.members.find((m) => m.user.username === name)!.user.id;
    if (size.phone) await page.getByTestId('open-members').click();
    // Picking a member closes the drawer.
    await page.locator(`#member-list [data-member="${name}"]`).click();
    await page.locator(`body[data-live][data-viewer="${id}"]`).waitFor({ state: 'attached' });
    await drawersClosed(page);
  }

  async function openChannel(page: Page, name: string): Promise<void> {
    await openNav(page);
    // Picking a channel closes the drawer.
    await page.locator(`#channels [data-channel="${name}"]`).click();
    await page.locator(`body[data-channel="${name}"]`).waitFor({ state: 'attached' });
    await drawersClosed(page);
  }

  async function setLanguage(page: Page, locale: 'en-US' | 'ko'): Promise<void> {
    await openNav(page);
    await page.getByTestId('locale-select').selectOption(locale);
    await page.locator(`body[data-language="${locale}"]`).waitFor({ state: 'attached' });
    await closeDrawer(page);
  }

  /** Types `/typed`, picks `command`, and fills each option as typed (no suggestion picked). */
  async function chooseCommand(page: Page, typed: string, command: string): Promise<void> {
    await page.getByTestId('message-input').click();
    await page.keyboard.type(`/${typed}`);
    await page.locator(`[data-testid=command-item][data-command="${command}"]`).click();
  }

  async function runScene(page: Page, typed: string, pick: string): Promise<void> {
    await chooseCommand(page, 'kiss-scene', 'kiss-scene');
    await page.getByTestId('option-couple').fill(typed);
    await page.getByTestId('choice').filter({ hasText: pick }).first().click();
    await page.keyboard.press('Enter');
    await page.getByTestId('command-chip').waitFor({ state: 'hidden' });
  }

  /** What sticks out sideways: the page's own width beyond the window, and elements past its right edge. */
  function overflow(page: Page): Promise<{ page: number; past: string[] }> {
    return page.evaluate(() => {
      const width = window.innerWidth;
      const past = [...document.querySelectorAll<HTMLElement>('.chat-header, .composer, #messages > discord-message, discord-embed, discord-button')]
        .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > width + 1)
        .map((el) => el.tagName.toLowerCase() + (el.className ? `.${String(el.className).split(' ')[0]}` : ''));
      return { page: document.documentElement.scrollWidth - width, past };
    });
  }

  it('lays the server out as Discord does at this size, with nothing cut off at the side and pickers one can use', async () => {
    const page = await openPage('Jisoo');
    const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
    expect(await overflow(page)).toEqual({ page: 0, past: [] });
    if (size.phone) {
      // The chat takes the whole width; the two lists wait behind the header's buttons.
      expect((await box('.chat')).width).toBe(size.width);
      expect(await page.getByTestId('nav-drawer').isVisible()).toBe(false);
      expect(await page.getByTestId('members-drawer').isVisible()).toBe(false);
      await openNav(page);
      expect(await page.getByTestId('open-nav').getAttribute('aria-expanded')).toBe('true');
      // Esc closes it, as a tap beside it does.
      await page.keyboard.press('Escape');
      await drawersClosed(page);
      await page.getByTestId('open-members').click();
      await page.locator('#member-list [data-member="Alex"]').waitFor({ state: 'visible' });
      await closeDrawer(page);
      await openNav(page);
    } else {
      // Four columns: servers, channels, the chat, the members; no drawer buttons.
      expect((await box('.chat')).width).toBeGreaterThan(600);
      for (const testId of ['nav-drawer', 'members-drawer']) expect(await page.getByTestId(testId).isVisible()).toBe(true);
      for (const testId of ['open-nav', 'open-members']) expect(await page.getByTestId(testId).isVisible()).toBe(false);
    }
    // The member and language pickers are wide enough to read and tap.
    for (const picker of ['member-select', 'locale-select']) {
      const { width, height } = (await page.getByTestId(picker).boundingBox())!;
      expect(width).toBeGreaterThan(150);
      expect(height).toBeGreaterThanOrEqual(28);
    }
    expect(await page.getByTestId('member-select').locator('option:checked').textContent()).toBe('Jisoo');
    await closeDrawer(page);
  });

  it('shows a story at full width, its emoji drawn by the playground’s own emoji font', async () => {
    const page = await openPage('Jisoo');
    await runScene(page, 'IU', 'Lee Joon Ki & IU');
    const story = page.locator('discord-message').filter({ has: page.locator('discord-embed[embed-title="💋 Lee Joon Ki & IU"]') });
    await story.waitFor();
    // The emoji font (Twemoji, served by the playground) was loaded to draw the 💋 and the buttons' 🔎 🎲.
    const emojiFaces = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.unicodeRange.includes('U+1F000-1FAFF')).map((f) => f.status);
    });
    expect(emojiFaces).toContain('loaded');
    expect(await overflow(page)).toEqual({ page: 0, past: [] });
    const embed = (await story.locator('discord-embed').boundingBox())!;
    expect(embed.x + embed.width).toBeLessThanOrEqual(size.width);
    expect(embed.width).toBeGreaterThan(size.phone ? 250 : 400);
    await page.waitForFunction(() => {
      const last = [...document.querySelectorAll('#messages > discord-message')].at(-1)!.getBoundingClientRect();
      return last.bottom <= document.getElementById('scroller')!.getBoundingClientRect().bottom + 1;
    });
    if (size.phone) {
      await page.mouse.move(0, 0);
      await screenshot(page, 'playground-phone.png');
      await openNav(page);
      await screenshot(page, 'playground-phone-menu.png');
      await closeDrawer(page);
    }
  });

  it('speaks the member’s language in its own words, and switches with the language picker', async () => {
    const page = await openPage('Alex', 'kdrama');
    const words = () =>
      page.evaluate(() => ({
        lang: document.documentElement.lang,
        heading: document.querySelector('.channel-heading')?.textContent,
        clock: document.querySelector('.clock-label')?.textContent,
        day: document.querySelector('[data-testid=advance-day]')?.textContent,
        members: document.querySelector('.members-heading')?.textContent,
        placeholder: document.querySelector<HTMLInputElement>('#message-input')?.placeholder,
        openNav: document.getElementById('open-nav')?.getAttribute('aria-label'),
      }));
    const placeholder = (locale: 'en-US' | 'ko') => label(locale, size.phone ? 'messagePlaceholderShort' : 'messagePlaceholder', { channel: 'kdrama' });
    expect(await words()).toEqual({
      lang: 'en',
      heading: 'Text channels',
      clock: 'Simulated time',
      day: '+1 day',
      members: 'Members',
      placeholder: placeholder('en-US'),
      openNav: label('en-US', 'openChannels'),
    });

    await setLanguage(page, 'ko');
    expect(await words()).toEqual({
      lang: 'ko',
      heading: label('ko', 'textChannels'),
      clock: label('ko', 'simulatedTime'),
      day: label('ko', 'plusDay'),
      members: label('ko', 'members'),
      placeholder: placeholder('ko'),
      openNav: label('ko', 'openChannels'),
    });
    expect(label('ko', 'textChannels')).not.toBe(label('en-US', 'textChannels'));
    expect(await page.getByTestId('clock-now').textContent()).toMatch(/\d+년 \d+월 \d+일/);
    // A private answer: the components' own words ("Only you can see this", "… used /…") too.
    await chooseCommand(page, 'kiss-about', 'kiss-about');
    await page.keyboard.press('Enter');
    const about = page.locator('discord-message[ephemeral]').filter({ has: page.locator(`discord-embed[embed-title="${t('ko', 'about.title')}"]`) });
    await about.waitFor();
    await page.locator('discord-message[ephemeral][data-language="ko"]').first().waitFor({ state: 'attached' });
    expect(await about.evaluate((el) => el.shadowRoot?.querySelector('.discord-message-ephemeral')?.textContent)).toContain(label('ko', 'dismiss'));
    expect(await about.evaluate((el) => el.shadowRoot?.querySelector('.discord-message-ephemeral')?.textContent)).toContain('나만 볼 수 있어요');
    expect(await about.locator('discord-command').evaluate((el) => el.shadowRoot?.textContent)).toContain('님이');
    expect(await about.getAttribute('timestamp')).toMatch(/^오늘 /);

    await setLanguage(page, 'en-US');
    expect((await words()).heading).toBe('Text channels');
    expect(await about.getAttribute('timestamp')).toMatch(/^Today at /);
  });

  it('shows "Moving time…" while +1 day runs, then the new time', async () => {
    const page = await openPage('Jisoo');
    // The clock's answer is held back until the test has seen the state.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/play/api/clock/advance', async (route) => {
      await held;
      await route.continue();
    });
    const before = pg.clock.now();
    await openNav(page);
    await page.getByTestId('advance-day').click();
    await page.getByTestId('moving-time').waitFor({ state: 'visible' });
    expect((await page.getByTestId('moving-time').innerText()).trim()).toBe('Moving time…');
    expect(await page.getByTestId('moving-pill').isVisible()).toBe(true);
    expect(await page.getByTestId('advance-day').isDisabled()).toBe(true);
    release();
    await page.getByTestId('moving-time').waitFor({ state: 'hidden' });
    expect(await page.getByTestId('moving-pill').isVisible()).toBe(false);
    expect(await page.getByTestId('advance-day').isEnabled()).toBe(true);
    expect(Number(await page.getByTestId('clock-now').getAttribute('data-now'))).toBeGreaterThanOrEqual(before + DAY);

    // Once more, not held back: a figure for the log, not a test (the machine is shared).
    await page.unroute('**/play/api/clock/advance');
    const started = Date.now();
    await page.getByTestId('advance-day').click();
    await page.waitForFunction((min) => Number(document.getElementById('clock-now')?.dataset.now) >= min && !document.body.dataset.moving, before + 2 * DAY);
    console.log(`+1 day at ${size.width} × ${size.height}: ${Date.now() - started} ms from the click to the new time on the page`);
    await closeDrawer(page);
  });

  it('closes an open list with Esc and changes nothing else; Enter sends what was typed when no list is open', async () => {
    const page = await openPage('Mina', 'kdrama');
    await chooseCommand(page, 'kiss-poll start', 'kiss-poll start');
    const couples = page.getByTestId('option-couples');
    await couples.fill('moon lovers, love in the moon');
    await page.getByTestId('choice').first().waitFor();
    await couples.press('Escape');
    expect(await page.locator('#popup').isHidden()).toBe(true);
    expect(await couples.inputValue()).toBe('moon lovers, love in the moon');
    // With no list open, Esc changes nothing: not the option, not the command.
    await couples.press('Escape');
    expect(await couples.inputValue()).toBe('moon lovers, love in the moon');
    expect(await page.getByTestId('command-chip').isVisible()).toBe(true);

    await page.getByTestId('option-duration').fill('2h');
    // Back in the filled option, its list stays closed (it opens again when the member types or presses ↓).
    await couples.click();
    expect(await page.locator('#composer').getAttribute('data-list')).toBe('closed');
    expect(await page.locator('#popup').isHidden()).toBe(true);
    const sent = page.waitForRequest('**/play/api/command');
    await couples.press('Enter');
    expect((await sent).postDataJSON()).toMatchObject({ name: 'kiss-poll', subcommand: 'start', options: { couples: 'moon lovers, love in the moon', duration: '2h' } });
    const poll = page.locator('discord-message').filter({ has: page.locator(`discord-embed[embed-title="💋 ${t('en', 'poll.defaultQuestion')}"]`) }).last();
    await poll.waitFor();
    const buttons = await poll.locator('discord-button').allTextContents();
    expect(buttons.filter((b) => /^\s*\d+\. /.test(b))).toEqual([expect.stringContaining('Lee Joon Ki & IU'), expect.stringContaining('Park Bo Gum')]);

    // ↓ opens the list of a filled option; Enter then picks from it.
    await chooseCommand(page, 'kiss-scene', 'kiss-scene');
    const couple = page.getByTestId('option-couple');
    // A character only one story has: its story is the first choice.
    await couple.fill('park do kyung');
    await page.getByTestId('choice').first().waitFor();
    await couple.press('Escape');
    await couple.press('ArrowDown');
    await page.getByTestId('choice').first().waitFor();
    await couple.press('Enter');
    expect(await couple.inputValue()).toContain('Eric & Seo Hyun Jin');
    await page.locator('#cancel-command').click();
  });

  it('logs no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
