/**
 * `npm run playground`: the bot, the local Discord simulator and a Discord-like page, with no
 * Discord account and no network. Prints the address; `PORT` chooses the port (default 3000,
 * 0 for any free one). Stops cleanly on SIGINT/SIGTERM.
 */
import 'dotenv/config';
import { startPlayground, type Playground } from './index.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const rawPort = process.env.PORT?.trim();
const port = rawPort ? Number(rawPort) : 3000;
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number (0 to 65535), not "${rawPort}".`);

let playground: Playground;
try {
  playground = await startPlayground({ port });
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`Port ${port} is in use: set PORT to another one, e.g. PORT=3001 npm run playground`);
  throw err;
}

console.log(`Playground: ${playground.url}`);
console.log('Act as a member, type / to run a command, move the clock forward. Ctrl+C stops it.');

/** A shutdown that takes longer than this is cut short. */
const SHUTDOWN_LIMIT_MS = 10_000;

let stopping = false;
async function shutdown(): Promise<void> {
  // Ctrl+C reaches this process more than once (from the terminal, and passed on by npm and tsx):
  // the first one stops the playground, the others wait for it.
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    console.error(`The playground did not stop within ${SHUTDOWN_LIMIT_MS / 1000} s: stopping now.`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  await playground.close();
  process.exit(0);
}
// `npm run playground` reaches this process through npm, npm again and tsx: each passes SIGINT and
// SIGTERM on to its child, because each script `exec`s the next step (a shell left in between
// would die on SIGTERM alone and leave this process running, its port still taken).
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
