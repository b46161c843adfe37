import { UserError } from '../errors.js';
import type { Language } from '../i18n/index.js';
import { permissionList } from '../replies/daily.js';
import type { ChannelCheck } from './publisher.js';

/** The error for a channel (or role) the bot cannot use at `/kiss-daily set`, in the member's language. */
export function channelProblem(lang: Language, check: Exclude<ChannelCheck, { ok: true }>, channelId: string, roleId: string | undefined): UserError {
  const channel = `<#${channelId}>`;
  switch (check.problem) {
    case 'missing-permissions':
      return new UserError('daily.error.missingPermissions', { channel, permissions: permissionList(lang, check.missing) });
    case 'not-found':
      return new UserError('daily.error.channelNotFound', { channel });
    case 'not-text':
      return new UserError('daily.error.notTextChannel', { channel });
    case 'role-not-mentionable':
      return new UserError('daily.error.roleNotMentionable', { role: `<@&${roleId ?? ''}>` });
  }
}
