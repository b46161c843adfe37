import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { seededRandom } from '../../src/catalogue/random.js';
import { storiesLeft } from '../../src/daily/rotation.js';
import { pickDefaultWithOwn } from '../../src/polls/default-pick.js';
import { MAX_COUPLES } from '../../src/polls/model.js';
import { rotate } from '../daily/helpers.js';
import { sceneMessage } from '../../src/replies/scene.js';
import { videoMessage } from '../../src/replies/video.js';
import { createCoupleBook, ownSource } from '../../src/stories/book.js';
import { addStory, editStory, removeStory, toCouple } from '../../src/stories/model.js';
import { EMPTY_BOOK, MAX_STORIES, type StoryBook } from '../../src/stories/schema.js';
import { exportBook, planImport } from '../../src/stories/transfer.js';
import { candidatesOf, fields } from './helpers.js';

const catalogue = loadCatalogue();
const GUILD = '100000000000000001';
const OTHER = '100000000000000002';
const MEMBER = '200000000000000001';

let ids = 0;
const meta = () => ({ id: `own.${String(++ids).padStart(8, '0')}`, by: MEMBER, at: 1_700_000_000_000 });

function bookWith(n: number): StoryBook {
  let book: StoryBook = EMPTY_BOOK;
  for (let i = 1; i <= n; i++) {
    const change = addStory(book, catalogue.couples, fields(i), meta(), MAX_STORIES);
    if (!change.ok) throw new Error(change.reason);
    book = change.book;
  }
  return book;
}

describe('a server’s book of stories', () => {
  it('refuses a second story for the same couple and drama, however it is written', () => {
    const book = bookWith(1);
    const again = fields(1, { actors: [{ name: 'actor 1 KIM' }, { name: 'Actor-1 Lee' }], drama: { title: ' drama  1 ' } });
    expect(addStory(book, catalogue.couples, again, meta(), MAX_STORIES)).toEqual({ ok: false, reason: 'duplicate-own', label: 'Actor 1 Lee & Actor 1 Kim — Drama 1' });
  });

  it('refuses a built-in couple, under any of its titles', () => {
    const builtIn = fields(1, { actors: [{ name: 'Kim Yoo Jung' }, { name: 'Park Bo Gum' }], drama: { title: 'Moonlight Drawn by Clouds' } });
    expect(addStory(EMPTY_BOOK, catalogue.couples, builtIn, meta(), MAX_STORIES)).toMatchObject({ ok: false, reason: 'duplicate-catalogue' });
  });

  it('holds at most its limit', () => {
    const book = bookWith(3);
    expect(addStory(book, catalogue.couples, fields(4), meta(), 3)).toEqual({ ok: false, reason: 'full' });
    expect(addStory(book, catalogue.couples, fields(4), meta(), 4)).toMatchObject({ ok: true });
  });

  it('edits a story in place (its id and who added it stay), and refuses an edit into another story', () => {
    const book = bookWith(2);
    const [first, second] = book.stories;
    const edited = editStory(book, catalogue.couples, first!.id, fields(1, { story: { ko: '한국어로 고쳤다.' } }), { by: OTHER, at: 5 });
    expect(edited).toMatchObject({ ok: true, story: { id: first!.id, addedBy: MEMBER, editedBy: OTHER, editedAt: 5, story: { ko: '한국어로 고쳤다.' } } });
    expect(editStory(book, catalogue.couples, first!.id, fields(2), { by: OTHER, at: 5 })).toMatchObject({ ok: false, reason: 'duplicate-own' });
    expect(editStory(book, catalogue.couples, 'own.zzzzzzzz', fields(9), { by: OTHER, at: 5 })).toEqual({ ok: false, reason: 'missing' });
    expect(second).toBeDefined();
  });

  it('keeps a removed story’s name (never its text), for what still counts it', async () => {
    const book = bookWith(2);
    const gone = book.stories[0]!;
    const change = removeStory(book, gone.id);
    if (!change.ok) throw new Error('expected the removal');
    expect(change.book.stories.map((s) => s.id)).toEqual([book.stories[1]!.id]);
    expect(change.book.removed).toEqual([{ id: gone.id, actors: ['Actor 1 Lee', 'Actor 1 Kim'], title: 'Drama 1' }]);
    const couples = createCoupleBook({ catalogue, stories: { get: () => Promise.resolve(change.book) } });
    const view = await couples.forGuild(GUILD);
    expect(view.get(gone.id)).toBeUndefined();
    expect(view.lookup(gone.id)?.actors.map((a) => a.name)).toEqual(['Actor 1 Lee', 'Actor 1 Kim']);
    expect(view.lookup(gone.id)?.story).toEqual({ en: '', ko: '' });
  });
});

describe('what each server sees', () => {
  const books = new Map<string, StoryBook>([[GUILD, bookWith(5)]]);
  const couples = createCoupleBook({ catalogue, stories: { get: (guildId) => Promise.resolve(books.get(guildId) ?? EMPTY_BOOK) } });

  it('the catalogue, then its own stories; other servers and DMs the catalogue alone', async () => {
    const mine = await couples.forGuild(GUILD);
    expect(mine.couples).toHaveLength(catalogue.couples.length + 5);
    expect(mine.own.every((c) => c.own?.guildId === GUILD)).toBe(true);
    expect(await couples.forGuild(OTHER)).toBe(couples.builtIn);
    expect(await couples.forGuild(null)).toBe(couples.builtIn);
    const ownId = mine.own[0]!.id;
    expect((await couples.forGuild(OTHER)).get(ownId)).toBeUndefined();
    expect((await couples.forGuild(OTHER)).search.resolve(ownId)).not.toMatchObject({ id: ownId });
  });

  it('finds its own stories by actor, Hangul name and drama, and lists them first when nothing is typed', async () => {
    const mine = await couples.forGuild(GUILD);
    expect(mine.search.search('Actor 3 Lee', 1)[0]?.couple.id).toBe(mine.own[2]!.id);
    expect(mine.search.search('Drama 4', 1)[0]?.couple.id).toBe(mine.own[3]!.id);
    expect(mine.search.search('', 2).map((h) => h.couple.id)).toEqual([mine.own[4]!.id, mine.own[3]!.id]);
    expect(mine.ownSearch.search('', 25)).toHaveLength(5);
  });

  it('builds a server’s view once per version of its book', async () => {
    const first = await couples.forGuild(GUILD);
    expect(await couples.forGuild(GUILD)).toBe(first);
    books.set(GUILD, bookWith(6));
    const next = await couples.forGuild(GUILD);
    expect(next).not.toBe(first);
    expect(next.own).toHaveLength(6);
  });

  it('puts its own stories in the World Cup pool of that server only', async () => {
    const pool = await candidatesOf(couples, GUILD);
    const other = await candidatesOf(couples, OTHER);
    expect(pool.length).toBe(other.length + 6);
    expect(pool.at(-1)).toMatchObject({ name: { en: 'Actor 6 Lee & Actor 6 Kim' }, drama: { en: 'Drama 6' }, year: 2020 });
  });
});

describe('a server’s story shown', () => {
  const story = { id: 'own.abcdefgh', ...fields(1, { video: 'https://youtu.be/abc', quote: { speaker: 'Actor 1 Kim', text: 'We laughed.' } }), addedBy: MEMBER, addedAt: 1 };
  const couple = toCouple(story, GUILD);

  it('credits the server and links its source in place of the article', () => {
    const message = sceneMessage({ couple, source: ownSource(couple), lang: 'en', serverName: 'K-drama Club' });
    const embed = message.embeds[0]!;
    const credit = embed.fields!.find((f) => f.name === 'Source')!.value;
    expect(credit).toBe('[example.com](https://www.example.com/story-1)\nAdded by the members of K-drama Club');
    expect(JSON.stringify(message)).not.toContain('DramaFever');
    expect(embed.footer!.text).toContain('Server story');
    expect(message.components[0]!.components[0]).toMatchObject({ url: 'https://youtu.be/abc' });
    expect(embed.fields!.find((f) => f.name === 'Drama')!.value).toBe('Drama 1 · 2020');
  });

  it('shows a story given in one language to the other language’s members as written, with a one-line note', () => {
    const ko = sceneMessage({ couple, source: ownSource(couple), lang: 'ko' }).embeds[0]!;
    expect(ko.description).toBe('Story number 1, told in English.\n\n*이 이야기는 영어로만 등록되어 있어요.*');
    expect(ko.title).toBe('💋 Actor 1 Lee & 김배우');
    const en = sceneMessage({ couple, source: ownSource(couple), lang: 'en' }).embeds[0]!;
    expect(en.description).toBe('Story number 1, told in English.');
    const korean = toCouple({ ...story, story: { ko: '한국어 이야기.' } }, GUILD);
    expect(sceneMessage({ couple: korean, source: ownSource(korean), lang: 'en' }).embeds[0]!.description).toBe('한국어 이야기.\n\n*This story was given in Korean only.*');
  });

  it('fits Discord’s embed limits at the longest a story may be, in both languages', () => {
    const long = (n: number, char: string) => char.repeat(n);
    const longest = {
      ...story,
      actors: [
        { name: `A${long(59, 'a')}`, hangul: long(30, '가') },
        { name: `B${long(59, 'b')}`, hangul: long(30, '나') },
      ],
      drama: { title: long(80, 'T'), korean: long(80, '드'), year: 2024 },
      story: { en: long(1500, 'e'), ko: long(1500, '이') },
      quote: { speaker: long(60, 's'), text: long(300, 'q') },
      source: `https://www.example.com/${long(480, 'p')}`,
    };
    for (const lang of ['en', 'ko'] as const) {
      const embed = sceneMessage({ couple: toCouple(longest, GUILD), source: ownSource(toCouple(longest, GUILD)), lang, serverName: long(100, 'S') }).embeds[0]!;
      const total = [embed.title, embed.description, embed.author?.name, embed.footer?.text, ...embed.fields!.flatMap((f) => [f.name, f.value])].join('').length;
      expect(total).toBeLessThanOrEqual(6000);
      expect(embed.title!.length).toBeLessThanOrEqual(256);
      expect(embed.description!.length).toBeLessThanOrEqual(4096);
      for (const field of embed.fields!) expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  });

  it('offers its video in /kiss-video, after a link the moderators pinned', () => {
    const own = videoMessage(couple, 'en', undefined).components[0]!.components;
    expect(own[0]).toMatchObject({ url: 'https://youtu.be/abc' });
    const pinned = videoMessage(couple, 'en', { url: 'https://vimeo.com/1', pinnedBy: MEMBER, pinnedAt: 1 }).components[0]!.components;
    expect(pinned[0]).toMatchObject({ url: 'https://vimeo.com/1' });
    expect(pinned.map((b) => ('url' in b ? b.url : ''))).not.toContain('https://youtu.be/abc');
  });
});

describe('export and import', () => {
  const newId = () => meta().id;
  const at = { by: MEMBER, at: 9, newId };

  it('imports a server’s own export again: every story updated, none added', () => {
    const book = bookWith(4);
    const plan = planImport(exportBook(book, 0), book, catalogue.couples, at, MAX_STORIES);
    expect(plan).toMatchObject({ ok: true, added: 0, updated: 4 });
    if (plan.ok) expect(plan.book.stories.map((s) => s.id)).toEqual(book.stories.map((s) => s.id));
  });

  it('applies nothing when one entry of fifty is bad, and names that entry', () => {
    const entries = Array.from({ length: 50 }, (_, i) => fields(100 + i));
    entries[16] = { ...entries[16]!, source: 'http://www.example.com/insecure' };
    const plan = planImport(JSON.stringify(entries), EMPTY_BOOK, catalogue.couples, at, MAX_STORIES);
    expect(plan).toEqual({
      ok: false,
      reason: 'entries',
      problems: [{ entry: 17, label: 'Actor 116 Lee & Actor 116 Kim — Drama 116', part: 'source', code: 'notHttps', limit: undefined, detail: undefined }],
      entries: 50,
    });
  });

  it('refuses files that are not JSON, hold no list, repeat an entry or a built-in couple, or overfill the server', () => {
    expect(planImport('{ nope', EMPTY_BOOK, catalogue.couples, at, MAX_STORIES)).toMatchObject({ ok: false, reason: 'not-json' });
    expect(planImport('{"stories": 3}', EMPTY_BOOK, catalogue.couples, at, MAX_STORIES)).toMatchObject({ ok: false, reason: 'not-a-list' });
    expect(planImport(JSON.stringify([fields(1), fields(1)]), EMPTY_BOOK, catalogue.couples, at, MAX_STORIES)).toMatchObject({
      ok: false,
      problems: [{ entry: 2, code: 'repeated', detail: '1' }],
    });
    const builtIn = fields(1, { actors: [{ name: 'Park Bo Gum' }, { name: 'Kim Yoo Jung' }], drama: { title: 'Love in the Moonlight' } });
    expect(planImport(JSON.stringify([builtIn]), EMPTY_BOOK, catalogue.couples, at, MAX_STORIES)).toMatchObject({ ok: false, problems: [{ entry: 1, code: 'inCatalogue' }] });
    expect(planImport(JSON.stringify([fields(500), fields(501)]), bookWith(199), catalogue.couples, at, MAX_STORIES)).toMatchObject({ ok: false, reason: 'full' });
    expect(planImport(JSON.stringify([{ ...fields(1), extra: true }]), EMPTY_BOOK, catalogue.couples, at, MAX_STORIES)).toMatchObject({
      ok: false,
      problems: [{ entry: 1, part: 'entry', code: 'unknownField', detail: 'extra' }],
    });
  });
});

describe('the daily rotation with a server’s own stories', () => {
  const builtIn = catalogue.couples.map((c) => c.id);
  /** The ids the server's rotation goes through: its view of the catalogue, built-in then own. */
  async function roundIds(book: StoryBook): Promise<string[]> {
    const couples = createCoupleBook({ catalogue, stories: { get: () => Promise.resolve(book) } });
    return (await couples.forGuild(GUILD)).couples.map((c) => c.id);
  }
  const sorted = (list: readonly string[]) => [...list].sort();

  it('tells every built-in story and every own story (5, or the most a server may hold) once before any repeats', async () => {
    for (const count of [5, MAX_STORIES]) {
      const book = bookWith(count);
      const all = await roundIds(book);
      expect(all).toHaveLength(builtIn.length + count);
      for (const story of book.stories) expect(all).toContain(story.id);
      for (let seed = 1; seed <= (count === 5 ? 10 : 3); seed++) {
        const { picked: told } = rotate(all, 2 * all.length + 1, seededRandom(seed));
        expect(sorted(told.slice(0, all.length))).toEqual(sorted(all));
        expect(sorted(told.slice(all.length, 2 * all.length))).toEqual(sorted(all));
        expect(told[all.length]).not.toBe(told[all.length - 1]);
        expect(told[2 * all.length]).not.toBe(told[2 * all.length - 1]);
      }
    }
  });

  it('lets stories added mid-round join it, and skips removed ones', async () => {
    const before = await roundIds(EMPTY_BOOK);
    expect(before).toEqual(builtIn);
    const first = rotate(before, 4, seededRandom(3));
    const removed = first.round.order.at(-1)!;
    expect(first.picked).not.toContain(removed);
    for (const count of [5, MAX_STORIES]) {
      const book = bookWith(count);
      const own = book.stories.map((story) => story.id);
      const now = (await roundIds(book)).filter((id) => id !== removed);
      const left = builtIn.length - 4 - 1 + count;
      expect(storiesLeft(now, first.round)).toBe(left);
      const rest = rotate(now, left, seededRandom(3), first.round);
      const round = [...first.picked, ...rest.picked];
      expect(new Set(round).size).toBe(round.length);
      expect(sorted(round)).toEqual(sorted(now));
      for (const id of own) expect(rest.picked).toContain(id);
      expect(round).not.toContain(removed);
      // Used up: the next story starts a new round over all of them.
      expect(storiesLeft(now, rest.round)).toBe(now.length);
      expect(rotate(now, 1, seededRandom(4), rest.round).round.posted).toHaveLength(1);
    }
  });
});

describe('a default poll with a server’s own stories', () => {
  /** The couples a server sees, with `book` as its own stories. */
  const couplesWith = async (book: StoryBook) => (await createCoupleBook({ catalogue, stories: { get: () => Promise.resolve(book) } }).forGuild(GUILD)).couples;

  const pick = (couples: Awaited<ReturnType<typeof couplesWith>>, seed = 7) => pickDefaultWithOwn(couples, MAX_COUPLES, seededRandom(seed));

  it('has every story of the server’s own, then a varied set of the built-in ones, however large the catalogue', async () => {
    const book = bookWith(5);
    const { coupleIds, pick: how } = pick(await couplesWith(book));
    expect(coupleIds).toHaveLength(Math.min(MAX_COUPLES, catalogue.couples.length + 5));
    for (const story of book.stories) expect(coupleIds).toContain(story.id);
    expect(how).toEqual({ from: catalogue.couples.length, how: 'varied', own: 5 });
    const builtIn = coupleIds.filter((id) => catalogue.get(id));
    expect(builtIn).toHaveLength(MAX_COUPLES - 5);
    expect(new Set(builtIn.map((id) => catalogue.get(id)!.drama.title)).size).toBe(builtIn.length);
    // Another seed, another set of built-in stories; the server's own are always there.
    const other = pick(await couplesWith(book), 8).coupleIds;
    expect(other.filter((id) => catalogue.get(id))).not.toEqual(builtIn);
    for (const story of book.stories) expect(other).toContain(story.id);
  });

  it('keeps the server’s newest stories when they do not all fit', async () => {
    const book = bookWith(MAX_COUPLES + 5);
    expect(pick(await couplesWith(book)).coupleIds).toEqual(book.stories.slice(-MAX_COUPLES).map((s) => s.id));
  });

  it('is a varied set of the built-in stories for a server without stories of its own', async () => {
    const { coupleIds, pick: how } = pick(await couplesWith(EMPTY_BOOK));
    expect(coupleIds).toHaveLength(MAX_COUPLES);
    expect(how).toEqual({ from: catalogue.couples.length, how: 'varied' });
  });
});
