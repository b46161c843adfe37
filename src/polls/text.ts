import { t, type Language, type TranslationVars } from '../i18n/index.js';
import { splitDuration } from './duration.js';

const rules: Record<Language, Intl.PluralRules> = { en: new Intl.PluralRules('en'), ko: new Intl.PluralRules('ko') };

/**
 * A counted phrase ("1 vote", "3 votes", "3표"): the key holds `one` and `other` forms and
 * `{{count}}`. Both languages keep both forms so their files have the same keys.
 */
export function plural(lang: Language, key: string, count: number, vars: TranslationVars = {}): string {
  const form = rules[lang].select(count) === 'one' ? 'one' : 'other';
  return t(lang, `${key}.${form}`, { ...vars, count });
}

/** "1 day 12 hours", "30 minutes", "1일 12시간". */
export function durationText(lang: Language, ms: number): string {
  const { days, hours, minutes } = splitDuration(ms);
  const parts: string[] = [];
  if (days) parts.push(plural(lang, 'poll.duration.days', days));
  if (hours) parts.push(plural(lang, 'poll.duration.hours', hours));
  if (minutes || parts.length === 0) parts.push(plural(lang, 'poll.duration.minutes', minutes));
  return parts.join(' ');
}

/** Cuts text to `max` characters, ending with "…" when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A Discord timestamp that each reader's client shows in their own language and time zone. */
export function discordTime(ms: number, style: 'R' | 'f' | 'F' | 't' | 'd' = 'R'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** "12.5" or "40": one decimal, none when it is zero. */
export function percentText(percent: number): string {
  return Number.isInteger(percent) ? String(percent) : percent.toFixed(1);
}
