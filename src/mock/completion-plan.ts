/**
 * What a mock answers, decided once per request and independent of the dialect: the parsed
 * request's essentials in, a completion (id, words, token counts) out, so that JSON and stream
 * renderings of the same request agree.
 */
import type { Random } from '../random.js';

/** Completion length when the request sets no limit, and the hard cap on any limit. */
export const COMPLETION_TOKENS = Object.freeze({ defaultMax: 64, cap: 4096 });

const WORDS = ['the', 'relay', 'answers', 'quickly', 'while', 'a', 'provider', 'recovers', 'from', 'load'];

/** A completion request in any dialect, reduced to what the mock needs. */
export interface MockRequest {
  /** Undefined when the dialect allows omitting it (the provider's default model answers). */
  readonly model: string | undefined;
  /** `ceil(chars / 4)` over the request's text, at least 1. */
  readonly promptTokens: number;
  readonly maxTokens: number | undefined;
  readonly stream: boolean;
  /** OpenAI `stream_options.include_usage`; other dialects always report usage. */
  readonly includeUsage: boolean;
  /** For attribution markers. */
  readonly lastUserText: string;
  /**
   * The text of a final assistant (Gemini: `model`) turn: a prefill the answer must continue.
   * Undefined when the conversation ends with another role or the turn has no text.
   */
  readonly prefill?: string | undefined;
}

/** One answer: one word per completion token. */
export interface Completion {
  readonly id: string;
  /** Epoch seconds. */
  readonly created: number;
  readonly model: string;
  readonly words: readonly string[];
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** The answer continues a prefill: its first word, too, is preceded by a space. */
  readonly continues?: boolean;
}

/** Draws between half and all of the requested limit (bounded by {@link COMPLETION_TOKENS}). */
export function planCompletion(request: MockRequest, id: string, defaultModel: string, random: Random): Completion {
  const limit = Math.min(request.maxTokens ?? COMPLETION_TOKENS.defaultMax, COMPLETION_TOKENS.cap);
  const low = Math.ceil(limit / 2);
  const completionTokens = low + Math.floor(random() * (limit - low + 1));
  const words = new Array<string>(completionTokens);
  for (let i = 0; i < completionTokens; i++) words[i] = WORDS[Math.floor(random() * WORDS.length)]!;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    model: request.model ?? defaultModel,
    words,
    promptTokens: request.promptTokens,
    completionTokens,
  };
}

/** The text of token `index`: words are space-separated. */
export function tokenText(completion: Completion, index: number): string {
  const word = completion.words[index] ?? '';
  return index === 0 && completion.continues !== true ? word : ` ${word}`;
}

/** The whole answer's text, as JSON answers carry it. */
export function answerText(completion: Completion): string {
  const text = completion.words.join(' ');
  return completion.continues === true ? ` ${text}` : text;
}

/** Prompt tokens for `chars` characters of text: ~4 characters per token, at least 1. */
export function tokensForChars(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}
