/** The REST API v10 routes the simulator serves, with Discord's permission checks and errors. */
import { listCommands, overwriteCommands, upsertCommand } from './commands.js';
import { ApiError, Errors, FormErrors } from './errors.js';
import type { Interactions } from './interactions.js';
import { SESSION_START_TOTAL } from './limits.js';
import type { Messages } from './messages.js';
import type { World } from './model.js';
import type { ParsedBody } from './multipart.js';
import { Permission, has } from './permissions.js';
import { checkMessageBody, isRecord } from './rules.js';
import { apiChannel, apiGuild, apiMember, apiMessage, apiRole, apiUser } from './serialize.js';
import type { SimChannel, SimMessage } from './types.js';

/** A request as the router sees it. */
export interface RestRequest {
  method: string;
  /** Decoded path under /api/v10. */
  path: string;
  query: URLSearchParams;
  body: ParsedBody;
}

/** What a handler answers. */
export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Params = Record<string, string>;
type Handler = (req: RestRequest, params: Params) => RestResponse;

interface Route {
  method: string;
  segments: string[];
  /** Needs `Authorization: Bot <token>`. */
  auth: boolean;
  operationId: (params: Params) => string;
  handler: Handler;
}

/** A matched route. */
export interface RouteMatch {
  auth: boolean;
  operationId: string;
  run: (req: RestRequest) => RestResponse;
}

/** What the REST layer needs from the simulator. */
export interface RestHost {
  world: World;
  messages: Messages;
  interactions: Interactions;
  applicationId: string;
  gatewayUrl: () => string;
  /** The shard count `GET /gateway/bot` advises, worked out when asked. */
  recommendedShards: () => number;
  maxConcurrency: number;
  /** `session_start_limit.remaining`: what is left of the day's 1,000 session starts. */
  sessionStartsRemaining: () => number;
}

const ok = (body: unknown, status = 200): RestResponse => ({ status, body });
const noContent = (): RestResponse => ({ status: 204 });

/** The route table and its handlers. */
export class Rest {
  readonly #host: RestHost;
  readonly #routes: Route[] = [];

  constructor(host: RestHost) {
    this.#host = host;
    this.#define();
  }

  /** Finds the route for a method and path: undefined for unknown paths, 'method' when only the method is wrong. */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    const segments = path.split('/').filter((s) => s.length > 0);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return {
        auth: route.auth,
        operationId: route.operationId(params),
        run: (req) => route.handler(req, params),
      };
    }
    return pathMatched ? 'method' : undefined;
  }

  #add(method: string, pattern: string, auth: boolean, operationId: string | ((p: Params) => string), handler: Handler): void {
    this.#routes.push({
      method,
      segments: pattern.split('/').filter((s) => s.length > 0),
      auth,
      operationId: typeof operationId === 'string' ? () => operationId : operationId,
      handler,
    });
  }

  #define(): void {
    const h = this.#host;
    const { world } = h;
    const webhookOp = (verb: string) => (p: Params) =>
      p.message === '@original' ? `${verb}_original_webhook_message` : `${verb}_webhook_message`;

    // gateway, identity
    this.#add('GET', '/gateway/bot', true, 'get_bot_gateway', () =>
      ok({
        url: h.gatewayUrl(),
        shards: h.recommendedShards(),
        session_start_limit: {
          total: SESSION_START_TOTAL,
          remaining: h.sessionStartsRemaining(),
          reset_after: 86_400_000,
          max_concurrency: h.maxConcurrency,
        },
      }),
    );
    this.#add('GET', '/gateway', false, 'get_gateway', () => ok({ url: h.gatewayUrl() }));
    this.#add('GET', '/users/@me', true, 'get_my_user', () =>
      ok({ ...apiUser(world.botUser), verified: true, mfa_enabled: false, email: null, locale: 'en-US' }),
    );
    this.#add('POST', '/users/@me/channels', true, 'create_dm', (req) => {
      const body = isRecord(req.body.json) ? req.body.json : {};
      const userId = typeof body.recipient_id === 'string' ? body.recipient_id : '';
      if (!world.users.has(userId) || userId === world.botUser.id) {
        const errors = new FormErrors();
        errors.add(['recipient_id'], { code: 'NUMBER_TYPE_COERCE', message: `Value "${userId}" is not snowflake.` });
        errors.throwIfAny();
      }
      return ok(apiChannel(world, world.dmChannel(userId)));
    });
    this.#add('GET', '/users/{user}', true, 'get_user', (_req, p) => {
      const user = world.users.get(p.user ?? '');
      if (!user) throw new ApiError(404, 10013, 'Unknown User');
      return ok(apiUser(user));
    });
    this.#add('GET', '/applications/@me', true, 'get_my_application', () =>
      ok({
        id: h.applicationId,
        name: world.botUser.username,
        icon: null,
        description: '',
        summary: '',
        type: null,
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: '0'.repeat(64),
        flags: 0,
        team: null,
        bot: apiUser(world.botUser),
        approximate_guild_count: world.guilds.size,
        integration_types_config: { '0': {}, '1': {} },
      }),
    );

    // application commands
    const checkApp = (p: Params): void => {
      if (p.app !== h.applicationId) {
        throw new ApiError(403, 20012, 'You are not authorized to perform this action on this application');
      }
    };
    const checkGuild = (p: Params): string => {
      const guildId = p.guild ?? '';
      if (!world.guilds.has(guildId)) throw Errors.missingAccess();
      return guildId;
    };
    this.#add('GET', '/applications/{app}/commands', true, 'list_application_commands', (req, p) => {
      checkApp(p);
      return ok(listCommands(world.globalCommands, req.query));
    });
    this.#add('PUT', '/applications/{app}/commands', true, 'bulk_set_application_commands', (req, p) => {
      checkApp(p);
      return ok(overwriteCommands(world, h.applicationId, undefined, req.body.json));
    });
    this.#add('POST', '/applications/{app}/commands', true, 'create_application_command', (req, p) => {
      checkApp(p);
      const { command, created } = upsertCommand(world, h.applicationId, undefined, req.body.json);
      return ok(command, created ? 201 : 200);
    });
    this.#add('DELETE', '/applications/{app}/commands/{command}', true, 'delete_application_command', (_req, p) => {
      checkApp(p);
      if (!world.globalCommands.some((c) => c.id === p.command)) throw new ApiError(404, 10063, 'Unknown application command');
      world.globalCommands = world.globalCommands.filter((c) => c.id !== p.command);
      return noContent();
    });
    this.#add('GET', '/applications/{app}/guilds/{guild}/commands', true, 'list_guild_application_commands', (req, p) => {
      checkApp(p);
      return ok(listCommands(world.guildCommands.get(checkGuild(p)) ?? [], req.query));
    });
    const permissionsOf = (guildId: string, commandId: string) => ({
      id: commandId,
      application_id: h.applicationId,
      guild_id: guildId,
      permissions: world.commandPermissions.get(`${guildId}:${commandId}`) ?? [],
    });
    this.#add('GET', '/applications/{app}/guilds/{guild}/commands/permissions', true, 'list_guild_application_command_permissions', (_req, p) => {
      checkApp(p);
      const guildId = checkGuild(p);
      const ids = [...world.commandPermissions.keys()].filter((k) => k.startsWith(`${guildId}:`)).map((k) => k.split(':')[1] ?? '');
      return ok(ids.map((id) => permissionsOf(guildId, id)));
    });
    this.#add('GET', '/applications/{app}/guilds/{guild}/commands/{command}/permissions', true, 'get_guild_application_command_permissions', (_req, p) => {
      checkApp(p);
      const guildId = checkGuild(p);
      if (!world.commandPermissions.has(`${guildId}:${p.command ?? ''}`)) {
        throw new ApiError(404, 10066, 'Unknown application command permissions');
      }
      return ok(permissionsOf(guildId, p.command ?? ''));
    });
    this.#add('PUT', '/applications/{app}/guilds/{guild}/commands', true, 'bulk_set_guild_application_commands', (req, p) => {
      checkApp(p);
      return ok(overwriteCommands(world, h.applicationId, checkGuild(p), req.body.json));
    });
    this.#add('POST', '/applications/{app}/guilds/{guild}/commands', true, 'create_guild_application_command', (req, p) => {
      checkApp(p);
      const { command, created } = upsertCommand(world, h.applicationId, checkGuild(p), req.body.json);
      return ok(command, created ? 201 : 200);
    });

    // interactions
    this.#add('POST', '/interactions/{interaction}/{token}/callback', false, 'create_interaction_response', (req, p) => {
      const answer = h.interactions.callback(
        p.interaction ?? '',
        p.token ?? '',
        req.body.json,
        req.body.files,
        req.query.get('with_response') === 'true',
        req.path,
      );
      return answer.status === 200 ? ok(answer.body) : noContent();
    });
    this.#add('POST', '/webhooks/{app}/{token}', false, 'execute_webhook', (req, p) => {
      const message = h.interactions.followUp(p.app ?? '', p.token ?? '', req.body.json, req.body.files, req.path);
      return req.query.get('wait') === 'true' ? ok(apiMessage(message)) : noContent();
    });
    this.#add('GET', '/webhooks/{app}/{token}/messages/{message}', false, webhookOp('get'), (req, p) =>
      ok(apiMessage(h.interactions.getMessage(p.app ?? '', p.token ?? '', p.message ?? '', req.path))),
    );
    this.#add('PATCH', '/webhooks/{app}/{token}/messages/{message}', false, webhookOp('update'), (req, p) =>
      ok(
        apiMessage(
          h.interactions.editMessage(p.app ?? '', p.token ?? '', p.message ?? '', req.body.json, req.body.files, req.path),
        ),
      ),
    );
    this.#add('DELETE', '/webhooks/{app}/{token}/messages/{message}', false, webhookOp('delete'), (req, p) => {
      h.interactions.deleteMessage(p.app ?? '', p.token ?? '', p.message ?? '', req.path);
      return noContent();
    });

    // channels and messages
    this.#add('GET', '/channels/{channel}', true, 'get_channel', (_req, p) => {
      const channel = this.#visibleChannel(p.channel);
      return ok(apiChannel(world, channel));
    });
    this.#add('GET', '/channels/{channel}/messages', true, 'list_messages', (req, p) => {
      const channel = this.#visibleChannel(p.channel);
      if (!has(this.#botPerms(channel), Permission.ReadMessageHistory)) return ok([]);
      return ok(listMessages(world.messagesByChannel.get(channel.id) ?? [], req.query).map(apiMessage));
    });
    this.#add('POST', '/channels/{channel}/messages', true, 'create_message', (req, p) => {
      const channel = this.#visibleChannel(p.channel);
      if (channel.type === 4) throw Errors.notTextChannel();
      const body = isRecord(req.body.json) ? req.body.json : {};
      this.#checkSendPermissions(channel, body, req.body.files.length > 0);
      const errors = new FormErrors();
      checkMessageBody(errors, [], body);
      errors.throwIfAny();
      const message = h.messages.create({
        channel,
        author: world.botUser,
        body,
        files: req.body.files,
        type: isRecord(body.message_reference) ? 19 : 0,
      });
      return ok(apiMessage(message));
    });
    this.#add('GET', '/channels/{channel}/messages/{message}', true, 'get_message', (_req, p) => {
      const channel = this.#visibleChannel(p.channel);
      if (!has(this.#botPerms(channel), Permission.ReadMessageHistory)) throw Errors.missingAccess();
      return ok(apiMessage(this.#channelMessage(channel, p.message)));
    });
    this.#add('PATCH', '/channels/{channel}/messages/{message}', true, 'update_message', (req, p) => {
      const channel = this.#visibleChannel(p.channel);
      const message = this.#channelMessage(channel, p.message);
      if (message.author.id !== world.botUser.id) throw Errors.otherAuthor();
      const body = isRecord(req.body.json) ? req.body.json : {};
      this.#checkSendPermissions(channel, body, req.body.files.length > 0);
      const errors = new FormErrors();
      checkMessageBody(errors, [], { ...body, flags: message.flags | (typeof body.flags === 'number' ? body.flags : 0) });
      errors.throwIfAny();
      return ok(apiMessage(h.messages.edit(message, body, req.body.files)));
    });
    this.#add('DELETE', '/channels/{channel}/messages/{message}', true, 'delete_message', (_req, p) => {
      const channel = this.#visibleChannel(p.channel);
      const message = this.#channelMessage(channel, p.message);
      if (message.author.id !== world.botUser.id && !has(this.#botPerms(channel), Permission.ManageMessages)) {
        throw Errors.missingPermissions();
      }
      h.messages.delete(message);
      return noContent();
    });

    // guilds
    const guildOf = (p: Params) => {
      const guild = world.guilds.get(p.guild ?? '');
      if (!guild) throw Errors.unknownGuild();
      if (!world.hasBot(guild.id)) throw Errors.missingAccess();
      return guild;
    };
    this.#add('GET', '/guilds/{guild}', true, 'get_guild', (req, p) => {
      const guild = guildOf(p);
      const counts = req.query.get('with_counts') === 'true'
        ? { approximate_member_count: guild.members.length, approximate_presence_count: 0 }
        : {};
      return ok({ ...apiGuild(guild), ...counts });
    });
    this.#add('GET', '/guilds/{guild}/channels', true, 'list_guild_channels', (_req, p) =>
      ok(guildOf(p).channels.map((c) => apiChannel(world, c))),
    );
    this.#add('GET', '/guilds/{guild}/roles', true, 'list_guild_roles', (_req, p) => ok(guildOf(p).roles.map(apiRole)));
    this.#add('GET', '/guilds/{guild}/members/{user}', true, 'get_guild_member', (_req, p) => {
      const guild = guildOf(p);
      const member = guild.members.find((m) => m.userId === p.user);
      if (!member) throw Errors.unknownMember();
      return ok(apiMember(world, member));
    });
  }

  #botPerms(channel: SimChannel): bigint {
    return this.#host.world.permissionsIn(channel.id, this.#host.world.botUser.id);
  }

  /** The channel if it exists and the bot can see it: 10003 / 50001 otherwise. */
  #visibleChannel(id: string | undefined): SimChannel {
    const channel = this.#host.world.channels.get(id ?? '');
    if (!channel) throw Errors.unknownChannel();
    if (!has(this.#botPerms(channel), Permission.ViewChannel)) throw Errors.missingAccess();
    return channel;
  }

  #checkSendPermissions(channel: SimChannel, body: Record<string, unknown>, hasFiles: boolean): void {
    const perms = this.#botPerms(channel);
    if (!has(perms, Permission.SendMessages)) throw Errors.missingPermissions();
    if (Array.isArray(body.embeds) && body.embeds.length > 0 && !has(perms, Permission.EmbedLinks)) {
      throw Errors.missingPermissions();
    }
    if (hasFiles && !has(perms, Permission.AttachFiles)) throw Errors.missingPermissions();
  }

  #channelMessage(channel: SimChannel, id: string | undefined): SimMessage {
    const message = this.#host.world.messagesById.get(id ?? '');
    if (!message || message.channel_id !== channel.id || message.ephemeral) throw Errors.unknownMessage();
    return message;
  }
}

function matchSegments(pattern: string[], segments: string[]): Params | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const s = segments[i] ?? '';
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = s;
    else if (p !== s) return undefined;
  }
  return params;
}

/** GET /channels/{id}/messages: newest first, `limit` 1–100 (default 50), `before` / `after` / `around`. */
function listMessages(all: SimMessage[], query: URLSearchParams): SimMessage[] {
  const visible = all.filter((m) => !m.ephemeral);
  const limitRaw = Number(query.get('limit') ?? 50);
  if (!Number.isInteger(limitRaw) || limitRaw < 1 || limitRaw > 100) {
    const errors = new FormErrors();
    errors.add(['limit'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' });
    errors.throwIfAny();
  }
  const before = query.get('before');
  const after = query.get('after');
  const around = query.get('around');
  const byId = (a: SimMessage, b: SimMessage) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
  const sorted = [...visible].sort(byId);
  let picked: SimMessage[];
  if (around) {
    const pivot = BigInt(around);
    const older = sorted.filter((m) => BigInt(m.id) < pivot).slice(-Math.floor(limitRaw / 2));
    const rest = sorted.filter((m) => BigInt(m.id) >= pivot).slice(0, limitRaw - older.length);
    picked = [...older, ...rest];
  } else if (after) {
    picked = sorted.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limitRaw);
  } else {
    const upper = before ? sorted.filter((m) => BigInt(m.id) < BigInt(before)) : sorted;
    picked = upper.slice(-limitRaw);
  }
  return picked.reverse();
}

