import { coupleName } from '../src/catalogue/catalogue.js';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  escapeMarkdown,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, ComponentInteraction } from '../src/command.js';
import type { AppContext } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { languageOf, localizations, nameAndDescription, t } from '../src/i18n/index.js';
import { readOptions, type SubcommandOptions } from '../src/options.js';
import { botCanPostWithFiles } from '../src/permissions.js';
import { MAX_DURATION_INPUT, parseDuration } from '../src/polls/duration.js';
import { clip } from '../src/polls/text.js';
import { nameIn, sharedMessage, soloStepMessage, statsMessage, tournamentStartedReply, tournamentVoteReply } from '../src/replies/worldcup.js';
import { BRACKET_SIZES, type BracketSize } from '../src/worldcup/bracket.js';
import { parseWorldCupCustomId, WORLDCUP_PREFIX } from '../src/worldcup/ids.js';
import { DEFAULT_ROUND_MS, MAX_ROUND_MS, MIN_ROUND_MS } from '../src/worldcup/model.js';

/** An option or subcommand `name` (what the handler reads), with the texts at `worldcup.command.<key>`. */
const text = <const Name extends string>(name: Name, key: string = name) => nameAndDescription(name, `worldcup.command.${key}`);

const sizeOption = {
  type: ApplicationCommandOptionType.Integer,
  ...text('size'),
  choices: BRACKET_SIZES.map((size) => ({ name: t('en', 'worldcup.command.sizeChoice', { count: size }), name_localizations: localizations('worldcup.command.sizeChoice', { count: size }), value: size })),
} as const;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-worldcup',
  name_localizations: localizations('worldcup.command.name'),
  description: t('en', 'worldcup.command.description'),
  description_localizations: localizations('worldcup.command.description'),
  // Server state (statistics, the leaderboard): servers only. Any member who may start a poll may
  // start a server World Cup (servers can narrow this in their integration settings) and everyone
  // may play alone.
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.SendMessages),
  options: [
    { type: ApplicationCommandOptionType.Subcommand, ...text('play'), options: [sizeOption] },
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...text('start'),
      options: [
        sizeOption,
        { type: ApplicationCommandOptionType.String, ...text('round_duration', 'roundDuration'), max_length: MAX_DURATION_INPUT },
        { type: ApplicationCommandOptionType.Boolean, ...text('hide_counts', 'hideCounts') },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, ...text('stats') },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function requireGuild(interaction: { guildId: string | null }): string {
  if (!interaction.guildId) throw new UserError('common.guildOnly');
  return interaction.guildId;
}

/** A size from the option (only the declared choices arrive). */
function sizeOf(value: number | undefined): BracketSize | undefined {
  return BRACKET_SIZES.find((size) => size === value);
}

/** The round duration typed, within 5 minutes and 7 days; the default when none. */
function roundDuration(input: string | undefined): number {
  const typed = input?.trim();
  if (!typed) return DEFAULT_ROUND_MS;
  const parsed = parseDuration(typed);
  const vars = { input: escapeMarkdown(clip(typed, MAX_DURATION_INPUT)) };
  if (!parsed.ok) throw new UserError(`worldcup.errors.roundDuration.${parsed.reason}`, vars);
  if (parsed.ms < MIN_ROUND_MS) throw new UserError('worldcup.errors.roundDuration.too-short', vars);
  if (parsed.ms > MAX_ROUND_MS) throw new UserError('worldcup.errors.roundDuration.too-long', vars);
  return parsed.ms;
}

async function play(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, options: SubcommandOptions<typeof data, 'play'>): Promise<void> {
  const { run, replaced } = await ctx.worldcup.play({ guildId, channelId: interaction.channelId, userId: interaction.user.id, size: sizeOf(options.size) });
  await interaction.reply({ ...soloStepMessage(run, languageOf(interaction.locale), { replaced }), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function start(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, options: SubcommandOptions<typeof data, 'start'>): Promise<void> {
  const roundMs = roundDuration(options.round_duration);
  if (!botCanPostWithFiles(interaction)) throw new UserError('worldcup.errors.cannotPost');
  // Posts publicly, like a poll: counts toward the member's poll-start cooldown in this channel.
  await ctx.cooldowns.run('pollStart', interaction, async () => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const tournament = await ctx.worldcup.startTournament({
      guildId,
      channelId: interaction.channelId,
      starterId: interaction.user.id,
      size: sizeOf(options.size),
      roundMs,
      hideCounts: options.hide_counts ?? false,
      lang: languageOf(interaction.guildLocale),
    });
    await interaction.editReply(tournamentStartedReply(tournament, languageOf(interaction.locale)));
  });
}

async function stats(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string): Promise<void> {
  // A shared message: in the server's language, like the poll leaderboard.
  const lang = languageOf(interaction.guildLocale);
  const [record, candidates, couples] = await Promise.all([ctx.worldcup.stats(guildId), ctx.worldcup.candidates(guildId), ctx.couples.forGuild(guildId)]);
  // A server story removed since it won keeps its name (never shown as an id).
  const nameOf = (id: string) => {
    const gone = candidates.some((c) => c.id === id) ? undefined : couples.lookup(id);
    return gone ? coupleName(gone, lang) : nameIn(candidates, id, lang);
  };
  await interaction.reply({ ...statsMessage(record, nameOf, lang, ctx.mentions), allowedMentions: { parse: [] } });
}

/**
 * A solo run's buttons live on the member's private message, which the next step replaces; a click
 * on a public message (a forged button) is answered privately instead.
 */
async function showPrivately(interaction: ButtonInteraction, message: ReturnType<typeof soloStepMessage>): Promise<void> {
  const body = { embeds: message.embeds, components: message.components, allowedMentions: { parse: [] } };
  // The private message may carry a note from its start ("replaced…"): each step clears it.
  if (interaction.message.flags.has(MessageFlags.Ephemeral)) await interaction.update({ ...body, content: message.content ?? '' });
  else await interaction.reply({ ...body, ...(message.content ? { content: message.content } : {}), flags: MessageFlags.Ephemeral });
}

export default {
  data,

  async execute(interaction, ctx) {
    const guildId = requireGuild(interaction);
    const args = readOptions(data, interaction);
    switch (args.subcommand) {
      case 'play':
        return play(interaction, ctx, guildId, args.options);
      case 'start':
        return start(interaction, ctx, guildId, args.options);
      case 'stats':
        return stats(interaction, ctx, guildId);
    }
  },

  components: {
    /**
     * The World Cup's buttons. Ids carry only a run or tournament id and positions, always looked
     * up for the clicking member in their server; a forged, stale or expired one is answered privately.
     */
    async [WORLDCUP_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const action = parseWorldCupCustomId(args);
      if (!action || !interaction.isButton()) throw new UserError('worldcup.errors.badButton');
      const guildId = requireGuild(interaction);
      const lang = languageOf(interaction.locale);
      const where = { guildId, channelId: interaction.channelId, userId: interaction.user.id };
      switch (action.action) {
        case 'pick': {
          const run = await ctx.worldcup.pick({ ...where, runId: action.runId, step: action.step, side: action.side });
          return showPrivately(interaction, soloStepMessage(run, lang));
        }
        case 'again': {
          const { run } = await ctx.worldcup.play({ ...where, size: action.size });
          return showPrivately(interaction, soloStepMessage(run, lang));
        }
        case 'share': {
          const member = interaction.member;
          const name = member && 'displayName' in member ? member.displayName : interaction.user.displayName;
          await ctx.worldcup.share({ ...where, runId: action.runId }, async (run) => {
            // A public message in the channel, in the server's language.
            await interaction.reply({ ...sharedMessage(run, name, languageOf(interaction.guildLocale)), allowedMentions: { parse: [] } });
          });
          return;
        }
        case 'vote': {
          const { receipt, tournament } = await ctx.worldcup.vote({ ...where, tournamentId: action.tournamentId, round: action.round, match: action.match, side: action.side });
          await interaction.reply({ ...tournamentVoteReply(receipt, tournament, lang), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
          return;
        }
      }
    },
  },
} satisfies Command;
