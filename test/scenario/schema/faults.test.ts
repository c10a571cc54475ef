/** Scenario faults: every kind's syntax, its wire form, and the errors for what is not allowed. */
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

/** A scenario whose only fault is `fault` (YAML lines of a list item, indented by four). */
function withFault(fault: string, duration = '60s'): string {
  return `providers:
  - name: a
  - name: b
load:
  rate: 10/s
  duration: ${duration}
faults:
  - ${fault.trim().split('\n').join('\n    ')}
`;
}

function errorOf(text: string): string {
  try {
    parseScenario(text, 'f.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

const common = 'provider: a\nat: 1s\nfor: 2s';

describe('fault kinds: syntax -> the request the timeline sends', () => {
  it.each([
    [
      'latency',
      `type: latency\n${common}\nlatency: 500ms\njitter: 50ms`,
      {
        plane: 'proxy',
        request: { type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 500, jitter: 50 } },
      },
    ],
    [
      'latency, jitter defaulted, upstream, toxicity',
      `type: latency\n${common}\nlatency: 1.5s\nstream: upstream\nrate: 0.25`,
      {
        plane: 'proxy',
        request: { type: 'latency', stream: 'upstream', toxicity: 0.25, attributes: { latency: 1500, jitter: 0 } },
      },
    ],
    [
      'bandwidth',
      `type: bandwidth\n${common}\nbandwidth: 64KB/s`,
      { plane: 'proxy', request: { type: 'bandwidth', attributes: { rate: 64 } } },
    ],
    [
      'bandwidth in MB/s',
      `type: bandwidth\n${common}\nbandwidth: 1.5MB/s`,
      { plane: 'proxy', request: { type: 'bandwidth', attributes: { rate: 1500 } } },
    ],
    [
      'slow_close',
      `type: slow_close\n${common}\ndelay: 300ms`,
      { plane: 'proxy', request: { type: 'slow_close', attributes: { delay: 300 } } },
    ],
    [
      'blackhole',
      `type: blackhole\n${common}`,
      { plane: 'proxy', request: { type: 'timeout', attributes: { timeout: 0 } } },
    ],
    [
      'timeout (old name of blackhole)',
      `type: timeout\n${common}\ntimeout: 2s`,
      { type: 'timeout', plane: 'proxy', request: { type: 'timeout', attributes: { timeout: 2000 } } },
    ],
    [
      'reset',
      `type: reset\n${common}`,
      { type: 'reset', plane: 'proxy', request: { type: 'reset_peer', attributes: { timeout: 0 } } },
    ],
    [
      'reset_peer (old name of reset)',
      `type: reset_peer\n${common}\ntimeout: 100ms`,
      { type: 'reset_peer', plane: 'proxy', request: { type: 'reset_peer', attributes: { timeout: 100 } } },
    ],
    [
      'slicer (delay in µs on the wire)',
      `type: slicer\n${common}\naverage_size: 64\nsize_variation: 8\ndelay: 2ms`,
      { plane: 'proxy', request: { type: 'slicer', attributes: { average_size: 64, size_variation: 8, delay: 2000 } } },
    ],
    [
      'limit_data',
      `type: limit_data\n${common}\nbytes: 1000`,
      { plane: 'proxy', request: { type: 'limit_data', attributes: { bytes: 1000 } } },
    ],
    ['down', `type: down\n${common}`, { plane: 'proxy', request: { type: 'down', toxicity: 1, attributes: {} } }],
    [
      'http_status with retry_after',
      `type: http_status\n${common}\nstatus: 429\nretry_after: 2s\nrate: 0.5`,
      { plane: 'mock', request: { kind: 'http_status', status: 429, retryAfter: 2, rate: 0.5 } },
    ],
    [
      'http_status without retry_after',
      `type: http_status\n${common}\nstatus: 503`,
      { plane: 'mock', request: { kind: 'http_status', status: 503, rate: 1 } },
    ],
    [
      'error_body (status defaulted)',
      `type: error_body\n${common}`,
      { plane: 'mock', request: { kind: 'error_body', status: 500, rate: 1 } },
    ],
    ['stall', `type: stall\n${common}\ndelay: 5s`, { plane: 'mock', request: { kind: 'stall', ms: 5000, rate: 1 } }],
    ['drip', `type: drip\n${common}\nper_token: 80ms`, { plane: 'mock', request: { kind: 'drip', ms: 80, rate: 1 } }],
    [
      'cut',
      `type: cut\n${common}\nafter_chunks: 3`,
      { plane: 'mock', request: { kind: 'cut', afterChunks: 3, rate: 1 } },
    ],
    [
      'malformed (after_chunks defaulted)',
      `type: malformed\n${common}`,
      { plane: 'mock', request: { kind: 'malformed', afterChunks: 1, rate: 1 } },
    ],
    [
      'wrong_content_type',
      `type: wrong_content_type\n${common}`,
      { plane: 'mock', request: { kind: 'wrong_content_type', rate: 1 } },
    ],
    [
      'stream_stall (after_chunks and close defaulted)',
      `type: stream_stall\n${common}\nduration: 10s`,
      { plane: 'mock', request: { kind: 'stream_stall', afterChunks: 1, ms: 10_000, close: 0, rate: 1 } },
    ],
    [
      'stream_stall that closes',
      `type: stream_stall\n${common}\nafter_chunks: 3\nduration: 2s\nclose: 1`,
      { plane: 'mock', request: { kind: 'stream_stall', afterChunks: 3, ms: 2000, close: 1, rate: 1 } },
    ],
    [
      'no_done (hold defaulted)',
      `type: no_done\n${common}`,
      { plane: 'mock', request: { kind: 'no_done', holdMs: 30_000, rate: 1 } },
    ],
    ...(['context_length', 'content_filter', 'model_not_found'] as const).map(
      (kind): [string, string, Record<string, unknown>] => [
        kind,
        `type: ${kind}\n${common}`,
        { plane: 'mock', request: { kind, rate: 1 } },
      ],
    ),
  ])('%s', (_name, fault, expected) => {
    const { schedule } = parseScenario(withFault(fault), 'f.yaml');
    expect(schedule).toHaveLength(1);
    expect(schedule[0]).toMatchObject({ provider: 'a', atMs: 1000, forMs: 2000, ...expected });
  });

  it('puts the fault on every provider named in `providers`', () => {
    const { schedule } = parseScenario(withFault('type: down\nproviders: [a, b]\nat: 1s\nfor: 2s'), 'f.yaml');
    expect(schedule.map((e) => [e.provider, e.atMs, e.forMs])).toEqual([
      ['a', 1000, 2000],
      ['b', 1000, 2000],
    ]);
  });
});

describe('fault errors name file, line and field', () => {
  it.each([
    [
      'an unknown type',
      'type: meltdown\nprovider: a\nat: 1s\nfor: 1s',
      /f\.yaml:8:11: field 'faults\[0\]\.type': expected one of latency, bandwidth, .*reset_peer \(= reset\), timeout \(= blackhole\), got "meltdown"/,
    ],
    [
      'an attribute of another kind',
      'type: http_status\nprovider: a\nat: 1s\nfor: 1s\nstatus: 503\njitter: 5ms',
      /f\.yaml:13:13: field 'faults\[0\]\.jitter': not an attribute of http_status \(allowed: type, provider, providers, at, for, rate, repeat, status, retry_after\)/,
    ],
    [
      'stream on an HTTP fault',
      'type: cut\nprovider: a\nat: 1s\nfor: 1s\nstream: upstream',
      /field 'faults\[0\]\.stream': not an attribute of cut/,
    ],
    [
      'rate on down',
      'type: down\nprovider: a\nat: 1s\nfor: 1s\nrate: 0.5',
      /field 'faults\[0\]\.rate': not an attribute of down \(allowed: type, provider, providers, target, at, for, repeat\)/,
    ],
    [
      'ramp on a non-latency fault',
      'type: reset\nprovider: a\nat: 1s\nfor: 1s\nramp: { to: 1s, steps: 2 }',
      /field 'faults\[0\]\.ramp': not an attribute of reset/,
    ],
    [
      'the old attributes map',
      'type: reset_peer\nprovider: a\nat: 1s\nfor: 1s\nattributes: { timeout: 0 }',
      /field 'faults\[0\]\.attributes': not an attribute of reset_peer \(allowed: .*timeout\)/,
    ],
    [
      'a missing required attribute',
      'type: latency\nprovider: a\nat: 1s\nfor: 1s',
      /field 'faults\[0\]\.latency': required for latency/,
    ],
    [
      'a duration without a unit',
      'type: latency\nprovider: a\nat: 1s\nfor: 1s\nlatency: 500',
      /f\.yaml:12:14: field 'faults\[0\]\.latency': expected a duration such as 250ms or 2s, got 500/,
    ],
    [
      'a fraction of a millisecond for Toxiproxy',
      'type: latency\nprovider: a\nat: 1s\nfor: 1s\nlatency: 1.5ms',
      /field 'faults\[0\]\.latency': expected whole milliseconds, got "1\.5ms"/,
    ],
    [
      'retry_after in fractions of a second',
      'type: http_status\nprovider: a\nat: 1s\nfor: 1s\nstatus: 429\nretry_after: 1500ms',
      /field 'faults\[0\]\.retry_after': expected whole seconds/,
    ],
    [
      'a status outside 400..599',
      'type: http_status\nprovider: a\nat: 1s\nfor: 1s\nstatus: 200',
      /field 'faults\[0\]\.status': expected an integer from 400 to 599, got 200/,
    ],
    [
      'a bandwidth without a unit',
      'type: bandwidth\nprovider: a\nat: 1s\nfor: 1s\nbandwidth: 64',
      /field 'faults\[0\]\.bandwidth': expected a whole rate of at least 1KB\/s/,
    ],
    [
      'a slicer variation >= its average',
      'type: slicer\nprovider: a\nat: 1s\nfor: 1s\naverage_size: 8\nsize_variation: 8',
      /field 'faults\[0\]\.size_variation': must be less than average_size \(8\), got 8/,
    ],
    [
      'a rate above 1',
      'type: error_body\nprovider: a\nat: 1s\nfor: 1s\nrate: 2',
      /field 'faults\[0\]\.rate': expected a number from 0 to 1, got 2/,
    ],
    [
      'provider and providers together',
      'type: down\nprovider: a\nproviders: [b]\nat: 1s\nfor: 1s',
      /field 'faults\[0\]\.providers': give provider or providers, not both/,
    ],
    ['no provider', 'type: down\nat: 1s\nfor: 1s', /field 'faults\[0\]\.provider': required/],
    [
      'an unknown provider in a list',
      'type: down\nproviders: [a, z]\nat: 1s\nfor: 1s',
      /f\.yaml:9:20: field 'faults\[0\]\.providers\[1\]': unknown provider 'z'; providers: a, b/,
    ],
    [
      'a provider listed twice',
      'type: down\nproviders: [a, a]\nat: 1s\nfor: 1s',
      /field 'faults\[0\]\.providers\[1\]': 'a' is listed twice/,
    ],
    [
      'repeats that overlap',
      'type: down\nprovider: a\nat: 1s\nfor: 5s\nrepeat: { every: 3s, times: 2 }',
      /field 'faults\[0\]\.repeat\.every': must be at least the window length \(for: 5s\)/,
    ],
    [
      'for next to repeat.on',
      'type: down\nprovider: a\nat: 1s\nfor: 5s\nrepeat: { on: 3s, off: 1s, times: 2 }',
      /field 'faults\[0\]\.for': not with repeat\.on/,
    ],
    [
      'repeat without times',
      'type: down\nprovider: a\nat: 1s\nrepeat: { on: 3s, off: 1s }',
      /field 'faults\[0\]\.repeat\.times': expected an integer from 1 to 10000, got nothing/,
    ],
    [
      'repeat mixing every and on',
      'type: down\nprovider: a\nat: 1s\nrepeat: { on: 3s, off: 1s, every: 5s, times: 2 }',
      /field 'faults\[0\]\.repeat\.every': unknown key \(allowed: on, off, times\)/,
    ],
    [
      'a ramp of one step',
      'type: latency\nprovider: a\nat: 1s\nfor: 4s\nlatency: 100ms\nramp: { to: 1s, steps: 1 }',
      /field 'faults\[0\]\.ramp\.steps': expected an integer from 2 to 1000, got 1/,
    ],
    [
      'a ramp target without a unit',
      'type: latency\nprovider: a\nat: 1s\nfor: 4s\nlatency: 100ms\nramp: { to: 1000, steps: 4 }',
      /field 'faults\[0\]\.ramp\.to': expected a duration/,
    ],
  ])('%s', (_name, fault, message) => {
    expect(errorOf(withFault(fault))).toMatch(message);
  });

  it('accepts a repeated fault whose last window runs past the load, and rejects one that begins after it', () => {
    const past = parseScenario(
      withFault('type: down\nprovider: a\nat: 5s\nrepeat: { on: 3s, off: 3s, times: 3 }', '19s'),
      'f.yaml',
    );
    // Last window 17-20 s of a 19 s load: held until the requests in flight drain; the others end on schedule.
    expect(past.schedule.map((w) => w.untilDrained ?? false)).toEqual([false, false, true]);
    expect(
      errorOf(withFault('type: down\nprovider: a\nat: 7s\nrepeat: { on: 3s, off: 3s, times: 3 }', '19s')),
    ).toContain("field 'faults[0].repeat': its last repetition starts at 19s, when the load has ended (19s)");
  });

  it('for: until_end lasts the rest of the (scaled) load and is held until the requests in flight drain', () => {
    const ramp = 'type: latency\nprovider: a\nat: 4s\nfor: until_end\nlatency: 100ms\nramp: { to: 300ms, steps: 2 }';
    const scenario = parseScenario(withFault(ramp, '10s'), 'f.yaml', { durationScale: 0.5 });
    expect(scenario.faults[0]).toMatchObject({ at: 2000, for: 3000, untilEnd: true });
    expect(scenario.schedule.map((w) => [w.atMs, w.forMs, w.untilDrained ?? false])).toEqual([
      [2000, 1500, false],
      [3500, 1500, true],
    ]);
    expect(
      errorOf(withFault('type: down\nprovider: a\nat: 1s\nfor: until_end\nrepeat: { every: 5s, times: 2 }')),
    ).toContain("field 'faults[0].for': until_end: not with repeat");
    expect(errorOf(withFault('type: down\nprovider: a\nat: 1s\nfor: forever'))).toMatch(
      /faults\[0\]\.for.: expected a positive duration such as 250ms, 8s or 1m \(or until_end\), got "forever"/,
    );
  });

  it('reports every problem of a fault at once', () => {
    const message = errorOf(withFault('type: latency\nprovider: a\nat: soon\nfor: 1s\nlatency: fast\ncolour: red'));
    expect(message).toContain("field 'faults[0].at'");
    expect(message).toContain("field 'faults[0].latency'");
    expect(message).toContain("field 'faults[0].colour'");
  });
});
