import { createRequire } from 'node:module';
import type FuseLibrary from 'fuse.js';

let loaded: typeof FuseLibrary | undefined;

/**
 * Fuse.js (fuzzy search), loaded by the first search that needs it, an autocomplete, rather than
 * at start-up: `/kiss-scene` with a couple picked from the list names it by id and never searches.
 */
export function fuse(): typeof FuseLibrary {
  loaded ??= createRequire(import.meta.url)('fuse.js') as typeof FuseLibrary;
  return loaded;
}
