import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { CHART_FONT, ensureChartFont } from '../polls/chart.js';
import type { Bracket } from './bracket.js';
import { bracketLayout, type BracketLayout, type LayoutBox } from './bracket-layout.js';

/**
 * The bracket image a finished server World Cup posts: a PNG drawn in-process with the charts' Nanum
 * Gothic font (Hangul and Latin), on a dark background so it reads well in Discord's dark embeds.
 * The champion's way to the title is drawn in gold. Loaded on first use (the service imports it
 * dynamically), so the canvas and the font stay out of memory until a tournament ends.
 */

/** Drawn at twice the layout's size: sharp text on high-density screens, 14 px labels at 1×. */
export const IMAGE_SCALE = 2;

export const BRACKET_COLOURS = {
  background: '#1e1f22',
  box: '#2b2d31',
  border: '#3f4147',
  text: '#f2f3f5',
  muted: '#949ba4',
  line: '#4e5058',
  title: '#f25c8a',
  path: '#f5b642',
  pathText: '#1e1f22',
} as const;

function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && ctx.measureText(`${chars.join('')}…`).width > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}

function roundedRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function drawBox(ctx: SKRSContext2D, box: LayoutBox): void {
  const c = BRACKET_COLOURS;
  roundedRect(ctx, box.x, box.y, box.w, box.h, 6);
  ctx.fillStyle = box.onPath ? c.path : c.box;
  ctx.fill();
  if (!box.onPath) {
    ctx.strokeStyle = c.border;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  if (!box.label) return;
  const votesWidth = box.votes !== undefined ? 36 : 0;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.font = `${box.onPath ? 'bold ' : ''}${box.isChampion ? 16 : 14}px "${CHART_FONT}"`;
  ctx.fillStyle = box.onPath ? c.pathText : box.lost ? c.muted : c.text;
  ctx.fillText(fitText(ctx, box.label, box.w - 20 - votesWidth), box.x + 10, box.y + box.h / 2);
  if (box.votes !== undefined) {
    ctx.textAlign = 'right';
    ctx.font = `14px "${CHART_FONT}"`;
    ctx.fillStyle = box.onPath ? c.pathText : c.muted;
    ctx.fillText(String(box.votes), box.x + box.w - 10, box.y + box.h / 2);
  }
}

/** Renders a laid-out bracket to PNG bytes, at `IMAGE_SCALE`. */
export function renderLayout(layout: BracketLayout, title: string): Buffer {
  ensureChartFont();
  const c = BRACKET_COLOURS;
  const canvas = createCanvas(Math.ceil(layout.width * IMAGE_SCALE), Math.ceil(layout.height * IMAGE_SCALE));
  const ctx = canvas.getContext('2d');
  ctx.scale(IMAGE_SCALE, IMAGE_SCALE);
  ctx.fillStyle = c.background;
  ctx.fillRect(0, 0, layout.width, layout.height);

  ctx.fillStyle = c.title;
  ctx.font = `bold 22px "${CHART_FONT}"`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText(fitText(ctx, title, layout.width - 48), 24, 24 + 22);

  // Grey lines first, the champion's in gold over them.
  for (const onPath of [false, true]) {
    ctx.strokeStyle = onPath ? c.path : c.line;
    ctx.lineWidth = onPath ? 3 : 2;
    for (const line of layout.lines.filter((l) => l.onPath === onPath)) {
      ctx.beginPath();
      line.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.stroke();
    }
  }
  for (const box of layout.boxes) drawBox(ctx, box);
  return canvas.toBuffer('image/png');
}

/** The bracket image: `labelOf` names each entrant in the image's language. */
export function renderBracket(bracket: Bracket, labelOf: (coupleId: string) => string, title: string): Buffer {
  return renderLayout(bracketLayout(bracket, labelOf), title);
}
