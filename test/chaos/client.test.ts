/** The typed fault-plane client: where proxies listen (ephemeral or fixed ports) and its errors. */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultPlaneClient } from '../../src/chaos/client.js';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import { FaultPlaneError } from '../../src/errors.js';
import { portOf, Probe, Resources, startTcpServer } from './helpers.js';

const resources = new Resources();
let plane: RunningToxiproxyServer;
let client: FaultPlaneClient;

beforeEach(async () => {
  plane = resources.add(await startToxiproxyServer({ port: 0 }), (s) => s.close());
  client = new FaultPlaneClient(plane.url);
});
afterEach(() => resources.closeAll());

async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('FaultPlaneClient.createProxy', () => {
  it('listens on an ephemeral loopback port by default', async () => {
    const proxy = await client.createProxy('p', '127.0.0.1:9');
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
  });

  it('listens on the host and fixed port it is given, and carries traffic there', async () => {
    const echo = await startTcpServer(resources);
    const port = await freePort('127.0.0.2');
    const proxy = await client.createProxy('fixed', `127.0.0.1:${echo.port}`, '127.0.0.2', port);
    expect(proxy.listen).toBe(`127.0.0.2:${port}`);
    const socket = resources.add(connect({ host: '127.0.0.2', port }), (s) => s.destroy());
    socket.write('fixed;');
    const [data] = (await once(socket, 'data')) as [Buffer];
    expect(data.toString()).toBe('fixed;');
    // Only there: the same port on 127.0.0.1 is not the proxy.
    await expect(Probe.connect(resources, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('brackets an IPv6 listen host', async () => {
    const proxy = await client.createProxy('v6', '127.0.0.1:9', '::1');
    expect(proxy.listen).toMatch(/^\[::1\]:\d+$/);
  });

  it.each([-1, 65536, 1.5])('rejects listen port %s naming the proxy and the value', async (port) => {
    await expect(client.createProxy('bad', '127.0.0.1:9', '127.0.0.1', port)).rejects.toThrow(
      new FaultPlaneError(`proxy 'bad': listen port must be an integer from 0 to 65535, got ${port}`),
    );
  });
});
