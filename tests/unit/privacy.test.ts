/**
 * PRIVACY.md states how long each kind of data is kept. These are the constants the code uses, so
 * the page cannot drift from the code: every row of its table, and every duration it names, must be
 * one of them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_RETENTION_DEFAULT_MS } from '../../src/config.js';
import { CONFIRMATION_TTL_MS, SWEEP_INTERVAL_MS } from '../../src/lifecycle/service.js';
import { LEASE_MS } from '../../src/store/leases.js';
import { POST_CLAIM_TTL_MS } from '../../src/store/daily.js';
import { CLOSED_POLL_TTL_MS } from '../../src/store/polls.js';
import { LAST_SHOWN_TTL_MS } from '../../src/store/scenes.js';
import { DRAFT_TTL_MS } from '../../src/store/stories.js';
import { BALLOT_TTL_MS, FINISHED_TOURNAMENT_TTL_MS } from '../../src/store/worldcup.js';
import { SOLO_EXPIRY_MS } from '../../src/worldcup/model.js';
import { SOLO_KEPT_MS } from '../../src/quiz/model.js';
import { FINISHED_GAME_TTL_MS, MONTH_BOARD_TTL_MS } from '../../src/store/quiz.js';

const page = readFileSync(new URL('../../PRIVACY.md', import.meta.url), 'utf8');

const UNIT_MS: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const DURATION = /\b(\d+|an)\s+(second|minute|hour|day)s?\b/gi;

/** Every duration a text names, in milliseconds ("7 days", "an hour"). */
function durations(text: string): number[] {
  return [...text.matchAll(DURATION)].map((m) => (/^\d+$/.test(m[1]!) ? Number(m[1]) : 1) * UNIT_MS[m[2]!.toLowerCase()]!);
}

/** The rows of the "How long" table: [what, kept for]. */
function retentionTable(): Array<[string, string]> {
  const section = page.split(/^## /m).find((s) => s.startsWith('How long'));
  if (!section) throw new Error('PRIVACY.md has no "How long" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => {
      const [what = '', keptFor = ''] = line.split('|').slice(1, -1).map((cell) => cell.trim());
      return [what, keptFor];
    });
}

/** What each row is about, and the constant its duration must equal (undefined: kept until deleted). */
const EXPECTED: Record<string, number | undefined> = {
  "A member's vote in a poll": CLOSED_POLL_TTL_MS,
  'A finished poll and its counts': CLOSED_POLL_TTL_MS,
  'Who closed a poll (its close claim)': CLOSED_POLL_TTL_MS,
  "A poll's results claim (which bot process posts them)": LEASE_MS,
  "The claim of a day's daily story": POST_CLAIM_TTL_MS,
  'The last story shown in a channel': LAST_SHOWN_TTL_MS,
  'A `/kiss-data delete` confirmation': CONFIRMATION_TTL_MS,
  'A refused `/kiss-story` form (for "Fix it")': DRAFT_TTL_MS,
  "A member's solo World Cup run": SOLO_EXPIRY_MS,
  "A member's votes in a World Cup round": BALLOT_TTL_MS,
  'A finished World Cup tournament and its counts': FINISHED_TOURNAMENT_TTL_MS,
  "A member's last solo quiz game": SOLO_KEPT_MS,
  'A quiz game, its answers and its points': FINISHED_GAME_TTL_MS,
  "A month's quiz leaderboard": MONTH_BOARD_TTL_MS,
  "A removed server's data": DATA_RETENTION_DEFAULT_MS,
  "The poll leaderboard, the World Cup statistics, the quiz leaderboard and members' quiz statistics, the daily story settings, pinned links, the server's own stories": undefined,
};

describe('PRIVACY.md', () => {
  it('has one row per kind of data the code keeps, each stating the duration the code uses', () => {
    const rows = retentionTable();
    expect(rows.map(([what]) => what).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [what, keptFor] of rows) {
      const expected = EXPECTED[what];
      expect(durations(keptFor), `${what}: ${keptFor}`).toEqual(expected === undefined ? [] : [expected]);
    }
  });

  it('names no other duration than the code’s (grace period, sweep, confirmations, TTLs)', () => {
    const known = new Set(Object.values(EXPECTED).filter((ms) => ms !== undefined));
    known.add(SWEEP_INTERVAL_MS);
    const found = durations(page);
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((ms) => !known.has(ms))).toEqual([]);
    // The grace period and the sweep appear in the text as well as in the table.
    expect(found.filter((ms) => ms === DATA_RETENTION_DEFAULT_MS).length).toBeGreaterThanOrEqual(3);
    expect(found).toContain(SWEEP_INTERVAL_MS);
  });

  it('names the command and the setting that control deletion, as the code spells them', async () => {
    const command = (await import('../../commands/kiss-data.js')).default;
    expect(page).toContain(`/${command.data.name} delete`);
    expect(page).toContain(`/${command.data.name} show`);
    expect(command.data.options.map((o) => o.name)).toEqual(['show', 'delete']);
    const config = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');
    expect(config).toContain("'DATA_RETENTION_AFTER_REMOVAL'");
    expect(page).toContain('`DATA_RETENTION_AFTER_REMOVAL`');
  });
});
