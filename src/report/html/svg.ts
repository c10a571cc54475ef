/**
 * Renders a vega-lite spec to an SVG string, server-side: vega-lite compiles it to a vega spec,
 * a headless vega View (renderer `none`, no canvas: text widths are estimated) draws it. The
 * specs carry their data inline, so nothing is loaded from anywhere.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Look shared by every chart: system fonts only (nothing to fetch), quiet grid, no chart border. */
const CHART_CONFIG = Object.freeze({
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', orient: 'right' },
});

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = compile({ ...spec, config: { ...CHART_CONFIG, ...spec.config } } as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
