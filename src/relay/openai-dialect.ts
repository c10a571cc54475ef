/**
 * The OpenAI-compatible dialect (OpenAI, DeepSeek and most gateways): the client's request goes
 * out as it came, with the target's model forced when configured; a 2xx body is parsed only to
 * check that it holds a completion.
 */
import { classify } from './classify.js';
import type { AttemptOutcome } from './policies/policy.js';
import type { RelayTarget } from './target.js';
import type { UpstreamClient } from './upstream.js';

/** A validated client request, kept raw so it is forwarded without re-serialising. */
export interface ChatPayload {
  readonly raw: Buffer;
  readonly json: Readonly<Record<string, unknown>>;
  readonly requestId: string;
}

/** One attempt against one OpenAI-compatible target; never rejects for upstream failures. */
export async function sendOpenAIChat(
  client: UpstreamClient,
  target: RelayTarget,
  payload: ChatPayload,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  let response;
  try {
    response = await client.send({
      origin: target.origin,
      path: target.completionsPath,
      headers: { ...target.headers, 'x-request-id': payload.requestId },
      body: bodyFor(target, payload),
      signal,
    });
  } catch (error) {
    return { verdict: classify({ error }), error };
  }
  const ok = response.status >= 200 && response.status < 300;
  const body = ok ? parseOrText(response.body) : undefined;
  return { verdict: classify({ status: response.status, body }), response };
}

function bodyFor(target: RelayTarget, payload: ChatPayload): string | Buffer {
  if (target.model === undefined || target.model === payload.json['model']) return payload.raw;
  return JSON.stringify({ ...payload.json, model: target.model });
}

/** The parsed JSON, or the raw text when it does not parse (the classifier calls that malformed). */
function parseOrText(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
