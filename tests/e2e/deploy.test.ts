import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@kiss-scene-bot/discord-simulator';
import { startCheckedSimulator } from '../support/simulator.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
let sim: Simulator;

beforeAll(async () => {
  sim = await startCheckedSimulator();
});
afterAll(async () => {
  await sim?.close();
});

function deploy(extra: Record<string, string>, ...args: string[]) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
  return run('npm', ['run', '--silent', 'deploy', '--', ...args], { cwd: root, env });
}

describe('npm run deploy against the simulator', () => {
  it('stores exactly the dry-run payload, globally and to one server', async () => {
    const dry = JSON.parse((await deploy({}, '--dry-run')).stdout) as Array<{ name: string }>;
    const env = { DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl, DISCORD_APPLICATION_ID: sim.applicationId };

    const { stdout } = await deploy(env);
    expect(stdout).toContain(`Registered ${dry.length} commands globally`);
    const put = sim.requests.filter((r) => r.method === 'PUT' && r.route === `/applications/${sim.applicationId}/commands`);
    expect(put).toHaveLength(1);
    expect(put[0]!.body).toEqual(dry);
    expect(sim.commands().map((c) => (c as { name: string }).name)).toEqual(dry.map((c) => c.name));

    const guild = sim.createGuild({ name: 'Dev server' });
    const guildRun = await deploy({ ...env, DISCORD_GUILD_ID: guild.id });
    expect(guildRun.stdout).toContain(`to server ${guild.id}`);
    const guildPut = sim.requests.filter((r) => r.method === 'PUT' && r.route === `/applications/${sim.applicationId}/guilds/${guild.id}/commands`);
    expect(guildPut[0]!.body).toEqual(dry);
    expect(sim.commands(guild.id)).toHaveLength(dry.length);
  });

  it('fails with one line and no token when the token is refused', async () => {
    const error = await deploy({ DISCORD_TOKEN: 'wrong-token-value-123456', DISCORD_API_URL: sim.apiUrl, DISCORD_APPLICATION_ID: sim.applicationId }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(error).toMatchObject({ code: 1 });
    const stderr = (error as { stderr: string }).stderr.trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^Deploy failed: /);
    expect(stderr).not.toContain('wrong-token-value-123456');
  });
});

describe('npm run invite', () => {
  const invite = (extra: Record<string, string>) =>
    run('npm', ['run', '--silent', 'invite'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra } });

  it('prints the guild and user install links with the permissions integer', async () => {
    const { stdout } = await invite({ DISCORD_APPLICATION_ID: sim.applicationId });
    const links = [...stdout.matchAll(/https:\/\/discord\.com\/oauth2\/authorize\?\S+/g)].map((m) => new URL(m[0]));
    expect(links).toHaveLength(2);
    expect(links[0]!.searchParams.get('client_id')).toBe(sim.applicationId);
    expect(links[0]!.searchParams.get('permissions')).toBe('274877959168');
    expect(links[0]!.searchParams.get('scope')).toBe('bot applications.commands');
    expect(links[1]!.searchParams.get('scope')).toBe('applications.commands');
    expect(stdout).toContain('Permissions integer: 274877959168 = ViewChannel (1024), SendMessages (2048), SendMessagesInThreads (274877906944)');
  });

  it('reads the application from the token when no id is set, and never prints the token', async () => {
    const token = `${Buffer.from('123456789012345678').toString('base64')}.GhIjKl.not-a-real-secret-part`;
    const { stdout } = await invite({ DISCORD_TOKEN: token });
    expect(stdout).toContain('client_id=123456789012345678&scope=bot+applications.commands&permissions=274877959168');
    expect(stdout).not.toContain(token);
  });

  it('fails with one line when it cannot tell the application', async () => {
    const error = await invite({}).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr.trim()).toBe(
      'Config error: DISCORD_APPLICATION_ID is missing: set it, or DISCORD_TOKEN, to make the install links (see .env.example).',
    );
  });
});
