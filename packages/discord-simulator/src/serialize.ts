/** Turns the world model into the JSON Discord sends (REST answers and gateway payloads). */
import type { World } from './model.js';
import type { SimAuthor, SimChannel, SimGuild, SimMember, SimMessage, SimRole, SimUser } from './types.js';

/** JSON as Discord sends it. */
export type Json = Record<string, unknown>;

/** Gateway intents the simulator looks at. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export function apiUser(u: SimUser): Json {
  return {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.globalName,
    avatar: null,
    avatar_decoration_data: null,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    ...(u.bot ? { bot: true } : {}),
  };
}

export function author(u: SimUser): SimAuthor {
  return { id: u.id, username: u.username, discriminator: '0', global_name: u.globalName, avatar: null, ...(u.bot ? { bot: true } : {}) };
}

export function apiRole(r: SimRole): Json {
  return {
    id: r.id,
    name: r.name,
    color: r.color,
    colors: { primary_color: r.color, secondary_color: null, tertiary_color: null },
    hoist: r.hoist,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.botId !== undefined,
    mentionable: r.mentionable,
    flags: 0,
    ...(r.botId !== undefined ? { tags: { bot_id: r.botId } } : {}),
  };
}

export function apiChannel(world: World, c: SimChannel): Json {
  if (c.type === 1 || c.type === 3) {
    return {
      id: c.id,
      type: c.type,
      last_message_id: c.lastMessageId,
      flags: 0,
      recipients: c.recipientIds.filter((id) => id !== world.botUser.id).map((id) => apiUser(world.requireUser(id))),
      ...(c.type === 3 ? { name: c.name, icon: null, owner_id: c.recipientIds[0] } : {}),
    };
  }
  const base: Json = {
    id: c.id,
    type: c.type,
    guild_id: c.guildId,
    name: c.name,
    position: c.position,
    flags: 0,
    parent_id: c.parentId,
    nsfw: c.nsfw,
    permission_overwrites: c.permissionOverwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
  };
  if (c.type === 0 || c.type === 5) {
    return { ...base, topic: c.topic, last_message_id: c.lastMessageId, rate_limit_per_user: 0 };
  }
  if (c.type === 2) {
    return { ...base, bitrate: 64000, user_limit: 0, rtc_region: null, last_message_id: c.lastMessageId, rate_limit_per_user: 0 };
  }
  return base;
}

export function apiMember(world: World, m: SimMember): Json {
  return {
    user: apiUser(world.requireUser(m.userId)),
    nick: m.nick,
    avatar: null,
    banner: null,
    roles: [...m.roleIds],
    joined_at: m.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The guild object of REST `GET /guilds/{id}`. */
export function apiGuild(g: SimGuild): Json {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: g.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: g.roles.map(apiRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: g.preferredLocale,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    max_members: 500000,
    max_video_channel_users: 25,
  };
}

/** The GUILD_CREATE payload; without the GuildMembers intent only the bot's member is included. */
export function apiGuildCreate(world: World, g: SimGuild, intents: number): Json {
  const members = (intents & Intent.GuildMembers) !== 0 ? g.members : g.members.filter((m) => m.userId === world.botUser.id);
  return {
    ...apiGuild(g),
    unavailable: false,
    joined_at: g.joinedAt,
    large: false,
    member_count: g.members.length,
    members: members.map((m) => apiMember(world, m)),
    channels: g.channels.map((c) => apiChannel(world, c)),
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
    application_command_counts: {},
  };
}

/** A message as Discord sends it (the simulator's bookkeeping fields and attachment bytes left out). */
export function apiMessage(m: SimMessage): Json {
  return {
    id: m.id,
    type: m.type,
    channel_id: m.channel_id,
    ...(m.guild_id ? { guild_id: m.guild_id } : {}),
    author: m.author,
    content: m.content,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    tts: m.tts,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: m.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      url: a.url,
      proxy_url: a.url,
      ...(a.content_type ? { content_type: a.content_type } : {}),
      ...(a.description ? { description: a.description } : {}),
    })),
    embeds: m.embeds,
    components: m.components,
    reactions: [],
    pinned: m.pinned,
    flags: m.flags,
    ...(m.webhook_id ? { webhook_id: m.webhook_id } : {}),
    ...(m.application_id ? { application_id: m.application_id } : {}),
    ...(m.interaction_metadata ? { interaction_metadata: m.interaction_metadata } : {}),
    ...(m.message_reference ? { message_reference: m.message_reference } : {}),
  };
}
