/**
 * Interactions from start to end: a member acts, INTERACTION_CREATE goes out on the right shard, the
 * bot's callback is checked against Discord's rules (deadline, once only, payload limits), and the
 * interaction's webhook (editReply, followUp, …) works for 15 minutes by the clock.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { ApiError, E, Errors, FormErrors } from './errors.js';
import type { Gateway } from './gateway.js';
import type { Messages } from './messages.js';
import type { World } from './model.js';
import type { UploadedFile } from './multipart.js';
import {
  SimulatorUsageError,
  checkCommandAvailable,
  commandData,
  findCommand,
  findComponent,
  interactionPayload,
  messageContext,
  modalSubmitComponents,
  resolveContext,
  type InteractionContext,
} from './payloads.js';
import { LiveInteractionResult } from './result.js';
import { MessageFlag, checkChoices, checkMessageBody, checkModal, isRecord } from './rules.js';
import { apiMessage, author, type Json } from './serialize.js';
import type {
  AutocompleteChoice,
  AutocompleteInvocation,
  ClickInvocation,
  CommandInvocation,
  InteractionResult,
  ModalInvocation,
  SelectInvocation,
  SimAttachment,
  SimInteractionMetadata,
  SimMessage,
  SimModal,
} from './types.js';

/** Interaction types. */
const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
/** Callback types. */
const Callback = {
  Pong: 1,
  ChannelMessage: 4,
  DeferredChannelMessage: 5,
  DeferredUpdate: 6,
  UpdateMessage: 7,
  Autocomplete: 8,
  Modal: 9,
} as const;
/** Interaction tokens are valid this long (by the clock). */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

/** Thrown by `autocomplete()` when the bot gave no valid autocomplete answer. */
export class InteractionFailedError extends Error {
  readonly result: InteractionResult;
  constructor(message: string, result: InteractionResult) {
    super(message);
    this.name = 'InteractionFailedError';
    this.result = result;
  }
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  ctx: InteractionContext;
  createdAt: number;
  acknowledged: boolean;
  deadlinePassed: boolean;
  /** The message `@original` refers to. */
  originalId?: string;
  /** The message whose component was used (components, modals opened from them). */
  sourceMessageId?: string;
  followUpIds: Set<string>;
  commandName?: string;
  metadata: SimInteractionMetadata;
  result: LiveInteractionResult;
  settleInitial: () => void;
  timer: NodeJS.Timeout;
}

interface OpenModal {
  userId: string;
  modal: SimModal;
  ctx: InteractionContext;
  sourceMessageId?: string;
  metadata: SimInteractionMetadata;
}

/** What the interaction layer needs from the simulator. */
export interface InteractionHost {
  world: World;
  messages: Messages;
  gateway: Gateway;
  clock: Clock;
  applicationId: string;
  deadlineMs: number;
  changed(result: InteractionResult): void;
}

/** A callback's answer: 204, or 200 with the `with_response` body. */
export interface CallbackAnswer {
  status: 200 | 204;
  body?: Json;
}

export class Interactions {
  readonly #host: InteractionHost;
  readonly #byId = new Map<string, InteractionState>();
  readonly #byToken = new Map<string, InteractionState>();
  #openModals: OpenModal[] = [];

  constructor(host: InteractionHost) {
    this.#host = host;
  }

  // ---- acting as a user ----

  async command(inv: CommandInvocation): Promise<InteractionResult> {
    const { world } = this.#host;
    const ctx = resolveContext(world, inv);
    const cmd = findCommand(world, inv.name, inv.guildId);
    checkCommandAvailable(world, cmd, ctx);
    const uploads: SimAttachment[] = [];
    const data = commandData(world, ctx, cmd, inv, undefined, (file) => {
      const attachment = this.#host.messages.prepareUpload(ctx.channel.id, file);
      uploads.push(attachment);
      return attachment;
    });
    const metadata = this.#metadata(InteractionType.ApplicationCommand, ctx, { name: cmd.name, command_type: 1 });
    return this.#start(InteractionType.ApplicationCommand, ctx, data, metadata, { commandName: cmd.name, uploads });
  }

  async autocomplete(inv: AutocompleteInvocation): Promise<AutocompleteChoice[]> {
    const { world } = this.#host;
    const ctx = resolveContext(world, inv);
    const cmd = findCommand(world, inv.name, inv.guildId);
    checkCommandAvailable(world, cmd, ctx);
    const data = commandData(world, ctx, cmd, inv, inv.focused);
    const metadata = this.#metadata(InteractionType.Autocomplete, ctx, { name: cmd.name, command_type: 1 });
    const result = await this.#start(InteractionType.Autocomplete, ctx, data, metadata, { commandName: cmd.name });
    if (result.outcome !== 'autocomplete' || !result.choices) {
      const why = result.error ? `${result.error.code} ${result.error.message}` : 'no answer';
      throw new InteractionFailedError(`Autocomplete for /${cmd.name} failed: ${result.outcome} (${why})`, result);
    }
    return result.choices;
  }

  async click(inv: ClickInvocation): Promise<InteractionResult> {
    const { message, ctx, component } = this.#component(inv, 2);
    if (component.type !== 2) throw new SimulatorUsageError(`"${inv.customId}" is not a button (type ${component.type})`);
    if (component.style === 5 || component.style === 6) throw new SimulatorUsageError(`"${inv.customId}" is a link/premium button`);
    return this.#startComponent(ctx, message, { custom_id: inv.customId, component_type: 2 });
  }

  async select(inv: SelectInvocation): Promise<InteractionResult> {
    const { message, ctx, component } = this.#component(inv, 3);
    if (![3, 5, 6, 7, 8].includes(component.type)) {
      throw new SimulatorUsageError(`"${inv.customId}" is not a select menu (type ${component.type})`);
    }
    const min = component.min_values ?? 1;
    const max = component.max_values ?? 1;
    if (inv.values.length < min || inv.values.length > max) {
      throw new SimulatorUsageError(`"${inv.customId}" takes ${min}–${max} values, got ${inv.values.length}`);
    }
    const data: Json = { custom_id: inv.customId, component_type: component.type, values: [...inv.values] };
    if (inv.forge) {
      // a forged select carries the values as sent
    } else if (component.type === 3) {
      const allowed = new Set((component.options ?? []).map((o) => o.value));
      const bad = inv.values.find((v) => !allowed.has(v));
      if (bad !== undefined) throw new SimulatorUsageError(`"${bad}" is not an option of "${inv.customId}"`);
    } else {
      data.resolved = this.#selectResolved(ctx, component.type, inv.values);
    }
    return this.#startComponent(ctx, message, data);
  }

  async submitModal(inv: ModalInvocation): Promise<InteractionResult> {
    const messageId = typeof inv.message === 'string' ? inv.message : inv.message?.id;
    const open = [...this.#openModals].reverse().find(
      (m) =>
        m.userId === inv.user.id &&
        m.modal.custom_id === inv.customId &&
        (inv.guildId === undefined || m.ctx.guild?.id === inv.guildId) &&
        (inv.channelId === undefined || m.ctx.channel.id === inv.channelId) &&
        (messageId === undefined || m.sourceMessageId === messageId),
    );
    if (!open) {
      const shown = this.#openModals.filter((m) => m.userId === inv.user.id).map((m) => m.modal.custom_id);
      throw new SimulatorUsageError(
        `No modal "${inv.customId}" is open for ${inv.user.username} (open: ${shown.join(', ') || 'none'})`,
      );
    }
    const components = modalSubmitComponents(open.modal, inv.fields);
    this.#openModals = this.#openModals.filter((m) => m !== open);
    const ctx: InteractionContext = { ...open.ctx, locale: inv.locale ?? open.ctx.locale };
    const source = open.sourceMessageId ? this.#host.world.messagesById.get(open.sourceMessageId) : undefined;
    const metadata = this.#metadata(InteractionType.ModalSubmit, ctx, {
      triggering_interaction_metadata: open.metadata,
    });
    return this.#start(
      InteractionType.ModalSubmit,
      ctx,
      { custom_id: inv.customId, components },
      metadata,
      source ? { message: source } : {},
    );
  }

  #component(
    inv: ClickInvocation,
    forgedType: number,
  ): { message: SimMessage; ctx: InteractionContext; component: NonNullable<ReturnType<typeof findComponent>> } {
    const { world } = this.#host;
    const id = typeof inv.message === 'string' ? inv.message : inv.message.id;
    const message = world.messagesById.get(id);
    if (!message) throw new SimulatorUsageError(`Message ${id} does not exist (deleted?)`);
    const ctx = messageContext(world, message, inv.user, inv.locale);
    const component =
      findComponent(message.components, inv.customId) ??
      (inv.forge ? { type: forgedType, custom_id: inv.customId, style: 1, max_values: 25, min_values: 0 } : undefined);
    if (!component) throw new SimulatorUsageError(`Message ${id} has no component "${inv.customId}"`);
    if (component.disabled) throw new SimulatorUsageError(`Component "${inv.customId}" is disabled`);
    return { message, ctx, component };
  }

  #selectResolved(ctx: InteractionContext, type: number, values: string[]): Json {
    const { world } = this.#host;
    const users: Json = {};
    const members: Json = {};
    const roles: Json = {};
    const channels: Json = {};
    for (const v of values) {
      const user = type === 5 || type === 7 ? world.users.get(v) : undefined;
      const role = type === 6 || type === 7 ? ctx.guild?.roles.find((r) => r.id === v) : undefined;
      const channel = type === 8 ? world.channels.get(v) : undefined;
      if (user) {
        users[v] = { id: user.id, username: user.username, discriminator: '0', global_name: user.globalName, avatar: null };
        const member = ctx.guild ? world.member(ctx.guild.id, v) : undefined;
        if (member) members[v] = { roles: member.roleIds, joined_at: member.joinedAt, nick: member.nick, permissions: world.permissionsIn(ctx.channel.id, v).toString() };
      } else if (role) {
        roles[v] = { id: role.id, name: role.name, permissions: role.permissions.toString(), position: role.position, color: role.color, hoist: role.hoist, managed: role.botId !== undefined, mentionable: role.mentionable, flags: 0 };
      } else if (channel) {
        channels[v] = { id: channel.id, name: channel.name, type: channel.type, permissions: world.permissionsIn(channel.id, ctx.user.id).toString(), flags: 0 };
      } else {
        throw new SimulatorUsageError(`Select value ${v} does not name a known entity`);
      }
    }
    return { users, members, roles, channels };
  }

  #startComponent(ctx: InteractionContext, message: SimMessage, data: Json): Promise<InteractionResult> {
    const metadata = this.#metadata(InteractionType.MessageComponent, ctx, { interacted_message_id: message.id });
    return this.#start(InteractionType.MessageComponent, ctx, data, metadata, { message });
  }

  #metadata(type: number, ctx: InteractionContext, extra: Record<string, unknown>): SimInteractionMetadata {
    return {
      id: '',
      type,
      user: author(ctx.user),
      authorizing_integration_owners: ctx.authorizingOwners,
      ...extra,
    };
  }

  #start(
    type: number,
    ctx: InteractionContext,
    data: Json,
    metadata: SimInteractionMetadata,
    o: { message?: SimMessage; commandName?: string; uploads?: SimAttachment[] },
  ): Promise<InteractionResult> {
    const { world, gateway, applicationId } = this.#host;
    const id = world.nextId();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(24).toString('base64url')}`;
    metadata.id = id;
    const payload = interactionPayload(world, ctx, {
      id,
      token,
      type,
      applicationId,
      data,
      ...(o.message ? { message: o.message } : {}),
    });
    const result = new LiveInteractionResult(id, token);
    return new Promise<InteractionResult>((resolve) => {
      let settled = false;
      const state: InteractionState = {
        id,
        token,
        type,
        ctx,
        createdAt: this.#host.clock.now(),
        acknowledged: false,
        deadlinePassed: false,
        ...(o.message ? { sourceMessageId: o.message.id } : {}),
        followUpIds: new Set(),
        ...(o.commandName ? { commandName: o.commandName } : {}),
        metadata,
        result,
        settleInitial: () => {
          if (settled) return;
          settled = true;
          clearTimeout(state.timer);
          resolve(result);
        },
        timer: setTimeout(() => {
          state.deadlinePassed = true;
          if (!state.acknowledged) {
            result.outcome = result.errors.length > 0 ? 'error' : 'noResponse';
            this.#host.changed(result);
          }
          state.settleInitial();
        }, this.#host.deadlineMs),
      };
      state.timer.unref();
      this.#byId.set(id, state);
      this.#byToken.set(token, state);
      // files attached to options are on the CDN by the time the bot hears of the interaction
      this.#host.messages.keepUploads(ctx.channel.id, o.uploads ?? []);
      const delivered = gateway.dispatch(ctx.guild?.id ?? null, 'INTERACTION_CREATE', payload);
      if (delivered === 0) {
        clearTimeout(state.timer);
        this.#byId.delete(id);
        this.#byToken.delete(token);
        this.#host.messages.dropUploads(ctx.channel.id, o.uploads ?? []);
        throw new SimulatorUsageError('No gateway session would receive this interaction: is the bot logged in (on that shard)?');
      }
    });
  }

  // ---- the bot's side (REST) ----

  #record(state: InteractionState | undefined, err: unknown, method: string, route: string): void {
    if (!state || !(err instanceof ApiError)) return;
    const entry = {
      status: err.status,
      code: err.code,
      message: err.message,
      ...(err.errors ? { errors: err.errors } : {}),
      method,
      route,
    };
    state.result.errors.push(entry);
    state.result.error ??= entry;
    state.result.changed();
    this.#host.changed(state.result);
  }

  /** POST /interactions/{id}/{token}/callback */
  callback(id: string, token: string, body: unknown, files: UploadedFile[], withResponse: boolean, route: string): CallbackAnswer {
    const state = this.#byId.get(id);
    try {
      if (!state || state.token !== token || state.deadlinePassed) throw Errors.unknownInteraction();
      if (state.acknowledged) throw Errors.alreadyAcknowledged();
      return this.#applyCallback(state, body, files, withResponse);
    } catch (err) {
      this.#record(state && state.token === token ? state : undefined, err, 'POST', route);
      throw err;
    }
  }

  #applyCallback(state: InteractionState, body: unknown, files: UploadedFile[], withResponse: boolean): CallbackAnswer {
    const errors = new FormErrors();
    if (!isRecord(body)) {
      errors.add(['type'], E.required());
      errors.throwIfAny();
      throw Errors.badJson();
    }
    const type = body.type;
    const allowed: Record<number, number[]> = {
      [InteractionType.ApplicationCommand]: [4, 5, 9],
      [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
      [InteractionType.Autocomplete]: [8],
      [InteractionType.ModalSubmit]: state.sourceMessageId ? [4, 5, 6, 7] : [4, 5],
    };
    if (typeof type !== 'number' || !(allowed[state.type] ?? []).includes(type)) {
      errors.add(['type'], E.choices(allowed[state.type] ?? []));
      errors.throwIfAny();
    }
    const data = isRecord(body.data) ? body.data : {};
    const { messages } = this.#host;
    const result = state.result;
    let resourceMessage: SimMessage | undefined;
    switch (type) {
      case Callback.ChannelMessage: {
        checkMessageBody(errors, ['data'], data);
        errors.throwIfAny();
        const message = this.#createResponse(state, data, files, false);
        result.outcome = 'replied';
        resourceMessage = message;
        break;
      }
      case Callback.DeferredChannelMessage: {
        const message = this.#createResponse(state, data, [], true);
        result.outcome = 'deferred';
        resourceMessage = message;
        break;
      }
      case Callback.DeferredUpdate: {
        const source = this.#source(state);
        state.originalId = source.id;
        result.message = source;
        result.deferredBaseline = source.editCount;
        result.ephemeral = source.ephemeral;
        result.outcome = 'deferredUpdate';
        break;
      }
      case Callback.UpdateMessage: {
        checkMessageBody(errors, ['data'], data);
        errors.throwIfAny();
        const source = this.#source(state);
        messages.edit(source, data, files);
        state.originalId = source.id;
        result.message = source;
        result.ephemeral = source.ephemeral;
        result.outcome = 'updated';
        resourceMessage = source;
        break;
      }
      case Callback.Autocomplete: {
        checkChoices(errors, ['data', 'choices'], data.choices);
        errors.throwIfAny();
        result.choices = structuredClone(data.choices) as AutocompleteChoice[];
        result.outcome = 'autocomplete';
        break;
      }
      case Callback.Modal: {
        checkModal(errors, ['data'], data);
        errors.throwIfAny();
        const modal = structuredClone(data) as unknown as SimModal;
        result.modal = modal;
        result.outcome = 'modal';
        this.#openModals.push({
          userId: state.ctx.user.id,
          modal,
          ctx: state.ctx,
          ...(state.sourceMessageId ? { sourceMessageId: state.sourceMessageId } : {}),
          metadata: state.metadata,
        });
        break;
      }
      default:
        break;
    }
    state.acknowledged = true;
    result.callback = { type: type as number, ...(body.data !== undefined ? { data: structuredClone(data) } : {}) };
    result.changed();
    this.#host.changed(result);
    state.settleInitial();
    if (!withResponse) return { status: 204 };
    const interaction: Json = {
      id: state.id,
      type: state.type,
      activity_instance_id: null,
      channel_id: state.ctx.channel.id,
      ...(state.ctx.guild ? { guild_id: state.ctx.guild.id } : {}),
    };
    if (resourceMessage) {
      interaction.response_message_id = resourceMessage.id;
      interaction.response_message_loading = (resourceMessage.flags & MessageFlag.Loading) !== 0;
      interaction.response_message_ephemeral = resourceMessage.ephemeral;
    }
    return {
      status: 200,
      body: {
        interaction,
        ...(resourceMessage ? { resource: { type, message: apiMessage(resourceMessage) } } : {}),
      },
    };
  }

  #source(state: InteractionState): SimMessage {
    const source = state.sourceMessageId ? this.#host.world.messagesById.get(state.sourceMessageId) : undefined;
    if (!source) throw Errors.unknownMessage();
    return source;
  }

  #createResponse(state: InteractionState, data: Record<string, unknown>, files: UploadedFile[], deferred: boolean): SimMessage {
    const flags = typeof data.flags === 'number' ? data.flags : 0;
    const ephemeral = (flags & MessageFlag.Ephemeral) !== 0;
    const message = this.#host.messages.create({
      channel: state.ctx.channel,
      author: this.#host.world.botUser,
      body: deferred ? { flags } : data,
      files,
      type: state.type === InteractionType.ApplicationCommand ? 20 : 0,
      ephemeral,
      ...(ephemeral ? { recipientId: state.ctx.user.id } : {}),
      interactionMetadata: state.metadata,
      webhookId: this.#host.applicationId,
      applicationId: this.#host.applicationId,
      ...(deferred ? { extraFlags: MessageFlag.Loading, allowEmpty: true } : {}),
    });
    state.originalId = message.id;
    state.result.message = message;
    state.result.ephemeral = ephemeral;
    return message;
  }

  /** The interaction behind a webhook token; 10015 when unknown, not yet acknowledged, or older than 15 minutes. */
  #webhook(applicationId: string, token: string): InteractionState {
    const state = this.#byToken.get(token);
    if (!state || applicationId !== this.#host.applicationId || !state.acknowledged) throw Errors.unknownWebhook();
    if (this.#host.clock.now() - state.createdAt >= TOKEN_LIFETIME_MS) throw Errors.unknownWebhook();
    return state;
  }

  #webhookMessage(state: InteractionState, which: string): SimMessage {
    const id = which === '@original' ? state.originalId : which;
    if (!id || (which !== '@original' && id !== state.originalId && !state.followUpIds.has(id))) throw Errors.unknownMessage();
    const message = this.#host.world.messagesById.get(id);
    if (!message) throw Errors.unknownMessage();
    return message;
  }

  #guard<T>(applicationId: string, token: string, method: string, route: string, fn: (state: InteractionState) => T): T {
    const state = this.#byToken.get(token);
    try {
      return fn(this.#webhook(applicationId, token));
    } catch (err) {
      this.#record(state, err, method, route);
      throw err;
    }
  }

  /** POST /webhooks/{app}/{token}: a follow-up (the first one after a deferral replaces "thinking…"). */
  followUp(applicationId: string, token: string, body: unknown, files: UploadedFile[], route: string): SimMessage {
    return this.#guard(applicationId, token, 'POST', route, (state) => {
      const data = isRecord(body) ? body : {};
      const errors = new FormErrors();
      checkMessageBody(errors, [], data);
      errors.throwIfAny();
      const result = state.result;
      const original = state.originalId ? this.#host.world.messagesById.get(state.originalId) : undefined;
      if (result.outcome === 'deferred' && original && (original.flags & MessageFlag.Loading) !== 0) {
        this.#host.messages.edit(original, { ...data, content: typeof data.content === 'string' ? data.content : '' }, files, MessageFlag.Loading);
        result.changed();
        this.#host.changed(result);
        return original;
      }
      const flags = typeof data.flags === 'number' ? data.flags : 0;
      const ephemeral = (flags & MessageFlag.Ephemeral) !== 0;
      const message = this.#host.messages.create({
        channel: state.ctx.channel,
        author: this.#host.world.botUser,
        body: data,
        files,
        type: 0,
        ephemeral,
        ...(ephemeral ? { recipientId: state.ctx.user.id } : {}),
        interactionMetadata: state.metadata,
        webhookId: this.#host.applicationId,
        applicationId: this.#host.applicationId,
      });
      state.followUpIds.add(message.id);
      result.followUps.push(message);
      result.changed();
      this.#host.changed(result);
      return message;
    });
  }

  /** GET /webhooks/{app}/{token}/messages/{id|@original} */
  getMessage(applicationId: string, token: string, which: string, route: string): SimMessage {
    return this.#guard(applicationId, token, 'GET', route, (state) => this.#webhookMessage(state, which));
  }

  /** PATCH /webhooks/{app}/{token}/messages/{id|@original} */
  editMessage(applicationId: string, token: string, which: string, body: unknown, files: UploadedFile[], route: string): SimMessage {
    return this.#guard(applicationId, token, 'PATCH', route, (state) => {
      const message = this.#webhookMessage(state, which);
      const data = isRecord(body) ? body : {};
      const errors = new FormErrors();
      checkMessageBody(errors, [], { ...data, flags: message.flags | (typeof data.flags === 'number' ? data.flags : 0) });
      errors.throwIfAny();
      this.#host.messages.edit(message, data, files, MessageFlag.Loading);
      state.result.changed();
      this.#host.changed(state.result);
      return message;
    });
  }

  /** DELETE /webhooks/{app}/{token}/messages/{id|@original} */
  deleteMessage(applicationId: string, token: string, which: string, route: string): void {
    this.#guard(applicationId, token, 'DELETE', route, (state) => {
      const message = this.#webhookMessage(state, which);
      this.#host.messages.delete(message);
      if (message.id === state.originalId) state.result.responseDeleted = true;
      state.result.followUps = state.result.followUps.filter((m) => m !== message);
      state.result.changed();
      this.#host.changed(state.result);
    });
  }

  /** Stops every deadline timer. */
  close(): void {
    for (const state of this.#byId.values()) clearTimeout(state.timer);
    this.#byId.clear();
    this.#byToken.clear();
    this.#openModals = [];
  }
}
