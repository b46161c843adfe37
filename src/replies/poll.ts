import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import { coupleName, type Catalogue, type Couple } from '../catalogue/catalogue.js';
import { t, type Language } from '../i18n/index.js';
import { pollCustomId } from '../polls/custom-ids.js';
import { rankLeaderboard, type Leaderboard } from '../polls/leaderboard.js';
import type { DefaultPick } from '../polls/default-pick.js';
import type { Poll } from '../polls/model.js';
import type { OutgoingFile, PollMessagePayload } from '../polls/publisher.js';
import type { Tally, TallyRow } from '../polls/tally.js';
import { clip, discordTime, durationText, percentText } from '../polls/text.js';
import type { CommandMentions } from '../mentions.js';
import type { Message } from './message.js';

/**
 * Everything the polls show (see message.ts for the convention): the live poll message, the
 * results, a member's private view of the counts, the server's leaderboard and the private answers
 * to `/kiss-poll` and the poll buttons. The public messages use the poll's language (the server's);
 * private ones the member's.
 */

export const POLL_COLOUR = 0xf25c8a;
export const RESULTS_COLOUR = 0xf5b642;
/** Discord's limits: button label 80, embed title 256, description 4096. */
const LABEL_MAX = 80;
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const BUTTONS_PER_ROW = 5;
const LEADERBOARD_SHOWN = 20;

/** The couple's name in `lang`, or its id when it left the catalogue since the poll started. */
export function candidateName(catalogue: Catalogue, coupleId: string, lang: Language): string {
  const couple = catalogue.lookup?.(coupleId) ?? catalogue.get(coupleId);
  return couple ? coupleName(couple, lang) : coupleId;
}

function dramaTitle(couple: Couple | undefined, lang: Language): string | undefined {
  if (!couple) return undefined;
  return lang === 'ko' ? couple.drama.korean : couple.drama.title;
}

/** "Park Bo Gum & Kim Yoo Jung — *Love in the Moonlight*" */
function candidateLine(catalogue: Catalogue, coupleId: string, lang: Language): string {
  const couple = catalogue.lookup?.(coupleId) ?? catalogue.get(coupleId);
  const drama = dramaTitle(couple, lang);
  const name = clip(candidateName(catalogue, coupleId, lang), 70);
  return drama ? `**${name}** — *${clip(drama, 60)}*` : `**${name}**`;
}

/** A ten-step text bar: "▰▰▰▱▱▱▱▱▱▱". */
export function textBar(percent: number, width = 10): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

function countLine(lang: Language, row: TallyRow): string {
  return `\`${textBar(row.percent)}\` ${t(lang, 'poll.votes', { count: row.votes })} · ${percentText(row.percent)}%`;
}

/** The poll's question, or the translated default. */
export function questionText(poll: Poll, lang: Language = poll.lang): string {
  return poll.question ?? t(lang, 'poll.defaultQuestion');
}

/** https://discord.com/channels/<guild>/<channel>/<message> */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** The name of the results chart file, which the results embed shows. */
export function chartFileName(poll: Pick<Poll, 'id'>): string {
  return `poll-${poll.id}.png`;
}

function joinLines(lines: string[]): string {
  return clip(lines.join('\n'), DESCRIPTION_MAX);
}

/** Buttons: up to 20 couples in rows of five, then Withdraw, My vote & counts, Close. */
export function pollButtons(poll: Poll, catalogue: Catalogue): APIActionRowComponent<APIButtonComponent>[] {
  const lang = poll.lang;
  const coupleButtons: APIButtonComponent[] = poll.coupleIds.map((coupleId, index) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Primary,
    label: clip(`${index + 1}. ${candidateName(catalogue, coupleId, lang)}`, LABEL_MAX),
    custom_id: pollCustomId({ action: 'vote', pollId: poll.id, index }),
  }));
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < coupleButtons.length; i += BUTTONS_PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: coupleButtons.slice(i, i + BUTTONS_PER_ROW) });
  }
  const control = (action: 'withdraw' | 'results' | 'close', style: ButtonStyle.Secondary | ButtonStyle.Danger, emoji: string): APIButtonComponent => ({
    type: ComponentType.Button,
    style,
    label: t(lang, `poll.message.${action}`),
    custom_id: pollCustomId({ action, pollId: poll.id }),
    emoji: { name: emoji },
  });
  rows.push({
    type: ComponentType.ActionRow,
    components: [control('withdraw', ButtonStyle.Secondary, '↩️'), control('results', ButtonStyle.Secondary, '📊'), control('close', ButtonStyle.Danger, '🔒')],
  });
  return rows;
}

/**
 * How a poll started without candidates got its own: "🎲 20 stories picked at random from 128, one
 * per drama." Nothing for a record this version cannot read (a later version's, say).
 */
export function pickedLine(pick: DefaultPick, count: number, lang: Language): string | undefined {
  switch (pick.how) {
    case 'all':
      return t(lang, 'poll.message.picked.all', { count });
    case 'varied':
    case 'random': {
      if (typeof pick.from !== 'number') return undefined;
      const own = typeof pick.own === 'number' && pick.own > 0 ? pick.own : 0;
      if (own === 0) return t(lang, `poll.message.picked.${pick.how}`, { count, from: pick.from });
      if (own >= count) return t(lang, 'poll.message.picked.ownOnly', { count });
      return t(lang, `poll.message.picked.withOwn.${pick.how}`, { count: count - own, own, from: pick.from });
    }
    default:
      return undefined;
  }
}

/**
 * The public poll message: who started it and when it closes, how the candidates were picked (a
 * poll started without them), the candidates with their dramas, live counts (unless hidden), buttons.
 */
export function pollMessage(poll: Poll, tally: Tally, catalogue: Catalogue): PollMessagePayload {
  const lang = poll.lang;
  const byId = new Map(tally.rows.map((r) => [r.coupleId, r]));
  const lines = [t(lang, 'poll.message.startedBy', { user: poll.starterId, closes: discordTime(poll.closesAt) })];
  const picked = poll.defaultPick && pickedLine(poll.defaultPick, poll.coupleIds.length, lang);
  if (picked) lines.push(picked);
  lines.push('');
  poll.coupleIds.forEach((coupleId, index) => {
    lines.push(`**${index + 1}.** ${candidateLine(catalogue, coupleId, lang)}`);
    const row = byId.get(coupleId);
    if (!poll.hideCounts && row) lines.push(countLine(lang, row));
  });
  lines.push('', poll.hideCounts ? t(lang, 'poll.message.hidden') : t(lang, 'poll.voters', { count: tally.totalVoters }), t(lang, 'poll.message.howTo'));
  const embed: APIEmbed = {
    color: POLL_COLOUR,
    author: { name: t(lang, 'poll.message.author') },
    title: clip(`💋 ${questionText(poll)}`, TITLE_MAX),
    description: joinLines(lines),
    footer: { text: t(lang, 'poll.message.footer', { id: poll.id }) },
    timestamp: new Date(poll.closesAt).toISOString(),
  };
  return { embeds: [embed], components: pollButtons(poll, catalogue) };
}

/** Rows from most to fewest votes; equal counts keep the poll's order. */
export function rankedRows(tally: Tally): TallyRow[] {
  return [...tally.rows].sort((a, b) => b.votes - a.votes);
}

/** The winner line: one favourite, a tie, or nobody voted. */
export function winnerLine(tally: Tally, catalogue: Catalogue, lang: Language): string {
  const best = tally.rows.find((r) => r.coupleId === tally.winners[0]);
  if (!best) return t(lang, 'poll.results.noVotes');
  const votes = t(lang, 'poll.votes', { count: best.votes });
  const percent = percentText(best.percent);
  if (tally.winners.length === 1) return t(lang, 'poll.results.winner', { couple: candidateName(catalogue, best.coupleId, lang), votes, percent });
  const couples = tally.winners.map((id) => `**${candidateName(catalogue, id, lang)}**`).join(', ');
  return t(lang, 'poll.results.tie', { couples, votes, percent });
}

/**
 * The couples that got votes, ranked ("**1.** … · 3 votes · 75%"; equal counts share a rank), then
 * the couples with none folded into one line ("8 more with no votes"). Nothing when nobody voted:
 * the winner line says so.
 */
function standingLines(tally: Tally, catalogue: Catalogue, lang: Language): string[] {
  const ranked = rankedRows(tally);
  const voted = ranked.filter((row) => row.votes > 0);
  if (voted.length === 0) return [];
  let rank = 0;
  let previous: number | undefined;
  const lines = voted.map((row, i) => {
    if (row.votes !== previous) rank = i + 1;
    previous = row.votes;
    return `**${rank}.** ${candidateLine(catalogue, row.coupleId, lang)} · ${t(lang, 'poll.votes', { count: row.votes })} · ${percentText(row.percent)}%`;
  });
  const unvoted = ranked.length - voted.length;
  if (unvoted > 0) lines.push(`*${t(lang, 'poll.results.noVotesRest', { count: unvoted })}*`);
  return lines;
}

/** The winner line, then the standings under it (when anybody voted). */
function resultLines(tally: Tally, catalogue: Catalogue, lang: Language): string[] {
  const standings = standingLines(tally, catalogue, lang);
  return standings.length ? [winnerLine(tally, catalogue, lang), '', ...standings] : [winnerLine(tally, catalogue, lang)];
}

/**
 * The results that replace the poll message: winner(s) with ties, the votes and share of every
 * couple that got any (the others counted in one line), the number of voters, how the poll closed,
 * and the bar chart when one was rendered.
 */
export function resultsMessage(poll: Poll, tally: Tally, catalogue: Catalogue, chart?: OutgoingFile): PollMessagePayload {
  const lang = poll.lang;
  const when = discordTime(poll.closedAt ?? poll.closesAt, 'f');
  const closed =
    poll.closeReason === 'manual' && poll.closedBy
      ? t(lang, 'poll.results.closedBy', { user: poll.closedBy, when })
      : t(lang, 'poll.results.closedAtDeadline', { when });
  const embed: APIEmbed = {
    color: RESULTS_COLOUR,
    author: { name: t(lang, 'poll.results.author') },
    title: clip(`💋 ${questionText(poll)}`, TITLE_MAX),
    description: joinLines(resultLines(tally, catalogue, lang)),
    fields: [
      { name: t(lang, 'poll.results.totalVoters'), value: String(tally.totalVoters), inline: true },
      { name: t(lang, 'poll.results.closed'), value: closed, inline: true },
    ],
    footer: { text: `${t(lang, 'poll.results.author')} · ${poll.id}` },
  };
  if (chart) embed.image = { url: `attachment://${chart.name}` };
  return { embeds: [embed], components: [], files: chart ? [chart] : [] };
}

/**
 * What `/kiss-poll results` and the "My vote & counts" button show one member, privately: the
 * counts of every candidate (unless the open poll hides them) or, once closed, the results as the
 * results message words them; and their own vote.
 */
export function previewMessage(poll: Poll, tally: Tally, catalogue: Catalogue, lang: Language, myVote: string | undefined): Message<'embeds'> {
  const open = poll.status === 'open';
  const question = questionText(poll, lang);
  const lines: string[] = [];
  if (open && poll.hideCounts) {
    lines.push(t(lang, 'poll.preview.hidden'));
  } else {
    if (open) {
      // Every candidate, as on the poll message: a member may still vote for any of them.
      for (const coupleId of poll.coupleIds) {
        const row = tally.rows.find((r) => r.coupleId === coupleId);
        if (row) lines.push(`${candidateLine(catalogue, coupleId, lang)}\n${countLine(lang, row)}`);
      }
    } else {
      lines.push(...resultLines(tally, catalogue, lang));
    }
    lines.push('', t(lang, 'poll.voters', { count: tally.totalVoters }));
  }
  lines.push('', myVote ? t(lang, 'poll.preview.yourVote', { couple: candidateName(catalogue, myVote, lang) }) : t(lang, 'poll.preview.noVote'));
  if (open) lines.push(t(lang, 'poll.preview.closes', { closes: discordTime(poll.closesAt) }));
  return {
    embeds: [
      {
        color: open ? POLL_COLOUR : RESULTS_COLOUR,
        title: clip(t(lang, open ? 'poll.preview.title' : 'poll.preview.closedTitle', { question }), TITLE_MAX),
        description: joinLines(lines),
        footer: { text: poll.id },
      },
    ],
  };
}

/** The server's all-time favourites: most wins, then most votes, top 20. */
export function leaderboardMessage(board: Leaderboard, catalogue: Catalogue, lang: Language, mentions: Pick<CommandMentions, 'vars'>): Message<'embeds'> {
  const rows = rankLeaderboard(board).slice(0, LEADERBOARD_SHOWN);
  const lines = rows.map((row) => {
    const detail = t(lang, 'poll.leaderboard.line', {
      wins: t(lang, 'poll.wins', { count: row.wins }),
      votes: t(lang, 'poll.votes', { count: row.votes }),
      polls: t(lang, 'poll.polls', { count: row.polls }),
    });
    return `**${row.rank}.** ${candidateLine(catalogue, row.coupleId, lang)}\n${detail}`;
  });
  const embed: APIEmbed = {
    color: RESULTS_COLOUR,
    title: t(lang, 'poll.leaderboard.title'),
    description: lines.length ? joinLines(lines) : t(lang, 'poll.leaderboard.empty', mentions.vars(lang)),
  };
  if (board.polls > 0) {
    embed.footer = { text: t(lang, 'poll.leaderboard.footer', { polls: t(lang, 'poll.polls', { count: board.polls }), votes: t(lang, 'poll.votes', { count: board.votes }) }) };
  }
  return { embeds: [embed] };
}

/** The private answer to a vote: "You voted for …", "You changed your vote from … to …", "… is already counted". */
export function voteReply(
  receipt: { outcome: 'new' | 'same' | 'changed'; coupleId: string; previous?: string },
  catalogue: Catalogue,
  lang: Language,
): Message<'content'> {
  const couple = candidateName(catalogue, receipt.coupleId, lang);
  if (receipt.outcome === 'changed' && receipt.previous !== undefined) {
    return { content: t(lang, 'poll.reply.changed', { couple, previous: candidateName(catalogue, receipt.previous, lang) }) };
  }
  return { content: t(lang, receipt.outcome === 'same' ? 'poll.reply.same' : 'poll.reply.voted', { couple }) };
}

/** The private answer to "Withdraw my vote". */
export function withdrawReply(
  receipt: { outcome: 'withdrawn'; previous: string } | { outcome: 'none' },
  catalogue: Catalogue,
  lang: Language,
): Message<'content'> {
  if (receipt.outcome === 'none') return { content: t(lang, 'poll.reply.nothingToWithdraw') };
  return { content: t(lang, 'poll.reply.withdrawn', { previous: candidateName(catalogue, receipt.previous, lang) }) };
}

/** The starter's private answer to `/kiss-poll start`: where the poll is, when it closes. */
export function startedReply(
  poll: Pick<Poll, 'guildId' | 'channelId' | 'messageId' | 'closesAt'>,
  durationMs: number,
  lang: Language,
): Message<'content'> {
  const link = poll.messageId ? messageLink(poll.guildId, poll.channelId, poll.messageId) : '';
  return { content: t(lang, 'poll.reply.started', { link, closes: discordTime(poll.closesAt), duration: durationText(lang, durationMs) }) };
}

/** The private answer to closing a poll: closed with its results posted, closed without, or already closed. */
export function closeReply(
  receipt: { outcome: 'closed' | 'already-closed'; poll: Pick<Poll, 'guildId' | 'channelId'>; resultsMessageId?: string | undefined },
  lang: Language,
): Message<'content'> {
  if (receipt.outcome === 'already-closed') return { content: t(lang, 'poll.reply.alreadyClosed') };
  if (!receipt.resultsMessageId) return { content: t(lang, 'poll.reply.closedNoMessage') };
  return { content: t(lang, 'poll.reply.closed', { link: messageLink(receipt.poll.guildId, receipt.poll.channelId, receipt.resultsMessageId) }) };
}
