import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { coupleName } from '../src/catalogue/catalogue.js';
import type { Command } from '../src/command.js';
import { zoneChoices } from '../src/daily/zones.js';
import { languageOf, localizations, nameAndDescription, t, type Language } from '../src/i18n/index.js';
import { readFocused, readOptions } from '../src/options.js';
import { requireManageGuild } from '../src/permissions.js';
import { postNowReply, savedReply, statusReply } from '../src/replies/daily.js';

/** An option or subcommand `name` (what the handler reads), with the texts at `daily.command.<key>`. */
const named = <const Name extends string>(name: Name, key: string = name) => nameAndDescription(name, `daily.command.${key}`);

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-daily',
  name_localizations: localizations('daily.command.name'),
  description: t('en', 'daily.command.description'),
  description_localizations: localizations('daily.command.description'),
  // Changes the server's state: servers only, moderators only (checked again in the handler).
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...named('set'),
      options: [
        {
          type: ApplicationCommandOptionType.Channel,
          ...named('channel'),
          required: true,
          channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
        },
        { type: ApplicationCommandOptionType.String, ...named('time'), required: true, max_length: 16 },
        { type: ApplicationCommandOptionType.String, ...named('timezone'), required: false, autocomplete: true, max_length: 64 },
        { type: ApplicationCommandOptionType.Role, ...named('role'), required: false },
        {
          type: ApplicationCommandOptionType.String,
          ...named('language'),
          required: false,
          choices: [
            { name: t('en', 'daily.command.language.english'), name_localizations: localizations('daily.command.language.english'), value: 'en' },
            { name: t('en', 'daily.command.language.korean'), name_localizations: localizations('daily.command.language.korean'), value: 'ko' },
          ],
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, ...named('off') },
    { type: ApplicationCommandOptionType.Subcommand, ...named('status') },
    { type: ApplicationCommandOptionType.Subcommand, ...named('now') },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Posts follow the language picked; else Korean for a Korean server, else the moderator's language. */
function postLanguage(picked: Language | undefined, guildLocale: string | null, locale: string): Language {
  if (picked) return picked;
  return languageOf(guildLocale) === 'ko' ? 'ko' : languageOf(locale);
}

export default {
  data,

  async execute(interaction, ctx) {
    const guildId = requireManageGuild(interaction);
    const daily = ctx.daily;
    const lang = languageOf(interaction.locale);
    const couples = await ctx.couples.forGuild(guildId);
    const names = (id: string) => {
      const couple = couples.lookup(id);
      return couple ? coupleName(couple, lang) : id;
    };
    const ephemeral = { flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } } as const;

    const args = readOptions(data, interaction);
    switch (args.subcommand) {
      case 'set': {
        const { options } = args;
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const channelId = options.channel.id;
        const roleId = options.role?.id;
        const result = await daily.configure(guildId, {
          channelId,
          time: options.time,
          timezone: options.timezone,
          roleId,
          language: postLanguage(options.language, interaction.guildLocale, interaction.locale),
        });
        await interaction.editReply({ ...savedReply(lang, result, ctx.clock.now(), names, ctx.mentions), allowedMentions: { parse: [] } });
        return;
      }
      case 'off': {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const wasOn = await daily.disable(guildId);
        await interaction.editReply({ content: t(lang, wasOn ? 'daily.off.done' : 'daily.off.wasOff'), allowedMentions: { parse: [] } });
        return;
      }
      case 'status': {
        const status = await daily.status(guildId);
        await interaction.reply({ ...statusReply(lang, status, ctx.clock.now(), names, ctx.mentions), ...ephemeral });
        return;
      }
      case 'now': {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const result = await daily.postNow(guildId);
        const channelId = (await daily.status(guildId))?.schedule.channelId;
        await interaction.editReply({ ...postNowReply(lang, result, channelId, ctx.clock.now(), names, ctx.mentions), allowedMentions: { parse: [] } });
        return;
      }
    }
  },

  async autocomplete(interaction, ctx) {
    const focused = readFocused(data, interaction);
    if (focused?.name !== 'timezone') {
      await interaction.respond([]);
      return;
    }
    await interaction.respond(zoneChoices(focused.value, ctx.clock.now(), 25));
  },
} satisfies Command;
