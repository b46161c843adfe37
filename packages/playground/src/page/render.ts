/**
 * Draws messages with the Discord web components (@skyra/discord-components-core): author and
 * time, "used /command" headers, markdown content, embeds, image and file attachments, buttons and
 * select menus, "Only you can see this", "(edited)" and the "is thinking…" placeholder.
 */
import type { PlayCommand, PlayCommandOption, PlayComponent, PlayEmbed, PlayLocale, PlayMessage, PlayState } from '../api-types.js';
import { h, type Child } from './dom.js';
import { label } from './labels.js';
import { markdown, type MarkdownContext } from './markdown.js';
import { messageTime } from './time.js';

/** What drawing needs besides the message, and where clicks go. */
export interface RenderContext extends MarkdownContext {
  state: PlayState;
  onClick(message: PlayMessage, customId: string): void;
  onSelect(message: PlayMessage, customId: string, values: string[]): void;
  onDismiss(messageId: string): void;
}

/**
 * A command mention as a member's client shows it: "/kiss-daily set", "/kiss-daily 설정" for a
 * Korean member. Undefined when no registered command has that id and name (Discord then shows
 * the mention as written, not as a command).
 */
export function commandLabel(commands: readonly PlayCommand[], id: string, path: string, locale: PlayLocale): string | undefined {
  const [name, ...rest] = path.split(' ');
  const command = commands.find((c) => c.id === id && c.name === name);
  if (!command) return undefined;
  const local = (x: { name: string; name_localizations?: Record<string, string> | null }) => (locale === 'ko' ? x.name_localizations?.ko : undefined) ?? x.name;
  const parts = [local(command)];
  let options: PlayCommandOption[] | undefined = command.options;
  for (const part of rest) {
    const found = options?.find((o) => o.name === part && (o.type === 1 || o.type === 2));
    if (!found) return undefined;
    parts.push(local(found));
    options = found.options;
  }
  return `/${parts.join(' ')}`;
}

const BUTTON_TYPES: Record<number, string> = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'destructive' };
const LINK_STYLE = 5;

function hex(colour: number | undefined): string | undefined {
  return colour === undefined ? undefined : `#${colour.toString(16).padStart(6, '0')}`;
}

function emojiText(emoji: PlayComponent['emoji']): string {
  if (!emoji?.name) return '';
  return emoji.id ? `:${emoji.name}: ` : `${emoji.name} `;
}

/**
 * Discord shows an embed's image in a box up to 400 px wide and 300 px high; the components' own
 * box is 300 px square, which shrinks a chart drawn for 400 px. Their style lives in the element's
 * shadow root, so ours is added there once it is drawn.
 */
let imageBox: CSSStyleSheet | undefined;
function showImageAsDiscordDoes(el: HTMLElement): void {
  imageBox ??= new CSSStyleSheet();
  if (!imageBox.cssRules.length) imageBox.replaceSync(':host .discord-embed-media .discord-embed-image { max-width: 400px; max-height: 300px; }');
  const sheet = imageBox;
  void (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
    const root = el.shadowRoot;
    if (root && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  });
}

/**
 * The few words the Discord components write themselves ("Only you can see this • Dismiss
 * message", "(edited)", "… used /command"), in the member's language. They live in the
 * components' shadow roots, fixed in English: once a component has drawn itself, its words are
 * put in the member's language there.
 */
function speakMemberLanguage(el: HTMLElement, locale: PlayLocale): void {
  if (locale === 'en-US') return;
  void (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
    const root = el.shadowRoot;
    if (!root) return;
    const ephemeral = root.querySelector('.discord-message-ephemeral');
    const onlyYou = [...(ephemeral?.childNodes ?? [])].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.includes('Only you can see this'));
    if (onlyYou) onlyYou.textContent = ` ${label(locale, 'onlyYou')} `;
    const dismiss = root.querySelector('.discord-message-ephemeral-link');
    if (dismiss) dismiss.textContent = label(locale, 'dismiss');
    const edited = root.querySelector('.discord-message-edited');
    if (edited) edited.textContent = label(locale, 'edited');
    const used = [...root.children].find((child) => child.tagName === 'SPAN' && child.textContent === ' used ');
    if (used) {
      used.textContent = label(locale, 'used');
      // An element of its own: bare text would join the template's line breaks, which the
      // component keeps (white-space: pre), and stand on a line of its own.
      const after = label(locale, 'usedAfter');
      if (after) root.querySelector('.discord-slash-command-name')?.after(Object.assign(document.createElement('span'), { textContent: after }));
    }
    el.dataset.language = locale;
  });
}

function embedElement(e: PlayEmbed, ctx: RenderContext): HTMLElement {
  const el = h('discord-embed', {
    slot: 'embeds',
    color: hex(e.color) ?? '#1e1f22',
    'embed-title': e.title,
    url: e.url,
    'author-name': e.author?.name,
    'author-url': e.author?.url,
    'author-image': e.author?.icon_url,
    image: e.image?.url,
    thumbnail: e.thumbnail?.url,
  });
  if (e.image?.url) showImageAsDiscordDoes(el);
  if (e.description) el.appendChild(h('discord-embed-description', { slot: 'description' }, markdown(e.description, ctx)));
  if (e.fields?.length) {
    const fields = h('discord-embed-fields', { slot: 'fields' });
    let run = 0;
    for (const f of e.fields) {
      run = f.inline ? run + 1 : 0;
      fields.appendChild(
        h(
          'discord-embed-field',
          { 'field-title': f.name, inline: f.inline === true, 'inline-index': f.inline ? ((run - 1) % 3) + 1 : undefined },
          markdown(f.value, ctx),
        ),
      );
    }
    el.appendChild(fields);
  }
  if (e.footer || e.timestamp) {
    const stamp = e.timestamp ? messageTime(e.timestamp, ctx.now, ctx.locale) : undefined;
    el.appendChild(h('discord-embed-footer', { slot: 'footer', 'footer-image': e.footer?.icon_url, timestamp: stamp }, e.footer?.text ?? ''));
  }
  return el;
}

function buttonElement(message: PlayMessage, c: PlayComponent, ctx: RenderContext): HTMLElement {
  const isLink = c.style === LINK_STYLE;
  const disabled = c.disabled === true || c.style === 6;
  const el = h(
    'discord-button',
    {
      type: BUTTON_TYPES[c.style ?? 2] ?? 'secondary',
      url: isLink ? c.url : undefined,
      disabled,
      'data-custom-id': c.custom_id,
    },
    `${emojiText(c.emoji)}${c.label ?? ''}`,
  );
  if (!isLink && !disabled && c.custom_id) {
    const id = c.custom_id;
    el.addEventListener('click', () => ctx.onClick(message, id));
  }
  return el;
}

/** The choices of a select menu: its own options, or the server's members, roles or channels. */
function selectOptions(c: PlayComponent, ctx: RenderContext): Array<{ label: string; value: string; description?: string; emoji?: string }> {
  const { state } = ctx;
  switch (c.type) {
    case 3:
      return (c.options ?? []).map((o) => ({
        label: o.label,
        value: o.value,
        ...(o.description ? { description: o.description } : {}),
        ...(o.emoji?.name ? { emoji: o.emoji.name } : {}),
      }));
    case 5:
      return state.members.map((m) => ({ label: m.name, value: m.id }));
    case 6:
      return state.roles.map((r) => ({ label: `@${r.name}`, value: r.id }));
    case 7:
      return [...state.members.map((m) => ({ label: m.name, value: m.id })), ...state.roles.map((r) => ({ label: `@${r.name}`, value: r.id }))];
    case 8:
      return state.channels.map((ch) => ({ label: `#${ch.name}`, value: ch.id }));
    default:
      return [];
  }
}

function selectElement(message: PlayMessage, c: PlayComponent, ctx: RenderContext): HTMLElement {
  const options = selectOptions(c, ctx);
  const chosen = (c.options ?? []).find((o) => o.default)?.label;
  const el = h('discord-string-select-menu', {
    placeholder: chosen ?? c.placeholder ?? label(ctx.locale, 'makeSelection'),
    disabled: c.disabled === true,
    'data-custom-id': c.custom_id,
  });
  for (const o of options) {
    const option = h('discord-string-select-menu-option', {
      label: o.label,
      description: o.description,
      emoji: o.emoji,
      'data-value': o.value,
    });
    if (c.custom_id && !c.disabled) {
      const id = c.custom_id;
      option.addEventListener('click', (e) => {
        // A click on the option's label also clicks the checkbox inside it: count the click once.
        if (e.composedPath()[0] instanceof HTMLInputElement) return;
        ctx.onSelect(message, id, [o.value]);
      });
    }
    el.appendChild(option);
  }
  return el;
}

/** Action rows and, for Components V2 messages, text displays, containers, sections and separators. */
function componentElements(message: PlayMessage, components: PlayComponent[], ctx: RenderContext): Child[] {
  return components.map((c): Child => {
    switch (c.type) {
      case 1: {
        const row = h('discord-action-row');
        for (const inner of c.components ?? []) {
          if (inner.type === 2) row.appendChild(buttonElement(message, inner, ctx));
          else row.appendChild(selectElement(message, inner, ctx));
        }
        return row;
      }
      case 10:
        return h('div', { class: 'v2-text' }, markdown(c.content ?? '', ctx));
      case 9:
      case 17:
        return h('div', { class: `v2-${c.type === 9 ? 'section' : 'container'}` }, ...componentElements(message, [...(c.components ?? []), ...(c.component ? [c.component] : [])], ctx));
      case 14:
        return h('hr', { class: 'v2-separator' });
      default:
        return null;
    }
  });
}

function attachmentElements(message: PlayMessage): HTMLElement | null {
  if (!message.attachments.length) return null;
  const box = h('discord-attachments', { slot: 'attachments' });
  for (const a of message.attachments) {
    if (a.contentType?.startsWith('image/') || /\.(png|jpe?g|gif|webp)$/i.test(a.filename)) {
      box.appendChild(h('discord-image-attachment', { url: a.url, alt: a.description ?? a.filename, 'custom-image-element': true }, h('img', { src: a.url, alt: a.description ?? a.filename, class: 'attachment-image' })));
    } else {
      box.appendChild(h('discord-file-attachment', { name: a.filename, bytes: a.size, href: a.url, target: '_blank' }));
    }
  }
  return box;
}

/** One message as a `<discord-message>`. */
export function messageElement(message: PlayMessage, ctx: RenderContext): HTMLElement {
  const el = h('discord-message', {
    author: message.author.name,
    avatar: message.author.avatar,
    bot: message.author.bot,
    ephemeral: message.ephemeral,
    edited: message.edited && !message.loading,
    timestamp: messageTime(message.timestamp, ctx.now, ctx.locale),
    'data-message-id': message.id,
    'data-testid': 'message',
  });
  speakMemberLanguage(el, ctx.locale);
  if (message.ephemeral) {
    (el as HTMLElement & { dismissMessageClicked?: () => void }).dismissMessageClicked = () => ctx.onDismiss(message.id);
  }
  if (message.interaction) {
    const command = h('discord-command', {
      slot: 'reply',
      author: message.interaction.userName,
      avatar: message.interaction.userAvatar,
      command: `/${message.interaction.commandName ?? 'command'}`,
    });
    speakMemberLanguage(command, ctx.locale);
    el.appendChild(command);
  }
  if (message.loading) {
    el.appendChild(h('span', { class: 'thinking' }, label(ctx.locale, 'thinking', { name: message.author.name })));
  } else if (message.content) {
    el.appendChild(h('div', { class: 'content' }, markdown(message.content, ctx)));
  }
  for (const e of message.embeds) el.appendChild(embedElement(e, ctx));
  const attachments = attachmentElements(message);
  if (attachments) el.appendChild(attachments);
  if (message.components.length) {
    el.appendChild(h('discord-attachments', { slot: 'components' }, ...componentElements(message, message.components, ctx)));
  }
  return el;
}

/** What Discord shows a member whose command got no answer in time ("The application did not respond"). */
export function failedCommandElement(
  note: { command: string; userName: string; userAvatar: string; text: string; detail?: string },
  ctx: RenderContext,
): HTMLElement {
  const el = h(
    'discord-message',
    {
      author: ctx.state.bot.name,
      avatar: ctx.state.bot.avatar,
      bot: true,
      ephemeral: true,
      timestamp: messageTime(new Date(ctx.now).toISOString(), ctx.now, ctx.locale),
      'data-testid': 'failed-interaction',
    },
    h('discord-command', { slot: 'reply', author: note.userName, avatar: note.userAvatar, command: `/${note.command}` }),
    h('div', { class: 'failed-note' }, `⚠ ${note.text}`),
    note.detail ? h('div', { class: 'dev-note' }, note.detail) : null,
  );
  speakMemberLanguage(el, ctx.locale);
  const command = el.querySelector<HTMLElement>('discord-command');
  if (command) speakMemberLanguage(command, ctx.locale);
  return el;
}
