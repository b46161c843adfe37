/** `npm run playground` as a user runs it: a separate process that prints its address and stops on a signal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
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

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
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

  // npm runs the script through npm again (the workspace) and tsx: a signal sent to the first npm
  // alone, as a process manager or `kill` sends it, must still stop the server it started.
  it.each(['SIGTERM', 'SIGINT'] as const)('stops every process it started, and frees its port, on %s to npm', async (signal) => {
    // Its own process group, so the test can tell when every process of the tree is gone.
    const child = spawn('npm', ['run', 'playground'], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pgid = child.pid!;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => out, { timeout: 45_000, interval: 100 }).toMatch(/Playground: http:\/\/127\.0\.0\.1:\d+\//);
      const port = Number(/Playground: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)![1]);
      expect(await listening(port)).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(0);
      await expect.poll(() => groupAlive(pgid), { timeout: 15_000, interval: 100 }).toBe(false);
      expect(await listening(port)).toBe(false);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 75_000);
});
