/**
 * What the command-line entry points (main.ts, shards.ts, rest-proxy.ts) share: a mistake an
 * operator can fix stops the program with one line and exit code 1, never a stack trace.
 */
import { CatalogueError } from './catalogue/catalogue.js';
import { ConfigError } from './config.js';

/** Prints `message` alone on stderr and exits 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The first line of an error's message: what an operator needs, without a stack. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** Reads settings (or the catalogue); a ConfigError or CatalogueError stops the program with its one line. */
export function readOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CatalogueError) fail(error.message);
    throw error;
  }
}
