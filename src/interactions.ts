import { randomUUID } from 'node:crypto';
import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import type { AppContext } from './context.js';
import { UserError } from './errors.js';
import { t } from './i18n/index.js';
import type { CommandRegistry } from './loader.js';
import { isStoreUnavailable } from './store/index.js';

/** What the logs say about an interaction: ids only, never its token. */
function describe(interaction: Interaction) {
  return {
    interactionId: interaction.id,
    kind: interaction.isChatInputCommand()
      ? 'command'
      : interaction.isAutocomplete()
        ? 'autocomplete'
        : interaction.isMessageComponent()
          ? 'component'
          : interaction.isModalSubmit()
            ? 'modal'
            : String(interaction.type),
    command: interaction.isChatInputCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
    subcommand: interaction.isChatInputCommand() ? (interaction.options.getSubcommand(false) ?? undefined) : undefined,
    customId: interaction.isMessageComponent() || interaction.isModalSubmit() ? interaction.customId.slice(0, 100) : undefined,
    guildId: interaction.guildId ?? undefined,
    channelId: interaction.channelId ?? undefined,
    userId: interaction.user.id,
    locale: interaction.locale,
  };
}

export type InteractionOutcome = 'ok' | 'user_error' | 'store_unavailable' | 'error';

function outcomeOf(error: unknown): InteractionOutcome {
  if (error instanceof UserError) return 'user_error';
  return isStoreUnavailable(error) ? 'store_unavailable' : 'error';
}
/** Told how each handled interaction ended (metrics): its kind, command (or component) and outcome. */
export type InteractionObserver = (labels: { kind: string; command: string }, outcome: InteractionOutcome) => void;

/** Bounded labels: a name the bot does not know (a stale command or button) counts as `unknown`. */
function labelsOf(interaction: Interaction, registry: CommandRegistry) {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    return { kind: interaction.isChatInputCommand() ? 'command' : 'autocomplete', command: registry.commands.has(interaction.commandName) ? interaction.commandName : 'unknown' };
  }
  const { kind, customId } = describe(interaction);
  const prefix = customId?.split(':')[0] ?? '';
  return { kind, command: registry.components.has(prefix) ? prefix : 'unknown' };
}

/** Answers privately, whether or not the interaction was already answered. */
async function answerPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  const options = { content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } } as const;
  if (interaction.deferred && !interaction.replied) await interaction.editReply({ content, allowedMentions: { parse: [] } });
  else if (interaction.replied || interaction.deferred) await interaction.followUp(options);
  else await interaction.reply(options);
}

/**
 * The one interaction error boundary. Routes each interaction to its command or component handler;
 * a UserError is answered privately in the member's language; anything else is logged with context
 * and an error id, and answered with a short generic message carrying the same id.
 */
export async function handleInteraction(
  interaction: Interaction,
  ctx: AppContext,
  registry: CommandRegistry,
  observe?: InteractionObserver,
): Promise<void> {
  const started = performance.now();
  try {
    if (interaction.isChatInputCommand()) {
      const command = registry.commands.get(interaction.commandName);
      if (!command) throw new UserError('common.unknownCommand');
      await command.execute(interaction, ctx);
    } else if (interaction.isAutocomplete()) {
      const command = registry.commands.get(interaction.commandName);
      if (command?.autocomplete) await command.autocomplete(interaction, ctx);
      else await interaction.respond([]);
    } else if (interaction.isButton() || interaction.isStringSelectMenu() || interaction.isModalSubmit()) {
      const [prefix = '', ...args] = interaction.customId.split(':');
      const handler = registry.components.get(prefix);
      if (!handler) throw new UserError('common.staleButton');
      await handler(interaction, ctx, args);
    } else {
      return;
    }
    if (ctx.logger.isLevelEnabled('debug')) ctx.logger.debug({ ...describe(interaction), ms: Math.round(performance.now() - started) }, 'interaction handled');
    observe?.(labelsOf(interaction, registry), 'ok');
  } catch (error) {
    observe?.(labelsOf(interaction, registry), outcomeOf(error));
    await answerError(interaction, ctx, error);
  }
}

async function answerError(interaction: Interaction, ctx: AppContext, error: unknown): Promise<void> {
  const context = describe(interaction);
  if (interaction.isAutocomplete()) {
    // Autocomplete cannot show a message; offer nothing rather than leave the menu spinning.
    if (isStoreUnavailable(error)) ctx.logger.debug({ ...context, reason: error.reason }, 'autocomplete refused: store unavailable');
    else ctx.logger.error({ ...context, err: error }, 'autocomplete failed');
    if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    return;
  }
  if (!interaction.isRepliable()) return;
  let content: string;
  if (error instanceof UserError) {
    ctx.logger.info({ ...context, reason: error.key }, 'user error');
    content = error.text(interaction.locale, ctx.mentions);
  } else if (isStoreUnavailable(error)) {
    // Not a bug, and not one line per member: the store logs one warning per outage (availability.ts).
    ctx.logger.debug({ ...context, reason: error.reason }, 'refused: store unavailable');
    content = t(interaction.locale, 'common.storeUnavailable');
  } else {
    const errorId = randomUUID().slice(0, 8);
    ctx.logger.error({ ...context, errorId, err: error }, 'interaction failed');
    content = t(interaction.locale, 'common.genericError', { errorId });
  }
  try {
    await answerPrivately(interaction, content);
  } catch (replyError) {
    ctx.logger.warn({ ...context, err: replyError }, 'could not tell the user about the error');
  }
}
