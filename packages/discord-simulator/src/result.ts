/** The live InteractionResult handed to tests: it keeps changing as the bot edits and follows up. */
import { MessageFlag } from './rules.js';
import type {
  AutocompleteChoice,
  InteractionOutcome,
  InteractionResult,
  SimApiError,
  SimCallbackData,
  SimMessage,
  SimModal,
} from './types.js';

/** An InteractionResult whose waits are woken by {@link LiveInteractionResult.changed}. */
export class LiveInteractionResult implements InteractionResult {
  outcome: InteractionOutcome = 'noResponse';
  callback?: { type: number; data?: SimCallbackData };
  ephemeral = false;
  message?: SimMessage;
  followUps: SimMessage[] = [];
  modal?: SimModal;
  choices?: AutocompleteChoice[];
  error?: SimApiError;
  errors: SimApiError[] = [];
  /** Set when the response message was deleted. */
  responseDeleted = false;
  /** editCount of the component message when a deferred update was given. */
  deferredBaseline = 0;
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly token: string,
  ) {}

  /** Wakes every pending wait. */
  changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Whether the user sees a real answer (not "thinking…"). */
  get isSettled(): boolean {
    if (this.followUps.length > 0 || this.responseDeleted) return true;
    if (this.outcome === 'deferred') return this.message !== undefined && (this.message.flags & MessageFlag.Loading) === 0;
    if (this.outcome === 'deferredUpdate') return (this.message?.editCount ?? 0) > this.deferredBaseline;
    return true;
  }

  waitForEdit(pred?: (m: SimMessage) => boolean, timeoutMs = 5000): Promise<SimMessage> {
    const start = this.message;
    const startCount = start?.editCount ?? -1;
    return this.#waitFor(
      () => {
        const m = this.message;
        if (!m) return undefined;
        if (pred) return pred(m) ? m : undefined;
        return m !== start || m.editCount > startCount ? m : undefined;
      },
      timeoutMs,
      'an edit of the response',
    );
  }

  settled(timeoutMs = 5000): Promise<InteractionResult> {
    return this.#waitFor(() => (this.isSettled ? this : undefined), timeoutMs, 'a settled response');
  }

  waitForFollowUp(pred?: (m: SimMessage) => boolean, timeoutMs = 5000): Promise<SimMessage> {
    const seen = this.followUps.length;
    return this.#waitFor(
      () => (pred ? this.followUps.find(pred) : this.followUps[seen]),
      timeoutMs,
      'a follow-up',
    );
  }

  #waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const now = probe();
      if (now !== undefined) {
        resolve(now);
        return;
      }
      const listener = (): void => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} of interaction ${this.id} (outcome ${this.outcome})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }
}
