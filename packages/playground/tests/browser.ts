import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Logger } from '../src/bot.js';
import { captureLogs } from '../../../tests/support/logs.js';

/** Debian's Chromium (CI: `apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
// Locally the browser tests are skipped without Chromium; CI installs it, so there its absence is a failure.
if (!hasChromium && process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}: .ci/run installs Debian's chromium package`);

/** Where the README's screenshots are saved. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/** Headless Chromium, offline: no network services, no first-run work. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a screenshot of the page under docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

/** A fresh SQLite state file for one test run. */
export function tempStoreUrl(): string {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), 'kiss-playground-')), 'state.sqlite')}`;
}

/** A logger that keeps the bot's warnings and errors for the test to look at. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const { logger, lines } = captureLogs('warn');
  return { logger, lines };
}
