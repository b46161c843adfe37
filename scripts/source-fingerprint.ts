/**
 * Writes the fingerprint of a page the stories cite, tests/fixtures/sources/<sha256(url)[:16]>.json,
 * from a saved copy of its text (tests/support/fingerprint.ts says what it holds):
 *
 *   npx tsx scripts/source-fingerprint.ts <url> <text file>
 *   npx tsx scripts/source-fingerprint.ts --texts <folder>    every page the stories cite, from <folder>/<sha256(url)[:16]>.txt
 *
 * A text file may start with a header (`URL: …`, `TITLE: …`, a blank line); the header is not
 * hashed, and its URL must be the page's. Run it again after changing a quote. Never commit the text.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkStoryFiles, readStoryFiles } from '../src/catalogue/catalogue.js';
import { FINGERPRINTS, fingerprintFile, makeFingerprint, pageText, sourceKey, verbatimLines } from '../tests/support/fingerprint.js';

const stories = checkStoryFiles(readStoryFiles()).map((e) => e.story);

/** The lines to look for in a page: those of every story that cites it. */
function linesCiting(url: string): string[] {
  return stories.filter((s) => [s.source, ...(s.also ?? [])].some((source) => source.url === url)).flatMap(verbatimLines);
}

function write(url: string, file: string): void {
  const saved = pageText(readFileSync(file, 'utf8'));
  if (saved.url !== undefined && saved.url !== url) throw new Error(`${file} is the text of ${saved.url}, not of ${url}`);
  const lines = linesCiting(url);
  if (lines.length === 0 && !stories.some((s) => [s.source, ...(s.also ?? [])].some((source) => source.url === url))) {
    console.warn(`note: no story cites ${url} yet`);
  }
  const { fingerprint, missing } = makeFingerprint(url, saved.text, lines);
  mkdirSync(FINGERPRINTS, { recursive: true });
  writeFileSync(fingerprintFile(url), `${JSON.stringify(fingerprint, null, 1)}\n`);
  console.log(`${sourceKey(url)}.json: ${fingerprint.ngrams.length} runs of words, ${fingerprint.quotes.length} of ${lines.length} quoted lines (${url})`);
  for (const line of missing) console.log(`  not in this page's text (it must be in another source of the story): ${line}`);
}

const args = process.argv.slice(2);
if (args[0] === '--texts' && args[1]) {
  const folder = args[1];
  const urls = [...new Set(stories.flatMap((s) => [s.source, ...(s.also ?? [])].map((source) => source.url)))];
  const absent: string[] = [];
  for (const url of urls) {
    const file = join(folder, `${sourceKey(url)}.txt`);
    if (existsSync(file)) write(url, file);
    else absent.push(url);
  }
  for (const url of absent) console.error(`no saved text for ${url} (${sourceKey(url)}.txt)`);
  process.exitCode = absent.length ? 1 : 0;
} else if (args.length === 2 && !args[0]!.startsWith('--')) {
  write(args[0]!, args[1]!);
} else {
  console.error(`usage: npx tsx scripts/source-fingerprint.ts <url> <text file>
       npx tsx scripts/source-fingerprint.ts --texts <folder>
writes ${fileURLToPath(FINGERPRINTS)}<sha256(url)[:16]>.json`);
  process.exitCode = 2;
}
