/** One chart as an HTML figure: its title, the inline SVG, and a caption with its definition. */
import type { Chart } from './charts/chart.js';
import { escapeHtml, slug } from './escape.js';
import { renderSvg } from './svg.js';

export interface FigureOptions {
  /** Heading level of the chart's title (3 for a run's charts, 4 inside a variant's section). */
  level: 3 | 4;
  /** The variant the chart belongs to, for a variants run's per-variant charts. */
  variant?: string;
}

export async function figureHtml(chart: Chart, options: FigureOptions): Promise<string> {
  const id = `chart-${chart.id}${options.variant === undefined ? '' : `-${slug(options.variant)}`}`;
  const variant = options.variant === undefined ? '' : ` data-variant="${escapeHtml(options.variant)}"`;
  const h = `h${options.level}`;
  return [
    `<figure class="chart" id="${escapeHtml(id)}" data-chart="${chart.id}"${variant}>`,
    `<${h}><a href="#${escapeHtml(id)}">${escapeHtml(chart.title)}</a></${h}>`,
    await renderSvg(chart.spec),
    `<figcaption>${escapeHtml(chart.caption)}</figcaption>`,
    '</figure>',
  ].join('\n');
}
