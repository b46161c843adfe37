/**
 * The message box: typing `/` lists the bot's registered commands (in the member's language, only
 * those the member may use); picking one shows its options, filled from static choices or from the
 * bot's own autocomplete answers; Enter runs the command through the simulator as the member.
 */
import type {
  PlayAutocompleteAnswer,
  PlayChannel,
  PlayCommand,
  PlayCommandOption,
  PlayInteractionSummary,
  PlayLocale,
  PlayMember,
  PlayState,
} from '../api-types.js';
import { postJson } from './client.js';
import { byId, h } from './dom.js';
import { label, type LabelKey } from './labels.js';

export interface ComposerDeps {
  state: PlayState;
  member(): PlayMember;
  locale(): PlayLocale;
  channel(): PlayChannel;
  /** Told about every command the composer sent (main shows failures and modals). */
  onResult(summary: PlayInteractionSummary, command: string): void;
}

/** One line of the slash menu: a command, or one of its subcommands. */
interface Entry {
  command: PlayCommand;
  group?: PlayCommandOption;
  sub?: PlayCommandOption;
  /** The options to fill in. */
  options: PlayCommandOption[];
}

/** A choice the member can pick; booleans only for True/False options. */
interface Choice {
  name: string;
  value: string | number | boolean;
}

interface PopupItem {
  el: HTMLElement;
  pick(): void;
}

const SUBCOMMAND = 1;
const GROUP = 2;
const ADMINISTRATOR = 8n;
/** Option types: string, integer, boolean, user, channel, role, mentionable, number. */
const T = { string: 3, integer: 4, boolean: 5, user: 6, channel: 7, role: 8, mentionable: 9, number: 10 } as const;
const AUTOCOMPLETE_DELAY_MS = 120;

/** Whether a member sees a command in a server: its contexts allow guilds and they have its default permissions. */
export function canUse(command: PlayCommand, member: PlayMember): boolean {
  if (command.contexts && !command.contexts.includes(0)) return false;
  if (command.default_member_permissions === null || command.default_member_permissions === undefined) return true;
  const perms = BigInt(member.permissions);
  if ((perms & ADMINISTRATOR) === ADMINISTRATOR) return true;
  const need = BigInt(command.default_member_permissions);
  return need !== 0n && (perms & need) === need;
}

export class Composer {
  readonly #d: ComposerDeps;
  readonly #form = byId<HTMLFormElement>('composer');
  readonly #input = byId<HTMLInputElement>('message-input');
  readonly #popup = byId('popup');
  readonly #line = byId('command-line');
  readonly #chip = byId('command-chip');
  readonly #options = byId('options');
  readonly #status = byId('composer-status');
  #entry: Entry | undefined;
  #items: PopupItem[] = [];
  #selected = 0;
  #autocompleteSeq = 0;
  #autocompleteTimer: number | undefined;
  #sending = false;
  readonly #wide = window.matchMedia('(min-width: 720px)');

  constructor(deps: ComposerDeps) {
    this.#d = deps;
    this.#input.addEventListener('input', () => this.#onTextInput());
    this.#input.addEventListener('keydown', (e) => this.#onKeyDown(e));
    this.#input.addEventListener('focus', () => this.#onTextInput());
    // Keys on the command line itself (a command without options); its inputs have their own listener.
    this.#line.addEventListener('keydown', (e) => {
      if (e.target === this.#line) this.#onKeyDown(e);
    });
    this.#form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#send();
    });
    byId('cancel-command').addEventListener('click', () => this.reset());
    this.#wide.addEventListener('change', () => this.refresh());
    document.addEventListener('click', (e) => {
      if (!(e.target instanceof Node) || (!this.#popup.contains(e.target) && !this.#form.contains(e.target))) this.#hidePopup();
    });
    this.refresh();
  }

  /** Call after the member, language or channel changed. */
  refresh(): void {
    const channel = this.#d.channel();
    // Discord's own placeholder on a phone; the hint about / where the box is wide enough for it.
    this.#input.placeholder = this.#t(this.#wide.matches ? 'messagePlaceholder' : 'messagePlaceholderShort', { channel: channel.name });
    if (this.#entry && !canUse(this.#entry.command, this.#d.member())) this.reset();
    else if (this.#entry) this.#choose(this.#entry);
    else if (!this.#popup.hidden) this.#onTextInput();
  }

  /** Opens `path` ("kiss-daily set") as if picked from the slash menu; false when the member cannot use it here. */
  open(path: string): boolean {
    const entry = this.#entries().find((x) => this.#canonical(x) === path);
    if (!entry) return false;
    this.#entry = undefined;
    this.#choose(entry);
    return true;
  }

  /** Back to an empty message box. */
  reset(): void {
    this.#entry = undefined;
    this.#line.hidden = true;
    this.#options.replaceChildren();
    this.#input.hidden = false;
    this.#input.value = '';
    this.#hidePopup();
    this.#setStatus('');
    this.#input.focus();
  }

  // ---- the slash menu ----

  /** The page's own words in the member's language. */
  #t(key: LabelKey, vars?: Record<string, string | number>): string {
    return label(this.#d.locale(), key, vars);
  }

  #loc(map: Record<string, string> | null | undefined, fallback: string): string {
    return (this.#d.locale() === 'ko' ? map?.ko : undefined) ?? fallback;
  }

  /** "kiss-poll start" in the member's language. */
  #label(entry: Entry): string {
    return [entry.command, entry.group, entry.sub]
      .filter((x): x is PlayCommand | PlayCommandOption => x !== undefined)
      .map((x) => this.#loc(x.name_localizations, x.name))
      .join(' ');
  }

  #canonical(entry: Entry): string {
    return [entry.command.name, entry.group?.name, entry.sub?.name].filter(Boolean).join(' ');
  }

  #entries(): Entry[] {
    const member = this.#d.member();
    const out: Entry[] = [];
    for (const command of this.#d.state.commands) {
      if (!canUse(command, member)) continue;
      const opts = command.options ?? [];
      if (!opts.some((o) => o.type === SUBCOMMAND || o.type === GROUP)) {
        out.push({ command, options: opts });
        continue;
      }
      for (const o of opts) {
        if (o.type === SUBCOMMAND) out.push({ command, sub: o, options: o.options ?? [] });
        if (o.type === GROUP) for (const s of o.options ?? []) out.push({ command, group: o, sub: s, options: s.options ?? [] });
      }
    }
    return out;
  }

  #onTextInput(): void {
    if (this.#entry) return;
    const text = this.#input.value;
    if (!text.startsWith('/')) {
      this.#hidePopup();
      return;
    }
    const query = text.slice(1).trim().toLowerCase();
    const scored = this.#entries()
      .map((entry) => {
        const names = [this.#canonical(entry), this.#label(entry).toLowerCase()];
        const score = names.some((n) => n.startsWith(query)) ? 0 : names.some((n) => n.includes(query)) ? 1 : 2;
        return { entry, score };
      })
      .filter((x) => x.score < 2)
      .sort((a, b) => a.score - b.score);
    const items = scored.map(({ entry }) => {
      const desc = entry.sub ?? entry.command;
      const el = h(
        'div',
        { class: 'popup-item', role: 'option', 'data-testid': 'command-item', 'data-command': this.#canonical(entry) },
        h('span', { class: 'name' }, `/${this.#label(entry)}`),
        h('span', { class: 'description' }, this.#loc(desc.description_localizations, desc.description)),
        h('span', { class: 'bot-name' }, this.#d.state.bot.name),
      );
      return { el, pick: () => this.#choose(entry) };
    });
    this.#showPopup(this.#d.state.bot.name, items, query ? this.#t('noCommandMatches', { query }) : this.#t('noCommands'));
  }

  // ---- a chosen command ----

  #choose(entry: Entry): void {
    const previous = new Map<string, { text: string; value?: string }>();
    for (const input of this.#options.querySelectorAll<HTMLInputElement>('input[data-option]')) {
      previous.set(input.dataset.option ?? '', { text: input.value, ...(input.dataset.value ? { value: input.dataset.value } : {}) });
    }
    const same = this.#entry === entry;
    this.#entry = entry;
    this.#hidePopup();
    this.#setStatus('');
    this.#input.hidden = true;
    this.#line.hidden = false;
    this.#chip.textContent = `/${this.#label(entry)}`;
    this.#options.replaceChildren();
    const ordered = [...entry.options.filter((o) => o.required), ...entry.options.filter((o) => !o.required)];
    for (const option of ordered) {
      const input = h('input', {
        type: 'text',
        'data-option': option.name,
        'data-testid': `option-${option.name}`,
        placeholder: this.#loc(option.description_localizations, option.description),
        title: this.#loc(option.description_localizations, option.description),
        spellcheck: 'false',
      }) as HTMLInputElement;
      const kept = same ? previous.get(option.name) : undefined;
      if (kept) {
        input.value = kept.text;
        if (kept.value !== undefined) input.dataset.value = kept.value;
      }
      // An empty option shows what it takes; one already filled in keeps its list closed until the
      // member types (or presses ↓), so Enter there sends rather than picks a suggestion.
      input.addEventListener('focus', () => {
        if (input.value.trim() === '') this.#showChoices(option, input);
      });
      input.addEventListener('input', () => {
        delete input.dataset.value;
        input.closest('.option')?.classList.remove('invalid');
        this.#showChoices(option, input);
      });
      input.addEventListener('keydown', (e) => this.#onKeyDown(e, () => this.#showChoices(option, input)));
      this.#options.appendChild(
        h(
          'label',
          { class: `option${option.required ? '' : ' optional'}` },
          h('span', { class: 'option-name' }, `${this.#loc(option.name_localizations, option.name)}:`),
          input,
        ),
      );
    }
    if (same) return;
    const first = this.#options.querySelector<HTMLInputElement>('input');
    if (first) first.focus();
    else {
      this.#line.tabIndex = 0;
      this.#line.focus();
    }
  }

  /** Fixed choices of an option: its `choices`, or the server's members, channels or roles. */
  #staticChoices(option: PlayCommandOption): Choice[] | undefined {
    const { state } = this.#d;
    if (option.choices?.length) return option.choices.map((c) => ({ name: this.#loc(c.name_localizations, c.name), value: c.value }));
    switch (option.type) {
      case T.boolean:
        return [
          { name: this.#t('true'), value: true },
          { name: this.#t('false'), value: false },
        ];
      case T.user:
        return state.members.map((m) => ({ name: m.name, value: m.id }));
      case T.role:
        return state.roles.map((r) => ({ name: `@${r.name}`, value: r.id }));
      case T.mentionable:
        return [...state.members.map((m) => ({ name: m.name, value: m.id })), ...state.roles.map((r) => ({ name: `@${r.name}`, value: r.id }))];
      case T.channel:
        return state.channels.map((c) => ({ name: `#${c.name}`, value: c.id }));
      default:
        return undefined;
    }
  }

  #choiceItems(choices: Choice[], input: HTMLInputElement): PopupItem[] {
    return choices.map((choice) => ({
      el: h('div', { class: 'popup-item', role: 'option', 'data-testid': 'choice' }, h('span', { class: 'name' }, choice.name)),
      pick: () => {
        input.value = choice.name;
        input.dataset.value = JSON.stringify(choice.value);
        this.#hidePopup();
        this.#focusNext(input);
        // Staying in the same field: as in Discord, the list stays closed until the member types again.
        if (document.activeElement === input) this.#closeList();
      },
    }));
  }

  #showChoices(option: PlayCommandOption, input: HTMLInputElement): void {
    const title = this.#loc(option.name_localizations, option.name);
    const fixed = this.#staticChoices(option);
    if (fixed) {
      const typed = input.value.trim().toLowerCase();
      const shown = fixed.filter((c) => c.name.toLowerCase().includes(typed)).slice(0, 25);
      this.#showPopup(title, this.#choiceItems(shown, input), this.#t('noChoiceMatches'));
      return;
    }
    if (!option.autocomplete) {
      this.#hidePopup();
      return;
    }
    window.clearTimeout(this.#autocompleteTimer);
    this.#form.dataset.list = this.#popup.hidden ? 'waiting' : 'open';
    this.#autocompleteTimer = window.setTimeout(() => void this.#autocomplete(option, input, title), AUTOCOMPLETE_DELAY_MS);
  }

  /** Asks the bot for choices, as Discord does while the member types. */
  async #autocomplete(option: PlayCommandOption, input: HTMLInputElement, title: string): Promise<void> {
    const entry = this.#entry;
    if (!entry) return;
    const seq = ++this.#autocompleteSeq;
    const options: Record<string, string | number | boolean> = {};
    for (const other of entry.options) {
      if (other.name === option.name) continue;
      const value = this.#valueOf(other);
      if (typeof value !== 'object' && value !== undefined) options[other.name] = value;
    }
    options[option.name] = input.value;
    let answer: PlayAutocompleteAnswer;
    try {
      answer = await postJson<PlayAutocompleteAnswer>('/autocomplete', {
        ...this.#target(entry),
        options,
        focused: option.name,
      });
    } catch {
      answer = { choices: [], failed: true };
    }
    if (seq !== this.#autocompleteSeq) return;
    if (document.activeElement !== input || this.#sending) {
      if (this.#popup.hidden) this.#form.dataset.list = 'closed';
      return;
    }
    const empty = this.#t(answer.failed ? 'loadingFailed' : 'noOptionsMatch');
    this.#showPopup(title, this.#choiceItems(answer.choices, input), empty);
  }

  #focusNext(input: HTMLInputElement): void {
    const inputs = [...this.#options.querySelectorAll<HTMLInputElement>('input')];
    const next = inputs[inputs.indexOf(input) + 1];
    if (next && next.value === '' && next.closest('.option')?.classList.contains('optional') === false) next.focus();
    else input.focus();
  }

  // ---- the popup ----

  #showPopup(title: string, items: PopupItem[], empty: string): void {
    this.#items = items;
    this.#selected = 0;
    this.#popup.replaceChildren(h('div', { class: 'popup-title' }, title));
    if (!items.length) this.#popup.appendChild(h('div', { class: 'popup-empty', 'data-testid': 'popup-empty' }, empty));
    items.forEach((item, i) => {
      item.el.addEventListener('mousedown', (e) => e.preventDefault());
      item.el.addEventListener('click', () => item.pick());
      item.el.addEventListener('mousemove', () => this.#select(i));
      this.#popup.appendChild(item.el);
    });
    this.#popup.hidden = false;
    this.#form.dataset.list = 'open';
    this.#select(0);
  }

  #hidePopup(): void {
    this.#popup.hidden = true;
    this.#items = [];
    this.#form.dataset.list = 'closed';
  }

  /** Closes the list, and keeps an answer still on its way from opening it again. */
  #closeList(): void {
    window.clearTimeout(this.#autocompleteTimer);
    this.#autocompleteSeq++;
    this.#hidePopup();
  }

  #select(i: number): void {
    this.#selected = i;
    this.#items.forEach((item, j) => item.el.setAttribute('aria-selected', String(i === j)));
    this.#items[i]?.el.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Keys as in Discord's message box. With a list open: ↑/↓ move, Enter or Tab picks, Esc closes it.
   * With no list open: Enter sends, ↓/↑ open the option's list (`openList`), and Esc does nothing:
   * it never empties what was typed, nor throws the command away (the ✕ does).
   */
  #onKeyDown(e: KeyboardEvent, openList?: () => void): void {
    const open = !this.#popup.hidden && this.#items.length > 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (open) {
        e.preventDefault();
        const n = this.#items.length;
        this.#select((this.#selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
      } else if (openList) {
        e.preventDefault();
        openList();
      }
      return;
    }
    if (open && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      this.#items[this.#selected]?.pick();
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      this.#closeList();
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      // What was typed is sent: a list still on its way must not open over it.
      this.#closeList();
      void this.#send();
    }
  }

  // ---- sending ----

  #target(entry: Entry) {
    return {
      memberId: this.#d.member().id,
      channelId: this.#d.channel().id,
      locale: this.#d.locale(),
      name: entry.command.name,
      ...(entry.group ? { group: entry.group.name } : {}),
      ...(entry.sub ? { subcommand: entry.sub.name } : {}),
    };
  }

  /** The value to send for an option; undefined when empty; `{ error }` when it cannot be sent. */
  #valueOf(option: PlayCommandOption): string | number | boolean | { error: LabelKey } | undefined {
    const input = this.#options.querySelector<HTMLInputElement>(`input[data-option="${CSS.escape(option.name)}"]`);
    const text = input?.value.trim() ?? '';
    if (!input || text === '') return undefined;
    if (input.dataset.value !== undefined) return JSON.parse(input.dataset.value) as string | number | boolean;
    const fixed = this.#staticChoices(option);
    if (fixed) {
      const found = fixed.find((c) => c.name.toLowerCase() === text.toLowerCase() || String(c.value) === text);
      return found ? found.value : { error: 'pickChoice' };
    }
    if (option.type === T.integer || option.type === T.number) {
      const n = Number(text);
      if (!Number.isFinite(n) || (option.type === T.integer && !Number.isInteger(n))) {
        return { error: option.type === T.integer ? 'wholeNumber' : 'number' };
      }
      return n;
    }
    return input.value;
  }

  async #send(): Promise<void> {
    if (this.#sending) return;
    const entry = this.#entry;
    if (!entry) {
      const text = this.#input.value.trim();
      if (text.startsWith('/')) {
        const exact = this.#entries().find((x) => `/${this.#canonical(x)}` === text || `/${this.#label(x)}` === text);
        if (exact) this.#choose(exact);
        else this.#setStatus(this.#t('noSuchCommand', { command: text }), true);
      } else if (text) {
        this.#setStatus(this.#t('onlyCommands'), true);
      }
      return;
    }
    const options: Record<string, string | number | boolean> = {};
    const problems: string[] = [];
    for (const option of entry.options) {
      const value = this.#valueOf(option);
      const field = this.#options.querySelector(`input[data-option="${CSS.escape(option.name)}"]`)?.closest('.option');
      const name = this.#loc(option.name_localizations, option.name);
      if (value === undefined) {
        if (option.required) {
          problems.push(this.#t('required', { option: name }));
          field?.classList.add('invalid');
        }
      } else if (typeof value === 'object') {
        problems.push(this.#t(value.error, { option: name }));
        field?.classList.add('invalid');
      } else {
        options[option.name] = value;
      }
    }
    if (problems.length) {
      this.#setStatus(problems.join(' · '), true);
      return;
    }
    this.#sending = true;
    this.#hidePopup();
    this.#setStatus(this.#t('sending'));
    this.#form.classList.add('sending');
    try {
      const summary = await postJson<PlayInteractionSummary>('/command', { ...this.#target(entry), options });
      this.reset();
      this.#d.onResult(summary, this.#label(entry));
    } catch (err) {
      this.#setStatus(err instanceof Error ? err.message : String(err), true);
    } finally {
      this.#sending = false;
      this.#form.classList.remove('sending');
    }
  }

  #setStatus(text: string, error = false): void {
    this.#status.textContent = text;
    this.#status.classList.toggle('error', error);
  }
}
