import type Fuse from 'fuse.js';
import { fuse as fuseLibrary } from '../fuzzy.js';
import { knownZones, normalizeZone, offsetLabel } from './time.js';

/** What the timezone option offers before anything is typed: Korea first, then zones fans often live in. */
export const FEATURED_ZONES = [
  'Asia/Seoul',
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Toronto',
  'America/Mexico_City',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Istanbul',
  'Asia/Dubai',
  'Asia/Calcutta',
  'Asia/Bangkok',
  'Asia/Jakarta',
  'Asia/Saigon',
  'Asia/Singapore',
  'Asia/Manila',
  'Asia/Shanghai',
  'Asia/Taipei',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
] as const;

/** Words people type for a zone whose IANA name does not contain them. */
const ALIASES: Readonly<Record<string, string>> = {
  kst: 'Asia/Seoul',
  korea: 'Asia/Seoul',
  서울: 'Asia/Seoul',
  한국: 'Asia/Seoul',
  대한민국: 'Asia/Seoul',
  gmt: 'UTC',
  kolkata: 'Asia/Calcutta',
  india: 'Asia/Calcutta',
  hochiminh: 'Asia/Saigon',
  kyiv: 'Europe/Kiev',
  jst: 'Asia/Tokyo',
  japan: 'Asia/Tokyo',
};

export interface ZoneChoice {
  /** `Asia/Seoul (UTC+09:00)` */
  readonly name: string;
  /** The IANA name. */
  readonly value: string;
}

/** Lowercase, without spaces, underscores or dashes: "new york" finds America/New_York. */
function squash(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

let fuse: Fuse<{ name: string; key: string }> | undefined;

function fuzzy(query: string, limit: number): string[] {
  const Fuse = fuseLibrary();
  fuse ??= new Fuse(
    knownZones().names.map((name) => ({ name, key: squash(name) })),
    { keys: ['key'], threshold: 0.4, ignoreLocation: true },
  );
  return fuse.search(query, { limit }).map((r) => r.item.name);
}

/**
 * Autocomplete choices for the timezone option: Asia/Seoul first when it fits, then zones whose
 * city starts with what was typed, then any containing it, then fuzzy matches. At most `limit` (25).
 */
export function zoneChoices(typed: string, now: number, limit = 25): ZoneChoice[] {
  const query = squash(typed.trim().slice(0, 64));
  const picked: string[] = [];
  const add = (zone: string | undefined) => {
    if (zone && !picked.includes(zone) && picked.length < limit) picked.push(zone);
  };

  if (!query) {
    FEATURED_ZONES.forEach(add);
  } else {
    add(normalizeZone(typed));
    for (const [alias, zone] of Object.entries(ALIASES)) if (alias.startsWith(query)) add(zone);
    const names = knownZones().names;
    const matches = names.filter((z) => squash(z).includes(query));
    const city = (z: string) => squash(z.slice(z.lastIndexOf('/') + 1));
    matches
      .sort((a, b) => Number(b === 'Asia/Seoul') - Number(a === 'Asia/Seoul') || Number(city(b).startsWith(query)) - Number(city(a).startsWith(query)) || a.localeCompare(b))
      .forEach(add);
    if (!picked.length) fuzzy(query, limit).forEach(add);
  }
  return picked.map((zone) => ({ name: `${zone} (${offsetLabel(zone, now)})`, value: zone }));
}
