import { readdir } from 'node:fs/promises';
import type { Command, ComponentHandler } from './command.js';

/** The folder of command files, next to `src/` (or `dist/commands` when running the build). */
export const COMMANDS_DIR = new URL('../commands/', import.meta.url);

export interface CommandRegistry {
  /** By command name. */
  readonly commands: ReadonlyMap<string, Command>;
  /** By custom_id prefix. */
  readonly components: ReadonlyMap<string, ComponentHandler>;
}

function isCommand(value: unknown): value is Command {
  if (!value || typeof value !== 'object') return false;
  const c = value as Partial<Command>;
  return (
    typeof c.data === 'object' &&
    c.data !== null &&
    typeof c.data.name === 'string' &&
    typeof c.execute === 'function' &&
    (c.autocomplete === undefined || typeof c.autocomplete === 'function') &&
    (c.components === undefined || (typeof c.components === 'object' && c.components !== null))
  );
}

/**
 * Loads every command file in `dir`: the one list of commands, used by the bot and the deploy
 * script alike. A file that does not default-export a command, or a duplicate name or component
 * prefix, is an error that names the file.
 */
export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<CommandRegistry> {
  const files = (await readdir(dir))
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !/\.(test|spec)\./.test(f))
    .sort();
  const commands = new Map<string, Command>();
  const components = new Map<string, ComponentHandler>();
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { default?: unknown };
    if (!isCommand(mod.default)) throw new Error(`commands/${file} must default-export a command ({ data, execute })`);
    const command = mod.default;
    if (commands.has(command.data.name)) throw new Error(`commands/${file}: duplicate command name "${command.data.name}"`);
    commands.set(command.data.name, command);
    for (const [prefix, handler] of Object.entries(command.components ?? {})) {
      if (components.has(prefix)) throw new Error(`commands/${file}: component prefix "${prefix}" is already used`);
      components.set(prefix, handler);
    }
  }
  return { commands, components };
}

/** The JSON body `PUT /applications/{id}/commands` takes: every definition, in file order. */
export function commandPayload(registry: CommandRegistry): Command['data'][] {
  return [...registry.commands.values()].map((c) => c.data);
}
