/**
 * A local Discord for tests and the playground: REST v10, the gateway and interactions, faithful in
 * the parts this bot touches. Point an unmodified discord.js client at it with
 * `new Client({ intents, rest: { api: sim.apiUrl } })` and log in with `sim.token`.
 *
 * @example
 * const sim = await startSimulator();
 * const guild = sim.createGuild({ name: 'Drama Club' });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sim.apiUrl } });
 * await client.login(sim.token);
 * const res = await sim.command({ user: sim.createMember(guild.id).user, guildId: guild.id, name: 'ping' });
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from './clock.js';
import { Faults } from './faults.js';
import { Gateway } from './gateway.js';
import { InteractionFailedError, Interactions } from './interactions.js';
import { IdentifyLimit, SESSION_START_TOTAL, StatsCounter, recommendedShardCount } from './limits.js';
import { Messages } from './messages.js';
import { World, type CommandPermissionOverride, type CreateGuildOptions } from './model.js';
import { SimulatorUsageError } from './payloads.js';
import { Permission } from './permissions.js';
import { Rest } from './rest.js';
import { Intent, apiChannel, apiMember, apiMessage, apiRole } from './serialize.js';
import { SimulatorServer } from './server.js';
import { SnowflakeGenerator } from './snowflake.js';
import type {
  AutocompleteChoice,
  AutocompleteInvocation,
  ClickInvocation,
  CommandInvocation,
  GatewaySessionInfo,
  InteractionResult,
  LatencyFault,
  ModalInvocation,
  RateLimitFault,
  RequestLogEntry,
  SchemaViolation,
  SelectInvocation,
  ServerErrorFault,
  SimChannel,
  SimGuild,
  SimMember,
  SimMessage,
  SimRole,
  SimUser,
  SimulatorOptions,
  SimulatorStats,
} from './types.js';

export type * from './types.js';
export { InteractionFailedError, SimulatorUsageError, Permission };
export { shardOf } from './snowflake.js';
export { MessageFlag } from './rules.js';
export { JumpClock, ManualClock, systemClock, type Clock, type TimerCallback, type TimerHandle } from './clock.js';
export { listenOnLoopback } from './net.js';
export { checkRequestBody, type SchemaPart, type SchemaProblem } from './schema.js';
export type { CommandPermissionOverride, CreateGuildOptions, StoredCommand, StoredOption } from './model.js';

/** The fixed bot token the simulator accepts. It is not a secret: nothing real uses it. */
export const SIMULATED_TOKEN = 'simulated-bot-token';

/** Events of a {@link Simulator}. */
export interface SimulatorEvents {
  messageCreate: [message: SimMessage];
  messageUpdate: [message: SimMessage];
  messageDelete: [message: SimMessage];
  interaction: [result: InteractionResult];
  request: [entry: RequestLogEntry];
}

/** Failure injection. */
export interface SimulatorFaults {
  /** 429 with Retry-After and the X-RateLimit-* headers on the next `times` (default 1) matching requests. */
  rateLimit(o: RateLimitFault): void;
  /** A 5xx (default 500) on the next `times` (default 1) matching requests. */
  serverError(o: ServerErrorFault): void;
  /** Delays matching requests by `ms` of real time (`times` of them, default all). */
  latency(o: LatencyFault): void;
  /** Removes every fault. */
  clear(): void;
}

/** Control of the gateway. */
export interface SimulatorGateway {
  /** Kills the shard's (or every) socket without a close frame: the client must resume. */
  drop(shardId?: number): void;
  /** Sends op 7 RECONNECT: the client reconnects and resumes. */
  reconnect(shardId?: number): void;
  /** Sends op 9; unless `resumable`, the session is forgotten and the client identifies again. */
  invalidateSession(shardId?: number, resumable?: boolean): void;
  /** Shards with a live session. */
  connectedShards(): number[];
  sessions(): GatewaySessionInfo[];
  /**
   * Delivers the session's dispatches `ms` of real time late from now on, in order (0 ends it): a
   * process too busy to read its socket at once, such as the old process of a rolling deploy still
   * answering a burst while the new one identifies on the same shard and gets the same events.
   */
  lag(sessionId: string, ms: number): void;
  /** Resolves when `shardCount` (default 1) shards are READY or resumed; rejects after `timeoutMs` (default 10000). */
  waitForReady(shardCount?: number, timeoutMs?: number): Promise<void>;
}

/** The running simulator. */
export class Simulator extends EventEmitter<SimulatorEvents> {
  /** `http://127.0.0.1:PORT/api`: discord.js appends `/v10/...`. */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:PORT/gateway` */
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly token = SIMULATED_TOKEN;
  /** Every REST request handled, oldest first. */
  readonly requests: RequestLogEntry[];
  /**
   * Every request whose body did not match Discord's schema for its operation, oldest first. A
   * test suite can assert this stays empty after each test (see the README).
   */
  readonly schemaViolations: readonly SchemaViolation[];
  readonly faults: SimulatorFaults;
  readonly gateway: SimulatorGateway;
  /** The world model (read freely; change it through the simulator's methods so the bot hears of it). */
  readonly world: World;
  readonly clock: Clock;

  readonly #gateway: Gateway;
  readonly #interactions: Interactions;
  readonly #server: SimulatorServer;
  readonly #recommendedShards: () => number;
  readonly #stats: StatsCounter;
  readonly #messages: Messages;
  #closed = false;

  /** Use {@link startSimulator}. */
  constructor(parts: {
    world: World;
    clock: Clock;
    gateway: Gateway;
    interactions: Interactions;
    server: SimulatorServer;
    faults: Faults;
    messages: Messages;
    /** The message store's hooks call `relay.message`; the simulator points it at itself. */
    relay: MessageRelay;
    requests: RequestLogEntry[];
    schemaViolations: SchemaViolation[];
    port: number;
    recommendedShards: () => number;
    stats: StatsCounter;
  }) {
    super();
    parts.relay.message = (kind, m) => this.#messageEvent(kind, m);
    this.#messages = parts.messages;
    this.requests = parts.requests;
    this.schemaViolations = parts.schemaViolations;
    this.world = parts.world;
    this.clock = parts.clock;
    this.#gateway = parts.gateway;
    this.#interactions = parts.interactions;
    this.#server = parts.server;
    this.#recommendedShards = parts.recommendedShards;
    this.#stats = parts.stats;
    this.apiUrl = `http://127.0.0.1:${parts.port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${parts.port}/gateway`;
    this.applicationId = parts.world.botUser.id;
    this.botUserId = parts.world.botUser.id;
    const faults = parts.faults;
    this.faults = {
      rateLimit: (o) => faults.rateLimit(o),
      serverError: (o) => faults.serverError(o),
      latency: (o) => faults.latency(o),
      clear: () => faults.clear(),
    };
    const gw = parts.gateway;
    this.gateway = {
      drop: (shardId) => gw.drop(shardId),
      reconnect: (shardId) => gw.reconnect(shardId),
      invalidateSession: (shardId, resumable) => gw.invalidateSession(shardId, resumable),
      connectedShards: () => gw.connectedShards(),
      sessions: () => gw.sessions(),
      lag: (sessionId, ms) => gw.lag(sessionId, ms),
      waitForReady: (shardCount, timeoutMs) => gw.waitForReady(shardCount, timeoutMs),
    };
  }

  /**
   * How the bot used Discord's limits so far (a fresh copy on each read): invalid requests (401,
   * 403, 429 but shared-scope ones), global 429s, identifies and what the gateway refused. A bot's
   * tests can assert `global429s === 0` and `invalidRequests === 0`.
   */
  get stats(): SimulatorStats {
    return this.#stats.snapshot();
  }

  // ---- world model ----

  /**
   * A guild the bot is in: `@everyone` (id = guild id) with Discord's default permissions, a managed
   * role for the bot, an owner, and the channels asked for (default one text channel, "general").
   * Connected shards that own it get GUILD_CREATE.
   */
  createGuild(o: CreateGuildOptions = {}): SimGuild {
    const shards = this.#gateway.currentShardCount() ?? this.#recommendedShards();
    const guild = this.world.createGuild(o, shards);
    this.#gateway.guildCreate(guild.id);
    return guild;
  }

  /**
   * Removes the bot from a guild, as a kick, a ban or the guild's deletion would: its member and
   * managed role go, and the sessions of the shard that owns the guild get GUILD_DELETE without
   * `unavailable` (discord.js: `guildDelete`). The guild stays in the world, with its members,
   * channels and messages; REST on it answers 403 Missing Access and no more events come from it.
   * `inviteBot` adds the bot back.
   */
  removeBot(guildId: string): void {
    this.world.requireGuild(guildId);
    if (!this.world.hasBot(guildId)) throw new SimulatorUsageError(`The bot is not in guild ${guildId}`);
    this.#gateway.guildDelete(guildId, false);
    this.world.removeBot(guildId);
  }

  /** The bot is invited to a guild it was removed from: a new member and managed role, and GUILD_CREATE (discord.js: `guildCreate`). */
  inviteBot(guildId: string): void {
    this.world.requireGuild(guildId);
    if (this.world.hasBot(guildId)) throw new SimulatorUsageError(`The bot is already in guild ${guildId}`);
    this.world.addBot(guildId);
    this.#gateway.guildCreate(guildId);
  }

  /**
   * A guild goes down (a Discord outage): GUILD_DELETE with `unavailable: true` (discord.js:
   * `guildUnavailable`), and no GUILD_CREATE for it at an IDENTIFY until `endGuildOutage`, which sends
   * GUILD_CREATE again (discord.js: `guildAvailable`). The bot stays in the guild throughout.
   */
  guildOutage(guildId: string): void {
    this.world.requireGuild(guildId);
    this.world.unavailableGuilds.add(guildId);
    this.#gateway.guildDelete(guildId, true);
  }

  endGuildOutage(guildId: string): void {
    this.world.requireGuild(guildId);
    if (!this.world.unavailableGuilds.delete(guildId)) throw new SimulatorUsageError(`Guild ${guildId} is not down`);
    if (this.world.hasBot(guildId)) this.#gateway.guildCreate(guildId);
  }

  createUser(o: { username?: string; locale?: string; globalName?: string } = {}): SimUser {
    return this.world.createUser(o);
  }

  /** Adds a user to a guild (or adds roles to an existing member); dispatches GUILD_MEMBER_ADD/UPDATE to GuildMembers sessions. */
  addMember(guildId: string, userId: string, o: { roleIds?: string[] } = {}): SimMember {
    const existed = this.world.member(guildId, userId) !== undefined;
    const member = this.world.addMember(guildId, userId, o);
    const d = { ...apiMember(this.world, member), guild_id: guildId };
    this.#gateway.dispatch(guildId, existed ? 'GUILD_MEMBER_UPDATE' : 'GUILD_MEMBER_ADD', d, Intent.GuildMembers);
    return member;
  }

  createRole(guildId: string, o: { name: string; permissions: bigint; color?: number }): SimRole {
    const role = this.world.createRole(guildId, o);
    this.#gateway.dispatch(guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: apiRole(role) }, Intent.Guilds);
    return role;
  }

  /** Convenience: a new user who joins the guild; `moderator` gives a role with ManageGuild, `permissions` a role with those. */
  createMember(
    guildId: string,
    o: { username?: string; locale?: string; moderator?: boolean; permissions?: bigint } = {},
  ): SimMember & { user: SimUser } {
    const user = this.createUser({
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.locale !== undefined ? { locale: o.locale } : {}),
    });
    const roleIds: string[] = [];
    if (o.moderator) roleIds.push(this.#moderatorRole(guildId).id);
    if (o.permissions !== undefined) roleIds.push(this.createRole(guildId, { name: `${user.username}-role`, permissions: o.permissions }).id);
    const member = this.addMember(guildId, user.id, { roleIds });
    return Object.assign(member, { user });
  }

  #moderatorRole(guildId: string): SimRole {
    const guild = this.world.requireGuild(guildId);
    return guild.roles.find((r) => r.name === 'Moderator') ?? this.createRole(guildId, { name: 'Moderator', permissions: Permission.ManageGuild | Permission.ManageMessages });
  }

  /** Sets (replaces) one overwrite on a channel and dispatches CHANNEL_UPDATE. */
  setPermissionOverwrite(channelId: string, o: { id: string; type: 0 | 1; allow?: bigint; deny?: bigint }): void {
    const channel = this.world.requireChannel(channelId);
    channel.permissionOverwrites = channel.permissionOverwrites.filter((x) => x.id !== o.id);
    channel.permissionOverwrites.push({ id: o.id, type: o.type, allow: o.allow ?? 0n, deny: o.deny ?? 0n });
    if (channel.guildId) this.#gateway.dispatch(channel.guildId, 'CHANNEL_UPDATE', apiChannel(this.world, channel), Intent.Guilds);
  }

  /** Deletes a channel (CHANNEL_DELETE); REST on it then answers 404 10003. */
  deleteChannel(channelId: string): void {
    const channel = this.world.requireChannel(channelId);
    const json = apiChannel(this.world, channel);
    this.world.removeChannel(channelId);
    if (channel.guildId) this.#gateway.dispatch(channel.guildId, 'CHANNEL_DELETE', json, Intent.Guilds);
  }

  /** Deletes a message as a user or moderator would (MESSAGE_DELETE to sessions with the message intents). */
  deleteMessage(channelId: string, messageId: string): void {
    const message = this.world.messagesById.get(messageId);
    if (!message || message.channel_id !== channelId) throw new SimulatorUsageError(`No message ${messageId} in channel ${channelId}`);
    this.#messages.delete(message);
  }

  /** What members see in a channel: non-ephemeral messages, edits applied, oldest first. */
  messages(channelId: string): SimMessage[] {
    return (this.world.messagesByChannel.get(channelId) ?? []).filter((m) => !m.ephemeral);
  }

  /** Every message in a channel including ephemeral ones, oldest first. */
  allMessages(channelId: string): SimMessage[] {
    return [...(this.world.messagesByChannel.get(channelId) ?? [])];
  }

  /** A guild channel by name (throws when missing). */
  channel(guildId: string, name: string): SimChannel {
    const channel = this.world.requireGuild(guildId).channels.find((c) => c.name === name);
    if (!channel) throw new SimulatorUsageError(`No channel #${name} in guild ${guildId}`);
    return channel;
  }

  /**
   * Resolves with the first existing or future message members see in the channel (not ephemeral)
   * that matches `pred` (edits count: a message matching after an edit resolves it). Rejects after
   * `timeoutMs` (default 5000).
   */
  waitForMessage(channelId: string, pred: (m: SimMessage) => boolean = () => true, timeoutMs = 5000): Promise<SimMessage> {
    const existing = this.messages(channelId).find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const check = (m: SimMessage): void => {
        if (m.channel_id !== channelId || m.ephemeral || !pred(m)) return;
        cleanup();
        resolve(m);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waitForMessage: no matching message in ${channelId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('messageCreate', check);
        this.off('messageUpdate', check);
      };
      this.on('messageCreate', check);
      this.on('messageUpdate', check);
    });
  }

  /**
   * Sets a guild's permission overrides for a command (what a server admin sets under Integrations):
   * role (type 1, the guild id is @everyone), user (type 2) or channel (type 3) entries. An allowing
   * override lets a member run a command whose default_member_permissions they lack. Dispatches
   * APPLICATION_COMMAND_PERMISSIONS_UPDATE.
   */
  setCommandPermissions(guildId: string, commandName: string, permissions: CommandPermissionOverride[]): void {
    this.world.requireGuild(guildId);
    const cmd = this.world.commandsFor(guildId).find((c) => c.name === commandName);
    if (!cmd) throw new SimulatorUsageError(`No registered command /${commandName}`);
    this.world.commandPermissions.set(`${guildId}:${cmd.id}`, permissions.map((p) => ({ ...p })));
    this.#gateway.dispatch(guildId, 'APPLICATION_COMMAND_PERMISSIONS_UPDATE', {
      id: cmd.id,
      application_id: this.applicationId,
      guild_id: guildId,
      permissions: permissions.map((p) => ({ ...p })),
    });
  }

  /** Registered application commands (global when no guildId), as stored and answered by REST. */
  commands(guildId?: string): unknown[] {
    return guildId ? [...(this.world.guildCommands.get(guildId) ?? [])] : [...this.world.globalCommands];
  }

  // ---- acting as a member or user ----

  /** Runs a slash command; resolves after the bot's first callback or the deadline. */
  command(o: CommandInvocation): Promise<InteractionResult> {
    return this.#interactions.command(o);
  }

  /** Types into an autocomplete option; resolves with the bot's choices (rejects with InteractionFailedError otherwise). */
  autocomplete(o: AutocompleteInvocation): Promise<AutocompleteChoice[]> {
    return this.#interactions.autocomplete(o);
  }

  /** Clicks a button on a message. */
  click(o: ClickInvocation): Promise<InteractionResult> {
    return this.#interactions.click(o);
  }

  /** Picks values in a select menu on a message. */
  select(o: SelectInvocation): Promise<InteractionResult> {
    return this.#interactions.select(o);
  }

  /** Submits a modal the bot showed to this user. */
  submitModal(o: ModalInvocation): Promise<InteractionResult> {
    return this.#interactions.submitModal(o);
  }

  /** Closes sockets and the server, and clears every timer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#interactions.close();
    this.#gateway.close();
    await this.#server.close();
    this.removeAllListeners();
  }

  /** Dispatches a message change to the gateway (intent permitting) and emits it. */
  #messageEvent(kind: 'create' | 'update' | 'delete', m: SimMessage): void {
    const intent = m.guild_id ? Intent.GuildMessages : Intent.DirectMessages;
    if (!m.ephemeral) {
      if (kind === 'delete') {
        this.#gateway.dispatch(m.guild_id ?? null, 'MESSAGE_DELETE', { id: m.id, channel_id: m.channel_id, ...(m.guild_id ? { guild_id: m.guild_id } : {}) }, intent);
      } else {
        const t = kind === 'create' ? 'MESSAGE_CREATE' : 'MESSAGE_UPDATE';
        this.#gateway.dispatch(m.guild_id ?? null, t, { ...apiMessage(m), ...(m.guild_id ? { guild_id: m.guild_id } : {}) }, intent);
      }
    }
    if (kind === 'create') this.emit('messageCreate', m);
    else if (kind === 'update') this.emit('messageUpdate', m);
    else this.emit('messageDelete', m);
  }
}

/** Forwards message-store changes to the simulator once it exists. */
interface MessageRelay {
  message: (kind: 'create' | 'update' | 'delete', m: SimMessage) => void;
}

/** Starts a simulator listening on 127.0.0.1. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? systemClock;
  const ids = new SnowflakeGenerator(clock);
  const applicationId = opts.applicationId ?? ids.next();
  const world = new World(clock, ids, { id: applicationId, username: opts.botUsername ?? 'Simulated Bot' });
  const log = opts.logger ?? (() => undefined);
  let port = 0;
  const ref: { sim?: Simulator } = {};
  const stats = new StatsCounter();
  const maxConcurrency = opts.maxConcurrency ?? 1;
  const gateway = new Gateway({
    token: SIMULATED_TOKEN,
    world,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
    maxConcurrency,
    identifyLimit: new IdentifyLimit(opts.identifyIntervalMs ?? 5000),
    stats,
    gatewayUrl: () => `ws://127.0.0.1:${port}/gateway`,
    log,
  });
  const relay: MessageRelay = { message: () => undefined };
  const messages = new Messages(
    world,
    {
      created: (m) => relay.message('create', m),
      updated: (m) => relay.message('update', m),
      deleted: (m) => relay.message('delete', m),
    },
    () => `http://127.0.0.1:${port}`,
  );
  const interactions = new Interactions({
    world,
    messages,
    gateway,
    clock,
    applicationId,
    deadlineMs: opts.interactionDeadlineMs ?? 3000,
    changed: (result) => ref.sim?.emit('interaction', result),
  });
  const faults = new Faults();
  const fixedShards = opts.recommendedShards;
  const recommendedShards = (): number => fixedShards ?? recommendedShardCount(world.guilds.size);
  const rest = new Rest({
    world,
    messages,
    interactions,
    applicationId,
    gatewayUrl: () => `ws://127.0.0.1:${port}/gateway`,
    recommendedShards,
    maxConcurrency,
    sessionStartsRemaining: () => Math.max(0, SESSION_START_TOTAL - stats.identifies),
  });
  const requests: RequestLogEntry[] = [];
  const schemaViolations: SchemaViolation[] = [];
  const server = new SimulatorServer({
    token: SIMULATED_TOKEN,
    rest,
    gateway,
    faults,
    messages,
    nowIso: () => new Date(clock.now()).toISOString(),
    onRequest: (entry) => {
      requests.push(entry);
      ref.sim?.emit('request', entry);
    },
    schemaMode: opts.schema ?? 'reject',
    onSchemaViolation: (violation) => {
      schemaViolations.push(violation);
      opts.logger?.('request body does not match Discord’s schema', { ...violation });
    },
    ...(opts.requestLog ? { requestLog: opts.requestLog } : {}),
    globalRateLimit: opts.globalRateLimit ?? 50,
    stats,
  });
  port = await server.listen(opts.port ?? 0);
  const sim = new Simulator({ world, clock, gateway, interactions, server, faults, messages, relay, requests, schemaViolations, port, recommendedShards, stats });
  ref.sim = sim;
  return sim;
}
