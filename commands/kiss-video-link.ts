import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { coupleName } from '../src/catalogue/catalogue.js';
import type { Command } from '../src/command.js';
import { coupleOption, resolveCouple, respondWithCouples } from '../src/couple-option.js';
import { UserError } from '../src/errors.js';
import { languageOf, localizations, nameAndDescription, t } from '../src/i18n/index.js';
import { readOptions } from '../src/options.js';
import { requireManageGuild } from '../src/permissions.js';
import { siteName } from '../src/replies/video.js';
import { checkVideoUrl, MAX_VIDEO_URL_LENGTH } from '../src/videos.js';

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-video-link',
  name_localizations: localizations('video.linkCommand.name'),
  description: t('en', 'video.linkCommand.description'),
  description_localizations: localizations('video.linkCommand.description'),
  // Changes the server's state: servers only, moderators only (checked again in the handler).
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...nameAndDescription('pin', 'video.linkCommand.pin'),
      options: [
        coupleOption('video', true),
        {
          type: ApplicationCommandOptionType.String,
          ...nameAndDescription('url', 'video.linkCommand.url'),
          required: true,
          max_length: MAX_VIDEO_URL_LENGTH,
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('remove', 'video.linkCommand.remove'), options: [coupleOption('video', true)] },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default {
  data,

  async execute(interaction, ctx) {
    const guildId = requireManageGuild(interaction);
    const lang = languageOf(interaction.locale);
    const args = readOptions(data, interaction);
    const { search } = await ctx.couples.forGuild(guildId);
    const couple = resolveCouple(search, args.options.couple, interaction.locale);
    const name = coupleName(couple, lang);

    if (args.subcommand === 'pin') {
      const check = checkVideoUrl(args.options.url);
      if (!check.ok) throw new UserError(`video.refused.${check.reason}`, { count: MAX_VIDEO_URL_LENGTH });
      await ctx.store.videos.pin(guildId, couple.id, { url: check.url, pinnedBy: interaction.user.id, pinnedAt: ctx.clock.now() });
      ctx.logger.info({ guildId, userId: interaction.user.id, couple: couple.id }, 'video link pinned');
      const content = t(lang, 'video.pinned', { ...ctx.mentions.vars(lang), couple: name, site: siteName(check.site, lang) });
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
      return;
    }
    const removed = await ctx.store.videos.unpin(guildId, couple.id);
    await interaction.reply({ content: t(lang, removed ? 'video.removed' : 'video.nothingPinned', { couple: name }), flags: MessageFlags.Ephemeral });
  },

  autocomplete: respondWithCouples,
} satisfies Command;
