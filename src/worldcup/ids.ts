import type { Random } from '../catalogue/random.js';
import { customId } from '../custom-id.js';
import { isPollId, newPollId } from '../polls/ids.js';
import { BRACKET_SIZES, MAX_BRACKET_SIZE, MAX_ROUNDS, type BracketSize } from './bracket.js';

/** Solo runs and tournaments have short random ids of the same shape as polls' (10 letters and digits). */
export const newWorldCupId = (random?: Random): string => newPollId(random);
export const isWorldCupId = (value: string): boolean => isPollId(value);

/** custom_id prefix of every World Cup button. */
export const WORLDCUP_PREFIX = 'wc';

export type Side = 'a' | 'b';

/** What a World Cup button asks for. Positions are checked against the stored run or tournament. */
export type WorldCupAction =
  /** Solo: the member picks side `side` of the match at `step` (choices made before it). */
  | { action: 'pick'; runId: string; step: number; side: Side }
  /** Solo: post the finished run's champion in the channel. */
  | { action: 'share'; runId: string }
  /** Solo: start a new run of `size`. */
  | { action: 'again'; size: BracketSize }
  /** Server: a vote for side `side` of match `match` in round `round`. */
  | { action: 'vote'; tournamentId: string; round: number; match: number; side: Side };

/** `wc:pick:<run>:<step>:<a|b>`, `wc:share:<run>`, `wc:again:<size>`, `wc:vote:<tournament>:<round>:<match>:<a|b>`. */
export function worldCupCustomId(action: WorldCupAction): string {
  switch (action.action) {
    case 'pick':
      return customId(WORLDCUP_PREFIX, 'pick', action.runId, action.step, action.side);
    case 'share':
      return customId(WORLDCUP_PREFIX, 'share', action.runId);
    case 'again':
      return customId(WORLDCUP_PREFIX, 'again', action.size);
    case 'vote':
      return customId(WORLDCUP_PREFIX, 'vote', action.tournamentId, action.round, action.match, action.side);
  }
}

const smallNumber = (text: string | undefined, below: number): number | undefined =>
  text !== undefined && /^\d{1,2}$/.test(text) && Number(text) < below ? Number(text) : undefined;
const side = (text: string | undefined): Side | undefined => (text === 'a' || text === 'b' ? text : undefined);

/**
 * Reads the parts after `wc:`. Anything not shaped exactly like an id we build (unknown action,
 * malformed id, a position out of range, extra parts) is undefined: a forged or broken button.
 */
export function parseWorldCupCustomId(args: readonly string[]): WorldCupAction | undefined {
  const [action, ...rest] = args;
  switch (action) {
    case 'pick': {
      const [runId, stepText, sideText, ...extra] = rest;
      const step = smallNumber(stepText, MAX_BRACKET_SIZE);
      const s = side(sideText);
      if (!runId || !isWorldCupId(runId) || step === undefined || !s || extra.length) return undefined;
      return { action, runId, step, side: s };
    }
    case 'share': {
      const [runId, ...extra] = rest;
      return runId && isWorldCupId(runId) && !extra.length ? { action, runId } : undefined;
    }
    case 'again': {
      const [sizeText, ...extra] = rest;
      const size = Number(sizeText);
      return BRACKET_SIZES.includes(size as BracketSize) && String(size) === sizeText && !extra.length ? { action, size: size as BracketSize } : undefined;
    }
    case 'vote': {
      const [tournamentId, roundText, matchText, sideText, ...extra] = rest;
      const round = smallNumber(roundText, MAX_ROUNDS);
      const match = smallNumber(matchText, MAX_BRACKET_SIZE / 2);
      const s = side(sideText);
      if (!tournamentId || !isWorldCupId(tournamentId) || round === undefined || match === undefined || !s || extra.length) return undefined;
      return { action, tournamentId, round, match, side: s };
    }
    default:
      return undefined;
  }
}

/** KeyedQueue key of one member's solo run in one channel: its choices run in order. */
export function soloKey(guildId: string, channelId: string, userId: string): string {
  return `wc-solo:${guildId}:${channelId}:${userId}`;
}

/** KeyedQueue and timer key of one tournament: its votes, closes and posts run in order under it. */
export function tournamentKey(guildId: string, tournamentId: string): string {
  return `wc:${guildId}:${tournamentId}`;
}

/** Live-edit key of one message of a round (a big round is shown in several, `part` 0 first). */
export function roundKey(guildId: string, tournamentId: string, round: number, part = 0): string {
  return `wc:${guildId}:${tournamentId}:${round}:${part}`;
}

/** The server and tournament a `tournamentKey` or `roundKey` names (and the round's message). */
export function ofKey(key: string): { guildId: string; tournamentId: string; round: number | undefined; part: number | undefined } {
  const [, guildId = '', tournamentId = '', round, part] = key.split(':');
  return { guildId, tournamentId, round: round === undefined ? undefined : Number(round), part: part === undefined ? undefined : Number(part) };
}
