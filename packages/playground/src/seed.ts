import type { Simulator } from '@kiss-scene-bot/discord-simulator';
import type { SimChannel, SimGuild, SimUser } from '@kiss-scene-bot/discord-simulator';
import type { PlayLocale } from './api-types.js';

/** A member of the seeded server, as the playground knows them. */
export interface SeedMember {
  user: SimUser;
  moderator: boolean;
  locale: PlayLocale;
  /** Avatar colour (the page draws the avatar from it). */
  colour: string;
}

/** The world the playground starts with. */
export interface Seed {
  guild: SimGuild;
  channels: SimChannel[];
  members: SeedMember[];
}

export const GUILD_NAME = 'K-drama Club';
export const CHANNEL_NAMES = ['general', 'kdrama', 'announcements'] as const;

const MEMBERS: ReadonlyArray<{ name: string; moderator: boolean; colour: string }> = [
  { name: 'Mina', moderator: true, colour: '#f25c8a' },
  { name: 'Jisoo', moderator: false, colour: '#5865f2' },
  { name: 'Alex', moderator: false, colour: '#3ba55c' },
];

/**
 * Creates the playground's server: "K-drama Club" with #general, #kdrama and #announcements, a
 * moderator (Manage Server) "Mina" and two plain members, "Jisoo" and "Alex", all in English at first.
 */
export function seedWorld(sim: Simulator): Seed {
  const guild = sim.createGuild({ name: GUILD_NAME, channels: CHANNEL_NAMES.map((name) => ({ name })) });
  const members = MEMBERS.map((m): SeedMember => {
    const { user } = sim.createMember(guild.id, { username: m.name, locale: 'en-US', moderator: m.moderator });
    return { user, moderator: m.moderator, locale: 'en-US', colour: m.colour };
  });
  const channels = guild.channels.filter((c) => c.type === 0 || c.type === 5);
  return { guild, channels, members };
}
