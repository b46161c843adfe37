import type Keyv from 'keyv';
import { BracketError, parseBracket, type Bracket } from '../worldcup/bracket.js';
import { emptyTally, type Ballot, type RoundTally, type SoloRun, type Tournament } from '../worldcup/model.js';
import { addResult, EMPTY_STATS, type ResultKind, type WorldCupStats } from '../worldcup/stats.js';
import { deleteExpired, setAll, setIfAbsent, type Entry } from './atomic.js';
import { scanEntries, type Stored } from './scan.js';

export type { Ballot, RoundTally } from '../worldcup/model.js';
import { guildKey } from './keys.js';

/** A round as a batch of votes reads it: the tournament, the round's counts and the ballots of the members it touches. */
export interface RoundSnapshot {
  readonly tournament: Tournament;
  readonly round: number;
  readonly tally: RoundTally;
  readonly ballots: ReadonlyMap<string, Ballot | undefined>;
}

/** What a batch of votes changed; written all at once. */
export interface RoundChanges {
  readonly tally: RoundTally;
  readonly ballots: ReadonlyMap<string, Ballot>;
}

/**
 * What the World Cup keeps, per server (every key starts `guild:<id>:`, so a server's deletion
 * takes it along):
 * - `guild:<id>:worldcup-solo:<channel>:<user>`: a member's solo run in a channel (one at most:
 *   a new run replaces it), expiring 15 minutes after its last choice;
 * - `guild:<id>:worldcup:<tournament>`: a server tournament, without its votes; kept 30 days after
 *   it finished;
 * - `guild:<id>:worldcup:<tournament>:r<round>:tally`: a round's counts per match and its voters;
 * - `guild:<id>:worldcup:<tournament>:r<round>:vote:<user>`: one member's votes in a round (a side
 *   per match), expiring a week after the round's deadline;
 * - `guild:<id>:worldcup:<tournament>:claim:<step>`: the claims that let exactly one process close
 *   a round (`close:<r>`), post a round's message (`post:<r>`) or finish the tournament (`final`);
 * - `guild:<id>:worldcup-channel:<channel>`: the tournament running in a channel, claimed with an
 *   atomic set-if-absent: at most one per channel, even across processes;
 * - `guild:<id>:worldcup-stats`: the server's statistics (titles, head-to-head wins and losses).
 * Running tournaments are found at start-up with one key scan over the tournament records (as the
 * daily schedules are): no shared index that several processes would rewrite.
 * A round's votes are read and written per member touched, beside one counts record: the cost of a
 * vote does not grow with the number of voters. These functions do no locking: the World Cup
 * service serializes the changes to one tournament, one solo run and one server's statistics.
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
  /** Writes a batch's counts and ballots at once. */
  writeRound(snapshot: RoundSnapshot, changes: RoundChanges): Promise<void>;
  /** A round's counts (zeros when nobody voted). */
  getTally(guildId: string, tournamentId: string, round: number, matches: number): Promise<RoundTally>;
  /** Claims a channel for a tournament: false when another tournament holds it. The claim lapses after `ttlMs`. */
  claimChannel(guildId: string, channelId: string, tournamentId: string, ttlMs: number): Promise<boolean>;
  /** The tournament holding a channel, if any. */
  channelHolder(guildId: string, channelId: string): Promise<string | undefined>;
  /** Gives a channel back (only if `tournamentId` holds it). */
  releaseChannel(guildId: string, channelId: string, tournamentId: string): Promise<void>;
  /**
   * Claims one step of a tournament (`close:<r>`, `post:<r>`, `final`) for `leaseMs`: one holder at
   * a time, in any process (true again for the holder); a crashed holder's claim lapses.
   */
  claimStep(guildId: string, tournamentId: string, step: string, holder: string, leaseMs: number): Promise<boolean>;
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
  const ballotKey = (guildId: string, id: string, round: number, userId: string) => guildKey(guildId, 'worldcup', id, `r${round}`, 'vote', userId);
  const claimKey = (guildId: string, id: string, step: string) => guildKey(guildId, 'worldcup', id, 'claim', step);
  const channelKey = (guildId: string, channelId: string) => guildKey(guildId, 'worldcup-channel', channelId);
  const statsKey = (guildId: string) => guildKey(guildId, 'worldcup-stats');

  const isDone = (t: Tournament) => t.status === 'finished' && t.finalized === true;
  /** Votes live until a week after their round's deadline. */
  const ballotTtl = (t: Tournament, round: number) => Math.max(0, (t.rounds[round]?.closesAt ?? Date.now()) - Date.now()) + BALLOT_TTL_MS;

  async function getTournament(guildId: string, tournamentId: string): Promise<Tournament | undefined> {
    const value = await keyv.get<unknown>(tournamentKey(guildId, tournamentId));
    return isTournament(value, guildId, tournamentId) ? value : undefined;
  }

  async function getStats(guildId: string): Promise<WorldCupStats> {
    const stored = await keyv.get<WorldCupStats>(statsKey(guildId));
    return stored && isObject(stored) ? { ...EMPTY_STATS, ...stored } : EMPTY_STATS;
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
      const [rawTournament, rawTally, ...rawBallots] = await keyv.getMany<unknown>([
        tournamentKey(guildId, tournamentId),
        tallyKey(guildId, tournamentId, round),
        ...users.map((u) => ballotKey(guildId, tournamentId, round, u)),
      ]);
      if (!isTournament(rawTournament, guildId, tournamentId)) return undefined;
      const matches = rawTournament.bracket.rounds[round]?.length ?? 0;
      const tally = isTally(rawTally, matches) ? rawTally : emptyTally(matches);
      const ballots = new Map(
        users.map((u, i): [string, Ballot | undefined] => {
          const ballot = rawBallots[i];
          return [u, isBallot(ballot) && ballot.length === matches ? ballot : undefined];
        }),
      );
      return { tournament: rawTournament, round, tally, ballots };
    },
    async writeRound(snapshot, changes) {
      const { tournament: t, round } = snapshot;
      const ttl = ballotTtl(t, round);
      const entries: Entry[] = [{ key: tallyKey(t.guildId, t.id, round), value: changes.tally, ttlMs: ttl + FINISHED_TOURNAMENT_TTL_MS }];
      for (const [userId, ballot] of changes.ballots) entries.push({ key: ballotKey(t.guildId, t.id, round, userId), value: ballot, ttlMs: ttl });
      await setAll(keyv, entries);
    },
    async getTally(guildId, tournamentId, round, matches) {
      const value = await keyv.get<unknown>(tallyKey(guildId, tournamentId, round));
      return isTally(value, matches) ? value : emptyTally(matches);
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
    async claimStep(guildId, tournamentId, step, holder, leaseMs) {
      const key = claimKey(guildId, tournamentId, step);
      if (await setIfAbsent(keyv, key, { holder, at: Date.now() }, leaseMs)) return true;
      return (await keyv.get<{ holder?: string }>(key))?.holder === holder;
    },
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
      const { stats, applied } = addResult(await getStats(guildId), resultId, kind, bracket);
      if (applied) await keyv.set(statsKey(guildId), stats);
      return applied;
    },
    deleteExpired: async (guildId) => {
      await deleteExpired(keyv, guildKey(guildId, 'worldcup', ''));
      await deleteExpired(keyv, guildKey(guildId, 'worldcup-solo', ''));
    },
  };
}
