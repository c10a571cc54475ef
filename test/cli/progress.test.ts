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

describe('progress line schedule lag', () => {
  it('shows p99 and max schedule lag of the requests completed in the window', () => {
    const { stream, text } = plainStream();
    const printer = progressPrinter(stream, { offeredPerSecond: 100 });
    for (let i = 0; i < 100; i++) {
      // 99 sent on time (0.2 ms late), one 40 ms late; all completed within the last second.
      const lag = i === 50 ? 40 : 0.2;
      printer.observe({ seq: i, intendedMs: i * 10, sentMs: i * 10 + lag, endMs: i * 10 + 50, outcome: 'ok' });
    }
    printer(tick(1000, 100));
    expect(text()).toMatch(/schedule lag p99 0\.20 ms max 40 ms\n$/);
  });

  it('leaves the lag out before any request completed', () => {
    const { stream, text } = plainStream();
    progressPrinter(stream)(tick(1000, 0));
    expect(text()).not.toContain('schedule lag');
  });
});
