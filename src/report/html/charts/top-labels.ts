/**
 * Text labels along the top of a timeline (fault names, recoveries), packed into rows so they do
 * not overlap: vega-lite cannot move a label out of another's way, so each row and alignment is
 * its own layer. Widths are estimated (there is no canvas server-side), generously.
 */
import { CHART_SIZE } from './chart.js';

export interface TopLabel {
  /** Position on the time axis, seconds. */
  x: number;
  text: string;
  color: string;
}

const ROW_PX = 12;
const MAX_ROWS = 3;
/** Estimated width of one character of the 10 px label font, plus a margin per label. */
const CHAR_PX = 6;
const PAD_PX = 8;

/** Layers drawing `labels` over a time axis ending at `endSec`; none when they do not fit in {@link MAX_ROWS} rows. */
export function topLabelLayers(labels: readonly TopLabel[], endSec: number): object[] {
  const rows: Array<Array<[number, number]>> = [];
  const layers = new Map<
    string,
    { row: number; align: 'left' | 'right'; color: string; values: Array<{ x: number; text: string }> }
  >();
  for (const label of [...labels].sort((p, q) => p.x - q.x)) {
    const px = endSec > 0 ? (label.x / endSec) * CHART_SIZE.width : 0;
    const width = label.text.length * CHAR_PX + PAD_PX;
    // A label that would run past the plot's right edge (into the legend) ends at its x instead.
    const align = px + width > CHART_SIZE.width ? 'right' : 'left';
    const span: [number, number] = align === 'left' ? [px, px + width] : [px - width, px];
    let row = rows.findIndex((taken) => taken.every(([start, end]) => span[1] <= start || span[0] >= end));
    if (row === -1) row = rows.push([]) - 1;
    if (row >= MAX_ROWS) return [];
    rows[row]!.push(span);
    const key = `${row}/${align}/${label.color}`;
    if (!layers.has(key)) layers.set(key, { row, align, color: label.color, values: [] });
    layers.get(key)!.values.push({ x: label.x, text: label.text });
  }
  return [...layers.values()].map((l) => ({
    data: { values: l.values },
    mark: {
      type: 'text',
      align: l.align,
      baseline: 'top',
      dx: l.align === 'left' ? 3 : -3,
      dy: 2 + l.row * ROW_PX,
      fontSize: 10,
      color: l.color,
    },
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'text' } },
  }));
}
