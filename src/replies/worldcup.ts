import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { CommandMentions } from '../mentions.js';
import { t, type Language } from '../i18n/index.js';
import type { OutgoingFile, PollMessagePayload } from '../polls/publisher.js';
import { sharePercents } from '../polls/tally.js';
import { clip, discordTime, durationText } from '../polls/text.js';
import { champion, choicesToPlay, nextMatch, type Bracket, type Match } from '../worldcup/bracket.js';
import type { Candidate } from '../worldcup/candidates.js';
import { worldCupCustomId, type Side } from '../worldcup/ids.js';
import { candidateById, partRange, roundEntrants, roundParts, type RoundTally, type SoloRun, type Tournament, type TournamentVoteReceipt } from '../worldcup/model.js';
import { coupleRecord, mostWon, rankStats, type WorldCupStats } from '../worldcup/stats.js';
import type { Message } from './message.js';
import { SCENE_COLOUR } from './scene.js';
import { messageLink, textBar } from './poll.js';

/**
 * Everything the Kiss-scene World Cup shows (see message.ts for the convention): a solo run's
 * steps and winner, the shared winner, a server tournament's round messages, their results, the
 * champion with the bracket image, the statistics and the private answers. Public messages of a
 * server tournament use its language (the server's); private ones the member's.
 */


/** "*Love in the Moonlight* (2016)"; a server's own story may give no year. */
function dramaOf(candidate: Candidate, lang: Language): string {
  return candidate.year === undefined ? `*${candidate.drama[lang]}*` : `*${candidate.drama[lang]}* (${candidate.year})`;
}

/** The bot's pink, as on every story. */
export const WORLDCUP_COLOUR = SCENE_COLOUR;
export const CHAMPION_COLOUR = 0xf5b642;
/** Discord's limits: button label 80, embed title 256, field name 256, field value 1024, description 4096. */
const LABEL_MAX = 80;
const TITLE_MAX = 256;
const FIELD_NAME_MAX = 256;
const FIELD_VALUE_MAX = 1024;
const DESCRIPTION_MAX = 4096;
const STATS_SHOWN = 20;

type Buttons = APIActionRowComponent<APIButtonComponent>[];

/**
 * A candidate's name in `lang`, or its id when it is unknown (a story that left the pool). When
 * another of `entrants` bears the same name (one couple in two dramas), its drama follows, so a
 * button, a result or a row of the statistics never names two couples alike: "Lee Dong Wook & Yoo
 * In Na (Goblin)".
 */
export function nameIn(entrants: readonly Candidate[], id: string, lang: Language): string {
  const candidate = candidateById(entrants, id);
  if (!candidate) return id;
  const name = candidate.name[lang];
  return entrants.some((other) => other.id !== id && other.name[lang] === name) ? `${name} (${candidate.drama[lang]})` : name;
}

/** "Quarter-finals" / "8강": the round by how many couples it starts with. */
export function roundName(bracket: Pick<Bracket, 'size'>, round: number, lang: Language): string {
  return t(lang, `worldcup.round.${roundEntrants(bracket, round)}`);
}

/** "5–3", from the winner's side. */
function score(match: Match): string {
  const [va = 0, vb = 0] = match.votes ?? [0, 0];
  return match.winner === match.a ? `${va}–${vb}` : `${vb}–${va}`;
}

function loserOf(match: Match): string | null {
  return match.winner === match.a ? match.b : match.a;
}

/** One side of a solo match, as an inline field (the two sit side by side). */
function card(candidate: Candidate | undefined, id: string, lang: Language, mark: string): NonNullable<APIEmbed['fields']>[number] {
  if (!candidate) return { name: clip(`${mark} ${id}`, FIELD_NAME_MAX), value: '\u200b', inline: true };
  return {
    name: clip(`${mark} ${candidate.name[lang]}`, FIELD_NAME_MAX),
    value: clip(`${dramaOf(candidate, lang)}\n> ${candidate.line[lang]}`, FIELD_VALUE_MAX),
    inline: true,
  };
}

const SIDE_MARK: Record<Side, string> = { a: '🅰', b: '🅱' };

/**
 * A solo run's current step: the round ("8강 · match 2 of 4"), both couples side by side (name,
 * drama, one line of the story) and a button for each. Private to the member.
 */
export function soloStepMessage(run: SoloRun, lang: Language, options: { replaced?: boolean } = {}): Message<'embeds' | 'components'> & { content?: string } {
  const next = nextMatch(run.bracket);
  if (!next) return soloWinnerMessage(run, lang);
  const { round, index, match } = next;
  const matches = run.bracket.rounds[round]!.filter((m) => m.a !== null && m.b !== null).length;
  const played = run.bracket.rounds[round]!.slice(0, index).filter((m) => m.a !== null && m.b !== null).length;
  const a = match.a!;
  const b = match.b!;
  const embed: APIEmbed = {
    color: WORLDCUP_COLOUR,
    author: { name: t(lang, 'worldcup.author') },
    title: clip(t(lang, 'worldcup.solo.title', { round: roundName(run.bracket, round, lang), match: played + 1, matches }), TITLE_MAX),
    description: t(lang, 'worldcup.solo.question'),
    fields: [card(candidateById(run.entrants, a), a, lang, SIDE_MARK.a), card(candidateById(run.entrants, b), b, lang, SIDE_MARK.b)],
    footer: { text: t(lang, 'worldcup.solo.footer', { step: run.step + 1, steps: choicesToPlay(run.bracket) }) },
  };
  const button = (side: Side, id: string): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Primary,
    label: clip(`${SIDE_MARK[side]} ${nameIn(run.entrants, id, lang)}`, LABEL_MAX),
    custom_id: worldCupCustomId({ action: 'pick', runId: run.id, step: run.step, side }),
  });
  return {
    ...(options.replaced ? { content: t(lang, 'worldcup.solo.replaced') } : {}),
    embeds: [embed],
    components: [{ type: ComponentType.ActionRow, components: [button('a', a), button('b', b)] }],
  };
}

/** The champion's matches, round by round, as "8강: beat X" lines. */
function soloPath(run: SoloRun, winner: string, lang: Language): string[] {
  return run.bracket.rounds.flatMap((matches, round) =>
    matches
      .filter((m) => m.winner === winner && m.a !== null && m.b !== null)
      .map((m) => t(lang, 'worldcup.solo.beat', { round: roundName(run.bracket, round, lang), couple: nameIn(run.entrants, loserOf(m)!, lang) })),
  );
}

function winnerEmbed(run: SoloRun, winner: string, lang: Language, author: string): APIEmbed {
  const candidate = candidateById(run.entrants, winner);
  const fields: NonNullable<APIEmbed['fields']> = [];
  const path = soloPath(run, winner, lang);
  if (path.length) fields.push({ name: t(lang, 'worldcup.solo.path'), value: clip(path.join('\n'), FIELD_VALUE_MAX) });
  return {
    color: CHAMPION_COLOUR,
    author: { name: clip(author, FIELD_NAME_MAX) },
    title: clip(`🏆 ${nameIn(run.entrants, winner, lang)}`, TITLE_MAX),
    description: candidate ? clip(`${dramaOf(candidate, lang)}\n> ${candidate.line[lang]}`, DESCRIPTION_MAX) : undefined,
    fields,
  };
}

/** The end of a solo run: the winner, its way to the title, and buttons to share it or play again. */
export function soloWinnerMessage(run: SoloRun, lang: Language): Message<'embeds' | 'components'> {
  const winner = champion(run.bracket);
  if (winner === undefined) throw new Error('soloWinnerMessage: the run is not finished');
  const buttons: APIButtonComponent[] = [];
  if (!run.shared) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Success,
      label: t(lang, 'worldcup.solo.share'),
      custom_id: worldCupCustomId({ action: 'share', runId: run.id }),
      emoji: { name: '📣' },
    });
  }
  buttons.push({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label: t(lang, 'worldcup.solo.again'),
    custom_id: worldCupCustomId({ action: 'again', size: run.bracket.size }),
    emoji: { name: '🔁' },
  });
  return { embeds: [winnerEmbed(run, winner, lang, t(lang, 'worldcup.solo.winnerAuthor'))], components: [{ type: ComponentType.ActionRow, components: buttons }] };
}

/** The public post of a member's winner (the "Share" button), in the server's language. */
export function sharedMessage(run: SoloRun, memberName: string, lang: Language): Message<'embeds'> {
  const winner = champion(run.bracket);
  if (winner === undefined) throw new Error('sharedMessage: the run is not finished');
  const embed = winnerEmbed(run, winner, lang, t(lang, 'worldcup.solo.sharedAuthor', { user: memberName }));
  embed.footer = { text: t(lang, 'worldcup.solo.sharedFooter', { size: run.bracket.size }) };
  return { embeds: [embed] };
}

// ---- Server tournaments ------------------------------------------------------------------------

function coupleLine(t_: Tournament, id: string): string {
  const c = candidateById(t_.entrants, id);
  // The drama follows the name here: the plain name says it all.
  const name = clip(c?.name[t_.lang] ?? id, 70);
  return c ? `**${name}** — *${clip(c.drama[t_.lang], 60)}*` : `**${name}**`;
}

function countLine(lang: Language, votes: number, percent: number): string {
  return `\`${textBar(percent)}\` ${t(lang, 'poll.votes', { count: votes })}`;
}

/** How many matches share a row of buttons: one per row while five rows hold them, else two. */
function matchesPerRow(matches: number): number {
  return Math.ceil(matches / 5);
}

/** A round's matches shown in one of its messages, with their indexes in the round. */
function partMatches(tournament: Pick<Tournament, 'bracket'>, round: number, part: number): Array<{ match: Match; index: number }> {
  const matches = tournament.bracket.rounds[round] ?? [];
  const { from, to } = partRange(matches.length, part);
  return matches.slice(from, to).map((match, i) => ({ match, index: from + i }));
}

/**
 * A pair of buttons per match of one message of the round (a bye has none), grouped into at most
 * five rows: at most `MATCHES_PER_MESSAGE` matches, so at most 16 buttons, four to a row.
 */
export function roundButtons(tournament: Tournament, round: number, part = 0): Buttons {
  const lang = tournament.lang;
  const shown = partMatches(tournament, round, part);
  const perRow = matchesPerRow(shown.length);
  const rows: Buttons = [];
  let row: APIButtonComponent[] = [];
  shown.forEach(({ match, index }, i) => {
    if (match.a !== null && match.b !== null && match.winner === undefined) {
      for (const [side, id] of [['a', match.a], ['b', match.b]] as const) {
        row.push({
          type: ComponentType.Button,
          style: side === 'a' ? ButtonStyle.Primary : ButtonStyle.Danger,
          label: clip(`${index + 1}${side === 'a' ? 'A' : 'B'} · ${nameIn(tournament.entrants, id, lang)}`, LABEL_MAX),
          custom_id: worldCupCustomId({ action: 'vote', tournamentId: tournament.id, round, match: index, side }),
        });
      }
    }
    if ((i + 1) % perRow === 0 || i === shown.length - 1) {
      if (row.length) rows.push({ type: ComponentType.ActionRow, components: row });
      row = [];
    }
  });
  return rows;
}

/** "matches 9–16": the part of a round one of its messages shows (1-based, as the matches are named). */
function partVars(tournament: Pick<Tournament, 'bracket'>, round: number, part: number) {
  const matches = tournament.bracket.rounds[round]?.length ?? 0;
  const { from, to } = partRange(matches, part);
  return { from: from + 1, to, matches, parts: roundParts(matches) };
}

/**
 * The public message of an open round: every match with its two couples (and live counts, unless
 * hidden), when the round closes, and a pair of buttons per match. A round of more than
 * `MATCHES_PER_MESSAGE` matches is shown in several such messages (`part` 0 first), each with its
 * own matches and buttons, all open until the round's one deadline.
 */
export function roundMessage(tournament: Tournament, round: number, tally: RoundTally, part = 0): PollMessagePayload {
  const lang = tournament.lang;
  const state = tournament.rounds[round];
  const closesAt = state?.closesAt ?? tournament.createdAt;
  const vars = partVars(tournament, round, part);
  const lines = [t(lang, 'worldcup.server.startedBy', { user: tournament.starterId, count: tournament.bracket.size, closes: discordTime(closesAt) })];
  if (vars.parts > 1) lines.push(t(lang, 'worldcup.server.parts', { count: vars.parts }));
  for (const { match, index } of partMatches(tournament, round, part)) {
    lines.push('', `__${t(lang, 'worldcup.server.match', { match: index + 1 })}__`);
    if (match.a === null || match.b === null) {
      lines.push(t(lang, 'worldcup.server.bye', { couple: nameIn(tournament.entrants, (match.a ?? match.b)!, lang) }));
      continue;
    }
    const counts = tally.counts[index] ?? [0, 0];
    const percents = sharePercents([counts[0], counts[1]]);
    for (const [i, id] of [match.a, match.b].entries()) {
      lines.push(`${i === 0 ? '🅰' : '🅱'} ${coupleLine(tournament, id)}`);
      if (!tournament.hideCounts) lines.push(countLine(lang, counts[i] ?? 0, percents[i] ?? 0));
    }
  }
  lines.push('', tournament.hideCounts ? t(lang, 'worldcup.server.hidden') : t(lang, 'worldcup.roundVoters', { count: tally.voters }), t(lang, 'worldcup.server.howTo'));
  const name = roundName(tournament.bracket, round, lang);
  const embed: APIEmbed = {
    color: WORLDCUP_COLOUR,
    author: { name: t(lang, 'worldcup.author') },
    title: clip(vars.parts > 1 ? t(lang, 'worldcup.server.partTitle', { ...vars, round: name }) : `💋 ${name}`, TITLE_MAX),
    description: clip(lines.join('\n'), DESCRIPTION_MAX),
    footer: { text: t(lang, 'worldcup.server.footer', { id: tournament.id }) },
    timestamp: new Date(closesAt).toISOString(),
  };
  return { embeds: [embed], components: roundButtons(tournament, round, part) };
}

/** How one decided match ended, in a sentence that says how a tie was broken. */
export function decisionLine(tournament: Tournament, match: Match, lang: Language = tournament.lang): string {
  const winner = match.winner;
  if (winner === undefined) return '';
  const loser = loserOf(match);
  if (loser === null || match.decidedBy === 'bye') return t(lang, 'worldcup.server.bye', { couple: nameIn(tournament.entrants, winner, lang) });
  const vars = { winner: nameIn(tournament.entrants, winner, lang), loser: nameIn(tournament.entrants, loser, lang), score: score(match) };
  const [wa = 0, wb = 0] = match.allTimeWins ?? [0, 0];
  const [mine, theirs] = winner === match.a ? [wa, wb] : [wb, wa];
  switch (match.decidedBy) {
    case 'all-time-wins':
      return t(lang, 'worldcup.server.wonByWins', { ...vars, wins: mine, otherWins: theirs });
    case 'coin-flip':
      return t(lang, 'worldcup.server.wonByCoin', { ...vars, wins: mine });
    default:
      return t(lang, 'worldcup.server.won', vars);
  }
}

/**
 * What replaces a round's message once it closes: each of its matches' winner, and how ties were
 * broken (each message of a big round shows its own matches).
 */
export function roundResultsMessage(tournament: Tournament, round: number, part = 0): PollMessagePayload {
  const lang = tournament.lang;
  const lines: string[] = [];
  for (const { match, index } of partMatches(tournament, round, part)) {
    lines.push(`__${t(lang, 'worldcup.server.match', { match: index + 1 })}__`, decisionLine(tournament, match), '');
  }
  const closedAt = tournament.rounds[round]?.closedAt ?? tournament.rounds[round]?.closesAt ?? tournament.createdAt;
  lines.push(t(lang, 'worldcup.server.closedAt', { when: discordTime(closedAt, 'f') }));
  if (tournament.status === 'running') lines.push(t(lang, 'worldcup.server.nextRound'));
  const vars = partVars(tournament, round, part);
  const name = roundName(tournament.bracket, round, lang);
  const embed: APIEmbed = {
    color: CHAMPION_COLOUR,
    author: { name: t(lang, 'worldcup.author') },
    title: clip(t(lang, vars.parts > 1 ? 'worldcup.server.partResultsTitle' : 'worldcup.server.resultsTitle', { ...vars, round: name }), TITLE_MAX),
    description: clip(lines.join('\n'), DESCRIPTION_MAX),
    footer: { text: `${t(lang, 'worldcup.author')} · ${tournament.id}` },
  };
  return { embeds: [embed], components: [] };
}

/** The champion's way to the title, one line per round, ties explained. */
export function championPath(tournament: Tournament, lang: Language = tournament.lang): string[] {
  const winner = tournament.champion ?? champion(tournament.bracket);
  if (winner === undefined) return [];
  return tournament.bracket.rounds.flatMap((matches, round) =>
    matches
      .filter((m) => m.winner === winner)
      .map((m) => {
        const name = roundName(tournament.bracket, round, lang);
        const loser = loserOf(m);
        if (loser === null || m.decidedBy === 'bye') return t(lang, 'worldcup.server.pathBye', { round: name });
        const key = m.decidedBy === 'all-time-wins' ? 'pathWonByWins' : m.decidedBy === 'coin-flip' ? 'pathWonByCoin' : 'pathWon';
        return t(lang, `worldcup.server.${key}`, { round: name, couple: nameIn(tournament.entrants, loser, lang), score: score(m) });
      }),
  );
}

/** The name of the bracket image file the champion's embed shows. */
export function bracketFileName(tournament: Pick<Tournament, 'id'>): string {
  return `worldcup-${tournament.id}.png`;
}

/** The champion's message: its story line, its way to the title, and the bracket image when one was rendered. */
export function championMessage(tournament: Tournament, image?: OutgoingFile): PollMessagePayload {
  const lang = tournament.lang;
  const winner = tournament.champion ?? champion(tournament.bracket);
  if (winner === undefined) throw new Error('championMessage: the tournament has no champion');
  const candidate = candidateById(tournament.entrants, winner);
  const description = [candidate ? `${dramaOf(candidate, lang)}\n> ${candidate.line[lang]}` : '', '', t(lang, 'worldcup.server.leaderboard')].join('\n').trim();
  const embed: APIEmbed = {
    color: CHAMPION_COLOUR,
    author: { name: t(lang, 'worldcup.server.championAuthor') },
    title: clip(t(lang, 'worldcup.server.championTitle', { couple: nameIn(tournament.entrants, winner, lang) }), TITLE_MAX),
    description: clip(description, DESCRIPTION_MAX),
    fields: [{ name: t(lang, 'worldcup.server.path'), value: clip(championPath(tournament).join('\n') || '—', FIELD_VALUE_MAX) }],
    footer: { text: t(lang, 'worldcup.server.championFooter', { id: tournament.id, count: tournament.bracket.size }) },
  };
  if (image) embed.image = { url: `attachment://${image.name}` };
  return { embeds: [embed], components: [], files: image ? [image] : [] };
}

/** The starter's private answer: where the tournament is, when its first round closes. */
export function tournamentStartedReply(tournament: Tournament, lang: Language): Message<'content'> {
  const first = tournament.rounds[0];
  const link = first?.messageId ? messageLink(tournament.guildId, tournament.channelId, first.messageId) : '';
  return {
    content: t(lang, 'worldcup.server.started', {
      link,
      round: roundName(tournament.bracket, 0, lang),
      closes: discordTime(first?.closesAt ?? tournament.createdAt),
      duration: durationText(lang, tournament.roundMs),
    }),
  };
}

/** The private answer to a vote in a round. */
export function tournamentVoteReply(receipt: TournamentVoteReceipt, tournament: Pick<Tournament, 'entrants' | 'bracket'>, lang: Language): Message<'content'> {
  const couple = nameIn(tournament.entrants, receipt.coupleId, lang);
  const match = receipt.match + 1;
  if (receipt.outcome === 'changed') {
    return { content: t(lang, 'worldcup.server.changed', { match, couple, previous: nameIn(tournament.entrants, receipt.previous, lang) }) };
  }
  if (receipt.outcome === 'same') return { content: t(lang, 'worldcup.server.same', { match, couple }) };
  return { content: t(lang, 'worldcup.server.voted', { match, couple, round: roundName(tournament.bracket, receipt.round, lang) }) };
}

/** The server's statistics: the most-won couple(s), then each couple's titles and head-to-head win rate. */
export function statsMessage(stats: WorldCupStats, nameOf: (coupleId: string) => string, lang: Language, mentions: Pick<CommandMentions, 'vars'>): Message<'embeds'> {
  const rows = rankStats(stats).slice(0, STATS_SHOWN);
  const embed: APIEmbed = { color: CHAMPION_COLOUR, title: t(lang, 'worldcup.stats.title') };
  if (!rows.length) {
    embed.description = t(lang, 'worldcup.stats.empty', mentions.vars(lang));
    return { embeds: [embed] };
  }
  const best = mostWon(stats);
  const bestTitles = t(lang, 'worldcup.titles', { count: best[0] === undefined ? 0 : coupleRecord(stats, best[0]).titles });
  const head =
    best.length === 1
      ? t(lang, 'worldcup.stats.mostWon', { couple: nameOf(best[0]!), titles: bestTitles })
      : best.length > 1
        ? t(lang, 'worldcup.stats.mostWonTie', { couples: best.map((id) => `**${nameOf(id)}**`).join(', '), titles: bestTitles })
        : '';
  const lines = rows.map(
    (row, i) =>
      `**${i + 1}.** ${nameOf(row.coupleId)}\n${t(lang, 'worldcup.stats.line', {
        titles: t(lang, 'worldcup.titles', { count: row.titles }),
        wins: row.wins,
        matches: row.matches,
        rate: row.winRate % 1 === 0 ? String(row.winRate) : row.winRate.toFixed(1),
      })}`,
  );
  embed.description = clip([head, '', ...lines].join('\n').trim(), DESCRIPTION_MAX);
  embed.footer = { text: t(lang, 'worldcup.stats.footer', { runs: t(lang, 'worldcup.runs', { count: stats.runs }), tournaments: t(lang, 'worldcup.tournaments', { count: stats.tournaments }) }) };
  return { embeds: [embed] };
}
