/**
 * Pure conversions from the simulator's records to the JSON the page gets: messages with their
 * media pointing at the playground, commands, modals and interaction summaries.
 */
import type { StoredCommand, StoredOption } from '@kiss-scene-bot/discord-simulator';
import type {
  InteractionResult,
  SimAttachment,
  SimComponent,
  SimEmbed,
  SimMessage,
  SimModal,
} from '@kiss-scene-bot/discord-simulator';
import type {
  PlayAttachment,
  PlayCommand,
  PlayCommandOption,
  PlayEmbed,
  PlayInteractionSummary,
  PlayMessage,
  PlayModal,
} from './api-types.js';

/** Discord's LOADING message flag: a deferred reply still "thinking". */
export const LOADING_FLAG = 1 << 7;
/** Interaction type of slash commands. */
const APPLICATION_COMMAND = 2;

/** Where the page finds things on the playground server. */
export const PATHS = {
  api: '/play/api',
  avatar: (userId: string) => `/play/avatars/${userId}.svg`,
  attachment: (a: Pick<SimAttachment, 'id' | 'filename'>, channelId: string) =>
    `/play/api/attachments/${channelId}/${a.id}/${encodeURIComponent(a.filename)}`,
  /** Shown instead of an image on another host: the page loads nothing from outside 127.0.0.1. */
  externalImage: '/play/assets/external-image.svg',
} as const;

/** The display name of a message author or interaction user. */
function displayName(a: { username: string; global_name: string | null }): string {
  return a.global_name ?? a.username;
}

/**
 * Maps an embed media URL: `attachment://name` to the stored file (recording it as shown), another
 * host to the local placeholder. Anything else (data:) is left alone.
 */
function mediaUrl(url: string, m: SimMessage, shown: Set<string>): string {
  if (url.startsWith('attachment://')) {
    const name = url.slice('attachment://'.length);
    const found = m.attachments.find((a) => a.filename === name);
    if (!found) return PATHS.externalImage;
    shown.add(found.id);
    return PATHS.attachment(found, m.channel_id);
  }
  if (/^https?:\/\//i.test(url)) return PATHS.externalImage;
  return url;
}

function embedView(e: SimEmbed, m: SimMessage, shown: Set<string>): PlayEmbed {
  const out: PlayEmbed = {};
  if (e.title !== undefined) out.title = e.title;
  if (e.description !== undefined) out.description = e.description;
  if (e.url !== undefined) out.url = e.url;
  if (e.color !== undefined) out.color = e.color;
  if (e.timestamp !== undefined) out.timestamp = e.timestamp;
  if (e.fields) out.fields = e.fields.map((f) => ({ name: f.name, value: f.value, ...(f.inline ? { inline: true } : {}) }));
  if (e.footer) {
    out.footer = { text: e.footer.text, ...(e.footer.icon_url ? { icon_url: mediaUrl(e.footer.icon_url, m, shown) } : {}) };
  }
  if (e.author) {
    out.author = {
      name: e.author.name,
      ...(e.author.url ? { url: e.author.url } : {}),
      ...(e.author.icon_url ? { icon_url: mediaUrl(e.author.icon_url, m, shown) } : {}),
    };
  }
  if (e.image?.url) out.image = { url: mediaUrl(e.image.url, m, shown) };
  if (e.thumbnail?.url) out.thumbnail = { url: mediaUrl(e.thumbnail.url, m, shown) };
  return out;
}

/**
 * A message as the page shows it. `wasDeferred` tells whether it began as a deferred reply's
 * "thinking" placeholder: its first edit is the answer itself, which Discord does not mark "(edited)".
 */
export function messageView(m: SimMessage, wasDeferred: (id: string) => boolean = () => false): PlayMessage {
  const shown = new Set<string>();
  const embeds = m.embeds.map((e) => embedView(e, m, shown));
  const attachments: PlayAttachment[] = m.attachments
    .filter((a) => !shown.has(a.id))
    .map((a) => ({
      id: a.id,
      filename: a.filename,
      url: PATHS.attachment(a, m.channel_id),
      size: a.size,
      ...(a.content_type ? { contentType: a.content_type } : {}),
      ...(a.description ? { description: a.description } : {}),
    }));
  const meta = m.interaction_metadata;
  return {
    id: m.id,
    channelId: m.channel_id,
    author: { id: m.author.id, name: displayName(m.author), bot: m.author.bot === true, avatar: PATHS.avatar(m.author.id) },
    content: m.content,
    embeds,
    components: structuredClone(m.components),
    attachments,
    ephemeral: m.ephemeral,
    ...(m.recipientId ? { recipientId: m.recipientId } : {}),
    loading: (m.flags & LOADING_FLAG) !== 0,
    // Discord shows "(edited)" after the text: a message without text never shows it.
    edited: m.content.length > 0 && m.editCount - (wasDeferred(m.id) ? 1 : 0) > 0,
    version: m.editCount,
    timestamp: m.timestamp,
    ...(meta && meta.type === APPLICATION_COMMAND
      ? {
          interaction: {
            userId: meta.user.id,
            userName: displayName(meta.user),
            userAvatar: PATHS.avatar(meta.user.id),
            ...(meta.name ? { commandName: meta.name } : {}),
          },
        }
      : {}),
  };
}

/** Whether `viewerId` sees the message: everyone sees public ones, only the recipient an ephemeral one. */
export function visibleTo(m: Pick<SimMessage, 'ephemeral' | 'recipientId'>, viewerId: string | undefined): boolean {
  return !m.ephemeral || (viewerId !== undefined && m.recipientId === viewerId);
}

function optionView(o: StoredOption): PlayCommandOption {
  const out: PlayCommandOption = { type: o.type, name: o.name, description: o.description };
  const extra = o as StoredOption & Pick<PlayCommandOption, 'name_localizations' | 'description_localizations'>;
  if (extra.name_localizations) out.name_localizations = extra.name_localizations;
  if (extra.description_localizations) out.description_localizations = extra.description_localizations;
  if (o.required) out.required = true;
  if (o.autocomplete) out.autocomplete = true;
  if (o.choices) {
    out.choices = o.choices.map((c) => ({
      name: c.name,
      value: c.value,
      ...(c.name_localizations ? { name_localizations: c.name_localizations as Record<string, string> } : {}),
    }));
  }
  if (o.options) out.options = o.options.map(optionView);
  for (const key of ['channel_types', 'min_value', 'max_value', 'min_length', 'max_length'] as const) {
    if (o[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = o[key];
  }
  return out;
}

/** A registered command as the page's slash menu needs it. */
export function commandView(c: StoredCommand): PlayCommand {
  const extra = c as StoredCommand & Pick<PlayCommand, 'name_localizations' | 'description_localizations'>;
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    ...(extra.name_localizations ? { name_localizations: extra.name_localizations } : {}),
    ...(extra.description_localizations ? { description_localizations: extra.description_localizations } : {}),
    ...(c.options ? { options: c.options.map(optionView) } : {}),
    default_member_permissions: c.default_member_permissions,
    contexts: c.contexts,
  };
}

/** Text inputs of a modal: in action rows (type 1) or, with Components V2, in labels (type 18). */
function textInputs(components: SimComponent[]): PlayModal['inputs'] {
  const inputs: PlayModal['inputs'] = [];
  const add = (input: SimComponent, label: string | undefined) => {
    if (input.type !== 4 || !input.custom_id) return;
    inputs.push({
      customId: input.custom_id,
      label: label ?? input.label ?? input.custom_id,
      style: input.style ?? 1,
      required: input.required !== false,
      ...(input.placeholder ? { placeholder: input.placeholder } : {}),
      ...(input.value !== undefined ? { value: input.value } : {}),
      ...(typeof input.min_length === 'number' ? { minLength: input.min_length } : {}),
      ...(typeof input.max_length === 'number' ? { maxLength: input.max_length } : {}),
    });
  };
  for (const c of components) {
    if (c.type === 1) for (const inner of c.components ?? []) add(inner, undefined);
    else if (c.type === 18 && c.component) add(c.component, c.label);
    else add(c, undefined);
  }
  return inputs;
}

/** A modal as the page's dialog needs it. */
export function modalView(modal: SimModal, channelId: string, messageId: string | undefined): PlayModal {
  return {
    customId: modal.custom_id,
    title: modal.title,
    inputs: textInputs(modal.components),
    channelId,
    ...(messageId ? { messageId } : {}),
  };
}

/** What the page is told about an interaction it started. */
export function interactionSummary(r: InteractionResult, modal?: PlayModal): PlayInteractionSummary {
  return {
    id: r.id,
    outcome: r.outcome,
    ephemeral: r.ephemeral,
    ...(r.message ? { messageId: r.message.id } : {}),
    ...(modal ? { modal } : {}),
    ...(r.error ? { error: { status: r.error.status, code: r.error.code, message: r.error.message } } : {}),
  };
}
