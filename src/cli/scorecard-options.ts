/** `relaybench scorecard`'s flags, apart from the command so `--help` and the other commands need not load the scorecard. */
import type { Argv } from 'yargs';
import { FAILURE_MODES } from '../scorecard/modes.js';
import { URL_TARGET_PROXY_PORTS } from '../scorecard/url-target-ports.js';

/** The rate of the under-load pass when `--under-load` is not given. */
export const DEFAULT_UNDER_LOAD = '50/s';

/** The command's flags, for main.ts. */
export function scorecardOptions(y: Argv): Argv<{
  target: string;
  'under-load': string;
  modes: string | undefined;
  out: string | undefined;
  'fault-plane': string | undefined;
  'allow-remote': boolean;
}> {
  return y
    .option('target', {
      type: 'string',
      default: 'builtin',
      describe: `builtin (our relay), a running gateway's URL (its providers at 127.0.0.1:${URL_TARGET_PROXY_PORTS.primary} and :${URL_TARGET_PROXY_PORTS.fallback}), or a YAML file with a scenario's target: section`,
    })
    .option('under-load', {
      type: 'string',
      default: DEFAULT_UNDER_LOAD,
      describe: 'the rate of the under-load pass (e.g. 50/s); off: single requests only',
    })
    .option('modes', {
      type: 'string',
      describe: `comma-separated modes (default all: ${FAILURE_MODES.map((m) => m.name).join(', ')})`,
    })
    .option('out', {
      type: 'string',
      describe: 'directory for scorecard.md, scorecard.json and the runs (default reports/runs/scorecard-<time>)',
    })
    .option('fault-plane', {
      type: 'string',
      describe: 'a Toxiproxy-compatible fault plane URL (default: TOXIPROXY_URL, else the embedded one)',
    })
    .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a target beyond this machine' })
    .example('$0 scorecard', 'our relay, every mode, single requests and 50/s')
    .example('$0 scorecard --target fixtures/targets/portkey.yaml --out reports/scorecard-portkey', "Portkey's gateway")
    .example('$0 scorecard --modes reset,stream_cut --under-load off', 'two modes, single requests only');
}
