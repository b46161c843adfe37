import type { Poll } from './model.js';

export interface TallyRow {
  readonly coupleId: string;
  readonly votes: number;
  /** Share of the voters, with one decimal (0 when nobody voted). */
  readonly percent: number;
}

export interface Tally {
  /** One row per candidate, in the poll's order. */
  readonly rows: readonly TallyRow[];
  /** Members who have a vote (each member counts once). */
  readonly totalVoters: number;
  /** The couples with the most votes: several on a tie, none when nobody voted. */
  readonly winners: readonly string[];
}

/** Counts a poll's votes. Votes for a couple that is not a candidate (never stored) are ignored. */
export function tallyPoll(poll: Pick<Poll, 'coupleIds' | 'votes'>): Tally {
  const counts = new Map(poll.coupleIds.map((id) => [id, 0]));
  for (const coupleId of Object.values(poll.votes)) {
    const count = counts.get(coupleId);
    if (count !== undefined) counts.set(coupleId, count + 1);
  }
  const votes = [...counts.values()];
  const totalVoters = votes.reduce((a, b) => a + b, 0);
  const percents = sharePercents(votes);
  const rows = [...counts.keys()].map((coupleId, i) => ({ coupleId, votes: votes[i] ?? 0, percent: percents[i] ?? 0 }));
  const best = Math.max(0, ...votes);
  const winners = best > 0 ? rows.filter((r) => r.votes === best).map((r) => r.coupleId) : [];
  return { rows, totalVoters, winners };
}

/**
 * Percentages with one decimal that add up to 100 (largest remainder), except that equal counts
 * always show equal percentages: a tenth that would split a tie is left out, so the sum may then
 * fall just short of 100 (three equal thirds show 33.3 each). All zeros when the counts are zero.
 */
export function sharePercents(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const tenths = counts.map((c) => Math.floor((c * 1000) / total));
  let left = 1000 - tenths.reduce((a, b) => a + b, 0);
  // Candidates for an extra tenth, grouped by count (equal counts get the same share or none).
  const groups = new Map<number, number[]>();
  counts.forEach((c, i) => {
    if ((c * 1000) % total !== 0) groups.set(c, [...(groups.get(c) ?? []), i]);
  });
  const byRemainder = [...groups.entries()].sort(([a], [b]) => ((b * 1000) % total) - ((a * 1000) % total) || b - a);
  for (const [, members] of byRemainder) {
    if (members.length > left) continue;
    for (const i of members) tenths[i] = (tenths[i] ?? 0) + 1;
    left -= members.length;
  }
  return tenths.map((t) => t / 10);
}
