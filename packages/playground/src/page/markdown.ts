/**
 * Discord's message markdown, drawn as DOM nodes (never as HTML strings): bold, italic, underline,
 * strikethrough, spoilers, inline code and code blocks, quotes, headings, subtext, lists, links,
 * mentions, command mentions (`</kiss-daily set:id>`), links to a message of this server (drawn as
 * Discord draws them: "#channel › 💬") and `<t:…>` timestamps.
 */
import type { PlayLocale } from '../api-types.js';
import { h, type Child } from './dom.js';
import { label } from './labels.js';
import { discordTimestamp } from './time.js';

/** What markdown needs to know to name mentions and show times. */
export interface MarkdownContext {
  userName(id: string): string | undefined;
  roleName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** The member's language, for `<t:…>` timestamps and the page's own words. */
  locale: PlayLocale;
  /** Simulated now, epoch ms. */
  now: number;
  /**
   * Opens a `https://discord.com/channels/guild/channel/message` link inside the page; false when
   * the link is not to this server (then it opens as a normal link).
   */
  openMessageLink?: (guildId: string, channelId: string, messageId: string) => boolean;
  /** The server the page shows: a link to one of its messages is drawn as a mention. */
  guildId?: string;
  /**
   * A command mention as the member's client shows it ("/kiss-daily 설정" for a Korean member), or
   * undefined when no registered command has that id.
   */
  commandLabel?: (commandId: string, path: string) => string | undefined;
  /** Opens a mentioned command in the message box, as clicking a command mention does. */
  openCommand?: (path: string) => void;
}

const MESSAGE_LINK = /^https:\/\/(?:\w+\.)?discord(?:app)?\.com\/channels\/(\d+)\/(\d+)\/(\d+)$/;

const INLINE_SOURCE = [
  /(`+)([\s\S]*?[^`])\1(?!`)/.source, // 1, 2: inline code
  /\*\*([\s\S]+?)\*\*(?!\*)/.source, // 3: bold
  /__([\s\S]+?)__(?!_)/.source, // 4: underline
  /\*([^*\s](?:[\s\S]*?[^*\s])?)\*(?!\*)/.source, // 5: italic *
  /\b_([^_]+?)_\b/.source, // 6: italic _
  /~~([\s\S]+?)~~/.source, // 7: strikethrough
  /\|\|([\s\S]+?)\|\|/.source, // 8: spoiler
  /\[([^\]\n]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)/.source, // 9, 10: masked link
  /<(https?:\/\/[^\s>]+)>/.source, // 11: link without preview
  /(https?:\/\/[^\s<]+[^\s<.,:;"')\]])/.source, // 12: bare link
  /<@!?(\d+)>/.source, // 13: user
  /<@&(\d+)>/.source, // 14: role
  /<#(\d+)>/.source, // 15: channel
  /<t:(-?\d{1,13})(?::([tTdDfFR]))?>/.source, // 16, 17: timestamp
  /<a?:(\w+):\d+>/.source, // 18: custom emoji
  /<\/([^\s:<>]+(?: [^\s:<>]+){0,2}):(\d+)>/.source, // 19, 20: command mention
].join('|');

/**
 * A bare link to a message of this server, as Discord draws it: a mention of the channel with a
 * message icon ("#kdrama › 💬"), which opens the message.
 */
function messageLinkMention(href: string, ctx: MarkdownContext): HTMLElement | undefined {
  const target = MESSAGE_LINK.exec(href);
  if (!target || target[1] !== ctx.guildId) return undefined;
  const name = ctx.channelName(target[2] ?? '');
  if (name === undefined) return undefined;
  const a = link(href, ctx, `#${name}`, h('span', { class: 'md-message-link-arrow' }, '›'), '💬');
  a.className = 'md-mention md-message-link';
  a.dataset.testid = 'message-link';
  a.title = href;
  return a;
}

function commandMention(path: string, id: string, ctx: MarkdownContext): HTMLElement {
  const label = ctx.commandLabel?.(id, path);
  const el = h('span', { class: 'md-mention md-command', 'data-testid': 'command-mention', 'data-command': path, role: 'button', tabindex: 0 }, label ?? `/${path}`);
  const open = ctx.openCommand;
  if (label !== undefined && open) {
    el.addEventListener('click', () => open(path));
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') open(path);
    });
  }
  return el;
}

function link(href: string, ctx: MarkdownContext, ...children: Child[]): HTMLElement {
  const a = h('a', { class: 'md-link', href, target: '_blank', rel: 'noopener noreferrer' }, ...children);
  const target = MESSAGE_LINK.exec(href);
  if (target && ctx.openMessageLink) {
    const [, guildId = '', channelId = '', messageId = ''] = target;
    const open = ctx.openMessageLink;
    a.addEventListener('click', (e) => {
      if (open(guildId, channelId, messageId)) e.preventDefault();
    });
  }
  return a;
}

/** Inline markdown of one line (or a span of lines inside a quote). */
export function inline(text: string, ctx: MarkdownContext): Node[] {
  const out: Node[] = [];
  let last = 0;
  // A fresh regex per call: the nested calls for bold, links… must not move this loop's position.
  const re = new RegExp(INLINE_SOURCE, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    last = m.index + m[0].length;
    const g = m;
    if (g[2] !== undefined) out.push(h('code', { class: 'md-code' }, g[2]));
    else if (g[3] !== undefined) out.push(h('strong', {}, ...inline(g[3], ctx)));
    else if (g[4] !== undefined) out.push(h('u', {}, ...inline(g[4], ctx)));
    else if (g[5] !== undefined) out.push(h('em', {}, ...inline(g[5], ctx)));
    else if (g[6] !== undefined) out.push(h('em', {}, ...inline(g[6], ctx)));
    else if (g[7] !== undefined) out.push(h('s', {}, ...inline(g[7], ctx)));
    else if (g[8] !== undefined) {
      const spoiler = h('span', { class: 'md-spoiler', title: label(ctx.locale, 'spoiler') }, ...inline(g[8], ctx));
      spoiler.addEventListener('click', () => spoiler.classList.add('revealed'));
      out.push(spoiler);
    } else if (g[9] !== undefined && g[10] !== undefined) out.push(link(g[10], ctx, ...inline(g[9], ctx)));
    else if (g[11] !== undefined) out.push(messageLinkMention(g[11], ctx) ?? link(g[11], ctx, g[11]));
    else if (g[12] !== undefined) out.push(messageLinkMention(g[12], ctx) ?? link(g[12], ctx, g[12]));
    else if (g[13] !== undefined) out.push(h('span', { class: 'md-mention' }, `@${ctx.userName(g[13]) ?? 'unknown-user'}`));
    else if (g[14] !== undefined) out.push(h('span', { class: 'md-mention' }, `@${ctx.roleName(g[14]) ?? 'unknown-role'}`));
    else if (g[15] !== undefined) out.push(h('span', { class: 'md-mention' }, `#${ctx.channelName(g[15]) ?? 'unknown'}`));
    else if (g[16] !== undefined) {
      const seconds = Number(g[16]);
      out.push(
        h(
          'time',
          { class: 'md-time', datetime: new Date(seconds * 1000).toISOString() },
          discordTimestamp(seconds, g[17], ctx.locale, ctx.now),
        ),
      );
    } else if (g[18] !== undefined) out.push(document.createTextNode(`:${g[18]}:`));
    else if (g[19] !== undefined && g[20] !== undefined) out.push(commandMention(g[19], g[20], ctx));
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/** A whole message text or embed text: code blocks, quotes, headings, lists and lines. */
export function markdown(text: string, ctx: MarkdownContext): DocumentFragment {
  const frag = document.createDocumentFragment();
  const parts = text.split(/```(?:[\w+-]*\n)?([\s\S]*?)```/);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      frag.appendChild(h('pre', { class: 'md-pre' }, part.replace(/\n$/, '')));
      return;
    }
    const lines = part.split('\n');
    // A code block's own line breaks are not extra lines.
    if (i > 0 && lines[0] === '') lines.shift();
    if (i < parts.length - 1 && lines[lines.length - 1] === '') lines.pop();
    let quote: string[] = [];
    const flushQuote = () => {
      if (!quote.length) return;
      const block = h('div', { class: 'md-quote' });
      for (const q of quote) block.appendChild(h('div', { class: 'md-line' }, ...inline(q, ctx)));
      frag.appendChild(block);
      quote = [];
    };
    for (const line of lines) {
      const q = /^>\s?(.*)$/.exec(line);
      if (q) {
        quote.push(q[1] ?? '');
        continue;
      }
      flushQuote();
      const heading = /^(#{1,3})\s+(.+)$/.exec(line);
      const subtext = /^-#\s+(.+)$/.exec(line);
      const item = /^\s*[-*]\s+(.+)$/.exec(line);
      if (heading?.[1] && heading[2] !== undefined) {
        frag.appendChild(h('div', { class: `md-h${heading[1].length}` }, ...inline(heading[2], ctx)));
      } else if (subtext?.[1] !== undefined) {
        frag.appendChild(h('div', { class: 'md-subtext' }, ...inline(subtext[1], ctx)));
      } else if (item?.[1] !== undefined) {
        frag.appendChild(h('div', { class: 'md-list-item' }, ...inline(item[1], ctx)));
      } else {
        frag.appendChild(h('div', { class: 'md-line' }, ...inline(line, ctx)));
      }
    }
    flushQuote();
  });
  return frag;
}
