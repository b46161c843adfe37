import type Keyv from 'keyv';
import { addChampion, addPollResult, EMPTY_LEADERBOARD, type Leaderboard } from '../polls/leaderboard.js';
import type { CloseReason, Poll } from '../polls/model.js';
import { countVotes, noVotes, type Tally, type VoteCounts } from '../polls/tally.js';
import { deleteExpired, setAll, setIfAbsent, type Entry } from './atomic.js';
import { guildKey } from './keys.js';
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
}

/** What a batch changed; all of it is written at once. */
export interface PollChanges {
  /** The poll record, when it changed. */
  readonly poll?: Poll | undefined;
  readonly counts?: VoteCounts | undefined;
  /** The members whose vote changed: their new couple, or undefined for a withdrawn vote. */
  readonly votes?: ReadonlyMap<string, string | undefined> | undefined;
}

/**
 * What the favourite-kiss polls keep, per server:
 * - `guild:<id>:poll:<pollId>`: one poll, without its votes;
 * - `guild:<id>:poll:<pollId>:tally`: its counts per candidate and its number of voters;
 * - `guild:<id>:poll:<pollId>:vote:<userId>`: one member's vote (a couple id; null once withdrawn).
 *   A vote expires `closedPollTtlMs` after the poll's deadline (a poll closes then at the latest),
 *   so voter ids are not kept after the poll;
 * - `guild:<id>:poll:<pollId>:close` and `…:results`: the claims that let exactly one process close
 *   the poll, and one at a time post its results (see `claimClose`, `claimResults`);
 * - `guild:<id>:polls-open`: the server's open polls (also closed ones whose results are not
 *   posted yet), read at start-up to restore deadlines; the bot restores the servers it serves, so
 *   several bot processes sharing one Redis never touch each other's polls;
 * - `guild:<id>:poll-leaderboard`: the all-time aggregate.
 * A closed, finished poll and its counts expire after `closedPollTtlMs`; by then it is counted in
 * the leaderboard. Polls stored by earlier versions (one record holding every vote) are read as
 * they are and converted by their next write.
 *
 * A batch of votes reads the poll, its counts and only the members it touches, and writes those
 * members and the counts in one atomic write: its cost does not grow with the number of voters.
 * These functions do no locking: the poll service serializes changes to one poll and one server.
 */
export interface PollStore {
  getPoll(guildId: string, pollId: string): Promise<Poll | undefined>;
  /** The poll and its counts, in one read. */
  getCounted(guildId: string, pollId: string): Promise<{ poll: Poll; counts: VoteCounts } | undefined>;
  /** The poll, its counts and the votes of `userIds`, in one read; undefined when there is no such poll. */
  read(guildId: string, pollId: string, userIds: Iterable<string>): Promise<PollSnapshot | undefined>;
  /** Writes what a batch changed, all at once (an old-format poll is converted in the same write). */
  write(snapshot: PollSnapshot, changes: PollChanges): Promise<void>;
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
  /** Claims posting a poll's results for `leaseMs`: one holder at a time (true again for the holder); a crashed holder's claim lapses. */
  claimResults(guildId: string, pollId: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Gives up `holder`'s results claim (posting failed; whoever tries next may claim it). */
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

export function createPollStore(keyv: Keyv, options: { closedPollTtlMs?: number } = {}): PollStore {
  const ttl = options.closedPollTtlMs ?? CLOSED_POLL_TTL_MS;
  const pollKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId);
  const tallyKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'tally');
  const voteKey = (guildId: string, pollId: string, userId: string) => guildKey(guildId, 'poll', pollId, 'vote', userId);
  const closeKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'close');
  const resultsKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId, 'results');
  const openKey = (guildId: string) => guildKey(guildId, 'polls-open');
  const boardKey = (guildId: string) => guildKey(guildId, 'poll-leaderboard');
  /** What lives as long as the poll: its votes and claims, until `ttl` after the deadline. */
  const afterDeadline = (poll: Poll) => Math.max(0, poll.closesAt - Date.now()) + ttl;

  const checked = (record: StoredPoll | null | undefined, guildId: string, pollId: string) =>
    // The key already names the server; the check guards against a hand-edited store.
    record && record.guildId === guildId && record.id === pollId ? record : undefined;

  async function read(guildId: string, pollId: string, userIds: Iterable<string>): Promise<PollSnapshot | undefined> {
    const users = [...new Set(userIds)];
    const [rawPoll, rawCounts, ...rawVotes] = await keyv.getMany<unknown>([pollKey(guildId, pollId), tallyKey(guildId, pollId), ...users.map((u) => voteKey(guildId, pollId, u))]);
    const record = checked(rawPoll as StoredPoll | undefined, guildId, pollId);
    if (!record) return undefined;
    const poll = pollOf(record);
    const legacyVotes = record.votes && typeof record.votes === 'object' ? record.votes : undefined;
    if (legacyVotes) {
      const votes = new Map(users.map((u) => [u, Object.hasOwn(legacyVotes, u) ? legacyVotes[u] : undefined]));
      return { poll, counts: countVotes(poll.coupleIds, legacyVotes), votes, legacyVotes };
    }
    const counts = isCounts(rawCounts, poll.coupleIds.length) ? rawCounts : noVotes(poll.coupleIds.length);
    const votes = new Map(users.map((u, i) => [u, typeof rawVotes[i] === 'string' ? rawVotes[i] : undefined]));
    return { poll, counts, votes };
  }

  async function write(snapshot: PollSnapshot, changes: PollChanges): Promise<void> {
    const { guildId, id } = snapshot.poll;
    const poll = changes.poll ?? snapshot.poll;
    const done = isDone(poll);
    const voteTtl = afterDeadline(poll);
    const entries: Entry[] = [];
    if (snapshot.legacyVotes) {
      for (const [userId, coupleId] of Object.entries(snapshot.legacyVotes)) {
        if (!changes.votes?.has(userId)) entries.push({ key: voteKey(guildId, id, userId), value: coupleId, ttlMs: voteTtl });
      }
    }
    for (const [userId, coupleId] of changes.votes ?? []) entries.push({ key: voteKey(guildId, id, userId), value: coupleId ?? null, ttlMs: voteTtl });
    // The counts are rewritten when they changed, when converting, and when the poll is finished (they then expire with it).
    if (changes.counts || snapshot.legacyVotes || (changes.poll && done)) {
      entries.push({ key: tallyKey(guildId, id), value: changes.counts ?? snapshot.counts, ttlMs: done ? ttl : undefined });
    }
    if (changes.poll || snapshot.legacyVotes) entries.push({ key: pollKey(guildId, id), value: pollOf(poll), ttlMs: done ? ttl : undefined });
    await setAll(keyv, entries);
  }

  const getLeaderboard = async (guildId: string): Promise<Leaderboard> => {
    const stored = await keyv.get<Leaderboard>(boardKey(guildId));
    return stored ? { ...EMPTY_LEADERBOARD, ...stored } : EMPTY_LEADERBOARD;
  };

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
      await keyv.deleteMany([pollKey(guildId, pollId), tallyKey(guildId, pollId)]);
    },
    deleteExpired: (guildId) => deleteExpired(keyv, guildKey(guildId, 'poll', '')),
    async claimClose(poll, close) {
      const key = closeKey(poll.guildId, poll.id);
      if (await setIfAbsent(keyv, key, close, afterDeadline(poll))) return { won: true, close };
      return { won: false, close: (await keyv.get<PollClose>(key)) ?? close };
    },
    async claimResults(guildId, pollId, holder, leaseMs) {
      const key = resultsKey(guildId, pollId);
      if (await setIfAbsent(keyv, key, { holder, at: Date.now() }, leaseMs)) return true;
      // A holder cut off by an outage takes its own claim up again.
      return (await keyv.get<{ holder?: string }>(key))?.holder === holder;
    },
    async releaseResults(guildId, pollId, holder) {
      const key = resultsKey(guildId, pollId);
      if ((await keyv.get<{ holder?: string }>(key))?.holder === holder) await keyv.delete(key);
    },
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
    async addToLeaderboard(guildId, pollId, tally) {
      const { board, applied } = addPollResult(await getLeaderboard(guildId), pollId, tally);
      if (applied) await keyv.set(boardKey(guildId), board);
      return applied;
    },
    async addChampion(guildId, resultId, coupleId) {
      const { board, applied } = addChampion(await getLeaderboard(guildId), resultId, coupleId);
      if (applied) await keyv.set(boardKey(guildId), board);
      return applied;
    },
  };
}
