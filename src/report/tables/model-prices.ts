/**
 * Model | Direct $/MTok | Relay $/MTok | Savings: every model the run's successes were served by,
 * priced in the direct book and in each relay book, the savings weighed by the run's own
 * input:output token mix for that model.
 */
import { priceFor, type ModelPrice, type PriceBook } from '../../metrics/cost.js';
import { configurationsOf } from '../configurations.js';
import { usd } from '../format.js';
import { percent } from '../../units.js';
import { method } from '../method.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

/** Tokens per served model over every configuration of the result. */
export function servedTokens(
  result: RunResult,
): Map<string, { inputTokens: number; outputTokens: number; requests: number }> {
  const byModel = new Map<string, { inputTokens: number; outputTokens: number; requests: number }>();
  for (const { result: run } of configurationsOf(result)) {
    for (const [model, used] of Object.entries(run.aggregates.usage?.byModel ?? {})) {
      const entry = byModel.get(model) ?? { inputTokens: 0, outputTokens: 0, requests: 0 };
      entry.inputTokens += used.inputTokens;
      entry.outputTokens += used.outputTokens;
      entry.requests += used.requests;
      byModel.set(model, entry);
    }
  }
  return byModel;
}

/** The direct book and the relay books a result carries, or undefined when it lacks one of them. */
export function directAndRelayBooks(result: RunResult): { direct: PriceBook; relays: PriceBook[] } | undefined {
  const books = result.pricing?.books ?? [];
  const direct = books.find((b) => b.kind === 'direct');
  const relays = books.filter((b) => b.kind === 'relay');
  return direct === undefined || relays.length === 0 ? undefined : { direct, relays };
}

export function modelPricesTable(result: RunResult): ReportTable | undefined {
  const books = directAndRelayBooks(result);
  const tokens = servedTokens(result);
  if (books === undefined || tokens.size === 0) return undefined;
  const { direct, relays } = books;
  const rows = [...tokens].map(([model, used]) => {
    const directPrice = priceFor(direct, model);
    const cells = [model, priceText(directPrice)];
    for (const relay of relays) {
      const relayPrice = priceFor(relay, model);
      cells.push(priceText(relayPrice), savingsText(directPrice, relayPrice, used));
    }
    return cells;
  });
  const mixes = [...tokens]
    .map(([model, u]) => `${model} ${(u.inputTokens / Math.max(1, u.outputTokens)).toFixed(2)}:1`)
    .join(', ');
  return {
    id: 'model-prices',
    title: 'Model prices: direct vs relay',
    header: [
      'Model',
      `Direct $/MTok (${direct.name})`,
      ...relays.flatMap((r) => [`Relay $/MTok (${r.name})`, `Savings (${r.name})`]),
    ],
    rows,
    method: `${method(result)}. Prices per million input / output tokens from each book (sources and dates in the book); savings = 1 − relay cost / direct cost of the tokens this run's successes used on that model (input:output ${mixes}).${relays.length > 1 ? ' The relay books disagree; both are shown.' : ''}`,
  };
}

function priceText(price: ModelPrice | undefined): string {
  return price === undefined ? 'no price' : `${usd(price.input)} in / ${usd(price.output)} out`;
}

function savingsText(
  direct: ModelPrice | undefined,
  relay: ModelPrice | undefined,
  used: { inputTokens: number; outputTokens: number },
): string {
  if (direct === undefined || relay === undefined) return '—';
  const directCost = used.inputTokens * direct.input + used.outputTokens * direct.output;
  const relayCost = used.inputTokens * relay.input + used.outputTokens * relay.output;
  return directCost === 0 ? '—' : percent(1 - relayCost / directCost);
}
