import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { CHANNEL_PERMISSIONS } from '../../src/daily/schedule.js';
import { INSTALL_PERMISSIONS, installLinks } from '../../src/install.js';
import { pollPostPermissions } from '../../src/permissions.js';
import { aboutMessage, privacyUrl } from '../../src/replies/about.js';
import { testMentions } from '../support/mentions.js';

const catalogue = loadCatalogue();
const APP = '123456789012345678';
const REPO = 'https://github.com/example/kiss-scene-bot';

function about(lang: 'en' | 'ko', ids: Record<string, string> = {}, { repositoryUrl }: { repositoryUrl: string | undefined } = { repositoryUrl: REPO }) {
  return aboutMessage({
    lang,
    couples: catalogue.couples.length,
    sources: Object.values(catalogue.sources),
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
    expect(embed.description).toContain('10 famous K-drama kiss scenes');
    const [source, privacy] = embed.fields!;
    expect(source!.value).toContain('[DramaFever, “10 actors react to their hot K-drama kisses”](https://www.dramafever.com/news/10-actors-react-to-their-hot-k-drama-kisses/) (2017)');
    expect(privacy!.value).toContain('votes, channel ids, settings and pinned video links');
    expect(privacy!.value).toContain('7 days after the bot is removed');
    expect(privacy!.value).toContain(`(${REPO}/blob/main/PRIVACY.md)`);
  });

  it('names the commands as mentions once their ids are known, in plain text before', () => {
    expect(about('en').embeds[0]!.description).toContain('`/kiss-scene` a story');
    expect(about('ko').embeds[0]!.description).toContain('`/kiss-daily 설정` 매일 이야기 받기');
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
