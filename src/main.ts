/**
 * `npm start`: reads the settings, checks the catalogue, connects to Discord and runs until
 * SIGINT/SIGTERM. Setting and catalogue mistakes stop it with one line and exit code 1.
 */
import 'dotenv/config';
import { createApp } from './app.js';
import { loadCatalogue } from './catalogue/catalogue.js';
import { fail, firstLine, readOrExit } from './cli.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const config = readOrExit(() => loadConfig(process.env));
const catalogue = readOrExit(() => loadCatalogue());

const logger = createLogger({ level: config.logLevel, secrets: [config.token] });
const app = await createApp({ config, catalogue, logger });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await app.stop();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'unclean shutdown');
    process.exit(1);
  }
}
// `on`, not `once`: a second signal while stopping (Ctrl-C reaches every process of the group, and the
// sharding manager sends its own SIGTERM too) must not kill the process half-way through.
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

try {
  await app.start();
} catch (err) {
  // discord.js says "An invalid token was provided." for a refused token: one line, no stack.
  fail(`Could not connect to Discord: ${firstLine(err)}`);
}
