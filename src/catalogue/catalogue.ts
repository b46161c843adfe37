import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckError } from '../check.js';
import { storySchema, type CatalogueCouple, type Couple, type Source, type StoryFile } from './schema.js';

export type { Couple, Source, StoryFile } from './schema.js';

/** The stories, sorted by id, with their sources. Immutable once loaded. */
export interface Catalogue {
  readonly couples: readonly Couple[];
  /** Every page the stories cite (`source` and `also`), once each, in the order first cited. */
  readonly sources: readonly Source[];
  get(id: string): Couple | undefined;
  /** The page a story is told from (its `source`; a server's own story: the page its members gave). */
  sourceOf(couple: Couple): Source;
  /**
   * A couple by id even when it is no longer offered (a server's removed story, by its name): what
   * an old poll or the leaderboard still names. Absent: the same as `get`.
   */
  lookup?(id: string): Couple | undefined;
}

/** A story file that cannot be used. The message, one line, names the file, the field and the reason. */
export class CatalogueError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Catalogue error in ${file}: ${reason.replace(/\s*\n\s*/g, ' ')}`);
    this.name = 'CatalogueError';
  }
}

/** The folder of the built-in stories: one `<id>.json` per story. */
export const DEFAULT_STORIES = new URL('../../data/stories/', import.meta.url);

/** A story file as read: its path (for messages) and its parsed JSON, not yet checked. */
export interface StoryFileData {
  readonly file: string;
  readonly data: unknown;
}

/** A checked story file. */
export interface StoryEntry {
  readonly file: string;
  readonly story: StoryFile;
}

/** A path as messages show it: from the working directory when the file is under it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}

/**
 * Reads every `*.json` of the folder (default `data/stories/`), sorted by file name, parsed but
 * not checked. A file that is not JSON is a CatalogueError naming it.
 */
export function readStoryFiles(dir: URL | string = DEFAULT_STORIES): StoryFileData[] {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  let names: string[];
  try {
    names = readdirSync(path).filter((name) => name.endsWith('.json'));
  } catch (error) {
    throw new CatalogueError(shown(path), error instanceof Error ? error.message : String(error));
  }
  // Code-unit order, not the locale's: the same on every machine.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const file = join(path, name);
    try {
      return { file: shown(file), data: JSON.parse(readFileSync(file, 'utf8')) as unknown };
    } catch (error) {
      throw new CatalogueError(shown(file), `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Checks one story file: its shape (storySchema), and that its id is its file name. */
export function checkStoryFile({ file, data }: StoryFileData): StoryEntry {
  let story: StoryFile;
  try {
    story = storySchema(data);
  } catch (error) {
    if (error instanceof CheckError) throw new CatalogueError(file, error.message);
    throw error;
  }
  const expected = basename(file).replace(/\.json$/, '');
  if (story.id !== expected) throw new CatalogueError(file, `id: "${story.id}" must be the file's name ("${expected}")`);
  return { file, story };
}

/** Checks every story file; the first bad one is a CatalogueError naming it. */
export function checkStoryFiles(files: readonly StoryFileData[]): StoryEntry[] {
  const entries = files.map(checkStoryFile);
  const seen = new Map<string, string>();
  for (const { file, story } of entries) {
    const other = seen.get(story.id);
    if (other !== undefined) throw new CatalogueError(file, `id: "${story.id}" is also the id of ${other}`);
    seen.set(story.id, file);
  }
  return entries;
}

/** A story as the features read it (CatalogueCouple): Korean names filled in, the drama's aliases as `altTitles`. */
export function toCatalogueCouple(story: StoryFile): CatalogueCouple {
  const { drama, quotes, ...rest } = story;
  const { aliases, korean, ...dramaRest } = drama;
  return {
    ...rest,
    actors: story.actors.map((a) => ({ ...a, hangul: a.hangul ?? a.name })),
    drama: { ...dramaRest, korean: korean ?? drama.title, altTitles: aliases ?? [] },
    quotes: quotes ?? [],
  };
}

/**
 * The stories with each actor's aliases gathered from every story that names the actor: a name fans
 * type (이지은 for IU) finds all of that actor's stories, though only one file may list it.
 */
function withSharedAliases(stories: readonly StoryFile[]): StoryFile[] {
  const aliases = new Map<string, Set<string>>();
  for (const story of stories) {
    for (const actor of story.actors) {
      const set = aliases.get(actor.name) ?? new Set<string>();
      for (const alias of actor.aliases ?? []) set.add(alias);
      aliases.set(actor.name, set);
    }
  }
  return stories.map((story) => ({
    ...story,
    actors: story.actors.map((actor) => {
      const all = [...(aliases.get(actor.name) ?? [])];
      return all.length === 0 ? actor : { ...actor, aliases: all };
    }),
  }));
}

/** The catalogue of already-read story files (tests give their own). The first bad file is a CatalogueError. */
export function buildCatalogue(files: readonly StoryFileData[]): Catalogue {
  const entries = checkStoryFiles(files);
  if (entries.length === 0) throw new CatalogueError('the catalogue', 'holds no story file');
  const couples: Couple[] = withSharedAliases(entries.map(({ story }) => story)).map((story) => deepFreeze(toCatalogueCouple(story)));
  const byUrl = new Map<string, Source>();
  for (const couple of couples) for (const source of [couple.source, ...(couple.also ?? [])]) if (!byUrl.has(source.url)) byUrl.set(source.url, source);
  const byId = new Map(couples.map((c) => [c.id, c]));
  return Object.freeze({
    couples: Object.freeze(couples),
    sources: Object.freeze([...byUrl.values()]),
    get: (id: string) => byId.get(id),
    sourceOf: (couple: Couple) => couple.source,
  });
}

/** Reads and checks the story files of a folder (default `data/stories/`). */
export function loadCatalogue(dir: URL | string = DEFAULT_STORIES): Catalogue {
  return buildCatalogue(readStoryFiles(dir));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** "Park Bo Gum & Kim Yoo Jung" */
export function coupleName(couple: Couple, lang: 'en' | 'ko' = 'en'): string {
  return couple.actors.map((a) => (lang === 'ko' ? a.hangul : a.name)).join(' & ');
}
