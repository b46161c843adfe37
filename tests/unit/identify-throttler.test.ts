import { describe, expect, it } from 'vitest';
import { SharedIdentifyThrottler, type Claim } from '../../src/identify-throttler.js';

/** A claim over one map, as two processes sharing one store see it; `attempts` counts the asks. */
function sharedClaims(): Claim & { attempts: number } {
  const held = new Map<string, number>();
  const claim = async (key: string, ttlMs: number) => {
    claim.attempts++;
    const until = held.get(key);
    if (until !== undefined && until > Date.now()) return false;
    held.set(key, Date.now() + ttlMs);
    return true;
  };
  claim.attempts = 0;
  return claim;
}

describe('the shared identify throttler', () => {
  it('spaces identifies of one bucket across two processes by the interval', async () => {
    const claim = sharedClaims();
    const options = { maxConcurrency: 1, claim, intervalMs: 300, marginMs: 0, pollMs: 20 };
    const a = new SharedIdentifyThrottler(options);
    const b = new SharedIdentifyThrottler(options);
    const started = Date.now();
    await a.waitForIdentify(0, new AbortController().signal);
    expect(claim.attempts).toBe(1);
    await b.waitForIdentify(1, new AbortController().signal);
    // The second had to ask again until the first one's hold ran out.
    expect(claim.attempts).toBeGreaterThan(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('lets shards of different buckets identify at once', async () => {
    const claim = sharedClaims();
    const options = { maxConcurrency: 2, claim, intervalMs: 10_000, marginMs: 0, pollMs: 20 };
    const a = new SharedIdentifyThrottler(options);
    const b = new SharedIdentifyThrottler(options);
    expect([a.bucketKey(0), b.bucketKey(1), b.bucketKey(2)]).toEqual(['identify:0', 'identify:1', 'identify:0']);
    await Promise.all([a.waitForIdentify(0, new AbortController().signal), b.waitForIdentify(1, new AbortController().signal)]);
    // Each got its own bucket on its first ask: neither waited for the other.
    expect(claim.attempts).toBe(2);
  });

  it('stops waiting when the shard gives up', async () => {
    const claim = sharedClaims();
    const options = { maxConcurrency: 1, claim, intervalMs: 10_000, marginMs: 0, pollMs: 20 };
    await new SharedIdentifyThrottler(options).waitForIdentify(0, new AbortController().signal);
    const controller = new AbortController();
    const waiting = new SharedIdentifyThrottler(options).waitForIdentify(0, controller.signal);
    setTimeout(() => controller.abort(new Error('shard destroyed')), 50);
    await expect(waiting).rejects.toThrow('shard destroyed');
  });
});
