import { describe, expect, it } from 'vitest';
import { coupleName } from '../../src/catalogue/catalogue.js';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { CHART_COLOURS, CHART_CSS_WIDTH, CHART_FONT, CHART_SCALE, CHART_WIDTH, chartHeight, ensureChartFont, renderChart } from '../../src/polls/chart.js';
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

/** The pixels of a PNG, to look at what was drawn. */
async function pixels(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width } = ctx.getImageData(0, 0, image.width, image.height);
  return {
    width: image.width,
    height: image.height,
    rgb: (x: number, y: number) => [data[(y * width + x) * 4]!, data[(y * width + x) * 4 + 1]!, data[(y * width + x) * 4 + 2]!] as const,
  };
}

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const luminance = ([r, g, b]: readonly number[]) => 0.299 * r! + 0.587 * g! + 0.114 * b!;

/**
 * Height in pixels of the light text drawn in a box: the rows holding a pixel brighter than halfway
 * between the background and the label colour.
 */
async function inkHeight(png: Buffer, box: { x0: number; x1: number; y0: number; y1: number }): Promise<number> {
  const image = await pixels(png);
  const threshold = (luminance([0x2b, 0x2d, 0x31]) + luminance([0xdb, 0xde, 0xe1])) / 2;
  const inked: number[] = [];
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      if (luminance(image.rgb(x, y)) > threshold) {
        inked.push(y);
        break;
      }
    }
  }
  return inked.length ? inked.at(-1)! - inked[0]! + 1 : 0;
}

/** The same string drawn alone at `px` (at 1×, so 2× in pixels), in the chart's font and label colour. */
function reference(text: string, px: number): Buffer {
  ensureChartFont();
  const canvas = createCanvas(400, 100);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = CHART_COLOURS.background;
  ctx.fillRect(0, 0, 400, 100);
  ctx.fillStyle = CHART_COLOURS.text;
  ctx.textBaseline = 'middle';
  ctx.font = `${px * CHART_SCALE}px "${CHART_FONT}"`;
  ctx.fillText(text, 10, 50);
  return canvas.toBuffer('image/png');
}

describe('results chart', () => {
  it('is drawn in Discord’s dark colours, at twice its 400-px size for sharp screens', async () => {
    const { tally } = sample(3, {});
    const png = renderChart(tally, ['A', 'B', 'C'], 'en');
    expect(CHART_WIDTH).toBe(CHART_CSS_WIDTH * 2);
    const image = await pixels(png);
    expect(image.width).toBe(800);
    expect(hex(image.rgb(2, 2))).toBe('#2b2d31');
    expect(hex(image.rgb(image.width - 3, image.height - 3))).toBe('#2b2d31');
  });

  it('draws the couples’ names at least 14 px high at 1× (read from the PNG, for a known string)', async () => {
    for (const known of ['HHHH', '박보검']) {
      const { tally } = sample(2, {});
      const png = renderChart(tally, [known, known], 'en', { title: ' ' });
      // The first row's name: left half of the first text line (title 32 px and padding 16 px above, at 1×).
      const top = (16 + 32) * CHART_SCALE;
      const drawn = await inkHeight(png, { x0: 16 * CHART_SCALE, x1: 200 * CHART_SCALE, y0: top, y1: top + 20 * CHART_SCALE });
      const at14 = await inkHeight(reference(known, 14), { x0: 0, x1: 400, y0: 0, y1: 100 });
      const at16 = await inkHeight(reference(known, 16), { x0: 0, x1: 400, y0: 0, y1: 100 });
      expect(at14, known).toBeGreaterThan(16); // the measure sees a real glyph (a 14-px H is ~10 px tall, ×2)
      expect(drawn, known).toBeGreaterThanOrEqual(at14);
      expect(drawn, known).toBeLessThanOrEqual(at16);
    }
  });


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
