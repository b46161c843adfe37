/**
 * `npm run deploy`: registers the slash commands (bulk overwrite) to DISCORD_GUILD_ID when set,
 * else globally. `npm run deploy -- --dry-run` prints the exact JSON body and needs no token.
 * The list comes from the same loader the bot uses.
 */
import 'dotenv/config';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { applicationIdFromToken, ConfigError, loadConfig } from './config.js';
import { commandPayload, loadCommands } from './loader.js';

const dryRun = process.argv.includes('--dry-run');

try {
  const config = loadConfig(process.env, { requireToken: !dryRun });
  const body = commandPayload(await loadCommands());
  if (dryRun) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    process.exit(0);
  }
  const applicationId = config.applicationId ?? applicationIdFromToken(config.token);
  if (!applicationId) throw new ConfigError('DISCORD_APPLICATION_ID', 'is missing: it could not be read from the token either');
  const rest = new REST({ version: '10', api: config.apiUrl }).setToken(config.token);
  const route = config.guildId
    ? Routes.applicationGuildCommands(applicationId, config.guildId)
    : Routes.applicationCommands(applicationId);
  const stored = (await rest.put(route, { body })) as unknown[];
  console.log(`Registered ${stored.length} commands ${config.guildId ? `to server ${config.guildId}` : 'globally (may take up to an hour to appear)'}.`);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(`Deploy failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(1);
}
