/**
 * `/kiss-quiz` in the playground, in headless Chromium: a member plays a solo quiz to its end and
 * posts the result; three members play a server game (a wrong answer, right answers from two
 * pages, the hint and a question nobody gets, then the stop and the scoreboard), each seeing only
 * their own acknowledgements. Saves docs/screenshots/playground-quiz.png (the server game) and
 * playground-quiz-solo.png (a solo answer).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coupleName, hideNames, loadCatalogue, t } from '../src/bot.js';
import { startPlayground, type Playground } from '../src/index.js';
import { CHROMIUM, hasChromium, launchBrowser, memoryLogger, screenshot, tempStoreUrl } from './browser.js';

if (!hasChromium) console.warn(`Skipping the playground's quiz browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium).`);

const catalogue = loadCatalogue();
let pg: Playground;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const { logger, lines: logged } = memoryLogger();

async function openPage(member: string, channel: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(pg.url);
  await page.locator('body[data-ready][data-live][data-viewer]').waitFor({ state: 'attached' });
  const id = pg.seed.members.find((m) => m.user.username === member)!.user.id;
  await page.getByTestId('member-select').selectOption(id);
  await page.locator(`body[data-live][data-viewer="${id}"]`).waitFor({ state: 'attached' });
  await page.locator(`#channels [data-channel="${channel}"]`).click();
  await page.locator(`body[data-channel="${channel}"]`).waitFor({ state: 'attached' });
  return page;
}

/** Types `/typed`, picks `command` in the slash menu, fills the options and presses Enter. */
async function runCommand(page: Page, typed: string, command: string, options: Array<{ name: string; text: string }> = []): Promise<void> {
  await page.getByTestId('message-input').click();
  await page.keyboard.type(`/${typed}`);
  await page.locator(`[data-testid=command-item][data-command="${command}"]`).click();
  for (const o of options) await page.getByTestId(`option-${o.name}`).fill(o.text);
  await page.keyboard.press('Enter');
  await page.getByTestId('command-chip').waitFor({ state: 'hidden' });
}

const byId = (page: Page, id: string) => page.locator(`discord-message[data-message-id="${id}"]`);
/** The message whose embed has this title (and author, when given). */
const embedMessage = (page: Page, title: string, author?: string) =>
  page.locator('discord-message').filter({ has: page.locator(`discord-embed[embed-title="${title}"]${author ? `[author-name="${author}"]` : ''}`) });
const choices = (message: Locator) => message.locator('discord-button[data-custom-id^="quiz:"]');
/** Moves the pointer off the messages and lets the buttons' hover colour fade (for a screenshot). */
async function unhover(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
}
const squash = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();

/**
 * The right choice of a question as the page shows it, found as a member who knows every story by
 * heart would: the one couple among the buttons whose story, names hidden, is the question's text.
 */
async function solve(message: Locator): Promise<{ right: number; wrong: number[]; name: string }> {
  const text = squash((await message.locator('discord-embed-description').first().textContent()) ?? '');
  const labels = (await choices(message).allTextContents()).map((l) => l.trim().replace(/^[A-D] · /, ''));
  expect(labels).toHaveLength(4);
  const matches = labels.flatMap((label, i) =>
    catalogue.couples
      .filter((c) => {
        const name = coupleName(c, 'en');
        return (name === label || (label.endsWith('…') && name.startsWith(label.slice(0, -1)))) && text.startsWith(squash(hideNames(c.story.en, c)));
      })
      .map(() => ({ right: i, name: label })),
  );
  expect(matches, text).toHaveLength(1);
  const { right, name } = matches[0]!;
  return { right, name, wrong: [0, 1, 2, 3].filter((i) => i !== right) };
}

beforeAll(async () => {
  if (!hasChromium) return;
  pg = await startPlayground({ port: 0, storeUrl: tempStoreUrl(), logger });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await pg?.close();
});

describe.skipIf(!hasChromium)('/kiss-quiz in the playground', () => {
  it('plays a solo quiz: each answer turns the private question into right or wrong with the story, then the result is posted', { timeout: 90_000 }, async () => {
    const page = await openPage('Jisoo', 'kdrama');
    const alex = await openPage('Alex', 'kdrama');
    await runCommand(page, 'kiss-quiz play', 'kiss-quiz play', [{ name: 'questions', text: '5' }]);
    const first = page.locator('discord-message[ephemeral]').filter({ has: page.locator(`discord-embed[author-name="${t('en', 'quiz.solo.author')}"]`) });
    await first.waitFor();
    const id = (await first.getAttribute('data-message-id'))!;
    const game = byId(page, id);
    for (let q = 0; q < 5; q++) {
      await game.locator(`discord-embed[embed-title="${t('en', 'quiz.questionTitle', { n: q + 1, total: 5 })}"]`).waitFor();
      const { right, wrong, name } = await solve(game);
      const wrongOne = q === 1;
      await choices(game).nth(wrongOne ? wrong[0]! : right).click();
      // The same private message shows the answer: right or wrong at once, the whole story, its video.
      await game.locator(`discord-embed[embed-title="💋 ${name}"]`).waitFor();
      expect(await game.textContent()).toContain(wrongOne ? `❌ Not this one: it was ${name}.` : '✅ Right!');
      expect(await game.locator('discord-button[url]').count()).toBe(1);
      if (q === 0) {
        await unhover(page);
        await screenshot(page, 'playground-quiz-solo.png');
      }
      if (q < 4) await game.locator('discord-button', { hasText: t('en', 'quiz.solo.next') }).click();
    }
    // Right, wrong, then three right in a row: the third of them scores a bonus point.
    await game.getByText('🏁 Score 5, right 4 of 5, best streak 3.').waitFor();
    // Nobody else saw any of it, live or on opening the channel.
    expect(await alex.locator(`discord-message[data-message-id="${id}"]`).count()).toBe(0);
    expect(await (await openPage('Alex', 'kdrama')).locator(`discord-message[data-message-id="${id}"]`).count()).toBe(0);

    await game.locator('discord-button', { hasText: t('en', 'quiz.solo.share') }).click();
    const shared = embedMessage(alex, '🏁 Score: 5', "Jisoo's Kiss-scene quiz");
    await shared.waitFor();
    expect(await shared.getAttribute('ephemeral')).toBeNull();
    expect(await shared.textContent()).toContain('right 4 of 5, best streak 3');
  });

  it(
    'plays a server game from three pages: answers acknowledged privately, the answer shown, the hint, a timeout, the stop and the scoreboard',
    { timeout: 120_000 },
    async () => {
      const mina = await openPage('Mina', 'general');
      const jisoo = await openPage('Jisoo', 'general');
      const alex = await openPage('Alex', 'general');
      await runCommand(mina, 'kiss-quiz start', 'kiss-quiz start', [
        { name: 'questions', text: '5' },
        { name: 'seconds', text: '30' },
      ]);
      await mina.locator('discord-message[ephemeral]', { hasText: 'Your quiz is up' }).waitFor();
      expect(await mina.locator('discord-message[ephemeral]', { hasText: 'Your quiz is up' }).textContent()).toContain('5 questions, 30 seconds each');
      const author = t('en', 'quiz.server.author');
      const question = (page: Page, n: number) => embedMessage(page, t('en', 'quiz.questionTitle', { n, total: 5 }), author);

      // Question 1: Alex answers wrong, Jisoo right. Each sees only their own acknowledgement.
      const q1 = question(jisoo, 1);
      await q1.waitFor();
      const q1Id = (await q1.getAttribute('data-message-id'))!;
      const first = await solve(q1);
      await choices(question(alex, 1)).nth(first.wrong[0]!).click();
      await alex.locator('discord-message[ephemeral]', { hasText: t('en', 'quiz.answer.wrong') }).waitFor();
      // The question counts who is out (a live edit, at most one per 2 s).
      await q1.getByText('❌ 1 member is out of this question.').waitFor();
      await choices(q1).nth(first.right).click();
      await jisoo.locator('discord-message[ephemeral]', { hasText: t('en', 'quiz.answer.correct') }).waitFor();
      // The answer, with the whole story, on every page.
      for (const page of [jisoo, alex, mina]) {
        const reveal = byId(page, q1Id);
        await reveal.locator(`discord-embed[embed-title="💋 ${first.name}"]`).waitFor();
        expect(await reveal.textContent()).toContain('🏆 @Jisoo got it: +1 (streak 1).');
        expect(await choices(reveal).count()).toBe(0);
      }
      expect(await jisoo.locator('discord-message[ephemeral]', { hasText: t('en', 'quiz.answer.wrong') }).count()).toBe(0);
      expect(await alex.locator('discord-message[ephemeral]', { hasText: t('en', 'quiz.answer.correct') }).count()).toBe(0);

      // Question 2, five seconds later: Alex gets it.
      const q2 = question(alex, 2);
      await q2.waitFor({ timeout: 15_000 });
      await question(jisoo, 2).waitFor();
      await unhover(jisoo);
      await screenshot(jisoo, 'playground-quiz.png');
      const q2Id = (await q2.getAttribute('data-message-id'))!;
      const second = await solve(q2);
      await choices(q2).nth(second.right).click();
      await alex.locator('discord-message[ephemeral]', { hasText: t('en', 'quiz.answer.correct') }).waitFor();
      await byId(jisoo, q2Id).getByText('🏆 @Alex got it: +1 (streak 1).').waitFor();

      // Question 3: nobody answers. At half time one wrong couple is taken away, then time is up
      // (the shared clock moved on, as if a member waited 15 s, then 15 s more).
      const q3 = question(jisoo, 3);
      await q3.waitFor({ timeout: 15_000 });
      const q3Id = (await q3.getAttribute('data-message-id'))!;
      const third = await solve(q3);
      await pg.clock.advance(15_000);
      await q3.getByText('💡 Hint: it is not').waitFor();
      const disabled = choices(q3).and(jisoo.locator('discord-button[disabled]'));
      expect(await disabled.count()).toBe(1);
      expect(await choices(q3).nth(third.right).getAttribute('disabled')).toBeNull();
      await pg.clock.advance(15_000);
      await byId(jisoo, q3Id).getByText(t('en', 'quiz.server.nobody')).waitFor();

      // The starter stops it: the scoreboard, rank, member, points, best streak.
      await runCommand(mina, 'kiss-quiz stop', 'kiss-quiz stop');
      await mina.locator('discord-message[ephemeral]', { hasText: t('en', 'quiz.server.stopped') }).waitFor();
      const board = embedMessage(alex, t('en', 'quiz.server.overTitle'));
      await board.waitFor();
      const text = (await board.textContent()) ?? '';
      expect(text).toMatch(/It was stopped after question [34] of 5\./);
      // Jisoo: +1. Alex: −1 then +1.
      expect(text).toContain('🥇 @Jisoo · 1 point · best streak 1');
      expect(text).toContain('🥈 @Alex · 0 points · best streak 1');
    },
  );

  it('logs no errors in the pages or the bot', () => {
    expect(pageErrors).toEqual([]);
    expect(logged.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
