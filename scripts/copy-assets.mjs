// Part of `npm run build`: the JSON the compiled code reads at run time (translations, catalogue).
import { cpSync } from 'node:fs';

for (const lang of ['en', 'ko']) cpSync(`src/i18n/${lang}`, `dist/src/i18n/${lang}`, { recursive: true });
cpSync('data/stories', 'dist/data/stories', { recursive: true });
