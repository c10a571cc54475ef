/**
 * Cost by variant and price book: the same measured traffic priced in every book, grouped bars
 * (one group per variant, one bar per book), USD per 1,000 priced successful requests.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CostByBook } from '../../cost-by-book.js';
import { usd } from '../../format.js';
import { CHART_SIZE, PALETTE, type Chart } from './chart.js';

/** Undefined without rows: no chart rather than an empty one. */
export function costByBookChart(
  rows: ReadonlyArray<Pick<CostByBook, 'variant' | 'book' | 'usdPer1k'>>,
): Chart | undefined {
  if (rows.length === 0) return undefined;
  const books = [...new Set(rows.map((r) => r.book))];
  const values = rows.map((r) => ({ variant: r.variant, book: r.book, usdPer1k: r.usdPer1k, label: usd(r.usdPer1k) }));
  const encoding = {
    x: { field: 'variant', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0 } },
    xOffset: { field: 'book', type: 'nominal', sort: books },
    y: { field: 'usdPer1k', type: 'quantitative', title: 'USD per 1K requests' },
  };
  const spec = {
    ...CHART_SIZE,
    data: { values },
    encoding,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: {
            field: 'book',
            type: 'nominal',
            title: 'price book',
            scale: { domain: books, range: [...PALETTE.providers] },
          },
        },
      },
      { mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 10 }, encoding: { text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
  return {
    id: 'cost-by-book',
    title: 'Cost by variant and price book',
    caption:
      'USD per 1,000 priced successful requests: the tokens each success used (prompt and completion, as the response reported them), ' +
      'priced at the serving provider\u2019s model in each price book, so every book prices the same measured traffic. ' +
      'Successes without usage or without a price are left out (counted as unpriced, never as free).',
    spec,
  };
}
