/** The mock dialects by name. */
import { anthropicDialect } from './anthropic-dialect.js';
import type { DialectName, MockDialect } from './dialect.js';
import { geminiDialect } from './gemini-dialect.js';
import { openAIDialect } from './openai-dialect.js';

export const MOCK_DIALECTS: Readonly<Record<DialectName, MockDialect>> = Object.freeze({
  openai: openAIDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
});
