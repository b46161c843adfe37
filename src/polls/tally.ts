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

/**
 * A poll's vote counts, as stored beside it: constant in size however many members voted, so
 * live counts, results and the leaderboard never read the votes themselves.
 */
export interface VoteCounts {
  /** Votes per candidate, in the poll's order. */
  readonly counts: readonly number[];
  /** Members who have a vote (each member counts once): the sum of `counts`. */
  readonly voters: number;
}

/** The counts of a poll nobody voted in yet. */
export function noVotes(candidates: number): VoteCounts {
  return { counts: Array.from({ length: candidates }, () => 0), voters: 0 };
}

/** Counts members' votes (member id → couple id). Votes for a couple that is not a candidate are ignored. */
export function countVotes(coupleIds: readonly string[], votes: Readonly<Record<string, string>>): VoteCounts {
  const index = new Map(coupleIds.map((id, i) => [id, i]));
  const counts = coupleIds.map(() => 0);
  for (const coupleId of Object.values(votes)) {
    const i = index.get(coupleId);
    if (i !== undefined) counts[i] = (counts[i] ?? 0) + 1;
  }
  return { counts, voters: counts.reduce((a, b) => a + b, 0) };
}

/** The counts after one member's vote went from `from` to `to` (undefined: no vote). */
export function moveVote(counts: VoteCounts, coupleIds: readonly string[], from: string | undefined, to: string | undefined): VoteCounts {
  const next = [...counts.counts];
  const out = from === undefined ? -1 : coupleIds.indexOf(from);
  const into = to === undefined ? -1 : coupleIds.indexOf(to);
  if (out >= 0) next[out] = Math.max(0, (next[out] ?? 0) - 1);
  if (into >= 0) next[into] = (next[into] ?? 0) + 1;
  return { counts: next, voters: next.reduce((a, b) => a + b, 0) };
}

/** The tally of a poll's counts. */
export function tallyCounts(coupleIds: readonly string[], { counts }: VoteCounts): Tally {
  const votes = coupleIds.map((_, i) => counts[i] ?? 0);
  const totalVoters = votes.reduce((a, b) => a + b, 0);
  const percents = sharePercents(votes);
  const rows = coupleIds.map((coupleId, i) => ({ coupleId, votes: votes[i] ?? 0, percent: percents[i] ?? 0 }));
  const best = Math.max(0, ...votes);
  const winners = best > 0 ? rows.filter((r) => r.votes === best).map((r) => r.coupleId) : [];
  return { rows, totalVoters, winners };
}

/** Counts members' votes (member id → couple id) into a tally. Votes for a couple that is not a candidate are ignored. */
export function tallyPoll({ coupleIds, votes }: { coupleIds: readonly string[]; votes: Readonly<Record<string, string>> }): Tally {
  return tallyCounts(coupleIds, countVotes(coupleIds, votes));
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
