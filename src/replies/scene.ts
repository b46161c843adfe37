import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import { customId } from '../custom-id.js';
import { coupleName, type Couple, type Source } from '../catalogue/catalogue.js';
import { t, type Language } from '../i18n/index.js';
import type { PinnedLink } from '../store/index.js';
import { searchLinks } from '../videos.js';
import type { Message } from './message.js';

export const SCENE_COLOUR = 0xf25c8a;
/** custom_id prefix of the scene buttons. */
export const SCENE_PREFIX = 'scene';

export interface SceneView {
  couple: Couple;
  source: Source;
  lang: Language;
  /** A link the server's moderators pinned; otherwise the button opens a labelled search. */
  pinned?: PinnedLink | undefined;
  /** Replaces the title line, e.g. "Story of the day". */
  heading?: string | undefined;
  /** The server's name, credited on its own stories ("Added by the members of …"). */
  serverName?: string | undefined;
}

/** The drama line: "Love in the Moonlight (구르미 그린 달빛) · KBS2, 2016 · episode 7". */
export function dramaLine(couple: Couple, lang: Language): string {
  const { drama } = couple;
  const titles = drama.korean === drama.title ? drama.title : lang === 'ko' ? `${drama.korean} (${drama.title})` : `${drama.title} (${drama.korean})`;
  const parts = [titles];
  // A server's own story may give neither network nor year.
  const aired = [drama.network, drama.year].filter((p) => p !== undefined).join(', ');
  if (aired) parts.push(aired);
  if (couple.episode !== undefined) parts.push(t(lang, 'scene.episode', { episode: couple.episode }));
  return parts.join(' · ');
}

/** "Crown Prince Lee Yeong (Park Bo Gum) & Hong Ra On (Kim Yoo Jung)"; in Korean "왕세자 이영(박보검) & 홍라온(김유정)". */
export function charactersLine(couple: Couple, lang: Language): string | undefined {
  if (!couple.characters?.length) return undefined;
  return couple.characters
    .map((c) => {
      if (lang === 'en') return `${c.name} (${c.actor})`;
      const actor = couple.actors.find((a) => a.name === c.actor);
      return `${c.hangul ?? c.name}(${actor?.hangul ?? c.actor})`;
    })
    .join(' & ');
}

/** A source's date as the page shows it (a year, a month or a day), in `lang`: "17 August 2016", "2016년 8월 17일". */
export function publishedDate(published: string, lang: Language): string {
  const [year, month, day] = published.split('-').map(Number) as [number, number?, number?];
  if (month === undefined) return String(year);
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', timeZone: 'UTC', ...(day === undefined ? {} : { day: 'numeric' }) };
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', options).format(Date.UTC(year, month - 1, day ?? 1));
}

/** `[DramaFever, “10 actors react…”](https://…) (2017)`: the page, linked, with its title and date when known. */
export function sourceCredit(source: Source, lang: Language): string {
  const name = source.title ? `${source.publisher}, “${source.title}”` : source.publisher;
  return source.published ? `[${name}](${source.url}) (${publishedDate(source.published, lang)})` : `[${name}](${source.url})`;
}

/** The footer of a catalogue story: who published its source, and when. */
export function sourceFooter(source: Source, lang: Language): string {
  return source.published
    ? t(lang, 'scene.footer', { publisher: source.publisher, date: publishedDate(source.published, lang) })
    : t(lang, 'scene.footerUndated', { publisher: source.publisher });
}

type Quote = Couple['quotes'][number];

/** Who said it, in `lang`: the actor's name (Hangul in Korean), or the given label ("Director", "감독"). */
function speakerLabel(couple: Couple, quote: Quote, lang: Language): string {
  if (lang === 'ko') return quote.speakerKo ?? couple.actors.find((a) => a.name === quote.speaker)?.hangul ?? quote.speaker;
  return quote.speaker;
}

/**
 * One spoken line as a quote. English: the line as printed. Korean: the speaker's own reported
 * Korean words when there are any; otherwise the printed line, with our Korean rendering under it
 * marked as a translation.
 */
export function quoteLines(couple: Couple, quote: Quote, lang: Language): string {
  const speaker = speakerLabel(couple, quote, lang);
  if (lang === 'ko' && quote.ko?.kind === 'reported') return `> “${quote.ko.text}” — ${speaker}`;
  const original = `> “${quote.text}” — ${speaker}`;
  if (lang === 'ko' && quote.ko) return `${original}\n> *${t(lang, 'scene.translatedQuote', { text: quote.ko.text })}*`;
  return original;
}

/** The embed and buttons of one couple's behind-the-scenes story. Pure: same input, same output. */
export function sceneMessage(view: SceneView): Message<'embeds' | 'components'> {
  const { couple, source, lang } = view;
  const fields: NonNullable<APIEmbed['fields']> = [{ name: t(lang, 'scene.drama'), value: dramaLine(couple, lang) }];
  const characters = charactersLine(couple, lang);
  if (characters) fields.push({ name: t(lang, 'scene.characters'), value: characters });
  if (couple.quotes.length) {
    const lines = couple.quotes.map((q) => quoteLines(couple, q, lang));
    fields.push({ name: t(lang, 'scene.quotes'), value: lines.join('\n').slice(0, 1024) });
  }
  const own = couple.own;
  if (own) {
    // A server's story credits the server, and links the page its members gave.
    const by = view.serverName ? t(lang, 'story.credit', { server: view.serverName }) : t(lang, 'story.creditNoName');
    fields.push({ name: t(lang, 'scene.source'), value: `[${source.publisher}](${source.url})\n${by}` });
  } else {
    const also = couple.also?.length ? [`${t(lang, 'scene.also')}: ${couple.also.map((s) => `[${s.publisher}](${s.url})`).join(', ')}`] : [];
    fields.push({ name: t(lang, 'scene.source'), value: [sourceCredit(source, lang), ...(source.note ? [source.note[lang]] : []), ...also].join('\n').slice(0, 1024) });
  }
  // Given in the other language only: shown as written, with a one-line note in the member's.
  const note = own && !own.languages.includes(lang) ? `\n\n*${t(lang, lang === 'ko' ? 'story.onlyEnglish' : 'story.onlyKorean')}*` : '';

  const embed: APIEmbed = {
    color: SCENE_COLOUR,
    author: view.heading ? { name: view.heading } : { name: t(lang, 'scene.author') },
    title: `💋 ${coupleName(couple, lang)}`,
    description: `${couple.story[lang]}${note}`,
    fields,
    footer: { text: own ? t(lang, 'story.ownMarker', { label: t(lang, 'scene.author') }) : sourceFooter(source, lang) },
  };

  const search = searchLinks(couple).find((l) => l.lang === lang) ?? searchLinks(couple)[0];
  // The server's pinned link first, then the one given with a server's own story.
  const watch = view.pinned?.url ?? own?.video;
  const video: APIButtonComponent = watch
    ? { type: ComponentType.Button, style: ButtonStyle.Link, label: t(lang, 'scene.watchVideo'), url: watch, emoji: { name: '🎬' } }
    : { type: ComponentType.Button, style: ButtonStyle.Link, label: t(lang, 'scene.searchVideo'), url: search!.url, emoji: { name: '🔎' } };
  const another: APIButtonComponent = {
    type: ComponentType.Button,
    style: ButtonStyle.Primary,
    label: t(lang, 'scene.another'),
    custom_id: customId(SCENE_PREFIX, 'another', couple.id),
    emoji: { name: '🎲' },
  };
  return { embeds: [embed], components: [{ type: ComponentType.ActionRow, components: [video, another] }] };
}
