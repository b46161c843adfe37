/**
 * Runs tasks one at a time per key (a server, a poll), in the order they were queued: a promise chain
 * per key. Different keys run side by side, and nothing is kept for a key with no task. Interactions
 * for one server arrive in one process, so this is all the locking the services need.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` once every task queued before it under `key` has finished (whether or not it failed). */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or queued. */
  get size(): number {
    return this.#tails.size;
  }

  /** Resolves once every task queued so far (under any key) has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size) await Promise.all([...this.#tails.values()]);
  }
}
