import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, ComponentInteraction } from '../src/command.js';
import type { AppContext } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { languageOf, localizations, nameAndDescription, t } from '../src/i18n/index.js';
import { DATA_PREFIX, dataCustomId, parseDataCustomId } from '../src/lifecycle/custom-ids.js';
import { readOptions } from '../src/options.js';
import { requireManageGuild } from '../src/permissions.js';
import { cancelledMessage, dataSummaryMessage, deletedMessage, deletePromptMessage, nothingToDeleteMessage } from '../src/replies/data.js';
import { CLOSED_POLL_TTL_MS } from '../src/store/polls.js';

const DAY_MS = 86_400_000;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-data',
  name_localizations: localizations('data.command.name'),
  description: t('en', 'data.command.description'),
  description_localizations: localizations('data.command.description'),
  // The server's own data: servers only, moderators only (checked again in the handler and on the button).
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('show', 'data.command.show') },
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('delete', 'data.command.delete') },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default {
  data,

  async execute(interaction, ctx) {
    const guildId = requireManageGuild(interaction);
    const lang = languageOf(interaction.locale);
    const args = readOptions(data, interaction);
    if (args.subcommand === 'show') {
      // Counting reads this server's keys only (a key range, or its index on Redis): answered at
      // once, within Discord's 3 s, at any size of the store (bench/data-show.ts measures it).
      const summary = await ctx.lifecycle.summary(guildId);
      await interaction.reply({
        ...dataSummaryMessage(summary, lang, { voteDays: CLOSED_POLL_TTL_MS / DAY_MS, afterRemovalMs: ctx.config.dataRetentionMs }, ctx.mentions),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    // Counting what would be deleted, then the confirmation: answered privately once it is done.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { token, summary } = await ctx.lifecycle.requestDeletion(guildId, interaction.user.id);
    if (!token) {
      await interaction.editReply(nothingToDeleteMessage(lang));
      return;
    }
    const ids = { confirm: dataCustomId({ action: 'confirm', guildId, token }), cancel: dataCustomId({ action: 'cancel', guildId, token }) };
    await interaction.editReply(deletePromptMessage(summary, lang, ids));
  },

  components: {
    /**
     * The confirm and cancel buttons of `/kiss-data delete`. The clicker must still have Manage
     * Server, in the server the buttons were made for, and the token must be the one stored for them
     * (once, within 15 minutes); anything else deletes nothing and says so privately.
     */
    async [DATA_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const action = parseDataCustomId(args);
      if (!action || !interaction.isButton()) throw new UserError('common.staleButton');
      const guildId = requireManageGuild(interaction);
      if (action.guildId !== guildId) throw new UserError('data.errors.staleConfirmation');
      const lang = languageOf(interaction.locale);
      if (action.action === 'cancel') {
        await ctx.lifecycle.cancelDeletion(guildId, interaction.user.id, action.token);
        await interaction.update(cancelledMessage(lang));
        return;
      }
      await ctx.lifecycle.redeemConfirmation(guildId, interaction.user.id, action.token);
      await interaction.deferUpdate();
      const summary = await ctx.lifecycle.deleteServerData(guildId);
      ctx.logger.info({ guildId, userId: interaction.user.id, entries: summary.entries }, 'server data deleted at a moderator’s request');
      await interaction.editReply(deletedMessage(summary, lang));
    },
  },
} satisfies Command;
