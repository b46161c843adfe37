import type { Language } from '../i18n/index.js';
import type { Round } from './rotation.js';
import { addDays, dueInstant, isValidZone, localDate, parseTime, type LocalTime } from './time.js';

/** Channel permissions the daily post needs, by their discord.js names. */
export const CHANNEL_PERMISSIONS = ['ViewChannel', 'SendMessages', 'EmbedLinks'] as const;
export type ChannelPermission = (typeof CHANNEL_PERMISSIONS)[number];

/** Why the bot turned a server's schedule off by itself; shown by `/kiss-daily status`. */
export type DisabledReason =
  | { readonly kind: 'channel-deleted' }
  /** `missing` is empty when Discord refused without saying which permission. */
  | { readonly kind: 'missing-permissions'; readonly missing: readonly ChannelPermission[] };

/**
 * The post claimed for one local day. It is written BEFORE the message is sent, so whatever
 * restarts or retries happen, a day never gets a second post:
 * - `sending`: an attempt is (or was, before a crash) under way; never sent again;
 * - `sent`: Discord accepted it;
 * - `retrying`: the last attempt failed for a passing reason (429, 5xx); try again at `retryAt`
 *   if that is still the same local day (no attempt is under way, so a retry cannot double);
 * - `abandoned`: given up for the day: the day ended or the channel became unusable (the story
 *   goes back into the round), or Discord refused the message itself (it does not).
 */
export interface LastPost {
  readonly date: string;
  readonly coupleId: string;
  readonly state: 'sending' | 'sent' | 'retrying' | 'abandoned';
  readonly attempts: number;
  readonly retryAt?: number | undefined;
  /** When the claim was made. */
  readonly claimedAt: number;
}

/** One server's daily-post settings and progress, as stored. */
export interface DailySchedule {
  readonly channelId: string;
  /** `HH:MM`, 24-hour, in `timezone`. */
  readonly time: string;
  /** Canonical IANA name. */
  readonly timezone: string;
  /** Role mentioned with each post. */
  readonly roleId?: string | undefined;
  /** Language of the posts. */
  readonly language: Language;
  readonly enabled: boolean;
  /** Set when the bot turned the schedule off itself (deleted channel, lost permission). */
  readonly disabledReason?: DisabledReason | undefined;
  readonly disabledAt?: number | undefined;
  /**
   * When the schedule was last set. A post time earlier than this is not owed: setting 20:00 at
   * 21:00 starts tomorrow, while a bot that was down at 20:00 still posts late today.
   */
  readonly activeSince: number;
  readonly lastPost?: LastPost | undefined;
  readonly round: Round;
}

/** The next post a schedule owes. */
export interface NextPost {
  /** The local date it is for. */
  readonly date: string;
  /** When to make it (may be in the past: a late post owed today, or a retry). */
  readonly at: number;
  /** True when this resends the day's claimed story after a passing failure. */
  readonly retry: boolean;
}

function timeOf(schedule: DailySchedule): LocalTime {
  const time = parseTime(schedule.time);
  if (!time) throw new Error(`Stored daily time is malformed: ${schedule.time}`);
  if (!isValidZone(schedule.timezone)) throw new Error(`Stored daily time zone is unknown: ${schedule.timezone}`);
  return time;
}

/**
 * When a schedule's next post is due, seen at `now`:
 * - a retry of today's claimed post, at its retry time;
 * - else today's post, if today has no post yet and the schedule existed at today's time — even
 *   if that time has passed (the bot was down): posted late, once;
 * - else the next day after the last claimed one. Days missed entirely are never replayed.
 */
export function planNext(schedule: DailySchedule, now: number): NextPost {
  const zone = schedule.timezone;
  const time = timeOf(schedule);
  const today = localDate(now, zone);
  const last = schedule.lastPost;
  if (last?.state === 'retrying' && last.date === today && last.retryAt !== undefined) {
    return { date: today, at: last.retryAt, retry: true };
  }
  // A claim dated after today (the zone was changed to one behind) also blocks the days up to it.
  let date = last && last.date >= today ? addDays(last.date, 1) : today;
  let at = dueInstant(date, time, zone);
  if (date === today && at < schedule.activeSince) {
    date = addDays(today, 1);
    at = dueInstant(date, time, zone);
  }
  return { date, at, retry: false };
}

/** True when `schedule` already has its post (claimed, whatever became of it) for the local day of `now`. */
export function postedToday(schedule: DailySchedule, now: number): boolean {
  const last = schedule.lastPost;
  return last !== undefined && last.date >= localDate(now, schedule.timezone) && last.state !== 'retrying';
}
