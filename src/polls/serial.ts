/**
 * Runs tasks one at a time per key, in the order they were queued (a promise chain per key).
 * Interactions for one server arrive in one process, so this is all the locking a poll needs.
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

  /** Resolves once every task queued so far (under any key) has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size) await Promise.all([...this.#tails.values()]);
  }
}

export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Groups operations that arrive while a key is busy into one batch, run as a single task of a
 * KeyedQueue: with a storage round trip per batch rather than per operation, a burst of votes on
 * one poll costs a handful of writes. `process` gets the operations in arrival order and returns one
 * outcome per operation, in the same order.
 */
interface Waiting<Op, R> {
  op: Op;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class Batcher<Op, R> {
  readonly #pending = new Map<string, Array<Waiting<Op, R>>>();

  constructor(
    private readonly queue: KeyedQueue,
    private readonly process: (key: string, ops: Op[]) => Promise<Array<BatchOutcome<R>>>,
  ) {}

  submit(key: string, op: Op): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let batch = this.#pending.get(key);
      if (!batch) {
        const fresh: Array<Waiting<Op, R>> = [];
        batch = fresh;
        this.#pending.set(key, fresh);
        void this.queue.run(key, async () => {
          // From here on, new operations start the next batch.
          if (this.#pending.get(key) === fresh) this.#pending.delete(key);
          let outcomes: Array<BatchOutcome<R>>;
          try {
            outcomes = await this.process(key, fresh.map((p) => p.op));
          } catch (error) {
            outcomes = fresh.map(() => ({ ok: false, error }));
          }
          fresh.forEach((p, i) => {
            const outcome = outcomes[i] ?? { ok: false, error: new Error('batch returned too few outcomes') };
            if (outcome.ok) p.resolve(outcome.value);
            else p.reject(outcome.error);
          });
        });
      }
      batch.push({ op, resolve, reject });
    });
  }
}
