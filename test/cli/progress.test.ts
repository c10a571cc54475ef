/** The progress printer: each configuration (a variant) starts its own rate window and plain-line clock. */
import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../src/cli/progress.js';
import type { RunEvent } from '../../src/scenario/run/events.js';

function plainStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

const tick = (elapsedMs: number, ok: number): RunEvent => ({
  kind: 'progress',
  elapsedMs,
  totalMs: 30_000,
  scheduled: ok,
  ok,
  failed: 0,
  dropped: 0,
  activeFaults: [],
});

describe('progressPrinter', () => {
  it('announces each variant and restarts the offered rate and the plain-line clock for it', () => {
    const { stream, text } = plainStream();
    const printer = progressPrinter(stream);
    printer({ kind: 'configuration', offeredPerSecond: 40, variant: { index: 0, total: 2, name: 'single' } });
    printer(tick(1000, 40));
    printer(tick(20_000, 800));
    printer({ kind: 'configuration', offeredPerSecond: 10, variant: { index: 1, total: 2, name: 'chain' } });
    printer(tick(1000, 10));
    const lines = text().trimEnd().split('\n');
    expect(lines[0]).toBe('relaybench: variant 1/2: single');
    expect(lines[1]).toMatch(/^ {2}1\/30 s {2}rate 40\.0\/s offered/);
    expect(lines[2]).toMatch(/^ {2}20\/30 s {2}rate 40\.0\/s offered/);
    expect(lines[3]).toBe('relaybench: variant 2/2: chain');
    // Printed although only 1 s has passed on the new variant's clock (the last plain line was at 20 s).
    expect(lines[4]).toMatch(/^ {2}1\/30 s {2}rate 10\.0\/s offered, — achieved/);
    expect(lines).toHaveLength(5);
  });
});
