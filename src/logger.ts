import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

const INTERACTION_TOKEN_IN_URL = /((?:interactions|webhooks)\/\d{15,25})\/[A-Za-z0-9._-]{20,}/g;

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
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') {
      const text = secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), value);
      // Interaction tokens travel in URLs (`/interactions/{id}/{token}`, `/webhooks/{app}/{token}`),
      // for example in a DiscordAPIError's `url`: they are secrets for 15 minutes.
      return text.replace(INTERACTION_TOKEN_IN_URL, '$1/[redacted]');
    }
    if (value instanceof Error) {
      // Serialise first (keeps custom fields such as a DiscordAPIError's url), then scrub.
      return scrub({ ...pino.stdSerializers.err(value) }, depth + 1);
    }
    // Plain data only, a few levels deep: context objects, serialised errors. Class instances (a
    // discord.js structure, say) are left to pino as they are.
    const proto: unknown = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    if (depth < 6 && (proto === Object.prototype || proto === null)) {
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, scrub(v, depth + 1)]));
    }
    if (depth < 6 && Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return value;
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'config.token', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN', 'err.requestBody'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => scrub(arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
