import { randomInt } from 'node:crypto';
import type { Random } from '../catalogue/random.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const POLL_ID_LENGTH = 10;
const POLL_ID = /^[A-Za-z0-9]{10}$/;

/**
 * A short, url-safe poll id (10 letters and digits, about 59 bits). Uses the crypto generator
 * unless a `random` is given (tests pass a seeded one).
 */
export function newPollId(random?: Random): string {
  let id = '';
  for (let i = 0; i < POLL_ID_LENGTH; i++) {
    const n = random ? Math.min(ALPHABET.length - 1, Math.floor(random() * ALPHABET.length)) : randomInt(ALPHABET.length);
    id += ALPHABET[n];
  }
  return id;
}

/** Whether a string (from a custom_id or an option, so possibly forged) has the shape of a poll id. */
export function isPollId(value: string): boolean {
  return POLL_ID.test(value);
}

/** The KeyedQueue key of one poll: its changes run in order under it (also the key of its live edits). */
export function pollKey(guildId: string, pollId: string): string {
  return `poll:${guildId}:${pollId}`;
}

/** The server and poll a `pollKey` names. */
export function pollOfKey(key: string): { guildId: string; pollId: string } {
  const [, guildId = '', pollId = ''] = key.split(':');
  return { guildId, pollId };
}

/** The KeyedQueue key of a server's list of open polls and its leaderboard. */
export function serverKey(guildId: string): string {
  return `guild:${guildId}`;
}
