import { createCoupleBook } from '../../src/stories/book.js';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import command from '../../commands/kiss-daily.js';
import type { AppContext } from '../../src/context.js';
import { ChannelUnusableError, DailyOffError } from '../../src/daily/errors.js';
import { zoneChoices } from '../../src/daily/zones.js';
import { UserError } from '../../src/errors.js';
import { flatten, resources, t } from '../../src/i18n/index.js';
import { postNowReply, statusReply } from '../../src/replies/daily.js';
import { testMentions } from '../support/mentions.js';
import { GUILD, catalogue, harness } from './helpers.js';

const mentions = testMentions();

const NOW = Date.UTC(2026, 2, 10, 9, 0);
type Option = { name: string; description: string; name_localizations?: Record<string, string>; description_localizations?: Record<string, string>; options?: Option[]; type: number; channel_types?: number[]; choices?: unknown[] };

describe('the /kiss-daily definition', () => {
  const data = command.data;

  it('is a server-only, server-installed, Manage Server command', () => {
    expect(data.name).toBe('kiss-daily');
    expect(data.contexts).toEqual([0]);
    expect(data.integration_types).toEqual([0]);
    expect(data.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(data.default_member_permissions).toBe('32');
  });

  it('has set, off, status and now, with names and descriptions within Discord\'s limits in both languages', () => {
    const options = data.options as unknown as Option[];
    expect(options.map((o) => o.name)).toEqual(['set', 'off', 'status', 'now']);
    const check = (o: Option) => {
      expect(o.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
      expect(o.name).toBe(o.name.toLowerCase());
      expect(o.description.length).toBeGreaterThan(0);
      expect(o.description.length).toBeLessThanOrEqual(100);
      if (o.name_localizations?.ko) expect(o.name_localizations.ko).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
      expect(o.description_localizations?.ko?.length ?? 0).toBeLessThanOrEqual(100);
      expect(o.description_localizations?.ko?.length ?? 0).toBeGreaterThan(0);
      (o.options ?? []).forEach(check);
      expect((o.options ?? []).length).toBeLessThanOrEqual(25);
    };
    options.forEach(check);
    expect(data.description.length).toBeLessThanOrEqual(100);
  });

  it('asks for a text or announcement channel, a time, a zone with autocomplete, a role and a language', () => {
    const set = (data.options as unknown as Option[])[0]!;
    const byName = Object.fromEntries((set.options ?? []).map((o) => [o.name, o]));
    expect(byName.channel?.channel_types).toEqual([0, 5]);
    expect(byName.time).toMatchObject({ required: true });
    expect(byName.timezone).toMatchObject({ autocomplete: true, required: false });
    expect(byName.role?.type).toBe(8);
    expect(byName.language?.choices).toHaveLength(2);
  });

  it('refuses a member without Manage Server even when Discord let the command through', async () => {
    const interaction = { guildId: GUILD, memberPermissions: new PermissionsBitField(PermissionFlagsBits.SendMessages), locale: 'en-US' };
    const error = await command.execute(interaction as never, {} as AppContext).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).key).toBe('common.needsManageServer');
  });

  it('refuses to run outside a server', async () => {
    const interaction = { guildId: null, memberPermissions: null, locale: 'en-US' };
    await expect(command.execute(interaction as never, {} as AppContext)).rejects.toMatchObject({ key: 'common.guildOnly' });
  });
});

describe('time zone autocomplete', () => {
  it('offers Asia/Seoul first, with its offset, and at most 25 zones', () => {
    const choices = zoneChoices('', NOW);
    expect(choices[0]).toEqual({ name: 'Asia/Seoul (UTC+09:00)', value: 'Asia/Seoul' });
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices.map((c) => c.value)).toContain('UTC');
  });

  it.each([
    ['seoul', 'Asia/Seoul'],
    ['Seo', 'Asia/Seoul'],
    ['서울', 'Asia/Seoul'],
    ['kst', 'Asia/Seoul'],
    ['new york', 'America/New_York'],
    ['new_york', 'America/New_York'],
    ['london', 'Europe/London'],
    ['utc', 'UTC'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['los angelos', 'America/Los_Angeles'],
  ])('finds %j as %j', (typed, zone) => {
    const choices = zoneChoices(typed, NOW);
    expect(choices[0]?.value).toBe(zone);
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('keeps every choice within Discord\'s limits, whatever is typed', () => {
    for (const typed of ['a', 'america', '/', 'x'.repeat(500), '%%%', 'zzzzzzzz']) {
      const choices = zoneChoices(typed, NOW);
      expect(choices.length).toBeLessThanOrEqual(25);
      for (const c of choices) {
        expect(c.name.length).toBeLessThanOrEqual(100);
        expect(c.value.length).toBeLessThanOrEqual(100);
      }
    }
  });
});

describe('the /kiss-daily texts', () => {
  const names = (id: string) => catalogue.get(id)?.actors.map((a) => a.name).join(' & ') ?? id;

  it('shows the status with Discord timestamps, the zone and the stories left', async () => {
    const h = harness(NOW);
    await h.set(GUILD, {});
    const status = await h.service.status(GUILD);
    const text = statusReply('en', status, NOW, names, mentions).content;
    const unix = Date.UTC(2026, 2, 10, 11, 0) / 1000;
    expect(text).toContain(`<t:${unix}:F>`);
    expect(text).toContain(`<t:${unix}:R>`);
    expect(text).toContain('Asia/Seoul (UTC+09:00)');
    const n = catalogue.couples.length;
    expect(text).toContain(`**${n}** of ${n}`);
    expect(statusReply('ko', status, NOW, names, mentions).content).toContain('켜짐');
  });

  it('explains why the bot turned the schedule off, and what to do', async () => {
    const h = harness(NOW);
    await h.set(GUILD, {});
    const on = (await h.service.status(GUILD))!;
    const deleted = { ...on, next: undefined, schedule: { ...on.schedule, enabled: false, disabledReason: { kind: 'channel-deleted' as const }, disabledAt: NOW } };
    expect(statusReply('en', deleted, NOW, names, mentions).content).toMatch(/turned off .*was deleted.*another channel/s);
    const lost = { ...deleted, schedule: { ...deleted.schedule, disabledReason: { kind: 'missing-permissions' as const, missing: ['SendMessages' as const, 'EmbedLinks' as const] } } };
    expect(statusReply('en', lost, NOW, names, mentions).content).toContain('**Send Messages, Embed Links**');
    expect(statusReply('ko', lost, NOW, names, mentions).content).toContain('**메시지 보내기, 링크 첨부**');
    expect(statusReply('en', undefined, NOW, names, mentions).content).toContain('/kiss-daily set');
  });

  it('answers /kiss-daily now for every outcome', () => {
    const next = { date: '2026-03-11', at: NOW + 86_400_000, retry: false };
    const id = 'park-bo-gum-kim-yoo-jung';
    expect(postNowReply('en', { kind: 'posted', coupleId: id, next }, '1', NOW, names, mentions).content).toContain('**Park Bo Gum & Kim Yoo Jung**');
    for (const result of [
      { kind: 'already-posted', next },
      { kind: 'retrying', coupleId: id, retryAt: NOW + 30_000 },
      { kind: 'disabled', reason: { kind: 'channel-deleted' } },
      { kind: 'failed' },
    ] as const) {
      expect(postNowReply('en', result, '1', NOW, names, mentions).content.length).toBeGreaterThan(10);
      expect(postNowReply('ko', result, '1', NOW, names, mentions).content).toMatch(/\p{Script=Hangul}/u);
    }
  });

  it('refuses /kiss-daily now without a schedule, or with one that is off, saying why in the member\'s language', () => {
    const deleted = new DailyOffError({ kind: 'channel-deleted' }, '1');
    for (const error of [new UserError('daily.status.notConfigured'), new DailyOffError(undefined, '1'), deleted]) {
      expect(error.text('en', mentions).length).toBeGreaterThan(10);
      expect(error.text('ko', mentions)).toMatch(/\p{Script=Hangul}/u);
    }
    expect(new UserError('daily.status.notConfigured').text('en-US', mentions)).toContain('/kiss-daily set');
    expect(new DailyOffError(undefined, '1').text('en', mentions)).toBe(t('en', 'daily.now.off', mentions.vars('en')));
    expect(deleted.text('en', mentions)).toMatch(/<#1> was deleted.*another channel/s);
    const lost = new DailyOffError({ kind: 'missing-permissions', missing: ['EmbedLinks'] }, '1');
    expect(lost.text('ko', mentions)).toContain('**링크 첨부**');
  });

  it('leaves the answer to a /kiss-daily now that cannot post to the error boundary, after deferring privately', async () => {
    const h = harness(NOW);
    const deferred: unknown[] = [];
    const interaction = {
      guildId: GUILD,
      memberPermissions: new PermissionsBitField(PermissionFlagsBits.ManageGuild),
      locale: 'en-US',
      options: { getSubcommand: () => 'now' },
      deferReply: async (options: unknown) => void deferred.push(options),
    };
    const ctx = { daily: h.service, catalogue, couples: createCoupleBook({ catalogue }), clock: h.clock } as unknown as AppContext;
    await expect(command.execute(interaction as never, ctx)).rejects.toMatchObject({ key: 'daily.status.notConfigured' });
    expect(deferred).toEqual([{ flags: 64 }]);
  });

  it('names the missing permissions in the member\'s language when a channel cannot be used', () => {
    const error = new ChannelUnusableError({ ok: false, problem: 'missing-permissions', missing: ['ViewChannel'] }, '9', undefined);
    expect(error).toBeInstanceOf(UserError);
    expect(error.key).toBe('daily.error.missingPermissions');
    expect(error.text('ko', mentions)).toContain('채널 보기');
    expect(error.text('en-US', mentions)).toContain('I cannot post in <#9>: I am missing **View Channel**');
    expect(new ChannelUnusableError({ ok: false, problem: 'not-text' }, '9', undefined).key).toBe('daily.error.notTextChannel');
    const role = new ChannelUnusableError({ ok: false, problem: 'role-not-mentionable' }, '9', '7');
    expect(role.text('en', mentions)).toBe(t('en', 'daily.error.roleNotMentionable', { role: '<@&7>' }));
  });

  it('has the same keys and placeholders in English and Korean', () => {
    const en = flatten({ daily: resources.en.daily! });
    const ko = flatten({ daily: resources.ko.daily! });
    // Korean alone holds the option names: the English ones are the identifiers, in commands/kiss-daily.ts.
    const optionName = (key: string) => key.endsWith('.name') && en.has(key.replace(/\.name$/, '.description'));
    expect([...ko.keys()].filter((k) => !optionName(k)).sort()).toEqual([...en.keys()].sort());
    const holes = (s: string) => (s.match(/{{\w+}}/g) ?? []).sort();
    for (const [key, text] of en) expect(holes(ko.get(key)!)).toEqual(holes(text));
  });
});
