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
 * busy are applied together, with one read and one write, and each is stored before it is answered.
 * A refused change (closed poll, bad choice, not allowed) rejects with a UserError.
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
    let poll = await store.getPoll(first.guildId, first.pollId);
    const now = clock.now();
    let changed = false;
    let votesChanged = false;
    const outcomes = ops.map((op): BatchOutcome<Outcome> => {
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
    if (votesChanged && poll?.status === 'open' && !poll.hideCounts) this.deps.liveEdits.touch(key);
    return outcomes;
  }
}
