import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkStoryFiles, readStoryFiles, type StoryFile } from '../../src/catalogue/catalogue.js';
import { markdownText, SOURCES_FILE, sourcesList } from '../../scripts/sources-list.js';

const stories = checkStoryFiles(readStoryFiles()).map((e) => e.story);

describe('data/SOURCES.md', () => {
  it('is current: what scripts/sources-list.ts makes from the story files (run it after changing a source)', () => {
    expect(readFileSync(SOURCES_FILE, 'utf8')).toBe(sourcesList(stories));
  });

  it('lists every page once, with its publisher, title, date and address, and the stories citing it', () => {
    const text = sourcesList(stories);
    for (const story of stories) {
      for (const source of [story.source, ...(story.also ?? [])]) {
        expect(text.split(`<${source.url}>`)).toHaveLength(2);
        const line = text.split('\n').findIndex((l) => l.includes(`<${source.url}>`));
        const entry = text.split('\n').slice(line, line + 3).join('\n');
        expect(entry).toContain(`\`${story.id}\``);
        if (source.title !== undefined) expect(entry).toContain(markdownText(source.title));
        if (source.published !== undefined) expect(entry).toContain(source.published);
      }
    }
    expect(text).toContain('## DramaFever');
    expect(text).toContain('`kim-soo-hyun-cha-tae-hyun` (also)');
  });

  it('changes when a story cites a new page', () => {
    const extra: StoryFile = { ...stories[0]!, id: 'extra', source: { publisher: 'Soompi', url: 'https://www.soompi.com/article/1' } };
    const text = sourcesList([...stories, extra]);
    expect(text).not.toBe(sourcesList(stories));
    expect(text).toContain('## Soompi');
    expect(text).toContain('- untitled page, undated: <https://www.soompi.com/article/1>\n  Cited by `extra`.');
  });
});
