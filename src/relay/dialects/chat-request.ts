/**
 * The client's OpenAI chat-completions request, as every dialect adapter reads it, and its one
 * validation at the front door. Validation checks types and ranges only (the model alias is the
 * router's business) and keeps unknown fields, so OpenAI-compatible targets receive them.
 * `null` counts as absent for every optional field, as OpenAI's API accepts.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

/** `{ type: 'text', text }`, `{ type: 'image_url', image_url: { url } }`, or another part type. */
export interface ChatContentPart {
  readonly type: string;
  readonly text?: string;
  readonly image_url?: { readonly url: string; readonly detail?: string };
  readonly [field: string]: unknown;
}

export interface ChatToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content?: string | readonly ChatContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly ChatToolCall[] | null;
  readonly tool_call_id?: string;
  readonly [field: string]: unknown;
}

export interface ChatTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters?: object };
}

export type ChatToolChoice =
  'none' | 'auto' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream?: boolean | null;
  readonly stream_options?: { readonly include_usage?: boolean | null } | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly max_tokens?: number | null;
  readonly max_completion_tokens?: number | null;
  readonly stop?: string | readonly string[] | null;
  readonly seed?: number | null;
  readonly n?: number | null;
  readonly presence_penalty?: number | null;
  readonly frequency_penalty?: number | null;
  readonly tools?: readonly ChatTool[] | null;
  readonly tool_choice?: ChatToolChoice | null;
  readonly response_format?: { readonly type: string; readonly [field: string]: unknown } | null;
  readonly user?: string | null;
  readonly [field: string]: unknown;
}

/** What is wrong with a request: answer 400 with `param: field`. A class, so it never looks like a request. */
export class ChatRequestInvalid {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

/** `max_completion_tokens` (current name) or `max_tokens` (legacy), whichever is set. */
export function maxTokensOf(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

/** True when the client asked for the trailing usage chunk of a stream. */
export function wantsStreamUsage(request: ChatRequest): boolean {
  return request.stream === true && request.stream_options?.include_usage === true;
}

/** `stop` as a list. */
export function stopList(request: ChatRequest): readonly string[] | undefined {
  const stop = request.stop;
  return stop === undefined || stop === null ? undefined : typeof stop === 'string' ? [stop] : stop;
}

/** Validates a parsed JSON body; returns it typed, or what is wrong naming the field. */
export function validateChatRequest(json: unknown): ChatRequest | ChatRequestInvalid {
  if (!isObject(json))
    return new ChatRequestInvalid('body', `the request body must be a JSON object (got ${describe(json)})`);
  const body = json;
  if (typeof body['model'] !== 'string' || body['model'] === '') {
    return invalid('model', body['model'], 'must be a non-empty string');
  }
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0)
    return invalid('messages', messages, 'must be a non-empty array of messages');
  for (let i = 0; i < messages.length; i++) {
    const problem = checkMessage(messages[i], `messages[${i}]`);
    if (problem !== undefined) return problem;
  }
  // Scalars: field, kind, min, max. A table keeps the loop free of per-field code.
  for (const [field, kind, min, max] of SCALARS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (kind === 'boolean') {
      if (typeof value !== 'boolean') return invalid(field, value, 'must be a boolean');
    } else if (kind === 'string') {
      if (typeof value !== 'string') return invalid(field, value, 'must be a string');
    } else if (
      typeof value !== 'number' ||
      !(value >= min && value <= max) ||
      (kind === 'integer' && !Number.isInteger(value))
    ) {
      return invalid(
        field,
        value,
        `must be ${kind === 'integer' ? 'an integer' : 'a number'} between ${min} and ${max}`,
      );
    }
  }
  // Before the structured checks: a schema nested too deep is reported as such, whatever its shape.
  if (nestedDeeperThan(body, MAX_NESTING)) {
    return new ChatRequestInvalid('body', `the request body nests objects or arrays deeper than ${MAX_NESTING} levels`);
  }
  const problem = checkStructured(body);
  return problem ?? (body as ChatRequest);
}

/**
 * Deepest object/array nesting a request may have. Unknown fields are kept and re-serialised for
 * every attempt (JSON.stringify and the cache key recurse per level): a few kilobytes of `[[[...`
 * would otherwise overflow the stack there, after validation, and surface as a 503 or a 500.
 * Real requests nest a handful of levels (tool schemas perhaps twenty).
 */
export const MAX_NESTING = 100;

/**
 * True when `value` nests deeper than `limit` levels; stops descending at the limit. One visit per
 * node, measured at +0.05 us on a one-message request and +1.6 us on 20 messages with 5 tool schemas.
 */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedDeeperThan(value[i], limit - 1)) return true;
    return false;
  }
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

type ScalarKind = 'boolean' | 'string' | 'number' | 'integer';
const SCALARS: ReadonlyArray<readonly [string, ScalarKind, number, number]> = Object.freeze([
  ['stream', 'boolean', 0, 0],
  ['user', 'string', 0, 0],
  ['temperature', 'number', 0, 2],
  ['top_p', 'number', 0, 1],
  ['presence_penalty', 'number', -2, 2],
  ['frequency_penalty', 'number', -2, 2],
  ['max_tokens', 'integer', 1, Number.MAX_SAFE_INTEGER],
  ['max_completion_tokens', 'integer', 1, Number.MAX_SAFE_INTEGER],
  ['n', 'integer', 1, 128],
  ['seed', 'integer', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
] as const);

const ROLES: ReadonlySet<unknown> = new Set<ChatRole>(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function checkMessage(message: unknown, at: string): ChatRequestInvalid | undefined {
  if (!isObject(message)) return invalid(at, message, 'must be an object with a role');
  if (!ROLES.has(message['role']))
    return invalid(`${at}.role`, message['role'], `must be one of ${[...ROLES].join(', ')}`);
  const content = message['content'];
  if (Array.isArray(content)) {
    for (let i = 0; i < content.length; i++) {
      const part: unknown = content[i];
      if (!isObject(part) || typeof part['type'] !== 'string')
        return invalid(`${at}.content[${i}]`, part, 'must be an object with a string type');
      if (part['type'] === 'text' && typeof part['text'] !== 'string')
        return invalid(`${at}.content[${i}].text`, part['text'], 'must be a string');
      if (
        part['type'] === 'image_url' &&
        !(isObject(part['image_url']) && typeof part['image_url']['url'] === 'string')
      ) {
        return invalid(
          `${at}.content[${i}].image_url.url`,
          isObject(part['image_url']) ? part['image_url']['url'] : part['image_url'],
          'must be a string',
        );
      }
    }
  } else if (
    typeof content !== 'string' &&
    !((content === null || content === undefined) && message['role'] === 'assistant')
  ) {
    return invalid(`${at}.content`, content, 'must be a string or an array of content parts');
  }
  const name = message['name'];
  if (name !== undefined && name !== null && typeof name !== 'string')
    return invalid(`${at}.name`, name, 'must be a string');
  if (message['role'] === 'tool' && typeof message['tool_call_id'] !== 'string') {
    return invalid(`${at}.tool_call_id`, message['tool_call_id'], 'must be a string (required for tool messages)');
  }
  const calls = message['tool_calls'];
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls)) return invalid(`${at}.tool_calls`, calls, 'must be an array');
  for (let i = 0; i < calls.length; i++) {
    const call: unknown = calls[i];
    const fn = isObject(call) ? call['function'] : undefined;
    if (
      !isObject(call) ||
      typeof call['id'] !== 'string' ||
      !isObject(fn) ||
      typeof fn['name'] !== 'string' ||
      typeof fn['arguments'] !== 'string'
    ) {
      return invalid(
        `${at}.tool_calls[${i}]`,
        call,
        'must be { id, type: "function", function: { name, arguments } } with string fields',
      );
    }
  }
  return undefined;
}

function checkStructured(body: Record<string, unknown>): ChatRequestInvalid | undefined {
  const options = body['stream_options'];
  if (options !== undefined && options !== null) {
    if (!isObject(options)) return invalid('stream_options', options, 'must be an object');
    const include = options['include_usage'];
    if (include !== undefined && include !== null && typeof include !== 'boolean')
      return invalid('stream_options.include_usage', include, 'must be a boolean');
  }
  const stop = body['stop'];
  if (
    stop !== undefined &&
    stop !== null &&
    typeof stop !== 'string' &&
    !(Array.isArray(stop) && stop.every((s) => typeof s === 'string'))
  ) {
    return invalid('stop', stop, 'must be a string or an array of strings');
  }
  const tools = body['tools'];
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) return invalid('tools', tools, 'must be an array');
    for (let i = 0; i < tools.length; i++) {
      const tool: unknown = tools[i];
      const fn = isObject(tool) ? tool['function'] : undefined;
      if (!isObject(fn) || typeof fn['name'] !== 'string')
        return invalid(`tools[${i}].function.name`, isObject(fn) ? fn['name'] : fn, 'must be a string');
      const parameters = fn['parameters'];
      if (parameters !== undefined && parameters !== null && !isObject(parameters))
        return invalid(`tools[${i}].function.parameters`, parameters, 'must be an object (a JSON Schema)');
    }
  }
  const choice = body['tool_choice'];
  if (choice !== undefined && choice !== null && choice !== 'none' && choice !== 'auto' && choice !== 'required') {
    const fn = isObject(choice) ? choice['function'] : undefined;
    if (!isObject(fn) || typeof fn['name'] !== 'string')
      return invalid(
        'tool_choice',
        choice,
        'must be "none", "auto", "required" or { type: "function", function: { name } }',
      );
  }
  const format = body['response_format'];
  if (format !== undefined && format !== null && !(isObject(format) && typeof format['type'] === 'string')) {
    return invalid('response_format', format, 'must be an object with a string type');
  }
  return undefined;
}

function invalid(field: string, value: unknown, rule: string): ChatRequestInvalid {
  return new ChatRequestInvalid(field, `${field} ${rule} (got ${describe(value)})`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return `${typeof value} ${String(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
