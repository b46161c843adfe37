/**
 * Benchmark: what a server's own stories cost the COMPILED bot (dist/), in one process. Every answer
 * that lists or finds couples asks `couples.forGuild(server)`: for a server without stories it is
 * the catalogue itself; for a server with 200 it is the catalogue and its stories, built once per
 * change of its book and held in memory (as the bot holds them). Measured, alternating rep by rep
 * with the baseline (a server without stories, in the same run):
 * - an autocomplete: forGuild, then the fuzzy search of what was typed;
 * - building a server's view after its book changed (or was dropped from memory), with its first search;
 * - the memory one server's book and view take, held (typical and longest stories).
 * Figures only; asserts nothing.
 *
 *   npm run bench:stories      (builds first)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as BookModule from '../src/stories/book.js';
import type * as SchemaModule from '../src/stories/schema.js';
import type * as StoreModule from '../src/store/stories.js';
import { load, requireBuild } from './lib/processes.js';
import { median, ratioRow, report, spreadText, type Row } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { createCoupleBook } = await load<typeof BookModule>('stories/book.js');
const { MAX_STORIES } = await load<typeof SchemaModule>('stories/schema.js');
const { BOOKS_KEPT } = await load<typeof StoreModule>('store/stories.js');
type StoryBook = SchemaModule.StoryBook;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const REPS = Number(process.env.REPS ?? 7);
const SEARCHES = 2_000;
const BUILDS = 40;
const HELD = 100;
const catalogue = loadCatalogue();
const QUERIES = ['park bo', '박보검', 'reply', 'actor 1', 'drama 15', 'kim', 'moonlight', 'x'];

function book(size: number, longest: boolean, tag: number): StoryBook {
  const text = (n: number, char: string) => char.repeat(n);
  return {
    removed: [],
    stories: Array.from({ length: size }, (_, i) => ({
      id: `own.${String(tag * 1000 + i).padStart(8, '0')}`,
      actors: [
        { name: longest ? `A${text(59, 'a')}${i}`.slice(0, 60) : `Actor ${i} Lee`, hangul: longest ? text(30, '가') : '이배우' },
        { name: longest ? `B${text(59, 'b')}${i}`.slice(0, 60) : `Actor ${i} Kim` },
      ],
      drama: { title: longest ? `${i} ${text(70, 'T')}` : `Drama ${i}`, korean: longest ? text(80, '드') : undefined, year: 2020 },
      story: longest
        ? { en: text(1500, 'e'), ko: text(1500, '이') }
        : { en: `While filming the kiss scene of Drama ${i}, the two actors laughed through ${i % 7} takes. `.repeat(6), ko: `드라마 ${i}의 키스신을 찍는 동안 두 배우는 계속 웃었다. `.repeat(4) },
      quote: { speaker: `Actor ${i} Kim`, text: longest ? text(300, 'q') : 'I was so nervous.' },
      source: `https://www.example.com/stories/${tag}/${i}`,
      addedBy: '300000000000000001',
      addedAt: 1_700_000_000_000,
    })),
  };
}

const books = new Map<string, StoryBook>();
const couples = createCoupleBook({ catalogue, stories: { get: (guildId: string) => Promise.resolve(books.get(guildId) ?? { stories: [], removed: [] }) }, maxKept: 100_000 });

/** µs per autocomplete (forGuild, then a search) for `guildId`. */
async function autocomplete(guildId: string): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < SEARCHES; i++) (await couples.forGuild(guildId)).search.search(QUERIES[i % QUERIES.length]!, 25);
  return ((performance.now() - start) * 1000) / SEARCHES;
}

/** ms to build a server's view after its book changed, with its first search. */
async function build(size: number, stamp: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < BUILDS; i++) {
    books.set('build', book(size, false, stamp * BUILDS + i));
    (await couples.forGuild('build')).search.search('actor', 25);
  }
  return (performance.now() - start) / BUILDS;
}

/** Bytes of heap per server holding a book of `size` stories and its searched view. */
async function held(size: number, longest: boolean): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let g = 0; g < HELD; g++) {
    const id = `held-${size}-${longest}-${g}`;
    // As read from the store: flat strings, not the ropes `repeat` makes.
    books.set(id, JSON.parse(JSON.stringify(book(size, longest, g))) as StoryBook);
    (await couples.forGuild(id)).search.search('actor', 5);
  }
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / HELD;
  for (let g = 0; g < HELD; g++) books.delete(`held-${size}-${longest}-${g}`);
  return bytes;
}

books.set('own', book(MAX_STORIES, false, 9));
// Warm-up: both paths, the fuzzy-search library loaded and indexes built.
await autocomplete('none');
await autocomplete('own');

const bare: number[] = [];
const bot: number[] = [];
const builtIn: number[] = [];
const builds: number[] = [];
for (let rep = 0; rep < REPS; rep++) {
  // Alternate which goes first: the machine is shared.
  if (rep % 2 === 0) {
    bare.push(await autocomplete('none'));
    bot.push(await autocomplete('own'));
  } else {
    bot.push(await autocomplete('own'));
    bare.push(await autocomplete('none'));
  }
  builtIn.push(await build(0, rep));
  builds.push(await build(MAX_STORIES, rep));
}
const typical = await held(MAX_STORIES, false);
const longest = await held(MAX_STORIES, true);
const none = await held(0, false);

const KB = 1024;
/** The size of a server's own stories as stored (their JSON, UTF-8): what the held memory is compared with. */
const textOf = (longest: boolean) => Buffer.byteLength(JSON.stringify(book(MAX_STORIES, longest, 0).stories));
const typicalText = textOf(false);
const longestText = textOf(true);
const rows: Row[] = [
  {
    ...ratioRow(`an autocomplete (forGuild + fuzzy search, ${SEARCHES} per rep): a server with ${MAX_STORIES} own stories vs one with none`, bare, bot, ' µs', undefined, 1),
    // Discord waits 3 s for an autocomplete; the search is linear in the names a server has.
    goal: '< 5 ms',
    met: median(bot) < 5_000,
  },
  {
    figure: `a server's view built after its book changed, with its first search: ${MAX_STORIES} stories vs none`,
    bare: spreadText(builtIn, ' ms', 3),
    bot: spreadText(builds, ' ms', 2),
    ratio: '',
    goal: '< 50 ms',
    met: median(builds) < 50,
  },
  {
    figure: `memory per server holding its book and searched view (${HELD} servers; at most ${BOOKS_KEPT} held per process): none / ${MAX_STORIES} typical stories / ${MAX_STORIES} at every limit`,
    bare: `${(none / KB).toFixed(1)} KB`,
    bot: `${(typical / KB).toFixed(0)} KB / ${(longest / KB).toFixed(0)} KB`,
    ratio: `${(typical / typicalText).toFixed(2)}× / ${(longest / longestText).toFixed(2)}× of the stories' own ${(typicalText / KB).toFixed(0)} KB / ${(longestText / KB).toFixed(0)} KB`,
    // Issue 22: a server's held memory is at most twice its own stories' text; none costs nothing extra.
    goal: '≤ 2× its stories; none < 1 KB',
    met: typical <= 2 * typicalText && longest <= 2 * longestText && none < KB,
  },
];
report(`A server's own stories (${REPS} reps, alternating with a server without any)`, rows);
