import { createCoupleBook } from '../../src/stories/book.js';
import { MessageFlags, PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import command from '../../commands/kiss-poll.js';
import { seededRandom } from '../../src/catalogue/random.js';
import { CoupleSearch } from '../../src/catalogue/search.js';
import type { AppContext } from '../../src/context.js';
import { CooldownError, createCooldowns } from '../../src/cooldowns.js';
import { MAX_COUPLES } from '../../src/polls/model.js';
import { testMentions } from '../support/mentions.js';
import { catalogue, CHANNEL, GUILD, harness, MEMBER, OTHER_GUILD, refusal, silent, STARTER, startPoll, storedPoll } from './helpers.js';

const search = new CoupleSearch(catalogue);
const CAN_POST = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles;

function context() {
  // A seeded random source: a poll started without couples gets the same candidates on every run.
  const h = harness({ random: seededRandom(2) });
  const cooldowns = createCooldowns({ scene: undefined, pollStart: { uses: 1, windowMs: 60_000 } }, h.clock);
  const ctx = { catalogue, search, couples: createCoupleBook({ catalogue }), logger: silent, clock: h.clock, random: Math.random, polls: h.service, cooldowns } as unknown as AppContext;
  return { ...h, ctx };
}

interface Who {
  userId?: string;
  locale?: string;
  guildLocale?: string;
  guildId?: string | null;
  channelId?: string;
  manage?: boolean;
  appPermissions?: bigint;
}

function base(who: Who) {
  const calls: Array<[string, Record<string, unknown>]> = [];
  return {
    calls,
    interaction: {
      guildId: who.guildId === undefined ? GUILD : who.guildId,
      channelId: who.channelId ?? CHANNEL,
      locale: who.locale ?? 'en-US',
      guildLocale: who.guildLocale ?? 'en-US',
      user: { id: who.userId ?? STARTER },
      channel: { isThread: () => false },
      appPermissions: new PermissionsBitField(who.appPermissions ?? CAN_POST),
      memberPermissions: new PermissionsBitField(who.manage ? PermissionFlagsBits.ManageGuild : 0n),
      async deferReply(o: Record<string, unknown>) {
        calls.push(['deferReply', o]);
      },
      async editReply(o: Record<string, unknown>) {
        calls.push(['editReply', o]);
      },
      async reply(o: Record<string, unknown>) {
        calls.push(['reply', o]);
      },
    },
  };
}

function slash(sub: string, options: Record<string, string | boolean> = {}, who: Who = {}) {
  const { calls, interaction } = base(who);
  const full = {
    ...interaction,
    options: {
      getSubcommand: () => sub,
      getString: (name: string) => (typeof options[name] === 'string' ? options[name] : null),
      getBoolean: (name: string) => (typeof options[name] === 'boolean' ? options[name] : null),
    },
  };
  return { calls, run: (ctx: AppContext) => command.execute(full as never, ctx) };
}

function button(customId: string, who: Who = {}) {
  const { calls, interaction } = base(who);
  const full = { ...interaction, customId, isButton: () => true };
  return { calls, run: (ctx: AppContext) => command.components.poll(full as never, ctx, customId.split(':').slice(1)) };
}


describe('/kiss-poll start', () => {
  it('posts the poll in the server’s language and answers the starter privately in theirs', async () => {
    const { ctx, publisher, service } = context();
    const { calls, run } = slash('start', { couples: 'Love in the Moonlight, Reply 1997, Lee Joon Ki', duration: '2h', hide_counts: true }, { guildLocale: 'ko', locale: 'en-GB' });
    await run(ctx);
    const [poll] = await service.openPolls(GUILD);
    expect(poll).toMatchObject({ lang: 'ko', hideCounts: true, coupleIds: ['park-bo-gum-kim-yoo-jung', 'seo-in-guk-jung-eun-ji', 'lee-joon-ki-iu'], starterId: STARTER });
    expect(poll?.defaultPick).toBeUndefined();
    expect(poll!.closesAt - poll!.createdAt).toBe(2 * 3_600_000);
    expect(publisher.posts[0]?.payload.embeds[0]?.title).toBe('💋 어떤 키스신 비하인드가 제일 좋아요?');
    expect(calls[0]).toEqual(['deferReply', { flags: MessageFlags.Ephemeral }]);
    expect(calls[1]?.[1].content).toBe(
      `Your poll is up: https://discord.com/channels/${GUILD}/${CHANNEL}/${poll!.messageId}. It closes <t:${Math.floor(poll!.closesAt / 1000)}:R> (2 hours).`,
    );
  });

  it('lets a member start one poll a minute per channel; a refused start costs nothing', async () => {
    const { ctx, clock, publisher, service } = context();
    await slash('start').run(ctx);
    const again = slash('start');
    const error = await again.run(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CooldownError);
    expect((error as CooldownError).text('en-US', testMentions())).toBe(
      `You're using this command a little too often in this channel. You can use it again <t:${Math.ceil((clock.now() + 60_000) / 1000)}:R>.`,
    );
    expect(again.calls).toEqual([]);
    expect(publisher.posts).toHaveLength(1);
    // Another member, or the same member in another channel, is not held back.
    await slash('start', {}, { userId: MEMBER(1) }).run(ctx);
    await slash('start', {}, { channelId: '200000000000000002' }).run(ctx);
    expect(publisher.posts).toHaveLength(3);
    await clock.advance(60_000);
    // A start the server refuses (five polls open) posts nothing, so it does not count.
    const extra = await startPoll(service, { starterId: MEMBER(2) });
    await startPoll(service, { starterId: MEMBER(3) });
    expect(await refusal(slash('start').run(ctx))).toBe('poll.errors.tooManyOpen');
    await service.close({ guildId: GUILD, pollId: extra.id, userId: MEMBER(2), canManageGuild: true });
    await slash('start').run(ctx);
    expect(publisher.posts).toHaveLength(6);
  });

  it('uses a varied set of the server’s stories and 24 hours by default, and says how the set was picked', async () => {
    const { ctx, service, publisher } = context();
    await slash('start', {}, { guildLocale: 'ko' }).run(ctx);
    const [poll] = await service.openPolls(GUILD);
    const size = Math.min(MAX_COUPLES, catalogue.couples.length);
    expect(poll?.coupleIds).toHaveLength(size);
    expect(poll!.coupleIds.every((id) => catalogue.get(id))).toBe(true);
    expect(new Set(poll!.coupleIds.map((id) => catalogue.get(id)!.drama.title)).size).toBe(size);
    expect(poll!.closesAt - poll!.createdAt).toBe(24 * 3_600_000);
    expect(poll!.defaultPick).toEqual({ from: catalogue.couples.length, how: catalogue.couples.length > MAX_COUPLES ? 'varied' : 'all' });
    // In the poll's language (the server's).
    expect(publisher.posts[0]?.payload.embeds[0]?.description).toContain(
      catalogue.couples.length > MAX_COUPLES ? `🎲 이야기 ${catalogue.couples.length}개 중 드라마마다 하나씩 무작위로 ${size}개를 골랐어요.` : `이야기 ${size}개가 모두 후보예요.`,
    );
  });

  it.each([
    ['0m', 'poll.errors.duration.too-short'],
    ['15d', 'poll.errors.duration.too-long'],
    ['abc', 'poll.errors.duration.format'],
  ])('answers a duration of %s clearly and changes nothing', async (duration, key) => {
    const { ctx, publisher, service } = context();
    const { calls, run } = slash('start', { duration });
    expect(await refusal(run(ctx))).toBe(key);
    expect(calls).toEqual([]);
    expect(publisher.posts).toEqual([]);
    expect(await service.openPolls(GUILD)).toEqual([]);
  });

  it('answers an unknown couple clearly and changes nothing', async () => {
    const { ctx, publisher } = context();
    expect(await refusal(slash('start', { couples: 'Love in the Moonlight, Nobody Atall' }).run(ctx))).toBe('poll.errors.unknownCouple');
    // A name several couples share is a question back, not a guess.
    expect(await refusal(slash('start', { couples: 'Park Bo Gum, Krystal' }).run(ctx))).toBe('poll.errors.ambiguousCouple');
    expect(publisher.posts).toEqual([]);
  });

  it('refuses when the bot could not post its chart in this channel', async () => {
    const { ctx, publisher } = context();
    const noFiles = CAN_POST & ~PermissionFlagsBits.AttachFiles;
    expect(await refusal(slash('start', {}, { appPermissions: noFiles }).run(ctx))).toBe('poll.errors.cannotPost');
    expect(publisher.posts).toEqual([]);
  });

  it('works only in a server', async () => {
    const { ctx } = context();
    expect(await refusal(slash('start', {}, { guildId: null }).run(ctx))).toBe('common.guildOnly');
  });
});

describe('poll buttons', () => {
  async function withPoll() {
    const h = context();
    await slash('start', { couples: 'Love in the Moonlight, Reply 1997' }).run(h.ctx);
    const [poll] = await h.service.openPolls(GUILD);
    return { ...h, poll: poll! };
  }

  it('answer each vote privately, in the member’s language', async () => {
    const { ctx, poll, keyv } = await withPoll();
    const first = button(`poll:vote:${poll.id}:0`, { userId: MEMBER(1), locale: 'ko' });
    await first.run(ctx);
    expect(first.calls).toEqual([['reply', { content: '**박보검 & 김유정**에 투표했어요.', flags: MessageFlags.Ephemeral }]]);
    const change = button(`poll:vote:${poll.id}:1`, { userId: MEMBER(1) });
    await change.run(ctx);
    expect(change.calls[0]?.[1].content).toBe('You changed your vote from **Park Bo Gum & Kim Yoo Jung** to **Seo In Guk & Jung Eun Ji**.');
    const withdraw = button(`poll:withdraw:${poll.id}`, { userId: MEMBER(1) });
    await withdraw.run(ctx);
    expect(withdraw.calls[0]?.[1].content).toBe('Your vote for **Seo In Guk & Jung Eun Ji** was withdrawn.');
    expect(await storedPoll(keyv, GUILD, poll.id)).toMatchObject({ votes: {}, counts: { counts: [0, 0], voters: 0 } });
  });

  it.each([
    ['a forged action', (id: string) => `poll:delete:${id}`, 'common.staleButton'],
    ['a malformed poll id', () => 'poll:vote:../../x:0', 'common.staleButton'],
    ['an unknown poll', () => 'poll:vote:Zzzzzzzzzz:0', 'poll.errors.unknownPoll'],
    ['a position past the candidates', (id: string) => `poll:vote:${id}:7`, 'poll.errors.badChoice'],
  ])('answer %s clearly and change nothing', async (_, make, key) => {
    const { ctx, poll, keyv } = await withPoll();
    const before = await storedPoll(keyv, GUILD, poll.id);
    expect(await refusal(button(make(poll.id), { userId: MEMBER(1) }).run(ctx))).toBe(key);
    expect(await storedPoll(keyv, GUILD, poll.id)).toEqual(before);
  });

  it('treat a poll of another server as unknown', async () => {
    const { ctx, poll } = await withPoll();
    expect(await refusal(button(`poll:vote:${poll.id}:0`, { guildId: OTHER_GUILD }).run(ctx))).toBe('poll.errors.unknownPoll');
  });

  it('close: refused to others, done once for the starter, then answered as already closed', async () => {
    const { ctx, poll, publisher } = await withPoll();
    expect(await refusal(button(`poll:close:${poll.id}`, { userId: MEMBER(3) }).run(ctx))).toBe('poll.errors.notAllowed');
    const first = button(`poll:close:${poll.id}`);
    await first.run(ctx);
    expect(first.calls[1]?.[1].content).toBe(`The poll is closed and its results are posted: https://discord.com/channels/${GUILD}/${CHANNEL}/${poll.messageId}`);
    const again = button(`poll:close:${poll.id}`, { userId: MEMBER(3), manage: true });
    await again.run(ctx);
    expect(again.calls[1]?.[1].content).toBe('This poll was already closed.');
    expect(publisher.edits.filter((e) => e.payload.files?.length)).toHaveLength(1);
    expect(await refusal(button(`poll:vote:${poll.id}:0`).run(ctx))).toBe('poll.errors.closed');
  });

  it('"My vote & counts" answers privately', async () => {
    const { ctx, poll } = await withPoll();
    await button(`poll:vote:${poll.id}:1`, { userId: MEMBER(1) }).run(ctx);
    const view = button(`poll:results:${poll.id}`, { userId: MEMBER(1) });
    await view.run(ctx);
    expect(view.calls[0]?.[1].flags).toBe(MessageFlags.Ephemeral);
    expect(JSON.stringify(view.calls[0]?.[1].embeds)).toContain('Your vote: **Seo In Guk & Jung Eun Ji**');
  });
});

describe('/kiss-poll close, results and leaderboard', () => {
  it('close without a poll picks the only open one; a malformed poll id is unknown', async () => {
    const { ctx, service } = context();
    await slash('start').run(ctx);
    expect(await refusal(slash('close', { poll: 'bad id!' }).run(ctx))).toBe('poll.errors.unknownPoll');
    await slash('close').run(ctx);
    expect(await service.openPolls(GUILD)).toEqual([]);
  });

  it('results show the counts privately; the leaderboard is shared in the server’s language', async () => {
    const { ctx, service } = context();
    await slash('start', { couples: 'Lee Joon Ki, Eric & Seo Hyun Jin' }).run(ctx);
    const [poll] = await service.openPolls(GUILD);
    await button(`poll:vote:${poll!.id}:0`, { userId: MEMBER(1) }).run(ctx);
    const results = slash('results', { poll: poll!.id }, { locale: 'ko' });
    await results.run(ctx);
    expect(results.calls[0]?.[1].flags).toBe(MessageFlags.Ephemeral);
    expect(JSON.stringify(results.calls[0]?.[1].embeds)).toContain('1표 · 100%');
    await slash('close').run(ctx);
    const board = slash('leaderboard', {}, { guildLocale: 'ko' });
    await board.run(ctx);
    expect(board.calls[0]?.[1].flags).toBeUndefined();
    expect(JSON.stringify(board.calls[0]?.[1].embeds)).toContain('이준기 & 아이유');
  });
});

describe('autocomplete', () => {
  it('lists this server’s open polls for the poll option', async () => {
    const { ctx, service } = context();
    await slash('start', { question: 'Sweetest rehearsal?' }).run(ctx);
    const [poll] = await service.openPolls(GUILD);
    const responses: unknown[] = [];
    const make = (guildId: string) => ({
      guildId,
      locale: 'en-US',
      options: { getFocused: () => ({ name: 'poll', value: 'sweet' }) },
      respond: async (choices: unknown) => void responses.push(choices),
    });
    await command.autocomplete(make(GUILD) as never, ctx);
    await command.autocomplete(make(OTHER_GUILD) as never, ctx);
    expect(responses).toEqual([[{ name: `Sweetest rehearsal? · ${poll!.id}`, value: poll!.id }], []]);
  });
});
