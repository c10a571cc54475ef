/**
 * The chunks of a continuation, rewritten so the client sees one stream: the first stream's id,
 * created and model; no second `role` delta; the whitespace the prefill lost (Anthropic refuses a
 * prefill ending in it) not repeated; and the final usage the sum of both attempts.
 */
import type { NormalizedUsage } from '../contract.js';
import { isRecord, type StreamIdentity } from './answer-so-far.js';

export class ContinuedChunks {
  /** Whitespace the client already has, still to be dropped from the start of the continuation. */
  private pendingStrip: string;

  constructor(
    private readonly identity: StreamIdentity | undefined,
    trimmed: string,
    /** Both attempts' usage, asked when the continuation's usage chunk passes. */
    private readonly combinedUsage: () => NormalizedUsage | undefined,
  ) {
    this.pendingStrip = trimmed;
  }

  /** The chunk as the client gets it; undefined when nothing of it is left to send. */
  rewrite(chunk: string): string | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(chunk);
    } catch {
      return chunk;
    }
    if (!isRecord(parsed)) return chunk;
    if (this.identity !== undefined) {
      parsed['id'] = this.identity.id;
      parsed['created'] = this.identity.created;
      parsed['model'] = this.identity.model;
    }
    let carries = isRecord(parsed['usage']);
    if (carries) parsed['usage'] = this.usageField(parsed['usage'] as Record<string, unknown>);
    const choices = parsed['choices'];
    if (Array.isArray(choices)) {
      if (choices.length === 0) carries = true;
      for (const choice of choices) if (this.rewriteChoice(choice)) carries = true;
    } else carries = true;
    return carries ? JSON.stringify(parsed) : undefined;
  }

  /** True when the choice still carries something (content, a tool call, a finish reason). */
  private rewriteChoice(choice: unknown): boolean {
    if (!isRecord(choice)) return true;
    const finished = choice['finish_reason'] !== undefined && choice['finish_reason'] !== null;
    const delta = choice['delta'];
    if (!isRecord(delta)) return finished;
    delete delta['role'];
    const content = delta['content'];
    if (typeof content === 'string' && this.pendingStrip !== '') delta['content'] = this.strip(content);
    for (const [key, value] of Object.entries(delta)) {
      if (value === null || value === undefined || value === '') continue;
      if (key === 'refusal') continue;
      return true;
    }
    return finished;
  }

  /** Drops the part of `content`'s leading whitespace that the client already has. */
  private strip(content: string): string {
    let i = 0;
    while (i < content.length && i < this.pendingStrip.length && content[i] === this.pendingStrip[i]) i++;
    // Stripping ends at the first character that differs, or once all of it was matched.
    this.pendingStrip = i === content.length ? this.pendingStrip.slice(i) : '';
    return content.slice(i);
  }

  private usageField(given: Record<string, unknown>): Record<string, unknown> {
    const usage = this.combinedUsage();
    if (usage === undefined) return given;
    const { promptTokens, completionTokens } = usage;
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
  }
}
