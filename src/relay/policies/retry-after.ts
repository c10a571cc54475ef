/**
 * Retry-After in every form providers send, as milliseconds from now:
 *
 * - `retry-after-ms: 1500` (OpenAI, Azure)
 * - `retry-after: 2` (seconds) or `retry-after: Wed, 21 Oct 2026 07:28:00 GMT` (RFC 9110 HTTP-date)
 * - `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens: 6m0s` (OpenAI Go-style durations)
 * - `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset: 2026-10-21T07:28:00Z`
 *
 * An explicit `retry-after-ms` / `retry-after` wins. Otherwise the rate-limit resets count, those of
 * an exhausted limit first (its `*-remaining` header is `0`), and the latest of them is the answer.
 * Garbage is ignored (undefined); results are clamped to `[0, maxMs]`.
 */

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** Ten minutes: a longer hint is more likely a bug than a plan, and would park a target for good. */
export const RETRY_AFTER_MAX_MS = 600_000;

/** Reset headers with their matching `remaining` header (OpenAI). */
const OPENAI_RESETS = [
  ['x-ratelimit-reset-requests', 'x-ratelimit-remaining-requests'],
  ['x-ratelimit-reset-tokens', 'x-ratelimit-remaining-tokens'],
] as const;

const ANTHROPIC_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

/** Go's time.Duration text as OpenAI sends it: `1h2m3.5s`, `20ms`, `6m0s`, `0.5s`. */
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
const SECONDS = /^\d+(?:\.\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Milliseconds to wait according to `headers`, or undefined when they say nothing usable.
 * @param nowEpochMs wall-clock now (`Date.now()`), for absolute dates.
 */
export function retryAfterMs(
  headers: HeaderBag | undefined,
  nowEpochMs: number,
  maxMs = RETRY_AFTER_MAX_MS,
): number | undefined {
  if (headers === undefined) return undefined;
  const explicit =
    parseMs(first(headers['retry-after-ms'])) ?? parseRetryAfter(first(headers['retry-after']), nowEpochMs);
  if (explicit !== undefined) return clamp(explicit, maxMs);
  let exhausted: number | undefined;
  let any: number | undefined;
  for (const [resetName, remainingName] of OPENAI_RESETS) {
    const ms = parseDuration(first(headers[resetName]));
    if (ms === undefined) continue;
    any = Math.max(any ?? 0, ms);
    if (first(headers[remainingName])?.trim() === '0') exhausted = Math.max(exhausted ?? 0, ms);
  }
  for (const limit of ANTHROPIC_LIMITS) {
    const reset = first(headers[`anthropic-ratelimit-${limit}-reset`]);
    const ms = reset !== undefined && RFC3339.test(reset.trim()) ? parseDate(reset, nowEpochMs) : undefined;
    if (ms === undefined) continue;
    any = Math.max(any ?? 0, ms);
    if (first(headers[`anthropic-ratelimit-${limit}-remaining`])?.trim() === '0')
      exhausted = Math.max(exhausted ?? 0, ms);
  }
  const chosen = exhausted ?? any;
  return chosen === undefined ? undefined : clamp(chosen, maxMs);
}

/** `retry-after`: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, nowEpochMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (SECONDS.test(text)) return Number(text) * 1000;
  // HTTP-dates always name a weekday and GMT; Date.parse alone would accept '1' or '2026'.
  return /^[A-Za-z]{3},? .*GMT$/.test(text) ? parseDate(text, nowEpochMs) : undefined;
}

/** An OpenAI reset duration (`6m0s`, `20ms`, `1h2m3.5s`) in ms. */
export function parseDuration(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const [, h, m, s, ms] = match;
  return Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0);
}

function parseMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return SECONDS.test(text) ? Number(text) : undefined;
}

/** An absolute date (RFC 3339 or HTTP-date) as ms from now; a past date is 0. */
function parseDate(value: string | undefined, nowEpochMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const at = Date.parse(value.trim());
  return Number.isFinite(at) ? Math.max(0, at - nowEpochMs) : undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function clamp(ms: number, maxMs: number): number | undefined {
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(Math.ceil(ms), maxMs);
}
