import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord-api-types/v10';
import { coupleName, type Couple } from '../catalogue/catalogue.js';
import { t, type Language } from '../i18n/index.js';
import type { PinnedLink } from '../store/index.js';
import { checkVideoUrl, searchLinks, type VideoSite } from '../videos.js';
import type { Message } from './message.js';
import { SCENE_COLOUR } from './scene.js';

/** A video site's name in `lang`: "Naver TV", "네이버TV". */
export function siteName(site: VideoSite, lang: Language): string {
  return t(lang, `video.sites.${site}`);
}

/** `/kiss-video`: link buttons to the filming clips, the server's pinned link first. */
export function videoMessage(couple: Couple, lang: Language, pinned: PinnedLink | undefined): Message<'embeds' | 'components'> {
  const drama = lang === 'ko' ? couple.drama.korean : couple.drama.title;
  const channel = couple.video.channel?.[lang];
  const buttons: APIButtonComponent[] = [];
  // A server's own story may come with its video: shown first, like a pinned link, unless one is pinned.
  const fromStory = !pinned && couple.own?.video !== undefined;
  const first = pinned?.url ?? couple.own?.video;
  if (first) {
    const check = checkVideoUrl(first);
    const site = check.ok ? siteName(check.site, lang) : 'video';
    const label = t(lang, fromStory ? 'video.storyLabel' : 'video.pinnedLabel', { site });
    buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, url: first, label, emoji: { name: fromStory ? '🎬' : '📌' } });
  }
  for (const link of searchLinks(couple)) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Link,
      url: link.url,
      label: t(lang, link.lang === 'ko' ? 'video.searchKorean' : 'video.searchEnglish'),
      emoji: { name: '🔎' },
    });
  }
  return {
    embeds: [
      {
        color: SCENE_COLOUR,
        title: t(lang, 'video.title', { couple: coupleName(couple, lang) }),
        description: t(lang, fromStory ? 'video.introStory' : pinned ? 'video.introPinned' : channel ? 'video.introChannel' : 'video.intro', { drama, channel: channel ?? '' }),
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: buttons }],
  };
}
