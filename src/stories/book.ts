import type { Catalogue, Couple, Source } from '../catalogue/catalogue.js';
import { CoupleSearch, NameIndex, nameIndex } from '../catalogue/search.js';
import type { StoryStore } from '../store/stories.js';
import { removedCouple, toCouple } from './model.js';
import type { StoryBook } from './schema.js';

/**
 * The couples a server sees: the built-in catalogue, then the server's own stories. Every feature
 * that lists or finds couples (autocomplete, `/kiss-scene`, `/kiss-video`, polls, the daily
 * rotation, the World Cup) asks here with the server's id, so a server's stories reach only it.
 */
export interface GuildCatalogue extends Catalogue {
  /** Fuzzy search over these couples; an empty query lists the server's own stories first. */
  readonly search: CoupleSearch;
  /** The server's own stories as couples, in the order they were added. */
  readonly own: readonly Couple[];
  /** Search over the server's own stories alone (what `/kiss-story edit` and `remove` offer). */
  readonly ownSearch: CoupleSearch;
  /**
   * A couple by id, whether it is still here or its story was removed (then only its name): what
   * an old poll, a tournament or the leaderboard still counts.
   */
  lookup(id: string): Couple | undefined;
}

export interface CoupleBook {
  /** The catalogue alone: what DMs, and servers without stories of their own, see. */
  readonly builtIn: GuildCatalogue;
  /** What `guildId` sees (the catalogue alone for none: a DM). Reads the server's stories (held in memory). */
  forGuild(guildId: string | null | undefined): Promise<GuildCatalogue>;
}

/** Where a service finds a server's couples: the book, or a fixed catalogue (tests, benchmarks). */
export type CouplesSource = Catalogue | CoupleBook;

/** The couples `guildId` sees, from either kind of source. */
export function catalogueFor(source: CouplesSource, guildId: string | null | undefined): Promise<Catalogue> {
  return 'forGuild' in source ? source.forGuild(guildId) : Promise.resolve(source);
}

export interface CoupleBookDeps {
  readonly catalogue: Catalogue;
  /** Where servers' stories are read; without it, every server sees the catalogue alone. */
  readonly stories?: Pick<StoryStore, 'get'> | undefined;
  /** Servers whose merged catalogue is kept built (default 500, as many as books held; built again from the book when needed). */
  readonly maxKept?: number | undefined;
}

/** The page a server's story credits, as a source. */
export function ownSource(couple: Couple): Source {
  const url = couple.own?.sourceUrl ?? '';
  let host = url;
  try {
    host = new URL(url).hostname.replace(/^www\./, '');
  } catch {
    // A removed story's name has no source.
  }
  return { title: host, publisher: host, url, published: '' };
}

/** The catalogue alone, as a view: its one search over the catalogue's shared index. */
function builtInView(catalogue: Catalogue): GuildCatalogue {
  return Object.freeze({
    couples: catalogue.couples,
    sources: catalogue.sources,
    get: (id: string) => catalogue.get(id),
    sourceOf: (couple: Couple) => (couple.own ? ownSource(couple) : catalogue.sourceOf(couple)),
    search: new CoupleSearch(catalogue),
    own: Object.freeze([]),
    ownSearch: new CoupleSearch({ couples: [], get: () => undefined }),
    lookup: (id: string) => catalogue.get(id),
  });
}

/**
 * A server's view: the catalogue, then its own stories. It holds only what is the server's own (its
 * stories, an index of their names, a map of their ids); the catalogue's couples, sources and
 * search index are the process's one copy, reached through `catalogue`, never copied.
 */
function merged(catalogue: Catalogue, builtIn: GuildCatalogue, own: readonly Couple[], removed: readonly Couple[]): GuildCatalogue {
  const ownById = new Map(own.map((c) => [c.id, c]));
  const removedById = removed.length ? new Map(removed.map((c) => [c.id, c])) : undefined;
  const get = (id: string) => catalogue.get(id) ?? ownById.get(id);
  // The newest of the server's stories first when nothing is typed yet; one index serves both searches.
  const newestFirst = Object.freeze([...own].reverse());
  const ownIndex = new NameIndex(newestFirst);
  const ownSearch = new CoupleSearch({ couples: newestFirst, get: (id) => ownById.get(id) }, { indexes: [ownIndex] });
  const search = new CoupleSearch({ couples: newestFirst, get }, { indexes: [ownIndex, nameIndex(catalogue.couples)], listed: [newestFirst, catalogue.couples] });
  return Object.freeze({
    // Built when asked (a list of pointers), not kept: the catalogue's part is never copied per server.
    get couples() {
      return catalogue.couples.concat(own);
    },
    sources: catalogue.sources,
    get,
    sourceOf: (couple: Couple) => builtIn.sourceOf(couple),
    search,
    own,
    ownSearch,
    lookup: (id: string) => get(id) ?? removedById?.get(id),
  });
}

export function createCoupleBook(deps: CoupleBookDeps): CoupleBook {
  const builtIn = builtInView(deps.catalogue);
  const maxKept = deps.maxKept ?? 500;
  /** Per server: the book a view was built from, and the view (a Map keeps the order of use). */
  const built = new Map<string, { book: StoryBook; view: GuildCatalogue }>();
  return {
    builtIn,
    async forGuild(guildId) {
      if (!guildId || !deps.stories) return builtIn;
      const book = await deps.stories.get(guildId);
      if (book.stories.length === 0 && book.removed.length === 0) {
        built.delete(guildId);
        return builtIn;
      }
      const kept = built.get(guildId);
      built.delete(guildId);
      if (kept?.book === book) {
        built.set(guildId, kept);
        return kept.view;
      }
      const view = merged(
        deps.catalogue,
        builtIn,
        book.stories.map((s) => toCouple(s, guildId)),
        book.removed.map((r) => removedCouple(r, guildId)),
      );
      built.set(guildId, { book, view });
      if (built.size > maxKept) built.delete(built.keys().next().value!);
      return view;
    },
  };
}
