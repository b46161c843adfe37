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

/**
 * "Park Bo Gum & Kim Yoo Jung — Love in the Moonlight (2016)", cut to Discord's 100 characters. A
 * server's own story is marked as one first ("Server story · …"), so the mark is never cut off.
 */
export function choiceLabel(couple: Couple, lang: Language): string {
  const drama = lang === 'ko' ? couple.drama.korean : couple.drama.title;
  const vars = { couple: coupleName(couple, lang), drama };
  const label = couple.drama.year === undefined ? t(lang, 'scene.autocompleteLabelNoYear', vars) : t(lang, 'scene.autocompleteLabel', { ...vars, year: couple.drama.year });
  const marked = couple.own ? t(lang, 'story.ownMarker', { label }) : label;
  return marked.length > 100 ? `${marked.slice(0, 99)}…` : marked;
}

/** Autocomplete choices for what the member has typed so far: best match first, at most 25. */
export function coupleChoices(search: CoupleSearch, typed: string, locale: string): APIApplicationCommandOptionChoice<string>[] {
  const lang = languageOf(locale);
  return search.search(typed.slice(0, MAX_QUERY_LENGTH), 25).map(({ couple }) => ({ name: choiceLabel(couple, lang), value: couple.id }));
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
