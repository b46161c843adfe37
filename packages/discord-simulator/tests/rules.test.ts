import { DiscordAPIError, REST, Routes, type ChatInputCommandInteraction, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { Permission, startSimulator, type SimGuild, type SimUser, type Simulator } from '../src/index.js';
import { eventually, sleep, startBot, type TestBot } from './helpers.js';

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

const button = (id: string) => ({ type: 2, style: 1, label: id, custom_id: id });
const row = (...components: object[]) => ({ type: 1, components });

describe('message and interaction limits', () => {
  let sim: Simulator;
  let bot: TestBot;
  let guild: SimGuild;
  let channel: TextChannel;
  let alice: SimUser;

  beforeAll(async () => {
    // These tests probe the simulator's own checks of Discord's limits and their error codes, so the
    // schema gate only records here: every body a route accepts is still checked in full.
    sim = await startSimulator({ schema: 'record' });
    guild = sim.createGuild({ name: 'Rules', channels: [{ name: 'general' }, { name: 'quiet' }, { name: 'plain' }, { name: 'hidden' }] });
    bot = await startBot(sim);
    await bot.client.application.commands.set([
      { name: 'go', description: 'Runs the test handler' },
      { name: 'find', description: 'Autocompletes', options: [{ type: 3, name: 'q', description: 'Query', autocomplete: true }] },
    ]);
    channel = bot.client.channels.cache.get(sim.channel(guild.id, 'general').id) as TextChannel;
    alice = sim.createMember(guild.id, { username: 'alice' }).user;
  });

  afterAll(async () => {
    await bot?.client.destroy();
    await sim?.close();
  });

  it('content over 2000 characters is refused with 50035', async () => {
    const err = await apiError(channel.send('x'.repeat(2001)));
    expect(err.status).toBe(400);
    expect(err.code).toBe(50035);
    expect(formErrorCodes(err, ['content'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const ok = await channel.send('x'.repeat(2000));
    expect(ok.content.length).toBe(2000);
  });

  it('embeds: 26 fields, too many embeds and more than 6000 characters are refused', async () => {
    const fields = Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    const tooManyFields = await apiError(channel.send({ embeds: [{ title: 'T', fields }] }));
    expect(tooManyFields.code).toBe(50035);
    expect(formErrorCodes(tooManyFields, ['embeds', 0, 'fields'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const eleven = await apiError(channel.send({ embeds: Array.from({ length: 11 }, () => ({ description: 'd' })) }));
    expect(formErrorCodes(eleven, ['embeds'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const big = await apiError(channel.send({ embeds: [{ description: 'd'.repeat(4096) }, { description: 'd'.repeat(2000) }] }));
    expect(formErrorCodes(big, ['embeds'])).toEqual(['MAX_EMBED_SIZE_EXCEEDED']);
    const title = await apiError(channel.send({ embeds: [{ title: 't'.repeat(257) }] }));
    expect(formErrorCodes(title, ['embeds', 0, 'title'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
  });

  it('components: 6 buttons in a row, a link button with a custom_id, duplicates and crowded selects are refused', async () => {
    const six = await apiError(channel.send({ content: 'c', components: [row(...['a', 'b', 'c', 'd', 'e', 'f'].map(button))] }));
    expect(formErrorCodes(six, ['components', 0, 'components'])).toEqual(['BASE_TYPE_BAD_LENGTH']);
    const link = await apiError(
      channel.send({ content: 'c', components: [row({ type: 2, style: 5, label: 'L', url: 'https://example.com', custom_id: 'x' })] }),
    );
    expect(formErrorCodes(link, ['components', 0, 'components', 0, 'custom_id'])).toEqual([
      'BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE',
    ]);
    const dup = await apiError(channel.send({ content: 'c', components: [row(button('a')), row(button('a'))] }));
    expect(formErrorCodes(dup, ['components', 1, 'components', 0, 'custom_id'])).toEqual(['COMPONENT_CUSTOM_ID_DUPLICATED']);
    const select = { type: 3, custom_id: 's', options: [{ label: 'A', value: 'a' }] };
    const crowded = await apiError(channel.send({ content: 'c', components: [row(button('b'), select)] }));
    expect(formErrorCodes(crowded, ['components', 0, 'components', 1])).toEqual(['COMPONENT_LAYOUT_WIDTH_EXCEEDED']);
    const notRow = await apiError(channel.send({ content: 'c', components: [button('top')] }));
    expect(formErrorCodes(notRow, ['components', 0, 'type'])).toEqual(['COMPONENT_TYPE_INVALID']);
    const sixRows = await apiError(channel.send({ content: 'c', components: ['1', '2', '3', '4', '5', '6'].map((id) => row(button(id))) }));
    expect(formErrorCodes(sixRows, ['components'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const fine = await channel.send({ content: 'c', components: [row(button('ok1'), { type: 2, style: 5, label: 'L', url: 'https://example.com' })] });
    expect(fine.components.length).toBe(1);
  });

  it('an empty message is refused with 50006', async () => {
    const err = await apiError(bot.client.rest.post(Routes.channelMessages(channel.id), { body: { content: '' } }));
    expect([err.status, err.code]).toEqual([400, 50006]);
  });

  it('a refused reply is recorded on the result and the bot may still answer in time', async () => {
    bot.commands.set('go', async (i) => {
      try {
        await i.reply({ content: 'y'.repeat(2001) });
      } catch {
        await i.reply({ content: 'Something went wrong', flags: 64 });
      }
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'go' });
    expect(res.outcome).toBe('replied');
    expect(res.message?.content).toBe('Something went wrong');
    expect(res.error).toMatchObject({ status: 400, code: 50035, method: 'POST' });
    expect((res.error?.errors as { data?: { content?: unknown } }).data?.content).toBeDefined();
  });

  it('a second callback for the same interaction is refused with 40060', async () => {
    let second: DiscordAPIError | undefined;
    bot.commands.set('go', async (i: ChatInputCommandInteraction) => {
      await i.reply('first');
      // discord.js itself refuses a second reply(); a second process answering the same interaction would not.
      second = await apiError(
        i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'again' } }, auth: false }),
      );
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'go' });
    await eventually(() => second !== undefined);
    expect([second?.status, second?.code]).toEqual([400, 40060]);
    expect(res.message?.content).toBe('first');
    expect(res.errors.map((e) => e.code)).toEqual([40060]);
  });

  it('more than 25 autocomplete choices are refused', async () => {
    let refused: DiscordAPIError | undefined;
    bot.autocompletes.set('find', async (i) => {
      const choices = Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` }));
      try {
        await i.respond(choices);
      } catch (err) {
        refused = err as DiscordAPIError;
        await i.respond(choices.slice(0, 25));
      }
    });
    const choices = await sim.autocomplete({ user: alice, guildId: guild.id, name: 'find', focused: 'q' });
    expect(choices.length).toBe(25);
    expect(refused?.code).toBe(50035);
    expect(formErrorCodes(refused!, ['data', 'choices'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
  });

  it('channel overwrites decide what the bot may send (50013, 50001), but not interaction replies', async () => {
    const quiet = sim.channel(guild.id, 'quiet');
    const plain = sim.channel(guild.id, 'plain');
    const hidden = sim.channel(guild.id, 'hidden');
    sim.setPermissionOverwrite(quiet.id, { id: guild.id, type: 0, deny: Permission.SendMessages });
    sim.setPermissionOverwrite(plain.id, { id: guild.id, type: 0, deny: Permission.EmbedLinks | Permission.AttachFiles });
    sim.setPermissionOverwrite(hidden.id, { id: guild.botRoleId, type: 0, deny: Permission.ViewChannel });
    await eventually(
      () => bot.client.guilds.cache.get(guild.id)?.members.me?.permissionsIn(hidden.id).has('ViewChannel') === false,
    );
    const send = (id: string, body: object) => bot.client.rest.post(Routes.channelMessages(id), { body });
    const noSend = await apiError(send(quiet.id, { content: 'hi' }));
    expect([noSend.status, noSend.code]).toEqual([403, 50013]);
    await expect(send(plain.id, { content: 'text is fine' })).resolves.toMatchObject({ content: 'text is fine' });
    const noEmbed = await apiError(send(plain.id, { embeds: [{ title: 'x' }] }));
    expect([noEmbed.status, noEmbed.code]).toEqual([403, 50013]);
    const noFile = await apiError(
      bot.client.rest.post(Routes.channelMessages(plain.id), { body: { content: 'f' }, files: [{ name: 'a.txt', data: Buffer.from('a') }] }),
    );
    expect(noFile.code).toBe(50013);
    const noAccess = await apiError(send(hidden.id, { content: 'hi' }));
    expect([noAccess.status, noAccess.code]).toEqual([403, 50001]);
    // a role overwrite that allows again wins over the @everyone deny
    sim.setPermissionOverwrite(quiet.id, { id: guild.botRoleId, type: 0, allow: Permission.SendMessages });
    await expect(send(quiet.id, { content: 'allowed again' })).resolves.toMatchObject({ content: 'allowed again' });
    // interaction responses go through the interaction webhook, not the channel permissions
    bot.commands.set('go', async (i) => {
      await i.reply({ embeds: [{ title: `app perms embed=${String(i.appPermissions.has('EmbedLinks'))}` }] });
    });
    const res = await sim.command({ user: alice, guildId: guild.id, channelId: plain.id, name: 'go' });
    expect(res.message?.embeds[0]?.title).toBe('app perms embed=false');
  });

  it('a deleted channel answers 404 10003', async () => {
    const doomed = sim.world.createChannel(guild.id, 'doomed', 0);
    sim.deleteChannel(doomed.id);
    const err = await apiError(bot.client.rest.post(Routes.channelMessages(doomed.id), { body: { content: 'x' } }));
    expect([err.status, err.code, err.message]).toEqual([404, 10003, 'Unknown Channel']);
  });

  it('command definitions are validated like Discord does', async () => {
    const rest = new REST({ api: sim.apiUrl }).setToken(sim.token);
    const put = (body: unknown) => rest.put(Routes.applicationCommands(sim.applicationId), { body });
    const upper = await apiError(put([{ name: 'Ping', description: 'd' }]));
    expect(formErrorCodes(upper, [0, 'name'])).toEqual(['APPLICATION_COMMAND_NAME_LOWERCASE']);
    const spaced = await apiError(put([{ name: 'two words', description: 'd' }]));
    expect(formErrorCodes(spaced, [0, 'name'])).toEqual(['APPLICATION_COMMAND_INVALID_NAME']);
    const longDescription = await apiError(put([{ name: 'ok', description: 'd'.repeat(101) }]));
    expect(formErrorCodes(longDescription, [0, 'description'])).toEqual(['BASE_TYPE_BAD_LENGTH']);
    const options = Array.from({ length: 26 }, (_, n) => ({ type: 3, name: `o${n}`, description: 'd' }));
    const tooManyOptions = await apiError(put([{ name: 'ok', description: 'd', options }]));
    expect(formErrorCodes(tooManyOptions, [0, 'options'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const choices = Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` }));
    const tooManyChoices = await apiError(put([{ name: 'ok', description: 'd', options: [{ type: 3, name: 'o', description: 'd', choices }] }]));
    expect(formErrorCodes(tooManyChoices, [0, 'options', 0, 'choices'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const badLocale = await apiError(put([{ name: 'ok', description: 'd', description_localizations: { kr: '한국어' } }]));
    expect(formErrorCodes(badLocale, [0, 'description_localizations', 'kr'])).toEqual(['LOCALE_INVALID']);
    const order = await apiError(
      put([{ name: 'ok', description: 'd', options: [{ type: 3, name: 'a', description: 'd' }, { type: 3, name: 'b', description: 'd', required: true }] }]),
    );
    expect(formErrorCodes(order, [0, 'options', 1, 'required'])).toEqual(['APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID']);
    const dup = await apiError(put([{ name: 'ok', description: 'd' }, { name: 'ok', description: 'e' }]));
    expect(formErrorCodes(dup, [1, 'name'])).toEqual(['APPLICATION_COMMANDS_DUPLICATE_NAME']);
    const many = Array.from({ length: 101 }, (_, n) => ({ name: `c${n}`, description: 'd' }));
    const tooMany = await apiError(put(many));
    expect([tooMany.status, tooMany.code]).toEqual([400, 30032]);
    const korean = await put([{ name: 'ok', description: 'd', name_localizations: { ko: '확인' }, description_localizations: { ko: '설명' } }]);
    expect((korean as Array<{ name_localizations: unknown }>)[0]?.name_localizations).toEqual({ ko: '확인' });
    const guildCmds = await rest.put(Routes.applicationGuildCommands(sim.applicationId, guild.id), { body: [{ name: 'local', description: 'd' }] });
    expect((guildCmds as Array<{ guild_id: string }>)[0]?.guild_id).toBe(guild.id);
    expect(sim.commands(guild.id)).toHaveLength(1);
  });

  it('REST without the bot token is 401, unknown routes 404', async () => {
    const noAuth = await fetch(`${sim.apiUrl}/v10/users/@me`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ code: 0, message: '401: Unauthorized' });
    const unknown = await fetch(`${sim.apiUrl}/v10/nowhere`, { headers: { Authorization: `Bot ${sim.token}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 0, message: '404: Not Found' });
  });

  it('every request body the simulator accepted here matches Discord’s schema', () => {
    expect(sim.requests.filter((r) => r.schema === 'valid').length).toBeGreaterThan(5);
    expect(sim.schemaViolations).toEqual([]);
  });
});

describe('time limits', () => {
  let sim: Simulator;
  let bot: TestBot;
  let guild: SimGuild;
  let alice: SimUser;
  const clock = new ManualClock(new Date('2025-03-01T12:00:00Z'));

  beforeAll(async () => {
    sim = await startSimulator({ clock, interactionDeadlineMs: 250 });
    guild = sim.createGuild({ name: 'Clocked' });
    bot = await startBot(sim);
    await bot.client.application.commands.set([{ name: 'go', description: 'Runs the test handler' }]);
    alice = sim.createMember(guild.id, { username: 'alice' }).user;
  });

  afterAll(async () => {
    await bot?.client.destroy();
    await sim?.close();
  });

  it('no answer within the deadline is "did not respond", and a late reply gets 10062', async () => {
    let late: DiscordAPIError | undefined;
    bot.commands.set('go', async (i) => {
      await sleep(400);
      late = await apiError(i.reply('too late'));
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'go' });
    expect(res.outcome).toBe('noResponse');
    expect(res.message).toBeUndefined();
    await eventually(() => late !== undefined);
    expect([late?.status, late?.code, late?.message]).toEqual([404, 10062, 'Unknown interaction']);
    expect(res.errors.map((e) => e.code)).toEqual([10062]);
  });

  it('interaction tokens expire after 15 minutes by the clock (10015)', async () => {
    let saved: ChatInputCommandInteraction | undefined;
    bot.commands.set('go', async (i) => {
      saved = i;
      await i.deferReply();
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'go' });
    expect(res.outcome).toBe('deferred');
    expect(res.message?.timestamp).toBe('2025-03-01T12:00:00.000Z');
    await clock.advance(14 * 60_000);
    await saved!.editReply('still in time');
    expect(res.message?.content).toBe('still in time');
    expect(res.message?.edited_timestamp).toBe('2025-03-01T12:14:00.000Z');
    await clock.advance(60_000);
    const expired = await apiError(saved!.followUp('too late'));
    expect([expired.status, expired.code, expired.message]).toEqual([404, 10015, 'Unknown Webhook']);
    expect(res.followUps).toEqual([]);
  });

  it('every request body the simulator accepted here matches Discord’s schema', () => {
    expect(sim.requests.filter((r) => r.schema === 'valid').length).toBeGreaterThan(2);
    expect(sim.schemaViolations).toEqual([]);
  });
});
