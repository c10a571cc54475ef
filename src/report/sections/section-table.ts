/**
 * A run section's table as data (fault windows, outcomes by phase, by provider, relay events):
 * the Markdown and the HTML report render the same rows, built once. Unlike a vendor-style
 * ReportTable it carries no method line: the run's own sections are defined in the README.
 */
import { table } from '../format.js';

export interface SectionTable {
  /** Stable id (`fault-windows`, `phases`...): HTML anchors and tests use it. */
  id: string;
  title: string;
  header: string[];
  /** Cells already formatted; `**bold**` and `code` spans are Markdown (the HTML renders them). */
  rows: string[][];
}

/** `### title`, a blank line, the table, a blank line: how the Markdown report prints a section. */
export function markdownSection(t: SectionTable): string[] {
  return [`### ${t.title}`, '', table(t.header, t.rows), ''];
}
