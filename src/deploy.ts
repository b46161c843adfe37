/**
 * `npm run deploy`: registers the slash commands (bulk overwrite) to DISCORD_GUILD_ID when set,
 * else globally. `npm run deploy -- --dry-run` prints the exact JSON body and needs no token.
 * The list comes from the same loader the bot uses.
 */
import 'dotenv/config';
import { fail, firstLine } from './cli.js';
import { applicationIdFromToken, ConfigError, loadConfig } from './config.js';
import { commandPayload, loadCommands } from './loader.js';
import { registerCommands } from './registration.js';

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
  const stored = await registerCommands({ apiUrl: config.apiUrl, token: config.token, applicationId, guildId: config.guildId }, body);
  console.log(
    `Registered ${stored.length} commands ${config.guildId ? `to server ${config.guildId}` : 'globally (they can take a while to appear in every server)'}.`,
  );
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `Deploy failed: ${firstLine(error)}`);
}
