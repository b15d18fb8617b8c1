/**
 * close(), stats(), the HTTP hook, and the demo producer: every message it sends is valid and
 * every stream type appears.
 */
import { describe, expect, it } from 'vitest';
import { SERVER_MESSAGE_TYPES } from '../../generated/contract.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { startDemoProducer } from '../../src/server/index.js';
import { connect, eventually, sleep, startServer, token, trade } from './helpers.js';

describe('close and stats', () => {
  it('close(): answers held polls, sends 1001 to every socket after what was queued, stops accepting', async () => {
    const server = await startServer({ pollHoldMs: 20_000 });
    const jwt = await token('u1');
    const clients = [await connect(server.url({ token: jwt })), await connect(server.url({ token: await token('u2', { admin: true }) }))];
    for (const client of clients) await client.until(() => client.count('connection') === 1);
    const { cursor } = (await (await fetch(server.http(`/api/ws/poll?token=${jwt}`))).json()) as { cursor: string };
    const held = fetch(server.http(`/api/ws/poll?token=${jwt}&since=${cursor}`)).then((r) => r.json());
    await eventually(() => server.rt.stats().pendingPolls === 1);
    for (let i = 0; i < 100; i++) void server.rt.publish('u1', trade(`last_${i}`));
    await server.rt.close();
    for (const client of clients) {
      expect(await client.closed).toBe(1001);
      expect(client.stream).toHaveLength(100);
    }
    expect(await held).toMatchObject({ resume: 'resumed' });
    const stats = server.rt.stats();
    expect(stats.connections).toBe(0);
    expect(stats.closes).toMatchObject({ 1001: 2 });
    expect(stats.sent.trades).toBeGreaterThanOrEqual(200);
    expect(stats.store.healthy).toBe(false);
    await expect(connect(server.url({ token: jwt }))).rejects.toThrow();
  });

  it('close(): answers a held poll when no socket is open too', async () => {
    // Before, close() woke the poll and closed every HTTP connection at once: the poll got a reset.
    const server = await startServer({ pollHoldMs: 20_000 });
    const jwt = await token('u1');
    const { cursor } = (await (await fetch(server.http(`/api/ws/poll?token=${jwt}`))).json()) as { cursor: string };
    const held = fetch(server.http(`/api/ws/poll?token=${jwt}&since=${cursor}`)).then(async (r) => ({ status: r.status, body: await r.json() }));
    await eventually(() => server.rt.stats().pendingPolls === 1);
    await server.rt.close();
    expect(await held).toMatchObject({ status: 200, body: { resume: 'resumed', messages: [] } });
  });

  it('stats() counts connections, sent per type, refusals per reason and closes per code', async () => {
    const server = await startServer();
    try {
      const client = await connect(server.url({ token: await token('u1') }));
      await client.until(() => client.count('connection') === 1);
      await fetch(server.http('/api/ws/poll'));
      await server.rt.publish('u1', trade());
      await client.until(() => client.count('trades') === 1);
      const stats = server.rt.stats();
      expect(stats).toMatchObject({ connections: 1, admins: 0, published: 1, sent: { connection: 1, trades: 1 }, refusedPolls: { 'no-token': 1 }, store: { healthy: true } });
      client.ws.close(1000);
      await eventually(() => server.rt.stats().closes[1000] === 1);
    } finally {
      await server.rt.close();
    }
  });

  it('handleHttp serves other paths of its own server; the rest is 404', async () => {
    const server = await startServer({
      handleHttp: (request, response) => {
        if (request.url !== '/') return false;
        response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>dashboard</h1>');
        return true;
      },
    });
    try {
      expect(await (await fetch(server.http('/'))).text()).toBe('<h1>dashboard</h1>');
      expect((await fetch(server.http('/elsewhere'))).status).toBe(404);
    } finally {
      await server.rt.close();
    }
  });

  it('answers a plain GET on the WebSocket path with 426 Upgrade Required and Upgrade: websocket', async () => {
    const server = await startServer();
    try {
      const response = await fetch(server.http('/api/ws'));
      expect(response.status).toBe(426);
      expect(response.headers.get('upgrade')).toBe('websocket');
      expect((await response.json()).error).toMatch(/upgrade required/);
      expect(server.rt.stats().connections).toBe(0);
    } finally {
      await server.rt.close();
    }
  });
});

describe('demo producer', () => {
  it('sends valid messages of every stream type; the server adds connection, ping, pong and error', async () => {
    const server = await startServer({ pingIntervalMs: 200, pongTimeoutMs: 5000 });
    const demo = startDemoProducer(server.rt, { users: ['alice', 'bob'], intervalMs: 60_000 });
    try {
      const admin = await connect(server.url({ token: await token('root', { admin: true }) }));
      const alice = await connect(server.url({ token: await token('alice') }));
      await admin.until(() => admin.count('connection') === 1);
      await alice.until(() => alice.count('connection') === 1);
      // Twenty rounds of random values: every one must pass strict validation at publish.
      for (let i = 0; i < 20; i++) await demo.round();
      alice.ws.send('{"type":"ping","timestamp":1}');
      alice.ws.send('not json');
      await alice.until(() => alice.count('ping') >= 1 && alice.count('pong') === 1 && alice.count('error') === 1);
      // Events all arrive; states of a burst this size may be conflated (latest wins).
      await admin.until(() => admin.count('trades') === 40 && admin.count('alerts') === 40 && admin.count('whale') === 20);
      await alice.until(() => alice.count('trades') === 20 && alice.count('wallet') === 20);
      await sleep(10);
      const types = new Set(alice.frames.map((f) => f.type));
      expect([...types].sort()).toEqual([...SERVER_MESSAGE_TYPES].sort());
      for (const frame of [...admin.frames, ...alice.frames]) expect(validateMessage(frame, { mode: 'strict' })).toMatchObject({ ok: true });
      expect(alice.count('decisions')).toBe(20);
      expect(alice.stream.some((f) => JSON.stringify(f).includes('bob'))).toBe(false);
      const ids = admin.stream.filter((f) => f.type === 'trades').map((f) => f.data!.id);
      expect(new Set(ids).size).toBe(ids.length);
      alice.ws.close();
      admin.ws.close();
    } finally {
      demo.stop();
      await server.rt.close();
    }
  });
});

describe('connections that never send a byte', () => {
  it('by default, a reverse proxy on the same host (a loopback address) may hold more than 1024', async () => {
    const server = await startServer();
    const { connect: tcp } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    try {
      for (let i = 0; i < 1100; i++) {
        const socket = tcp(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        sockets.push(socket);
      }
      await Promise.all(sockets.map((socket) => new Promise((resolve) => (socket.readyState === 'open' ? resolve(null) : socket.once('connect', resolve)))));
      await sleep(200);
      expect(sockets.filter((socket) => socket.destroyed || socket.readableEnded)).toHaveLength(0);
      expect(server.rt.stats().refusedConnections).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.rt.close();
    }
  });

  it('one address holds at most maxConnectionsPerIp of them: the rest are closed as they come, and a client connects once they go', async () => {
    const server = await startServer({ maxConnectionsPerIp: 20 });
    const { connect: tcp } = await import('node:net');
    const idle: import('node:net').Socket[] = [];
    try {
      // Twenty idle connections from 127.0.0.1 are held; five more are closed at once.
      for (let i = 0; i < 25; i++) {
        const socket = tcp(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        idle.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
      }
      await eventually(() => idle.filter((socket) => socket.destroyed || socket.readableEnded).length === 5, 5000, 'the five past the limit closed');
      expect(server.rt.stats().refusedConnections).toBe(5);
      for (const socket of idle) socket.destroy();
      await eventually(() => server.rt.stats().refusedConnections === 5 && idle.every((socket) => socket.destroyed), 5000, 'the idle ones gone');
      const client = await connect(server.url({ token: await token('alice') }));
      await client.until(() => client.count('connection') === 1, 5000, 'the connection message');
      client.ws.close();
    } finally {
      for (const socket of idle) socket.destroy();
      await server.rt.close();
    }
  });
});
