import { randomBytes } from 'node:crypto';
import type { Couple, Source } from '../catalogue/catalogue.js';
import type { Random } from '../catalogue/random.js';
import { normalize } from '../catalogue/search.js';
import { MAX_REMOVED_NAMES, type OwnStory, type StoryBook, type StoryFields } from './schema.js';

/*
 * A server's own stories as plain data: how one is shown as a couple beside the catalogue's, how
 * duplicates are told, and the changes `/kiss-story` makes to a server's book. No discord.js here.
 */

/** A new story id: `own.` and 8 characters (a dot never appears in a catalogue id). */
export function newStoryId(random?: Random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = random ? Array.from({ length: 8 }, () => Math.floor(random() * 256)) : [...randomBytes(8)];
  return `own.${bytes.map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** The same couple in the same drama, however it is spelled: the two actors in any order, and the title. */
export function coupleKey(actors: readonly string[], title: string): string {
  return `${actors.map(normalize).sort().join('+')}@${normalize(title)}`;
}

/** What names a story or couple: its actors' romanised names and its drama's title. */
type Named = { readonly actors: readonly { readonly name: string }[]; readonly drama: { readonly title: string } };

export function storyKey(story: Named): string {
  return coupleKey(
    story.actors.map((a) => a.name),
    story.drama.title,
  );
}

/** Keys of the catalogue's couples, each under every title it is known by. */
export function catalogueKeys(couples: readonly Couple[]): Map<string, Couple> {
  const keys = new Map<string, Couple>();
  for (const couple of couples) {
    if (couple.own) continue;
    const names = couple.actors.map((a) => a.name);
    for (const title of [couple.drama.title, ...couple.drama.altTitles]) keys.set(coupleKey(names, title), couple);
  }
  return keys;
}

/** "Kim Soo Hyun & Kim Ji Won — Queen of Tears": how a story is named in lists and reports. */
export function storyLabel(story: Named): string {
  return `${story.actors.map((a) => a.name).join(' & ')} — ${story.drama.title}`;
}

/** Search terms for the filming video, as the catalogue's couples have them. */
function searchTerms(story: OwnStory): { en: string; ko: string } {
  const en = [...story.actors.map((a) => a.name), story.drama.title, 'kiss scene making'].join(' ');
  const koNames = story.actors.map((a) => a.hangul ?? a.name);
  const ko = [...koNames, story.drama.korean ?? story.drama.title, '키스신 메이킹'].join(' ');
  return { en: en.slice(0, 200), ko: ko.slice(0, 200) };
}

/**
 * A server's story shown as a couple. A story given in one language is that text in both (the
 * reply notes it); names without Hangul show romanised; the Korean title is the title when none
 * was given.
 */
export function toCouple(story: OwnStory, guildId: string): Couple {
  const en = story.story.en ?? story.story.ko ?? '';
  const ko = story.story.ko ?? story.story.en ?? '';
  const languages = (['en', 'ko'] as const).filter((lang) => story.story[lang] !== undefined);
  return {
    id: story.id,
    actors: story.actors.map((a) => ({ name: a.name, hangul: a.hangul ?? a.name })),
    drama: { title: story.drama.title, altTitles: [], korean: story.drama.korean ?? story.drama.title, year: story.drama.year },
    story: { en, ko },
    quotes: story.quote ? [{ speaker: story.quote.speaker, text: story.quote.text }] : [],
    video: { search: searchTerms(story) },
    source: pageSource(story.source),
    own: { guildId, languages, sourceUrl: story.source, video: story.video, addedBy: story.addedBy, addedAt: story.addedAt },
  };
}

/** The page a server's story credits, as a source: its address, published by its site ("soompi.com"). */
export function pageSource(url: string): Source {
  let host = url;
  try {
    host = new URL(url).hostname.replace(/^www\./, '');
  } catch {
    // Checked when the story was given: an address that is not a URL is never stored.
  }
  return { publisher: host, url };
}

/** A removed story as its name alone: old polls, tournaments and the leaderboard still name it. */
export function removedCouple(entry: StoryBook['removed'][number], guildId: string): Couple {
  const actors = entry.actors.map((name) => ({ name, hangul: name }));
  return {
    id: entry.id,
    actors,
    drama: { title: entry.title, altTitles: [], korean: entry.title },
    story: { en: '', ko: '' },
    quotes: [],
    video: { search: { en: '', ko: '' } },
    source: { publisher: '', url: '' },
    own: { guildId, languages: [], sourceUrl: '', addedBy: '0', addedAt: 0 },
  };
}

export type BookChange =
  | { ok: true; book: StoryBook; story: OwnStory }
  | { ok: false; reason: 'duplicate-own' | 'duplicate-catalogue' | 'full' | 'missing'; label?: string };

/** Adds a story, unless it repeats one (the server's or the catalogue's) or the book is full. */
/** The story (the server's, other than `exceptId`, or a catalogue couple's) that `fields` would repeat. */
function duplicateOf(book: StoryBook, catalogue: readonly Couple[], fields: StoryFields, exceptId?: string): BookChange | undefined {
  const key = storyKey(fields);
  const own = book.stories.find((s) => s.id !== exceptId && storyKey(s) === key);
  if (own) return { ok: false, reason: 'duplicate-own', label: storyLabel(own) };
  const builtIn = catalogueKeys(catalogue).get(key);
  return builtIn ? { ok: false, reason: 'duplicate-catalogue', label: storyLabel(builtIn) } : undefined;
}

export function addStory(book: StoryBook, catalogue: readonly Couple[], fields: StoryFields, meta: { id: string; by: string; at: number }, max: number): BookChange {
  const duplicate = duplicateOf(book, catalogue, fields);
  if (duplicate) return duplicate;
  if (book.stories.length >= max) return { ok: false, reason: 'full' };
  const story: OwnStory = { id: meta.id, ...fields, addedBy: meta.by, addedAt: meta.at };
  return { ok: true, book: { ...book, stories: [...book.stories, story] }, story };
}

/** Replaces a story's fields (its id and who added it stay), unless it would repeat another one. */
export function editStory(book: StoryBook, catalogue: readonly Couple[], id: string, fields: StoryFields, meta: { by: string; at: number }): BookChange {
  const index = book.stories.findIndex((s) => s.id === id);
  const current = book.stories[index];
  if (!current) return { ok: false, reason: 'missing' };
  const duplicate = duplicateOf(book, catalogue, fields, id);
  if (duplicate) return duplicate;
  const story: OwnStory = { id, ...fields, addedBy: current.addedBy, addedAt: current.addedAt, editedBy: meta.by, editedAt: meta.at };
  const stories = book.stories.slice();
  stories[index] = story;
  return { ok: true, book: { ...book, stories }, story };
}

/** Removes a story; its name is kept for what still counts it (old polls, the leaderboard). */
export function removeStory(book: StoryBook, id: string): BookChange {
  const story = book.stories.find((s) => s.id === id);
  if (!story) return { ok: false, reason: 'missing' };
  const name = { id, actors: story.actors.map((a) => a.name), title: story.drama.title };
  return {
    ok: true,
    book: { ...book, stories: book.stories.filter((s) => s.id !== id), removed: [name, ...book.removed.filter((r) => r.id !== id)].slice(0, MAX_REMOVED_NAMES) },
    story,
  };
}
