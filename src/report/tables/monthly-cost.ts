/**
 * The monthly cost breakdown by model: each configuration's served traffic scaled to the stated
 * monthly volume, priced in the direct book and each relay book, with totals and savings.
 */
import { priceFor, priceUsage, type PriceBook, type TokenUsage } from '../../metrics/cost.js';
import { formatCount, percent } from '../../units.js';
import { configurationsOf } from '../configurations.js';
import { money } from '../format.js';
import { method } from '../method.js';
import { monthlyScale, monthlyVolume, usageTokens } from '../projection.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';
import { directAndRelayBooks } from './model-prices.js';

export function monthlyCostTable(result: RunResult): ReportTable | undefined {
  const books = directAndRelayBooks(result);
  const pricing = result.pricing;
  if (books === undefined || pricing === undefined) return undefined;
  const { direct, relays } = books;
  const volume = monthlyVolume(pricing);
  const volumeText = volume.text;
  const rows: string[][] = [];
  for (const { name, result: run } of configurationsOf(result)) {
    const usage = run.aggregates.usage;
    const scale = usage ? monthlyScale(usage, volume) : undefined;
    if (usage === undefined || scale === undefined) continue;
    const total = usageTokens(usage);
    for (const [model, used] of Object.entries(usage.byModel)) {
      const tokens = used.inputTokens + used.outputTokens;
      const only: TokenUsage = { byModel: { [model]: used }, unmetered: 0 };
      rows.push([
        name,
        model,
        percent(tokens / total),
        formatCount(Math.round(tokens * scale)),
        ...costCells(only, scale, direct, relays, model),
      ]);
    }
    rows.push([
      name,
      '**Total**',
      percent(1),
      formatCount(Math.round(total * scale)),
      ...costCells(usage, scale, direct, relays),
    ]);
  }
  if (rows.length === 0) return undefined;
  return {
    id: 'monthly-cost',
    title: `Monthly cost by model (${volumeText} a month)`,
    header: [
      'Configuration',
      'Model',
      'Share of Tokens',
      'Monthly Tokens',
      `Direct (${direct.name})`,
      ...relays.flatMap((r) => [`Relay (${r.name})`, `Savings (${r.name})`]),
    ],
    rows,
    method: `${method(result)}. Each configuration's successes, by the model that served them, scaled so the month holds ${volumeText} with the run's own model mix and input:output ratio, priced in each book; savings = 1 − relay / direct. Models a book has no price for add nothing to its total.`,
  };
}

function costCells(
  usage: TokenUsage,
  scale: number,
  direct: PriceBook,
  relays: readonly PriceBook[],
  model?: string,
): string[] {
  const cost = (book: PriceBook): number | undefined => {
    if (model !== undefined && priceFor(book, model) === undefined) return undefined;
    return priceUsage(usage, book).totalUsd * scale;
  };
  const d = cost(direct);
  const cells = [d === undefined ? 'no price' : money(d)];
  for (const relay of relays) {
    const r = cost(relay);
    cells.push(
      r === undefined ? 'no price' : money(r),
      d === undefined || r === undefined || d === 0 ? '—' : percent(1 - r / d),
    );
  }
  return cells;
}
