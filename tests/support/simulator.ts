import { startSimulator, type Simulator, type SimulatorOptions } from '@kiss-scene-bot/discord-simulator';
import { afterEach } from 'vitest';

/** Each simulator a test file started, with how many schema violations were already reported. */
const watched = new Map<Simulator, number>();

/**
 * Starts the local Discord for a test file. Every request body the bot sends is checked against
 * Discord's OpenAPI description; a body that does not match fails the test during which it was sent.
 */
export async function startCheckedSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator(options);
  watched.set(sim, 0);
  return sim;
}

afterEach(() => {
  const problems: string[] = [];
  for (const [sim, seen] of watched) {
    for (const v of sim.schemaViolations.slice(seen)) {
      const fields = v.problems.map((p) => `${p.path.join('.') || '(body)'}: ${p.message}`).join('; ');
      problems.push(`${v.method} ${v.route} (${v.operationId}) does not match Discord's schema: ${fields}`);
    }
    watched.set(sim, sim.schemaViolations.length);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
});
