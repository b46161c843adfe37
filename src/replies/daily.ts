import type { PostNowResult, DailyStatus } from '../daily/service.js';
import type { ChannelPermission, DisabledReason } from '../daily/schedule.js';
import { offsetLabel } from '../daily/time.js';
import { t, type Language } from '../i18n/index.js';
import type { CommandMentions } from '../mentions.js';
import type { Message } from './message.js';

/** How the answers name commands: mentions, or plain text before their ids are known (mentions.ts). */
type Mentions = Pick<CommandMentions, 'vars'>;

/**
 * The answers of `/kiss-daily` (see message.ts for the convention). Times are shown with Discord's
 * timestamp formatting, so each reader sees them in their own time zone and language. The story of
 * the day itself is built in daily-post.ts.
 */

/** `<t:1773140400:F>` and `<t:1773140400:R>` for an instant in epoch ms. */
export function timestamps(at: number): { full: string; relative: string } {
  const unix = Math.floor(at / 1000);
  return { full: `<t:${unix}:F>`, relative: `<t:${unix}:R>` };
}

/** "Send Messages, Embed Links" in `lang`. */
export function permissionList(lang: Language, missing: readonly ChannelPermission[]): string {
  return missing.map((p) => t(lang, `daily.permission.${p}`)).join(', ');
}

/** Why the bot turned the schedule off, and what to do about it. */
export function reasonText(lang: Language, reason: DisabledReason, channelId: string, mentions: Mentions): string {
  const channel = `<#${channelId}>`;
  if (reason.kind === 'channel-deleted') {
    return `${t(lang, 'daily.reason.channelDeleted', { channel })} ${t(lang, 'daily.status.fixChannel', mentions.vars(lang))}`;
  }
  const because = reason.missing.length
    ? t(lang, 'daily.reason.missingPermissions', { channel, permissions: permissionList(lang, reason.missing) })
    : t(lang, 'daily.reason.missingAccess', { channel });
  return `${because} ${t(lang, 'daily.status.fixPermissions', mentions.vars(lang))}`;
}

/** The settings, the next and last story and the stories left. `coupleName` names a couple by id. */
function statusText(lang: Language, status: DailyStatus | undefined, now: number, coupleName: (id: string) => string, mentions: Mentions): string {
  if (!status) return t(lang, 'daily.status.notConfigured', mentions.vars(lang));
  const { schedule } = status;
  const lines: string[] = [];
  if (schedule.enabled) lines.push(t(lang, 'daily.status.on'));
  else if (schedule.disabledReason) {
    const when = timestamps(schedule.disabledAt ?? now).full;
    lines.push(t(lang, 'daily.status.disabled', { when, reason: reasonText(lang, schedule.disabledReason, schedule.channelId, mentions) }));
  } else lines.push(t(lang, 'daily.status.off', mentions.vars(lang)));

  lines.push(
    t(lang, 'daily.status.where', {
      channel: `<#${schedule.channelId}>`,
      time: schedule.time,
      zone: schedule.timezone,
      offset: offsetLabel(schedule.timezone, status.next?.at ?? now),
    }),
  );
  lines.push(schedule.roleId ? t(lang, 'daily.status.mention', { role: `<@&${schedule.roleId}>` }) : t(lang, 'daily.status.noMention'));
  lines.push(t(lang, 'daily.status.language', { language: t(lang, `daily.languageName.${schedule.language}`) }));
  if (status.next) {
    lines.push(t(lang, status.next.retry ? 'daily.status.nextRetry' : 'daily.status.next', timestamps(Math.max(status.next.at, now))));
  }
  if (schedule.lastPost?.state === 'sent') lines.push(t(lang, 'daily.status.last', { couple: coupleName(schedule.lastPost.coupleId), date: schedule.lastPost.date }));
  lines.push(t(lang, 'daily.status.left', { left: status.storiesLeft, total: status.roundSize }));
  return lines.join('\n');
}

/** The answer to `/kiss-daily now` (when the schedule is off or not set up, it throws a UserError: see daily/errors.ts). */
function postNowText(
  lang: Language,
  result: PostNowResult,
  channelId: string | undefined,
  now: number,
  coupleName: (id: string) => string,
  mentions: Mentions,
): string {
  const channel = `<#${channelId ?? ''}>`;
  switch (result.kind) {
    case 'posted':
      return t(lang, 'daily.now.posted', { couple: coupleName(result.coupleId), channel, ...timestamps(result.next.at) });
    case 'already-posted':
      return t(lang, 'daily.now.alreadyPosted', timestamps(Math.max(result.next.at, now)));
    case 'retrying':
      return t(lang, 'daily.now.retrying', timestamps(result.retryAt));
    case 'disabled':
      return reasonText(lang, result.reason, channelId ?? '', mentions);
    case 'failed':
      return t(lang, 'daily.now.failed');
  }
}

/** `/kiss-daily status`. */
export function statusReply(
  lang: Language,
  status: DailyStatus | undefined,
  now: number,
  coupleName: (id: string) => string,
  mentions: Mentions,
): Message<'content'> {
  return { content: statusText(lang, status, now, coupleName, mentions) };
}

/** `/kiss-daily set`: saved, and the new settings. */
export function savedReply(lang: Language, status: DailyStatus, now: number, coupleName: (id: string) => string, mentions: Mentions): Message<'content'> {
  return { content: `${t(lang, 'daily.set.saved')}\n${statusText(lang, status, now, coupleName, mentions)}` };
}

/** `/kiss-daily now`. */
export function postNowReply(
  lang: Language,
  result: PostNowResult,
  channelId: string | undefined,
  now: number,
  coupleName: (id: string) => string,
  mentions: Mentions,
): Message<'content'> {
  return { content: postNowText(lang, result, channelId, now, coupleName, mentions) };
}
