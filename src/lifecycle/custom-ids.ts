import { customId } from '../custom-id.js';
import { CONFIRMATION_TOKEN } from './service.js';

/** custom_id prefix of the `/kiss-data delete` buttons. */
export const DATA_PREFIX = 'data';

/**
 * What a `/kiss-data delete` button asks for: `data:confirm:<guildId>:<token>` or
 * `data:cancel:<guildId>:<token>`. The token is random and stored for 15 minutes, for the member who
 * ran the command: a made-up or copied id names no token, and the server id must be the clicker's.
 */
export interface DataAction {
  readonly action: 'confirm' | 'cancel';
  readonly guildId: string;
  readonly token: string;
}

export function dataCustomId(action: DataAction): string {
  return customId(DATA_PREFIX, action.action, action.guildId, action.token);
}

/** Reads the parts after `data:`; anything not shaped exactly like an id we build is undefined. */
export function parseDataCustomId(args: readonly string[]): DataAction | undefined {
  const [action, guildId, token, ...extra] = args;
  if (extra.length || (action !== 'confirm' && action !== 'cancel')) return undefined;
  if (!guildId || !/^\d{17,20}$/.test(guildId) || !token || !CONFIRMATION_TOKEN.test(token)) return undefined;
  return { action, guildId, token };
}
