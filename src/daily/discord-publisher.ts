import {
  ChannelType,
  DiscordAPIError,
  HTTPError,
  PermissionFlagsBits,
  RateLimitError,
  RESTJSONErrorCodes,
  Routes,
  type Client,
} from 'discord.js';
import type { DailyPublisher, PostOutcome } from './publisher.js';
import { CHANNEL_PERMISSIONS, type ChannelPermission } from './schedule.js';

/**
 * The daily service's door to Discord, with discord.js: posts through `client.rest` (so the REST
 * manager's own rate-limit handling applies first) and checks channels against the cached guild.
 */
export function createDiscordDailyPublisher(client: Client): DailyPublisher {
  /** What the bot lacks in a channel, by the cache (empty when it cannot tell). */
  function missingIn(channelId: string): ChannelPermission[] {
    const channel = client.channels.cache.get(channelId);
    if (!channel || channel.isDMBased() || !client.user) return [];
    const permissions = channel.permissionsFor(client.user);
    if (!permissions) return [];
    return CHANNEL_PERMISSIONS.filter((p) => !permissions.has(PermissionFlagsBits[p]));
  }

  return {
    async post(channelId, payload) {
      try {
        await client.rest.post(Routes.channelMessages(channelId), { body: payload });
        return { kind: 'ok' };
      } catch (error) {
        return classifyPostError(error, () => missingIn(channelId));
      }
    },

    async checkChannel(guildId, channelId, roleId) {
      const guild = client.guilds.cache.get(guildId);
      const channel = guild?.channels.cache.get(channelId) ?? (await guild?.channels.fetch(channelId).catch(() => null));
      if (!guild || !channel) return { ok: false, problem: 'not-found' };
      if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) return { ok: false, problem: 'not-text' };
      const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
      const permissions = me ? channel.permissionsFor(me) : null;
      if (!permissions) return { ok: false, problem: 'missing-permissions', missing: [...CHANNEL_PERMISSIONS] };
      const missing = CHANNEL_PERMISSIONS.filter((p) => !permissions.has(PermissionFlagsBits[p]));
      if (missing.length) return { ok: false, problem: 'missing-permissions', missing };
      if (roleId) {
        const role = guild.roles.cache.get(roleId);
        if (role && !role.mentionable && !permissions.has(PermissionFlagsBits.MentionEveryone)) return { ok: false, problem: 'role-not-mentionable' };
      }
      return { ok: true };
    },
  };
}

/**
 * Sorts a failed post: a deleted channel or a lost permission turns the schedule off; 429, 5xx,
 * timeouts and network errors are worth retrying; any other refusal is about the message itself.
 * `missing` says which permissions the cache thinks are lacking.
 */
export function classifyPostError(error: unknown, missing: () => ChannelPermission[]): PostOutcome {
  const detail = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error);
  if (error instanceof RateLimitError) return { kind: 'transient', retryAfterMs: error.retryAfter, detail };
  if (error instanceof DiscordAPIError) {
    if (error.status === 429 || error.status >= 500) return { kind: 'transient', detail };
    if (error.status === 404 || error.code === RESTJSONErrorCodes.UnknownChannel) {
      return { kind: 'permanent', reason: { kind: 'channel-deleted' }, detail };
    }
    if (error.status === 403) {
      const lacking = missing();
      const fallback: ChannelPermission[] = error.code === RESTJSONErrorCodes.MissingAccess ? ['ViewChannel'] : [];
      return { kind: 'permanent', reason: { kind: 'missing-permissions', missing: lacking.length ? lacking : fallback }, detail };
    }
    if (error.status === 401) return { kind: 'transient', detail };
    return { kind: 'rejected', detail };
  }
  if (error instanceof HTTPError) {
    return error.status >= 500 || error.status === 429 ? { kind: 'transient', detail } : { kind: 'rejected', detail };
  }
  // Timeouts (AbortError) and network errors: nothing says the channel is unusable.
  return { kind: 'transient', detail };
}
