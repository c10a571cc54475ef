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
  /** Other names people write for this model (`claude-sonnet-4.5` for `claude-sonnet-4-5`). */
  aliases?: string[];
}

/** `direct`: what a provider charges you; `relay`: what a relay or reseller says it charges for the same model. */
export type PriceBookKind = 'direct' | 'relay';

export interface PriceBook {
  name: string;
  kind: PriceBookKind;
  /** Where the prices come from and what they assume; shown under the cost tables. */
  description?: string;
  models: Readonly<Record<string, ModelPrice>>;
  /** Alias → the model name it prices as, from the entries' `aliases`. */
  aliases?: Readonly<Record<string, string>>;
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
  const book = value as { name?: unknown; kind?: unknown; description?: unknown; models?: unknown } | null;
  if (typeof book !== 'object' || book === null || typeof book.models !== 'object' || book.models === null) {
    throw new Error(`${describe}: expected { name, kind, models: { <model>: { input, output, source, date } } }`);
  }
  if (book.kind !== undefined && book.kind !== 'direct' && book.kind !== 'relay') {
    throw new Error(`${describe}: kind: expected 'direct' or 'relay', got ${JSON.stringify(book.kind)}`);
  }
  const models: Record<string, ModelPrice> = {};
  for (const [model, entry] of Object.entries(book.models as Record<string, unknown>)) {
    const price = entry as Partial<ModelPrice> | null;
    for (const field of ['input', 'output'] as const) {
      const n = price?.[field];
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new Error(
          `${describe}: models.${model}.${field}: expected a non-negative number (USD per 1M tokens), got ${JSON.stringify(n)}`,
        );
      }
    }
    models[model] = { ...(price as ModelPrice) };
  }
  const aliases = aliasesOf(models, describe);
  return {
    name: typeof book.name === 'string' ? book.name : describe,
    kind: book.kind ?? 'direct',
    ...(typeof book.description === 'string' ? { description: book.description } : {}),
    models,
    ...(Object.keys(aliases).length > 0 ? { aliases } : {}),
  };
}

/** The entries' `aliases` as one map; an alias must be a string naming no other entry or alias. */
function aliasesOf(models: Record<string, ModelPrice>, describe: string): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const [model, price] of Object.entries(models)) {
    const list: unknown = price.aliases;
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((alias) => typeof alias !== 'string' || alias === '')) {
      throw new Error(
        `${describe}: models.${model}.aliases: expected a list of model names, got ${JSON.stringify(list)}`,
      );
    }
    for (const alias of list as string[]) {
      const taken = alias in models ? alias : aliases[alias];
      if (taken !== undefined && taken !== model) {
        throw new Error(`${describe}: models.${model}.aliases: '${alias}' already names ${taken}`);
      }
      aliases[alias] = model;
    }
  }
  return aliases;
}

/**
 * The price of a model: an exact match (a listed name or one of its aliases), else the longest
 * listed name or alias the model starts with followed by `-` (dated snapshots such as
 * `gpt-4.1-mini-2025-04-14` price as `gpt-4.1-mini`).
 */
export function priceFor(book: PriceBook, model: string): ModelPrice | undefined {
  const aliases = book.aliases ?? {};
  const exact = book.models[model] ?? book.models[aliases[model] ?? ''];
  if (exact) return exact;
  let best: string | undefined;
  for (const name of [...Object.keys(book.models), ...Object.keys(aliases)]) {
    if (model.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : (book.models[best] ?? book.models[aliases[best]!]);
}

/** Tokens the run's successes used, per serving model: what any price book can price later. */
export interface TokenUsage {
  byModel: Record<string, { requests: number; inputTokens: number; outputTokens: number }>;
  /** Successes without usage or without a known model: never priced, never free. */
  unmetered: number;
}

/**
 * Tallies every success's tokens under its serving model. `modelOf` says which model served a
 * record; by default the serving provider's model when known (a failover to another vendor is
 * billed at that vendor's model), else the model the request asked for.
 */
export function usageOf(
  records: readonly RequestRecord[],
  modelOf: (record: RequestRecord) => string | undefined,
): TokenUsage {
  const byModel: TokenUsage['byModel'] = {};
  let unmetered = 0;
  for (const record of records) {
    if (record.outcome !== 'ok') continue;
    const model = modelOf(record);
    if (model === undefined || !record.usage) {
      unmetered++;
      continue;
    }
    const entry = (byModel[model] ??= { requests: 0, inputTokens: 0, outputTokens: 0 });
    entry.requests++;
    entry.inputTokens += record.usage.prompt;
    entry.outputTokens += record.usage.completion;
  }
  return { byModel, unmetered };
}

/** A usage priced in one book; models the book has no price for count as unpriced. */
export function priceUsage(usage: TokenUsage, book: PriceBook): CostSummary {
  const byModel: Record<string, ModelCost> = {};
  const unpricedModels: string[] = [];
  let totalUsd = 0;
  let priced = 0;
  let unpriced = usage.unmetered;
  for (const [model, used] of Object.entries(usage.byModel)) {
    const price = priceFor(book, model);
    if (!price) {
      unpriced += used.requests;
      unpricedModels.push(model);
      continue;
    }
    const usd = (used.inputTokens * price.input + used.outputTokens * price.output) / 1_000_000;
    byModel[model] = { ...used, usd };
    totalUsd += usd;
    priced += used.requests;
  }
  return {
    book: book.name,
    totalUsd,
    per1k: priced === 0 ? undefined : (totalUsd / priced) * 1000,
    priced,
    unpriced,
    unpricedModels: unpricedModels.sort(),
    byModel,
  };
}

/** Prices every success of `records` in `book` (see {@link usageOf} for `modelOf`). */
export function costOf(
  records: readonly RequestRecord[],
  book: PriceBook,
  modelOf: (record: RequestRecord) => string | undefined,
): CostSummary {
  return priceUsage(usageOf(records, modelOf), book);
}

/** The default `modelOf`: the serving provider's model, else the requested model. */
export function servingModel(
  providerModels: Readonly<Record<string, string>>,
): (record: RequestRecord) => string | undefined {
  return (record) => (record.provider !== undefined ? providerModels[record.provider] : undefined) ?? record.model;
}
