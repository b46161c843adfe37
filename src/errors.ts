import { languageOf, t, type TranslationKey, type TranslationVars } from './i18n/index.js';
import type { CommandMentions } from './mentions.js';

/*
 * How services (polls, daily) and commands report trouble; every service follows it:
 * - A mistake the member can fix (bad input, a feature not set up or turned off, a channel the bot
 *   cannot use, a poll that is closed) is a thrown UserError with a translation key. Commands do not
 *   catch it: the one interaction error boundary (interactions.ts) answers it privately, in the
 *   member's language, and logs it as a refusal, not as a bug.
 * - What a request achieved, even when unwelcome (posted, already posted, retrying, already closed),
 *   is a returned value for the command to describe.
 * - Anything else thrown is a bug or an outage: logged with an error id, answered with a generic message.
 */

/**
 * A mistake the user can fix (unknown couple, bad time, missing permission). The error boundary
 * answers it privately with the translated message; it is not logged as a bug.
 */
export class UserError extends Error {
  constructor(
    readonly key: TranslationKey,
    readonly vars: TranslationVars = {},
  ) {
    super(key);
    this.name = 'UserError';
  }

  /**
   * The answer in the member's language; a command it names is a mention (see mentions.ts). An
   * error whose text has translated parts of its own overrides it.
   */
  text(locale: string | null | undefined, mentions: Pick<CommandMentions, 'vars'>): string {
    return t(locale, this.key, { ...mentions.vars(languageOf(locale)), ...this.vars });
  }
}
