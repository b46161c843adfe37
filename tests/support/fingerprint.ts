/**
 * A fingerprint of the source article: hashes of its word 8-grams and of the spoken lines the
 * catalogue quotes from it. It lets a test check that the stories are retold, not copied, and that
 * the quotes are verbatim, without the repository carrying the article's text.
 * `npx tsx scripts/article-fingerprint.ts <article.txt>` makes it from a copy of the article.
 */
import { createHash } from 'node:crypto';

/** Length of the word runs that are hashed: eight words in a row is a copied phrase, not a shared name. */
export const NGRAM = 8;

/** The committed file's shape. */
export interface ArticleFingerprint {
  readonly source: string;
  readonly method: string;
  readonly ngram: number;
  /** Hashes of every run of `ngram` words of the article. */
  readonly ngrams: readonly string[];
  /** Hashes of each quoted line (its words) found verbatim in the article. */
  readonly quotes: readonly string[];
}

/** Lower-case words, with curly apostrophes straightened and other punctuation dropped. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
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
