/**
 * One entry of a scenario's `providers:` list: a mock LLM provider, started in its own process
 * behind its own fault-plane proxy. Latency and rate limits are the mock's own (src/mock):
 *
 * ```yaml
 * - name: openai
 *   dialect: openai              # openai | anthropic | gemini (default openai)
 *   model: gpt-4.1-mini          # default: the dialect's
 *   latency: 20ms                # fixed time to first token (shorthand; default 20ms)
 *   ttft: { p50: 300ms, p99: 1.5s }   # or 300ms, or { mean: 300ms, sd: 50ms }; overrides latency
 *   per_token: { mean: 12ms, sd: 3ms } # time between tokens (default 0)
 *   rpm: 600                     # requests per minute before 429s (default unlimited)
 *   tpm: 200000                  # tokens per minute before 429s (default unlimited)
 * ```
 */
import { z } from 'zod';
import { distribution, duration, name } from './units.js';

export const DIALECTS = ['openai', 'anthropic', 'gemini'] as const;
export type ProviderDialect = (typeof DIALECTS)[number];

/** The model a mock of each dialect answers with when the scenario names none. */
export const DEFAULT_MODEL: Readonly<Record<ProviderDialect, string>> = Object.freeze({
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-20250514',
  gemini: 'gemini-2.0-flash',
});

export const providerSchema = z
  .strictObject({
    /** Name used in chains, faults, templates and reports. */
    name,
    /** Model the mock provider reports serving; default: the dialect's (`gpt-4.1-mini` for openai). */
    model: z.string().min(1).optional(),
    /** Fixed time to first token of the mock (the shorthand for `ttft`). Default 20ms. */
    latency: duration().default(20),
    /** Wire format the mock speaks: `openai` (also DeepSeek-style), `anthropic` (Messages) or `gemini`. */
    dialect: z.enum(DIALECTS).default('openai'),
    /** Time to first token as a distribution (`300ms`, `{ mean, sd }`, `{ p50, p99 }`); overrides `latency`. */
    ttft: distribution().optional(),
    /** Time per generated token as a distribution; default 0 (the whole answer at once). */
    per_token: distribution().optional(),
    /** Requests-per-minute limit of the mock; beyond it, 429 with Retry-After. */
    rpm: z.number().positive().optional(),
    /** Tokens-per-minute limit of the mock; beyond it, 429 with Retry-After. */
    tpm: z.number().positive().optional(),
  })
  .transform((p) => ({ ...p, model: p.model ?? DEFAULT_MODEL[p.dialect] }));

export type ProviderSpec = z.output<typeof providerSchema>;
