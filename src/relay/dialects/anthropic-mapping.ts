/** Anthropic -> OpenAI mappings shared by the JSON and the stream path: stop reasons and usage. */
import type { NormalizedUsage } from '../contract.js';
import type { FinishReason } from './openai-shape.js';

const STOP_REASONS: ReadonlyMap<unknown, FinishReason> = new Map<unknown, FinishReason>([
  ['end_turn', 'stop'],
  ['stop_sequence', 'stop'],
  ['pause_turn', 'stop'],
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['tool_use', 'tool_calls'],
  ['refusal', 'content_filter'],
]);

/** Anthropic `stop_reason` -> OpenAI `finish_reason` (unknown reasons read as `stop`). */
export function anthropicFinish(reason: unknown): FinishReason {
  return STOP_REASONS.get(reason) ?? 'stop';
}

/** Input counts cache writes and reads too: all of it is prompt the provider processed. */
export function anthropicUsage(value: unknown): NormalizedUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage = value as Record<string, unknown>;
  return {
    promptTokens:
      num(usage['input_tokens']) + num(usage['cache_creation_input_tokens']) + num(usage['cache_read_input_tokens']),
    completionTokens: num(usage['output_tokens']),
  };
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
