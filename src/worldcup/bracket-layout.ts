import { champion, entrantsIn, roundsOf, type Bracket } from './bracket.js';

/*
 * Where everything of the bracket image goes, as plain data (no canvas): a column per round, a box
 * per entrant of each round, the champion at the right, and the lines joining a match to its
 * winner's next box. The champion's way to the title is marked, so the renderer can draw it in
 * gold and a test can check the picture against the bracket.
 *
 * A bracket of 32 or 64 is drawn from its Round of 16 on (the last `IMAGE_ROUNDS` rounds): a first
 * column of 64 names would be a picture taller than a phone screen scales to readable text, and
 * the earlier rounds' results stay in their round messages. So every image has at most 16 names in
 * its first column, the size of a bracket of 16's.
 */

/** How many rounds the image draws at most: the last four (from the Round of 16). */
export const IMAGE_ROUNDS = 4;

/** The first round the image draws: the Round of 16 for a bracket of 32 or 64, else the first. */
export function firstDrawnRound(bracket: Pick<Bracket, 'size'>): number {
  return Math.max(0, roundsOf(bracket.size) - IMAGE_ROUNDS);
}

/** Sizes in CSS pixels (the renderer draws at twice this for sharp text). */
export const LAYOUT = {
  padding: 24,
  titleHeight: 56,
  boxWidth: 300,
  boxHeight: 34,
  /** Vertical pitch of the first round's boxes. */
  slot: 44,
  /** Horizontal gap between columns, where the lines run. */
  gap: 40,
} as const;

export interface LayoutBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** The round this box belongs to, counted in the whole bracket (`rounds` for the champion's box). */
  readonly round: number;
  readonly slot: number;
  /** The entrant shown, or null (a bye, or a round not reached). */
  readonly coupleId: string | null;
  readonly label: string;
  /** The entrant's votes in this match, when it was decided by votes. */
  readonly votes?: number | undefined;
  /** On the champion's way to the title. */
  readonly onPath: boolean;
  /** Lost this match. */
  readonly lost: boolean;
  readonly isChampion: boolean;
}

export interface LayoutLine {
  /** An elbow: from the right edge of a box to the left edge of the next round's box. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly onPath: boolean;
}

export interface BracketLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly LayoutBox[];
  readonly lines: readonly LayoutLine[];
}

/** The entrant at `slot` of round `round`: side a or b of match slot/2. */
function entrantAt(bracket: Bracket, round: number, slot: number): { id: string | null; votes?: number; lost: boolean } {
  const match = bracket.rounds[round]?.[Math.floor(slot / 2)];
  if (!match) return { id: null, lost: false };
  const side = slot % 2 === 0 ? 'a' : 'b';
  const id = match[side];
  const votes = match.votes && match.decidedBy !== 'bye' ? match.votes[slot % 2] : undefined;
  return { id, ...(votes !== undefined ? { votes } : {}), lost: id !== null && match.winner !== undefined && match.winner !== id };
}

/**
 * Lays out a bracket (finished or not) from round `from` on (default: the last `IMAGE_ROUNDS`);
 * `labelOf` names an entrant in the image's language.
 */
export function bracketLayout(bracket: Bracket, labelOf: (coupleId: string) => string, from: number = firstDrawnRound(bracket)): BracketLayout {
  const { padding, titleHeight, boxWidth, boxHeight, slot: pitch, gap } = LAYOUT;
  const rounds = roundsOf(bracket.size);
  const winner = champion(bracket);
  const top = padding + titleHeight;
  const columnX = (round: number) => padding + (round - from) * (boxWidth + gap);
  const firstSlots = entrantsIn(bracket, from);
  /** Centre line of each slot, per round: the first drawn round evenly, later ones between their two feeders. */
  const centres: number[][] = [];
  centres[from] = Array.from({ length: firstSlots }, (_, i) => top + i * pitch + boxHeight / 2);
  for (let r = from + 1; r <= rounds; r++) {
    const previous = centres[r - 1]!;
    centres[r] = Array.from({ length: previous.length / 2 }, (_, i) => (previous[2 * i]! + previous[2 * i + 1]!) / 2);
  }

  const boxes: LayoutBox[] = [];
  const lines: LayoutLine[] = [];
  for (let r = from; r <= rounds; r++) {
    centres[r]!.forEach((centre, slot) => {
      const entrant = r === rounds ? { id: winner ?? null, lost: false } : entrantAt(bracket, r, slot);
      const onPath = winner !== undefined && entrant.id === winner;
      boxes.push({
        x: columnX(r),
        y: centre - boxHeight / 2,
        w: boxWidth,
        h: boxHeight,
        round: r,
        slot,
        coupleId: entrant.id,
        label: entrant.id === null ? '' : labelOf(entrant.id),
        votes: 'votes' in entrant ? entrant.votes : undefined,
        onPath,
        lost: entrant.lost,
        isChampion: r === rounds && winner !== undefined,
      });
      if (r < rounds) {
        // Right edge of this box → halfway across the gap → the next round's box.
        const midX = columnX(r) + boxWidth + gap / 2;
        const next = centres[r + 1]![Math.floor(slot / 2)]!;
        lines.push({
          points: [
            [columnX(r) + boxWidth, centre],
            [midX, centre],
            [midX, next],
            [columnX(r + 1), next],
          ],
          onPath,
        });
      }
    });
  }
  return {
    width: columnX(rounds) + boxWidth + padding,
    height: top + firstSlots * pitch - (pitch - boxHeight) + padding,
    boxes,
    lines,
  };
}
