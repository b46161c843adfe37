import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { coupleName, type Couple } from '../src/catalogue/catalogue.js';
import type { Command, ComponentInteraction } from '../src/command.js';
import type { AppContext } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { languageOf, localizations, nameAndDescription, t, type Language } from '../src/i18n/index.js';
import { readOptions, type SubcommandOptions } from '../src/options.js';
import { botCanPostWithFiles, canManageGuild } from '../src/permissions.js';
import { parseQuizCustomId, QUIZ_PREFIX } from '../src/quiz/ids.js';
import { MAX_QUESTIONS, MAX_SECONDS, MIN_QUESTIONS, MIN_SECONDS, type SoloQuiz } from '../src/quiz/model.js';
import { answerReply, gameStartedReply, leaderboardMessage, memberStatsMessage, soloQuestionMessage, soloRevealMessage, soloSharedMessage, stoppedReply } from '../src/replies/quiz.js';
import type { MessageBody } from '../src/replies/message.js';

/** An option or subcommand `name` (what the handler reads), with the texts at `quiz.command.<key>`. */
const text = <const Name extends string>(name: Name, key: string = name) => nameAndDescription(name, `quiz.command.${key}`);

const questionsOption = { type: ApplicationCommandOptionType.Integer, ...text('questions'), min_value: MIN_QUESTIONS, max_value: MAX_QUESTIONS } as const;
const choice = <const V extends string>(key: string, value: V) => ({ name: t('en', `quiz.command.${key}.${value}`), name_localizations: localizations(`quiz.command.${key}.${value}`), value });

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-quiz',
  name_localizations: localizations('quiz.command.name'),
  description: t('en', 'quiz.command.description'),
  description_localizations: localizations('quiz.command.description'),
  // Scores and statistics are per server: servers only. Anyone who may post may play.
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.SendMessages),
  options: [
    { type: ApplicationCommandOptionType.Subcommand, ...text('play'), options: [questionsOption] },
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...text('start'),
      options: [
        questionsOption,
        { type: ApplicationCommandOptionType.Integer, ...text('seconds'), min_value: MIN_SECONDS, max_value: MAX_SECONDS },
        { type: ApplicationCommandOptionType.String, ...text('language'), choices: [choice('languageChoice', 'en'), choice('languageChoice', 'ko')] },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, ...text('stop') },
    { type: ApplicationCommandOptionType.Subcommand, ...text('leaderboard'), options: [{ type: ApplicationCommandOptionType.String, ...text('period'), choices: [choice('periodChoice', 'all'), choice('periodChoice', 'month')] }] },
    { type: ApplicationCommandOptionType.Subcommand, ...text('stats'), options: [{ type: ApplicationCommandOptionType.User, ...text('member') }] },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function requireGuild(interaction: { guildId: string | null }): string {
  if (!interaction.guildId) throw new UserError('common.guildOnly');
  return interaction.guildId;
}

/** A number from an option or a button, within the game's limits (Discord enforces them; a forged one is clamped). */
const within = (value: number | undefined, min: number, max: number) => (value === undefined ? undefined : Math.max(min, Math.min(max, Math.round(value))));

/** The couple of a question, as the server sees it now, and its pinned link. */
async function coupleOf(ctx: AppContext, guildId: string, coupleId: string): Promise<Couple | undefined> {
  const catalogue = await ctx.couples.forGuild(guildId);
  return catalogue.get(coupleId) ?? catalogue.lookup(coupleId);
}

/** The private message of a solo game as it stands: its current question, or the answer just given. */
async function soloView(ctx: AppContext, game: SoloQuiz, lang: Language, view: 'question' | 'reveal', notes: { replaced?: boolean } = {}): Promise<MessageBody> {
  if (view === 'reveal' && game.answers.length > 0) {
    const question = game.questions[game.answers.length - 1]!;
    const couple = await coupleOf(ctx, game.guildId, question.coupleId);
    const pinned = couple ? await ctx.store.videos.pinned(game.guildId, couple.id) : undefined;
    return soloRevealMessage(game, couple, lang, pinned);
  }
  const question = game.questions[game.answers.length];
  if (!question) return soloView(ctx, game, lang, 'reveal');
  return soloQuestionMessage(game, await coupleOf(ctx, game.guildId, question.coupleId), lang, notes);
}

async function play(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, options: SubcommandOptions<typeof data, 'play'>): Promise<void> {
  const lang = languageOf(interaction.locale);
  const { game, replaced } = await ctx.quiz.play({ guildId, channelId: interaction.channelId, userId: interaction.user.id, questions: within(options.questions, MIN_QUESTIONS, MAX_QUESTIONS) });
  await interaction.reply({ ...(await soloView(ctx, game, lang, 'question', { replaced })), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function start(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, options: SubcommandOptions<typeof data, 'start'>): Promise<void> {
  if (!botCanPostWithFiles(interaction)) throw new UserError('quiz.errors.cannotPost');
  await ctx.cooldowns.run('pollStart', interaction, async () => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { game } = await ctx.quiz.startGame({
      guildId,
      channelId: interaction.channelId,
      starterId: interaction.user.id,
      questions: within(options.questions, MIN_QUESTIONS, MAX_QUESTIONS),
      seconds: within(options.seconds, MIN_SECONDS, MAX_SECONDS),
      lang: options.language ?? languageOf(interaction.guildLocale),
    });
    await interaction.editReply(gameStartedReply(game, languageOf(interaction.locale)));
  });
}

async function stop(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await ctx.quiz.stopGame({ guildId, channelId: interaction.channelId, userId: interaction.user.id, canManage: canManageGuild(interaction) });
  await interaction.editReply(stoppedReply(languageOf(interaction.locale)));
}

async function leaderboard(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, options: SubcommandOptions<typeof data, 'leaderboard'>): Promise<void> {
  // A shared message: in the server's language, like the poll leaderboard.
  const lang = languageOf(interaction.guildLocale);
  const period = options.period ?? 'all';
  const board = await ctx.quiz.leaderboard(guildId, period);
  await interaction.reply({ ...leaderboardMessage(board, period, lang, ctx.mentions), allowedMentions: { parse: [] } });
}

async function stats(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, options: SubcommandOptions<typeof data, 'stats'>): Promise<void> {
  const lang = languageOf(interaction.guildLocale);
  const user = options.member ?? interaction.user;
  const [record, catalogue] = await Promise.all([ctx.quiz.memberStats(guildId, user.id), ctx.couples.forGuild(guildId)]);
  const nameOf = (id: string) => {
    const couple = catalogue.lookup(id);
    return couple ? coupleName(couple, lang) : id;
  };
  await interaction.reply({ ...memberStatsMessage(record, user.displayName, nameOf, lang, ctx.mentions), allowedMentions: { parse: [] } });
}

/** A solo game's buttons live on the member's private message; a click on a public one (forged) is answered privately. */
async function showPrivately(interaction: ButtonInteraction, message: MessageBody): Promise<void> {
  const body = { embeds: message.embeds ?? [], components: message.components ?? [], allowedMentions: { parse: [] } };
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
      case 'stop':
        return stop(interaction, ctx, guildId);
      case 'leaderboard':
        return leaderboard(interaction, ctx, guildId, args.options);
      case 'stats':
        return stats(interaction, ctx, guildId, args.options);
    }
  },

  components: {
    /**
     * The quiz's buttons. Ids carry only a game id and positions, always looked up for the clicking
     * member in their server and channel; a forged, stale or finished one is answered privately.
     */
    async [QUIZ_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const action = parseQuizCustomId(args);
      if (!action || !interaction.isButton()) throw new UserError('quiz.errors.badButton');
      const guildId = requireGuild(interaction);
      const lang = languageOf(interaction.locale);
      const where = { guildId, channelId: interaction.channelId, userId: interaction.user.id };
      switch (action.action) {
        case 'pick': {
          const game = await ctx.quiz.pick({ ...where, gameId: action.gameId, question: action.question, choice: action.choice });
          return showPrivately(interaction, await soloView(ctx, game, lang, action.question < game.answers.length ? 'reveal' : 'question'));
        }
        case 'next': {
          const game = await ctx.quiz.show({ ...where, gameId: action.gameId });
          return showPrivately(interaction, await soloView(ctx, game, lang, action.question === game.answers.length ? 'question' : 'reveal'));
        }
        case 'again': {
          const { game } = await ctx.quiz.play({ ...where, questions: action.questions });
          return showPrivately(interaction, await soloView(ctx, game, lang, 'question'));
        }
        case 'share': {
          const member = interaction.member;
          const name = member && 'displayName' in member ? member.displayName : interaction.user.displayName;
          await ctx.quiz.share({ ...where, gameId: action.gameId }, async (game) => {
            await interaction.reply({ ...soloSharedMessage(game, name, languageOf(interaction.guildLocale)), allowedMentions: { parse: [] } });
          });
          return;
        }
        case 'answer': {
          const receipt = await ctx.quiz.answer({ ...where, gameId: action.gameId, question: action.question, choice: action.choice, interactionId: interaction.id });
          await interaction.reply({ ...answerReply(receipt, lang), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
          return;
        }
      }
    },
  },
} satisfies Command;
