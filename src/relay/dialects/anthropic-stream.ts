/**
 * Anthropic Messages SSE -> OpenAI chunks. Events: `message_start` (id, model, input usage) ->
 * role chunk; `content_block_start` of a `tool_use` -> a tool call chunk; `content_block_delta`
 * (`text_delta` -> content, `input_json_delta` -> tool call arguments); `message_delta`
 * (stop_reason -> finish chunk, cumulative output usage); `message_stop` -> done; `ping` ignored;
 * `error` -> an in-band failure. Unknown event types are ignored, as Anthropic asks of clients.
 */
import type { NormalizedUsage, SseEvent, StreamFault, StreamStep, StreamTranslator } from '../contract.js';
import { anthropicFinish, anthropicUsage } from './anthropic-mapping.js';
import type { StreamContext } from './dialect.js';
import { chunkJson, usageChunkJson } from './openai-shape.js';
import { inBandError, malformed, parseChunk, truncated } from './stream-faults.js';

export class AnthropicStream implements StreamTranslator {
  contentStarted = false;
  /** The stop reason arrived (its message_delta carries the final usage): only message_stop is left. */
  complete = false;
  private id: string;
  private model: string;
  private promptTokens = 0;
  private completionTokens = 0;
  private counted = false;
  private stopped = false;
  private done = false;
  /** Content block index -> OpenAI tool call index. */
  private readonly tools = new Map<number, number>();

  constructor(private readonly context: StreamContext) {
    this.id = `chatcmpl-${context.requestId}`;
    this.model = context.model;
  }

  push(event: SseEvent, out: string[]): StreamStep {
    if (this.done) return 'done';
    const data = parseChunk(event.data);
    if (data === undefined) return malformed(event.data);
    const type = data['type'] ?? event.event;
    switch (type) {
      case 'message_start': {
        const message = (data['message'] ?? {}) as Record<string, unknown>;
        if (typeof message['id'] === 'string') this.id = message['id'];
        if (typeof message['model'] === 'string') this.model = message['model'];
        this.count(message['usage']);
        out.push(this.chunk({ role: 'assistant', content: '' }, null));
        return 'more';
      }
      case 'content_block_start':
        return this.blockStart(data, out);
      case 'content_block_delta':
        return this.blockDelta(data, out);
      case 'message_delta': {
        this.count(data['usage']);
        const delta = (data['delta'] ?? {}) as Record<string, unknown>;
        if (delta['stop_reason'] !== undefined && delta['stop_reason'] !== null) {
          this.stopped = true;
          this.complete = true;
          this.contentStarted = true;
          out.push(this.chunk({}, anthropicFinish(delta['stop_reason'])));
        }
        return 'more';
      }
      case 'message_stop':
        this.done = true;
        this.pushUsage(out);
        return 'done';
      case 'error':
        return inBandError('anthropic', data);
      default:
        return 'more'; // ping, content_block_stop, and event types added later
    }
  }

  end(out: string[]): 'done' | StreamFault {
    if (this.done) return 'done';
    if (!this.stopped) return truncated();
    // Lenient: the stop reason arrived, only `message_stop` is missing.
    this.done = true;
    this.pushUsage(out);
    return 'done';
  }

  usage(): NormalizedUsage | undefined {
    return this.counted ? { promptTokens: this.promptTokens, completionTokens: this.completionTokens } : undefined;
  }

  private blockStart(data: Record<string, unknown>, out: string[]): StreamStep {
    const block = (data['content_block'] ?? {}) as Record<string, unknown>;
    if (block['type'] === 'tool_use') {
      const index = this.tools.size;
      this.tools.set(Number(data['index']), index);
      this.contentStarted = true;
      const call = { index, id: block['id'], type: 'function', function: { name: block['name'], arguments: '' } };
      out.push(this.chunk({ tool_calls: [call] }, null));
    } else if (block['type'] === 'text' && typeof block['text'] === 'string' && block['text'] !== '') {
      this.contentStarted = true;
      out.push(this.chunk({ content: block['text'] }, null));
    }
    return 'more';
  }

  private blockDelta(data: Record<string, unknown>, out: string[]): StreamStep {
    const delta = (data['delta'] ?? {}) as Record<string, unknown>;
    if (delta['type'] === 'text_delta' && typeof delta['text'] === 'string') {
      this.contentStarted = true;
      out.push(this.chunk({ content: delta['text'] }, null));
    } else if (delta['type'] === 'input_json_delta' && typeof delta['partial_json'] === 'string') {
      const index = this.tools.get(Number(data['index']));
      if (index === undefined) return malformed(JSON.stringify(data));
      out.push(this.chunk({ tool_calls: [{ index, function: { arguments: delta['partial_json'] } }] }, null));
    }
    // thinking_delta and signature_delta carry no answer text.
    return 'more';
  }

  /** Input tokens come with message_start, cumulative output tokens with each message_delta. */
  private count(value: unknown): void {
    const usage = anthropicUsage(value);
    if (usage === undefined) return;
    this.counted = true;
    if (usage.promptTokens > 0) this.promptTokens = usage.promptTokens;
    this.completionTokens = Math.max(this.completionTokens, usage.completionTokens);
  }

  private pushUsage(out: string[]): void {
    const usage = this.usage();
    if (this.context.includeUsage && usage !== undefined)
      out.push(usageChunkJson(this.id, this.context.created, this.model, usage));
  }

  private chunk(delta: object, finish: Parameters<typeof chunkJson>[4]): string {
    return chunkJson(this.id, this.context.created, this.model, delta, finish);
  }
}
