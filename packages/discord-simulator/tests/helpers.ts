/** A tiny bot for the simulator's own tests: a real discord.js Client with per-test handlers. */
import {
  Client,
  Events,
  GatewayIntentBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Simulator } from '../src/index.js';

type Handler<T> = (interaction: T) => Promise<unknown>;

/** A logged-in client whose interaction handlers each test sets. */
export interface TestBot {
  client: Client<true>;
  commands: Map<string, Handler<ChatInputCommandInteraction>>;
  autocompletes: Map<string, Handler<AutocompleteInteraction>>;
  buttons: Map<string, Handler<ButtonInteraction>>;
  selects: Map<string, Handler<StringSelectMenuInteraction>>;
  modals: Map<string, Handler<ModalSubmitInteraction>>;
  /** Errors thrown by handlers (e.g. DiscordAPIError from a refused request). */
  errors: unknown[];
  /** Every interaction id the client received, in order. */
  received: string[];
}

/** Logs a real discord.js client into the simulator and waits for clientReady. */
export async function startBot(
  sim: Simulator,
  o: { shards?: number[] | 'auto'; shardCount?: number; intents?: number[] } = {},
): Promise<TestBot> {
  const client = new Client({
    intents: o.intents ?? [GatewayIntentBits.Guilds],
    rest: { api: sim.apiUrl },
    ...(o.shards ? { shards: o.shards } : {}),
    ...(o.shardCount ? { shardCount: o.shardCount } : {}),
  });
  const bot: TestBot = {
    client: client as Client<true>,
    commands: new Map(),
    autocompletes: new Map(),
    buttons: new Map(),
    selects: new Map(),
    modals: new Map(),
    errors: [],
    received: [],
  };
  client.on(Events.InteractionCreate, (interaction) => {
    bot.received.push(interaction.id);
    let run: Promise<unknown> | undefined;
    if (interaction.isChatInputCommand()) run = bot.commands.get(interaction.commandName)?.(interaction);
    else if (interaction.isAutocomplete()) run = bot.autocompletes.get(interaction.commandName)?.(interaction);
    else if (interaction.isButton()) run = bot.buttons.get(interaction.customId)?.(interaction);
    else if (interaction.isStringSelectMenu()) run = bot.selects.get(interaction.customId)?.(interaction);
    else if (interaction.isModalSubmit()) run = bot.modals.get(interaction.customId)?.(interaction);
    run?.catch((err: unknown) => bot.errors.push(err));
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sim.token);
  await ready;
  return bot;
}

/** Resolves after `ms` real milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}
