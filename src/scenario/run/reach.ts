/**
 * Which hosts beyond this machine a run sends traffic to, checked before anything starts: the
 * fault plane's API, the address its proxies are reached at, the providers' URLs (the proxies dial
 * them; the harness calls a running mock's control API), a fleet's existing Redis and an external
 * target's URLs. Sending
 * traffic there is an explicit choice: without `--allow-remote` (or `allow_remote: true`) such a
 * run is refused with exit 104, naming each host.
 */
import { RemoteNotAllowedError } from '../../errors.js';
import { isLoopbackHost } from '../../net/loopback.js';
import { advertisedHost } from '../schema/fault-plane-schema.js';
import type { Scenario } from '../schema/scenario.js';
import { checkContext, fillTemplate } from '../schema/template.js';

export interface ReachOptions {
  /** A fault plane the run uses instead of the embedded one. */
  faultPlaneUrl?: string | undefined;
  /** `--allow-remote`: every scenario may reach remote hosts. */
  allowRemote?: boolean | undefined;
}

const EMBEDDED_FAULT_PLANE = 'http://127.0.0.1';

/** Remote hosts `scenario` (its variants included) reaches, sorted, each once. */
export function remoteHosts(scenario: Scenario, faultPlaneUrl: string | undefined): string[] {
  const hosts = new Set<string>();
  for (const run of [scenario, ...scenario.variants.map((v) => v.scenario)]) {
    for (const host of hostsOf(run, faultPlaneUrl)) if (!isLoopbackHost(host)) hosts.add(host);
  }
  return [...hosts].sort();
}

/**
 * @returns the remote hosts the scenario reaches (empty for a lab run on this machine).
 * @throws RemoteNotAllowedError when there are some and neither the flag nor the scenario allows them.
 */
export function checkReach(scenario: Scenario, options: ReachOptions): string[] {
  const hosts = remoteHosts(scenario, options.faultPlaneUrl);
  const allowed = options.allowRemote === true || scenario.allow_remote;
  if (hosts.length > 0 && !allowed) throw new RemoteNotAllowedError(hosts);
  return hosts;
}

function hostsOf(scenario: Scenario, faultPlaneUrl: string | undefined): string[] {
  const plane = faultPlaneUrl ?? EMBEDDED_FAULT_PLANE;
  const hosts = [hostOf(plane), advertisedHost(scenario.fault_plane, plane)];
  for (const provider of scenario.providers) if (provider.url !== undefined) hosts.push(hostOf(provider.url));
  const target = scenario.target;
  // A fleet's existing Redis: the fault plane's proxy dials it.
  if (target.redis?.url !== undefined && URL.canParse(target.redis.url)) hosts.push(hostOf(target.redis.url));
  if (target.kind === 'external') {
    // Placeholders other than env.* name local things (the port, the proxies): a stand-in fill tells the host.
    const ctx = { ...checkContext(scenario.providers, target.chain, scenario.load.model, true), env: envOrBlank };
    for (const url of [target.url, target.ready_url]) {
      if (url === undefined) continue;
      const filled = fillTemplate(url, ctx);
      if (URL.canParse(filled)) hosts.push(hostOf(filled));
    }
  }
  return hosts;
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

function envOrBlank(name: string): string {
  return process.env[name] ?? '';
}
