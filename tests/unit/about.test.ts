import { readFileSync } from 'node:fs';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { CHANNEL_PERMISSIONS } from '../../src/daily/schedule.js';
import { INSTALL_PERMISSIONS, installLinks } from '../../src/install.js';
import { pollPostPermissions } from '../../src/permissions.js';
import { t } from '../../src/i18n/index.js';
import { aboutMessage, privacyUrl, STORED_KINDS } from '../../src/replies/about.js';
import { testMentions } from '../support/mentions.js';

const catalogue = loadCatalogue();
const APP = '123456789012345678';
const REPO = 'https://github.com/example/kiss-scene-bot';

function about(lang: 'en' | 'ko', ids: Record<string, string> = {}, { repositoryUrl }: { repositoryUrl: string | undefined } = { repositoryUrl: REPO }) {
  return aboutMessage({
    lang,
    couples: catalogue.couples.length,
    sources: catalogue.sources,
    applicationId: APP,
    repositoryUrl,
    mentions: testMentions(ids),
  });
}

describe('the install links', () => {
  it('ask for exactly View Channels, Send Messages (and in threads), Embed Links and Attach Files', () => {
    expect(INSTALL_PERMISSIONS).toBe(274_877_959_168n);
    const f = PermissionFlagsBits;
    expect(INSTALL_PERMISSIONS).toBe(f.ViewChannel | f.SendMessages | f.SendMessagesInThreads | f.EmbedLinks | f.AttachFiles);
  });

  it('cover every permission the features check before posting', () => {
    const covers = (needed: bigint) => (INSTALL_PERMISSIONS & needed) === needed;
    for (const name of CHANNEL_PERMISSIONS) expect(covers(PermissionFlagsBits[name]), name).toBe(true);
    expect(covers(pollPostPermissions(false))).toBe(true);
    expect(covers(pollPostPermissions(true))).toBe(true);
    expect(covers(PermissionFlagsBits.ManageMessages)).toBe(false);
  });

  it('install to a server with those permissions, or to a member’s own apps', () => {
    const links = installLinks(APP);
    const guild = new URL(links.guild);
    expect(guild.origin + guild.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(Object.fromEntries(guild.searchParams)).toEqual({
      client_id: APP,
      scope: 'bot applications.commands',
      permissions: '274877959168',
      integration_type: '0',
    });
    expect(Object.fromEntries(new URL(links.user).searchParams)).toEqual({ client_id: APP, scope: 'applications.commands', integration_type: '1' });
  });
});

describe('/kiss-about', () => {
  it('says what the bot does, credits the source, and what it stores for how long', () => {
    const embed = about('en').embeds[0]!;
    const n = catalogue.couples.length;
    expect(embed.description).toContain(`${n} famous K-drama kiss scenes`);
    const [source, privacy] = embed.fields!;
    expect(source!.value).toBe(
      `${n} stories, retold in our own words from ${catalogue.sources.length} public pages by ${new Set(catalogue.sources.map((s) => s.publisher)).size} publishers. Every story credits its page.\n` +
        `Every page, with its address: [data/SOURCES.md](${REPO}/blob/main/data/SOURCES.md)`,
    );
    expect(privacy!.value).toMatch(/^Per server:\n• Polls and their votes: each voter's member id and the couple chosen/);
    expect(privacy!.value).toContain('7 days after the bot is removed');
    expect(privacy!.value).toContain(`(${REPO}/blob/main/PRIVACY.md)`);
  });

  it('summarises the sources in a field that fits however many there are, and links their list when the repository is known', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ publisher: `Publisher ${i % 40}`, title: `A rather long page title number ${i}`, url: `https://example.org/page/${i}` }));
    for (const lang of ['en', 'ko'] as const) {
      const field = aboutMessage({ lang, couples: 320, sources: many, applicationId: APP, repositoryUrl: REPO, mentions: testMentions({}) }).embeds[0]!.fields![0]!.value;
      expect(field.length).toBeLessThan(400);
      expect(field).toContain('300');
      expect(field).toContain('40');
      expect(field).toContain(`(${REPO}/blob/main/data/SOURCES.md)`);
    }
    expect(about('ko').embeds[0]!.fields![0]!.value).toMatch(new RegExp(`^이야기 ${catalogue.couples.length}개를 공개된 글 ${catalogue.sources.length}건\\(\\d+개 매체\\)에서 가져와 새로 정리했어요\\.`));
    expect(about('en', {}, { repositoryUrl: undefined }).embeds[0]!.fields![0]!.value).not.toContain('SOURCES.md');
  });

  it('names the commands as mentions once their ids are known, in plain text before', () => {
    expect(about('en').embeds[0]!.description).toContain('`/kiss-scene` a story');
    expect(about('ko').embeds[0]!.description).toContain('`/키스신-매일 설정` 매일 이야기 받기');
    const known = about('en', { 'kiss-scene': '444444444444444444', 'kiss-daily': '555555555555555555' }).embeds[0]!;
    expect(known.description).toContain('</kiss-scene:444444444444444444> a story');
    expect(known.description).toContain('</kiss-daily set:555555555555555555>');
    expect(known.fields![1]!.value).toContain('`/kiss-data delete`');
  });

  it('links to the install pages, the source code and the privacy notice', () => {
    const buttons = about('ko').components[0]!.components;
    expect(buttons.map((b) => ('url' in b ? b.url : undefined))).toEqual([
      installLinks(APP).guild,
      installLinks(APP).user,
      REPO,
      privacyUrl(REPO),
    ]);
    expect(buttons.map((b) => ('label' in b ? b.label : undefined))).toEqual(['서버에 추가', '내 앱에 추가', '소스 코드', '개인정보']);
  });

  it('shows no source or privacy link when the repository is not known, and still says what it stores', () => {
    for (const lang of ['en', 'ko'] as const) {
      const message = about(lang, {}, { repositoryUrl: undefined });
      expect(message.components[0]!.components.map((b) => ('url' in b ? b.url : undefined))).toEqual([installLinks(APP).guild, installLinks(APP).user]);
      const privacy = message.embeds[0]!.fields![1]!.value;
      expect(privacy).not.toContain('](');
      expect(privacy).not.toContain('{{');
      expect(privacy).toContain(lang === 'en' ? '7 days after the bot is removed' : '7일 뒤에');
    }
    expect(JSON.stringify(about('en', {}, { repositoryUrl: undefined }))).not.toMatch(/github|PRIVACY\.md/);
  });
});

/** The bold lead of each item of PRIVACY.md's "What is stored" list, with the item's text. */
function privacyItems(): Array<{ kind: string; text: string }> {
  const page = readFileSync(new URL('../../PRIVACY.md', import.meta.url), 'utf8');
  const section = page.split(/^## /m).find((s) => s.startsWith('What is stored'));
  if (!section) throw new Error('PRIVACY.md has no "What is stored" section');
  return section
    .split(/\n(?=- )/)
    .filter((item) => item.startsWith('- **'))
    .map((item) => ({ kind: /^- \*\*(.+?)\*\*/.exec(item)![1]!, text: item.replace(/\s+/g, ' ') }));
}

/** Which line of /kiss-about stands for each kind of data PRIVACY.md lists. */
const ABOUT_LINE: Record<string, (typeof STORED_KINDS)[number]> = {
  Polls: 'polls',
  'The poll leaderboard': 'leaderboard',
  'The daily story': 'daily',
  'Pinned video links': 'pinnedLinks',
  'The last story shown in each channel': 'lastShown',
  'The Kiss-scene World Cup': 'worldcup',
  'The Kiss-scene quiz': 'quiz',
  "The server's own stories": 'stories',
  'Pending deletions': 'deletions',
  'Confirmations': 'confirmations',
};

describe('/kiss-about and PRIVACY.md', () => {
  const items = privacyItems();

  it('list the same kinds of stored data, one line each', () => {
    expect(items.map((i) => i.kind).sort()).toEqual(Object.keys(ABOUT_LINE).sort());
    expect(items.map((i) => ABOUT_LINE[i.kind])).toEqual([...STORED_KINDS]);
  });

  it('show every line whole, in both languages, with the deletion and the policy after them', () => {
    for (const lang of ['en', 'ko'] as const) {
      const value = about(lang).embeds[0]!.fields![1]!.value;
      const lines = value.split('\n');
      const bullets = lines.filter((line) => line.startsWith('• '));
      expect(bullets, lang).toEqual(STORED_KINDS.map((kind) => `• ${t(lang, `about.stored.${kind}`)}`));
      // Nothing was cut to fit Discord's 1,024 characters: the policy link closes the field.
      expect(value.length, lang).toBeLessThan(1024);
      expect(lines.at(-1), lang).toContain(`(${REPO}/blob/main/PRIVACY.md)`);
    }
  });

  it('say whose member ids are kept wherever PRIVACY.md says so', () => {
    const withIds = items.filter((i) => /\b(user id|id of the (member|moderator))\b/.test(i.text)).map((i) => ABOUT_LINE[i.kind]!);
    expect(withIds).toEqual(['polls', 'pinnedLinks', 'worldcup', 'quiz', 'stories', 'confirmations']);
    // The leaderboard's line says it holds none; every other line names member ids only when it keeps them.
    const namesIds = (lang: 'en' | 'ko', kind: string) => /member ids?|ID/.test(t(lang, `about.stored.${kind}`).replace(/\((no member ids|멤버 ID 없음)\)/, ''));
    for (const kind of STORED_KINDS) {
      expect(namesIds('en', kind), `en ${kind}`).toBe(withIds.includes(kind));
      expect(namesIds('ko', kind), `ko ${kind}`).toBe(withIds.includes(kind));
    }
  });
});

