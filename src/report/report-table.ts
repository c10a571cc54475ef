/**
 * One report table as data, so the Markdown and the HTML report print the same figures: a title,
 * the header, the rows (already formatted), and the one-line method stated under it.
 */
import { table } from './format.js';

export interface ReportTable {
  /** Stable id (`configurations`, `uptime-levels`...): HTML anchors and tests use it. */
  id: string;
  title: string;
  header: string[];
  rows: string[][];
  /** How the figures were obtained: load, duration, faults, seed, machine, definitions used. */
  method: string;
}

/** GitHub-flavoured Markdown: `### title`, the table, then `Method: ...`. Pipes in cells are escaped. */
export function markdownReportTable(t: ReportTable): string {
  const escape = (cells: readonly string[]): string[] => cells.map((c) => c.replace(/\|/g, '\\|'));
  return [`### ${t.title}`, '', table(escape(t.header), t.rows.map(escape)), '', `Method: ${t.method}`, ''].join('\n');
}
