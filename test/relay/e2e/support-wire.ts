/**
 * Upstream behaviours for the end-to-end tests, in each dialect's wire format: OpenAI chat
 * completions (JSON and SSE), Anthropic Messages (JSON and SSE, errors like 529
 * `overloaded_error`), Gemini generateContent / streamGenerateContent?alt=sse; plus the generic
 * faults (status, reset, stall, delay, a scripted sequence).
 */
import type { Behaviour, Exchange } from './support.js';

export interface Usage {
  readonly prompt: number;
  readonly completion: number;
}

const DEFAULT_USAGE: Usage = { prompt: 10, completion: 5 };

// ---------------------------------------------------------------- generic

/** Answers `status` with a JSON body and extra headers. */
export function status(code: number, body: unknown, headers: Record<string, string> = {}): Behaviour {
  return ({ res }) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
}

/** Destroys the connection without answering. */
export const reset: Behaviour = ({ req }) => req.socket.destroy();

/** Never answers. */
export const stall: Behaviour = () => {};

/** Waits `ms` (unless the connection closes first), then behaves as `then`. */
export function delayed(ms: number, then: Behaviour): Behaviour {
  return (exchange) => exchange.after(ms, () => then(exchange));
}

/** The n-th request gets the n-th behaviour; the last one repeats. */
export function sequence(...behaviours: Behaviour[]): Behaviour {
  return (exchange) => behaviours[Math.min(exchange.seen.index, behaviours.length - 1)]!(exchange);
}

/** An OpenAI-shaped error body. */
export function openaiError(
  message: string,
  type = 'server_error',
  code: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

function startSse(res: Exchange['res']): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

// ---------------------------------------------------------------- OpenAI

export function openaiCompletion(
  text: string,
  usage: Usage = DEFAULT_USAGE,
  model = 'upstream-model',
): Record<string, unknown> {
  return {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  };
}

/** 200 with a chat.completion whose content is `text`. */
export function openaiJson(text: string, usage?: Usage): Behaviour {
  return (exchange) => status(200, openaiCompletion(text, usage, String(exchange.json()['model'])))(exchange);
}

/** JSON or an event stream, as the request asks (`stream: true`). */
export function openaiAny(text: string, usage?: Usage): Behaviour {
  return (exchange) =>
    (exchange.json()['stream'] === true
      ? openaiSse([text], usage === undefined ? {} : { usage })
      : openaiJson(text, usage))(exchange);
}

function openaiChunk(delta: Record<string, unknown>, finish: string | null): string {
  const choices = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
  return `data: ${JSON.stringify({ id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'upstream-model', choices })}\n\n`;
}

export interface OpenAISseOptions {
  readonly usage?: Usage;
  /** Destroy the connection after the role chunk and this many content pieces (no finish, no [DONE]). */
  readonly cutAfter?: number;
  /** Pause between events, so they arrive as separate reads. */
  readonly gapMs?: number;
}

/** An OpenAI event stream: role chunk, one chunk per piece, finish, usage (if asked), `[DONE]`. */
export function openaiSse(pieces: readonly string[], options: OpenAISseOptions = {}): Behaviour {
  return (exchange) => {
    const request = exchange.json();
    const usage = options.usage ?? DEFAULT_USAGE;
    const events = [
      openaiChunk({ role: 'assistant', content: '' }, null),
      ...pieces.map((piece) => openaiChunk({ content: piece }, null)),
    ];
    const cut = options.cutAfter !== undefined;
    if (cut) events.length = 1 + options.cutAfter!;
    else {
      events.push(openaiChunk({}, 'stop'));
      if (request['stream_options']?.['include_usage'] === true) {
        const chunk = {
          id: 'chatcmpl-upstream',
          object: 'chat.completion.chunk',
          created: 1_700_000_000,
          model: 'upstream-model',
          choices: [],
          usage: {
            prompt_tokens: usage.prompt,
            completion_tokens: usage.completion,
            total_tokens: usage.prompt + usage.completion,
          },
        };
        events.push(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      events.push('data: [DONE]\n\n');
    }
    startSse(exchange.res);
    writeSpaced(exchange, events, options.gapMs ?? 0, () =>
      cut ? exchange.after(50, () => exchange.req.socket.destroy()) : exchange.res.end(),
    );
  };
}

/** Writes `events` `gapMs` apart, then calls `done`. */
function writeSpaced(exchange: Exchange, events: readonly string[], gapMs: number, done: () => void): void {
  if (gapMs === 0) {
    for (const event of events) exchange.res.write(event);
    return done();
  }
  const next = (i: number): void => {
    if (i === events.length) return done();
    exchange.res.write(events[i]!);
    exchange.after(gapMs, () => next(i + 1));
  };
  next(0);
}

// ---------------------------------------------------------------- Anthropic Messages

/** 200 with a Messages API answer. */
export function anthropicJson(text: string, usage: Usage = DEFAULT_USAGE): Behaviour {
  return (exchange) =>
    status(200, {
      id: 'msg_upstream',
      type: 'message',
      role: 'assistant',
      model: String(exchange.json()['model']),
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.prompt, output_tokens: usage.completion },
    })(exchange);
}

/** Anthropic's error shape, e.g. `anthropicError('overloaded_error', 'Overloaded')` with 529. */
export function anthropicError(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

/** A Messages event stream. */
export function anthropicSse(pieces: readonly string[], usage: Usage = DEFAULT_USAGE): Behaviour {
  return (exchange) => {
    const model = String(exchange.json()['model']);
    const event = (type: string, data: Record<string, unknown>): string =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    startSse(exchange.res);
    exchange.res.write(
      event('message_start', {
        message: {
          id: 'msg_upstream',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          usage: { input_tokens: usage.prompt, output_tokens: 1 },
        },
      }),
    );
    exchange.res.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    for (const piece of pieces)
      exchange.res.write(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
    exchange.res.write(event('content_block_stop', { index: 0 }));
    exchange.res.write(
      event('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage.completion },
      }),
    );
    exchange.res.end(event('message_stop', {}));
  };
}

// ---------------------------------------------------------------- Gemini generateContent

function geminiAnswer(text: string, finish: string | undefined, usage: Usage | undefined): Record<string, unknown> {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        index: 0,
        ...(finish === undefined ? {} : { finishReason: finish }),
      },
    ],
    ...(usage === undefined
      ? {}
      : {
          usageMetadata: {
            promptTokenCount: usage.prompt,
            candidatesTokenCount: usage.completion,
            totalTokenCount: usage.prompt + usage.completion,
          },
        }),
    modelVersion: 'gemini-upstream',
    responseId: 'resp-upstream',
  };
}

/** 200 with a generateContent answer. */
export function geminiJson(text: string, usage: Usage = DEFAULT_USAGE): Behaviour {
  return status(200, geminiAnswer(text, 'STOP', usage));
}

/** A streamGenerateContent?alt=sse stream: one answer per piece, the last with finishReason and usage. */
export function geminiSse(pieces: readonly string[], usage: Usage = DEFAULT_USAGE): Behaviour {
  return ({ res }) => {
    startSse(res);
    pieces.forEach((piece, i) => {
      const last = i === pieces.length - 1;
      res.write(
        `data: ${JSON.stringify(geminiAnswer(piece, last ? 'STOP' : undefined, last ? usage : undefined))}\r\n\r\n`,
      );
    });
    res.end();
  };
}
