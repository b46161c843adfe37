import { PermissionFlagsBits, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { UserError } from './errors.js';

/**
 * Server-state commands are registered with `default_member_permissions`, but a server can change
 * who may use them, so handlers check again. Returns the guild id.
 */
export function requireManageGuild(interaction: ChatInputCommandInteraction | Interaction): string {
  if (!interaction.guildId) throw new UserError('common.guildOnly');
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserError('common.needsManageServer');
  return interaction.guildId;
}

/**
 * What the bot needs in a channel to post a poll there, and later its results chart: Send Messages
 * in Threads instead of Send Messages in a thread.
 */
export function pollPostPermissions(inThread: boolean): bigint {
  const send = inThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  return PermissionFlagsBits.ViewChannel | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles | send;
}

/** True when the member who acted may manage the server. */
export function canManageGuild(interaction: Interaction): boolean {
  return Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild));
}

/**
 * Whether the bot may post, where the command was used, a message with embeds and files (a poll and
 * its chart, a World Cup round and its bracket image): view, send (in threads too), embed links, attach files.
 */
export function botCanPostWithFiles(interaction: ChatInputCommandInteraction): boolean {
  return interaction.appPermissions.has(pollPostPermissions(interaction.channel?.isThread() ?? false));
}
