import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  AttachmentBuilder,
  InteractionContextType,
  MessageFlags,
  type Attachment,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, ComponentInteraction } from '../src/command.js';
import type { AppContext } from '../src/context.js';
import { choiceLabel, MAX_QUERY_LENGTH } from '../src/couple-option.js';
import { UserError } from '../src/errors.js';
import { isStoreUnavailable } from '../src/store/index.js';
import { languageOf, localizations, nameAndDescription, t } from '../src/i18n/index.js';
import { readOptions } from '../src/options.js';
import { canManageGuild } from '../src/permissions.js';
import {
  doneMessage,
  formProblemsMessage,
  importProblemsMessage,
  listMessage,
  refusedWithFix,
  STORY_PREFIX,
  storyModal,
  type FormTarget,
} from '../src/replies/stories.js';
import { readForm, clipForm, formOf, FORM_BOXES, type FormValues } from '../src/stories/form.js';
import { normalize } from '../src/catalogue/search.js';
import { storyLabel } from '../src/stories/model.js';
import { isOwnStoryId } from '../src/stories/schema.js';
import type { Actor } from '../src/stories/service.js';
import { MAX_IMPORT_BYTES } from '../src/stories/transfer.js';
import { downloadAttachment, DownloadError } from '../src/stories/download.js';

const storyOption = (required: true) =>
  ({ type: ApplicationCommandOptionType.String, ...nameAndDescription('story', 'story.command.story'), required, autocomplete: true, max_length: MAX_QUERY_LENGTH }) as const;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-story',
  name_localizations: localizations('story.command.name'),
  description: t('en', 'story.command.description'),
  description_localizations: localizations('story.command.description'),
  // A server's own stories: servers only. Listing is for every member, so the command is not
  // limited by default; changes are checked in the handler (Manage Server, or the contributor role),
  // whatever the server's own command settings allow.
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('add', 'story.command.add') },
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('edit', 'story.command.edit'), options: [storyOption(true)] },
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('remove', 'story.command.remove'), options: [storyOption(true)] },
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('list', 'story.command.list') },
    { type: ApplicationCommandOptionType.Subcommand, ...nameAndDescription('export', 'story.command.export') },
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...nameAndDescription('import', 'story.command.import'),
      options: [{ type: ApplicationCommandOptionType.Attachment, ...nameAndDescription('file', 'story.command.file'), required: true }],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      ...nameAndDescription('contributors', 'story.command.contributors'),
      options: [{ type: ApplicationCommandOptionType.Role, ...nameAndDescription('role', 'story.command.role'), required: false }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The server, or a UserError: the whole command is for servers. */
function guildOf(interaction: Interaction): string {
  if (!interaction.guildId) throw new UserError('common.guildOnly');
  return interaction.guildId;
}

/** Who is acting: Manage Server, and the member's roles (for the contributor role). */
function actorOf(interaction: Interaction): Actor {
  const roles = interaction.member?.roles;
  const roleIds = !roles ? [] : Array.isArray(roles) ? roles : [...roles.cache.keys()];
  return { userId: interaction.user.id, manager: canManageGuild(interaction), roleIds };
}

/** Managers and the contributor role may change stories; anyone else gets a clear refusal. */
async function requireContributor(ctx: AppContext, guildId: string, actor: Actor): Promise<void> {
  if ((await ctx.stories.access(guildId, actor)) === 'none') throw new UserError('story.errors.notAllowed');
}

function requireManager(actor: Actor): void {
  if (!actor.manager) throw new UserError('story.errors.managersOnly');
}

/**
 * The server's story an option names: the id autocomplete gave, or else what was typed (a couple or
 * a drama). `edit` takes the best match (it only opens the form, which shows the story); `remove`
 * only a title or couple typed in full, naming one story. An id of a story elsewhere names nothing.
 */
async function pickStory(ctx: AppContext, guildId: string, value: string, match: 'best' | 'exact') {
  const typed = value.trim();
  const book = await ctx.stories.book(guildId);
  let story = book.stories.find((s) => s.id === typed);
  if (!story && typed && !isOwnStoryId(typed)) {
    if (match === 'best') {
      const best = (await ctx.couples.forGuild(guildId)).ownSearch.search(typed.slice(0, MAX_QUERY_LENGTH), 1)[0];
      story = best && book.stories.find((s) => s.id === best.couple.id);
    } else {
      const named = book.stories.filter((s) => [s.drama.title, storyLabel(s), s.actors.map((a) => a.name).join(' & ')].some((name) => normalize(name) === normalize(typed)));
      story = named.length === 1 ? named[0] : undefined;
    }
  }
  if (!story) throw new UserError('story.errors.missing');
  return story;
}

/** A random token naming a kept form (a forged or old one finds nothing). */
const newToken = () => randomBytes(9).toString('base64url');
const TOKEN = /^[A-Za-z0-9_-]{12}$/;

/** Keeps what the member typed, for "Fix it". */
async function keepDraft(ctx: AppContext, guildId: string, userId: string, values: FormValues): Promise<string> {
  const token = newToken();
  await ctx.store.stories.saveDraft(guildId, userId, token, values);
  return token;
}

/** The refusals of a change, as the member's message (with "Fix it" when the form can be fixed). */
function refusalKey(reason: string): string {
  switch (reason) {
    case 'duplicate-own':
      return 'story.errors.duplicateOwn';
    case 'duplicate-catalogue':
      return 'story.errors.duplicateCatalogue';
    case 'full':
      return 'story.errors.full';
    case 'not-yours':
      return 'story.errors.notYours';
    default:
      return 'story.errors.missing';
  }
}

async function submitForm(interaction: ComponentInteraction, ctx: AppContext, target: FormTarget): Promise<void> {
  if (!interaction.isModalSubmit()) throw new UserError('common.staleButton');
  const values = clipForm(Object.fromEntries(FORM_BOXES.map((box) => [box, interaction.fields.fields.has(box) ? interaction.fields.getTextInputValue(box) : ''])));
  try {
    await saveForm(interaction, ctx, target, values);
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error;
    // Nothing was saved, and no draft can be kept: the member gets back what they typed, as a file.
    const lang = languageOf(interaction.locale);
    const file = new AttachmentBuilder(Buffer.from(typedText(values), 'utf8'), { name: 'kiss-story.txt' });
    await interaction.reply({ content: t(lang, 'story.errors.storeDownTyped'), files: [file], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  }
}

/** The five boxes as the member typed them, one after the other. */
function typedText(values: FormValues): string {
  return FORM_BOXES.map((box) => `${box}:\n${values[box]}\n`).join('\n');
}

async function saveForm(interaction: ModalSubmitInteraction, ctx: AppContext, target: FormTarget, values: FormValues): Promise<void> {
  const guildId = guildOf(interaction);
  const actor = actorOf(interaction);
  const lang = languageOf(interaction.locale);
  await requireContributor(ctx, guildId, actor);
  const read = readForm(values);
  if (!read.ok) {
    const token = await keepDraft(ctx, guildId, actor.userId, values);
    await interaction.reply({ ...formProblemsMessage(lang, read.problems, { token, target }), flags: MessageFlags.Ephemeral });
    return;
  }
  const change = target.kind === 'add' ? await ctx.stories.add(guildId, actor, read.fields) : await ctx.stories.edit(guildId, actor, target.storyId, read.fields);
  if (!change.ok) {
    const refusal = new UserError(refusalKey(change.reason), { label: 'label' in change ? (change.label ?? '') : '', count: ctx.stories.maxStories });
    if (change.reason !== 'duplicate-own' && change.reason !== 'duplicate-catalogue') throw refusal;
    // A duplicate can be fixed in the form: the refusal comes with "Fix it".
    const token = await keepDraft(ctx, guildId, actor.userId, values);
    await interaction.reply({ ...refusedWithFix(refusal.text(interaction.locale, ctx.mentions), lang, { token, target }), flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.reply({ ...doneMessage(lang, target.kind === 'add' ? 'added' : 'edited', change.story, ctx.mentions), flags: MessageFlags.Ephemeral });
}

async function importFile(interaction: ChatInputCommandInteraction, ctx: AppContext, guildId: string, actor: Actor, file: Attachment): Promise<void> {
  const lang = languageOf(interaction.locale);
  const max = `${MAX_IMPORT_BYTES / 1024 / 1024} MB`;
  // Refused before anything is downloaded: the size Discord reports.
  if (file.size > MAX_IMPORT_BYTES) throw new UserError('story.errors.importTooLarge', { max });
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let content: string;
  try {
    content = await downloadAttachment(file.url, { maxBytes: MAX_IMPORT_BYTES, apiUrl: ctx.config.apiUrl });
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    ctx.logger.warn({ guildId, reason: err.message }, 'story import: the file could not be downloaded');
    throw new UserError(err.reason === 'too-large' ? 'story.errors.importTooLarge' : 'story.errors.importUnreadable', { max });
  }
  const plan = await ctx.stories.importFile(guildId, actor, content);
  if (plan.ok) {
    const total = (await ctx.stories.book(guildId)).stories.length;
    await interaction.editReply({ content: t(lang, 'story.imported', { added: plan.added, updated: plan.updated, count: total }), allowedMentions: { parse: [] } });
    return;
  }
  const vars = { ...ctx.mentions.vars(lang), count: plan.limit ?? ctx.stories.maxStories };
  switch (plan.reason) {
    case 'not-json':
      throw new UserError('story.errors.importNotJson', vars);
    case 'not-a-list':
      throw new UserError('story.errors.importNotList', vars);
    case 'too-many':
      throw new UserError('story.errors.importTooMany', vars);
    case 'full':
      throw new UserError('story.errors.importFull', vars);
    default:
      await interaction.editReply({ ...importProblemsMessage(lang, plan.problems, plan.entries ?? plan.problems.length), allowedMentions: { parse: [] } });
  }
}

export default {
  data,

  async execute(interaction, ctx) {
    const guildId = guildOf(interaction);
    const args = readOptions(data, interaction);
    const lang = languageOf(interaction.locale);
    const actor = actorOf(interaction);

    switch (args.subcommand) {
      case 'add': {
        await requireContributor(ctx, guildId, actor);
        // Refused before the form opens, so nothing typed is lost.
        if ((await ctx.stories.book(guildId)).stories.length >= ctx.stories.maxStories) {
          throw new UserError('story.errors.full', { count: ctx.stories.maxStories });
        }
        await interaction.showModal(storyModal(lang, { kind: 'add' }));
        return;
      }
      case 'edit': {
        await requireContributor(ctx, guildId, actor);
        const story = await pickStory(ctx, guildId, args.options.story, 'best');
        if (!actor.manager && story.addedBy !== actor.userId) throw new UserError('story.errors.notYours');
        await interaction.showModal(storyModal(lang, { kind: 'edit', storyId: story.id }, formOf(story)));
        return;
      }
      case 'remove': {
        await requireContributor(ctx, guildId, actor);
        const story = await pickStory(ctx, guildId, args.options.story, 'exact');
        const change = await ctx.stories.remove(guildId, actor, story.id);
        if (!change.ok) throw new UserError(refusalKey(change.reason));
        await interaction.reply({ ...doneMessage(lang, 'removed', change.story, ctx.mentions), flags: MessageFlags.Ephemeral });
        return;
      }
      case 'list': {
        const { stories } = await ctx.stories.book(guildId);
        if (stories.length === 0) throw new UserError('story.errors.noStories');
        await interaction.reply({ ...listMessage(lang, stories, 0, ctx.stories.maxStories), flags: MessageFlags.Ephemeral });
        return;
      }
      case 'export': {
        await requireContributor(ctx, guildId, actor);
        const { json, count } = await ctx.stories.exportFile(guildId);
        if (count === 0) throw new UserError('story.errors.noStories');
        const file = new AttachmentBuilder(Buffer.from(json, 'utf8'), { name: `kiss-scene-stories-${guildId}.json` });
        await interaction.reply({ content: t(lang, 'story.exported', { ...ctx.mentions.vars(lang), count }), files: [file], flags: MessageFlags.Ephemeral });
        return;
      }
      case 'import': {
        requireManager(actor);
        await importFile(interaction, ctx, guildId, actor, args.options.file);
        return;
      }
      case 'contributors': {
        requireManager(actor);
        const role = args.options.role;
        // @everyone as the contributor role would let every member change stories: refused as a role.
        if (role && role.id === guildId) throw new UserError('story.errors.everyoneRole');
        await ctx.stories.setContributorRole(guildId, role?.id);
        const content = role ? t(lang, 'story.contributorsSet', { role: `<@&${role.id}>` }) : t(lang, 'story.contributorsCleared');
        await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
        return;
      }
    }
  },

  /** The server's own stories a member may edit or remove, best match first. */
  async autocomplete(interaction, ctx) {
    const guildId = interaction.guildId;
    if (!guildId) {
      await interaction.respond([]);
      return;
    }
    const lang = languageOf(interaction.locale);
    const actor = actorOf(interaction);
    const [catalogue, editable] = await Promise.all([ctx.couples.forGuild(guildId), ctx.stories.editable(guildId, actor)]);
    const allowed = new Set(editable.map((s) => s.id));
    const typed = String(interaction.options.getFocused()).slice(0, MAX_QUERY_LENGTH);
    const hits = catalogue.ownSearch.search(typed, 50).filter((h) => allowed.has(h.couple.id));
    await interaction.respond(hits.slice(0, 25).map(({ couple }) => ({ name: choiceLabel({ ...couple, own: undefined }, lang), value: couple.id })));
  },

  components: {
    /**
     * `story:form:add`, `story:form:edit:<id>` (the form submitted), `story:fix:<token>[:<id>]` (the
     * form again as the member left it) and `story:page:<n>:<prev|next>` (the list). Ids come from the
     * member's client: a story id is looked up in the clicker's own server only.
     */
    async [STORY_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const [action, a, b, ...extra] = args;
      const lang = languageOf(interaction.locale);
      if (extra.length) throw new UserError('common.staleButton');
      if (action === 'form' && a === 'add' && b === undefined) return submitForm(interaction, ctx, { kind: 'add' });
      if (action === 'form' && a === 'edit' && b !== undefined && isOwnStoryId(b)) return submitForm(interaction, ctx, { kind: 'edit', storyId: b });
      if (action === 'fix' && a !== undefined && TOKEN.test(a) && (b === undefined || isOwnStoryId(b)) && interaction.isButton()) {
        const guildId = guildOf(interaction);
        await requireContributor(ctx, guildId, actorOf(interaction));
        const values = await ctx.store.stories.getDraft(guildId, interaction.user.id, a);
        if (!values) throw new UserError('story.errors.draftGone');
        await interaction.showModal(storyModal(lang, b === undefined ? { kind: 'add' } : { kind: 'edit', storyId: b }, values));
        return;
      }
      if (action === 'page' && a !== undefined && /^\d{1,3}$/.test(a) && (b === 'prev' || b === 'next') && interaction.isButton()) {
        const guildId = guildOf(interaction);
        const { stories } = await ctx.stories.book(guildId);
        if (stories.length === 0) throw new UserError('story.errors.noStories');
        await interaction.update(listMessage(lang, stories, Number(a), ctx.stories.maxStories));
        return;
      }
      throw new UserError('common.staleButton');
    },
  },
} satisfies Command;

