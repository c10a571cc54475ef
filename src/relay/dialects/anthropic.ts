/**
 * The Anthropic Messages dialect: POST `{baseUrl}/messages` (baseUrl like
 * `https://api.anthropic.com/v1`); the target's headers carry `x-api-key` and
 * `anthropic-version`. Answers become chat.completion objects with normalised usage.
 */
import { classify } from '../classify.js';
import { anthropicFinish, anthropicUsage } from './anthropic-mapping.js';
import { anthropicBody } from './anthropic-request.js';
import { AnthropicStream } from './anthropic-stream.js';
import type { Dialect } from './dialect.js';
import { endpointPath, upstreamModel } from './endpoint.js';
import { completionJson, failureOutcome, parseJsonOrText } from './openai-shape.js';

export const anthropicDialect: Dialect = Object.freeze<Dialect>({
  name: 'anthropic',
  buildRequest(target, request, requestId) {
    return {
      path: endpointPath(target, '/messages'),
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...target.headers,
        'x-request-id': requestId,
      },
      body: JSON.stringify(anthropicBody(request, upstreamModel(target, request))),
    };
  },
  parseResponse(status, headers, raw, context) {
    if (status < 200 || status >= 300) return failureOutcome('anthropic', status, headers, raw);
    const parsed = parseJsonOrText(raw);
    const verdict = classify({ status, body: parsed, dialect: 'anthropic' });
    if (verdict.kind !== 'ok') return failureOutcome('anthropic', status, headers, raw, parsed);
    const message = parsed as Record<string, unknown>;
    let text = '';
    const toolCalls: object[] = [];
    for (const block of message['content'] as Array<Record<string, unknown>>) {
      if (block['type'] === 'text' && typeof block['text'] === 'string') text += block['text'];
      else if (block['type'] === 'tool_use') {
        toolCalls.push({
          id: block['id'],
          type: 'function',
          function: { name: block['name'], arguments: JSON.stringify(block['input'] ?? {}) },
        });
      }
    }
    const usage = anthropicUsage(message['usage']);
    const model = typeof message['model'] === 'string' ? message['model'] : context.model;
    const body = completionJson({
      id: typeof message['id'] === 'string' ? message['id'] : `chatcmpl-${context.requestId}`,
      created: context.created,
      model,
      text,
      toolCalls,
      finish: anthropicFinish(message['stop_reason']),
      usage,
    });
    return { verdict, response: { kind: 'json', status, body, model, usage, elapsedMs: context.elapsedMs } };
  },
  parseStream: (context) => new AnthropicStream(context),
});
