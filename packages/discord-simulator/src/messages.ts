/** Creating, editing and deleting messages in the world, with attachments kept byte for byte. */
import { ApiError, E, Errors, FormErrors } from './errors.js';
import type { World } from './model.js';
import type { UploadedFile } from './multipart.js';
import { MessageFlag, isRecord } from './rules.js';
import { author } from './serialize.js';
import type {
  SimAttachment,
  SimChannel,
  SimComponent,
  SimEmbed,
  SimInteractionMetadata,
  SimMessage,
  SimUser,
} from './types.js';

/** Discord's default upload limit per file (10 MiB): what the bot may upload, what a member's client lets them attach, and the interactions' `attachment_size_limit`. */
export const MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Flags a sender may set on a new message. */
const SENDABLE_FLAGS = MessageFlag.SuppressEmbeds | MessageFlag.Ephemeral | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2;

/** Called after each change, so the simulator can dispatch and emit. */
export interface MessageHooks {
  created(m: SimMessage): void;
  updated(m: SimMessage): void;
  deleted(m: SimMessage): void;
}

/** Options of {@link Messages.create}. */
export interface CreateMessageOptions {
  channel: SimChannel;
  author: SimUser;
  body: Record<string, unknown>;
  files: UploadedFile[];
  /** Message type: 0 default, 20 chat input command response, 19 reply. */
  type?: number;
  ephemeral?: boolean;
  recipientId?: string;
  interactionMetadata?: SimInteractionMetadata;
  webhookId?: string;
  applicationId?: string;
  /** Extra flags the simulator sets itself (e.g. LOADING on a deferred reply). */
  extraFlags?: number;
  /** Skip the "empty message" check (deferred placeholders are empty). */
  allowEmpty?: boolean;
}

/** The message store's write side. */
export class Messages {
  readonly #world: World;
  readonly #hooks: MessageHooks;
  readonly #baseUrl: () => string;
  /** Files members attached to slash command options, by channel and attachment id (on no message). */
  readonly #uploads = new Map<string, Map<string, SimAttachment>>();

  constructor(world: World, hooks: MessageHooks, baseUrl: () => string) {
    this.#world = world;
    this.#hooks = hooks;
    this.#baseUrl = baseUrl;
  }

  /** Builds, stores and announces a message. Throws Discord errors for empty bodies and bad attachments. */
  create(o: CreateMessageOptions): SimMessage {
    const { body, channel } = o;
    const id = this.#world.nextId();
    const attachments = this.#attachments(channel.id, body, o.files, []);
    const flags = ((typeof body.flags === 'number' ? body.flags : 0) & SENDABLE_FLAGS) | (o.extraFlags ?? 0);
    const message: SimMessage = {
      id,
      type: o.type ?? 0,
      channel_id: channel.id,
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
      author: author(o.author),
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? (structuredClone(body.embeds) as SimEmbed[]).map(normalizeEmbed) : [],
      components: Array.isArray(body.components) ? (structuredClone(body.components) as SimComponent[]) : [],
      attachments,
      flags: o.ephemeral ? flags | MessageFlag.Ephemeral : flags & ~MessageFlag.Ephemeral,
      ephemeral: o.ephemeral ?? false,
      ...(o.recipientId ? { recipientId: o.recipientId } : {}),
      ...(o.interactionMetadata ? { interaction_metadata: o.interactionMetadata } : {}),
      ...(o.webhookId ? { webhook_id: o.webhookId } : {}),
      ...(o.applicationId ? { application_id: o.applicationId } : {}),
      ...(isRecord(body.message_reference) ? { message_reference: this.#reference(channel, body.message_reference) } : {}),
      edited_timestamp: null,
      timestamp: this.#world.nowIso(),
      editCount: 0,
      tts: body.tts === true,
      pinned: false,
    };
    if (!o.allowEmpty && isEmpty(message)) throw Errors.emptyMessage();
    this.#world.addMessage(message);
    this.#hooks.created(message);
    return message;
  }

  /** Applies an edit body to a message; `clearFlags` removes simulator flags such as LOADING. */
  edit(message: SimMessage, body: Record<string, unknown>, files: UploadedFile[], clearFlags = 0): SimMessage {
    const next = {
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      attachments: message.attachments,
      flags: message.flags & ~clearFlags,
    };
    if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) next.embeds = Array.isArray(body.embeds) ? (structuredClone(body.embeds) as SimEmbed[]).map(normalizeEmbed) : [];
    if ('components' in body) {
      next.components = Array.isArray(body.components) ? (structuredClone(body.components) as SimComponent[]) : [];
    }
    if ('attachments' in body || files.length > 0) {
      next.attachments = this.#attachments(message.channel_id, body, files, message.attachments);
    }
    if (typeof body.flags === 'number') {
      const changeable = MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2;
      next.flags = (next.flags & ~changeable) | (body.flags & changeable);
    }
    if (isEmpty({ ...message, ...next })) throw Errors.emptyMessage();
    Object.assign(message, next);
    message.edited_timestamp = this.#world.nowIso();
    message.editCount++;
    this.#hooks.updated(message);
    return message;
  }

  delete(message: SimMessage): void {
    this.#world.removeMessage(message);
    this.#hooks.deleted(message);
  }

  /** The bytes of a stored attachment (of a message, or a file attached to a command option), for the simulated CDN. */
  attachment(channelId: string, attachmentId: string): SimAttachment | undefined {
    for (const m of this.#world.messagesByChannel.get(channelId) ?? []) {
      const found = m.attachments.find((a) => a.id === attachmentId);
      if (found) return found;
    }
    return this.#uploads.get(channelId)?.get(attachmentId);
  }

  /**
   * An attachment for a file a member attached to a slash command option in `channelId`: a new id,
   * the CDN url, the byte size and the content type (given, or guessed from the name as for message
   * attachments). Nothing is stored until {@link keepUploads}.
   */
  prepareUpload(channelId: string, file: { filename: string; data: Buffer; contentType?: string }): SimAttachment {
    const id = this.#world.nextId();
    const attachment: SimAttachment = {
      id,
      filename: file.filename,
      size: file.data.length,
      url: `${this.#baseUrl()}/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`,
      data: file.data,
    };
    const contentType = contentTypeOf(file.filename, file.contentType);
    if (contentType) attachment.content_type = contentType;
    return attachment;
  }

  /** Puts prepared command-option files on the CDN of their channel (once the interaction is sent). */
  keepUploads(channelId: string, attachments: readonly SimAttachment[]): void {
    if (attachments.length === 0) return;
    let byId = this.#uploads.get(channelId);
    if (!byId) {
      byId = new Map();
      this.#uploads.set(channelId, byId);
    }
    for (const a of attachments) byId.set(a.id, a);
  }

  /** Takes command-option files off the CDN again (the interaction could not be sent). */
  dropUploads(channelId: string, attachments: readonly SimAttachment[]): void {
    const byId = this.#uploads.get(channelId);
    if (!byId) return;
    for (const a of attachments) byId.delete(a.id);
    if (byId.size === 0) this.#uploads.delete(channelId);
  }

  #reference(channel: SimChannel, ref: Record<string, unknown>): NonNullable<SimMessage['message_reference']> {
    const messageId = typeof ref.message_id === 'string' ? ref.message_id : undefined;
    const target = messageId ? this.#world.messagesById.get(messageId) : undefined;
    if (messageId && (!target || target.channel_id !== channel.id) && ref.fail_if_not_exists !== false) {
      const errors = new FormErrors();
      errors.add(['message_reference'], { code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' });
      errors.throwIfAny();
    }
    return {
      type: 0,
      channel_id: channel.id,
      ...(messageId ? { message_id: messageId } : {}),
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
    };
  }

  #attachments(
    channelId: string,
    body: Record<string, unknown>,
    files: UploadedFile[],
    existing: SimAttachment[],
  ): SimAttachment[] {
    const listed = Array.isArray(body.attachments) ? body.attachments.filter(isRecord) : undefined;
    const kept = listed
      ? existing.filter((a) => listed.some((l) => String(l.id) === a.id))
      : existing;
    const added: SimAttachment[] = [];
    const errors = new FormErrors();
    files.forEach((file, position) => {
      if (file.data.length > MAX_FILE_SIZE) {
        throw new ApiError(413, 40005, 'Request entity too large');
      }
      const index = file.index >= 0 ? file.index : position;
      const meta = listed?.find((l) => String(l.id) === String(index));
      const filename = typeof meta?.filename === 'string' && meta.filename ? meta.filename : file.filename;
      const id = this.#world.nextId();
      const attachment: SimAttachment = {
        id,
        filename,
        size: file.data.length,
        url: `${this.#baseUrl()}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
        data: file.data,
      };
      const contentType = contentTypeOf(filename, file.contentType);
      if (contentType) attachment.content_type = contentType;
      if (typeof meta?.description === 'string') attachment.description = meta.description;
      added.push(attachment);
    });
    const all = [...kept, ...added];
    if (all.length > 10) errors.add(['attachments'], E.maxLength(10));
    errors.throwIfAny();
    return all;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  pdf: 'application/pdf',
};

/** Like Discord: the uploaded type when it says something, else guessed from the file name. */
function contentTypeOf(filename: string, uploaded: string | undefined): string | undefined {
  if (uploaded && uploaded !== 'application/octet-stream') return uploaded;
  const ext = filename.includes('.') ? filename.split('.').pop()?.toLowerCase() : undefined;
  return (ext && CONTENT_TYPES[ext]) ?? uploaded;
}

/** Discord adds `type: 'rich'` and keeps the rest as sent. */
function normalizeEmbed(embed: SimEmbed): SimEmbed {
  return { type: 'rich', ...embed };
}

function isEmpty(m: Pick<SimMessage, 'content' | 'embeds' | 'components' | 'attachments'>): boolean {
  return m.content.length === 0 && m.embeds.length === 0 && m.components.length === 0 && m.attachments.length === 0;
}
