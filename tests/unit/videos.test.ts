import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { checkVideoUrl, searchLinks } from '../../src/videos.js';

describe('pinned video links', () => {
  it.each([
    ['https://www.youtube.com/watch?v=abc123', 'YouTube'],
    ['https://youtu.be/abc123', 'YouTube'],
    ['https://tv.naver.com/v/1234567', 'Naver TV'],
    ['https://www.viki.com/videos/123v', 'Viki'],
    ['https://tv.kakao.com/v/123', 'Kakao TV'],
    ['https://vimeo.com/123456', 'Vimeo'],
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
  ])('refuses %s', (url, reason) => {
    expect(checkVideoUrl(url)).toEqual({ ok: false, reason });
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
});
