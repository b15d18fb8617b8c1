/**
 * The reference server (src/server) for the client's end-to-end tests: on its own http server
 * on 127.0.0.1, JWTs signed with an HS256 secret, the stream store kept across restarts, and a
 * switch that refuses upgrades like a proxy without WebSocket support.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { createRealtimeServer, MemoryStreamStore, type RealtimeServer, type RealtimeServerOptions } from '../../../src/server/index.js';
import type { TradesMessage } from '../../../src/index.js';
import { example } from './helpers.js';

export const SECRET = 'client-tests-secret-of-at-least-32-bytes!';

export function sign(sub: string, expiresInSec = 3600, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSec).sign(new TextEncoder().encode(SECRET));
}

/** The reference server on its own http server, with a switch that refuses upgrades like a proxy without WebSocket support. */
export class Harness {
  http!: Server;
  server!: RealtimeServer;
  port = 0;
  refuseUpgrades = false;
  upgrades: { at: number; refused: boolean }[] = [];
  readonly store = new MemoryStreamStore();

  async start(options: Partial<RealtimeServerOptions> = {}): Promise<this> {
    this.http = createServer();
    this.http.on('upgrade', (_req, socket) => {
      this.upgrades.push({ at: Date.now(), refused: this.refuseUpgrades });
      // The client resets a refused socket as it reads the answer: an unheard ECONNRESET would end the run.
      socket.on('error', () => undefined);
      if (this.refuseUpgrades) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    this.server = createRealtimeServer({ server: this.http, jwt: { secret: SECRET }, store: this.store, ...options });
    await new Promise<void>((resolve) => this.http.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await this.server.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/api/ws`;
  }

  trades(from: number, count: number, user = 'alice'): Promise<unknown> {
    const base = example('trades') as unknown as TradesMessage;
    return Promise.all(Array.from({ length: count }, (_, i) => this.server.publish(user, { ...base, data: { ...base.data, id: `t${from + i}` } })));
  }
}

const harnesses: Harness[] = [];
export async function harness(options: Partial<RealtimeServerOptions> = {}): Promise<Harness> {
  const h = await new Harness().start(options);
  harnesses.push(h);
  return h;
}

/** Stops every harness started since the last call. */
export async function stopHarnesses(): Promise<void> {
  await Promise.all(harnesses.splice(0).map((h) => h.stop().catch(() => undefined)));
}
