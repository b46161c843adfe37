import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  escapeMarkdown,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, ComponentInteraction } from '../src/command.js';
import type { AppContext } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { languageOf, localizations, nameAndDescription, t, type Language } from '../src/i18n/index.js';
import { readFocused, readOptions, type SubcommandOptions } from '../src/options.js';
import { botCanPostWithFiles, canManageGuild } from '../src/permissions.js';
import { coupleListChoices, MAX_COUPLE_LIST_LENGTH, parseCoupleList } from '../src/polls/couple-list.js';
import { parsePollCustomId, POLL_PREFIX } from '../src/polls/custom-ids.js';
import { DEFAULT_DURATION_MS, MAX_DURATION_INPUT, parseDuration } from '../src/polls/duration.js';
import { isPollId } from '../src/polls/ids.js';
import { MAX_QUESTION_LENGTH } from '../src/polls/model.js';
import { clip } from '../src/polls/text.js';
import { closeReply, leaderboardMessage, previewMessage, questionText, startedReply, voteReply, withdrawReply } from '../src/replies/poll.js';

/** An option or subcommand `name` (what the handler reads), with the texts at `poll.command.<key>`. */
const text = <const Name extends string>(name: Name, key: string = name) => nameAndDescription(name, `poll.command.${key}`);

const pollOption = { type: ApplicationCommandOptionType.String, ...text('poll'), autocomplete: true, max_length: 32 } as const;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-poll',
  name_localizations: localizations('poll.command.name'),
  description: t('en', 'poll.command.description'),
  description_localizations: localizations('poll.command.description'),
  // Polls are server state: servers only. Any member who may talk in a channel may start one and
  // vote (servers can narrow this in their integration settings); closing early is for the starter
  // or Manage Server, checked in the handler.
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.SendMessages),
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...text('start'),
      options: [
        { type: ApplicationCommandOptionType.String, ...text('question'), max_length: MAX_QUESTION_LENGTH },
        { type: ApplicationCommandOptionType.String, ...text('couples'), autocomplete: true, max_length: MAX_COUPLE_LIST_LENGTH },
        { type: ApplicationCommandOptionType.String, ...text('duration'), max_length: MAX_DURATION_INPUT },
        { type: ApplicationCommandOptionType.Boolean, ...text('hide_counts', 'hideCounts') },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, ...text('close'), options: [pollOption] },
    { type: ApplicationCommandOptionType.Subcommand, ...text('results'), options: [pollOption] },
    { type: ApplicationCommandOptionType.Subcommand, ...text('leaderboard') },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function requireGuild(interaction: { guildId: string | null }): string {
  if (!interaction.guildId) throw new UserError('common.guildOnly');
  return interaction.guildId;
}

/** A poll id typed in the `poll` option: anything not shaped like one names no poll. */
function pollIdOption(typed: string | undefined): string | undefined {
  const value = typed?.trim();
  if (!value) return undefined;
  if (!isPollId(value)) throw new UserError('poll.errors.unknownPoll');
  return value;
}

/** The bot must be able to post the poll (and later its chart) where the command was used. */
function requireBotCanPost(interaction: ChatInputCommandInteraction): void {
  if (!botCanPostWithFiles(interaction)) throw new UserError('poll.errors.cannotPost');
}

async function start(
  interaction: ChatInputCommandInteraction,
  ctx: AppContext,
  guildId: string,
  lang: Language,
  options: SubcommandOptions<typeof data, 'start'>,
): Promise<void> {
  const question = options.question?.trim() || undefined;
  if (question && question.length > MAX_QUESTION_LENGTH) throw new UserError('poll.errors.questionTooLong', { count: MAX_QUESTION_LENGTH });
  const durationInput = options.duration?.trim();
  let durationMs = DEFAULT_DURATION_MS;
  if (durationInput) {
    const parsed = parseDuration(durationInput);
    if (!parsed.ok) throw new UserError(`poll.errors.duration.${parsed.reason}`, { input: escapeMarkdown(clip(durationInput, MAX_DURATION_INPUT)) });
    durationMs = parsed.ms;
  }
  const couplesInput = options.couples?.trim();
  const couples = await ctx.couples.forGuild(guildId);
  const coupleIds = couplesInput ? parseCoupleList(couplesInput, couples.search, couples, lang) : undefined;
  const hideCounts = options.hide_counts ?? false;
  requireBotCanPost(interaction);

  // Posts the poll publicly: counts toward the member's cooldown in this channel.
  await ctx.cooldowns.run('pollStart', interaction, async () => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const poll = await ctx.polls.create({
      guildId,
      channelId: interaction.channelId,
      starterId: interaction.user.id,
      question,
      coupleIds,
      durationMs,
      hideCounts,
      lang: languageOf(interaction.guildLocale),
    });
    await interaction.editReply(startedReply(poll, durationMs, lang));
  });
}

async function close(interaction: ChatInputCommandInteraction | ButtonInteraction, ctx: AppContext, guildId: string, pollId: string | undefined): Promise<void> {
  const lang = languageOf(interaction.locale);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const receipt = await ctx.polls.close({ guildId, pollId, userId: interaction.user.id, canManageGuild: canManageGuild(interaction) });
  await interaction.editReply(closeReply(receipt, lang));
}

async function results(interaction: ChatInputCommandInteraction | ButtonInteraction, ctx: AppContext, guildId: string, pollId: string | undefined): Promise<void> {
  const view = await ctx.polls.results({ guildId, pollId, userId: interaction.user.id });
  const reply = previewMessage(view.poll, view.tally, await ctx.couples.forGuild(guildId), languageOf(interaction.locale), view.myVote);
  await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function autocompletePoll(interaction: AutocompleteInteraction, ctx: AppContext, typed: string): Promise<void> {
  if (!interaction.guildId) return interaction.respond([]);
  const lang = languageOf(interaction.locale);
  const needle = typed.trim().toLowerCase().slice(0, 100);
  const polls = await ctx.polls.openPolls(interaction.guildId);
  const choices = polls
    .map((poll) => ({ name: clip(t(lang, 'poll.command.pollChoice', { question: questionText(poll, lang), id: poll.id }), 100), value: poll.id }))
    .filter((c) => !needle || c.name.toLowerCase().includes(needle))
    .slice(0, 25);
  await interaction.respond(choices);
}

export default {
  data,

  async execute(interaction, ctx) {
    const guildId = requireGuild(interaction);
    const lang = languageOf(interaction.locale);
    const polls = ctx.polls;
    const args = readOptions(data, interaction);
    switch (args.subcommand) {
      case 'start':
        return start(interaction, ctx, guildId, lang, args.options);
      case 'close':
        return close(interaction, ctx, guildId, pollIdOption(args.options.poll));
      case 'results':
        return results(interaction, ctx, guildId, pollIdOption(args.options.poll));
      case 'leaderboard': {
        // A shared message: in the server's language, like the polls themselves.
        const board = await polls.leaderboard(guildId);
        await interaction.reply({
          ...leaderboardMessage(board, await ctx.couples.forGuild(guildId), languageOf(interaction.guildLocale), ctx.mentions),
          allowedMentions: { parse: [] },
        });
        return;
      }
    }
  },

  async autocomplete(interaction, ctx) {
    const focused = readFocused(data, interaction);
    if (focused?.name === 'couples') {
      const couples = await ctx.couples.forGuild(interaction.guildId);
      await interaction.respond(coupleListChoices(focused.value, couples.search, couples, languageOf(interaction.locale)));
    } else if (focused?.name === 'poll') {
      await autocompletePoll(interaction, ctx, focused.value);
    } else {
      await interaction.respond([]);
    }
  },

  components: {
    /**
     * The poll message's buttons. The custom_id carries only the poll id (and a candidate's
     * position), always looked up in the clicking member's server; every answer is private.
     */
    async [POLL_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const action = parsePollCustomId(args);
      if (!action || !interaction.isButton()) throw new UserError('common.staleButton');
      const guildId = requireGuild(interaction);
      const lang = languageOf(interaction.locale);
      const userId = interaction.user.id;
      const polls = ctx.polls;
      switch (action.action) {
        case 'vote': {
          const receipt = await polls.vote({ guildId, pollId: action.pollId, userId, index: action.index });
          await interaction.reply({ ...voteReply(receipt, await ctx.couples.forGuild(interaction.guildId), lang), flags: MessageFlags.Ephemeral });
          return;
        }
        case 'withdraw': {
          const receipt = await polls.withdraw({ guildId, pollId: action.pollId, userId });
          await interaction.reply({ ...withdrawReply(receipt, await ctx.couples.forGuild(interaction.guildId), lang), flags: MessageFlags.Ephemeral });
          return;
        }
        case 'results':
          return results(interaction, ctx, guildId, action.pollId);
        case 'close':
          return close(interaction, ctx, guildId, action.pollId);
      }
    },
  },
} satisfies Command;
