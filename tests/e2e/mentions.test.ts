import { afterEach, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser, StoredCommand, StoredOption } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Everything a member reads in a message: content, embed texts and fields. */
function textOf(message: SimMessage | undefined): string {
  if (!message) return '';
  const embeds = message.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text]);
  return [message.content, ...embeds].filter(Boolean).join('\n');
}

/** The answers that name a command, for a moderator with `locale`: set-up hints, refusals, confirmations, /kiss-about. */
async function answersNamingCommands(w: World, locale: string): Promise<string[]> {
  const mod = w.sim.createMember(w.guild.id, { username: `mod-${locale}`, moderator: true, locale }).user;
  const run = async (name: string, subcommand: string | undefined, options: Record<string, string> = {}) => {
    const res = await w.sim.command({ user: mod, guildId: w.guild.id, name, ...(subcommand ? { subcommand } : {}), options });
    return textOf((await res.settled()).message);
  };
  return [
    await run('kiss-daily', 'status'), // not set up yet: how to set it up
    await run('kiss-poll', 'close'), // no open poll: how to start one
    await run('kiss-poll', 'leaderboard'), // nothing closed yet: how to start a poll
    await run('kiss-video-link', 'pin', { couple: 'iu', url: 'https://youtu.be/abc' }), // where the link now shows
    await run('kiss-about', undefined),
    await run('kiss-daily', 'set', { channel: w.channelId, time: '20:00' }).then(() => run('kiss-daily', 'off')),
    await run('kiss-daily', 'status'), // off: how to turn it on again
    await run('kiss-daily', 'now'), // off: nothing to post, how to turn it on
  ];
}

/** `</kiss-daily set:123>` → the registered command with that id, and whether it has that subcommand. */
function resolve(registered: StoredCommand[], path: string, id: string): boolean {
  const [name, ...rest] = path.split(' ');
  const command = registered.find((c) => c.id === id);
  if (!command || command.name !== name) return false;
  let options: StoredOption[] | undefined = command.options;
  for (const part of rest) {
    const found = options?.find((o) => o.name === part && (o.type === 1 || o.type === 2));
    if (!found) return false;
    options = found.options;
  }
  // A mention must name something runnable: no subcommand left to pick.
  return !(options ?? []).some((o) => o.type === 1 || o.type === 2);
}

describe('command mentions in the bot’s answers', () => {
  it('resolve to a registered command and subcommand, for English and Korean members alike', async () => {
    world = await startWorld();
    const registered = world.sim.commands() as StoredCommand[];
    const texts = [...(await answersNamingCommands(world, 'en-US')), ...(await answersNamingCommands(world, 'ko'))];
    const mentions = texts.flatMap((text) => [...text.matchAll(/<\/([-_\p{L}\p{N} ]+):(\d+)>/gu)].map((m) => ({ path: m[1]!, id: m[2]! })));
    // 2 languages × (6 answers with one mention + /kiss-about's 5; "turned off" names none).
    expect(mentions).toHaveLength(22);
    expect(new Set(mentions.map((m) => m.path))).toEqual(new Set(['kiss-daily set', 'kiss-poll start', 'kiss-video', 'kiss-scene', 'kiss-data delete']));
    for (const m of mentions) expect(resolve(registered, m.path, m.id), `</${m.path}:${m.id}>`).toBe(true);
    // Nothing is left in plain text.
    const plain = texts.flatMap((text) => [...text.matchAll(/`\/(kiss-[^`]+)`/g)].map((m) => m[1]));
    expect(plain).toEqual([]);
    // The check itself: a mention of a subcommand that does not exist resolves to nothing.
    expect(resolve(registered, 'kiss-daily sett', mentions[0]!.id)).toBe(false);
  });

  it('fall back to the command in plain text, in the member’s language, when the ids could not be read', async () => {
    world = await startWorld({
      beforeBot: (sim) => sim.faults.serverError({ route: '/applications/:app/commands', method: 'GET', status: 500, times: 20 }),
    });
    const ko: SimUser = world.sim.createMember(world.guild.id, { username: 'mod-ko', moderator: true, locale: 'ko' }).user;
    const res = await (await world.sim.command({ user: ko, guildId: world.guild.id, name: 'kiss-daily', subcommand: 'status' })).settled();
    expect(res.message!.content).toContain('`/키스신-매일 설정`으로 채널과 시각을 정해 보세요');
    expect(res.message!.content).not.toMatch(/<\/kiss-/);
    expect(world.bot.logs.some((l) => l.level === 40 && String(l.msg).includes('could not read the registered commands'))).toBe(true);
  });
});
