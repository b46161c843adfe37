import { CheckError, type Check, type ProblemCode } from '../check.js';
import { storyFieldsShape, type OwnStory, type StoryFields } from './schema.js';

/*
 * The `/kiss-story add` form: Discord's modal holds five text boxes, so each box holds one part of
 * the story in the way fans write it, read here into the story's fields (and back, to fill the form
 * again for an edit or a fix). Each box that fails is reported on its own; the values typed are
 * returned with the problems, so the member can fix them without typing again. No discord.js here.
 */

/** The form's boxes, in order. */
export const FORM_BOXES = ['couple', 'drama', 'story', 'quote', 'links'] as const;
export type FormBox = (typeof FORM_BOXES)[number];
export type FormValues = Readonly<Record<FormBox, string>>;

/** Most characters each box takes (Discord allows up to 4,000 in one). */
export const BOX_MAX: Readonly<Record<FormBox, number>> = { couple: 140, drama: 140, story: 3200, quote: 420, links: 1100 };

/** The story parts a problem is about; `source` and `video` share the links box. */
export type StoryPart = 'couple' | 'drama' | 'story' | 'quote' | 'source' | 'video';

export interface FieldProblem {
  readonly part: StoryPart;
  /** A check's code (`tooLong`, `notHttps`…) or the form's own (`format`, `mixed`…). */
  readonly code: ProblemCode | 'format' | 'mixed' | 'speaker' | 'extraLinks';
  readonly limit?: number | undefined;
  readonly detail?: string | undefined;
}

export type FormResult = { ok: true; fields: StoryFields } | { ok: false; problems: FieldProblem[] };

/** A line on its own that separates the English story from the Korean one. */
const SEPARATOR = /^\s*-{3,}\s*$/m;
const HANGUL = /\p{Script=Hangul}/gu;
const LATIN = /\p{Script=Latin}/gu;
const QUOTES = /^["“”'‘’「『]+|["“”'‘’」』]+$/g;

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;
const isKorean = (text: string) => count(text, HANGUL) > count(text, LATIN);

/** "Kim Soo Hyun (김수현) & Kim Ji Won (김지원)" → two actors, Hangul optional. */
function parseCouple(text: string): { actors: Array<{ name: string; hangul?: string }> } | undefined {
  const parts = text.split(/\s*(?:&|＆|,|\+|\/|\band\b|\bx\b)\s*/i).filter((p) => p.trim() !== '');
  if (parts.length !== 2) return undefined;
  return {
    actors: parts.map((part) => {
      const match = /^(.*?)\s*[(（]\s*([^()（）]*?)\s*[)）]\s*$/.exec(part.trim());
      if (!match?.[2]) return { name: part.trim() };
      const [outside, inside] = [match[1]!.trim(), match[2]];
      // "김수현 (Kim Soo Hyun)" is the same actor written the other way round.
      return count(outside, HANGUL) > 0 && count(outside, LATIN) === 0 && count(inside, LATIN) > 0 ? { name: inside, hangul: outside } : { name: outside, hangul: inside };
    }),
  };
}

/** "Queen of Tears (눈물의 여왕, 2024)": the title, then in brackets the Korean title and/or the year. */
function parseDrama(text: string): { title: string; korean?: string; year?: number } {
  const value = text.trim();
  const match = /^(.*?)\s*[(（]([^()（）]*)[)）]\s*$/.exec(value);
  if (match?.[1]) {
    const pieces = match[2]!.split(/[,，·]/).map((p) => p.trim()).filter(Boolean);
    const year = pieces.find((p) => /^\d{4}$/.test(p));
    const korean = pieces.find((p) => p !== year && count(p, HANGUL) > 0);
    // Only a bracket of a Korean title and a year is read apart; any other bracket is part of the title.
    if (pieces.length > 0 && pieces.every((p) => p === year || p === korean)) {
      return { title: match[1].trim(), ...(korean ? { korean } : {}), ...(year ? { year: Number(year) } : {}) };
    }
  }
  const tail = /^(.*\S)\s*,\s*(\d{4})$/.exec(value);
  return tail ? { title: tail[1]!, year: Number(tail[2]) } : { title: value };
}

/**
 * The story box: English, Korean or both one after the other (split at a line of `---`, or else
 * at the paragraph where the language changes). Paragraphs switching back and forth are refused.
 */
function parseStory(text: string): { en?: string; ko?: string } | 'mixed' {
  const value = text.trim();
  if (!value) return {};
  if (SEPARATOR.test(value)) {
    const [first = '', second = '', ...rest] = value.split(SEPARATOR).map((p) => p.trim());
    if (rest.some(Boolean) || (first && second && isKorean(first) === isKorean(second))) return 'mixed';
    const out: { en?: string; ko?: string } = {};
    for (const part of [first, second].filter(Boolean)) out[isKorean(part) ? 'ko' : 'en'] = part;
    return out;
  }
  const paragraphs = value.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const blocks: Array<{ ko: boolean; text: string[] }> = [];
  for (const paragraph of paragraphs) {
    const ko = isKorean(paragraph);
    const last = blocks.at(-1);
    if (last?.ko === ko) last.text.push(paragraph);
    else blocks.push({ ko, text: [paragraph] });
  }
  if (blocks.length > 2) return 'mixed';
  const out: { en?: string; ko?: string } = {};
  for (const block of blocks) out[block.ko ? 'ko' : 'en'] = block.text.join('\n\n');
  return out;
}

/** `Kim Ji Won: "I was so nervous."` → who said it, and the line. */
function parseQuote(text: string): { speaker: string; text: string } | 'speaker' | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const match = /^([^:：\n]{1,80})[:：]\s*([\s\S]+)$/.exec(value);
  if (!match) return 'speaker';
  return { speaker: match[1]!.trim(), text: match[2]!.trim().replace(QUOTES, '').trim() };
}

/** The links box: one link per line, or links separated by spaces; text that is no link stays one entry. */
function splitLinks(text: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.every((w) => /^[a-z][a-z\d+.-]*:/i.test(w))) return words;
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** The checks' problem, as the form reports it. */
function problemOf(part: StoryPart, error: unknown): FieldProblem {
  if (!(error instanceof CheckError)) throw error;
  // Which actor, or which language, is in the path; the code says what is wrong.
  const detail = error.problem.detail ?? error.path.filter((p) => typeof p === 'string').join('.');
  return { part, code: error.problem.code, limit: error.problem.limit, detail: detail || undefined };
}

function run<T>(part: StoryPart, check: Check<T>, value: unknown, problems: FieldProblem[]): T | undefined {
  try {
    return check(value);
  } catch (error) {
    problems.push(problemOf(part, error));
    return undefined;
  }
}

/** Reads and checks the five boxes: the story's fields, or every problem found (one per part at most). */
export function readForm(values: FormValues): FormResult {
  const problems: FieldProblem[] = [];
  const shape = storyFieldsShape;

  const couple = parseCouple(values.couple);
  const actors = couple ? run('couple', shape.actors, couple.actors, problems) : (problems.push({ part: 'couple', code: 'format' }), undefined);
  const drama = run('drama', shape.drama, parseDrama(values.drama), problems);

  const storyParts = parseStory(values.story);
  const story = storyParts === 'mixed' ? (problems.push({ part: 'story', code: 'mixed' }), undefined) : run('story', shape.story, storyParts, problems);

  const quoteParts = parseQuote(values.quote);
  const quote = quoteParts === 'speaker' ? (problems.push({ part: 'quote', code: 'speaker' }), undefined) : run('quote', shape.quote, quoteParts, problems);

  const links = splitLinks(values.links);
  if (links.length === 0) problems.push({ part: 'source', code: 'empty' });
  const source = links.length ? run('source', shape.source, links[0], problems) : undefined;
  const video = links.length > 1 ? run('video', shape.video, links[1], problems) : undefined;
  if (links.length > 2) problems.push({ part: 'video', code: 'extraLinks' });

  if (problems.length || !actors || !drama || !story || source === undefined) return { ok: false, problems };
  const fields: StoryFields = { actors, drama, story, source };
  if (quote) fields.quote = quote;
  if (video) fields.video = video;
  return { ok: true, fields };
}

/** The five boxes filled from a stored story (to edit it). */
export function formOf(story: OwnStory | StoryFields): FormValues {
  const actor = (a: StoryFields['actors'][number]) => (a.hangul ? `${a.name} (${a.hangul})` : a.name);
  const bracket = [story.drama.korean, story.drama.year].filter((p) => p !== undefined).join(', ');
  return {
    couple: story.actors.map(actor).join(' & '),
    drama: bracket ? `${story.drama.title} (${bracket})` : story.drama.title,
    story: [story.story.en, story.story.ko].filter((s) => s !== undefined).join('\n\n---\n\n'),
    quote: story.quote ? `${story.quote.speaker}: ${story.quote.text}` : '',
    links: [story.source, story.video].filter((s) => s !== undefined).join('\n'),
  };
}

/** Values clipped to what each box takes (a draft is shown again in the same boxes). */
export function clipForm(values: Partial<Record<FormBox, unknown>>): FormValues {
  const out = {} as Record<FormBox, string>;
  for (const box of FORM_BOXES) {
    const value = values[box];
    out[box] = typeof value === 'string' ? [...value].slice(0, BOX_MAX[box]).join('') : '';
  }
  return out;
}
