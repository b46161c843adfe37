import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { AppContext } from './context.js';

export type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

/**
 * Handles the buttons, menus and modals whose custom_id starts with `<prefix>:`. `args` are the
 * remaining `:`-separated parts. They come from the user's client and may be forged: validate them.
 */
export type ComponentHandler = (interaction: ComponentInteraction, ctx: AppContext, args: string[]) => Promise<void>;

/**
 * One slash command: its JSON definition (importable without a client, so `deploy --dry-run` can
 * print it) and its handlers. Each file in `commands/` default-exports one of these.
 */
export interface Command {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, ctx: AppContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: AppContext): Promise<void>;
  /** custom_id prefix → handler, for this command's components. Prefixes are unique across commands. */
  readonly components?: Readonly<Record<string, ComponentHandler>>;
}
