import { array, CheckError, number, object, optional, refine, text, type Check, type Infer } from '../check.js';
import { actorHangul, actorName, CATALOGUE_ID, dramaTitle, dramaYear, quoteText, sourcePage, speakerName, storyText } from '../catalogue/schema.js';
import { checkVideoUrl } from '../videos.js';

/*
 * A server's own story, as a moderator gives it (the `/kiss-story add` form, or one entry of an
 * imported file) and as it is stored. Built from the built-in catalogue's pieces (catalogue/schema.ts):
 * the same limits and rules, with the parts a moderator may leave out made optional.
 */

/** Most stories one server may keep. */
export const MAX_STORIES = 200;
/** Names of removed stories kept, newest first (a name, never the story). */
export const MAX_REMOVED_NAMES = 500;

/** A filming-video link: only the sites a moderator may pin (videos.ts), the same rule as `/kiss-video-link`. */
export const videoLink: Check<string> = (value) => {
  if (typeof value !== 'string') return text()(value);
  const checked = checkVideoUrl(value);
  if (checked.ok) return checked.url;
  throw videoProblem(checked.reason);
};

function videoProblem(reason: string): CheckError {
  return new CheckError([], `is not a link to a filming video (${reason})`, { code: 'video', detail: reason });
}

/** The fields a moderator writes. */
export const storyFieldsShape = {
  actors: array(object({ name: actorName, hangul: optional(actorHangul) }, { strict: true }), { length: 2 }),
  drama: object({ title: dramaTitle, korean: optional(dramaTitle), year: optional(dramaYear) }, { strict: true }),
  /** English, Korean or both (at least one). */
  story: refine(object({ en: optional(storyText), ko: optional(storyText) }, { strict: true }), (story) =>
    story.en === undefined && story.ko === undefined ? [[], 'needs the story in English or Korean', { code: 'empty' }] : undefined,
  ),
  quote: optional(object({ speaker: speakerName, text: quoteText }, { strict: true })),
  source: sourcePage,
  video: optional(videoLink),
};

/** A story as given: what `add` and each entry of an import are checked with. */
export const storyFieldsSchema = object(storyFieldsShape, { strict: true });
export type StoryFields = Infer<typeof storyFieldsSchema>;

/** Who added (and last edited) a story, and when: shown by `/kiss-story list`, kept in the export. */
const SNOWFLAKE = text({ pattern: [/^\d{17,20}$/, 'must be a Discord id'] });
/** A server story's id: `own.` and 8 characters (a dot never appears in a catalogue id). */
const OWN_STORY_ID = /^own\.[a-z0-9]{8}$/;
const OWN_ID = text({ pattern: [OWN_STORY_ID, 'must be a story id'] });
/** Any couple a feature may name or count: a catalogue couple's id, or a server story's. */
export const coupleId = text({ max: 60, pattern: [new RegExp(`${CATALOGUE_ID.source}|${OWN_STORY_ID.source}`), 'must be a couple id'] });

/** A stored story: the fields, its id and who added it. */
export const ownStorySchema = object(
  {
    id: OWN_ID,
    ...storyFieldsShape,
    addedBy: SNOWFLAKE,
    addedAt: number({ integer: true, min: 0 }),
    editedBy: optional(SNOWFLAKE),
    editedAt: optional(number({ integer: true, min: 0 })),
  },
  { strict: true },
);
export type OwnStory = Infer<typeof ownStorySchema>;

/** What a server keeps: its stories, the names of removed ones (for old polls and the leaderboard) and its contributor role. */
export const storyBookSchema = object(
  {
    stories: array(ownStorySchema, { max: MAX_STORIES }),
    removed: array(object({ id: OWN_ID, actors: array(actorName, { length: 2 }), title: dramaTitle }, { strict: true }), { max: MAX_REMOVED_NAMES }),
    contributorRoleId: optional(SNOWFLAKE),
  },
  { strict: true },
);
export type StoryBook = Infer<typeof storyBookSchema>;

export const EMPTY_BOOK: StoryBook = Object.freeze({ stories: Object.freeze([]) as unknown as OwnStory[], removed: Object.freeze([]) as unknown as StoryBook['removed'] });

/** Whether `id` is shaped like a server story's id. */
export function isOwnStoryId(id: string): boolean {
  return OWN_STORY_ID.test(id);
}
