import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  MessageFlags,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { languageOf, localizations, t } from '../src/i18n/index.js';
import { aboutMessage } from '../src/replies/about.js';

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-about',
  name_localizations: localizations('about.command.name'),
  description: t('en', 'about.command.description'),
  description_localizations: localizations('about.command.description'),
  // Reads nothing and changes nothing: available wherever the bot is, installed either way.
  integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default {
  data,

  /** Privately, in the member's language. */
  async execute(interaction, ctx) {
    const reply = aboutMessage({
      lang: languageOf(interaction.locale),
      couples: ctx.catalogue.couples.length,
      sources: ctx.catalogue.sources,
      applicationId: interaction.applicationId,
      repositoryUrl: ctx.config.repositoryUrl,
      mentions: ctx.mentions,
    });
    await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
  },
} satisfies Command;
