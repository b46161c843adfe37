import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs (pino). Context goes first: `logger.info({ command, guildId, userId }, 'msg')`.
 * Secrets never reach a log line: known secret fields are redacted, and any string that contains
 * one of `secrets` (the bot token) has it replaced before the line is written.
 */
export function createLogger(options: {
  level: LevelWithSilent;
  secrets?: readonly string[];
  destination?: pino.DestinationStream;
}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), value);
    }
    if (value instanceof Error) {
      const copy = new Error(scrub(value.message) as string);
      copy.name = value.name;
      copy.stack = scrub(value.stack) as string | undefined;
      return copy;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    }
    return value;
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'config.token', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, (secrets.length ? args.map(scrub) : args) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
