/**
 * The OpenAI-compatible dialect (OpenAI, DeepSeek, most gateways): the request goes out as the
 * client sent it with the target's model forced; answers and chunks pass through byte for byte,
 * parsed only to classify them and to read usage. Streams always ask upstream for usage (the
 * relay needs it for cost); the usage chunk reaches the client only if the client asked for it.
 */
import { classify } from '../classify.js';
import type { NormalizedUsage, SseEvent, StreamFault, StreamStep, StreamTranslator } from '../contract.js';
import type { Dialect, StreamContext } from './dialect.js';
import { endpointPath, upstreamModel } from './endpoint.js';
import { failureOutcome, parseJsonOrText } from './openai-shape.js';
import { inBandError, malformed, parseChunk, truncated } from './stream-faults.js';

export const openaiDialect: Dialect = Object.freeze<Dialect>({
  name: 'openai',
  buildRequest(target, request, requestId) {
    const stream = request.stream === true;
    const body = stream
      ? {
          ...request,
          model: upstreamModel(target, request),
          stream_options: { ...request.stream_options, include_usage: true },
        }
      : { ...request, model: upstreamModel(target, request) };
    return {
      path: endpointPath(target, '/chat/completions'),
      headers: { 'content-type': 'application/json', ...target.headers, 'x-request-id': requestId },
      body: JSON.stringify(body),
    };
  },
  parseResponse(status, headers, raw, context) {
    if (status < 200 || status >= 300) return failureOutcome('openai', status, headers, raw);
    const parsed = parseJsonOrText(raw);
    const verdict = classify({ status, body: parsed, dialect: 'openai' });
    if (verdict.kind !== 'ok') return failureOutcome('openai', status, headers, raw, parsed);
    const record = parsed as Record<string, unknown>;
    return {
      verdict,
      response: {
        kind: 'json',
        status,
        body: raw,
        model: typeof record['model'] === 'string' ? record['model'] : context.model,
        usage: usageOf(record['usage']),
        elapsedMs: context.elapsedMs,
      },
    };
  },
  parseStream: (context) => new OpenAIStream(context),
});

/** OpenAI `usage` -> normalised, or undefined when absent. */
export function usageOf(value: unknown): NormalizedUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion } = value as Record<string, unknown>;
  if (typeof prompt !== 'number' && typeof completion !== 'number') return undefined;
  return {
    promptTokens: typeof prompt === 'number' ? prompt : 0,
    completionTokens: typeof completion === 'number' ? completion : 0,
  };
}

class OpenAIStream implements StreamTranslator {
  contentStarted = false;
  /** Usage arrived with or after the finish chunk: the usage-only chunk ends an answer. */
  complete = false;
  private finished = false;
  private done = false;
  private counted: NormalizedUsage | undefined;

  constructor(private readonly context: StreamContext) {}

  push(event: SseEvent, out: string[]): StreamStep {
    if (this.done) return 'done';
    if (event.data === '[DONE]') {
      this.done = true;
      return 'done';
    }
    const chunk = parseChunk(event.data);
    if (chunk === undefined) return malformed(event.data);
    if (chunk['error'] !== undefined && chunk['error'] !== null) return inBandError('openai', chunk);
    const usage = usageOf(chunk['usage']);
    if (usage !== undefined) this.counted = usage;
    const choices = chunk['choices'];
    if (Array.isArray(choices) && choices.length === 0) {
      // The usage-only chunk: forwarded only when the client asked for it.
      if (this.context.includeUsage) out.push(event.data);
      if (this.finished && usage !== undefined) this.complete = true;
      return 'more';
    }
    if (!this.contentStarted || !this.finished) this.inspect(choices);
    if (this.finished && usage !== undefined) this.complete = true;
    out.push(event.data);
    return 'more';
  }

  end(out: string[]): 'done' | StreamFault {
    void out;
    // Lenient: some compatible servers close after the finish chunk without `[DONE]`.
    if (this.done || this.finished) return 'done';
    return truncated();
  }

  usage(): NormalizedUsage | undefined {
    return this.counted;
  }

  private inspect(choices: unknown): void {
    const choice = Array.isArray(choices) ? (choices[0] as Record<string, unknown> | undefined) : undefined;
    if (typeof choice !== 'object' || choice === null) return;
    if (choice['finish_reason'] !== null && choice['finish_reason'] !== undefined) {
      this.finished = true;
      this.contentStarted = true;
      return;
    }
    const delta = choice['delta'] as Record<string, unknown> | undefined;
    if (typeof delta !== 'object' || delta === null) return;
    if (
      nonEmpty(delta['content']) ||
      nonEmpty(delta['reasoning_content']) ||
      nonEmpty(delta['refusal']) ||
      Array.isArray(delta['tool_calls'])
    ) {
      this.contentStarted = true;
    }
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
