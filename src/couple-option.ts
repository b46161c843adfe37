import {
  ApplicationCommandOptionType,
  type APIApplicationCommandOptionChoice,
  type AutocompleteInteraction,
  escapeMarkdown,
} from 'discord.js';
import { coupleName, type Couple } from './catalogue/catalogue.js';
import type { CoupleSearch } from './catalogue/search.js';
import type { AppContext } from './context.js';
import { UserError } from './errors.js';
import { languageOf, nameAndDescription, t, type Language } from './i18n/index.js';

/** Longest value we search for; Discord allows 6000 characters in a string option. */
export const MAX_QUERY_LENGTH = 100;

/**
 * The `couple` option shared by the story and video commands: autocomplete over the catalogue. Kept
 * `as const` (checked where the definitions use it), so `readOptions` knows its name and whether it is required.
 */
export function coupleOption<const Required extends boolean>(feature: 'scene' | 'video', required: Required) {
  return {
    type: ApplicationCommandOptionType.String,
    ...nameAndDescription('couple', `${feature}.command.couple`),
    required,
    autocomplete: true,
    max_length: MAX_QUERY_LENGTH,
  } as const;
}

/** Discord's longest choice name. */
const CHOICE_NAME_MAX = 100;

/**
 * "Hyun Bin & Son Ye Jin — Crash Landing on You (2019, ep 7)": the pair, the drama, its year and
 * the kiss's episode when known, so two stories of one pair (two dramas, or two kisses of one)
 * read apart. Within Discord's 100 characters: the drama's title is shortened first, so the names,
 * the year and the episode stay whole. A server's own story is marked as one first ("Server story
 * · …"), so the mark is never cut off.
 */
export function choiceLabel(couple: Couple, lang: Language): string {
  const cache = labels[lang];
  let label = cache.get(couple);
  if (label === undefined) {
    label = buildLabel(couple, lang);
    cache.set(couple, label);
  }
  return label;
}

/** Labels made so far, per language: a story's label never changes, and an autocomplete shows 25. */
const labels: Record<Language, WeakMap<Couple, string>> = { en: new WeakMap(), ko: new WeakMap() };

function buildLabel(couple: Couple, lang: Language): string {
  const korean = (couple.drama as { readonly korean?: string | undefined }).korean;
  const drama = lang === 'ko' && korean ? korean : couple.drama.title;
  const details = [couple.drama.year, couple.episode === undefined ? undefined : t(lang, 'scene.autocompleteEpisode', { episode: couple.episode })].filter((d) => d !== undefined);
  const build = (title: string) => {
    const vars = { couple: coupleName(couple, lang), drama: title };
    const label = details.length ? t(lang, 'scene.autocompleteLabel', { ...vars, details: details.join(', ') }) : t(lang, 'scene.autocompleteLabelNoDetails', vars);
    return couple.own ? t(lang, 'story.ownMarker', { label }) : label;
  };
  const full = build(drama);
  if (full.length <= CHOICE_NAME_MAX) return full;
  const keep = drama.length - (full.length - CHOICE_NAME_MAX) - 1;
  const shortened = keep >= 8 ? build(`${drama.slice(0, keep).trimEnd()}…`) : full;
  return shortened.length <= CHOICE_NAME_MAX ? shortened : `${shortened.slice(0, CHOICE_NAME_MAX - 1)}…`;
}

/** Autocomplete choices for what the member has typed so far: best match first, at most 25, no two named alike. */
export function coupleChoices(search: CoupleSearch, typed: string, locale: string): APIApplicationCommandOptionChoice<string>[] {
  const lang = languageOf(locale);
  const seen = new Map<string, number>();
  return search.search(typed.slice(0, MAX_QUERY_LENGTH), 25).map(({ couple }) => {
    let name = choiceLabel(couple, lang);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    if (count > 1) name = `${name.slice(0, CHOICE_NAME_MAX - 4)} #${count}`;
    return { name, value: couple.id };
  });
}

/** Autocomplete over the couples the member's server sees (its own stories marked as such). */
export async function respondWithCouples(interaction: AutocompleteInteraction, ctx: AppContext): Promise<void> {
  const { search } = await ctx.couples.forGuild(interaction.guildId);
  await interaction.respond(coupleChoices(search, String(interaction.options.getFocused()), interaction.locale));
}

/**
 * The couple a submitted value names (an id picked from autocomplete, or free text). A value that
 * matches nothing is a user mistake answered with the closest names.
 */
export function resolveCouple(search: CoupleSearch, value: string, locale: string): Couple {
  const found = search.resolve(value);
  if (found) return found;
  const lang = languageOf(locale);
  const suggestions = search.suggest(value, 3).map((c) => `**${coupleName(c, lang)}**`).join(', ');
  throw new UserError('scene.noMatch', { query: escapeMarkdown(value.slice(0, MAX_QUERY_LENGTH)), suggestions });
}
