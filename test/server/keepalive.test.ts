/**
 * Keepalive (spec "Backend Implementation Notes" 4) with short timings: a client that never
 * answers is closed with 4408 within interval + timeout (±10 %); one that answers stays for
 * 10 intervals; a client's ping gets a pong.
 */
import { describe, expect, it } from 'vitest';
import { connect, startServer, token } from './helpers.js';

const INTERVAL = 600;
const TIMEOUT = 300;

describe('keepalive', () => {
  it('closes a silent client with 4408 within interval + timeout, keeps an answering one for 10 intervals', async () => {
    const server = await startServer({ pingIntervalMs: INTERVAL, pongTimeoutMs: TIMEOUT });
    try {
      const silent = await connect(server.url({ token: await token('silent') }));
      const connectedAt = Date.now();
      silent.answerPings = false;
      const answering = await connect(server.url({ token: await token('answering') }));
      const code = await silent.closed;
      const elapsed = Date.now() - connectedAt;
      expect(code).toBe(4408);
      expect(elapsed).toBeLessThanOrEqual((INTERVAL + TIMEOUT) * 1.1);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT * 0.9);
      await answering.until(() => answering.count('ping') >= 10, INTERVAL * 15, '10 pings');
      expect(answering.closeCode).toBeNull();
      const pings = answering.frames.filter((f) => f.type === 'ping');
      for (const ping of pings) expect(Number.isInteger(ping.timestamp)).toBe(true);
      // One timer per server: every socket is pinged in the same round, with the same timestamp.
      const gaps = pings.slice(1).map((p, i) => p.timestamp! - pings[i]!.timestamp!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(INTERVAL * 0.9);
      expect(server.rt.stats().closes).toMatchObject({ 4408: 1 });
      answering.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('answers a client ping with a pong echoing its timestamp', async () => {
    const server = await startServer();
    try {
      const client = await connect(server.url({ token: await token('u1') }));
      client.ws.send(JSON.stringify({ type: 'ping', timestamp: 1705251000000 }));
      await client.until(() => client.count('pong') === 1);
      expect(client.frames.find((f) => f.type === 'pong')).toEqual({ type: 'pong', timestamp: 1705251000000 });
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });
});
