import { array, number, object, oneOf, optional, record, refine, text, type Check, type Infer } from '../check.js';

/*
 * The rules every story follows, whoever wrote it: the built-in catalogue (data/couples.json) and a
 * server's own stories (src/stories/schema.ts) are checked with these same pieces, so a limit or a
 * rule changes in one place for both.
 */

/** Text limits, in characters. An embed holds 6,000 in all: a story in either language always fits. */
export const LIMITS = Object.freeze({ actorName: 60, actorHangul: 30, title: 80, story: 1500, quote: 300, speaker: 60 });

/** A catalogue couple's id: a lowercase slug. */
export const CATALOGUE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Trimmed text of 1 to `max` characters. */
export const words = (max: number) => text({ trim: true, min: 1, max });
const bilingual = (max: number) => object({ en: words(max), ko: words(max) }, { strict: true });

/** Mentions (<@id>, <@&id>, <#id>, @everyone, @here) and spaces: what a text made only of them holds. */
const MENTIONS = /<(?:@[!&]?|#)\d+>|@everyone|@here|\s+/g;

/** Text that says something: more than mentions and spaces (those alone are refused). */
export function meaningful(check: Check<string>): Check<string> {
  return refine(check, (value) => (/[\p{L}\p{N}]/u.test(value.replace(MENTIONS, '')) ? undefined : [[], 'must say something besides mentions and spaces', { code: 'empty' }]));
}

/** An actor's name in the Latin alphabet ("Park Bo Gum"). */
export const actorName = text({ trim: true, min: 1, max: LIMITS.actorName, pattern: [/\p{Script=Latin}/u, 'must be written in the Latin alphabet (romanised)'] });
/** An actor's name in Hangul ("박보검"). */
export const actorHangul = text({ trim: true, min: 1, max: LIMITS.actorHangul, pattern: [/^[\p{Script=Hangul}\s]+$/u, 'must be written in Hangul'] });
/** A drama's title, in any language. */
export const dramaTitle = words(LIMITS.title);
/** The year a drama aired. */
export const dramaYear = number({ integer: true, min: 1960, max: 2100 });
/** A story, in one language. */
export const storyText = meaningful(words(LIMITS.story));
/** A line someone said, as the source printed it. */
export const quoteText = meaningful(words(LIMITS.quote));
/** Who said a line. */
export const speakerName = words(LIMITS.speaker);

/** A Korean label: Hangul, with digits and spaces ("4황자 왕소"). */
const korean = (max: number) =>
  text({ trim: true, min: 1, max, pattern: [/^(?=.*\p{Script=Hangul})[\p{Script=Hangul}\d\s·]+$/u, 'must be written in Hangul (digits and spaces allowed)'] });

/** File types a link to a page never ends with: a source must be a page a reader can check. */
const NOT_A_PAGE = /\.(?:png|jpe?g|gif|webp|avif|svg|bmp|mp4|mov|webm|mp3|m4a|wav|zip|rar|7z|exe|dmg|apk|bin|iso)$/i;

/**
 * The public page a story comes from: https, on a named host (not an address or a local name),
 * without a user name or password, and not a file such as an image or a download.
 */
export const sourcePage: Check<string> = refine(text({ trim: true, min: 1, max: 512 }), (value) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [[], 'must be a URL', { code: 'notUrl' }];
  }
  if (url.protocol !== 'https:') return [[], 'must be an https URL', { code: 'notHttps' }];
  const host = url.hostname;
  if (url.username || url.password || !host.includes('.') || /^[\d.]+$/.test(host) || host.startsWith('[') || url.port !== '') {
    return [[], 'must be a public web page', { code: 'pattern' }];
  }
  if (NOT_A_PAGE.test(url.pathname)) return [[], 'must be a web page, not a file', { code: 'pattern' }];
  return undefined;
});

export const actorSchema = object({ name: actorName, hangul: actorHangul }, { strict: true });

export const coupleSchema = refine(
  object(
    {
      id: text({ max: 60, pattern: [CATALOGUE_ID, 'must be a lowercase slug such as park-bo-gum-kim-yoo-jung'] }),
      actors: array(actorSchema, { length: 2 }),
      drama: object(
        {
          title: dramaTitle,
          altTitles: array(dramaTitle, { max: 5 }),
          korean: dramaTitle,
          network: words(20),
          year: dramaYear,
        },
        { strict: true },
      ),
      // `hangul`: the character's Korean name, shown to Korean members (the romanised `name` otherwise).
      characters: optional(array(object({ actor: words(60), name: words(80), hangul: optional(korean(40)) }, { strict: true }), { max: 2 })),
      episode: optional(number({ integer: true, min: 1 })),
      story: object({ en: storyText, ko: storyText }, { strict: true }),
      quotes: array(
        object(
          {
            /** An actor's name, or who else spoke ("Director"), then with `speakerKo`. */
            speaker: speakerName,
            /** The speaker in Korean, when the speaker is not one of the couple's actors (their Hangul name is used). */
            speakerKo: optional(korean(30)),
            /** The line as the source printed it, verbatim. */
            text: quoteText,
            /**
             * The line in Korean: the speaker's own words as Korean media reported them (`reported`),
             * or our translation of the English line (`translation`, shown marked as one).
             */
            ko: optional(object({ text: quoteText, kind: oneOf(['reported', 'translation'] as const) }, { strict: true })),
          },
          { strict: true },
        ),
        { max: 6 },
      ),
      video: object({ search: bilingual(200) }, { strict: true }),
      tags: optional(array(text({ pattern: [/^[a-z-]+$/, 'must be lowercase words joined by dashes'] }), { max: 10 })),
      source: text({ min: 1 }),
    },
    { strict: true },
  ),
  (couple) => {
    const actorNames = new Set(couple.actors.map((a) => a.name));
    const index = couple.characters?.findIndex((c) => !actorNames.has(c.actor)) ?? -1;
    if (index >= 0) return [['characters', index, 'actor'], `"${couple.characters![index]!.actor}" is not one of the couple's actors`];
    const quote = couple.quotes.findIndex((q) => !actorNames.has(q.speaker) && q.speakerKo === undefined);
    return quote < 0 ? undefined : [['quotes', quote, 'speakerKo'], `"${couple.quotes[quote]!.speaker}" is not one of the couple's actors: give the speaker in Korean`];
  },
);

export const sourceSchema = object(
  {
    title: words(200),
    publisher: words(80),
    url: sourcePage,
    published: text({ pattern: [/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be a date such as 2017, 2017-05 or 2017-05-23'] }),
    note: optional(bilingual(300)),
  },
  { strict: true },
);

export const catalogueFileSchema = object(
  {
    $schema: optional(text()),
    sources: record(sourceSchema),
    couples: array((value: unknown) => value, { min: 1 }),
  },
  { strict: true },
);

/** A couple as the catalogue file holds it. */
export type CatalogueCouple = Infer<typeof coupleSchema>;

/**
 * Set on a server's own story (src/stories), shown as a couple: whose it is, what the moderator
 * gave, and what the built-in stories have that it may lack.
 */
export interface OwnOrigin {
  readonly guildId: string;
  /** The languages the story was given in; the other language shows it with a one-line note. */
  readonly languages: readonly ('en' | 'ko')[];
  /** The page the story comes from, linked in place of the article's credit. */
  readonly sourceUrl: string;
  /** A filming-video link the moderator gave (an allowed video site). */
  readonly video?: string | undefined;
  readonly addedBy: string;
  readonly addedAt: number;
}

/**
 * A couple as every feature shows it: a catalogue couple, or a server's own story (`own` set). A
 * server's story may have no network or year.
 */
export type Couple = Omit<CatalogueCouple, 'drama'> & {
  readonly drama: Omit<CatalogueCouple['drama'], 'network' | 'year'> & { readonly network?: string | undefined; readonly year?: number | undefined };
  readonly own?: OwnOrigin | undefined;
};
export type Source = Infer<typeof sourceSchema>;
