/** Application command registration: bulk overwrite and single create, validated like Discord. */
import { Errors, E, FormErrors } from './errors.js';
import type { StoredCommand, StoredOption, World } from './model.js';
import { checkCommand, isRecord } from './rules.js';

/** Discord's per-scope limits by command type: 100 chat input, 15 user, 15 message, 1 entry point. */
const LIMITS: Record<number, number> = { 1: 100, 2: 15, 3: 15, 4: 1 };

/**
 * A command list as the list endpoints answer it. Like Discord, they leave the localization
 * dictionaries out (of the command, its options and choices) unless `with_localizations=true`; the
 * registration endpoints always answer in full.
 */
export function listCommands(commands: readonly StoredCommand[], query: URLSearchParams): StoredCommand[] {
  if (query.get('with_localizations') === 'true') return commands.map((c) => structuredClone(c));
  const strip = <T extends object>(value: T): T => {
    const copy = { ...value } as Record<string, unknown>;
    delete copy.name_localizations;
    delete copy.description_localizations;
    if (Array.isArray(copy.options)) copy.options = (copy.options as object[]).map(strip);
    if (Array.isArray(copy.choices)) copy.choices = (copy.choices as object[]).map(strip);
    return copy as T;
  };
  return commands.map(strip);
}

/** Validates and stores a full command list for the application (guildId undefined) or a guild. */
export function overwriteCommands(world: World, applicationId: string, guildId: string | undefined, body: unknown): StoredCommand[] {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], E.type('array'));
    errors.throwIfAny();
    return [];
  }
  body.forEach((cmd, i) => checkCommand(errors, [i], cmd));
  const seen = new Map<string, number>();
  body.forEach((cmd, i) => {
    if (!isRecord(cmd) || typeof cmd.name !== 'string') return;
    const key = `${typeof cmd.type === 'number' ? cmd.type : 1}:${cmd.name}`;
    if (seen.has(key)) errors.add([i, 'name'], E.duplicateName());
    seen.set(key, i);
  });
  errors.throwIfAny();
  const records = body as Array<Record<string, unknown>>;
  for (const [type, limit] of Object.entries(LIMITS)) {
    if (records.filter((c) => (c.type ?? 1) === Number(type)).length > limit) throw Errors.tooManyCommands();
  }
  const previous = guildId ? (world.guildCommands.get(guildId) ?? []) : world.globalCommands;
  const stored = records.map((cmd) => store(world, applicationId, guildId, cmd, previous));
  if (guildId) world.guildCommands.set(guildId, stored);
  else world.globalCommands = stored;
  return stored;
}

/** Creates or replaces (same name and type) one command. Returns it and whether it is new. */
export function upsertCommand(
  world: World,
  applicationId: string,
  guildId: string | undefined,
  body: unknown,
): { command: StoredCommand; created: boolean } {
  const errors = new FormErrors();
  checkCommand(errors, [], body);
  errors.throwIfAny();
  const cmd = body as Record<string, unknown>;
  const list = guildId ? (world.guildCommands.get(guildId) ?? []) : world.globalCommands;
  const type = (cmd.type ?? 1) as number;
  const existing = list.find((c) => c.type === type && c.name === cmd.name);
  if (!existing && list.filter((c) => c.type === type).length >= (LIMITS[type] ?? 100)) throw Errors.tooManyCommands();
  const command = store(world, applicationId, guildId, cmd, list);
  const next = existing ? list.map((c) => (c === existing ? command : c)) : [...list, command];
  if (guildId) world.guildCommands.set(guildId, next);
  else world.globalCommands = next;
  return { command, created: !existing };
}

function store(
  world: World,
  applicationId: string,
  guildId: string | undefined,
  cmd: Record<string, unknown>,
  previous: StoredCommand[],
): StoredCommand {
  const type = (cmd.type ?? 1) as number;
  const same = previous.find((p) => p.type === type && p.name === cmd.name);
  const integrationTypes = Array.isArray(cmd.integration_types) ? (cmd.integration_types as number[]) : [0];
  const contexts = guildId
    ? null
    : Array.isArray(cmd.contexts)
      ? (cmd.contexts as number[])
      : integrationTypes.includes(1)
        ? [0, 1, 2]
        : [0, 1];
  const stored: StoredCommand = {
    id: same?.id ?? world.nextId(),
    application_id: applicationId,
    version: world.nextId(),
    type,
    name: typeof cmd.name === 'string' ? cmd.name : '',
    name_localizations: cmd.name_localizations ?? null,
    description: typeof cmd.description === 'string' ? cmd.description : '',
    description_localizations: cmd.description_localizations ?? null,
    default_member_permissions:
      typeof cmd.default_member_permissions === 'string' ? cmd.default_member_permissions : null,
    dm_permission: cmd.dm_permission !== false,
    nsfw: cmd.nsfw === true,
    contexts: guildId ? [0] : contexts,
    integration_types: integrationTypes,
  };
  if (guildId) stored.guild_id = guildId;
  if (Array.isArray(cmd.options)) stored.options = structuredClone(cmd.options) as StoredOption[];
  return stored;
}
