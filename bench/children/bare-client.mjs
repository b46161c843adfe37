// The baseline of the benchmarks: an unmodified discord.js client (Guilds intent, the same REST
// and shard settings as the bot) that answers every interaction with a precomputed reply of the
// same shape and size as the bot's, taken from a JSON file the benchmark writes
// (`BARE_REPLIES=<file>`): `{ "<key>": [reply, …] }`, used in turn. The key of a command is its
// name, subcommand and options (`kiss-scene`, `kiss-scene couple=iu`, `kiss-poll start`), of a
// button its custom_id prefix (`poll`), of an autocomplete `autocomplete <command> <option>=<typed>`
// (its reply a list of choices). Prints `ready` on stdout when the client is ready. Run by
// the benchmarks only.
import { readFileSync } from 'node:fs';
import { Client, Events, GatewayIntentBits, Options, Partials } from 'discord.js';

const replies = JSON.parse(readFileSync(process.env.BARE_REPLIES ?? '', 'utf8'));
const turns = new Map();
function next(key) {
  const list = replies[key];
  if (!list?.length) return undefined;
  const turn = turns.get(key) ?? 0;
  turns.set(key, turn + 1);
  return list[turn % list.length];
}

// BARE_CACHE=bot: the same discord.js cache settings as the bot (src/app.ts), to tell what they
// cost from what the bot itself costs.
const botCache =
  process.env.BARE_CACHE === 'bot'
    ? {
        partials: [Partials.Channel],
        makeCache: Options.cacheWithLimits({
          ...Options.DefaultMakeCacheSettings,
          MessageManager: 0,
          GuildStickerManager: 0,
          GuildEmojiManager: 0,
          StageInstanceManager: 0,
          GuildScheduledEventManager: 0,
          GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
          UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
        }),
      }
    : {};

const client = new Client({
  intents: [GatewayIntentBits.Guilds],
  rest: { api: process.env.DISCORD_API_URL, version: '10' },
  shards: 'auto',
  ...botCache,
});
client.on(Events.InteractionCreate, (interaction) => {
  let key;
  if (interaction.isChatInputCommand()) {
    const words = (options) => options.flatMap((o) => (o.value === undefined ? [o.name, ...words(o.options ?? [])] : [`${o.name}=${String(o.value)}`]));
    key = [interaction.commandName, ...words(interaction.options.data)].join(' ');
  } else if (interaction.isButton()) {
    key = interaction.customId.split(':')[0];
  } else if (interaction.isAutocomplete()) {
    const focused = interaction.options.getFocused(true);
    const choices = next(`autocomplete ${interaction.commandName} ${focused.name}=${String(focused.value)}`);
    if (choices) void interaction.respond(choices).catch((err) => process.stderr.write(`bare autocomplete failed: ${err}\n`));
    return;
  } else {
    return;
  }
  const reply = next(key);
  if (reply) void interaction.reply(reply).catch((err) => process.stderr.write(`bare reply failed: ${err}\n`));
});
client.once(Events.ClientReady, () => process.stdout.write('ready\n'));
await client.login(process.env.DISCORD_TOKEN);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void client.destroy().finally(() => process.exit(0)));
