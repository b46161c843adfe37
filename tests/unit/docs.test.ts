/**
 * The README is the front page: short, with the quick start, the test command and the way to run the
 * bot for real, and a table of contents for the pages in docs/. These tests keep it so, and keep every
 * link in it and in those pages pointing at a file and a heading that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const docs = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
const pages = ['README.md', 'PRIVACY.md', ...docs];

/** The text outside fenced code blocks (a link written in a code sample is not a link). */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings, numbered as GitHub numbers repeated ones. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every local link target of a page: markdown links and images, and HTML `src`/`href`. */
function localLinks(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the README', () => {
  const readme = read('README.md');

  it('is a front page: under 220 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(220);
  });

  it('opens with what the bot does and a picture, then the quick start, the tests and running it for real', () => {
    const headings = [...prose(readme).matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    expect(headings.slice(0, 4)).toEqual(['What it does', 'Quick start: try it without Discord', 'Run the tests', 'Run it for real']);
    expect(readme.indexOf('docs/screenshots/')).toBeLessThan(readme.indexOf('## What it does'));
    expect(readme).toContain('npm ci && npm run playground');
    expect(readme).toContain('npm ci && npm test');
    expect(readme).toContain('cp .env.example .env');
    expect(readme).toContain('npm ci && npm run deploy && npm start');
  });

  it('shows the playground on a phone, and links every page in docs/', () => {
    expect(readme).toContain('docs/screenshots/playground-phone.png');
    expect(readme).toContain('docs/screenshots/playground-phone-menu.png');
    expect(docs.length).toBeGreaterThanOrEqual(6);
    for (const page of docs) expect(readme, page).toContain(`](${page})`);
  });
});

describe('links in the README, PRIVACY.md and docs/', () => {
  it('lead to files that exist, and to headings that exist', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const target of localLinks(read(page))) {
        const [path = '', anchor] = target.split('#');
        const file = path ? relative(root, join(root, dirname(page), decodeURI(path))) : page;
        if (!existsSync(join(root, file))) broken.push(`${page}: ${target} (no such file)`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchors(read(file)).has(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('are read as GitHub reads them (the checks above can fail)', () => {
    expect(slug('What `/kiss-scene` shows')).toBe('what-kiss-scene-shows');
    expect(slug("Your server's own stories")).toBe('your-servers-own-stories');
    expect(slug('Without Docker: the compiled build')).toBe('without-docker-the-compiled-build');
    expect(anchors('# A\n## B\n## B\n```\n## C\n```\n')).toEqual(new Set(['a', 'b', 'b-1']));
    expect(localLinks('[x](docs/a.md#b) ![y](pic.png) <img src="z.png"> [w](https://e.com) `[v](no.md)`\n```\n[u](code.md)\n```\n')).toEqual(['docs/a.md#b', 'pic.png', 'z.png']);
  });
});
