import type Keyv from 'keyv';
import { CheckError } from '../check.js';
import { KeyedQueue } from '../keyed-queue.js';
import { EMPTY_BOOK, storyBookSchema, type StoryBook } from '../stories/schema.js';
import { clipForm, type FormValues } from '../stories/form.js';
import { guildKey } from './keys.js';
import { ServerMemory, type MemoryOptions } from './memory.js';

/**
 * A server's own stories (`/kiss-story`), under the server's keys (deleted with the rest of its data):
 * - `guild:<id>:stories`: the server's whole book in one record (its stories, the names of removed
 *   ones, its contributor role), so an import is applied all at once or not at all;
 * - `guild:<id>:story-draft:<user>`: what a member typed in a form that was refused, kept an hour so
 *   "Fix it" shows it again.
 * Every answer that lists couples reads the book, so it is held in memory like pinned links (see
 * memory.ts for why that stays correct); changes to one server's book run one at a time.
 */
export interface StoryStore {
  /** The server's book (an empty one when it has none). A stored book that no longer reads is reported as a bug. */
  get(guildId: string): Promise<StoryBook>;
  /**
   * Changes the server's book: `change` gets the current book and returns the new one (written) or
   * a result that is not a book (nothing written). Changes to one server run one at a time.
   */
  update<R>(guildId: string, change: (book: StoryBook) => BookUpdate<R>): Promise<R>;
  getDraft(guildId: string, userId: string, token: string): Promise<FormValues | undefined>;
  saveDraft(guildId: string, userId: string, token: string, values: FormValues): Promise<void>;
  deleteDraft(guildId: string, userId: string, token: string): Promise<void>;
  /** Drops what is held in memory for a server. */
  forget(guildId: string): void;
}

/** A change's outcome: the new book to write (none: nothing is written), and what to answer. */
export interface BookUpdate<R> {
  readonly book?: StoryBook | undefined;
  readonly result: R;
}

/**
 * Servers whose book is held in memory at most (the ones used longest ago are read again when
 * needed): a book of 200 stories takes about 0.3 MB, and its searchable view (stories/book.ts) up
 * to 1 MB more (see docs/benchmarks.md).
 */
export const BOOKS_KEPT = 500;

/** How long a refused form is kept for "Fix it". */
export const DRAFT_TTL_MS = 60 * 60_000;
const KIND = 'stories';

export interface StoryStoreOptions {
  readonly memory?: MemoryOptions | undefined;
}

/** A stored book, checked; a damaged one is a bug to report, never shown half. */
function readBook(value: unknown, guildId: string): StoryBook {
  if (value === undefined || value === null) return EMPTY_BOOK;
  try {
    return storyBookSchema(value);
  } catch (error) {
    if (error instanceof CheckError) throw new Error(`The stored stories of server ${guildId} do not read: ${error.message}`);
    throw error;
  }
}

export function createStoryStore(keyv: Keyv, options: StoryStoreOptions = {}): StoryStore {
  const load = async (guildId: string) => readBook(await keyv.get<unknown>(guildKey(guildId, KIND)), guildId);
  const memory = options.memory ? new ServerMemory<StoryBook>({ ...options.memory, maxEntries: Math.min(options.memory.maxEntries ?? BOOKS_KEPT, BOOKS_KEPT) }) : undefined;
  const queue = new KeyedQueue();
  const draftKey = (guildId: string, userId: string, token: string) => guildKey(guildId, 'story-draft', userId, token);
  return {
    get(guildId) {
      return memory ? memory.read(guildId, KIND, () => load(guildId)) : load(guildId);
    },
    update(guildId, change) {
      return queue.run(guildId, async () => {
        // The stored book, not memory's: a change must start from what is stored.
        const current = await load(guildId);
        const next = change(current);
        if (next.book === undefined) {
          memory?.write(guildId, KIND, current);
          return next.result;
        }
        const book = storyBookSchema(next.book);
        memory?.invalidate(guildId, KIND);
        try {
          if (await keyv.set(guildKey(guildId, KIND), book)) memory?.write(guildId, KIND, book);
        } finally {
          if (memory?.has(guildId, KIND) === false) memory.invalidate(guildId, KIND);
        }
        return next.result;
      });
    },
    async getDraft(guildId, userId, token) {
      const value = await keyv.get<unknown>(draftKey(guildId, userId, token));
      return value && typeof value === 'object' ? clipForm(value) : undefined;
    },
    async saveDraft(guildId, userId, token, values) {
      await keyv.set(draftKey(guildId, userId, token), clipForm(values), DRAFT_TTL_MS);
    },
    async deleteDraft(guildId, userId, token) {
      await keyv.delete(draftKey(guildId, userId, token));
    },
    forget(guildId) {
      memory?.forget(guildId);
    },
  };
}
