/**
 * Gemini `streamGenerateContent?alt=sse` -> OpenAI chunks. Every event is a whole
 * GenerateContentResponse holding the next piece of the first candidate; the one with a
 * `finishReason` (and the final `usageMetadata`) is the last. There is no terminal event: a
 * clean EOF after a finish reason is the end, EOF before it a cut. `{ error }` data is in-band.
 */
import type { NormalizedUsage, SseEvent, StreamFault, StreamStep, StreamTranslator } from '../contract.js';
import type { StreamContext } from './dialect.js';
import { candidateParts, geminiFinish, geminiUsage } from './gemini-mapping.js';
import { chunkJson, usageChunkJson } from './openai-shape.js';
import { inBandError, malformed, parseChunk, truncated } from './stream-faults.js';

export class GeminiStream implements StreamTranslator {
  contentStarted = false;
  /** The finish reason and usage metadata arrived: only EOF is left. */
  complete = false;
  private id: string;
  private model: string;
  private started = false;
  private finished = false;
  private toolCalls = 0;
  private counted: NormalizedUsage | undefined;

  constructor(private readonly context: StreamContext) {
    this.id = `chatcmpl-${context.requestId}`;
    this.model = context.model;
  }

  push(event: SseEvent, out: string[]): StreamStep {
    const data = parseChunk(event.data);
    if (data === undefined) return malformed(event.data);
    if (data['error'] !== undefined && data['error'] !== null) return inBandError('gemini', data);
    if (!this.started) {
      this.started = true;
      if (typeof data['responseId'] === 'string') this.id = data['responseId'];
      if (typeof data['modelVersion'] === 'string') this.model = data['modelVersion'];
      out.push(this.chunk({ role: 'assistant', content: '' }, null));
    }
    const usage = geminiUsage(data['usageMetadata']);
    if (usage !== undefined) this.counted = usage;
    const candidates = data['candidates'];
    const candidate = Array.isArray(candidates) ? (candidates[0] as unknown) : undefined;
    if (candidate === undefined) {
      // A blocked prompt: promptFeedback and no candidate.
      if (typeof data['promptFeedback'] === 'object' && data['promptFeedback'] !== null)
        this.finish('content_filter', out);
      return 'more';
    }
    const { text, toolCalls } = candidateParts(candidate, this.toolCalls);
    if (text !== '') {
      this.contentStarted = true;
      out.push(this.chunk({ content: text }, null));
    }
    if (toolCalls.length > 0) {
      this.toolCalls += toolCalls.length;
      this.contentStarted = true;
      out.push(this.chunk({ tool_calls: toolCalls }, null));
    }
    const finish = geminiFinish((candidate as Record<string, unknown>)['finishReason'], this.toolCalls > 0);
    if (finish !== null) this.finish(finish, out);
    if (this.finished && usage !== undefined) this.complete = true;
    return 'more';
  }

  end(out: string[]): 'done' | StreamFault {
    if (!this.finished) return truncated();
    if (this.context.includeUsage && this.counted !== undefined) {
      out.push(usageChunkJson(this.id, this.context.created, this.model, this.counted));
    }
    return 'done';
  }

  usage(): NormalizedUsage | undefined {
    return this.counted;
  }

  private finish(reason: Parameters<typeof chunkJson>[4], out: string[]): void {
    if (this.finished) return;
    this.finished = true;
    this.contentStarted = true;
    out.push(this.chunk({}, reason));
  }

  private chunk(delta: object, finish: Parameters<typeof chunkJson>[4]): string {
    return chunkJson(this.id, this.context.created, this.model, delta, finish);
  }
}
