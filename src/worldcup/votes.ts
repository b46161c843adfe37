import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { KeyedQueue } from '../keyed-queue.js';
import { Batcher, type BatchOutcome } from '../polls/batcher.js';
import type { LiveEdits } from '../polls/live-edits.js';
import type { RoundSnapshot, WorldCupStore } from '../store/worldcup.js';
import { roundKey, tournamentKey, type Side } from './ids.js';
import { acceptsVotes, partOfMatch, type Ballot, type Tournament, type TournamentVoteReceipt } from './model.js';

export interface VoteInput {
  readonly guildId: string;
  readonly tournamentId: string;
  readonly round: number;
  readonly match: number;
  readonly side: Side;
  readonly userId: string;
}

/** A counted vote, with the tournament it was counted in (to name the couples in the answer). */
export interface VoteResult {
  readonly receipt: TournamentVoteReceipt;
  readonly tournament: Tournament;
}

export interface RoundVotesDeps {
  readonly store: Pick<WorldCupStore, 'readRound' | 'writeRound'>;
  readonly clock: Clock;
  /** The tournament's queue: votes, closes and posts of one tournament run in order under its key. */
  readonly queue: KeyedQueue;
  /** Told when a round's counts changed, to edit its message soon. */
  readonly liveEdits: Pick<LiveEdits, 'touch'>;
}

const ok = <R>(value: R): BatchOutcome<R> => ({ ok: true, value });
const fail = <R>(key: string): BatchOutcome<R> => ({ ok: false, error: new UserError(key) });

/**
 * Votes in a server tournament's rounds, as polls count theirs (polls/batcher.ts): votes that
 * arrive while the tournament is busy are applied together, with one read (the tournament and the
 * ballots of the members the batch touches) and one atomic write, and each is stored before it is
 * answered. One vote per member per match; a vote for the other couple of the match changes it,
 * until the round closes. The store moves the counts from each vote as stored when it writes, so
 * two processes counting one round at once never lose or double a vote, and a vote stored after
 * the round was fenced for its close is refused. The cost of a vote does not grow with the voters.
 */
export class RoundVotes {
  readonly #batcher: Batcher<VoteInput, VoteResult>;

  constructor(private readonly deps: RoundVotesDeps) {
    this.#batcher = new Batcher<VoteInput, VoteResult>(deps.queue, (_key, ops) => this.#apply(ops));
  }

  vote(input: VoteInput): Promise<VoteResult> {
    return this.#batcher.submit(tournamentKey(input.guildId, input.tournamentId), input);
  }

  async #apply(ops: VoteInput[]): Promise<Array<BatchOutcome<VoteResult>>> {
    const outcomes = new Map<VoteInput, BatchOutcome<VoteResult>>();
    // Buttons of an earlier round may be clicked alongside the current one's: one read per round asked for.
    for (const round of new Set(ops.map((op) => op.round))) {
      const batch = ops.filter((op) => op.round === round);
      const results = await this.#applyRound(batch, round);
      batch.forEach((op, i) => outcomes.set(op, results[i]!));
    }
    return ops.map((op) => outcomes.get(op)!);
  }

  async #applyRound(ops: VoteInput[], round: number): Promise<Array<BatchOutcome<VoteResult>>> {
    const first = ops[0]!;
    const snapshot = await this.deps.store.readRound(first.guildId, first.tournamentId, round, ops.map((op) => op.userId));
    if (!snapshot) return ops.map(() => fail('worldcup.errors.unknownTournament'));
    const { tournament } = snapshot;
    const now = this.deps.clock.now();
    const matches = tournament.bracket.rounds[round] ?? [];
    const ballots = new Map<string, Ballot | undefined>(snapshot.ballots);
    /** Per member, the side chosen in each match this batch changed. */
    const changed = new Map<string, Map<number, Side>>();
    const waiting: number[] = [];

    const outcomes = ops.map((op, i): BatchOutcome<VoteResult> => {
      if (!acceptsVotes(tournament, round, now)) return fail('worldcup.errors.roundClosed');
      const match = matches[op.match];
      const coupleId = match?.[op.side];
      if (!match || !coupleId || match.a === null || match.b === null || match.winner !== undefined) return fail('worldcup.errors.badChoice');
      const ballot = [...(ballots.get(op.userId) ?? matches.map(() => null))];
      const previous = ballot[op.match] ?? null;
      const receipt = (r: TournamentVoteReceipt) => ok<VoteResult>({ receipt: r, tournament });
      if (previous === op.side) return receipt({ outcome: 'same', coupleId, round, match: op.match });
      ballot[op.match] = op.side;
      ballots.set(op.userId, ballot);
      let sides = changed.get(op.userId);
      if (!sides) changed.set(op.userId, (sides = new Map<number, Side>()));
      sides.set(op.match, op.side);
      waiting.push(i);
      if (previous === null) return receipt({ outcome: 'new', coupleId, round, match: op.match });
      return receipt({ outcome: 'changed', coupleId, previous: match[previous]!, round, match: op.match });
    });

    if (changed.size) {
      // The store moves the counts from each vote as stored when it writes; refused once the round is fenced for its close.
      if (await this.deps.store.writeRound(snapshot satisfies RoundSnapshot, { votes: changed })) {
        if (!tournament.hideCounts) {
          // Only the messages showing a match whose counts moved (a big round has several).
          const parts = new Set([...changed.values()].flatMap((sides) => [...sides.keys()].map(partOfMatch)));
          for (const part of parts) this.deps.liveEdits.touch(roundKey(tournament.guildId, tournament.id, round, part));
        }
      } else {
        for (const i of waiting) outcomes[i] = fail('worldcup.errors.roundClosed');
      }
    }
    return outcomes;
  }
}
