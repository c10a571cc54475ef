/**
 * A fault on a provider that served nothing before it (a fallback, or a primary the relay was not
 * using) has no share to regain: the reports say n/a, never "not within the run".
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { faultWindowsSection } from '../../src/report/markdown.js';
import { recoveryCell } from '../../src/report/tables/configurations.js';

/** 20 req/s for 6 s, all served by `servedBy`, a reset on the primary 2-3 s. */
function run(servedBy: string) {
  const records = Array.from({ length: 120 }, (_, seq): RequestRecord => {
    const intendedMs = seq * 50;
    return { seq, intendedMs, sentMs: intendedMs, endMs: intendedMs + 10, outcome: 'ok', provider: servedBy };
  });
  const window = { provider: 'primary', type: 'reset', atMs: 2000, forMs: 1000, appliedMs: 2000, removedMs: 3000 };
  return aggregate({ records, scheduled: 120, windows: [window], primary: 'primary', durationMs: 6000 });
}

describe('recovery of a provider that served nothing before its fault', () => {
  it('is n/a in the fault windows table and left out of the worst-case recovery', () => {
    const idle = run('fallback');
    expect(idle.windows[0]).toMatchObject({ servedNothingBefore: true, recoveryMs: undefined });
    expect(faultWindowsSection(idle).join('\n')).toMatch(
      /\| reset on primary \|.*\| n\/a \(served nothing before\) \|/,
    );
    expect(recoveryCell(idle)).toBe('n/a');
  });

  it('is timed as before for a provider that served before the fault', () => {
    const busy = run('primary');
    expect(busy.windows[0]!.servedNothingBefore).toBeUndefined();
    expect(busy.windows[0]!.recoveryMs).toBe(0);
    expect(recoveryCell(busy)).toBe('0.00 ms');
  });
});
