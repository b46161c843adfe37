/**
 * The client-facing API under `/play/api/`: what the page reads (state, messages, attachments, the
 * clock, live events) and what a member does (commands, autocomplete, buttons, menus, modals). Every
 * action goes through the simulator's own member API; the page never sees the bot's REST or gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { z } from 'zod';
import {
  InteractionFailedError,
  SimulatorUsageError,
  type Clock,
  type CommandInvocation,
  type SimMessage,
  type Simulator,
  type SimUser,
  type StoredCommand,
} from '@kiss-scene-bot/discord-simulator';
import type { Logger } from './bot.js';
import type { PlayApiError, PlayAutocompleteAnswer, PlayClock, PlayMessage, PlayState } from './api-types.js';
import type { EventHub } from './events.js';
import type { Seed } from './seed.js';
import { PATHS, commandView, interactionSummary, messageView, modalView, visibleTo } from './views.js';

/** A clock the playground can move forward (the shared JumpClock; a ManualClock works too). */
export type AdvancingClock = Clock & { advance(ms: number): Promise<void> };

export interface ApiDeps {
  sim: Simulator;
  seed: Seed;
  clock: AdvancingClock;
  events: EventHub;
  logger: Logger;
  /** Whether a message began as a deferred reply's placeholder. */
  wasDeferred: (messageId: string) => boolean;
}

/** Largest JSON body accepted. */
const MAX_BODY = 64 * 1024;
/** Messages a channel read returns (the newest). */
const MESSAGES_SHOWN = 100;
/** The furthest one clock move may go. */
const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;

const snowflake = z.string().regex(/^\d{1,20}$/, 'must be an id');
const locale = z.enum(['en-US', 'ko']);
const optionValue = z.union([z.string().max(6000), z.number(), z.boolean()]);
const name = z.string().min(1).max(32);

const commandBody = z.object({
  memberId: snowflake,
  channelId: snowflake,
  locale,
  name,
  group: name.optional(),
  subcommand: name.optional(),
  options: z.record(z.string().max(32), optionValue).default({}),
});
const autocompleteBody = commandBody.extend({ focused: name });
const clickBody = z.object({ memberId: snowflake, locale, messageId: snowflake, customId: z.string().min(1).max(100) });
const selectBody = clickBody.extend({ values: z.array(z.string().max(100)).max(25) });
const modalBody = z.object({
  memberId: snowflake,
  locale,
  channelId: snowflake,
  customId: z.string().min(1).max(100),
  messageId: snowflake.optional(),
  fields: z.record(z.string().max(100), z.string().max(4000)),
});
const advanceBody = z.object({ ms: z.number().int().min(1).max(MAX_ADVANCE_MS) });

/** A request the page got wrong: answered with its status and a one-line reason. */
class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};

export class PlaygroundApi {
  readonly #d: ApiDeps;
  /** Clock moves run one after another. */
  #clockQueue: Promise<unknown> = Promise.resolve();

  constructor(deps: ApiDeps) {
    this.#d = deps;
  }

  /** Answers a request under `/play/api/`; false when the path is not the API's. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (!path.startsWith(`${PATHS.api}/`)) return false;
    const route = path.slice(PATHS.api.length);
    const method = req.method ?? 'GET';
    try {
      if (method === 'GET') {
        if (route === '/state') return json(res, 200, this.state());
        if (route === '/messages') return json(res, 200, this.messages(url.searchParams));
        if (route === '/clock') return json(res, 200, this.clockNow());
        if (route === '/events') {
          this.#d.events.open(res, url.searchParams.get('viewer') ?? undefined);
          return true;
        }
        if (route.startsWith('/attachments/')) return this.attachment(res, route);
      }
      if (method === 'POST') {
        const body = await readJson(req);
        if (route === '/command') return json(res, 200, await this.command(body));
        if (route === '/autocomplete') return json(res, 200, await this.autocomplete(body));
        if (route === '/click') return json(res, 200, await this.click(body));
        if (route === '/select') return json(res, 200, await this.select(body));
        if (route === '/modal') return json(res, 200, await this.modal(body));
        if (route === '/clock/advance') return json(res, 200, await this.advance(body));
      }
      return json<PlayApiError>(res, 404, { error: `No ${method} ${path}` });
    } catch (err) {
      if (err instanceof BadRequest) return json<PlayApiError>(res, err.status, { error: err.message });
      // The simulator refusing an invocation is what Discord's client would not let a member send.
      if (err instanceof SimulatorUsageError) return json<PlayApiError>(res, 400, { error: err.message });
      this.#d.logger.error({ err, route }, 'playground request failed');
      return json<PlayApiError>(res, 500, { error: 'The playground failed to handle this request (see its log).' });
    }
  }

  state(): PlayState {
    const { sim, seed } = this.#d;
    const { guild } = seed;
    const commands = [...sim.commands(guild.id), ...sim.commands()] as StoredCommand[];
    return {
      guild: { id: guild.id, name: guild.name },
      bot: { id: sim.botUserId, name: sim.world.botUser.username, avatar: PATHS.avatar(sim.botUserId) },
      channels: seed.channels.map((c) => ({ id: c.id, name: c.name ?? c.id })),
      roles: guild.roles.filter((r) => r.id !== guild.id && r.botId === undefined).map((r) => ({ id: r.id, name: r.name })),
      members: seed.members.map((m) => ({
        id: m.user.id,
        name: m.user.globalName ?? m.user.username,
        moderator: m.moderator,
        permissions: sim.world.guildPermissions(guild.id, m.user.id).toString(),
        locale: m.locale,
        avatar: PATHS.avatar(m.user.id),
      })),
      commands: commands.map(commandView),
      clock: this.clockNow(),
    };
  }

  clockNow(): PlayClock {
    return { now: this.#d.clock.now() };
  }

  messages(query: URLSearchParams): PlayMessage[] {
    const channelId = this.#channel(query.get('channel') ?? '');
    const viewer = query.get('viewer') ?? undefined;
    return this.#d.sim
      .allMessages(channelId)
      .filter((m) => visibleTo(m, viewer))
      .slice(-MESSAGES_SHOWN)
      .map((m) => messageView(m, this.#d.wasDeferred));
  }

  /** The simulator invocation a command or autocomplete request from the page describes. */
  #invocation(b: z.infer<typeof commandBody>): CommandInvocation {
    return {
      user: this.#member(b.memberId),
      guildId: this.#d.seed.guild.id,
      channelId: this.#channel(b.channelId),
      locale: b.locale,
      name: b.name,
      ...(b.group ? { group: b.group } : {}),
      ...(b.subcommand ? { subcommand: b.subcommand } : {}),
      options: b.options,
    };
  }

  async command(raw: unknown) {
    const b = parse(commandBody, raw);
    const result = await this.#d.sim.command(this.#invocation(b));
    return interactionSummary(result, result.modal ? modalView(result.modal, b.channelId, undefined) : undefined);
  }

  async autocomplete(raw: unknown): Promise<PlayAutocompleteAnswer> {
    const b = parse(autocompleteBody, raw);
    const invocation = this.#invocation(b);
    try {
      const choices = await this.#d.sim.autocomplete({ ...invocation, focused: b.focused });
      return {
        choices: choices.map((c) => ({ name: c.name_localizations?.[b.locale] ?? c.name, value: c.value })),
        failed: false,
      };
    } catch (err) {
      // Discord's client shows "Loading options failed" and carries on.
      if (err instanceof InteractionFailedError) return { choices: [], failed: true };
      throw err;
    }
  }

  async click(raw: unknown) {
    const b = parse(clickBody, raw);
    const user = this.#member(b.memberId);
    const message = this.#message(b.messageId, user);
    const result = await this.#d.sim.click({ user, message, customId: b.customId, locale: b.locale });
    return interactionSummary(result, result.modal ? modalView(result.modal, message.channel_id, message.id) : undefined);
  }

  async select(raw: unknown) {
    const b = parse(selectBody, raw);
    const user = this.#member(b.memberId);
    const message = this.#message(b.messageId, user);
    const result = await this.#d.sim.select({ user, message, customId: b.customId, values: b.values, locale: b.locale });
    return interactionSummary(result, result.modal ? modalView(result.modal, message.channel_id, message.id) : undefined);
  }

  async modal(raw: unknown) {
    const b = parse(modalBody, raw);
    const user = this.#member(b.memberId);
    const channelId = this.#channel(b.channelId);
    const result = await this.#d.sim.submitModal({
      user,
      customId: b.customId,
      fields: b.fields,
      guildId: this.#d.seed.guild.id,
      channelId,
      locale: b.locale,
      ...(b.messageId ? { message: this.#message(b.messageId, user).id } : {}),
    });
    return interactionSummary(result);
  }

  /** Moves the shared clock forward; the bot's schedulers and the simulator see the same time. */
  async advance(raw: unknown): Promise<PlayClock> {
    const { ms } = parse(advanceBody, raw);
    const run = this.#clockQueue.then(() => this.#d.clock.advance(ms));
    this.#clockQueue = run.catch(() => undefined);
    await run;
    const now = this.clockNow();
    this.#d.events.send({ kind: 'clock', clock: now });
    return now;
  }

  attachment(res: ServerResponse, route: string): true {
    const [, , channelId = '', attachmentId = ''] = route.split('/');
    this.#channel(channelId);
    const found = this.#d.sim
      .allMessages(channelId)
      .flatMap((m) => m.attachments)
      .find((a) => a.id === attachmentId);
    if (!found) throw new BadRequest(404, 'No such attachment');
    const type = CONTENT_TYPES[extname(found.filename).toLowerCase()] ?? 'application/octet-stream';
    const inline = type.startsWith('image/');
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(found.data.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=3600',
      ...(inline ? {} : { 'content-disposition': `attachment; filename="${found.filename.replace(/[^\w.-]/g, '_')}"` }),
    });
    res.end(found.data);
    return true;
  }

  #member(id: string): SimUser {
    const member = this.#d.seed.members.find((m) => m.user.id === id);
    if (!member) throw new BadRequest(404, `No member ${id} in ${this.#d.seed.guild.name}`);
    return member.user;
  }

  #channel(id: string): string {
    if (!this.#d.seed.channels.some((c) => c.id === id)) throw new BadRequest(404, `No channel ${id} in ${this.#d.seed.guild.name}`);
    return id;
  }

  /** A message in one of the server's channels that `user` can see. */
  #message(id: string, user: SimUser): SimMessage {
    const message = this.#d.sim.world.messagesById.get(id);
    if (!message || !this.#d.seed.channels.some((c) => c.id === message.channel_id) || !visibleTo(message, user.id)) {
      throw new BadRequest(404, `No message ${id} that ${user.username} can see`);
    }
    return message;
  }
}

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BadRequest(400, `Invalid request: ${issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'malformed body'}`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest(413, 'Request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BadRequest(400, 'Invalid request: the body is not JSON');
  }
}

function json<T>(res: ServerResponse, status: number, body: T): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
  return true;
}
