/**
 * Runs at most `slots` tasks at once; the others wait for a free slot, in the order they came. A
 * task that fails frees its slot like one that succeeds.
 */
export class Limiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {}

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.slots) this.#active += 1;
    // The slot is handed over by the task that frees it: `#active` counts it all along.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
