import { coupleName, type Catalogue, type Couple } from '../catalogue/catalogue.js';
import type { CoupleSearch } from '../catalogue/search.js';
import { UserError } from '../errors.js';
import { t, type Language } from '../i18n/index.js';
import { MAX_COUPLES, MIN_COUPLES } from './model.js';
import { clip } from './text.js';

/**
 * The `couples` option of `/kiss-poll start`: candidates typed as a list ("Park Bo Gum, Reply 1997,
 * eric-seo-hyun-jin"), each an actor, drama, character or couple id.
 */

/** Longest list we read (Discord allows 6000 characters in a string option). */
export const MAX_COUPLE_LIST_LENGTH = 1000;
const SEPARATOR = /[,;，、\n]+/;
/** Best fuzzy score a name may have to count as a match (0 is perfect); stricter than the story search. */
const MATCH = 0.25;
/** Two couples whose scores differ by less than this match a name equally well. */
const SAME = 0.01;

function splitList(text: string): string[] {
  return text.split(SEPARATOR).map((s) => s.trim());
}

/** The couple one name means, or why it means none or several. */
export function resolveCandidate(search: CoupleSearch, catalogue: Catalogue, name: string): { ok: true; couple: Couple } | { ok: false; reason: 'unknown' | 'ambiguous'; couples: Couple[] } {
  const exact = catalogue.get(name);
  if (exact) return { ok: true, couple: exact };
  const hits = search.search(name, 6).filter((h) => h.score <= MATCH);
  const [best] = hits;
  if (!best) return { ok: false, reason: 'unknown', couples: search.suggest(name, 3) };
  const tied = hits.filter((h) => h.score - best.score < SAME);
  if (tied.length > 1) return { ok: false, reason: 'ambiguous', couples: tied.map((h) => h.couple) };
  return { ok: true, couple: best.couple };
}

/**
 * Reads a typed list into distinct couple ids, in the order given. A name matching nothing, or
 * several couples equally, or too few or too many couples, is a UserError that names the problem.
 */
export function parseCoupleList(text: string, search: CoupleSearch, catalogue: Catalogue, lang: Language): string[] {
  const names = splitList(text.slice(0, MAX_COUPLE_LIST_LENGTH)).filter(Boolean);
  const ids: string[] = [];
  for (const name of names) {
    const found = resolveCandidate(search, catalogue, name);
    if (!found.ok) {
      const listed = found.couples.map((c) => `**${coupleName(c, lang)}**`).join(', ');
      const shown = clip(name, 60).replace(/[*_`~|\\]/g, '\\$&');
      if (found.reason === 'ambiguous') throw new UserError('poll.errors.ambiguousCouple', { name: shown, options: listed });
      throw new UserError('poll.errors.unknownCouple', { name: shown, suggestions: listed });
    }
    if (!ids.includes(found.couple.id)) ids.push(found.couple.id);
  }
  if (ids.length < MIN_COUPLES) throw new UserError('poll.errors.tooFewCouples', { count: MIN_COUPLES });
  if (ids.length > MAX_COUPLES) throw new UserError('poll.errors.tooManyCouples', { count: MAX_COUPLES });
  return ids;
}

/** Discord shows at most 25 autocomplete choices. */
const CHOICES_MAX = 25;

export interface Choice {
  name: string;
  value: string;
}

/**
 * Autocomplete for the list: the names already typed stay (resolved ones as couple ids), and the
 * last one is completed with the best matches not yet in the list. A choice value holds at most 100
 * characters, so once the list is longer than that, members keep typing names themselves.
 */
export function coupleListChoices(typed: string, search: CoupleSearch, catalogue: Catalogue, lang: Language): Choice[] {
  const parts = splitList(typed.slice(0, MAX_COUPLE_LIST_LENGTH));
  const last = parts.pop() ?? '';
  const earlier = parts.filter(Boolean).map((name) => {
    const found = resolveCandidate(search, catalogue, name);
    return found.ok ? { token: found.couple.id, label: coupleName(found.couple, lang), id: found.couple.id } : { token: name, label: name, id: undefined };
  });
  const chosen = new Set(earlier.map((e) => e.id).filter(Boolean));
  const choices: Choice[] = [];
  // Enough hits that leaving out the couples already in the list still fills Discord's 25 choices.
  for (const { couple } of search.search(last, CHOICES_MAX + chosen.size)) {
    if (chosen.has(couple.id)) continue;
    const value = [...earlier.map((e) => e.token), couple.id].join(', ');
    if (value.length > 100) continue;
    const drama = lang === 'ko' ? couple.drama.korean : couple.drama.title;
    const plain = `${coupleName(couple, lang)} — ${drama}`;
    // A server's own story is marked as one, as in the other autocompletes.
    const label = couple.own ? t(lang, 'story.ownMarker', { label: plain }) : plain;
    const name = [...earlier.map((e) => e.label), label].join(', ');
    // The end of a long list matters most: the name being completed.
    const chars = [...name];
    choices.push({ name: chars.length <= 100 ? name : `…${chars.slice(-99).join('')}`, value });
  }
  return choices.slice(0, CHOICES_MAX);
}
