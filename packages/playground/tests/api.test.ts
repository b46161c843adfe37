/**
 * The playground's client-facing API on its own (no browser): what the page reads and does, and how
 * it refuses what a page could get wrong or forge.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../src/bot.js';
import type {
  PlayAutocompleteAnswer,
  PlayClock,
  PlayEvent,
  PlayInteractionSummary,
  PlayMessage,
  PlayState,
} from '../src/api-types.js';
import { startPlayground, type Playground } from '../src/index.js';
import { memoryLogger, tempStoreUrl } from './browser.js';

let pg: Playground;
let state: PlayState;

beforeAll(async () => {
  pg = await startPlayground({ port: 0, storeUrl: tempStoreUrl(), logger: memoryLogger().logger });
  state = await get<PlayState>('/state');
});
afterAll(async () => {
  await pg?.close();
});

const api = (path: string) => new URL(`play/api${path}`, pg.url).href;

async function get<T>(path: string): Promise<T> {
  const res = await fetch(api(path));
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(api(path), { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown };
}

const member = (name: string) => state.members.find((m) => m.name === name)!;
const channel = (name: string) => state.channels.find((c) => c.name === name)!;
const command = (who: string, where: string, name: string, options: Record<string, string> = {}) => ({
  memberId: member(who).id,
  channelId: channel(where).id,
  locale: 'en-US',
  name,
  options,
});

describe('the playground API', () => {
  it('describes the seeded server: channels, members with their moderator flag, and the registered commands', () => {
    expect(state.guild.name).toBe('K-drama Club');
    expect(state.channels.map((c) => c.name)).toEqual(['general', 'kdrama', 'announcements']);
    expect(state.members.map((m) => [m.name, m.moderator, m.locale])).toEqual([
      ['Mina', true, 'en-US'],
      ['Jisoo', false, 'en-US'],
      ['Alex', false, 'en-US'],
    ]);
    const manageGuild = 1n << 5n;
    expect(BigInt(member('Mina').permissions) & manageGuild).toBe(manageGuild);
    expect(BigInt(member('Jisoo').permissions) & manageGuild).toBe(0n);
    const scene = state.commands.find((c) => c.name === 'kiss-scene');
    expect(scene?.description_localizations?.ko).toBe(t('ko', 'scene.command.description'));
    expect(scene?.options?.[0]).toMatchObject({ name: 'couple', autocomplete: true });
    expect(state.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['kiss-scene', 'kiss-video', 'kiss-poll']));
  });

  it('runs a command as a member and shows the reply to everyone in the channel', async () => {
    const res = await post('/command', command('Jisoo', 'general', 'kiss-scene', { couple: 'lee-joon-ki-iu' }));
    expect(res.status).toBe(200);
    const summary = res.body as PlayInteractionSummary;
    expect(summary).toMatchObject({ outcome: 'replied', ephemeral: false });
    const messages = await get<PlayMessage[]>(`/messages?channel=${channel('general').id}&viewer=${member('Alex').id}`);
    const reply = messages.find((m) => m.id === summary.messageId);
    expect(reply?.embeds[0]?.title).toBe('💋 Lee Joon Ki & IU');
    expect(reply?.interaction).toMatchObject({ userName: 'Jisoo', commandName: 'kiss-scene' });
    expect(reply?.author).toMatchObject({ name: 'Kiss Scene Bot', bot: true });
  });

  it('answers autocomplete with the bot’s own choices, in the member’s language', async () => {
    // A drama title only one story has, in English and in Korean: that story first, labelled in the member's language.
    const en = await post('/autocomplete', { ...command('Alex', 'general', 'kiss-scene', { couple: 'moon lovers' }), focused: 'couple' });
    expect((en.body as PlayAutocompleteAnswer).choices[0]).toEqual({ name: 'Lee Joon Ki & IU — Moon Lovers: Scarlet Heart Ryeo (2016)', value: 'lee-joon-ki-iu' });
    const ko = await post('/autocomplete', { ...command('Alex', 'general', 'kiss-scene', { couple: '달의 연인' }), locale: 'ko', focused: 'couple' });
    expect((ko.body as PlayAutocompleteAnswer).choices[0]).toEqual({ name: '이준기 & 아이유 — 달의 연인 – 보보경심 려 (2016)', value: 'lee-joon-ki-iu' });
  });

  it('shows an ephemeral reply only to the member it was meant for', async () => {
    const res = await post('/command', command('Alex', 'kdrama', 'kiss-scene', { couple: 'Zzyzx Qwerty' }));
    const summary = res.body as PlayInteractionSummary;
    expect(summary).toMatchObject({ outcome: 'replied', ephemeral: true });
    const asAlex = await get<PlayMessage[]>(`/messages?channel=${channel('kdrama').id}&viewer=${member('Alex').id}`);
    const asJisoo = await get<PlayMessage[]>(`/messages?channel=${channel('kdrama').id}&viewer=${member('Jisoo').id}`);
    expect(asAlex.find((m) => m.id === summary.messageId)).toMatchObject({ ephemeral: true, content: expect.stringContaining('No couple matches') as unknown });
    expect(asJisoo.some((m) => m.id === summary.messageId)).toBe(false);
    // Nor can another member act on it.
    const click = await post('/click', { memberId: member('Jisoo').id, locale: 'en-US', messageId: summary.messageId, customId: 'scene:another:x' });
    expect(click.status).toBe(404);
  });

  it('clicks a button as a member', async () => {
    const shown = (await post('/command', command('Jisoo', 'general', 'kiss-scene', { couple: 'eric-seo-hyun-jin' }))).body as PlayInteractionSummary;
    const res = await post('/click', { memberId: member('Alex').id, locale: 'en-US', messageId: shown.messageId, customId: 'scene:another:eric-seo-hyun-jin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'replied', ephemeral: true });
  });

  it('lets a member play a solo World Cup privately, choice by choice, to a winner they can share', async () => {
    const channelId = channel('kdrama').id;
    const viewer = member('Jisoo').id;
    const messages = () => get<PlayMessage[]>(`/messages?channel=${channelId}&viewer=${viewer}`);
    const started = (await post('/command', { ...command('Jisoo', 'kdrama', 'kiss-worldcup'), subcommand: 'play' })).body as PlayInteractionSummary;
    expect(started).toMatchObject({ outcome: 'replied', ephemeral: true });
    const picks = (m: PlayMessage) => m.components.flatMap((row) => row.components ?? []).filter((c) => c.custom_id?.startsWith('wc:pick:'));
    let run = (await messages()).find((m) => m.id === started.messageId)!;
    expect(run.embeds[0]?.title).toBe(`💋 ${t('en', 'worldcup.round.8')} · match 1 of 4`);
    let choices = 0;
    while (picks(run).length) {
      const res = await post('/click', { memberId: viewer, locale: 'en-US', messageId: run.id, customId: picks(run)[0]!.custom_id });
      expect(res.body).toMatchObject({ outcome: 'updated', ephemeral: true });
      run = (await messages()).find((m) => m.id === started.messageId)!;
      choices += 1;
    }
    expect(choices).toBe(7);
    expect(run.embeds[0]?.title).toMatch(/^🏆 /);
    // Nobody else sees the run.
    const asAlex = await get<PlayMessage[]>(`/messages?channel=${channelId}&viewer=${member('Alex').id}`);
    expect(asAlex.some((m) => m.id === started.messageId)).toBe(false);
    const share = run.components.flatMap((row) => row.components ?? []).find((c) => c.custom_id?.startsWith('wc:share:'))!;
    const shared = (await post('/click', { memberId: viewer, locale: 'en-US', messageId: run.id, customId: share.custom_id })).body as PlayInteractionSummary;
    expect(shared).toMatchObject({ outcome: 'replied', ephemeral: false });
    const seen = await get<PlayMessage[]>(`/messages?channel=${channelId}&viewer=${member('Alex').id}`);
    expect(seen.find((m) => m.id === shared.messageId)?.embeds[0]?.title).toBe(run.embeds[0]?.title);
  });

  it('streams new messages to the page as server-sent events, ephemeral ones only to their recipient', async () => {
    const controller = new AbortController();
    const events: PlayEvent[] = [];
    const res = await fetch(api(`/events?viewer=${member('Jisoo').id}`), { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        const parts = buffer.split('\n\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) {
          const data = part.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as PlayEvent);
        }
      }
    })();
    const hidden = (await post('/command', command('Alex', 'general', 'kiss-scene', { couple: 'Zzyzx Qwerty' }))).body as PlayInteractionSummary;
    const shown = (await post('/command', command('Alex', 'general', 'kiss-scene', { couple: 'iu' }))).body as PlayInteractionSummary;
    await expect.poll(() => events.some((e) => e.kind === 'messageCreate' && e.message.id === shown.messageId)).toBe(true);
    expect(events.some((e) => e.kind === 'messageCreate' && e.message.id === hidden.messageId)).toBe(false);
    controller.abort();
    await reading;
  });

  it('moves the shared clock forward: the simulator and the bot see the new time', async () => {
    const before = (await get<PlayClock>('/clock')).now;
    const res = await post('/clock/advance', { ms: 60 * 60 * 1000 });
    expect(res.status).toBe(200);
    const after = (res.body as PlayClock).now;
    expect(after - before).toBeGreaterThanOrEqual(60 * 60 * 1000);
    expect(pg.app.ctx.clock.now()).toBeGreaterThanOrEqual(after);
    const reply = (await post('/command', command('Mina', 'general', 'kiss-scene', { couple: 'iu' }))).body as PlayInteractionSummary;
    const message = pg.sim.world.messagesById.get(reply.messageId!);
    expect(Date.parse(message!.timestamp)).toBeGreaterThanOrEqual(after);
  });

  it('refuses bad requests with a clear reason and changes nothing', async () => {
    const before = pg.sim.allMessages(channel('general').id).length;
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['/command', { ...command('Jisoo', 'general', 'kiss-scene'), memberId: '123' }, 404, /No member 123/],
      ['/command', { ...command('Jisoo', 'general', 'kiss-scene'), channelId: '456' }, 404, /No channel 456/],
      ['/command', { ...command('Jisoo', 'general', 'kiss-scene'), locale: 'fr' }, 400, /locale/],
      ['/command', command('Jisoo', 'general', 'no-such-command'), 400, /no-such-command/],
      ['/command', command('Jisoo', 'general', 'kiss-scene', { nope: 'x' }), 400, /has no option "nope"/],
      ['/click', { memberId: member('Jisoo').id, locale: 'en-US', messageId: '1', customId: 'scene:another:x' }, 404, /No message 1/],
      ['/modal', { memberId: member('Jisoo').id, locale: 'en-US', channelId: channel('general').id, customId: 'never-shown', fields: {} }, 400, /No modal "never-shown" is open/],
      ['/clock/advance', { ms: -5 }, 400, /ms/],
      ['/clock/advance', { ms: 10 ** 15 }, 400, /ms/],
      ['/nothing-here', {}, 404, /No POST/],
    ];
    for (const [path, body, status, reason] of cases) {
      const res = await post(path, body);
      expect([path, res.status]).toEqual([path, status]);
      expect((res.body as { error: string }).error).toMatch(reason);
    }
    expect((await post('/command', '{not json')).status).toBe(400);
    // A form post from another site is not JSON: refused before anything runs.
    expect((await post('/command', JSON.stringify(command('Jisoo', 'general', 'kiss-scene')), { 'content-type': 'text/plain' })).status).toBe(415);
    expect(pg.sim.allMessages(channel('general').id)).toHaveLength(before);
  });

  it('answers only requests addressed to 127.0.0.1 or localhost (no DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: pg.port, path: '/play/api/state', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    const local = await fetch(`http://localhost:${pg.port}/play/api/clock`).catch(() => undefined);
    if (local) expect(local.status).toBe(200);
  });

  it('serves the page with a policy that keeps it on this server', async () => {
    const res = await fetch(pg.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<discord-messages');
    const script = await fetch(new URL('/play/app.js', pg.url), { headers: { 'accept-encoding': 'gzip' } });
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1000);
  });

  it('serves its fonts: Korean, and the emoji (Twemoji) with its licence', async () => {
    const emoji = await fetch(new URL('/play/fonts/twemoji.woff2', pg.url));
    expect(emoji.status).toBe(200);
    expect(emoji.headers.get('content-type')).toBe('font/woff2');
    expect(Buffer.from(await emoji.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('wOF2');
    const licence = await (await fetch(new URL('/play/fonts/twemoji-LICENSE.txt', pg.url))).text();
    expect(licence).toContain('SIL OPEN FONT LICENSE');
    expect(licence).toContain('CC-BY-4.0');
    const css = await (await fetch(new URL('/play/styles.css', pg.url))).text();
    expect(css).toContain("url('/play/fonts/twemoji.woff2')");
    expect((await fetch(new URL('/play/fonts/nanum-gothic-400.ttf', pg.url))).status).toBe(200);
  });

  it('closes cleanly, twice', async () => {
    const other = await startPlayground({ port: 0, storeUrl: tempStoreUrl(), logger: memoryLogger().logger });
    await other.close();
    await other.close();
    await expect(fetch(other.url)).rejects.toThrow();
  });
});
