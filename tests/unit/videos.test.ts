import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { videoMessage } from '../../src/replies/video.js';
import { checkVideoUrl, searchLinks, searchTerms } from '../../src/videos.js';

describe('pinned video links', () => {
  it.each([
    ['https://www.youtube.com/watch?v=abc123', 'youtube'],
    ['https://youtu.be/abc123', 'youtube'],
    ['https://tv.naver.com/v/1234567', 'naverTv'],
    ['https://www.viki.com/videos/123v', 'viki'],
    ['https://tv.kakao.com/v/123', 'kakaoTv'],
    ['https://vimeo.com/123456', 'vimeo'],
  ])('accepts %s', (url, site) => {
    expect(checkVideoUrl(url)).toEqual({ ok: true, url, site });
  });

  it.each([
    ['http://www.youtube.com/watch?v=abc', 'not-https'],
    ['https://evil.example/watch?v=abc', 'not-a-video-site'],
    ['https://www.youtube.com.evil.example/watch', 'not-a-video-site'],
    ['https://youtube.com@evil.example/x', 'credentials'],
    ['https://user:pw@www.youtube.com/watch?v=abc', 'credentials'],
    ['https://www.youtube.com:8443/watch?v=abc', 'not-a-video-site'],
    ['https://www.youtube.com/', 'no-video-path'],
    ['javascript:alert(1)', 'not-https'],
    ['youtube.com/watch?v=abc', 'not-a-url'],
    [`https://youtu.be/${'a'.repeat(600)}`, 'too-long'],
    // Names an object would answer for itself.
    ['https://constructor/watch?v=x', 'not-a-video-site'],
    ['https://__proto__/watch?v=x', 'not-a-video-site'],
    ['https://hasOwnProperty/watch?v=x', 'not-a-video-site'],
    ['https://toString/watch?v=x', 'not-a-video-site'],
    // Look-alikes and hosts that only contain a video site's name.
    ['https://youtube.com.evil.com/watch?v=x', 'not-a-video-site'],
    ['https://evil.com/youtube.com/watch?v=x', 'not-a-video-site'],
    ['https://evil.com/?u=https://youtu.be/x', 'not-a-video-site'],
    ['https://уoutube.com/watch?v=x', 'not-a-video-site'], // Cyrillic у
    ['https://youtubе.com/watch?v=x', 'not-a-video-site'], // Cyrillic е
    ['https://xn--outube-vrf.com/watch?v=x', 'not-a-video-site'], // the same, as punycode
    ['https://www.youtube.com.:443/watch?v=x', 'not-a-video-site'],
    ['https://www.youtube.com./watch?v=x', 'not-a-video-site'],
    // Other schemes and parts.
    ['data:text/html,<script>alert(1)</script>', 'not-https'],
    ['JAVASCRIPT:alert(1)', 'not-https'],
    ['ftp://youtube.com/watch?v=x', 'not-https'],
    ['https://:pw@youtube.com/watch?v=x', 'credentials'],
    ['https://youtube.com:443x/watch', 'not-a-url'],
    ['https://vimeo.com', 'no-video-path'],
  ])('refuses %s', (url, reason) => {
    expect(checkVideoUrl(url)).toEqual({ ok: false, reason });
  });

  it('reads full-width letters as the URL parser does: the link goes to the real site', () => {
    expect(checkVideoUrl('https://ｙｏｕｔｕ.ｂｅ/x')).toEqual({ ok: true, site: 'youtube', url: 'https://youtu.be/x' });
  });

  it('drops the fragment of an accepted link', () => {
    expect(checkVideoUrl('https://youtu.be/abc#t=10')).toMatchObject({ ok: true, url: 'https://youtu.be/abc' });
  });
});

describe('default video links', () => {
  it('are one English and one Korean search for the making-of clip, never a guessed clip address', () => {
    const couple = loadCatalogue().get('park-bo-gum-kim-yoo-jung')!;
    const links = searchLinks(couple);
    expect(links.map((l) => l.lang)).toEqual(['en', 'ko']);
    for (const link of links) expect(link.url.startsWith('https://www.youtube.com/results?search_query=')).toBe(true);
    expect(decodeURIComponent(links[1]!.url)).toContain('박보검 김유정 구르미 그린 달빛 키스신 메이킹');
  });

  it('name the official channel that released the clip, when a source gives it, in English and Korean', () => {
    const couple = loadCatalogue().get('park-bo-gum-kim-yoo-jung')!;
    const withChannel = { ...couple, video: { ...couple.video, channel: { en: 'KBS Drama', ko: 'KBS 드라마' } } };
    expect(searchTerms(withChannel, 'en')).toBe('KBS Drama Park Bo Gum Kim Yoo Jung Love in the Moonlight kiss scene making');
    expect(searchTerms(withChannel, 'ko')).toBe('KBS 드라마 박보검 김유정 구르미 그린 달빛 키스신 메이킹');
    const [en, ko] = searchLinks(withChannel).map((l) => new URL(l.url));
    expect(en!.searchParams.get('search_query')).toBe(searchTerms(withChannel, 'en'));
    expect(ko!.searchParams.get('search_query')).toBe(searchTerms(withChannel, 'ko'));
    for (const url of [en!, ko!]) expect(url.pathname).toBe('/results');
    // Terms that already name the channel are left as they are.
    const named = { video: { channel: { en: 'SBS Catch', ko: 'SBS 캐치' }, search: { en: 'SBS catch Doctors kiss making', ko: '닥터스 키스신 메이킹' } } };
    expect(searchTerms(named, 'en')).toBe('SBS catch Doctors kiss making');
    expect(searchTerms(named, 'ko')).toBe('SBS 캐치 닥터스 키스신 메이킹');
    // And the reply says whose clip the buttons look for.
    expect(videoMessage(withChannel, 'ko', undefined).embeds[0]!.description).toContain('**KBS 드라마** 채널');
    expect(videoMessage(couple, 'en', undefined).embeds[0]!.description).not.toContain('released');
  });
});
