// The baseline of the benchmarks: an unmodified discord.js client (Guilds intent, the same REST
// and shard settings as the bot) that answers every interaction with a precomputed reply of the
// same shape and size as the bot's, taken from a JSON file the benchmark writes
// (`BARE_REPLIES=<file>`): `{ "<key>": [reply, …] }`, used in turn. The key of a command is its
// name, subcommand and options (`kiss-scene`, `kiss-scene couple=iu`, `kiss-poll start`), of a
// button its custom_id prefix (`poll`). Prints `ready` on stdout when the client is ready. Run by
// the benchmarks only.
import { readFileSync } from 'node:fs';
import { Client, Events, GatewayIntentBits } from 'discord.js';

const replies = JSON.parse(readFileSync(process.env.BARE_REPLIES ?? '', 'utf8'));
const turns = new Map();
function next(key) {
  const list = replies[key];
  if (!list?.length) return undefined;
  const turn = turns.get(key) ?? 0;
  turns.set(key, turn + 1);
  return list[turn % list.length];
}

const client = new Client({
  intents: [GatewayIntentBits.Guilds],
  rest: { api: process.env.DISCORD_API_URL, version: '10' },
  shards: 'auto',
});
client.on(Events.InteractionCreate, (interaction) => {
  let key;
  if (interaction.isChatInputCommand()) {
    const words = (options) => options.flatMap((o) => (o.value === undefined ? [o.name, ...words(o.options ?? [])] : [`${o.name}=${String(o.value)}`]));
    key = [interaction.commandName, ...words(interaction.options.data)].join(' ');
  } else if (interaction.isButton()) {
    key = interaction.customId.split(':')[0];
  } else {
    return;
  }
  const reply = next(key);
  if (reply) void interaction.reply(reply).catch((err) => process.stderr.write(`bare reply failed: ${err}\n`));
});
client.once(Events.ClientReady, () => process.stdout.write('ready\n'));
await client.login(process.env.DISCORD_TOKEN);
