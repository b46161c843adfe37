import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { Command } from './command.js';

export interface RegisterOptions {
  apiUrl: string;
  token: string;
  applicationId: string;
  /** Register to this server only (instant, for development); globally when undefined. */
  guildId?: string | undefined;
}

/** Bulk-overwrites the application's commands with `body` and returns what Discord stored. */
export async function registerCommands(options: RegisterOptions, body: Command['data'][]): Promise<unknown[]> {
  const rest = new REST({ version: '10', api: options.apiUrl }).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  return (await rest.put(route, { body })) as unknown[];
}
