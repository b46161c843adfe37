/**
 * The playground page: a Discord-like view of the simulated server. It reads and acts only through
 * the playground's API (`/play/api/...`) and hears new messages, edits and clock jumps through
 * Server-Sent Events.
 */
import './config.js';
import './components.js';
import type {
  PlayChannel,
  PlayClock,
  PlayEvent,
  PlayInteractionSummary,
  PlayLocale,
  PlayMember,
  PlayMessage,
  PlayModal,
  PlayState,
} from '../api-types.js';
import { getJson, postJson } from './client.js';
import { Composer } from './composer.js';
import { byId, h } from './dom.js';
import { Drawers } from './drawers.js';
import { applyLabels, label, languageTag, type LabelKey } from './labels.js';
import { commandLabel, failedCommandElement, messageElement, type RenderContext } from './render.js';
import { clockText } from './time.js';

/** A note only the member sees, drawn by the page itself (Discord's client does the same). */
interface Note {
  viewerId: string;
  channelId: string;
  /** The message it follows (the newest one when it was made). */
  after: string | undefined;
  el: HTMLElement;
}

const state = await getJson<PlayState>('/state');
let member: PlayMember = state.members[0]!;
let channel: PlayChannel = state.channels[0]!;
const locales = new Map<string, PlayLocale>(state.members.map((m) => [m.id, m.locale]));
let clockOffset = state.clock.now - Date.now();
const simNow = (): number => Date.now() + clockOffset;
/** The member's language: the bot's answers and the page's own words follow it. */
const locale = (): PlayLocale => locales.get(member.id) ?? 'en-US';
const t = (key: LabelKey, vars?: Record<string, string | number>): string => label(locale(), key, vars);

const list = byId('messages');
const scroller = byId('scroller');
const shown = new Map<string, { message: PlayMessage; el: HTMLElement }>();
const dismissed = new Set<string>();
const notes: Note[] = [];
const unread = new Set<string>();

// ---- drawing ----

function renderContext(): RenderContext {
  return {
    state,
    locale: locale(),
    now: simNow(),
    userName: (id) => state.members.find((m) => m.id === id)?.name ?? (id === state.bot.id ? state.bot.name : undefined),
    roleName: (id) => state.roles.find((r) => r.id === id)?.name,
    channelName: (id) => state.channels.find((c) => c.id === id)?.name,
    guildId: state.guild.id,
    commandLabel: (id, path) => commandLabel(state.commands, id, path, locale()),
    openCommand: (path) => {
      if (!composer.open(path)) setStatus(t('cannotUse', { command: path }), true);
    },
    onClick: (message, customId) => void act('/click', message, { customId }),
    onSelect: (message, customId, values) => {
      redraw(message.id); // closes the open menu, as Discord does once a choice is made
      void act('/select', message, { customId, values });
    },
    openMessageLink: (guildId, channelId, messageId) => {
      const target = state.channels.find((c) => c.id === channelId);
      if (guildId !== state.guild.id || !target) return false;
      void (target.id === channel.id ? Promise.resolve() : selectChannel(target)).then(() => {
        const el = shown.get(messageId)?.el;
        followNewest = false;
        el?.scrollIntoView({ block: 'center' });
        el?.setAttribute('highlight', '');
      });
      return true;
    },
    onDismiss: (id) => {
      dismissed.add(id);
      shown.get(id)?.el.remove();
      shown.delete(id);
    },
  };
}

function nearBottom(): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
}

/**
 * Whether the channel follows its newest message. A `<discord-message>` draws itself a moment after
 * it is added (and its images later still), so scrolling once at insertion leaves the message
 * partly below the fold: while this holds, every change of the list's size scrolls to the bottom
 * again. Scrolling up lets go; scrolling back near the bottom follows again.
 */
let followNewest = true;
/** Where the last scroll left the channel: growing content moves nothing, so a smaller value is a scroll up. */
let lastTop = 0;

function stickToBottom(): void {
  scroller.scrollTop = scroller.scrollHeight;
  lastTop = scroller.scrollTop;
}

function scrollToBottom(): void {
  followNewest = true;
  stickToBottom();
  // What was just added draws itself before the next frame, and may end as tall as what it replaced
  // (a channel drawn again), leaving no resize to observe: scroll once more then.
  requestAnimationFrame(() => {
    if (followNewest) stickToBottom();
  });
}

scroller.addEventListener('scroll', () => {
  // A scroll event can arrive after the content grew: only a move up (the member's) lets go.
  if (scroller.scrollTop < lastTop - 1) followNewest = nearBottom();
  else if (nearBottom()) followNewest = true;
  lastTop = scroller.scrollTop;
});
new ResizeObserver(() => {
  if (followNewest) stickToBottom();
}).observe(list);

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Draws the channel from scratch: messages in order, with the member's notes where they were made. */
function renderAll(messages: PlayMessage[]): void {
  const ctx = renderContext();
  shown.clear();
  const children: HTMLElement[] = [];
  const ours = notes.filter((n) => n.viewerId === member.id && n.channelId === channel.id);
  children.push(...ours.filter((n) => n.after === undefined).map((n) => n.el));
  for (const message of [...messages].sort((a, b) => compareIds(a.id, b.id))) {
    if (dismissed.has(message.id)) continue;
    const el = messageElement(message, ctx);
    shown.set(message.id, { message, el });
    children.push(el, ...ours.filter((n) => n.after === message.id).map((n) => n.el));
  }
  if (!children.length) {
    children.push(h('div', { class: 'empty' }, t('channelStart', { channel: channel.name })));
  }
  list.replaceChildren(...children);
  scrollToBottom();
}

/** A new or edited message: replaced in place, or added at the end. */
function upsert(message: PlayMessage): void {
  if (message.channelId !== channel.id) {
    markUnread(message.channelId);
    return;
  }
  if (dismissed.has(message.id)) return;
  const current = shown.get(message.id);
  if (current && current.message.version > message.version) return;
  const stick = nearBottom();
  const el = messageElement(message, renderContext());
  if (current) current.el.replaceWith(el);
  else {
    list.querySelector('.empty')?.remove();
    list.appendChild(el);
  }
  shown.set(message.id, { message, el });
  if (stick || !current) scrollToBottom();
}

/** Draws a shown message again (e.g. to close its open menu). */
function redraw(id: string): void {
  const current = shown.get(id);
  if (!current) return;
  const el = messageElement(current.message, renderContext());
  current.el.replaceWith(el);
  shown.set(id, { message: current.message, el });
}

function remove(id: string): void {
  shown.get(id)?.el.remove();
  shown.delete(id);
}

function addNote(el: HTMLElement): void {
  const ids = [...shown.keys()].sort(compareIds);
  const note: Note = { viewerId: member.id, channelId: channel.id, after: ids[ids.length - 1], el };
  notes.push(note);
  (el as HTMLElement & { dismissMessageClicked?: () => void }).dismissMessageClicked = () => {
    el.remove();
    notes.splice(notes.indexOf(note), 1);
  };
  list.querySelector('.empty')?.remove();
  list.appendChild(el);
  scrollToBottom();
}

/** Loads the channel as the member sees it; `body[data-viewer][data-channel]` tells when it is drawn. */
async function loadMessages(): Promise<void> {
  const wanted = { channel: channel.id, member: member.id };
  delete document.body.dataset.viewer;
  delete document.body.dataset.channel;
  const messages = await getJson<PlayMessage[]>('/messages', { channel: channel.id, viewer: member.id });
  if (wanted.channel !== channel.id || wanted.member !== member.id) return;
  renderAll(messages);
  document.body.dataset.viewer = member.id;
  document.body.dataset.channel = channel.name;
}

// ---- what happens after an interaction ----

/** Shows Discord's answer to an interaction that failed; opens a modal the bot showed. */
function handleResult(summary: PlayInteractionSummary, command: string | undefined, source?: PlayMessage): void {
  if (summary.outcome === 'modal' && summary.modal) {
    openModal(summary.modal);
    return;
  }
  if (summary.outcome !== 'noResponse' && summary.outcome !== 'error') return;
  const detail = summary.error ? t('refusedDetail', { ...summary.error }) : undefined;
  if (command !== undefined) {
    addNote(
      failedCommandElement(
        { command, userName: member.name, userAvatar: member.avatar, text: t('noResponse'), ...(detail ? { detail } : {}) },
        renderContext(),
      ),
    );
    return;
  }
  const el = source ? shown.get(source.id)?.el : undefined;
  if (el) {
    el.querySelector('.failed-note')?.remove();
    el.appendChild(h('div', { slot: 'components', class: 'failed-note', 'data-testid': 'failed-interaction' }, `⚠ ${t('interactionFailed')}`));
  }
}

function setStatus(text: string, error = false): void {
  const status = byId('composer-status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

/** Clicks a button or picks from a menu as the member. */
async function act(path: '/click' | '/select', message: PlayMessage, extra: { customId: string; values?: string[] }): Promise<void> {
  try {
    const summary = await postJson<PlayInteractionSummary>(path, {
      memberId: member.id,
      locale: locale(),
      messageId: message.id,
      ...extra,
    });
    handleResult(summary, undefined, message);
  } catch (err) {
    setStatus(err instanceof Error ? err.message : String(err), true);
  }
}

// ---- modals ----

const modal = byId<HTMLDialogElement>('modal');
let openedModal: PlayModal | undefined;

function openModal(m: PlayModal): void {
  openedModal = m;
  byId('modal-title').textContent = m.title;
  const fields = byId('modal-fields');
  fields.replaceChildren();
  for (const input of m.inputs) {
    const id = `modal-input-${input.customId}`;
    const attrs = {
      id,
      name: input.customId,
      placeholder: input.placeholder,
      required: input.required,
      minlength: input.minLength,
      maxlength: input.maxLength,
      'data-testid': `modal-${input.customId}`,
    };
    const field = input.style === 2 ? h('textarea', { ...attrs, rows: 4 }) : h('input', { ...attrs, type: 'text' });
    (field as HTMLInputElement).value = input.value ?? '';
    // Discord marks a box that must be filled with a red asterisk.
    fields.append(h('label', { for: id }, input.label, input.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null), field);
  }
  // The first box has the focus, as in Discord (else the dialog would focus the scrolling list of boxes).
  fields.querySelector<HTMLElement>('input, textarea')?.setAttribute('autofocus', '');
  modal.showModal();
  fields.scrollTop = 0;
}

byId('modal-cancel').addEventListener('click', () => modal.close());
byId<HTMLFormElement>('modal-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const m = openedModal;
  if (!m) return;
  const form = e.currentTarget as HTMLFormElement;
  if (!form.reportValidity()) return;
  const values: Record<string, string> = {};
  for (const input of m.inputs) {
    values[input.customId] = (form.elements.namedItem(input.customId) as HTMLInputElement | null)?.value ?? '';
  }
  modal.close();
  void (async () => {
    try {
      const summary = await postJson<PlayInteractionSummary>('/modal', {
        memberId: member.id,
        locale: locale(),
        channelId: m.channelId,
        customId: m.customId,
        ...(m.messageId ? { messageId: m.messageId } : {}),
        fields: values,
      });
      handleResult(summary, undefined, m.messageId ? shown.get(m.messageId)?.message : undefined);
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err), true);
    }
  })();
});

// ---- live events ----

let source: EventSource | undefined;

/** After the stream dropped: a restarted playground is a new server (reload); otherwise catch up. */
async function reconnected(): Promise<void> {
  const now = await getJson<PlayState>('/state');
  if (now.guild.id !== state.guild.id) window.location.reload();
  else await loadMessages();
}

function connect(): void {
  source?.close();
  delete document.body.dataset.live;
  let dropped = false;
  source = new EventSource(`/play/api/events?viewer=${encodeURIComponent(member.id)}`);
  source.onopen = () => {
    document.body.dataset.live = 'true';
    if (dropped) void reconnected().catch(() => undefined);
  };
  source.onerror = () => {
    dropped = true;
    delete document.body.dataset.live;
  };
  source.onmessage = (e: MessageEvent<string>) => {
    const event = JSON.parse(e.data) as PlayEvent;
    if (event.kind === 'messageCreate' || event.kind === 'messageUpdate') upsert(event.message);
    else if (event.kind === 'messageDelete') remove(event.id);
    else if (event.kind === 'clock') setClock(event.clock);
  };
}

// ---- clock ----

const clockEl = byId('clock-now');

function drawClock(): void {
  const now = simNow();
  clockEl.textContent = clockText(now, locale());
  clockEl.setAttribute('datetime', new Date(now).toISOString());
  clockEl.dataset.now = String(now);
}

function setClock(clock: PlayClock): void {
  const jumped = Math.abs(clock.now - simNow()) > 2000;
  clockOffset = clock.now - Date.now();
  drawClock();
  // Message times ("Today at…", "in 3 hours") are relative to the clock: redraw them after a jump.
  if (jumped) renderAll([...shown.values()].map((s) => s.message));
}

/**
 * While the clock moves (the bot runs every timer that falls due, a day's worth in well under a
 * second), the buttons wait and "Moving time…" shows beside them and in the channel's header.
 */
function showMoving(moving: boolean): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-advance]')) b.disabled = moving;
  for (const el of document.querySelectorAll<HTMLElement>('.moving-time')) el.hidden = !moving;
  if (moving) document.body.dataset.moving = 'true';
  else delete document.body.dataset.moving;
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-advance]')) {
  button.addEventListener('click', () => {
    const ms = Number(button.dataset.advance);
    showMoving(true);
    postJson<PlayClock>('/clock/advance', { ms })
      .then(setClock)
      .catch((err: unknown) => setStatus(err instanceof Error ? err.message : String(err), true))
      .finally(() => showMoving(false));
  });
}

// ---- server, channels and members ----

function markUnread(channelId: string): void {
  unread.add(channelId);
  drawChannels();
}

function drawChannels(): void {
  byId('channels').replaceChildren(
    ...state.channels.map((c) => {
      const button = h(
        'button',
        { type: 'button', 'aria-current': c.id === channel.id ? 'true' : 'false', 'data-channel': c.name },
        h('span', { class: 'hash' }, '#'),
        c.name,
        unread.has(c.id) ? h('span', { class: 'unread', title: t('newMessages') }) : null,
      );
      button.addEventListener('click', () => {
        drawers.close();
        void selectChannel(c);
      });
      return h('li', {}, button);
    }),
  );
}

function drawMembers(): void {
  const memberSelect = byId<HTMLSelectElement>('member-select');
  memberSelect.replaceChildren(
    ...state.members.map((m) => h('option', { value: m.id, selected: m.id === member.id }, m.moderator ? t('memberModerator', { name: m.name }) : m.name)),
  );
  byId<HTMLSelectElement>('locale-select').value = locale();
  byId<HTMLImageElement>('me-avatar').src = member.avatar;
  byId('member-list').replaceChildren(
    ...state.members.map((m) => {
      const button = h(
        'button',
        { type: 'button', 'aria-current': m.id === member.id ? 'true' : 'false', title: t('actAsMember', { name: m.name }), 'data-member': m.name },
        h('img', { src: m.avatar, alt: '' }),
        h(
          'span',
          {},
          m.name,
          h('span', { class: 'member-tag' }, [m.moderator ? t('moderator') : '', locales.get(m.id) === 'ko' ? '한국어' : ''].filter(Boolean).join(' · ')),
        ),
      );
      button.addEventListener('click', () => {
        drawers.close();
        void selectMember(m.id);
      });
      return h('li', {}, button);
    }),
    h('li', {}, h('button', { type: 'button', disabled: true }, h('img', { src: state.bot.avatar, alt: '' }), h('span', {}, state.bot.name, h('span', { class: 'bot-tag' }, t('app'))))),
  );
}

async function selectChannel(c: PlayChannel): Promise<void> {
  channel = c;
  unread.delete(c.id);
  byId('channel-name').textContent = c.name;
  drawChannels();
  composer.refresh();
  await loadMessages();
}

/**
 * Puts the page in the member's language: its own words (`data-label`), the clock, the lists,
 * the message box, and the messages (their times and the components' own words).
 */
function speakMemberLanguage(): void {
  document.documentElement.lang = languageTag(locale());
  applyLabels(document, locale());
  drawChannels();
  drawMembers();
  drawClock();
  composer.refresh();
  document.body.dataset.language = locale();
}

async function selectMember(id: string): Promise<void> {
  const next = state.members.find((m) => m.id === id);
  if (!next) return;
  const before = locale();
  member = next;
  if (locale() !== before) speakMemberLanguage();
  else {
    drawMembers();
    composer.refresh();
  }
  connect();
  await loadMessages();
}

byId<HTMLSelectElement>('member-select').addEventListener('change', (e) => void selectMember((e.target as HTMLSelectElement).value));
byId<HTMLSelectElement>('locale-select').addEventListener('change', (e) => {
  locales.set(member.id, (e.target as HTMLSelectElement).value === 'ko' ? 'ko' : 'en-US');
  speakMemberLanguage();
  renderAll([...shown.values()].map((s) => s.message));
});

byId('guild-name').textContent = state.guild.name;
byId('server-icon').title = state.guild.name;
byId('channel-name').textContent = channel.name;

const drawers = new Drawers();
const composer = new Composer({
  state,
  member: () => member,
  locale,
  channel: () => channel,
  onResult: (summary, command) => handleResult(summary, command),
});

speakMemberLanguage();
window.setInterval(drawClock, 1000);
connect();
await loadMessages();
document.body.dataset.ready = 'true';
