import { Writable } from 'node:stream';
import type { LevelWithSilent } from 'pino';
import { createLogger, type Logger } from '../../src/logger.js';

/** A log line the bot wrote, parsed. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

export interface CapturedLogs {
  logger: Logger;
  /** Every line, parsed. */
  lines: LogLine[];
  /** Every line as written, to check that no secret leaks. */
  raw: string[];
}

/** The project's logger (same redaction as in production), writing into memory instead of stdout. */
export function captureLogs(level: LevelWithSilent, secrets: readonly string[] = []): CapturedLogs {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk);
      raw.push(text);
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level, secrets, destination }), lines, raw };
}
