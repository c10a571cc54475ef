/**
 * Acceptance 3: Retry-After in each form cools the target down. The request that got the 429
 * moves on to the next target at once; no request reaches the cooling target before the
 * cooldown ends; afterwards it gets traffic again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatBody,
  closeAll,
  openaiError,
  openaiJson,
  sequence,
  sleep,
  startTestRelay,
  startUpstream,
  status,
  type Behaviour,
} from './support.js';

afterEach(closeAll);

interface Hint {
  readonly headers: Record<string, string>;
  /** How long the headers ask the relay to stay away, from the moment they are written. */
  readonly ms: number;
}

/** Each form builds its headers at answer time (the HTTP-date is absolute). */
const FORMS: Array<[string, number, () => Hint]> = [
  ['retry-after: 2 (seconds)', 429, () => ({ headers: { 'retry-after': '2' }, ms: 2_000 })],
  [
    'retry-after: <HTTP-date>',
    429,
    () => {
      // HTTP-dates have whole seconds: the next whole second at least 1.5 s away.
      const at = Math.ceil((Date.now() + 1_500) / 1_000) * 1_000;
      return { headers: { 'retry-after': new Date(at).toUTCString() }, ms: at - Date.now() };
    },
  ],
  ['retry-after-ms: 1500', 429, () => ({ headers: { 'retry-after-ms': '1500' }, ms: 1_500 })],
  [
    'x-ratelimit-reset-requests: 1s',
    429,
    () => ({ headers: { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-remaining-requests': '0' }, ms: 1_000 }),
  ],
  ['retry-after: 1 on a 503', 503, () => ({ headers: { 'retry-after': '1' }, ms: 1_000 })],
];

/** Margin around the cooldown's edges for scheduling noise. */
const MARGIN_MS = 300;

describe('Retry-After cooldowns', () => {
  it.each(FORMS)('honours %s', async (_name, code, hint) => {
    let cooldown = { from: 0, ms: 0 };
    const limited: Behaviour = (exchange) => {
      const { headers, ms } = hint();
      cooldown = { from: performance.now(), ms };
      status(code, openaiError('slow down', code === 429 ? 'rate_limit_error' : 'server_error'), headers)(exchange);
    };
    const [primary, secondary] = await Promise.all([
      startUpstream(sequence(limited, openaiJson('from primary'))),
      startUpstream(openaiJson('from secondary')),
    ]);
    const relay = await startTestRelay({
      providers: [
        { name: 'primary', dialect: 'openai', baseUrl: `${primary.origin}/v1` },
        { name: 'secondary', dialect: 'openai', baseUrl: `${secondary.origin}/v1` },
      ],
      models: {
        gpt: {
          chain: [
            { provider: 'primary', model: 'p' },
            { provider: 'secondary', model: 's' },
          ],
        },
      },
      policies: { cooldown: { defaultMs: 0, maxMs: 60_000 } },
    });

    // The limited request moves on to the secondary at once: no sleeping out the hint.
    const first = await relay.chat(chatBody('gpt'));
    const answeredAt = performance.now();
    expect(first.status).toBe(200);
    expect(first.header('x-relay-provider')).toBe('secondary');
    expect(first.header('x-relay-attempts')).toBe('2');
    expect(first.ms).toBeLessThan(Math.min(500, cooldown.ms / 2));

    // The cooldown ends somewhere in [written + ms, answered + ms]: stay clear of both edges.
    const coolingUntil = cooldown.from + cooldown.ms;
    const cooledBy = answeredAt + cooldown.ms;
    let during = 0;
    while (performance.now() < coolingUntil - MARGIN_MS) {
      const reply = await relay.chat(chatBody('gpt'));
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-provider')).toBe('secondary');
      expect(reply.header('x-relay-attempts')).toBe('1'); // skipped, not tried
      during++;
      await sleep(100);
    }
    expect(during).toBeGreaterThanOrEqual(2);
    expect(primary.count).toBe(1);

    await sleep(cooledBy + MARGIN_MS - performance.now());
    const after = await relay.chat(chatBody('gpt'));
    expect(after.header('x-relay-provider')).toBe('primary');
    expect(after.json().choices[0].message.content).toBe('from primary');
    expect(primary.count).toBe(2);
    expect(secondary.count).toBe(1 + during);

    const events = (await relay.get('/relay/events')).json().data as Array<Record<string, unknown>>;
    const cooldowns = events.filter((event) => event['type'] === 'cooldown');
    expect(cooldowns).toEqual([
      expect.objectContaining({ target: 'primary/p', reason: code === 429 ? 'status_429' : 'status_5xx' }),
    ]);
    const event = cooldowns[0] as { at: number; untilMs: number };
    expect(event.untilMs - event.at).toBeGreaterThan(cooldown.ms - 100);
    expect(event.untilMs - event.at).toBeLessThanOrEqual(cooldown.ms + 5);
  });
});
