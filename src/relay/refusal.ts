/**
 * Refusals that are about this target, not about the request as such: a prompt longer than this
 * model's context window, a model this target does not have (or retired), and a content-policy
 * refusal, recognised in every dialect's error shape:
 *
 * - context length: OpenAI 400 `code: context_length_exceeded` ("This model's maximum context
 *   length is ..."); Anthropic 400 `invalid_request_error` "prompt is too long: N tokens > M
 *   maximum"; Gemini 400 `INVALID_ARGUMENT` "The input token count (N) exceeds the maximum number
 *   of tokens allowed (M)."
 * - model not found: OpenAI 404 `code: model_not_found`; Anthropic 404 `not_found_error`
 *   "model: NAME"; Gemini 404 `NOT_FOUND` "models/NAME is not found for API version ...";
 *   a model reported deprecated, decommissioned or retired.
 * - content policy: OpenAI/Azure 400 `code: content_filter` (or `content_policy_violation`);
 *   Anthropic 400 "Output blocked by content filtering policy". (Gemini reports a blocked prompt
 *   as a 200 with `promptFeedback`, which the relay serves as a `content_filter` finish.)
 */
import type { UpstreamErrorInfo } from './upstream-error.js';

export type RefusalKind = 'context_length' | 'model_not_found' | 'content_filter';

const CONTEXT_CODES: ReadonlySet<string> = new Set(['context_length_exceeded', 'string_above_max_length']);
const CONTEXT_MESSAGE =
  /maximum context length|context window|prompt is too long|input token count.*exceeds the maximum|too many (?:input )?tokens/i;

const MODEL_CODES: ReadonlySet<string> = new Set(['model_not_found']);
/** On a 404 (Anthropic names the model after `model: `; Gemini after `models/`). */
const MODEL_404_MESSAGE = /^model: |model\b.*\b(?:does not exist|not found)|models\/\S+ is not found/i;
/** On any 4xx: a model gone for good. */
const MODEL_GONE_MESSAGE = /model\b.*\b(?:does not exist|has been (?:deprecated|decommissioned|retired))/i;

const FILTER_CODES: ReadonlySet<string> = new Set(['content_filter', 'content_policy_violation']);
const FILTER_MESSAGE = /content (?:filtering|management) policy|blocked by (?:our|the) safety system/i;

/** The refusal a 4xx error body reports, or undefined for any other 4xx. */
export function refusalOf(status: number, error: UpstreamErrorInfo | undefined): RefusalKind | undefined {
  if (error === undefined) return undefined;
  const { code, message = '' } = error;
  if (code !== undefined && FILTER_CODES.has(code)) return 'content_filter';
  if (code !== undefined && CONTEXT_CODES.has(code)) return 'context_length';
  if (code !== undefined && MODEL_CODES.has(code)) return 'model_not_found';
  if (FILTER_MESSAGE.test(message)) return 'content_filter';
  if (status !== 404 && CONTEXT_MESSAGE.test(message)) return 'context_length';
  if (status === 404 ? MODEL_404_MESSAGE.test(message) : MODEL_GONE_MESSAGE.test(message)) return 'model_not_found';
  return undefined;
}
