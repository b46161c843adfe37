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
import { MAX_COUPLES } from '../../src/polls/model.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { StoreUnavailableError } from '../../src/store/index.js';
import { startWorld, type BotUnderTest, type World } from './harness.js';

type Form = { couple: string; drama: string; story: string; quote: string; links: string };

// The stories servers add here are made up: couples and dramas the built-in catalogue does not
// have (checked below), so adding them is never refused as a repeat of a built-in story, however
// the catalogue grows. A built-in couple is used only where a test is about that refusal.
const ROOFTOP: Form = {
  couple: 'Han Seo Jun (한서준) & Yoon Ha Eun (윤하은)',
  drama: 'Letters from the Rooftop (옥상의 편지, 2024)',
  story:
    'They rehearsed the rooftop kiss until the wind dropped, and Yoon Ha Eun laughed through the first take.\n\n---\n\n두 사람은 바람이 잦아들 때까지 옥상에서 키스신을 연습했고, 윤하은은 첫 테이크 내내 웃음을 참지 못했다.',
  quote: 'Yoon Ha Eun: I was so nervous.',
  links: 'https://www.example.com/letters-from-the-rooftop\nhttps://www.youtube.com/watch?v=rooftop1234',
};
const HARBOR: Form = {
  couple: 'Kang Min Jae (강민재) & Seo Yu Na (서유나)',
  drama: 'Harbor Lights (항구의 불빛, 2023)',
  story: 'On the last night of filming in Busan, the crew applauded after the single take of the pier kiss.',
  quote: '',
  links: 'https://www.example.com/harbor-lights-pier',
};
const BUS_STOP: Form = {
  couple: 'Oh Ji Hoon (오지훈) & Baek Soo Ah (백수아)',
  drama: 'Rainy Bus Stop (비 오는 정류장, 2024)',
  story: '비 오는 버스 정류장 장면은 새벽까지 촬영했고, 두 배우는 우산 하나를 나눠 쓰며 대사를 맞췄다.',
  quote: '',
  links: 'https://www.example.com/rainy-bus-stop',
};
const WINTER: Partial<Form> = { couple: 'Choi Da Hyun & Moon Jae Won', drama: 'Winter Promise (겨울 약속, 2023)', links: 'https://www.example.com/winter-promise' };
const fresh: Form = {
  couple: 'Jang Woo Hyun (장우현) & Min Se Ra (민세라)',
  drama: 'The Phone Booth (공중전화, 2024)',
  story: 'The phone-booth kiss was shot in one night, with the snow machine running out twice.',
  quote: 'Min Se Ra: The snow kept stopping.',
  links: 'https://www.example.com/the-phone-booth',
};
/** A built-in couple and drama, typed into the form: always refused as a repeat. */
const BUILT_IN = { id: 'park-bo-gum-kim-yoo-jung', couple: 'Park Bo Gum & Kim Yoo Jung', drama: 'Love in the Moonlight' };

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
/** The built-in catalogue the bot runs with. */
const catalogue = () => bot.app.ctx.catalogue;
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
  // The made-up stories are not in the catalogue: no actor of theirs, nor their drama, is.
  const actorNames = new Set(catalogue().couples.flatMap((c) => c.actors.flatMap((a) => [a.name, a.hangul].map((n) => n.toLowerCase()))));
  const titles = new Set(catalogue().couples.flatMap((c) => [c.drama.title, c.drama.korean, ...c.drama.altTitles].map((n) => n.toLowerCase())));
  for (const form of [ROOFTOP, HARBOR, BUS_STOP, WINTER, fresh]) {
    for (const part of form.couple!.split('&')) {
      for (const name of part.replace(')', '').split('(')) expect(actorNames.has(name.trim().toLowerCase()), name).toBe(false);
    }
    for (const title of form.drama!.replace(/,.*$/, '').split('(')) expect(titles.has(title.trim().toLowerCase()), title).toBe(false);
  }
  expect(catalogue().get(BUILT_IN.id)).toMatchObject({ drama: { title: BUILT_IN.drama } });
  expect(catalogue().get(BUILT_IN.id)!.actors.map((a) => a.name).join(' & ')).toBe(BUILT_IN.couple);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('/kiss-story: adding, editing, removing and listing', () => {
  it('a moderator adds a story through the form, edits it in the form filled in, lists it and removes another', async () => {
    const added = await addThroughForm(mod, A.id, ROOFTOP);
    expect(added.ephemeral).toBe(true);
    expect(added.message!.content).toMatch(/^Added \*\*Han Seo Jun & Yoon Ha Eun — Letters from the Rooftop\*\*\. It now shows in <\/kiss-scene:\d+>, polls and the daily story of this server\.$/);
    const rooftop = await story(A.id, 'Letters from the Rooftop');
    expect(rooftop).toMatchObject({
      actors: [
        { name: 'Han Seo Jun', hangul: '한서준' },
        { name: 'Yoon Ha Eun', hangul: '윤하은' },
      ],
      drama: { title: 'Letters from the Rooftop', korean: '옥상의 편지', year: 2024 },
      story: { en: ROOFTOP.story.split('\n\n---\n\n')[0], ko: ROOFTOP.story.split('\n\n---\n\n')[1] },
      quote: { speaker: 'Yoon Ha Eun', text: 'I was so nervous.' },
      source: 'https://www.example.com/letters-from-the-rooftop',
      video: 'https://www.youtube.com/watch?v=rooftop1234',
      addedBy: mod.id,
    });
    expect(rooftop.id).toMatch(/^own\.[a-z0-9]{8}$/);

    // Edit: autocomplete offers the server's stories; the form opens with what is stored.
    const choices = await world.sim.autocomplete({ user: mod, guildId: A.id, name: 'kiss-story', subcommand: 'edit', options: { story: 'rooftop' }, focused: 'story' });
    expect(choices[0]).toEqual({ name: 'Han Seo Jun & Yoon Ha Eun — Letters from the Rooftop (2024)', value: rooftop.id });
    const edit = await kissStory(mod, A.id, 'edit', { story: rooftop.id });
    expect(edit.outcome).toBe('modal');
    expect(edit.modal!.custom_id).toBe(`story:form:edit:${rooftop.id}`);
    expect(edit.modal!.title).toBe('Edit a server story');
    expect(modalValues(edit)).toEqual(ROOFTOP);
    const saved = await (
      await world.sim.submitModal({ user: mod, guildId: A.id, customId: `story:form:edit:${rooftop.id}`, fields: { ...ROOFTOP, quote: 'Han Seo Jun: She laughed at every take.' } })
    ).settled();
    expect(saved.ephemeral).toBe(true);
    expect(saved.message!.content).toBe('Saved your changes to **Han Seo Jun & Yoon Ha Eun — Letters from the Rooftop**.');
    const edited = await story(A.id, 'Letters from the Rooftop');
    expect(edited).toMatchObject({ id: rooftop.id, quote: { speaker: 'Han Seo Jun', text: 'She laughed at every take.' }, addedBy: mod.id, editedBy: mod.id });
    // Back as it was, for the tests below.
    await (await kissStory(mod, A.id, 'edit', { story: rooftop.id })).settled();
    await world.sim.submitModal({ user: mod, guildId: A.id, customId: `story:form:edit:${rooftop.id}`, fields: ROOFTOP });
    expect((await story(A.id, 'Letters from the Rooftop')).quote).toEqual({ speaker: 'Yoon Ha Eun', text: 'I was so nervous.' });

    // Remove: a second story goes, the first stays.
    const temp = await addThroughForm(mod, A.id, { ...HARBOR, drama: 'Temporary Drama', links: 'https://www.example.com/temp' });
    expect(temp.message!.content).toMatch(/^Added \*\*Kang Min Jae & Seo Yu Na — Temporary Drama\*\*/);
    const tempId = (await story(A.id, 'Temporary Drama')).id;
    // Typed instead of picked: edit opens the best match; remove wants a title or couple in full.
    const typedEdit = await kissStory(mod, A.id, 'edit', { story: 'temporary drma' });
    expect(typedEdit.modal!.custom_id).toBe(`story:form:edit:${tempId}`);
    const vague = await (await kissStory(mod, A.id, 'remove', { story: 'temporary drma' })).settled();
    expect(vague.ephemeral).toBe(true);
    expect(vague.message!.content).toMatch(/^That story is not one of this server's stories/);
    expect((await book(A.id)).stories.map((s) => s.id)).toEqual([rooftop.id, tempId]);
    const removed = await kissStory(mod, A.id, 'remove', { story: 'Temporary drama' });
    expect(removed.ephemeral).toBe(true);
    expect(removed.message!.content).toBe("Removed **Kang Min Jae & Seo Yu Na — Temporary Drama** from this server's stories.");
    expect((await book(A.id)).stories.map((s) => s.id)).toEqual([rooftop.id]);

    // List: who added each story and when.
    const list = await kissStory(member(A.id), A.id, 'list');
    expect(list.ephemeral).toBe(true);
    const embed = list.message!.embeds[0]!;
    expect(embed.title).toBe("This server's stories (1 of 200)");
    expect(embed.description).toMatch(new RegExp(`^\\*\\*1\\.\\*\\* Han Seo Jun & Yoon Ha Eun — Letters from the Rooftop \\(2024\\)\\nadded by <@${mod.id}> <t:\\d+:R> · edited <t:\\d+:R>$`));
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

    const added = await addThroughForm(writer, A.id, { ...HARBOR, ...WINTER });
    expect(added.message!.content).toMatch(/^Added \*\*Choi Da Hyun & Moon Jae Won — Winter Promise\*\*/);
    const winter = await story(A.id, 'Winter Promise');
    expect(winter.addedBy).toBe(writer.id);
    const rooftop = await story(A.id, 'Letters from the Rooftop');

    // Autocomplete offers a contributor only their own stories.
    const offered = await world.sim.autocomplete({ user: writer, guildId: A.id, name: 'kiss-story', subcommand: 'edit', options: { story: '' }, focused: 'story' });
    expect(offered.map((c) => c.value)).toEqual([winter.id]);

    // Their own: edited through the form.
    const edit = await kissStory(writer, A.id, 'edit', { story: winter.id });
    expect(edit.outcome).toBe('modal');
    const saved = await (await world.sim.submitModal({ user: writer, guildId: A.id, customId: `story:form:edit:${winter.id}`, fields: { ...modalValues(edit), quote: 'Choi Da Hyun: We ran out of snow.' } })).settled();
    expect(saved.message!.content).toBe('Saved your changes to **Choi Da Hyun & Moon Jae Won — Winter Promise**.');
    expect((await story(A.id, 'Winter Promise')).quote).toEqual({ speaker: 'Choi Da Hyun', text: 'We ran out of snow.' });

    // Someone else's: refused, for the moderator's story and another contributor's.
    const notYours = "Contributors can change only the stories they added. A moderator can change this one.";
    for (const [user, id] of [
      [writer, rooftop.id],
      [other, winter.id],
    ] as const) {
      for (const subcommand of ['edit', 'remove']) {
        const res = await kissStory(user, A.id, subcommand, { story: id });
        expect(res.outcome, subcommand).toBe('replied');
        expect(res.ephemeral).toBe(true);
        expect(res.message!.content).toBe(notYours);
      }
    }
    expect(await story(A.id, 'Letters from the Rooftop')).toEqual(rooftop);

    // Managing the role and importing are for moderators.
    for (const [subcommand, options] of [
      ['contributors', {}],
      ['import', { file: { filename: 'stories.json', data: JSON.stringify([entry(1)]) } }],
    ] as const) {
      const res = await (await world.sim.command({ user: writer, guildId: A.id, name: 'kiss-story', subcommand, options })).settled();
      expect(res.message!.content, subcommand).toBe('You need the **Manage Server** permission to do this.');
    }
    expect((await book(A.id)).contributorRoleId).toBe(role.id);

    const removed = await kissStory(writer, A.id, 'remove', { story: winter.id });
    expect(removed.message!.content).toBe("Removed **Choi Da Hyun & Moon Jae Won — Winter Promise** from this server's stories.");
    expect((await book(A.id)).stories.map((s) => s.id)).toEqual([rooftop.id]);
  });

  it('refuses a plain member privately, even when the server lets everyone use the command', async () => {
    const fan = member(A.id);
    // Server Settings → Integrations: everyone may use /kiss-story; the handler still checks.
    world.sim.setCommandPermissions(A.id, 'kiss-story', [{ id: A.id, type: 1, permission: true }]);
    const before = await book(A.id);
    const rooftop = await story(A.id, 'Letters from the Rooftop');
    const notAllowed = "You need the **Manage Server** permission, or this server's contributor role, to change its stories.";
    for (const [subcommand, options] of [
      ['add', {}],
      ['edit', { story: rooftop.id }],
      ['remove', { story: rooftop.id }],
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
    const res = await addThroughForm(mod, A.id, { ...fresh, links: 'http://www.example.com/the-phone-booth' });
    const reopened = await world.sim.click({ user: mod, message: res.message!, customId: buttonId(res.message!, 'story:fix:')! });
    expect(modalValues(reopened).links).toBe('http://www.example.com/the-phone-booth');
    const fixed = await (await world.sim.submitModal({ user: mod, guildId: A.id, customId: 'story:form:add', fields: { ...modalValues(reopened), links: fresh.links } })).settled();
    expect(fixed.message!.content).toMatch(/^Added \*\*Jang Woo Hyun & Min Se Ra — The Phone Booth\*\*/);
    expect((await story(A.id, 'The Phone Booth')).source).toBe(fresh.links);
  });

  it('gives back what was typed, as a file, when the store is down at the submit (nothing saved, nothing lost)', async () => {
    const stories = bot.app.ctx.stories as { add: typeof bot.app.ctx.stories.add };
    const add = stories.add;
    stories.add = () => Promise.reject(new StoreUnavailableError('test: store down'));
    try {
      const before = (await book(A.id)).stories.length;
      const res = await addThroughForm(mod, A.id, HARBOR);
      expect(res.ephemeral).toBe(true);
      expect(res.message!.content).toMatch(/^The bot's storage is unavailable right now, so your story was not saved\./);
      const attachment = res.message!.attachments[0]!;
      expect(attachment.filename).toBe('kiss-story.txt');
      const typed = await (await fetch(attachment.url)).text();
      for (const value of Object.values(HARBOR)) expect(typed).toContain(value);
      expect((await book(A.id)).stories).toHaveLength(before);
    } finally {
      stories.add = add;
    }
  });

  it('refuses a duplicate of the server’s own couple and drama, and of a built-in one, with "Fix it"', async () => {
    const before = await book(A.id);
    // The same couple and drama however it is spelled: the actors in the other order, another case.
    const own = await addThroughForm(mod, A.id, { ...fresh, couple: 'yoon ha eun & HAN SEO JUN', drama: 'letters from the  rooftop', links: 'https://www.example.com/another-page' });
    expect(own.ephemeral).toBe(true);
    expect(own.message!.content).toMatch(/^This server already has a story for \*\*Han Seo Jun & Yoon Ha Eun — Letters from the Rooftop\*\*\. Edit that one instead with <\/kiss-story edit:\d+>\.$/);
    // A built-in couple and drama, deliberately: refused, naming the catalogue's story.
    const builtIn = await addThroughForm(mod, A.id, { ...fresh, couple: BUILT_IN.couple, drama: BUILT_IN.drama });
    expect(builtIn.message!.content).toBe(`**${BUILT_IN.couple} — ${BUILT_IN.drama}** is already one of the built-in stories.`);
    // Another built-in one, as a member would type it, with its Korean names and year.
    const tears = await addThroughForm(mod, A.id, { ...fresh, couple: 'Kim Ji Won (김지원) & Kim Soo Hyun (김수현)', drama: 'Queen of Tears (눈물의 여왕, 2024)' });
    expect(tears.message!.content).toBe('**Kim Soo Hyun & Kim Ji Won — Queen of Tears** is already one of the built-in stories.');
    expect(await book(A.id)).toEqual(before);
    const reopened = await world.sim.click({ user: mod, message: builtIn.message!, customId: buttonId(builtIn.message!, 'story:fix:')! });
    expect(modalValues(reopened)).toEqual({ ...fresh, couple: BUILT_IN.couple, drama: BUILT_IN.drama });
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
    const late = await (await world.sim.submitModal({ user: modC, guildId: C.id, customId: 'story:form:add', fields: ROOFTOP })).settled();
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
    expect(stored.stories.some((s) => s.drama.title === 'Letters from the Rooftop' || s.drama.title === 'Imported Drama 201')).toBe(false);
  });
});

describe('a server’s stories show everywhere in that server, and nowhere else', () => {
  let own: OwnStory[];
  let rooftop: OwnStory;
  beforeAll(async () => {
    // Two in one language each (the language tests), and three imported: six of the server's own with the first.
    for (const form of [HARBOR, BUS_STOP]) expect((await addThroughForm(mod, A.id, form)).message!.content).toMatch(/^Added /);
    expect((await importFile(mod, A.id, JSON.stringify(entries(1, 3)))).message!.content).toMatch(/^Imported the file: 3 added/);
    own = (await book(A.id)).stories;
    rooftop = await story(A.id, 'Letters from the Rooftop');
    expect(own.length).toBeGreaterThanOrEqual(6);
  });

  it('autocomplete marks the server’s stories as its own, in each language; another server never sees them', async () => {
    const ask = (guildId: string, typed: string, locale = 'en-US') =>
      world.sim.autocomplete({ user: member(guildId, locale), guildId, name: 'kiss-scene', options: { couple: typed }, focused: 'couple', locale });
    expect((await ask(A.id, 'Letters from the Rooftop'))[0]).toEqual({ name: 'Server story · Han Seo Jun & Yoon Ha Eun — Letters from the Rooftop (2024)', value: rooftop.id });
    expect((await ask(A.id, '윤하은', 'ko'))[0]).toEqual({ name: '서버 이야기 · 한서준 & 윤하은 — 옥상의 편지 (2024)', value: rooftop.id });
    // Nothing typed: the newest of the server's stories first.
    expect((await ask(A.id, ''))[0]!.value).toBe(own.at(-1)!.id);

    const ownIds = new Set(own.map((s) => s.id));
    for (const typed of ['', 'Letters from the Rooftop', 'Han Seo Jun', 'Imported Drama', '윤하은']) {
      const choices = await ask(B.id, typed);
      expect(choices.filter((c) => ownIds.has(String(c.value)) || c.name.startsWith('Server story')), typed).toEqual([]);
    }
    // Nothing typed in the other server: as many of the catalogue's as a list shows, all of them built in.
    const listed = await ask(B.id, '');
    expect(listed).toHaveLength(Math.min(25, catalogue().couples.length));
    for (const choice of listed) expect(catalogue().get(String(choice.value)), choice.name).toBeDefined();
  });

  it('/kiss-scene shows it with the server’s credit and its source link; another server does not know it', async () => {
    const res = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: rooftop.id } });
    expect(res.ephemeral).toBe(false);
    const embed = res.message!.embeds[0]!;
    expect(embed.title).toBe('💋 Han Seo Jun & Yoon Ha Eun');
    expect(embed.description).toBe(rooftop.story.en);
    expect(embed.fields).toEqual([
      { name: 'Drama', value: 'Letters from the Rooftop (옥상의 편지) · 2024' },
      { name: 'What they said', value: '> “I was so nervous.” — Yoon Ha Eun' },
      { name: 'Source', value: '[example.com](https://www.example.com/letters-from-the-rooftop)\nAdded by the members of K-drama Club' },
    ]);
    expect(JSON.stringify(embed)).not.toContain('DramaFever');
    expect(embed.footer!.text).toBe('Server story · Behind the kiss scene');
    expect(buttons(res.message!)[0]).toMatchObject({ style: 5, url: 'https://www.youtube.com/watch?v=rooftop1234', label: 'Watch the filming video' });

    const elsewhere = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-scene', options: { couple: rooftop.id } });
    expect(elsewhere.ephemeral).toBe(true);
    expect(elsewhere.message!.content).toMatch(new RegExp(`^No couple matches \\*\\*${rooftop.id.replace('.', '\\.')}\\*\\*\\. Did you mean: `));
    const typed = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-scene', options: { couple: 'Letters from the Rooftop' } });
    expect(typed.message!.embeds[0]?.title ?? '').not.toBe('💋 Han Seo Jun & Yoon Ha Eun');
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
    const res = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-video', options: { couple: rooftop.id } });
    expect(res.message!.embeds[0]!.title).toBe('🎬 Filming videos: Han Seo Jun & Yoon Ha Eun');
    expect(buttons(res.message!)[0]).toMatchObject({ style: 5, url: 'https://www.youtube.com/watch?v=rooftop1234' });
    const elsewhere = await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-video', options: { couple: rooftop.id } });
    expect(elsewhere.ephemeral).toBe(true);
    expect(elsewhere.message!.content).toMatch(/^No couple matches /);
  });

  it('polls take it as a candidate (and include it by default); another server’s polls cannot', async () => {
    const isPoll = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('poll:vote:'));
    const started = await (await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-poll', subcommand: 'start', options: { couples: `${rooftop.id}, ${BUILT_IN.drama}` } })).settled();
    expect(started.message!.content).toMatch(/^Your poll is up: /);
    const poll = await world.sim.waitForMessage(A.channels[0]!.id, (m) => isPoll(m) && m.embeds[0]!.description!.includes('Letters from the Rooftop'));
    expect(poll.embeds[0]!.description).toContain('**1.** **Han Seo Jun & Yoon Ha Eun** — *Letters from the Rooftop*');
    const vote = await world.sim.click({ user: member(A.id), message: poll, customId: buttons(poll).find((b) => b.custom_id?.startsWith('poll:vote:'))!.custom_id! });
    expect(vote.message!.content).toBe('You voted for **Han Seo Jun & Yoon Ha Eun**.');

    const byDefault = await (await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-poll', subcommand: 'start', options: {} })).settled();
    expect(byDefault.message!.content).toMatch(/^Your poll is up: /);
    const defaultPoll = await world.sim.waitForMessage(A.channels[0]!.id, (m) => isPoll(m) && m.id !== poll.id);
    // However many the catalogue holds, the server's own stories are among the candidates.
    expect(buttons(defaultPoll).filter((b) => b.custom_id?.startsWith('poll:vote:'))).toHaveLength(Math.min(MAX_COUPLES, catalogue().couples.length + own.length));
    for (const s of own) expect(defaultPoll.embeds[0]!.description).toContain(`**${names(s)}** — *${s.drama.title}*`);

    const refused = await (await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-poll', subcommand: 'start', options: { couples: `${rooftop.id}, ${BUILT_IN.drama}` } })).settled();
    expect(refused.ephemeral).toBe(true);
    expect(refused.message!.content).toMatch(/^No couple matches /);
    const otherDefault = await (await world.sim.command({ user: member(B.id), guildId: B.id, name: 'kiss-poll', subcommand: 'start', options: {} })).settled();
    expect(otherDefault.message!.content).toMatch(/^Your poll is up: /);
    const otherPoll = await world.sim.waitForMessage(B.channels[0]!.id, isPoll);
    expect(buttons(otherPoll).filter((b) => b.custom_id?.startsWith('poll:vote:'))).toHaveLength(Math.min(MAX_COUPLES, catalogue().couples.length));
    for (const s of own) expect(otherPoll.embeds[0]!.description).not.toContain(s.drama.title);
  });

  it('the World Cup pool includes it: its server’s World Cups draw its stories, another server’s never do', async () => {
    /** A World Cup of 16 played to the end: the names of its sixteen entrants. */
    async function entrants(guildId: string): Promise<string[]> {
      const player = member(guildId);
      const res = await world.sim.command({ user: player, guildId, name: 'kiss-worldcup', subcommand: 'play', options: { size: 16 } });
      expect(res.ephemeral).toBe(true);
      let message = res.message!;
      expect(message.embeds[0]!.title).toMatch(/match 1 of 8$/);
      const seen: string[] = [];
      for (let match = 0; match < 8; match++) {
        seen.push(...message.embeds[0]!.fields!.map((f) => f.name.replace(/^\S+ /, '')));
        message = (await world.sim.click({ user: player, message, customId: buttonId(message, 'wc:pick:')! })).message!;
      }
      expect(seen).toHaveLength(16);
      expect(new Set(seen).size).toBe(16);
      return seen;
    }
    const builtInNames = new Set(catalogue().couples.map((c) => c.actors.map((a) => a.name).join(' & ')));
    const ownNames = new Set(own.map(names));
    // The sixteen are drawn at random from the server's pool (the catalogue and its own stories):
    // with six of its own in it, a World Cup draws one of them about every other time.
    let drewOwn = 0;
    for (let run = 0; run < 30 && drewOwn === 0; run++) {
      const seen = await entrants(A.id);
      for (const name of seen) expect(builtInNames.has(name) || ownNames.has(name), name).toBe(true);
      drewOwn = seen.filter((name) => ownNames.has(name)).length;
    }
    expect(drewOwn).toBeGreaterThan(0);

    // The other server's pool is the catalogue alone.
    for (let run = 0; run < 3; run++) {
      for (const name of await entrants(B.id)) {
        expect(ownNames.has(name), name).toBe(false);
        expect(builtInNames.has(name), name).toBe(true);
      }
    }
  });

  it('forged custom ids from another server change nothing', async () => {
    const before = await book(A.id);
    const beforeB = await book(B.id);
    // A refused form in the first server leaves a "Fix it" token there.
    const refusedA = await addThroughForm(mod, A.id, { ...ROOFTOP, couple: BUILT_IN.couple, drama: BUILT_IN.drama });
    const tokenA = buttonId(refusedA.message!, 'story:fix:')!.split(':')[2]!;
    // The other server's moderator gets a token of their own the same way.
    const refusedB = await addThroughForm(modB, B.id, { ...ROOFTOP, links: '' });
    const tokenB = buttonId(refusedB.message!, 'story:fix:')!.split(':')[2]!;
    const onB = refusedB.message!;

    // The form's submit id as a button: stale.
    const asButton = await world.sim.click({ user: modB, message: onB, customId: `story:form:edit:${rooftop.id}`, forge: true });
    expect(asButton.ephemeral).toBe(true);
    expect(asButton.message!.content).toBe('This button is no longer valid. Please run the command again.');
    // The first server's "Fix it" token: not kept for this server.
    const stolen = await world.sim.click({ user: modB, message: onB, customId: `story:fix:${tokenA}`, forge: true });
    expect(stolen.ephemeral).toBe(true);
    expect(stolen.message!.content).toMatch(/^This form is no longer kept \(after an hour\)\. Please run <\/kiss-story add:\d+> again\.$/);
    // Their own token with the first server's story id: the form opens, but submitting it edits nothing.
    const forged = await world.sim.click({ user: modB, message: onB, customId: `story:fix:${tokenB}:${rooftop.id}`, forge: true });
    expect(forged.outcome).toBe('modal');
    const submitted = await (
      await world.sim.submitModal({ user: modB, guildId: B.id, customId: `story:form:edit:${rooftop.id}`, fields: { ...ROOFTOP, links: 'https://www.example.com/hijacked' } })
    ).settled();
    expect(submitted.ephemeral).toBe(true);
    expect(submitted.message!.content).toBe("That story is not one of this server's stories (it may have been removed). Pick one from the list.");
    // The commands with the first server's id, typed by hand.
    for (const subcommand of ['edit', 'remove']) {
      const res = await kissStory(modB, B.id, subcommand, { story: rooftop.id });
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
    const harbor = await story(A.id, 'Harbor Lights');
    const busStop = await story(A.id, 'Rainy Bus Stop');
    expect(harbor.story).toEqual({ en: HARBOR.story });
    expect(busStop.story).toEqual({ ko: BUS_STOP.story });

    const harborKo = await scene(harbor.id, 'ko');
    expect(harborKo.title).toBe('💋 강민재 & 서유나');
    expect(harborKo.description).toBe(`${HARBOR.story}\n\n*이 이야기는 영어로만 등록되어 있어요.*`);
    expect(harborKo.footer!.text).toBe('서버 이야기 · 키스신 비하인드');
    expect((await scene(harbor.id, 'en-US')).description).toBe(HARBOR.story);

    const busStopEn = await scene(busStop.id, 'en-US');
    expect(busStopEn.title).toBe('💋 Oh Ji Hoon & Baek Soo Ah');
    expect(busStopEn.description).toBe(`${BUS_STOP.story}\n\n*This story was given in Korean only.*`);
    expect((await scene(busStop.id, 'ko')).description).toBe(BUS_STOP.story);

    // Given in both: each member gets their own language, with no note.
    expect((await scene(rooftop.id, 'ko')).description).toBe(rooftop.story.ko);
  });

  it('survives a restart on SQLite', async () => {
    const before = await book(A.id);
    await bot.stop();
    bot = await world.startBot();
    expect(await book(A.id)).toEqual(before);
    const res = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: rooftop.id } });
    expect(res.message!.embeds[0]!.title).toBe('💋 Han Seo Jun & Yoon Ha Eun');
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
    const gone = await world.sim.command({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: rooftop.id } });
    expect(gone.ephemeral).toBe(true);
    expect(gone.message!.content).toMatch(/^No couple matches /);
    const listed = await world.sim.autocomplete({ user: member(A.id), guildId: A.id, name: 'kiss-scene', options: { couple: '' }, focused: 'couple' });
    expect(listed).toHaveLength(Math.min(25, catalogue().couples.length));
    for (const choice of listed) expect(catalogue().get(String(choice.value)), choice.name).toBeDefined();
    // Other servers keep theirs.
    expect((await book(C.id)).stories).toHaveLength(200);
  });
});

describe('the daily rotation with a server’s own stories (a controlled clock)', () => {
  it('tells every built-in story and five own ones once each before any repeat; another server gets only the built-in ones', async () => {
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
      const builtIn = w.bot.app.ctx.catalogue.couples.map((c) => c.id);
      const ownIds = (await w.bot.app.ctx.stories.book(w.guild.id)).stories.map((s) => s.id);
      expect(ownIds).toHaveLength(5);
      const round = [...builtIn, ...ownIds];
      const channels = [w.guild.channels[0]!.id, other.channels[0]!.id] as const;
      for (const [user, guildId, channel] of [
        [modA, w.guild.id, channels[0]],
        [modO, other.id, channels[1]],
      ] as const) {
        const set = await (await w.sim.command({ user, guildId, name: 'kiss-daily', subcommand: 'set', options: { channel, time: '20:00', timezone: 'Asia/Seoul', language: 'en' } })).settled();
        expect(set.message!.content).toContain('✅ Saved.');
      }
      const daily = (channel: string) => w.sim.messages(channel).filter((m) => m.embeds[0]?.author?.name === 'Story of the day');
      /** The story a post tells: its "Another story" button names it. */
      const storyOf = (m: SimMessage) => buttonId(m, 'scene:another:')?.slice('scene:another:'.length);
      // A whole round of the first server (every built-in story and its own five), and the next day's.
      const days = round.length + 1;
      for (let day = 0; day < days; day++) {
        await clock.advanceTo(Date.parse('2026-11-25T11:00:00Z') + day * DAY);
        for (const channel of channels) await w.sim.waitForMessage(channel, () => daily(channel).length === day + 1);
      }
      const posts = daily(channels[0]);
      const told = posts.map(storyOf);
      expect(told).toHaveLength(days);
      expect(told.slice(0, round.length).sort()).toEqual([...round].sort());
      expect(round).toContain(told[round.length]);
      expect(told[round.length]).not.toBe(told[round.length - 1]);
      // Each of the server's stories posted as one: the server credited (the daily post has no server name) and its source linked.
      const ownPosts = posts.filter((m) => ownIds.includes(storyOf(m)!));
      expect(ownPosts.length).toBeGreaterThanOrEqual(5);
      for (const post of ownPosts) {
        expect(post.embeds[0]!.title).toMatch(/^💋 Actor \d Han & Actress \d Seo$/);
        expect(post.embeds[0]!.footer!.text).toBe('Server story · Behind the kiss scene');
        expect(post.embeds[0]!.fields!.find((f) => f.name === 'Source')!.value).toMatch(/^\[news\.example\.org\]\(https:\/\/news\.example\.org\/story-\d\)\nAdded by the members of K-drama Club$/);
      }

      // The other server: every built-in story once, then the next round; never the first server's.
      const otherTold = daily(channels[1]).map(storyOf);
      expect(otherTold).toHaveLength(days);
      expect(otherTold.slice(0, builtIn.length).sort()).toEqual([...builtIn].sort());
      for (const id of otherTold) expect(builtIn).toContain(id);
    } finally {
      await w.close();
    }
  }, 120_000);
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
      const added = await (await w.sim.submitModal({ user: modR, guildId: w.guild.id, customId: 'story:form:add', fields: ROOFTOP })).settled();
      expect(added.message!.content).toMatch(/^Added /);
      const before = await w.bot.app.ctx.stories.book(w.guild.id);
      expect(before.stories).toHaveLength(1);

      await w.bot.stop();
      const again = await w.startBot();
      expect(await again.app.ctx.stories.book(w.guild.id)).toEqual(before);
      const res = await w.sim.command({ user: modR, guildId: w.guild.id, name: 'kiss-scene', options: { couple: before.stories[0]!.id } });
      expect(res.message!.embeds[0]!.title).toBe('💋 Han Seo Jun & Yoon Ha Eun');
      expect(res.message!.embeds[0]!.footer!.text).toBe('Server story · Behind the kiss scene');
    } finally {
      await w.close();
    }
  });
});
