/** `npm run rest-proxy` as an operator runs it: one process that owns the bot's REST rate limits. */
import { spawn, type ChildProcess } from 'node:child_process';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGuild, Simulator } from '@kiss-scene-bot/discord-simulator';
import { startCheckedSimulator } from '../support/simulator.js';

const root = new URL('../../', import.meta.url);

function startProxy(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/rest-proxy.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => out };
}

describe('npm run rest-proxy', () => {
  let sim: Simulator;
  let guild: SimGuild;
  let proxy: { child: ChildProcess; exited: Promise<number | null>; out: () => string };
  let proxyUrl: string;

  beforeAll(async () => {
    sim = await startCheckedSimulator();
    guild = sim.createGuild({ name: 'Proxy club', channels: [{ name: 'general' }] });
    proxy = startProxy({ DISCORD_API_URL: sim.apiUrl, REST_PROXY_PORT: '0' });
    const until = Date.now() + 20_000;
    while (!/DISCORD_API_URL=(\S+)/.test(proxy.out())) {
      if (Date.now() > until) throw new Error(`the proxy did not start: ${proxy.out()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    proxyUrl = /DISCORD_API_URL=(\S+)/.exec(proxy.out())![1]!;
  }, 30_000);

  afterAll(async () => {
    if (proxy?.child.exitCode === null) {
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    }
    await sim?.close();
  });

  it('prints the address for DISCORD_API_URL and forwards each request with its own token', async () => {
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    const rest = new REST({ api: proxyUrl, version: '10' }).setToken(sim.token);
    const channelId = sim.channel(guild.id, 'general').id;
    await rest.post(Routes.channelMessages(channelId), { body: { content: 'through the proxy' } });
    expect(sim.messages(channelId).map((m) => m.content)).toContain('through the proxy');
    // A request without the bot's token is refused by Discord, not by the proxy.
    const anonymous = new REST({ api: proxyUrl, version: '10', retries: 0 }).setToken('not-the-token');
    await expect(anonymous.get(Routes.gatewayBot())).rejects.toThrow(/401|Unauthorized/);
  });

  it('waits out Discord’s 429 itself and sends the request again, body and all', async () => {
    const channelId = sim.channel(guild.id, 'general').id;
    sim.faults.rateLimit({ method: 'POST', route: `/channels/${channelId}/messages`, retryAfterSec: 1 });
    const rest = new REST({ api: proxyUrl, version: '10' }).setToken(sim.token);
    const started = Date.now();
    await rest.post(Routes.channelMessages(channelId), { body: { content: 'after a 429' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sim.messages(channelId).map((m) => m.content)).toContain('after a 429');
    const tries = sim.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${channelId}/messages` && (r.body as { content?: string }).content === 'after a 429');
    expect(tries.map((r) => r.status)).toEqual([429, 200]);
  });

  it('stops with one line naming the setting when REST_PROXY_PORT is bad, and cleanly on SIGTERM', async () => {
    const bad = startProxy({ REST_PROXY_PORT: 'eighty' });
    expect(await bad.exited).toBe(1);
    expect(bad.out().trim()).toBe('Config error: REST_PROXY_PORT is invalid: it must be a port number (0 to 65535) (see .env.example).');
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
  });
});
