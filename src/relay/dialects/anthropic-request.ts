/**
 * OpenAI chat request -> Anthropic Messages request: system and developer messages become the
 * top-level `system`; content parts become content blocks; assistant tool calls become
 * `tool_use` blocks and tool messages `tool_result` blocks; consecutive same-role turns merge
 * (Anthropic wants user/assistant turns); `max_tokens` is required, so a default fills it;
 * whitespace-only stop sequences, which Anthropic rejects, are dropped.
 */
import { maxTokensOf, stopList, type ChatContentPart, type ChatMessage, type ChatRequest } from './chat-request.js';

export const anthropicDefaults = Object.freeze({
  /** Sent when the client gives no `max_tokens`; Anthropic requires one. */
  maxTokens: 1024,
  /** Anthropic's temperature range is 0..1, OpenAI's 0..2: higher values are clamped. */
  maxTemperature: 1,
});

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

/** The Messages API body for `request`, sent to `model`. */
export function anthropicBody(request: ChatRequest, model: string): Record<string, unknown> {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(textOf(message.content));
        break;
      case 'user':
      case 'function':
        addTurn(turns, 'user', blocksOf(message.content));
        break;
      case 'assistant':
        addTurn(turns, 'assistant', assistantBlocks(message));
        break;
      case 'tool':
        addTurn(turns, 'user', [
          { type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) },
        ]);
        break;
      default: {
        const unreachable: never = message.role;
        return unreachable;
      }
    }
  }
  const body: Record<string, unknown> = {
    model,
    max_tokens: maxTokensOf(request) ?? anthropicDefaults.maxTokens,
    messages: turns,
  };
  if (system.length > 0) body['system'] = system.join('\n\n');
  if (typeof request.temperature === 'number')
    body['temperature'] = Math.min(request.temperature, anthropicDefaults.maxTemperature);
  if (typeof request.top_p === 'number') body['top_p'] = request.top_p;
  // Anthropic answers 400 to an empty or whitespace-only stop sequence (OpenAI clients send "\n"): dropped, as it cannot be honoured.
  const stop = stopList(request)?.filter(hasNonWhitespace);
  if (stop !== undefined && stop.length > 0) body['stop_sequences'] = stop;
  if (request.stream === true) body['stream'] = true;
  if (typeof request.user === 'string') body['metadata'] = { user_id: request.user };
  if (Array.isArray(request.tools) && request.tools.length > 0) {
    body['tools'] = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const choice = request.tool_choice;
  if (choice === 'auto' || choice === 'none') body['tool_choice'] = { type: choice };
  else if (choice === 'required') body['tool_choice'] = { type: 'any' };
  else if (typeof choice === 'object' && choice !== null)
    body['tool_choice'] = { type: 'tool', name: choice.function.name };
  return body;
}

function hasNonWhitespace(text: string): boolean {
  return /\S/.test(text);
}

function addTurn(turns: Turn[], role: Turn['role'], content: Block[]): void {
  if (content.length === 0) return; // Anthropic rejects empty turns
  const last = turns[turns.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...content);
  else turns.push({ role, content });
}

function assistantBlocks(message: ChatMessage): Block[] {
  const blocks = blocksOf(message.content);
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    });
  }
  return blocks;
}

function blocksOf(content: ChatMessage['content']): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: Block[] = [];
  for (const part of content ?? []) {
    const block = blockOf(part);
    if (block !== undefined) blocks.push(block);
  }
  return blocks;
}

/** Text and images map; other part types (audio, files) have no Messages equivalent and are dropped. */
function blockOf(part: ChatContentPart): Block | undefined {
  if (part.type === 'text' && typeof part.text === 'string')
    return part.text === '' ? undefined : { type: 'text', text: part.text };
  if (part.type !== 'image_url' || part.image_url === undefined) return undefined;
  const url = part.image_url.url;
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

/** The text of a message's content (parts joined). */
export function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content ?? []) if (part.type === 'text' && typeof part.text === 'string') text += part.text;
  return text;
}

function parseArguments(json: string): unknown {
  try {
    return JSON.parse(json === '' ? '{}' : json);
  } catch {
    return {}; // the model produced broken JSON earlier; Anthropic needs an object
  }
}
