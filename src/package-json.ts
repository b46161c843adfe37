import { readFileSync } from 'node:fs';

/** What the bot reads of its own package.json. */
export interface PackageJson {
  /** Where its source is published (npm's forms: a URL, `github:owner/name`, `owner/name`, `{ url }`). */
  readonly repository?: unknown;
}

/**
 * The bot's own package.json: the nearest one above this file, from `src/` as from the build's
 * `dist/src/` (and `/app/` in the image). Read once at start, with the settings.
 */
export function readPackageJson(from: URL = new URL('./', import.meta.url)): PackageJson {
  for (let dir = from; ; dir = new URL('../', dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(new URL('package.json', dir), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) return JSON.parse(text) as PackageJson;
    if (new URL('../', dir).href === dir.href) return {};
  }
}
