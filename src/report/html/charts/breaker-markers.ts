/**
 * The relay's breaker transitions (its /relay/events, on the load's clock) as thin vertical rules
 * over a timeline: dark red where a breaker opened, green where it half-opened or closed. Each
 * rule carries its event as a native tooltip (the layer is titled: svg.ts turns its description
 * into an SVG <title>, since the page runs no script).
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import { titledLayerName } from '../svg.js';

/** The vega-lite mark name of the layer: tests find its group in the SVG by it. */
export const BREAKER_LAYER = titledLayerName('breaker_transitions');
const OPENED = '#8c2d04';
const EASED = '#2e7d32';

/** The rule layer, or none when the relay reported no breaker transition within the axis (0 to `axisEnd` s). */
export function breakerMarkerLayers(a: Aggregates, axisEnd: number): object[] {
  const values = a.relayEvents.flatMap((e) =>
    e.type !== 'breaker' || e.atMs < 0 || e.atMs / 1000 > axisEnd
      ? []
      : [
          {
            at: e.atMs / 1000,
            to: e.to,
            tip:
              `${(e.atMs / 1000).toFixed(2)} s: breaker of ${e.target} ${e.from} \u2192 ${e.to}` +
              (e.replica === undefined ? '' : ` (replica-${e.replica})`),
          },
        ],
  );
  if (values.length === 0) return [];
  return [
    {
      name: BREAKER_LAYER,
      data: { values },
      mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.85 },
      encoding: {
        x: { field: 'at', type: 'quantitative' },
        color: { condition: { test: "datum.to === 'open'", value: OPENED }, value: EASED },
        description: { field: 'tip' },
      },
    },
  ];
}

/** The caption sentence for the markers; empty without breaker transitions. */
export function breakerCaption(a: Aggregates): string {
  const n = a.relayEvents.filter((e) => e.type === 'breaker').length;
  if (n === 0) return '';
  return (
    ` Thin vertical lines: the relay\u2019s ${n} breaker transition${n === 1 ? '' : 's'} (from its /relay/events, on the load\u2019s clock), ` +
    'dark red where a breaker opened, green where it half-opened or closed; hover one for its provider and states.'
  );
}
