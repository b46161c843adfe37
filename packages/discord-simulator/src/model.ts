/** The simulated world: users, guilds, roles, channels, members, messages and application commands. */
import type { Clock } from './clock.js';
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  DM_PERMISSIONS,
  Permission,
  basePermissions,
  channelPermissions,
} from './permissions.js';
import type { SnowflakeGenerator } from './snowflake.js';
import type {
  SimChannel,
  SimChannelType,
  SimGuild,
  SimMember,
  SimMessage,
  SimRole,
  SimUser,
} from './types.js';

/** A stored application command (the JSON the simulator answers with). */
export interface StoredCommand {
  id: string;
  application_id: string;
  version: string;
  type: number;
  name: string;
  description: string;
  guild_id?: string;
  options?: StoredOption[];
  default_member_permissions: string | null;
  nsfw: boolean;
  contexts: number[] | null;
  integration_types: number[];
  [key: string]: unknown;
}

/** A stored command option. */
export interface StoredOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: Array<{ name: string; value: string | number; [key: string]: unknown }>;
  options?: StoredOption[];
  autocomplete?: boolean;
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  [key: string]: unknown;
}

/** A guild's override of who may use a command (Discord's application command permissions). */
export interface CommandPermissionOverride {
  /** A role id (the guild id is @everyone), a user id, or a channel id (guild id - 1 is every channel). */
  id: string;
  /** 1 role, 2 user, 3 channel. */
  type: 1 | 2 | 3;
  permission: boolean;
}

/** Options of {@link World.createGuild}. */
export interface CreateGuildOptions {
  name?: string;
  channels?: Array<{ name: string; type?: 0 | 2 | 4 | 5 }>;
  /** Put the guild on this shard (for `shardCount`, default: the current gateway shard count). */
  shardHint?: number;
  shardCount?: number;
  /** Owner of the guild; default: a new user named after the guild. */
  ownerId?: string;
}

/** Holds the world's state; it dispatches nothing itself (the simulator does). */
export class World {
  readonly users = new Map<string, SimUser>();
  readonly guilds = new Map<string, SimGuild>();
  readonly channels = new Map<string, SimChannel>();
  /** Every message by channel, oldest first, ephemeral ones included. */
  readonly messagesByChannel = new Map<string, SimMessage[]>();
  readonly messagesById = new Map<string, SimMessage>();
  globalCommands: StoredCommand[] = [];
  readonly guildCommands = new Map<string, StoredCommand[]>();
  /** Command permission overrides by `${guildId}:${commandId}`. */
  readonly commandPermissions = new Map<string, CommandPermissionOverride[]>();
  readonly botUser: SimUser;
  /** Guilds that are down (an outage): the gateway sends no GUILD_CREATE nor events for them until they are back. */
  readonly unavailableGuilds = new Set<string>();
  readonly #clock: Clock;
  readonly #ids: SnowflakeGenerator;
  readonly #dmByUser = new Map<string, string>();
  #userCount = 0;

  constructor(clock: Clock, ids: SnowflakeGenerator, bot: { id: string; username: string }) {
    this.#clock = clock;
    this.#ids = ids;
    this.botUser = { id: bot.id, username: bot.username, globalName: null, locale: 'en-US', bot: true };
    this.users.set(bot.id, this.botUser);
  }

  /** Current clock time as an ISO string. */
  nowIso(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  nextId(): string {
    return this.#ids.next();
  }

  createUser(o: { username?: string; locale?: string; globalName?: string } = {}): SimUser {
    this.#userCount++;
    const user: SimUser = {
      id: this.#ids.next(),
      username: o.username ?? `user${this.#userCount}`,
      globalName: o.globalName ?? null,
      locale: o.locale ?? 'en-US',
      bot: false,
    };
    this.users.set(user.id, user);
    return user;
  }

  createGuild(o: CreateGuildOptions, defaultShardCount: number): SimGuild {
    let id: string;
    if (o.shardHint !== undefined) {
      const shardCount = o.shardCount ?? Math.max(defaultShardCount, o.shardHint + 1);
      if (o.shardHint < 0 || o.shardHint >= shardCount) {
        throw new RangeError(`shardHint ${o.shardHint} is not a shard of ${shardCount}`);
      }
      id = this.#ids.nextSpread({ shardId: o.shardHint, shardCount });
    } else {
      id = this.#ids.nextSpread();
    }
    const name = o.name ?? `Guild ${this.guilds.size + 1}`;
    const owner = o.ownerId ? this.requireUser(o.ownerId) : this.createUser({ username: `${name.toLowerCase().replace(/\W+/g, '')}-owner` });
    const joinedAt = this.nowIso();
    const everyone: SimRole = {
      id,
      guildId: id,
      name: '@everyone',
      permissions: DEFAULT_EVERYONE_PERMISSIONS,
      position: 0,
      color: 0,
      hoist: false,
      mentionable: false,
    };
    const botRole = this.#newBotRole(id);
    const guild: SimGuild = {
      id,
      name,
      ownerId: owner.id,
      preferredLocale: 'en-US',
      everyoneRoleId: id,
      botRoleId: botRole.id,
      roles: [everyone, botRole],
      channels: [],
      members: [],
      joinedAt,
    };
    this.guilds.set(id, guild);
    guild.members.push({ guildId: id, userId: owner.id, roleIds: [], nick: null, joinedAt });
    guild.members.push({ guildId: id, userId: this.botUser.id, roleIds: [botRole.id], nick: null, joinedAt });
    const specs = o.channels ?? [{ name: 'general', type: 0 as const }];
    for (const spec of specs) this.createChannel(id, spec.name, spec.type ?? 0);
    return guild;
  }

  /** The managed role Discord gives a bot when it joins a guild. */
  #newBotRole(guildId: string): SimRole {
    return {
      id: this.#ids.next(),
      guildId,
      name: this.botUser.username,
      permissions: DEFAULT_BOT_PERMISSIONS,
      position: 1,
      color: 0,
      hoist: false,
      mentionable: false,
      botId: this.botUser.id,
    };
  }

  /** Whether the bot is a member of the guild. */
  hasBot(guildId: string): boolean {
    return this.member(guildId, this.botUser.id) !== undefined;
  }

  /** The bot leaves the guild: its member goes, and its managed role with it, as on Discord. */
  removeBot(guildId: string): void {
    const guild = this.requireGuild(guildId);
    guild.members = guild.members.filter((m) => m.userId !== this.botUser.id);
    guild.roles = guild.roles.filter((r) => r.botId !== this.botUser.id);
  }

  /** The bot joins the guild again (a new invite): a new member, with a new managed role. */
  addBot(guildId: string): void {
    const guild = this.requireGuild(guildId);
    const botRole = this.#newBotRole(guildId);
    guild.roles.push(botRole);
    guild.botRoleId = botRole.id;
    guild.joinedAt = this.nowIso();
    guild.members.push({ guildId, userId: this.botUser.id, roleIds: [botRole.id], nick: null, joinedAt: guild.joinedAt });
  }

  createChannel(guildId: string, name: string, type: SimChannelType): SimChannel {
    const guild = this.requireGuild(guildId);
    const channel: SimChannel = {
      id: this.#ids.next(),
      type,
      guildId,
      name,
      position: guild.channels.length,
      parentId: null,
      topic: null,
      nsfw: false,
      permissionOverwrites: [],
      recipientIds: [],
      lastMessageId: null,
    };
    guild.channels.push(channel);
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    return channel;
  }

  /** The DM channel between `userId` and the bot, created on first use. */
  dmChannel(userId: string): SimChannel {
    const existing = this.#dmByUser.get(userId);
    if (existing) {
      const channel = this.channels.get(existing);
      if (channel) return channel;
    }
    const channel: SimChannel = {
      id: this.#ids.next(),
      type: 1,
      guildId: null,
      name: null,
      position: 0,
      parentId: null,
      topic: null,
      nsfw: false,
      permissionOverwrites: [],
      recipientIds: [userId, this.botUser.id],
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    this.#dmByUser.set(userId, channel.id);
    return channel;
  }

  /** A group DM of `userIds` that the bot is not part of (where only user-installed apps run). */
  groupDmChannel(userIds: string[], name: string | null = null): SimChannel {
    const channel: SimChannel = {
      id: this.#ids.next(),
      type: 3,
      guildId: null,
      name,
      position: 0,
      parentId: null,
      topic: null,
      nsfw: false,
      permissionOverwrites: [],
      recipientIds: [...userIds],
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    return channel;
  }

  addMember(guildId: string, userId: string, o: { roleIds?: string[] } = {}): SimMember {
    const guild = this.requireGuild(guildId);
    this.requireUser(userId);
    for (const roleId of o.roleIds ?? []) {
      if (!guild.roles.some((r) => r.id === roleId)) throw new Error(`Unknown role ${roleId} in guild ${guildId}`);
    }
    const existing = guild.members.find((m) => m.userId === userId);
    if (existing) {
      existing.roleIds = [...new Set([...existing.roleIds, ...(o.roleIds ?? [])])];
      return existing;
    }
    const member: SimMember = { guildId, userId, roleIds: [...(o.roleIds ?? [])], nick: null, joinedAt: this.nowIso() };
    guild.members.push(member);
    return member;
  }

  createRole(guildId: string, o: { name: string; permissions: bigint; color?: number }): SimRole {
    const guild = this.requireGuild(guildId);
    const role: SimRole = {
      id: this.#ids.next(),
      guildId,
      name: o.name,
      permissions: o.permissions,
      position: guild.roles.length,
      color: o.color ?? 0,
      hoist: false,
      mentionable: false,
    };
    guild.roles.push(role);
    return role;
  }

  removeChannel(channelId: string): SimChannel {
    const channel = this.requireChannel(channelId);
    if (channel.guildId) {
      const guild = this.requireGuild(channel.guildId);
      guild.channels = guild.channels.filter((c) => c.id !== channelId);
    }
    this.channels.delete(channelId);
    for (const m of this.messagesByChannel.get(channelId) ?? []) this.messagesById.delete(m.id);
    this.messagesByChannel.delete(channelId);
    return channel;
  }

  addMessage(message: SimMessage): void {
    const list = this.messagesByChannel.get(message.channel_id);
    if (!list) throw new Error(`Unknown channel ${message.channel_id}`);
    list.push(message);
    this.messagesById.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel && !message.ephemeral) channel.lastMessageId = message.id;
  }

  removeMessage(message: SimMessage): void {
    const list = this.messagesByChannel.get(message.channel_id);
    if (list) {
      const i = list.indexOf(message);
      if (i >= 0) list.splice(i, 1);
    }
    this.messagesById.delete(message.id);
  }

  member(guildId: string, userId: string): SimMember | undefined {
    return this.guilds.get(guildId)?.members.find((m) => m.userId === userId);
  }

  requireUser(id: string): SimUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`Unknown user ${id}`);
    return user;
  }

  requireGuild(id: string): SimGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`Unknown guild ${id}`);
    return guild;
  }

  requireChannel(id: string): SimChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`Unknown channel ${id}`);
    return channel;
  }

  /** A member's guild-wide permissions. */
  guildPermissions(guildId: string, userId: string): bigint {
    const guild = this.requireGuild(guildId);
    return basePermissions(this.#subject(guild, userId));
  }

  /** What `userId` may do in a channel, like Discord computes it (0 when not a member). */
  permissionsIn(channelId: string, userId: string): bigint {
    const channel = this.requireChannel(channelId);
    if (!channel.guildId) return channel.recipientIds.includes(userId) ? DM_PERMISSIONS : 0n;
    const guild = this.requireGuild(channel.guildId);
    if (!guild.members.some((m) => m.userId === userId)) return 0n;
    return channelPermissions(this.#subject(guild, userId), channel.permissionOverwrites);
  }

  #subject(guild: SimGuild, userId: string) {
    const member = guild.members.find((m) => m.userId === userId);
    const everyone = guild.roles.find((r) => r.id === guild.id);
    const roles = guild.roles.filter((r) => member?.roleIds.includes(r.id));
    return {
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId,
      everyonePermissions: everyone?.permissions ?? 0n,
      rolePermissions: roles.map((r) => ({ id: r.id, permissions: r.permissions })),
    };
  }

  /** The guild's first text channel the user can see (the default place for commands). */
  defaultTextChannel(guildId: string, userId: string): SimChannel {
    const guild = this.requireGuild(guildId);
    const visible = guild.channels.find(
      (c) => (c.type === 0 || c.type === 5) && (this.permissionsIn(c.id, userId) & Permission.ViewChannel) !== 0n,
    );
    const channel = visible ?? guild.channels.find((c) => c.type === 0 || c.type === 5);
    if (!channel) throw new Error(`Guild ${guildId} has no text channel`);
    return channel;
  }

  /** The commands an interaction can name: guild ones first, then global ones. */
  commandsFor(guildId: string | undefined): StoredCommand[] {
    const guild = guildId ? (this.guildCommands.get(guildId) ?? []) : [];
    return [...guild, ...this.globalCommands];
  }
}
