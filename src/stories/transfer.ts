import { CheckError, number, object, optional, text } from '../check.js';
import type { Couple } from '../catalogue/catalogue.js';
import type { StoryPart } from './form.js';
import { catalogueKeys, storyKey, storyLabel } from './model.js';
import { storyFieldsShape, type OwnStory, type StoryBook, type StoryFields } from './schema.js';

/*
 * `/kiss-story export` and `import`: a server's stories as a JSON file, and such a file read back,
 * checked entry by entry with the same rules as the form, and applied all at once or not at all.
 */

/** What an export file says it is. */
export const EXPORT_FORMAT = 'kiss-scene-bot/stories';
/** Largest file `import` reads: 200 stories at their longest, in both languages, fit. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** Entries an import file may hold (more can never fit a server's 200). */
const MAX_ENTRIES = 1_000;

/** One entry of an import: a story's fields; what an export adds (its id, who added it) is read and left aside. */
const entrySchema = object(
  {
    ...storyFieldsShape,
    id: optional(text()),
    addedBy: optional(text()),
    addedAt: optional(number()),
    editedBy: optional(text()),
    editedAt: optional(number()),
  },
  { strict: true },
);

/** The server's stories as an export file (pretty-printed JSON). */
export function exportBook(book: StoryBook, exportedAt: number): string {
  const stories = book.stories.map((s: OwnStory) => s);
  return `${JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: new Date(exportedAt).toISOString(), stories }, null, 2)}\n`;
}

/** A problem with one entry (numbered from 1), or with the file as a whole (entry 0). */
export interface EntryProblem {
  readonly entry: number;
  /** "Kim Soo Hyun & Kim Ji Won — Queen of Tears", when the entry names its couple. */
  readonly label?: string | undefined;
  readonly part: StoryPart | 'entry';
  readonly code: string;
  readonly limit?: number | undefined;
  readonly detail?: string | undefined;
}

export type ImportPlan =
  | { ok: true; book: StoryBook; added: number; updated: number }
  | { ok: false; reason: 'not-json' | 'not-a-list' | 'too-many' | 'entries' | 'full'; problems: EntryProblem[]; limit?: number; entries?: number };

/** The story part each field of an entry is; a Map, so a field named `constructor` or `__proto__` is no part. */
const PARTS: ReadonlyMap<string, StoryPart> = new Map([
  ['actors', 'couple'],
  ['drama', 'drama'],
  ['story', 'story'],
  ['quote', 'quote'],
  ['source', 'source'],
  ['video', 'video'],
]);

function entryLabel(raw: unknown): string | undefined {
  try {
    const value = raw as { actors?: Array<{ name?: unknown }>; drama?: { title?: unknown } };
    const names = value.actors?.map((a) => a.name).filter((n): n is string => typeof n === 'string');
    const title = value.drama?.title;
    if (names?.length === 2 && typeof title === 'string') return `${names.join(' & ')} — ${title}`.slice(0, 120);
  } catch {
    // An entry with no names is reported by its number alone.
  }
  return undefined;
}

/**
 * Reads an import file and plans it against the server's book: an entry for a couple and drama the
 * server already has updates that story (so a server's own export imports again cleanly); any other
 * entry is added. Nothing is planned unless every entry is valid, none repeats another or a catalogue
 * couple, and the total fits `max`.
 */
export function planImport(textContent: string, book: StoryBook, catalogue: readonly Couple[], meta: { by: string; at: number; newId: () => string }, max: number): ImportPlan {
  let data: unknown;
  try {
    data = JSON.parse(textContent.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, reason: 'not-json', problems: [] };
  }
  const list: unknown = Array.isArray(data) ? data : (data as { stories?: unknown } | null)?.stories;
  if (!Array.isArray(list)) return { ok: false, reason: 'not-a-list', problems: [] };
  if (list.length > MAX_ENTRIES) return { ok: false, reason: 'too-many', problems: [], limit: MAX_ENTRIES };

  const problems: EntryProblem[] = [];
  const entries: StoryFields[] = [];
  list.forEach((raw: unknown, index) => {
    try {
      const { id: _id, addedBy: _by, addedAt: _at, editedBy: _eb, editedAt: _ea, ...fields } = entrySchema(raw);
      entries.push(fields);
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      const [head, ...rest] = error.path;
      const part = typeof head === 'string' ? PARTS.get(head) : undefined;
      problems.push({
        entry: index + 1,
        label: entryLabel(raw),
        part: part ?? 'entry',
        code: error.problem.code,
        limit: error.problem.limit,
        // A field of the entry itself that is no part (an unknown field) is named.
        detail: error.problem.detail ?? (rest.filter((p) => typeof p === 'string').join('.') || (typeof head === 'string' && part === undefined ? head : undefined)),
      });
    }
  });
  if (problems.length) return { ok: false, reason: 'entries', problems, entries: list.length };

  const builtIn = catalogueKeys(catalogue);
  const byKey = new Map(book.stories.map((s) => [storyKey(s), s]));
  const seen = new Map<string, number>();
  const stories = book.stories.slice();
  let added = 0;
  let updated = 0;
  entries.forEach((fields, index) => {
    const key = storyKey(fields);
    const label = storyLabel(fields);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ entry: index + 1, label, part: 'couple', code: 'repeated', detail: String(first) });
      return;
    }
    seen.set(key, index + 1);
    if (builtIn.has(key)) {
      problems.push({ entry: index + 1, label, part: 'couple', code: 'inCatalogue' });
      return;
    }
    const existing = byKey.get(key);
    if (existing) {
      stories[stories.indexOf(existing)] = { id: existing.id, ...fields, addedBy: existing.addedBy, addedAt: existing.addedAt, editedBy: meta.by, editedAt: meta.at };
      updated += 1;
    } else {
      stories.push({ id: meta.newId(), ...fields, addedBy: meta.by, addedAt: meta.at });
      added += 1;
    }
  });
  if (problems.length) return { ok: false, reason: 'entries', problems, entries: list.length };
  if (stories.length > max) return { ok: false, reason: 'full', problems: [], limit: max };
  return { ok: true, book: { ...book, stories }, added, updated };
}
