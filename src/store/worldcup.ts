import type Keyv from 'keyv';
import { BracketError, parseBracket, type Bracket } from '../worldcup/bracket.js';
import type { Side } from '../worldcup/ids.js';
import { type Ballot, type RoundTally, type SoloRun, type Tournament } from '../worldcup/model.js';
import { EMPTY_STATS, resultCounts, statsOf, type CoupleRecord, type ResultKind, type WorldCupStats } from '../worldcup/stats.js';
import { deleteExpired, setIfAbsent } from './atomic.js';
import { addCounts, countsOf, setMarks, type Mark } from './counters.js';
import { guildKey } from './keys.js';
import { dropLease, takeLease, type LeaseClaim } from './leases.js';
import { scanEntries, type Stored } from './scan.js';

export type { Ballot, RoundTally } from '../worldcup/model.js';

/** A round as a batch of votes reads it: the tournament, the round's counts and the ballots of the members it touches. */
export interface RoundSnapshot {
  readonly tournament: Tournament;
  readonly round: number;
  readonly tally: RoundTally;
  readonly ballots: ReadonlyMap<string, Ballot | undefined>;
  /** The members' ballots stored by an earlier version (one record per member), counted in `legacyTally`. */
  readonly legacyBallots?: ReadonlyMap<string, Ballot> | undefined;
}

/** What a batch of votes changed: per member, the side now chosen in each match they voted in. */
export interface RoundChanges {
  readonly votes: ReadonlyMap<string, ReadonlyMap<number, Side>>;
}

/**
 * What the World Cup keeps, per server (every key starts `guild:<id>:`, so a server's deletion
 * takes it along):
 * - `guild:<id>:worldcup-solo:<channel>:<user>`: a member's solo run in a channel (one at most:
 *   a new run replaces it), expiring 15 minutes after its last choice;
 * - `guild:<id>:worldcup:<tournament>`: a server tournament, without its votes; kept 30 days after
 *   it finished;
 * - `guild:<id>:worldcup:<tournament>:r<round>:vote:<user>:<match>`: one member's vote in one match
 *   (`<match>:a` or `<match>:b`), and `…:r<round>:voter:<user>`, that the member voted in the
 *   round; both expire a week after the round's deadline. An earlier version kept a member's votes
 *   in one record (`…:r<round>:vote:<user>`, a side per match), still read;
 * - `guild:<id>:worldcup:<tournament>:r<round>:counts`: the round's votes per match side and its
 *   voters, as counters (store/counters.ts) the store moves in the same atomic step as it stores
 *   the votes; `…:r<round>:tally`, the counts of an earlier version, read as a base;
 * - `guild:<id>:worldcup:<tournament>:r<round>:closed`: the fence set before a round's counts are
 *   read to close it: no vote of the round is stored once it exists;
 * - `guild:<id>:worldcup:<tournament>:claim:<step>`: the leases that let one process at a time
 *   close a round (`close:<r>`), post a round's message (`post:<r>`) or finish the tournament
 *   (`final`), see store/leases.ts;
 * - `guild:<id>:worldcup-channel:<channel>`: the tournament running in a channel, claimed with an
 *   atomic set-if-absent: at most one per channel, even across processes;
 * - `guild:<id>:worldcup-stats:counts`: the server's statistics (titles, head-to-head wins and
 *   losses), as counters each result is added to once; `…:worldcup-stats`, an earlier version's.
 * Running tournaments are found at start-up with one key scan over the tournament records (as the
 * daily schedules are): no shared index that several processes would rewrite.
 * A round's votes are read and written per member touched, beside one counts record: the cost of a
 * vote does not grow with the number of voters. No count is read, changed in a process and written
 * back, so two processes serving a server at once (a rolling deploy) never lose or double one.
 */
export interface WorldCupStore {
  getRun(guildId: string, channelId: string, userId: string): Promise<SoloRun | undefined>;
  /** Stores a run (replacing the member's run in that channel); it expires `ttlMs` from now. */
  saveRun(run: SoloRun, ttlMs: number): Promise<void>;
  getTournament(guildId: string, tournamentId: string): Promise<Tournament | undefined>;
  saveTournament(tournament: Tournament): Promise<void>;
  /** Deletes a tournament whose first round could not be posted. */
  deleteTournament(guildId: string, tournamentId: string): Promise<void>;
  /** The tournament, a round's counts and the ballots of `userIds`, in one read; undefined when there is no such tournament. */
  readRound(guildId: string, tournamentId: string, round: number, userIds: Iterable<string>): Promise<RoundSnapshot | undefined>;
  /**
   * Stores a batch's votes and moves the round's counts in one atomic step; false (nothing
   * written) once the round is fenced for its close.
   */
  writeRound(snapshot: RoundSnapshot, changes: RoundChanges): Promise<boolean>;
  /** Fences a round before its counts are read to close it: no vote is stored after this. */
  fenceRound(guildId: string, tournamentId: string, round: number): Promise<void>;
  /** A round's counts (zeros when nobody voted). */
  getTally(guildId: string, tournamentId: string, round: number, matches: number): Promise<RoundTally>;
  /** Claims a channel for a tournament: false when another tournament holds it. The claim lapses after `ttlMs`. */
  claimChannel(guildId: string, channelId: string, tournamentId: string, ttlMs: number): Promise<boolean>;
  /** The tournament holding a channel, if any. */
  channelHolder(guildId: string, channelId: string): Promise<string | undefined>;
  /** Gives a channel back (only if `tournamentId` holds it). */
  releaseChannel(guildId: string, channelId: string, tournamentId: string): Promise<void>;
  /**
   * Takes (or renews, for its holder) the lease of one step of a tournament (`close:<r>`,
   * `post:<r>`, `final`) for `leaseMs`: one holder at a time, in any process; a dead holder's lapses.
   */
  claimStep(guildId: string, tournamentId: string, step: string, holder: string, leaseMs: number): Promise<LeaseClaim>;
  /** Gives up `holder`'s lease of a step. */
  releaseStep(guildId: string, tournamentId: string, step: string, holder: string): Promise<void>;
  /** Every running (or unfinalized) tournament of the servers `include` accepts: one key scan. */
  listRunning(include?: (guildId: string) => boolean): Promise<Tournament[]>;
  getStats(guildId: string): Promise<WorldCupStats>;
  /** Counts a finished bracket in the statistics; false when that result was already counted. */
  addToStats(guildId: string, resultId: string, kind: ResultKind, bracket: Bracket): Promise<boolean>;
  /** Deletes the server's World Cup keys that have expired (SQLite keeps them until then). */
  deleteExpired(guildId: string): Promise<void>;
}

const DAY = 24 * 60 * 60_000;
/** How long a finished tournament, and its rounds' counts, stay readable. */
export const FINISHED_TOURNAMENT_TTL_MS = 30 * DAY;
/** How long a member's votes stay after their round's deadline. */
export const BALLOT_TTL_MS = 7 * DAY;

const ID = '[A-Za-z0-9]';
/** A tournament record's key, and the same as a glob (SQLite GLOB and Redis MATCH speak the same syntax). */
const TOURNAMENT_KEY = /^guild:(\d{1,20}):worldcup:[A-Za-z0-9]{10}$/;
const TOURNAMENT_GLOB = `guild:*:worldcup:${ID.repeat(10)}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A stored bracket, or undefined when it is not one. */
function bracketOf(value: unknown): Bracket | undefined {
  try {
    return parseBracket(value);
  } catch (error) {
    if (error instanceof BracketError) return undefined;
    throw error;
  }
}

function isTournament(value: unknown, guildId?: string, id?: string): value is Tournament {
  if (!isObject(value)) return false;
  const t = value as Partial<Tournament>;
  return (
    typeof t.id === 'string' &&
    typeof t.guildId === 'string' &&
    (guildId === undefined || t.guildId === guildId) &&
    (id === undefined || t.id === id) &&
    typeof t.channelId === 'string' &&
    Array.isArray(t.entrants) &&
    Array.isArray(t.rounds) &&
    (t.status === 'running' || t.status === 'finished') &&
    bracketOf(t.bracket) !== undefined
  );
}

function isRun(value: unknown, guildId: string, channelId: string, userId: string): value is SoloRun {
  if (!isObject(value)) return false;
  const r = value as Partial<SoloRun>;
  return (
    typeof r.id === 'string' &&
    r.guildId === guildId &&
    r.channelId === channelId &&
    r.userId === userId &&
    Array.isArray(r.entrants) &&
    typeof r.step === 'number' &&
    typeof r.updatedAt === 'number' &&
    bracketOf(r.bracket) !== undefined
  );
}

function isTally(value: unknown, matches: number): value is RoundTally {
  if (!isObject(value)) return false;
  const t = value as Partial<RoundTally>;
  return (
    Array.isArray(t.counts) &&
    t.counts.length === matches &&
    t.counts.every((c) => Array.isArray(c) && c.length === 2 && c.every((n) => Number.isInteger(n) && n >= 0)) &&
    typeof t.voters === 'number'
  );
}

const isBallot = (value: unknown): value is Ballot => Array.isArray(value) && value.every((v) => v === 'a' || v === 'b' || v === null);

/** A vote's label in the round's counters (and its stored value): the match and the side. */
const sideLabel = (match: number, side: Side) => `${match}:${side}`;
const VOTERS = 'voters';

/** The side a stored vote names in `match`, if it is one. */
function sideOf(value: unknown, match: number): Side | null | undefined {
  if (value === null) return null;
  if (value === sideLabel(match, 'a')) return 'a';
  if (value === sideLabel(match, 'b')) return 'b';
  return undefined;
}

/** A round's counts: its counters added to the counts of an earlier version. */
function roundCounted(matches: number, counters: ReadonlyMap<string, number>, base: RoundTally | undefined): RoundTally {
  const counts = Array.from({ length: matches }, (_, m): readonly [number, number] => {
    const [a, b] = base?.counts[m] ?? [0, 0];
    return [Math.max(0, a + (counters.get(sideLabel(m, 'a')) ?? 0)), Math.max(0, b + (counters.get(sideLabel(m, 'b')) ?? 0))];
  });
  return { counts, voters: Math.max(0, (base?.voters ?? 0) + (counters.get(VOTERS) ?? 0)) };
}

/** Statistics stored by an earlier version (one record), with the results it counted. */
type StoredStats = WorldCupStats & { readonly recent?: readonly string[] };

function statsBase(value: unknown): StoredStats {
  if (!isObject(value) || !isObject(value.couples)) return EMPTY_STATS;
  return {
    runs: Number(value.runs) || 0,
    tournaments: Number(value.tournaments) || 0,
    couples: value.couples as Record<string, CoupleRecord>,
    recent: Array.isArray(value.recent) ? (value.recent as string[]) : [],
  };
}

/** A stored value as Keyv wrote it (`{ value, expires }`), read without Keyv's reviver. */
async function decode(keyv: Keyv, stored: Stored, now: number): Promise<unknown> {
  if ('value' in stored) return stored.value;
  const data = await keyv.deserializeData<unknown>(stored.raw);
  if (!data || (typeof data.expires === 'number' && data.expires < now)) return undefined;
  return data.value;
}

export function createWorldCupStore(keyv: Keyv): WorldCupStore {
  const soloKey = (guildId: string, channelId: string, userId: string) => guildKey(guildId, 'worldcup-solo', channelId, userId);
  const tournamentKey = (guildId: string, id: string) => guildKey(guildId, 'worldcup', id);
  const tallyKey = (guildId: string, id: string, round: number) => guildKey(guildId, 'worldcup', id, `r${round}`, 'tally');
  const countsKey = (guildId: string, id: string, round: number) => guildKey(guildId, 'worldcup', id, `r${round}`, 'counts');
  const fenceKey = (guildId: string, id: string, round: number) => guildKey(guildId, 'worldcup', id, `r${round}`, 'closed');
  /** An earlier version's record of all a member's votes in a round. */
  const ballotKey = (guildId: string, id: string, round: number, userId: string) => guildKey(guildId, 'worldcup', id, `r${round}`, 'vote', userId);
  const voteKey = (guildId: string, id: string, round: number, userId: string, match: number) => guildKey(guildId, 'worldcup', id, `r${round}`, 'vote', userId, String(match));
  const voterKey = (guildId: string, id: string, round: number, userId: string) => guildKey(guildId, 'worldcup', id, `r${round}`, 'voter', userId);
  const claimKey = (guildId: string, id: string, step: string) => guildKey(guildId, 'worldcup', id, 'claim', step);
  const channelKey = (guildId: string, channelId: string) => guildKey(guildId, 'worldcup-channel', channelId);
  const statsKey = (guildId: string) => guildKey(guildId, 'worldcup-stats');
  const statsCountsKey = (guildId: string) => guildKey(guildId, 'worldcup-stats', 'counts');

  const isDone = (t: Tournament) => t.status === 'finished' && t.finalized === true;
  /** Votes live until a week after their round's deadline. */
  const ballotTtl = (t: Tournament, round: number) => Math.max(0, (t.rounds[round]?.closesAt ?? Date.now()) - Date.now()) + BALLOT_TTL_MS;

  async function getTournament(guildId: string, tournamentId: string): Promise<Tournament | undefined> {
    const value = await keyv.get<unknown>(tournamentKey(guildId, tournamentId));
    return isTournament(value, guildId, tournamentId) ? value : undefined;
  }

  async function getStats(guildId: string): Promise<WorldCupStats> {
    const [legacy, counts] = await keyv.getMany<unknown>([statsKey(guildId), statsCountsKey(guildId)]);
    return statsOf(countsOf(counts), statsBase(legacy));
  }

  return {
    async getRun(guildId, channelId, userId) {
      const value = await keyv.get<unknown>(soloKey(guildId, channelId, userId));
      return isRun(value, guildId, channelId, userId) ? value : undefined;
    },
    async saveRun(run, ttlMs) {
      await keyv.set(soloKey(run.guildId, run.channelId, run.userId), run, Math.max(1, ttlMs));
    },
    getTournament,
    async saveTournament(t) {
      // A finished tournament expires; its rounds' counts expire on their own (see writeRound).
      await keyv.set(tournamentKey(t.guildId, t.id), t, isDone(t) ? FINISHED_TOURNAMENT_TTL_MS : undefined);
    },
    async deleteTournament(guildId, tournamentId) {
      await keyv.delete(tournamentKey(guildId, tournamentId));
    },
    async readRound(guildId, tournamentId, round, userIds) {
      const users = [...new Set(userIds)];
      const head = await keyv.getMany<unknown>([tournamentKey(guildId, tournamentId), tallyKey(guildId, tournamentId, round), countsKey(guildId, tournamentId, round)]);
      const [rawTournament, rawTally, rawCounts] = head;
      if (!isTournament(rawTournament, guildId, tournamentId)) return undefined;
      const matches = rawTournament.bracket.rounds[round]?.length ?? 0;
      const legacyTally = isTally(rawTally, matches) ? rawTally : undefined;
      const tally = roundCounted(matches, countsOf(rawCounts), legacyTally);
      // Per member: the earlier version's record, then one vote per match.
      const perUser = 1 + matches;
      const raw = users.length
        ? await keyv.getMany<unknown>(users.flatMap((u) => [ballotKey(guildId, tournamentId, round, u), ...Array.from({ length: matches }, (_, m) => voteKey(guildId, tournamentId, round, u, m))]))
        : [];
      const legacyBallots = new Map<string, Ballot>();
      const ballots = new Map(
        users.map((u, i): [string, Ballot | undefined] => {
          const legacy = raw[i * perUser];
          const old = isBallot(legacy) && legacy.length === matches ? legacy : undefined;
          if (old) legacyBallots.set(u, old);
          const ballot = Array.from({ length: matches }, (_, m) => sideOf(raw[i * perUser + 1 + m], m) ?? old?.[m] ?? null);
          return [u, old || ballot.some((side) => side !== null) ? ballot : undefined];
        }),
      );
      return { tournament: rawTournament, round, tally, ballots, legacyBallots };
    },
    async writeRound(snapshot, changes) {
      const { tournament: t, round } = snapshot;
      const ttl = ballotTtl(t, round);
      const marks: Mark[] = [];
      for (const [userId, sides] of changes.votes) {
        const legacy = snapshot.legacyBallots?.get(userId);
        for (const [match, side] of sides) {
          const before = legacy?.[match];
          marks.push({ key: voteKey(t.guildId, t.id, round, userId, match), label: sideLabel(match, side), absentAs: before ? sideLabel(match, before) : null, ttlMs: ttl });
        }
        // A member counts once among the round's voters, whichever match they voted in first.
        const counted = legacy?.some((side) => side !== null) ?? false;
        marks.push({ key: voterKey(t.guildId, t.id, round, userId), label: VOTERS, absentAs: counted ? VOTERS : null, ttlMs: ttl });
      }
      return setMarks(keyv, countsKey(t.guildId, t.id, round), marks, { ttlMs: ttl + FINISHED_TOURNAMENT_TTL_MS, unless: fenceKey(t.guildId, t.id, round) });
    },
    async fenceRound(guildId, tournamentId, round) {
      const t = await getTournament(guildId, tournamentId);
      await setIfAbsent(keyv, fenceKey(guildId, tournamentId, round), Date.now(), (t ? ballotTtl(t, round) : BALLOT_TTL_MS) + FINISHED_TOURNAMENT_TTL_MS);
    },
    async getTally(guildId, tournamentId, round, matches) {
      const [legacy, counts] = await keyv.getMany<unknown>([tallyKey(guildId, tournamentId, round), countsKey(guildId, tournamentId, round)]);
      return roundCounted(matches, countsOf(counts), isTally(legacy, matches) ? legacy : undefined);
    },
    async claimChannel(guildId, channelId, tournamentId, ttlMs) {
      return setIfAbsent(keyv, channelKey(guildId, channelId), tournamentId, ttlMs);
    },
    async channelHolder(guildId, channelId) {
      const value = await keyv.get<unknown>(channelKey(guildId, channelId));
      return typeof value === 'string' ? value : undefined;
    },
    async releaseChannel(guildId, channelId, tournamentId) {
      const key = channelKey(guildId, channelId);
      if ((await keyv.get<unknown>(key)) === tournamentId) await keyv.delete(key);
    },
    claimStep: (guildId, tournamentId, step, holder, leaseMs) => takeLease(keyv, claimKey(guildId, tournamentId, step), holder, leaseMs),
    releaseStep: (guildId, tournamentId, step, holder) => dropLease(keyv, claimKey(guildId, tournamentId, step), holder),
    async listRunning(include) {
      const now = Date.now();
      const out: Tournament[] = [];
      for await (const page of scanEntries(keyv, { glob: TOURNAMENT_GLOB, pattern: TOURNAMENT_KEY })) {
        for (const [key, stored] of page) {
          const guildId = TOURNAMENT_KEY.exec(key)?.[1];
          if (!guildId || (include && !include(guildId))) continue;
          const value = await decode(keyv, stored, now);
          if (isTournament(value, guildId) && !isDone(value)) out.push(value);
        }
      }
      return out;
    },
    getStats,
    async addToStats(guildId, resultId, kind, bracket) {
      const counts = resultCounts(kind, bracket);
      if (!counts || statsBase(await keyv.get<unknown>(statsKey(guildId))).recent?.includes(resultId)) return false;
      return addCounts(keyv, statsCountsKey(guildId), counts, { once: resultId });
    },
    deleteExpired: async (guildId) => {
      await deleteExpired(keyv, guildKey(guildId, 'worldcup', ''));
      await deleteExpired(keyv, guildKey(guildId, 'worldcup-solo', ''));
    },
  };
}
