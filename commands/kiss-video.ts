import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { coupleOption, resolveCouple, respondWithCouples } from '../src/couple-option.js';
import { languageOf, localizations, t } from '../src/i18n/index.js';
import { readOptions } from '../src/options.js';
import { videoMessage } from '../src/replies/video.js';

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-video',
  name_localizations: localizations('video.command.name'),
  description: t('en', 'video.command.description'),
  description_localizations: localizations('video.command.description'),
  options: [coupleOption('video', true)],
  integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default {
  data,

  async execute(interaction, ctx) {
    const { search } = await ctx.couples.forGuild(interaction.guildId);
    const couple = resolveCouple(search, readOptions(data, interaction).couple, interaction.locale);
    const pinned = interaction.guildId ? await ctx.store.videos.pinned(interaction.guildId, couple.id) : undefined;
    await interaction.reply(videoMessage(couple, languageOf(interaction.locale), pinned));
  },

  autocomplete: respondWithCouples,
} satisfies Command;
