import { createRequire } from 'node:module';
import type FuseLibrary from 'fuse.js';

let loaded: typeof FuseLibrary | undefined;

/**
 * Fuse.js (fuzzy search), loaded by the first search that needs it (a time-zone autocomplete), rather than
 * at start-up. Stories are searched by src/catalogue/search.ts, without it.
 */
export function fuse(): typeof FuseLibrary {
  loaded ??= createRequire(import.meta.url)('fuse.js') as typeof FuseLibrary;
  return loaded;
}
