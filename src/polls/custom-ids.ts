import { customId } from '../custom-id.js';
import { isPollId } from './ids.js';
import { MAX_COUPLES } from './model.js';

/** custom_id prefix of every poll button. */
export const POLL_PREFIX = 'poll';

/** What a poll button asks for. The index is a position in the poll's candidates, checked by the service. */
export type PollAction =
  | { action: 'vote'; pollId: string; index: number }
  | { action: 'withdraw' | 'close' | 'results'; pollId: string };

/** `poll:vote:<pollId>:<index>`, `poll:withdraw:<pollId>`, `poll:close:<pollId>`, `poll:results:<pollId>`. */
export function pollCustomId(action: PollAction): string {
  return action.action === 'vote'
    ? customId(POLL_PREFIX, 'vote', action.pollId, action.index)
    : customId(POLL_PREFIX, action.action, action.pollId);
}

/**
 * Reads the parts after `poll:`. Anything not shaped exactly like an id we build (unknown action,
 * malformed poll id, an index that is not a small whole number, extra parts) is undefined.
 */
export function parsePollCustomId(args: readonly string[]): PollAction | undefined {
  const [action, pollId, index, ...extra] = args;
  if (!pollId || !isPollId(pollId) || extra.length) return undefined;
  if (action === 'vote') {
    if (index === undefined || !/^\d{1,2}$/.test(index) || Number(index) >= MAX_COUPLES) return undefined;
    return { action, pollId, index: Number(index) };
  }
  if ((action === 'withdraw' || action === 'close' || action === 'results') && index === undefined) return { action, pollId };
  return undefined;
}
