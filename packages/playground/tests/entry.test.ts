/** `npm run playground` as a user runs it: a separate process that prints its address and stops on a signal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Starts the entry in a temp folder (its `.playground/` state goes there) and collects its output. */
function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, ['--conditions=source', MAIN], {
    cwd: mkdtempSync(join(tmpdir(), 'kiss-playground-entry-')),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('npm run playground', () => {
  it('prints its address, serves the page there, and stops cleanly on SIGTERM', async () => {
    const { child, output, exited } = run({ PORT: '0' });
    try {
      await expect.poll(output, { timeout: 30_000, interval: 100 }).toMatch(/Playground: http:\/\/127\.0\.0\.1:\d+\//);
      const url = /Playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output())![1]!;
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<discord-messages');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 45_000);

  it('explains a bad PORT in one line', async () => {
    const { output, exited } = run({ PORT: 'eighty' });
    expect(await exited).toBe(1);
    expect(output().trim()).toBe('PORT must be a port number (0 to 65535), not "eighty".');
  }, 30_000);
});
