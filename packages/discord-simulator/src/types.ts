/** The simulator's public data types: the world model, messages, interactions and the request log. */
import type { Clock } from './clock.js';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Time for message timestamps, snowflakes and the 15-minute interaction token lifetime. Default: the system clock. */
  clock?: Clock;
  /** How long the bot has, in real milliseconds, to give an interaction its first callback. Default 3000. */
  interactionDeadlineMs?: number;
  /** Opt-in: path of a JSON-lines file that receives every REST request handled. */
  requestLog?: string;
  /** HELLO's heartbeat interval in ms. Default 41250. */
  heartbeatIntervalMs?: number;
  /**
   * Shard count that `GET /gateway/bot` advises. Default: Discord's rule, one shard per 1,000 guilds
   * and at least one, counted when the request comes.
   */
  recommendedShards?: number;
  /**
   * `session_start_limit.max_concurrency` of `GET /gateway/bot`, and the identify buckets the
   * gateway enforces (shards with equal `shard_id % maxConcurrency` share one). Default 1, like an
   * ordinary bot.
   */
  maxConcurrency?: number;
  /**
   * Real milliseconds each identify bucket must wait between two IDENTIFYs, across every connection
   * of the bot; one that comes sooner is answered with op 9 Invalid Session (`d: false`) and counted
   * in `sim.stats.identifyRateLimited`. Default 5000, as on Discord (discord.js waits that long
   * itself); 0 turns the check off.
   */
  identifyIntervalMs?: number;
  /**
   * The global REST rate limit: requests per second per bot token, across every connection.
   * Interaction callbacks and interaction webhooks (`/interactions/…`, `/webhooks/…`) are exempt, as
   * on Discord. Over it: 429 with `X-RateLimit-Global: true` and `X-RateLimit-Scope: global`, counted
   * in `sim.stats.global429s`. Default 50; `false` turns it off.
   */
  globalRateLimit?: number | false;
  /** The application's (and bot user's) id. Default: a generated snowflake. */
  applicationId?: string;
  /** The bot user's name. Default 'Simulated Bot'. */
  botUsername?: string;
  /**
   * Request bodies are checked against Discord's OpenAPI description (`spec/openapi.json`), by the
   * route's operationId. 'reject' (default): a mismatch is answered 400 Invalid Form Body (50035)
   * and recorded in `sim.schemaViolations`; 'record': only recorded; 'off': not checked.
   */
  schema?: SchemaMode;
  /** Optional diagnostics sink (the simulator never writes to the console). */
  logger?: (message: string, details?: Record<string, unknown>) => void;
}

/** A Discord user. */
export interface SimUser {
  id: string;
  username: string;
  globalName: string | null;
  /** The locale of the user's client, used as an interaction's `locale` by default. */
  locale: string;
  bot: boolean;
}

/** A guild role. */
export interface SimRole {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  hoist: boolean;
  mentionable: boolean;
  /** Set on the bot's managed role. */
  botId?: string;
}

/** A channel permission overwrite for a role (type 0) or a member (type 1). */
export interface SimPermissionOverwrite {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/** 0 text, 1 DM, 2 voice, 3 group DM, 4 category, 5 announcement. */
export type SimChannelType = 0 | 1 | 2 | 3 | 4 | 5;

/** A guild channel, a DM or a group DM. */
export interface SimChannel {
  id: string;
  type: SimChannelType;
  /** Null for DMs and group DMs. */
  guildId: string | null;
  name: string | null;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  permissionOverwrites: SimPermissionOverwrite[];
  /** DMs and group DMs: the users in it (the bot included for a bot DM). */
  recipientIds: string[];
  lastMessageId: string | null;
}

/** A user's membership of a guild. */
export interface SimMember {
  guildId: string;
  userId: string;
  /** Role ids, without `@everyone`. */
  roleIds: string[];
  nick: string | null;
  joinedAt: string;
}

/** A guild with its roles, channels and members (live arrays: the simulator keeps them current). */
export interface SimGuild {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  /** Equals the guild id, as on Discord. */
  everyoneRoleId: string;
  /** The bot's managed role. */
  botRoleId: string;
  roles: SimRole[];
  channels: SimChannel[];
  members: SimMember[];
  /** When the bot joined. */
  joinedAt: string;
}

/** The author of a message, as Discord sends it. */
export interface SimAuthor {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

/** An embed, as the bot sent it. */
export interface SimEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  image?: { url: string };
  thumbnail?: { url: string };
  [key: string]: unknown;
}

/** A message component (action row, button, select, text input, or a Components V2 element). */
export interface SimComponent {
  type: number;
  id?: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  disabled?: boolean;
  placeholder?: string;
  min_values?: number;
  max_values?: number;
  options?: Array<{ label: string; value: string; description?: string; default?: boolean; [key: string]: unknown }>;
  components?: SimComponent[];
  component?: SimComponent;
  required?: boolean;
  value?: string;
  [key: string]: unknown;
}

/** A stored attachment; `data` holds the bytes the bot uploaded. */
export interface SimAttachment {
  id: string;
  filename: string;
  content_type?: string;
  description?: string;
  size: number;
  url: string;
  data: Buffer;
}

/** A message as the simulator stores it. Objects are live: edits update them in place. */
export interface SimMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: SimAuthor;
  content: string;
  embeds: SimEmbed[];
  components: SimComponent[];
  attachments: SimAttachment[];
  flags: number;
  /** True for ephemeral interaction responses, which only `recipientId` sees. */
  ephemeral: boolean;
  recipientId?: string;
  /** Set on interaction responses and follow-ups. */
  interaction_metadata?: SimInteractionMetadata;
  webhook_id?: string;
  application_id?: string;
  message_reference?: { message_id?: string; channel_id?: string; guild_id?: string; type?: number };
  edited_timestamp: string | null;
  timestamp: string;
  /** How many times it was edited. */
  editCount: number;
  tts: boolean;
  pinned: boolean;
}

/** `interaction_metadata` of a response message. */
export interface SimInteractionMetadata {
  id: string;
  type: number;
  user: SimAuthor;
  authorizing_integration_owners: Record<string, string>;
  name?: string;
  command_type?: number;
  original_response_message_id?: string;
  interacted_message_id?: string;
}

/** A choice of an autocomplete answer. */
export interface AutocompleteChoice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string> | null;
}

/** A modal the bot showed. */
export interface SimModal {
  custom_id: string;
  title: string;
  components: SimComponent[];
}

/** The `data` of an interaction callback as the bot sent it. */
export interface SimCallbackData {
  content?: string | null;
  embeds?: SimEmbed[];
  components?: SimComponent[];
  flags?: number;
  choices?: AutocompleteChoice[];
  custom_id?: string;
  title?: string;
  [key: string]: unknown;
}

/** A refusal the simulator answered the bot with. */
export interface SimApiError {
  status: number;
  code: number;
  message: string;
  errors?: unknown;
  method: string;
  route: string;
}

/**
 * What happened to an interaction: 'replied' | 'deferred' | 'updated' | 'deferredUpdate' |
 * 'autocomplete' | 'modal' | 'noResponse' (deadline passed: "The application did not respond") |
 * 'error' (deadline passed and every callback the bot tried was refused).
 */
export type InteractionOutcome =
  | 'replied'
  | 'deferred'
  | 'updated'
  | 'deferredUpdate'
  | 'autocomplete'
  | 'modal'
  | 'noResponse'
  | 'error';

/** The observable result of an interaction; it stays live (edits and follow-ups keep arriving). */
export interface InteractionResult {
  id: string;
  token: string;
  outcome: InteractionOutcome;
  /** The raw callback body the bot sent. */
  callback?: { type: number; data?: SimCallbackData };
  ephemeral: boolean;
  /**
   * The message a member sees as the response: for replies the reply (ephemeral ones too), for updates
   * the updated component message; deferred: the "thinking" placeholder until editReply arrives.
   */
  message?: SimMessage;
  followUps: SimMessage[];
  /** The modal shown, for outcome 'modal'. */
  modal?: SimModal;
  /** Autocomplete choices, for outcome 'autocomplete'. */
  choices?: AutocompleteChoice[];
  /** The first request about this interaction that was refused. */
  error?: SimApiError;
  /** Every request about this interaction that was refused, in order. */
  errors: SimApiError[];
  /** Resolves with the response message once it satisfies `pred` (default: the next edit); rejects after `timeoutMs` (default 5000). */
  waitForEdit(pred?: (m: SimMessage) => boolean, timeoutMs?: number): Promise<SimMessage>;
  /** Resolves when a response exists that is not a "thinking" placeholder (deferred: the first editReply or follow-up). */
  settled(timeoutMs?: number): Promise<InteractionResult>;
  /** Resolves with the next follow-up (or an existing one satisfying `pred`). */
  waitForFollowUp(pred?: (m: SimMessage) => boolean, timeoutMs?: number): Promise<SimMessage>;
}

/** One REST request the simulator handled. */
export interface RequestLogEntry {
  method: string;
  /** The decoded path under /api/v10, e.g. `/channels/123/messages`. */
  route: string;
  /** The raw query string without '?', '' when none. */
  query: string;
  status: number;
  /** JSON body (for multipart: the parsed payload_json), undefined when none. */
  body?: unknown;
  /** Files of a multipart body. */
  files?: Array<{ field: string; filename: string; size: number; contentType?: string }>;
  /** Discord's OpenAPI operationId for the route, when the simulator knows it. */
  operationId?: string;
  /** Whether the body matched the operation's schema; absent when it had none or was not checked. */
  schema?: 'valid' | 'invalid';
  /** The request's content type, when it had a body. */
  contentType?: string;
  /** Clock time of the request, ISO 8601. */
  time: string;
  /** Real time spent answering. */
  durationMs: number;
}

/** How request bodies are checked against Discord's schema: see {@link SimulatorOptions.schema}. */
export type SchemaMode = 'reject' | 'record' | 'off';

/** A request whose body did not match its operation's schema in Discord's OpenAPI description. */
export interface SchemaViolation {
  method: string;
  route: string;
  operationId: string;
  body: unknown;
  /** One line per wrong field: its path in the body and what is wrong. */
  problems: Array<{ path: Array<string | number>; message: string }>;
}

/** What to match a fault on: a RegExp on the path, or a path with `:param` / `{param}` placeholders. */
export type RouteMatcher = RegExp | string;

/** Options of `faults.rateLimit`. */
export interface RateLimitFault {
  route: RouteMatcher;
  method?: string;
  /** How many requests get the 429 (default 1). */
  times?: number;
  /** Seconds, may be fractional (default 1). */
  retryAfterSec?: number;
  /** A global 429 (`X-RateLimit-Global: true`, scope `global`); same as `scope: 'global'`. */
  global?: boolean;
  /**
   * `X-RateLimit-Scope`: `'user'` (default), `'global'`, or `'shared'` (a shared resource's limit,
   * which Discord does not count toward the invalid-request ban, nor does `sim.stats`).
   */
  scope?: 'user' | 'global' | 'shared';
}

/** Options of `faults.serverError`. */
export interface ServerErrorFault {
  route: RouteMatcher;
  method?: string;
  times?: number;
  status?: 500 | 502 | 503;
}

/** Options of `faults.latency`. */
export interface LatencyFault {
  route: RouteMatcher;
  method?: string;
  ms: number;
  /** How many requests are delayed (default: all, until cleared). */
  times?: number;
}

/** A gateway session as the simulator sees it. */
export interface GatewaySessionInfo {
  shardId: number;
  shardCount: number;
  sessionId: string;
  /** Times this session was resumed. */
  resumed: number;
  /** Times this shard identified (counting earlier sessions of the same shard). */
  identified: number;
  /** Whether a socket is attached and the session is READY/RESUMED. */
  connected: boolean;
  /** Intents from IDENTIFY. */
  intents: number;
}

/**
 * A file a member attaches to an ATTACHMENT option (type 11) of a slash command. The simulator keeps
 * the bytes on its CDN and the interaction carries the attachment in `data.resolved.attachments`.
 */
export interface CommandAttachment {
  /** The file's name as the member's client uploads it, e.g. `stories.json`. */
  filename: string;
  /** The file's bytes; a string is taken as UTF-8 text. */
  data: Buffer | Uint8Array | string;
  /**
   * The uploaded content type. When left out it is guessed from the file name as for message
   * attachments (`.json` → `application/json; charset=utf-8`, `.txt` → `text/plain; charset=utf-8`,
   * …), and absent when the name says nothing.
   */
  contentType?: string;
}

/**
 * A value of a slash command option: string, number or boolean for the scalar and entity types
 * (entities by id), a {@link CommandAttachment} for an ATTACHMENT option (type 11) only.
 */
export type CommandOptionValue = string | number | boolean | CommandAttachment;

/** Options shared by `command` and `autocomplete`. */
export interface CommandInvocation {
  user: SimUser;
  /** Omit for a DM or group DM (then pass channelType 1 or 3). */
  guildId?: string;
  /** Default: the guild's first text channel; for DMs the user's DM with the bot. */
  channelId?: string;
  locale?: string;
  name: string;
  subcommand?: string;
  group?: string;
  /**
   * Option values by name. An ATTACHMENT option (type 11) takes a {@link CommandAttachment}; a file
   * over Discord's 10 MiB upload limit is refused (SimulatorUsageError), as the client refuses it.
   * Autocomplete interactions never carry attachment options: `autocomplete` leaves them out.
   */
  options?: Record<string, CommandOptionValue>;
  /** 0 guild text (default in guilds), 1 DM with the bot, 3 group DM (user-installed app). */
  channelType?: 0 | 1 | 3;
}

/** Options of `autocomplete`. */
export interface AutocompleteInvocation extends CommandInvocation {
  /** The option being typed. */
  focused: string;
}

/** Options of `click` (and `select`). */
export interface ClickInvocation {
  user: SimUser;
  message: SimMessage | string;
  customId: string;
  locale?: string;
  /**
   * Send the interaction even though the message has no such component: a stale or hand-made
   * custom_id, as an old message from an earlier bot version carries. Discord's client only sends
   * ids that are on the message, so without this the simulator throws.
   */
  forge?: boolean;
}

/** Options of `select`. */
export interface SelectInvocation extends ClickInvocation {
  values: string[];
}

/** Options of `submitModal`. */
export interface ModalInvocation {
  user: SimUser;
  customId: string;
  /** Text input values by custom_id. */
  fields: Record<string, string>;
  guildId?: string;
  channelId?: string;
  locale?: string;
  message?: SimMessage | string;
}

/**
 * Counters of how the bot used Discord's limits, since the simulator started (`sim.stats`). They
 * count every connection and process of the bot: the simulator has one bot token, and Cloudflare's
 * invalid-request ban counts per IP, which is one loopback address here.
 */
export interface SimulatorStats {
  /**
   * REST responses with status 401, 403 or 429, 429s of `X-RateLimit-Scope: shared` excepted: what
   * Cloudflare counts toward its ban (10,000 in 10 minutes bans the IP). Injected faults count too.
   */
  invalidRequests: number;
  /** {@link SimulatorStats.invalidRequests} by status. */
  invalidByStatus: { 401: number; 403: number; 429: number };
  /** 429s the global rate limit answered (not injected faults): more than `globalRateLimit` requests a second. */
  global429s: number;
  /** IDENTIFYs with the bot's token, whatever came of them; `session_start_limit.remaining` is 1000 minus this. */
  identifies: number;
  /** IDENTIFYs answered with op 9 because their bucket identified less than `identifyIntervalMs` before. */
  identifyRateLimited: number;
  /** Connections closed with 4011 Sharding required (a shard that would carry more than 2,500 guilds). */
  shardingRequiredCloses: number;
}
