/**
 * Fingerprints of the pages the stories are told from: hashes of every run of eight words of a
 * page's text, and of the quoted lines that were found in it word for word. They let the tests
 * check that every story is retold, not copied, and that its quotes are verbatim, without the
 * repository carrying anyone's text. `scripts/source-fingerprint.ts` makes one from a saved copy
 * of a page (docs/catalogue.md).
 *
 * Why quotes are hashed whole: a quote may be shorter than eight words ("I did!"), and hashing
 * every shorter run of a page would make its fingerprint several times larger. So the script
 * checks each quote the stories give against the full text when it makes the fingerprint, and
 * keeps the hash of each one it found. A quote changed later no longer matches: the fingerprint
 * has to be made again from the page, which checks the new words.
 */
import { createHash } from 'node:crypto';
import type { StoryFile } from '../../src/catalogue/catalogue.js';

/** Length of the word runs that are hashed: eight words in a row is a copied phrase, not a shared name. */
export const NGRAM = 8;

/** The folder of the committed fingerprints, one `<sourceKey(url)>.json` per page. */
export const FINGERPRINTS = new URL('../fixtures/sources/', import.meta.url);

export const METHOD = `sha256 (first 16 hex digits) of the words (NFKC, lower case, curly apostrophes straightened, other punctuation dropped) joined by one space; ngrams: every run of ${NGRAM} words; quotes: each quoted line the stories give that the text holds word for word`;

/** A committed fingerprint file. */
export interface SourceFingerprint {
  readonly url: string;
  readonly method: string;
  readonly ngram: number;
  /** Hashes of every run of `ngram` words of the page's text. */
  readonly ngrams: readonly string[];
  /** Hashes of the quoted lines (their words) found verbatim in the text. */
  readonly quotes: readonly string[];
}

/** Words, as every check compares them: NFKC, lower case, curly apostrophes straightened, other punctuation dropped. */
export function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    // An apostrophe inside a Latin word ("don't") is part of it; a quote mark anywhere else is not
    // ('윤아씨 우리 친해집시다'라고: the particle after the closing mark is a word of its own).
    .replace(/(?<!\p{Script=Latin})'|'(?!\p{Script=Latin})/gu, ' ')
    .replace(/[^\p{L}\p{M}\p{N}']+/gu, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** A short, stable hash of a run of words. */
export function hashWords(run: readonly string[]): string {
  return createHash('sha256').update(run.join(' ')).digest('hex').slice(0, 16);
}

/** Hashes of every run of `n` words in `text`. */
export function ngramHashes(text: string, n = NGRAM): string[] {
  const w = words(text);
  const out: string[] = [];
  for (let i = 0; i + n <= w.length; i++) out.push(hashWords(w.slice(i, i + n)));
  return out;
}

/** The name of a page's fingerprint file (and of its saved text): the first 16 hex digits of sha256(url). */
export function sourceKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

export function fingerprintFile(url: string): URL {
  return new URL(`${sourceKey(url)}.json`, FINGERPRINTS);
}

/**
 * A saved page: the text, without the header the research notes start with (`URL: …`,
 * `TITLE: …`, then a blank line), and the URL the header names.
 */
export function pageText(saved: string): { url?: string; text: string } {
  const match = /^URL: *(\S+)[^\n]*\n(?:[A-Z]+:[^\n]*\n)*\n/.exec(saved);
  return match ? { url: match[1]!, text: saved.slice(match[0].length) } : { text: saved };
}

/** The lines of a story that must be verbatim in one of its sources: English ones we did not translate, and Korean ones reported. */
export function verbatimLines(story: Pick<StoryFile, 'quotes'>): string[] {
  return (story.quotes ?? []).flatMap((q) => [...(q.textKind === 'translation' ? [] : [q.text]), ...(q.ko?.kind === 'reported' ? [q.ko.text] : [])]);
}

/** Whether `line`'s words appear in a row in `text`'s. */
export function holdsWords(text: string, line: string): boolean {
  const needle = words(line);
  return needle.length > 0 && ` ${words(text).join(' ')} `.includes(` ${needle.join(' ')} `);
}

/** The fingerprint of a page's text, keeping the lines of `lines` it holds; `missing`: those it does not. */
export function makeFingerprint(url: string, text: string, lines: readonly string[]): { fingerprint: SourceFingerprint; missing: string[] } {
  const found = lines.filter((line) => holdsWords(text, line));
  return {
    fingerprint: {
      url,
      method: METHOD,
      ngram: NGRAM,
      ngrams: [...new Set(ngramHashes(text))].sort(),
      quotes: [...new Set(found.map((line) => hashWords(words(line))))].sort(),
    },
    missing: lines.filter((line) => !found.includes(line)),
  };
}
