/**
 * Wall-clock time logic for the daily post, in the server's time zone. Pure functions of their
 * arguments (plus a memo of zone offsets, see `offsetMinutes`). Zones come from the runtime's own
 * time-zone database, through `Intl.DateTimeFormat`.
 *
 * Dates are local calendar dates written `YYYY-MM-DD`; instants are epoch milliseconds.
 */

/** A time of day, 24-hour. */
export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const TIME_PATTERN = /^(\d{1,2}):(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An example of each accepted format, for error messages. */
export const TIME_EXAMPLE = '20:00';
export const ZONE_EXAMPLE = 'Asia/Seoul';
export const DEFAULT_ZONE = 'UTC';

/**
 * Reads a 24-hour `HH:MM` time (`20:00`, `07:05`, also `7:05`). Refuses `25:00`, `8pm`, `7:5`,
 * `20:60` and the empty string: undefined.
 */
export function parseTime(input: string): LocalTime | undefined {
  const match = TIME_PATTERN.exec(input.trim());
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

/** `{ hour: 7, minute: 5 }` → `07:05`. */
export function formatTime(time: LocalTime): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/**
 * The canonical IANA name of a time zone (`asia/seoul` → `Asia/Seoul`, `utc` → `UTC`, `US/Eastern`
 * → `America/New_York`), or undefined for anything that is not one (`KST`, `+09:00`, `Mars/Base`).
 */
export function normalizeZone(input: string): string | undefined {
  if (zoneMemo.has(input)) return zoneMemo.get(input);
  const zone = resolveZone(input);
  if (zoneMemo.size >= 10_000) zoneMemo.clear();
  zoneMemo.set(input, zone);
  return zone;
}

/** Asking the runtime about a zone builds a formatter each time; start-up checks 100,000 records. */
const zoneMemo = new Map<string, string | undefined>();

function resolveZone(input: string): string | undefined {
  const name = input.trim();
  // A bare offset ("+09:00") is a time zone to newer runtimes (Node 24 follows ES2024), but it never
  // follows daylight saving: refused on every Node version, so a member is asked for a place instead.
  if (!name || name.length > 64 || /^[+\-\u2212]/.test(name) || !zoneFormatter(name)) return undefined;
  const listed = knownZones().byLowerCase.get(name.toLowerCase());
  if (listed) return listed;
  // Valid but not in the runtime's list (newer spellings such as Asia/Kolkata): keep a
  // well-written name as typed, else take the runtime's canonical spelling.
  if (/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)+$/.test(name)) return name;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let zoneList: { names: readonly string[]; byLowerCase: ReadonlyMap<string, string> } | undefined;

/** Every zone name the runtime lists, plus `UTC`, and a case-insensitive lookup of them. */
export function knownZones(): { names: readonly string[]; byLowerCase: ReadonlyMap<string, string> } {
  if (!zoneList) {
    const names = Object.freeze(['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')]);
    zoneList = { names, byLowerCase: new Map(names.map((z) => [z.toLowerCase(), z])) };
  }
  return zoneList;
}

/** True when `name` is an IANA time zone name this runtime knows. */
export function isValidZone(name: string): boolean {
  return normalizeZone(name) !== undefined;
}

/**
 * Offsets change at most once a day, so each zone remembers, per UTC day, the offset that held all
 * day long (or that the day has a change, which is then computed exactly). Loading 100,000
 * schedules touches only a handful of days per zone.
 */
const dayOffsets = new Map<string, Map<number, number | null>>();
const MAX_DAYS_PER_ZONE = 4_096;

/**
 * A formatter that names the UTC offset in force in `zone` (`GMT+09:00`), one per zone, kept;
 * undefined for a zone the runtime does not know. (Asking only for the offset makes it several
 * times cheaper to create than a full date formatter: start-up creates one per zone in use.)
 */
function zoneFormatter(zone: string): Intl.DateTimeFormat | undefined {
  let format = formatters.get(zone);
  if (format === undefined && !formatters.has(zone)) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      format = undefined;
    }
    if (formatters.size >= 1_000) formatters.clear();
    formatters.set(zone, format);
  }
  return format;
}

const formatters = new Map<string, Intl.DateTimeFormat | undefined>();
const LONG_OFFSET = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The offset in force in `zone` at `instant`, in minutes (old local mean times have seconds: fractions). */
function exactOffset(zone: string, instant: number): number {
  const format = zoneFormatter(zone);
  if (!format) throw new RangeError(`Unknown time zone: ${zone}`);
  const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = LONG_OFFSET.exec(name);
  if (!match) throw new RangeError(`Unreadable offset ${name} in ${zone}`);
  if (!match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60);
}

/** Minutes east of UTC in `zone` at `instant` (Seoul: 540, New York in winter: -300). */
export function offsetMinutes(zone: string, instant: number): number {
  let days = dayOffsets.get(zone);
  if (!days) {
    days = new Map();
    dayOffsets.set(zone, days);
  }
  const day = Math.floor(instant / DAY);
  let steady = days.get(day);
  if (steady === undefined) {
    const start = exactOffset(zone, day * DAY);
    steady = start === exactOffset(zone, (day + 1) * DAY) ? start : null;
    if (days.size >= MAX_DAYS_PER_ZONE) days.clear();
    days.set(day, steady);
  }
  return steady ?? exactOffset(zone, instant);
}

/** `YYYY-MM-DD` of a UTC instant, by integer arithmetic (civil-from-days; years 0–9999). */
function isoDate(utcMs: number): string {
  const z = Math.floor(utcMs / DAY) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The local calendar date of `instant` in `zone`, `YYYY-MM-DD`. */
export function localDate(instant: number, zone: string): string {
  return isoDate(instant + offsetMinutes(zone, instant) * MINUTE);
}

function parseDate(date: string): [number, number, number] {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** `2026-02-28` + 1 → `2026-03-01`. Calendar arithmetic, no time zone involved. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return isoDate(Date.UTC(y, m - 1, d + days));
}

/**
 * The instant at which `date` reads `time` on a clock in `zone`. Exactly one instant per local day:
 * - a time that does not exist that day (02:30 when New York springs forward) maps to the first
 *   instant after the gap (03:00 local);
 * - a time that happens twice (01:30 when New York falls back) takes the first occurrence.
 */
export function dueInstant(date: string, time: LocalTime, zone: string): number {
  const [y, m, d] = parseDate(date);
  // The wall-clock reading written as if it were UTC; the real instant is this minus the offset.
  const wall = Date.UTC(y, m - 1, d, time.hour, time.minute);
  const before = offsetMinutes(zone, wall - DAY);
  const after = offsetMinutes(zone, wall + DAY);
  // Most days keep one offset all day long: one candidate, no allocation (start-up plans 100,000).
  const first = wall - before * MINUTE;
  if (before === after && isReading(zone, first, wall)) return first;
  const candidates = before === after ? [first] : [first, wall - after * MINUTE];
  const valid = candidates.filter((c) => isReading(zone, c, wall));
  if (valid.length) return Math.min(...valid);

  // In a gap: find the change itself, the first instant with the new offset (to the second).
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  const late = offsetMinutes(zone, hi);
  while (hi - lo > 1_000) {
    const mid = lo + Math.max(1_000, Math.floor((hi - lo) / 2_000) * 1_000);
    if (offsetMinutes(zone, mid) === late) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Whether a clock in `zone` reads `wall` (written as UTC) at `instant`. */
function isReading(zone: string, instant: number, wall: number): boolean {
  return instant + offsetMinutes(zone, instant) * MINUTE === wall;
}

/** When the local day `date` ends in `zone`: the first instant of the next day. */
export function endOfDay(date: string, zone: string): number {
  return dueInstant(addDays(date, 1), { hour: 0, minute: 0 }, zone);
}

/** `UTC+09:00`, `UTC-04:00`, `UTC` for the offset of `zone` at `instant`. */
export function offsetLabel(zone: string, instant: number): string {
  const offset = offsetMinutes(zone, instant);
  if (offset === 0) return 'UTC';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
