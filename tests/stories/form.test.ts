import { describe, expect, it } from 'vitest';
import { clipForm, formOf, readForm, type FormValues } from '../../src/stories/form.js';

const GOOD: FormValues = {
  couple: 'Kim Soo Hyun (김수현) & Kim Ji Won (김지원)',
  drama: 'Queen of Tears (눈물의 여왕, 2024)',
  story: 'They laughed through the first take.\n\n---\n\n첫 촬영 내내 웃었다.',
  quote: 'Kim Ji Won: "I was so nervous."',
  links: 'https://www.example.com/queen-of-tears\nhttps://www.youtube.com/watch?v=abc123',
};

const read = (changes: Partial<FormValues>) => readForm({ ...GOOD, ...changes });
const problemsOf = (changes: Partial<FormValues>) => {
  const result = read(changes);
  return result.ok ? [] : result.problems.map((p) => `${p.part}:${p.code}${p.limit !== undefined ? `:${p.limit}` : ''}${p.detail ? `:${p.detail}` : ''}`);
};

describe('the story form', () => {
  it('reads the five boxes into the story’s fields', () => {
    const result = readForm(GOOD);
    expect(result).toEqual({
      ok: true,
      fields: {
        actors: [
          { name: 'Kim Soo Hyun', hangul: '김수현' },
          { name: 'Kim Ji Won', hangul: '김지원' },
        ],
        drama: { title: 'Queen of Tears', korean: '눈물의 여왕', year: 2024 },
        story: { en: 'They laughed through the first take.', ko: '첫 촬영 내내 웃었다.' },
        quote: { speaker: 'Kim Ji Won', text: 'I was so nervous.' },
        source: 'https://www.example.com/queen-of-tears',
        video: 'https://www.youtube.com/watch?v=abc123',
      },
    });
  });

  it('reads the ways fans write a couple and a drama', () => {
    const ok = (changes: Partial<FormValues>) => {
      const result = read(changes);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.fields;
    };
    expect(ok({ couple: 'Lee Min Ho, Kim Go Eun' }).actors).toEqual([{ name: 'Lee Min Ho' }, { name: 'Kim Go Eun' }]);
    expect(ok({ couple: '김수현 (Kim Soo Hyun) and Kim Ji Won' }).actors).toEqual([{ name: 'Kim Soo Hyun', hangul: '김수현' }, { name: 'Kim Ji Won' }]);
    // A title with a number in it is not a year; a year after a comma is.
    expect(ok({ drama: 'Reply 1997' }).drama).toEqual({ title: 'Reply 1997' });
    expect(ok({ drama: 'Reply 1997, 2012' }).drama).toEqual({ title: 'Reply 1997', year: 2012 });
    expect(ok({ drama: 'Reply 1997 (응답하라 1997, 2012)' }).drama).toEqual({ title: 'Reply 1997', korean: '응답하라 1997', year: 2012 });
    // A bracket that is neither a Korean title nor a year belongs to the title.
    expect(ok({ drama: 'Crash Landing on You (Love’s Crash Landing)' }).drama).toEqual({ title: 'Crash Landing on You (Love’s Crash Landing)' });
  });

  it('tells the languages apart: one language, or both one after the other, with or without ---', () => {
    const story = (text: string) => {
      const result = read({ story: text });
      return result.ok ? result.fields.story : result.problems;
    };
    expect(story('Only English here.')).toEqual({ en: 'Only English here.' });
    expect(story('한국어로만 쓴 이야기예요. Kim Ji Won도 웃었다.')).toEqual({ ko: '한국어로만 쓴 이야기예요. Kim Ji Won도 웃었다.' });
    expect(story('First.\n\nSecond.\n\n한국어 문단.')).toEqual({ en: 'First.\n\nSecond.', ko: '한국어 문단.' });
    expect(story('English.\n\n한국어.\n\nEnglish again.')).toEqual([{ part: 'story', code: 'mixed' }]);
    expect(story('English.\n---\nMore English.')).toEqual([{ part: 'story', code: 'mixed' }]);
  });

  it('reports each box that fails, with the limit broken', () => {
    expect(problemsOf({ links: '' })).toEqual(['source:empty']);
    expect(problemsOf({ links: 'http://www.example.com/page' })).toEqual(['source:notHttps']);
    expect(problemsOf({ links: 'not a link' })).toEqual(['source:notUrl']);
    expect(problemsOf({ links: 'https://www.example.com/photo.png' })).toEqual(['source:pattern']);
    expect(problemsOf({ links: 'https://192.168.0.1/page' })).toEqual(['source:pattern']);
    expect(problemsOf({ links: 'https://localhost/page' })).toEqual(['source:pattern']);
    expect(problemsOf({ links: 'https://user:pw@www.example.com/page' })).toEqual(['source:pattern']);
    expect(problemsOf({ links: 'https://www.example.com/a https://evil.example.com/video' })).toEqual(['video:video:not-a-video-site']);
    expect(problemsOf({ links: 'https://www.example.com/a https://youtu.be/x https://youtu.be/y' })).toEqual(['video:extraLinks']);
    expect(problemsOf({ story: 'x'.repeat(1501) })).toEqual(['story:tooLong:1500:en']);
    expect(problemsOf({ story: '<@123456789012345678> <@&123456789012345678>\n@everyone   @here <#123456789012345678>' })).toEqual(['story:empty:en']);
    expect(problemsOf({ story: '   ' })).toEqual(['story:empty']);
    expect(problemsOf({ quote: 'I was so nervous.' })).toEqual(['quote:speaker']);
    expect(problemsOf({ quote: 'Kim Ji Won: <@123456789012345678>' })).toEqual(['quote:empty:text']);
    expect(problemsOf({ couple: 'Kim Soo Hyun' })).toEqual(['couple:format']);
    expect(problemsOf({ couple: '김수현 & 김지원' })).toEqual(['couple:pattern:name']);
    expect(problemsOf({ drama: 'Queen of Tears (1850)' })).toEqual(['drama:range:1960:year']);
    // Several boxes at once: each reported.
    expect(problemsOf({ couple: 'one', links: 'http://x.example.com/' })).toEqual(['couple:format', 'source:notHttps']);
  });

  it('keeps the markdown and mentions a story was written with (they are shown, never pinged)', () => {
    const result = read({ story: 'She said **cut!** and <@123456789012345678> laughed.' });
    expect(result.ok && result.fields.story.en).toBe('She said **cut!** and <@123456789012345678> laughed.');
  });

  it('fills the form back from a story, and reads it again to the same fields', () => {
    const first = readForm(GOOD);
    if (!first.ok) throw new Error('expected the form to read');
    const again = readForm(formOf(first.fields));
    expect(again).toEqual(first);
    const minimal = readForm({ couple: 'A Lee & B Kim', drama: 'Title', story: 'Words.', quote: '', links: 'https://www.example.com/x' });
    if (!minimal.ok) throw new Error('expected the minimal form to read');
    expect(readForm(formOf(minimal.fields))).toEqual(minimal);
  });

  it('clips what it keeps to what each box takes', () => {
    const values = clipForm({ couple: 'x'.repeat(500), story: 7, quote: undefined });
    expect(values.couple).toHaveLength(140);
    expect(values.story).toBe('');
    expect(values.quote).toBe('');
  });
});

describe('the story form as Discord shows it', () => {
  it('fits Discord’s limits in both languages without cutting a word (title 45, label 45, placeholder 100)', async () => {
    const { t } = await import('../../src/i18n/index.js');
    const { FORM_BOXES } = await import('../../src/stories/form.js');
    for (const lang of ['en', 'ko'] as const) {
      expect(t(lang, 'story.form.titleAdd').length).toBeLessThanOrEqual(45);
      expect(t(lang, 'story.form.titleEdit').length).toBeLessThanOrEqual(45);
      for (const box of FORM_BOXES) {
        expect(t(lang, `story.form.${box}`).length, `${lang} ${box}`).toBeLessThanOrEqual(45);
        expect(t(lang, `story.form.${box}Placeholder`).length, `${lang} ${box} placeholder`).toBeLessThanOrEqual(100);
      }
    }
  });
});
