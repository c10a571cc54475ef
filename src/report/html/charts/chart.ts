/** A chart of the HTML report: what the figure shows and how it is defined, and its vega-lite spec. */
import type { TopLevelSpec } from 'vega-lite';

export type ChartId =
  | 'latency-timeline'
  | 'served-by'
  | 'outcomes'
  | 'percentile-spectrum'
  | 'cost-by-book'
  | 'serving-spectrum'
  | 'capacity';

export interface Chart {
  /** Stable id: the figure's `data-chart`, which tests and anchors use. */
  id: ChartId;
  title: string;
  /** What the chart shows and how each figure is defined (the README's metric definitions). */
  caption: string;
  spec: TopLevelSpec;
}

/** Plot area of every chart, in CSS pixels (the legend and axes come on top). */
export const CHART_SIZE = Object.freeze({ width: 760, height: 220 });

/** Colours: providers take the categorical ones; failures red and orange, dropped grey, ok green. */
export const PALETTE = Object.freeze({
  providers: ['#4c78a8', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#f2cf5b', '#439894', '#d6a5c9'],
  failures: ['#e45756', '#f58518', '#ff9da6', '#b0413e', '#fcbf49', '#d67195', '#8c2d04', '#fdae6b'],
  ok: '#54a24b',
  dropped: '#9e9e9e',
  fault: '#e45756',
  recovery: '#2f6db0',
});
