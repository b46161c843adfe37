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
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && ctx.measureText(`${chars.join('')}…`).width > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}

/** Chart height in PNG pixels for a number of bars: fixed margins plus one row per bar. */
export function chartHeight(bars: number): number {
  return (PADDING * 2 + TITLE_HEIGHT + Math.max(1, bars) * ROW_HEIGHT - (ROW_HEIGHT - TEXT_LINE - 4 - BAR_HEIGHT)) * CHART_SCALE;
}

export interface ChartOptions {
  /** Drawn above the bars; defaults to "Votes per couple" in `lang`. */
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
  const height = chartHeight(rows.length);
  const canvas = createCanvas(CHART_WIDTH, height);
  const ctx = canvas.getContext('2d');
  ctx.scale(CHART_SCALE, CHART_SCALE);
  const width = CHART_CSS_WIDTH;
  ctx.fillStyle = CHART_COLOURS.background;
  ctx.fillRect(0, 0, width, height / CHART_SCALE);

  ctx.textBaseline = 'middle';
  ctx.fillStyle = CHART_COLOURS.title;
  ctx.font = `bold ${TITLE_PX}px "${CHART_FONT}"`;
  ctx.fillText(fitText(ctx, options.title ?? t(lang, 'poll.results.chartTitle'), width - PADDING * 2), PADDING, PADDING + TITLE_PX / 2);

  const max = Math.max(0, ...rows.map((r) => r.votes));
  const winners = new Set(tally.winners);
  const inner = width - PADDING * 2;
  rows.forEach((row, i) => {
    const top = PADDING + TITLE_HEIGHT + i * ROW_HEIGHT;
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
