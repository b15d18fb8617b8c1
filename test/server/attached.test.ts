/**
 * A server attached to the app's HTTP server (`server:`): README, "When attached to your HTTP
 * server, the server answers `path` and `pollPath` … before your framework's handlers run; every
 * other request reaches them as before." Found by a hostile tester: it held only for the
 * listeners the HTTP server had when the realtime server was created.
 */
import { createServer, Server as HttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRealtimeServer, MemoryStreamStore, type RealtimeServer } from '../../src/server/index.js';
import { SECRET, token } from './helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(http: Server): Promise<number> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => http.close(resolve)));
  return (http.address() as AddressInfo).port;
}

function attach(http: Server, path?: string): RealtimeServer {
  const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET }, ...(path ? { path, pollPath: `${path}/poll` } : {}) });
  cleanup.push(() => rt.close());
  return rt;
}

describe('a server attached to the app\'s HTTP server', () => {
  it('answers its paths in front of an app listener added after it, which gets every other request once (the app\'s 404 answered each poll, the poll\'s answer dropped silently)', async () => {
    // README's example creates the server with no listener: the app is often mounted after.
    const http = createServer();
    const rt = attach(http);
    const app: string[] = [];
    http.on('request', (request, response) => {
      app.push(request.url!.split('?')[0]!);
      if (!response.headersSent) response.writeHead(404).end('app 404');
    });
    const port = await listen(http);
    const poll = await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${await token('alice')}`);
    expect([poll.status, (await poll.json()) as object]).toEqual([200, expect.objectContaining({ messages: [] })]);
    // A plain GET on the socket's path is answered 426 by the server alone.
    expect((await fetch(`http://127.0.0.1:${port}/api/ws`)).status).toBe(426);
    expect((await fetch(`http://127.0.0.1:${port}/orders`)).status).toBe(404);
    expect(app).toEqual(['/orders']);
    // Closed, it steps aside: the app gets its paths too.
    await rt.close();
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll`)).status).toBe(404);
    expect(app).toEqual(['/orders', '/api/ws/poll']);
  });

  it('keeps the other server\'s polls, and the app called once, when one of two servers on it closes (closing one put the app in front of the other, and called it twice)', async () => {
    let appCalls = 0;
    const http = createServer((_request, response) => {
      appCalls++;
      if (!response.headersSent) response.writeHead(200).end('app');
    });
    const v1 = attach(http, '/v1/ws');
    attach(http, '/v2/ws');
    const port = await listen(http);
    const alice = await token('alice');
    expect((await fetch(`http://127.0.0.1:${port}/v1/ws/poll?token=${alice}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/v2/ws/poll?token=${alice}`)).status).toBe(200);
    expect(appCalls).toBe(0);
    await v1.close();
    const poll = await fetch(`http://127.0.0.1:${port}/v2/ws/poll?token=${alice}`);
    expect(await poll.text()).toMatch(/^\{"cursor"/);
    expect(appCalls).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/v1/ws/poll`)).text()).toBe('app');
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect(appCalls).toBe(2);
  });

  it('leaves the server\'s emit alone: instrumentation that wraps http.Server.prototype.emit (OpenTelemetry, dd-trace) sees polls too, and close() leaves nothing of its own behind (a reviewer: a wrapped emit hid polls from it)', async () => {
    const seen: string[] = [];
    const original = HttpServer.prototype.emit;
    HttpServer.prototype.emit = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') seen.push((args[0] as IncomingMessage).url!.split('?')[0]!);
      return Reflect.apply(original, this, [event, ...args]) as boolean;
    } as typeof original;
    cleanup.push(async () => void (HttpServer.prototype.emit = original));
    const app = (_request: IncomingMessage, response: ServerResponse) => void response.end('app');
    const http = createServer(app);
    const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET } });
    const port = await listen(http);
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${await token('alice')}`)).status).toBe(200);
    expect(seen).toEqual(['/other', '/api/ws/poll']);
    // The app's own listeners, as the app sees them, while attached: its function (removable by it).
    const [first, second] = http.listeners('request');
    expect([http.listenerCount('request'), first === app, second]).toEqual([2, false, app]);
    await rt.close();
    expect(Object.hasOwn(http, 'emit')).toBe(false);
    expect(http.rawListeners('request')).toEqual([app]);
    expect(http.listenerCount('newListener')).toBe(0);
  });

  it('servers replaced new before old (a hot reload) do not pile up: one dispatcher, the app called once', async () => {
    let appCalls = 0;
    const http = createServer((_request, response) => {
      appCalls++;
      response.end('app');
    });
    const port = await listen(http);
    let current = createRealtimeServer({ server: http, jwt: { secret: SECRET }, store: new MemoryStreamStore() });
    for (let i = 0; i < 20; i++) {
      const next = createRealtimeServer({ server: http, jwt: { secret: SECRET }, store: new MemoryStreamStore() });
      await current.close();
      current = next;
    }
    cleanup.push(() => current.close());
    expect(http.rawListeners('request')).toHaveLength(2);
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect(appCalls).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${await token('alice')}`)).status).toBe(200);
    expect(appCalls).toBe(1);
  });

  it('a listener the app prepends, adds once or removes later is guarded, fires once, and goes as asked', async () => {
    const http = createServer();
    attach(http);
    const calls: string[] = [];
    const first = (request: IncomingMessage, response: ServerResponse) => {
      calls.push(`first ${request.url}`);
      if (!response.headersSent) response.end('first');
    };
    http.prependListener('request', first);
    http.once('request', (request: IncomingMessage) => void calls.push(`once ${request.url}`));
    const port = await listen(http);
    const alice = await token('alice');
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${alice}`)).status).toBe(200);
    expect(calls).toEqual([]);
    expect(await (await fetch(`http://127.0.0.1:${port}/a`)).text()).toBe('first');
    expect(await (await fetch(`http://127.0.0.1:${port}/b`)).text()).toBe('first');
    expect(calls).toEqual(['first /a', 'once /a', 'first /b']);
    http.removeListener('request', first);
    expect(http.listeners('request')).not.toContain(first);
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${alice}`)).status).toBe(200);
  });
});
