import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Translations. Each feature keeps its strings in `src/i18n/<lang>/<feature>.json`; a key is
 * `<feature>.<path>` (for example `scene.anotherStory`). Replies follow the member's Discord locale:
 * Korean for `ko`, English for everything else. A string may hold `{{name}}` placeholders, filled
 * from the variables passed (a placeholder left unfilled is a bug: `t` throws). A counted phrase is a
 * group of plural forms named by the language's plural categories (`one`, `other`, …): `t` picks the
 * form with `Intl.PluralRules` from the `count` variable ("1 story", "2 stories", "이야기 2개"). That
 * is all the strings need, so no i18n library is loaded: a lookup in a flat map per language, built
 * once.
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

/** The plural categories a counted phrase's forms are named after (CLDR's); `other` is required. */
export const PLURAL_CATEGORIES: readonly Intl.LDMLPluralRule[] = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** Whether a resource node is a counted phrase: only plural categories as keys, `other` among them. */
function isPluralGroup(node: Tree): boolean {
  const keys = Object.keys(node);
  return Object.hasOwn(node, 'other') && keys.every((k) => (PLURAL_CATEGORIES as readonly string[]).includes(k) && typeof node[k] === 'string');
}

/** The keys of every counted phrase, per language (`poll.votes`, `story.imported`, …). */
function pluralGroups(tree: Tree, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPluralGroup(v)) out.add(key);
    else pluralGroups(v, key, out);
  }
  return out;
}

const plurals: Readonly<Record<Language, ReadonlySet<string>>> = {
  en: pluralGroups(resources.en),
  ko: pluralGroups(resources.ko),
};

const pluralRules: Readonly<Record<Language, Intl.PluralRules>> = {
  en: new Intl.PluralRules('en'),
  ko: new Intl.PluralRules('ko'),
};

/** The keys of every counted phrase in `lang`, for tests. */
export function countedPhrases(lang: Language): ReadonlySet<string> {
  return plurals[lang];
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Maps a Discord locale (`en-US`, `ko`, …) to one of our languages. */
export function languageOf(locale: string | null | undefined): Language {
  return locale?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/**
 * The text of `key` in `lng`; for a counted phrase, the form the language's plural rules pick for
 * `vars.count` (`other` when the language has no form of its own for that category).
 */
function lookup(lng: Language, key: TranslationKey, vars: TranslationVars | undefined): string | undefined {
  if (!plurals[lng].has(key)) return strings[lng].get(key);
  const count = vars && Object.hasOwn(vars, 'count') ? vars.count : undefined;
  if (typeof count !== 'number') throw new Error(`Missing count for the counted phrase ${key} (${lng})`);
  return strings[lng].get(`${key}.${pluralRules[lng].select(count)}`) ?? strings[lng].get(`${key}.other`);
}

/**
 * Translates `key` for a Discord locale. A missing key is a bug: it throws rather than show a raw
 * key. A counted phrase takes its form from `vars.count` (a number).
 */
export function t(locale: string | null | undefined, key: TranslationKey, vars?: TranslationVars): string {
  const lng = languageOf(locale);
  const text = lookup(lng, key, vars);
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
  return strings.en.has(key) || plurals.en.has(key);
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
