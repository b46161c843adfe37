/**
 * Writes data/SOURCES.md: every page the stories cite, by publisher, with its title, date and
 * address, and the stories that cite it. A test checks the file is current:
 *
 *   npx tsx scripts/sources-list.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkStoryFiles, readStoryFiles, type Source, type StoryFile } from '../src/catalogue/catalogue.js';

export const SOURCES_FILE = new URL('../data/SOURCES.md', import.meta.url);

interface Cited {
  source: Source;
  /** Story ids, each marked when the page is one of its `also` pages. */
  by: string[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The text of data/SOURCES.md for these stories. */
/** Text shown as written in Markdown: its backslashes, backticks, emphasis marks and angle brackets escaped. */
export function markdownText(text: string): string {
  return text.replace(/([\\`*_<>])/g, '\\$1');
}

export function sourcesList(stories: readonly StoryFile[]): string {
  const byUrl = new Map<string, Cited>();
  for (const story of stories) {
    [story.source, ...(story.also ?? [])].forEach((source, i) => {
      const cited = byUrl.get(source.url) ?? { source, by: [] };
      cited.by.push(i === 0 ? `\`${story.id}\`` : `\`${story.id}\` (also)`);
      byUrl.set(source.url, cited);
    });
  }
  const byPublisher = new Map<string, Cited[]>();
  for (const cited of byUrl.values()) byPublisher.set(cited.source.publisher, [...(byPublisher.get(cited.source.publisher) ?? []), cited]);
  const publishers = [...byPublisher.keys()].sort(compare);

  const lines = [
    '# Where the stories come from',
    '',
    '<!-- Made by `npx tsx scripts/sources-list.ts` from data/stories: do not edit by hand (tests/unit/sources-list.test.ts checks it is current). -->',
    '',
    `${stories.length} stories cite ${byUrl.size} pages from ${publishers.length} publishers. Each story is retold in our own words from`,
    'its `source`; an `also` page gives a detail the first lacks, such as the Korean names. The Korean',
    'text is ours, except the lines a story marks as reported words. The tests check every story against',
    'a fingerprint of each page it cites (tests/fixtures/sources), never a copy of the page.',
  ];
  for (const publisher of publishers) {
    lines.push('', `## ${publisher}`, '');
    const pages = byPublisher.get(publisher)!.sort((a, b) => compare(a.source.published ?? '', b.source.published ?? '') || compare(a.source.url, b.source.url));
    for (const { source, by } of pages) {
      const title = source.title === undefined ? 'untitled page' : `“${markdownText(source.title)}”`;
      const date = source.published === undefined ? 'undated' : source.published;
      lines.push(`- ${title}, ${date}: <${source.url}>`);
      if (source.note) lines.push(`  ${source.note.en}`);
      lines.push(`  Cited by ${by.join(', ')}.`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const stories = checkStoryFiles(readStoryFiles()).map((e) => e.story);
  writeFileSync(SOURCES_FILE, sourcesList(stories));
  console.log(`wrote data/SOURCES.md: ${stories.length} stories`);
}
