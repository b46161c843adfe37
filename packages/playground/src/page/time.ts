/** Time as the page shows it: Discord's message times and `<t:…>` markers, relative to the simulated clock. */
import type { PlayLocale } from '../api-types.js';
import { label } from './labels.js';

const DAY = 24 * 60 * 60 * 1000;

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * "Today at 3:04 PM", "Yesterday at 11:20 AM" or "01/14/2025 3:04 PM", like Discord's message
 * times; for a Korean member "오늘 오후 3:04", "2025. 01. 14. 오후 3:04".
 */
export function messageTime(iso: string, now: number, locale: PlayLocale = 'en-US'): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  if (sameDay(at, new Date(now))) return label(locale, 'today', { time });
  if (sameDay(at, new Date(now - DAY))) return label(locale, 'yesterday', { time });
  if (sameDay(at, new Date(now + DAY))) return label(locale, 'tomorrow', { time });
  const date = at.toLocaleDateString(locale, { month: '2-digit', day: '2-digit', year: 'numeric' });
  return label(locale, 'dateTime', { date, time });
}

/** The simulated clock in the sidebar: "Tue, Jan 14, 2025, 10:42:05 AM UTC", "2025년 1월 14일 (화) 오전 10:42:05 UTC". */
export function clockText(now: number, locale: PlayLocale = 'en-US'): string {
  return new Date(now).toLocaleString(locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['day', DAY],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
  ['second', 1000],
];

/** A `<t:unix:style>` marker in the member's language, relative ones measured from the simulated now. */
export function discordTimestamp(unixSeconds: number, style: string | undefined, locale: string, now: number): string {
  const at = new Date(unixSeconds * 1000);
  switch (style) {
    case 't':
      return at.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
    case 'T':
      return at.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
    case 'd':
      return at.toLocaleDateString(locale, { year: 'numeric', month: '2-digit', day: '2-digit' });
    case 'D':
      return at.toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric' });
    case 'F':
      return at.toLocaleString(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' });
    case 'R': {
      const diff = at.getTime() - now;
      const [unit, size] = UNITS.find(([, ms]) => Math.abs(diff) >= ms) ?? ['second', 1000];
      return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(diff / size), unit);
    }
    default:
      return at.toLocaleString(locale, { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  }
}
