// The README's quick example, as written there (only the import path differs): if this fails, the
// README is wrong.
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/index.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
  sim = await startSimulator();                                  // 127.0.0.1, any free port
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sim.apiUrl } });
  client.on(Events.InteractionCreate, (i) => {
    if (i.isChatInputCommand()) void i.reply({ content: 'pong', flags: MessageFlags.Ephemeral });
  });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(sim.token);
  await ready;
  await client.application!.commands.set([{ name: 'ping', description: 'Replies pong' }]);
});

afterAll(async () => {
  await client.destroy();                                        // clients first, or they reconnect
  await sim.close();
});

it('answers /ping privately', async () => {
  const guild = sim.createGuild({ name: 'Drama Club' });        // @everyone, the bot's role, an owner, #general
  const alice = sim.createMember(guild.id, { username: 'alice', locale: 'ko' }).user;
  const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
  expect(res.outcome).toBe('replied');
  expect(res.ephemeral).toBe(true);
  expect(res.message!.content).toBe('pong');
  expect(sim.schemaViolations).toEqual([]);                      // every body matched Discord's schema
});
