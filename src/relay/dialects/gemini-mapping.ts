/** Gemini -> OpenAI mappings shared by the JSON and the stream path: candidates, finish, usage. */
import type { NormalizedUsage } from '../contract.js';
import type { FinishReason } from './openai-shape.js';

const FINISH: ReadonlyMap<unknown, FinishReason> = new Map<unknown, FinishReason>([
  ['STOP', 'stop'],
  ['MAX_TOKENS', 'length'],
  ['SAFETY', 'content_filter'],
  ['RECITATION', 'content_filter'],
  ['BLOCKLIST', 'content_filter'],
  ['PROHIBITED_CONTENT', 'content_filter'],
  ['SPII', 'content_filter'],
  ['IMAGE_SAFETY', 'content_filter'],
]);

/** Gemini `finishReason` -> OpenAI `finish_reason`; null while the candidate is unfinished. */
export function geminiFinish(reason: unknown, hasToolCalls: boolean): FinishReason {
  if (reason === undefined || reason === null || reason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (hasToolCalls) return 'tool_calls';
  return FINISH.get(reason) ?? 'stop';
}

/** Output counts thinking tokens too: they are billed as output. */
export function geminiUsage(value: unknown): NormalizedUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage = value as Record<string, unknown>;
  return {
    promptTokens: num(usage['promptTokenCount']),
    completionTokens: num(usage['candidatesTokenCount']) + num(usage['thoughtsTokenCount']),
  };
}

/** An OpenAI tool call as a stream delta carries it (`index` dropped in whole completions). */
export interface IndexedToolCall {
  readonly index: number;
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: unknown; readonly arguments: string };
}

/** Text and OpenAI tool calls of a candidate; thought parts are not answer text. */
export function candidateParts(
  candidate: unknown,
  firstToolIndex: number,
): { text: string; toolCalls: IndexedToolCall[] } {
  let text = '';
  const toolCalls: IndexedToolCall[] = [];
  const content = isObject(candidate) ? candidate['content'] : undefined;
  const parts = isObject(content) && Array.isArray(content['parts']) ? (content['parts'] as unknown[]) : [];
  for (const part of parts) {
    if (!isObject(part) || part['thought'] === true) continue;
    if (typeof part['text'] === 'string') text += part['text'];
    const call = part['functionCall'];
    if (isObject(call)) {
      const index = firstToolIndex + toolCalls.length;
      const id = typeof call['id'] === 'string' ? call['id'] : `call_${index}`;
      toolCalls.push({
        index,
        id,
        type: 'function',
        function: { name: call['name'], arguments: JSON.stringify(call['args'] ?? {}) },
      });
    }
  }
  return { text, toolCalls };
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
