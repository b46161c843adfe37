import { describe, expect, it } from 'vitest';
import { coupleName } from '../../src/catalogue/catalogue.js';
import { CHART_WIDTH, chartHeight, renderChart } from '../../src/polls/chart.js';
import { tallyPoll } from '../../src/polls/tally.js';
import { catalogue } from './helpers.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sample(count: number, votes: Record<string, string>) {
  const couples = catalogue.couples.slice(0, count);
  const tally = tallyPoll({ coupleIds: couples.map((c) => c.id), votes });
  return { tally, couples };
}

describe('results chart', () => {
  it('is a valid PNG, 800 px wide, small enough to attach', () => {
    const { tally, couples } = sample(4, { m1: couples4()[0]!, m2: couples4()[1]!, m3: couples4()[1]! });
    const png = renderChart(tally, couples.map((c) => coupleName(c, 'en')), 'en');
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: chartHeight(4) });
    expect(png.length).toBeLessThan(200_000);
  });

  it('grows with the number of bars', () => {
    const small = sample(2, {});
    const large = sample(10, {});
    const h2 = pngSize(renderChart(small.tally, small.couples.map((c) => c.id), 'en')).height;
    const h10 = pngSize(renderChart(large.tally, large.couples.map((c) => c.id), 'en')).height;
    expect(h10).toBeGreaterThan(h2);
    expect(h10 - h2).toBe(chartHeight(10) - chartHeight(2));
  });

  it('draws Hangul glyphs, not the same missing-glyph box for every character', () => {
    // With no font for Hangul, two different Korean names of the same length would both draw as
    // three identical boxes, and the two images would be identical.
    const { tally } = sample(2, {});
    const a = renderChart(tally, ['박보검', '김유정'], 'ko', { title: '투표' });
    const b = renderChart(tally, ['서현진', '아이유'], 'ko', { title: '투표' });
    const c = renderChart(tally, ['박보검', '김유정'], 'ko', { title: '투표' });
    expect(a.equals(c)).toBe(true);
    expect(a.equals(b)).toBe(false);
  });

  it('renders a poll without votes', () => {
    const { tally, couples } = sample(3, {});
    expect(() => renderChart(tally, couples.map((c) => coupleName(c, 'ko')), 'ko')).not.toThrow();
  });
});

function couples4(): string[] {
  return catalogue.couples.slice(0, 4).map((c) => c.id);
}
