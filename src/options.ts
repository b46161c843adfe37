import { ApplicationCommandOptionType, type AutocompleteInteraction, type ChatInputCommandInteraction, type CommandInteractionOption } from 'discord.js';
import { UserError } from './errors.js';

/**
 * Typed access to a slash command's options, derived from its `as const` definition (as yuudachi
 * does with `ArgsParam<typeof Command>`): a handler reads `readOptions(data, interaction)` and gets
 * each option under its declared name with its declared type, so a misspelt name is a compile error.
 *
 *  - without subcommands: `{ couple: string | undefined }`;
 *  - with subcommands: a union `{ subcommand: 'pin'; options: { couple: string; url: string } } | …`;
 *  - a required option is never undefined, an optional one may be; an option with `choices` has
 *    the union of their values.
 *
 * Subcommand groups are not supported (no command has one).
 */

/** What the types and the reader need of an option in a definition. */
interface OptionDefinition {
  readonly type: ApplicationCommandOptionType;
  readonly name: string;
  readonly required?: boolean;
  readonly autocomplete?: boolean;
  readonly choices?: readonly { readonly value: string | number }[];
  readonly options?: readonly OptionDefinition[];
}

/** What they need of a command definition (`RESTPostAPIChatInputApplicationCommandsJSONBody`). */
export interface CommandDefinition {
  readonly options?: readonly OptionDefinition[];
}

type Resolved = CommandInteractionOption;

/** The value of each option type, as discord.js resolves it. */
interface ValueByType {
  [ApplicationCommandOptionType.String]: string;
  [ApplicationCommandOptionType.Integer]: number;
  [ApplicationCommandOptionType.Number]: number;
  [ApplicationCommandOptionType.Boolean]: boolean;
  [ApplicationCommandOptionType.User]: NonNullable<Resolved['user']>;
  [ApplicationCommandOptionType.Channel]: NonNullable<Resolved['channel']>;
  [ApplicationCommandOptionType.Role]: NonNullable<Resolved['role']>;
  [ApplicationCommandOptionType.Mentionable]: NonNullable<Resolved['member' | 'role' | 'user']>;
  [ApplicationCommandOptionType.Attachment]: NonNullable<Resolved['attachment']>;
}

/** The value of one option: its type's, or the union of its choices' values. */
type ValueOf<O extends OptionDefinition> = O extends { readonly choices: readonly { readonly value: infer V }[] }
  ? V
  : O['type'] extends keyof ValueByType
    ? ValueByType[O['type']]
    : never;

/** `{ name: value }` for a list of (leaf) options; optional ones may be undefined. */
export type OptionValues<Options extends readonly OptionDefinition[]> = {
  readonly [O in Options[number] as O['name']]: O extends { readonly required: true } ? ValueOf<O> : ValueOf<O> | undefined;
};

type Subcommand = { readonly type: ApplicationCommandOptionType.Subcommand };
type OptionsOf<O> = O extends { readonly options: infer List extends readonly OptionDefinition[] } ? List : readonly [];
type TopLevel<D extends CommandDefinition> = OptionsOf<D>[number];

/** One member of the union per subcommand: its name and its options. */
type SubcommandArgs<S> = S extends Subcommand & { readonly name: infer Name extends string }
  ? { readonly subcommand: Name; readonly options: OptionValues<OptionsOf<S>> }
  : never;

/** What `readOptions` returns for the definition `D`. */
export type CommandOptions<D extends CommandDefinition> = [Extract<TopLevel<D>, Subcommand>] extends [never]
  ? OptionValues<OptionsOf<D>>
  : SubcommandArgs<TopLevel<D>>;

/** The names of `D`'s subcommands. */
export type SubcommandName<D extends CommandDefinition> = Extract<TopLevel<D>, Subcommand>['name'];

/** The options of one subcommand of `D`. */
export type SubcommandOptions<D extends CommandDefinition, Name extends SubcommandName<D>> = Extract<CommandOptions<D>, { readonly subcommand: Name }>['options'];

/** Options with autocomplete, at the top level or in any subcommand. */
type Leaf<O> = O extends Subcommand ? OptionsOf<O>[number] : O;
export type AutocompleteName<D extends CommandDefinition> = Extract<Leaf<TopLevel<D>>, { readonly autocomplete: true }>['name'];

type Resolver = ChatInputCommandInteraction['options'];

/** The discord.js getter for each option type `ValueByType` covers. */
const GETTERS = {
  [ApplicationCommandOptionType.String]: 'getString',
  [ApplicationCommandOptionType.Integer]: 'getInteger',
  [ApplicationCommandOptionType.Number]: 'getNumber',
  [ApplicationCommandOptionType.Boolean]: 'getBoolean',
  [ApplicationCommandOptionType.User]: 'getUser',
  [ApplicationCommandOptionType.Channel]: 'getChannel',
  [ApplicationCommandOptionType.Role]: 'getRole',
  [ApplicationCommandOptionType.Mentionable]: 'getMentionable',
  [ApplicationCommandOptionType.Attachment]: 'getAttachment',
} as const satisfies Record<keyof ValueByType, keyof Resolver>;

function readOne(resolver: Resolver, option: OptionDefinition): unknown {
  const { name } = option;
  const required = option.required === true;
  const getter = Object.hasOwn(GETTERS, option.type) ? GETTERS[option.type as keyof typeof GETTERS] : undefined;
  if (!getter) throw new Error(`Option "${name}" has a type (${option.type}) readOptions does not read`);
  const read = resolver[getter] as (name: string, required: boolean) => unknown;
  const value = read.call(resolver, name, required);
  // Discord only sends declared choices; anything else is treated as not given.
  const known = value !== null && (!option.choices || option.choices.some((c) => c.value === value));
  if (known) return value;
  if (required) throw new Error(`Required option "${name}" is missing or not one of its choices`);
  return undefined;
}

function readAll(resolver: Resolver, options: readonly OptionDefinition[]): Record<string, unknown> {
  return Object.fromEntries(options.map((option) => [option.name, readOne(resolver, option)]));
}

/**
 * Reads every option the definition declares (for the subcommand used, if it has subcommands). A
 * subcommand the definition does not have is a stale command: `common.unknownCommand`.
 */
export function readOptions<const D extends CommandDefinition>(data: D, interaction: { readonly options: Resolver }): CommandOptions<D> {
  const resolver = interaction.options;
  const options = data.options ?? [];
  const subcommands = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (options.some((o) => o.type === ApplicationCommandOptionType.SubcommandGroup)) throw new Error('readOptions does not read subcommand groups');
  if (!subcommands.length) return readAll(resolver, options) as CommandOptions<D>;
  const name = resolver.getSubcommand(true);
  const subcommand = subcommands.find((s) => s.name === name);
  if (!subcommand) throw new UserError('common.unknownCommand');
  return { subcommand: name, options: readAll(resolver, subcommand.options ?? []) } as CommandOptions<D>;
}

/** The option being typed in, when it is one the definition offers autocomplete for. */
export function readFocused<const D extends CommandDefinition>(
  data: D,
  interaction: { readonly options: Pick<AutocompleteInteraction['options'], 'getFocused'> },
): { readonly name: AutocompleteName<D>; readonly value: string } | undefined {
  const focused = interaction.options.getFocused(true);
  const leaves = (data.options ?? []).flatMap((o) => (o.type === ApplicationCommandOptionType.Subcommand ? (o.options ?? []) : [o]));
  if (!leaves.some((o) => o.autocomplete === true && o.name === focused.name)) return undefined;
  return { name: focused.name, value: String(focused.value) };
}
