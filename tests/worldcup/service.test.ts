import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/catalogue/random.js';
import type { UserError } from '../../src/errors.js';
import { t as translate } from '../../src/i18n/index.js';
import { StoreUnavailableError, STORE_RETRY_MS } from '../../src/store/availability.js';
import { createWorldCupStore, type WorldCupStore } from '../../src/store/worldcup.js';
import { captureLogs } from '../support/logs.js';
import { BRACKET_SIZES, champion, type Match } from '../../src/worldcup/bracket.js';
import type { Side } from '../../src/worldcup/ids.js';
import type { Candidate } from '../../src/worldcup/candidates.js';
import { distinctCandidates } from '../../src/worldcup/draw.js';
import type { SoloRun, Tournament } from '../../src/worldcup/model.js';
import type { WorldCupService } from '../../src/worldcup/service.js';
import { CHANNEL, GUILD, harness, HOUR, MEMBER, type MemoryPublisher, refusal, roundPosts, START, STARTER, where, type WorldCupHarness } from './helpers.js';

const solo = { ...where, userId: MEMBER(1) };

/** Plays a run to its end (a new one of 8, or `started`), choosing with `pick`. */
async function playThrough(service: WorldCupService, pick: (a: string, b: string) => Side = () => 'a', started?: SoloRun) {
  let run = started ?? (await service.play({ ...solo, size: 8 })).run;
  let choices = 0;
  for (;;) {
    const next = run.bracket.rounds.at(-1)!.find((m) => m.winner === undefined);
    if (!next) return { run, choices };
    run = await service.pick({ ...solo, runId: run.id, step: run.step, side: pick(next.a!, next.b!) });
    choices += 1;
  }
}

function start(h: WorldCupHarness, input: Partial<Parameters<WorldCupService['startTournament']>[0]> = {}) {
  return h.service.startTournament({ ...where, starterId: STARTER, size: 4, roundMs: HOUR, hideCounts: false, lang: 'en', ...input });
}

/** Every member votes `side` in every match of the tournament's open round (through `service`). */
async function voteAll(service: WorldCupService, t: Tournament, members: number[], side: (member: number, match: number) => Side) {
  const round = t.rounds.length - 1;
  const matches = t.bracket.rounds[round]!;
  await Promise.all(members.flatMap((m) => matches.map((_, match) => service.vote({ guildId: t.guildId, tournamentId: t.id, round, match, side: side(m, match), userId: MEMBER(m) }))));
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('solo World Cup', () => {
  it('takes 7 choices for 8 and ends with the couple chosen each time, counted once in the statistics', async () => {
    const h = harness();
    const first = await h.service.play({ ...solo, size: 8 });
    const favourite = first.run.bracket.rounds[0]![2]!.b!;
    const { run, choices } = await playThrough(h.service, (a) => (a === favourite ? 'a' : 'b'), first.run);
    expect(choices).toBe(7);
    expect(champion(run.bracket)).toBe(favourite);
    expect(run.finishedAt).toBe(h.clock.now());
    const stats = await h.service.stats(GUILD);
    expect(stats.runs).toBe(1);
    expect(stats.couples[favourite]).toEqual({ titles: 1, wins: 3, losses: 0 });
    // A stale click on the finished run changes nothing and counts nothing again.
    const again = await h.service.pick({ ...solo, runId: run.id, step: 3, side: 'b' });
    expect(again).toEqual(run);
    expect((await h.service.stats(GUILD)).runs).toBe(1);
  });

  it('treats a click on an earlier step as a double click: the run stays where it is', async () => {
    const h = harness();
    const { run } = await h.service.play({ ...solo, size: 4 });
    const once = await h.service.pick({ ...solo, runId: run.id, step: 0, side: 'a' });
    const twice = await h.service.pick({ ...solo, runId: run.id, step: 0, side: 'b' });
    expect(twice).toEqual(once);
    expect(once.step).toBe(1);
  });

  it('keeps one run per member and channel, and lets it expire 15 minutes after the last choice', async () => {
    const h = harness();
    const a = await h.service.play(solo);
    expect(a.replaced).toBe(false);
    const b = await h.service.play(solo);
    expect(b.replaced).toBe(true);
    expect(await refusal(h.service.pick({ ...solo, runId: a.run.id, step: 0, side: 'a' }))).toBe('worldcup.errors.runExpired');
    // Another channel, another member: their own runs.
    expect((await h.service.play({ ...solo, channelId: '200000000000000009' })).replaced).toBe(false);
    expect((await h.service.play({ ...solo, userId: MEMBER(2) })).replaced).toBe(false);

    await h.clock.advance(14 * 60_000);
    const step = await h.service.pick({ ...solo, runId: b.run.id, step: 0, side: 'a' });
    await h.clock.advance(14 * 60_000);
    await h.service.pick({ ...solo, runId: b.run.id, step: step.step, side: 'a' });
    await h.clock.advance(15 * 60_000 + 1);
    expect(await refusal(h.service.pick({ ...solo, runId: b.run.id, step: 2, side: 'a' }))).toBe('worldcup.errors.runExpired');
    // A finished run replaced by nothing: a new one is not "replacing" anything.
    expect((await h.service.play(solo)).replaced).toBe(false);
  });

  it('shares a finished run once, and only a finished one', async () => {
    const h = harness();
    const { run: unfinished } = await h.service.play(solo);
    expect(await refusal(h.service.share({ ...solo, runId: unfinished.id }, async () => undefined))).toBe('worldcup.errors.notFinished');
    const { run } = await playThrough(h.service);
    const posts: string[] = [];
    const post = async (r: { id: string }) => void posts.push(r.id);
    await h.service.share({ ...solo, runId: run.id }, post);
    expect(await refusal(h.service.share({ ...solo, runId: run.id }, post))).toBe('worldcup.errors.alreadyShared');
    expect(posts).toEqual([run.id]);
    // A post that fails leaves the run unshared, to try again.
    const { run: next } = await playThrough(h.service);
    await expect(h.service.share({ ...solo, runId: next.id }, () => Promise.reject(new Error('discord down')))).rejects.toThrow('discord down');
    await h.service.share({ ...solo, runId: next.id }, post);
    expect(posts).toEqual([run.id, next.id]);
  });

  it('refuses a size the pool cannot fill, naming the largest that works', async () => {
    const all = distinctCandidates(await harness().service.candidates(GUILD));
    expect(all.length).toBeGreaterThanOrEqual(64);
    const withStories = (count: number) => harness({ pool: { candidatesFor: async () => all.slice(0, count) } });
    for (const [stories, size, largest] of [
      [63, 64, 32],
      [40, 64, 32],
      [31, 32, 16],
      [20, 32, 16],
      [15, 16, 8],
      [5, 8, 4],
    ] as const) {
      const error = await withStories(stories).service.play({ ...solo, size }).catch((e: unknown) => e);
      expect(error, `${size} of ${stories}`).toMatchObject({ key: 'worldcup.errors.sizeTooLarge', vars: { count: size, stories, largest } });
      // The largest named is one that works.
      expect((await withStories(stories).service.play({ ...solo, size: largest })).run.bracket.size).toBe(largest);
    }
    expect(await refusal(withStories(3).service.play(solo))).toBe('worldcup.errors.tooFewCandidates');
  });

  it('never draws two stories that look alike (one couple’s two scenes of one drama) into one World Cup, and counts them as one', async () => {
    const all = distinctCandidates(await harness().service.candidates(GUILD));
    const twin = (c: Candidate): Candidate => ({ ...c, id: `${c.id}-another-scene`, line: { en: 'Another scene.', ko: '다른 장면이에요.' } });
    // Eight that look different and a second scene of the first: 9 stories, 8 entrants at most.
    const eight = [...all.slice(0, 8), twin(all[0]!)];
    const h = harness({ pool: { candidatesFor: async () => eight } });
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const { run } = await h.service.play({ ...solo, size: 8 });
      const ids = run.bracket.rounds[0]!.flatMap((m) => [m.a, m.b]);
      expect(ids.includes(all[0]!.id) && ids.includes(twin(all[0]!).id)).toBe(false);
      expect(run.entrants.map((c) => c.id).sort()).toEqual([...ids].sort());
      ids.forEach((id) => seen.add(id!));
    }
    // Either scene may enter.
    expect(seen.has(all[0]!.id) && seen.has(twin(all[0]!).id)).toBe(true);
    // Seven that look different (and a twin) do not fill 8.
    const seven = harness({ pool: { candidatesFor: async () => [...all.slice(0, 7), twin(all[1]!)] } });
    const refused = await seven.service.play({ ...solo, size: 8 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ key: 'worldcup.errors.sizeTooLargeAlike', vars: { count: 8, stories: 7, total: 8, largest: 4 } });
    expect(translate('en', (refused as UserError).key, (refused as UserError).vars)).toBe(
      "A World Cup of 8 needs 8 couples that look different, and this server's 8 stories make 7 (two scenes of one couple in one drama count once). Try a size of 4.",
    );
    expect(translate('ko', (refused as UserError).key, (refused as UserError).vars)).toBe(
      '8강 월드컵에는 서로 다른 커플이 8개 필요한데, 이 서버의 이야기 8개로는 7개가 돼요 (같은 드라마 속 같은 커플의 장면은 하나로 세요). 4강으로 해 보세요.',
    );
    // The catalogue's own: however it is drawn, no two entrants of a 64 show the same couple and drama.
    const catalogue = harness();
    for (let i = 0; i < 10; i++) {
      const t = await catalogue.service.play({ ...solo, size: 64 });
      for (const lang of ['en', 'ko'] as const) expect(new Set(t.run.entrants.map((c) => `${c.name[lang]} — ${c.drama[lang]}`)).size).toBe(64);
    }
  });

  it('plays every size the catalogue fills, up to 64: one choice per match, the byes none', async () => {
    const h = harness();
    const stories = (await h.service.candidates(GUILD)).length;
    for (const size of BRACKET_SIZES.filter((s) => s <= stories)) {
      const { run } = await h.service.play({ ...solo, size });
      expect(run.entrants).toHaveLength(size);
      const { run: done, choices } = await playThrough(h.service, (_a, b) => (b === run.bracket.rounds[0]![0]!.b ? 'b' : 'a'), run);
      expect(choices, `size ${size}`).toBe(size - 1);
      expect(done.bracket.rounds.map((r) => r.length)).toEqual(Array.from({ length: Math.log2(size) }, (_, r) => size / 2 ** (r + 1)));
      expect(champion(done.bracket)).toBe(run.bracket.rounds[0]![0]!.b);
    }
    expect((await h.service.stats(GUILD)).runs).toBe(BRACKET_SIZES.filter((s) => s <= stories).length);
  });
});

describe('server World Cup', () => {
  it('posts one message per round, counts one vote per member per match, and moves on at each deadline', async () => {
    const h = harness();
    await h.service.start();
    const t = await start(h, { size: 8 });
    expect(roundPosts(h.publisher)).toHaveLength(1);
    const first = roundPosts(h.publisher)[0]!;
    expect(first.payload.components).toHaveLength(4);
    expect(first.payload.components.flatMap((r) => r.components)).toHaveLength(8);
    expect(t.rounds[0]!.messageId).toBe(first.messageId);

    const vote = (userId: string, match: number, side: Side, round = 0) => h.service.vote({ guildId: GUILD, tournamentId: t.id, round, match, side, userId });
    expect((await vote(MEMBER(1), 0, 'a')).receipt).toMatchObject({ outcome: 'new', coupleId: t.bracket.rounds[0]![0]!.a });
    expect((await vote(MEMBER(1), 0, 'a')).receipt.outcome).toBe('same');
    expect((await vote(MEMBER(1), 0, 'b')).receipt).toMatchObject({ outcome: 'changed', previous: t.bracket.rounds[0]![0]!.a });
    expect((await vote(MEMBER(1), 1, 'a')).receipt.outcome).toBe('new');
    expect(await refusal(vote(MEMBER(2), 1, 'a', 1))).toBe('worldcup.errors.roundClosed');
    expect(await refusal(vote(MEMBER(2), 5, 'a'))).toBe('worldcup.errors.badChoice');
    expect(await refusal(h.service.vote({ guildId: GUILD, tournamentId: 'AAAAAAAAAA', round: 0, match: 0, side: 'a', userId: MEMBER(2) }))).toBe('worldcup.errors.unknownTournament');
    const tally = await h.store.getTally(GUILD, t.id, 0, 4);
    expect(tally).toEqual({ counts: [[0, 1], [1, 0], [0, 0], [0, 0]], voters: 1 });

    await h.clock.advance(HOUR - 1);
    expect(roundPosts(h.publisher)).toHaveLength(1);
    await h.clock.advance(1);
    await h.service.idle();
    expect(roundPosts(h.publisher)).toHaveLength(2);
    expect(await refusal(vote(MEMBER(3), 0, 'a'))).toBe('worldcup.errors.roundClosed');
    const results = h.publisher.messages.get(first.messageId!)!.payload;
    expect(results.embeds[0]!.title).toBe('💋 Quarter-finals · results');
    expect(results.components).toEqual([]);

    await h.clock.advance(HOUR);
    await h.service.idle();
    await h.clock.advance(HOUR);
    await h.service.idle();
    expect(roundPosts(h.publisher)).toHaveLength(3);
    const final = h.publisher.posts.at(-1)!;
    expect(final.payload.embeds[0]!.author!.name).toBe('Kiss-scene World Cup · the champion');
    expect(final.payload.files?.[0]?.name).toBe(`worldcup-${t.id}.png`);
    const done = (await h.store.getTournament(GUILD, t.id))!;
    expect(done).toMatchObject({ status: 'finished', finalized: true, finalMessageId: final.messageId });
    expect(h.polls.champions).toEqual([{ guildId: GUILD, resultId: `worldcup:${t.id}`, coupleId: done.champion }]);
    expect((await h.service.stats(GUILD)).tournaments).toBe(1);
    // The channel is free again.
    expect((await start(h)).id).not.toBe(t.id);
  });

  it('shows a round of 64 in four messages of eight matches, votes in all of them until the one deadline, and turns each into its results', async () => {
    const h = harness();
    await h.service.start();
    const t = await start(h, { size: 64 });
    const posts = roundPosts(h.publisher);
    expect(posts.map((p) => p.payload.embeds[0]!.title)).toEqual([1, 9, 17, 25].map((from) => `💋 Round of 64 · matches ${from}–${from + 7} of 32`));
    expect(t.rounds[0]).toMatchObject({ messageId: posts[0]!.messageId, messageIds: posts.map((p) => p.messageId) });
    // Each message: its eight matches, two buttons each, four to a row.
    posts.forEach((post, part) => {
      expect(post.payload.components.map((row) => row.components.length)).toEqual([4, 4, 4, 4]);
      const ids = post.payload.components.flatMap((row) => row.components.map((c) => ('custom_id' in c ? c.custom_id : '')));
      expect(ids).toEqual(range(8, part * 8).flatMap((m) => [`wc:vote:${t.id}:0:${m}:a`, `wc:vote:${t.id}:0:${m}:b`]));
    });

    // Three members vote in all 32 matches: the first couple of even matches, the second of odd ones.
    await voteAll(h.service, t, range(3), (_member, match) => (match % 2 === 0 ? 'a' : 'b'));
    await h.clock.advance(2_100);
    await h.service.idle();
    const editsOf = (messageId: string | undefined) => h.publisher.edits.filter((e) => e.messageId === messageId).length;
    expect(posts.map((p) => editsOf(p.messageId))).toEqual([1, 1, 1, 1]);
    for (const post of posts) expect(h.publisher.text(post.messageId)).toContain('3 members have voted in this round');
    // A vote in match 20 edits only the message that shows it.
    const receipt = await h.service.vote({ guildId: GUILD, tournamentId: t.id, round: 0, match: 19, side: 'a', userId: MEMBER(9) });
    expect(receipt.receipt).toMatchObject({ outcome: 'new', match: 19 });
    await h.clock.advance(2_100);
    await h.service.idle();
    expect(posts.map((p) => editsOf(p.messageId))).toEqual([1, 1, 2, 1]);

    await h.clock.advance(HOUR);
    await h.service.idle();
    const closed = (await h.store.getTournament(GUILD, t.id))!;
    expect(closed.bracket.rounds[0]!.map((m) => m.winner)).toEqual(t.bracket.rounds[0]!.map((m, i) => (i % 2 === 0 ? m.a : m.b)));
    expect(closed.bracket.rounds[0]!.every((m) => m.decidedBy === 'votes')).toBe(true);
    // Every message of the round now shows its own matches' results.
    posts.forEach((post, part) => {
      const results = h.publisher.messages.get(post.messageId!)!.payload;
      expect(results.embeds[0]!.title).toBe(`💋 Round of 64 · matches ${part * 8 + 1}–${part * 8 + 8} · results`);
      expect(results.components).toEqual([]);
      const text = results.embeds[0]!.description!;
      expect(text.match(/__Match \d+__/g)).toEqual(range(8, part * 8 + 1).map((m) => `__Match ${m}__`));
      expect(text.match(/, 3–0/g)).toHaveLength(part === 2 ? 7 : 8);
    });
    // The Round of 32: two messages, open until the next deadline.
    const next = roundPosts(h.publisher).slice(4);
    expect(next.map((p) => p.payload.embeds[0]!.title)).toEqual(['💋 Round of 32 · matches 1–8 of 16', '💋 Round of 32 · matches 9–16 of 16']);
    expect(closed.rounds[1]).toMatchObject({ closesAt: START + 2 * HOUR, messageIds: next.map((p) => p.messageId) });
    expect(await refusal(h.service.vote({ guildId: GUILD, tournamentId: t.id, round: 0, match: 31, side: 'a', userId: MEMBER(4) }))).toBe('worldcup.errors.roundClosed');
    expect((await h.service.vote({ guildId: GUILD, tournamentId: t.id, round: 1, match: 15, side: 'b', userId: MEMBER(4) })).receipt.outcome).toBe('new');

    // Nobody votes after that: each round goes by coin flips, one message a round from the Round of 16.
    for (let round = 1; round < 6; round++) {
      await h.clock.advance(HOUR);
      await h.service.idle();
    }
    expect(roundPosts(h.publisher).map((p) => p.payload.embeds[0]!.title)).toEqual([
      ...posts.map((p) => p.payload.embeds[0]!.title),
      ...next.map((p) => p.payload.embeds[0]!.title),
      '💋 Round of 16',
      '💋 Quarter-finals',
      '💋 Semi-finals',
      '💋 Final',
    ]);
    const done = (await h.store.getTournament(GUILD, t.id))!;
    expect(done).toMatchObject({ status: 'finished', finalized: true });
    expect(done.rounds.map((r) => r.messageIds?.length)).toEqual([4, 2, 1, 1, 1, 1]);
    expect(done.rounds.every((r) => r.resultsShown)).toBe(true);
    const final = h.publisher.posts.at(-1)!;
    expect(final.payload.embeds[0]!.footer!.text).toBe(`World Cup ${t.id} · 64 couples`);
    expect(final.payload.embeds[0]!.fields![0]!.value.split('\n')).toHaveLength(6);
    expect(h.renders).toBe(1);
    expect((await h.service.stats(GUILD)).couples[done.champion!]).toMatchObject({ titles: 1, wins: 6 });
  });

  it('posts the rest of a big round’s messages after a failure between them, each once, with the round’s deadline unchanged', async () => {
    const h = harness();
    const t = await start(h, { size: 64 });
    await h.service.stop();
    // The next process fails to post the Round of 32's second message (Discord down for a moment).
    let posts = 0;
    const flaky = {
      editMessage: h.publisher.editMessage.bind(h.publisher),
      postMessage: async (channelId: string, payload: Parameters<MemoryPublisher['postMessage']>[1]) => {
        if (++posts === 2) throw new Error('discord down');
        return h.publisher.postMessage(channelId, payload);
      },
    };
    const logs = captureLogs('error');
    const first = h.another({ publisher: flaky, logger: logs.logger });
    await first.start();
    await h.clock.advance(HOUR);
    await first.idle();
    expect(logs.lines.map((l) => l.msg)).toContain('a world cup step failed; trying again later');
    const half = (await h.store.getTournament(GUILD, t.id))!;
    expect(half.rounds[1]!.messageIds).toHaveLength(1);
    expect(half.rounds[1]!.closesAt).toBe(START + 2 * HOUR);
    // Its retry (a minute later) posts only the missing one; a restarted process finds nothing to post.
    await h.clock.advance(60_000);
    await first.idle();
    await first.stop();
    const restarted = h.another();
    await restarted.start();
    await restarted.idle();
    const titles = roundPosts(h.publisher).map((p) => p.payload.embeds[0]!.title);
    expect(titles.filter((title) => title?.startsWith('💋 Round of 32'))).toEqual(['💋 Round of 32 · matches 1–8 of 16', '💋 Round of 32 · matches 9–16 of 16']);
    const whole = (await h.store.getTournament(GUILD, t.id))!;
    expect(whole.rounds[1]).toMatchObject({ closesAt: START + 2 * HOUR, messageIds: roundPosts(h.publisher).slice(4).map((p) => p.messageId) });
    await restarted.stop();
  });

  it('goes on however many steps fall due at once: a World Cup of 64 whose every post takes longer than a round plays through to its champion', async () => {
    const h = harness();
    // Each post takes an hour: each round's deadline has passed by the time its messages are up.
    const slow = {
      editMessage: h.publisher.editMessage.bind(h.publisher),
      postMessage: async (channelId: string, payload: Parameters<MemoryPublisher['postMessage']>[1]) => {
        const posted = await h.publisher.postMessage(channelId, payload);
        await h.clock.advance(HOUR);
        return posted;
      },
    };
    const logs = captureLogs('info');
    const service = h.another({ publisher: slow, logger: logs.logger });
    await service.start();
    const t = await service.startTournament({ ...where, starterId: STARTER, size: 64, roundMs: HOUR, hideCounts: false, lang: 'en' });
    await h.clock.advance(1);
    await service.idle();
    expect(logs.lines.filter((l) => l.msg === 'world cup round closed').map((l) => l.round)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await h.store.getTournament(GUILD, t.id)).toMatchObject({ status: 'finished', finalized: true });
    expect(h.publisher.posts.at(-1)!.payload.embeds[0]!.author!.name).toBe('Kiss-scene World Cup · the champion');
    expect(roundPosts(h.publisher)).toHaveLength(4 + 2 + 1 + 1 + 1 + 1);
    await service.stop();
  });

  it('starts a World Cup of 64 whose third message fails: the first two stay, the rest follow on the retry, each once', async () => {
    const h = harness();
    let posts = 0;
    const flaky = {
      editMessage: h.publisher.editMessage.bind(h.publisher),
      postMessage: async (channelId: string, payload: Parameters<MemoryPublisher['postMessage']>[1]) => {
        if (++posts === 3) throw new Error('discord down');
        return h.publisher.postMessage(channelId, payload);
      },
    };
    const logs = captureLogs('error');
    const service = h.another({ publisher: flaky, logger: logs.logger });
    await service.start();
    const t = await service.startTournament({ ...where, starterId: STARTER, size: 64, roundMs: HOUR, hideCounts: false, lang: 'en' });
    expect(t.rounds[0]!.messageIds).toHaveLength(2);
    expect(t.rounds[0]!.messageId).toBe(t.rounds[0]!.messageIds![0]);
    expect(await h.store.channelHolder(GUILD, CHANNEL)).toBe(t.id);
    expect(logs.lines.map((l) => l.msg)).toContain('a world cup step failed; trying again later');
    await h.clock.advance(60_000);
    await service.idle();
    expect(roundPosts(h.publisher).map((p) => p.payload.embeds[0]!.title)).toEqual([1, 9, 17, 25].map((from) => `💋 Round of 64 · matches ${from}–${from + 7} of 32`));
    const stored = (await h.store.getTournament(GUILD, t.id))!;
    expect(stored.rounds[0]).toMatchObject({ closesAt: START + HOUR, messageIds: roundPosts(h.publisher).map((p) => p.messageId) });
    await h.clock.advance(HOUR);
    await service.idle();
    expect((await h.store.getTournament(GUILD, t.id))!.rounds[0]!.resultsShown).toBe(true);
    await service.stop();
  });

  it('goes on with a tournament stored by the version before, whose rounds have one message each (no list of messages)', async () => {
    const h = harness();
    const t = await start(h, { size: 8 });
    await h.service.stop();
    const stored = (await h.store.getTournament(GUILD, t.id))!;
    const { messageIds, ...before } = stored.rounds[0]!;
    expect(messageIds).toEqual([before.messageId]);
    await h.store.saveTournament({ ...stored, rounds: [before] });
    const restarted = h.another();
    await restarted.start();
    await restarted.idle();
    // Nothing is posted again: the round's one message is its message.
    expect(roundPosts(h.publisher)).toHaveLength(1);
    await restarted.vote({ guildId: GUILD, tournamentId: t.id, round: 0, match: 2, side: 'b', userId: MEMBER(1) });
    await h.clock.advance(2_100);
    await restarted.idle();
    expect(h.publisher.text(before.messageId)).toContain('1 member has voted in this round');
    await h.clock.advance(HOUR);
    await restarted.idle();
    expect(h.publisher.messages.get(before.messageId!)!.payload.embeds[0]!.title).toBe('💋 Quarter-finals · results');
    expect(roundPosts(h.publisher).map((p) => p.payload.embeds[0]!.title)).toEqual(['💋 Quarter-finals', '💋 Semi-finals']);
    await restarted.stop();
  });

  it('allows one tournament per channel, however many start at once', async () => {
    const h = harness();
    const results = await Promise.allSettled([start(h), start(h), h.another().startTournament({ ...where, starterId: STARTER, roundMs: HOUR, hideCounts: false, lang: 'en' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toMatchObject({ key: 'worldcup.errors.channelBusy' });
    expect(roundPosts(h.publisher)).toHaveLength(1);
    expect((await start(h, { channelId: '200000000000000009' })).channelId).toBe('200000000000000009');
  });

  it('costs the same per vote with 10 voters or 600: the round counts and the voter’s own ballot', async () => {
    const h = harness();
    const t = await start(h);
    const costOfOneVote = async (member: number) => {
      const [reads, writes] = [h.map.reads, h.map.writes];
      await h.service.vote({ guildId: GUILD, tournamentId: t.id, round: 0, match: 1, side: 'a', userId: MEMBER(member) });
      return { reads: h.map.reads - reads, writes: h.map.writes - writes };
    };
    await voteAll(h.service, t, range(10), () => 'b');
    const small = await costOfOneVote(10_000);
    await voteAll(h.service, t, range(590, 10), () => 'b');
    const large = await costOfOneVote(10_001);
    expect(small).toEqual(large);
    // Read: the tournament, the round's counts (and an earlier version's), the voter's record of an
    // earlier version and their vote in each of the 2 matches; then the atomic write reads the
    // counts, the fence, the vote and the voter mark (twice: before and after computing the write)
    // and writes the vote, the voter mark and the counts.
    expect(small).toEqual({ reads: 3 + 3 + 2 * 4, writes: 3 });
    expect((await h.store.getTally(GUILD, t.id, 0, 2)).voters).toBe(602);
  });

  it('takes a round’s close over from a holder that died with its lease, once the lease lapses, and closes it once', async () => {
    const h = harness();
    await h.service.start();
    const t = await start(h);
    await voteAll(h.service, t, range(3), () => 'b');
    // Another process took the close's lease and died: not renewed, it lapses after 1 s.
    expect((await h.store.claimStep(GUILD, t.id, 'close:0', 'dead-process', 1_000)).held).toBe(true);
    const stale = (await h.store.readRound(GUILD, t.id, 0, [MEMBER(99)]))!;
    await h.clock.advance(HOUR);
    await h.service.idle();
    expect((await h.store.getTournament(GUILD, t.id))!.rounds[0]!.closedAt).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    // This process looks again when the lease would lapse (its timers run on the clock).
    await h.clock.advance(2_000);
    await h.service.idle();
    const closed = (await h.store.getTournament(GUILD, t.id))!;
    expect(closed.rounds[0]!.closedAt).toBeDefined();
    expect(closed.bracket.rounds[0]!.every((m: Match) => m.winner === m.b && m.decidedBy === 'votes')).toBe(true);
    // Fenced: a vote from a batch that read the round before its close is not stored.
    expect(await h.store.writeRound(stale, { votes: new Map([[MEMBER(99), new Map<number, Side>([[0, 'a']])]]) })).toBe(false);
    expect((await h.store.getTally(GUILD, t.id, 0, 2)).voters).toBe(3);
    await h.service.stop();
  });

  it('closes each round once with two processes running the same tournament, and finishes once', async () => {
    const h = harness();
    const other = h.another();
    await h.service.start();
    const t = await start(h);
    await other.start();
    await voteAll(h.service, t, range(5), (m) => (m < 3 ? 'a' : 'b'));
    for (let round = 0; round < 2; round++) {
      await h.clock.advance(HOUR);
      await Promise.all([h.service.idle(), other.idle()]);
      const latest = (await h.store.getTournament(GUILD, t.id))!;
      if (latest.status === 'running') await voteAll(other, latest, range(5), (m) => (m < 3 ? 'a' : 'b'));
    }
    await h.clock.advance(10 * HOUR);
    await Promise.all([h.service.idle(), other.idle()]);
    expect(roundPosts(h.publisher)).toHaveLength(2);
    const champions = h.publisher.posts.filter((p) => p.payload.embeds[0]?.author?.name === 'Kiss-scene World Cup · the champion');
    expect(champions).toHaveLength(1);
    const resultEdits = h.publisher.edits.filter((e) => / · results$/.test(e.payload.embeds[0]?.title ?? ''));
    expect(resultEdits.map((e) => e.messageId)).toEqual(roundPosts(h.publisher).map((p) => p.messageId));
    expect(h.polls.champions).toHaveLength(1);
    expect(h.renders).toBe(1);
    const done = (await h.store.getTournament(GUILD, t.id))!;
    expect(done.bracket.rounds.flat().every((m: Match) => m.decidedBy === 'votes' && m.winner === m.a)).toBe(true);
    await Promise.all([h.service.stop(), other.stop()]);
  });

  it('closes an overdue round once when two processes start at the same time (a rolling deploy)', async () => {
    const h = harness();
    const t = await start(h);
    await voteAll(h.service, t, range(3), () => 'a');
    await h.service.stop();
    await h.clock.advance(2 * HOUR);
    const logs = captureLogs('info');
    const [a, b] = [h.another({ logger: logs.logger }), h.another({ logger: logs.logger })];
    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(logs.lines.filter((l) => l.msg === 'world cup round closed')).toHaveLength(1);
    expect(roundPosts(h.publisher)).toHaveLength(2);
    expect(h.publisher.edits.filter((e) => / · results$/.test(e.payload.embeds[0]?.title ?? ''))).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('survives a restart: a deadline that passed while the bot was down closes the round once at start-up', async () => {
    const h = harness();
    await h.service.start();
    const t = await start(h);
    await voteAll(h.service, t, range(3), () => 'b');
    await h.service.stop();
    await h.clock.advance(3 * HOUR);
    expect(roundPosts(h.publisher)).toHaveLength(1);

    const restarted = h.another();
    expect(await restarted.start()).toBe(1);
    await restarted.idle();
    expect(roundPosts(h.publisher)).toHaveLength(2);
    const after = (await h.store.getTournament(GUILD, t.id))!;
    expect(after.bracket.rounds[0]!.map((m) => m.winner)).toEqual(t.bracket.rounds[0]!.map((m) => m.b));
    // The final, posted after the downtime, gets its whole hour from now.
    expect(after.rounds[1]!.closesAt).toBe(h.clock.now() + HOUR);
    await restarted.stop();
    const again = h.another();
    expect(await again.start()).toBe(1);
    await again.idle();
    expect(roundPosts(h.publisher)).toHaveLength(2);
  });

  it('breaks a tie by all-time wins, then by a coin flip, and records which', async () => {
    const h = harness({ random: seededRandom(7) });
    await h.service.start();
    const t = await start(h);
    const [m0, m1] = t.bracket.rounds[0]!;
    h.polls.win(m0!.b!, 2);
    h.polls.win(m0!.a!, 1);
    await h.service.vote({ guildId: GUILD, tournamentId: t.id, round: 0, match: 0, side: 'a', userId: MEMBER(1) });
    await h.service.vote({ guildId: GUILD, tournamentId: t.id, round: 0, match: 0, side: 'b', userId: MEMBER(2) });
    await h.clock.advance(HOUR);
    await h.service.idle();
    const closed = (await h.store.getTournament(GUILD, t.id))!.bracket.rounds[0]!;
    expect(closed[0]).toMatchObject({ winner: m0!.b, decidedBy: 'all-time-wins', votes: [1, 1], allTimeWins: [1, 2] });
    expect(closed[1]).toMatchObject({ decidedBy: 'coin-flip', votes: [0, 0], allTimeWins: [0, 0] });
    expect([m1!.a, m1!.b]).toContain(closed[1]!.winner);
    const text = h.publisher.text(t.rounds[0]!.messageId);
    expect(text).toContain('tied 1–1, and went through on more all-time wins in this server (2 to 1)');
    expect(text).toContain('tied 0–0 and level on all-time wins (0 each), so a coin flip decided');
  });

  it('hides the counts until the round closes when asked, and edits the message live otherwise', async () => {
    for (const hideCounts of [true, false]) {
      const h = harness();
      await h.service.start();
      const t = await start(h, { hideCounts });
      await voteAll(h.service, t, range(4), () => 'a');
      await h.clock.advance(2_100);
      await h.service.idle();
      const edits = h.publisher.edits.filter((e) => e.messageId === t.rounds[0]!.messageId);
      expect(edits.length).toBe(hideCounts ? 0 : 1);
      const text = h.publisher.text(t.rounds[0]!.messageId);
      expect(text.includes('🙈 The counts stay hidden until the round closes.')).toBe(hideCounts);
      expect(text.includes('4 members have voted in this round')).toBe(!hideCounts);
      await h.service.stop();
    }
  });

  it('refuses a channel where the round cannot be posted, and frees it again', async () => {
    const h = harness();
    h.publisher.goneChannels.add(CHANNEL);
    expect(await refusal(start(h))).toBe('worldcup.errors.cannotPost');
    expect(await h.store.channelHolder(GUILD, CHANNEL)).toBeUndefined();
    h.publisher.goneChannels.delete(CHANNEL);
    expect((await start(h)).status).toBe('running');
  });

  it('posts the champion without the image when the image cannot be rendered', async () => {
    const h = harness({ renderBracket: () => Promise.reject(new Error('no canvas')) });
    await h.service.start();
    const t = await start(h);
    await h.clock.advance(HOUR);
    await h.service.idle();
    await h.clock.advance(HOUR);
    await h.service.idle();
    const final = h.publisher.posts.at(-1)!;
    expect(final.payload.embeds[0]!.title).toMatch(/^🏆 /);
    expect(final.payload.files ?? []).toEqual([]);
    expect((await h.store.getTournament(GUILD, t.id))!.finalized).toBe(true);
  });

  it('closes a round whose deadline fell during a store outage once the store answers again, once', async () => {
    const h = harness();
    let down = false;
    const store = createWorldCupStore(h.keyv);
    const flaky: WorldCupStore = { ...store, getTally: (...args) => (down ? Promise.reject(new StoreUnavailableError('test outage')) : store.getTally(...args)) };
    const service = h.another({ store: flaky });
    await service.start();
    const t = await service.startTournament({ ...where, starterId: STARTER, size: 4, roundMs: HOUR, hideCounts: false, lang: 'en' });
    down = true;
    await h.clock.advance(HOUR);
    await service.idle();
    expect(roundPosts(h.publisher)).toHaveLength(1);
    expect((await store.getTournament(GUILD, t.id))!.rounds[0]!.closedAt).toBeUndefined();
    down = false;
    await h.clock.advance(STORE_RETRY_MS);
    await service.idle();
    expect(roundPosts(h.publisher)).toHaveLength(2);
    await h.clock.advance(STORE_RETRY_MS * 3);
    await service.idle();
    expect(roundPosts(h.publisher)).toHaveLength(2);
    await service.stop();
  });

  it('restores the running tournaments once the store answers, when it is down at start-up', async () => {
    const h = harness();
    const t = await start(h);
    await h.service.stop();
    let down = true;
    const store = createWorldCupStore(h.keyv);
    const flaky: WorldCupStore = { ...store, listRunning: (include) => (down ? Promise.reject(new StoreUnavailableError('test outage')) : store.listRunning(include)) };
    const restarted = h.another({ store: flaky });
    expect(await restarted.start()).toBe(0);
    down = false;
    await h.clock.advance(STORE_RETRY_MS);
    await restarted.idle();
    await h.clock.advance(HOUR);
    await restarted.idle();
    expect((await store.getTournament(GUILD, t.id))!.rounds[0]!.closedAt).toBe(START + HOUR);
    expect(roundPosts(h.publisher)).toHaveLength(2);
    await restarted.stop();
  });

  it('forgets a server: its timers stop, nothing more is posted', async () => {
    const h = harness();
    await h.service.start();
    await start(h);
    await h.service.forget(GUILD);
    await h.clock.advance(5 * HOUR);
    await h.service.idle();
    expect(h.publisher.posts).toHaveLength(1);
    expect(h.publisher.edits).toHaveLength(0);
  });
});
