import type { Couple, Source } from '../catalogue/catalogue.js';
import type { DailyPostPayload } from '../daily/publisher.js';
import { t, type Language } from '../i18n/index.js';
import type { PinnedLink } from '../store/index.js';
import { sceneMessage } from './scene.js';

export interface DailyPostView {
  readonly couple: Couple;
  readonly source: Source;
  readonly lang: Language;
  readonly pinned?: PinnedLink | undefined;
  /** Role to mention; only this role may be pinged by the message. */
  readonly roleId?: string | undefined;
  /** The server's name, credited on its own stories. */
  readonly serverName?: string | undefined;
}

/**
 * The story of the day: the same embed and buttons as `/kiss-scene`, headed "Story of the day",
 * with the chosen role mentioned. `allowed_mentions` never lets the message ping anyone else.
 */
export function dailyPostMessage(view: DailyPostView): DailyPostPayload {
  const scene = sceneMessage({
    couple: view.couple,
    source: view.source,
    lang: view.lang,
    pinned: view.pinned,
    heading: t(view.lang, 'daily.post.heading'),
    serverName: view.serverName,
  });
  if (!view.roleId) return { ...scene, allowed_mentions: { parse: [] } };
  return {
    ...scene,
    content: t(view.lang, 'daily.post.mention', { role: `<@&${view.roleId}>` }),
    allowed_mentions: { parse: [], roles: [view.roleId] },
  };
}
