/** ATTACHMENT options (type 11): registering them, attaching files, the CDN, the upload limit and autocomplete. */
import { DiscordAPIError, Events, GatewayDispatchEvents, REST, Routes, type GatewayDispatchPayload } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorUsageError, startSimulator, type SimGuild, type SimUser, type Simulator } from '../src/index.js';
import { startBot, type TestBot } from './helpers.js';

const MiB = 1024 * 1024;

const importCommand = {
  name: 'import',
  description: 'Import stories from a file',
  options: [
    { type: 11, name: 'file', description: 'A JSON file of stories', required: true },
    { type: 3, name: 'collection', description: 'Where to put them', autocomplete: true },
  ],
};

/** The `data` of the INTERACTION_CREATE packets the client received, by interaction id. */
type InteractionData = {
  options?: Array<{ type: number; name: string; value: unknown; focused?: boolean }>;
  resolved?: { attachments?: Record<string, Record<string, unknown>> };
};

let sim: Simulator;
let bot: TestBot;
let guild: SimGuild;
let channelId: string;
let alice: SimUser;
const packets = new Map<string, InteractionData>();

beforeAll(async () => {
  sim = await startSimulator({ botUsername: 'KissBot' });
  guild = sim.createGuild({ name: 'Drama Club' });
  channelId = sim.channel(guild.id, 'general').id;
  bot = await startBot(sim);
  bot.client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (packet.t === GatewayDispatchEvents.InteractionCreate) packets.set(packet.d.id, packet.d.data as InteractionData);
  });
  const rest = new REST({ api: sim.apiUrl }).setToken(sim.token);
  await rest.put(Routes.applicationCommands(sim.applicationId), { body: [importCommand] });
  alice = sim.createMember(guild.id, { username: 'alice' }).user;
});

afterAll(async () => {
  await bot?.client.destroy();
  await sim?.close();
});

/** The DiscordAPIError a promise rejected with. */
async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DiscordAPIError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

/** The `_errors` codes at a path of a 50035 error body. */
function formErrorCodes(err: DiscordAPIError, path: Array<string | number>): string[] {
  let node = (err.rawError as { errors?: unknown }).errors;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[String(key)];
  const list = (node as { _errors?: Array<{ code: string }> } | undefined)?._errors ?? [];
  return list.map((e) => e.code);
}

describe('registering', () => {
  it('a command with an attachment option is stored as sent', () => {
    const stored = sim.commands().find((c) => (c as { name: string }).name === 'import') as { options: unknown[] };
    expect(stored.options[0]).toEqual({ type: 11, name: 'file', description: 'A JSON file of stories', required: true });
  });

  it('an attachment option takes no choices, autocomplete, min/max value or length', async () => {
    const rest = new REST({ api: sim.apiUrl }).setToken(sim.token);
    const put = (option: object) =>
      rest.put(Routes.applicationGuildCommands(sim.applicationId, guild.id), {
        body: [{ name: 'bad', description: 'd', options: [{ type: 11, name: 'file', description: 'd', ...option }] }],
      });
    const choices = await apiError(put({ choices: [{ name: 'a', value: 1 }] }));
    expect([choices.status, choices.code]).toEqual([400, 50035]);
    expect(formErrorCodes(choices, [0, 'options', 0, 'choices'])).toEqual(['APPLICATION_COMMAND_CHOICES_INVALID']);
    const autocomplete = await apiError(put({ autocomplete: true }));
    expect(formErrorCodes(autocomplete, [0, 'options', 0, 'autocomplete'])).toEqual(['APPLICATION_COMMAND_AUTOCOMPLETE_INVALID']);
    const range = await apiError(put({ min_value: 1, max_value: 2 }));
    expect(formErrorCodes(range, [0, 'options', 0, 'min_value'])).toEqual(['APPLICATION_COMMAND_MIN_VALUE_INVALID']);
    expect(formErrorCodes(range, [0, 'options', 0, 'max_value'])).toEqual(['APPLICATION_COMMAND_MAX_VALUE_INVALID']);
    const length = await apiError(put({ max_length: 10 }));
    expect(formErrorCodes(length, [0, 'options', 0, 'max_length'])).toEqual(['APPLICATION_COMMAND_MAX_LENGTH_INVALID']);
    expect(sim.commands(guild.id)).toEqual([]);
    // autocomplete: false is no autocomplete, and is fine
    await put({ autocomplete: false });
    expect(sim.commands(guild.id)).toHaveLength(1);
    await rest.put(Routes.applicationGuildCommands(sim.applicationId, guild.id), { body: [] });
  });
});

describe('attaching a file', () => {
  it('the interaction resolves the attachment, and its url serves the exact bytes', async () => {
    const json = JSON.stringify({ stories: [{ drama: '도깨비', episode: 13, scene: '첫 키스' }] });
    let fetched: { status: number; type: string | null; text: string } | undefined;
    bot.commands.set('import', async (i) => {
      const file = i.options.getAttachment('file', true);
      const res = await fetch(file.url);
      fetched = { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
      await i.reply(`${file.name} ${file.size} ${String(file.contentType)} ephemeral=${String(file.ephemeral)}`);
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: { filename: 'stories.json', data: json } } });
    const size = Buffer.byteLength(json);
    expect(size).toBeGreaterThan(json.length); // Hangul: more bytes than characters
    expect(res.message?.content).toBe(`stories.json ${size} application/json; charset=utf-8 ephemeral=true`);
    expect(fetched).toEqual({ status: 200, type: 'application/json; charset=utf-8', text: json });

    const data = packets.get(res.id);
    const id = String(data?.options?.[0]?.value);
    expect(data?.options).toEqual([{ type: 11, name: 'file', value: id }]);
    const origin = new URL(sim.apiUrl).origin;
    const url = `${origin}/attachments/${channelId}/${id}/stories.json`;
    expect(data?.resolved?.attachments).toEqual({
      [id]: { id, filename: 'stories.json', size, url, proxy_url: url, content_type: 'application/json; charset=utf-8', ephemeral: true },
    });
    const again = await fetch(url);
    expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(json, 'utf8'))).toBe(true);
  });

  it('takes a Buffer or Uint8Array as sent, a given content type, and guesses only from a known extension', async () => {
    bot.commands.set('import', async (i) => {
      await i.reply('ok');
    });
    const bytes = Uint8Array.from([0, 255, 1, 254, 2]);
    const binary = await sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: { filename: 'raw.kiss', data: bytes } } });
    const binaryData = packets.get(binary.id);
    const binaryId = String(binaryData?.options?.[0]?.value);
    const attachment = binaryData?.resolved?.attachments?.[binaryId];
    expect(attachment?.size).toBe(5);
    expect(attachment && 'content_type' in attachment).toBe(false);
    const served = await fetch(String(attachment?.url));
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await served.arrayBuffer())]).toEqual([0, 255, 1, 254, 2]);

    const text = await sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: { filename: 'notes.txt', data: Buffer.from('hi') } } });
    const textData = packets.get(text.id);
    expect(textData?.resolved?.attachments?.[String(textData.options?.[0]?.value)]?.content_type).toBe('text/plain; charset=utf-8');

    const given = await sim.command({
      user: alice,
      guildId: guild.id,
      name: 'import',
      options: { file: { filename: 'stories.json', data: '[]', contentType: 'application/vnd.kiss+json' } },
    });
    const givenData = packets.get(given.id);
    const givenAttachment = givenData?.resolved?.attachments?.[String(givenData.options?.[0]?.value)];
    expect(givenAttachment?.content_type).toBe('application/vnd.kiss+json');
    expect((await fetch(String(givenAttachment?.url))).headers.get('content-type')).toBe('application/vnd.kiss+json');
  });

  it('a file of exactly 10 MiB goes; one byte more is refused before any interaction is sent', async () => {
    bot.commands.set('import', async (i) => {
      await i.reply(String(i.options.getAttachment('file', true).size));
    });
    const atLimit = await sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: { filename: 'big.json', data: Buffer.alloc(10 * MiB) } } });
    expect(atLimit.message?.content).toBe(String(10 * MiB));
    const before = bot.received.length;
    const over = sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: { filename: 'huge.json', data: Buffer.alloc(10 * MiB + 1) } } });
    await expect(over).rejects.toBeInstanceOf(SimulatorUsageError);
    await expect(over).rejects.toThrow(/"huge\.json" \(10485761 bytes\) exceeds the 10 MiB upload limit/);
    expect(bot.received.length).toBe(before);
  });

  it('an attachment option takes only a file, and only an attachment option takes one', async () => {
    const before = bot.received.length;
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: 'stories.json' } })).rejects.toThrow(
      /Option "file" of \/import: an attachment option takes a file/,
    );
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: 42 } })).rejects.toBeInstanceOf(SimulatorUsageError);
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'import', options: { file: { filename: '', data: 'x' } } })).rejects.toThrow(
      /needs a filename/,
    );
    await expect(
      sim.command({
        user: alice,
        guildId: guild.id,
        name: 'import',
        options: { file: { filename: 'a.json', data: '{}' }, collection: { filename: 'b.json', data: '{}' } },
      }),
    ).rejects.toThrow(/Option "collection" of \/import: a file goes only in an attachment option \(type 11\), this one is type 3/);
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'import', options: {} })).rejects.toThrow(/needs option "file"/);
    expect(bot.received.length).toBe(before);
  });
});

describe('autocomplete', () => {
  it('leaves attachment options out of the autocomplete interaction', async () => {
    let seen: string[] = [];
    bot.autocompletes.set('import', async (i) => {
      seen = i.options.data.map((o) => `${o.name}:${String(o.value)}`);
      await i.respond([{ name: 'Goblin', value: 'goblin' }]);
    });
    const choices = await sim.autocomplete({
      user: alice,
      guildId: guild.id,
      name: 'import',
      focused: 'collection',
      options: { file: { filename: 'stories.json', data: '[]' }, collection: 'go' },
    });
    expect(choices).toEqual([{ name: 'Goblin', value: 'goblin' }]);
    expect(seen).toEqual(['collection:go']);
    const [id, data] = [...packets].at(-1) ?? [];
    expect(id).toBeDefined();
    expect(data?.options).toEqual([{ type: 3, name: 'collection', value: 'go', focused: true }]);
    expect(data?.resolved).toBeUndefined();
  });

  it('still refuses, in the test, a file no client would attach', async () => {
    const before = bot.received.length;
    await expect(
      sim.autocomplete({ user: alice, guildId: guild.id, name: 'import', focused: 'collection', options: { file: 'stories.json' } }),
    ).rejects.toThrow(/an attachment option takes a file/);
    await expect(
      sim.autocomplete({
        user: alice,
        guildId: guild.id,
        name: 'import',
        focused: 'collection',
        options: { file: { filename: 'huge.json', data: Buffer.alloc(10 * MiB + 1) } },
      }),
    ).rejects.toThrow(/exceeds the 10 MiB upload limit/);
    expect(bot.received.length).toBe(before);
  });
});

describe('the OpenAPI check', () => {
  it('every request body the simulator accepted here matches Discord’s schema', () => {
    expect(sim.requests.filter((r) => r.schema === 'valid').length).toBeGreaterThan(5);
    expect(sim.schemaViolations).toEqual([]);
  });
});
