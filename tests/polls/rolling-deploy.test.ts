import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { describe, expect, it, vi } from 'vitest';
import { createPollService, type PollService } from '../../src/polls/service.js';
import { createPollStore } from '../../src/store/polls.js';
import { BACKENDS, type Backend, type SharedStore } from '../support/backends.js';
import { catalogue, CHANNEL, HOUR, MEMBER, MemoryPublisher, silent, START, STARTER } from './helpers.js';

const ids = catalogue.couples.slice(0, 4).map((c) => c.id);

/**
 * Two bot processes that both think they serve one server (a rolling deploy: the old process has
 * not stopped yet, the new one already runs), over one shared store, one clock and one Discord.
 */
function twoProcesses(shared: SharedStore, publisher = new MemoryPublisher(), clock = new ManualClock(START)) {
  const build = (keyv: typeof shared.a) =>
    createPollService({ store: createPollStore(keyv), catalogue, clock, logger: silent, publisher, renderChart: () => Buffer.from('png'), closeWatchMs: 20 });
  return { clock, publisher, old: build(shared.a), next: build(shared.b) };
}

const resultsMessages = (publisher: MemoryPublisher) => publisher.edits.filter((e) => e.payload.files?.length).length + publisher.posts.filter((p) => p.payload.files?.length).length;

async function pollWithVotes(service: PollService, guildId: string) {
  const poll = await service.create({ guildId, channelId: CHANNEL, starterId: STARTER, durationMs: HOUR, hideCounts: false, lang: 'en', coupleIds: ids });
  await Promise.all([0, 1, 1, 2, 1].map((index, n) => service.vote({ guildId, pollId: poll.id, userId: MEMBER(n), index })));
  return poll;
}

type World = ReturnType<typeof twoProcesses> & { shared: SharedStore; guildId: string; poll: Awaited<ReturnType<typeof pollWithVotes>> };

/** Runs `body` with a poll started (through the old process) and voted on, then stops both processes. */
async function withTwoProcesses(backend: Backend, body: (world: World) => Promise<void>) {
  const shared = backend.open();
  const world = twoProcesses(shared);
  const guildId = shared.guild();
  try {
    await body({ ...world, shared, guildId, poll: await pollWithVotes(world.old, guildId) });
  } finally {
    await Promise.all([world.old.stop(), world.next.stop()]);
    await shared.close();
  }
}

describe.each(BACKENDS)('two processes serving one server, on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('close a poll at its deadline once: one results message, counted once in the leaderboard', () =>
      withTwoProcesses(backend, async ({ shared, clock, publisher, old, next, guildId, poll }) => {
        // The new process starts while the old one still runs: both hold a deadline timer.
        expect(await next.start([guildId])).toEqual({ restored: 1, closed: 0 });
        await clock.advanceTo(poll.closesAt);
        await Promise.all([old.idle(), next.idle()]);

        expect(resultsMessages(publisher)).toBe(1);
        expect(publisher.text(poll.messageId)).toMatch(/The favourite: \*\*.*\*\* with 3 votes \(60%\)/);
        const board = await createPollStore(shared.a).getLeaderboard(guildId);
        expect(board).toMatchObject({ polls: 1, votes: 5 });
        expect(board.couples[ids[1]!]).toEqual({ votes: 3, wins: 1, polls: 1 });
        expect(await createPollStore(shared.b).getPoll(guildId, poll.id)).toMatchObject({ status: 'closed', closeReason: 'deadline', finalized: true });
        expect(await createPollStore(shared.b).listOpenPolls(guildId)).toEqual([]);
      }));

    it('close a poll once when a member closes it in one process as the deadline closes it in the other', () =>
      withTwoProcesses(backend, async ({ shared, clock, publisher, old, next, guildId, poll }) => {
        await next.start([guildId]);
        await clock.advanceTo(poll.closesAt - 1);
        const [byHand] = await Promise.all([
          next.close({ guildId, pollId: poll.id, userId: STARTER, canManageGuild: false }).catch((err: unknown) => err),
          clock.advance(1),
        ]);
        await Promise.all([old.idle(), next.idle()]);

        expect(resultsMessages(publisher)).toBe(1);
        const stored = await createPollStore(shared.a).getPoll(guildId, poll.id);
        expect(stored).toMatchObject({ status: 'closed', finalized: true });
        // Whichever close won, the stored close is that one's.
        if (byHand && typeof byHand === 'object' && 'outcome' in byHand && byHand.outcome === 'closed') expect(stored).toMatchObject({ closeReason: 'manual', closedBy: STARTER });
        else expect(stored).toMatchObject({ closeReason: 'deadline' });
        expect((await createPollStore(shared.b).getLeaderboard(guildId)).polls).toBe(1);
      }));

    it('post the results of a poll closed in the other process, when that one died after its close claim', () =>
      withTwoProcesses(backend, async ({ shared, publisher, old, next, guildId, poll }) => {
        expect(await next.start([guildId])).toEqual({ restored: 1, closed: 0 });
        // Another process claimed the close (a member's close reached it alone) and died; both of
        // these watch the poll, and one of them posts the results.
        await createPollStore(shared.a).claimClose(poll, { closedAt: Date.now(), closeReason: 'manual', closedBy: STARTER });
        await vi.waitFor(() => expect(resultsMessages(publisher)).toBe(1), { timeout: 5_000 });
        await Promise.all([old.idle(), next.idle()]);
        expect(resultsMessages(publisher)).toBe(1);
        expect(await createPollStore(shared.b).getPoll(guildId, poll.id)).toMatchObject({ status: 'closed', closeReason: 'manual', finalized: true });
        expect((await createPollStore(shared.b).getLeaderboard(guildId)).polls).toBe(1);
      }));

    it('post the results of a poll whose poster died holding the lease, once the lease lapses', () =>
      withTwoProcesses(backend, async ({ shared, clock, publisher, old, next, guildId, poll }) => {
        await next.start([guildId]);
        const store = createPollStore(shared.a);
        await store.claimClose(poll, { closedAt: Date.now(), closeReason: 'manual', closedBy: STARTER });
        // The dead poster's lease, not renewed: it lapses after 1.5 s.
        expect((await store.claimResults(guildId, poll.id, 'dead-poster', 1_500)).held).toBe(true);
        await vi.waitFor(async () => expect(await createPollStore(shared.b).getPoll(guildId, poll.id)).toMatchObject({ status: 'closed' }), { timeout: 1_000 });
        await Promise.all([old.idle(), next.idle()]);
        expect(resultsMessages(publisher)).toBe(0);
        // This process looks again when the lease would lapse (its timers run on the clock).
        await vi.waitFor(
          async () => {
            await clock.advance(1_000);
            await Promise.all([old.idle(), next.idle()]);
            expect(resultsMessages(publisher)).toBe(1);
          },
          { timeout: 5_000, interval: 100 },
        );
        expect(await createPollStore(shared.b).getPoll(guildId, poll.id)).toMatchObject({ finalized: true });
      }));

    it('post the results of a close left unfinished once, when both start up and finish it at once', () =>
      withTwoProcesses(backend, async ({ shared, publisher, old, guildId, poll }) => {
        publisher.failEdits = new Error('Discord is down');
        publisher.failNextPost = new Error('Discord is down');
        expect(await old.close({ guildId, pollId: poll.id, userId: STARTER, canManageGuild: false })).toMatchObject({ outcome: 'closed', resultsMessageId: undefined });
        await old.stop();
        publisher.failEdits = undefined;
        const edits = publisher.edits.length;

        const again = twoProcesses(shared, publisher);
        await Promise.all([again.old.start([guildId]), again.next.start([guildId])]);
        await Promise.all([again.old.idle(), again.next.idle()]);
        expect(publisher.edits.slice(edits).filter((e) => e.payload.files?.length)).toHaveLength(1);
        expect(publisher.posts.filter((p) => p.payload.files?.length)).toHaveLength(0);
        expect(publisher.text(poll.messageId)).toMatch(/The favourite/);
        expect((await createPollStore(shared.a).getLeaderboard(guildId)).polls).toBe(1);
        await Promise.all([again.old.stop(), again.next.stop()]);
      }));
  });
});
