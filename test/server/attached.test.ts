/**
 * A server attached to the app's HTTP server (`server:`): README, "When attached to your HTTP
 * server, the server answers `path` and `pollPath` … before your framework's handlers run; every
 * other request reaches them as before." Found by a hostile tester: it held only for the
 * listeners the HTTP server had when the realtime server was created.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../../src/server/index.js';
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
});
