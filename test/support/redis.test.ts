/** The throwaway redis-server starts, answers, dies on kill, comes back on its port, and stops. */
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { redisSkipReason, startTestRedis, type TestRedis } from './redis.js';

function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', (error) => resolve(`error: ${error.message}`));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
  });
}

describe.skipIf(redisSkipReason('test/support/redis.test.ts'))('startTestRedis', () => {
  let redis: TestRedis | undefined;
  afterAll(() => redis?.stop());

  it('runs a real redis-server that survives kill and start on the same port', async () => {
    redis = await startTestRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ping(redis.port)).toBe('+PONG');
    await redis.kill();
    expect(await ping(redis.port)).toMatch(/^error: .*ECONNREFUSED/);
    await redis.start();
    expect(await ping(redis.port)).toBe('+PONG');
  });
});
