import { ButtonStyle, ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { customId } from '../custom-id.js';
import { hasTranslation, t, type Language, type TranslationVars } from '../i18n/index.js';
import type { CommandMentions } from '../mentions.js';
import { clip, discordTime } from '../polls/text.js';
import { BOX_MAX, FORM_BOXES, type FieldProblem, type FormBox, type FormValues } from '../stories/form.js';
import { storyLabel } from '../stories/model.js';
import type { OwnStory } from '../stories/schema.js';
import type { EntryProblem } from '../stories/transfer.js';
import { MAX_VIDEO_URL_LENGTH } from '../videos.js';
import type { Message } from './message.js';
import { SCENE_COLOUR } from './scene.js';

/** The answers of `/kiss-story` (see message.ts for the convention). */

/** custom_id prefix of the story form and buttons. */
export const STORY_PREFIX = 'story';

/** No answer here pings anyone: a story or a list may hold mentions, shown as written. */
const NO_PINGS = { parse: [] as [] };

/** Where a form goes when submitted: a new story, or an edit of one. */
export type FormTarget = { kind: 'add' } | { kind: 'edit'; storyId: string };

export function formCustomId(target: FormTarget): string {
  return target.kind === 'add' ? customId(STORY_PREFIX, 'form', 'add') : customId(STORY_PREFIX, 'form', 'edit', target.storyId);
}

const STYLE: Readonly<Record<FormBox, TextInputStyle>> = {
  couple: TextInputStyle.Short,
  drama: TextInputStyle.Short,
  story: TextInputStyle.Paragraph,
  quote: TextInputStyle.Paragraph,
  links: TextInputStyle.Paragraph,
};
/** Boxes Discord's form itself requires (the links box is checked by the bot, whose message says what a source is). */
const REQUIRED: ReadonlySet<FormBox> = new Set(['couple', 'drama', 'story']);

/**
 * The story form, empty or filled (an edit, or a form being fixed). Only the couple, drama and
 * story boxes are required by Discord's own form: a missing source is checked by the bot, so its
 * message says what a source is.
 */
export function storyModal(lang: Language, target: FormTarget, values?: FormValues): APIModalInteractionResponseCallbackData {
  return {
    custom_id: formCustomId(target),
    title: t(lang, target.kind === 'add' ? 'story.form.titleAdd' : 'story.form.titleEdit'),
    components: FORM_BOXES.map((box) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: box,
          label: clip(t(lang, `story.form.${box}`), 45),
          style: STYLE[box],
          required: REQUIRED.has(box),
          max_length: BOX_MAX[box],
          placeholder: clip(t(lang, `story.form.${box}Placeholder`), 100),
          ...(values?.[box] ? { value: values[box] } : {}),
        },
      ],
    })),
  };
}

/** One problem, worded: "**Story**: is too long (at most 1500 characters)." */
function problemText(lang: Language, part: string, code: string, vars: TranslationVars): string {
  if (code === 'video' && typeof vars.detail === 'string' && hasTranslation(`video.refused.${vars.detail}`)) {
    return t(lang, `video.refused.${vars.detail}`, { count: MAX_VIDEO_URL_LENGTH });
  }
  const specific = `story.problems.${part}.${code}`;
  const key = hasTranslation(specific) ? specific : hasTranslation(`story.problems.${code}`) ? `story.problems.${code}` : 'story.problems.other';
  return t(lang, key, vars);
}

function problemLine(lang: Language, problem: { part: string; code: string; limit?: number | undefined; detail?: string | undefined }): string {
  const vars = { count: problem.limit ?? 0, limit: problem.limit ?? '', detail: problem.detail ?? '' };
  return `**${t(lang, `story.parts.${problem.part}`)}**: ${problemText(lang, problem.part, problem.code, vars)}`;
}

/** A "Fix it" button: the form again, as the member left it. */
function fixButton(lang: Language, token: string, target: FormTarget) {
  return {
    type: ComponentType.ActionRow as const,
    components: [
      {
        type: ComponentType.Button as const,
        style: ButtonStyle.Primary as const,
        label: t(lang, 'story.fixIt'),
        custom_id: target.kind === 'add' ? customId(STORY_PREFIX, 'fix', token) : customId(STORY_PREFIX, 'fix', token, target.storyId),
        emoji: { name: '✏️' },
      },
    ],
  };
}

/** The form was refused: each problem on its line, and "Fix it". */
export function formProblemsMessage(lang: Language, problems: readonly FieldProblem[], fix: { token: string; target: FormTarget }): Message<'content' | 'components'> {
  const lines = [t(lang, 'story.errors.formTitle'), ...problems.map((p) => `• ${problemLine(lang, p)}`)];
  return { content: clip(lines.join('\n'), 2000), components: [fixButton(lang, fix.token, fix.target)], allowed_mentions: NO_PINGS };
}

/** A refusal the form can be fixed for (a duplicate): the message, and "Fix it". */
export function refusedWithFix(text: string, lang: Language, fix: { token: string; target: FormTarget }): Message<'content' | 'components'> {
  return { content: text, components: [fixButton(lang, fix.token, fix.target)], allowed_mentions: NO_PINGS };
}

export function doneMessage(lang: Language, key: 'added' | 'edited' | 'removed', story: OwnStory, mentions: Pick<CommandMentions, 'vars'>): Message<'content'> {
  return { content: t(lang, `story.${key}`, { ...mentions.vars(lang), label: clip(storyLabel(story), 200) }), allowed_mentions: NO_PINGS };
}

/** Stories per page of `/kiss-story list`. */
export const LIST_PAGE_SIZE = 10;

/** One page of the server's stories, newest last, with who added each and when; buttons to turn pages. */
export function listMessage(lang: Language, stories: readonly OwnStory[], page: number, max: number): Message<'embeds' | 'components'> {
  const pages = Math.max(1, Math.ceil(stories.length / LIST_PAGE_SIZE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const start = current * LIST_PAGE_SIZE;
  const lines = stories.slice(start, start + LIST_PAGE_SIZE).map((story, i) => {
    const year = story.drama.year === undefined ? '' : ` (${story.drama.year})`;
    const added = t(lang, 'story.list.entry', { user: `<@${story.addedBy}>`, when: discordTime(story.addedAt) });
    const edited = story.editedAt === undefined ? '' : ` · ${t(lang, 'story.list.edited', { when: discordTime(story.editedAt) })}`;
    return `**${start + i + 1}.** ${clip(storyLabel(story), 180)}${year}\n${added}${edited}`;
  });
  const button = (label: string, target: number, disabled: boolean) => ({
    // The target page, and which button (two buttons of one message never share an id).
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label,
    custom_id: customId(STORY_PREFIX, 'page', Math.max(0, target), target < current ? 'prev' : 'next'),
    disabled,
  });
  return {
    embeds: [
      {
        color: SCENE_COLOUR,
        title: t(lang, 'story.list.title', { count: stories.length, max }),
        description: lines.join('\n\n'),
        footer: { text: t(lang, 'story.list.page', { page: current + 1, pages }) },
      },
    ],
    components:
      pages > 1
        ? [{ type: ComponentType.ActionRow, components: [button(t(lang, 'story.list.previous'), current - 1, current === 0), button(t(lang, 'story.list.next'), current + 1, current >= pages - 1)] }]
        : [],
    allowed_mentions: NO_PINGS,
  };
}

/** Problems shown at most in an import report (the rest are counted). */
const REPORT_MAX = 12;

/** Why nothing was imported: each entry with a problem, by number and name. */
export function importProblemsMessage(lang: Language, problems: readonly EntryProblem[], total: number): Message<'content'> {
  const entries = new Set(problems.map((p) => p.entry)).size;
  const lines = [t(lang, 'story.errors.importEntries', { count: entries, entries: t(lang, 'story.errors.entries', { count: total }) })];
  for (const problem of problems.slice(0, REPORT_MAX)) {
    const name = `${t(lang, 'story.errors.importEntry', { entry: problem.entry })}${problem.label ? ` (${clip(problem.label, 80)})` : ''}`;
    lines.push(`• ${name}: ${problemLine(lang, problem)}`);
  }
  if (problems.length > REPORT_MAX) lines.push(t(lang, 'story.errors.importMore', { count: problems.length - REPORT_MAX }));
  return { content: clip(lines.join('\n'), 2000), allowed_mentions: NO_PINGS };
}
