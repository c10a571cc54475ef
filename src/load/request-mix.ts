/**
 * Request mixes: what each scheduled request asks for. Weighted models, prompts from a prompt set,
 * a stream ratio (streams ask for `stream_options.include_usage`), a max_tokens distribution and
 * weighted client keys sent as `Authorization: Bearer`, plus fixed extra headers (an external
 * gateway's, extra-headers.ts). Every dimension draws from its own stream derived from the seed,
 * so changing one (say the stream ratio) leaves the others' draws as they were; plans are drawn
 * once per arrival in schedule order, dropped arrivals included, so the sequence never depends on
 * how the target behaved.
 */
import { deriveSeed, seededRandom } from '../random.js';
import { extraHeaders } from './extra-headers.js';
import { LoadOptionError } from './load-errors.js';
import { promptChoices, type PromptInput } from './prompt-set.js';
import { weightedPicker, type Picker, type Weighted } from './weighted.js';

export type MaxTokensSpec =
  | number
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'choices'; readonly choices: readonly Weighted<number>[] };

export interface ClientKey {
  /** Label recorded on each request (the token itself is never recorded). */
  readonly name: string;
  readonly token: string;
  readonly weight?: number;
}

export interface RequestMixSpec {
  /** One model, or weighted models. */
  readonly models: string | readonly Weighted<string>[];
  /** Prompts (see prompt-set.ts; load a file with loadPromptSet first). Default: a short greeting. */
  readonly prompts?: readonly PromptInput[];
  /** Share of requests with `stream: true`, 0..1. Default 0. */
  readonly streamRatio?: number;
  readonly maxTokens: MaxTokensSpec;
  /** Weighted bearer tokens; none sends no Authorization header. */
  readonly keys?: readonly ClientKey[];
  /** Sent with every request (an external target's `headers`, filled in); checked once, see extra-headers.ts. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RequestPlan {
  readonly model: string;
  readonly prompt: string;
  readonly stream: boolean;
  readonly maxTokens: number;
  readonly key: ClientKey | undefined;
  /** The mix's extra headers (one shared frozen object), or undefined. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

export type RequestMix = () => RequestPlan;

const DEFAULT_PROMPTS: readonly PromptInput[] = Object.freeze(['Reply with a short greeting.']);

/** Validates the spec once and returns a seeded plan source. */
export function createRequestMix(spec: RequestMixSpec, seed = 0): RequestMix {
  const stream = (name: string): (() => number) => seededRandom(deriveSeed(seed, `mix.${name}`));
  const models = typeof spec.models === 'string' ? [{ value: spec.models, weight: 1 }] : spec.models;
  const model = weightedPicker('models', models, stream('models'));
  const prompt = weightedPicker(
    'prompts',
    promptChoices('prompts', spec.prompts ?? DEFAULT_PROMPTS),
    stream('prompts'),
  );
  const ratio = spec.streamRatio ?? 0;
  if (!(ratio >= 0 && ratio <= 1))
    throw new LoadOptionError('streamRatio', spec.streamRatio, 'a share between 0 and 1');
  const streamDraw = stream('stream');
  const maxTokens = maxTokensPicker(spec.maxTokens, stream('maxTokens'));
  const keys = spec.keys ?? [];
  keys.forEach((k, i) => {
    if (typeof k.token !== 'string' || k.token.length === 0 || /[\r\n]/.test(k.token))
      throw new LoadOptionError(`keys[${i}].token`, '<redacted>', 'a non-empty single-line token');
  });
  const key: Picker<ClientKey | undefined> =
    keys.length === 0
      ? () => undefined
      : weightedPicker(
          'keys',
          keys.map((k) => ({ value: k, weight: k.weight ?? 1 })),
          stream('keys'),
        );
  const headers = spec.headers === undefined ? undefined : extraHeaders(spec.headers, keys.length > 0);
  return () => ({
    model: model(),
    prompt: prompt(),
    stream: ratio > 0 && streamDraw() < ratio,
    maxTokens: maxTokens(),
    key: key(),
    headers,
  });
}

/** The chat request body; the id is also written into the prompt so attribution survives header-stripping relays. */
export function requestBody(plan: RequestPlan, id: string): string {
  return JSON.stringify({
    model: plan.model,
    max_tokens: plan.maxTokens,
    messages: [{ role: 'user', content: `${plan.prompt} [relaybench:${id}]` }],
    ...(plan.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

/** Request headers for a plan: its extra headers if any, JSON, the request id, and the client key if any. */
export function requestHeaders(plan: RequestPlan, id: string): Record<string, string> {
  // Extra headers never name the ones set here (extra-headers.ts), so the order does not matter.
  const headers: Record<string, string> =
    plan.headers === undefined
      ? { 'content-type': 'application/json', 'x-request-id': id }
      : { ...plan.headers, 'content-type': 'application/json', 'x-request-id': id };
  if (plan.stream) headers.accept = 'text/event-stream';
  if (plan.key) headers.authorization = `Bearer ${plan.key.token}`;
  return headers;
}

function maxTokensPicker(spec: MaxTokensSpec, random: () => number): Picker<number> {
  if (typeof spec === 'number') return fixedTokens(spec);
  switch (spec.kind) {
    case 'fixed':
      return fixedTokens(spec.value);
    case 'uniform': {
      checkTokens('maxTokens.min', spec.min);
      checkTokens('maxTokens.max', spec.max);
      if (spec.max < spec.min) throw new LoadOptionError('maxTokens.max', spec.max, `>= maxTokens.min (${spec.min})`);
      const span = spec.max - spec.min + 1;
      return () => spec.min + Math.floor(random() * span); // inclusive range
    }
    case 'choices':
      spec.choices.forEach((c, i) => checkTokens(`maxTokens.choices[${i}].value`, c.value));
      return weightedPicker('maxTokens.choices', spec.choices, random);
    default: {
      const never: never = spec;
      throw new LoadOptionError('maxTokens', never, "a number, or { kind: 'fixed' | 'uniform' | 'choices' }");
    }
  }
}

function fixedTokens(value: number): Picker<number> {
  checkTokens('maxTokens', value);
  return () => value;
}

function checkTokens(field: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) throw new LoadOptionError(field, value, 'an integer > 0');
}
