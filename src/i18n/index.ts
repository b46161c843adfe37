import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Translations. Each feature keeps its strings in `src/i18n/<lang>/<feature>.json`; a key is
 * `<feature>.<path>` (for example `scene.anotherStory`). Replies follow the member's Discord locale:
 * Korean for `ko`, English for everything else. A string may hold `{{name}}` placeholders, filled
 * from the variables passed (a placeholder with no variable stays as written); counted phrases keep
 * `one` and `other` forms (see polls/text.ts). That is all the strings need, so no i18n library is
 * loaded: a lookup in a flat map per language, built once.
 */
export const LANGUAGES = ['en', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];
export type TranslationKey = string;
export type TranslationVars = Record<string, string | number>;

type Tree = { [key: string]: string | Tree };

function loadLanguage(lang: Language): Tree {
  const dir = new URL(`./${lang}/`, import.meta.url);
  const tree: Tree = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    tree[basename(file, '.json')] = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Tree;
  }
  return tree;
}

/** The raw resources, for tests that compare the languages. */
export const resources: Readonly<Record<Language, Tree>> = Object.freeze({
  en: loadLanguage('en'),
  ko: loadLanguage('ko'),
});

/** Every string by its full key, per language. */
const strings: Readonly<Record<Language, ReadonlyMap<string, string>>> = {
  en: flatten(resources.en),
  ko: flatten(resources.ko),
};

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Maps a Discord locale (`en-US`, `ko`, …) to one of our languages. */
export function languageOf(locale: string | null | undefined): Language {
  return locale?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** Translates `key` for a Discord locale. A missing key is a bug: it throws rather than show a raw key. */
export function t(locale: string | null | undefined, key: TranslationKey, vars?: TranslationVars): string {
  const lng = languageOf(locale);
  const text = strings[lng].get(key);
  if (text === undefined) throw new Error(`Missing translation: ${key} (${lng})`);
  if (!text.includes('{{')) return text;
  // A placeholder left unfilled is a bug (a command mention or a count forgotten): fail loudly
  // rather than show a member a sentence with a hole in it.
  return text.replace(PLACEHOLDER, (placeholder, name: string) => {
    if (vars && Object.hasOwn(vars, name)) return String(vars[name] ?? '');
    throw new Error(`Missing translation variable ${placeholder} in "${text}"`);
  });
}

/** Whether `key` has a translation (every language has the same keys: tests/unit/i18n.test.ts). */
export function hasTranslation(key: TranslationKey): boolean {
  return strings.en.has(key);
}

/** Discord `*_localizations` map for a key: every language but English (the default text). */
export function localizations(key: TranslationKey, vars?: TranslationVars): Partial<Record<'ko', string>> {
  return { ko: t('ko', key, vars) };
}

/**
 * `name` and `description` of a command option or subcommand, with their Korean localizations. The
 * English `name` is the identifier the handler reads the option by, so it is written in the command
 * file, never translated; the translations hold `<key>.description` in every language and the
 * localized `<key>.name` in the others.
 */
export function nameAndDescription<const Name extends string>(name: Name, key: TranslationKey) {
  return {
    name,
    name_localizations: localizations(`${key}.name`),
    description: t('en', `${key}.description`),
    description_localizations: localizations(`${key}.description`),
  };
}

/** Flattens a resource tree to `a.b.c` keys, for tests and tooling. */
export function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}
