import { describe, expect, expectTypeOf, it } from 'vitest';
import { ButtonStyle } from 'discord-api-types/v10';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { aboutMessage } from '../../src/replies/about.js';
import { dailyPostMessage } from '../../src/replies/daily-post.js';
import { postNowReply, savedReply, statusReply } from '../../src/replies/daily.js';
import type { MessageBody } from '../../src/replies/message.js';
import * as poll from '../../src/replies/poll.js';
import { publishedDate, sceneMessage, sourceCredit } from '../../src/replies/scene.js';
import { videoMessage } from '../../src/replies/video.js';
import { t } from '../../src/i18n/index.js';
import type { APIEmbed, APIInteractionResponseCallbackData, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';

const catalogue = loadCatalogue();

/** Discord's 6000-character budget counts these parts of every embed in a message. */
function embedSize(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

describe('the story embed', () => {
  for (const lang of ['en', 'ko'] as const) {
    it(`fits Discord’s embed limits for every couple (${lang})`, () => {
      for (const couple of catalogue.couples) {
        const { embeds, components } = sceneMessage({ couple, source: catalogue.sourceOf(couple), lang });
        const embed = embeds[0]!;
        expect(embedSize(embed), couple.id).toBeLessThanOrEqual(6000);
        expect(embed.title!.length).toBeLessThanOrEqual(256);
        expect(embed.description!.length).toBeLessThanOrEqual(4096);
        for (const field of embed.fields ?? []) {
          expect(field.name.length).toBeLessThanOrEqual(256);
          expect(field.value.length, `${couple.id} ${field.name}`).toBeLessThanOrEqual(1024);
        }
        expect(components[0]!.components.length).toBeLessThanOrEqual(5);
      }
    });
  }

  it('shows the couple, the drama with network and year, the story, the quotes and the source', () => {
    const couple = catalogue.get('lee-dong-wook-jung-ryeo-won')!;
    const embed = sceneMessage({ couple, source: catalogue.sourceOf(couple), lang: 'en' }).embeds[0]!;
    expect(embed.title).toBe('💋 Lee Dong Wook & Jung Ryeo Won');
    expect(embed.description).toBe(couple.story.en);
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.Drama).toBe('Bubblegum (풍선껌) · tvN, 2015');
    expect(fields['What they said']).toContain('“Why didn\'t you give me the bubble gum?” — Lee Dong Wook');
    expect(fields.Source).toContain('DramaFever');
  });

  it('speaks Korean to Korean members: Hangul names, the printed line with its translation marked as one', () => {
    const couple = catalogue.get('park-bo-gum-kim-yoo-jung')!;
    const embed = sceneMessage({ couple, source: catalogue.sourceOf(couple), lang: 'ko' }).embeds[0]!;
    expect(embed.title).toBe('💋 박보검 & 김유정');
    expect(embed.description).toBe(couple.story.ko);
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['배역']).toBe('왕세자 이영(박보검) & 홍라온(김유정)');
    expect(fields['직접 한 말']).toBe("> “I'm not a good kisser!” — 박보검\n> *번역: 나 키스 잘 못해!*");
    expect(fields['드라마']).toBe('구르미 그린 달빛 (Love in the Moonlight) · KBS2, 2016');
    const withEpisode = sceneMessage({ couple: { ...couple, episode: 7 }, source: catalogue.sourceOf(couple), lang: 'ko' }).embeds[0]!;
    expect(withEpisode.fields![0]!.value).toBe('구르미 그린 달빛 (Love in the Moonlight) · KBS2, 2016 · 7회');
    // Nothing in the Korean embed's labels is left in English.
    expect(Object.values(fields).join('\n')).not.toMatch(/Crown Prince|Park Bo Gum|Director/);
  });

  it('shows a speaker who is not an actor by their Korean label, and reported Korean words as said', () => {
    const eric = catalogue.get('eric-seo-hyun-jin')!;
    const quotes = (couple: typeof eric, lang: 'en' | 'ko') =>
      sceneMessage({ couple, source: catalogue.sourceOf(couple), lang }).embeds[0]!.fields!.find((f) => f.name === t(lang, 'scene.quotes'))!.value;
    expect(quotes(eric, 'en')).toBe('> “It\'s on fire! Put off that fire!” — Director');
    expect(quotes(eric, 'ko')).toMatch(/^> “It's on fire! Put off that fire!” — 감독\n> \*번역: /);
    const producers = catalogue.get('kim-soo-hyun-cha-tae-hyun')!;
    expect(quotes(producers, 'ko')).toBe('> “입술은 나쁘지 않았다” — 차태현');
    expect(quotes(producers, 'en')).toBe('> “Kim Soo Hyun\'s lips felt pretty nice” — Cha Tae Hyun');
  });

  it('links the pinned video when the server has one, else a labelled search; and offers another story', () => {
    const couple = catalogue.get('eric-seo-hyun-jin')!;
    const source = catalogue.sourceOf(couple);
    const plain = sceneMessage({ couple, source, lang: 'en' }).components[0]!.components;
    expect(plain[0]).toMatchObject({ style: 5, label: 'Search for the filming video' });
    expect(plain[1]).toMatchObject({ style: 1, custom_id: 'scene:another:eric-seo-hyun-jin', label: 'Another story' });
    const pinned = sceneMessage({ couple, source, lang: 'en', pinned: { url: 'https://youtu.be/x1', pinnedBy: '1', pinnedAt: 0 } });
    expect(pinned.components[0]!.components[0]).toMatchObject({ style: 5, url: 'https://youtu.be/x1', label: 'Watch the filming video' });
  });
});

describe('the story embed’s credit', () => {
  it('names the source’s publisher and date in the footer, in the member’s language, never the internal id', () => {
    const couple = catalogue.get('park-bo-gum-kim-yoo-jung')!;
    const source = catalogue.sourceOf(couple);
    const en = sceneMessage({ couple, source, lang: 'en' }).embeds[0]!;
    const ko = sceneMessage({ couple, source, lang: 'ko' }).embeds[0]!;
    expect(en.footer?.text).toBe('Retold from DramaFever (2017)');
    expect(ko.footer?.text).toBe('DramaFever(2017)의 내용을 새로 정리했어요');
    for (const embed of [en, ko]) expect(JSON.stringify(embed.footer)).not.toContain(couple.id);
    const undated = sceneMessage({ couple, source: { publisher: 'Soompi', url: 'https://www.soompi.com/article/1' }, lang: 'en' }).embeds[0]!;
    expect(undated.footer?.text).toBe('Retold from Soompi');
  });

  it('links the source with its title and date, its note, and the pages that add a detail', () => {
    const couple = catalogue.get('lee-joon-ki-iu')!;
    const field = sceneMessage({ couple, source: catalogue.sourceOf(couple), lang: 'ko' }).embeds[0]!.fields!.find((f) => f.name === t('ko', 'scene.source'))!.value;
    expect(field.split('\n')).toEqual([
      '[DramaFever, “10 actors react to their hot K-drama kisses”](https://www.dramafever.com/news/10-actors-react-to-their-hot-k-drama-kisses/) (2017)',
      '드라마피버는 2018년에 서비스를 종료했고, 기사에 있던 촬영 영상은 이제 볼 수 없어요.',
      '함께 참고한 글: [부산일보](https://mobile.busan.com/view/busan/view.php?code=20160920000023)',
    ]);
    expect(sourceCredit({ publisher: 'Soompi', url: 'https://www.soompi.com/a' }, 'en')).toBe('[Soompi](https://www.soompi.com/a)');
  });

  it('writes a source’s date as far as the page gives it', () => {
    expect(publishedDate('2017', 'en')).toBe('2017');
    expect(publishedDate('2016-08', 'en')).toBe('August 2016');
    expect(publishedDate('2016-08-17', 'en')).toBe('17 August 2016');
    expect(publishedDate('2016-08-17', 'ko')).toBe('2016년 8월 17일');
    expect(publishedDate('2016-08', 'ko')).toBe('2016년 8월');
  });
});

describe('the video reply', () => {
  it('puts the pinned link first, then the English and Korean searches', () => {
    const couple = catalogue.get('krystal-kang-min-hyuk')!;
    const buttons = videoMessage(couple, 'en', { url: 'https://tv.naver.com/v/1', pinnedBy: '1', pinnedAt: 0 }).components[0]!.components;
    expect(buttons.map((b) => ('label' in b ? b.label : ''))).toEqual(['Watch on Naver TV (pinned)', 'Search YouTube (English)', 'Search YouTube (Korean)']);
    expect(buttons.every((b) => b.style === ButtonStyle.Link && 'url' in b)).toBe(true);
  });

  it('names the pinned site the way the member’s language writes it', () => {
    const couple = catalogue.get('krystal-kang-min-hyuk')!;
    const buttons = videoMessage(couple, 'ko', { url: 'https://tv.naver.com/v/1', pinnedBy: '1', pinnedAt: 0 }).components[0]!.components;
    expect('label' in buttons[0]! && buttons[0].label).toBe('네이버TV에서 보기 (고정됨)');
  });

  it('says plainly that the default links are searches', () => {
    const couple = catalogue.get('krystal-kang-min-hyuk')!;
    const message = videoMessage(couple, 'ko', undefined);
    expect(message.components[0]!.components).toHaveLength(2);
    expect(message.embeds[0]!.description).toContain('검색');
  });
});

describe('the reply builders’ convention', () => {
  it('is message JSON that a channel post and an interaction reply both take', () => {
    expectTypeOf<MessageBody>().toExtend<RESTPostAPIChannelMessageJSONBody>();
    expectTypeOf<MessageBody>().toExtend<APIInteractionResponseCallbackData>();
    expectTypeOf(sceneMessage).returns.toExtend<MessageBody>();
    expectTypeOf(videoMessage).returns.toExtend<MessageBody>();
    expectTypeOf(dailyPostMessage).returns.toExtend<MessageBody>();
    expectTypeOf(aboutMessage).returns.toExtend<MessageBody>();
    for (const builder of [statusReply, savedReply, postNowReply]) expectTypeOf(builder).returns.toExtend<MessageBody>();
    expectTypeOf(poll.pollMessage).returns.toExtend<MessageBody>();
    expectTypeOf(poll.resultsMessage).returns.toExtend<MessageBody>();
    expectTypeOf(poll.previewMessage).returns.toExtend<MessageBody>();
    expectTypeOf(poll.leaderboardMessage).returns.toExtend<MessageBody>();
    expectTypeOf(poll.voteReply).returns.toExtend<MessageBody>();
    expectTypeOf(poll.withdrawReply).returns.toExtend<MessageBody>();
    expectTypeOf(poll.startedReply).returns.toExtend<MessageBody>();
    expectTypeOf(poll.closeReply).returns.toExtend<MessageBody>();
  });

  it('is plain data: no class instances, nothing lost in JSON', () => {
    const couple = catalogue.get('eric-seo-hyun-jin')!;
    const pinned = { url: 'https://youtu.be/x1', pinnedBy: '1', pinnedAt: 0 };
    for (const message of [
      sceneMessage({ couple, source: catalogue.sourceOf(couple), lang: 'ko', pinned }),
      videoMessage(couple, 'en', pinned),
      dailyPostMessage({ couple, source: catalogue.sourceOf(couple), lang: 'en', roleId: '5' }),
    ]) {
      expect(JSON.parse(JSON.stringify(message))).toStrictEqual(message);
    }
  });
});
