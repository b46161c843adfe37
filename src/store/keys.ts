/**
 * Whose state a key belongs to: a server (`guildId`), or for user-installed use in DMs, the channel.
 * Every key starts with its scope, so one server's state can never be read through another's.
 */
export type Scope = { guildId: string } | { dmChannelId: string };

export function scopeOf(guildId: string | null | undefined, channelId: string): Scope {
  return guildId ? { guildId } : { dmChannelId: channelId };
}

/** `guild:<id>:<kind>:<part>…` — ids are digits and kinds are fixed words, so parts never collide. */
export function key(scope: Scope, kind: string, ...parts: string[]): string {
  const head = 'guildId' in scope ? `guild:${scope.guildId}` : `dm:${scope.dmChannelId}`;
  return [head, kind, ...parts].join(':');
}

/** Key of state that belongs to one server. */
export function guildKey(guildId: string, kind: string, ...parts: string[]): string {
  return key({ guildId }, kind, ...parts);
}
