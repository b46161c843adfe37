import type { Clock, TimerHandle } from '../clock.js';

/**
 * One timer per key on the injected clock (a poll's deadline, its next try at posting results).
 * Work a timer starts is kept until it settles, so `settle` can wait for it (idle, shutdown). After
 * `stop`, no timer is set until `start`.
 */
export class KeyedTimers {
  readonly #timers = new Map<string, TimerHandle>();
  readonly #running = new Set<Promise<unknown>>();
  #stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `fire` in `ms`, replacing the key's waiting timer. Once stopped, sets nothing and returns false. */
  set(key: string, ms: number, fire: () => Promise<unknown> | void): boolean {
    if (this.#stopped) return false;
    this.#timers.get(key)?.cancel();
    this.#timers.set(
      key,
      this.clock.setTimeout(() => {
        this.#timers.delete(key);
        const work = fire();
        if (work) this.#track(work);
        return work;
      }, ms),
    );
    return true;
  }

  cancel(key: string): void {
    this.#timers.get(key)?.cancel();
    this.#timers.delete(key);
  }

  /** Cancels the waiting timers whose key `matches` (a server's, when its state is deleted). */
  cancelWhere(matches: (key: string) => boolean): void {
    for (const [key, timer] of this.#timers) {
      if (!matches(key)) continue;
      timer.cancel();
      this.#timers.delete(key);
    }
  }

  start(): void {
    this.#stopped = false;
  }

  /** Cancels every waiting timer; none is set again until `start`. Work already running goes on. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
  }

  /** Whether work started by a timer is still running. */
  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Resolves once the work running now has settled, whether or not it failed. */
  async settle(): Promise<void> {
    await Promise.all([...this.#running].map((work) => work.catch(() => undefined)));
  }

  #track(work: Promise<unknown>): void {
    this.#running.add(work);
    void work.then(
      () => this.#running.delete(work),
      () => this.#running.delete(work),
    );
  }
}
