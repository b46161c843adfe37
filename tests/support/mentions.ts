import { commandPayload, loadCommands } from '../../src/loader.js';
import { createCommandMentions, type CommandMentions } from '../../src/mentions.js';

/** The bot's command definitions, as `npm run deploy` registers them. */
export const definitions = commandPayload(await loadCommands());

/**
 * The bot's command mentions; with `ids` (command name → id) as if learnt from Discord at start-up,
 * without them as before (plain text).
 */
export function testMentions(ids: Record<string, string> = {}): CommandMentions {
  const mentions = createCommandMentions(definitions);
  mentions.learn(Object.entries(ids).map(([name, id]) => ({ name, id })));
  return mentions;
}
