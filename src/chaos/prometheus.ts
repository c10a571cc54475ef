/**
 * GET /metrics: per-proxy byte counters in Prometheus text format, under Toxiproxy's metric names
 * (METRICS.md) so existing dashboards read them.
 */
import type { Proxy } from './proxy.js';
import type { Stream } from './toxics/types.js';

const STREAMS: readonly Stream[] = ['upstream', 'downstream'];

export function renderMetrics(proxies: readonly Proxy[]): string {
  const lines: string[] = [];
  const counter = (name: string, help: string, read: (proxy: Proxy, stream: Stream) => number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const proxy of proxies) {
      for (const stream of STREAMS) lines.push(`${name}{${labels(proxy, stream)}} ${read(proxy, stream)}`);
    }
  };
  counter('toxiproxy_proxy_received_bytes_total', 'The total bytes received', (p, s) => p.counters[s].received);
  counter('toxiproxy_proxy_sent_bytes_total', 'The total bytes sent', (p, s) => p.counters[s].sent);
  lines.push('# HELP toxiproxy_proxy_connections Live proxied connections', '# TYPE toxiproxy_proxy_connections gauge');
  for (const proxy of proxies) {
    lines.push(`toxiproxy_proxy_connections{proxy=${quote(proxy.name)}} ${proxy.connectionCount}`);
  }
  return `${lines.join('\n')}\n`;
}

function labels(proxy: Proxy, stream: Stream): string {
  return [
    `direction=${quote(stream)}`,
    `listener=${quote(proxy.listen)}`,
    `proxy=${quote(proxy.name)}`,
    `upstream=${quote(proxy.upstream)}`,
  ].join(',');
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
