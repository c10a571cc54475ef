/**
 * The relay's own breaker transitions and cooldowns, on the load's clock (when the target exposes
 * them): one row model for the Markdown list and the HTML table.
 */
import type { RelayTimelineEvent } from '../../metrics/relay-events.js';
import type { SectionTable } from './section-table.js';

export interface RelayEventRow {
  /** Seconds since load start, `12.34`. */
  at: string;
  /** `replica-1` for a fleet's event, else undefined. */
  replica: string | undefined;
  /** `breaker of primary closed → open`, `primary cooling down until 9.50 s (retry_after)`. */
  what: string;
}

export function relayEventRows(events: readonly RelayTimelineEvent[]): RelayEventRow[] {
  return events.map((e) => ({
    at: (e.atMs / 1000).toFixed(2),
    replica: e.replica === undefined ? undefined : `replica-${e.replica}`,
    what:
      e.type === 'breaker'
        ? `breaker of ${e.target} ${e.from} → ${e.to}`
        : `${e.target} cooling down until ${(e.untilMs / 1000).toFixed(2)} s (${e.reason})`,
  }));
}

/** Every event as a table (the HTML report's; the Markdown lists the first 20); undefined without events. */
export function relayEventsTable(events: readonly RelayTimelineEvent[]): SectionTable | undefined {
  if (events.length === 0) return undefined;
  const rows = relayEventRows(events);
  const fleet = rows.some((r) => r.replica !== undefined);
  return {
    id: 'relay-events',
    title: 'Relay events',
    header: ['Time', ...(fleet ? ['Replica'] : []), 'Event'],
    rows: rows.map((r) => [`${r.at} s`, ...(fleet ? [r.replica ?? '—'] : []), r.what]),
  };
}
