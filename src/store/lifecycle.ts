import type Keyv from 'keyv';
import { setIfAbsent } from './atomic.js';
import { guildKey } from './keys.js';
import { backfillIndexes, deleteAllExpired, deleteKeys, listGuildIds, listKeys } from './prefix.js';

/** A server the bot was removed from, whose state is deleted at `deleteAt` unless the bot is invited back first. */
export interface PendingRemoval {
  readonly guildId: string;
  /** When the bot was removed (epoch ms). */
  readonly removedAt: number;
  /** When the server's state is due for deletion (epoch ms). */
  readonly deleteAt: number;
}

/** What the bot stores for one server, counted by kind (from its keys, see the stores beside this one). */
export interface DataSummary {
  /** 1 when the server has a daily-story schedule (its settings, rotation and last post). */
  readonly dailySchedule: number;
  /** Records of which story each recent day got (kept 3 days). */
  readonly dailyPosts: number;
  readonly pinnedLinks: number;
  /** Polls (open, and closed ones kept for 30 days after their deadline). */
  readonly polls: number;
  /** Members' votes in those polls (a member id and a couple each). */
  readonly votes: number;
  /** 1 when the server has a poll leaderboard. */
  readonly leaderboard: number;
  /** Channels whose last-shown story is remembered. */
  readonly lastShown: number;
  /** 1 when the server has stories of its own (`/kiss-story`: the stories, who added them, the contributor role). */
  readonly ownStories: number;
  /** Story forms kept for "Fix it" (an hour each). */
  readonly storyDrafts: number;
  /** Server quiz games (running, and finished ones kept 30 days). */
  readonly quizGames: number;
  /** Members with quiz statistics or a solo game kept (`/kiss-quiz`). */
  readonly quizMembers: number;
  /** 1 when the server has a quiz leaderboard. */
  readonly quizLeaderboard: number;
  /** Every stored entry, the above included (with the polls' counts, claims and index). */
  readonly entries: number;
}

export const EMPTY_SUMMARY: DataSummary = Object.freeze({ dailySchedule: 0, dailyPosts: 0, pinnedLinks: 0, polls: 0, votes: 0, leaderboard: 0, lastShown: 0, ownStories: 0, storyDrafts: 0, quizGames: 0, quizMembers: 0, quizLeaderboard: 0, entries: 0 });

/**
 * The data lifecycle's own state, and whole-server operations over the others' keys:
 * - `lifecycle:removal:<guildId>`: a server the bot was removed from, with when its state is due
 *   for deletion; one key per server, so several processes sharing the store never lose each
 *   other's writes; listed by their own key range (SQLite) or index (Redis): as many as there are;
 * - `lifecycle:claim:<name>`: claims, so one process of several does each deletion and sweep;
 * - `guild:<id>:data-confirm:<token>`: a pending `/kiss-data delete` confirmation (15 minutes).
 */
export interface LifecycleStore {
  scheduleRemoval(removal: PendingRemoval): Promise<void>;
  /** False when no removal was pending. */
  cancelRemoval(guildId: string): Promise<boolean>;
  pendingRemoval(guildId: string): Promise<PendingRemoval | undefined>;
  /** Every pending removal, due or not. */
  listRemovals(): Promise<PendingRemoval[]>;
  /** Claims `name` for `ttlMs`: of every caller, in any process, one gets true (see atomic.ts). */
  claim(name: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim up before it expires (its work is done, and its name should not outlive it). */
  release(name: string): Promise<void>;
  /** The id of every server that has data, in pages (start-up compares them with the servers the bot is in). */
  listGuildsWithData(): AsyncIterable<readonly string[]>;
  /**
   * Makes every server's keys reachable without scanning the store (Redis: indexes what was written
   * before the indexes existed, once, by one process; see redis-index.ts). Returns the keys indexed
   * now, or undefined while another process does it (listings scan until it is done).
   */
  prepareIndexes(): Promise<number | undefined>;
  /** Counts what is stored for the server (values that have not expired). */
  summarize(guildId: string): Promise<DataSummary>;
  /** Deletes every key of the server (`guild:<id>:…`), expired or not; returns how many. */
  deleteGuild(guildId: string): Promise<number>;
  /** Deletes every expired value of the whole store (an SQLite file keeps them otherwise); returns how many. */
  deleteExpired(): Promise<number>;
  saveConfirmation(guildId: string, token: string, userId: string, ttlMs: number): Promise<void>;
  /**
   * Uses up a confirmation, only for the member it was made for: `taken` once (of clicks racing for
   * it, one gets `taken`); `not-yours` for anyone else, and the confirmation stays for its member;
   * `unknown` when there is none (expired, used, never made).
   */
  takeConfirmation(guildId: string, token: string, userId: string): Promise<ConfirmationTake>;
}

export type ConfirmationTake = 'taken' | 'not-yours' | 'unknown';

const REMOVAL = 'lifecycle:removal:';
const CLAIM = 'lifecycle:claim:';
const SNOWFLAKE = /^\d{1,20}$/;

/** Counts a server's keys (without `guild:<id>:`) by kind. */
export function summarizeKeys(keys: Iterable<string>): DataSummary {
  const s = { ...EMPTY_SUMMARY };
  // A member with both a solo game and statistics is one member.
  const quizMembers = new Set<string>();
  for (const key of keys) {
    s.entries++;
    const [kind, , sub] = key.split(':');
    if (kind === 'daily') s.dailySchedule++;
    else if (kind === 'daily-post') s.dailyPosts++;
    else if (kind === 'video') s.pinnedLinks++;
    else if (kind === 'poll-leaderboard') s.leaderboard++;
    else if (kind === 'scene-last') s.lastShown++;
    else if (kind === 'stories') s.ownStories++;
    else if (kind === 'story-draft') s.storyDrafts++;
    else if (kind === 'poll' && key.split(':').length === 2) s.polls++;
    else if (kind === 'poll' && sub === 'vote') s.votes++;
    else if (kind === 'quiz' && key.split(':').length === 2) s.quizGames++;
    else if (kind === 'quiz-member' || kind === 'quiz-solo') quizMembers.add(key.split(':')[1] ?? '');
    else if (kind === 'quiz-board' && key === 'quiz-board:counts') s.quizLeaderboard++;
  }
  s.quizMembers = quizMembers.size;
  return s;
}

export function createLifecycleStore(keyv: Keyv): LifecycleStore {
  const removalKey = (guildId: string) => `${REMOVAL}${guildId}`;
  const guildPrefix = (guildId: string) => guildKey(guildId, '');
  const confirmKey = (guildId: string, token: string) => guildKey(guildId, 'data-confirm', token);

  const checked = (guildId: string, value: unknown): PendingRemoval | undefined => {
    const v = value as Partial<PendingRemoval> | null | undefined;
    return typeof v?.deleteAt === 'number' && typeof v.removedAt === 'number' ? { guildId, removedAt: v.removedAt, deleteAt: v.deleteAt } : undefined;
  };

  return {
    async scheduleRemoval({ guildId, removedAt, deleteAt }) {
      await keyv.set(removalKey(guildId), { removedAt, deleteAt });
    },
    async cancelRemoval(guildId) {
      return keyv.delete(removalKey(guildId));
    },
    async pendingRemoval(guildId) {
      return checked(guildId, await keyv.get(removalKey(guildId)));
    },
    async listRemovals() {
      const guildIds: string[] = [];
      for await (const page of listKeys(keyv, REMOVAL)) {
        for (const key of page) {
          const guildId = key.slice(REMOVAL.length);
          if (SNOWFLAKE.test(guildId)) guildIds.push(guildId);
        }
      }
      if (!guildIds.length) return [];
      const values = await keyv.getMany(guildIds.map(removalKey));
      return guildIds.flatMap((guildId, i) => checked(guildId, values[i]) ?? []);
    },
    claim: (name, ttlMs) => setIfAbsent(keyv, `${CLAIM}${name}`, Date.now(), ttlMs),
    async release(name) {
      await keyv.delete(`${CLAIM}${name}`);
    },
    listGuildsWithData: () => listGuildIds(keyv),
    prepareIndexes: () => backfillIndexes(keyv),
    async summarize(guildId) {
      const prefix = guildPrefix(guildId);
      const keys: string[] = [];
      for await (const page of listKeys(keyv, prefix)) for (const key of page) keys.push(key.slice(prefix.length));
      return summarizeKeys(keys);
    },
    deleteGuild: (guildId) => deleteKeys(keyv, guildPrefix(guildId)),
    deleteExpired: () => deleteAllExpired(keyv),
    async saveConfirmation(guildId, token, userId, ttlMs) {
      await keyv.set(confirmKey(guildId, token), userId, ttlMs);
    },
    async takeConfirmation(guildId, token, userId) {
      const key = confirmKey(guildId, token);
      const owner = await keyv.get<string>(key);
      if (typeof owner !== 'string') return 'unknown';
      if (owner !== userId) return 'not-yours';
      // Compared before deleting, so another member's click leaves it; the delete says who took it.
      return (await keyv.delete(key)) ? 'taken' : 'unknown';
    },
  };
}
