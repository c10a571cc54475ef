/** The Markdown report of any result: a variants run's comparison, or a single run's report. */
import { renderMarkdown } from './markdown.js';
import type { RunResult } from '../scenario/result/result.js';
import { renderVariantsMarkdown } from './variants-result.js';

export function reportMarkdown(result: RunResult): string {
  return result.variants !== undefined && result.variants.length > 0
    ? renderVariantsMarkdown(result)
    : renderMarkdown(result);
}
