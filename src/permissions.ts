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

/** True when the member who acted may manage the server. */
export function canManageGuild(interaction: Interaction): boolean {
  return Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild));
}
