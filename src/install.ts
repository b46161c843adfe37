import { PermissionFlagsBits } from 'discord-api-types/v10';

/**
 * What installing the bot asks for. In a server it needs, in the channels it posts in: View
 * Channels and Send Messages (Send Messages in Threads for a poll started in a thread), Embed Links
 * (every story, poll and daily post is an embed) and Attach Files (the poll results chart). Nothing
 * else: no privileged intent, no moderation permission.
 */
export const INSTALL_PERMISSION_NAMES = ['ViewChannel', 'SendMessages', 'SendMessagesInThreads', 'EmbedLinks', 'AttachFiles'] as const;

/** The permissions integer of the guild install link (274877959168). */
export const INSTALL_PERMISSIONS: bigint = INSTALL_PERMISSION_NAMES.reduce((all, name) => all | PermissionFlagsBits[name], 0n);

export interface InstallLinks {
  /** Adds the bot to a server: scopes `bot` and `applications.commands`, with the permissions above. */
  readonly guild: string;
  /** Adds the commands to a member's own apps (usable in DMs and any server): scope `applications.commands`. */
  readonly user: string;
}

/** Discord's install links for an application. */
export function installLinks(applicationId: string): InstallLinks {
  const link = (params: Record<string, string>) => `https://discord.com/oauth2/authorize?${new URLSearchParams({ client_id: applicationId, ...params }).toString()}`;
  return {
    guild: link({ scope: 'bot applications.commands', permissions: INSTALL_PERMISSIONS.toString(), integration_type: '0' }),
    user: link({ scope: 'applications.commands', integration_type: '1' }),
  };
}
