/**
 * `npm run invite`: prints the links that install the bot, with the permissions integer its
 * features need (see install.ts). The application id comes from DISCORD_APPLICATION_ID, or from
 * the token; nothing is sent anywhere.
 */
import 'dotenv/config';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { fail } from './cli.js';
import { applicationIdFromToken, ConfigError, loadConfig } from './config.js';
import { INSTALL_PERMISSION_NAMES, INSTALL_PERMISSIONS, installLinks } from './install.js';

try {
  const config = loadConfig(process.env, { requireToken: false });
  const applicationId = config.applicationId ?? (process.env.DISCORD_TOKEN ? applicationIdFromToken(process.env.DISCORD_TOKEN.trim()) : undefined);
  if (!applicationId) throw new ConfigError('DISCORD_APPLICATION_ID', 'is missing: set it, or DISCORD_TOKEN, to make the install links');
  const links = installLinks(applicationId);
  const permissions = INSTALL_PERMISSION_NAMES.map((name) => `${name} (${PermissionFlagsBits[name]})`).join(', ');
  process.stdout.write(
    [
      `Add to a server (guild install):  ${links.guild}`,
      `Add to a member's apps (user install):  ${links.user}`,
      '',
      `Permissions integer: ${INSTALL_PERMISSIONS} = ${permissions}`,
      '',
    ].join('\n'),
  );
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `Invite failed: ${error instanceof Error ? error.message : String(error)}`);
}
