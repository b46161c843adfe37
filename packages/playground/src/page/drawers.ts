/**
 * The side panels on a phone or a narrow window, as in Discord's mobile app: the server and
 * channel list (with the clock and the member pickers) slides in from the left, the member list
 * from the right, each from its button in the channel's header, over a dimmed chat. A tap on the
 * dim, Esc, or picking a channel or a member closes it. On a wide window the panels are columns
 * and the buttons are hidden (styles.css decides which, by the window's width).
 */
import { byId } from './dom.js';

export type DrawerName = 'nav' | 'members';

/** The widths at which the stylesheet turns a panel into a drawer (keep in step with styles.css). */
const DRAWER_WIDTHS = ['(max-width: 900px)', '(max-width: 1100px)'];

export class Drawers {
  readonly #app = byId('app');
  readonly #scrim = byId('scrim');
  readonly #drawers = new Map<DrawerName, { panel: HTMLElement; button: HTMLButtonElement }>([
    ['nav', { panel: byId('nav-drawer'), button: byId<HTMLButtonElement>('open-nav') }],
    ['members', { panel: byId('members-drawer'), button: byId<HTMLButtonElement>('open-members') }],
  ]);

  constructor() {
    for (const [name, { button }] of this.#drawers) {
      button.addEventListener('click', () => (this.openOne === name ? this.close() : this.open(name)));
    }
    this.#scrim.addEventListener('click', () => this.close());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.openOne && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        this.close();
      }
    });
    // A window made wide again shows the panels as columns: no drawer stays open over it.
    for (const query of DRAWER_WIDTHS) window.matchMedia(query).addEventListener('change', () => this.close());
  }

  /** The drawer that is open, if any. */
  get openOne(): DrawerName | undefined {
    const name = this.#app.dataset.drawer;
    return name === 'nav' || name === 'members' ? name : undefined;
  }

  open(name: DrawerName): void {
    this.#app.dataset.drawer = name;
    this.#scrim.hidden = false;
    for (const [other, { button }] of this.#drawers) button.setAttribute('aria-expanded', String(other === name));
    const panel = this.#drawers.get(name)?.panel;
    // Focus goes into the drawer: on the current channel or member when there is one.
    const target = panel?.querySelector<HTMLElement>('[aria-current="true"]') ?? panel?.querySelector<HTMLElement>('button, select');
    target?.focus({ preventScroll: true });
  }

  /** Closes the open drawer; the focus goes back to its button when it was inside. */
  close(): void {
    const name = this.openOne;
    if (!name) return;
    delete this.#app.dataset.drawer;
    this.#scrim.hidden = true;
    const drawer = this.#drawers.get(name);
    drawer?.button.setAttribute('aria-expanded', 'false');
    if (drawer && drawer.panel.contains(document.activeElement)) drawer.button.focus({ preventScroll: true });
  }
}
