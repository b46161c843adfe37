import type { Couple } from './catalogue/catalogue.js';
import type { Language } from './i18n/index.js';

/** The video sites, by key; their names are translations (`video.sites.<key>`: "Naver TV", "네이버TV"). */
export type VideoSite = 'youtube' | 'naverTv' | 'viki' | 'kakaoTv' | 'vimeo';

/**
 * Video sites a server's moderators may pin a filming-video link to. Only these hosts, only https,
 * so the bot never posts an arbitrary link in the server's name.
 */
export const VIDEO_HOSTS: ReadonlyMap<string, VideoSite> = new Map([
  ['youtube.com', 'youtube'],
  ['www.youtube.com', 'youtube'],
  ['m.youtube.com', 'youtube'],
  ['youtu.be', 'youtube'],
  ['tv.naver.com', 'naverTv'],
  ['m.tv.naver.com', 'naverTv'],
  ['www.viki.com', 'viki'],
  ['viki.com', 'viki'],
  ['tv.kakao.com', 'kakaoTv'],
  ['vimeo.com', 'vimeo'],
  ['www.vimeo.com', 'vimeo'],
  ['player.vimeo.com', 'vimeo'],
]);

export const MAX_VIDEO_URL_LENGTH = 512;

export type VideoUrlCheck =
  | { ok: true; url: string; site: VideoSite }
  | { ok: false; reason: 'too-long' | 'not-a-url' | 'not-https' | 'credentials' | 'not-a-video-site' | 'no-video-path' };

/** Decides whether `input` may be pinned as a filming-video link, and normalises it. */
export function checkVideoUrl(input: string): VideoUrlCheck {
  const raw = input.trim();
  if (raw.length > MAX_VIDEO_URL_LENGTH) return { ok: false, reason: 'too-long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not-a-url' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'not-https' };
  if (url.username || url.password) return { ok: false, reason: 'credentials' };
  const host = url.hostname.toLowerCase();
  // A Map, not an object: a host named `constructor` or `__proto__` must find nothing.
  const site = VIDEO_HOSTS.get(host);
  if (!site || url.port !== '') return { ok: false, reason: 'not-a-video-site' };
  if (url.pathname === '/' || url.pathname === '') return { ok: false, reason: 'no-video-path' };
  url.hash = '';
  return { ok: true, url: url.toString(), site };
}

export interface SearchLink {
  lang: Language;
  url: string;
}

/**
 * The search terms for a couple's filming clip in `lang`: when a source names the official channel
 * that released it (SBS Catch, tvN drama…), the channel's name leads, so the search finds that clip.
 */
export function searchTerms(couple: Pick<Couple, 'video'>, lang: Language): string {
  const terms = couple.video.search[lang];
  const channel = couple.video.channel?.[lang];
  if (channel === undefined) return terms;
  const plain = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  return plain(terms).includes(plain(channel)) ? terms : `${channel} ${terms}`;
}

/**
 * No filming clip's address is verified, so the default links are labelled searches for the
 * couple's making-of clip: one with English terms, one with Korean terms (never a clip's address).
 */
export function searchLinks(couple: Pick<Couple, 'video'>): SearchLink[] {
  const youtube = (terms: string) => `https://www.youtube.com/results?search_query=${encodeURIComponent(terms)}`;
  return [
    { lang: 'en', url: youtube(searchTerms(couple, 'en')) },
    { lang: 'ko', url: youtube(searchTerms(couple, 'ko')) },
  ];
}
