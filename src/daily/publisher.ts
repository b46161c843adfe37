import type { Message } from '../replies/message.js';
import type { ChannelPermission, DisabledReason } from './schedule.js';

/** The body of `POST /channels/{id}/messages` for one daily post (Discord's JSON field names). */
export type DailyPostPayload = Message<'embeds' | 'components' | 'allowed_mentions'>;

/** What became of one attempt to post. */
export type PostOutcome =
  | { readonly kind: 'ok' }
  /** Worth trying again later the same day: 429, 5xx, a network error. */
  | { readonly kind: 'transient'; readonly retryAfterMs?: number | undefined; readonly detail?: string | undefined }
  /** The channel is gone or the bot may no longer post there: the schedule is turned off. */
  | { readonly kind: 'permanent'; readonly reason: DisabledReason; readonly detail?: string | undefined }
  /** Discord refused this message itself (a 4xx that is not about the channel): give up for the day. */
  | { readonly kind: 'rejected'; readonly detail?: string | undefined };

/** Whether the bot can post the daily story in a channel. */
export type ChannelCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: 'not-found' | 'not-text' }
  | { readonly ok: false; readonly problem: 'missing-permissions'; readonly missing: readonly ChannelPermission[] }
  /** The role to mention cannot be mentioned by the bot (not mentionable, and no Mention Everyone). */
  | { readonly ok: false; readonly problem: 'role-not-mentionable' };

/**
 * The port through which the daily service reaches Discord. The glue implements it with discord.js
 * (src/daily/discord-publisher.ts); tests implement it with a fake. The service never imports discord.js.
 */
export interface DailyPublisher {
  /** Posts a message in a channel. Must not throw for Discord's answers: it reports them. */
  post(channelId: string, payload: DailyPostPayload): Promise<PostOutcome>;
  /** Checks a channel (and the role to mention) at `/kiss-daily set` time. */
  checkChannel(guildId: string, channelId: string, roleId?: string): Promise<ChannelCheck>;
}
