import type Keyv from 'keyv';
import { addPollResult, EMPTY_LEADERBOARD, type Leaderboard } from '../polls/leaderboard.js';
import type { Poll } from '../polls/model.js';
import type { Tally } from '../polls/tally.js';
import { guildKey } from './keys.js';

/** An entry of a server's open-poll index: enough to restore its deadline timer at start-up. */
export interface OpenPollRef {
  readonly pollId: string;
  readonly closesAt: number;
}

/**
 * What the favourite-kiss polls keep, per server:
 * - `guild:<id>:poll:<pollId>`: one poll with its votes (a closed, finished poll expires after
 *   `closedPollTtlMs`, by then it is counted in the leaderboard);
 * - `guild:<id>:polls-open`: the server's open polls (also closed ones whose results are not
 *   posted yet), read at start-up to restore deadlines; the bot restores the servers it serves, so
 *   several bot processes sharing one Redis never touch each other's polls;
 * - `guild:<id>:poll-leaderboard`: the all-time aggregate.
 * These functions do no locking: the poll service serializes changes to one poll and one server.
 */
export interface PollStore {
  getPoll(guildId: string, pollId: string): Promise<Poll | undefined>;
  savePoll(poll: Poll): Promise<void>;
  deletePoll(guildId: string, pollId: string): Promise<void>;
  listOpenPolls(guildId: string): Promise<OpenPollRef[]>;
  setOpenPolls(guildId: string, refs: readonly OpenPollRef[]): Promise<void>;
  getLeaderboard(guildId: string): Promise<Leaderboard>;
  /** Adds a closed poll's tally to the leaderboard; false when that poll was already counted. */
  addToLeaderboard(guildId: string, pollId: string, tally: Tally): Promise<boolean>;
}

export const CLOSED_POLL_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function createPollStore(keyv: Keyv, options: { closedPollTtlMs?: number } = {}): PollStore {
  const ttl = options.closedPollTtlMs ?? CLOSED_POLL_TTL_MS;
  const pollKey = (guildId: string, pollId: string) => guildKey(guildId, 'poll', pollId);
  const openKey = (guildId: string) => guildKey(guildId, 'polls-open');
  const boardKey = (guildId: string) => guildKey(guildId, 'poll-leaderboard');

  const getLeaderboard = async (guildId: string): Promise<Leaderboard> => {
    const stored = await keyv.get<Leaderboard>(boardKey(guildId));
    return stored ? { ...EMPTY_LEADERBOARD, ...stored } : EMPTY_LEADERBOARD;
  };

  return {
    async getPoll(guildId, pollId) {
      const poll = await keyv.get<Poll>(pollKey(guildId, pollId));
      // The key already names the server; the check guards against a hand-edited store.
      return poll && poll.guildId === guildId && poll.id === pollId ? poll : undefined;
    },
    async savePoll(poll) {
      const done = poll.status === 'closed' && poll.finalized;
      await keyv.set(pollKey(poll.guildId, poll.id), poll, done ? ttl : undefined);
    },
    async deletePoll(guildId, pollId) {
      await keyv.delete(pollKey(guildId, pollId));
    },
    async listOpenPolls(guildId) {
      return (await keyv.get<OpenPollRef[]>(openKey(guildId))) ?? [];
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
  };
}
