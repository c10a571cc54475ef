/** One-line facts of a run after its tables: slice availability, failures by kind, a broken accounting identity. */
import type { Aggregates } from '../../metrics/aggregate.js';
import { percent } from '../../units.js';

/** Markdown lines (each its own paragraph), in report order; empty facts are left out. */
export function runFactLines(a: Aggregates): string[] {
  const lines: string[] = [];
  if (a.sliceAvailability !== undefined)
    lines.push(`Slice availability (1 s slices at >= 99% success): ${percent(a.sliceAvailability)}`);
  const kinds = Object.entries(a.failedByKind);
  if (kinds.length > 0) lines.push(`Failures by kind: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (!a.accountingHolds)
    lines.push(
      `**Accounting identity violated**: scheduled ${a.scheduled} != ok ${a.ok} + failed ${a.failed} + dropped ${a.dropped}`,
    );
  return lines;
}
