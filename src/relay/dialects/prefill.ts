/**
 * Assistant prefill, per dialect: how a target is asked to continue an answer from the text a
 * client already received (`policies.streams.continueOnCut`). The request goes out as the
 * client's, plus a final assistant turn holding that text:
 *
 * - Anthropic: a final assistant message is a native prefill. Anthropic refuses one ending in
 *   whitespace (400 "final assistant content cannot end with trailing whitespace"), so trailing
 *   whitespace is cut from it and reported as `trimmed` (the client already has it).
 * - Gemini: a final `model` turn.
 * - OpenAI-compatible: OpenAI itself does not honour a final assistant message as a prefill (it
 *   answers a new turn, repeating the text), so the default is `none`: such targets are never asked
 *   to continue. `prefix` marks the message `prefix: true` (DeepSeek's chat prefix completion, on
 *   its `/beta` base URL); `continue_final_message` adds vLLM's `continue_final_message: true,
 *   add_generation_prompt: false`; `assistant` sends the bare message (servers that treat it so).
 */
import type { DialectName, PrefillMode } from '../contract.js';
import { maxTokensOf, type ChatMessage, type ChatRequest } from './chat-request.js';

export type { PrefillMode } from '../contract.js';

export const PREFILL_MODES = ['none', 'assistant', 'prefix', 'continue_final_message'] as const;

/** The modes each dialect can send (`prefix` and `continue_final_message` are OpenAI-compatible extensions). */
export const PREFILL_MODES_BY_DIALECT: Readonly<Record<DialectName, readonly PrefillMode[]>> = Object.freeze({
  openai: PREFILL_MODES,
  anthropic: ['none', 'assistant'],
  gemini: ['none', 'assistant'],
});

/** A provider's mode when its config names none. */
export const DEFAULT_PREFILL: Readonly<Record<DialectName, PrefillMode>> = Object.freeze({
  openai: 'none',
  anthropic: 'assistant',
  gemini: 'assistant',
});

/** What a continuation needs of a target. */
export interface PrefillTarget {
  readonly dialect: DialectName;
  readonly prefill?: PrefillMode | undefined;
}

/** The target's prefill mode (its configured one, else its dialect's default). */
export function prefillModeOf(target: PrefillTarget): PrefillMode {
  return target.prefill ?? DEFAULT_PREFILL[target.dialect];
}

export interface ContinuationRequest {
  readonly request: ChatRequest;
  /** Trailing whitespace of the text left out of the prefill (Anthropic); the answer may repeat it. */
  readonly trimmed: string;
}

/**
 * `request` asking `target` to continue from `text`, of which `usedTokens` were generated: the
 * client's output-token limit, when set, bounds the whole answer, so it shrinks by those (at least 1).
 */
export function continuationRequest(
  request: ChatRequest,
  text: string,
  usedTokens: number,
  target: PrefillTarget,
): ContinuationRequest {
  const mode = prefillModeOf(target);
  const prefill = target.dialect === 'anthropic' ? text.trimEnd() : text;
  const trimmed = text.slice(prefill.length);
  // An empty assistant turn is refused by Anthropic and means nothing elsewhere: the answer starts afresh.
  const messages = prefill === '' ? request.messages : [...request.messages, assistantTurn(prefill, mode)];
  const out: Record<string, unknown> = { ...request, messages };
  const max = maxTokensOf(request);
  if (max !== undefined) {
    const left = Math.max(1, max - usedTokens);
    if (request.max_completion_tokens !== undefined && request.max_completion_tokens !== null)
      out['max_completion_tokens'] = left;
    if (request.max_tokens !== undefined && request.max_tokens !== null) out['max_tokens'] = left;
  }
  if (mode === 'continue_final_message' && prefill !== '') {
    out['continue_final_message'] = true;
    out['add_generation_prompt'] = false;
  }
  return { request: out as ChatRequest, trimmed };
}

function assistantTurn(text: string, mode: PrefillMode): ChatMessage {
  return mode === 'prefix' ? { role: 'assistant', content: text, prefix: true } : { role: 'assistant', content: text };
}
