import type { Clock, TimerHandle } from '../clock.js';
import { DueHeap, type DueEntry } from './heap.js';

export interface SchedulerOptions {
  readonly clock: Clock;
  /** Does the work of one due key. The scheduler has already removed the key; `run` re-adds it. */
  readonly run: (key: string) => Promise<void>;
  /** Told about a `run` that threw; the scheduler itself carries on. */
  readonly onError: (key: string, error: unknown) => void;
  /** How many keys may run at once (default 8). */
  readonly concurrency?: number;
  /**
   * The longest single wait (default 6 hours). Longer waits are taken in steps, so a clock that
   * drifts or jumps is noticed, and Node's 2^31-1 ms timer limit is never reached.
   */
  readonly maxWaitMs?: number;
}

const SIX_HOURS = 6 * 60 * 60 * 1000;

/**
 * Runs each key when it falls due, with ONE clock timer for the earliest key across all of them
 * (a min-heap keyed by due time), instead of a timer per key or a periodic scan.
 */
export class DueScheduler {
  readonly #heap = new DueHeap();
  readonly #clock: Clock;
  readonly #run: SchedulerOptions['run'];
  readonly #onError: SchedulerOptions['onError'];
  readonly #concurrency: number;
  readonly #maxWait: number;
  #timer: TimerHandle | undefined;
  /** The due time the timer was armed for (not when it wakes, which may be earlier). */
  #armedFor: number | undefined;
  #running = false;
  #active = new Set<Promise<void>>();

  constructor(options: SchedulerOptions) {
    this.#clock = options.clock;
    this.#run = options.run;
    this.#onError = options.onError;
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    this.#maxWait = Math.max(1, options.maxWaitMs ?? SIX_HOURS);
  }

  /** Number of keys waiting. */
  get size(): number {
    return this.#heap.size;
  }

  /** Number of runs in progress. */
  get inFlight(): number {
    return this.#active.size;
  }

  /** When `key` is due, if it is scheduled. */
  dueAt(key: string): number | undefined {
    return this.#heap.dueAt(key);
  }

  /** The earliest waiting key. */
  peek(): DueEntry | undefined {
    return this.#heap.peek();
  }

  /**
   * Adds many keys at once in O(n) (start-up). Keys already scheduled keep their time: they were
   * set after the data being loaded was read.
   */
  load(entries: Iterable<readonly [string, number]>): void {
    this.#heap.addMissing(entries);
    this.#arm();
  }

  /** Runs `key` at `at` (epoch ms), replacing any earlier plan for it. */
  schedule(key: string, at: number): void {
    this.#heap.set(key, at);
    this.#arm();
  }

  /** Forgets `key`. A run already in progress is not interrupted. */
  cancel(key: string): void {
    if (this.#heap.delete(key)) this.#arm();
  }

  /** Starts firing due keys (keys scheduled before start wait until then). */
  start(): void {
    this.#running = true;
    this.#arm();
  }

  /** Stops firing and waits for the runs in progress to finish. The keys stay scheduled. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#disarm();
    while (this.#active.size) await Promise.allSettled([...this.#active]);
  }

  #disarm(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#armedFor = undefined;
  }

  /** Keeps exactly one timer, aimed at the earliest key. */
  #arm(): void {
    if (!this.#running) return;
    const next = this.#heap.peek();
    if (!next || this.#active.size >= this.#concurrency) {
      this.#disarm();
      return;
    }
    if (this.#timer && this.#armedFor === next.at) return;
    this.#disarm();
    const wait = Math.min(Math.max(0, next.at - this.#clock.now()), this.#maxWait);
    this.#armedFor = next.at;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#armedFor = undefined;
      return this.#pump();
    }, wait);
  }

  /**
   * Starts every due key the concurrency limit allows, then re-arms for the next one. Resolves when
   * the runs it started have ended (what the clock's timer hands back as its work).
   */
  #pump(): Promise<unknown> {
    if (!this.#running) return Promise.resolve();
    const now = this.#clock.now();
    const started: Array<Promise<void>> = [];
    while (this.#active.size < this.#concurrency) {
      const next = this.#heap.peek();
      if (!next || next.at > now) break;
      this.#heap.pop();
      const run = this.#start(next.key);
      this.#active.add(run);
      started.push(run);
      void run.finally(() => {
        this.#active.delete(run);
        void this.#pump();
      });
    }
    this.#arm();
    return Promise.all(started);
  }

  async #start(key: string): Promise<void> {
    try {
      await this.#run(key);
    } catch (error) {
      try {
        this.#onError(key, error);
      } catch {
        // An error reporter that throws must not stop the scheduler either.
      }
    }
  }
}
