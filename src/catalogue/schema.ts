import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
const bilingual = (max: number) => z.strictObject({ en: text(max), ko: text(max) });
const hangul = z.string().regex(/^[\p{Script=Hangul}\s]+$/u, 'must be written in Hangul');

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
    characters: z.array(z.strictObject({ actor: text(60), name: text(80) })).max(2).optional(),
    episode: z.number().int().positive().optional(),
    story: z.strictObject({ en: text(1500), ko: text(1500) }),
    quotes: z.array(z.strictObject({ speaker: text(60), text: text(300), ko: text(300).optional() })).max(6),
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
