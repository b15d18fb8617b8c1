/**
 * `realtime-contract listen` and TLS, against real servers on 127.0.0.1: a port that accepts
 * and never answers the handshake, a TLS server with a self-signed certificate (made here with
 * node:crypto), and each scheme at a port that speaks the other.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runListen } from '../support/listen.js';
import { selfSignedCertificate } from '../support/self-signed.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const dir = mkdtempSync(path.join(tmpdir(), 'listen-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Listens on 127.0.0.1 (a port of the kernel's choosing), stopped after the test; its port. */
async function started(server: Server | HttpsServer, sockets: Set<Socket> = new Set()): Promise<number> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return (server.address() as AddressInfo).port;
}

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });

/** A WebSocket server over TLS with a self-signed certificate, sending the connection message; its port and the certificate's PEM file. */
async function tlsServer(): Promise<{ port: number; certFile: string }> {
  const { key, cert } = selfSignedCertificate();
  const certFile = path.join(dir, `cert-${stops.length}-${Date.now()}.pem`);
  writeFileSync(certFile, cert);
  const server = createHttpsServer({ key, cert });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.send(connection));
  stops.push(async () => {
    for (const ws of wss.clients) ws.terminate();
  });
  return { port: await started(server), certFile };
}

describe('listen over TLS', () => {
  it('gives up on a handshake that is never answered after the time limit once, not twice (wss: took 2 × the limit)', async () => {
    // Accepts, and says nothing: neither the TLS handshake nor the HTTP upgrade is answered.
    let acceptedAt = 0;
    const port = await started(createTcpServer(() => (acceptedAt ||= Date.now())));
    for (const scheme of ['wss', 'ws']) {
      acceptedAt = 0;
      // The handshake's limit is --duration when shorter than 10 s.
      const result = await runListen([`${scheme}://127.0.0.1:${port}/api/ws`, '--duration', '3s']);
      const took = Date.now() - acceptedAt;
      expect(acceptedAt, scheme).toBeGreaterThan(0);
      expect(result.status, scheme).toBe(2);
      // Counted from the accepted connection, the child's start left out; 2 × the limit is 6 s.
      expect(took, scheme).toBeGreaterThanOrEqual(2900);
      expect(took, scheme).toBeLessThan(4500);
      expect(result.stderr, scheme).toBe(`realtime-contract: cannot connect to ${scheme}://127.0.0.1:${port}/api/ws: Opening handshake has timed out: no answer within 3000 ms\n`);
    }
  });
});
