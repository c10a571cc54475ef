/**
 * The run's own sections in the HTML report, the same rows as report.md's (sections/): fault
 * windows, outcomes by phase and by provider, the relay's events, then the one-line facts (failover
 * penalty, cost, slice availability, failures by kind). A variants run has them per variant.
 */
import { costSection, penaltySection } from '../markdown.js';
import type { RunResult } from '../../scenario/result/result.js';
import { byProviderTable } from '../sections/by-provider.js';
import { faultWindowsTable } from '../sections/fault-windows.js';
import { phasesTable } from '../sections/phases.js';
import { relayEventsTable } from '../sections/relay-events.js';
import { runFactLines } from '../sections/run-facts.js';
import type { SectionTable } from '../sections/section-table.js';
import { reportTables } from '../tables/index.js';
import { escapeHtml, slug } from './escape.js';
import { inline, sectionTableHtml } from './html-table.js';

/** More relay events than this are left to result.json (a long flapping drill has thousands). */
const MAX_EVENTS = 200;

export function runSectionsHtml(result: RunResult): string {
  const variants = result.variants ?? [];
  if (variants.length === 0) return sectionsOf(result, 2, '');
  return variants
    .map((v) => {
      const id = `details-${slug(v.name)}`;
      return [
        `<section class="variant-details" id="${escapeHtml(id)}">`,
        `<h2><a href="#${escapeHtml(id)}">Variant ${escapeHtml(v.name)}: fault windows, outcomes, events</a></h2>`,
        sectionsOf(v.result, 3, `-${slug(v.name)}`),
        '</section>',
      ].join('\n');
    })
    .join('\n');
}

function sectionsOf(result: RunResult, level: 2 | 3, idSuffix: string): string {
  const a = result.aggregates;
  const events = a.relayEvents;
  const tables = [
    faultWindowsTable(a),
    phasesTable(result),
    byProviderTable(a),
    relayEventsTable(events.slice(0, MAX_EVENTS)),
  ].filter((t): t is SectionTable => t !== undefined);
  const parts = tables.map((t) => sectionTableHtml(t, level, idSuffix));
  if (events.length > MAX_EVENTS)
    parts.push(paragraph(`… and ${events.length - MAX_EVENTS} more events in result.json`));
  // The cost lines unless the cost-by-book table prints the same figures (as report.md decides).
  const costInTable = reportTables(result).some((t) => t.id === 'cost-by-book');
  const facts = [...penaltySection(a), ...(costInTable ? [] : costSection(a)), ...runFactLines(a)].filter(
    (line) => line !== '',
  );
  if (facts.length > 0) {
    const id = `section-run-facts${idSuffix}`;
    parts.push(
      `<section class="run-facts" id="${escapeHtml(id)}" data-section="run-facts">`,
      `<h${level}><a href="#${escapeHtml(id)}">Run details</a></h${level}>`,
      ...facts.map(paragraph),
      '</section>',
    );
  }
  return parts.join('\n');
}

/** A Markdown line as a paragraph: `> ` (a quoted warning) becomes a warning paragraph. */
function paragraph(line: string): string {
  return line.startsWith('> ')
    ? `<p class="warning">${inline(line.slice(2))}</p>`
    : `<p class="fact">${inline(line)}</p>`;
}
