import { array, httpsUrl, number, object, optional, record, refine, text, type Infer } from '../check.js';

const words = (max: number) => text({ trim: true, min: 1, max });
const bilingual = (max: number) => object({ en: words(max), ko: words(max) }, { strict: true });
const hangul = text({ pattern: [/^[\p{Script=Hangul}\s]+$/u, 'must be written in Hangul'] });

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
      characters: optional(array(object({ actor: words(60), name: words(80) }, { strict: true }), { max: 2 })),
      episode: optional(number({ integer: true, min: 1 })),
      story: object({ en: words(1500), ko: words(1500) }, { strict: true }),
      quotes: array(object({ speaker: words(60), text: words(300), ko: optional(words(300)) }, { strict: true }), { max: 6 }),
      video: object({ search: bilingual(200) }, { strict: true }),
      tags: optional(array(text({ pattern: [/^[a-z-]+$/, 'must be lowercase words joined by dashes'] }), { max: 10 })),
      source: text({ min: 1 }),
    },
    { strict: true },
  ),
  (couple) => {
    const actorNames = new Set(couple.actors.map((a) => a.name));
    const index = couple.characters?.findIndex((c) => !actorNames.has(c.actor)) ?? -1;
    return index < 0 ? undefined : [['characters', index, 'actor'], `"${couple.characters![index]!.actor}" is not one of the couple's actors`];
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
