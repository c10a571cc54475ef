/** The dialect registry: one adapter per upstream API, looked up by a target's `dialect`. */
import type { DialectName } from '../contract.js';
import { anthropicDialect } from './anthropic.js';
import type { Dialect } from './dialect.js';
import { geminiDialect } from './gemini.js';
import { openaiDialect } from './openai.js';

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = Object.freeze({
  openai: openaiDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
});
