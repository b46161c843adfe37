import type { Couple } from '../catalogue/catalogue.js';

/*
 * A quiz question is a story with every name that gives its couple away hidden, in both languages:
 * the actors (romanised, Hangul, their aliases and acting names, their family and given names), the
 * characters (whole, and without a title such as "Crown Prince"), and every title of the drama
 * (English, Korean, alternative titles, aliases, and each part of a title in parts such as
 * "Moon Lovers: Scarlet Heart Ryeo"). Pure: a couple in, terms and text out.
 *
 * The catalogue may give `actors[].aliases` and `drama.aliases` (a larger catalogue does); both are
 * optional and read when present.
 */

/** What a hidden name shows as. */
export const HIDDEN = '▢▢▢';

type Aliased = { readonly aliases?: readonly string[] | undefined };

const HANGUL = /\p{Script=Hangul}/u;
/** A title's parts: "Moon Lovers: Scarlet Heart Ryeo", "달의 연인 – 보보경심 려". */
const TITLE_PARTS = /\s*[:–—|]\s*|\s+-\s+|(?<=[A-Za-z0-9])-(?=\p{Script=Hangul})/u;
/** Particles that may follow a one-syllable Hangul title (궁에서, 궁의). */
const PARTICLES = '에서|으로|은|는|이|가|을|를|의|에|와|과|도|로|만';

function aliasesOf(value: object): readonly string[] {
  const aliases = (value as Aliased).aliases;
  return Array.isArray(aliases) ? aliases.filter((a): a is string => typeof a === 'string') : [];
}

/** The words of a romanised name ("Park Bo Gum": Park, Bo Gum) or a Hangul one (박보검: 보검). */
function nameParts(name: string): string[] {
  const trimmed = name.trim();
  if (HANGUL.test(trimmed)) {
    const words = trimmed.split(/\s+/);
    // "4황자 왕소": the name after a title. A given name alone (보검) is left: too many words contain one.
    return words.length > 1 && [...words.at(-1)!].length >= 2 ? [words.at(-1)!] : [];
  }
  const words = trimmed.split(/\s+/);
  if (words.length < 2) return [];
  // Family name, given name, and (for a titled character, "Crown Prince Lee Yeong") the last two words.
  const parts = [words[0]!, words.slice(1).join(' '), words.slice(-2).join(' ')];
  return parts.filter((p) => p.length >= 2 && !/\d/.test(p));
}

/** Every term that names the couple, longest first (each once, compared without case). */
export function hiddenTerms(couple: Couple): string[] {
  const terms: string[] = [];
  for (const actor of couple.actors) {
    for (const name of [actor.name, actor.hangul, ...aliasesOf(actor)]) terms.push(name, ...nameParts(name));
  }
  for (const character of couple.characters ?? []) {
    for (const name of [character.name, character.hangul ?? '']) if (name) terms.push(name, ...nameParts(name));
  }
  const { drama } = couple;
  // A title may be one letter or syllable ("W", 궁): kept, and matched as a word of its own.
  const titles: string[] = [];
  for (const title of [drama.title, drama.korean, ...drama.altTitles, ...aliasesOf(drama)]) {
    titles.push(title, ...title.split(TITLE_PARTS));
  }
  const seen = new Set<string>();
  const keep = (minLength: number) => (term: string) => [...term].length >= minLength && !seen.has(term.toLowerCase()) && seen.add(term.toLowerCase());
  return [...terms.map((term) => term.trim()).filter(keep(2)), ...titles.map((term) => term.trim()).filter(keep(1))].sort((a, b) => b.length - a.length);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The pattern of one term: spaces and hyphens between its words may differ ("Bo-gum", "BoGum");
 * a romanised term matches whole words only (so "Cha" leaves "chance"), a Hangul one anywhere (a
 * particle follows it: 박보검은).
 */
function termPattern(term: string): string {
  const body = term
    .split(/[\s-]+/)
    .map(escape)
    .join('[\\s\\-]*');
  // One syllable (궁) would be hidden inside other words: only as a word, a particle after it.
  if (HANGUL.test(term) && [...term].length === 1) return `(?<![\\p{L}\\p{N}])${body}(?=(?:${PARTICLES})?(?![\\p{L}\\p{N}]))`;
  // A romanised one ends at a Latin letter or digit, not at Hangul: "IU와", "W에서".
  return HANGUL.test(term) ? body : `(?<![\\p{Script=Latin}\\p{N}])${body}(?![\\p{Script=Latin}\\p{N}])`;
}

/** One regular expression for all of a couple's terms, longest first. */
export function hidingPattern(couple: Couple): RegExp {
  return new RegExp(hiddenTerms(couple).map(termPattern).join('|'), 'giu');
}

/** The text with every name of `couple` replaced by HIDDEN. */
export function hideNames(text: string, couple: Couple): string {
  return text.replace(hidingPattern(couple), HIDDEN);
}
