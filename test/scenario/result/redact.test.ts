/** result.json is meant to be shared: no header value, environment value or client key token in it. */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../src/metrics/aggregate.js';
import { buildResult } from '../../../src/scenario/result/result.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import type { RunOutcome } from '../../../src/scenario/run/play.js';

describe('secrets in result.json', () => {
  it('keeps the names of headers, env variables and keys, never their values', () => {
    const scenario = parseScenario(
      `providers: [{ name: a }]
target:
  kind: external
  command: [gw, --port, '{{port}}']
  env: { GW_API_KEY: sk-live-env-secret }
  headers: { x-gateway-config: '{"api_key": "sk-live-header-secret"}' }
load: { rate: 1/s, duration: 1s }
`,
      'secret.yaml',
    );
    const keyed = parseScenario(
      'providers: [{ name: a }]\nload: { rate: 1/s, duration: 1s, mix: { keys: [{ name: team-a, token: sk-live-key-secret }] } }\n',
      'keys.yaml',
    );
    for (const s of [scenario, keyed]) {
      const outcome = {
        scenario: s,
        startedAt: 'x',
        finishedAt: 'y',
        records: [],
        scheduled: 0,
        windows: [],
        interrupted: false,
        faultPlane: { url: '', embedded: true },
        processes: [],
        cleanupErrors: [],
      } as RunOutcome;
      const json = JSON.stringify(
        buildResult(outcome, aggregate({ records: [], scheduled: 0, windows: [], primary: 'a', durationMs: 1000 }), []),
      );
      expect(json).not.toMatch(/sk-live/);
      if (s === scenario) expect(json).toContain('"headers":{"x-gateway-config":"<redacted>"}');
      else expect(json).toContain('"name":"team-a"');
    }
    // The scenario itself still has them: the run needs them.
    expect(scenario.target.env).toEqual({ GW_API_KEY: 'sk-live-env-secret' });
  });
});
