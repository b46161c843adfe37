import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord-api-types/v10';
import type { Source } from '../catalogue/catalogue.js';
import { t, type Language } from '../i18n/index.js';
import { installLinks } from '../install.js';
import type { CommandMentions } from '../mentions.js';
import type { Message } from './message.js';
import { SCENE_COLOUR } from './scene.js';

export interface AboutView {
  lang: Language;
  /** How many couples the catalogue holds. */
  couples: number;
  /** Every page the catalogue's stories cite, counted (the list is data/SOURCES.md). */
  sources: readonly Source[];
  /** The bot's application id, for the install links. */
  applicationId: string;
  /**
   * The public source repository (REPOSITORY_URL, or package.json's `repository`); its PRIVACY.md is
   * the privacy notice. Undefined: neither link is shown.
   */
  repositoryUrl: string | undefined;
  mentions: Pick<CommandMentions, 'vars' | 'mention'>;
}

/**
 * What `/kiss-about` says is stored per server, one line each: every kind of data PRIVACY.md lists
 * (tests/unit/about.test.ts holds the two together).
 */
export const STORED_KINDS = ['polls', 'leaderboard', 'daily', 'pinnedLinks', 'lastShown', 'worldcup', 'quiz', 'stories', 'deletions', 'confirmations'] as const;

/** The privacy notice in the repository. */
export function privacyUrl(repositoryUrl: string): string {
  return `${repositoryUrl}/blob/main/PRIVACY.md`;
}

/** The list of every source in the repository. */
export function sourcesListUrl(repositoryUrl: string): string {
  return `${repositoryUrl}/blob/main/data/SOURCES.md`;
}

/**
 * `/kiss-about`: what the bot does and its commands, where the stories come from, what it stores
 * and for how long, with links to install it, and to its source and its privacy notice when the
 * repository is known.
 */
export function aboutMessage(view: AboutView): Message<'embeds' | 'components'> {
  const { lang, mentions } = view;
  const commands = mentions.vars(lang);
  const repository = view.repositoryUrl;
  const summary = t(lang, 'about.sources', { count: view.couples, pages: view.sources.length, publishers: new Set(view.sources.map((s) => s.publisher)).size });
  // The list itself is data/SOURCES.md: 120 stories' pages never fit a field's 1,024 characters.
  const list = repository === undefined ? [] : [t(lang, 'about.sourcesList', { list: `[data/SOURCES.md](${sourcesListUrl(repository)})` })];
  const privacy = repository === undefined ? undefined : privacyUrl(repository);
  const links = installLinks(view.applicationId);
  const button = (label: string, url: string, emoji: string): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Link,
    label: t(lang, label),
    url,
    emoji: { name: emoji },
  });
  return {
    embeds: [
      {
        color: SCENE_COLOUR,
        title: t(lang, 'about.title'),
        description: `${t(lang, 'about.what', { count: view.couples })}\n\n${t(lang, 'about.commands', commands)}`,
        fields: [
          { name: t(lang, 'about.sourceTitle'), value: [summary, ...list].join('\n').slice(0, 1024) },
          {
            name: t(lang, 'about.privacyTitle'),
            value: [
              t(lang, 'about.privacy', { ...commands, stored: STORED_KINDS.map((kind) => `• ${t(lang, `about.stored.${kind}`)}`).join('\n') }),
              ...(privacy === undefined ? [] : [t(lang, 'about.privacyDetails', { policy: `[${t(lang, 'about.privacyLink')}](${privacy})` })]),
            ]
              .join(' ')
              .slice(0, 1024),
          },
        ],
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          button('about.invite', links.guild, '➕'),
          button('about.installApp', links.user, '📱'),
          ...(repository === undefined || privacy === undefined
            ? []
            : [button('about.repository', repository, '💻'), button('about.privacyButton', privacy, '🔒')]),
        ],
      },
    ],
  };
}
