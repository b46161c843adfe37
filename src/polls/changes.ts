import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { PollStore } from '../store/polls.js';
import { Batcher, type BatchOutcome } from './batcher.js';
import { pollKey } from './ids.js';
import type { LiveEdits } from './live-edits.js';
import { acceptsVotes, castVote, closePoll, mayClose, withdrawVote, type CloseReason, type Poll } from './model.js';

export type VoteReceipt =
  | { readonly outcome: 'new' | 'same'; readonly coupleId: string }
  | { readonly outcome: 'changed'; readonly coupleId: string; readonly previous: string };

export type WithdrawReceipt = { readonly outcome: 'withdrawn'; readonly previous: string } | { readonly outcome: 'none' };

/** What a close did to the stored poll (posting the results is the caller's next step). */
export type CloseChange = { readonly outcome: 'closed' | 'already-closed'; readonly poll: Poll };

type PollOp =
  | { kind: 'vote'; guildId: string; pollId: string; userId: string; index: number }
  | { kind: 'withdraw'; guildId: string; pollId: string; userId: string }
  | { kind: 'close'; guildId: string; pollId: string; reason: CloseReason; userId?: string | undefined; canManageGuild?: boolean | undefined };

type Outcome = VoteReceipt | WithdrawReceipt | CloseChange;

export interface PollChangesDeps {
  readonly store: PollStore;
  readonly clock: Clock;
  readonly queue: KeyedQueue;
  /** Told when a poll's counts changed, to edit its message soon. */
  readonly liveEdits: Pick<LiveEdits, 'touch'>;
}

const ok = <R>(value: R): BatchOutcome<R> => ({ ok: true, value });
const fail = <R>(error: unknown): BatchOutcome<R> => ({ ok: false, error });

/**
 * Votes, withdrawals and closes of one poll, in order: the changes that arrive while the poll is
 * busy are applied together, with one read (the poll and the members the batch touches) and one
 * atomic write, and each is stored before it is answered. The store moves the counts from each
 * member's vote as stored when it writes, so batches of two processes serving the poll at once (a
 * rolling deploy) never lose or double a count; a vote stored after the poll's close was claimed
 * (in any process) is refused. A refused change (closed poll, bad choice, not allowed) rejects
 * with a UserError.
 */
export class PollChanges {
  readonly #batcher: Batcher<PollOp, Outcome>;

  constructor(private readonly deps: PollChangesDeps) {
    this.#batcher = new Batcher<PollOp, Outcome>(deps.queue, (key, ops) => this.#apply(key, ops));
  }

  async vote(input: { guildId: string; pollId: string; userId: string; index: number }): Promise<VoteReceipt> {
    return (await this.#submit({ kind: 'vote', ...input })) as VoteReceipt;
  }

  async withdraw(input: { guildId: string; pollId: string; userId: string }): Promise<WithdrawReceipt> {
    return (await this.#submit({ kind: 'withdraw', ...input })) as WithdrawReceipt;
  }

  /** A manual close checks that `userId` may close the poll; a close at the deadline does not. */
  async close(input: { guildId: string; pollId: string; reason: CloseReason; userId?: string | undefined; canManageGuild?: boolean | undefined }): Promise<CloseChange> {
    return (await this.#submit({ kind: 'close', ...input })) as CloseChange;
  }

  #submit(op: PollOp): Promise<Outcome> {
    return this.#batcher.submit(pollKey(op.guildId, op.pollId), op);
  }

  async #apply(key: string, ops: PollOp[]): Promise<Array<BatchOutcome<Outcome>>> {
    const first = ops[0];
    if (!first) return [];
    const { store, clock } = this.deps;
    const snapshot = await store.read(first.guildId, first.pollId, ops.flatMap((op) => (op.kind === 'close' ? [] : [op.userId])));
    if (!snapshot) return ops.map(() => fail(new UserError('poll.errors.unknownPoll')));
    const now = clock.now();
    let poll = snapshot.poll;
    /** The votes of the members this batch touches, as they stand after each change. */
    const votes = new Map(snapshot.votes);
    /** Votes changed and not stored yet, and the outcomes that wait on them. */
    let changedVotes = new Map<string, string | undefined>();
    let waiting: number[] = [];
    let counted = false;
    let pollChanged = false;
    const setVote = (userId: string, coupleId: string | undefined) => {
      votes.set(userId, coupleId);
      changedVotes.set(userId, coupleId);
    };
    const outcomes: Array<BatchOutcome<Outcome>> = [];
    /**
     * Stores the votes changed so far, moving the counts in the store itself. Refused when the poll
     * was closed meanwhile (by another process): those votes are then answered as too late.
     */
    const storeVotes = async () => {
      if (!changedVotes.size) return;
      if (await store.write(snapshot, { votes: changedVotes })) counted = true;
      else for (const i of waiting) outcomes[i] = fail(new UserError('poll.errors.closed'));
      changedVotes = new Map();
      waiting = [];
    };

    for (const op of ops) {
      switch (op.kind) {
        case 'vote': {
          if (!acceptsVotes(poll, now)) {
            outcomes.push(fail(new UserError('poll.errors.closed')));
            break;
          }
          const coupleId = Number.isInteger(op.index) ? poll.coupleIds[op.index] : undefined;
          const change = coupleId === undefined ? undefined : castVote(poll, votes.get(op.userId), coupleId, now);
          if (!change?.ok) {
            outcomes.push(fail(new UserError(change?.reason === 'closed' ? 'poll.errors.closed' : 'poll.errors.badChoice')));
            break;
          }
          if (change.outcome !== 'same') {
            setVote(op.userId, change.coupleId);
            waiting.push(outcomes.length);
          }
          outcomes.push(ok(change.outcome === 'changed' ? { outcome: 'changed', coupleId: change.coupleId, previous: change.previous } : { outcome: change.outcome, coupleId: change.coupleId }));
          break;
        }
        case 'withdraw': {
          const change = withdrawVote(poll, votes.get(op.userId), now);
          if (!change.ok) {
            outcomes.push(fail(new UserError('poll.errors.closed')));
          } else if (change.outcome === 'none') {
            outcomes.push(ok({ outcome: 'none' }));
          } else {
            setVote(op.userId, undefined);
            waiting.push(outcomes.length);
            outcomes.push(ok({ outcome: 'withdrawn', previous: change.previous }));
          }
          break;
        }
        case 'close': {
          if (poll.status === 'closed') {
            outcomes.push(ok({ outcome: 'already-closed', poll }));
            break;
          }
          if (op.reason === 'manual' && !mayClose(poll, op.userId ?? '', op.canManageGuild ?? false)) {
            outcomes.push(fail(new UserError('poll.errors.notAllowed')));
            break;
          }
          // The votes before the close are stored first: the close claim fences every later one.
          await storeVotes();
          const { change, store: write } = await this.#claimClose(poll, now, op.reason, op.reason === 'manual' ? op.userId : undefined);
          outcomes.push(ok(change));
          poll = change.poll;
          pollChanged ||= write;
          break;
        }
      }
    }
    await storeVotes();
    if (pollChanged) await store.write(snapshot, { poll });
    if (counted && poll.status === 'open' && !poll.hideCounts) this.deps.liveEdits.touch(key);
    return outcomes;
  }

  /**
   * Closes the poll through the store's close claim, so that of several processes closing it at
   * once (a rolling deploy, where two think they serve the server) exactly one closes it. The one
   * that loses stores the winner's close only if the poll still shows open (the winner died
   * before storing it); `store` says whether the poll record is to be written.
   */
  async #claimClose(poll: Poll, now: number, reason: CloseReason, by: string | undefined): Promise<{ change: CloseChange; store: boolean }> {
    const claim = await this.deps.store.claimClose(poll, { closedAt: now, closeReason: reason, closedBy: by });
    if (claim.won) return { change: { outcome: 'closed', poll: closePoll(poll, now, reason, by).poll }, store: true };
    const stored = await this.deps.store.getPoll(poll.guildId, poll.id);
    if (stored?.status === 'closed') return { change: { outcome: 'already-closed', poll: stored }, store: false };
    return { change: { outcome: 'already-closed', poll: { ...poll, status: 'closed', ...claim.close } }, store: true };
  }
}
