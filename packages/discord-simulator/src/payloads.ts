/** Builds INTERACTION_CREATE payloads the way Discord does, from the registered commands and the world. */
import { MAX_FILE_SIZE } from './messages.js';
import type { StoredCommand, StoredOption, World } from './model.js';
import { DM_PERMISSIONS, Permission, has } from './permissions.js';
import { apiChannel, apiMember, apiMessage, apiRole, apiUser, type Json } from './serialize.js';
import type {
  CommandAttachment,
  CommandInvocation,
  CommandOptionValue,
  SimAttachment,
  SimChannel,
  SimComponent,
  SimGuild,
  SimMessage,
  SimModal,
  SimUser,
} from './types.js';

/** A mistake in how a test drives the simulator (unknown command or option, a user who cannot act there…). */
export class SimulatorUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorUsageError';
  }
}

/** Where and by whom an interaction happens. */
export interface InteractionContext {
  user: SimUser;
  guild: SimGuild | null;
  channel: SimChannel;
  locale: string;
  /** 0 guild, 1 bot DM, 2 private channel (group DM). */
  context: 0 | 1 | 2;
  authorizingOwners: Record<string, string>;
}

/** What a user-installed app may do in a channel the bot is not in. */
const USER_INSTALL_APP_PERMISSIONS =
  Permission.AttachFiles | Permission.EmbedLinks | Permission.MentionEveryone | Permission.UseExternalEmojis | Permission.SendMessages;

/** Resolves guild/channel/user for a command, checking that the user could run one there. */
export function resolveContext(
  world: World,
  o: { user: SimUser; guildId?: string; channelId?: string; locale?: string; channelType?: 0 | 1 | 3 },
): InteractionContext {
  const locale = o.locale ?? o.user.locale;
  if (o.guildId) {
    const guild = world.guilds.get(o.guildId);
    if (!guild) throw new SimulatorUsageError(`Unknown guild ${o.guildId}`);
    if (!world.member(guild.id, o.user.id)) {
      throw new SimulatorUsageError(`${o.user.username} is not a member of ${guild.name}`);
    }
    const channel = o.channelId ? world.channels.get(o.channelId) : world.defaultTextChannel(guild.id, o.user.id);
    if (!channel || channel.guildId !== guild.id) {
      throw new SimulatorUsageError(`Channel ${o.channelId ?? '?'} is not in guild ${guild.name}`);
    }
    const perms = world.permissionsIn(channel.id, o.user.id);
    if (!has(perms, Permission.ViewChannel)) {
      throw new SimulatorUsageError(`${o.user.username} cannot see #${channel.name ?? channel.id}`);
    }
    return { user: o.user, guild, channel, locale, context: 0, authorizingOwners: { '0': guild.id } };
  }
  if (o.channelType === 3) {
    const channel = o.channelId ? world.channels.get(o.channelId) : world.groupDmChannel([o.user.id]);
    if (!channel || channel.type !== 3 || !channel.recipientIds.includes(o.user.id)) {
      throw new SimulatorUsageError(`Channel ${o.channelId ?? '?'} is not a group DM of ${o.user.username}`);
    }
    return { user: o.user, guild: null, channel, locale, context: 2, authorizingOwners: { '1': o.user.id } };
  }
  if (o.channelType === 0) throw new SimulatorUsageError('channelType 0 needs a guildId');
  const channel = o.channelId ? world.channels.get(o.channelId) : world.dmChannel(o.user.id);
  if (!channel || channel.type !== 1 || !channel.recipientIds.includes(o.user.id)) {
    throw new SimulatorUsageError(`Channel ${o.channelId ?? '?'} is not ${o.user.username}'s DM with the bot`);
  }
  return { user: o.user, guild: null, channel, locale, context: 1, authorizingOwners: { '1': o.user.id } };
}

/** The context of a component on `message`, as seen by `user`. */
export function messageContext(world: World, message: SimMessage, user: SimUser, locale?: string): InteractionContext {
  const channel = world.channels.get(message.channel_id);
  if (!channel) throw new SimulatorUsageError(`Channel ${message.channel_id} no longer exists`);
  if (message.ephemeral && message.recipientId !== user.id) {
    throw new SimulatorUsageError(`${user.username} cannot see an ephemeral message meant for someone else`);
  }
  if (channel.guildId) {
    return resolveContext(world, { user, guildId: channel.guildId, channelId: channel.id, ...(locale ? { locale } : {}) });
  }
  return resolveContext(world, {
    user,
    channelId: channel.id,
    channelType: channel.type === 3 ? 3 : 1,
    ...(locale ? { locale } : {}),
  });
}

/** The registered chat-input command `name` visible in the guild (guild commands first). */
export function findCommand(world: World, name: string, guildId: string | undefined): StoredCommand {
  const cmd = world.commandsFor(guildId).find((c) => c.type === 1 && c.name === name);
  if (!cmd) {
    const known = world.commandsFor(guildId).map((c) => c.name);
    throw new SimulatorUsageError(`No registered command /${name} (registered: ${known.join(', ') || 'none'})`);
  }
  return cmd;
}

/** Checks that the user may see and run the command in this context, like Discord's client does. */
export function checkCommandAvailable(world: World, cmd: StoredCommand, ctx: InteractionContext): void {
  if (cmd.contexts && !cmd.contexts.includes(ctx.context)) {
    throw new SimulatorUsageError(`/${cmd.name} is not available in context ${ctx.context} (contexts: ${cmd.contexts.join(',')})`);
  }
  if (ctx.guild) {
    const perms = world.permissionsIn(ctx.channel.id, ctx.user.id);
    if (!has(perms, Permission.UseApplicationCommands)) {
      throw new SimulatorUsageError(`${ctx.user.username} may not use application commands in #${ctx.channel.name ?? ''}`);
    }
    const verdict = overrideVerdict(world, cmd, ctx);
    if (verdict === false) {
      throw new SimulatorUsageError(`/${cmd.name} is disabled for ${ctx.user.username} here by the server's command permissions`);
    }
    if (verdict === undefined && cmd.default_member_permissions !== null && cmd.default_member_permissions !== undefined) {
      const needed = BigInt(cmd.default_member_permissions);
      if (!has(world.guildPermissions(ctx.guild.id, ctx.user.id), needed)) {
        throw new SimulatorUsageError(
          `/${cmd.name} is hidden from ${ctx.user.username} (default_member_permissions ${needed}; ` +
            'use setCommandPermissions to let the server allow it)',
        );
      }
    }
  }
}

/**
 * The server's command permission overrides for this member and channel: false (denied), true
 * (allowed whatever default_member_permissions says) or undefined (no override applies).
 * Channel overrides can only deny; a user override beats role overrides; any allowing role wins.
 */
function overrideVerdict(world: World, cmd: StoredCommand, ctx: InteractionContext): boolean | undefined {
  const guild = ctx.guild;
  if (!guild) return undefined;
  const overrides = world.commandPermissions.get(`${guild.id}:${cmd.id}`) ?? [];
  if (overrides.length === 0) return undefined;
  const allChannels = (BigInt(guild.id) - 1n).toString();
  const channel = overrides.find((o) => o.type === 3 && o.id === ctx.channel.id) ?? overrides.find((o) => o.type === 3 && o.id === allChannels);
  if (channel && !channel.permission) return false;
  const user = overrides.find((o) => o.type === 2 && o.id === ctx.user.id);
  if (user) return user.permission;
  const roleIds = new Set([guild.id, ...(world.member(guild.id, ctx.user.id)?.roleIds ?? [])]);
  const roles = overrides.filter((o) => o.type === 1 && roleIds.has(o.id));
  if (roles.some((o) => o.permission)) return true;
  if (roles.length > 0) return false;
  return undefined;
}

interface Resolved {
  users?: Record<string, Json>;
  members?: Record<string, Json>;
  roles?: Record<string, Json>;
  channels?: Record<string, Json>;
  attachments?: Record<string, Json>;
}

/**
 * Turns a file attached to an ATTACHMENT option into an attachment on the simulated CDN (not yet
 * stored: the caller keeps the ones it gets once the interaction is sent).
 */
export type PrepareUpload = (file: { filename: string; data: Buffer; contentType?: string }) => SimAttachment;

/**
 * `data` of a chat-input (or autocomplete) interaction. Option values are looked up by name in the
 * registered definition and converted to its types; `focused` marks the option being typed.
 * Attached files go through `upload`; an autocomplete interaction (`focused` set) leaves attachment
 * options out, as Discord does, after checking them like the command would.
 */
export function commandData(
  world: World,
  ctx: InteractionContext,
  cmd: StoredCommand,
  inv: Pick<CommandInvocation, 'subcommand' | 'group' | 'options'>,
  focused?: string,
  upload?: PrepareUpload,
): Json {
  let leafDefs: StoredOption[] = cmd.options ?? [];
  let wrap: (leaf: Json[]) => Json[] = (leaf) => leaf;
  const label = [cmd.name, inv.group, inv.subcommand].filter(Boolean).join(' ');
  const hasSubcommands = leafDefs.some((o) => o.type === 1 || o.type === 2);
  if (inv.group) {
    const group = leafDefs.find((o) => o.type === 2 && o.name === inv.group);
    if (!group) throw new SimulatorUsageError(`/${cmd.name} has no subcommand group "${inv.group}"`);
    const sub = (group.options ?? []).find((o) => o.type === 1 && o.name === inv.subcommand);
    if (!sub) throw new SimulatorUsageError(`/${cmd.name} ${inv.group} has no subcommand "${inv.subcommand ?? ''}"`);
    leafDefs = sub.options ?? [];
    wrap = (leaf) => [{ type: 2, name: group.name, options: [{ type: 1, name: sub.name, options: leaf }] }];
  } else if (inv.subcommand) {
    const sub = leafDefs.find((o) => o.type === 1 && o.name === inv.subcommand);
    if (!sub) throw new SimulatorUsageError(`/${cmd.name} has no subcommand "${inv.subcommand}"`);
    leafDefs = sub.options ?? [];
    wrap = (leaf) => [{ type: 1, name: sub.name, options: leaf }];
  } else if (hasSubcommands) {
    throw new SimulatorUsageError(`/${cmd.name} needs a subcommand`);
  }
  const given = { ...(inv.options ?? {}) };
  if (focused !== undefined && !(focused in given)) given[focused] = '';
  for (const name of Object.keys(given)) {
    if (!leafDefs.some((d) => d.name === name)) {
      throw new SimulatorUsageError(`/${label} has no option "${name}" (options: ${leafDefs.map((d) => d.name).join(', ') || 'none'})`);
    }
  }
  const resolved: Resolved = {};
  const leaf: Json[] = [];
  for (const def of leafDefs) {
    const raw = given[def.name];
    if (raw === undefined) {
      if (def.required && focused === undefined) throw new SimulatorUsageError(`/${label} needs option "${def.name}"`);
      continue;
    }
    if (def.name === focused) {
      if (!def.autocomplete) throw new SimulatorUsageError(`Option "${def.name}" of /${label} has no autocomplete`);
      if (isAttachmentValue(raw)) throw new SimulatorUsageError(`Option "${def.name}" of /${label}: a file goes only in an attachment option (type 11)`);
      leaf.push({ type: def.type, name: def.name, value: typeof raw === 'string' ? raw : String(raw), focused: true });
      continue;
    }
    if (def.type === 11) {
      const file = attachedFile(def, raw, label);
      if (focused !== undefined) continue; // autocomplete never carries attachment options
      if (!upload) throw new SimulatorUsageError(`Option "${def.name}" of /${label}: attachments are not supported here`);
      const attachment = upload(file);
      resolved.attachments ??= {};
      resolved.attachments[attachment.id] = {
        id: attachment.id,
        filename: attachment.filename,
        size: attachment.size,
        url: attachment.url,
        proxy_url: attachment.url,
        ...(attachment.content_type ? { content_type: attachment.content_type } : {}),
        ephemeral: true,
      };
      leaf.push({ type: 11, name: def.name, value: attachment.id });
      continue;
    }
    leaf.push({ type: def.type, name: def.name, value: convertOption(world, ctx, def, raw, resolved, label) });
  }
  const data: Json = { id: cmd.id, name: cmd.name, type: 1, options: wrap(leaf) };
  if (cmd.guild_id) data.guild_id = cmd.guild_id;
  if (Object.keys(resolved).length > 0) data.resolved = resolved;
  return data;
}

function isAttachmentValue(raw: CommandOptionValue): raw is CommandAttachment {
  return typeof raw === 'object' && raw !== null;
}

/**
 * The file given for an ATTACHMENT option, as the member's client would upload it: a named file
 * within Discord's upload limit (a bigger one never leaves the client).
 */
function attachedFile(def: StoredOption, raw: CommandOptionValue, label: string): { filename: string; data: Buffer; contentType?: string } {
  const fail = (why: string): never => {
    throw new SimulatorUsageError(`Option "${def.name}" of /${label}: ${why}`);
  };
  if (!isAttachmentValue(raw)) return fail(`an attachment option takes a file ({ filename, data }), not ${JSON.stringify(raw)}`);
  const { filename, data, contentType } = raw as Partial<CommandAttachment>;
  if (typeof filename !== 'string' || filename.length === 0) return fail('the file needs a filename');
  if (filename.includes('/') || filename.includes('\\')) return fail(`"${filename}" is a path, not a file name`);
  let bytes: Buffer;
  if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) bytes = Buffer.from(data); // a copy: later changes by the test do not leak in
  else return fail('the file\'s data must be a Buffer, a Uint8Array or a string');
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType.length === 0)) {
    return fail('contentType must be a non-empty string');
  }
  if (bytes.length > MAX_FILE_SIZE) {
    return fail(`"${filename}" (${bytes.length} bytes) exceeds the ${MAX_FILE_SIZE / (1024 * 1024)} MiB upload limit`);
  }
  return { filename, data: bytes, ...(contentType !== undefined ? { contentType } : {}) };
}

function convertOption(
  world: World,
  ctx: InteractionContext,
  def: StoredOption,
  raw: CommandOptionValue,
  resolved: Resolved,
  label: string,
): string | number | boolean {
  const fail = (why: string): never => {
    throw new SimulatorUsageError(`Option "${def.name}" of /${label}: ${why}`);
  };
  if (isAttachmentValue(raw)) return fail(`a file goes only in an attachment option (type 11), this one is type ${def.type}`);
  let value: string | number | boolean;
  switch (def.type) {
    case 3: {
      value = String(raw);
      const len = [...value].length;
      if (def.min_length !== undefined && len < def.min_length) fail(`shorter than ${def.min_length}`);
      if (def.max_length !== undefined && len > def.max_length) fail(`longer than ${def.max_length}`);
      break;
    }
    case 4:
    case 10: {
      value = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(value)) fail(`${String(raw)} is not a number`);
      if (def.type === 4 && !Number.isInteger(value)) fail(`${String(raw)} is not an integer`);
      if (def.min_value !== undefined && value < def.min_value) fail(`below ${def.min_value}`);
      if (def.max_value !== undefined && value > def.max_value) fail(`above ${def.max_value}`);
      break;
    }
    case 5:
      if (typeof raw === 'boolean') value = raw;
      else if (raw === 'true' || raw === 'false') value = raw === 'true';
      else return fail(`${String(raw)} is not a boolean`);
      break;
    case 6: {
      value = String(raw);
      if (!addUser(world, ctx, value, resolved)) fail(`unknown user ${value}`);
      break;
    }
    case 7: {
      value = String(raw);
      const channel = world.channels.get(value);
      if (!channel || (ctx.guild && channel.guildId !== ctx.guild.id)) return fail(`unknown channel ${value}`);
      if (def.channel_types && !def.channel_types.includes(channel.type)) {
        fail(`channel type ${channel.type} not in ${def.channel_types.join(',')}`);
      }
      resolved.channels ??= {};
      resolved.channels[channel.id] = {
        id: channel.id,
        name: channel.name,
        type: channel.type,
        permissions: world.permissionsIn(channel.id, ctx.user.id).toString(),
        ...(channel.guildId ? { guild_id: channel.guildId, parent_id: channel.parentId } : {}),
        flags: 0,
      };
      break;
    }
    case 8: {
      value = String(raw);
      if (!addRole(ctx, value, resolved)) fail(`unknown role ${value}`);
      break;
    }
    case 9: {
      value = String(raw);
      if (!addUser(world, ctx, value, resolved) && !addRole(ctx, value, resolved)) fail(`unknown user or role ${value}`);
      break;
    }
    default:
      return fail(`option type ${def.type} is not supported by the simulator`);
  }
  if (def.choices && !def.choices.some((c) => c.value === value)) {
    fail(`${String(value)} is not one of the choices ${def.choices.map((c) => String(c.value)).join(', ')}`);
  }
  return value;
}

function addUser(world: World, ctx: InteractionContext, id: string, resolved: Resolved): boolean {
  const user = world.users.get(id);
  if (!user) return false;
  resolved.users ??= {};
  resolved.users[id] = apiUser(user);
  const member = ctx.guild ? world.member(ctx.guild.id, id) : undefined;
  if (member) {
    const { user: _user, ...rest } = apiMember(world, member);
    resolved.members ??= {};
    resolved.members[id] = { ...rest, permissions: world.permissionsIn(ctx.channel.id, id).toString() };
  }
  return true;
}

function addRole(ctx: InteractionContext, id: string, resolved: Resolved): boolean {
  const role = ctx.guild?.roles.find((r) => r.id === id);
  if (!role) return false;
  resolved.roles ??= {};
  resolved.roles[id] = apiRole(role);
  return true;
}

/** The fields every INTERACTION_CREATE carries. */
export function interactionPayload(
  world: World,
  ctx: InteractionContext,
  o: { id: string; token: string; type: number; applicationId: string; data: Json; message?: SimMessage },
): Json {
  const { guild, channel, user } = ctx;
  const userPerms = guild ? world.permissionsIn(channel.id, user.id) : DM_PERMISSIONS;
  const botInChannel = guild !== null || channel.recipientIds.includes(world.botUser.id);
  const appPerms = guild
    ? world.permissionsIn(channel.id, world.botUser.id)
    : botInChannel
      ? DM_PERMISSIONS
      : USER_INSTALL_APP_PERMISSIONS;
  const payload: Json = {
    id: o.id,
    application_id: o.applicationId,
    type: o.type,
    data: o.data,
    channel: { ...apiChannel(world, channel), permissions: userPerms.toString() },
    channel_id: channel.id,
    token: o.token,
    version: 1,
    app_permissions: appPerms.toString(),
    locale: ctx.locale,
    entitlements: [],
    entitlement_sku_ids: [],
    authorizing_integration_owners: ctx.authorizingOwners,
    context: ctx.context,
    attachment_size_limit: MAX_FILE_SIZE,
  };
  if (guild) {
    const member = world.member(guild.id, user.id);
    if (!member) throw new SimulatorUsageError(`${user.username} is not a member of ${guild.name}`);
    payload.guild_id = guild.id;
    payload.guild = { id: guild.id, locale: guild.preferredLocale, features: [] };
    payload.guild_locale = guild.preferredLocale;
    payload.member = { ...apiMember(world, member), permissions: userPerms.toString() };
  } else {
    payload.user = apiUser(user);
  }
  if (o.message) payload.message = apiMessage(o.message);
  return payload;
}

/** Finds a component by custom_id in rows, sections (accessories), containers and labels. */
export function findComponent(components: readonly SimComponent[], customId: string): SimComponent | undefined {
  for (const c of components) {
    if (c.custom_id === customId) return c;
    const nested = [...(c.components ?? []), ...(c.component ? [c.component] : [])];
    if (isComponent(c.accessory)) nested.push(c.accessory);
    const found = findComponent(nested, customId);
    if (found) return found;
  }
  return undefined;
}

function isComponent(v: unknown): v is SimComponent {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'number';
}

/** `data.components` of a modal submit: the modal's layout with the user's values filled in. */
export function modalSubmitComponents(modal: SimModal, fields: Record<string, string>): Json[] {
  const inputs = new Set<string>();
  const collect = (c: SimComponent): void => {
    if (c.custom_id !== undefined) inputs.add(c.custom_id);
    for (const child of [...(c.components ?? []), ...(c.component ? [c.component] : [])]) collect(child);
  };
  modal.components.forEach(collect);
  for (const key of Object.keys(fields)) {
    if (!inputs.has(key)) throw new SimulatorUsageError(`Modal "${modal.custom_id}" has no field "${key}"`);
  }
  const fill = (input: SimComponent): Json => {
    const id = input.custom_id ?? '';
    const value = fields[id];
    const required = input.required !== false;
    if (input.type === 4) {
      const text = value ?? '';
      if (required && text.length === 0) throw new SimulatorUsageError(`Modal field "${id}" is required`);
      const min = typeof input.min_length === 'number' ? input.min_length : 0;
      const max = typeof input.max_length === 'number' ? input.max_length : 4000;
      if (text.length > 0 && (text.length < min || text.length > max)) {
        throw new SimulatorUsageError(`Modal field "${id}" must be ${min}–${max} characters`);
      }
      return { type: 4, ...(input.id !== undefined ? { id: input.id } : {}), custom_id: id, value: text };
    }
    const values = value === undefined || value === '' ? [] : value.split(',');
    if (required && values.length === 0) throw new SimulatorUsageError(`Modal field "${id}" is required`);
    return { type: input.type, ...(input.id !== undefined ? { id: input.id } : {}), custom_id: id, values };
  };
  const out = modal.components.map((c): Json => {
    if (c.type === 1) {
      return { type: 1, ...(c.id !== undefined ? { id: c.id } : {}), components: (c.components ?? []).map(fill) };
    }
    if (c.type === 18 && c.component) {
      return { type: 18, ...(c.id !== undefined ? { id: c.id } : {}), component: fill(c.component) };
    }
    return { type: c.type, ...(c.id !== undefined ? { id: c.id } : {}) };
  });
  return out;
}
