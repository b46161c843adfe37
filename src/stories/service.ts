import type { Catalogue } from '../catalogue/catalogue.js';
import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { StoryStore } from '../store/stories.js';
import { addStory, editStory, newStoryId, removeStory, storyLabel, type BookChange } from './model.js';
import { MAX_STORIES, type OwnStory, type StoryBook, type StoryFields } from './schema.js';
import { exportBook, planImport, type ImportPlan } from './transfer.js';

/**
 * What `/kiss-story` does to a server's stories, with plain data in and out (no discord.js): who may
 * change them, and each change checked against the server's book, applied whole or not at all.
 */

/** Who is acting, as the command layer read it from the interaction. */
export interface Actor {
  readonly userId: string;
  /** Has Manage Server (checked again on every change, whatever the server's command settings). */
  readonly manager: boolean;
  /** The member's role ids in the server. */
  readonly roleIds: readonly string[];
}

/** A contributor changing a story someone else added. */
export interface NotYours {
  readonly ok: false;
  readonly reason: 'not-yours';
}

export type Access = 'manager' | 'contributor' | 'none';

export interface StoryServiceDeps {
  readonly store: StoryStore;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random?: Random | undefined;
  /** Most stories per server (default MAX_STORIES). */
  readonly maxStories?: number | undefined;
}

export interface StoryService {
  /** What a member may do: managers everything, the contributor role add and change its own stories. */
  access(guildId: string, actor: Actor): Promise<Access>;
  book(guildId: string): Promise<StoryBook>;
  add(guildId: string, actor: Actor, fields: StoryFields): Promise<BookChange>;
  edit(guildId: string, actor: Actor, id: string, fields: StoryFields): Promise<BookChange | NotYours>;
  remove(guildId: string, actor: Actor, id: string): Promise<BookChange | NotYours>;
  /** The stories a member may edit or remove. */
  editable(guildId: string, actor: Actor): Promise<OwnStory[]>;
  exportFile(guildId: string): Promise<{ json: string; count: number }>;
  importFile(guildId: string, actor: Actor, content: string): Promise<ImportPlan>;
  setContributorRole(guildId: string, roleId: string | undefined): Promise<void>;
  readonly maxStories: number;
}

const NOT_YOURS: NotYours = { ok: false, reason: 'not-yours' };

export function createStoryService(deps: StoryServiceDeps): StoryService {
  const { store, catalogue, clock, logger } = deps;
  const max = deps.maxStories ?? MAX_STORIES;
  const accessIn = (book: StoryBook, actor: Actor): Access =>
    actor.manager ? 'manager' : book.contributorRoleId !== undefined && actor.roleIds.includes(book.contributorRoleId) ? 'contributor' : 'none';
  const mayChange = (book: StoryBook, actor: Actor, story: OwnStory | undefined) => accessIn(book, actor) === 'manager' || (accessIn(book, actor) === 'contributor' && story?.addedBy === actor.userId);
  /** An id no story of the book has, or had. */
  const freshId = (book: StoryBook, taken: Set<string> = new Set()) => {
    for (const s of book.stories) taken.add(s.id);
    for (const r of book.removed) taken.add(r.id);
    let id = newStoryId(deps.random);
    while (taken.has(id)) id = newStoryId(deps.random);
    taken.add(id);
    return id;
  };

  return {
    maxStories: max,
    async access(guildId, actor) {
      return accessIn(await store.get(guildId), actor);
    },
    book: (guildId) => store.get(guildId),
    add(guildId, actor, fields) {
      return store.update<BookChange>(guildId, (book) => {
        const change = addStory(book, catalogue.couples, fields, { id: freshId(book), by: actor.userId, at: clock.now() }, max);
        if (change.ok) logger.info({ guildId, storyId: change.story.id, by: actor.userId }, 'server story added');
        return change.ok ? { book: change.book, result: change } : { result: change };
      });
    },
    edit(guildId, actor, id, fields) {
      return store.update<BookChange | NotYours>(guildId, (book) => {
        const story = book.stories.find((s) => s.id === id);
        if (story && !mayChange(book, actor, story)) return { result: NOT_YOURS };
        const change = editStory(book, catalogue.couples, id, fields, { by: actor.userId, at: clock.now() });
        if (change.ok) logger.info({ guildId, storyId: id, by: actor.userId }, 'server story edited');
        return change.ok ? { book: change.book, result: change } : { result: change };
      });
    },
    remove(guildId, actor, id) {
      return store.update<BookChange | NotYours>(guildId, (book) => {
        const story = book.stories.find((s) => s.id === id);
        if (story && !mayChange(book, actor, story)) return { result: NOT_YOURS };
        const change = removeStory(book, id);
        if (change.ok) logger.info({ guildId, storyId: id, by: actor.userId, story: storyLabel(change.story) }, 'server story removed');
        return change.ok ? { book: change.book, result: change } : { result: change };
      });
    },
    async editable(guildId, actor) {
      const book = await store.get(guildId);
      return book.stories.filter((s) => mayChange(book, actor, s));
    },
    async exportFile(guildId) {
      const book = await store.get(guildId);
      return { json: exportBook(book, clock.now()), count: book.stories.length };
    },
    importFile(guildId, actor, content) {
      return store.update<ImportPlan>(guildId, (book) => {
        const taken = new Set<string>();
        const plan = planImport(content, book, catalogue.couples, { by: actor.userId, at: clock.now(), newId: () => freshId(book, taken) }, max);
        if (plan.ok) logger.info({ guildId, by: actor.userId, added: plan.added, updated: plan.updated }, 'server stories imported');
        return plan.ok ? { book: plan.book, result: plan } : { result: plan };
      });
    },
    async setContributorRole(guildId, roleId) {
      await store.update(guildId, (book) => {
        const { contributorRoleId: _old, ...rest } = book;
        return { book: roleId === undefined ? rest : { ...rest, contributorRoleId: roleId }, result: undefined };
      });
    },
  };
}
