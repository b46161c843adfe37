import { createPollStore } from '../../src/store/polls.js';
import { describe, expect, it, vi } from 'vitest';
import { buildCatalogue, coupleName, readStoryFiles } from '../../src/catalogue/catalogue.js';
import { seededRandom } from '../../src/catalogue/random.js';
import { pickDefaultCouples } from '../../src/polls/default-pick.js';
import { MAX_COUPLES } from '../../src/polls/model.js';
import { LEASE_MS } from '../../src/store/leases.js';
import { createCoupleBook } from '../../src/stories/book.js';
import { addStory } from '../../src/stories/model.js';
import { EMPTY_BOOK, MAX_STORIES, type StoryBook } from '../../src/stories/schema.js';
import { fields } from '../stories/helpers.js';
import { catalogue, CHANNEL, GUILD, harness, HOUR, MEMBER, OTHER_GUILD, refusal, STARTER, startPoll, storedPoll, storedVotes } from './helpers.js';
import { ARTICLE_TEN } from '../support/catalogue-rules.js';

const ids = catalogue.couples.slice(0, 4).map((c) => c.id);
/** The English name of the catalogue couple `id` ("Park Bo Gum & Kim Yoo Jung"). */
const nameOf = (id: string) => coupleName(catalogue.get(id)!);

/** The ten stories of the article the catalogue began with: a catalogue smaller than a poll. */
const ARTICLE = [...ARTICLE_TEN];
const article = buildCatalogue(readStoryFiles().filter((f) => ARTICLE.some((id) => f.file.endsWith(`/${id}.json`))));

/** A server's book of `n` stories of its own, each its own drama and actors. */
function ownBook(n: number): StoryBook {
  let book: StoryBook = EMPTY_BOOK;
  for (let i = 1; i <= n; i++) {
    const change = addStory(book, article.couples, fields(i, { actors: [{ name: `Actor ${i} Lee` }, { name: `Actor ${i} Kim` }], drama: { title: `Drama ${i}`, year: 2000 + i } }), { id: `own.${String(i).padStart(8, '0')}`, by: STARTER, at: 1 }, MAX_STORIES);
    if (!change.ok) throw new Error(change.reason);
    book = change.book;
  }
  return book;
}

describe('starting a poll', () => {
  it('posts one message with a button per candidate, stores the poll with that message and schedules its deadline', async () => {
    const { service, publisher, store, clock } = harness();
    const poll = await startPoll(service);
    expect(publisher.posts).toHaveLength(1);
    expect(poll.messageId).toBe(publisher.posts[0]?.messageId);
    const stored = await store.getPoll(GUILD, poll.id);
    expect(stored).toMatchObject({ status: 'open', messageId: poll.messageId, coupleIds: ids, starterId: STARTER });
    expect(await store.listOpenPolls(GUILD)).toEqual([{ pollId: poll.id, closesAt: poll.closesAt }]);
    const buttons = publisher.posts[0]?.payload.components.flatMap((r) => r.components) ?? [];
    expect(buttons.filter((b) => 'custom_id' in b && b.custom_id.startsWith(`poll:vote:${poll.id}:`))).toHaveLength(4);
    expect(clock.pending).toBe(1);
  });

  it('offers a varied set of the catalogue by default, picked with its random source, and says so on the message', async () => {
    expect(catalogue.couples.length).toBeGreaterThan(MAX_COUPLES);
    const { service, publisher, store } = harness({ random: seededRandom(11) });
    const poll = await startPoll(service, { coupleIds: undefined });
    // The same pick as the picker's own with that random source (the candidates are drawn before the poll id).
    expect(poll.coupleIds).toEqual(pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(11)).coupleIds);
    expect(poll.coupleIds).toHaveLength(MAX_COUPLES);
    const picked = poll.coupleIds.map((id) => catalogue.get(id)!);
    expect(new Set(picked.map((c) => c.drama.title)).size).toBe(MAX_COUPLES);
    expect(new Set(picked.flatMap((c) => c.actors.map((a) => a.name))).size).toBe(MAX_COUPLES * 2);
    expect(poll.defaultPick).toEqual({ from: catalogue.couples.length, how: 'varied' });
    expect((await store.getPoll(GUILD, poll.id))?.defaultPick).toEqual(poll.defaultPick);
    expect(publisher.text(poll.messageId).split('\n')[1]).toBe(`🎲 ${MAX_COUPLES} stories picked at random from ${catalogue.couples.length}, one per drama.`);
    expect(publisher.posts[0]?.payload.components.flatMap((r) => r.components)).toHaveLength(MAX_COUPLES + 3);

    // Another random source, another set; couples given by the starter say nothing of a pick.
    const other = await startPoll(harness({ random: seededRandom(12) }).service, { coupleIds: undefined });
    expect(other.coupleIds).not.toEqual(poll.coupleIds);
    const chosen = await startPoll(service);
    expect(chosen.defaultPick).toBeUndefined();
    expect(publisher.text(chosen.messageId)).not.toMatch(/🎲|picked/);
  });

  it('offers every story by default when the server has no more than a poll holds, its own stories included', async () => {
    const small = harness({ catalogue: article, random: seededRandom(1) });
    const poll = await startPoll(small.service, { coupleIds: undefined });
    expect(poll.coupleIds).toEqual(ARTICLE.toSorted());
    expect(poll.defaultPick).toEqual({ from: ARTICLE.length, how: 'all' });
    expect(small.publisher.text(poll.messageId).split('\n')[1]).toBe(`Every story is a candidate: ${ARTICLE.length} in all.`);

    // The catalogue's ten and the server's eight: eighteen, all in.
    const book = ownBook(8);
    const withOwn = harness({ catalogue: createCoupleBook({ catalogue: article, stories: { get: () => Promise.resolve(book) } }), random: seededRandom(1) });
    const mixed = await startPoll(withOwn.service, { coupleIds: undefined });
    expect(mixed.coupleIds).toEqual([...ARTICLE.toSorted(), ...book.stories.map((s) => s.id)]);
    expect(mixed.defaultPick).toEqual({ from: 18, how: 'all' });

    // Twenty-five: the server's fifteen first, then five of the catalogue's ten, one per drama, picked at random.
    const more = ownBook(15);
    const large = createCoupleBook({ catalogue: article, stories: { get: () => Promise.resolve(more) } });
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const h = harness({ catalogue: large, random: seededRandom(seed) });
      const p = await startPoll(h.service, { coupleIds: undefined });
      expect(p.coupleIds).toHaveLength(MAX_COUPLES);
      expect(p.defaultPick).toEqual({ from: ARTICLE.length, how: 'varied', own: 15 });
      for (const story of more.stories) expect(p.coupleIds).toContain(story.id);
      expect(h.publisher.text(p.messageId).split('\n')[1]).toBe(`🎲 This server's own stories (15), and 5 stories picked at random from ${ARTICLE.length}, one per drama.`);
      for (const id of p.coupleIds) if (!id.startsWith('own.')) seen.add(id);
    }
    // Different seeds pick different built-in stories.
    expect(seen.size).toBeGreaterThan(5);
  });

  it('refuses past the open-poll limit of the server, and allows a new one after a close', async () => {
    const { service, store } = harness({ maxOpenPerGuild: 2 });
    const first = await startPoll(service);
    await startPoll(service);
    expect(await refusal(startPoll(service))).toBe('poll.errors.tooManyOpen');
    expect(await store.listOpenPolls(GUILD)).toHaveLength(2);
    // Another server has its own limit.
    await startPoll(service, { guildId: OTHER_GUILD });
    await service.close({ guildId: GUILD, pollId: first.id, userId: STARTER, canManageGuild: false });
    await expect(startPoll(service)).resolves.toMatchObject({ status: 'open' });
  });

  it('holds the limit when many starts race', async () => {
    const { service, store } = harness({ maxOpenPerGuild: 5 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => startPoll(service)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(await store.listOpenPolls(GUILD)).toHaveLength(5);
  });

  it('stores nothing when the bot cannot post in the channel', async () => {
    const { service, publisher, store } = harness();
    publisher.goneChannels.add(CHANNEL);
    expect(await refusal(startPoll(service))).toBe('poll.errors.cannotPost');
    expect(await store.listOpenPolls(GUILD)).toEqual([]);
    expect(await service.openPolls(GUILD)).toEqual([]);
  });

  it('refuses a question that is too long', async () => {
    const { service, publisher } = harness();
    expect(await refusal(startPoll(service, { question: 'x'.repeat(201) }))).toBe('poll.errors.questionTooLong');
    expect(publisher.posts).toHaveLength(0);
  });
});

describe('voting', () => {
  it('two members vote, one changes and one withdraws: the counts are exact', async () => {
    const { service, store, publisher, clock, keyv } = harness();
    const poll = await startPoll(service);
    const [a, b] = [MEMBER(1), MEMBER(2)];
    expect(await service.vote({ guildId: GUILD, pollId: poll.id, userId: a, index: 0 })).toEqual({ outcome: 'new', coupleId: ids[0] });
    expect(await service.vote({ guildId: GUILD, pollId: poll.id, userId: b, index: 1 })).toEqual({ outcome: 'new', coupleId: ids[1] });
    expect(await service.vote({ guildId: GUILD, pollId: poll.id, userId: a, index: 2 })).toEqual({ outcome: 'changed', coupleId: ids[2], previous: ids[0] });
    expect(await service.vote({ guildId: GUILD, pollId: poll.id, userId: a, index: 2 })).toEqual({ outcome: 'same', coupleId: ids[2] });
    expect(await service.withdraw({ guildId: GUILD, pollId: poll.id, userId: b })).toEqual({ outcome: 'withdrawn', previous: ids[1] });
    expect(await service.withdraw({ guildId: GUILD, pollId: poll.id, userId: b })).toEqual({ outcome: 'none' });

    const stored = await storedPoll(keyv, GUILD, poll.id);
    expect(stored?.votes).toEqual({ [a]: ids[2] });
    expect(stored?.counts).toEqual({ counts: [0, 0, 1, 0], voters: 1 });
    expect((await store.read(GUILD, poll.id, [a, b]))?.votes).toEqual(new Map([[a, ids[2]], [b, undefined]]));

    await clock.advance(2_000);
    await service.idle();
    expect(publisher.text(poll.messageId)).toMatch(/1 member has voted/);
  });

  it('a vote is stored before it is acknowledged', async () => {
    const { service, keyv } = harness();
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 3 });
    const { createPollStore } = await import('../../src/store/polls.js');
    const stored = await createPollStore(keyv).read(GUILD, poll.id, [MEMBER(1)]);
    expect(stored?.votes.get(MEMBER(1))).toBe(ids[3]);
    expect(stored?.counts).toEqual({ counts: [0, 0, 0, 1], voters: 1 });
  });

  it('300 members voting at once are each counted exactly once, with far fewer message edits than votes', async () => {
    const { service, publisher, clock, keyv } = harness();
    const poll = await startPoll(service);
    const receipts = await Promise.all(
      Array.from({ length: 300 }, (_, i) => service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(i), index: i % 4 })),
    );
    expect(receipts.every((r) => r.outcome === 'new')).toBe(true);
    const stored = await storedPoll(keyv, GUILD, poll.id);
    expect(Object.keys(stored!.votes)).toHaveLength(300);
    expect(stored?.counts).toEqual({ counts: [75, 75, 75, 75], voters: 300 });

    await clock.advance(10_000);
    await service.idle();
    expect(publisher.edits.length).toBeGreaterThan(0);
    expect(publisher.edits.length).toBeLessThanOrEqual(5);
    expect(publisher.text(poll.messageId)).toMatch(/300 members have voted/);
  });

  it('stores a burst of votes in a handful of writes rather than one per vote', async () => {
    const { service, keyv } = harness();
    const poll = await startPoll(service);
    // Each batch writes its members and the counts at once: count the writes of the counts.
    const writes = vi.spyOn(keyv.store as Map<string, unknown>, 'set');
    await Promise.all(Array.from({ length: 300 }, (_, i) => service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(i), index: i % 4 })));
    const batches = writes.mock.calls.filter(([key]) => key.endsWith(`:poll:${poll.id}:counts`)).length;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThanOrEqual(3);
    expect(writes.mock.calls.filter(([key]) => key.includes(`:poll:${poll.id}:vote:`))).toHaveLength(300);
  });

  it('concurrent changes by the same member end on their last click', async () => {
    const { service, keyv } = harness();
    const poll = await startPoll(service);
    await Promise.all([0, 1, 2, 3, 1].map((index) => service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index })));
    expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({ votes: { [MEMBER(1)]: ids[1] }, counts: { counts: [0, 1, 0, 0], voters: 1 } });
  });

  it('edits the live message at most once per interval and always ends on the exact final state', async () => {
    const { service, publisher, clock } = harness({ editIntervalMs: 2_000 });
    const poll = await startPoll(service);
    const vote = (n: number, index: number) => service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(n), index });

    await vote(1, 0);
    await clock.advance(0);
    expect(publisher.edits).toHaveLength(1);
    expect(publisher.text(poll.messageId)).toMatch(/1 member has voted/);

    await vote(2, 1);
    await vote(3, 1);
    await clock.advance(1_000);
    expect(publisher.edits).toHaveLength(1);
    await clock.advance(1_000);
    expect(publisher.edits).toHaveLength(2);
    expect(publisher.text(poll.messageId)).toMatch(/3 members have voted/);

    // Quiet for a while, then one vote: shown straight away, since the last edit is long past.
    await clock.advance(60_000);
    expect(publisher.edits).toHaveLength(2);
    await vote(4, 2);
    await clock.advance(0);
    expect(publisher.edits).toHaveLength(3);
    expect(publisher.text(poll.messageId)).toMatch(/4 members have voted/);
  });

  it('does not edit the message of a poll that hides its counts, and never shows them before the close', async () => {
    const { service, publisher, clock } = harness();
    const poll = await startPoll(service, { hideCounts: true });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
    await clock.advance(10_000);
    expect(publisher.edits).toHaveLength(0);
    expect(publisher.text(poll.messageId)).not.toMatch(/\d+ votes?|have voted|has voted/);
    await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    expect(publisher.text(poll.messageId)).toMatch(/1 vote/);
  });

  describe('forged or stale ids change nothing', () => {
    it.each([
      ['an unknown poll', { guildId: GUILD, pollId: 'Zzzzzzzzzz', index: 0 }, 'poll.errors.unknownPoll'],
      ['another server’s poll', { guildId: OTHER_GUILD, index: 0 }, 'poll.errors.unknownPoll'],
      ['a position past the candidates', { guildId: GUILD, index: 4 }, 'poll.errors.badChoice'],
      ['a negative position', { guildId: GUILD, index: -1 }, 'poll.errors.badChoice'],
      ['a fractional position', { guildId: GUILD, index: 1.5 }, 'poll.errors.badChoice'],
    ])('%s', async (_, forged, key) => {
      const { service, store, keyv } = harness();
      const poll = await startPoll(service);
      await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(9), index: 0 });
      const before = await storedPoll(keyv, GUILD, poll.id);
      expect(await refusal(service.vote({ pollId: poll.id, userId: MEMBER(1), ...forged }))).toBe(key);
      expect(await storedPoll(keyv, GUILD, poll.id)).toEqual(before);
      expect(await store.getPoll(OTHER_GUILD, poll.id)).toBeUndefined();
      expect(await storedVotes(keyv, OTHER_GUILD, poll.id)).toEqual({});
    });

    it('a closed poll’s buttons are answered and change nothing', async () => {
      const { service, keyv } = harness();
      const poll = await startPoll(service);
      await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
      await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
      const before = await storedPoll(keyv, GUILD, poll.id);
      expect(await refusal(service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(2), index: 1 }))).toBe('poll.errors.closed');
      expect(await refusal(service.withdraw({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1) }))).toBe('poll.errors.closed');
      expect(await storedPoll(keyv, GUILD, poll.id)).toEqual(before);
    });

    it('withdrawing from an unknown poll or another server’s poll', async () => {
      const { service, keyv } = harness();
      const poll = await startPoll(service);
      await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
      expect(await refusal(service.withdraw({ guildId: OTHER_GUILD, pollId: poll.id, userId: MEMBER(1) }))).toBe('poll.errors.unknownPoll');
      expect(await refusal(service.withdraw({ guildId: GUILD, pollId: 'Zzzzzzzzzz', userId: MEMBER(1) }))).toBe('poll.errors.unknownPoll');
      expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({ votes: { [MEMBER(1)]: ids[0] }, counts: { counts: [1, 0, 0, 0], voters: 1 } });
    });

    it('a vote after the deadline is refused even before the deadline timer has run', async () => {
      const { service, restart, clock, keyv } = harness();
      const poll = await startPoll(service, { durationMs: HOUR });
      await service.stop();
      await clock.advance(2 * HOUR);
      // A click that arrives after a restart, before start-up has closed the overdue poll.
      const after = restart();
      expect(await refusal(after.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 }))).toBe('poll.errors.closed');
      expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({ votes: {}, counts: { counts: [0, 0, 0, 0], voters: 0 } });
    });
  });
});

describe('closing', () => {
  it('is refused to a member who neither started the poll nor may manage the server', async () => {
    const { service, store, publisher } = harness();
    const poll = await startPoll(service);
    expect(await refusal(service.close({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), canManageGuild: false }))).toBe('poll.errors.notAllowed');
    expect((await store.getPoll(GUILD, poll.id))?.status).toBe('open');
    expect(publisher.edits).toHaveLength(0);
  });

  it('by the starter: replaces the poll message with the results and the chart, and counts the poll in the leaderboard', async () => {
    const charts: string[][] = [];
    const { service, store, publisher } = harness({
      renderChart: (_tally, labels) => {
        charts.push([...labels]);
        return Buffer.from('png!');
      },
    });
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 1 });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(2), index: 1 });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(3), index: 0 });
    const receipt = await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    expect(receipt).toMatchObject({ outcome: 'closed', resultsMessageId: poll.messageId });

    const shown = publisher.messages.get(poll.messageId!)?.payload;
    expect(shown?.components).toEqual([]);
    expect(shown?.files?.[0]).toMatchObject({ name: `poll-${poll.id}.png` });
    expect(shown?.embeds[0]?.image?.url).toBe(`attachment://poll-${poll.id}.png`);
    expect(shown?.embeds[0]?.description).toContain(`The favourite: **${nameOf(ids[1]!)}** with 2 votes (66.7%)`);
    expect(charts).toEqual([catalogue.couples.slice(0, 4).map((c) => c.actors.map((a) => a.name).join(' & '))]);

    const board = await service.leaderboard(GUILD);
    expect(board).toMatchObject({ polls: 1, votes: 3 });
    expect(board.couples[ids[1]!]).toEqual({ votes: 2, wins: 1, polls: 1 });
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ status: 'closed', finalized: true, closeReason: 'manual', closedBy: STARTER });
    expect(await store.listOpenPolls(GUILD)).toEqual([]);
  });

  it('by a moderator who did not start it', async () => {
    const { service } = harness();
    const poll = await startPoll(service);
    await expect(service.close({ guildId: GUILD, pollId: poll.id, userId: MEMBER(5), canManageGuild: true })).resolves.toMatchObject({ outcome: 'closed' });
  });

  it('happens once: a double close yields one results message and one leaderboard count', async () => {
    const { service, publisher, clock } = harness();
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
    const closes = await Promise.all([
      service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false }),
      service.close({ guildId: GUILD, pollId: poll.id, userId: MEMBER(7), canManageGuild: true }),
      clock.advanceTo(poll.closesAt).then(() => undefined),
    ]);
    await service.idle();
    expect(closes.filter((c) => c?.outcome === 'closed')).toHaveLength(1);
    expect(closes.filter((c) => c?.outcome === 'already-closed')).toHaveLength(1);
    const resultEdits = publisher.edits.filter((e) => e.payload.files?.length);
    expect(resultEdits).toHaveLength(1);
    expect(publisher.posts).toHaveLength(1);
    expect((await service.leaderboard(GUILD)).polls).toBe(1);
  });

  it('closes at the deadline by itself', async () => {
    const { service, store, publisher, clock } = harness();
    const poll = await startPoll(service, { durationMs: 2 * HOUR });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 2 });
    await clock.advance(2 * HOUR - 1);
    await service.idle();
    expect((await store.getPoll(GUILD, poll.id))?.status).toBe('open');
    await clock.advance(1);
    await service.idle();
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ status: 'closed', closeReason: 'deadline', finalized: true });
    expect(publisher.text(poll.messageId)).toMatch(/The favourite/);
    expect((await service.leaderboard(GUILD)).couples[ids[2]!]).toMatchObject({ wins: 1 });
    expect(clock.pending).toBe(0);
  });

  it('without a poll id closes the server’s only open poll, and asks which one when there are several', async () => {
    const { service } = harness();
    expect(await refusal(service.close({ guildId: GUILD, userId: STARTER, canManageGuild: false }))).toBe('poll.errors.noOpenPoll');
    const poll = await startPoll(service);
    await startPoll(service, { guildId: OTHER_GUILD });
    await expect(service.results({ guildId: GUILD, userId: STARTER })).resolves.toMatchObject({ poll: { id: poll.id } });
    await startPoll(service);
    expect(await refusal(service.close({ guildId: GUILD, userId: STARTER, canManageGuild: false }))).toBe('poll.errors.whichPoll');
  });

  it('records the result even when the poll message was deleted, posting the results anew', async () => {
    const { service, publisher, clock, store } = harness();
    const poll = await startPoll(service);
    publisher.messages.delete(poll.messageId!);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
    await clock.advance(5_000);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(2), index: 0 });
    await clock.advance(5_000);
    // The live edit found the message gone and stopped trying.
    expect(publisher.edits).toHaveLength(1);
    const receipt = await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    expect(receipt.outcome === 'closed' && receipt.resultsMessageId).toBe(publisher.posts[1]?.messageId);
    expect(publisher.text(publisher.posts[1]?.messageId)).toMatch(/2 votes/);
    expect((await service.leaderboard(GUILD)).couples[ids[0]!]).toMatchObject({ votes: 2, wins: 1 });
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ finalized: true });
  });

  it('closes cleanly when even the channel is gone', async () => {
    const { service, publisher, store } = harness();
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 3 });
    publisher.goneChannels.add(CHANNEL);
    const receipt = await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    expect(receipt).toMatchObject({ outcome: 'closed', resultsMessageId: undefined });
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ status: 'closed', finalized: true });
    expect((await service.leaderboard(GUILD)).couples[ids[3]!]).toMatchObject({ wins: 1 });
  });

  it('posts the results without a chart when the chart cannot be rendered', async () => {
    const { service, publisher } = harness({
      renderChart: () => {
        throw new Error('no canvas');
      },
    });
    const poll = await startPoll(service);
    await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    const shown = publisher.messages.get(poll.messageId!)?.payload;
    expect(shown?.files).toEqual([]);
    expect(shown?.embeds[0]?.image).toBeUndefined();
    expect(shown?.embeds[0]?.description).toMatch(/Nobody voted/);
  });

  it('a live edit still in flight never overwrites the results', async () => {
    const { service, publisher, clock } = harness();
    const poll = await startPoll(service);
    const release = publisher.holdNextEdit();
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
    await clock.advance(0);
    expect(publisher.edits).toHaveLength(1);
    const closing = service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    // The results wait for the live edit: nothing else was sent meanwhile.
    expect(publisher.edits).toHaveLength(1);
    release();
    await closing;
    expect(publisher.edits).toHaveLength(2);
    expect(publisher.edits.at(-1)?.payload.files?.length).toBe(1);
    expect(publisher.text(poll.messageId)).toMatch(/The favourite/);
  });
});

describe('restarts', () => {
  it('keep the votes and the buttons working, and the deadline still closes the poll', async () => {
    const { service, restart, store, clock, publisher, keyv } = harness();
    const poll = await startPoll(service, { durationMs: 3 * HOUR });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
    await service.stop();

    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 1, closed: 0 });
    await after.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(2), index: 1 });
    expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({ votes: { [MEMBER(1)]: ids[0], [MEMBER(2)]: ids[1] }, counts: { counts: [1, 1, 0, 0], voters: 2 } });

    await clock.advanceTo(poll.closesAt);
    await after.idle();
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ status: 'closed', finalized: true });
    expect(publisher.text(poll.messageId)).toMatch(/A tie between/);
  });

  it('a deadline that passed while the bot was down closes the poll once, at start-up', async () => {
    const { service, restart, clock, publisher, store } = harness();
    const poll = await startPoll(service, { durationMs: HOUR });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 2 });
    await service.stop();
    await clock.advance(5 * HOUR);
    expect(publisher.edits.filter((e) => e.payload.files?.length)).toHaveLength(0);

    const first = restart();
    expect(await first.start([GUILD])).toEqual({ restored: 0, closed: 1 });
    await first.stop();
    const second = restart();
    expect(await second.start([GUILD])).toEqual({ restored: 0, closed: 0 });

    expect(publisher.edits.filter((e) => e.payload.files?.length)).toHaveLength(1);
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ status: 'closed', closeReason: 'deadline', finalized: true });
    expect((await second.leaderboard(GUILD)).polls).toBe(1);
  });

  it('finish a close whose results could not be posted, without counting the poll twice', async () => {
    const { service, restart, publisher, store } = harness();
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 0 });
    publisher.failEdits = new Error('Discord is down');
    publisher.failNextPost = new Error('Discord is down');
    const receipt = await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    expect(receipt).toMatchObject({ outcome: 'closed', resultsMessageId: undefined });
    const stored = await store.getPoll(GUILD, poll.id);
    expect(stored?.status).toBe('closed');
    expect(stored?.finalized).toBeFalsy();
    expect(await store.listOpenPolls(GUILD)).toHaveLength(1);
    await service.stop();

    publisher.failEdits = undefined;
    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 0, closed: 1 });
    expect(publisher.text(poll.messageId)).toMatch(/The favourite/);
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ finalized: true });
    expect((await after.leaderboard(GUILD)).polls).toBe(1);
  });

  it('try again later to post results that failed to post', async () => {
    const { service, publisher, clock, store } = harness();
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 1 });
    publisher.failEdits = new Error('Discord is down');
    publisher.failNextPost = new Error('Discord is down');
    await service.close({ guildId: GUILD, pollId: poll.id, userId: STARTER, canManageGuild: false });
    publisher.failEdits = undefined;
    await clock.advance(59_000);
    await service.idle();
    expect(publisher.text(poll.messageId)).not.toMatch(/The favourite/);
    await clock.advance(1_000);
    await service.idle();
    expect(publisher.text(poll.messageId)).toMatch(/The favourite/);
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ finalized: true });
    expect((await service.leaderboard(GUILD)).polls).toBe(1);
  });

  it('finish a close that a process claimed but died before storing: the poll is closed as claimed, and its results come soon after', async () => {
    const { service, restart, clock, publisher, store } = harness();
    const poll = await startPoll(service, { durationMs: HOUR });
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 2 });
    await store.claimClose(poll, { closedAt: clock.now(), closeReason: 'manual', closedBy: STARTER });
    await service.stop();
    await clock.advance(2 * HOUR);

    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 0, closed: 0 });
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ status: 'closed', closeReason: 'manual', closedBy: STARTER });
    expect(publisher.text(poll.messageId)).not.toMatch(/The favourite/);
    await clock.advance(LEASE_MS);
    await after.idle();
    expect(publisher.text(poll.messageId)).toMatch(/The favourite/);
    expect(await store.getPoll(GUILD, poll.id)).toMatchObject({ finalized: true });
    expect((await after.leaderboard(GUILD)).polls).toBe(1);
  });

  it('take up a poll stored by an earlier version in one record with all its votes: it takes votes, shows them, and closes with the right results', async () => {
    const { service, restart, clock, publisher, store, keyv } = harness();
    const poll = await startPoll(service, { durationMs: 3 * HOUR });
    await service.stop();
    // The poll as the earlier version stored it: every vote inside the poll record.
    const old = { ...(await store.getPoll(GUILD, poll.id))!, votes: { [MEMBER(1)]: ids[0]!, [MEMBER(2)]: ids[1]!, [MEMBER(3)]: ids[1]! } };
    await keyv.set(`guild:${GUILD}:poll:${poll.id}`, old);

    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 1, closed: 0 });
    expect(await after.results({ guildId: GUILD, pollId: poll.id, userId: MEMBER(2) })).toMatchObject({ myVote: ids[1], tally: { totalVoters: 3 } });
    expect(await after.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 1 })).toEqual({ outcome: 'changed', coupleId: ids[1], previous: ids[0] });
    expect(await after.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(4), index: 3 })).toEqual({ outcome: 'new', coupleId: ids[3] });
    expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({
      votes: { [MEMBER(1)]: ids[1], [MEMBER(2)]: ids[1], [MEMBER(3)]: ids[1], [MEMBER(4)]: ids[3] },
      counts: { counts: [0, 3, 0, 1], voters: 4 },
    });
    expect(await keyv.get(`guild:${GUILD}:poll:${poll.id}`)).not.toHaveProperty('votes');

    await clock.advanceTo(poll.closesAt);
    await after.idle();
    expect(publisher.text(poll.messageId)).toContain(`The favourite: **${nameOf(ids[1]!)}** with 3 votes (75%)`);
    expect((await after.leaderboard(GUILD)).couples[ids[1]!]).toEqual({ votes: 3, wins: 1, polls: 1 });
  });

  it('close a poll stored by an earlier version whose deadline passed while the bot was down', async () => {
    const { service, restart, clock, publisher, store, keyv } = harness();
    const poll = await startPoll(service, { durationMs: HOUR });
    await service.stop();
    await keyv.set(`guild:${GUILD}:poll:${poll.id}`, { ...(await store.getPoll(GUILD, poll.id))!, votes: { [MEMBER(1)]: ids[2]!, [MEMBER(2)]: ids[2]! } });
    await clock.advance(2 * HOUR);

    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 0, closed: 1 });
    expect(publisher.text(poll.messageId)).toMatch(/with 2 votes \(100%\)/);
    expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({ poll: { status: 'closed', finalized: true }, votes: { [MEMBER(1)]: ids[2], [MEMBER(2)]: ids[2] } });
    expect((await after.leaderboard(GUILD)).couples[ids[2]!]).toEqual({ votes: 2, wins: 1, polls: 1 });
  });

  it('restore only the servers they are given, each once', async () => {
    const { service, restart, clock } = harness();
    await startPoll(service);
    await startPoll(service, { guildId: OTHER_GUILD });
    await service.stop();
    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 1, closed: 0 });
    expect(await after.start([GUILD, OTHER_GUILD])).toEqual({ restored: 1, closed: 0 });
    expect(clock.pending).toBe(2);
  });

  it('at start-up, read the open polls of thousands of servers with one scan, not a read per server', async () => {
    const { service, restart, keyv, clock } = harness();
    const open = await startPoll(service);
    const elsewhere = await startPoll(service, { guildId: OTHER_GUILD });
    await service.stop();
    const servers = Array.from({ length: 2_000 }, (_, i) => String(100000000000001000n + BigInt(i)));
    const counting = createPollStore(keyv);
    let listReads = 0;
    const listOne = counting.listOpenPolls.bind(counting);
    counting.listOpenPolls = (guildId) => {
      listReads += 1;
      return listOne(guildId);
    };
    const after = restart({ store: counting });
    // The other server is not this process's: its poll is left alone.
    expect(await after.start([GUILD, ...servers])).toEqual({ restored: 1, closed: 0 });
    expect(listReads).toBe(0);
    expect(clock.pending).toBe(1);
    await clock.advanceTo(open.closesAt);
    await after.idle();
    expect((await counting.getPoll(GUILD, open.id))?.status).toBe('closed');
    expect((await counting.getPoll(OTHER_GUILD, elsewhere.id))?.status).toBe('open');
    // A server that arrives later (it joined after start-up) is read on its own.
    expect(await after.start([OTHER_GUILD])).toEqual({ restored: 0, closed: 1 });
  });

  it('drop a poll whose message was never posted because the bot stopped in between', async () => {
    const { restart, store, clock } = harness();
    const { newPoll } = await import('../../src/polls/model.js');
    const built = newPoll({ id: 'Orphan0001', guildId: GUILD, channelId: CHANNEL, starterId: STARTER, coupleIds: ids, hideCounts: false, lang: 'en', createdAt: clock.now(), durationMs: HOUR });
    if (!built.ok) throw new Error();
    await store.savePoll(built.poll);
    await store.setOpenPolls(GUILD, [{ pollId: 'Orphan0001', closesAt: built.poll.closesAt }]);
    await clock.advance(10 * 60_000);
    const after = restart();
    expect(await after.start([GUILD])).toEqual({ restored: 0, closed: 0 });
    expect(await store.getPoll(GUILD, 'Orphan0001')).toBeUndefined();
    expect(await store.listOpenPolls(GUILD)).toEqual([]);
  });
});

describe('results and leaderboard', () => {
  it('show a member their own vote with the current tally', async () => {
    const { service } = harness();
    const poll = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1), index: 3 });
    const view = await service.results({ guildId: GUILD, pollId: poll.id, userId: MEMBER(1) });
    expect(view.myVote).toBe(ids[3]);
    expect(view.tally.totalVoters).toBe(1);
    expect((await service.results({ guildId: GUILD, pollId: poll.id, userId: MEMBER(2) })).myVote).toBeUndefined();
    expect(await refusal(service.results({ guildId: OTHER_GUILD, pollId: poll.id, userId: MEMBER(1) }))).toBe('poll.errors.unknownPoll');
  });

  it('add up across polls, with ties giving every winner a win', async () => {
    const { service } = harness();
    const first = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: first.id, userId: MEMBER(1), index: 0 });
    await service.vote({ guildId: GUILD, pollId: first.id, userId: MEMBER(2), index: 1 });
    await service.close({ guildId: GUILD, pollId: first.id, userId: STARTER, canManageGuild: false });
    const second = await startPoll(service);
    await service.vote({ guildId: GUILD, pollId: second.id, userId: MEMBER(1), index: 0 });
    await service.close({ guildId: GUILD, pollId: second.id, userId: STARTER, canManageGuild: false });
    const board = await service.leaderboard(GUILD);
    expect(board).toMatchObject({ polls: 2, votes: 3 });
    expect(board.couples[ids[0]!]).toEqual({ votes: 2, wins: 2, polls: 2 });
    expect(board.couples[ids[1]!]).toEqual({ votes: 1, wins: 1, polls: 2 });
    expect((await service.leaderboard(OTHER_GUILD)).polls).toBe(0);
  });
});
