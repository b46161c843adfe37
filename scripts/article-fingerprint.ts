/**
 * Writes tests/fixtures/article-fingerprint.json from a copy of the source article, so the catalogue's tests
 * can check the stories against it without the repository carrying its text:
 *
 *   npx tsx scripts/article-fingerprint.ts path/to/source-article.txt
 *
 * Run it again after changing a quote in data/couples.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hashWords, NGRAM, ngramHashes, words, type ArticleFingerprint } from '../tests/support/fingerprint.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx scripts/article-fingerprint.ts <article.txt>');
  process.exit(2);
}
const article = readFileSync(file, 'utf8');
const catalogue = JSON.parse(readFileSync(new URL('../data/couples.json', import.meta.url), 'utf8')) as {
  sources: Record<string, { title: string; publisher: string; published: string }>;
  couples: Array<{ id: string; quotes: Array<{ text: string }> }>;
};

const articleWords = ` ${words(article).join(' ')} `;
const quotes: string[] = [];
for (const couple of catalogue.couples) {
  for (const quote of couple.quotes) {
    const w = words(quote.text);
    if (!articleWords.includes(` ${w.join(' ')} `)) {
      console.error(`${couple.id}: the quote "${quote.text}" is not in the article word for word`);
      process.exit(1);
    }
    quotes.push(hashWords(w));
  }
}

const source = Object.values(catalogue.sources)[0]!;
const fingerprint: ArticleFingerprint = {
  source: `${source.publisher}, "${source.title}" (${source.published})`,
  method: `sha256 (first 16 hex digits) of lower-case words joined by one space; ngrams: every run of ${NGRAM} words`,
  ngram: NGRAM,
  ngrams: [...new Set(ngramHashes(article))].sort(),
  quotes: [...new Set(quotes)].sort(),
};
const out = new URL('../tests/fixtures/article-fingerprint.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(fingerprint, null, 1)}\n`);
console.log(`wrote ${fingerprint.ngrams.length} ${NGRAM}-gram hashes and ${fingerprint.quotes.length} quote hashes to tests/fixtures/article-fingerprint.json`);
