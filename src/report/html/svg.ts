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
    return withTitles(await view.toSVG());
  } finally {
    view.finalize();
  }
}

const TITLED = '_titled';

/** The name of a vega-lite layer whose marks get a native tooltip: each mark's `description` as an SVG `<title>`. */
export function titledLayerName(name: string): string {
  return `${name}${TITLED}`;
}

/**
 * vega's tooltips need its runtime (and the page runs no script); a static SVG shows a `<title>`
 * child as the browser's own tooltip. vega writes a mark's `description` as its `aria-label`
 * (already attribute-escaped, which is valid text too), so the marks of a titled layer get it as title.
 */
function withTitles(svg: string): string {
  const group = new RegExp(`(<g class="mark-\\w+ role-mark [^"]*${TITLED}_marks"[^>]*>)([^]*?)(</g>)`, 'g');
  return svg.replace(
    group,
    (_all, open: string, marks: string, close: string) =>
      open + marks.replace(/<(\w+)( aria-label="([^"]*)"[^>]*?)\/>/g, '<$1$2><title>$3</title></$1>') + close,
  );
}
