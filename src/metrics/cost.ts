/**
 * Cost: tokens x the serving model's price in a price book (fixtures/prices/*.json, USD per
 * million tokens). Only successes are priced (DESIGN.md: cost = sum over successes); a success
 * whose usage or model price is unknown is counted as unpriced, never as free. Pure.
 */
import type { RequestRecord } from './record.js';

export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  input: number;
  /** USD per million output (completion) tokens. */
  output: number;
  source?: string;
  date?: string;
}

export interface PriceBook {
  name: string;
  models: Readonly<Record<string, ModelPrice>>;
}

export interface ModelCost {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

export interface CostSummary {
  book: string;
  totalUsd: number;
  /** USD per 1,000 priced successful requests; undefined when none was priced. */
  per1k: number | undefined;
  priced: number;
  /** Successes without usage or without a price for their model. */
  unpriced: number;
  unpricedModels: string[];
  byModel: Record<string, ModelCost>;
}

/**
 * Validates a parsed price book. `describe` names where it came from in messages.
 * @throws Error naming the field, the value and what is allowed.
 */
export function parsePriceBook(value: unknown, describe: string): PriceBook {
  const book = value as { name?: unknown; models?: unknown } | null;
  if (typeof book !== 'object' || book === null || typeof book.models !== 'object' || book.models === null) {
    throw new Error(`${describe}: expected { name, models: { <model>: { input, output, source, date } } }`);
  }
  const models: Record<string, ModelPrice> = {};
  for (const [model, entry] of Object.entries(book.models as Record<string, unknown>)) {
    const price = entry as Partial<ModelPrice> | null;
    for (const field of ['input', 'output'] as const) {
      const n = price?.[field];
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new Error(`${describe}: models.${model}.${field}: expected a non-negative number (USD per 1M tokens), got ${JSON.stringify(n)}`);
      }
    }
    models[model] = { ...(price as ModelPrice) };
  }
  return { name: typeof book.name === 'string' ? book.name : describe, models };
}

/**
 * The price of a model: an exact match, else the longest listed name the model starts with
 * followed by `-` (dated snapshots such as `gpt-4.1-mini-2025-04-14` price as `gpt-4.1-mini`).
 */
export function priceFor(book: PriceBook, model: string): ModelPrice | undefined {
  const exact = book.models[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const name of Object.keys(book.models)) {
    if (model.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : book.models[best];
}

/** USD for one request's usage at a price. */
export function requestCostUsd(usage: NonNullable<RequestRecord['usage']>, price: ModelPrice): number {
  return (usage.prompt * price.input + usage.completion * price.output) / 1_000_000;
}

/**
 * Prices every success. `modelOf` says which model served a record; by default the serving
 * provider's model when known (a failover to another vendor is billed at that vendor's model),
 * else the model the request asked for.
 */
export function costOf(records: readonly RequestRecord[], book: PriceBook, modelOf: (record: RequestRecord) => string | undefined): CostSummary {
  const byModel: Record<string, ModelCost> = {};
  const unpricedModels = new Set<string>();
  let totalUsd = 0;
  let priced = 0;
  let unpriced = 0;
  for (const record of records) {
    if (record.outcome !== 'ok') continue;
    const model = modelOf(record);
    const price = model === undefined ? undefined : priceFor(book, model);
    if (!price || !record.usage || model === undefined) {
      unpriced++;
      if (model !== undefined && !price) unpricedModels.add(model);
      continue;
    }
    const usd = requestCostUsd(record.usage, price);
    const entry = (byModel[model] ??= { requests: 0, inputTokens: 0, outputTokens: 0, usd: 0 });
    entry.requests++;
    entry.inputTokens += record.usage.prompt;
    entry.outputTokens += record.usage.completion;
    entry.usd += usd;
    totalUsd += usd;
    priced++;
  }
  return { book: book.name, totalUsd, per1k: priced === 0 ? undefined : (totalUsd / priced) * 1000, priced, unpriced, unpricedModels: [...unpricedModels].sort(), byModel };
}

/** The default `modelOf`: the serving provider's model, else the requested model. */
export function servingModel(providerModels: Readonly<Record<string, string>>): (record: RequestRecord) => string | undefined {
  return (record) => (record.provider !== undefined ? providerModels[record.provider] : undefined) ?? record.model;
}
