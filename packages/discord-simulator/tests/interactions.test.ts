import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  InteractionContextType,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MessageFlag,
  SimulatorUsageError,
  startSimulator,
  type SimGuild,
  type SimUser,
  type Simulator,
} from '../src/index.js';
import { sleep, startBot, type TestBot } from './helpers.js';

const definitions = [
  { name: 'ping', description: 'Replies pong' },
  {
    name: 'search',
    description: 'Find a drama',
    options: [
      { type: 3, name: 'drama', description: 'Title', autocomplete: true, required: true },
      { type: 4, name: 'year', description: 'Year', min_value: 2000, max_value: 2030 },
    ],
  },
  {
    name: 'poll',
    description: 'Polls',
    options: [
      {
        type: 1,
        name: 'create',
        description: 'Create a poll',
        options: [
          { type: 3, name: 'question', description: 'Question', required: true },
          { type: 5, name: 'anonymous', description: 'Hide voters' },
          { type: 7, name: 'channel', description: 'Where', channel_types: [0] },
          { type: 8, name: 'role', description: 'Who may vote' },
          { type: 10, name: 'weight', description: 'Weight' },
        ],
      },
      {
        type: 2,
        name: 'admin',
        description: 'Admin tools',
        options: [
          { type: 1, name: 'close', description: 'Close a poll', options: [{ type: 4, name: 'id', description: 'Poll id', required: true }] },
        ],
      },
    ],
  },
  {
    name: 'whoami',
    description: 'Where am I',
    integration_types: [0, 1],
    contexts: [0, 1, 2],
  },
  { name: 'settings', description: 'Moderators only', default_member_permissions: String(PermissionFlagsBits.ManageGuild) },
];

let sim: Simulator;
let bot: TestBot;
let guild: SimGuild;
let channelId: string;
let alice: SimUser;

beforeAll(async () => {
  sim = await startSimulator({ botUsername: 'KissBot' });
  guild = sim.createGuild({ name: 'Drama Club', channels: [{ name: 'general' }, { name: 'voice', type: 2 }, { name: 'info', type: 4 }] });
  channelId = sim.channel(guild.id, 'general').id;
  bot = await startBot(sim);
  await bot.client.application.commands.set(definitions);
  alice = sim.createMember(guild.id, { username: 'alice', locale: 'ko' }).user;
});

afterAll(async () => {
  await bot?.client.destroy();
  await sim?.close();
});

describe('logging in', () => {
  it('becomes ready with the guild, its channels, roles and the bot member cached', () => {
    const cached = bot.client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Drama Club');
    expect(cached?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'info', 'voice']);
    expect(cached?.roles.everyone.id).toBe(guild.id);
    expect(cached?.members.me?.id).toBe(sim.botUserId);
    expect(bot.client.user.username).toBe('KissBot');
    expect(bot.client.application.id).toBe(sim.applicationId);
    expect(cached?.members.me?.permissionsIn(channelId).has('SendMessages')).toBe(true);
  });

  it('stores the deployed commands with ids and versions', () => {
    const stored = sim.commands() as Array<{ id: string; name: string; version: string; application_id: string }>;
    expect(stored.map((c) => c.name)).toEqual(definitions.map((d) => d.name));
    expect(stored.every((c) => /^\d{17,20}$/.test(c.id) && c.application_id === sim.applicationId)).toBe(true);
    expect(bot.client.application.commands.cache.size).toBe(definitions.length);
  });

  it('lists the registered commands to a client that fetches them, global and per server, localizations on request', async () => {
    const localized = { name: 'hello', description: 'Say hello', name_localizations: { ko: '안녕' }, description_localizations: { ko: '인사해요' } };
    const guildCommand = await bot.client.application.commands.create(localized, guild.id);
    const global = await bot.client.application.commands.fetch({ cache: false });
    expect([...global.values()].map((c) => [c.name, c.id])).toEqual((sim.commands() as Array<{ name: string; id: string }>).map((c) => [c.name, c.id]));
    const plain = await bot.client.application.commands.fetch({ guildId: guild.id, cache: false });
    expect([...plain.values()].map((c) => [c.name, c.id])).toEqual([['hello', guildCommand.id]]);
    // Discord leaves the localization dictionaries out unless they are asked for.
    const route = `/applications/${sim.applicationId}/guilds/${guild.id}/commands`;
    const raw = (await bot.client.rest.get(route as `/${string}`)) as Array<Record<string, unknown>>;
    expect(raw[0]).not.toHaveProperty('name_localizations');
    expect(raw[0]).not.toHaveProperty('description_localizations');
    const full = (await bot.client.rest.get(route as `/${string}`, { query: new URLSearchParams({ with_localizations: 'true' }) })) as typeof raw;
    expect(full[0]).toMatchObject({ name_localizations: { ko: '안녕' }, description_localizations: { ko: '인사해요' } });
  });
});

describe('slash commands', () => {
  it('a reply is visible in the channel with the interaction metadata', async () => {
    bot.commands.set('ping', async (i) => {
      await i.reply({ content: `pong ${i.locale} ${i.guildLocale} ${i.appPermissions.has('EmbedLinks')}` });
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('replied');
    expect(res.ephemeral).toBe(false);
    expect(res.message?.content).toBe('pong ko en-US true');
    expect(res.message?.type).toBe(20);
    expect(res.message?.interaction_metadata?.user.id).toBe(alice.id);
    expect(res.callback?.type).toBe(4);
    expect(sim.messages(channelId).at(-1)?.id).toBe(res.message?.id);
  });

  it('an ephemeral reply is only seen by the member who asked', async () => {
    bot.commands.set('ping', async (i) => {
      await i.reply({ content: 'just for you', flags: MessageFlags.Ephemeral });
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('replied');
    expect(res.ephemeral).toBe(true);
    expect(res.message?.recipientId).toBe(alice.id);
    expect((res.message?.flags ?? 0) & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
    expect(sim.messages(channelId).some((m) => m.id === res.message?.id)).toBe(false);
  });

  it('deferReply shows "thinking" until editReply arrives', async () => {
    bot.commands.set('ping', async (i) => {
      await i.deferReply();
      await sleep(150);
      await i.editReply({ content: 'done thinking' });
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('deferred');
    expect((res.message?.flags ?? 0) & MessageFlag.Loading).toBe(MessageFlag.Loading);
    expect(res.message?.content).toBe('');
    await res.settled();
    expect(res.message?.content).toBe('done thinking');
    expect((res.message?.flags ?? 0) & MessageFlag.Loading).toBe(0);
  });

  it('a follow-up after deferring replaces the placeholder; later ones are new messages', async () => {
    bot.commands.set('ping', async (i) => {
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      const first = await i.followUp({ content: 'first' });
      await i.followUp({ content: `second after ${first.id}` });
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    const second = await res.waitForFollowUp();
    expect(res.message?.content).toBe('first');
    expect(res.message?.ephemeral).toBe(true);
    expect(second.content).toBe(`second after ${res.message?.id}`);
    expect(second.ephemeral).toBe(false);
  });

  it('reply withResponse gets the created message back', async () => {
    let fromResponse: string | undefined;
    bot.commands.set('ping', async (i) => {
      const response = await i.reply({ content: 'with response', withResponse: true });
      fromResponse = `${response.resource?.message?.id ?? ''}|${response.interaction.responseMessageId ?? ''}`;
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    await res.settled();
    await sleep(20);
    expect(fromResponse).toBe(`${res.message?.id}|${res.message?.id}`);
  });

  it('options are typed from the registered definition, with subcommands and groups', async () => {
    const info = sim.channel(guild.id, 'general');
    const role = sim.createRole(guild.id, { name: 'Voters', permissions: 0n });
    bot.commands.set('poll', async (i) => {
      const group = i.options.getSubcommandGroup(false);
      if (group === 'admin') {
        await i.reply(`${group}/${i.options.getSubcommand()}/${i.options.getInteger('id', true)}`);
        return;
      }
      const parts = [
        i.options.getSubcommand(),
        i.options.getString('question', true),
        String(i.options.getBoolean('anonymous')),
        i.options.getChannel('channel')?.name,
        i.options.getRole('role')?.name,
        String(i.options.getNumber('weight')),
      ];
      await i.reply(parts.join('|'));
    });
    const created = await sim.command({
      user: alice,
      guildId: guild.id,
      name: 'poll',
      subcommand: 'create',
      options: { question: 'Best kiss?', anonymous: true, channel: info.id, role: role.id, weight: 1.5 },
    });
    expect(created.message?.content).toBe('create|Best kiss?|true|general|Voters|1.5');
    const closed = await sim.command({ user: alice, guildId: guild.id, name: 'poll', group: 'admin', subcommand: 'close', options: { id: 7 } });
    expect(closed.message?.content).toBe('admin/close/7');
  });

  it('refuses, in the test, what no member could do', async () => {
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'nope' })).rejects.toBeInstanceOf(SimulatorUsageError);
    await expect(
      sim.command({ user: alice, guildId: guild.id, name: 'poll', subcommand: 'create', options: { question: 'q', colour: 'red' } }),
    ).rejects.toThrow(/no option "colour"/);
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'poll', subcommand: 'create', options: {} })).rejects.toThrow(
      /needs option "question"/,
    );
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'settings' })).rejects.toThrow(/hidden/);
  });

  it('a moderator sees moderator commands and the bot sees the member permissions', async () => {
    const mod = sim.createMember(guild.id, { username: 'mod', moderator: true }).user;
    bot.commands.set('settings', async (i) => {
      await i.reply(`manage=${String(i.memberPermissions?.has('ManageGuild'))}`);
    });
    const res = await sim.command({ user: mod, guildId: guild.id, name: 'settings' });
    expect(res.message?.content).toBe('manage=true');
  });

  it('the server can let a member run a command its default permissions hide, or forbid it in a channel', async () => {
    bot.commands.set('settings', async (i) => {
      await i.reply(`manage=${String(i.memberPermissions?.has('ManageGuild'))}`);
    });
    sim.setCommandPermissions(guild.id, 'settings', [
      { id: alice.id, type: 2, permission: true },
      { id: sim.channel(guild.id, 'general').id, type: 3, permission: true },
    ]);
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'settings' });
    expect(res.message?.content).toBe('manage=false');
    const stored = (await bot.client.rest.get(`/applications/${sim.applicationId}/guilds/${guild.id}/commands/permissions`)) as Array<{
      permissions: Array<{ id: string }>;
    }>;
    expect(stored[0]?.permissions.map((p) => p.id)).toContain(alice.id);
    sim.setCommandPermissions(guild.id, 'settings', [
      { id: alice.id, type: 2, permission: true },
      { id: channelId, type: 3, permission: false },
    ]);
    await expect(sim.command({ user: alice, guildId: guild.id, name: 'settings' })).rejects.toThrow(/disabled/);
  });

  it('a reply can carry a file', async () => {
    bot.commands.set('ping', async (i) => {
      await i.reply({ content: 'file', files: [{ attachment: Buffer.from('열두 번째 테이크'), name: 'take.txt' }] });
    });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.message?.attachments[0]?.filename).toBe('take.txt');
    expect(res.message?.attachments[0]?.data.toString('utf8')).toBe('열두 번째 테이크');
    expect(sim.requests.at(-1)?.contentType).toBe('multipart/form-data');
  });

  it('works in a DM with the bot and in a group DM for a user-installed app', async () => {
    bot.commands.set('whoami', async (i) => {
      const owners = i.authorizingIntegrationOwners;
      await i.reply(`ctx=${String(i.context)} guild=${String(i.guildId)} user=${String(owners.userId ?? '-')} type=${String(i.channel?.type ?? 'none')}`);
    });
    const dm = await sim.command({ user: alice, name: 'whoami', channelType: 1 });
    expect(dm.message?.content).toBe(`ctx=${InteractionContextType.BotDM} guild=null user=${alice.id} type=none`);
    expect(sim.world.channels.get(dm.message?.channel_id ?? '')?.type).toBe(ChannelType.DM);
    const group = await sim.command({ user: alice, name: 'whoami', channelType: 3 });
    expect(group.message?.content).toBe(`ctx=${InteractionContextType.PrivateChannel} guild=null user=${alice.id} type=none`);
    await expect(sim.command({ user: alice, name: 'ping', channelType: 3 })).rejects.toThrow(/not available in context 2/);
  });
});

describe('components, autocomplete and modals', () => {
  it('a button click updates the message it is on', async () => {
    bot.commands.set('ping', async (i) => {
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('vote:a').setLabel('A').setStyle(ButtonStyle.Primary),
        new ButtonBuilder().setCustomId('vote:b').setLabel('B').setStyle(ButtonStyle.Secondary),
        new ButtonBuilder().setURL('https://example.com/').setLabel('More').setStyle(ButtonStyle.Link),
      );
      await i.reply({ content: 'Vote!', components: [row] });
    });
    bot.buttons.set('vote:a', async (i) => {
      await i.update({ content: `${i.user.username} voted A on ${i.message.content}`, components: [] });
    });
    const menu = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(menu.message?.components[0]?.components?.length).toBe(3);
    const res = await sim.click({ user: alice, message: menu.message!, customId: 'vote:a' });
    expect(res.outcome).toBe('updated');
    expect(res.message?.id).toBe(menu.message?.id);
    expect(res.message?.content).toBe('alice voted A on Vote!');
    expect(res.message?.components).toEqual([]);
    expect(res.message?.editCount).toBe(1);
    await expect(sim.click({ user: alice, message: menu.message!, customId: 'vote:b' })).rejects.toThrow(/no component/);
  });

  it('a forged (stale) custom_id is refused unless the test asks to forge it', async () => {
    bot.commands.set('ping', async (i) => {
      await i.reply({ content: 'old', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'New', custom_id: 'new:1' }] }] });
    });
    bot.buttons.set('old:1', async (i) => {
      await i.reply({ content: `stale ${i.customId}`, flags: MessageFlags.Ephemeral });
    });
    const shown = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    await expect(sim.click({ user: alice, message: shown.message!, customId: 'old:1' })).rejects.toThrow(/no component "old:1"/);
    const res = await sim.click({ user: alice, message: shown.message!, customId: 'old:1', forge: true });
    expect(res.message?.content).toBe('stale old:1');
  });

  it('a select menu sends the chosen values', async () => {
    bot.commands.set('ping', async (i) => {
      const select = new StringSelectMenuBuilder()
        .setCustomId('pick')
        .setMaxValues(2)
        .addOptions({ label: 'Goblin', value: 'goblin' }, { label: 'Crash Landing', value: 'cloy' }, { label: 'Healer', value: 'healer' });
      await i.reply({ content: 'Pick', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select)] });
    });
    bot.selects.set('pick', async (i) => {
      await i.deferUpdate();
      await i.editReply({ content: `picked ${i.values.join('+')}`, components: [] });
    });
    const menu = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    const res = await sim.select({ user: alice, message: menu.message!.id, customId: 'pick', values: ['goblin', 'healer'] });
    expect(res.outcome).toBe('deferredUpdate');
    await res.settled();
    expect(res.message?.content).toBe('picked goblin+healer');
    await expect(sim.select({ user: alice, message: menu.message!.id, customId: 'pick', values: ['x'] })).rejects.toThrow(
      /no component/,
    );
  });

  it('a user select resolves the picked members', async () => {
    const bob = sim.createMember(guild.id, { username: 'bob' }).user;
    bot.commands.set('ping', async (i) => {
      await i.reply({ content: 'Who?', components: [{ type: 1, components: [{ type: 5, custom_id: 'who', max_values: 2 }] }] });
    });
    let picked = '';
    const onSelect = (i: Interaction): void => {
      if (!i.isUserSelectMenu()) return;
      picked = `${i.users.map((u) => u.username).join('+')}|${i.members.size}`;
      void i.deferUpdate();
    };
    bot.client.on('interactionCreate', onSelect);
    const menu = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    const res = await sim.select({ user: alice, message: menu.message!, customId: 'who', values: [bob.id, alice.id] });
    bot.client.off('interactionCreate', onSelect);
    expect(res.outcome).toBe('deferredUpdate');
    expect(picked).toBe('bob+alice|2');
  });

  it('autocomplete answers with choices for the focused option', async () => {
    bot.autocompletes.set('search', async (i) => {
      const typed = i.options.getFocused().toLowerCase();
      const titles = ['Goblin', 'Good Doctor', 'Healer'];
      await i.respond(titles.filter((t) => t.toLowerCase().startsWith(typed)).map((t) => ({ name: t, value: t.toLowerCase() })));
    });
    const choices = await sim.autocomplete({ user: alice, guildId: guild.id, name: 'search', focused: 'drama', options: { drama: 'go' } });
    expect(choices).toEqual([
      { name: 'Goblin', value: 'goblin' },
      { name: 'Good Doctor', value: 'good doctor' },
    ]);
  });

  it('showModal opens a modal and its submission reaches the bot', async () => {
    bot.commands.set('ping', async (i) => {
      const modal = new ModalBuilder()
        .setCustomId('feedback')
        .setTitle('Feedback')
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder().setCustomId('comment').setLabel('Comment').setStyle(TextInputStyle.Paragraph),
          ),
        );
      await i.showModal(modal);
    });
    bot.modals.set('feedback', async (i) => {
      await i.reply({ content: `thanks: ${i.fields.getTextInputValue('comment')}`, flags: MessageFlags.Ephemeral });
    });
    const opened = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(opened.outcome).toBe('modal');
    expect(opened.modal?.title).toBe('Feedback');
    await expect(sim.submitModal({ user: alice, customId: 'feedback', fields: { other: 'x' } })).rejects.toThrow(/no field "other"/);
    const submitted = await sim.submitModal({ user: alice, customId: 'feedback', fields: { comment: 'Loved it' } });
    expect(submitted.outcome).toBe('replied');
    expect(submitted.message?.content).toBe('thanks: Loved it');
    expect(submitted.message?.channel_id).toBe(channelId);
    await expect(sim.submitModal({ user: alice, customId: 'feedback', fields: { comment: 'again' } })).rejects.toThrow(/No modal/);
  });
});

describe('the OpenAPI check', () => {
  it('every request body the simulator accepted here matches Discord’s schema', () => {
    expect(sim.requests.filter((r) => r.schema === 'valid').length).toBeGreaterThan(15);
    expect(sim.schemaViolations).toEqual([]);
  });
});
