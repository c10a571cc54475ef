/**
 * What a client has received of a streamed answer, read from the OpenAI chunks written to it: the
 * text so far, the ids its chunks carry, and whether the answer can be continued elsewhere. Only
 * a plain-text answer of one choice can (a tool call's arguments, a refusal or reasoning cannot
 * be resumed by prefill), and only one not yet finished. Parsing every chunk costs a JSON.parse
 * per chunk: done only under the opt-in `continueOnCut`.
 */

/** The fields a continuation's chunks must repeat so the client sees one stream. */
export interface StreamIdentity {
  readonly id: unknown;
  readonly created: unknown;
  readonly model: unknown;
}

export class AnswerSoFar {
  /** The answer's text as the client has it. */
  text = '';
  /** True while the answer is plain text, unfinished, and every chunk was readable. */
  continuable = true;
  /** From the first chunk; undefined before. */
  identity: StreamIdentity | undefined;

  /** Takes one chunk the client was sent. */
  observe(chunk: string): void {
    if (!this.continuable) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(chunk);
    } catch {
      this.continuable = false;
      return;
    }
    if (!isRecord(parsed)) return void (this.continuable = false);
    this.identity ??= { id: parsed['id'], created: parsed['created'], model: parsed['model'] };
    const choices = parsed['choices'];
    if (!Array.isArray(choices)) return;
    for (const choice of choices) this.observeChoice(choice);
  }

  private observeChoice(choice: unknown): void {
    if (!isRecord(choice) || (choice['index'] !== undefined && choice['index'] !== 0)) {
      this.continuable = false; // n > 1: several answers cannot be continued as one
      return;
    }
    const finish = choice['finish_reason'];
    if (finish !== undefined && finish !== null) this.continuable = false; // finished: nothing to continue
    const delta = choice['delta'];
    if (!isRecord(delta)) return;
    if (
      isPresent(delta['tool_calls']) ||
      isPresent(delta['function_call']) ||
      nonEmpty(delta['refusal']) ||
      nonEmpty(delta['reasoning_content'])
    ) {
      this.continuable = false;
      return;
    }
    if (typeof delta['content'] === 'string') this.text += delta['content'];
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
