/**
 * The demo producer's uptimes (`metrics.uptime_seconds`, `system_health.uptime`: time since
 * the backend started) against a wall clock set back (an NTP step, a user's hand): they are
 * durations, measured on a clock that never steps, as README "Keepalive" says of the server's
 * (tAO: set back an hour, they were negative, refused at publish, and the demo sent neither
 * type for that hour).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDemoProducer } from '../../src/server/index.js';
import { connect, startServer, token } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the demo producer when the wall clock steps', () => {
  it('goes on sending metrics and system_health, with uptimes of 0 or more, after the wall clock was set back an hour', async () => {
    const server = await startServer();
    const errors: string[] = [];
    const demo = startDemoProducer(server.rt, { users: ['alice'], intervalMs: 60_000, onError: (error, type) => errors.push(`${type}: ${String(error)}`) });
    try {
      const alice = await connect(server.url({ token: await token('alice') }));
      await alice.until(() => alice.count('connection') === 1);
      const now = Date.now.bind(Date);
      vi.spyOn(Date, 'now').mockImplementation(() => now() - 3_600_000);
      await demo.round();
      await alice.until(() => alice.count('metrics') === 1 && alice.count('system_health') === 1, 10_000, 'metrics and system_health');
      expect(errors).toEqual([]);
      const data = (type: string) => alice.frames.find((f) => f.type === type)!.data!;
      expect(data('metrics').uptime_seconds).toBeGreaterThanOrEqual(0);
      expect(data('metrics').uptime_seconds).toBeLessThan(60);
      expect(data('system_health').uptime).toBeGreaterThanOrEqual(0);
      expect(data('system_health').uptime).toBeLessThan(60);
      alice.ws.close();
    } finally {
      demo.stop();
      await server.rt.close();
    }
  }, 20_000);
});
