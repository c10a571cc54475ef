/** The Markdown section on the shards of a merged run (`relaybench merge`): who sent what, and when. */
import type { ShardsSummary } from '../scenario/shard/shards-summary.js';

/** The report's lines about the shards (Markdown). */
export function shardsSection(summary: ShardsSummary | undefined): string[] {
  if (summary === undefined) return [];
  const rows = summary.shards.map((s) =>
    [
      `${s.index}${s.coordinator ? ' (coordinator)' : ''}`,
      s.hostname,
      String(s.scheduled),
      String(s.sent),
      String(s.dropped),
      String(s.missed),
      `${s.startOffsetMs} ms`,
      s.lagP99Ms === undefined ? 'n/a' : `${s.lagP99Ms} ms`,
    ].join(' | '),
  );
  return [
    `### Shards (${summary.count} generators, merged)`,
    '',
    `Started on ${summary.startAt}; start offsets spread over ${summary.startSpreadMs} ms, each on its shard's own clock ` +
      "(the shards' clocks are trusted to agree: NTP).",
    '',
    '| Shard | Host | Scheduled | Sent | Dropped | Missed (late) | Start offset | Schedule lag p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ];
}
