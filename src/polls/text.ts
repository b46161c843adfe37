import { t, type Language } from '../i18n/index.js';
import { splitDuration } from './duration.js';

/** "1 day 12 hours", "30 minutes", "1일 12시간". */
export function durationText(lang: Language, ms: number): string {
  const { days, hours, minutes } = splitDuration(ms);
  const parts: string[] = [];
  if (days) parts.push(t(lang, 'poll.duration.days', { count: days }));
  if (hours) parts.push(t(lang, 'poll.duration.hours', { count: hours }));
  if (minutes || parts.length === 0) parts.push(t(lang, 'poll.duration.minutes', { count: minutes }));
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
