/**
 * The Gemini dialect: POST `{baseUrl}/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse` for streams (baseUrl like
 * `https://generativelanguage.googleapis.com/v1beta`); the target's headers carry `x-goog-api-key`.
 * Only the first candidate is translated.
 */
import { classify } from '../classify.js';
import type { Dialect } from './dialect.js';
import { endpointPath, upstreamModel } from './endpoint.js';
import { candidateParts, geminiFinish, geminiUsage } from './gemini-mapping.js';
import { geminiBody } from './gemini-request.js';
import { GeminiStream } from './gemini-stream.js';
import { completionJson, failureOutcome, parseJsonOrText } from './openai-shape.js';

export const geminiDialect: Dialect = Object.freeze<Dialect>({
  name: 'gemini',
  buildRequest(target, request, requestId) {
    // Model ids are accepted with or without the `models/` prefix.
    const model = upstreamModel(target, request).replace(/^models\//, '');
    const path =
      request.stream === true
        ? endpointPath(target, `/models/${encodeURIComponent(model)}:streamGenerateContent`, 'alt=sse')
        : endpointPath(target, `/models/${encodeURIComponent(model)}:generateContent`);
    return {
      path,
      headers: { 'content-type': 'application/json', ...target.headers, 'x-request-id': requestId },
      body: JSON.stringify(geminiBody(request)),
    };
  },
  parseResponse(status, headers, raw, context) {
    if (status < 200 || status >= 300) return failureOutcome('gemini', status, headers, raw);
    const parsed = parseJsonOrText(raw);
    const verdict = classify({ status, body: parsed, dialect: 'gemini' });
    if (verdict.kind !== 'ok') return failureOutcome('gemini', status, headers, raw, parsed);
    const answer = parsed as Record<string, unknown>;
    const candidate = Array.isArray(answer['candidates']) ? (answer['candidates'][0] as unknown) : undefined;
    const { text, toolCalls } = candidateParts(candidate, 0);
    const reason =
      typeof candidate === 'object' && candidate !== null
        ? (candidate as Record<string, unknown>)['finishReason']
        : undefined;
    // No candidate at all: the prompt itself was blocked (promptFeedback.blockReason).
    const finish = candidate === undefined ? 'content_filter' : (geminiFinish(reason, toolCalls.length > 0) ?? 'stop');
    const usage = geminiUsage(answer['usageMetadata']);
    const model = typeof answer['modelVersion'] === 'string' ? answer['modelVersion'] : context.model;
    const body = completionJson({
      id: typeof answer['responseId'] === 'string' ? answer['responseId'] : `chatcmpl-${context.requestId}`,
      created: context.created,
      model,
      text,
      toolCalls: toolCalls.map(({ index: _index, ...call }) => call),
      finish,
      usage,
    });
    return { verdict, response: { kind: 'json', status, body, model, usage, elapsedMs: context.elapsedMs } };
  },
  parseStream: (context) => new GeminiStream(context),
});
