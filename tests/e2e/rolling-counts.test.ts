/**
 * Counts across a rolling deploy, through the real discord.js client and the simulator: the new
 * process identifies on shard 0 while the old one is still answering a burst of votes, both then
 * receive every click (Discord sends a shard's events to each of its sessions), and the old one
 * stops while the burst goes on. Whatever each process read before it wrote, the counts must equal
 * exactly the members' own records: the poll's tally, `/kiss-poll results`, the results message and
 * the leaderboard; two polls finishing at once; a World Cup round's counts and its results.
 * On SQLite (one file, two connections) and on Redis (TEST_REDIS_URL).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type InteractionResult, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { openKeyv } from '../../src/store/keyv.js';
import { createPollStore } from '../../src/store/polls.js';
import { createWorldCupStore } from '../../src/store/worldcup.js';
import { forgetGuilds } from '../support/backends.js';
import { startWorld, type BotUnderTest, type World } from './harness.js';

const HOUR = 60 * 60 * 1000;
const redis = process.env.TEST_REDIS_URL;
const BACKENDS = [
  { name: 'SQLite', skip: false, url: () => `sqlite://${join(mkdtempSync(join(tmpdir(), 'kiss-rolling-')), 'state.sqlite')}` },
  { name: 'Redis (TEST_REDIS_URL)', skip: !redis, url: () => redis! },
];
/** The poll's three couples, in button order, as the messages name them. */
const COUPLES = ['Park Bo Gum & Kim Yoo Jung', 'Lee Joon Ki & IU', 'Krystal & Kang Min Hyuk'];
/** Clicks in flight at once. */
const WINDOW = 25;
/** How late the old process reads its socket: it is still answering a burst (real time). */
const OLD_LAG_MS = 250;

const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const isPoll = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('poll:vote:'));
const voteId = (m: SimMessage, n: number) => buttons(m).filter((c) => c.custom_id?.startsWith('poll:vote:'))[n]!.custom_id!;
const withdrawId = (m: SimMessage) => buttons(m).find((c) => c.custom_id?.startsWith('poll:withdraw:'))!.custom_id!;
const pollIdOf = (m: SimMessage) => voteId(m, 0).split(':')[2]!;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The number before "vote(s)" on the line (or the line after) naming a couple; undefined when it is not shown. */
function votesShown(text: string, couple: string, pattern: (name: string) => RegExp): number | undefined {
  const match = pattern(escape(couple)).exec(text);
  return match ? Number(match[1]) : undefined;
}
const previewVotes = (name: string) => new RegExp(`\\*\\*${name}\\*\\*.*\\n\`[▰▱]+\` (\\d+) votes?`);
const standingVotes = (name: string) => new RegExp(`\\*\\*${name}\\*\\*[^\\n]* · (\\d+) votes? · `);
const boardLine = (name: string) => new RegExp(`\\*\\*${name}\\*\\*.*\\n(\\d+) wins? · (\\d+) votes? · in (\\d+) polls?`);

/**
 * A member's click on a message's button, and what it leaves in the member's record: in `target`
 * (a poll, a match), `value` (a couple's index, a side; undefined: withdrawn).
 */
type Click = { readonly user: SimUser; readonly message: SimMessage; readonly customId: string; readonly target: number; readonly value: number | 'a' | 'b' | undefined };

/** What each member's record holds after the clicks, in the order they are sent: target → member → value. */
function replay(clicks: readonly Click[]): Map<number, Map<string, Click['value']>> {
  const finals = new Map<number, Map<string, Click['value']>>();
  for (const click of clicks) {
    let target = finals.get(click.target);
    if (!target) finals.set(click.target, (target = new Map<string, Click['value']>()));
    target.set(click.user.id, click.value);
  }
  return finals;
}

/** Clicks sent again because no answer came within Discord's 3 s (a loaded machine), as a member would. */
let clickedAgain = 0;

/**
 * Runs the clicks in order, WINDOW at a time, a member's click only once their previous one was
 * answered (as a person clicks; one left unanswered is clicked again, at most twice).
 * `beforeSend(i)` runs before click i is sent, while the clicks already sent stay in flight.
 */
async function burst(w: World, clicks: readonly Click[], beforeSend: (i: number) => Promise<void>): Promise<InteractionResult[]> {
  const results: InteractionResult[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const lastOf = new Map<string, Promise<unknown>>();
  for (const [i, click] of clicks.entries()) {
    await beforeSend(i);
    const previous = lastOf.get(click.user.id);
    const sent = (async () => {
      await previous;
      for (let attempt = 0; attempt < 3; attempt++) {
        if (attempt) clickedAgain += 1;
        const result = await w.sim.click({ user: click.user, message: click.message, customId: click.customId });
        results[i] = result;
        if (result.outcome !== 'noResponse') break;
      }
    })();
    lastOf.set(click.user.id, sent);
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return results;
}

/**
 * A rolling deploy during a burst of `clicks`, the old process hearing of each click OLD_LAG_MS
 * late: at 25 % of it the next process starts, and identifies while the old one answers; 150 clicks after it is ready, the old one is told to stop
 * (when `stopOld`) while the burst goes on. Returns the new process, and how many clicks had been
 * sent when it was ready and when the old one was told to stop.
 */
async function handover(w: World, old: BotUnderTest, options: { clock: ManualClock; storeUrl: string; clicks: readonly Click[]; stopOld: boolean }) {
  const { clicks } = options;
  const startAt = Math.floor(clicks.length * 0.25);
  // The old process (the only session now) hears of each click late: busy with what came before.
  const sessions = w.sim.gateway.sessions().filter((s) => s.connected);
  expect(sessions).toHaveLength(1);
  w.sim.gateway.lag(sessions[0]!.sessionId, OLD_LAG_MS);
  let next: Promise<BotUnderTest> | undefined;
  let ready = false;
  let stopping: Promise<void> | undefined;
  let sent = 0;
  let readyAt = -1;
  const results = await burst(w, clicks, async (i) => {
    sent = i;
    if (i === startAt) {
      next = w.startBot({ clock: options.clock, storeUrl: options.storeUrl });
      void next.then(() => ((ready = true), (readyAt = sent)));
    }
    if (next && !ready) {
      // The old process keeps answering, click after click, while the new one starts and identifies.
      if (i >= clicks.length - 300) await next;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // 150 clicks reach both, then the old one is told to stop while the burst goes on.
    if (ready && i === readyAt + 150 && options.stopOld) stopping = old.stop();
  });
  await stopping;
  return { next: await next!, startAt, readyAt, stopAt: options.stopOld ? readyAt + 150 : undefined, results };
}

/**
 * Every member's clicks, in the order they are sent. Every member votes once, spread unevenly over
 * the couples; 150 members whose first vote the old process answered alone change it across the
 * handover: 38 withdraw it, and 30 of those vote again later.
 */
function plan(voters: readonly SimUser[], message: SimMessage, round: number): Click[] {
  const clicks: Click[] = [];
  const vote = (user: SimUser, choice: number): Click => ({ user, message, customId: voteId(message, choice), target: 0, value: choice });
  voters.forEach((user, i) => {
    const spread = (i * 7 + round) % 10;
    clicks.push(vote(user, spread < 5 ? 0 : spread < 8 ? 1 : 2));
  });
  for (let k = 0; k < 150; k++) {
    const i = k * 2 + round;
    const user = voters[i]!;
    const position = 450 + k * 3;
    if (k % 4 === 0) {
      clicks.splice(position, 0, { user, message, customId: withdrawId(message), target: 0, value: undefined });
      if (k < 120) clicks.splice(position + 200, 0, vote(user, 2));
    } else {
      const first = clicks.find((c) => c.user === user)!.value as number;
      clicks.splice(position, 0, vote(user, (first + 1 + (k % 2)) % 3));
    }
  }
  return clicks;
}

/** Every click was answered as a vote (with both processes serving, the one answering first may have seen the other store it). */
function expectAllAnswered(results: readonly InteractionResult[]): void {
  const answered = /^(You voted for|You changed your vote|Your vote for .* (was withdrawn|is already counted)|You have no vote to withdraw)/;
  expect(results.filter((r) => r.outcome !== 'replied' || !answered.test(r.message?.content ?? '')).map((r) => r.message?.content ?? r.outcome)).toEqual([]);
}

/** Starts a poll of the three couples, lasting an hour, and returns its message. */
async function startPoll(w: World, starter: SimUser): Promise<SimMessage> {
  const before = new Set(w.sim.messages(w.channelId).map((m) => m.id));
  const started = await (await w.sim.command({ user: starter, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'start', options: { couples: 'Love in the Moonlight, Lee Joon Ki, Krystal', duration: '1h' } })).settled();
  expect(started.message!.content).toMatch(/^Your poll is up: /);
  return w.sim.waitForMessage(w.channelId, (m) => isPoll(m) && !before.has(m.id));
}

/** The members' own records of a poll, as couple indexes (undefined: no vote), and the stored tally. */
async function recordsOf(keyv: Keyv, guildId: string, pollId: string, voters: readonly SimUser[]) {
  const snapshot = (await createPollStore(keyv).read(guildId, pollId, voters.map((v) => v.id)))!;
  const records = tallyOf(new Map([...snapshot.votes].map(([user, coupleId]) => [user, coupleId === undefined ? undefined : snapshot.poll.coupleIds.indexOf(coupleId)])));
  return { records, counts: snapshot.counts };
}

function tallyOf(final: ReadonlyMap<string, Click['value']>): number[] {
  const counts = [0, 0, 0];
  for (const choice of final.values()) if (typeof choice === 'number') counts[choice]! += 1;
  return counts;
}

describe.each(BACKENDS)('counts across a rolling deploy, on $name', (backend) => {
  let world: World | undefined;
  const opened: Keyv[] = [];
  const guilds: string[] = [];
  /** Starts the world on a store of this backend, and opens the test's own connection to it. */
  async function begin(clock: ManualClock) {
    const storeUrl = backend.url();
    world = await startWorld({ clock, storeUrl });
    guilds.push(world.guild.id);
    const keyv = openKeyv(storeUrl);
    opened.push(keyv);
    return { w: world, storeUrl, keyv };
  }
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  afterAll(async () => {
    if (opened[0] && backend.name.startsWith('Redis')) await forgetGuilds(opened[0], guilds);
    for (const keyv of opened) await keyv.disconnect();
  });

  describe.skipIf(backend.skip)('', () => {
    it('1,000 voters split between an old and a new process, some changing their vote across the handover, in three rounds: tally, /kiss-poll results, results message and leaderboard equal the members’ records', async () => {
      const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
      const { w, storeUrl, keyv } = await begin(clock);
      const starter = w.sim.createMember(w.guild.id, { username: 'starter', moderator: true }).user;
      const voters = Array.from({ length: 1_000 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);
      const board = [0, 1, 2].map(() => ({ votes: 0, wins: 0, polls: 0 }));
      let current = w.bot;
      const measured: string[] = [];
      clickedAgain = 0;

      for (let round = 0; round < 3; round++) {
        const poll = await startPoll(w, starter);
        const pollId = pollIdOf(poll);
        const clicks = plan(voters, poll, round);
        const final = replay(clicks).get(0)!;
        const { next, startAt, readyAt, stopAt, results } = await handover(w, current, { clock, storeUrl, clicks, stopOld: true });
        current = next;

        // The new process was ready while the burst still ran; every click was answered as a vote
        // (with both processes serving, the one answering first may have seen the other store it).
        expect(readyAt).toBeGreaterThan(startAt);
        expect(stopAt).toBeLessThan(clicks.length);
        expectAllAnswered(results);

        // The members' own records are their last clicks; the stored tally equals them.
        const { records, counts } = await recordsOf(keyv, w.guild.id, pollId, voters);
        expect(records).toEqual(tallyOf(final));
        expect(counts).toEqual({ counts: records, voters: records.reduce((a, b) => a + b, 0) });

        // /kiss-poll results shows the same counts.
        const preview = await w.sim.command({ user: starter, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'results', options: { poll: pollId } });
        expect(COUPLES.map((c) => votesShown(preview.message!.embeds[0]!.description!, c, previewVotes))).toEqual(records);

        // The deadline: the results message and the leaderboard.
        await clock.advance(HOUR);
        const shown = await w.sim.waitForMessage(w.channelId, (m) => m.id === poll.id && m.embeds[0]?.author?.name === 'Poll results', 20_000);
        expect(COUPLES.map((c) => votesShown(shown.embeds[0]!.description!, c, standingVotes))).toEqual(records);
        expect(shown.embeds[0]!.fields?.find((f) => f.name === 'Voters')?.value).toBe(String(records.reduce((a, b) => a + b, 0)));
        const best = Math.max(...records);
        records.forEach((n, i) => {
          board[i]!.votes += n;
          board[i]!.polls += 1;
          if (n === best && best > 0) board[i]!.wins += 1;
        });
        const leaderboard = await w.sim.command({ user: starter, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'leaderboard' });
        const text = leaderboard.message!.embeds[0]!.description!;
        expect(COUPLES.map((c) => boardLine(escape(c)).exec(text)?.slice(1, 4).map(Number))).toEqual(board.map((b) => [b.wins, b.votes, b.polls]));
        measured.push(`round ${round + 1}: ${records.reduce((a, b) => a + b, 0)} voters counted of ${[...final.values()].filter((v) => v !== undefined).length} with a vote (1,000 voters; new process ready after ${readyAt} of ${clicks.length} clicks)`);
      }
      console.info(`[figures] rolling deploy on ${backend.name}: ${measured.join('; ')}; clicks sent again after no answer within 3 s: ${clickedAgain}`);
    }, 240_000);

    it('two polls finishing at once while both processes run: each closed and posted once, each results message and the leaderboard equal the members’ records', async () => {
      const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
      const { w, storeUrl, keyv } = await begin(clock);
      clickedAgain = 0;
      const starter = w.sim.createMember(w.guild.id, { username: 'starter', moderator: true }).user;
      const voters = Array.from({ length: 400 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);
      // Started at the same instant (the clock stands still): the same deadline.
      const other = w.sim.createMember(w.guild.id, { username: 'starter2', moderator: true }).user;
      const polls = [await startPoll(w, starter), await startPoll(w, other)];
      const clicks: Click[] = [];
      const vote = (user: SimUser, p: number, choice: number): Click => ({ user, message: polls[p]!, customId: voteId(polls[p]!, choice), target: p, value: choice });
      voters.forEach((user, i) => polls.forEach((_, p) => clicks.push(vote(user, p, (i + p * 3) % 7 < 4 ? p : (i + p) % 3))));
      // 100 members change their vote in one of the polls across the handover.
      for (let k = 0; k < 100; k++) {
        const p = k % 2;
        const first = clicks.find((c) => c.user === voters[k] && c.target === p)!.value as number;
        clicks.splice(400 + k * 4, 0, vote(voters[k]!, p, (first + 1) % 3));
      }
      const finals = [0, 1].map((p) => replay(clicks).get(p)!);
      const pollIds = polls.map(pollIdOf);
      const { next, readyAt, startAt, results } = await handover(w, w.bot, { clock, storeUrl, clicks, stopOld: false });
      const bots = [w.bot, next];
      expect(readyAt).toBeGreaterThan(startAt);
      expectAllAnswered(results);

      const records = await Promise.all(pollIds.map((id) => recordsOf(keyv, w.guild.id, id, voters)));
      records.forEach(({ records: r, counts }, p) => {
        expect(r).toEqual(tallyOf(finals[p]!));
        expect(counts.counts).toEqual(r);
      });

      // The deadline passes as the second poll's starter closes it: the new process hears of the
      // command first (the old one lags), the old one's deadline timer closes the first poll.
      await clock.advance(HOUR - 1);
      const [closedByHand] = await Promise.all([
        w.sim.command({ user: other, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'close', options: { poll: pollIds[1]! } }).then((r) => r.settled()),
        clock.advance(1),
      ]);
      expect(closedByHand.message?.content).toMatch(/closed/i);
      for (const [p, poll] of polls.entries()) {
        const shown = await w.sim.waitForMessage(w.channelId, (m) => m.id === poll.id && m.embeds[0]?.author?.name === 'Poll results', 20_000);
        expect(COUPLES.map((c) => votesShown(shown.embeds[0]!.description!, c, standingVotes))).toEqual(records[p]!.records);
      }
      await Promise.all(bots.map((b) => b.app.ctx.polls.idle()));
      // Each poll was turned into its results once, whichever process closed it.
      const resultEdits = (m: SimMessage) =>
        w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${w.channelId}/messages/${m.id}` && r.status < 300 && JSON.stringify(r.body ?? '').includes('Poll results')).length;
      expect(polls.map(resultEdits)).toEqual([1, 1]);
      const board = [0, 1, 2].map((i) => {
        const votes = records.reduce((sum, r) => sum + r.records[i]!, 0);
        const wins = records.filter((r) => r.records[i] === Math.max(...r.records)).length;
        return [wins, votes, 2];
      });
      const leaderboard = await w.sim.command({ user: starter, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'leaderboard' });
      expect(COUPLES.map((c) => boardLine(escape(c)).exec(leaderboard.message!.embeds[0]!.description!)?.slice(1, 4).map(Number))).toEqual(board);
      const closedBy = bots.map((b) => b.logs.filter((l) => l.msg === 'poll results recorded').map((l) => (l.pollId === pollIds[0] ? 'first' : 'second')).join('+') || 'none');
      console.info(`[figures] two polls finishing at once on ${backend.name}: ${records.map((r) => r.records.reduce((a, b) => a + b, 0)).join(' and ')} voters counted (400 voters each); results posted by the old / new process: ${closedBy.join(' / ')}; clicks sent again: ${clickedAgain}`);
    }, 120_000);

    it('a World Cup round voted on across the handover: its counts and its results equal the members’ records', async () => {
      const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
      const { w, storeUrl, keyv } = await begin(clock);
      clickedAgain = 0;
      const mod = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
      const voters = Array.from({ length: 400 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);
      const started = await (await w.sim.command({ user: mod, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'start', options: { size: 4, round_duration: '1h' } })).settled();
      expect(started.message!.content).toMatch(/^Your World Cup is up: /);
      const round = await w.sim.waitForMessage(w.channelId, (m) => buttons(m).some((c) => c.custom_id?.startsWith('wc:vote:')));
      const sideId = (match: number, side: 'a' | 'b') => buttons(round).find((c) => c.custom_id?.endsWith(`:${match}:${side}`) && c.custom_id.startsWith('wc:vote:'))!.custom_id!;
      const tournamentId = sideId(0, 'a').split(':')[2]!;
      // Per member, a side in each match: 60/40 and 35/65 before the changes.
      const clicks: Click[] = [];
      const pick = (user: SimUser, match: number, side: 'a' | 'b'): Click => ({ user, message: round, customId: sideId(match, side), target: match, value: side });
      voters.forEach((user, i) => clicks.push(pick(user, 0, i % 5 < 3 ? 'a' : 'b'), pick(user, 1, i % 20 < 7 ? 'a' : 'b')));
      // 120 members change sides in one match across the handover.
      for (let k = 0; k < 120; k++) {
        const match = k % 2;
        const first = clicks.find((c) => c.user === voters[k] && c.target === match)!.value;
        clicks.splice(350 + k * 4, 0, pick(voters[k]!, match, first === 'a' ? 'b' : 'a'));
      }
      const finals = [0, 1].map((match) => replay(clicks).get(match)!);
      const { next, readyAt, startAt, results } = await handover(w, w.bot, { clock, storeUrl, clicks, stopOld: false });
      const bots = [w.bot, next];
      expect(readyAt).toBeGreaterThan(startAt);
      const answered = /^(You voted for|You changed your vote|Your vote for .* is already counted)/;
      expect(results.filter((r) => !answered.test(r.message?.content ?? '')).map((r) => r.message?.content ?? r.outcome)).toEqual([]);

      const expected = finals.map((f) => ['a', 'b'].map((side) => [...f.values()].filter((s) => s === side).length));
      const snapshot = (await createWorldCupStore(keyv).readRound(w.guild.id, tournamentId, 0, voters.map((v) => v.id)))!;
      const records = [0, 1].map((match) => ['a', 'b'].map((side) => [...snapshot.ballots.values()].filter((b) => b?.[match] === side).length));
      expect(records).toEqual(expected);
      expect(snapshot.tally).toEqual({ counts: records, voters: voters.length });

      // The round closes at its deadline, once: its results show the members' records.
      await clock.advance(HOUR);
      const shown = await w.sim.waitForMessage(w.channelId, (m) => m.id === round.id && / · results$/.test(m.embeds[0]?.title ?? ''), 20_000);
      const scores = [...shown.embeds[0]!.description!.matchAll(/beat .*, (\d+)–(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(scores).toEqual(records.map(([a, b]) => [Math.max(a!, b!), Math.min(a!, b!)]));
      await Promise.all(bots.map((b) => b.app.ctx.worldcup.idle()));
      const closes = bots.map((b) => b.logs.filter((l) => l.msg === 'world cup round closed').length);
      expect(closes.reduce((a, b) => a + b, 0)).toBe(1);
      console.info(`[figures] a World Cup round across the handover on ${backend.name}: ${snapshot.tally.voters} voters counted of 400, matches ${records.map(([a, b]) => `${a}–${b}`).join(' and ')}; closed by the old / new process: ${closes.join(' / ')}; clicks sent again: ${clickedAgain}`);
    }, 120_000);

  });
});
