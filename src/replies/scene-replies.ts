import type { Catalogue, Couple } from '../catalogue/catalogue.js';
import type { Language } from '../i18n/index.js';
import type { PinnedLink } from '../store/index.js';
import type { Message } from './message.js';
import { ownSource } from '../stories/book.js';
import { sceneMessage } from './scene.js';

export type SceneReply = Readonly<Message<'embeds' | 'components'>>;

/**
 * The `/kiss-scene` answers, each built once: `sceneMessage` is pure, so the answer for a couple,
 * a language and a pinned link (or none) is always the same message. Built on first use and kept
 * frozen (a few dozen: the catalogue's couples in two languages, and the links servers pinned).
 */
export class SceneReplies {
  readonly #built = new Map<string, SceneReply>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly maxKept = 2_000,
  ) {}

  get(couple: Couple, lang: Language, pinned?: PinnedLink, serverName?: string): SceneReply {
    // A server's own story can be edited under the same id: built each time (only its server sees it).
    if (couple.own) return sceneMessage({ couple, source: ownSource(couple), lang, pinned, serverName });
    const key = `${lang} ${couple.id} ${pinned?.url ?? ''}`;
    let reply = this.#built.get(key);
    if (!reply) {
      reply = deepFreeze(sceneMessage({ couple, source: this.catalogue.sourceOf(couple), lang, pinned }));
      // Only pinned links make this grow: start over rather than grow without bound.
      if (this.#built.size >= this.maxKept) this.#built.clear();
      this.#built.set(key, reply);
    }
    return reply;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
