import type { KeyedQueue } from '../keyed-queue.js';

export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<Op, R> {
  op: Op;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Groups operations that arrive while a key is busy into one batch, run as a single task of a
 * KeyedQueue: with a storage round trip per batch rather than per operation, a burst of votes on
 * one poll costs a handful of writes. `process` gets the operations in arrival order and returns one
 * outcome per operation, in the same order.
 */
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
