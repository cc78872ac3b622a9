// Test files running side by side choose ports from slices of their own, so one file's server cannot start
// on a port another file chose a moment earlier and has not bound yet.
import { describe, expect, it } from 'vitest';
import { freePort, portRange } from '../support/ports.js';

describe('test ports', () => {
  it('gives each of Vitest workers running at once, and the Vitest process itself, a range no other has', () => {
    const ranges = [undefined, ...Array.from({ length: 11 }, (_, i) => String(i + 1))].map((id) => portRange(id));
    for (const [i, a] of ranges.entries()) {
      expect(a.first).toBeGreaterThanOrEqual(20_000);
      expect(a.last).toBeLessThan(32_768); // below Linux's ephemeral range
      expect(a.last - a.first).toBeGreaterThanOrEqual(500);
      for (const b of ranges.slice(i + 1)) expect(a.last < b.first || b.last < a.first).toBe(true);
    }
  });

  it('says so when a Vitest worker has no slice, rather than sharing one', () => {
    for (const id of ['12', '0', 'x']) expect(() => portRange(id)).toThrow(/slices for workers 1 to 11/);
  });

  it('never hands the same port out twice in one process, even while it is still free', async () => {
    const ports = await Promise.all(Array.from({ length: 300 }, () => freePort()));
    expect(new Set(ports).size).toBe(300);
    const { first, last } = portRange(process.env.VITEST_POOL_ID);
    for (const port of ports) expect(port >= first && port <= last).toBe(true);
  });
});
