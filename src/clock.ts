/**
 * Time as a dependency. Everything that waits (poll deadlines, the daily scheduler, the simulator's
 * interaction deadlines) takes a Clock, so tests and the playground can move time forward instead of
 * waiting for it. The clocks that tests move by hand (`ManualClock`, `JumpClock`) live in the
 * simulator package, `@kiss-scene-bot/discord-simulator`; production only ever uses `systemClock`.
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
   * (a promise): a clock that jumps (the playground's) waits for it before moving time on, so the
   * work sees the time it was due at. The system clock ignores it.
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
