import type { TranslationKey, TranslationVars } from './i18n/index.js';

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
}
