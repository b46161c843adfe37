import type { Catalogue } from '../catalogue/catalogue.js';
import type { Random } from '../catalogue/random.js';
import type { Clock, TimerHandle } from '../clock.js';
import { UserError } from '../errors.js';
import type { Language } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { OpenPollRef, PollStore } from '../store/polls.js';
import { renderChart as defaultRenderChart, type ChartOptions } from './chart.js';
import { MAX_DURATION_MS, MIN_DURATION_MS } from './duration.js';
import { newPollId } from './ids.js';
import type { Leaderboard } from './leaderboard.js';
import { LiveEdits } from './live-edits.js';
import { candidateName, chartFileName, pollMessage, questionText, resultsMessage } from './messages.js';
import {
  acceptsVotes,
  castVote,
  closePoll,
  MAX_COUPLES,
  MAX_QUESTION_LENGTH,
  mayClose,
  MIN_COUPLES,
  newPoll,
  withdrawVote,
  type CloseReason,
  type Poll,
} from './model.js';
import type { OutgoingFile, PollPublisher } from './publisher.js';
import { KeyedQueue } from '../keyed-queue.js';
import { Batcher, type BatchOutcome } from './batcher.js';
import { tallyPoll, type Tally } from './tally.js';

export interface PollServiceDeps {
  readonly store: PollStore;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  /** For poll ids; the crypto generator when absent. */
  readonly random?: Random | undefined;
  /** At most one live edit of a poll message per this many milliseconds (default 2000). */
  readonly editIntervalMs?: number | undefined;
  /** Open polls a server may have at once (default 5). */
  readonly maxOpenPerGuild?: number | undefined;
  /** Renders the results chart (default: the canvas renderer); tests may count or fail it. */
  readonly renderChart?: ((tally: Tally, labels: readonly string[], lang: Language, options?: ChartOptions) => Buffer) | undefined;
}

export interface CreatePollInput {
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  readonly question?: string | undefined;
  /** Catalogue ids; default: every couple in the catalogue (the first 20). */
  readonly coupleIds?: readonly string[] | undefined;
  readonly durationMs: number;
  readonly hideCounts: boolean;
  /** Language of the public message: the server's. */
  readonly lang: Language;
}

export type VoteReceipt =
  | { readonly outcome: 'new' | 'same'; readonly coupleId: string }
  | { readonly outcome: 'changed'; readonly coupleId: string; readonly previous: string };

export type WithdrawReceipt = { readonly outcome: 'withdrawn'; readonly previous: string } | { readonly outcome: 'none' };

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

export interface StartReport {
  /** Open polls whose deadline timers were restored. */
  readonly restored: number;
  /** Polls closed (or whose close was finished) at start-up because their deadline had passed. */
  readonly closed: number;
}

/**
 * Favourite-kiss polls: creating, voting, closing (by hand or at the deadline), results and the
 * leaderboard. Every change to one poll runs in order (a vote is stored before it is acknowledged),
 * live edits of the poll message are coalesced, and a poll closes exactly once. Knows nothing of
 * discord.js: the public messages go through the `publisher` port.
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
  /** The server's open polls, soonest deadline first. */
  openPolls(guildId: string): Promise<Poll[]>;
}

type PollOp =
  | { kind: 'vote'; guildId: string; pollId: string; userId: string; index: number }
  | { kind: 'withdraw'; guildId: string; pollId: string; userId: string }
  | { kind: 'close'; guildId: string; pollId: string; reason: CloseReason; userId?: string | undefined; canManageGuild?: boolean };

type OpResult = VoteReceipt | WithdrawReceipt | { outcome: 'closed' | 'already-closed'; poll: Poll };

/** Node timers cannot wait longer than about 24.8 days; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Waits before trying again to post results that failed to post (then the next start-up tries). */
const RESULT_RETRIES_MS = [60_000, 5 * 60_000, 30 * 60_000];
/** An open poll still without a message this long after it was created was cut off by a crash. */
const ORPHAN_AFTER_MS = 5 * 60_000;

const pollKey = (guildId: string, pollId: string) => `poll:${guildId}:${pollId}`;
const serverKey = (guildId: string) => `guild:${guildId}`;
const ok = <R>(value: R): BatchOutcome<R> => ({ ok: true, value });
const fail = <R>(error: unknown): BatchOutcome<R> => ({ ok: false, error });

export function createPollService(deps: PollServiceDeps): PollService {
  const { store, catalogue, clock, logger, publisher } = deps;
  const maxOpen = deps.maxOpenPerGuild ?? 5;
  const render = deps.renderChart ?? defaultRenderChart;
  const queue = new KeyedQueue();
  const deadlines = new Map<string, TimerHandle>();
  const finalizing = new Map<string, Promise<string | undefined>>();
  const background = new Set<Promise<unknown>>();
  const restoredGuilds = new Set<string>();
  const resultAttempts = new Map<string, number>();
  let stopped = false;

  const liveEdits = new LiveEdits(
    clock,
    deps.editIntervalMs ?? 2000,
    async (key) => {
      const [, guildId = '', pollId = ''] = key.split(':');
      const poll = await store.getPoll(guildId, pollId);
      if (!poll || poll.status !== 'open' || !poll.messageId) return 'ok';
      const result = await publisher.editMessage(poll.channelId, poll.messageId, pollMessage(poll, tallyPoll(poll), catalogue));
      if (result === 'gone') logger.info({ guildId, pollId }, 'poll message is gone; live counts stop');
      return result;
    },
    (key, err) => logger.warn({ poll: key, err }, 'live poll edit failed'),
  );

  /** Keeps track of work started by timers, so `idle` and `stop` can wait for it. */
  function track<T>(work: Promise<T>): Promise<T> {
    background.add(work);
    void work.then(
      () => background.delete(work),
      () => background.delete(work),
    );
    return work;
  }

  function updateOpenRefs(guildId: string, change: (refs: OpenPollRef[]) => OpenPollRef[]): Promise<void> {
    return queue.run(serverKey(guildId), async () => {
      const refs = await store.listOpenPolls(guildId);
      const next = change(refs);
      if (next.length !== refs.length || next.some((r, i) => r !== refs[i])) await store.setOpenPolls(guildId, next);
    });
  }

  async function processBatch(key: string, ops: PollOp[]): Promise<Array<BatchOutcome<OpResult>>> {
    const first = ops[0];
    if (!first) return [];
    let poll = await store.getPoll(first.guildId, first.pollId);
    const now = clock.now();
    let changed = false;
    let votesChanged = false;
    const outcomes = ops.map((op): BatchOutcome<OpResult> => {
      if (!poll) return fail(new UserError('poll.errors.unknownPoll'));
      switch (op.kind) {
        case 'vote': {
          if (!acceptsVotes(poll, now)) return fail(new UserError('poll.errors.closed'));
          const coupleId = Number.isInteger(op.index) ? poll.coupleIds[op.index] : undefined;
          if (coupleId === undefined) return fail(new UserError('poll.errors.badChoice'));
          const change = castVote(poll, op.userId, coupleId, now);
          if (!change.ok) return fail(new UserError(change.reason === 'closed' ? 'poll.errors.closed' : 'poll.errors.badChoice'));
          if (change.outcome !== 'same') {
            poll = change.poll;
            changed = votesChanged = true;
          }
          return ok(change.outcome === 'changed' ? { outcome: 'changed', coupleId, previous: change.previous } : { outcome: change.outcome, coupleId });
        }
        case 'withdraw': {
          const change = withdrawVote(poll, op.userId, now);
          if (!change.ok) return fail(new UserError('poll.errors.closed'));
          if (change.outcome === 'none') return ok({ outcome: 'none' });
          poll = change.poll;
          changed = votesChanged = true;
          return ok({ outcome: 'withdrawn', previous: change.previous });
        }
        case 'close': {
          if (poll.status === 'closed') return ok({ outcome: 'already-closed', poll });
          if (op.reason === 'manual' && !mayClose(poll, op.userId ?? '', op.canManageGuild ?? false)) {
            return fail(new UserError('poll.errors.notAllowed'));
          }
          const change = closePoll(poll, now, op.reason, op.reason === 'manual' ? op.userId : undefined);
          poll = change.poll;
          changed = true;
          return ok({ outcome: 'closed', poll });
        }
      }
    });
    if (changed && poll) await store.savePoll(poll);
    if (votesChanged && poll?.status === 'open' && !poll.hideCounts) liveEdits.touch(key);
    return outcomes;
  }

  const batcher = new Batcher<PollOp, OpResult>(queue, processBatch);

  function scheduleDeadline(poll: Poll): void {
    if (stopped) return;
    const key = pollKey(poll.guildId, poll.id);
    deadlines.get(key)?.cancel();
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, poll.closesAt - clock.now()));
    deadlines.set(
      key,
      clock.setTimeout(() => {
        deadlines.delete(key);
        if (clock.now() < poll.closesAt) return scheduleDeadline(poll);
        void track(closeAtDeadline(poll.guildId, poll.id));
      }, wait),
    );
  }

  async function closeAtDeadline(guildId: string, pollId: string): Promise<boolean> {
    try {
      const result = (await batcher.submit(pollKey(guildId, pollId), { kind: 'close', guildId, pollId, reason: 'deadline' })) as CloseOpResult;
      if (result.outcome === 'closed') {
        logger.info({ guildId, pollId }, 'poll closed at its deadline');
        await finalize(guildId, pollId);
        return true;
      }
      return false;
    } catch (err) {
      logger.error({ guildId, pollId, err }, 'closing a poll at its deadline failed');
      return false;
    }
  }

  function renderResults(poll: Poll, tally: Tally) {
    let chart: OutgoingFile | undefined;
    try {
      const labels = poll.coupleIds.map((id) => candidateName(catalogue, id, poll.lang));
      chart = { name: chartFileName(poll), data: render(tally, labels, poll.lang, { title: questionText(poll) }) };
    } catch (err) {
      logger.error({ guildId: poll.guildId, pollId: poll.id, err }, 'rendering the results chart failed; posting the results without it');
    }
    return resultsMessage(poll, tally, catalogue, chart);
  }

  /**
   * After a close: counts the poll in the leaderboard (once), replaces the poll message with the
   * results (or posts them anew when the message is gone), then marks the poll finished. If posting
   * fails for another reason, the poll stays unfinished and the next start-up tries again.
   */
  function finalize(guildId: string, pollId: string): Promise<string | undefined> {
    const key = pollKey(guildId, pollId);
    const running = finalizing.get(key);
    if (running) return running;
    const work = (async () => {
      await liveEdits.stop(key);
      const poll = await store.getPoll(guildId, pollId);
      if (!poll || poll.status !== 'closed') return undefined;
      if (poll.finalized) return poll.resultsMessageId;
      const tally = tallyPoll(poll);
      await queue.run(serverKey(guildId), () => store.addToLeaderboard(guildId, pollId, tally));
      const payload = renderResults(poll, tally);
      let resultsMessageId: string | undefined;
      try {
        if (poll.messageId) {
          const edited = await publisher.editMessage(poll.channelId, poll.messageId, payload);
          if (edited === 'ok') resultsMessageId = poll.messageId;
          else logger.info({ guildId, pollId }, 'poll message is gone; posting the results as a new message');
        }
        if (!resultsMessageId) {
          const posted = await publisher.postMessage(poll.channelId, payload);
          if (posted.ok) resultsMessageId = posted.messageId;
          else logger.warn({ guildId, pollId, channelId: poll.channelId }, 'cannot post poll results in the channel; the result is recorded in the leaderboard');
        }
      } catch (err) {
        const attempt = resultAttempts.get(key) ?? 0;
        const wait = RESULT_RETRIES_MS[attempt];
        logger.error({ guildId, pollId, err, attempt }, wait === undefined ? 'posting poll results failed; the next start-up tries again' : 'posting poll results failed; trying again later');
        if (wait !== undefined && !stopped) {
          resultAttempts.set(key, attempt + 1);
          deadlines.set(
            key,
            clock.setTimeout(() => {
              deadlines.delete(key);
              void track(finalize(guildId, pollId));
            }, wait),
          );
        }
        return undefined;
      }
      resultAttempts.delete(key);
      await queue.run(key, async () => {
        const latest = (await store.getPoll(guildId, pollId)) ?? poll;
        await store.savePoll({ ...latest, finalized: true, resultsMessageId });
      });
      await updateOpenRefs(guildId, (refs) => refs.filter((r) => r.pollId !== pollId));
      logger.info({ guildId, pollId, voters: tally.totalVoters, winners: tally.winners }, 'poll results recorded');
      return resultsMessageId;
    })();
    finalizing.set(key, work);
    void work.then(
      () => finalizing.delete(key),
      () => finalizing.delete(key),
    );
    return work;
  }

  async function loadOpenPolls(guildId: string): Promise<Poll[]> {
    const refs = await store.listOpenPolls(guildId);
    const polls = await Promise.all(refs.map((r) => store.getPoll(guildId, r.pollId)));
    return polls.filter((p): p is Poll => p?.status === 'open').sort((a, b) => a.closesAt - b.closesAt);
  }

  /** The poll a command means: the one named, or the server's only open poll. */
  async function resolvePoll(guildId: string, pollId: string | undefined): Promise<Poll> {
    if (pollId !== undefined) {
      const poll = await store.getPoll(guildId, pollId);
      if (!poll) throw new UserError('poll.errors.unknownPoll');
      return poll;
    }
    const open = await loadOpenPolls(guildId);
    if (open.length === 0) throw new UserError('poll.errors.noOpenPoll');
    if (open.length > 1) throw new UserError('poll.errors.whichPoll');
    return open[0] as Poll;
  }

  async function discard(poll: Poll): Promise<void> {
    await queue.run(pollKey(poll.guildId, poll.id), () => store.deletePoll(poll.guildId, poll.id));
    await updateOpenRefs(poll.guildId, (refs) => refs.filter((r) => r.pollId !== poll.id));
  }

  async function restoreGuild(guildId: string): Promise<{ restored: number; closed: number }> {
    let restored = 0;
    let closed = 0;
    for (const ref of await store.listOpenPolls(guildId)) {
      const poll = await store.getPoll(guildId, ref.pollId);
      const now = clock.now();
      if (!poll || (poll.status === 'closed' && poll.finalized)) {
        await updateOpenRefs(guildId, (refs) => refs.filter((r) => r.pollId !== ref.pollId));
      } else if (poll.status === 'closed') {
        await finalize(guildId, poll.id);
        closed += 1;
      } else if (!poll.messageId && poll.createdAt + ORPHAN_AFTER_MS < now) {
        logger.warn({ guildId, pollId: poll.id }, 'dropping a poll whose message was never posted');
        await discard(poll);
      } else if (poll.closesAt <= now) {
        if (await closeAtDeadline(guildId, poll.id)) closed += 1;
      } else {
        scheduleDeadline(poll);
        restored += 1;
      }
    }
    return { restored, closed };
  }

  async function idle(): Promise<void> {
    for (;;) {
      await Promise.all([...background, ...finalizing.values()].map((p) => p.catch(() => undefined)));
      await queue.idle();
      await liveEdits.idle();
      if (background.size === 0 && finalizing.size === 0) return;
    }
  }

  return {
    async start(guildIds) {
      stopped = false;
      let restored = 0;
      let closed = 0;
      for (const guildId of guildIds) {
        if (restoredGuilds.has(guildId)) continue;
        restoredGuilds.add(guildId);
        try {
          const report = await restoreGuild(guildId);
          restored += report.restored;
          closed += report.closed;
        } catch (err) {
          logger.error({ guildId, err }, 'restoring polls failed');
        }
      }
      if (restored || closed) logger.info({ restored, closed }, 'polls restored');
      return { restored, closed };
    },

    async stop() {
      stopped = true;
      for (const timer of deadlines.values()) timer.cancel();
      deadlines.clear();
      await liveEdits.stopAll();
      await idle();
    },

    idle,

    async create(input) {
      const coupleIds = [...new Set(input.coupleIds ?? catalogue.couples.slice(0, MAX_COUPLES).map((c) => c.id))];
      const unknown = coupleIds.find((id) => !catalogue.get(id));
      if (unknown !== undefined) throw new Error(`Unknown couple id: ${unknown}`);
      if (input.durationMs < MIN_DURATION_MS || input.durationMs > MAX_DURATION_MS) throw new RangeError(`Poll duration out of range: ${input.durationMs}`);

      let id = newPollId(deps.random);
      for (let i = 0; (await store.getPoll(input.guildId, id)) && i < 5; i++) id = newPollId(deps.random);
      const built = newPoll({ ...input, id, coupleIds, createdAt: clock.now() });
      if (!built.ok) {
        switch (built.reason) {
          case 'question-too-long':
            throw new UserError('poll.errors.questionTooLong', { max: MAX_QUESTION_LENGTH });
          case 'too-many-couples':
            throw new UserError('poll.errors.tooManyCouples', { max: MAX_COUPLES });
          default:
            throw new UserError('poll.errors.tooFewCouples', { min: MIN_COUPLES });
        }
      }
      const poll = built.poll;

      await queue.run(serverKey(input.guildId), async () => {
        const refs = await store.listOpenPolls(input.guildId);
        const polls = await Promise.all(refs.map((r) => store.getPoll(input.guildId, r.pollId)));
        if (polls.filter((p) => p?.status === 'open').length >= maxOpen) throw new UserError('poll.errors.tooManyOpen', { max: maxOpen });
        await store.savePoll(poll);
        await store.setOpenPolls(input.guildId, [...refs, { pollId: poll.id, closesAt: poll.closesAt }]);
      });

      let posted;
      try {
        posted = await publisher.postMessage(poll.channelId, pollMessage(poll, tallyPoll(poll), catalogue));
      } catch (err) {
        await discard(poll);
        throw err;
      }
      if (!posted.ok) {
        await discard(poll);
        throw new UserError('poll.errors.cannotPost');
      }
      const messageId = posted.messageId;
      const shown = await queue.run(pollKey(poll.guildId, poll.id), async () => {
        const withMessage: Poll = { ...((await store.getPoll(poll.guildId, poll.id)) ?? poll), messageId };
        await store.savePoll(withMessage);
        return withMessage;
      });
      scheduleDeadline(shown);
      logger.info({ guildId: poll.guildId, pollId: poll.id, couples: poll.coupleIds.length, closesAt: poll.closesAt, hideCounts: poll.hideCounts }, 'poll started');
      return shown;
    },

    async vote({ guildId, pollId, userId, index }) {
      return (await batcher.submit(pollKey(guildId, pollId), { kind: 'vote', guildId, pollId, userId, index })) as VoteReceipt;
    },

    async withdraw({ guildId, pollId, userId }) {
      return (await batcher.submit(pollKey(guildId, pollId), { kind: 'withdraw', guildId, pollId, userId })) as WithdrawReceipt;
    },

    async close({ guildId, pollId, userId, canManageGuild }) {
      const target = pollId ?? (await resolvePoll(guildId, undefined)).id;
      const result = (await batcher.submit(pollKey(guildId, target), {
        kind: 'close',
        guildId,
        pollId: target,
        reason: 'manual',
        userId,
        canManageGuild,
      })) as CloseOpResult;
      if (result.outcome === 'already-closed') return { outcome: 'already-closed', poll: result.poll };
      deadlines.get(pollKey(guildId, target))?.cancel();
      deadlines.delete(pollKey(guildId, target));
      logger.info({ guildId, pollId: target, userId }, 'poll closed by a member');
      const resultsMessageId = await finalize(guildId, target);
      return { outcome: 'closed', poll: result.poll, resultsMessageId };
    },

    async results({ guildId, pollId, userId }) {
      const poll = await resolvePoll(guildId, pollId);
      return { poll, tally: tallyPoll(poll), myVote: Object.hasOwn(poll.votes, userId) ? poll.votes[userId] : undefined };
    },

    leaderboard: (guildId) => store.getLeaderboard(guildId),

    openPolls: loadOpenPolls,
  };
}

type CloseOpResult = { outcome: 'closed' | 'already-closed'; poll: Poll };
