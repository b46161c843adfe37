import { catalogueFor, type CouplesSource } from '../stories/book.js';
import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import { isStoreUnavailable } from '../store/availability.js';
import type { PollStore } from '../store/polls.js';
import { PollChanges, type VoteReceipt, type WithdrawReceipt } from './changes.js';
import { renderChart as defaultRenderChart } from './chart.js';
import { PollCreator, type CreatePollInput } from './create.js';
import { Deadlines } from './deadlines.js';
import { pollKey, pollOfKey } from './ids.js';
import type { Leaderboard } from './leaderboard.js';
import { LiveEdits } from './live-edits.js';
import { pollMessage } from '../replies/poll.js';
import type { Poll } from './model.js';
import { OpenPolls } from './open-polls.js';
import type { PollPublisher } from './publisher.js';
import { PollRestorer, type StartReport } from './restore.js';
import { ResultsPoster, type RenderChart } from './results.js';
import { tallyCounts, type Tally } from './tally.js';
import { KeyedTimers } from './timers.js';

export type { CreatePollInput, StartReport, VoteReceipt, WithdrawReceipt };

export interface PollServiceDeps {
  readonly store: PollStore;
  /** The couples of each server (the catalogue and the server's own stories). */
  readonly catalogue: CouplesSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  /** For poll ids (the crypto generator when absent) and a default poll's candidates (Math.random when absent). */
  readonly random?: Random | undefined;
  /** At most one live edit of a poll message per this many milliseconds (default 2000). */
  readonly editIntervalMs?: number | undefined;
  /** Open polls a server may have at once (default 5). */
  readonly maxOpenPerGuild?: number | undefined;
  /** Renders the results chart (default: the canvas renderer); tests may count or fail it. */
  readonly renderChart?: RenderChart | undefined;
  /** How often open polls are checked for a close made by another process (real time; default 5 s). */
  readonly closeWatchMs?: number | undefined;
}

export type CloseReceipt =
  /** Closed by this call; `resultsMessageId` is undefined when the results could not be posted. */
  | { readonly outcome: 'closed'; readonly poll: Poll; readonly resultsMessageId: string | undefined }
  | { readonly outcome: 'already-closed'; readonly poll: Poll };

export interface PollView {
  readonly poll: Poll;
  readonly tally: Tally;
  /** The asking member's own vote. */
  readonly myVote: string | undefined;
}

/**
 * Favourite-kiss polls: creating, voting, closing (by hand or at the deadline), results and the
 * leaderboard. Every change to one poll runs in order (a vote is stored before it is acknowledged),
 * live edits of the poll message are coalesced, and a poll closes exactly once. Knows nothing of
 * discord.js: the public messages go through the `publisher` port. A member's mistake (a closed
 * poll, a close they may not make...) rejects with a UserError.
 */
export interface PollService {
  /**
   * Restores the servers' polls after a (re)start: deadline timers for open polls, and closes once
   * every poll whose deadline passed while the bot was down. Call it with the servers this process
   * serves (it may be called again for servers that arrive later; each server is restored once).
   */
  start(guildIds: Iterable<string>): Promise<StartReport>;
  /** Cancels timers and waits for running work. The stored state stays as it is. */
  stop(): Promise<void>;
  /**
   * Stops one server's timers and live edits (the bot was removed from it, or its data deleted); the
   * stored state stays as it is, and `start([guildId])` restores the server again.
   */
  forget(guildId: string): Promise<void>;
  /** Resolves once no work is running (timers may still be waiting): for tests and shutdown. */
  idle(): Promise<void>;
  /** Starts a poll and posts its message. Refused past the server's open-poll limit. */
  create(input: CreatePollInput): Promise<Poll>;
  /** A member's vote: the candidate at `index`. A later vote replaces the member's earlier one. */
  vote(input: { guildId: string; pollId: string; userId: string; index: number }): Promise<VoteReceipt>;
  withdraw(input: { guildId: string; pollId: string; userId: string }): Promise<WithdrawReceipt>;
  /** Closes now, for the starter or a member who may manage the server. Without `pollId`: the server's only open poll. */
  close(input: { guildId: string; pollId?: string | undefined; userId: string; canManageGuild: boolean }): Promise<CloseReceipt>;
  /** A poll with its current tally. Without `pollId`: the server's only open poll. */
  results(input: { guildId: string; pollId?: string | undefined; userId: string }): Promise<PollView>;
  leaderboard(guildId: string): Promise<Leaderboard>;
  /** A World Cup's champion joins the leaderboard with one more win, once per `resultId` (false when already counted). */
  addChampion(guildId: string, resultId: string, coupleId: string): Promise<boolean>;
  /** The server's open polls, soonest deadline first. */
  openPolls(guildId: string): Promise<Poll[]>;
}

/** From this many servers at once, `start` lists the open polls with one scan rather than a read per server. */
const SCAN_FROM = 16;

/**
 * Wires the poll units together: `PollChanges` (batched votes and closes), `Deadlines`,
 * `ResultsPoster`, `PollRestorer` and `PollCreator`, over one KeyedQueue and one set of timers.
 */
export function createPollService(deps: PollServiceDeps): PollService {
  const { store, catalogue, clock, logger, publisher } = deps;
  const queue = new KeyedQueue();
  const timers = new KeyedTimers(clock);
  const openPolls = new OpenPolls(store, queue);

  const liveEdits = new LiveEdits(
    clock,
    deps.editIntervalMs ?? 2000,
    async (key) => {
      const { guildId, pollId } = pollOfKey(key);
      const counted = await store.getCounted(guildId, pollId);
      const poll = counted?.poll;
      if (!counted || !poll || poll.status !== 'open' || !poll.messageId) return 'ok';
      const result = await publisher.editMessage(poll.channelId, poll.messageId, pollMessage(poll, tallyCounts(poll.coupleIds, counted.counts), await catalogueFor(catalogue, guildId)));
      if (result === 'gone') logger.info({ guildId, pollId }, 'poll message is gone; live counts stop');
      return result;
    },
    (key, err) => (isStoreUnavailable(err) ? logger.debug({ poll: key, reason: err.reason }, 'live poll edit skipped: store unavailable') : logger.warn({ poll: key, err }, 'live poll edit failed')),
  );

  const changes = new PollChanges({ store, clock, queue, liveEdits });
  const results = new ResultsPoster({ store, catalogue, logger, publisher, queue, openPolls, liveEdits, timers, renderChart: deps.renderChart ?? defaultRenderChart });
  const deadlines = new Deadlines({ clock, logger, timers, changes, results, store, watchMs: deps.closeWatchMs });
  const restorer = new PollRestorer({ store, clock, logger, openPolls, deadlines, results });
  const creator = new PollCreator({ store, catalogue, clock, logger, publisher, queue, openPolls, deadlines, random: deps.random, maxOpenPerGuild: deps.maxOpenPerGuild ?? 5 });

  async function idle(): Promise<void> {
    for (;;) {
      await Promise.all([timers.settle(), results.settle(), deadlines.settle()]);
      await queue.idle();
      await liveEdits.idle();
      if (!timers.busy && !results.busy && !deadlines.busy) return;
    }
  }

  return {
    async start(guildIds) {
      timers.start();
      const servers = [...guildIds];
      // Start-up hands over every server at once: one scan of the open-poll lists then replaces a
      // read per server (most have no open poll). A server that arrives later is read alone.
      const wanted = new Set(servers);
      const lists = servers.length >= SCAN_FROM ? await store.listAllOpenPolls((guildId) => wanted.has(guildId)) : undefined;
      return restorer.restore(servers, lists);
    },

    async stop() {
      timers.stop();
      deadlines.stop();
      await liveEdits.stopAll();
      await idle();
    },

    async forget(guildId) {
      const ofServer = (key: string) => key.startsWith(pollKey(guildId, '')) || key.startsWith(`results:${pollKey(guildId, '')}`);
      timers.cancelWhere(ofServer);
      deadlines.forget(guildId);
      restorer.forget(guildId);
      await liveEdits.forget(ofServer);
      await timers.settle();
    },

    idle,

    create: (input) => creator.create(input),

    vote: (input) => changes.vote(input),

    withdraw: (input) => changes.withdraw(input),

    async close({ guildId, pollId, userId, canManageGuild }) {
      const target = pollId ?? (await openPolls.resolve(guildId, undefined)).id;
      const result = await changes.close({ guildId, pollId: target, reason: 'manual', userId, canManageGuild });
      if (result.outcome === 'already-closed') {
        // Closed by another process (both serve the server in a rolling deploy): it posts the
        // results; this one looks again in case it died first.
        deadlines.cancel(guildId, target);
        if (!result.poll.finalized) results.finalizeLater(guildId, target);
        return { outcome: 'already-closed', poll: result.poll };
      }
      deadlines.cancel(guildId, target);
      logger.info({ guildId, pollId: target, userId }, 'poll closed by a member');
      const resultsMessageId = await results.finalize(guildId, target);
      return { outcome: 'closed', poll: result.poll, resultsMessageId };
    },

    async results({ guildId, pollId, userId }) {
      const { id } = await openPolls.resolve(guildId, pollId);
      const snapshot = await store.read(guildId, id, [userId]);
      if (!snapshot) throw new UserError('poll.errors.unknownPoll');
      return { poll: snapshot.poll, tally: tallyCounts(snapshot.poll.coupleIds, snapshot.counts), myVote: snapshot.votes.get(userId) };
    },

    leaderboard: (guildId) => store.getLeaderboard(guildId),

    // Counted by the store in one atomic step, once per result, whichever process adds it.
    addChampion: (guildId, resultId, coupleId) => store.addChampion(guildId, resultId, coupleId),

    openPolls: (guildId) => openPolls.list(guildId),
  };
}
