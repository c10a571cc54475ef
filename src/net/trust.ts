/**
 * undici dispatchers that trust one extra CA (a stand-in's), one per CA file for the process, for
 * the harness's own calls to a provider over TLS (a remote mock's control API and request log).
 */
import { Agent, type Dispatcher } from 'undici';
import { secureContextTrusting } from './dial.js';

const agents = new Map<string, Agent>();

/** A dispatcher trusting the system roots plus `caFile`; undefined (the default one) without a file. */
export function dispatcherTrusting(caFile: string | undefined): Dispatcher | undefined {
  if (caFile === undefined) return undefined;
  let agent = agents.get(caFile);
  if (agent === undefined) {
    agent = new Agent({ connect: { secureContext: secureContextTrusting(caFile) } });
    agents.set(caFile, agent);
  }
  return agent;
}
