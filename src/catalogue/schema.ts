import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
const bilingual = (max: number) => z.strictObject({ en: text(max), ko: text(max) });
const hangul = z.string().regex(/^[\p{Script=Hangul}\s]+$/u, 'must be written in Hangul');
/** A Korean label: Hangul, with digits and spaces ("4황자 왕소"). */
const korean = (max: number) =>
  text(max).regex(/^(?=.*\p{Script=Hangul})[\p{Script=Hangul}\d\s·]+$/u, 'must be written in Hangul (digits and spaces allowed)');

export const actorSchema = z.strictObject({ name: text(60), hangul });

export const coupleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lowercase slug such as park-bo-gum-kim-yoo-jung').max(60),
    actors: z.array(actorSchema).length(2),
    drama: z.strictObject({
      title: text(80),
      altTitles: z.array(text(80)).max(5),
      korean: text(80),
      network: text(20),
      year: z.number().int().min(1990).max(2100),
    }),
    // `hangul`: the character's Korean name, shown to Korean members (the romanised `name` otherwise).
    characters: z.array(z.strictObject({ actor: text(60), name: text(80), hangul: korean(40).optional() })).max(2).optional(),
    episode: z.number().int().positive().optional(),
    story: z.strictObject({ en: text(1500), ko: text(1500) }),
    quotes: z
      .array(
        z.strictObject({
          /** An actor's name, or who else spoke ("Director"), then with `speakerKo`. */
          speaker: text(60),
          /** The speaker in Korean, when the speaker is not one of the couple's actors (their Hangul name is used). */
          speakerKo: korean(30).optional(),
          /** The line as the source printed it, verbatim. */
          text: text(300),
          /**
           * The line in Korean: the speaker's own words as Korean media reported them (`reported`),
           * or our translation of the English line (`translation`, shown marked as one).
           */
          ko: z.strictObject({ text: text(300), kind: z.enum(['reported', 'translation']) }).optional(),
        }),
      )
      .max(6),
    video: z.strictObject({ search: bilingual(200) }),
    tags: z.array(z.string().regex(/^[a-z-]+$/)).max(10).optional(),
    source: z.string().min(1),
  })
  .superRefine((couple, ctx) => {
    const actorNames = new Set(couple.actors.map((a) => a.name));
    couple.characters?.forEach((c, i) => {
      if (!actorNames.has(c.actor)) {
        ctx.addIssue({ code: 'custom', path: ['characters', i, 'actor'], message: `"${c.actor}" is not one of the couple's actors` });
      }
    });
    couple.quotes.forEach((q, i) => {
      if (!actorNames.has(q.speaker) && q.speakerKo === undefined) {
        ctx.addIssue({ code: 'custom', path: ['quotes', i, 'speakerKo'], message: `"${q.speaker}" is not one of the couple's actors: give the speaker in Korean` });
      }
    });
  });

export const sourceSchema = z.strictObject({
  title: text(200),
  publisher: text(80),
  url: z.url({ protocol: /^https$/ }),
  published: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
  note: bilingual(300).optional(),
});

export const catalogueFileSchema = z.strictObject({
  $schema: z.string().optional(),
  sources: z.record(z.string(), sourceSchema),
  couples: z.array(z.unknown()).min(1),
});

export type Couple = z.infer<typeof coupleSchema>;
export type Source = z.infer<typeof sourceSchema>;
