import type Keyv from 'keyv';
import { championCounts, EMPTY_LEADERBOARD, leaderboardOf, pollResultCounts, type Leaderboard } from '../polls/leaderboard.js';
import type { CloseReason, Poll } from '../polls/model.js';
import { countVotes, noVotes, type Tally, type VoteCounts } from '../polls/tally.js';
import { deleteExpired, setAll, setIfAbsent, type Entry } from './atomic.js';
import { addCounts, countsOf, setMarks, type Mark } from './counters.js';
import { guildKey } from './keys.js';
import { dropLease, takeLease, type LeaseClaim } from './leases.js';
import { scanKind } from './scan.js';

/** An entry of a server's open-poll index: enough to restore its deadline timer at start-up. */
export interface OpenPollRef {
  readonly pollId: string;
  readonly closesAt: number;
}

/** How a poll was closed, as its close claim records it. */
export interface PollClose {
  readonly closedAt: number;
  readonly closeReason: CloseReason;
  readonly closedBy?: string | undefined;
}

/** A poll as a batch of changes reads it: the poll, its counts and the votes of the members the batch touches. */
export interface PollSnapshot {
  readonly poll: Poll;
  readonly counts: VoteCounts;
  /** Each member asked for: the couple they voted for, or undefined. */
  readonly votes: ReadonlyMap<string, string | undefined>;
  /** Every vote of a poll still stored in the old one-record format; the next write stores them the new way. */
  readonly legacyVotes?: Readonly<Record<string, string>> | undefined;
  /** Counts stored in the older whole-record format (`…:tally`), to which the counters add. */
  readonly legacyCounts?: VoteCounts | undefined;
}

/** What a batch changed. */
export interface PollChanges {
  /** The poll record, when it changed. */
  readonly poll?: Poll | undefined;
  /** The members whose vote changed: their new couple, or undefined for a withdrawn vote. */
  readonly votes?: ReadonlyMap<string, string | undefined> | undefined;
}

/**
 * What the favourite-kiss polls keep, per server:
 * - `guild:<id>:poll:<pollId>`: one poll, without its votes;
 * - `guild:<id>:poll:<pollId>:vote:<userId>`: one member's vote (a couple id; null once withdrawn).
 *   A vote expires `closedPollTtlMs` after the poll's deadline (a poll closes then at the latest),
 *   so voter ids are not kept after the poll;
 * - `guild:<id>:poll:<pollId>:counts`: its votes per couple, as counters (store/counters.ts) that
 *   the store moves in the same atomic step as it stores the votes; `…:tally`, the counts of an
 *   earlier version (a whole record), read as a base the counters add to;
 * - `guild:<id>:poll:<pollId>:close` and `…:results`: the claim that lets exactly one process close
 *   the poll (it also fences the votes: none is stored once it exists), and the lease that lets one
 *   process at a time post its results (see `claimClose`, `claimResults`);
 * - `guild:<id>:polls-open`: the server's open polls (also closed ones whose results are not
 *   posted yet), read at start-up to restore deadlines; the bot restores the servers it serves, so
 *   several bot processes sharing one Redis never touch each other's polls;
 * - `guild:<id>:poll-leaderboard:counts`: the all-time aggregate, as counters each poll is added to
 *   once; `guild:<id>:poll-leaderboard`, the aggregate of an earlier version, read as a base.
 * A closed, finished poll and its counts expire after `closedPollTtlMs`; by then it is counted in
 * the leaderboard. Polls stored by earlier versions (one record holding every vote) are read as
 * they are and converted by their next write.
 *
 * A batch of votes reads the poll, its counts and only the members it touches, and stores those
 * members' votes in one atomic step that moves the counts from each member's vote as stored at
 * that moment: its cost does not grow with the number of voters, and several processes voting on
 * one poll at once (a rolling deploy) never lose or double a count. No count is ever read,
 * changed in a process and written back.
 */
export interface PollStore {
  getPoll(guildId: string, pollId: string): Promise<Poll | undefined>;
  /** The poll and its counts, in one read. */
  getCounted(guildId: string, pollId: string): Promise<{ poll: Poll; counts: VoteCounts } | undefined>;
  /** The poll, its counts and the votes of `userIds`, in one read; undefined when there is no such poll. */
  read(guildId: string, pollId: string, userIds: Iterable<string>): Promise<PollSnapshot | undefined>;
  /**
   * Writes what a batch changed (an old-format poll is converted in the same write). Votes are
   * stored, with the counts, in one atomic step, unless the poll's close was claimed meanwhile (in
   * any process): then nothing is written and the result is false.
   */
  write(snapshot: PollSnapshot, changes: PollChanges): Promise<boolean>;
  /** Stores a new poll. */
  savePoll(poll: Poll): Promise<void>;
  /** Changes a stored poll's record; undefined (and nothing written) when there is no such poll. */
  updatePoll(guildId: string, pollId: string, change: (poll: Poll) => Poll): Promise<Poll | undefined>;
  deletePoll(guildId: string, pollId: string): Promise<void>;
  /**
   * Deletes the server's poll keys that have expired: finished polls with their counts, votes and
   * claims (Redis drops them itself; an SQLite file keeps them until then).
   */
  deleteExpired(guildId: string): Promise<void>;
  /**
   * Claims the close of a poll: of every caller, in any process, exactly one wins. The close
   * returned is the winner's (this caller's when it won).
   */
  claimClose(poll: Poll, close: PollClose): Promise<{ won: boolean; close: PollClose }>;
  /** For each poll, whether its close was claimed (in any process): one read for all of them. */
  closeClaimed(polls: ReadonlyArray<{ readonly guildId: string; readonly pollId: string }>): Promise<boolean[]>;
  /**
   * Takes (or renews, for its holder) the lease to post a poll's results, for `leaseMs`: one holder
   * at a time, in any process; a dead holder's lease lapses (see store/leases.ts).
   */
  claimResults(guildId: string, pollId: string, holder: string, leaseMs: number): Promise<LeaseClaim>;
  /** Gives up `holder`'s results lease (whoever tries next may take it). */
  releaseResults(guildId: string, pollId: string, holder: string): Promise<void>;
  listOpenPolls(guildId: string): Promise<OpenPollRef[]>;
  /**
   * The open-poll lists of every server `include` accepts, in one key scan rather than a read per
   * server (start-up, with thousands of servers and a few open polls). Servers with none are absent.
   */
  listAllOpenPolls(include?: (guildId: string) => boolean): Promise<Map<string, OpenPollRef[]>>;
  setOpenPolls(guildId: string, refs: readonly OpenPollRef[]): Promise<void>;
  getLeaderboard(guildId: string): Promise<Leaderboard>;
  /** Adds a closed poll's tally to the leaderboard; false when that poll was already counted. */
  addToLeaderboard(guildId: string, pollId: string, tally: Tally): Promise<boolean>;
  /** Adds a win for a World Cup's champion; false when that result (`resultId`) was already counted. */
  addChampion(guildId: string, resultId: string, coupleId: string): Promise<boolean>;
}

export const CLOSED_POLL_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A stored poll record: without votes, or in the old format, with all of them. */
type StoredPoll = Poll & { readonly votes?: Readonly<Record<string, string>> };

const isDone = (poll: Poll) => poll.status === 'closed' && poll.finalized === true;

/** The poll without the old format's votes. */
function pollOf(record: StoredPoll): Poll {
  if (!('votes' in record)) return record;
  const { votes: _votes, ...poll } = record;
  return poll;
}

function isOpenPollRefs(value: unknown): value is OpenPollRef[] {
  return Array.isArray(value) && value.every((r: Partial<OpenPollRef> | null) => typeof r?.pollId === 'string' && typeof r.closesAt === 'number');
}

function isCounts(value: unknown, candidates: number): value is VoteCounts {
  const v = value as Partial<VoteCounts> | null | undefined;
  return Array.isArray(v?.counts) && v.counts.length === candidates && v.counts.every((n) => Number.isInteger(n) && n >= 0) && typeof v.voters === 'number';
}

/** A poll's counts: its counters (votes per couple id) added to the counts of an earlier version. */
function votesCounted(coupleIds: readonly string[], counters: ReadonlyMap<string, number>, base: VoteCounts | undefined): VoteCounts {
  const counts = coupleIds.map((id, i) => Math.max(0, (base?.counts[i] ?? 0) + (counters.get(id) ?? 0)));
  return { counts, voters: counts.reduce((a, b) => a + b, 0) };
}

/** A leaderboard stored by an earlier version (one record), with the polls it counted. */
type StoredBoard = Leaderboard & { readonly recent?: readonly string[] };

export function createPollStore(keyv: Keyv, options: { closedPollTtlMs?: number } = {}): PollStore {
  const ttl = options.closedPollTtlMs ?? CLOSED_POLL_TTL_MS;
  const pollKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId);
  const tallyKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'tally');
  const countsKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'counts');
  const voteKey = (guildId: string, pollId: string, userId: string) => guildKey(guildId, 'poll', pollId, 'vote', userId);
  const closeKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'close');
  const resultsKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'results');
  const openKey = (guildId: string) => guildKey(guildId, 'polls-open');
  const boardKey = (guildId: string) => guildKey(guildId, 'poll-leaderboard');
  const boardCountsKey = (guildId: string) => guildKey(guildId, 'poll-leaderboard', 'counts');
  /** What lives as long as the poll: its votes and claims, until `ttl` after the deadline. */
  const afterDeadline = (poll: Poll) => Math.max(0, poll.closesAt - Date.now()) + ttl;

  const checked = (record: StoredPoll | null | undefined, guildId: string, pollId: string) =>
    // The key already names the server; the check guards against a hand-edited store.
    record && record.guildId === guildId && record.id === pollId ? record : undefined;

  async function read(guildId: string, pollId: string, userIds: Iterable<string>): Promise<PollSnapshot | undefined> {
    const users = [...new Set(userIds)];
    const [rawPoll, rawTally, rawCounts, ...rawVotes] = await keyv.getMany<unknown>([
      pollKey(guildId, pollId),
      tallyKey(guildId, pollId),
      countsKey(guildId, pollId),
      ...users.map((u) => voteKey(guildId, pollId, u)),
    ]);
    const record = checked(rawPoll as StoredPoll | undefined, guildId, pollId);
    if (!record) return undefined;
    const poll = pollOf(record);
    const legacyVotes = record.votes && typeof record.votes === 'object' ? record.votes : undefined;
    const stored = (i: number) => (typeof rawVotes[i] === 'string' ? rawVotes[i] : undefined);
    if (legacyVotes) {
      // A conversion cut off half-way has stored the votes and their counts: those are the newer.
      const converted = rawCounts !== undefined && rawCounts !== null;
      const votes = new Map(users.map((u, i) => [u, rawVotes[i] !== undefined ? stored(i) : Object.hasOwn(legacyVotes, u) ? legacyVotes[u] : undefined]));
      const counts = converted ? votesCounted(poll.coupleIds, countsOf(rawCounts), undefined) : countVotes(poll.coupleIds, legacyVotes);
      return { poll, counts, votes, legacyVotes };
    }
    const legacyCounts = isCounts(rawTally, poll.coupleIds.length) ? rawTally : undefined;
    const counts = votesCounted(poll.coupleIds, countsOf(rawCounts), legacyCounts ?? noVotes(poll.coupleIds.length));
    const votes = new Map(users.map((u, i) => [u, stored(i)]));
    return { poll, counts, votes, legacyCounts };
  }

  async function write(snapshot: PollSnapshot, changes: PollChanges): Promise<boolean> {
    const { guildId, id } = snapshot.poll;
    const poll = changes.poll ?? snapshot.poll;
    const done = isDone(poll);
    const voteTtl = afterDeadline(poll);
    const marks: Mark[] = [];
    for (const [userId, coupleId] of changes.votes ?? []) marks.push({ key: voteKey(guildId, id, userId), label: coupleId ?? null, ttlMs: voteTtl });
    if (snapshot.legacyVotes) {
      // Converted as they were, unless a member's vote is already stored the new way.
      for (const [userId, coupleId] of Object.entries(snapshot.legacyVotes)) {
        if (!changes.votes?.has(userId)) marks.push({ key: voteKey(guildId, id, userId), label: coupleId, ttlMs: voteTtl, onlyIfAbsent: true });
      }
    }
    if (marks.length) {
      // New votes are fenced by the close claim; a conversion alone is not (it changes no count).
      const fence = changes.votes?.size ? closeKey(guildId, id) : undefined;
      if (!(await setMarks(keyv, countsKey(guildId, id), marks, { unless: fence }))) return false;
    }
    const entries: Entry[] = [];
    if (changes.poll || snapshot.legacyVotes) entries.push({ key: pollKey(guildId, id), value: pollOf(poll), ttlMs: done ? ttl : undefined });
    if (changes.poll && done) {
      // A finished poll's counts expire with it.
      if (snapshot.legacyCounts) entries.push({ key: tallyKey(guildId, id), value: snapshot.legacyCounts, ttlMs: ttl });
      await addCounts(keyv, countsKey(guildId, id), [], { ttlMs: ttl });
    }
    await setAll(keyv, entries);
    return true;
  }

  const getLeaderboard = async (guildId: string): Promise<Leaderboard> => {
    const [legacy, counts] = await keyv.getMany<unknown>([boardKey(guildId), boardCountsKey(guildId)]);
    return leaderboardOf(countsOf(counts), boardBase(legacy));
  };

  /** A leaderboard stored by an earlier version, as the base the counters add to. */
  function boardBase(value: unknown): StoredBoard {
    const v = value as Partial<StoredBoard> | null | undefined;
    if (!v || typeof v !== 'object' || typeof v.couples !== 'object' || v.couples === null) return EMPTY_LEADERBOARD;
    return { polls: Number(v.polls) || 0, votes: Number(v.votes) || 0, couples: v.couples, recent: Array.isArray(v.recent) ? v.recent : [] };
  }

  /** Adds counts to the leaderboard once per `resultId` (also once if an earlier version counted it). */
  async function addToBoard(guildId: string, resultId: string, counts: Array<[string, number]>): Promise<boolean> {
    const legacy = boardBase(await keyv.get<unknown>(boardKey(guildId)));
    if (legacy.recent?.includes(resultId)) return false;
    return addCounts(keyv, boardCountsKey(guildId), counts, { once: resultId });
  }

  return {
    async getPoll(guildId, pollId) {
      const record = checked(await keyv.get<StoredPoll>(pollKey(guildId, pollId)), guildId, pollId);
      return record && pollOf(record);
    },
    async getCounted(guildId, pollId) {
      const snapshot = await read(guildId, pollId, []);
      return snapshot && { poll: snapshot.poll, counts: snapshot.counts };
    },
    read,
    write,
    async savePoll(poll) {
      await keyv.set(pollKey(poll.guildId, poll.id), pollOf(poll), isDone(poll) ? ttl : undefined);
    },
    async updatePoll(guildId, pollId, change) {
      const snapshot = await read(guildId, pollId, []);
      if (!snapshot) return undefined;
      const poll = change(snapshot.poll);
      await write(snapshot, { poll });
      return poll;
    },
    async deletePoll(guildId, pollId) {
      await keyv.deleteMany([pollKey(guildId, pollId), tallyKey(guildId, pollId), countsKey(guildId, pollId)]);
    },
    deleteExpired: (guildId) => deleteExpired(keyv, guildKey(guildId, 'poll', '')),
    async claimClose(poll, close) {
      const key = closeKey(poll.guildId, poll.id);
      if (await setIfAbsent(keyv, key, close, afterDeadline(poll))) return { won: true, close };
      return { won: false, close: (await keyv.get<PollClose>(key)) ?? close };
    },
    async closeClaimed(polls) {
      if (!polls.length) return [];
      const claims = await keyv.getMany<unknown>(polls.map((p) => closeKey(p.guildId, p.pollId)));
      return claims.map((claim) => claim !== undefined && claim !== null);
    },
    claimResults: (guildId, pollId, holder, leaseMs) => takeLease(keyv, resultsKey(guildId, pollId), holder, leaseMs),
    releaseResults: (guildId, pollId, holder) => dropLease(keyv, resultsKey(guildId, pollId), holder),
    async listOpenPolls(guildId) {
      return (await keyv.get<OpenPollRef[]>(openKey(guildId))) ?? [];
    },
    async listAllOpenPolls(include) {
      const lists = new Map<string, OpenPollRef[]>();
      const now = Date.now();
      for await (const page of scanKind(keyv, 'polls-open')) {
        for (const [guildId, stored] of page) {
          if (include && !include(guildId)) continue;
          const data = 'raw' in stored ? await keyv.deserializeData<unknown>(stored.raw) : { value: stored.value };
          if (!data || (typeof data.expires === 'number' && data.expires < now)) continue;
          if (isOpenPollRefs(data.value) && data.value.length) lists.set(guildId, data.value);
        }
      }
      return lists;
    },
    async setOpenPolls(guildId, refs) {
      if (refs.length) await keyv.set(openKey(guildId), [...refs]);
      else await keyv.delete(openKey(guildId));
    },
    getLeaderboard,
    addToLeaderboard: (guildId, pollId, tally) => addToBoard(guildId, pollId, pollResultCounts(tally)),
    addChampion: (guildId, resultId, coupleId) => addToBoard(guildId, resultId, championCounts(coupleId)),
  };
}
