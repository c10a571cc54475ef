/**
 * Renders a {@link CompletionPlan} as OpenAI server-sent events: a role chunk, content chunks, a
 * finish chunk, an optional usage chunk (`stream_options.include_usage`), then `data: [DONE]`.
 * All chunks are written at once for now; drip and mid-stream faults come with fault control.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { CompletionPlan } from './openai-completion.js';

/** Words per content chunk. */
const WORDS_PER_CHUNK = 8;

/** Writes the whole stream and ends the response. */
export function writeCompletionStream(
  res: ServerResponse,
  plan: CompletionPlan,
  includeUsage: boolean,
  headers: OutgoingHttpHeaders,
): void {
  if (res.destroyed) return;
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const chunk = (choices: unknown[], usage?: unknown): string =>
    `data: ${JSON.stringify({
      id: plan.id,
      object: 'chat.completion.chunk',
      created: plan.created,
      model: plan.model,
      system_fingerprint: 'fp_relaybench_mock',
      choices,
      ...(includeUsage ? { usage: usage ?? null } : {}),
    })}\n\n`;
  const delta = (content: Record<string, unknown>, finish: string | null): unknown[] => [
    { index: 0, delta: content, logprobs: null, finish_reason: finish },
  ];

  let out = chunk(delta({ role: 'assistant', content: '' }, null));
  for (let i = 0; i < plan.words.length; i += WORDS_PER_CHUNK) {
    const text = plan.words.slice(i, i + WORDS_PER_CHUNK).join(' ');
    out += chunk(delta({ content: i === 0 ? text : ` ${text}` }, null));
  }
  out += chunk(delta({}, 'stop'));
  if (includeUsage) out += chunk([], plan.usage);
  res.end(`${out}data: [DONE]\n\n`);
}
