/**
 * What `createRedisStreamStore` (and `serve --redis`) does at start with a Redis it can never start
 * on — a replica, a Redis Cluster node, a key of the store of another type, a full Redis with no
 * epoch — and with one it has only to wait for (tCX F3: each retried every 200 ms for ever, a
 * `redis-error` line each time, and serve never listened nor exited).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/index.js';
import { storeErrorSummary } from '../../../src/server/redis/redis-stream-store.js';
import { findTool } from '../../support/toolchain.js';
import { freePort, RedisServer, serveDemoOnRedis } from './redis-server.js';

const tool = findTool('redis-server');

type Record_ = { level: string } & Record<string, unknown>;
function recordingLogger(): { records: Record_[]; logger: Record<'info' | 'warn' | 'error', (fields: Record<string, unknown>) => void> } {
  const records: Record_[] = [];
  const at = (level: string) => (fields: Record<string, unknown>) => void records.push({ level, ...fields });
  return { records, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}


describe.skipIf(!tool.available)(`createRedisStreamStore at start, on a Redis it cannot use ${tool.reason}`, () => {
  const servers: RedisServer[] = [];
  const stores: RedisStreamStore[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const server of servers) await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  // In a folder of its own: a replica writes the snapshot it receives there (the working folder else).
  const start = async (extra: readonly string[] = [], port?: number) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-start-'));
    dirs.push(dir);
    const server = await RedisServer.start(port, { dir, extra });
    servers.push(server);
    return server;
  };

  /** A store started on `url` and seen waiting: its first log line came before it settled (`settled()`: 'resolved', 'rejected: <message>' or undefined). */
  const waitingStart = async (url: string) => {
    const { records, logger } = recordingLogger();
    let settled: string | undefined;
    const starting = createRedisStreamStore({ url, logger }).then(
      (store) => (stores.push(store), (settled = 'resolved'), store),
      (err: Error) => ((settled = `rejected: ${err.message}`), undefined),
    );
    while (records.length === 0 && settled === undefined) await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBeUndefined();
    return { records, starting, settled: () => settled };
  };

  /**
   * How a start on `url` settles: `rejected: <message>`, `started`, or `waiting: <its line>` as
   * soon as it logs a catch-up redis-error (a refusal gone missing makes the start wait: that
   * says so at once, where the test's 60-s timeout said only "timed out": tDI F6).
   */
  const outcome = (url: string, logger = recordingLogger()) =>
    new Promise<string>((resolve) => {
      const log = (level: 'info' | 'warn' | 'error') => (fields: Record<string, unknown>) => {
        logger.logger[level](fields);
        if (fields.event === 'redis-error' && fields.connection === 'catch-up') resolve(`waiting: ${String(fields.err)}`);
      };
      createRedisStreamStore({ url, logger: { info: log('info'), warn: log('warn'), error: log('error') } }).then(
        (store) => (stores.push(store), resolve('started')),
        (err: Error) => resolve(`rejected: ${err.message}`),
      );
    });

  it('rejects a replica, read-only or writable, saying to give the primary, and serve exits 2 with that one line', { timeout: 90_000 }, async () => {
    const primary = await start();
    const replica = await start(['--replicaof', '127.0.0.1', String(primary.port)]);
    const said = `Redis at ${replica.url} is a replica (of 127.0.0.1:${primary.port}): what is written on a replica never reaches its primary nor the other nodes; give the primary's URL`;
    const { records, logger } = recordingLogger();
    await expect(createRedisStreamStore({ url: replica.url, logger })).rejects.toThrow(said);
    expect(records).toEqual([]);
    const run = await serveDemoOnRedis(replica.url);
    expect(run.code).toBe(2);
    expect(run.output).toBe(`realtime-contract serve: ${said}\n`);
    // Writable (replica-read-only no): its publishes would stay on it, lost at its next resync (tCZ F5).
    const raw = new Redis(replica.url);
    try {
      await raw.config('SET', 'replica-read-only', 'no');
      await expect(createRedisStreamStore({ url: replica.url, logger })).rejects.toThrow(said);
      expect(records).toEqual([]);
      // Nothing written on it.
      expect(await raw.keys('rc:*')).toEqual([]);
    } finally {
      raw.disconnect();
    }
  });

  it('rejects a read-only replica whose ROLE is refused to the ACL user by its READONLY answer, saying to give the primary', { timeout: 60_000 }, async () => {
    const primary = await start();
    const replica = await start(['--replicaof', '127.0.0.1', String(primary.port)]);
    const raw = new Redis(replica.url);
    try {
      await raw.call('ACL', 'SETUSER', 'norole', 'on', '>pw', '~*', '&*', '+@all', '-role');
      const url = replica.url.replace('redis://', 'redis://norole:pw@');
      await expect(createRedisStreamStore({ url, logger: recordingLogger().logger })).rejects.toThrow(
        `Redis at ${replica.url} is a read-only replica (READONLY You can't write against a read only replica): give the primary's URL`,
      );
    } finally {
      raw.disconnect();
    }
  });

  it('rejects a replica cut off from its primary (MASTERDOWN) at once, rather than wait for a replica', { timeout: 60_000 }, async () => {
    const primaryPort = await freePort();
    const replica = await start(['--replicaof', '127.0.0.1', String(primaryPort), '--replica-serve-stale-data', 'no']);
    const logger = recordingLogger();
    expect(await outcome(replica.url, logger)).toBe(
      `rejected: Redis at ${replica.url} is a replica (of 127.0.0.1:${primaryPort}): what is written on a replica never reaches its primary nor the other nodes; give the primary's URL`,
    );
    expect(logger.records).toEqual([]);
  });

  it('rejects a key of the store of another type (another application\'s key under the prefix), naming that key and the way out', async () => {
    const server = await start();
    const raw = new Redis(server.url);
    try {
      const way = `another application's key under the key prefix "rc"? Delete it, or give the store another keyPrefix`;
      const wrongType = '(WRONGTYPE Operation against a key holding the wrong kind of value)';
      // Each key the first read takes, and the all-stream, which it does not: every publish failed on it (tCZ F2).
      for (const [key, said] of [
        ['rc:epoch', `holds rc:epoch as a list, where the store keeps a string ${wrongType}`],
        ['rc:seq', `holds rc:seq as a list, where the store keeps a string ${wrongType}`],
        ['rc:head', `holds rc:head as a list, where the store keeps a string ${wrongType}`],
        ['rc:all', 'holds rc:all as a list, where the store keeps a stream'],
      ] as const) {
        await raw.rpush(key, 'x');
        const { records, logger } = recordingLogger();
        await expect(createRedisStreamStore({ url: server.url, logger })).rejects.toThrow(`Redis at ${server.url} ${said}: ${way}`);
        expect(records.filter((r) => r.event !== 'redis-error')).toEqual([]);
        await raw.del(key);
      }
      // Under another prefix it starts (the last start wrote rc:head: replaced by a list).
      await raw.del('rc:head');
      await raw.rpush('rc:head', 'x');
      const store = await createRedisStreamStore({ url: server.url, keyPrefix: 'other', logger: recordingLogger().logger });
      stores.push(store);
      expect(store.status().healthy).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  it('rejects a Redis Cluster node, with no slots (CLUSTERDOWN) and with them all (CROSSSLOT): not supported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-cluster-'));
    dirs.push(dir);
    const node = await start(['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf')]);
    const said = (words: string) => `Redis at ${node.url} is a Redis Cluster node (${words}): Redis Cluster is not supported; give the URL of a Redis that is not in cluster mode`;
    expect(await outcome(node.url)).toBe(`rejected: ${said('CLUSTERDOWN Hash slot not served')}`);
    // Given a database, the Cluster node refuses SELECT: it is the Cluster that is refused, not the database (tCZ F4).
    await expect(createRedisStreamStore({ url: `${node.url}/1`, logger: recordingLogger().logger })).rejects.toThrow(
      `Redis at ${node.url}/1 is a Redis Cluster node (ERR SELECT is not allowed in cluster mode): Redis Cluster is not supported; give the URL of a Redis that is not in cluster mode`,
    );
    const raw = new Redis(node.url);
    try {
      await raw.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      for (let i = 0; i < 200 && !/cluster_state:ok/.test(await raw.call('CLUSTER', 'INFO') as string); i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      raw.disconnect();
    }
    expect(await outcome(node.url)).toBe(`rejected: ${said("CROSSSLOT Keys in request don't hash to the same slot")}`);
  });

  it('rejects a Redis with INFO renamed away as such, not as a port where something else answers (tDG F9)', async () => {
    const server = await start(['--rename-command', 'INFO', '']);
    expect(await outcome(server.url)).toMatch(
      new RegExp(`^rejected: Redis at ${server.url} has no INFO command \\(ERR unknown command 'info', with args beginning with:\\): renamed or disabled \\(rename-command\\)\\? The store's client \\(ioredis\\) asks INFO whether Redis is ready: give it back$`),
    );
  });

  it('rejects a Redis with PUBLISH renamed away as such, not as an ACL refusal to grant (tEC F7)', async () => {
    const server = await start(['--rename-command', 'PUBLISH', '']);
    expect(await outcome(server.url)).toBe(`rejected: Redis at ${server.url} has no PUBLISH on rc:fanout (renamed or disabled: rename-command?), which the store's scripts run: give it back`);
  });

  it("rejects a Redis with PING renamed away naming PING as the heartbeat's, not the scripts'; and an ACL user without TIME and PING, with Redis 7.0's words for TIME beside TIME, not after PING (tHZ F3)", async () => {
    const renamed = await start(['--rename-command', 'PING', 'PINGX']);
    expect(await outcome(renamed.url)).toBe(`rejected: Redis at ${renamed.url} has no PING (renamed or disabled: rename-command?), which the store's heartbeat sends on its subscriber connection: give it back`);
    const server = await start(['--user', 'u1', 'on', '>pw', '~*', '&*', '+@all', '-time', '-ping']);
    expect(await outcome(server.url.replace('redis://', 'redis://u1:pw@'))).toBe(
      `rejected: Redis at ${server.url} refused a command or channel to this ACL user: NOPERM this ACL user may not run TIME, which the store's scripts run (ERR The user executing the script can't run this command or subcommand), and PING, which the store's heartbeat sends on its subscriber connection: grant them`,
    );
  });

  it('rejects a Redis with EVALSHA or SUBSCRIBE renamed away, naming the command: the start waited for ever on EVALSHA, and said "is it the Redis port?" of SUBSCRIBE (tEC F8)', async () => {
    const evalsha = await start(['--rename-command', 'EVALSHA', '']);
    expect(await outcome(evalsha.url)).toMatch(new RegExp(`^rejected: Redis at ${evalsha.url} has no EVALSHA command \\(ERR unknown command 'evalsha'[^]*\\): renamed or disabled \\(rename-command\\)\\? The store runs its scripts with EVALSHA and EVAL: give it back$`));
    const subscribe = await start(['--rename-command', 'SUBSCRIBE', '']);
    expect(await outcome(subscribe.url)).toMatch(new RegExp(`^rejected: Redis at ${subscribe.url} has no SUBSCRIBE command \\(ERR unknown command 'subscribe'[^]*\\): renamed or disabled \\(rename-command\\)\\? The store needs it: give it back$`));
  });

  // tHS F2: Redis's answer to an AUTH it lacks quotes its arguments, the user name and password: serve --redis, the start's
  // error and status() (so stats().store.detail) printed them.
  it('never shows the credentials a server without AUTH quotes back (ERR unknown command \'auth\', with args beginning with: …), at start or once running (tHS F2)', async () => {
    const password = 'Hunter2Secret!x';
    /** A RESP server on `port` that answers AUTH and HELLO as Redis answers a command it lacks, anything else NOAUTH. */
    const noAuth = (port: number) =>
      new Promise<NetServer>((resolve, reject) => {
        const server = createNetServer((socket) => {
          let buffered = '';
          socket.on('error', () => undefined);
          socket.on('data', (data) => {
            buffered += data.toString('latin1');
            for (let found = /^\*(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)*)/.exec(buffered); found !== null; found = /^\*(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)*)/.exec(buffered)) {
              const args = [...found[2]!.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((arg) => arg[1]!);
              if (args.length < Number(found[1])) break;
              buffered = buffered.slice(found[0].length);
              const [name, ...rest] = args;
              socket.write(/^(?:auth|hello)$/i.test(name!) ? `-ERR unknown command '${name!.toLowerCase()}', with args beginning with: ${rest.map((arg) => `'${arg}' `).join('')}\r\n` : '-NOAUTH Authentication required.\r\n');
            }
          });
        });
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    const fakePort = await freePort();
    const fake = await noAuth(fakePort);
    try {
      for (const url of [`redis://rcuser:${password}@127.0.0.1:${fakePort}`, `redis://:${password}@127.0.0.1:${fakePort}/0`]) {
        const said = await outcome(url);
        expect(said, url).toMatch(new RegExp(`^rejected: Redis at redis://127\\.0\\.0\\.1:${fakePort}(?:/0)? has no AUTH command \\(ERR unknown command 'auth', with args beginning with: \\[redacted\\]\\): renamed or disabled`));
        expect(said).not.toContain('Hunter2');
      }
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
    // Any store's detail or error quoting it, as the server shows one (stats().store.detail, the log).
    expect(storeErrorSummary(new Error(`auth: ERR unknown command 'auth', with args beginning with: 'rcuser' '${password}' `)).message).toBe("auth: ERR unknown command 'auth', with args beginning with: [redacted] ");
    // Running: the Redis it started on is replaced on its port by such a server.
    const redis = await RedisServer.start(undefined, { extra: ['--requirepass', password] });
    const { records, logger } = recordingLogger();
    const store = await createRedisStreamStore({ url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${redis.port}/0`, logger, commandTimeoutMs: 1000 });
    let replaced: NetServer | undefined;
    try {
      await redis.stop();
      replaced = await noAuth(redis.port);
      const deadline = Date.now() + 20_000;
      while (!/unknown command 'auth'/.test((await store.status()).detail ?? '') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const { detail } = await store.status();
      expect(detail).toContain("ERR unknown command 'auth', with args beginning with: [redacted]");
      expect(`${detail}\n${JSON.stringify(records)}`).not.toContain('Hunter2');
    } finally {
      await store.close();
      if (replaced !== undefined) await new Promise((resolve) => replaced!.close(resolve));
    }
  });

  it('never shows the password it sent when a RESP server quotes its HELLO in words of its own (tIF F6: ERR command hello 3 AUTH alice <password> … not supported)', async () => {
    const password = 'SekritPwValue9';
    const fakePort = await freePort();
    const fake = await new Promise<NetServer>((resolve, reject) => {
      const server = createNetServer((socket) => {
        socket.on('error', () => undefined);
        socket.on('data', (data) => {
          const args = data.toString('latin1').split('\r\n').filter((word) => word !== '' && !/^[*$]/.test(word));
          if (!socket.writableEnded) socket.write(`-ERR command ${args.join(' ')} not supported\r\n`);
        });
      });
      server.once('error', reject);
      server.listen(fakePort, '127.0.0.1', () => resolve(server));
    });
    try {
      const { records, logger } = recordingLogger();
      const said = await outcome(`redis://alice:${password}@127.0.0.1:${fakePort}`, { records, logger });
      expect(said).toMatch(/^rejected: .*ERR command hello 3 AUTH alice \[redacted\]/i);
      expect(`${said}\n${JSON.stringify(records)}`).not.toContain('SekritPw');
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('rejects a full Redis (noeviction) holding no epoch: none can be written', async () => {
    const server = await start();
    const raw = new Redis(server.url);
    try {
      await raw.eval("for i = 1, 20000 do redis.call('SET', 'filler:' .. i, string.rep('x', 100)) end", 0);
      await raw.config('SET', 'maxmemory-policy', 'noeviction');
      await raw.config('SET', 'maxmemory', '1mb');
      const logger = recordingLogger();
      const { records } = logger;
      expect(await outcome(server.url, logger)).toBe(
        `rejected: Redis at ${server.url} holds no epoch key (rc:epoch) and is full, so refuses to write one (OOM command not allowed when used memory > 'maxmemory'): free memory or raise maxmemory, then start again`,
      );
      // Not "reads and new sockets refused (503) until it takes one": there is no server to refuse them.
      expect(records.filter((r) => r.event === 'epoch-refused')).toEqual([]);
    } finally {
      raw.disconnect();
    }
  });

  it('waits for a Redis that refuses to write the epoch for now (NOREPLICAS), saying so once, not at each retry, and starts once it takes one, with no epoch-written line', { timeout: 60_000 }, async () => {
    const server = await start(['--min-replicas-to-write', '1']);
    const { records, starting, settled } = await waitingStart(server.url);
    const raw = new Redis(server.url);
    try {
      // Five more reads refused (retried each 200 ms), still one line: at most one each 10 s (it was
      // looked at the moment the first came, and a line at each retry passed: tDI F5).
      const reads = async () => [...((await raw.info('commandstats')) as string).matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+),.*?rejected_calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]) + Number(m[2]), 0);
      const before = await reads();
      while ((await reads()) < before + 5) await new Promise((r) => setTimeout(r, 50));
      expect(records).toEqual([{ level: 'warn', event: 'redis-error', connection: 'catch-up', url: server.url, err: expect.stringMatching(/^Redis holds no epoch key and refused to write one \(NOREPLICAS /) }]);
      await raw.config('SET', 'min-replicas-to-write', '0');
      const started = await starting;
      expect(settled()).toBe('resolved');
      const epoch = await raw.get('rc:epoch');
      expect(epoch).not.toBeNull();
      expect(started!.status().detail).toContain(`epoch ${epoch}`);
      // No "Redis took an epoch again" at start: no epoch-refused was logged before it (tCZ F3).
      expect(records.map((r) => r.event)).not.toContain('epoch-written');
      expect(records.map((r) => r.event)).not.toContain('epoch-refused');
    } finally {
      raw.disconnect();
    }
  });

  it('rejects a store key holding another application\'s value (rc:head, rc:seq, rc:epoch), naming the key, its value and what the store keeps there, every key wrong at once (tDB F6)', { timeout: 60_000 }, async () => {
    const server = await start();
    const raw = new Redis(server.url);
    try {
      const way = `another application's key under the key prefix "rc"? Delete it, or give the store another keyPrefix`;
      const refused = async () => {
        const { records, logger } = recordingLogger();
        const settled = await createRedisStreamStore({ url: server.url, logger }).then(
          (store) => (stores.push(store), 'started'),
          (err: Error) => err.message,
        );
        expect(records.filter((r) => r.event !== 'redis-error')).toEqual([]);
        return settled;
      };
      // The start waited for ever on it, logging a Lua error each 10 s.
      await raw.set('rc:head', 'deadbeef-sha');
      const head = await refused();
      expect(head).toMatch(new RegExp(`^Redis at ${server.url} holds rc:head "deadbeef-sha", where the store keeps a decimal integer \\(microseconds\\) \\(ERR user_script:\\d+: .*\\): `));
      expect(head.endsWith(`: ${way}`)).toBe(true);
      // Told "does not answer as Redis … is it the Redis port?".
      await raw.del('rc:head');
      await raw.set('rc:seq', 'build-42');
      expect(await refused()).toBe(`Redis at ${server.url} holds rc:seq "build-42", where the store keeps a decimal integer: ${way}`);
      await raw.del('rc:seq');
      await raw.set('rc:epoch', 'has space');
      expect(await refused()).toBe(`Redis at ${server.url} holds rc:epoch "has space", where the store keeps 1 to 64 hex digits: ${way}`);
      // All decimal digits, which no cursor can carry (tEC F3: the start went on, every entry dropped from every live feed).
      await raw.set('rc:epoch', '12345');
      expect(await refused()).toBe(`Redis at ${server.url} holds rc:epoch "12345", where the store keeps 1 to 64 hex digits, not all decimal digits (a cursor <digits>.<n> reads as a number; the store itself made one such epoch in 1,850 before 2026-12-01: then delete this key alone: clients are told a gap and sent again what the streams hold, what they had too): ${way}`);
      await raw.set('rc:epoch', 'has space');
      // Two at once: both named, not one a start.
      await raw.set('rc:seq', 'abc');
      await raw.set('rc:head', '');
      expect(await refused()).toMatch(new RegExp(`^Redis at ${server.url} holds rc:epoch "has space", where the store keeps 1 to 64 hex digits and rc:seq "abc", where the store keeps a decimal integer and rc:head "", where`));
      await raw.del('rc:epoch', 'rc:seq', 'rc:head');
      await raw.hset('rc:all', 'a', 'b');
      await raw.sadd('rc:head', 'x');
      expect(await refused()).toBe(
        `Redis at ${server.url} holds rc:head as a set, where the store keeps a string and rc:all as a hash, where the store keeps a stream (WRONGTYPE Operation against a key holding the wrong kind of value): ${way}`,
      );
    } finally {
      raw.disconnect();
    }
  });

  it('rejects an all-stream of another type to an ACL user without TYPE, as with it (tDB F4)', { timeout: 60_000 }, async () => {
    const server = await start();
    const raw = new Redis(server.url);
    try {
      await raw.call('ACL', 'SETUSER', 'notype', 'on', '>pw', '~*', '&*', '+@all', '-type', '-role', '-config');
      await raw.set('rc:all', 'x');
      const url = server.url.replace('redis://', 'redis://notype:pw@');
      await expect(createRedisStreamStore({ url, logger: recordingLogger().logger })).rejects.toThrow(
        `Redis at ${server.url} holds rc:all as another type, where the store keeps a stream: another application's key under the key prefix "rc"? Delete it, or give the store another keyPrefix`,
      );
    } finally {
      raw.disconnect();
    }
  });

  it('rejects a start that waited (NOREPLICAS) on a Redis made a writable replica meanwhile, rather than store on the replica (tDB F5)', { timeout: 60_000 }, async () => {
    const primary = await start();
    const server = await start(['--min-replicas-to-write', '1', '--replica-read-only', 'no']);
    const { starting, settled } = await waitingStart(server.url);
    const raw = new Redis(server.url);
    try {
      await raw.call('REPLICAOF', '127.0.0.1', String(primary.port));
      await starting;
      expect(settled()).toBe(`rejected: Redis at ${server.url} is a replica (of 127.0.0.1:${primary.port}): what is written on a replica never reaches its primary nor the other nodes; give the primary's URL`);
    } finally {
      raw.disconnect();
    }
  });
});
