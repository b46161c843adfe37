import type { Couple } from '../catalogue/catalogue.js';
import type { Random } from '../catalogue/random.js';

/**
 * The candidates of a poll started without the `couples` option. A poll holds at most
 * `MAX_COUPLES` (Discord's rows of buttons), while a server sees the whole catalogue and its own
 * stories (128 and more): the default is a varied set of them, picked at random, and the poll
 * message says how it was picked. Plain data in and out, nothing of Discord.
 */

/** How a poll started without the `couples` option chose its candidates: its message says so. */
export interface DefaultPick {
  /** How many stories the server's catalogue held when the poll started. */
  readonly from: number;
  /**
   * - `all`: every story (the catalogue held no more than a poll does);
   * - `varied`: picked at random, one story per drama (and no actor twice, where the catalogue allows);
   * - `random`: picked at random, but the catalogue has too few dramas for one story per drama.
   */
  readonly how: 'all' | 'varied' | 'random';
  /** How many of the server's own stories were put in first (absent: none); `from` then counts the built-in ones. */
  readonly own?: number | undefined;
}

/**
 * The most candidates of one network, and of one year, as a share of the set (5 of 20, and 3 of
 * 20), so that no network or year crowds the poll while others are left out. Caps, not quotas: a
 * network or year with many stories is held back (with the built-in catalogue, tvN, SBS and 2016
 * usually reach theirs), and the stories of rarer ones come a little more often than pure chance
 * would bring them, none of them in every set.
 */
const NETWORK_SHARE = 1 / 4;
const YEAR_SHARE = 3 / 20;

/** A name as compared: "Park Bo-gum" and "park bo gum" are one actor, "Reply 1997" and "reply 1997" one drama. */
function key(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The names that make two stories the same drama: its title and its Korean title. */
function dramaKeys(couple: Couple): string[] {
  return [...new Set([key(couple.drama.title), key(couple.drama.korean)])].filter(Boolean);
}

/** The names that make two stories share an actor: each actor's romanised and Hangul names. */
function actorKeys(couple: Couple): string[] {
  return [...new Set(couple.actors.flatMap((a) => [key(a.name), key(a.hangul)]))].filter(Boolean);
}

/** Fisher–Yates over a copy, with `random`: the same order for the same sequence. */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Picks the default candidates among `couples` (the server's catalogue, in its order): all of them
 * when there are no more than `max`; otherwise `max` picked at random with `random`, at most one
 * story per drama, no actor in two of them, and no network or year holding more than its share
 * (NETWORK_SHARE, YEAR_SHARE). A rule the catalogue cannot keep while filling the set is let go,
 * the spread first, then actors, then dramas, so the set is `max` long whenever the catalogue has
 * that many stories. The ids come in the catalogue's order.
 */
export function pickDefaultCouples(couples: readonly Couple[], max: number, random: Random): { coupleIds: string[]; pick: DefaultPick } {
  const from = couples.length;
  if (from <= max) return { coupleIds: couples.map((c) => c.id), pick: { from, how: 'all' } };

  const order = shuffled(couples, random);
  const chosen = new Set<Couple>();
  const dramas = new Set<string>();
  const actors = new Set<string>();
  const networks = new Map<string, number>();
  const years = new Map<number, number>();
  const networkCap = Math.max(1, Math.ceil(max * NETWORK_SHARE));
  const yearCap = Math.max(1, Math.ceil(max * YEAR_SHARE));

  const take = (couple: Couple) => {
    chosen.add(couple);
    for (const k of dramaKeys(couple)) dramas.add(k);
    for (const k of actorKeys(couple)) actors.add(k);
    const { network, year } = couple.drama;
    if (network !== undefined) networks.set(network, (networks.get(network) ?? 0) + 1);
    if (year !== undefined) years.set(year, (years.get(year) ?? 0) + 1);
  };
  const newDrama = (couple: Couple) => !dramaKeys(couple).some((k) => dramas.has(k));
  const newActors = (couple: Couple) => !actorKeys(couple).some((k) => actors.has(k));
  const spread = (couple: Couple) => {
    const { network, year } = couple.drama;
    return (network === undefined || (networks.get(network) ?? 0) < networkCap) && (year === undefined || (years.get(year) ?? 0) < yearCap);
  };

  // Each pass walks the same random order, with one rule fewer than the one before.
  const passes: Array<(couple: Couple) => boolean> = [
    (c) => newDrama(c) && newActors(c) && spread(c),
    (c) => newDrama(c) && newActors(c),
    (c) => newDrama(c),
    () => true,
  ];
  for (const allowed of passes) {
    for (const couple of order) {
      if (chosen.size >= max) break;
      if (!chosen.has(couple) && allowed(couple)) take(couple);
    }
  }

  const picked = couples.filter((c) => chosen.has(c));
  const seen = new Set<string>();
  const onePerDrama = picked.every((c) => dramaKeys(c).every((k) => !seen.has(k) && seen.add(k)));
  return { coupleIds: picked.map((c) => c.id), pick: { from, how: onePerDrama ? 'varied' : 'random' } };
}

/**
 * The default candidates of a server's poll: all of its stories when they fit; otherwise the
 * server's own stories first (its newest, when even they do not all fit: a server's own stories are
 * why it added them), then the rest picked from the built-in ones by {@link pickDefaultCouples}.
 */
export function pickDefaultWithOwn(couples: readonly Couple[], max: number, random: Random): { coupleIds: string[]; pick: DefaultPick } {
  if (couples.length <= max) return pickDefaultCouples(couples, max, random);
  const own = couples.filter((c) => c.own !== undefined).slice(-max);
  if (own.length === 0) return pickDefaultCouples(couples, max, random);
  const rest = pickDefaultCouples(
    couples.filter((c) => c.own === undefined),
    max - own.length,
    random,
  );
  return { coupleIds: [...rest.coupleIds, ...own.map((c) => c.id)], pick: { ...rest.pick, own: own.length } };
}
