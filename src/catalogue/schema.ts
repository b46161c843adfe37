import { array, number, object, oneOf, optional, refine, text, type Check, type Infer } from '../check.js';

/*
 * The rules every story follows, whoever wrote it: the built-in catalogue (data/stories/*.json) and a
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

/** Where Korean viewers watched a drama first: the networks and services a story may name. */
export const NETWORKS = [
  'KBS2', 'KBS1', 'MBC', 'SBS', 'tvN', 'JTBC', 'OCN', 'ENA', 'MBN', 'Channel A', 'TV Chosun',
  'Netflix', 'Disney+', 'TVING', 'Coupang Play', 'Wavve', 'iQIYI', 'Viki',
] as const;

/** What a story is like, for picking varied sets. */
export const TAGS = ['shy', 'laughter', 'ng', 'rehearsal', 'teasing', 'professional', 'cold', 'sweet', 'awkward', 'passionate', 'director', 'first-kiss'] as const;

/** A date as a page shows it: a year, a month or a day (2017, 2017-05, 2017-05-23). */
const published = text({ pattern: [/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'must be a date such as 2017, 2017-05 or 2017-05-23'] });

/**
 * A public page a story is told from: who published it, its title and date as the page shows
 * them, its https address, and a note for readers (that the page is gone, say).
 */
export const sourceSchema = object(
  {
    publisher: words(80),
    title: optional(words(300)),
    url: sourcePage,
    published: optional(published),
    note: optional(bilingual(300)),
  },
  { strict: true },
);

/** Other names fans type: acting names, real names, abbreviations. */
const aliases = (max: number) => optional(array(words(max), { min: 1, max: 8 }));

const actorSchema = object({ name: actorName, hangul: optional(actorHangul), aliases: aliases(LIMITS.actorName) }, { strict: true });

/**
 * One story file, `data/stories/<id>.json`: one kiss scene's filming as its sources tell it
 * (docs/catalogue.md). Optional fields are left out when no cited page gives them.
 */
export const storySchema = refine(
  object(
    {
      id: text({ max: 80, pattern: [CATALOGUE_ID, 'must be a lowercase slug such as park-bo-gum-kim-yoo-jung-moonlight'] }),
      actors: array(actorSchema, { length: 2 }),
      drama: object(
        {
          title: dramaTitle,
          korean: optional(dramaTitle),
          /** Other titles and abbreviations ("Answer Me 1997", "응칠"). */
          aliases: aliases(LIMITS.title),
          network: oneOf(NETWORKS),
          year: dramaYear,
        },
        { strict: true },
      ),
      // `hangul`: the character's Korean name, shown to Korean members (the romanised `name` otherwise).
      characters: optional(array(object({ actor: words(60), name: words(80), hangul: optional(korean(40)) }, { strict: true }), { min: 1, max: 2 })),
      episode: optional(number({ integer: true, min: 1, max: 200 })),
      story: object({ en: storyText, ko: storyText }, { strict: true }),
      quotes: optional(
        array(
          object(
            {
              /** An actor's name, or who else spoke ("Director"), then with `speakerKo`. */
              speaker: speakerName,
              /**
               * The speaker in Korean, when the speaker is not one of the couple's actors (their Hangul name
               * is used) and a cited page gives it; without it, Korean readers see `speaker` as written.
               */
              speakerKo: optional(
                text({ trim: true, min: 1, max: 30, pattern: [/^(?=.*\p{Script=Hangul})[\p{Script=Hangul}A-Za-z\d\s·]+$/u, 'must be written in Hangul (Latin letters such as PD, digits and spaces allowed)'] }),
              ),
              /** The line in English: as the source printed it, or (`textKind: translation`) our rendering of the Korean words in `ko`. */
              text: quoteText,
              textKind: optional(oneOf(['translation'] as const)),
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
      ),
      video: object(
        {
          /** The official channel that released the filming clip, when a source names it. */
          channel: optional(bilingual(60)),
          /** Search terms for the clip (no clip address is known unless a source gives one). */
          search: bilingual(200),
        },
        { strict: true },
      ),
      tags: optional(array(oneOf(TAGS), { max: 6 })),
      source: sourceSchema,
      /** More pages, each for a detail the first lacks (the Korean names, say). */
      also: optional(array(sourceSchema, { min: 1, max: 4 })),
    },
    { strict: true },
  ),
  (story) => {
    const actorNames = new Set(story.actors.map((a) => a.name));
    const index = story.characters?.findIndex((c) => !actorNames.has(c.actor)) ?? -1;
    if (index >= 0) return [['characters', index, 'actor'], `"${story.characters![index]!.actor}" is not one of the couple's actors`];
    const quotes = story.quotes ?? [];
    const translated = quotes.findIndex((q) => q.textKind === 'translation' && q.ko?.kind !== 'reported');
    if (translated >= 0) return [['quotes', translated, 'ko'], 'a line whose English is a translation needs the Korean words it translates (kind "reported")'];
    const urls = [story.source, ...(story.also ?? [])].map((s) => s.url);
    const repeated = urls.findIndex((url, i) => urls.indexOf(url) !== i);
    if (repeated > 0) return [['also', repeated - 1, 'url'], 'repeats another source of the story'];
    return undefined;
  },
);

/** A story file as written. */
export type StoryFile = Infer<typeof storySchema>;
export type Source = Infer<typeof sourceSchema>;

type FileActor = StoryFile['actors'][number];

/**
 * A catalogue story as every feature reads it: the file, with the Hangul name and Korean title
 * filled in (the romanised name and the title when a file has none), the drama's other titles
 * under `altTitles` (the file's `drama.aliases`) and `quotes` always a list.
 */
export type CatalogueCouple = Omit<StoryFile, 'actors' | 'drama' | 'quotes'> & {
  actors: Array<Omit<FileActor, 'hangul'> & { hangul: string }>;
  drama: Omit<StoryFile['drama'], 'korean' | 'aliases' | 'network'> & { korean: string; altTitles: string[]; network: string };
  quotes: NonNullable<StoryFile['quotes']>;
};

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
