import { describe, expect, it } from 'vitest';
import { coupleName } from '../../src/catalogue/catalogue.js';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { CHART_COLOURS, CHART_CSS_WIDTH, CHART_FONT, CHART_SCALE, CHART_WIDTH, chartHeight, chartTitleLines, ensureChartFont, renderChart, TITLE_MAX_LINES, wrapText } from '../../src/polls/chart.js';
import { t } from '../../src/i18n/index.js';
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

/** A measure where every character is 1 wide, to read the line breaking alone. */
const chars = (s: string) => [...s].length;

describe('a chart title that does not fit one line', () => {
  it('breaks at spaces, over at most two lines, and ends with "…" only past two', () => {
    expect(wrapText('Which kiss do you like best?', 40, 2, chars)).toEqual(['Which kiss do you like best?']);
    expect(wrapText('Which behind-the-scenes kiss is your favourite?', 30, 2, chars)).toEqual(['Which behind-the-scenes kiss', 'is your favourite?']);
    expect(wrapText('one two three four five six seven', 10, 2, chars)).toEqual(['one two', 'three fou…']);
    // A word longer than a line is broken inside, and only then.
    expect(wrapText('a supercalifragilistic kiss', 10, 2, chars)).toEqual(['a', 'supercali…']);
    expect(wrapText('supercalifragilistic', 10, 3, chars)).toEqual(['supercalif', 'ragilistic']);
    for (const width of [5, 8, 13, 21]) {
      for (const line of wrapText('최애 키스신 비하인드는 무엇인가요? 여러분이 고른 장면을 알려 주세요', width, 2, chars)) expect(chars(line), line).toBeLessThanOrEqual(width);
    }
  });

  it('shows the default question whole, in both languages (it was clipped on one line)', () => {
    for (const question of [t('en', 'poll.defaultQuestion'), t('ko', 'poll.defaultQuestion'), 'Which behind-the-scenes kiss is your favourite?']) {
      const lines = chartTitleLines(question);
      expect(lines.length, question).toBeLessThanOrEqual(TITLE_MAX_LINES);
      expect(lines.join(' '), question).toBe(question);
    }
    // The question that was clipped ("Which behind-the-scenes kiss is your favouri…") now takes two lines.
    expect(chartTitleLines('Which behind-the-scenes kiss is your favourite? Tell us which one')).toHaveLength(2);
  });

  it('cuts only a question longer than two lines, and never draws past the edge', async () => {
    const long = 'Of every kiss scene these dramas gave us, on set or in the final cut, which one would you watch again tonight, and again tomorrow?';
    const lines = chartTitleLines(long);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/…$/);
    expect(long.startsWith(`${lines[0]} ${lines[1]!.slice(0, -1)}`.trimEnd())).toBe(true);

    // The image grows by one title line, and the second line is drawn where the first row was.
    const { tally } = sample(2, {});
    const one = renderChart(tally, ['A', 'B'], 'en', { title: 'Short' });
    const two = renderChart(tally, ['A', 'B'], 'en', { title: long });
    expect(pngSize(one).height).toBe(chartHeight(2, 1));
    expect(pngSize(two).height).toBe(chartHeight(2, 2));
    expect(chartHeight(2, 2)).toBeGreaterThan(chartHeight(2, 1));
    const secondLine = { x0: 16 * CHART_SCALE, x1: (CHART_CSS_WIDTH - 16) * CHART_SCALE, y0: (16 + 20) * CHART_SCALE, y1: (16 + 32) * CHART_SCALE };
    expect(await inkHeight(two, secondLine)).toBeGreaterThan(10);
    expect(await inkHeight(one, secondLine)).toBe(0);
    // Nothing is drawn in the right margin: the lines were measured to fit.
    const margin = await pixels(two);
    for (let y = 0; y < 60 * CHART_SCALE; y++) for (let x = CHART_WIDTH - 8 * CHART_SCALE; x < CHART_WIDTH; x++) expect(hex(margin.rgb(x, y))).toBe('#2b2d31');
  });
});

