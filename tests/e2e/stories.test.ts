/**
 * A server's own stories (`/kiss-story`, issue 14) end to end: the real bot against the simulator.
 * Members add, edit, remove, list and import stories; bad input is answered privately and stores
 * nothing; the stories show everywhere in their server and nowhere else; they survive restarts on
 * SQLite and Redis and go with the rest of the server's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type InteractionResult, type SimGuild, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { t } from '../../src/i18n/index.js';
import type { OwnStory } from '../../src/stories/schema.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { StoreUnavailableError } from '../../src/store/index.js';
import { startWorld, type BotUnderTest, type World } from './harness.js';

type Form = { couple: string; drama: string; story: string; quote: string; links: string };

const QUEEN: Form = {
  couple: 'Kim Soo Hyun (김수현) & Kim Ji Won (김지원)',
  drama: 'Queen of Tears (눈물의 여왕, 2024)',
  story:
    'They rehearsed the rooftop kiss in Germany until the wind dropped, and Kim Ji Won laughed through the first take.\n\n---\n\n두 사람은 바람이 잦아들 때까지 독일 옥상에서 키스신을 연습했고, 김지원은 첫 테이크 내내 웃음을 참지 못했다.',
  quote: 'Kim Ji Won: I was so nervous.',
  links: 'https://www.example.com/queen-of-tears-rooftop\nhttps://www.youtube.com/watch?v=qot12345678',
};
const KING: Form = {
  couple: 'Lee Jun Ho (이준호) & Yoona (윤아)',
  drama: 'King the Land (킹더랜드, 2023)',
  story: 'On the last night of filming in Bangkok, the crew applauded after the single take of the hotel-lobby kiss.',
  quote: '',
  links: 'https://www.example.com/king-the-land-lobby',
};
const RUNNER: Form = {
  couple: 'Byeon Woo Seok (변우석) & Kim Hye Yoon (김혜윤)',
  drama: 'Lovely Runner (선재 업고 튀어, 2024)',
  story: '비 오는 버스 정류장 장면은 새벽까지 촬영했고, 두 배우는 우산 하나를 나눠 쓰며 대사를 맞췄다.',
  quote: '',
  links: 'https://www.example.com/lovely-runner-bus-stop',
};

/** An import entry (English only), numbered so each is a different couple and drama. */
const entry = (i: number, extra: Record<string, unknown> = {}) => ({
  actors: [{ name: `Actor ${i} Han` }, { name: `Actress ${i} Seo` }],
  drama: { title: `Imported Drama ${i}`, year: 2020 },
  story: { en: `Story number ${i}: the two leads laughed between takes of the kiss scene.` },
  source: `https://news.example.org/story-${i}`,
  ...extra,
});
const entries = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));

const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const buttonId = (m: SimMessage, prefix: string) => buttons(m).find((c) => c.custom_id?.startsWith(prefix))?.custom_id;
/** The values a modal shows, by text box. */
const modalValues = (res: InteractionResult) =>
  Object.fromEntries((res.modal?.components ?? []).flatMap((row) => row.components ?? []).map((c) => [c.custom_id!, (c as { value?: string }).value ?? '']));
const names = (story: Pick<OwnStory, 'actors'>) => story.actors.map((a) => a.name).join(' & ');

let world: World;
let bot: BotUnderTest;
/** The random source of the bot: Math.random, unless a test forces a value. */
let forced: number | undefined;
let A: SimGuild;
let B: SimGuild;
let C: SimGuild;
let mod: SimUser;
let modB: SimUser;
let modC: SimUser;
const book = (guildId: string) => bot.app.ctx.stories.book(guildId);
const member = (guildId: string, locale = 'en-US') => world.sim.createMember(guildId, { username: `fan-${Math.random().toString(36).slice(2, 7)}`, locale }).user;

async function story(guildId: string, drama: string): Promise<OwnStory> {
  const found = (await book(guildId)).stories.find((s) => s.drama.title === drama);
  if (!found) throw new Error(`no story for ${drama}`);
  return found;
}

function kissStory(user: SimUser, guildId: string, subcommand: string, options: Record<string, string> = {}, locale?: string) {
  return world.sim.command({ user, guildId, name: 'kiss-story', subcommand, options, ...(locale ? { locale } : {}) });
}

/** `/kiss-story add`, then the form submitted with `form`: the answer to the form. */
async function addThroughForm(user: SimUser, guildId: string, form: Form): Promise<InteractionResult> {
  const opened = await kissStory(user, guildId, 'add');
  expect(opened.outcome, opened.message?.content).toBe('modal');
  expect(opened.modal!.custom_id).toBe('story:form:add');
  return (await world.sim.submitModal({ user, guildId, customId: 'story:form:add', fields: form })).settled();
}

async function importFile(user: SimUser, guildId: string, data: string | Buffer, filename = 'stories.json'): Promise<InteractionResult> {
  return (await world.sim.command({ user, guildId, name: 'kiss-story', subcommand: 'import', options: { file: { filename, data } } })).settled();
}

beforeAll(async () => {
  world = await startWorld({
    random: () => forced ?? Math.random(),
    beforeBot: (sim) => {
      B = sim.createGuild({ name: 'Other Club', channels: [{ name: 'general' }] });
      C = sim.createGuild({ name: 'Bulk Club', channels: [{ name: 'general' }] });
    },
  });
  bot = world.bot;
  A = world.guild;
  mod = world.sim.createMember(A.id, { username: 'mina', moderator: true }).user;
  modB = world.sim.createMember(B.id, { username: 'alex', moderator: true }).user;
  modC = world.sim.createMember(C.id, { username: 'jisoo', moderator: true }).user;
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('/kiss-story: adding, editing, removing and listing', () => {
  it('a moderator adds a story through the form, edits it in the form filled in, lists it and removes another', async () => {
    const added = await addThroughForm(mod, A.id, QUEEN);
    expect(added.ephemeral).toBe(true);
    expect(added.message!.content).toMatch(/^Added \*\*Kim Soo Hyun & Kim Ji Won — Queen of Tears\*\*\. It now shows in <\/kiss-scene:\d+>, polls and the daily story of this server\.$/);
    const queen = await story(A.id, 'Queen of Tears');
    expect(queen).toMatchObject({
      actors: [
        { name: 'Kim Soo Hyun', hangul: '김수현' },
        { name: 'Kim Ji Won', hangul: '김지원' },
      ],
      drama: { title: 'Queen of Tears', korean: '눈물의 여왕', year: 2024 },
      story: { en: QUEEN.story.split('\n\n---\n\n')[0], ko: QUEEN.story.split('\n\n---\n\n')[1] },
      quote: { speaker: 'Kim Ji Won', text: 'I was so nervous.' },
      source: 'https://www.example.com/queen-of-tears-rooftop',
      video: 'https://www.youtube.com/watch?v=qot12345678',
      addedBy: mod.id,
    });
    expect(queen.id).toMatch(/^own\.[a-z0-9]{8}$/);

    // Edit: autocomplete offers the server's stories; the form opens with what is stored.
    const choices = await world.sim.autocomplete({ user: mod, guildId: A.id, name: 'kiss-story', subcommand: 'edit', options: { story: 'queen' }, focused: 'story' });
    expect(choices[0]).toEqual({ name: 'Kim Soo Hyun & Kim Ji Won — Queen of Tears (2024)', value: queen.id });
    const edit = await kissStory(mod, A.id, 'edit', { story: queen.id });
    expect(edit.outcome).toBe('modal');
    expect(edit.modal!.custom_id).toBe(`story:form:edit:${queen.id}`);
    expect(edit.modal!.title).toBe('Edit a server story');
    expect(modalValues(edit)).toEqual(QUEEN);
    const saved = await (
      await world.sim.submitModal({ user: mod, guildId: A.id, customId: `story:form:edit:${queen.id}`, fields: { ...QUEEN, quote: 'Kim Soo Hyun: She laughed at every take.' } })
    ).settled();
    expect(saved.ephemeral).toBe(true);
    expect(saved.message!.content).toBe('Saved your changes to **Kim Soo Hyun & Kim Ji Won — Queen of Tears**.');
    const edited = await story(A.id, 'Queen of Tears');
    expect(edited).toMatchObject({ id: queen.id, quote: { speaker: 'Kim Soo Hyun', text: 'She laughed at every take.' }, addedBy: mod.id, editedBy: mod.id });
    // Back as it was, for the tests below.
    await (await kissStory(mod, A.id, 'edit', { story: queen.id })).settled();
    await world.sim.submitModal({ user: mod, guildId: A.id, customId: `story:form:edit:${queen.id}`, fields: QUEEN });
    expect((await story(A.id, 'Queen of Tears')).quote).toEqual({ speaker: 'Kim Ji Won', text: 'I was so nervous.' });

    // Remove: a second story goes, the first stays.
    const temp = await addThroughForm(mod, A.id, { ...KING, drama: 'Temporary Drama', links: 'https://www.example.com/temp' });
    expect(temp.message!.content).toMatch(/^Added \*\*Lee Jun Ho & Yoona — Temporary Drama\*\*/);
    const tempId = (await story(A.id, 'Temporary Drama')).id;
    // Typed instead of picked: edit opens the best match; remove wants a title or couple in full.
    const typedEdit = await kissStory(mod, A.id, 'edit', { story: 'temporary drma' });
    expect(typedEdit.modal!.custom_id).toBe(`story:form:edit:${tempId}`);
    const vague = await (await kissStory(mod, A.id, 'remove', { story: 'temporary drma' })).settled();
    expect(vague.ephemeral).toBe(true);
    expect(vague.message!.content).toMatch(/^That story is not one of this server's stories/);
    expect((await book(A.id)).stories.map((s) => s.id)).toEqual([queen.id, tempId]);
    const removed = await kissStory(mod, A.id, 'remove', { story: 'Temporary drama' });
    expect(removed.ephemeral).toBe(true);
    expect(removed.message!.content).toBe("Removed **Lee Jun Ho & Yoona — Temporary Drama** from this server's stories.");
    expect((await book(A.id)).stories.map((s) => s.id)).toEqual([queen.id]);

    // List: who added each story and when.
    const list = await kissStory(member(A.id), A.id, 'list');
    expect(list.ephemeral).toBe(true);
    const embed = list.message!.embeds[0]!;
    expect(embed.title).toBe("This server's stories (1 of 200)");
    expect(embed.description).toMatch(new RegExp(`^\\*\\*1\\.\\*\\* Kim Soo Hyun & Kim Ji Won — Queen of Tears \\(2024\\)\\nadded by <@${mod.id}> <t:\\d+:R> · edited <t:\\d+:R>$`));
    expect(embed.footer!.text).toBe('Page 1 of 1');
    expect(list.message!.components).toEqual([]);
  });

  it('a member holding the contributor role adds and changes only their own stories', async () => {
    const role = world.sim.createRole(A.id, { name: 'Story writers', permissions: 0n });
    const set = await kissStory(mod, A.id, 'contributors', { role: role.id });
    expect(set.message!.content).toBe(`Members with <@&${role.id}> can now add stories, and change the ones they added.`);
    expect((await book(A.id)).contributorRoleId).toBe(role.id);
    const writer = member(A.id);
    world.sim.addMember(A.id, writer.id, { roleIds: [role.id] });
    const other = member(A.id);
    world.sim.addMember(A.id, other.id, { roleIds: [role.id] });

    const added = await addThroughForm(writer, A.id, { ...KING, couple: 'Song Kang & Kim Yoo Jung', drama: 'My Demon (마이 데몬, 2023)', links: 'https://www.example.com/my-demon' });
    expect(added.message!.content).toMatch(/^Added \*\*Song Kang & Kim Yoo Jung — My Demon\*\*/);
    const demon = await story(A.id, 'My Demon');
    expect(demon.addedBy).toBe(writer.id);
    const queen = await story(A.id, 'Queen of Tears');

    // Autocomplete offers a contributor only their own stories.
    const offered = await world.sim.autocomplete({ user: writer, guildId: A.id, name: 'kiss-story', subcommand: 'edit', options: { story: '' }, focused: 'story' });
    expect(offered.map((c) => c.value)).toEqual([demon.id]);

    // Their own: edited through the form.
    const edit = await kissStory(writer, A.id, 'edit', { story: demon.id });
    expect(edit.outcome).toBe('modal');
    const saved = await (await world.sim.submitModal({ user: writer, guildId: A.id, customId: `story:form:edit:${demon.id}`, fields: { ...modalValues(edit), quote: 'Song Kang: We ran out of snow.' } })).settled();
    expect(saved.message!.content).toBe('Saved your changes to **Song Kang & Kim Yoo Jung — My Demon**.');
    expect((await story(A.id, 'My Demon')).quote).toEqual({ speaker: 'Song Kang', text: 'We ran out of snow.' });

    // Someone else's: refused, for the moderator's story and another contributor's.
    const notYours = "Contributors can change only the stories they added. A moderator can change this one.";
    for (const [user, id] of [
      [writer, queen.id],
      [other, demon.id],
    ] as const) {
      for (const subcommand of ['edit', 'remove']) {
        const res = await kissStory(user, A.id, subcommand, { story: id });
        expect(res.outcome, subcommand).toBe('replied');
        expect(res.ephemeral).toBe(true);
        expect(res.message!.content).toBe(notYours);
      }
    }
    expect(await story(A.id, 'Queen of Tears')).toEqual(queen);

    // Managing the role and importing are for moderators.
    for (const [subcommand, options] of [
      ['contributors', {}],
      ['import', { file: { filename: 'stories.json', data: JSON.stringify([entry(1)]) } }],
    ] as const) {
      const res = await (await world.sim.command({ user: writer, guildId: A.id, name: 'kiss-story', subcommand, options })).settled();
      expect(res.message!.content, subcommand).toBe('You need the **Manage Server** permission to do this.');
    }
    expect((await book(A.id)).contributorRoleId).toBe(role.id);

    const removed = await kissStory(writer, A.id, 'remove', { story: demon.id });
    expect(removed.message!.content).toBe("Removed **Song Kang & Kim Yoo Jung — My Demon** from this server's stories.");
    expect((await book(A.id)).stories.map((s) => s.id)).toEqual([queen.id]);
  });

  it('refuses a plain member privately, even when the server lets everyone use the command', async () => {
    const fan = member(A.id);
    // Server Settings → Integrations: everyone may use /kiss-story; the handler still checks.
    world.sim.setCommandPermissions(A.id, 'kiss-story', [{ id: A.id, type: 1, permission: true }]);
    const before = await book(A.id);
    const queen = await story(A.id, 'Queen of Tears');
    const notAllowed = "You need the **Manage Server** permission, or this server's contributor role, to change its stories.";
    for (const [subcommand, options] of [
      ['add', {}],
      ['edit', { story: queen.id }],
      ['remove', { story: queen.id }],
      ['export', {}],
    ] as const) {
      const res = await kissStory(fan, A.id, subcommand, options);
      expect(res.outcome, subcommand).toBe('replied');
      expect(res.ephemeral).toBe(true);
      expect(res.message!.content).toBe(notAllowed);
    }
    const imported = await importFile(fan, A.id, JSON.stringify([entry(1)]));
    expect(imported.message!.content).toBe('You need the **Manage Server** permission to do this.');
    const role = await kissStory(fan, A.id, 'contributors', {});
    expect(role.message!.content).toBe('You need the **Manage Server** permission to do this.');
    // Nor does a form reach the store: a plain member's autocomplete offers nothing to change.
    expect(await world.sim.autocomplete({ user: fan, guildId: A.id, name: 'kiss-story', subcommand: 'edit', options: { story: '' }, focused: 'story' })).toEqual([]);
    expect(await book(A.id)).toEqual(before);
    // Listing is for everyone.
    expect((await kissStory(fan, A.id, 'list')).message!.embeds[0]!.title).toBe("This server's stories (1 of 200)");
  });
});

describe('/kiss-story: bad input is answered privately and nothing is stored', () => {
  const cases: Array<[string, Partial<Form>, string]> = [
    ['a missing source', { links: '' }, '• **Source link**: is missing.'],
    ['an http: source', { links: 'http://www.example.com/the-story' }, '• **Source link**: must be a secure https link.'],
    ['a source that is an image', { links: 'https://www.example.com/still.png' }, '• **Source link**: must be a public web page (not a file, an address or a local name).'],
    ['a source on an IP address', { links: 'https://203.0.113.7/the-story' }, '• **Source link**: must be a public web page (not a file, an address or a local name).'],
    ['an overlong story', { story: `${'The crew waited for the rain to stop. '.repeat(40)}`.slice(0, 1501) }, '• **Story**: is too long (at most 1500 characters).'],
    [
      'a story made only of mentions and spaces',
      { story: '<@123456789012345678>  <@&234567890123456789>\n\n @everyone   @here' },
      '• **Story**: needs a few words, in English or Korean: mentions and spaces alone are not a story.',
    ],
  ];
  const fresh: Form = {
    couple: 'Yoo Yeon Seok (유연석) & Chae Soo Bin (채수빈)',
    drama: 'When the Phone Is Ringing (지금 거신 전화는, 2024)',
    story: 'The phone-booth kiss was shot in one night, with the snow machine running out twice.',
    quote: 'Chae Soo Bin: The snow kept stopping.',
    links: 'https://www.example.com/phone-is-ringing',
  };

  it.each(cases)('%s: the problem named, "Fix it" reopens the form as typed', async (_name, change, line) => {
    const before = await book(A.id);
    const typed = { ...fresh, ...change };
    const res = await addThroughForm(mod, A.id, typed);
    expect(res.ephemeral).toBe(true);
    expect(res.message!.content).toBe(`Nothing was saved. Please fix:\n${line}`);
    expect(await book(A.id)).toEqual(before);

    const fixId = buttonId(res.message!, 'story:fix:')!;
    expect(fixId).toMatch(/^story:fix:[A-Za-z0-9_-]{12}$/);
    const reopened = await world.sim.click({ user: mod, message: res.message!, customId: fixId });
    expect(reopened.outcome).toBe('modal');
    expect(reopened.modal!.custom_id).toBe('story:form:add');
    expect(modalValues(reopened)).toEqual(typed);
  });

  it('stores the story once the reopened form is fixed', async () => {
    const res = await addThroughForm(mod, A.id, { ...fresh, links: 'http://www.example.com/phone-is-ringing' });
    const reopened = await world.sim.click({ user: mod, message: res.message!, customId: buttonId(res.message!, 'story:fix:')! });
    expect(modalValues(reopened).links).toBe('http://www.example.com/phone-is-ringing');
    const fixed = await (await world.sim.submitModal({ user: mod, guildId: A.id, customId: 'story:form:add', fields: { ...modalValues(reopened), links: fresh.links } })).settled();
    expect(fixed.message!.content).toMatch(/^Added \*\*Yoo Yeon Seok & Chae Soo Bin — When the Phone Is Ringing\*\*/);
    expect((await story(A.id, 'When the Phone Is Ringing')).source).toBe(fresh.links);
  });

  it('gives back what was typed, as a file, when the store is down at the submit (nothing saved, nothing lost)', async () => {
    const stories = bot.app.ctx.stories as { add: typeof bot.app.ctx.stories.add };
    const add = stories.add;
    stories.add = () => Promise.reject(new StoreUnavailableError('test: store down'));
    try {
      const before = (await book(A.id)).stories.length;
      const res = await addThroughForm(mod, A.id, KING);
      expect(res.ephemeral).toBe(true);
      expect(res.message!.content).toMatch(/^The bot's storage is unavailable right now, so your story was not saved\./);
      const attachment = res.message!.attachments[0]!;
      expect(attachment.filename).toBe('kiss-story.txt');
      const typed = await (await fetch(attachment.url)).text();
      for (const value of Object.values(KING)) expect(typed).toContain(value);
      expect((await book(A.id)).stories).toHaveLength(before);
    } finally {
      stories.add = add;
    }
  });

  it('refuses a duplicate of the server’s own couple and drama, and of a built-in one, with "Fix it"', async () => {
    const before = await book(A.id);
    // The same couple and drama however it is spelled: the actors in the other order, another case.
    const own = await addThroughForm(mod, A.id, { ...fresh, couple: 'kim ji won & KIM SOO HYUN', drama: 'queen of tears', links: 'https://www.example.com/another-page' });
    expect(own.ephemeral).toBe(true);
    expect(own.message!.content).toMatch(/^This server already has a story for \*\*Kim Soo Hyun & Kim Ji Won — Queen of Tears\*\*\. Edit that one instead with <\/kiss-story edit:\d+>\.$/);
    const builtIn = await addThroughForm(mod, A.id, { ...fresh, couple: 'Park Bo Gum & Kim Yoo Jung', drama: 'Love in the Moonlight' });
    expect(builtIn.message!.content).toBe('**Park Bo Gum & Kim Yoo Jung — Love in the Moonlight** is already one of the built-in stories.');
    expect(await book(A.id)).toEqual(before);
    const reopened = await world.sim.click({ user: mod, message: builtIn.message!, customId: buttonId(builtIn.message!, 'story:fix:')! });
    expect(modalValues(reopened)).toEqual({ ...fresh, couple: 'Park Bo Gum & Kim Yoo Jung', drama: 'Love in the Moonlight' });
  });

  it('imports: not JSON, over the size limit, or one bad entry among fifty apply nothing; fifty good ones list on pages', async () => {
    const notJson = await importFile(modC, C.id, '{ "stories": [ oops');
    expect(notJson.ephemeral).toBe(true);
    expect(notJson.message!.content).toMatch(/^That file is not JSON\. Import a file made by <\/kiss-story export:\d+>, or one shaped like it\.$/);

    const tooLarge = await importFile(modC, C.id, Buffer.alloc(2 * 1024 * 1024 + 1, 0x20));
    expect(tooLarge.ephemeral).toBe(true);
    expect(tooLarge.message!.content).toBe('That file is too large: an import takes at most 2 MB.');

    const fifty = entries(1, 50);
    fifty[36] = entry(37, { source: 'http://news.example.org/story-37' });
    const oneBad = await importFile(modC, C.id, JSON.stringify(fifty));
    expect(oneBad.ephemeral).toBe(true);
    expect(oneBad.message!.content).toBe(
      'Nothing was imported. 1 of 50 entries has a problem:\n• Entry 37 (Actor 37 Han & Actress 37 Seo — Imported Drama 37): **Source link**: must be a secure https link.',
    );
    expect((await book(C.id)).stories).toEqual([]);
    expect((await kissStory(modC, C.id, 'list')).message!.content).toMatch(/^This server has no stories of its own yet\. Add one with <\/kiss-story add:\d+>\.$/);

    const good = await importFile(modC, C.id, JSON.stringify({ stories: entries(1, 50) }));
    expect(good.message!.content).toBe('Imported the file: 50 added, 0 updated. This server now has 50 stories of its own.');
    expect((await book(C.id)).stories.map((s) => s.drama.title)).toEqual(entries(1, 50).map((e) => e.drama.title));

    // Fifty stories: five pages of ten, turned with the buttons.
    const viewer = member(C.id);
    const list = await kissStory(viewer, C.id, 'list');
    let page = list.message!;
    expect(page.embeds[0]!.title).toBe("This server's stories (50 of 200)");
    expect(page.embeds[0]!.footer!.text).toBe('Page 1 of 5');
    expect(page.embeds[0]!.description!.split('\n\n')).toHaveLength(10);
    expect(buttons(page).map((b) => [b.label, b.disabled])).toEqual([
      ['Previous', true],
      ['Next', false],
    ]);
    for (const n of [2, 3]) {
      page = (await world.sim.click({ user: viewer, message: page, customId: buttons(page)[1]!.custom_id! })).message!;
      expect(page.embeds[0]!.footer!.text).toBe(`Page ${n} of 5`);
      expect(page.embeds[0]!.description).toMatch(new RegExp(`^\\*\\*${(n - 1) * 10 + 1}\\.\\*\\* Actor ${(n - 1) * 10 + 1} Han & Actress ${(n - 1) * 10 + 1} Seo — Imported Drama ${(n - 1) * 10 + 1} \\(2020\\)\\nadded by <@${modC.id}>`));
    }
    page = (await world.sim.click({ user: viewer, message: page, customId: buttons(page)[0]!.custom_id! })).message!;
    expect(page.embeds[0]!.footer!.text).toBe('Page 2 of 5');
  });

  it('imports: an entry with a field named like a built-in property is answered with the field it does not know, nothing applied', async () => {
    const before = await book(B.id);
    const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
    // Computed keys: ordinary fields of each entry, as a hand-written file has them.
    const file = JSON.stringify(names.map((name, i) => entry(900 + i, { [name]: 'x' })));
    const answer = await importFile(modB, B.id, file);
    expect(answer.ephemeral).toBe(true);
    names.forEach((name, i) => {
      expect(answer.message!.content).toContain(`• Entry ${i + 1} (Actor ${900 + i} Han & Actress ${900 + i} Seo — Imported Drama ${900 + i}): **Entry**: ${t('en', 'story.problems.unknownField', { detail: name })}`);
    });
    expect(await book(B.id)).toEqual(before);
    expect(bot.logs.filter((l) => l.msg === 'interaction failed')).toEqual([]);
  });

  it('refuses a 201st story, from the form and from an import', async () => {
    const filled = await importFile(modC, C.id, JSON.stringify(entries(51, 199)));
    expect(filled.message!.content).toBe('Imported the file: 149 added, 0 updated. This server now has 199 stories of its own.');
    // A form opened at 199, submitted once an import made it 200: refused, nothing stored.
    const opened = await kissStory(modC, C.id, 'add');
    expect(opened.outcome).toBe('modal');
    expect((await importFile(modC, C.id, JSON.stringify([entry(200)]))).message!.content).toMatch(/^Imported the file: 1 added, 0 updated\. This server now has 200 stories/);
    const late = await (await world.sim.submitModal({ user: modC, guildId: C.id, customId: 'story:form:add', fields: QUEEN })).settled();
    expect(late.ephemeral).toBe(true);
    expect(late.message!.content).toMatch(/^This server already has 200 stories, the most it can keep\. Remove one with <\/kiss-story remove:\d+> first\.$/);

    const add = await kissStory(modC, C.id, 'add');
    expect(add.outcome).toBe('replied');
    expect(add.ephemeral).toBe(true);
    expect(add.message!.content).toMatch(/^This server already has 200 stories, the most it can keep\./);
    const more = await importFile(modC, C.id, JSON.stringify([entry(201)]));
    expect(more.message!.content).toBe('Nothing was imported: with this file the server would have more than 200 stories.');
    const stored = await book(C.id);
    expect(stored.stories).toHaveLength(200);
    expect(stored.stories.some((s) => s.drama.title === 'Queen of Tears' || s.drama.title === 'Imported Drama 201')).toBe(false);
  });
});

describe('a server’s stories show everywhere in that server, and nowhere else', () => {
  let own: OwnStory[];
  let queen: OwnStory;
  beforeAll(async () => {
    // Two in one language each (the language tests), and three imported: sixteen couples with the built-in ten.
    for (const form of [KING, RUNNER]) expect((await addThroughForm(mod, A.id, form)).message!.content).toMatch(/^Added /);
    expect((await importFile(mod, A.id, JSON.stringify(entries(1, 3)))).message!.content).toMatch(/^Imported the file: 3 added/);
    own = (await book(A.id)).stories;
    queen = await story(A.id, 'Queen of Tears');
    expect(own.length).toBeGreaterThanOrEqual(6);
  });

  it('autocomplete marks the server’s stories as its own, in each language; another server never sees them', async () => {
    const ask = (guildId: string, typed: string, locale = 'en-US') =>
      world.sim.autocomplete({ user: member(guildId, locale), guildId, name: 'kiss-scene', options: { couple: typed }, focused: 'couple', locale });
    expect((await ask(A.id, 'Queen of Tears'))[0]).toEqual({ name: 'Server story · Kim Soo Hyun & Kim Ji Won — Queen of Tears (2024)', value: queen.id });
    expect((await ask(A.id, '김지원', 'ko'))[0]).toEqual({ name: '서버 이야기 · 김수현 & 김지원 — 눈물의 여왕 (2024)', value: queen.id });
    // Nothing typed: the newest of the server's stories first.
    expect((await ask(A.id, ''))[0]!.value).toBe(own.at(-1)!.id);

    const ownIds = new Set(own.map((s) => s.id));
    for (const typed of ['', 'Queen of Tears', 'Kim Soo Hyun', 'Imported Drama', '김지원']) {
      const choices = await ask(B.id, typed);
      expect(choices.filter((c) => ownIds.has(String(c.value)) || c.name.startsWith('Server story')), typed).toEqual([]);
    }
    expect(await ask(B.id, '')).toHaveLength(10);
  });

  it('/kiss-scene shows it with the server’s credit and its source link; another server does not know it', async () => {
    const res = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: queen.id } });
    expect(res.ephemeral).toBe(false);
    const embed = res.message!.embeds[0]!;
    expect(embed.title).toBe('💋 Kim Soo Hyun & Kim Ji Won');
    expect(embed.description).toBe(queen.story.en);
    expect(embed.fields).toEqual([
      { name: 'Drama', value: 'Queen of Tears (눈물의 여왕) · 2024' },
      { name: 'What they said', value: '> “I was so nervous.” — Kim Ji Won' },
      { name: 'Source', value: '[example.com](https://www.example.com/queen-of-tears-rooftop)\nAdded by the members of K-drama Club' },
    ]);
    expect(JSON.stringify(embed)).not.toContain('DramaFever');
    expect(embed.footer!.text).toBe('Server story · Behind the kiss scene');
    expect(buttons(res.message!)[0]).toMatchObject({ style: 5, url: 'https://www.youtube.com/watch?v=qot12345678', label: 'Watch the filming video' });

    const elsewhere = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-scene', options: { couple: queen.id } });
    expect(elsewhere.ephemeral).toBe(true);
    expect(elsewhere.message!.content).toMatch(new RegExp(`^No couple matches \\*\\*${queen.id.replace('.', '\\.')}\\*\\*\\. Did you mean: `));
    const typed = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-scene', options: { couple: 'Queen of Tears' } });
    expect(typed.message!.embeds[0]?.title ?? '').not.toBe('💋 Kim Soo Hyun & Kim Ji Won');
    expect(world.sim.messages(B.channels[0]!.id).filter((m) => m.embeds[0]?.footer?.text?.startsWith('Server story'))).toEqual([]);
  });

  it('a random /kiss-scene can pick it in its server only', async () => {
    // The random source forced to its top: the last couple of the server's list, its newest story.
    forced = 0.999_999;
    try {
      const here = await world.sim.command({ user: member(A.id), guildId: A.id, channelId: A.channels[1]!.id, name: 'kiss-scene' });
      expect(here.message!.embeds[0]!.title).toBe(`💋 ${names(own.at(-1)!)}`);
      expect(here.message!.embeds[0]!.footer!.text).toBe('Server story · Behind the kiss scene');
      const there = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-scene' });
      expect(there.message!.embeds[0]!.footer!.text).not.toMatch(/^Server story/);
      expect(there.message!.embeds[0]!.title).toBe(`💋 ${bot.app.ctx.catalogue.couples.at(-1)!.actors.map((a) => a.name).join(' & ')}`);
    } finally {
      forced = undefined;
    }
  });

  it('/kiss-video shows the story’s video link first', async () => {
    const res = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-video', options: { couple: queen.id } });
    expect(res.message!.embeds[0]!.title).toBe('🎬 Filming videos: Kim Soo Hyun & Kim Ji Won');
    expect(buttons(res.message!)[0]).toMatchObject({ style: 5, url: 'https://www.youtube.com/watch?v=qot12345678' });
    const elsewhere = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-video', options: { couple: queen.id } });
    expect(elsewhere.ephemeral).toBe(true);
    expect(elsewhere.message!.content).toMatch(/^No couple matches /);
  });

  it('polls take it as a candidate (and include it by default); another server’s polls cannot', async () => {
    const isPoll = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('poll:vote:'));
    const started = await (await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-poll', subcommand: 'start', options: { couples: `${queen.id}, Park Bo Gum` } })).settled();
    expect(started.message!.content).toMatch(/^Your poll is up: /);
    const poll = await world.sim.waitForMessage(A.channels[0]!.id, (m) => isPoll(m) && m.embeds[0]!.description!.includes('Queen of Tears'));
    expect(poll.embeds[0]!.description).toContain('**1.** **Kim Soo Hyun & Kim Ji Won** — *Queen of Tears*');
    const vote = await world.sim.click({ user: member(A.id), message: poll, customId: buttons(poll).find((b) => b.custom_id?.startsWith('poll:vote:'))!.custom_id! });
    expect(vote.message!.content).toBe('You voted for **Kim Soo Hyun & Kim Ji Won**.');

    const byDefault = await (await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-poll', subcommand: 'start', options: {} })).settled();
    expect(byDefault.message!.content).toMatch(/^Your poll is up: /);
    const defaultPoll = await world.sim.waitForMessage(A.channels[0]!.id, (m) => isPoll(m) && m.id !== poll.id);
    for (const s of own) expect(defaultPoll.embeds[0]!.description).toContain(`**${names(s)}** — *${s.drama.title}*`);

    const refused = await (await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-poll', subcommand: 'start', options: { couples: `${queen.id}, Park Bo Gum` } })).settled();
    expect(refused.ephemeral).toBe(true);
    expect(refused.message!.content).toMatch(/^No couple matches /);
    const otherDefault = await (await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-poll', subcommand: 'start', options: {} })).settled();
    expect(otherDefault.message!.content).toMatch(/^Your poll is up: /);
    const otherPoll = await world.sim.waitForMessage(B.channels[0]!.id, isPoll);
    expect(buttons(otherPoll).filter((b) => b.custom_id?.startsWith('poll:vote:'))).toHaveLength(10);
    for (const s of own) expect(otherPoll.embeds[0]!.description).not.toContain(s.drama.title);
  });

  it('the World Cup pool includes it: a World Cup of 16 plays in its server, not in another', async () => {
    const player = member(A.id);
    const res = await world.sim.command({ user: player, guildId: A.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 16 } });
    expect(res.ephemeral).toBe(true);
    let message = res.message!;
    expect(message.embeds[0]!.title).toMatch(/match 1 of 8$/);
    const seen: string[] = [];
    for (let match = 0; match < 8; match++) {
      seen.push(...message.embeds[0]!.fields!.map((f) => f.name.replace(/^\S+ /, '')));
      message = (await world.sim.click({ user: player, message, customId: buttonId(message, 'wc:pick:')! })).message!;
    }
    expect(seen).toHaveLength(16);
    // Sixteen of the server's 10 + own.length couples enter: at least six of them its own.
    expect(new Set(seen).size).toBe(16);
    expect(own.filter((s) => seen.includes(names(s))).length).toBeGreaterThanOrEqual(6);

    const elsewhere = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 16 } });
    expect(elsewhere.message!.content).toBe('A World Cup of 16 needs 16 stories, and this server has 10. Try a size of 8.');
  });

  it('forged custom ids from another server change nothing', async () => {
    const before = await book(A.id);
    const beforeB = await book(B.id);
    // A refused form in the first server leaves a "Fix it" token there.
    const refusedA = await addThroughForm(mod, A.id, { ...QUEEN, couple: 'Park Bo Gum & Kim Yoo Jung', drama: 'Love in the Moonlight' });
    const tokenA = buttonId(refusedA.message!, 'story:fix:')!.split(':')[2]!;
    // The other server's moderator gets a token of their own the same way.
    const refusedB = await addThroughForm(modB, B.id, { ...QUEEN, links: '' });
    const tokenB = buttonId(refusedB.message!, 'story:fix:')!.split(':')[2]!;
    const onB = refusedB.message!;

    // The form's submit id as a button: stale.
    const asButton = await world.sim.click({ user: modB, message: onB, customId: `story:form:edit:${queen.id}`, forge: true });
    expect(asButton.ephemeral).toBe(true);
    expect(asButton.message!.content).toBe('This button is no longer valid. Please run the command again.');
    // The first server's "Fix it" token: not kept for this server.
    const stolen = await world.sim.click({ user: modB, message: onB, customId: `story:fix:${tokenA}`, forge: true });
    expect(stolen.ephemeral).toBe(true);
    expect(stolen.message!.content).toMatch(/^This form is no longer kept \(after an hour\)\. Please run <\/kiss-story add:\d+> again\.$/);
    // Their own token with the first server's story id: the form opens, but submitting it edits nothing.
    const forged = await world.sim.click({ user: modB, message: onB, customId: `story:fix:${tokenB}:${queen.id}`, forge: true });
    expect(forged.outcome).toBe('modal');
    const submitted = await (
      await world.sim.submitModal({ user: modB, guildId: B.id, customId: `story:form:edit:${queen.id}`, fields: { ...QUEEN, links: 'https://www.example.com/hijacked' } })
    ).settled();
    expect(submitted.ephemeral).toBe(true);
    expect(submitted.message!.content).toBe("That story is not one of this server's stories (it may have been removed). Pick one from the list.");
    // The commands with the first server's id, typed by hand.
    for (const subcommand of ['edit', 'remove']) {
      const res = await kissStory(modB, B.id, subcommand, { story: queen.id });
      expect(res.message!.content, subcommand).toBe("That story is not one of this server's stories (it may have been removed). Pick one from the list.");
    }
    expect(await world.sim.autocomplete({ user: modB, guildId: B.id, name: 'kiss-story', subcommand: 'edit', options: { story: '' }, focused: 'story' })).toEqual([]);

    expect(await book(A.id)).toEqual(before);
    expect(await book(B.id)).toEqual(beforeB);
    // The first server's token still works there.
    const mine = await world.sim.click({ user: mod, message: refusedA.message!, customId: `story:fix:${tokenA}` });
    expect(mine.outcome).toBe('modal');
  });

  it('a story given in one language is shown in it to members of the other, with a one-line note', async () => {
    const scene = async (id: string, locale: string) =>
      (await world.sim.command({ user: member(A.id, locale), guildId: A.id, locale, name: 'kiss-scene', options: { couple: id } })).message!.embeds[0]!;
    const king = await story(A.id, 'King the Land');
    const runner = await story(A.id, 'Lovely Runner');
    expect(king.story).toEqual({ en: KING.story });
    expect(runner.story).toEqual({ ko: RUNNER.story });

    const kingKo = await scene(king.id, 'ko');
    expect(kingKo.title).toBe('💋 이준호 & 윤아');
    expect(kingKo.description).toBe(`${KING.story}\n\n*이 이야기는 영어로만 등록되어 있어요.*`);
    expect(kingKo.footer!.text).toBe('서버 이야기 · 키스신 비하인드');
    expect((await scene(king.id, 'en-US')).description).toBe(KING.story);

    const runnerEn = await scene(runner.id, 'en-US');
    expect(runnerEn.title).toBe('💋 Byeon Woo Seok & Kim Hye Yoon');
    expect(runnerEn.description).toBe(`${RUNNER.story}\n\n*This story was given in Korean only.*`);
    expect((await scene(runner.id, 'ko')).description).toBe(RUNNER.story);

    // Given in both: each member gets their own language, with no note.
    expect((await scene(queen.id, 'ko')).description).toBe(queen.story.ko);
  });

  it('survives a restart on SQLite', async () => {
    const before = await book(A.id);
    await bot.stop();
    bot = await world.startBot();
    expect(await book(A.id)).toEqual(before);
    const res = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: queen.id } });
    expect(res.message!.embeds[0]!.title).toBe('💋 Kim Soo Hyun & Kim Ji Won');
    const list = await kissStory(member(A.id), A.id, 'list');
    expect(list.message!.embeds[0]!.title).toBe(`This server's stories (${before.stories.length} of 200)`);
  });

  it('is deleted with the rest of the server’s data', async () => {
    const shown = await (await kissStory(mod, A.id, 'list')).settled();
    expect(shown.message!.embeds[0]!.title).toMatch(/^This server's stories/);
    const data = await (await world.sim.command({ user: mod, guildId: A.id, name: 'kiss-data', subcommand: 'show' })).settled();
    expect(data.message!.content).toContain("• This server's own stories, who added each, and its contributor role");

    const prompt = await (await world.sim.command({ user: mod, guildId: A.id, name: 'kiss-data', subcommand: 'delete' })).settled();
    const done = await (await world.sim.click({ user: mod, message: prompt.message!, customId: buttonId(prompt.message!, 'data:confirm:')! })).settled();
    await done.waitForEdit((m) => m.content.startsWith('🗑️'));
    expect(await book(A.id)).toEqual({ stories: [], removed: [] });
    expect((await bot.app.ctx.store.lifecycle.summarize(A.id)).entries).toBe(0);
    expect((await kissStory(mod, A.id, 'list')).message!.content).toMatch(/^This server has no stories of its own yet\./);
    const gone = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: queen.id } });
    expect(gone.ephemeral).toBe(true);
    expect(gone.message!.content).toMatch(/^No couple matches /);
    expect(await world.sim.autocomplete({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: '' }, focused: 'couple' })).toHaveLength(10);
    // Other servers keep theirs.
    expect((await book(C.id)).stories).toHaveLength(200);
  });
});

describe('the daily rotation with a server’s own stories (a controlled clock)', () => {
  it('tells the ten built-in and five own stories once each before any repeat; another server gets only the built-in ten', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z')); // 09:00 in Seoul
    let other!: SimGuild;
    const w = await startWorld({ clock, beforeBot: (sim) => void (other = sim.createGuild({ name: 'Other Club', channels: [{ name: 'general' }] })) });
    try {
      const modA = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
      const modO = w.sim.createMember(other.id, { username: 'alex', moderator: true }).user;
      const imported = await (
        await w.sim.command({ user: modA, guildId: w.guild.id, name: 'kiss-story', subcommand: 'import', options: { file: { filename: 's.json', data: JSON.stringify(entries(1, 5)) } } })
      ).settled();
      expect(imported.message!.content).toBe('Imported the file: 5 added, 0 updated. This server now has 5 stories of its own.');
      const channels = [w.guild.channels[0]!.id, other.channels[0]!.id] as const;
      for (const [user, guildId, channel] of [
        [modA, w.guild.id, channels[0]],
        [modO, other.id, channels[1]],
      ] as const) {
        const set = await (await w.sim.command({ user, guildId, name: 'kiss-daily', subcommand: 'set', options: { channel, time: '20:00', timezone: 'Asia/Seoul', language: 'en' } })).settled();
        expect(set.message!.content).toContain('✅ Saved.');
      }
      const daily = (channel: string) => w.sim.messages(channel).filter((m) => m.embeds[0]?.author?.name === 'Story of the day');
      for (let day = 0; day < 16; day++) {
        await clock.advanceTo(Date.parse('2026-11-25T11:00:00Z') + day * DAY);
        for (const channel of channels) await w.sim.waitForMessage(channel, () => daily(channel).length === day + 1);
      }
      const titles = daily(channels[0]).map((m) => m.embeds[0]!.title!);
      const ownTitles = entries(1, 5).map((e) => `💋 ${e.actors.map((a) => a.name).join(' & ')}`);
      const builtIn = w.bot.app.ctx.catalogue.couples.map((c) => `💋 ${c.actors.map((a) => a.name).join(' & ')}`);
      expect(new Set(titles.slice(0, 15))).toEqual(new Set([...builtIn, ...ownTitles]));
      expect([...builtIn, ...ownTitles]).toContain(titles[15]);
      expect(titles[15]).not.toBe(titles[14]);
      // Each of the server's stories posted as one: the server credited (the daily post has no server name) and its source linked.
      const ownPosts = daily(channels[0]).filter((m) => ownTitles.includes(m.embeds[0]!.title!));
      expect(ownPosts.length).toBeGreaterThanOrEqual(5);
      for (const post of ownPosts) {
        expect(post.embeds[0]!.footer!.text).toBe('Server story · Behind the kiss scene');
        expect(post.embeds[0]!.fields!.find((f) => f.name === 'Source')!.value).toMatch(/^\[news\.example\.org\]\(https:\/\/news\.example\.org\/story-\d\)\nAdded by the members of K-drama Club$/);
      }

      const otherTitles = daily(channels[1]).map((m) => m.embeds[0]!.title!);
      expect(otherTitles).toHaveLength(16);
      expect(new Set(otherTitles.slice(0, 10))).toEqual(new Set(builtIn));
      expect(otherTitles.every((t) => builtIn.includes(t))).toBe(true);
    } finally {
      await w.close();
    }
  });
});

describe('a server’s own stories on Redis', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.kill();
  });

  it('survive a restart of the bot', async () => {
    redis = await startRedisServer();
    const w = await startWorld({ storeUrl: redis.url });
    try {
      const modR = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
      const opened = await w.sim.command({ user: modR, guildId: w.guild.id, name: 'kiss-story', subcommand: 'add' });
      expect(opened.outcome).toBe('modal');
      const added = await (await w.sim.submitModal({ user: modR, guildId: w.guild.id, customId: 'story:form:add', fields: QUEEN })).settled();
      expect(added.message!.content).toMatch(/^Added /);
      const before = await w.bot.app.ctx.stories.book(w.guild.id);
      expect(before.stories).toHaveLength(1);

      await w.bot.stop();
      const again = await w.startBot();
      expect(await again.app.ctx.stories.book(w.guild.id)).toEqual(before);
      const res = await w.sim.command({ user: modR, guildId: w.guild.id, name: 'kiss-scene', options: { couple: before.stories[0]!.id } });
      expect(res.message!.embeds[0]!.title).toBe('💋 Kim Soo Hyun & Kim Ji Won');
      expect(res.message!.embeds[0]!.footer!.text).toBe('Server story · Behind the kiss scene');
    } finally {
      await w.close();
    }
  });
});
