import { array, httpsUrl, number, object, oneOf, optional, record, refine, text, type Infer } from '../check.js';

const words = (max: number) => text({ trim: true, min: 1, max });
const bilingual = (max: number) => object({ en: words(max), ko: words(max) }, { strict: true });
const hangul = text({ pattern: [/^[\p{Script=Hangul}\s]+$/u, 'must be written in Hangul'] });
/** A Korean label: Hangul, with digits and spaces ("4황자 왕소"). */
const korean = (max: number) =>
  text({ trim: true, min: 1, max, pattern: [/^(?=.*\p{Script=Hangul})[\p{Script=Hangul}\d\s·]+$/u, 'must be written in Hangul (digits and spaces allowed)'] });

export const actorSchema = object({ name: words(60), hangul }, { strict: true });

export const coupleSchema = refine(
  object(
    {
      id: text({ max: 60, pattern: [/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lowercase slug such as park-bo-gum-kim-yoo-jung'] }),
      actors: array(actorSchema, { length: 2 }),
      drama: object(
        {
          title: words(80),
          altTitles: array(words(80), { max: 5 }),
          korean: words(80),
          network: words(20),
          year: number({ integer: true, min: 1990, max: 2100 }),
        },
        { strict: true },
      ),
      // `hangul`: the character's Korean name, shown to Korean members (the romanised `name` otherwise).
      characters: optional(array(object({ actor: words(60), name: words(80), hangul: optional(korean(40)) }, { strict: true }), { max: 2 })),
      episode: optional(number({ integer: true, min: 1 })),
      story: object({ en: words(1500), ko: words(1500) }, { strict: true }),
      quotes: array(
        object(
          {
            /** An actor's name, or who else spoke ("Director"), then with `speakerKo`. */
            speaker: words(60),
            /** The speaker in Korean, when the speaker is not one of the couple's actors (their Hangul name is used). */
            speakerKo: optional(korean(30)),
            /** The line as the source printed it, verbatim. */
            text: words(300),
            /**
             * The line in Korean: the speaker's own words as Korean media reported them (`reported`),
             * or our translation of the English line (`translation`, shown marked as one).
             */
            ko: optional(object({ text: words(300), kind: oneOf(['reported', 'translation'] as const) }, { strict: true })),
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
    url: httpsUrl(),
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

export type Couple = Infer<typeof coupleSchema>;
export type Source = Infer<typeof sourceSchema>;
