import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { coupleName, loadCatalogue } from '../../src/catalogue/catalogue.js';
import { BRACKET_COLOURS, IMAGE_SCALE } from '../../src/worldcup/bracket-image.js';
import { bracketLayout } from '../../src/worldcup/bracket-layout.js';
import type { Bracket, Match } from '../../src/worldcup/bracket.js';
import { startWorld, type World } from './harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const catalogue = loadCatalogue();
const idOf = (name: string) => catalogue.couples.find((c) => coupleName(c) === name || coupleName(c, 'ko') === name)!.id;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const button = (m: SimMessage, prefix: string) => buttons(m).find((c) => c.custom_id?.startsWith(prefix));
const shareIdOf = (m: SimMessage) => button(m, 'wc:share:')!.custom_id!.split(':')[2]!;
const isRound = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('wc:vote:'));
/** The two couples of each match of a round message, by the buttons' labels ("1A · Name"). */
function pairs(m: SimMessage): Array<{ match: number; a: { id: string; name: string }; b: { id: string; name: string } }> {
  const out = new Map<number, { a?: { id: string; name: string }; b?: { id: string; name: string } }>();
  for (const c of buttons(m)) {
    const [, , , , match, side] = c.custom_id!.split(':');
    const entry = out.get(Number(match)) ?? {};
    entry[side as 'a' | 'b'] = { id: c.custom_id!, name: c.label!.replace(/^\d+[AB] · /, '') };
    out.set(Number(match), entry);
  }
  return [...out.entries()].map(([match, e]) => ({ match, a: e.a!, b: e.b! }));
}
/** Round messages the bot posted, and edits that turned one into its results. */
const roundPosts = (w: World) => w.sim.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${w.channelId}/messages` && JSON.stringify(r.body ?? '').includes('wc:vote:'));
const resultEdits = (w: World, messageId: string) =>
  w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${w.channelId}/messages/${messageId}` && r.status < 300 && /· results/.test(JSON.stringify(r.body ?? ''))).length;

/** Successful edits of a round message that are not its results: the live counts. */
const liveEdits = (w: World, messageId: string) =>
  w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${w.channelId}/messages/${messageId}` && r.status < 300).length - resultEdits(w, messageId);

async function startTournament(w: World, user: SimUser, options: Record<string, string | number | boolean>) {
  const res = await (await w.sim.command({ user, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'start', options })).settled();
  return res;
}

describe('the Kiss-scene World Cup through the real discord.js client', () => {
  it('plays a solo World Cup of 8 in 7 private choices, shares the winner once, and counts it in the statistics', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const jisoo = w.sim.createMember(w.guild.id, { username: 'jisoo' }).user;

    const res = await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 8 } });
    expect(res.ephemeral).toBe(true);
    let message = res.message!;
    expect(message.embeds[0]!.title).toBe('💋 Quarter-finals · match 1 of 4');
    // Side by side: two inline fields, each with the drama and a line of the story.
    expect(message.embeds[0]!.fields!.map((f) => f.inline)).toEqual([true, true]);
    const target = message.embeds[0]!.fields![0]!.name.replace(/^🅰 /, '');
    expect(catalogue.couples.map((c) => coupleName(c))).toContain(target);
    expect(message.embeds[0]!.fields![0]!.value).toMatch(/^\*.+\* \(\d{4}\)\n> .+/);

    const titles: string[] = [];
    let choices = 0;
    while (button(message, 'wc:pick:')) {
      titles.push(message.embeds[0]!.title!);
      const picks = buttons(message).filter((c) => c.custom_id?.startsWith('wc:pick:'));
      const pick = picks.find((c) => c.label!.endsWith(target)) ?? picks[0]!;
      const next = await w.sim.click({ user: jisoo, message, customId: pick.custom_id! });
      expect(next.outcome).toBe('updated');
      expect(next.ephemeral).toBe(true);
      message = next.message!;
      choices += 1;
    }
    expect(choices).toBe(7);
    expect(titles.filter((t) => t.startsWith('💋 Quarter-finals'))).toHaveLength(4);
    expect(titles.filter((t) => t.startsWith('💋 Semi-finals'))).toHaveLength(2);
    expect(titles.filter((t) => t.startsWith('💋 Final'))).toHaveLength(1);
    expect(message.embeds[0]!.title).toBe(`🏆 ${target}`);
    expect(message.embeds[0]!.fields![0]!.value.split('\n')).toHaveLength(3);
    expect(w.sim.messages(w.channelId)).toHaveLength(0);

    // A double click on an old step changes nothing.
    const stale = await w.sim.click({ user: jisoo, message, customId: `wc:pick:${shareIdOf(message)}:0:b`, forge: true });
    expect(stale.outcome).toBe('updated');
    expect(stale.message!.embeds[0]!.title).toBe(`🏆 ${target}`);
    const shareId = button(message, 'wc:share:')!.custom_id!;
    const shared = await w.sim.click({ user: jisoo, message, customId: shareId });
    expect(shared.ephemeral).toBe(false);
    expect(shared.message!.embeds[0]!.author!.name).toBe("jisoo's Kiss-scene World Cup winner");
    expect(shared.message!.embeds[0]!.title).toBe(`🏆 ${target}`);
    const again = await w.sim.click({ user: jisoo, message, customId: shareId });
    expect(again.ephemeral).toBe(true);
    expect(again.message!.content).toMatch(/already shared/);
    expect(w.sim.messages(w.channelId).filter((m) => !m.ephemeral)).toHaveLength(1);

    const stats = await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'stats' });
    const text = stats.message!.embeds[0]!.description!;
    expect(text).toContain(`Most-won couple: **${target}**, 1 title`);
    expect(text).toContain(`**1.** ${target}\n1 title · head-to-heads won 3 of 3 (100%)`);
    expect(text.match(/head-to-heads won 0 of 1 \(0%\)/g)).toHaveLength(4);
    expect(stats.message!.embeds[0]!.footer!.text).toBe('Counted: 1 solo run and 0 server World Cups');
  });

  it('keeps one live solo run per member and channel, and lets it expire after 15 minutes', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const alex = w.sim.createMember(w.guild.id, { username: 'alex' }).user;
    const play = () => w.sim.command({ user: alex, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 4 } });
    const first = (await play()).message!;
    const second = await play();
    expect(second.message!.content).toMatch(/replaced/);
    // The first run's buttons are dead: only the newest run lives.
    const old = await w.sim.click({ user: alex, message: first, customId: button(first, 'wc:pick:')!.custom_id! });
    expect(old.ephemeral).toBe(true);
    expect(old.message!.content).toMatch(/ended or expired/);
    const step = await w.sim.click({ user: alex, message: second.message!, customId: button(second.message!, 'wc:pick:')!.custom_id! });
    expect(step.outcome).toBe('updated');
    expect(step.message!.content).toBe('');

    await clock.advance(15 * MINUTE + 1000);
    const late = await w.sim.click({ user: alex, message: step.message!, customId: button(step.message!, 'wc:pick:')!.custom_id! });
    expect(late.outcome).toBe('replied');
    expect(late.ephemeral).toBe(true);
    expect(late.message!.content).toMatch(/expired \(a run lasts 15 minutes after your last choice\)/);
  });

  it('runs a server World Cup of 8 with 50 voters a round across a restart: each round closes once, and the bracket image shows the champion’s path', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const voters = Array.from({ length: 50 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);

    const started = await startTournament(w, mina, { size: 8, round_duration: '1h' });
    expect(started.ephemeral).toBe(true);
    expect(started.message!.content).toMatch(/^Your World Cup is up: https:\/\/discord\.com\/channels\/.+ Round 1 \(Quarter-finals\) closes <t:\d+:R>; each round lasts 1 hour\.$/);

    const firstBot = w.bot;
    const bracket: Match[][] = [];
    for (const [round, title] of ['Quarter-finals', 'Semi-finals', 'Final'].entries()) {
      const message = await w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === `💋 ${title}`);
      const matches = pairs(message);
      expect(matches).toHaveLength(4 / 2 ** round);
      // 30 of the 50 vote for the first couple of each match, 20 for the second.
      for (const { a, b } of matches) {
        const answers = await Promise.all(voters.map((user, i) => w.sim.click({ user, message, customId: (i < 30 ? a : b).id })));
        expect(answers.every((r) => r.ephemeral && /^You voted for \*\*/.test(r.message!.content))).toBe(true);
      }
      // A changed vote moves one vote from one couple to the other, and is said so.
      const changed = await w.sim.click({ user: voters[0]!, message, customId: matches[0]!.b.id });
      expect(changed.message!.content).toBe(`You changed your vote in match 1 from **${matches[0]!.a.name}** to **${matches[0]!.b.name}**.`);
      await w.sim.click({ user: voters[0]!, message, customId: matches[0]!.a.id });
      const editsBefore = liveEdits(w, message.id);
      await clock.advance(2_100);
      const live = await w.sim.waitForMessage(w.channelId, (m) => m.id === message.id && m.embeds[0]!.description!.includes('50 members have voted in this round'));
      expect(live.embeds[0]!.description!.match(/30 votes/g)).toHaveLength(matches.length);
      const edits = liveEdits(w, message.id) - editsBefore;
      console.info(`[figures] World Cup ${title}: ${50 * matches.length + 2} votes → ${edits} live edit(s) of the round message`);
      expect(edits).toBeGreaterThanOrEqual(1);
      expect(edits).toBeLessThanOrEqual(3);
      bracket.push(matches.map(({ a, b }) => ({ a: idOf(a.name), b: idOf(b.name), winner: idOf(a.name), decidedBy: 'votes', votes: [30, 20] })));

      if (round === 1) {
        // Restart between the rounds' votes and its deadline: the new process closes it.
        await w.bot.stop();
        w.bot = await w.startBot({ clock });
      }
      await clock.advance(HOUR);
      const results = await w.sim.waitForMessage(w.channelId, (m) => m.id === message.id && m.embeds[0]!.title === `💋 ${title} · results`);
      expect(results.components).toEqual([]);
      for (const { a, b } of matches) expect(results.embeds[0]!.description).toContain(`🏆 **${a.name}** beat ${b.name}, 30–20`);
    }

    const final = await w.sim.waitForMessage(w.channelId, (m) => m.embeds[0]?.author?.name === 'Kiss-scene World Cup · the champion');
    const champion = bracket[2]![0]!.winner!;
    expect(final.embeds[0]!.title).toBe(`🏆 ${coupleName(catalogue.get(champion)!)}`);
    const path = final.embeds[0]!.fields![0]!.value.split('\n');
    expect(path).toHaveLength(3);
    expect(path[0]).toMatch(/^Quarter-finals: beat .+, 30–20$/);

    // Each round was posted once, turned into its results once, and closed once (across both processes).
    expect(roundPosts(w)).toHaveLength(3);
    const roundMessages = w.sim.messages(w.channelId).filter((m) => / · results$/.test(m.embeds[0]?.title ?? ''));
    expect(roundMessages).toHaveLength(3);
    for (const m of roundMessages) expect(resultEdits(w, m.id)).toBe(1);
    expect(w.sim.messages(w.channelId).filter((m) => m.embeds[0]?.author?.name === 'Kiss-scene World Cup · the champion')).toHaveLength(1);

    // The bracket image: a PNG whose gold boxes are exactly the champion's way to the title.
    const image = final.attachments[0]!;
    expect(final.embeds[0]!.image?.url).toBe(`attachment://${image.filename}`);
    expect(image.data.subarray(1, 4).toString()).toBe('PNG');
    const played: Bracket = { size: 8, rounds: bracket };
    const layout = bracketLayout(played, (id) => coupleName(catalogue.get(id)!));
    const picture = await loadImage(image.data);
    expect([picture.width, picture.height]).toEqual([layout.width * IMAGE_SCALE, layout.height * IMAGE_SCALE]);
    const canvas = createCanvas(picture.width, picture.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(picture, 0, 0);
    const gold = hex(BRACKET_COLOURS.path);
    const onPath = layout.boxes.filter((b) => b.onPath);
    expect(onPath).toHaveLength(4);
    for (const box of layout.boxes) {
      const [r, g, b] = ctx.getImageData((box.x + 4) * IMAGE_SCALE, (box.y + box.h / 2) * IMAGE_SCALE, 1, 1).data;
      expect([box.coupleId, [r, g, b]]).toEqual([box.coupleId, box.onPath ? gold : hex(BRACKET_COLOURS.box)]);
    }

    // The champion feeds the poll leaderboard.
    const board = await w.sim.command({ user: mina, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'leaderboard' });
    expect(board.message!.embeds[0]!.description).toMatch(new RegExp(`\\*\\*1\\.\\*\\* \\*\\*${escape(coupleName(catalogue.get(champion)!))}\\*\\*.*\\n1 win`));
    const closes = (bot: typeof w.bot) => bot.logs.filter((l) => l.msg === 'world cup round closed').map((l) => l.round);
    expect(closes(firstBot)).toEqual([0]);
    expect(closes(w.bot)).toEqual([1, 2]);
  });

  it('announces a tie settled by all-time wins and one settled by a coin flip, in the server’s language', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    w.guild.preferredLocale = 'ko';
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const [one, two] = [w.sim.createMember(w.guild.id, { username: 'one' }).user, w.sim.createMember(w.guild.id, { username: 'two' }).user];
    await startTournament(w, mina, { size: 4, round_duration: '2h' });
    const round = await w.sim.waitForMessage(w.channelId, isRound);
    expect(round.embeds[0]!.title).toBe('💋 4강');
    const [first, second] = pairs(round);

    // The second couple of match 1 wins a poll first: one all-time win. (Mina's start counts toward
    // her poll-start cooldown in this channel, so another member starts the poll.)
    const poll = await (await w.sim.command({ user: two, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'start', options: { couples: `${idOf(first!.a.name)}, ${idOf(first!.b.name)}`, duration: '30m' } })).settled();
    expect(poll.ephemeral).toBe(true);
    const pollMessage = await w.sim.waitForMessage(w.channelId, (m) => buttons(m).some((c) => c.custom_id?.startsWith('poll:vote:')));
    await w.sim.click({ user: one, message: pollMessage, customId: buttons(pollMessage).find((c) => c.custom_id?.endsWith(':1'))!.custom_id! });
    await clock.advance(31 * MINUTE);
    await w.sim.waitForMessage(w.channelId, (m) => m.id === pollMessage.id && m.components.length === 0);

    // Match 1: one vote each; match 2: no votes at all.
    await w.sim.click({ user: one, message: round, customId: first!.a.id });
    await w.sim.click({ user: two, message: round, customId: first!.b.id });
    await clock.advance(2 * HOUR);
    const results = await w.sim.waitForMessage(w.channelId, (m) => m.id === round.id && m.embeds[0]!.title === '💋 4강 · 결과');
    const text = results.embeds[0]!.description!;
    expect(text).toContain(`🏆 **${first!.b.name}**, ${first!.a.name} 상대로 승리: 1–1 동점이었지만 이 서버의 역대 우승이 더 많아요 (1 대 0)`);
    expect(text).toMatch(/0–0 동점에 역대 우승도 같아서 \(0회씩\) 동전 던지기로 정했어요/);
    expect(text).toContain(second!.a.name);
    const next = await w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === '💋 결승');
    expect(pairs(next)[0]!.a.name).toBe(first!.b.name);
  });

  it('answers a forged or expired button, a vote in a closed round and a second World Cup in a channel privately and clearly', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const voter = w.sim.createMember(w.guild.id, { username: 'voter' }).user;
    await startTournament(w, mina, { size: 4, round_duration: '30m' });
    const round = await w.sim.waitForMessage(w.channelId, isRound);
    const firstVote = button(round, 'wc:vote:')!.custom_id!;
    const id = firstVote.split(':')[2]!;

    const second = await startTournament(w, w.sim.createMember(w.guild.id, { username: 'eager', moderator: true }).user, { size: 4 });
    expect(second.ephemeral).toBe(true);
    expect(second.message!.content).toBe(`A World Cup is already running in this channel: https://discord.com/channels/${w.guild.id}/${w.channelId}/${round.id}. Start another when it ends, or in another channel.`);
    expect(roundPosts(w)).toHaveLength(1);

    for (const [customId, answer] of [
      ['wc:vote:zzzz:0:0:a', /not valid/],
      [`wc:vote:${id}:0:9:a`, /not valid/],
      [`wc:vote:${id}:0:1:c`, /not valid/],
      [`wc:vote:${id}:0:3:a`, /not one of this round's matches/],
      ['wc:vote:AAAAAAAAAA:0:0:a', /can't find that World Cup/],
      ['wc:explode', /not valid/],
      ['wc:share:AAAAAAAAAA', /ended or expired/],
    ] as const) {
      const res = await w.sim.click({ user: voter, message: round, customId, forge: true });
      expect(res.ephemeral, customId).toBe(true);
      expect(res.message!.content, customId).toMatch(answer);
    }

    const bad = await startTournament(w, mina, { round_duration: '2 minutes' });
    expect(bad.message!.content).toMatch(/too short: a round lasts at least 5 minutes/);
    const big = await w.sim.command({ user: voter, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 16 } });
    expect(big.ephemeral).toBe(true);
    expect(big.message!.content).toBe('A World Cup of 16 needs 16 stories, and this server has 10. Try a size of 8.');

    await clock.advance(30 * MINUTE + 1000);
    await w.sim.waitForMessage(w.channelId, (m) => m.id === round.id && m.components.length === 0);
    const late = await w.sim.click({ user: voter, message: round.id, customId: firstVote, forge: true });
    expect(late.ephemeral).toBe(true);
    expect(late.message!.content).toBe("This round is closed: votes are no longer counted. Vote in the current round's message.");
  });
});

function hex(colour: string): number[] {
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
