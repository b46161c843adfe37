/**
 * Time as a dependency. The simulator's snowflakes, interaction deadlines and token expiry read a
 * Clock, so a test can move time forward instead of waiting for it. `ManualClock` and `JumpClock`
 * are the clocks tests and playgrounds hand to both the simulator and the bot under test: any object
 * with `now()` and `setTimeout(fn, ms) → { cancel() }` fits.
 */
export interface TimerHandle {
  /** Stops the timer; calling it twice is harmless. */
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Runs `fn` once, `ms` milliseconds from now (by this clock). `fn` may return the work it started
   * (a promise): `JumpClock` waits for it before moving time on; the other clocks ignore it.
   */
  setTimeout(fn: TimerCallback, ms: number): TimerHandle;
}

/** A timer's callback. What it returns is ignored unless it is a promise: the work it started. */
export type TimerCallback = () => unknown;

/** The real clock. Timers are unref'd so a pending timer never keeps the process alive on its own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(() => void fn(), Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

interface PendingTimer {
  id: number;
  at: number;
  fn: TimerCallback;
}

/**
 * A clock that only moves when told to. `advance` fires every timer that falls due, in order of due
 * time, and lets promises settle between them so code that awaits inside a timer callback sees the
 * time it expects.
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: PendingTimer[] = [];
  #nextId = 1;

  constructor(start: number | Date = Date.now()) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: TimerCallback, ms: number): TimerHandle {
    const timer: PendingTimer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return {
      cancel: () => {
        this.#timers = this.#timers.filter((t) => t.id !== timer.id);
      },
    };
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `target` (epoch ms), firing due timers in order. */
  async advanceTo(target: number | Date): Promise<void> {
    const end = typeof target === 'number' ? target : target.getTime();
    for (;;) {
      const due = this.#timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t.id !== due.id);
      this.#now = Math.max(this.#now, due.at);
      void due.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, end);
    await settle();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Real time that can also jump forward: the playground's clock. Time flows like the system clock,
 * and `advance(ms)` moves it ahead at once, firing every timer that falls due on the way, in order.
 * A timer that returns the work it started (a store write, a request to Discord) is waited for
 * before time moves on, so that work sees the time it was due at, as it would had time passed
 * normally; a timer that returns nothing gets `settleMs` of real time (default 0) after its
 * callbacks have run. Waiting for work is capped at `workLimitMs` (default 5 s): work that waits
 * for a later timer of this same clock would otherwise wait for ever.
 */
export class JumpClock implements Clock {
  readonly #settleMs: number;
  readonly #workLimitMs: number;
  #offset = 0;
  #timers = new Map<number, { at: number; fn: TimerCallback; real: NodeJS.Timeout }>();
  #nextId = 1;

  constructor(options: { settleMs?: number; workLimitMs?: number } = {}) {
    this.#settleMs = options.settleMs ?? 0;
    this.#workLimitMs = options.workLimitMs ?? 5000;
  }

  now(): number {
    return Date.now() + this.#offset;
  }

  setTimeout(fn: TimerCallback, ms: number): TimerHandle {
    const id = this.#nextId++;
    const at = this.now() + Math.max(0, ms);
    this.#arm(id, at, fn);
    return { cancel: () => this.#drop(id) };
  }

  /** Moves time forward by `ms`, firing due timers in order of due time. */
  async advance(ms: number): Promise<void> {
    const end = this.now() + Math.max(0, ms);
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      const [id, timer] = due;
      this.#drop(id);
      this.#offset = Math.max(this.#offset, timer.at - Date.now());
      await this.#finish(timer.fn());
    }
    this.#offset = Math.max(this.#offset, end - Date.now());
    // Re-arm the remaining timers against the new offset.
    for (const [id, timer] of [...this.#timers.entries()]) {
      clearTimeout(timer.real);
      this.#arm(id, timer.at, timer.fn);
    }
    await settle();
  }

  /** Waits for the work a timer started (at most `workLimitMs`), or `settleMs` when it returned none. */
  async #finish(work: unknown): Promise<void> {
    if (work instanceof Promise) {
      let limit: NodeJS.Timeout | undefined;
      await Promise.race([
        // Its failure is the owner's to report: the clock only waits for it to end.
        work.then(
          () => undefined,
          () => undefined,
        ),
        new Promise<void>((resolve) => {
          limit = setTimeout(resolve, this.#workLimitMs);
        }),
      ]);
      clearTimeout(limit);
    } else if (this.#settleMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.#settleMs));
    }
    await settle();
  }

  #arm(id: number, at: number, fn: TimerCallback): void {
    // Node's timers overflow past 2^31-1 ms; re-arm long waits in steps.
    const wait = Math.min(Math.max(0, at - this.now()), 2 ** 31 - 1);
    const real = setTimeout(() => {
      if (this.now() + 1 < at) return this.#arm(id, at, fn);
      this.#timers.delete(id);
      void fn();
    }, wait);
    real.unref();
    this.#timers.set(id, { at, fn, real });
  }

  #drop(id: number): void {
    const timer = this.#timers.get(id);
    if (timer) clearTimeout(timer.real);
    this.#timers.delete(id);
  }
}
