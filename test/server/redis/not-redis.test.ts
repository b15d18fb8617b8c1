import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisStreamStore } from '../../../src/server/redis/index.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer } from './redis-server.js';

const tool = findTool('redis-server');

function collectingLogger() {
  const events: { level: string; event: string; err?: string }[] = [];
  const messages: string[] = [];
  const at = (level: string) => (object: object, message?: string) => void (events.push({ level, event: String((object as { event?: string }).event), err: (object as { err?: string }).err }), messages.push(String(message)));
  return { events, messages, info: at('info'), warn: at('warn'), error: at('error') };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A TCP server on 127.0.0.1 that is not Redis: `greeting` written on connect, `answer` to each
 * chunk it reads (nothing: it never answers). `connections` counts the connections it took.
 */
async function notRedis(options: { greeting?: string; answer?: string; port?: number; hangUp?: boolean }): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (options.hangUp) return void socket.destroy();
    if (options.greeting) socket.write(options.greeting);
    socket.on('data', () => {
      if (options.answer) socket.write(options.answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const refusal = (url: string, options: { commandTimeoutMs?: number } = {}) =>
  createRedisStreamStore({ url, connectTimeoutMs: 2000, logger: collectingLogger(), ...options }).then(
    async (store) => {
      const status = store.status();
      await store.close();
      return `started: ${status.detail}`;
    },
    (error: Error) => error.message,
  );

describe('a server on the Redis port that is not Redis: refused at start as not Redis, never "unreachable" nor healthy', () => {
  it('one answering +OK to everything: its "OK" was read as epoch "O", cursor "O.NaN", policy "K", and the store started healthy (a fresh tester)', async () => {
    const server = await notRedis({ answer: '+OK\r\n+OK\r\n' });
    try {
      expect(await refusal(`redis://127.0.0.1:${server.port}`)).toMatch(new RegExp(`^redis://127\\.0\\.0\\.1:${server.port} does not answer as Redis \\(.+\\): is it the Redis port\\?$`));
    } finally {
      await server.close();
    }
  });

  it('one answering -ERR unknown command (a POP3 server greets +OK), one that takes the connection and says nothing, one that hangs up: "Redis unreachable" sent the user to the network', async () => {
    const pop3 = await notRedis({ greeting: '+OK POP3 server ready\r\n', answer: '-ERR unknown command\r\n' });
    const silent = await notRedis({});
    const hangUp = await notRedis({ hangUp: true });
    try {
      expect(await refusal(`redis://127.0.0.1:${hangUp.port}`)).toBe(`redis://127.0.0.1:${hangUp.port} does not answer as Redis (it took the connection and closed it without an answer): is it the Redis port, or a Redis at its maxclients (ERR max number of clients reached: INFO clients on it tells)?`);
      const popped = await refusal(`redis://127.0.0.1:${pop3.port}`, { commandTimeoutMs: 1000 });
      // Which, depends on how its answers (one per chunk read) fall on ioredis's handshake commands.
      expect(popped).toMatch(new RegExp(`^redis://127\\.0\\.0\\.1:${pop3.port} does not answer as Redis \\((ERR unknown command\\): is it the Redis port|it took the connection and answered nothing within 1000 ms\\): is it the Redis port, or a Redis paused \\(CLIENT PAUSE\\) or busy that long)\\?$`));
      expect(await refusal(`redis://127.0.0.1:${silent.port}`, { commandTimeoutMs: 500 })).toBe(
        `redis://127.0.0.1:${silent.port} does not answer as Redis (it took the connection and answered nothing within 500 ms): is it the Redis port, or a Redis paused (CLIENT PAUSE) or busy that long?`,
      );
    } finally {
      await Promise.all([pop3.close(), silent.close(), hangUp.close()]);
    }
    // Nothing listening: unreachable, as before.
    expect(await refusal(`redis://127.0.0.1:${silent.port}`)).toMatch(new RegExp(`^Redis unreachable at redis://127\\.0\\.0\\.1:${silent.port}: .*ECONNREFUSED`));
  });
});

describe.skipIf(!tool.available)(`a Redis at its maxclients ${tool.reason}`, () => {
  it('is asked of beside the port: it hangs up on the store, its "-ERR max number of clients reached" never reaching ioredis (tEC F6: "is it the Redis port?" alone)', { timeout: 60_000 }, async () => {
    const redis = await RedisServer.start(undefined, { extra: ['--maxclients', '1'] });
    const holder = new Redis(redis.url);
    try {
      await holder.ping();
      expect(await refusal(redis.url)).toBe(`${redis.url} does not answer as Redis (it took the connection and closed it without an answer): is it the Redis port, or a Redis at its maxclients (ERR max number of clients reached: INFO clients on it tells)?`);
    } finally {
      holder.disconnect();
      await redis.stop();
    }
  });
});

describe.skipIf(!tool.available)(`a running store whose Redis address answers otherwise (not as Redis, or refusing its password) ${tool.reason}`, () => {
  it('counts Redis as lost, says so once in the log and in status(), and rejects reads and appends in words (publishers got "Cannot read properties of undefined"), until Redis is back', { timeout: 60_000 }, async () => {
    const redis = await RedisServer.start();
    const logger = collectingLogger();
    const store = await createRedisStreamStore({ url: redis.url, keyPrefix: 'nr', logger, commandTimeoutMs: 2000 });
    let server: Awaited<ReturnType<typeof notRedis>> | undefined;
    try {
      await store.append('alice', 'trades', (cursor) => JSON.stringify({ cursor }));
      await redis.stop();
      // Whatever binds the port after Redis went away.
      server = await notRedis({ port: redis.port, answer: '+OK\r\n+OK\r\n' });
      await waitFor(() => logger.events.some((e) => e.event === 'redis-not-redis'), 'redis-not-redis');
      // Not once per connection attempt (it wrote ~100 redis-error lines a second).
      const taken = server.connections();
      await waitFor(() => server!.connections() >= taken + 3, 'three more connection attempts');
      expect(logger.events.filter((e) => e.event === 'redis-not-redis')).toHaveLength(1);
      expect(logger.events.filter((e) => e.event === 'redis-error')).toEqual([]);
      const status = store.status();
      expect(status.healthy).toBe(false);
      expect(status.detail).toContain(`${redis.url} does not answer as Redis (`);
      await waitFor(async () => {
        const read = await store.read({ userId: 'alice', admin: false }, null, 10).then(() => 'answered', (error: Error) => error.message);
        expect(read).not.toMatch(/\.NaN|TypeError|Cannot read/);
        return read !== 'answered';
      }, 'a read refused');
      const append = await store.append('alice', 'trades', (cursor) => JSON.stringify({ cursor })).then(() => 'stored', (error: Error) => error.message);
      expect(append).not.toBe('stored');
      expect(append).not.toMatch(/TypeError|Cannot read/);
      await server.close();
      server = undefined;
      await redis.restart();
      await waitFor(() => store.status().healthy, 'healthy again');
      expect(logger.events.map((e) => e.event)).toContain('redis-recovered');
    } finally {
      await server?.close();
      await store.close();
      await redis.stop();
    }
  });

  it('logs a password refused at reconnection (a rotated password): "connection lost; reconnecting" was all it said; once, not at each attempt', { timeout: 60_000 }, async () => {
    const redis = await RedisServer.start();
    const admin = new Redis(redis.url);
    const logger = collectingLogger();
    try {
      await admin.config('SET', 'requirepass', 'old-password');
      await admin.auth('old-password');
      const store = await createRedisStreamStore({ url: `redis://:old-password@127.0.0.1:${redis.port}`, keyPrefix: 'pw', logger });
      try {
        await admin.config('SET', 'requirepass', 'new-password');
        await admin.auth('new-password');
        await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
        await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        await waitFor(() => logger.events.some((e) => e.event === 'redis-credentials-refused'), 'redis-credentials-refused');
        const connections = async () => Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))![1]);
        const after = await connections();
        await waitFor(async () => (await connections()) >= after + 3, 'three more refused attempts');
        expect(logger.events.filter((e) => e.event === 'redis-credentials-refused')).toEqual([
          { level: 'error', event: 'redis-credentials-refused', err: 'WRONGPASS invalid username-password pair or user is disabled.' },
        ]);
        expect(store.status()).toMatchObject({ healthy: false, detail: expect.stringContaining('WRONGPASS') });
        expect(JSON.stringify(logger.events)).not.toContain('old-password');
        await admin.config('SET', 'requirepass', 'old-password');
        await waitFor(() => store.status().healthy, 'healthy again');
      } finally {
        await store.close();
      }
    } finally {
      admin.disconnect();
      await redis.stop();
    }
  });

  it('a Redis restarted with fewer `databases` under a running store: unhealthy, redis-database-refused logged once, retried, never on database 0; recovers when Redis takes its database again', { timeout: 60_000 }, async () => {
    const redis = await RedisServer.start();
    const logger = collectingLogger();
    const store = await createRedisStreamStore({ url: `${redis.url}/5`, keyPrefix: 'db', logger });
    const admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => 200 });
    admin.on('error', () => undefined);
    try {
      await store.append('alice', 'trades', (cursor) => JSON.stringify({ cursor }));
      await redis.restart(0, ['--databases', '2']);
      await waitFor(() => logger.events.some((e) => e.event === 'redis-database-refused'), 'redis-database-refused');
      const connections = async () => Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))![1]);
      const after = await connections();
      await waitFor(async () => (await connections()) >= after + 3, 'three more refused attempts');
      expect(logger.events.filter((e) => e.event === 'redis-database-refused')).toEqual([{ level: 'error', event: 'redis-database-refused', err: 'ERR DB index is out of range' }]);
      // What to do, as the start says it (tDG F6: "not using another, reconnecting" alone).
      expect(logger.messages[logger.events.findIndex((e) => e.event === 'redis-database-refused')]).toBe(
        'Redis refused database 5: not using another, reconnecting; a server has databases 0 to its `databases` setting less one (0 to 15 by default): restart it with more, or give the store a database it has',
      );
      expect(store.status()).toMatchObject({ healthy: false, detail: expect.stringContaining('Redis refused database 5') });
      const append = await store.append('alice', 'trades', (cursor) => JSON.stringify({ cursor })).then(() => 'stored', (error: Error) => error.message);
      expect(append).not.toBe('stored');
      // Not on another database meanwhile.
      expect(await admin.dbsize()).toBe(0);
      await redis.restart();
      await waitFor(() => store.status().healthy, 'healthy again');
      expect(logger.events.map((e) => e.event)).toContain('redis-recovered');
      expect((await store.append('alice', 'trades', (cursor) => JSON.stringify({ cursor }))).cursor).toMatch(/^e[0-9a-f]+\.\d+$/);
      expect(await admin.dbsize()).toBe(0);
    } finally {
      admin.disconnect();
      await store.close();
      await redis.stop();
    }
  });
});
