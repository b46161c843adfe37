import { createRequire } from 'node:module';
import type * as CanvasLibrary from '@napi-rs/canvas';
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Language } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import type { Tally } from './tally.js';
import { percentText } from './text.js';

/**
 * The results bar chart, rendered in-process to a PNG. Text uses Nanum Gothic, shipped by the
 * `@expo-google-fonts/nanum-gothic` package (TTF, covers Hangul and Latin), so Korean names render
 * the same on every machine, whatever fonts the system has.
 */

export const CHART_FONT = 'KissPoll Nanum Gothic';
const FONT_FILES = [
  '@expo-google-fonts/nanum-gothic/400Regular/NanumGothic_400Regular.ttf',
  '@expo-google-fonts/nanum-gothic/700Bold/NanumGothic_700Bold.ttf',
];

/**
 * The chart is drawn for a 400-px-wide box (Discord shows an embed image at most 400 px wide) and
 * rendered at twice that, so it stays sharp on high-density screens: sizes below are at 1×.
 * Colours are Discord's dark theme, so the image sits in a dark embed like part of it.
 */
export const CHART_SCALE = 2;
/** Width at 1× (CSS pixels). */
export const CHART_CSS_WIDTH = 400;
/** Width of the PNG (at CHART_SCALE). */
export const CHART_WIDTH = CHART_CSS_WIDTH * CHART_SCALE;
/** Label sizes at 1×: the couples' names, their counts, and the title. */
export const CHART_LABEL_PX = 15;
const VALUE_PX = 14;
const TITLE_PX = 17;
const PADDING = 16;
const TITLE_HEIGHT = 32;
/** A title that does not fit one line wraps to a second (TITLE_LINE lower); past that it ends with "…". */
export const TITLE_MAX_LINES = 2;
const TITLE_LINE = 22;
/** The width the title and the rows are drawn in, at 1×. */
const INNER_WIDTH = CHART_CSS_WIDTH - PADDING * 2;
/** One candidate: its name and count on one line, its bar under them. */
const ROW_HEIGHT = 40;
const TEXT_LINE = 20;
const BAR_HEIGHT = 8;

/** Discord's dark theme: the embed background, its text, and the accents the bot uses. */
export const CHART_COLOURS = {
  background: '#2b2d31',
  title: '#f2f3f5',
  text: '#dbdee1',
  muted: '#b5bac1',
  track: '#1e1f22',
  bar: '#f25c8a',
  winner: '#f0b232',
} as const;

/**
 * The canvas library (a native renderer, about 25 MB of memory) and its font are loaded by the first
 * chart drawn, not at start-up: most processes draw none for hours, many never.
 */
let library: typeof CanvasLibrary | undefined;

/** Loads the renderer and registers the chart font, once; throws when the font files are missing (a broken install). */
export function ensureChartFont(): typeof CanvasLibrary {
  if (library) return library;
  const require = createRequire(import.meta.url);
  const loaded = require('@napi-rs/canvas') as typeof CanvasLibrary;
  for (const file of FONT_FILES) {
    const key = loaded.GlobalFonts.registerFromPath(require.resolve(file), CHART_FONT);
    if (!key) throw new Error(`Could not load the chart font ${file}`);
  }
  library = loaded;
  return library;
}

function createCanvas(width: number, height: number): CanvasLibrary.Canvas {
  return ensureChartFont().createCanvas(width, height);
}

function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  return ellipsize(text, maxWidth, (s) => ctx.measureText(s).width);
}

/** `text` cut to fit `maxWidth`, ending with "…" when cut. */
function ellipsize(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  const chars = [...text.trimEnd()];
  while (chars.length > 1 && measure(`${chars.join('').trimEnd()}…`) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/**
 * Breaks `text` into at most `maxLines` lines no wider than `maxWidth`: at spaces, and inside a word
 * only when the word alone is wider than a line. Text left over after the last line is cut there,
 * ending with "…". `measure` gives a string's drawn width.
 */
export function wrapText(text: string, maxWidth: number, maxLines: number, measure: (s: string) => number): string[] {
  // Each line with the separator that followed it where the text was broken ('' inside a word).
  const lines: Array<{ text: string; next: string }> = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = current ? `${current} ${word}` : word;
    if (measure(joined) <= maxWidth) {
      current = joined;
      continue;
    }
    if (current) lines.push({ text: current, next: ' ' });
    current = '';
    for (const char of word) {
      if (current && measure(current + char) > maxWidth) {
        lines.push({ text: current, next: '' });
        current = '';
      }
      current += char;
    }
  }
  if (current) lines.push({ text: current, next: '' });
  if (lines.length <= maxLines) return lines.map((l) => l.text);
  const rest = lines.slice(maxLines - 1).reduce((out, l, i, all) => out + l.text + (i < all.length - 1 ? l.next : ''), '');
  return [...lines.slice(0, maxLines - 1).map((l) => l.text), ellipsize(rest, maxWidth, measure)];
}

/** The lines a chart title is drawn on (one or two, measured in the chart's title font; a blank title keeps its one line). */
export function chartTitleLines(title: string): string[] {
  const ctx = createCanvas(1, 1).getContext('2d');
  ctx.font = `bold ${TITLE_PX}px "${CHART_FONT}"`;
  const lines = wrapText(title, INNER_WIDTH, TITLE_MAX_LINES, (s) => ctx.measureText(s).width);
  return lines.length ? lines : [''];
}

/**
 * Chart height in PNG pixels for a number of bars and of title lines: fixed margins, the title,
 * and one row per bar.
 */
export function chartHeight(bars: number, titleLines = 1): number {
  const title = TITLE_HEIGHT + (Math.max(1, titleLines) - 1) * TITLE_LINE;
  return (PADDING * 2 + title + Math.max(1, bars) * ROW_HEIGHT - (ROW_HEIGHT - TEXT_LINE - 4 - BAR_HEIGHT)) * CHART_SCALE;
}

export interface ChartOptions {
  /** Drawn above the bars, over two lines when it needs them; defaults to "Votes per couple" in `lang`. */
  title?: string | undefined;
}

/**
 * A row per candidate, most votes first (equal counts keep the poll's order): the name, "N votes ·
 * P%" on the right, and under them a bar scaled to the largest count. Winners are drawn in gold.
 * `labels` are the candidates' names in the poll's order, already in `lang`. Returns PNG bytes,
 * CHART_WIDTH wide (a 2× render of a 400-px chart).
 */
export function renderChart(tally: Tally, labels: readonly string[], lang: Language, options: ChartOptions = {}): Buffer {
  ensureChartFont();
  const rows = tally.rows.map((row, i) => ({ ...row, label: labels[i] ?? row.coupleId })).sort((a, b) => b.votes - a.votes);
  const title = chartTitleLines(options.title ?? t(lang, 'poll.results.chartTitle'));
  const height = chartHeight(rows.length, title.length);
  const canvas = createCanvas(CHART_WIDTH, height);
  const ctx = canvas.getContext('2d');
  ctx.scale(CHART_SCALE, CHART_SCALE);
  const width = CHART_CSS_WIDTH;
  ctx.fillStyle = CHART_COLOURS.background;
  ctx.fillRect(0, 0, width, height / CHART_SCALE);

  ctx.textBaseline = 'middle';
  ctx.fillStyle = CHART_COLOURS.title;
  ctx.font = `bold ${TITLE_PX}px "${CHART_FONT}"`;
  title.forEach((line, i) => ctx.fillText(line, PADDING, PADDING + TITLE_PX / 2 + i * TITLE_LINE));
  const rowsTop = PADDING + TITLE_HEIGHT + (title.length - 1) * TITLE_LINE;

  const max = Math.max(0, ...rows.map((r) => r.votes));
  const winners = new Set(tally.winners);
  const inner = INNER_WIDTH;
  rows.forEach((row, i) => {
    const top = rowsTop + i * ROW_HEIGHT;
    const middle = top + TEXT_LINE / 2;
    const won = winners.has(row.coupleId);

    ctx.font = `${VALUE_PX}px "${CHART_FONT}"`;
    ctx.fillStyle = CHART_COLOURS.muted;
    ctx.textAlign = 'right';
    const value = tally.totalVoters > 0 ? `${t(lang, 'poll.votes', { count: row.votes })} · ${percentText(row.percent)}%` : t(lang, 'poll.results.chartNoVotes');
    const shownValue = fitText(ctx, value, inner / 2);
    ctx.fillText(shownValue, width - PADDING, middle);
    const valueWidth = ctx.measureText(shownValue).width;

    ctx.font = `${won ? 'bold ' : ''}${CHART_LABEL_PX}px "${CHART_FONT}"`;
    ctx.fillStyle = won ? CHART_COLOURS.title : CHART_COLOURS.text;
    ctx.textAlign = 'left';
    ctx.fillText(fitText(ctx, row.label, inner - valueWidth - 12), PADDING, middle);

    const barTop = top + TEXT_LINE + 4;
    ctx.fillStyle = CHART_COLOURS.track;
    ctx.beginPath();
    ctx.roundRect(PADDING, barTop, inner, BAR_HEIGHT, BAR_HEIGHT / 2);
    ctx.fill();
    const barWidth = max > 0 ? Math.max(BAR_HEIGHT, Math.round((row.votes / max) * inner)) : 0;
    if (row.votes > 0 && barWidth > 0) {
      ctx.fillStyle = won ? CHART_COLOURS.winner : CHART_COLOURS.bar;
      ctx.beginPath();
      ctx.roundRect(PADDING, barTop, barWidth, BAR_HEIGHT, BAR_HEIGHT / 2);
      ctx.fill();
    }
  });
  return canvas.toBuffer('image/png');
}
