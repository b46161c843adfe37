import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttachmentBuilder, EmbedBuilder, Events, GatewayIntentBits, type Message, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RequestLogEntry, type SimGuild, type Simulator } from '../src/index.js';
import { knowsOperation } from '../src/schema.js';
import { eventually, startBot, type TestBot } from './helpers.js';

let sim: Simulator;
let bot: TestBot;
let guild: SimGuild;
let channel: TextChannel;
const dir = mkdtempSync(join(tmpdir(), 'sim-log-'));
const logPath = join(dir, 'requests.jsonl');
const created: Message[] = [];
const deleted: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ requestLog: logPath });
  guild = sim.createGuild({ name: 'Rest' });
  bot = await startBot(sim, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
  bot.client.on(Events.MessageCreate, (m) => created.push(m));
  bot.client.on(Events.MessageDelete, (m) => deleted.push(m.id));
  channel = bot.client.channels.cache.get(sim.channel(guild.id, 'general').id) as TextChannel;
});

afterAll(async () => {
  await bot?.client.destroy();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests for a method and route, in order. */
const log = (method: string, route: RegExp): RequestLogEntry[] => sim.requests.filter((r) => r.method === method && route.test(r.route));

describe('channel messages', () => {
  it('sends an embed with a file (multipart) and keeps the bytes', async () => {
    const file = new AttachmentBuilder(Buffer.from('scene notes: take 12'), { name: 'notes.txt', description: 'Notes' });
    const embed = new EmbedBuilder().setTitle('Goblin').setDescription('The first kiss').addFields({ name: 'Episode', value: '13' });
    const sent = await channel.send({ content: 'Behind the scenes', embeds: [embed], files: [file] });
    const stored = sim.messages(channel.id).at(-1);
    expect(stored?.id).toBe(sent.id);
    expect(stored?.content).toBe('Behind the scenes');
    expect(stored?.embeds[0]).toMatchObject({ title: 'Goblin', description: 'The first kiss', fields: [{ name: 'Episode', value: '13' }] });
    expect(stored?.attachments).toHaveLength(1);
    expect(stored?.attachments[0]?.filename).toBe('notes.txt');
    expect(stored?.attachments[0]?.description).toBe('Notes');
    expect(stored?.attachments[0]?.data.toString()).toBe('scene notes: take 12');
    const request = log('POST', /\/channels\/\d+\/messages$/).at(-1);
    expect(request?.contentType).toBe('multipart/form-data');
    // @discordjs/rest uploads text without a type; Discord (and the simulator) infer it from the name
    expect(request?.files).toEqual([{ field: 'files[0]', filename: 'notes.txt', size: 20, contentType: 'application/octet-stream' }]);
    expect(stored?.attachments[0]?.content_type).toBe('text/plain; charset=utf-8');
    const url = sent.attachments.first()?.url ?? '';
    expect(await (await fetch(url)).text()).toBe('scene notes: take 12');
  });

  it('edits a message in place and the bot hears MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE', async () => {
    const sent = await channel.send('draft');
    await eventually(() => created.some((m) => m.id === sent.id));
    const edited = await sent.edit({ content: 'final', embeds: [{ title: 'Added' }] });
    expect(edited.content).toBe('final');
    const stored = sim.world.messagesById.get(sent.id);
    expect(stored?.content).toBe('final');
    expect(stored?.embeds[0]?.title).toBe('Added');
    expect(stored?.editCount).toBe(1);
    expect(stored?.edited_timestamp).not.toBeNull();
    sim.deleteMessage(channel.id, sent.id);
    await eventually(() => deleted.includes(sent.id));
    expect(sim.messages(channel.id).some((m) => m.id === sent.id)).toBe(false);
  });

  it('fetches channel history newest first, and the guild, roles and members', async () => {
    const a = await channel.send('history a');
    const b = await channel.send('history b');
    const fetched = await channel.messages.fetch({ limit: 2, cache: false });
    expect([...fetched.keys()]).toEqual([b.id, a.id]);
    const one = await channel.messages.fetch({ message: a.id, cache: false });
    expect(one.content).toBe('history a');
    const rest = bot.client.rest;
    const g = (await rest.get(`/guilds/${guild.id}`)) as { name: string; owner_id: string };
    expect([g.name, g.owner_id]).toEqual(['Rest', guild.ownerId]);
    const roles = (await rest.get(`/guilds/${guild.id}/roles`)) as Array<{ id: string }>;
    expect(roles.map((r) => r.id)).toEqual([guild.id, guild.botRoleId]);
    const me = (await rest.get(`/guilds/${guild.id}/members/${sim.botUserId}`)) as { roles: string[] };
    expect(me.roles).toEqual([guild.botRoleId]);
  });

  it('waitForMessage resolves with a future match', async () => {
    const waiting = sim.waitForMessage(channel.id, (m) => m.content === 'later', 2000);
    await channel.send('later');
    expect((await waiting).content).toBe('later');
  });
});

describe('faults', () => {
  it('a 429 makes the client wait Retry-After, then the send succeeds', async () => {
    sim.faults.rateLimit({ route: '/channels/:id/messages', method: 'POST', retryAfterSec: 0.3 });
    const started = Date.now();
    const sent = await channel.send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(sent.content).toBe('after the limit');
    const attempts = log('POST', /\/channels\/\d+\/messages$/).slice(-2);
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
  });

  it('a global 429 holds the client back too', async () => {
    sim.faults.rateLimit({ route: /\/channels\/\d+\/messages$/, method: 'POST', retryAfterSec: 0.2, global: true });
    const started = Date.now();
    await channel.send('after the global limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const raw = await fetch(`${sim.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${sim.token}` } });
    expect(raw.status).toBe(200);
  });

  it('the 429 carries the headers and body discord.js needs', async () => {
    sim.faults.rateLimit({ route: '/users/@me', retryAfterSec: 1.5 });
    const res = await fetch(`${sim.apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${sim.token}` } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1.5');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset-after')).toBe('1.5');
    expect(res.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]+$/);
    expect(res.headers.get('x-ratelimit-scope')).toBe('user');
    expect(await res.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false });
  });

  it('a 500 once is retried by the client', async () => {
    sim.faults.serverError({ route: /\/channels\/\d+\/messages$/, method: 'POST', times: 1 });
    const sent = await channel.send('after a 500');
    expect(sent.content).toBe('after a 500');
    expect(log('POST', /\/channels\/\d+\/messages$/).slice(-2).map((r) => r.status)).toEqual([500, 200]);
  });

  it('latency delays the answer', async () => {
    sim.faults.latency({ route: '/channels/:id', method: 'GET', ms: 150, times: 1 });
    const started = Date.now();
    await bot.client.rest.get(`/channels/${channel.id}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    sim.faults.clear();
  });
});

describe('the request log', () => {
  it('is written as JSON lines with method, route, status, body and time', async () => {
    const count = sim.requests.length;
    await eventually(() => readFileSync(logPath, 'utf8').trim().split('\n').length >= count);
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestLogEntry);
    expect(lines[0]).toMatchObject({ method: 'GET', route: '/gateway/bot', status: 200, operationId: 'get_bot_gateway' });
    const send = lines.find((l) => l.method === 'POST' && (l.body as { content?: string } | undefined)?.content === 'after a 500' && l.status === 200);
    expect(send?.route).toBe(`/channels/${channel.id}/messages`);
    expect(Number.isNaN(Date.parse(send?.time ?? ''))).toBe(false);
    expect(lines.length).toBe(sim.requests.length);
  });
});

describe('the OpenAPI check', () => {
  it('answers a body that does not match Discord’s schema with 400 Invalid Form Body, naming the field', async () => {
    const strict = await startSimulator();
    try {
      const g = strict.createGuild({ name: 'Schema' });
      const res = await fetch(`${strict.apiUrl}/v10/channels/${strict.channel(g.id, 'general').id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${strict.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 5 }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: number; errors: { content?: { _errors: Array<{ code: string }> } } };
      expect(body.code).toBe(50035);
      expect(body.errors.content?._errors[0]?.code).toBe('SCHEMA_MISMATCH');
      expect(strict.schemaViolations).toHaveLength(1);
      expect(strict.schemaViolations[0]).toMatchObject({ operationId: 'create_message', problems: [{ path: ['content'] }] });
      expect(strict.messages(strict.channel(g.id, 'general').id)).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it("in 'record' mode accepts the body and only records the mismatch", async () => {
    const lenient = await startSimulator({ schema: 'record' });
    try {
      const g = lenient.createGuild({ name: 'Schema' });
      const channelId = lenient.channel(g.id, 'general').id;
      const res = await fetch(`${lenient.apiUrl}/v10/channels/${channelId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${lenient.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'hello', nonce: { not: 'a nonce' } }),
      });
      expect(res.status).toBe(200);
      expect(lenient.schemaViolations.map((v) => v.problems[0]?.path)).toEqual([['nonce']]);
      expect(lenient.requests.at(-1)?.schema).toBe('invalid');
    } finally {
      await lenient.close();
    }
  });

  it('knows every operation it routes in Discord’s description', () => {
    const ids = new Set(sim.requests.map((r) => r.operationId).filter((id): id is string => id !== undefined));
    expect(ids.size).toBeGreaterThan(5);
    for (const id of ids) expect(knowsOperation(id), id).toBe(true);
  });

  it('every request body the simulator accepted here matches Discord’s schema', () => {
    expect(sim.requests.filter((r) => r.schema === 'valid').length).toBeGreaterThan(8);
    expect(sim.schemaViolations).toEqual([]);
  });
});
