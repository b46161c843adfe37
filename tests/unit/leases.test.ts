import { describe, expect, it } from 'vitest';
import { dropLease, HeldLease, takeLease } from '../../src/store/leases.js';
import { BACKENDS } from '../support/backends.js';

/** Keys unique to this run: the Redis database is shared, and never flushed. */
const run = `leases-test:${process.pid}-${Date.now()}`;
let n = 0;
const fresh = () => `${run}:${++n}`;

describe.each(BACKENDS)('leases on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('go to one holder of many taking at once over two connections; the holder renews, the others learn when it lapses', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        const before = Date.now();
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => takeLease(i % 2 ? a : b, key, `h${i}`, 60_000)));
        expect(claims.filter((c) => c.held)).toHaveLength(1);
        const holder = `h${claims.findIndex((c) => c.held)}`;
        for (const claim of claims) if (!claim.held) expect(claim.expiresAt).toBeGreaterThanOrEqual(before + 59_000);
        expect(await takeLease(b, key, holder, 60_000)).toEqual({ held: true });
        // Another holder's release leaves it alone; the holder's frees it.
        await dropLease(a, key, 'someone-else');
        expect((await takeLease(a, key, 'other', 60_000)).held).toBe(false);
        await dropLease(a, key, holder);
        expect((await takeLease(a, key, 'other', 60_000)).held).toBe(true);
        await a.delete(key);
      } finally {
        await close();
      }
    });

    it('lapse when not renewed: another holder takes it, and the old holder has lost it', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        expect((await takeLease(a, key, 'dead', 100)).held).toBe(true);
        await new Promise((r) => setTimeout(r, 200));
        expect((await takeLease(b, key, 'next', 60_000)).held).toBe(true);
        expect((await takeLease(a, key, 'dead', 100)).held).toBe(false);
        await a.delete(key);
      } finally {
        await close();
      }
    });

    it('held while working: renewed past its expiry, confirmed before the visible step, given up at the end', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        const ops = (holder: string) => ({ take: () => takeLease(a, key, holder, 500), drop: () => dropLease(a, key, holder) });
        const lease = await HeldLease.take(ops('worker'), { renewMs: 50 });
        expect(lease.held).toBe(true);
        if (!(lease instanceof HeldLease)) throw new Error('not held');
        // Three expiries long: still held, thanks to the renewals.
        await new Promise((r) => setTimeout(r, 1_100));
        expect((await takeLease(b, key, 'other', 60_000)).held).toBe(false);
        expect(await lease.confirm()).toBe(true);
        await lease.release();
        expect((await takeLease(b, key, 'other', 60_000)).held).toBe(true);
        await a.delete(key);
      } finally {
        await close();
      }
    });

    it('a holder that stalled past its lease, taken over by another, finds out at its confirmation', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        // Renewed far less often than it lapses: as a process frozen past its lease.
        const lease = await HeldLease.take({ take: () => takeLease(a, key, 'stalled', 100), drop: () => dropLease(a, key, 'stalled') }, { renewMs: 60_000 });
        if (!(lease instanceof HeldLease)) throw new Error('not held');
        await new Promise((r) => setTimeout(r, 200));
        expect((await takeLease(b, key, 'other', 60_000)).held).toBe(true);
        expect(await lease.confirm()).toBe(false);
        // Releasing a lost lease leaves the new holder's alone.
        await lease.release();
        expect((await takeLease(b, key, 'third', 60_000)).held).toBe(false);
        await a.delete(key);
      } finally {
        await close();
      }
    });
  });
});
