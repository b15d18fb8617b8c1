/**
 * A client that sends its close frame and then stops (reads on, never ends its connection): its close is its own, not the
 * keepalive's 4408, and it is no longer one of its user's open sockets once its close frame came (tGU F7).
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect, eventually, startServer, token } from './helpers.js';

describe('a client that sends close 1000 and then never ends its connection', () => {
  it('is counted and logged with its own 1000, not 4408 pong timeout, and frees its place among its user\'s sockets at once', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    // A ping round every 200 ms: several fall within the time the server waits for the connection's end.
    const server = await startServer({ pingIntervalMs: 200, pongTimeoutMs: 300, maxSocketsPerUser: 1, logger: { info: log, warn: log, error: log } });
    // Reads on, never ends its side (allowHalfOpen): as a client whose process stalls after its close.
    const socket = createConnection({ host: '127.0.0.1', port: server.port, allowHalfOpen: true });
    try {
      const jwt = await token('gina');
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
      socket.on('error', () => undefined);
      socket.write(`GET /api/ws?token=${jwt} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`);
      await eventually(() => received.includes('"type":"connection"'), 5000, 'the connection message');
      const payload = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]);
      const mask = Buffer.from([1, 2, 3, 4]);
      const sentAt = received.length;
      socket.write(Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))]));
      // The server's close frame (1000, echoed): it has read the client's.
      await eventually(() => received.subarray(sentAt).includes(Buffer.from([0x88, 0x05, 0x03, 0xe8])), 5000, "the server's close frame");
      // Its user may open another socket now (it was refused 429 too-many-sockets while the first waited for its end).
      const other = await connect(server.url({ token: jwt }));
      // The first is ended by the server in the end, counted and logged with the client's code.
      await eventually(() => Object.keys(server.rt.stats().closes).length > 0, 10_000, 'the first socket closed');
      expect(server.rt.stats().closes).toEqual({ 1000: 1 });
      expect(lines.filter((line) => line.event === 'connection-closed').map((line) => line.code)).toEqual([1000]);
      expect(lines.filter((line) => line.event === 'close')).toEqual([]);
      other.ws.close();
      await other.closed;
    } finally {
      socket.destroy();
      await server.rt.close();
    }
  });
});
