import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPayload, loadCommands } from '../../src/loader.js';
import { registerCommands } from '../../src/registration.js';
import type { Simulator } from '@kiss-scene-bot/discord-simulator';
import { startCheckedSimulator } from '../support/simulator.js';

const root = new URL('../../', import.meta.url);

/** Runs `src/main.ts` (what `npm start` runs) as its own process. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startCheckedSimulator();
});
afterAll(async () => {
  await sim?.close();
});

describe('npm start', () => {
  it('stops with one line naming the variable when a setting is missing', async () => {
    const run = start({});
    expect(await run.exited).toBe(1);
    expect(run.err().trim()).toBe('Config error: DISCORD_TOKEN is missing: it is required to connect to Discord (see .env.example).');
  });

  it('stops with one line and no token when Discord refuses the token', async () => {
    const run = start({ DISCORD_TOKEN: 'refused-token-abcdefgh', DISCORD_API_URL: sim.apiUrl, STORE_URL: 'memory://', LOG_LEVEL: 'silent' });
    expect(await run.exited).toBe(1);
    expect(run.err().trim()).toBe('Could not connect to Discord: An invalid token was provided.');
    expect(run.out() + run.err()).not.toContain('refused-token-abcdefgh');
  });

  it('connects to the simulator, answers a member, and shuts down cleanly on SIGTERM', async () => {
    const guild = sim.createGuild({ name: 'Entry test', channels: [{ name: 'general' }] });
    await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
    const dir = mkdtempSync(join(tmpdir(), 'kiss-entry-'));
    const run = start({ DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl, STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'info' });
    await sim.gateway.waitForReady(1, 15_000);
    const user = sim.createMember(guild.id, { username: 'entry' }).user;
    const res = await sim.command({ user, guildId: guild.id, name: 'kiss-scene', options: { couple: 'Eric & Seo Hyun Jin' } });
    expect(res.message?.embeds[0]?.title).toBe('💋 Eric & Seo Hyun Jin');
    expect(existsSync(join(dir, 'bot.sqlite'))).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const lines = run.out().trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['bot ready', 'shutting down', 'bot stopped']));
    expect(run.out()).not.toContain(sim.token);
  });
});
