/**
 * The page's static files, built once per process into memory: the HTML, the stylesheet, the
 * script (bundled from `page/main.ts` with esbuild: the Discord web components and our code, minified),
 * the Korean font and the emoji font, the text files also gzipped.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** One file ready to send. */
export interface Asset {
  type: string;
  body: Buffer;
  /** Gzipped body, for text files. */
  gzip?: Buffer;
}

const PAGE_DIR = new URL('./page/', import.meta.url);
const require = createRequire(import.meta.url);

/** Shown where an embed points at an image on another host (the page loads nothing from outside). */
const EXTERNAL_IMAGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120">
<rect width="320" height="120" rx="6" fill="#2b2d31" stroke="#4e5058"/>
<text x="160" y="66" fill="#b5bac1" font-family="sans-serif" font-size="14" text-anchor="middle">image on another host (not loaded offline)</text>
</svg>`;

const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="16" fill="#f25c8a"/>
<text x="32" y="43" fill="#fff" font-family="sans-serif" font-size="32" font-weight="bold" text-anchor="middle">K</text></svg>`;

/** A file already compressed (a WOFF2 font): sent as it is. */
function binary(type: string, body: Buffer): Asset {
  return { type, body };
}

function text(type: string, content: string | Buffer): Asset {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { type, body, gzip: gzipSync(body) };
}

async function bundleScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('main.ts', PAGE_DIR))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output for the playground page');
  return out.text;
}

async function buildAssets(): Promise<Map<string, Asset>> {
  const [html, css, script, regular, bold, emoji, emojiLicence] = await Promise.all([
    readFile(new URL('index.html', PAGE_DIR), 'utf8'),
    readFile(new URL('styles.css', PAGE_DIR), 'utf8'),
    bundleScript(),
    readFile(require.resolve('@expo-google-fonts/nanum-gothic/400Regular/NanumGothic_400Regular.ttf')),
    readFile(require.resolve('@expo-google-fonts/nanum-gothic/700Bold/NanumGothic_700Bold.ttf')),
    // Twemoji, the emoji art Discord itself draws, as a colour (COLR) font: the page shows emoji
    // even on a machine with no emoji font of its own.
    readFile(require.resolve('twemoji-colr-font/twemoji.woff2')),
    readFile(require.resolve('twemoji-colr-font/LICENSE')),
  ]);
  return new Map<string, Asset>([
    ['/', text('text/html; charset=utf-8', html)],
    ['/play/styles.css', text('text/css; charset=utf-8', css)],
    ['/play/app.js', text('text/javascript; charset=utf-8', script)],
    ['/play/assets/external-image.svg', text('image/svg+xml', EXTERNAL_IMAGE_SVG)],
    ['/favicon.svg', text('image/svg+xml', FAVICON_SVG)],
    ['/play/fonts/nanum-gothic-400.ttf', text('font/ttf', regular)],
    ['/play/fonts/nanum-gothic-700.ttf', text('font/ttf', bold)],
    ['/play/fonts/twemoji.woff2', binary('font/woff2', emoji)],
    ['/play/fonts/twemoji-LICENSE.txt', text('text/plain; charset=utf-8', emojiLicence)],
  ]);
}

let assets: Promise<Map<string, Asset>> | undefined;

/** The page's files by URL path, built on first use and shared by every playground in the process. */
export function pageAssets(): Promise<Map<string, Asset>> {
  assets ??= buildAssets().catch((err: unknown) => {
    assets = undefined;
    throw err;
  });
  return assets;
}

/** A round avatar with the first letter of `name` on `colour`. */
export function avatarSvg(name: string, colour: string): string {
  const letter = [...name.trim()][0]?.toUpperCase() ?? '?';
  const safe = letter.replace(/[<>&"']/g, '?');
  const fill = /^#[0-9a-f]{6}$/i.test(colour) ? colour : '#80848e';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 80 80"><circle cx="40" cy="40" r="40" fill="${fill}"/>
<text x="40" y="52" fill="#fff" font-family="sans-serif" font-size="36" font-weight="bold" text-anchor="middle">${safe}</text></svg>`;
}
