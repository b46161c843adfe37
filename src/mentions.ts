import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Language, TranslationVars } from './i18n/index.js';

/**
 * Command mentions: the bot's answers name its commands as `</kiss-daily set:123>`, which each
 * member's Discord client shows in the member's own language (a Korean member reads
 * "/kiss-daily 설정") and makes clickable. A mention needs the id Discord gave the command when it
 * was registered; the bot learns the ids once at start-up. Until then (or when the list could not
 * be read) a mention falls back to the command as plain text, in the member's language.
 *
 * Translations refer to a command through a placeholder named after its path in camelCase:
 * `kiss-daily set` is `{{kissDailySet}}` (see `mentionVariable`), filled from `vars(lang)`.
 */

/** A command as members type it: the command's name, then its group and subcommand, if any. */
export type CommandPath = string;

export interface RegisteredCommand {
  readonly id: string;
  readonly name: string;
}

export interface CommandMentions {
  /** `</kiss-daily set:123>` once the command's id is known; otherwise `` `/kiss-daily set` `` in `lang`. */
  mention(path: CommandPath, lang: Language): string;
  /** A mention of every command path the bot defines, as translation variables (`kissDailySet`). */
  vars(lang: Language): TranslationVars;
  /** Remembers the ids of the registered commands (by name). Returns how many of the bot's commands it now knows. */
  learn(registered: Iterable<RegisteredCommand>): number;
}

/** The translation variable of a command path: `kiss-daily set` → `kissDailySet`. */
export function mentionVariable(path: CommandPath): string {
  return path
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1)))
    .join('');
}

type Definition = Pick<RESTPostAPIChatInputApplicationCommandsJSONBody, 'name' | 'name_localizations' | 'options'>;
type NamePart = { name: string; name_localizations?: Partial<Record<string, string | null>> | null | undefined };

/**
 * Every path a member can run: a command without subcommands, or each of its subcommands (in
 * groups too). Discord only mentions runnable paths, so a command with subcommands is never
 * mentioned alone. Each path comes with its parts, for the localized plain-text fallback.
 */
export function commandPaths(definitions: readonly Definition[]): Map<CommandPath, NamePart[]> {
  const paths = new Map<CommandPath, NamePart[]>();
  const add = (parts: NamePart[]) => paths.set(parts.map((p) => p.name).join(' '), parts);
  for (const command of definitions) {
    const subs = (command.options ?? []).filter(
      (o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup,
    );
    if (subs.length === 0) add([command]);
    for (const sub of subs) {
      if (sub.type === ApplicationCommandOptionType.SubcommandGroup) for (const inner of sub.options ?? []) add([command, sub, inner]);
      else add([command, sub]);
    }
  }
  return paths;
}

function localizedPath(parts: readonly NamePart[], lang: Language): string {
  return parts.map((p) => (lang === 'en' ? p.name : (p.name_localizations?.[lang] ?? p.name))).join(' ');
}

/**
 * The bot's command mentions, from its command definitions (the same list `npm run deploy`
 * registers). A path the bot does not define (a command another version registers) still gets a
 * plain-text fallback.
 */
export function createCommandMentions(definitions: readonly Definition[]): CommandMentions {
  const paths = commandPaths(definitions);
  const names = new Set(definitions.map((d) => d.name));
  const ids = new Map<string, string>();
  const cache = new Map<Language, TranslationVars>();

  const mention = (path: CommandPath, lang: Language): string => {
    const parts = paths.get(path);
    const id = parts ? ids.get(parts[0]!.name) : undefined;
    if (parts && id) return `</${path}:${id}>`;
    return `\`/${parts ? localizedPath(parts, lang) : path}\``;
  };

  return {
    mention,
    vars(lang) {
      let vars = cache.get(lang);
      if (!vars) {
        vars = Object.freeze(Object.fromEntries([...paths.keys()].map((path) => [mentionVariable(path), mention(path, lang)])));
        cache.set(lang, vars);
      }
      return vars;
    },
    learn(registered) {
      for (const command of registered) if (names.has(command.name) && /^\d{17,20}$/.test(command.id)) ids.set(command.name, command.id);
      cache.clear();
      return ids.size;
    },
  };
}
