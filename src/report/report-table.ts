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

/**
 * GitHub-flavoured Markdown: `### title`, the table, then `Method: ...`. Pipes in cells are
 * escaped. `stated`: the run's method already printed above (under the first table), so a table
 * whose method begins with it prints only its own definitions instead of the paragraph again.
 */
export function markdownReportTable(t: ReportTable, stated?: string): string {
  const escape = (cells: readonly string[]): string[] => cells.map((c) => c.replace(/\|/g, '\\|'));
  const own =
    stated !== undefined && t.method.startsWith(`${stated}. `) ? t.method.slice(stated.length + 2) : undefined;
  const method = own === undefined ? `Method: ${t.method}` : `Method as above. ${own}`;
  return [`### ${t.title}`, '', table(escape(t.header), t.rows.map(escape)), '', method, ''].join('\n');
}
