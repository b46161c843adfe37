import type { Clock, TimerHandle } from '../clock.js';

interface Slot {
  dirty: boolean;
  timer?: TimerHandle | undefined;
  inFlight?: Promise<void> | undefined;
  lastEditAt: number;
  failures: number;
  stopped: boolean;
}

/** What one edit did: 'ok', or 'gone' when the message can no longer be edited (then editing stops). */
export type EditResult = 'ok' | 'gone';

/**
 * Coalesces edits of live poll messages: however fast `touch` is called, a poll's message is edited
 * at most once per `intervalMs`, and the edit after the last touch always runs, so the message ends
 * on the exact final state. `edit` reads the current state itself when it runs; it is never run
 * twice at once for the same key. The interval is counted from the end of the previous edit (when
 * Discord has answered it), so even a slow edit and a quick one after it reach Discord `intervalMs`
 * apart.
 */
export class LiveEdits {
  readonly #slots = new Map<string, Slot>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly edit: (key: string) => Promise<EditResult>,
    private readonly onError: (key: string, error: unknown) => void,
    /** Consecutive failed edits after which a key waits for the next touch. */
    private readonly maxFailures = 3,
  ) {}

  /** Something changed: make sure an edit runs, as soon as the interval allows. */
  touch(key: string): void {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { dirty: false, lastEditAt: -Infinity, failures: 0, stopped: false };
      this.#slots.set(key, slot);
    }
    if (slot.stopped) return;
    slot.dirty = true;
    slot.failures = 0;
    this.#schedule(key, slot);
  }

  /**
   * No more edits for `key`: cancels the waiting edit and resolves once a running one has finished,
   * so a final message posted after this is never overwritten by a late live edit.
   */
  async stop(key: string): Promise<void> {
    const slot = this.#slots.get(key) ?? { dirty: false, lastEditAt: -Infinity, failures: 0, stopped: true };
    slot.stopped = true;
    this.#slots.set(key, slot);
    slot.timer?.cancel();
    slot.timer = undefined;
    await slot.inFlight;
    // The stopped slot stays (a few bytes per closed poll), so a late touch cannot start edits again.
  }

  /**
   * Stops the keys that `matches` (a server's polls), waits for their running edits, and forgets
   * them, so a poll restored later (the bot invited back) gets live edits again.
   */
  async forget(matches: (key: string) => boolean): Promise<void> {
    const keys = [...this.#slots.keys()].filter(matches);
    await Promise.all(keys.map((key) => this.stop(key)));
    for (const key of keys) this.#slots.delete(key);
  }

  /** Resolves once no edit is running (waiting ones stay scheduled). */
  async idle(): Promise<void> {
    await Promise.all([...this.#slots.values()].flatMap((s) => (s.inFlight ? [s.inFlight] : [])));
  }

  /** Cancels every waiting edit and waits for running ones (shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#slots.keys()].map((key) => this.stop(key)));
    this.#slots.clear();
  }

  #schedule(key: string, slot: Slot): void {
    if (slot.timer || slot.inFlight || slot.stopped || !slot.dirty) return;
    const wait = Math.max(0, slot.lastEditAt + this.intervalMs - this.clock.now());
    slot.timer = this.clock.setTimeout(() => {
      slot.timer = undefined;
      this.#run(key, slot);
      return slot.inFlight;
    }, wait);
  }

  #run(key: string, slot: Slot): void {
    if (slot.stopped) return;
    slot.dirty = false;
    slot.lastEditAt = this.clock.now();
    slot.inFlight = this.edit(key).then(
      (result) => {
        slot.failures = 0;
        if (result === 'gone') slot.stopped = true;
      },
      (error: unknown) => {
        this.onError(key, error);
        slot.failures += 1;
        if (slot.failures < this.maxFailures) slot.dirty = true;
      },
    );
    void slot.inFlight.then(() => {
      slot.inFlight = undefined;
      slot.lastEditAt = this.clock.now();
      if (slot.dirty && !slot.stopped) this.#schedule(key, slot);
    });
  }
}
