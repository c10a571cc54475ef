/** Tables as HTML: a plain one, and a report table (title with its anchor, the table, its method line). */
import type { ReportTable } from '../report-table.js';
import type { SectionTable } from '../sections/section-table.js';
import { escapeHtml } from './escape.js';

/** A cell that is a number (with an optional sign, currency, unit or scale) is right-aligned. */
const NUMERIC = /^[-+\u2212]?\$?\d[\d,.]*\s?(%|ms|s|µs|pp|min|h|days?|[kKMB])?$/;

/** Report table cells are shared with the Markdown report: their `**bold**` and `code` spans become HTML (after escaping). */
export function inline(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function htmlTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = (tag: string, values: readonly string[]): string =>
    values.map((v) => `<${tag}${tag === 'td' && NUMERIC.test(v) ? ' class="num"' : ''}>${inline(v)}</${tag}>`).join('');
  return [
    '<table>',
    `<thead><tr>${cells('th', header)}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${cells('td', row)}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** `<section id="table-<id>">` with an h2 anchor, the table and `Method: ...` under it. */
export function reportTableHtml(t: ReportTable): string {
  const id = `table-${t.id}`;
  return [
    `<section class="report-table" id="${escapeHtml(id)}">`,
    `<h2><a href="#${escapeHtml(id)}">${escapeHtml(t.title)}</a></h2>`,
    htmlTable(t.header, t.rows),
    `<p class="method">Method: ${escapeHtml(t.method)}</p>`,
    '</section>',
  ].join('\n');
}

/**
 * A run section's table (sections/): `<section data-section="<id>">` with a heading at `level`
 * and the table. `idSuffix` keeps ids unique when every variant of a run has the same sections.
 */
export function sectionTableHtml(t: SectionTable, level: 2 | 3, idSuffix = ''): string {
  const id = `section-${t.id}${idSuffix}`;
  return [
    `<section class="run-table" id="${escapeHtml(id)}" data-section="${escapeHtml(t.id)}">`,
    `<h${level}><a href="#${escapeHtml(id)}">${escapeHtml(t.title)}</a></h${level}>`,
    htmlTable(t.header, t.rows),
    '</section>',
  ].join('\n');
}
