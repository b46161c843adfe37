import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CheckError } from '../check.js';
import { ownRecord } from '../records.js';
import { catalogueFileSchema, coupleSchema, type Couple, type Source } from './schema.js';

export type { Couple, Source } from './schema.js';

/** The couples, in catalogue order, with their sources. Immutable once loaded. */
export interface Catalogue {
  readonly couples: readonly Couple[];
  readonly sources: Readonly<Record<string, Source>>;
  get(id: string): Couple | undefined;
  sourceOf(couple: Couple): Source;
  /**
   * A couple by id even when it is no longer offered (a server's removed story, by its name): what
   * an old poll or the leaderboard still names. Absent: the same as `get`.
   */
  lookup?(id: string): Couple | undefined;
}

/** A catalogue file that cannot be used. The message names the file, the entry and the reason. */
export class CatalogueError extends Error {
  constructor(
    readonly file: string,
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`Catalogue error in ${file}, ${entry}: ${reason}`);
    this.name = 'CatalogueError';
  }
}

export const DEFAULT_CATALOGUE = new URL('../../data/couples.json', import.meta.url);

/** `check(value)`, or a CatalogueError naming the entry and where in it the problem is. */
function checked<T>(check: (value: unknown) => T, value: unknown, file: string, entry: string): T {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof CheckError) throw new CatalogueError(file, entry, error.message);
    throw error;
  }
}

/** Validates already-parsed catalogue data. `file` only names the origin in errors. */
export function buildCatalogue(data: unknown, file = 'catalogue'): Catalogue {
  const top = checked(catalogueFileSchema, data, file, 'top level');
  // By the names the file gives them: a Map, so a couple's `source` named `constructor` finds nothing.
  const sourcesByName = new Map(Object.entries(top.sources));

  const couples: Couple[] = [];
  const seen = new Set<string>();
  top.couples.forEach((raw, index) => {
    const label = typeof (raw as { id?: unknown })?.id === 'string' ? `couple #${index + 1} "${(raw as { id: string }).id}"` : `couple #${index + 1}`;
    const couple = checked(coupleSchema, raw, file, label);
    if (seen.has(couple.id)) throw new CatalogueError(file, label, `duplicate id "${couple.id}"`);
    if (!sourcesByName.has(couple.source)) {
      throw new CatalogueError(file, label, `source: "${couple.source}" is not listed under "sources"`);
    }
    seen.add(couple.id);
    couples.push(deepFreeze(couple));
  });

  const byId = new Map(couples.map((c) => [c.id, c]));
  const sources = deepFreeze(ownRecord(top.sources));
  return Object.freeze({
    couples: Object.freeze(couples),
    sources,
    get: (id: string) => byId.get(id),
    sourceOf: (couple: Couple) => sourcesByName.get(couple.source)!,
  });
}

/** Reads and validates a catalogue file (default `data/couples.json`). */
export function loadCatalogue(url: URL | string = DEFAULT_CATALOGUE): Catalogue {
  const path = typeof url === 'string' ? url : fileURLToPath(url);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CatalogueError(path, 'file', error instanceof Error ? error.message : String(error));
  }
  return buildCatalogue(data, path);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** "Park Bo Gum & Kim Yoo Jung" */
export function coupleName(couple: Couple, lang: 'en' | 'ko' = 'en'): string {
  return couple.actors.map((a) => (lang === 'ko' ? a.hangul : a.name)).join(' & ');
}
