/**
 * `npm start`: reads the settings, checks the catalogue, connects to Discord and runs until
 * SIGINT/SIGTERM. Setting and catalogue mistakes stop it with one line and exit code 1.
 */
import 'dotenv/config';
import { createApp } from './app.js';
import { CatalogueError, loadCatalogue } from './catalogue/catalogue.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let config;
let catalogue;
try {
  config = loadConfig(process.env);
  catalogue = loadCatalogue();
} catch (error) {
  if (error instanceof ConfigError || error instanceof CatalogueError) fail(error.message);
  throw error;
}

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
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

try {
  await app.start();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  // discord.js says "An invalid token was provided." for a refused token: one line, no stack.
  fail(`Could not connect to Discord: ${message.split('\n')[0]}`);
}
