import { UserError } from '../errors.js';
import { languageOf, t, type TranslationKey, type TranslationVars } from '../i18n/index.js';
import type { CommandMentions } from '../mentions.js';
import type { ChannelCheck } from './publisher.js';
import { permissionList, reasonText } from '../replies/daily.js';
import type { DisabledReason } from './schedule.js';

/** Why the bot cannot use a channel (or the role to mention) at `/kiss-daily set`. */
export type ChannelProblem = Exclude<ChannelCheck, { ok: true }>;

function channelProblemText(check: ChannelProblem, channelId: string, roleId: string | undefined): [TranslationKey, TranslationVars] {
  const channel = `<#${channelId}>`;
  switch (check.problem) {
    case 'missing-permissions':
      return ['daily.error.missingPermissions', { channel }];
    case 'not-found':
      return ['daily.error.channelNotFound', { channel }];
    case 'not-text':
      return ['daily.error.notTextChannel', { channel }];
    case 'role-not-mentionable':
      return ['daily.error.roleNotMentionable', { role: `<@&${roleId ?? ''}>` }];
  }
}

/** `/kiss-daily set` named a channel (or a role) the bot cannot use; nothing was saved. */
export class ChannelUnusableError extends UserError {
  constructor(
    readonly check: ChannelProblem,
    channelId: string,
    roleId: string | undefined,
  ) {
    super(...channelProblemText(check, channelId, roleId));
  }

  /** Names the missing permissions in the member's language. */
  override text(locale: string | null | undefined, mentions: Pick<CommandMentions, 'vars'>): string {
    if (this.check.problem !== 'missing-permissions') return super.text(locale, mentions);
    return t(locale, this.key, { ...this.vars, permissions: permissionList(languageOf(locale), this.check.missing) });
  }
}

/** `/kiss-daily now` while the daily story is off: turned off by a moderator, or by the bot for `reason`. */
export class DailyOffError extends UserError {
  constructor(
    readonly reason: DisabledReason | undefined,
    readonly channelId: string,
  ) {
    super('daily.now.off');
  }

  /** With a reason: why the bot turned it off, and what to do about it. */
  override text(locale: string | null | undefined, mentions: Pick<CommandMentions, 'vars'>): string {
    return this.reason ? reasonText(languageOf(locale), this.reason, this.channelId, mentions) : super.text(locale, mentions);
  }
}
