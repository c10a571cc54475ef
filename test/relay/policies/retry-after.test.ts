import { describe, expect, it } from 'vitest';
import { parseDuration, retryAfterMs, RETRY_AFTER_MAX_MS } from '../../../src/relay/policies/retry-after.js';

const NOW = Date.parse('2026-10-21T07:28:00Z');

describe('retryAfterMs', () => {
  it.each<[string, Record<string, string | string[]>, number | undefined]>([
    ['retry-after seconds', { 'retry-after': '2' }, 2_000],
    ['retry-after fractional seconds', { 'retry-after': '1.5' }, 1_500],
    ['retry-after zero', { 'retry-after': '0' }, 0],
    ['retry-after HTTP-date', { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }, 30_000],
    ['retry-after HTTP-date in the past', { 'retry-after': 'Wed, 21 Oct 2026 07:00:00 GMT' }, 0],
    ['retry-after-ms', { 'retry-after-ms': '250' }, 250],
    ['retry-after-ms wins over retry-after', { 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    ['an array value: the first', { 'retry-after': ['3', '9'] }, 3_000],
    ['openai reset 20ms', { 'x-ratelimit-reset-requests': '20ms' }, 20],
    ['openai reset 6m0s', { 'x-ratelimit-reset-tokens': '6m0s' }, 360_000],
    ['openai reset 1h2m3.5s (clamped)', { 'x-ratelimit-reset-tokens': '1h2m3.5s' }, RETRY_AFTER_MAX_MS],
    [
      'openai: the exhausted limit wins',
      {
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-tokens': '30s',
        'x-ratelimit-remaining-tokens': '5000',
      },
      1_000,
    ],
    [
      'openai: none exhausted, the latest',
      { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '30s' },
      30_000,
    ],
    ['anthropic RFC 3339 reset', { 'anthropic-ratelimit-requests-reset': '2026-10-21T07:28:05Z' }, 5_000],
    ['anthropic RFC 3339 with offset', { 'anthropic-ratelimit-tokens-reset': '2026-10-21T09:28:10+02:00' }, 10_000],
    [
      'anthropic: the exhausted limit wins',
      {
        'anthropic-ratelimit-requests-reset': '2026-10-21T07:29:00Z',
        'anthropic-ratelimit-requests-remaining': '10',
        'anthropic-ratelimit-output-tokens-reset': '2026-10-21T07:28:02Z',
        'anthropic-ratelimit-output-tokens-remaining': '0',
      },
      2_000,
    ],
    ['clamped to the max', { 'retry-after': '86400' }, RETRY_AFTER_MAX_MS],
    ['garbage retry-after', { 'retry-after': 'soon' }, undefined],
    ['negative retry-after', { 'retry-after': '-5' }, undefined],
    ['a bare number is not a date', { 'anthropic-ratelimit-requests-reset': '2026' }, undefined],
    ['garbage duration', { 'x-ratelimit-reset-requests': '5 minutes' }, undefined],
    ['garbage retry-after-ms falls back to retry-after', { 'retry-after-ms': 'x', 'retry-after': '1' }, 1_000],
    ['nothing', { 'content-type': 'application/json' }, undefined],
  ])('%s', (_, headers, expected) => {
    expect(retryAfterMs(headers, NOW)).toBe(expected);
  });

  it('takes its own max', () => {
    expect(retryAfterMs({ 'retry-after': '60' }, NOW, 5_000)).toBe(5_000);
  });

  it('answers undefined without headers', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['1s', 1_000],
    ['0.5s', 500],
    ['20ms', 20],
    ['6m0s', 360_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['2m', 120_000],
    ['', undefined],
    ['s', undefined],
    ['1x', undefined],
    ['abc', undefined],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});
