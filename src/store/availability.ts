import type { Logger } from '../logger.js';

/*
 * What the bot does while its store is down (Redis stopped, the SQLite file locked or read-only):
 * - Every store call has a deadline (`STORE_DEADLINE_MS`, well under Discord's 3 s for a first
 *   response). A call that fails for want of the store, or misses its deadline, rejects with
 *   StoreUnavailableError, which the interaction boundary answers privately and translated.
 * - From then on the store counts as down: calls are refused at once, before anything is sent, so
 *   an operation reported as failed can never be applied later (Redis's offline queue is off too,
 *   see keyv.ts). A probe writes one key every `probeIntervalMs`; the first that succeeds brings
 *   the store back.
 * - One warning when it goes down and one line when it is back, never a line per refused call.
 * - `/healthz` asks this same gate (metrics/health.ts), so it says 503 exactly while commands are
 *   refused, and 200 again only once they are served.
 */

/** How long one store call may take before it counts as failed (and the store as down). */
export const STORE_DEADLINE_MS = 1_000;
/** How often a store that is down is tried again. */
export const STORE_PROBE_INTERVAL_MS = 500;
/** After the store failed, how soon background work (daily posts, poll deadlines) tries again. */
export const STORE_RETRY_MS = 5_000;

/** The store could not be used (down, locked, read-only or too slow): nothing was applied. */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`store unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

/** SQLite result codes that mean the file cannot be used now, not that the request was wrong. */
const SQLITE_UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_PROTOCOL']);
/** Socket errors of a store reached over the network. */
const NETWORK_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-redis's errors for a connection that is closed, offline or lost; Redis's own refusals to write. */
const REDIS_UNAVAILABLE = /client is (closed|offline|not connected)|socket closed unexpectedly|connection timeout|failed to connect|^(READONLY|LOADING|MASTERDOWN|MISCONF|CLUSTERDOWN|TRYAGAIN)\b/i;

/**
 * Why `error` means the store is unavailable, in a few words; undefined when it is something else
 * (a bug, a malformed value), which stays an ordinary error.
 */
export function unavailableReason(error: unknown): string | undefined {
  if (isStoreUnavailable(error)) return error.reason;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SQLITE_UNAVAILABLE.has(code) || NETWORK_UNAVAILABLE.has(code))) return `${code}: ${firstLine(error.message)}`;
  if (error.name === 'ClientClosedError' || error.name === 'ClientOfflineError' || error.name === 'SocketClosedUnexpectedlyError' || error.name === 'ConnectionTimeoutError') {
    return firstLine(error.message);
  }
  if (REDIS_UNAVAILABLE.test(error.message)) return firstLine(error.message);
  // node-redis wraps socket errors; SQLite ones carry their code in the message too.
  if (error.cause !== undefined && error.cause !== error) return unavailableReason(error.cause);
  const sqlite = /^(SQLITE_[A-Z]+):/.exec(error.message)?.[1];
  if (sqlite && SQLITE_UNAVAILABLE.has(sqlite)) return firstLine(error.message);
  return undefined;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

export interface AvailabilityOptions {
  readonly logger: Logger;
  /** One write to the store, to see whether it works again (see Store.ping). */
  readonly probe: () => Promise<void>;
  readonly deadlineMs?: number | undefined;
  readonly probeIntervalMs?: number | undefined;
  /** Told each time the store goes down or comes back (metrics). */
  readonly onChange?: ((available: boolean) => void) | undefined;
}

/** Whether the store is up, and the gate every store call passes through (see the top of this file). */
export class StoreAvailability {
  readonly deadlineMs: number;
  readonly #logger: Logger;
  readonly #probe: () => Promise<void>;
  readonly #probeIntervalMs: number;
  readonly #onChange: ((available: boolean) => void) | undefined;
  readonly #recoveryListeners = new Set<() => void>();
  #down: { since: number; reason: string; refused: number } | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: AvailabilityOptions) {
    this.deadlineMs = options.deadlineMs ?? STORE_DEADLINE_MS;
    this.#logger = options.logger;
    this.#probe = options.probe;
    this.#probeIntervalMs = options.probeIntervalMs ?? STORE_PROBE_INTERVAL_MS;
    this.#onChange = options.onChange;
  }

  get available(): boolean {
    return this.#down === undefined;
  }

  /** Why the store is down, or undefined while it is up. */
  get reason(): string | undefined {
    return this.#down?.reason;
  }

  /** Calls `listener` each time the store comes back. */
  onRecovered(listener: () => void): () => void {
    this.#recoveryListeners.add(listener);
    return () => this.#recoveryListeners.delete(listener);
  }

  /**
   * Runs one store call under the deadline. Refused at once (nothing sent) while the store is down;
   * a failure that means the store is unavailable, or a missed deadline, marks it down and rejects
   * with StoreUnavailableError. Other errors pass through unchanged.
   */
  async run<T>(call: () => Promise<T>, deadlineMs: number = this.deadlineMs): Promise<T> {
    if (this.#down) {
      this.#down.refused++;
      throw new StoreUnavailableError(this.#down.reason);
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = Number.isFinite(deadlineMs)
      ? new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StoreUnavailableError(`no answer within ${deadlineMs} ms`)), deadlineMs);
        })
      : undefined;
    const attempt = call();
    try {
      return await (deadline ? Promise.race([attempt, deadline]) : attempt);
    } catch (error) {
      const reason = unavailableReason(error);
      if (reason === undefined) throw error;
      // A call past its deadline may still settle: its outcome is nobody's business any more.
      attempt.catch(() => undefined);
      this.markDown(reason);
      throw isStoreUnavailable(error) ? error : new StoreUnavailableError(reason, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records that the store is down (once: later calls only count), and starts probing it. */
  markDown(reason: string): void {
    if (this.#closed || this.#down) return;
    this.#down = { since: Date.now(), reason, refused: 0 };
    this.#logger.warn({ reason }, 'store unavailable: store-backed commands are answered with "try again in a minute" until it answers again');
    this.#onChange?.(false);
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    this.#probeTimer = setTimeout(() => void this.#tryProbe(), this.#probeIntervalMs);
    this.#probeTimer.unref();
  }

  async #tryProbe(): Promise<void> {
    this.#probeTimer = undefined;
    if (this.#closed || !this.#down) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('probe timed out')), this.deadlineMs);
        }),
      ]);
    } catch {
      if (!this.#closed) this.#scheduleProbe();
      return;
    } finally {
      clearTimeout(timer);
    }
    const down = this.#down;
    this.#down = undefined;
    this.#logger.info({ downMs: Date.now() - down.since, refused: down.refused, reason: down.reason }, 'store available again');
    this.#onChange?.(true);
    for (const listener of this.#recoveryListeners) {
      try {
        listener();
      } catch (err) {
        this.#logger.error({ err }, 'a store recovery listener failed');
      }
    }
  }

  /** Stops probing (the bot is shutting down). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
  }
}

/** Which methods of a store section `guarded` leaves alone or runs without a deadline. */
export interface GuardOptions<T> {
  /** Methods that do not return a promise (an async iterable over a whole table, say): not gated. */
  readonly passThrough?: ReadonlyArray<keyof T & string>;
  /**
   * Background work over many keys (a sweep, deleting a server's data): refused while the store is
   * down, but given no deadline, since its time grows with the data. Never on an interaction's path.
   */
  readonly unbounded?: ReadonlyArray<keyof T & string>;
}

/**
 * The same object with each of its methods run through `availability.run`: under the deadline,
 * except as `options` says.
 */
export function guarded<T extends object>(section: T, availability: StoreAvailability, options: GuardOptions<T> = {}): T {
  const passThrough = new Set<string>(options.passThrough ?? []);
  const unbounded = new Set<string>(options.unbounded ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(section)) {
    if (typeof value !== 'function') {
      out[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    if (passThrough.has(name)) {
      out[name] = method.bind(section);
      continue;
    }
    const deadlineMs = unbounded.has(name) ? Number.POSITIVE_INFINITY : availability.deadlineMs;
    out[name] = (...args: unknown[]) => availability.run(() => method.apply(section, args), deadlineMs);
  }
  return out as T;
}
