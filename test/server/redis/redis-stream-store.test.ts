import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStreamStore, redactRedisUrl, type RedisStreamStore, type StreamGap } from '../../../src/server/redis/index.js';
import type { StreamEntry } from '../../../src/server/stream-store.js';
import { redactUrl } from '../../../src/server/auth.js';
import { findTool } from '../../support/toolchain.js';
import { freePort, RedisServer } from './redis-server.js';
import { selfSignedCertificate } from '../../support/self-signed.js';
import { APPEND_SCRIPT } from '../../../src/server/redis/scripts.js';
import { redisUrlProblem, storeErrorSummary } from '../../../src/server/redis/redis-stream-store.js';
import { isAfter } from '../../../src/client/protocol.js';
import { expectBytePagesAgree } from '../paging.js';
import { connect, refusedStatus, startServer, token, trade, whale } from '../helpers.js';

const tool = findTool('redis-server');

const frame = (n: number, userId: string | null) => (cursor: string) => JSON.stringify({ type: userId ? 'trades' : 'whale', data: { n, userId }, cursor });
const numbers = (entries: StreamEntry[]) => entries.map((e) => (JSON.parse(e.frame) as { data: { n: number } }).data.n);

function collectingLogger() {
  const events: { level: string; event: string; message?: string }[] = [];
  const at = (level: string) => (object: object, message?: string) => void events.push({ level, event: String((object as { event?: string }).event), message });
  return { events, info: at('info'), warn: at('warn'), error: at('error') };
}

async function waitFor(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `test` against a Redis of its own (one a test pauses), resumed and stopped after it whatever happens. */
async function withOwnRedis(test: (redis: RedisServer) => Promise<void>): Promise<void> {
  const redis = await RedisServer.start();
  try {
    await test(redis);
  } finally {
    redis.resume();
    await redis.stop();
  }
}

describe('Redis URLs and options: refused before connecting, never with the password', () => {
  const quiet = { info() {}, warn() {}, error() {} };
  const refusal = (options: unknown) => createRedisStreamStore(options as never).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error as Error,
  );

  it('redactRedisUrl drops the credentials of any URL-ish string, whatever its scheme or shape (it returned valkey://, sentinel and unix:// passwords: a hostile tester)', () => {
    const cases: [string, string][] = [
      ['valkey://u:s3cretpw@127.0.0.1:6379', 'valkey://127.0.0.1:6379'],
      ['unix://u:s3cretpw@/tmp/redis.sock', 'unix:///tmp/redis.sock'],
      ['redis:/u:s3cretpw@127.0.0.1:6379', 'redis:/127.0.0.1:6379'],
      ['https://u:s3cretpw@127.0.0.1:6379/0?password=s3cretpw', 'https://127.0.0.1:6379/0?password=[redacted]'],
      // One the URL parser refuses: its hosts and ports shown, its path not (tFU F12: `redis://<unparsable url>` alone).
      ['redis+sentinel://u:s3cretpw@h1:26379,h2:26379/mymaster', 'redis+sentinel://h1:26379,h2:26379/[redacted]'],
      // A password holding `@`, `/` or `?` as it is, not encoded: no part of it shows.
      ['redis://u:p@s3cretpw@127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
      ['redis://u:1234/s3cretpw@127.0.0.1:6379', 'redis://127.0.0.1:6379'],
      ['rediss://:s3cret?pw@127.0.0.1:6380', 'rediss://127.0.0.1:6380'],
      // A URL that lost its scheme, read as a socket path.
      ['/u:s3cretpw@127.0.0.1:6379', '/[redacted]@127.0.0.1:6379'],
      ['/run/redis@6379.sock', '/run/redis@6379.sock'],
    ];
    for (const [url, redacted] of cases) {
      expect(redactRedisUrl(url), url).toBe(redacted);
      expect(redactRedisUrl(url)).not.toMatch(/s3cret|1234/);
    }
    expect(redactRedisUrl(42 as never)).toBe('<number, not a URL>');
  });

  it('redactRedisUrl shows the host and port of a url the URL parser refuses, for the fault to be seen, but never a secret in it (tFU F12: redis://<unparsable url> whole)', () => {
    const cases: [string, string][] = [
      ['redis://[::1:6379', 'redis://[::1:6379'],
      ['redis://redis host:6379', 'redis://redis host:6379'],
      ['redis://[fe80::1%eth0]:6379', 'redis://[fe80::1%eth0]:6379'],
      ['redis://u:s3cretpw@[::1:6379/0', 'redis://[::1:6379/0'],
      ['redis://redis host:6379/0?password=s3cretpw#s3cret', 'redis://redis host:6379/0?[redacted]#[redacted]'],
      ['redis://[::1:6379/s3cretpw', 'redis://[::1:6379/[redacted]'],
      ['redis://[::1]:s3cretpw', 'redis://[::1]:[redacted]'],
      ['redis://alice:s3cretpw x', 'redis://alice:[redacted]'],
      ['redis://[Pa55w0rdXyz:6379', 'redis://<unparsable url>'],
      ['redis://[::1%Pa55w0rdXyz]:6379', 'redis://<unparsable url>'],
    ];
    for (const [url, redacted] of cases) {
      expect(redactRedisUrl(url), url).toBe(redacted);
      expect(redactRedisUrl(url).toLowerCase(), url).not.toMatch(/s3cret|pa55w0rdxyz/);
    }
  });

  it('redactRedisUrl never shows a bare word that reads as a password, which the store dials as a host (tEG F2: shown whole, README\'s own 32 hex digits included)', async () => {
    for (const word of ['Hunt3rTw0SecretKeyValueForJwtAbcdefgh', '0123456789abcdef0123456789abcdef', 'Xk9mP2qR7wL4zT8b!', 'Tr0ub4dor&3horse', 'Pa55w0rdXyz']) {
      expect(redactRedisUrl(word)).toBe(`redis://<a host of ${word.length} characters, not shown: is it the password? give redis://:password@host:port>`);
    }
    // With a port: the host alone is judged and counted, the port shown; getaddrinfo's ENOTFOUND, which names the host without
    // its port, has it redacted too (tEP F2: `Pa55w0rdXyz:6379` was "a host of 16 characters … ENOTFOUND Pa55w0rdXyz").
    for (const word of ['Pa55w0rdXyz', 'Tr0ub4dor&3horse']) {
      expect(redactRedisUrl(`${word}:6379`)).toBe(`redis://<a host of ${word.length} characters, not shown: is it the password? give redis://:password@host:port>:6379`);
      const error = await refusal({ url: `${word}:6379`, connectTimeoutMs: 2000, logger: quiet });
      expect(error?.message).toMatch(/^Redis unreachable at redis:\/\/<a host of \d+ characters, not shown: is it the password\? give redis:\/\/:password@host:port>:6379: /);
      expect(error?.message.toLowerCase()).not.toContain(word.toLowerCase());
    }
    // What follows the user info is the host: the password before it goes, the host stays.
    expect(redactRedisUrl('u:p!ss@localhost:6379')).toBe('redis://localhost:6379');
    expect(redactRedisUrl('localhost')).toBe('redis://localhost');
    // A host name with capitals, an unexpanded variable: shown, as `${REDIS_HOST}:6379` is (tEP F3).
    expect(redactRedisUrl('Redis-Master:6379')).toBe('redis://Redis-Master:6379');
    expect(redactRedisUrl('$REDIS_HOST:6379')).toBe('redis://$REDIS_HOST:6379');
  });

  // tFE F1: `redis://${REDIS_HOST}:6379` with the password in REDIS_HOST printed it whole, in the URL and getaddrinfo's ENOTFOUND,
  // while the same value without the scheme was said by its length.
  it('hides a secret given as the host of a redis://, rediss:// or // URL as it hides a bare one, in the url shown and getaddrinfo\'s ENOTFOUND', async () => {
    const hidden = (length: number) => `<a host of ${length} characters, not shown: is it the password? give redis://:password@host:port>`;
    expect(redactRedisUrl('redis://Xk9mP2qR7wL4zT8b:6379')).toBe(`redis://${hidden(16)}:6379`);
    expect(redactRedisUrl('rediss://Xk9mP2qR7wL4zT8b')).toBe(`rediss://${hidden(16)}`);
    expect(redactRedisUrl('//Xk9mP2qR7wL4zT8b:6379/2')).toBe(`redis://${hidden(16)}:6379/2`);
    expect(redactRedisUrl('redis://u:s3cretpw@Xk9mP2qR7wL4zT8b:6379/2?password=s3cretpw#x')).toBe(`redis://${hidden(16)}:6379/2?password=[redacted]#[redacted]`);
    // A host name is shown, capitals and all.
    expect(redactRedisUrl('redis://Redis01.corp.example.com:6379/1')).toBe('redis://Redis01.corp.example.com:6379/1');
    expect(redactRedisUrl('redis://redis-01.corp.example.com:6379')).toBe('redis://redis-01.corp.example.com:6379');
    for (const url of ['redis://Xk9mP2qR7wL4zT8b:6379', 'rediss://Xk9mP2qR7wL4zT8b:6379', '//Xk9mP2qR7wL4zT8b:6379', 'redis://Pässw0rdXyz1:6379']) {
      const error = await refusal({ url, connectTimeoutMs: 2000, logger: quiet });
      expect(error?.message, url).toMatch(/^Redis unreachable at rediss?:\/\/<a host of \d+ characters, not shown: is it the password\? give redis:\/\/:password@host:port>:6379: /);
      expect(error?.message.toLowerCase(), url).not.toMatch(/xk9mp2qr7wl4zt8b|w0rdxyz/);
    }
  });

  it('hides a bare url that reads as a password holding a non-ASCII letter in getaddrinfo\'s ENOTFOUND too, which names it percent-encoded (tFA F7: `ENOTFOUND P%C3%A4ssw0rdXyz1`)', async () => {
    for (const word of ['Pässw0rdXyz1', 'Contraseña2024Xyz', 'Xk9m€P2qRsecret']) {
      const encoded = new URL(`redis://${word}`).hostname;
      const error = await refusal({ url: word, connectTimeoutMs: 2000, logger: quiet });
      expect(error?.message, word).toMatch(/^Redis unreachable at redis:\/\/<a host of \d+ characters, not shown: is it the password\? give redis:\/\/:password@host:port>: /);
      for (const form of [word, encoded, encodeURIComponent(word)]) expect(error?.message.toLowerCase(), word).not.toContain(form.toLowerCase());
      expect(error?.message.toLowerCase(), word).not.toContain('xyz');
    }
  });

  it("marks what it hides as the server's redactUrl does, [redacted]: one mark to search the one log for (tBZ F7: the Redis store wrote REDACTED)", () => {
    const store = redactRedisUrl('redis://u:s3cretpw@127.0.0.1:6379/0?password=s3cretpw&db=0');
    const server = redactUrl('http://u:s3cretpw@127.0.0.1/api/ws?password=s3cretpw');
    expect(store).toBe('redis://127.0.0.1:6379/0?password=[redacted]');
    expect(server).toBe('http://[redacted]@127.0.0.1/api/ws?[redacted]');
    expect(redactRedisUrl('/u:s3cretpw@host?password=s3cretpw')).toBe('/[redacted]@host?password=[redacted]');
  });

  // tER F5: `?password=Xk9m#P2qR…` was shown from its `#` on (`?password=[redacted]#P2qR…`), and a password after a second `?`
  // (`?db=1?password=…`, `?family=4?password=…`) whole, in the store's logs, status(), its errors and serve's banner.
  it('redactRedisUrl hides a JWT or a word that reads as a secret in a parsable URL\'s query or path, as it does in an unparsable one (tGD F15: shown whole); ordinary ones shown', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';
    const cases: [string, string][] = [
      [`redis://127.0.0.1:6379?${jwt}`, 'redis://127.0.0.1:6379?[redacted]'],
      ['redis://h:6379/0?Pa55w0rdXyz', 'redis://h:6379/0?[redacted]'],
      ['redis://h:6379/Pa55w0rdXyz', 'redis://h:6379/[redacted]'],
      ['redis://?host=h&Pa55w0rdXyz', 'redis://?host=h&[redacted]'],
      [`redis://h:6379/0?x=${jwt}&db=2`, 'redis://h:6379/0?x=[redacted]'],
      ['redis://h:6379/0?family=6&db=1', 'redis://h:6379/0?family=6&db=1'],
      ['redis://h:1/0?tls=true&sentinelName=mymaster', 'redis://h:1/0?tls=true&sentinelName=mymaster'],
      ['redis://h:6379/rc', 'redis://h:6379/rc'],
    ];
    for (const [url, shown] of cases) expect(redactRedisUrl(url), url).toBe(shown);
    // Nor is such a path quoted as the one that names no database.
    const error = await refusal({ url: 'redis://127.0.0.1:1/Pa55w0rdXyz', connectTimeoutMs: 500, logger: quiet });
    expect(error).toEqual(new TypeError('createRedisStreamStore: url must name a database number from 0 to 2147483647 (redis://host:port/<db>), got a path that is no number (not shown: it may be a secret) (redis://127.0.0.1:1/[redacted])'));
  });

  it("redactRedisUrl hides a parameter named as a secret by the one rule listen, a hook's error and stats() read names with (tIO F3: ?pwd=, ?sig=, ?otp=, ?credential=, ?session_id= were shown in serve's banner, the store's log lines and status())", () => {
    for (const name of ['pwd', 'pw', 'sig', 'credential', 'session_id', 'sid', 'jwt', 'bearer', 'otp', 'pin', 'password', 'username', 'keyPrefix']) {
      const url = `redis://127.0.0.1:6379/0?family=4&${name}=hunter2x9&db=0`;
      expect(redactRedisUrl(url), url).toBe(`redis://127.0.0.1:6379/0?family=4&${name}=[redacted]`);
    }
    for (const plain of ['redis://127.0.0.1:6379/0?connectionName=app&sort=asc', 'redis://127.0.0.1:6379/0?name=session1']) expect(redactRedisUrl(plain)).toBe(plain);
  });

  it('redactRedisUrl hides a fragment whatever it holds, and a secret parameter written inside another one\'s value', () => {
    const cases: [string, string][] = [
      ['redis://127.0.0.1:6379?password=Xk9m#s3cretpw', 'redis://127.0.0.1:6379?password=[redacted]#[redacted]'],
      ['redis://127.0.0.1:6379/0?password=Xk9m#s3cretpw', 'redis://127.0.0.1:6379/0?password=[redacted]#[redacted]'],
      ['127.0.0.1:6379?password=xk9m#s3cretpw', 'redis://127.0.0.1:6379?password=[redacted]#[redacted]'],
      ['redis://127.0.0.1:6379/0#s3cretpw', 'redis://127.0.0.1:6379/0#[redacted]'],
      ['redis://127.0.0.1:6379/?db=1?password=s3cretpw', 'redis://127.0.0.1:6379/?db=1?password=[redacted]'],
      ['redis://127.0.0.1:6379/0?family=4?password=s3cretpw', 'redis://127.0.0.1:6379/0?family=4?password=[redacted]'],
      ['redis://127.0.0.1:6379/0?family=4%3FsentinelPassword%3Ds3cretpw', 'redis://127.0.0.1:6379/0?family=4?sentinelPassword=[redacted]'],
      ['/run/redis.sock?db=1?password=s3cretpw', '/run/redis.sock?db=1?password=[redacted]'],
      ['/run/redis.sock?password=Xk9m#s3cretpw', '/run/redis.sock?password=[redacted]'],
    ];
    for (const [url, redacted] of cases) {
      expect(redactRedisUrl(url), url).toBe(redacted);
      expect(redactRedisUrl(url)).not.toMatch(/s3cret/);
    }
    // tFA F8: a password holding an unencoded `&` runs on as parameters of their own (`&P2qRsecret=[redacted]`, `&P2qR=secret`):
    // nothing after a secret parameter is shown; the parameters before it are.
    const amp: [string, string][] = [
      ['redis://127.0.0.1:6379?password=Xk9m&P2qRsecret', 'redis://127.0.0.1:6379?password=[redacted]'],
      ['redis://127.0.0.1:6379?password=Xk9m&P2qR=secret', 'redis://127.0.0.1:6379?password=[redacted]'],
      ['redis://127.0.0.1:6379/?db=1&family=4&password=Xk9m&P2qR=secret&db=2', 'redis://127.0.0.1:6379/?db=1&family=4&password=[redacted]'],
      ['redis://127.0.0.1:6379/?db=1?password=Xk9m&P2qR=secret', 'redis://127.0.0.1:6379/?db=1?password=[redacted]'],
      ['/tmp/r.sock?password=Xk9m&P2qRsecret', '/tmp/r.sock?password=[redacted]'],
    ];
    for (const [url, redacted] of amp) {
      expect(redactRedisUrl(url), url).toBe(redacted);
      expect(redactRedisUrl(url)).not.toMatch(/P2qR|secret/);
    }
    // A query with no secret in it is shown as it was.
    expect(redactRedisUrl('redis://127.0.0.1:6379/0?family=4&db=0')).toBe('redis://127.0.0.1:6379/0?family=4&db=0');
  });

  it('refuses a URL ioredis would not read as a Redis server, naming its scheme without the password (the error showed it, and ioredis took it for a socket path)', async () => {
    const expected = 'createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got';
    const cases: [string, string][] = [
      ['valkey://u:s3cretpw@127.0.0.1:6379', 'a valkey:// URL (valkey://127.0.0.1:6379)'],
      ['redis+sentinel://u:s3cretpw@127.0.0.1:26379/mymaster', 'a redis+sentinel:// URL (redis+sentinel://127.0.0.1:26379/mymaster)'],
      ['unix://u:s3cretpw@/tmp/redis.sock', 'a unix:// URL (unix:///tmp/redis.sock)'],
      ['redis:/u:s3cretpw@127.0.0.1:6379', 'a redis: URL without its two slashes (redis:/127.0.0.1:6379)'],
      ['/u:s3cretpw@127.0.0.1:6379', 'a socket path holding user:password@ (/[redacted]@127.0.0.1:6379)'],
      ['127.0.0.1:6379/0', 'host:port followed by a path, which ioredis reads as a socket path (127.0.0.1:6379/0); a database number goes in a redis:// URL'],
    ];
    for (const [url, found] of cases) {
      const error = await refusal({ url, connectTimeoutMs: 500, logger: quiet });
      expect(error, url).toEqual(new TypeError(`${expected} ${found}`));
      expect(JSON.stringify(error) + String((error as { input?: unknown }).input)).not.toContain('s3cret');
    }
    // `Cannot read properties of undefined (reading 'url')`, `url.startsWith is not a function`.
    expect(await refusal(undefined)).toEqual(new TypeError('createRedisStreamStore: options must be an object with url or client, got nothing'));
    expect(await refusal(null)).toEqual(new TypeError('createRedisStreamStore: options must be an object with url or client, got null'));
    // `url: process.env.REDIS_URL` unset: "give exactly one of url and client", a plain Error, read as satisfied (tBT F10).
    expect(await refusal({ url: '' })).toEqual(new TypeError('createRedisStreamStore: url is empty (an unset environment variable?): give redis://[user:password@]host:port[/db], or a client'));
    expect(await refusal({ url: undefined })).toEqual(new TypeError('createRedisStreamStore: url is undefined (an unset environment variable?): give redis://[user:password@]host:port[/db], or a client'));
    expect(await refusal({})).toEqual(new TypeError('createRedisStreamStore: give exactly one of url and client, got neither'));
    expect(await refusal({ url: 'redis://127.0.0.1:1', client: { duplicate() {} } })).toEqual(new TypeError('createRedisStreamStore: give exactly one of url and client, got both'));
    expect(await refusal({ url: 42 })).toEqual(new TypeError('createRedisStreamStore: url must be a string (redis://[user:password@]host:port[/db]), got 42'));
    expect(await refusal({ client: {} })).toEqual(new TypeError('createRedisStreamStore: client must be an ioredis client, got an object'));
    expect(await refusal({ url: 'redis://127.0.0.1:1', logger: 42 })).toEqual(new TypeError('createRedisStreamStore: logger must be an object with info, warn and error functions, got 42'));

    // Numbers of the wrong type were compared as numbers and sent to Redis as they were (a hostile tester).
    const url = 'redis://127.0.0.1:1';
    expect(await refusal({ url, maxMessages: '1000' })).toEqual(new TypeError('createRedisStreamStore: maxMessages must be an integer ≥ 1, got "1000"'));
    expect(await refusal({ url, maxAllMessages: 0 })).toEqual(new RangeError('createRedisStreamStore: maxAllMessages must be an integer ≥ 1, got 0'));
    expect(await refusal({ url, maxQueuedBytes: Number.NaN })).toEqual(new RangeError('createRedisStreamStore: maxQueuedBytes must be an integer ≥ 1, got NaN (not a finite number)'));
    expect(await refusal({ url, maxAgeMs: 1.5 })).toEqual(new RangeError('createRedisStreamStore: maxAgeMs must be an integer number of milliseconds ≥ 0 (0: no age bound), got 1.5'));
    // As MemoryStreamStore refuses it (tCD F2): one value, one answer in both stores.
    expect(await refusal({ url, maxAgeMs: 0.1 * 3 * 60_000 * 10 })).toEqual(new RangeError('createRedisStreamStore: maxAgeMs must be an integer number of milliseconds ≥ 0 (0: no age bound), got 180000.00000000003'));
    expect(await refusal({ url, commandTimeoutMs: 0 })).toEqual(new RangeError('createRedisStreamStore: commandTimeoutMs must be a number of milliseconds > 0 and ≤ 2147483647, got 0'));
    expect(await refusal({ url, connectTimeoutMs: null })).toEqual(new TypeError('createRedisStreamStore: connectTimeoutMs must be a number of milliseconds > 0 and ≤ 2147483647, got null'));
    expect(await refusal({ url, keyPrefix: '' })).toEqual(new RangeError('createRedisStreamStore: keyPrefix must be a non-empty string, got ""'));
    expect(await refusal({ url, keyPrefix: 7 })).toEqual(new TypeError('createRedisStreamStore: keyPrefix must be a non-empty string, got 7'));
    // A misspelt option was ignored, its default taken.
    expect(await refusal({ url, maxAge: 1000 })).toEqual(new TypeError('createRedisStreamStore: unknown option "maxAge"; did you mean "maxAgeMs"?'));
    expect(await refusal({ URL: url })).toEqual(new TypeError('createRedisStreamStore: unknown option "URL"; did you mean "url"?'));
    // MemoryStreamStore's names of the same bounds: said so, with this store's (tBZ F9).
    expect(await refusal({ url, maxEntriesPerStream: 10 })).toEqual(new TypeError('createRedisStreamStore: unknown option "maxEntriesPerStream"; maxEntriesPerStream is MemoryStreamStore\'s name; here it is maxMessages'));
    expect(await refusal({ url, maxEntries: 10 })).toEqual(new TypeError('createRedisStreamStore: unknown option "maxEntries"; maxEntries is MemoryStreamStore\'s name; here it is maxAllMessages'));
  });

  it('refuses a blank or host-less url, which ioredis reads as localhost:6379, and an empty one beside a client, whose database it took for 0 (tCC F3, F10)', async () => {
    const expected = 'createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got';
    // `url: process.env.REDIS_URL` holding blanks, and `redis://${REDIS_HOST}` with the variable unset: each dialled 127.0.0.1:6379.
    for (const [url, found] of [[' ', '" "'], ['\n', '"\\n"'], ['\t ', '"\\t "']]) {
      expect(await refusal({ url, connectTimeoutMs: 500, logger: quiet }), url).toEqual(new TypeError(`createRedisStreamStore: url is blank (${found}) (an unset environment variable?): give redis://[user:password@]host:port[/db], or a client`));
    }
    const hostless: [string, string][] = [
      ['redis://', 'redis://'],
      ['rediss://', 'rediss://'],
      ['REDIS://', 'redis://'],
      ['redis:///3', 'redis:///3'],
      ['redis://?db=2', 'redis://?db=2'],
      ['//', 'redis://'],
      ['?db=1', 'redis://?db=1'],
      // A host or socket the query leaves empty (`?host=$REDIS_HOST`, unset), or a port alone there.
      ['redis://?host=&port=6380', 'redis://?host=&port=6380'],
      ['redis://?port=6380', 'redis://?port=6380'],
      ['redis://?path=', 'redis://?path='],
    ];
    for (const [url, shown] of hostless) {
      expect(await refusal({ url, connectTimeoutMs: 500, logger: quiet }), url).toEqual(new TypeError(`${expected} a URL with no host (${shown}), which ioredis reads as localhost:6379 (an unset variable, as in redis://$REDIS_HOST?)`));
    }
    expect(await refusal({ url: '6379', connectTimeoutMs: 500, logger: quiet })).toEqual(new TypeError(`${expected} a port alone ("6379"), which ioredis reads as localhost:6379: give host:port`));
    // Blanks around a URL: ioredis's "Invalid URL" came without the function's name, and a trailing one was "a port that is not a number".
    for (const url of [' redis://u:s3cretpw@127.0.0.1:1', 'redis://u:s3cretpw@127.0.0.1:1\n', '127.0.0.1:1 ']) {
      const error = await refusal({ url, connectTimeoutMs: 500, logger: quiet });
      expect(error, url).toEqual(new TypeError(`${expected} a URL with blanks or a line break around it (${redactRedisUrl(url.trim())}): trim it`));
      expect(error!.message).not.toContain('s3cret');
    }
    // Beside a client, an empty url passed as "no url" yet made the fan-out channel database 0's (rc:fanout), the keys the client's database 5's.
    const client = new Redis({ host: '127.0.0.1', port: 1, db: 5, lazyConnect: true });
    try {
      expect(await refusal({ url: '', client, logger: quiet })).toEqual(new TypeError('createRedisStreamStore: url is empty (an unset environment variable?), beside a client: give exactly one of url and client (the client alone: leave url out)'));
      expect(await refusal({ url: ' ', client, logger: quiet })).toEqual(new TypeError('createRedisStreamStore: url is blank (" ") (an unset environment variable?), beside a client: give exactly one of url and client (the client alone: leave url out)'));
      expect(client.status).toBe('wait');
    } finally {
      client.disconnect();
    }
  });

  // A JWT, given where a database number goes (tGK F13).
  const JWT_S3CRET = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"sub":"s3cret"}').toString('base64url')}.c2lnbmF0dXJlc2lnbmF0dXJl`;

  it('refuses a database that is not a number at once, naming the path without the password (`/rc` sent SELECT NaN and the process died of an unhandled ReplyError: a hostile tester)', async () => {
    const expected = 'createRedisStreamStore: url must name a database number from 0 to 2147483647 (redis://host:port/<db>), got';
    const cases: [string, string][] = [
      ['redis://u:s3cretpw@127.0.0.1:1/rc', 'path "/rc" (redis://127.0.0.1:1/rc)'],
      // ioredis's parseInt took these for databases -1, 1 and 2.
      ['redis://127.0.0.1:1/-1', 'path "/-1" (redis://127.0.0.1:1/-1)'],
      ['redis://127.0.0.1:1/1x', 'path "/1x" (redis://127.0.0.1:1/1x)'],
      ['rediss://127.0.0.1:1/2/', 'path "/2/" (rediss://127.0.0.1:1/2)'],
      ['redis://127.0.0.1:1/2147483648', 'path "/2147483648" (redis://127.0.0.1:1/2147483648)'],
      ['//127.0.0.1:1/0.5', 'path "/0.5" (redis://127.0.0.1:1/0.5)'],
      // The query's db, read when the path names none (a socket path's too).
      ['redis://127.0.0.1:1?db=rc&password=s3cretpw', '?db="rc" (redis://127.0.0.1:1?db=rc&password=[redacted])'],
      ['/run/redis.sock?db=&password=s3cretpw', '?db="" (/run/redis.sock?db=&password=[redacted])'],
      // A secret given as ?db= is not shown as the number got either (tGK F13: it was printed in quotes).
      ['redis://127.0.0.1:1/?db=s3cretPa55w0rdXyz', '?db=[redacted] (redis://127.0.0.1:1/?db=[redacted])'],
      [`redis://127.0.0.1:1/?db=${JWT_S3CRET}`, '?db=[redacted] (redis://127.0.0.1:1/?db=[redacted])'],
      // A password holding an unencoded `/`: the rest of it reads as the path, never shown.
      ['redis://u:12/s3cretpw@127.0.0.1:1/0', 'a path holding "@" (redis://127.0.0.1:1/0): a "/" in a password is written %2F'],
      // A password after a second `?`, where a `&` belongs, is ?db's value to ioredis: never shown, the `?` said (tER F5).
      ['redis://127.0.0.1:1/?db=1?password=s3cretpwXk9m', '?db="1?password=[redacted]" (redis://127.0.0.1:1/?db=1?password=[redacted]): parameters after the first are joined by "&", not "?"'],
    ];
    for (const [url, found] of cases) {
      const error = await refusal({ url, connectTimeoutMs: 500, logger: quiet });
      expect(error, url).toEqual(new TypeError(`${expected} ${found}`));
      expect(error?.message).not.toContain('s3cret');
    }
    // A client whose db option ioredis made NaN.
    const client = new Redis({ port: 1, lazyConnect: true, db: 'rc' as never });
    expect(await refusal({ client, logger: quiet })).toEqual(new TypeError("createRedisStreamStore: client's db option must be a database number from 0 to 2147483647, got NaN (not a finite number)"));
  });
});

describe.skipIf(!tool.available)(`Redis stream store ${tool.reason}`, () => {
  let redis: RedisServer;
  let prefixCount = 0;
  const open: RedisStreamStore[] = [];
  const store = async (options: Partial<Parameters<typeof createRedisStreamStore>[0]> = {}) => {
    const s = await createRedisStreamStore({ url: redis.url, keyPrefix: `t${prefixCount}`, logger: collectingLogger(), ...options });
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    prefixCount++;
  });

  it('rejects the start with the URL, without credentials, when Redis is unreachable', async () => {
    const down = await RedisServer.start();
    const url = `redis://admin:s3cret@127.0.0.1:${down.port}/0`;
    await down.stop();
    const attempt = createRedisStreamStore({ url, connectTimeoutMs: 1000, logger: collectingLogger() });
    await expect(attempt).rejects.toThrow(`Redis unreachable at redis://127.0.0.1:${down.port}/0`);
    await attempt.catch((err: Error) => expect(err.message).not.toContain('s3cret'));
    // ioredis reads a password from the query too (a hostile tester saw it in the log, the serve line, stats and this error).
    const query = createRedisStreamStore({ url: `redis://127.0.0.1:${down.port}/?password=hunter2secret&db=0&sentinelPassword=x2`, connectTimeoutMs: 1000, logger: collectingLogger() });
    await expect(query).rejects.toThrow(`Redis unreachable at redis://127.0.0.1:${down.port}/?password=[redacted]:`);
    expect(redactRedisUrl('redis://localhost:6391?Password=a&username=b&tls_key=c')).toBe('redis://localhost:6391?Password=[redacted]');
    // The forms ioredis reads without a scheme (`serve --redis host:port`), and a socket path (a reviewer: `default:s3cret@host` came back whole).
    expect(redactRedisUrl('default:s3cret@127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('//:s3cret@127.0.0.1:6379/1')).toBe('redis://127.0.0.1:6379/1');
    expect(redactRedisUrl('127.0.0.1:6379?password=s3cret')).toBe('redis://127.0.0.1:6379?password=[redacted]');
    expect(redactRedisUrl('/run/redis.sock?db=2&password=s3cret')).toBe('/run/redis.sock?db=2&password=[redacted]');
    expect(redactRedisUrl('/run/redis.sock')).toBe('/run/redis.sock');
    // A URL ioredis cannot parse: its TypeError carried the whole URL as `input` (a hostile tester). Its port is named as the fault, never shown (a fresh user).
    const invalid = await createRedisStreamStore({ url: 'redis://app:s3cret@127.0.0.1:99999', logger: collectingLogger() }).catch((error: unknown) => error);
    const badPort = (host: string) => new TypeError(`createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got host "${host}" with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)`);
    expect(invalid).toEqual(badPort('127.0.0.1'));
    expect(JSON.stringify(invalid) + String((invalid as { input?: unknown }).input)).not.toContain('s3cret');
    // `redis://default:s3cret`, its @host left out: the password is where the port goes.
    const noHost = await createRedisStreamStore({ url: 'redis://default:s3cret', logger: collectingLogger() }).catch((error: unknown) => error);
    expect(noHost).toEqual(badPort('default'));
    expect(await createRedisStreamStore({ url: '127.0.0.1:notaport', logger: collectingLogger() }).catch((error: unknown) => error)).toEqual(badPort('127.0.0.1'));
    expect(await createRedisStreamStore({ url: '//[::1]:70000/0', logger: collectingLogger() }).catch((error: unknown) => error)).toEqual(badPort('[::1]'));
    const bare = createRedisStreamStore({ url: `default:s3cret@127.0.0.1:${down.port}`, connectTimeoutMs: 1000, logger: collectingLogger() });
    await expect(bare).rejects.toThrow(`Redis unreachable at redis://127.0.0.1:${down.port}:`);
  });

  // tFA F8: `?password=Xk9m&P2qR=secret` (a password holding an unencoded `&`) showed `&P2qR=secret` whole in status(),
  // the store's log lines and its errors (and so serve's banner, which prints the status).
  it('shows no parameter after a secret one in status(), its log lines or its errors (a password holding an unencoded & ran on into them)', async () => {
    await withOwnRedis(async (redis) => {
      const lines: string[] = [];
      const at = (object: object, message?: string) => void lines.push(`${JSON.stringify(object)} ${message ?? ''}`);
      const store = await createRedisStreamStore({ url: `redis://127.0.0.1:${redis.port}/?db=1&password=Xk9m&P2qR=secret`, keyPrefix: 'amp', logger: { info: at, warn: at, error: at } });
      try {
        const status = await store.status();
        expect(status.detail).toContain(`redis redis://127.0.0.1:${redis.port}/?db=1&password=[redacted] `);
        expect(lines.join('\n')).toContain(`redis://127.0.0.1:${redis.port}/?db=1&password=[redacted]`);
        expect(`${status.detail}\n${lines.join('\n')}`).not.toMatch(/P2qR|secret/);
      } finally {
        await store.close();
      }
      const port = redis.port;
      await redis.stop();
      const attempt = createRedisStreamStore({ url: `redis://127.0.0.1:${port}/?password=Xk9m&P2qRsecret`, connectTimeoutMs: 1000, logger: collectingLogger() });
      await expect(attempt).rejects.toThrow(`Redis unreachable at redis://127.0.0.1:${port}/?password=[redacted]: `);
      await attempt.catch((err: Error) => expect(err.message).not.toMatch(/P2qR|secret/));
    });
  });

  // tHS F4: the user info was read to the last `@` of the whole URL, query and fragment included: `?password=Hunt@er2Secret`
  // was logged as the host `redis://er2Secret` on a store that works, and `?name=app@prod` as `redis://prod`.
  it('ends the user info where the authority ends: a query value or fragment holding @ is shown as one, never moving the host (tHS F4)', async () => {
    const own = await RedisServer.start(undefined, { extra: ['--requirepass', 'Hunt@er2Secret'] });
    try {
      const lines: string[] = [];
      const at = (object: object, message?: string) => void lines.push(`${JSON.stringify(object)} ${message ?? ''}`);
      const store = await createRedisStreamStore({ url: `redis://127.0.0.1:${own.port}/0?password=Hunt@er2Secret`, keyPrefix: 'at', logger: { info: at, warn: at, error: at } });
      try {
        const status = await store.status();
        expect(status.detail).toContain(`redis redis://127.0.0.1:${own.port}/0?password=[redacted]`);
        expect(lines.join('\n')).toContain(`redis://127.0.0.1:${own.port}/0?password=[redacted]`);
        expect(`${status.detail}\n${lines.join('\n')}`).not.toMatch(/Hunt|er2Secret/);
      } finally {
        await store.close();
      }
    } finally {
      await own.stop();
    }
    const cases: [string, string][] = [
      ['redis://127.0.0.1:6379?password=S3cr3t@Pass:99', 'redis://127.0.0.1:6379?password=[redacted]'],
      ['rediss://cache.example.com:6380/0?password=x@y&tls=true', 'rediss://cache.example.com:6380/0?password=[redacted]'],
      ['redis://127.0.0.1:6379/0?password=Hunter2Secret&x=a@b', 'redis://127.0.0.1:6379/0?password=[redacted]'],
      // A URL with user info of its own in a value is hidden whole.
      ['redis://127.0.0.1:6379?db=1&next=postgres://a:s3cretpw@db', 'redis://127.0.0.1:6379?db=1&next=[redacted]'],
      ['redis://127.0.0.1:6379?x=redis://a:s3cretpw@127.0.0.1:6380', 'redis://127.0.0.1:6379?x=[redacted]'],
      ['redis://:s3cretpw@h:6379/0#frag@x', 'redis://h:6379/0#[redacted]'],
      // Ordinary values and socket paths holding @ are shown, the host kept.
      ['redis://127.0.0.1:6379/0?name=app@prod', 'redis://127.0.0.1:6379/0?name=app@prod'],
      ['redis://10.0.0.5:6379/0?connectionName=svc@host1', 'redis://10.0.0.5:6379/0?connectionName=svc@host1'],
      ['redis:///run/redis@main/redis.sock', 'redis:///run/redis@main/redis.sock'],
      ['redis://localhost?path=/run/redis@main/redis.sock', 'redis://localhost?path=/run/redis@main/redis.sock'],
      ['redis://:s3cretpw@/run/redis@main/redis.sock', 'redis:///run/redis@main/redis.sock'],
      // A password holding an unencoded `/`, `?` or `#` right after the host is still read to the last `@`.
      ['redis://u:1234/s3cretpw@127.0.0.1:6379', 'redis://127.0.0.1:6379'],
      ['rediss://:s3cret?pw@127.0.0.1:6380', 'rediss://127.0.0.1:6380'],
      ['redis://:Xk9#s3cretpw@127.0.0.1:6379', 'redis://127.0.0.1:6379'],
      // One holding `@` (or `/`, `?`), then `/` or `?`, then `#`: its middle was shown as the host (tIF F1).
      ['redis://alice:Wr0ng@s3cret/Pw#y@127.0.0.1:6379', 'redis://127.0.0.1:6379'],
      ['redis://alice:W?r@s3cret#Pw@10.0.0.5:6379/0', 'redis://10.0.0.5:6379/0'],
      ['redis://alice:W/r@s3cret#Pw@10.0.0.5:6379/0', 'redis://10.0.0.5:6379/0'],
      ['redis://alice:W@s3c?ret#Pw/x@10.0.0.5:6379/0', 'redis://10.0.0.5:6379/0'],
      ['redis://alice:W@s3cret/Pw#y@z@10.0.0.5:6379/0', 'redis://10.0.0.5:6379/0'],
      ['alice:Wr0ng@s3cret/Pw#y@host:6379', 'redis://host:6379'],
    ];
    for (const [url, shown] of cases) {
      expect(redactRedisUrl(url), url).toBe(shown);
      expect(redactRedisUrl(url), url).not.toMatch(/s3cret|Pass|Hunter|@y/);
    }
    // In a custom store's detail, as the server shows it.
    expect(storeErrorSummary(new Error('conn redis://127.0.0.1:6379/0?password=Hunt@er2Secret failed')).message).toBe('conn redis://127.0.0.1:6379/0?password=[redacted] failed');
    expect(storeErrorSummary(new Error('db postgres://db:5432/x?password=Hunt@er2Secret down')).message).toBe('db postgres://db:5432/x?password=[redacted] down');
    expect(storeErrorSummary(new Error('redis://10.0.0.5:6379/0?client_name=svc@host1 down')).message).toBe('redis://10.0.0.5:6379/0?client_name=svc@host1 down');
    // A port that is not digits before the `?` is a password's head: read to the last `@`, as before.
    expect(storeErrorSummary(new Error('db postgres://app:s3cret?x=y@db down')).message).toBe('db postgres://[redacted]@db down');
  });

  it('reads the host as ioredis does, up to the first ?, # or / (tFP F8: a password holding ? or # before @host was dialled as the host and printed)', () => {
    const hidden = 'redis://<a host of 12 characters, not shown: is it the password? give redis://:password@host:port>';
    expect(redactRedisUrl('redis://Xk9mP2qL7vR4?x=1@127.0.0.1:6379')).toBe(hidden);
    expect(redactRedisUrl('Xk9mP2qL7vR4?x=1@127.0.0.1:6379')).toBe(hidden);
    const unencoded = 'user info whose password holds an unencoded "#", "?" or "/" (redis://127.0.0.1:6379): the URL ends the host at the first of them; write them %23, %3F and %2F';
    expect(redisUrlProblem('redis://Xk9mP2q#L7vR4@127.0.0.1:6379')).toBe(unencoded);
    expect(redisUrlProblem('Xk9mP2q#L7vR4@127.0.0.1:6379')).toBe(unencoded);
    // A host with a query or a port after user info is read as before.
    expect(redactRedisUrl('redis://:pw@Redis01.corp.local:6379/0')).toBe('redis://Redis01.corp.local:6379/0');
    expect(redisUrlProblem('redis://127.0.0.1:6379?db=1')).toBeUndefined();
  });

  it('takes a bracketed IPv6 host without a port as port 6379, as for any host (redis://[::1] was refused as host "[" with a port that is not a number: a tester)', () => {
    // Read, not connected: a Redis of this machine's on [::1]:6379 is none of the test's.
    for (const url of ['redis://[::1]', 'redis://:s3cret@[::1]/0', '//[::1]', 'redis://[2001:db8::1]']) {
      expect(redisUrlProblem(url)).toBeUndefined();
      const client = new Redis(url, { lazyConnect: true });
      expect(client.options).toMatchObject({ host: url.includes('2001') ? '2001:db8::1' : '::1', port: 6379 });
      client.disconnect();
    }
    // A port given after the brackets is still checked, and not shown.
    expect(redisUrlProblem('redis://[::1]:s3cret')).toBe('host "[::1]" with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)');
    // Without brackets (as --host takes one), an unexpanded variable, a list of hosts: said so, not as a port that may be a password (tER F7).
    const noBrackets = (address: string) => `an IPv6 address without brackets ("${address}"), which ioredis reads up to its first ":" as the host: give it in brackets, its port after them (redis://[::1]:6379)`;
    for (const address of ['::1', '::1:6379', '::ffff:127.0.0.1', 'fe80::1%lo']) {
      expect(redisUrlProblem(address), address).toBe(noBrackets(address));
      expect(redisUrlProblem(`redis://${address}`), address).toBe(noBrackets(address));
    }
    // A port of 5 digits (Sentinel's 26379, a cluster's 30001) or a variable is no hex group: isIP on address and port together
    // missed them, told host "" with a port that may be a password (tFA F1).
    for (const address of ['::1:16379', '::1:26379', '2001:db8::1:30001', '::1:${REDIS_PORT}']) {
      expect(redisUrlProblem(address), address).toBe(noBrackets(address));
      expect(redisUrlProblem(`redis://${address}`), address).toBe(noBrackets(address));
      expect(redisUrlProblem(`redis://:s3cret@${address}`), address).toBe(noBrackets(address));
    }
    for (const variable of ['${REDIS_PORT}', '$REDIS_PORT', '%REDIS_PORT%']) {
      expect(redisUrlProblem(`redis://127.0.0.1:${variable}/0`), variable).toBe(`host "127.0.0.1" with a port that is a variable not expanded (${variable}: a config file, single quotes or an env file pass it as written): give the port's number`);
    }
    expect(redisUrlProblem('redis://localhost:6379,s3cret-host:6380')).toBe('host "localhost" with a list after its port (the rest not shown): a url names one Redis server: give the primary\'s');
    // A password whose @host is missing is still not shown, nor read as an address.
    expect(redisUrlProblem('redis://default:ab:s3cret')).toBe('host "default" with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)');
    // A host that reads as a secret is said by its length when the port is at fault too (tFP F10: printed whole).
    const secretHost = (length: number) => `a host of ${length} characters (not shown: it reads as a secret; is it the password? give redis://:password@host:port)`;
    for (const [url, said] of [
      ['redis://Xk9mP2qL7vR4:${REDIS_PORT}', `${secretHost(12)} with a port that is a variable not expanded (\${REDIS_PORT}: a config file, single quotes or an env file pass it as written): give the port's number`],
      ['redis://Xk9mP2qL7vR4:99999', `${secretHost(12)} with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)`],
      ['rediss://Secret-123.ab:abc', `${secretHost(13)} with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)`],
      ['//Xk9mP2qL7vR4:6379,h:6380', `${secretHost(12)} with a list after its port (the rest not shown): a url names one Redis server: give the primary's`],
      ['Xk9mP2qL7vR4:99999', `${secretHost(12)} with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)`],
    ]) {
      expect(redisUrlProblem(url!), url).toBe(said);
      expect(redisUrlProblem(url!), url).not.toMatch(/xk9mp2ql7vr4|secret-123/i);
    }
  });

  // tER F6: told host "" (or the user name as the host) with a port that is not a number; a quoted URL as host:port and a path.
  it('says a password holding an unencoded #, ? or / is the fault, and quotes kept as part of the value, never showing the password', async () => {
    const unencoded = 'user info whose password holds an unencoded "#", "?" or "/" (redis://127.0.0.1:6379): the URL ends the host at the first of them; write them %23, %3F and %2F';
    for (const url of ['redis://:s3cret#pw@127.0.0.1:6379', 'redis://default:s3#cretpw@127.0.0.1:6379', 'redis://:s3cret?pw@127.0.0.1:6379', 'redis://:s3cret/pw@127.0.0.1:6379', 'redis://:123#s3cret@127.0.0.1:6379', 'default:s3#cret@127.0.0.1:6379']) {
      expect(redisUrlProblem(url), url).toBe(unencoded);
    }
    expect(await createRedisStreamStore({ url: 'redis://default:s3#cretpw@127.0.0.1:6379', logger: collectingLogger() }).catch((error: unknown) => error)).toEqual(new TypeError(`createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got ${unencoded}`));
    // An @ in the query is a value's (a password given as ?password=): no fault.
    expect(redisUrlProblem('redis://127.0.0.1:6379?password=s3@cret')).toBeUndefined();
    // A "%" not written %25 (tFE F12: "one ioredis cannot read: redis://127.0.0.1:6379 (URI malformed)", the fault not named).
    const percent = 'user info whose password holds a "%" not written %25 (redis://127.0.0.1:6379): ioredis reads "%" as the start of an escape (%XX); write it %25';
    for (const url of ['redis://:Wq8Zp50%off@127.0.0.1:6379', 'redis://default:s3cret%@127.0.0.1:6379', 'rediss://u:s3%zzcret@127.0.0.1:6379', 'default:50%s3cret@127.0.0.1:6379', /* one hex digit after it (tFX F17) */ 'redis://:Xk9%2zP@127.0.0.1:6379', 'redis://:pw%a!@127.0.0.1:6379']) {
      expect(redisUrlProblem(url)?.replace('rediss:', 'redis:'), url).toBe(percent);
    }
    expect(await createRedisStreamStore({ url: 'redis://:Wq8Zp50%off@127.0.0.1:6379', logger: collectingLogger() }).catch((error: unknown) => error)).toEqual(new TypeError(`createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got ${percent}`));
    expect(redisUrlProblem('redis://:s3cret%25pw@127.0.0.1:6379')).toBeUndefined();
    expect(redisUrlProblem('redis://127.0.0.1:6379?password=50%off')).toBeUndefined();
    // An @ after the query's "%" is the query's too, no user info (tFX F17: no test held it).
    expect(redisUrlProblem('redis://127.0.0.1:6379?password=50%off@x')).toBeUndefined();
    for (const url of ['"redis://127.0.0.1:6379"', "'redis://u:s3cret@127.0.0.1:6379'", '"127.0.0.1:6379']) {
      expect(redisUrlProblem(url), url).toBe(`a URL in quotes (redis://127.0.0.1:6379), the quotes part of the value (an env file read as it is keeps them): leave them out`);
    }
  });

  it('REDISS:// in capitals is TLS too: ioredis turned TLS on for a lower-case rediss:// only, and connected in plain text', async () => {
    // This Redis speaks plain text: a TLS handshake with it fails.
    const tls = await createRedisStreamStore({ url: redis.url.replace(/^redis:/, 'REDISS:'), connectTimeoutMs: 1000, logger: collectingLogger() }).then(
      async (s) => (await s.close(), 'connected in plain text'),
      (error: Error) => error.message,
    );
    expect(tls).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+ did not complete a TLS handshake \(.*\): is it a plain Redis port \(redis:\/\/\)\?$/);
    expect((await store({ url: redis.url.replace(/^redis:/, 'REDIS:') })).status().healthy).toBe(true);
  });

  it('says a rediss:// URL at a port that took the connection and gave no TLS did not complete a TLS handshake, not that Redis is unreachable (a plain Redis port was "unreachable … connect ETIMEDOUT": a fresh tester); TLS that works still connects', async () => {
    const attempt = (url: string) => createRedisStreamStore({ url, connectTimeoutMs: 1000, logger: collectingLogger() }).then(
      async (s) => (await s.close(), 'connected'),
      (error: Error) => error.message,
    );
    const tlsUrl = redis.url.replace(/^redis:/, 'rediss:');
    // A plain Redis says nothing to a TLS hello: the connect timeout.
    expect(await attempt(tlsUrl)).toBe(`${tlsUrl} did not complete a TLS handshake (the connection was made, and no TLS handshake within 1000 ms): is it a plain Redis port (redis://)?`);
    // A plain server that answers the hello with text: TLS's own error, at once.
    const plain = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', () => socket.write('-ERR unknown command\r\n'));
    });
    // A TLS server with a certificate nobody trusts; then, trusted, in front of this Redis.
    const { key, cert } = selfSignedCertificate();
    const secure = createTlsServer({ key, cert }, (socket) => {
      const outbound = netConnect(redis.port, '127.0.0.1');
      socket.pipe(outbound).pipe(socket);
      socket.on('error', () => outbound.destroy());
      outbound.on('error', () => socket.destroy());
    });
    // A port that takes the connection and hangs up at once: it was "Redis unreachable", where redis:// said it took the connection (a fresh tester).
    const hangup = createNetServer((socket) => socket.destroy());
    for (const server of [plain, secure, hangup]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hangupUrl = `rediss://127.0.0.1:${(hangup.address() as AddressInfo).port}`;
    const plainUrl = `rediss://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const secureUrl = `rediss://127.0.0.1:${(secure.address() as AddressInfo).port}`;
    try {
      expect(await attempt(plainUrl)).toBe(`${plainUrl} did not complete a TLS handshake (TLS: wrong version number): is it a plain Redis port (redis://)?`);
      expect(await attempt(hangupUrl)).toBe(`${hangupUrl} did not complete a TLS handshake (the connection was made, and closed before any TLS handshake)`);
      // TLS all the same: no hint of a plain port.
      expect(await attempt(secureUrl)).toBe(`${secureUrl} did not complete a TLS handshake (self-signed certificate)`);
      const trust = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      try {
        const s = await store({ url: secureUrl });
        expect(s.status()).toMatchObject({ healthy: true });
        const seen: StreamEntry[] = [];
        s.subscribe((e) => seen.push(e));
        const e = await s.append('alice', 'trades', frame(1, 'alice'));
        await waitFor(() => seen.length === 1, 'the entry over TLS');
        expect(seen).toEqual([e]);
      } finally {
        if (trust === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = trust;
      }
    } finally {
      await Promise.all(open.splice(0).map((s) => s.close()));
      for (const server of [plain, secure, hangup]) server.close();
    }
    // Nothing there: unreachable, as before.
    const down = await freePort();
    expect(await attempt(`rediss://127.0.0.1:${down}`)).toMatch(new RegExp(`^Redis unreachable at rediss://127\\.0\\.0\\.1:${down}: connect ECONNREFUSED`));
  });

  it('without a logger, says each event on one line of stderr (an object split over lines read as "started {" "}"; recovery went to stdout, apart from the loss)', async () => {
    const lines: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args));
    try {
      const s = await createRedisStreamStore({ url: redis.url, keyPrefix: `t${prefixCount}` });
      open.push(s);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(1);
    expect(lines[0]![0]).toMatch(/^\[redis-stream-store\] redis stream store started \{ event: 'redis-store-started', url: 'redis:\/\/127\.0\.0\.1:\d+\/?', epoch: '[0-9a-f]+' \}$/);
  });

  it('warns at start when Redis may evict its keys (an evicted stream read as "resumed" with nothing: a hostile tester), and says a refused password as refused, not unreachable', async () => {
    const raw = new Redis(redis.url);
    try {
      const quiet = collectingLogger();
      await store({ logger: quiet });
      expect(quiet.events.filter((e) => e.event === 'redis-eviction-policy')).toEqual([]);
      await raw.config('SET', 'maxmemory-policy', 'allkeys-lru');
      // Without a memory limit nothing is evicted, whatever the policy (a reviewer).
      const unlimited = collectingLogger();
      await store({ logger: unlimited });
      expect(unlimited.events.filter((e) => e.event === 'redis-eviction-policy')).toEqual([]);
      await raw.config('SET', 'maxmemory', '1gb');
      const told = collectingLogger();
      await store({ logger: told });
      expect(told.events.filter((e) => e.event === 'redis-eviction-policy')).toEqual([
        { level: 'warn', event: 'redis-eviction-policy', message: 'Redis maxmemory-policy is allkeys-lru: a stream key it evicts loses its messages, and a client resuming past them is told "resumed", not "gap"; set maxmemory-policy noeviction (SCALE.md)' },
      ]);
      await raw.config('SET', 'maxmemory-policy', 'noeviction');
      await raw.config('SET', 'requirepass', 'right-password');
      try {
        const url = `redis://:wrong-password@127.0.0.1:${redis.port}`;
        const refused = await createRedisStreamStore({ url, connectTimeoutMs: 2000, logger: collectingLogger() }).catch((error: Error) => error.message);
        expect(refused).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${redis.port}/? refused the credentials: WRONGPASS`));
        expect(refused).not.toContain('wrong-password');
        const anonymous = await createRedisStreamStore({ url: redis.url, connectTimeoutMs: 2000, logger: collectingLogger() }).catch((error: Error) => error.message);
        expect(anonymous).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+\/? requires credentials \(redis:\/\/user:password@host\): NOAUTH/);
        // An ACL user whose password is right but who may not subscribe to the fan-out channel.
        await raw.call('ACL', 'SETUSER', 'limited', 'on', '>limited-password', '~*', '+@all', 'resetchannels');
        const limited = await createRedisStreamStore({ url: `redis://limited:limited-password@127.0.0.1:${redis.port}`, connectTimeoutMs: 2000, logger: collectingLogger() }).catch((error: Error) => error.message);
        await raw.call('ACL', 'DELUSER', 'limited');
        expect(limited).toMatch(/refused a command or channel to this ACL user: NOPERM/);
      } finally {
        await raw.auth('right-password');
        await raw.config('SET', 'requirepass', '');
      }
    } finally {
      await raw.config('SET', 'maxmemory-policy', 'noeviction').catch(() => undefined);
      await raw.config('SET', 'maxmemory', '0').catch(() => undefined);
      await raw.quit();
    }
  });

  it('warns at start when Redis may evict its keys also where CONFIG is disabled, as managed services do: from INFO memory, else saying the policy was not checked (nothing was said: tDG F8)', async () => {
    const own = await RedisServer.start(undefined, { extra: ['--maxmemory', '100mb', '--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', ''] });
    const raw = new Redis(own.url);
    try {
      const told = collectingLogger();
      open.push(await createRedisStreamStore({ url: own.url, logger: told }));
      expect(told.events.filter((e) => e.event === 'redis-eviction-policy')).toEqual([
        { level: 'warn', event: 'redis-eviction-policy', message: 'Redis maxmemory-policy is volatile-lru: a stream key it evicts loses its messages, and a client resuming past them is told "resumed", not "gap"; set maxmemory-policy noeviction (SCALE.md)' },
      ]);
      // An ACL user refused CONFIG and INFO: the policy is not known, and the warning says it was not checked.
      await raw.call('ACL', 'SETUSER', 'blind', 'on', '>blind-password', '~*', '&*', '+@all', '-config', '-info');
      const blind = collectingLogger();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined); // ioredis: "Skipping the ready check"
      try {
        open.push(await createRedisStreamStore({ url: `redis://blind:blind-password@127.0.0.1:${own.port}`, logger: blind }));
      } finally {
        warn.mockRestore();
      }
      expect(blind.events.filter((e) => e.event === 'redis-eviction-policy')).toEqual([
        { level: 'warn', event: 'redis-eviction-policy', message: 'Redis told neither CONFIG GET nor INFO memory its maxmemory-policy: not checked; a stream key it evicts loses its messages, and a client resuming past them is told "resumed", not "gap"; make sure maxmemory-policy is noeviction (SCALE.md)' },
      ]);
      // INFO memory answered without maxmemory_policy and maxmemory (as some Redis-compatible servers and proxies do):
      // not checked either, and said so (tDW F5, mutation R09: nothing was said). The given client's INFO gives that answer.
      const stripped = new Redis(own.url);
      try {
        await stripped.ping(); // ready: ioredis's own ready check (INFO) is done before INFO memory is changed
        const info = stripped.info.bind(stripped) as (section: string) => Promise<string>;
        vi.spyOn(stripped, 'info').mockImplementation(((section: string) => (section === 'memory' ? Promise.resolve('# Memory\r\nused_memory:1\r\n') : info(section))) as never);
        const unsaid = collectingLogger();
        open.push(await createRedisStreamStore({ client: stripped, logger: unsaid }));
        expect(unsaid.events.filter((e) => e.event === 'redis-eviction-policy')).toEqual([
          { level: 'warn', event: 'redis-eviction-policy', message: 'Redis told neither CONFIG GET nor INFO memory its maxmemory-policy: not checked; a stream key it evicts loses its messages, and a client resuming past them is told "resumed", not "gap"; make sure maxmemory-policy is noeviction (SCALE.md)' },
        ]);
        await Promise.all(open.splice(0).map((s) => s.close()));
      } finally {
        stripped.disconnect();
      }
    } finally {
      raw.disconnect();
      await Promise.all(open.splice(0).map((s) => s.close()));
      await own.stop();
    }
  });

  it('works on a given ioredis client, which it leaves open on close', async () => {
    const client = new Redis(redis.url);
    const s = await createRedisStreamStore({ client, keyPrefix: `t${prefixCount}`, logger: collectingLogger() });
    const seen: StreamEntry[] = [];
    s.subscribe((e) => seen.push(e));
    const e = await s.append('alice', 'trades', frame(1, 'alice'));
    await waitFor(() => seen.length === 1, 'the entry');
    expect(seen).toEqual([e]);
    expect(s.status()).toMatchObject({ healthy: true });
    await s.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('a logger that throws, or whose promise rejects, loses its lines, never the store: the start succeeds (it rejected, both connections left open), and Redis lost then back is ridden out (the process ended from onDown: tAT F4)', async () => {
    await withOwnRedis(async (own) => {
      const crashes: unknown[] = [];
      const onCrash = (error: unknown) => void crashes.push(error);
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      const raw = new Redis(own.url);
      const clients = async () => String(await raw.client('LIST')).split('\n').filter((line: string) => line.trim() !== '').length;
      try {
        const before = await clients();
        let calls = 0;
        const throwing = () => {
          calls++;
          throw new Error('log transport closed');
        };
        const rejecting = async () => {
          calls++;
          throw new Error('log sink down');
        };
        for (const logger of [{ info: throwing, warn: throwing, error: throwing }, { info: rejecting, warn: rejecting, error: rejecting }]) {
          const s = await createRedisStreamStore({ url: own.url, keyPrefix: `lg${calls}`, commandTimeoutMs: 500, logger });
          try {
            expect(s.status().healthy).toBe(true);
            await s.append('alice', 'trades', frame(1, 'alice'));
            const started = calls;
            expect(started).toBeGreaterThanOrEqual(1);
            // Redis crashes and comes back: its loss and recovery are logged (the lines lost), the store recovers.
            await own.stop();
            await waitFor(() => !s.status().healthy, 'the store unhealthy');
            await own.restart();
            await waitFor(() => s.status().healthy, 'the store healthy again');
            expect(calls).toBeGreaterThan(started);
            await s.append('alice', 'trades', frame(2, 'alice'));
          } finally {
            await s.close();
          }
        }
        // Every connection the stores opened is closed (Redis's count of clients, this one's included, as before).
        let count = await clients();
        for (let tries = 0; count !== before && tries < 100; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          count = await clients();
        }
        expect(count).toBe(before);
        expect(crashes.map((error) => (error as Error).message)).toEqual([]);
      } finally {
        process.off('uncaughtException', onCrash);
        process.off('unhandledRejection', onCrash);
        raw.disconnect();
      }
    });
  });

  it("takes undefined for each option as its default, as leaving it out does (a consumer's `keyPrefix: process.env.PREFIX`, which its types refused under exactOptionalPropertyTypes: tAJ F4)", async () => {
    await withOwnRedis(async (own) => {
      const unset = undefined;
      const lines: unknown[][] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args));
      let s: RedisStreamStore | undefined;
      try {
        s = await createRedisStreamStore({
          url: own.url, client: unset, keyPrefix: unset, maxMessages: unset, maxAllMessages: unset, maxAgeMs: unset,
          logger: unset, connectTimeoutMs: unset, commandTimeoutMs: unset, maxQueuedBytes: unset,
        });
        // The logger: the console's.
        expect(lines.map(([text]) => String(text))).toEqual([expect.stringContaining("event: 'redis-store-started'")]);
        // keyPrefix `rc`, maxMessages 1000 per stream (trimmed back to it once 1000 / 16 = 62
        // over), maxAllMessages 100 000, maxAgeMs 600 000.
        expect(s.keys.global).toBe('rc:g');
        await Promise.all(Array.from({ length: 1062 }, (_, n) => s!.append(null, 'whale', frame(n, null))));
        await s.append('alice', 'trades', frame(1062, 'alice'));
        const admin = new Redis(own.url);
        try {
          expect([await admin.xlen('rc:g'), await admin.xlen('rc:all')]).toEqual([1000, 1063]);
          const ttl = await admin.pttl('rc:u:{alice}');
          expect(ttl > 0 && ttl <= 600_000).toBe(true);
        } finally {
          await admin.quit();
        }
      } finally {
        spy.mockRestore();
        await s?.close();
      }
      // And `url: undefined` beside a client.
      const client = new Redis(own.url);
      try {
        const onClient = await createRedisStreamStore({ url: unset, client, logger: collectingLogger() });
        expect(onClient.status()).toMatchObject({ healthy: true });
        await onClient.close();
      } finally {
        await client.quit();
      }
    });
  });

  // tER F8: `url: process.env.REDIS_PASSWORD` hid it, `client: new Redis(process.env.REDIS_PASSWORD)` printed it as the host.
  it("names a given client's host that reads as a password by its length, as the url form does, in getaddrinfo's message too", async () => {
    const rejection = (options: RedisOptions) => {
      const down = new Redis({ lazyConnect: true, retryStrategy: () => null, ...options });
      return createRedisStreamStore({ client: down, connectTimeoutMs: 2000, logger: collectingLogger() }).then(
        async (started) => (await started.close(), 'started'),
        (error: Error) => error.message,
      ).finally(() => down.disconnect());
    };
    for (const host of ['Pa55w0rdXyz.invalid', 'Tr0ub4dor3horse.invalid']) {
      const said = await rejection({ host, port: 6390, db: 2 });
      expect(said, host).toMatch(new RegExp(`^Redis unreachable at redis://<a host of ${host.length} characters, not shown: is it the password\\? give redis://:password@host:port>:6390/2: `));
      expect(said.toLowerCase(), host).not.toContain(host.slice(0, 10).toLowerCase());
    }
    // A host name is shown.
    expect(await rejection({ host: 'no-such-host.invalid', port: 6390 })).toMatch(/^Redis unreachable at redis:\/\/no-such-host\.invalid:6390: /);
  });

  it("names a given client's Redis by a URL that reaches it: an IPv6 host in brackets, rediss:// for TLS, its socket path (it was redis://::1:6379, no URL, in the log, status() and errors: a fresh tester)", async () => {
    // ::1 in front of this Redis (on 127.0.0.1): a byte-for-byte relay.
    const relay = createNetServer((inbound) => {
      const outbound = netConnect(redis.port, '127.0.0.1');
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '::1', resolve));
    const port = (relay.address() as AddressInfo).port;
    const client = new Redis({ host: '::1', port, db: 3 });
    try {
      const logger = collectingLogger();
      const lines: unknown[] = [];
      const s = await createRedisStreamStore({ client, keyPrefix: `t${prefixCount}`, logger: { ...logger, info: (object: object) => void lines.push(object) } });
      expect(lines).toContainEqual(expect.objectContaining({ event: 'redis-store-started', url: `redis://[::1]:${port}/3` }));
      expect(s.status().detail).toContain(`redis://[::1]:${port}/3 `);
      await s.close();
    } finally {
      client.disconnect();
      relay.close();
    }
    // Nothing listens there now: the rejection names the same URL.
    const quietly = { lazyConnect: true, retryStrategy: () => null };
    const rejection = (options: RedisOptions) => {
      const down = new Redis({ ...quietly, ...options });
      return createRedisStreamStore({ client: down, logger: collectingLogger() }).then(
        async (started) => (await started.close(), 'started'),
        (error: Error) => error.message,
      ).finally(() => down.disconnect());
    };
    expect(await rejection({ host: '::1', port })).toMatch(new RegExp(`^Redis unreachable at redis://\\[::1\\]:${port}: `));
    expect(await rejection({ host: '127.0.0.1', port, tls: {} })).toMatch(new RegExp(`^Redis unreachable at rediss://127\\.0\\.0\\.1:${port}: `));
    const socket = path.join(mkdtempSync(path.join(tmpdir(), 'rc-sock-')), 'none.sock');
    expect(await rejection({ path: socket, db: 2 })).toMatch(new RegExp(`^Redis unreachable at ${socket.replace(/[.]/g, '\\.')}\\?db=2: `));
    rmSync(path.dirname(socket), { recursive: true });
  });

  it('starts on a url that names its server in the query, as ioredis reads it (`redis://?host=…&port=…`, `&db=3`, `redis://?path=<socket>`): they worked before the host-less refusal, which refused them as naming no host (tCD F3)', async () => {
    const hosted = await store({ url: `redis://?host=127.0.0.1&port=${redis.port}` });
    expect(hosted.status().healthy).toBe(true);
    const inThree = await store({ url: `redis://?host=127.0.0.1&port=${redis.port}&db=3` });
    await inThree.append('alice', 'trades', frame(1, 'alice'));
    const direct = new Redis({ host: '127.0.0.1', port: redis.port, db: 3, lazyConnect: true });
    try {
      await direct.connect();
      expect(await direct.xlen(inThree.keys.user('alice'))).toBe(1);
    } finally {
      direct.disconnect();
    }
    // A socket path in the query: a redis-server of its own listening on a unix socket only.
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-sock-'));
    const socket = path.join(dir, 'r.sock');
    const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      let onSocket: RedisStreamStore | undefined;
      for (let tries = 0; onSocket === undefined && tries < 100; tries++) {
        onSocket = await createRedisStreamStore({ url: `redis://?path=${socket}`, keyPrefix: 'q', connectTimeoutMs: 1000, logger: collectingLogger() }).catch(async (error: Error) => {
          if (!/unreachable/.test(error.message)) throw error;
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      }
      expect(onSocket?.status()).toMatchObject({ healthy: true, detail: expect.stringContaining(socket) });
      await onSocket!.close();
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a socket path to a Redis that asks for a password: the start names a form that reaches the socket with one, and that form starts (it named redis://user:password@host, which leaves the socket for TCP: tDG F7)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-sock-'));
    const socket = path.join(dir, 'r.sock');
    const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--requirepass', 'sock-password', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      let refused: string | undefined;
      for (let tries = 0; refused === undefined && tries < 100; tries++) {
        refused = await createRedisStreamStore({ url: socket, connectTimeoutMs: 1000, logger: collectingLogger() }).then(
          () => 'started',
          async (error: Error) => {
            if (!/unreachable/.test(error.message)) return error.message;
            await new Promise((r) => setTimeout(r, 100));
            return undefined;
          },
        );
      }
      expect(refused).toMatch(new RegExp(`^Redis at ${socket} requires credentials \\(redis://user:password@localhost\\?path=${socket}\\): NOAUTH`));
      const told = await store({ url: `redis://:sock-password@localhost?path=${socket}` });
      expect(told.status()).toMatchObject({ healthy: true, detail: expect.stringContaining(socket) });
    } finally {
      await Promise.all(open.splice(0).map((s) => s.close()));
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two deployments on databases 0 and 1 of one Redis, with one key prefix, never see each other’s fan-out (pub/sub channels are not per database: each closed every socket of the other with 4410, a hostile tester)', async () => {
    const prefix = `t${prefixCount}`;
    const [zero, zeroToo, one, oneToo] = await Promise.all([store({ url: `${redis.url}/0` }), store({ url: redis.url }), store({ url: `${redis.url}/1` }), store({ url: `${redis.url}?db=1` })]);
    // Database 0 keeps the channel's name: nodes of an older version on it still hear these.
    expect([zero, zeroToo, one, oneToo].map((s) => s.keys.channel)).toEqual([`${prefix}:fanout`, `${prefix}:fanout`, `${prefix}:fanout:db1`, `${prefix}:fanout:db1`]);
    const seen = [zero, zeroToo, one, oneToo].map((s) => {
      const got = { entries: [] as StreamEntry[], gaps: [] as StreamGap[] };
      s.subscribe((e) => got.entries.push(e));
      s.onGap((g) => got.gaps.push(g));
      return got;
    });
    const inZero = [await zero.append('alice', 'trades', frame(1, 'alice')), await zeroToo.append(null, 'whale', frame(2, null))];
    const inOne = [await one.append('carol', 'trades', frame(3, 'carol')), await oneToo.append('carol', 'trades', frame(4, 'carol'))];
    await waitFor(() => seen.every((got, i) => got.entries.length >= (i < 2 ? inZero : inOne).length), 'each deployment’s entries on its nodes');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((got) => got.entries)).toEqual([inZero, inZero, inOne, inOne]);
    expect(seen.flatMap((got) => got.gaps)).toEqual([]);
    // Two epochs, one per database, each kept.
    expect(new Set([...inZero, ...inOne].map((e) => e.cursor.split('.')[0])).size).toBe(2);
    expect((await one.read({ userId: 'carol', admin: false }, inOne[0]!.cursor, 10)).resume).toBe('resumed');
  });

  it('refuses the start when Redis refuses the database (out of range), naming it without the password: it started on database 0 instead', async () => {
    const url = `redis://:s3cretpw@127.0.0.1:${redis.port}/99`;
    const expected = `Redis at redis://127.0.0.1:${redis.port}/99 refused database 99 (ERR DB index is out of range): a server has databases 0 to its \`databases\` setting less one (0 to 15 by default)`;
    // This Redis has no password: `:password@` is sent as AUTH to the default user, and taken.
    const refused = await createRedisStreamStore({ url, logger: collectingLogger() }).then(
      async (s) => (await s.close(), 'started'),
      (error: Error) => error.message,
    );
    expect(refused).toBe(expected);
    // A client of that database: the same (its SELECT is refused as it connects).
    const client = new Redis({ host: '127.0.0.1', port: redis.port, db: 99, lazyConnect: true });
    client.on('error', () => {});
    try {
      const refusedClient = await createRedisStreamStore({ client, logger: collectingLogger() }).then(
        async (s) => (await s.close(), 'started'),
        (error: Error) => error.message,
      );
      expect(refusedClient).toBe(expected);
    } finally {
      client.disconnect();
    }
    // The highest database of this server is taken.
    expect((await store({ url: `${redis.url}/15` })).keys.channel).toBe(`t${prefixCount}:fanout:db15`);
  });

  it('gives every node the same order, with increasing cursors and the cursor inside each frame', async () => {
    const a = await store();
    const b = await store();
    const seenA: StreamEntry[] = [];
    const seenB: StreamEntry[] = [];
    a.subscribe((e) => seenA.push(e));
    b.subscribe((e) => seenB.push(e));
    const appended = await Promise.all(
      Array.from({ length: 400 }, (_, n) => (n % 2 ? a : b).append(n % 5 === 0 ? null : `u${n % 7}`, n % 5 === 0 ? 'whale' : 'trades', frame(n, n % 5 === 0 ? null : `u${n % 7}`))),
    );
    await waitFor(() => seenA.length === 400 && seenB.length === 400, '400 entries on both nodes');
    expect(seenA.map((e) => e.cursor)).toEqual(seenB.map((e) => e.cursor));
    for (let i = 1; i < seenA.length; i++) expect(a.compare(seenA[i - 1]!.cursor, seenA[i]!.cursor)).toBeLessThan(0);
    // The client orders them too: an epoch of digits alone (1 random epoch in 1,850) it would not (a reviewer).
    expect(seenA[0]!.cursor).toMatch(/^e[0-9a-f]{15}\.\d+$/);
    for (let i = 1; i < seenA.length; i++) expect([isAfter(seenA[i]!.cursor, seenA[i - 1]!.cursor), isAfter(seenA[i - 1]!.cursor, seenA[i]!.cursor)]).toEqual([true, false]);
    for (const e of seenA) expect(JSON.parse(e.frame).cursor).toBe(e.cursor);
    expect(new Set(appended.map((e) => e.cursor)).size).toBe(400);
    const byCursor = new Map(appended.map((e) => [e.cursor, e]));
    for (const e of seenB) expect(byCursor.get(e.cursor)).toEqual(e);
  });

  it('gives appends in a row, from one node or two, cursors of one epoch: a reader resumes from any of them (tCF M07: every append starting a new epoch was caught only by timeouts)', async () => {
    const a = await store();
    const b = await store();
    const appended = [
      await a.append('alice', 'trades', frame(1, 'alice')),
      await a.append('alice', 'trades', frame(2, 'alice')),
      await b.append(null, 'whale', frame(3, null)),
    ];
    expect(new Set(appended.map((e) => e.cursor.split('.')[0])).size).toBe(1);
    expect(await a.read({ userId: 'alice', admin: false }, appended[0]!.cursor, 10)).toMatchObject({ resume: 'resumed', entries: appended.slice(1) });
  });

  it('carries any user id, key and frame text unchanged: non-ASCII, emoji, newlines, batched or not', async () => {
    const a = await store();
    const b = await store();
    const seen: StreamEntry[] = [];
    b.subscribe((e) => seen.push(e));
    const users = ['zoë', 'line\nbreak', '{braces}', '用户', 'emoji 🚀'];
    const appended = await Promise.all(users.map((u, i) => a.append(u, 'balances', (c) => `{"who":${JSON.stringify(u)},"raw":"a\nb ✓ 🚀","cursor":"${c}"}`, `k\n${i} ✓`)));
    appended.push(await a.append(null, 'whale', (c) => `{"raw":"∑\n","cursor":"${c}"}`));
    await waitFor(() => seen.length === appended.length, 'every entry');
    expect(seen).toEqual(appended);
    for (const [i, u] of users.entries()) {
      const [epoch, position] = appended[0]!.cursor.split('.');
      const r = await b.read({ userId: u, admin: false }, `${epoch}.${Number(position) - 1}`, 10);
      expect(r).toMatchObject({ resume: 'resumed', entries: [appended[i], appended[5]] });
    }
  });

  it('splits a burst of large entries so one fan-out message stays within 4 MiB, a larger entry alone (one PUBLISH of 40 MB passed Redis’s 32 MB pubsub limit and dropped every subscriber: a hostile tester)', async () => {
    const logA = collectingLogger();
    const logB = collectingLogger();
    const a = await store({ logger: logA });
    const b = await store({ logger: logB });
    const raw = new Redis(redis.url);
    const published: number[] = [];
    raw.on('messageBuffer', (_channel: Buffer, payload: Buffer) => void published.push(payload.length));
    await raw.subscribe(a.keys.channel);
    const seen: string[] = [];
    b.subscribe((e) => void seen.push(e.cursor));
    const pad = (bytes: number) => 'x'.repeat(bytes);
    const sizes = [10, 10, 1_000_000, ...Array<number>(39).fill(1_000_000), 5 * 1024 * 1024, 10, 10];
    const healthy: boolean[] = [];
    const sampler = setInterval(() => healthy.push(a.status().healthy, b.status().healthy), 10);
    let cursors: string[];
    try {
      // In one turn of the event loop: the store batches them.
      cursors = (await Promise.all(sizes.map((bytes, n) => a.append('big', 'alerts', (c) => `{"n":${n},"pad":"${pad(bytes)}","cursor":"${c}"}`)))).map((e) => e.cursor);
      await waitFor(() => seen.length >= sizes.length, 'every entry on the other node');
      // A subscriber Redis dropped never gets them (the raw one does not catch up): the log says why.
      await waitFor(() => published.reduce((x, y) => x + y, 0) >= sizes.reduce((x, y) => x + y), 'every fan-out message', 5000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      clearInterval(sampler);
      await raw.quit();
    }
    expect([...logA.events, ...logB.events].filter((e) => e.level !== 'info')).toEqual([]); // no redis-lost
    expect(healthy.length).toBeGreaterThan(0);
    expect(healthy.every((h) => h)).toBe(true);
    expect(seen).toEqual(cursors); // once each, in append order
    const limit = 4 * 1024 * 1024;
    expect(published.filter((bytes) => bytes > limit)).toEqual([expect.any(Number)]); // the 5 MiB entry, alone
    expect(published.find((bytes) => bytes > limit)).toBeLessThan(5 * 1024 * 1024 + 200);
    expect(published.length).toBeGreaterThanOrEqual(12);
  });

  it('splits a turn of more than 256 small appends into script calls of 256 at most, each one PUBLISH; every entry delivered once, in append order', async () => {
    const a = await store();
    const b = await store();
    const raw = new Redis(redis.url);
    // Entries per fan-out message (each frame holds one `"data":{"n":`).
    const published: number[] = [];
    raw.on('messageBuffer', (_channel: Buffer, payload: Buffer) => void published.push(String(payload).split('"data":{"n":').length - 1));
    await raw.subscribe(a.keys.channel);
    const seen: string[] = [];
    b.subscribe((e) => void seen.push(e.cursor));
    const users = ['alice', 'bob', null];
    let cursors: string[];
    try {
      // In one turn of the event loop: 600 entries of a few bytes, far below 4 MiB.
      cursors = (await Promise.all(Array.from({ length: 600 }, (_, n) => a.append(users[n % 3] ?? null, users[n % 3] ? 'trades' : 'whale', frame(n, users[n % 3] ?? null))))).map((e) => e.cursor);
      await waitFor(() => seen.length >= 600, 'every entry on the other node');
      await waitFor(() => published.reduce((x, y) => x + y, 0) >= 600, 'every fan-out message', 5000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await raw.quit();
    }
    // Each script call PUBLISHes once, its entries in one message.
    expect(published).toEqual([256, 256, 88]);
    expect(seen).toEqual(cursors);
    for (let i = 1; i < cursors.length; i++) expect(a.compare(cursors[i - 1]!, cursors[i]!)).toBeLessThan(0);
    const [epoch, first] = cursors[0]!.split('.');
    // Read back: alice's own and the whales, in append order.
    const alice = await b.read({ userId: 'alice', admin: false }, `${epoch}.${Number(first) - 1}`, 1000);
    expect(numbers(alice.entries)).toEqual(Array.from({ length: 600 }, (_, n) => n).filter((n) => n % 3 !== 1));
  });

  it('has at most 4 MiB of appends waiting for Redis at a time: 100 MB sent at once outlasted the command timeout (the node counted Redis as lost) and piled up in subscribers’ output buffers', async () => {
    const log = collectingLogger();
    const a = await store({ logger: log });
    const seen: string[] = [];
    a.subscribe((e) => void seen.push(e.cursor));
    const raw = new Redis(redis.url);
    /** Bytes Redis holds of the paused command connection's input: what the node sent and Redis has not run. */
    const waiting = async () => {
      const paused = String(await raw.client('LIST')).split('\n').filter((line) => / flags=b /.test(line));
      return paused.reduce((sum, line) => sum + Number(/ qbuf=(\d+)/.exec(line)![1]) + Number(/ argv-mem=(\d+)/.exec(line)![1]), 0);
    };
    let appended: Promise<StreamEntry[]>;
    const held: number[] = [];
    try {
      await raw.client('PAUSE', 3000, 'WRITE');
      appended = Promise.all(Array.from({ length: 20 }, (_, n) => a.append('big', 'alerts', (c) => `{"n":${n},"pad":"${'x'.repeat(1_000_000)}","cursor":"${c}"}`)));
      // Until the first batch is in, and 400 ms more for any other the node would send.
      let until = Date.now() + 2500;
      while (Date.now() < until) {
        held.push(await waiting());
        if (held[held.length - 1]! > 3_000_000) until = Math.min(until, Date.now() + 400);
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await raw.client('UNPAUSE');
      await raw.quit();
    }
    const cursors = (await appended).map((e) => e.cursor);
    await waitFor(() => seen.length >= 20, 'every entry');
    expect(Math.max(...held)).toBeGreaterThan(3_000_000); // the first batch was sent
    expect(Math.max(...held)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(seen).toEqual(cursors);
    expect(log.events.filter((e) => e.level !== 'info')).toEqual([]);
  });

  it('refuses an append past maxQueuedBytes waiting to be sent, and what close() finds unsent, as not stored; the rest goes in order (the queue held 1.5 GB: a hostile tester)', async () => {
    const a = await store({ maxQueuedBytes: 3_000_000 });
    const seen: string[] = [];
    a.subscribe((e) => void seen.push(e.cursor));
    const raw = new Redis(redis.url);
    const big = (n: number) => a.append('big', 'alerts', (c) => `{"n":${n},"pad":"${'x'.repeat(1_000_000)}","cursor":"${c}"}`);
    let settled: PromiseSettledResult<StreamEntry>[];
    try {
      await raw.client('PAUSE', 2000, 'WRITE');
      // 4 sent (4 MiB waiting for Redis's answer), then 3 queued (3 MB), then refused.
      settled = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => big(n)));
    } finally {
      await raw.client('UNPAUSE');
      await raw.quit();
    }
    const refused = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r.reason as Error).message).toMatch(/^\d+ MiB of appends already wait to be sent to Redis \(maxQueuedBytes\): not stored/);
    const stored = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.cursor] : []));
    expect(stored.length + refused.length).toBe(10);
    await waitFor(() => seen.length >= stored.length, 'every stored entry');
    expect(seen).toEqual(stored);
    // Closed: what was never sent says so, and a later append too.
    const b = await store();
    const late = b.append('u', 'alerts', (c) => `{"cursor":"${c}"}`);
    const closing = b.close();
    await expect(late).rejects.toThrow(/^the stream store closed before this append was sent to Redis: not stored$/);
    await closing;
    await expect(b.append('u', 'alerts', (c) => `{"cursor":"${c}"}`)).rejects.toThrow(/^the stream store is closed: not stored$/);
    expect(b.status()).toEqual({ healthy: false, detail: `redis ${redis.url} closed` });
  });

  it('replays a user their own and global entries after a cursor, admins everything, in order and in pages', async () => {
    const s = await store();
    const first = await s.read({ userId: 'alice', admin: false }, null, 100);
    expect(first).toMatchObject({ resume: 'new', entries: [] });
    const all: StreamEntry[] = [];
    for (let n = 0; n < 60; n++) {
      const userId = n % 3 === 0 ? null : n % 3 === 1 ? 'alice' : 'bob';
      all.push(await s.append(userId, userId ? 'trades' : 'whale', frame(n, userId), null));
    }
    const alice = await s.read({ userId: 'alice', admin: false }, first.cursor, 1000);
    expect(alice.resume).toBe('resumed');
    expect(alice.entries).toEqual(all.filter((e) => e.userId !== 'bob'));
    const admin = await s.read({ userId: 'root', admin: true }, first.cursor, 1000);
    expect(admin.entries).toEqual(all);
    // paging: 7 at a time gives the same sequence
    const paged: StreamEntry[] = [];
    let cursor = first.cursor;
    for (;;) {
      const page = await s.read({ userId: 'bob', admin: false }, cursor, 7);
      expect(page.resume).toBe('resumed');
      paged.push(...page.entries);
      cursor = page.cursor;
      if (page.entries.length < 7) break;
    }
    expect(paged).toEqual(all.filter((e) => e.userId !== 'alice'));
    // from the middle: exactly what follows
    const mid = all[30]!.cursor;
    expect(numbers((await s.read({ userId: 'alice', admin: false }, mid, 1000)).entries)).toEqual(
      all.filter((e, i) => i > 30 && e.userId !== 'bob').map((e) => JSON.parse(e.frame).data.n),
    );
    // nothing new: resumed, empty, at the head
    const none = await s.read({ userId: 'alice', admin: false }, all[59]!.cursor, 10);
    expect(none).toMatchObject({ resume: 'resumed', entries: [] });
    expect(s.compare(none.cursor, all[59]!.cursor)).toBeGreaterThanOrEqual(0);
    // the head cursor handed out is a position before the next append
    const next = await s.append('alice', 'trades', frame(60, 'alice'));
    expect((await s.read({ userId: 'alice', admin: false }, none.cursor, 10)).entries).toEqual([next]);
  });

  it('pages by bytes as well as by count: every entry once, in order, each page within maxBytes past its first', async () => {
    await expectBytePagesAgree(await store());
  });

  it('never shows a user another user’s entries, whatever cursor they forge', async () => {
    const s = await store();
    const bobs = [];
    for (let n = 0; n < 10; n++) bobs.push(await s.append('bob', 'trades', frame(n, 'bob')));
    const forged = [bobs[0]!.cursor, bobs[0]!.cursor.split('.')[0] + '.0', bobs[0]!.cursor.split('.')[0] + '.1'];
    for (const since of forged) {
      const r = await s.read({ userId: 'mallory', admin: false }, since, 100);
      expect(r.entries).toEqual([]);
    }
  });

  it('answers gap for a malformed cursor, one ahead of the head, and one of another epoch', async () => {
    const s = await store();
    const e = await s.append('alice', 'trades', frame(1, 'alice'));
    const epoch = e.cursor.split('.')[0]!;
    const viewer = { userId: 'alice', admin: false };
    const position = Number(e.cursor.split('.')[1]);
    for (const since of ['', 'garbage', `${epoch}.x`, `${epoch}.-1`, `${epoch}.${position}-1`, `${epoch}.${position + 60_000_000}`]) {
      const r = await s.read(viewer, since, 10);
      expect(r, since).toMatchObject({ resume: 'gap', entries: [] });
      expect(s.compare(r.cursor, e.cursor)).toBeGreaterThanOrEqual(0);
    }
    // Another epoch (Redis lost its history, e.g. restarted empty): gap, and all it holds now is
    // new to that reader: the viewer's own entries and global ones, none of another user.
    await s.append('bob', 'trades', frame(2, 'bob'));
    const global = await s.append(null, 'whale', frame(3, null));
    const r = await s.read(viewer, `0badc0de.${position}`, 10);
    expect(r.resume).toBe('gap');
    expect(r.entries.map((x) => x.cursor)).toEqual([e.cursor, global.cursor]);
    expect(r.cursor).toBe(global.cursor);
    // A cursor of the in-memory store's form (a server that moved to Redis) is of another epoch
    // too: it was read as no cursor, and answered from the head, empty (a fresh user lost the
    // first trades of a migration).
    const moved = await s.read(viewer, 'mx7ke3lw505822c1.144', 10);
    expect(moved.resume).toBe('gap');
    expect(moved.entries.map((x) => x.cursor)).toEqual([e.cursor, global.cursor]);
    // One a client kept with an all-digit epoch (formatCursor made them before it refused them)
    // too, as the in-memory store answers it (tCD F5).
    const kept = await s.read(viewer, '1705251000.6', 10);
    expect(kept.resume).toBe('gap');
    expect(kept.entries.map((x) => x.cursor)).toEqual([e.cursor, global.cursor]);
  });

  it('answers a cursor of another epoch with a plain gap once its history is trimmed', async () => {
    const s = await store({ maxMessages: 4, maxAllMessages: 8 });
    for (let n = 0; n < 20; n++) await s.append('alice', 'trades', frame(n, 'alice'));
    const r = await s.read({ userId: 'alice', admin: false }, '0badc0de.1', 100);
    expect(r).toMatchObject({ resume: 'gap', entries: [] });
  });

  /**
   * What Redis did for `action`, on the keys of `s` (MONITOR shows the commands scripts run):
   * the XRANGE calls and the entries they asked for at most (their COUNT), whatever time took.
   */
  async function rangesRead(s: RedisStreamStore, action: () => Promise<unknown>): Promise<{ calls: string[][]; entries: number }> {
    const prefix = s.keys.epoch.slice(0, -'epoch'.length);
    const monitor = await new Redis(redis.url).monitor();
    const raw = new Redis(redis.url);
    const calls: string[][] = [];
    let marked = false;
    const marker = `${prefix}end-of-action-${randomBytes(4).toString('hex')}`;
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'xrange' && args[1]?.startsWith(prefix)) calls.push(args);
      if (args[0]?.toLowerCase() === 'get' && args[1] === marker) marked = true;
    });
    try {
      await action();
      // Redis feeds MONITOR in the order it runs commands: once the marker shows, all of the action has.
      await raw.get(marker);
      await waitFor(() => marked, 'the marker on MONITOR');
    } finally {
      monitor.disconnect();
      await raw.quit();
    }
    return { calls, entries: calls.reduce((sum, args) => sum + Number(args[args.findIndex((a) => a.toUpperCase() === 'COUNT') + 1]), 0) };
  }

  it('decides a cursor of another epoch before reading a page: one entry per stream at most, for a plain gap (a forged `since=zzz.1` read a page of 500 entries, twice, to answer nothing: a security reviewer)', async () => {
    const s = await store({ maxMessages: 4, maxAllMessages: 8 });
    for (let n = 0; n < 20; n++) {
      await s.append('alice', 'trades', frame(n, 'alice'));
      await s.append(null, 'whale', frame(n, null));
    }
    const viewers = [{ userId: 'alice', admin: false }, { userId: 'nobody', admin: false }, { userId: 'root', admin: true }];
    for (const viewer of viewers) {
      for (const since of ['0badc0de.1', 'zzz.1', 'mx7ke3lw505822c1.144']) {
        let r: Awaited<ReturnType<typeof s.read>> | undefined;
        const work = await rangesRead(s, async () => (r = await s.read(viewer, since, 500)));
        expect(r, `${viewer.userId} ${since}`).toMatchObject({ resume: 'gap', entries: [] });
        expect(Object.keys(r!).sort()).toEqual(['cursor', 'entries', 'resume']);
        // The all-stream's first entry after the epoch's start, and the viewer's first (their trim records): never a page.
        expect(work.entries, `${viewer.userId} ${since}: ${JSON.stringify(work.calls)}`).toBeLessThanOrEqual(viewer.admin ? 1 : 3);
      }
    }
    // The start Redis records is another epoch's (an earlier rotation's, the epoch key deleted
    // since): where the epoch began all the same (tDV F7), decided the same way: never a page.
    const raw = new Redis(redis.url);
    try {
      await raw.set(s.keys.epochStart, 'feedfacefeedface0 5');
      let r: Awaited<ReturnType<typeof s.read>> | undefined;
      const work = await rangesRead(s, async () => (r = await s.read(viewers[0]!, 'zzz.1', 500)));
      expect(r).toMatchObject({ resume: 'gap', entries: [] });
      expect(work.entries, JSON.stringify(work.calls)).toBeLessThanOrEqual(3);
    } finally {
      await raw.quit();
    }
  });

  it('answers a cursor of another epoch whose epoch is whole with one page, from its start (it read one from the cursor first, then the one it gave)', async () => {
    const s = await store();
    const mine: StreamEntry[] = [];
    for (let n = 0; n < 30; n++) mine.push(await s.append('alice', 'trades', frame(n, 'alice')));
    const alice = { userId: 'alice', admin: false };
    let r: Awaited<ReturnType<typeof s.read>> | undefined;
    const work = await rangesRead(s, async () => (r = await s.read(alice, '0badc0de.1', 10)));
    expect(r).toEqual({ resume: 'gap', cursor: mine[9]!.cursor, entries: mine.slice(0, 10), more: true });
    // The page (10), and one entry each of the all-stream and alice's for the check.
    expect(work.entries, JSON.stringify(work.calls)).toBeLessThanOrEqual(10 + 2);
    // A cursor of this epoch, older than maxAgeMs (a gap, then what is held) or young: its page alone.
    const epoch = mine[0]!.cursor.split('.')[0]!;
    for (const [since, resume] of [[`${epoch}.1`, 'gap'], [mine[14]!.cursor, 'resumed']] as const) {
      const one = await rangesRead(s, async () => (r = await s.read(alice, since, 10)));
      expect(r!.resume).toBe(resume);
      expect(r!.entries).toHaveLength(10);
      expect(one.entries, JSON.stringify(one.calls)).toBeLessThanOrEqual(10);
    }
  });

  it('says gap exactly when trimming removed something after the cursor', async () => {
    const s = await store({ maxMessages: 32, maxAllMessages: 64 });
    const viewer = { userId: 'alice', admin: false };
    const start = await s.read(viewer, null, 1);
    const mine: StreamEntry[] = [];
    for (let n = 0; n < 200; n++) mine.push(await s.append('alice', 'trades', frame(n, 'alice')));
    expect((await s.read(viewer, start.cursor, 500)).resume).toBe('gap');
    expect((await s.read({ userId: 'root', admin: true }, start.cursor, 500)).resume).toBe('gap');
    const kept = (await s.read(viewer, mine[190]!.cursor, 500)).entries;
    expect(numbers(kept)).toEqual([191, 192, 193, 194, 195, 196, 197, 198, 199]);
    // the oldest cursor that still resumes is the last trimmed entry: its successor is kept
    let boundary = -1;
    for (let i = 0; i < mine.length; i++) {
      if ((await s.read(viewer, mine[i]!.cursor, 500)).resume === 'resumed') {
        boundary = i;
        break;
      }
    }
    expect(boundary).toBeGreaterThan(100);
    const resumed = await s.read(viewer, mine[boundary]!.cursor, 500);
    expect(numbers(resumed.entries)).toEqual(mine.slice(boundary + 1).map((_, i) => boundary + 1 + i));
    expect(resumed.entries.length).toBeGreaterThanOrEqual(32);
  });

  it("a maxMessages or maxAllMessages lowered far below what a stream holds trims it over the next appends, at most 256 entries each, recording each cut: the oldest cursor that resumes is the last entry removed (tFD F5: one append copied every excess entry into Lua, 10.5 s of Redis for 100,000 × 4 KiB)", async () => {
    const before = await store();
    const viewer = { userId: 'alice', admin: false };
    const mine: StreamEntry[] = [];
    for (let n = 0; n < 700; n += 100) mine.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => before.append('alice', 'trades', frame(n + i, 'alice'))))));
    await before.close();
    const s = await store({ maxMessages: 10, maxAllMessages: 10 });
    const raw = new Redis(redis.url);
    try {
      const lengths = async () => [await raw.xlen(`t${prefixCount}:u:{alice}`), await raw.xlen(`t${prefixCount}:all`)];
      const seen: number[][] = [await lengths()];
      while (seen[seen.length - 1]![0]! > 10 + 1 && seen.length < 10) {
        mine.push(await s.append('alice', 'trades', frame(mine.length, 'alice')));
        seen.push(await lengths());
      }
      // 700, then 701 − 256, 446 − 256, … down to the bound: each append removes at most 256.
      expect(seen.map(([user]) => user)).toEqual([700, 445, 190, 10]);
      expect(seen.map(([, all]) => all)).toEqual([700, 445, 190, 10]);
      const first = (await raw.xrange(`t${prefixCount}:u:{alice}`, '-', '+', 'COUNT', 1))[0]![0];
      const kept = mine.findIndex((e) => Number(e.cursor.split('.')[1]) === Number(first.split('-')[0]));
      expect(kept).toBe(mine.length - 10);
      expect((await s.read(viewer, mine[kept - 2]!.cursor, 500)).resume).toBe('gap');
      const resumed = await s.read(viewer, mine[kept - 1]!.cursor, 500);
      expect(resumed.resume).toBe('resumed');
      expect(resumed.entries.map((e) => e.cursor)).toEqual(mine.slice(kept).map((e) => e.cursor));
      expect((await s.read({ userId: 'root', admin: true }, mine[kept - 2]!.cursor, 500)).resume).toBe('gap');
      expect((await s.read({ userId: 'root', admin: true }, mine[kept - 1]!.cursor, 500)).resume).toBe('resumed');
    } finally {
      await raw.quit();
    }
  });

  it("a trim by count stops once it removed 4 MiB more than the append added: 600 kB entries, far over a lowered maxMessages and maxAllMessages, come down 7 an append, each cut recorded (tFL F5: 256 entries of 1 MiB copied into Lua held Redis 3 to 6 s)", async () => {
    const big = (n: number) => (cursor: string) => JSON.stringify({ type: 'trades', data: { n, userId: 'alice', pad: 'x'.repeat(600_000) }, cursor });
    const before = await store();
    const viewer = { userId: 'alice', admin: false };
    const mine: StreamEntry[] = [];
    for (let n = 0; n < 40; n++) mine.push(await before.append('alice', 'trades', big(n)));
    await before.close();
    const s = await store({ maxMessages: 1, maxAllMessages: 1 });
    const raw = new Redis(redis.url);
    try {
      const lengths = async () => [await raw.xlen(`t${prefixCount}:u:{alice}`), await raw.xlen(`t${prefixCount}:all`)];
      const seen: number[][] = [await lengths()];
      while (seen[seen.length - 1]![0]! > 1 && seen.length < 12) {
        mine.push(await s.append('alice', 'trades', frame(mine.length, 'alice')));
        seen.push(await lengths());
      }
      // 40, then 41 − 7 (7 × 600 kB is the first count past 4 MiB), 35 − 7, …, and 4 large and 7 small entries down to the bound.
      expect(seen.map(([user]) => user)).toEqual([40, 34, 28, 22, 16, 10, 1]);
      expect(seen.map(([, all]) => all)).toEqual([40, 34, 28, 22, 16, 10, 1]);
      expect((await s.read(viewer, mine[mine.length - 3]!.cursor, 500)).resume).toBe('gap');
      const resumed = await s.read(viewer, mine[mine.length - 2]!.cursor, 500);
      expect(resumed).toMatchObject({ resume: 'resumed', entries: [mine[mine.length - 1]] });
      expect((await s.read({ userId: 'root', admin: true }, mine[mine.length - 3]!.cursor, 500)).resume).toBe('gap');
      expect((await s.read({ userId: 'root', admin: true }, mine[mine.length - 2]!.cursor, 500)).resume).toBe('resumed');
    } finally {
      await raw.quit();
    }
  });

  it("the all-stream's trim by bytes removes 4 MiB more than the batch added, a batch of large frames included: rc:all, far over a lowered maxAllMessages, comes down by more than 10 entries of 600 kB published at once (tFX F4: each batch tested added a few hundred bytes)", async () => {
    const big = (n: number, user: string) => (cursor: string) => JSON.stringify({ type: 'trades', data: { n, userId: user, pad: 'x'.repeat(600_000) }, cursor });
    const before = await store();
    for (let n = 0; n < 40; n++) await before.append('alice', 'trades', big(n, 'alice'));
    await before.close();
    const s = await store({ maxAllMessages: 1 });
    const raw = new Redis(redis.url);
    try {
      const all = () => raw.xlen(`t${prefixCount}:all`);
      expect(await all()).toBe(40);
      // In one turn of the event loop: two script calls (a batch holds at most 4 MiB), 6 and 4 entries. Each takes off
      // what it added + 4 MiB, 13 and 11 entries (24: 26 left); 4 MiB alone would be 7 each, rc:all growing (36 left).
      await Promise.all(Array.from({ length: 10 }, (_, i) => s.append(`u${i}`, 'trades', big(40 + i, `u${i}`))));
      expect(await all()).toBeLessThanOrEqual(40 - 10);
    } finally {
      await raw.quit();
    }
  });

  it("a maxAllMessages lowered under load: rc:all, trimmed once a batch, comes down while publishes come in full batches of 256, by 255 more than each batch added, recording each cut (tFL F2: 256 trimmed for 256 added, it stayed where it was)", async () => {
    const before = await store();
    const all: StreamEntry[] = [];
    const batch = (from: number) => Promise.all(Array.from({ length: 256 }, (_, i) => s.append(`u${(from + i) % 64}`, 'trades', frame(from + i, `u${(from + i) % 64}`))));
    all.push(...(await Promise.all(Array.from({ length: 1500 }, (_, n) => before.append(`u${n % 64}`, 'trades', frame(n, `u${n % 64}`))))));
    await before.close();
    const s = await store({ maxAllMessages: 100 });
    const raw = new Redis(redis.url);
    try {
      const seen = [await raw.xlen(`t${prefixCount}:all`)];
      while (seen[seen.length - 1]! > 100 + 6 && seen.length < 10) {
        all.push(...(await batch(all.length)));
        seen.push(await raw.xlen(`t${prefixCount}:all`));
      }
      // 1500 + 256 − 511, … down to the bound (slack 6).
      expect(seen).toEqual([1500, 1245, 990, 735, 480, 225, 100]);
      const [first] = (await raw.xrange(`t${prefixCount}:all`, '-', '+', 'COUNT', 1))[0]!;
      const kept = all.findIndex((e) => Number(e.cursor.split('.')[1]) === Number(first.split('-')[0]));
      expect(kept).toBe(all.length - 100);
      const root = { userId: 'root', admin: true };
      expect((await s.read(root, all[kept - 2]!.cursor, 500)).resume).toBe('gap');
      const resumed = await s.read(root, all[kept - 1]!.cursor, 500);
      expect(resumed.resume).toBe('resumed');
      expect(resumed.entries.map((e) => e.cursor)).toEqual(all.slice(kept).map((e) => e.cursor));
    } finally {
      await raw.quit();
    }
  });

  it("after a gap for what trimming removed, gives what is still held for the viewer after the last position trimmed, in order and paged, and the next page resumes (it answered gap with nothing: a user's own trades since were skipped, a fresh tester; their own from before it lie inside the gap told: tGX F2)", async () => {
    // maxMessages 4: each stream is trimmed to 4 on the append that passes it (slack 1).
    const s = await store({ maxMessages: 4 });
    const alice = { userId: 'alice', admin: false };
    const since = await s.append('alice', 'trades', frame(0, 'alice'));
    const mine = await s.append('alice', 'trades', frame(1, 'alice'));
    const whales: StreamEntry[] = [];
    for (let n = 0; n < 5; n++) whales.push(await s.append(null, 'whale', frame(10 + n, null))); // the first trimmed
    await s.append('bob', 'trades', frame(20, 'bob'));
    const later = await s.append('alice', 'trades', frame(2, 'alice'));
    // mine, held, comes before the first whale trimmed: inside the gap told.
    const held = [...whales.slice(1), later];
    expect(await s.read(alice, since.cursor, 100)).toEqual({ resume: 'gap', cursor: later.cursor, entries: held, more: false });
    const first = await s.read(alice, since.cursor, 3);
    expect(first).toEqual({ resume: 'gap', cursor: held[2]!.cursor, entries: held.slice(0, 3), more: true });
    expect(await s.read(alice, first.cursor, 3)).toEqual({ resume: 'resumed', cursor: later.cursor, entries: held.slice(3), more: false });
    // By bytes too: one frame a page (the first read's page, her own entry before the loss's end, held nothing: read on from there).
    expect(await s.read(alice, since.cursor, 100, 1)).toMatchObject({ resume: 'gap', cursor: whales[1]!.cursor, entries: [whales[1]], more: true });
    expect(await s.read(alice, whales[1]!.cursor, 100, 1)).toMatchObject({ resume: 'resumed', cursor: whales[2]!.cursor, entries: [whales[2]], more: true });
    // Her own stream trimmed too: only what is still held.
    const more: StreamEntry[] = [];
    for (let n = 3; n < 6; n++) more.push(await s.append('alice', 'trades', frame(n, 'alice'))); // mine trimmed
    expect(numbers((await s.read(alice, since.cursor, 100)).entries)).toEqual([11, 12, 13, 14, 2, 3, 4, 5]);
    // One entry a page: the gap's page starts after the last position trimmed, and the page after it resumes.
    const own = await s.read(alice, since.cursor, 1);
    expect(own).toMatchObject({ resume: 'gap', cursor: whales[1]!.cursor, entries: [whales[1]] });
    expect(await s.read(alice, own.cursor, 1)).toMatchObject({ resume: 'resumed', entries: [whales[2]] });
    // An admin: what the all-stream holds, after its gap.
    const t = await store({ maxAllMessages: 4 });
    const root = { userId: 'root', admin: true };
    const start = await t.read(root, null, 1);
    const all: StreamEntry[] = [];
    for (let n = 0; n < 6; n++) all.push(await t.append(n % 2 ? null : `u${n}`, n % 2 ? 'whale' : 'trades', frame(n, n % 2 ? null : `u${n}`)));
    const page = await t.read(root, start.cursor, 3);
    expect(page).toEqual({ resume: 'gap', cursor: all[4]!.cursor, entries: all.slice(2, 5), more: true });
    expect(await t.read(root, page.cursor, 3)).toEqual({ resume: 'resumed', cursor: all[5]!.cursor, entries: all.slice(5), more: false });
  });

  it("a gap's page starts after the last position any of the viewer's streams trimmed: a user's stream trimmed further than the global one leaves the global entries before its loss inside the gap, and the next page resumes (tGX F2: the page started at the global stream's oldest entry after the cursor, the told cursor before it, and the user's entries trimmed after it went untold)", async () => {
    const s = await store({ maxMessages: 4 });
    const alice = { userId: 'alice', admin: false };
    const since = await s.append('alice', 'trades', frame(0, 'alice'));
    const early = await s.append(null, 'whale', frame(10, null)); // held: the global stream keeps it
    const mine: StreamEntry[] = [];
    for (let n = 1; n <= 6; n++) mine.push(await s.append('alice', 'trades', frame(n, 'alice'))); // 0-2 trimmed, 3-6 held
    const late = await s.append(null, 'whale', frame(11, null));
    const first = await s.read(alice, since.cursor, 2);
    expect(first).toEqual({ resume: 'gap', cursor: mine[3]!.cursor, entries: mine.slice(2, 4), more: true });
    expect(await s.read(alice, first.cursor, 2)).toEqual({ resume: 'resumed', cursor: mine[5]!.cursor, entries: mine.slice(4), more: true });
    // One read: the same entries, the early whale inside the gap.
    expect(await s.read(alice, since.cursor, 100)).toEqual({ resume: 'gap', cursor: late.cursor, entries: [...mine.slice(2), late], more: false });
    expect(isAfter(mine[1]!.cursor, early.cursor)).toBe(true);
  });

  it('a user past the broadcast buffer: gap, then the broadcasts held after the last one trimmed and their own messages after it, on the socket and in polls alike, the next poll resumed (their own from before it lie inside the gap told: tGX F2)', async () => {
    const s = await store({ maxMessages: 4 });
    const server = await startServer({ store: s, pollHoldMs: 300, pollMaxMessages: 3 });
    try {
      const jwt = await token('alice');
      const since = await server.rt.publish('alice', trade('first'));
      const held = [await server.rt.publish('alice', trade('mine-1'))];
      for (let i = 0; i < 5; i++) held.push(await server.rt.broadcast(whale(i + 1)));
      held.splice(0, 2);
      held.push(await server.rt.publish('alice', trade('mine-2')));
      held.push(await server.rt.publish('alice', trade('mine-3')));
      const cursors = held.map((e) => e.cursor);
      const client = await connect(server.url({ token: jwt, since: since.cursor }));
      await client.until(() => client.stream.length === 6);
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' } });
      expect(client.stream.map((f) => f.cursor)).toEqual(cursors);
      client.ws.close();
      const poll = async (at: string) => (await (await fetch(server.http(`/api/ws/poll?since=${at}`), { headers: { authorization: `Bearer ${jwt}` } })).json()) as { cursor: string; resume: string; messages: { cursor: string }[] };
      const first = await poll(since.cursor);
      expect({ resume: first.resume, cursor: first.cursor, cursors: first.messages.map((m) => m.cursor) }).toEqual({ resume: 'gap', cursor: cursors[2], cursors: cursors.slice(0, 3) });
      const second = await poll(first.cursor);
      expect({ resume: second.resume, cursors: second.messages.map((m) => m.cursor) }).toEqual({ resume: 'resumed', cursors: cursors.slice(3) });
    } finally {
      await server.rt.close();
    }
  });

  it("a user whose own stream was trimmed past the cursor while the global one holds older entries: the gap told ends at or after the user's last trimmed, and every message of theirs after it is delivered, on the socket and in polls (tGX F2: the told cursor stood before the global stream's oldest entry, and the user's trades after it up to their own loss went missing, untold)", async () => {
    const s = await store({ maxMessages: 4 });
    const server = await startServer({ store: s, pollHoldMs: 300, pollMaxMessages: 3 });
    try {
      const jwt = await token('alice');
      const since = await server.rt.publish('alice', trade('first'));
      await server.rt.broadcast(whale(1)); // held by the global stream: before alice's own loss ends
      const mine: StreamEntry[] = [];
      for (let i = 1; i <= 6; i++) mine.push(await server.rt.publish('alice', trade(`mine-${i}`))); // first, mine-1 and mine-2 trimmed
      await server.rt.publish('bob', trade('not-hers'));
      const late = await server.rt.broadcast(whale(2));
      const position = (cursor: string) => BigInt(cursor.split('.')[1]!);
      const lostUpTo = position(mine[1]!.cursor);
      const published = [since, ...mine, late];
      const held = [...mine.slice(2), late].map((e) => e.cursor);
      // The socket: the gap's cursor at or after mine-2, then every message after it.
      const client = await connect(server.url({ token: jwt, since: since.cursor }));
      await client.until(() => client.stream.length === held.length);
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' } });
      const told = client.frames[0]!.cursor as string;
      expect(position(told) >= lostUpTo).toBe(true);
      expect(client.stream.map((f) => f.cursor)).toEqual(held);
      expect(client.stream.map((f) => f.cursor)).toEqual(published.filter((e) => position(e.cursor) > position(told)).map((e) => e.cursor));
      client.ws.close();
      // Polls: the gap, whose cursor comes after its page's messages, then the rest, resumed.
      const poll = async (at: string) => (await (await fetch(server.http(`/api/ws/poll?since=${at}`), { headers: { authorization: `Bearer ${jwt}` } })).json()) as { cursor: string; resume: string; messages: { cursor: string }[] };
      const first = await poll(since.cursor);
      expect({ resume: first.resume, cursor: first.cursor, cursors: first.messages.map((m) => m.cursor) }).toEqual({ resume: 'gap', cursor: held[2], cursors: held.slice(0, 3) });
      const second = await poll(first.cursor);
      expect({ resume: second.resume, cursors: second.messages.map((m) => m.cursor) }).toEqual({ resume: 'resumed', cursors: held.slice(3) });
    } finally {
      await server.rt.close();
    }
  });

  it('says gap for a cursor older than maxAgeMs whose entries may have aged out, and resumes a younger one', async () => {
    // The young cursor must still be younger than maxAgeMs at its read, three Redis round trips
    // later: 300 ms was little room on a loaded machine, where it read as a gap.
    const s = await store({ maxAgeMs: 1000 });
    const viewer = { userId: 'alice', admin: false };
    const old = await s.append('alice', 'trades', frame(0, 'alice'));
    await new Promise((r) => setTimeout(r, 1100));
    const young = await s.append('alice', 'trades', frame(1, 'alice'));
    expect((await s.read(viewer, old.cursor, 10)).resume).toBe('gap');
    const after = await s.append(null, 'whale', frame(2, null));
    expect((await s.read(viewer, young.cursor, 10)).entries).toEqual([after]);
  });

  it("trims a stream by age on one in 32 of its own appends: the global stream, written every other append (a user's between), was never trimmed by age (tEQ F6)", async () => {
    const s = await store({ maxAgeMs: 500 });
    const raw = new Redis(redis.url);
    try {
      // Broadcasts take the odd sequence numbers, alice's entries the even ones: never a multiple of 32.
      const old = await s.append(null, 'whale', frame(0, null));
      await new Promise((r) => setTimeout(r, 700));
      for (let n = 1; n <= 64; n++) {
        await s.append('alice', 'trades', frame(n, 'alice'));
        await s.append(null, 'whale', frame(n, null));
      }
      const [first] = await raw.xrange(`t${prefixCount}:g`, '-', '+', 'COUNT', 1);
      expect(Number(first![0].split('-')[0])).toBeGreaterThan(Number(old.cursor.split('.')[1]));
    } finally {
      raw.disconnect();
    }
  });

  it('moves a quiet reader\'s cursor to the head when nothing is pending: no false gap after maxAgeMs of quiet (it said gap every maxAgeMs: a hostile tester)', async () => {
    // Reads 400 ms apart, 1.6 s in all: more than maxAgeMs of quiet, with room for a busy machine's timers.
    const s = await store({ maxAgeMs: 1000 });
    const viewer = { userId: 'quiet', admin: false };
    let { cursor } = await s.read(viewer, null, 10);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 400));
      const read = await s.read(viewer, cursor, 10);
      answers.push(read.resume);
      expect(s.compare(read.cursor, cursor)).toBeGreaterThan(0);
      cursor = read.cursor;
    }
    expect(answers).toEqual(['resumed', 'resumed', 'resumed', 'resumed']);
    // Nothing published after the cursor it was given is lost to it.
    const later = await s.append('quiet', 'trades', frame(1, 'quiet'));
    expect(await s.read(viewer, cursor, 10)).toMatchObject({ resume: 'resumed', entries: [later], cursor: later.cursor });
  });

  it('replays what a node’s subscription missed while it was cut off: nothing lost, nothing doubled', async () => {
    const logger = collectingLogger();
    const a = await store({ logger });
    const b = await store();
    const seen: StreamEntry[] = [];
    const gaps: StreamGap[] = [];
    a.subscribe((e) => seen.push(e));
    a.onGap((g) => gaps.push(g));
    const admin = new Redis(redis.url);
    let n = 0;
    const appended: StreamEntry[] = [];
    const writer = (async () => {
      while (n < 600) {
        appended.push(await b.append(`u${n % 3}`, 'trades', frame(n, `u${n % 3}`)));
        n++;
        if (n % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(() => n > 100, '100 appends');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor(() => n > 300, '300 appends');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await writer;
    await waitFor(() => seen.length >= 600, 'every entry on the cut-off node');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.map((e) => e.cursor)).toEqual(appended.map((e) => e.cursor));
    expect(gaps).toEqual([]);
    expect(a.status().healthy).toBe(true);
    expect(logger.events.map((e) => e.event)).toContain('redis-lost');
    await admin.quit();
  });

  it('catches up a single entry whose fan-out message a node missed (one record lost across a subscriber reconnect): its subscribers get it, in order, with no gap (tCF F5: a node skipping exactly one stored entry went unnoticed)', async () => {
    const a = await store();
    const b = await store();
    const seen: StreamEntry[] = [];
    const gaps: StreamGap[] = [];
    b.subscribe((e) => seen.push(e));
    b.onGap((g) => gaps.push(g));
    const raw = new Redis(redis.url);
    try {
      const first = await a.append('alice', 'trades', frame(1, 'alice'));
      // Stored by the store's own script, its PUBLISH sent where no node listens.
      const missed = await rawAppend(raw, `t${prefixCount}`, 'alice', '{"n":2}', `t${prefixCount}:lost`);
      const third = await a.append('alice', 'trades', frame(3, 'alice'));
      // The last entry reaches node B after the one before it, or a gap is reported.
      await waitFor(() => seen.some((e) => e.cursor === third.cursor) || gaps.length > 0, 'the last entry or a gap on node B');
      expect(gaps).toEqual([]);
      expect(seen.map((e) => e.cursor)).toEqual([first.cursor, missed, third.cursor]);
    } finally {
      await raw.quit();
    }
  });

  it('says gap, not resumed, to a reader whose cursor is older than maxAgeMs once its stream expired with entries it missed (tCF F6: it answered resumed with nothing)', async () => {
    const s = await store({ maxAgeMs: 1000 });
    const viewer = { userId: 'alice', admin: false };
    const read = await s.append('alice', 'trades', frame(1, 'alice'));
    await s.append('alice', 'trades', frame(2, 'alice')); // missed by the reader
    const raw = new Redis(redis.url);
    try {
      // Her stream expires maxAgeMs after its last entry (PEXPIRE): wait until Redis dropped it.
      const key = `t${prefixCount}:u:{alice}`;
      for (let tries = 0; (await raw.exists(key)) === 1; tries++) {
        if (tries > 200) throw new Error('the stream never expired');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await raw.quit();
    }
    expect(await s.read(viewer, read.cursor, 10)).toMatchObject({ resume: 'gap' });
  });

  it("answers a user whose own stream expired, while broadcasts kept the global one, a gap whose page starts after what expired: no broadcast older than the user's lost entries (tHE F2: the page started at the cursor, and the gap told ended before the user's loss did)", async () => {
    const s = await store({ maxAgeMs: 1000 });
    const viewer = { userId: 'alice', admin: false };
    const { cursor } = await s.read(viewer, null, 10);
    const early = await s.append(null, 'whale', frame(0, null));
    const lost = await s.append('alice', 'trades', frame(1, 'alice'));
    const raw = new Redis(redis.url);
    const broadcasts: StreamEntry[] = [];
    try {
      // Her stream expires maxAgeMs after her entry (PEXPIRE); the broadcasts every 200 ms keep the global stream, whose
      // entries from before her loss stay (fewer than 32 appends: no age trim of it).
      const key = `t${prefixCount}:u:{alice}`;
      for (let tries = 0; (await raw.exists(key)) === 1; tries++) {
        if (tries > 20) throw new Error('her stream never expired');
        broadcasts.push(await s.append(null, 'whale', frame(2 + tries, null)));
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await raw.quit();
    }
    const page = await s.read(viewer, cursor, 100);
    expect(page.resume).toBe('gap');
    // The gap ends just before the page's first entry: it must cover her lost entry, so nothing at or before it is on the page.
    const onPage = page.entries.map((e) => e.cursor);
    expect(onPage.length).toBeGreaterThan(0);
    expect(onPage).not.toContain(early.cursor);
    for (const entry of page.entries) expect(s.compare(entry.cursor, lost.cursor)).toBeGreaterThan(0);
    // What is on it is the tail of the broadcasts, in order.
    expect(onPage).toEqual(broadcasts.map((e) => e.cursor).slice(broadcasts.length - onPage.length));
  });

  it("README's stated limits of the expiry: a stream that expired under the TTL the last appending node gave reads `resumed` without what expired on a node whose maxAgeMs is higher or 0, and so does a stream key another tool re-created after it expired (tFL F3, tFD F1: a fix of either must change README too)", async () => {
    // The sentences held here, as README states them.
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const stated = [
      'After it is raised, for as long as the new value, a cursor of a stream that expired under the old one reads `resumed` without what expired;',
      'set to 0, a stream keeps the TTL its last append gave it (nothing clears it) and a cursor of one that expired reads `resumed` the same way;',
      'And a stream key another tool re-creates after it expired (an `XADD`, an `XGROUP CREATE … MKSTREAM` on `rc:u:{…}`) reads as a stream that never expired: `resumed` without what expired.',
    ];
    for (const sentence of stated) expect(readme).toContain(sentence);
    const viewer = (userId: string) => ({ userId, admin: false });
    const short = await store({ maxAgeMs: 1000 });
    const prefix = `t${prefixCount}`;
    const raised = await store({ maxAgeMs: 60_000 });
    const zeroed = await store({ maxAgeMs: 0 });
    const raw = new Redis(redis.url);
    try {
      const users = ['alice', 'bob', 'carol', 'dave'];
      const since = new Map<string, string>();
      for (const userId of users) since.set(userId, (await short.read(viewer(userId), null, 10)).cursor);
      // alice's entries by the node of maxAgeMs 1000 (its TTL, 1 s); bob's last by the node of 0, which leaves the TTL as it is.
      for (const userId of users) await short.append(userId, 'trades', frame(1, userId));
      await zeroed.append('bob', 'trades', frame(2, 'bob'));
      expect(await raw.pttl(`${prefix}:u:{bob}`)).toBeGreaterThan(0);
      // Each stream expires; carol's and dave's keys are then re-created by another tool.
      for (let tries = 0; (await raw.exists(...users.map((userId) => `${prefix}:u:{${userId}}`))) > 0; tries++) {
        if (tries > 200) throw new Error('the streams never expired');
        await new Promise((r) => setTimeout(r, 50));
      }
      await raw.xadd(`${prefix}:u:{carol}`, '*', 'foo', 'bar');
      await raw.xgroup('CREATE', `${prefix}:u:{dave}`, 'readers', '$', 'MKSTREAM');
      // The node of maxAgeMs 1000 reads the expired streams as README says (a cursor older than its maxAgeMs, no stream: gap).
      expect((await short.read(viewer('alice'), since.get('alice')!, 10)).resume).toBe('gap');
      // README: stated[0].
      expect(await raised.read(viewer('alice'), since.get('alice')!, 10)).toMatchObject({ resume: 'resumed', entries: [] });
      // README: stated[1].
      expect(await zeroed.read(viewer('bob'), since.get('bob')!, 10)).toMatchObject({ resume: 'resumed', entries: [] });
      // README: stated[2], on every node.
      for (const node of [short, raised, zeroed]) {
        for (const userId of ['carol', 'dave']) expect(await node.read(viewer(userId), since.get(userId)!, 10), userId).toMatchObject({ resume: 'resumed', entries: [] });
      }
    } finally {
      await raw.quit();
    }
  });

  it('two nodes that notice one loss of writes agree on one new epoch, the one Redis holds: one gap each, and what follows is delivered with no other (tCF F2: each started its own epoch, a node\'s sockets told of an epoch Redis never held)', async () => {
    const rotations: { node: string; to: string }[] = [];
    const logger = (node: string) => ({
      ...collectingLogger(),
      warn: (o: object) => void ((o as { event?: string }).event === 'epoch-rotated' && rotations.push({ node, to: String((o as { to?: string }).to) })),
    });
    const a = await store({ logger: logger('A') });
    const b = await store({ logger: logger('B') });
    const seen: Record<string, StreamEntry[]> = { A: [], B: [] };
    const gaps: Record<string, StreamGap[]> = { A: [], B: [] };
    a.subscribe((e) => seen.A!.push(e));
    b.subscribe((e) => seen.B!.push(e));
    a.onGap((g) => gaps.A!.push(g));
    b.onGap((g) => gaps.B!.push(g));
    const raw = new Redis(redis.url);
    try {
      for (let n = 0; n < 5; n++) await a.append(null, 'whale', frame(n, null));
      await waitFor(() => seen.A!.length === 5 && seen.B!.length === 5, '5 entries on both nodes');
      // Redis comes back without its latest writes, its epoch kept: the sequence goes back.
      await raw.set(`t${prefixCount}:seq`, '1');
      await a.append(null, 'whale', frame(5, null));
      await waitFor(() => gaps.A!.length > 0 && gaps.B!.length > 0, 'a gap on both nodes');
      const held = await raw.get(`t${prefixCount}:epoch`);
      expect(new Set(rotations.map((r) => r.to))).toEqual(new Set([held]));
      // The next entry is of the epoch both nodes are in: delivered, no second gap.
      const later = await a.append(null, 'whale', frame(6, null));
      expect(later.cursor.split('.')[0]).toBe(held);
      await waitFor(() => [seen.A!, seen.B!].every((list) => list.some((e) => e.cursor === later.cursor)) || gaps.A!.length + gaps.B!.length > 2, 'the next entry on both nodes');
      await new Promise((r) => setTimeout(r, 100));
      expect([gaps.A!.length, gaps.B!.length]).toEqual([1, 1]);
    } finally {
      await raw.quit();
    }
  });

  it('trims by age a user stream and the global stream that keep receiving: nothing much older than maxAgeMs is kept, though maxMessages is far off (tCF F1: the age trim could be switched off unnoticed)', async () => {
    const s = await store({ maxAgeMs: 1000, maxMessages: 1000 });
    const raw = new Redis(redis.url);
    try {
      await s.append('bob', 'trades', frame(0, 'bob'));
      await s.append(null, 'whale', frame(0, null));
      // Appends every 50 ms keep bob's stream alive (it expires maxAgeMs after its last entry) past maxAgeMs + 1/16.
      const start = Date.now();
      let n = 1;
      for (; Date.now() - start < 1300; n++) {
        await s.append('bob', 'trades', frame(n, 'bob'));
        await s.append(null, 'whale', frame(n, null));
        await new Promise((r) => setTimeout(r, 50));
      }
      // 32 appends in a row to each stream: the age trim runs on one append in 32.
      const burst = n;
      for (let i = 0; i < 32; i++) await s.append('bob', 'trades', frame(burst + i, 'bob'));
      for (let i = 0; i < 32; i++) await s.append(null, 'whale', frame(burst + i, null));
      n = burst + 32;
      for (const key of [`t${prefixCount}:u:{bob}`, `t${prefixCount}:g`, `t${prefixCount}:all`]) {
        expect(await raw.xlen(key)).toBeLessThan(key.endsWith(':all') ? 2 * n : n);
        const [[, fields]] = (await raw.xrange(key, '-', '+', 'COUNT', 1)) as [string, string[]][] as [[string, string[]]];
        const oldest = JSON.parse(fields[fields.indexOf('f') + 1]!) as { data: { n: number } };
        expect(oldest.data.n, key).toBeGreaterThan(0);
      }
    } finally {
      await raw.quit();
    }
  });

  it("reads the all-stream's oldest entry for its age on one append in 32, as README says, not on each (tEF F2: a 3 MB oldest entry cost every publish 9 ms)", async () => {
    const s = await store({ maxAgeMs: 600_000 });
    const raw = new Redis(redis.url);
    try {
      await s.append('bob', 'trades', frame(0, 'bob'));
      await raw.config('RESETSTAT');
      for (let n = 1; n <= 64; n++) await s.append('bob', 'trades', frame(n, 'bob'));
      const stats = String(await raw.info('commandstats'));
      const xrange = Number(/cmdstat_xrange:calls=(\d+)/.exec(stats)?.[1] ?? 0);
      // Per append: the check for an entry ahead in rc:all and in bob's stream (XRANGE <pos> + COUNT 1);
      // on one in 32, each stream's age check. The all-stream's age check on each append made it 3 per append.
      expect(xrange).toBeLessThan(64 * 2 + 16);
    } finally {
      await raw.quit();
    }
  });

  it('keeps, by default, 100 000 entries in the all-stream (10 200 are all there: an admin replays from the first) and a user stream for 10 minutes after its last entry (tCF F3, F4: defaults of 10 000 and 60 000 passed every test)', async () => {
    const s = await store();
    const raw = new Redis(redis.url);
    try {
      const appended = await Promise.all(Array.from({ length: 10_200 }, (_, n) => s.append(null, 'whale', frame(n, null))));
      // 10 000 kept, trimmed once 128 over, would hold 10 128 at most.
      expect(await raw.xlen(`t${prefixCount}:all`)).toBe(10_200);
      const replay = await s.read({ userId: 'root', admin: true }, appended[0]!.cursor, 10);
      expect(replay.resume).toBe('resumed');
      expect(numbers(replay.entries)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await s.append('alice', 'trades', frame(0, 'alice'));
      // maxAgeMs 600 000: the stream expires 10 minutes after its last entry (a few ms of this test aside).
      const ttl = await raw.pttl(`t${prefixCount}:u:{alice}`);
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    } finally {
      await raw.quit();
    }
  });

  it('catches up hole after hole without delivering an entry twice or out of order', async () => {
    // A sequence number taken without an entry (a script that failed mid-batch) is a hole the
    // node fills from the all-stream; holes found while one is being filled used to start
    // overlapping catch-ups that delivered the same range again.
    const a = await store();
    const b = await store();
    const seen: StreamEntry[] = [];
    a.subscribe((e) => seen.push(e));
    const raw = new Redis(redis.url);
    const appends: Promise<StreamEntry>[] = [];
    const holes: Promise<unknown>[] = [];
    // Not awaited one by one: holes keep arriving while the node fills earlier ones.
    for (let n = 0; n < 3000; n++) {
      appends.push(b.append(`u${n % 3}`, 'trades', frame(n, `u${n % 3}`)));
      if (n % 7 === 3) holes.push(raw.incr(`t${prefixCount}:seq`));
      if (n % 50 === 49) await new Promise((r) => setTimeout(r, 2));
    }
    const appended = await Promise.all(appends);
    await Promise.all(holes);
    await waitFor(() => seen.length >= 3000, 'every entry on the other node');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(3000);
    const order = (e: StreamEntry) => Number(e.cursor.split('.')[1]);
    expect(seen.map((e) => e.cursor)).toEqual([...appended].sort((x, y) => order(x) - order(y)).map((e) => e.cursor));
    await raw.quit();
  });

  it('refuses a malformed batch on the fan-out channel whole, logs it once, and goes on delivering (a negative length hung the node: from a hostile auditor)', async () => {
    const prefix = `t${prefixCount}`;
    const raw = new Redis(redis.url);
    const node = await IsolatedNode.start(redis.url, prefix);
    try {
      const epoch = (await raw.get(`${prefix}:epoch`))!;
      const seq = Number(await raw.get(`${prefix}:seq`)) || 0;
      const cursor = `${epoch}.${Date.now() * 1000}`;
      const head = (s: number | string, user = '"u"', key = 'null', c = cursor) => `${c}\n${s}\ntrades\n${user}\n${key}\n`;
      const record = (s: number | string, frameText: string, length: number | string = Buffer.byteLength(frameText), user?: string, key?: string, c?: string) => `${head(s, user, key, c)}${length}\n${frameText}`;
      const loop = head(seq + 1);
      const malformed = [
        // The auditor's: its length is minus the whole message, so the offset went back to 0.
        'x\n1\nt\nnull\nnull\n-20\n',
        `${loop}-${Buffer.byteLength(loop) + 4}\n`,
        `${loop}-3\n{}`,
        record(seq + 1, '{}', '1.5'),
        record(seq + 1, '{}', '0x2'),
        record(seq + 1, '{}', ' 2'),
        record(seq + 1, '{}', ''),
        record(seq + 1, '{}', 3),
        record('abc', '{}'),
        record('', '{}'),
        record(-1, '{}'),
        record('1.5', '{}'),
        record(0, '{}'),
        record('99999999999999999999', '{}'),
        record(seq + 1, '{}', undefined, '5'),
        record(seq + 1, '{}', undefined, '{'),
        record(seq + 1, '{}', undefined, undefined, '[]'),
        record(seq + 1, '{}', undefined, undefined, undefined, 'not-a-cursor'),
        // A good record, then a cut one: none of the batch is delivered.
        record(seq + 1, '{"n":1}') + head(seq + 2),
        '',
      ];
      for (const payload of malformed) await raw.publish(`${prefix}:fanout`, payload);
      const real = await rawAppend(raw, prefix, 'alice', '{"n":1}');
      await waitFor(() => node.entries().includes(real), 'the node to deliver the real entry after the malformed batches (a node stuck re-reading one never does)', 5000);
      expect(node.events().filter((e) => e.event === 'unreadable-entry' && e.level === 'error')).toHaveLength(malformed.length);
      expect(node.entries()).toEqual([real]);
      const more = await rawAppend(raw, prefix, null, '{"n":2}');
      await waitFor(() => node.entries().includes(more), 'the next entry');
      expect(node.events().filter((e) => e.level !== 'info')).toHaveLength(malformed.length);
    } finally {
      await node.kill();
      await raw.quit();
    }
  });

  it('drops a fan-out record whose sequence number Redis never reached, once a catch-up proves it, and delivers what follows (it started catch-up after catch-up forever: from a hostile auditor)', async () => {
    const prefix = `t${prefixCount}`;
    const raw = new Redis(redis.url);
    const node = await IsolatedNode.start(redis.url, prefix);
    try {
      const appended = [await rawAppend(raw, prefix, 'u', '{"n":0}')];
      await waitFor(() => node.entries().length === 1, 'the first entry');
      const epoch = (await raw.get(`${prefix}:epoch`))!;
      const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await raw.info('stats'))![1]);
      await raw.publish(`${prefix}:fanout`, `${epoch}.99999999999\n1000000000000\ntrades\n"u"\nnull\n2\n{}`);
      await new Promise((r) => setTimeout(r, 300));
      const before = await commands();
      await new Promise((r) => setTimeout(r, 500));
      // Idle: the two INFO calls. Before, some ten thousand catch-up reads in half a second.
      expect((await commands()) - before).toBeLessThan(20);
      await waitFor(() => node.events().some((e) => e.event === 'entry-ahead-of-redis' && e.level === 'warn'), 'the warning');
      for (let n = 1; n <= 50; n++) {
        appended.push(await rawAppend(raw, prefix, n % 2 ? 'u' : null, `{"n":${n}}`));
        // A real hole still sends the node to the all-stream for what it missed.
        if (n === 20) await raw.incr(`${prefix}:seq`);
      }
      await waitFor(() => node.entries().length >= appended.length, 'every entry after the bogus one');
      await new Promise((r) => setTimeout(r, 100));
      expect(node.entries()).toEqual(appended);
      // Not taken for a Redis that lost writes: no new epoch, no gap.
      expect(await raw.get(`${prefix}:epoch`)).toBe(epoch);
      expect(node.events().filter((e) => e.level !== 'info').map((e) => e.event)).toEqual(['entry-ahead-of-redis']);
    } finally {
      await node.kill();
      await raw.quit();
    }
  });

  it('closes no socket for a fan-out record of an epoch this Redis does not hold: a read of Redis decides, and a real new epoch is still a gap (another deployment’s record closed every socket with 4410)', async () => {
    const prefix = `t${prefixCount}`;
    const raw = new Redis(redis.url);
    const logger = collectingLogger();
    const node = await store({ logger });
    const server = await startServer({ store: node });
    const gaps: StreamGap[] = [];
    const seen: StreamEntry[] = [];
    node.onGap((g) => gaps.push(g));
    node.subscribe((e) => seen.push(e));
    try {
      const carol = await connect(server.url({ token: await token('carol') }));
      await carol.until(() => carol.count('connection') === 1);
      const first = await node.append('carol', 'trades', frame(1, 'carol'));
      await waitFor(() => seen.length === 1, 'the first entry');
      // Well-formed, with the next sequence number: only its epoch is not this Redis's.
      const seq = Number(await raw.get(`${prefix}:seq`));
      const stranger = (n: number) => `e0123456789abcde.${Date.now() * 1000}\n${seq + n}\ntrades\n"carol"\nnull\n2\n{}`;
      for (let n = 1; n <= 3; n++) await raw.publish(`${prefix}:fanout`, stranger(n));
      const second = await node.append('carol', 'trades', frame(2, 'carol'));
      // The next entry of this Redis, or what a record taken on trust did: a gap, sockets closed.
      await waitFor(() => seen.length >= 2 || gaps.length > 0 || carol.closeCode !== null, 'the next entry');
      await new Promise((r) => setTimeout(r, 100));
      expect(gaps).toEqual([]);
      expect(carol.closeCode).toBeNull();
      expect(seen).toEqual([first, second]);
      // Said once for the epoch, however many of its records come.
      expect(logger.events.filter((e) => e.level !== 'info').map((e) => `${e.level} ${e.event}`)).toEqual(['warn foreign-epoch']);

      // Redis does move to another epoch (its epoch key gone) while this node stays subscribed:
      // another node's record of it is a gap, once this node's read of Redis shows it.
      await raw.del(`${prefix}:epoch`);
      const other = await store();
      const after = await other.append('carol', 'trades', frame(3, 'carol'));
      await waitFor(() => gaps.length === 1, 'the gap');
      expect(gaps[0]!.reason).toBe('epoch');
      await carol.until(() => carol.closeCode === 4410);
      const next = await other.append('carol', 'trades', frame(4, 'carol'));
      await waitFor(() => seen.some((e) => e.cursor === next.cursor), 'a live entry of the new epoch');
      const resumed = await node.read({ userId: 'carol', admin: false }, first.cursor, 10);
      expect(resumed.resume).toBe('gap');
      expect(resumed.entries.map((e) => e.cursor)).toEqual(expect.arrayContaining([after.cursor, next.cursor]));
    } finally {
      await server.rt.close();
      await raw.quit();
    }
  });

  it('reports a gap, rather than skipping, when a node was cut off longer than the all-stream keeps', async () => {
    // Node a logs in as its own ACL user, so it can be kept out while b appends.
    const admin = new Redis(redis.url);
    await admin.call('ACL', 'SETUSER', 'node-a', 'on', '>node-a-password', '~*', '&*', '+@all');
    const a = await store({ url: redis.url.replace('redis://', 'redis://node-a:node-a-password@'), maxAllMessages: 16 });
    const b = await store({ maxAllMessages: 16 });
    const seen: StreamEntry[] = [];
    const gaps: StreamGap[] = [];
    a.subscribe((e) => seen.push(e));
    a.onGap((g) => gaps.push(g));
    await b.append('alice', 'trades', frame(0, 'alice'));
    await waitFor(() => seen.length === 1, 'the first entry');
    await admin.call('ACL', 'SETUSER', 'node-a', 'off');
    await admin.call('CLIENT', 'KILL', 'USER', 'node-a');
    await waitFor(() => !a.status().healthy, 'node a cut off');
    for (let n = 1; n <= 200; n++) await b.append('alice', 'trades', frame(n, 'alice'));
    expect(gaps).toEqual([]);
    await admin.call('ACL', 'SETUSER', 'node-a', 'on');
    await waitFor(() => gaps.length > 0, 'the gap report');
    expect(gaps[0]!.reason).toBe('trimmed');
    const after = await b.append('alice', 'trades', frame(999, 'alice'));
    await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'live entries after the gap');
    await admin.quit();
  });

  it('a Redis full at maxmemory with noeviction refuses appends only, and says so in the log and the status: reads, resumes and new sockets go on (every read failed: a hostile tester)', async () => {
    await withOwnRedis(async (full) => {
      const logger = collectingLogger();
      const a = await store({ url: full.url, logger });
      const server = await startServer({ store: a });
      const first = await a.append('alice', 'trades', frame(1, 'alice'));
      const second = await a.append('alice', 'trades', frame(2, 'alice'));
      const admin = new Redis(full.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await admin.connect();
        // One byte: Redis is over it at once, and refuses every write.
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        await admin.config('SET', 'maxmemory', '1');
        await expect(a.append('alice', 'trades', frame(3, 'alice'))).rejects.toThrow(/OOM/);
        for (let i = 0; i < 5; i++) await expect(a.append('alice', 'trades', frame(3, 'alice'))).rejects.toThrow(/OOM/);
        // Said to the operator too, once per 10 s, and in the status, which stays healthy: a full
        // Redis refused every publish of the deployment in silence, "connected" (a hostile tester).
        expect(logger.events.filter((e) => e.event === 'append-refused')).toEqual([{ level: 'warn', event: 'append-refused', message: 'Redis refuses appends: publishes fail; free memory or raise maxmemory' }]);
        expect(a.status()).toEqual({ healthy: true, detail: expect.stringMatching(/ connected, epoch \S+; appends refused since \S+Z: OOM command not allowed when used memory > 'maxmemory'$/) });
        // A read past the head (the head cannot move): what was stored, and a cursor every later entry comes after.
        const read = await a.read({ userId: 'alice', admin: false }, first.cursor, 10);
        expect(read.resume).toBe('resumed');
        expect(read.entries.map((e) => e.cursor)).toEqual([second.cursor]);
        const quiet = await a.read({ userId: 'alice', admin: false }, second.cursor, 10);
        expect([quiet.resume, quiet.entries.length]).toEqual(['resumed', 0]);
        // A socket that resumes is answered, not closed with 1011.
        const client = await connect(server.url({ token: await token('alice'), since: first.cursor }));
        await client.until(() => client.count('connection') === 1 && client.count('trades') === 1);
        expect(client.frames.find((f) => f.type === 'connection')!.data).toMatchObject({ resume: 'resumed' });
        client.ws.close();
        // Room again: appends go on, after every cursor handed out.
        await admin.config('SET', 'maxmemory', '0');
        const third = await a.append('alice', 'trades', frame(3, 'alice'));
        expect(isAfter(third.cursor, quiet.cursor)).toBe(true);
        expect(a.status().detail).toMatch(/ connected, epoch \S+$/);
        expect(logger.events.at(-1)).toMatchObject({ level: 'info', event: 'append-accepted' });
        // Full again within 10 s of the first warning: see 'a Redis whose memory hovers at maxmemory'.
      } finally {
        admin.disconnect();
        await server.rt.close();
      }
    });
  });

  it('a running Redis made a replica, or short of replicas (min-replicas-to-write): append-refused says what to do, as the start does (Redis\'s words alone: tDG F6)', async () => {
    for (const [set, reset, said] of [
      [['CONFIG', 'SET', 'min-replicas-to-write', '1'], ['CONFIG', 'SET', 'min-replicas-to-write', '0'], 'Redis refuses appends: publishes fail; Redis takes writes only with enough replicas connected (min-replicas-to-write): bring its replicas back, or lower min-replicas-to-write'],
      [['REPLICAOF', '127.0.0.1', '1'], ['REPLICAOF', 'NO', 'ONE'], 'Redis refuses appends: publishes fail; Redis at {url} is now a replica (a failover?): what is written on a replica never reaches its primary nor the other nodes; give the nodes the primary\'s URL'],
    ] as const) {
      await withOwnRedis(async (own) => {
        const logger = collectingLogger();
        const a = await store({ url: own.url, logger });
        const admin = new Redis(own.url);
        try {
          await a.append('alice', 'trades', frame(1, 'alice'));
          await admin.call(set[0], ...set.slice(1));
          await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(/^(NOREPLICAS|READONLY) /);
          expect(logger.events.filter((e) => e.event === 'append-refused')).toEqual([{ level: 'warn', event: 'append-refused', message: said.replace('{url}', own.url) }]);
          await admin.call(reset[0], ...reset.slice(1));
        } finally {
          admin.disconnect();
        }
      });
    }
  });

  it('a Redis whose memory hovers at maxmemory (appends refused, stored, refused…): at most one append-refused and one append-accepted each 10 s, and the log is never left saying the opposite past those 10 s (each flip logged a pair: tAG, 312 ms apart)', async () => {
    await withOwnRedis(async (full) => {
      // Every line, whole, with when it came on the monotonic clock.
      const lines: { at: number; level: string; line: Record<string, unknown> }[] = [];
      const at = (level: string) => (line: Record<string, unknown>) => void (String(line.event).startsWith('append-') && lines.push({ at: performance.now(), level, line }));
      const a = await store({ url: full.url, logger: { info: at('info'), warn: at('warn'), error: at('error') } });
      const admin = new Redis(full.url, { maxRetriesPerRequest: 1 });
      const { keys } = a;
      const said = (event: string) => lines.filter((l) => l.line.event === event);
      const oom = /^OOM command not allowed/;
      try {
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        await a.append('alice', 'trades', frame(1, 'alice'));
        await admin.config('SET', 'maxmemory', '1');
        await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(oom);
        await admin.config('SET', 'maxmemory', '0');
        await a.append('alice', 'trades', frame(3, 'alice'));
        expect(lines.map((l) => [l.level, l.line.event])).toEqual([['warn', 'append-refused'], ['info', 'append-accepted']]);
        // Flips within the 10 s of those lines: a stream's own refusal (in the script's reply), and
        // Redis's (a ReplyError), follow the one rule; nothing more is logged for now.
        await admin.set(keys.user('bob'), 'not a stream');
        await expect(a.append('bob', 'trades', frame(4, 'bob'))).rejects.toThrow(/^WRONGTYPE /);
        await admin.config('SET', 'maxmemory', '1');
        await expect(a.append('alice', 'trades', frame(5, 'alice'))).rejects.toThrow(oom);
        await admin.config('SET', 'maxmemory', '0');
        await a.append('alice', 'trades', frame(6, 'alice'));
        await admin.config('SET', 'maxmemory', '1');
        await expect(a.append('alice', 'trades', frame(7, 'alice'))).rejects.toThrow(oom);
        expect(lines.map((l) => l.line.event)).toEqual(['append-refused', 'append-accepted']);
        // The log says appends are stored while they are refused: said when the 10 s end, with
        // the count of the refusals held back (bob's, and alice's two).
        await waitFor(() => said('append-refused').length === 2, 'the held-back refusals');
        expect(lines.at(-1)!.line).toMatchObject({ event: 'append-refused', err: "OOM command not allowed when used memory > 'maxmemory'", unlogged: 3, heldBack: true });
        expect(a.status().detail).toMatch(/appends refused since /);
        // Stored again: said, at once or when the 10 s of the last append-accepted end.
        await admin.config('SET', 'maxmemory', '0');
        await a.append('alice', 'trades', frame(8, 'alice'));
        await waitFor(() => said('append-accepted').length === 2, 'appends stored again');
        expect(lines.at(-1)!.line).toMatchObject({ event: 'append-accepted' });
        for (const event of ['append-refused', 'append-accepted']) {
          const times = said(event).map((l) => l.at);
          for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, event).toBeGreaterThanOrEqual(10_000);
        }
      } finally {
        await admin.config('SET', 'maxmemory', '0').catch(() => undefined);
        admin.disconnect();
      }
    });
  });

  it('a publish the ACL refuses (PUBLISH, or the fan-out channel) stores nothing: it was stored, its XADDs run before PUBLISH failed, and a retry delivered it twice (a hostile tester)', async () => {
    await withOwnRedis(async (acl) => {
      const logger = collectingLogger();
      const a = await store({ url: acl.url, logger });
      const b = await store({ url: acl.url });
      const seen: StreamEntry[] = [];
      b.subscribe((e) => seen.push(e));
      const admin = new Redis(acl.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      const { keys } = a;
      try {
        await admin.connect();
        const first = await a.append('alice', 'trades', frame(1, 'alice'));
        const lengths = async () => [await admin.xlen(keys.user('alice')), await admin.xlen(keys.all), await admin.get(keys.seq)];
        const before = await lengths();
        for (const rule of ['-publish', 'resetchannels']) {
          await admin.call('ACL', 'SETUSER', 'default', rule);
          const refused = await a.append('alice', 'trades', frame(2, 'alice')).then(() => 'resolved', (err: Error) => err.message);
          await admin.call('ACL', 'SETUSER', 'default', '+publish', 'allchannels');
          // Nothing written, not even a sequence number.
          expect(await lengths()).toEqual(before);
          expect(refused).toBe(`NOPERM this ACL user may not PUBLISH on ${keys.channel} (the append script needs it): not stored`);
        }
        expect(logger.events.filter((e) => e.event === 'append-refused')).toHaveLength(1);
        // A command the script runs after its XADDs (XTRIM): the same, before any write.
        await admin.call('ACL', 'SETUSER', 'default', '-xtrim');
        await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(`NOPERM this ACL user may not run XTRIM on ${keys.all} (the append script needs it): not stored`);
        await admin.call('ACL', 'SETUSER', 'default', '+xtrim');
        expect(await lengths()).toEqual(before);
        // A key (the all-stream): Redis refuses the script itself.
        await admin.call('ACL', 'SETUSER', 'default', 'resetkeys', `~${keys.user('alice')}`, `~${keys.epoch}`, `~${keys.seq}`, `~${keys.head}`);
        await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(/^NOPERM /);
        await admin.call('ACL', 'SETUSER', 'default', 'allkeys');
        expect(await lengths()).toEqual(before);
        const second = await a.append('alice', 'trades', frame(3, 'alice'));
        await waitFor(() => seen.some((e) => e.cursor === second.cursor), 'the next publish');
        expect(numbers(seen)).toEqual([1, 3]);
        const read = await a.read({ userId: 'alice', admin: true }, first.cursor, 10);
        expect(numbers(read.entries)).toEqual([3]);
      } finally {
        await admin.call('ACL', 'SETUSER', 'default', '+publish', 'allchannels', 'allkeys').catch(() => undefined);
        admin.disconnect();
      }
    });
  });

  it("an ACL user that loses PEXPIRE at run time: every user's publish is refused on its own stream, and status() says so as it says a refusal of every append, each stream with its own refusal, until a publish to it is stored or the ACL grants it again (tIG F1: healthy, with no word; tIP F2: another stream's words, and a quiet user's refusal kept for good)", async () => {
    await withOwnRedis(async (acl) => {
      const a = await store({ url: acl.url });
      const admin = new Redis(acl.url, { maxRetriesPerRequest: 1 });
      const { keys } = a;
      try {
        await a.append('alice', 'trades', frame(1, 'alice'));
        const plain = a.status().detail;
        expect(plain).toMatch(/^redis redis:\/\/127\.0\.0\.1:\d+ connected, epoch e[0-9a-f]{15}$/);
        await admin.call('ACL', 'SETUSER', 'default', '-pexpire');
        const refusal = (user: string) => `NOPERM this ACL user may not run PEXPIRE on ${keys.user(user)} (the append script needs it): not stored`;
        await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(refusal('alice'));
        const one = a.status();
        expect(one.healthy).toBe(true);
        const since = /; appends to stream \S+ refused since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z): /.exec(one.detail ?? '')?.[1] ?? 'no time';
        expect(one.detail).toBe(`${plain}; appends to stream ${keys.user('alice')} refused since ${since}: ${refusal('alice')}`);
        await new Promise((r) => setTimeout(r, 5));
        await expect(a.append('bob', 'trades', frame(3, 'bob'))).rejects.toThrow(refusal('bob'));
        const two = a.status().detail ?? '';
        const bobSince = new RegExp(`; appends to stream ${keys.user('bob').replace(/[{}]/g, '\\$&')} refused since (\\S+Z): `).exec(two)?.[1] ?? 'no time';
        expect(bobSince > since).toBe(true);
        // Each stream with its own time and its own refusal: bob's words were said under alice's name too, and bob's refusal dated from alice's.
        expect(two).toBe(`${plain}; appends to stream ${keys.user('alice')} refused since ${since}: ${refusal('alice')}; appends to stream ${keys.user('bob')} refused since ${bobSince}: ${refusal('bob')}`);
        // Given back: a stream whose user publishes is cleared by its stored publish, a quiet user's once the ACL grants it again
        // (it stayed refused for good).
        await admin.call('ACL', 'SETUSER', 'default', '+pexpire');
        await a.append('alice', 'trades', frame(4, 'alice'));
        expect(a.status().detail).not.toContain(keys.user('alice'));
        await vi.waitFor(() => expect(a.status()).toEqual({ healthy: true, detail: plain }), { timeout: 10_000, interval: 50 });
        await a.append('bob', 'trades', frame(5, 'bob'));
        expect(a.status()).toEqual({ healthy: true, detail: plain });
      } finally {
        await admin.call('ACL', 'SETUSER', 'default', '+pexpire').catch(() => undefined);
        admin.disconnect();
      }
    });
  });

  it('a stream refused alone (PEXPIRE taken at run time) that takes a publish again: append-accepted is logged, naming it (tIG F2: the last line said publishes fail for good)', async () => {
    await withOwnRedis(async (acl) => {
      const logger = collectingLogger();
      const records: Record<string, unknown>[] = [];
      const keep = (level: 'info' | 'warn' | 'error') => (fields: object, message?: string) => {
        records.push({ ...fields, message });
        logger[level](fields, message);
      };
      const a = await store({ url: acl.url, logger: { info: keep('info'), warn: keep('warn'), error: keep('error') } });
      const admin = new Redis(acl.url, { maxRetriesPerRequest: 1 });
      const { keys } = a;
      const appendLines = () => records.filter((r) => String(r.event).startsWith('append-')).map(({ event, streams, stillRefused, message }) => ({ event, streams, stillRefused, message }));
      try {
        await a.append('alice', 'trades', frame(1, 'alice'));
        await admin.call('ACL', 'SETUSER', 'default', '-pexpire');
        await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(/^NOPERM this ACL user may not run PEXPIRE/);
        await expect(a.append('bob', 'trades', frame(3, 'bob'))).rejects.toThrow(/^NOPERM this ACL user may not run PEXPIRE/);
        await admin.call('ACL', 'SETUSER', 'default', '+pexpire');
        await a.append('alice', 'trades', frame(4, 'alice'));
        const refused = { event: 'append-refused', streams: [keys.user('alice')], stillRefused: undefined, message: 'Redis refuses appends to a stream: those publishes fail, nothing of them stored' };
        // Said once alice's stream takes a publish again; bob's, still refused then, counted.
        expect(appendLines()).toEqual([refused, { event: 'append-accepted', streams: [keys.user('alice')], stillRefused: 1, message: 'Redis stores appends again' }]);
        // Within the 10 s of that line, bob's stream taking one again adds no line (the last one already says appends are stored).
        await a.append('bob', 'trades', frame(5, 'bob'));
        expect(appendLines()).toHaveLength(2);
        expect(a.status().detail).not.toContain('refused');
      } finally {
        await admin.call('ACL', 'SETUSER', 'default', '+pexpire').catch(() => undefined);
        admin.disconnect();
      }
    });
  });

  it('a stream key of another type refuses its own publishes only, before any write: every publish of its batch rejected and the others were stored (a hostile tester)', async () => {
    const logger = collectingLogger();
    const a = await store({ logger });
    const b = await store();
    const seen: StreamEntry[] = [];
    b.subscribe((e) => seen.push(e));
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const { keys } = a;
    try {
      await a.append('alice', 'trades', frame(1, 'alice'));
      await admin.set(keys.user('bob'), 'not a stream');
      // One turn of the event loop: one script call.
      const outcomes = await Promise.all([
        a.append('alice', 'trades', frame(2, 'alice')).then((e) => e.cursor, (err: Error) => err.message),
        a.append('bob', 'trades', frame(3, 'bob')).then((e) => e.cursor, (err: Error) => err.message),
        a.append(null, 'whale', frame(4, null)).then((e) => e.cursor, (err: Error) => err.message),
        a.append('bob', 'trades', frame(5, 'bob')).then((e) => e.cursor, (err: Error) => err.message),
      ]);
      const refusal = `WRONGTYPE ${keys.user('bob')} holds a string, not a stream: not stored`;
      expect(outcomes.map((o) => (o === refusal ? 'refused' : a.compare(o, o) === 0 ? 'stored' : o))).toEqual(['stored', 'refused', 'stored', 'refused']);
      expect(isAfter(outcomes[2]!, outcomes[0]!)).toBe(true);
      await waitFor(() => numbers(seen).includes(4), 'the stored ones, live');
      expect(numbers(seen)).toEqual([1, 2, 4]);
      expect(await admin.xlen(keys.all)).toBe(3);
      expect(await admin.get(keys.seq)).toBe('3');
      // What to do, as the reads and the start say it (tDV F8).
      const prefix = keys.all.slice(0, -':all'.length);
      expect(logger.events.filter((e) => e.event === 'append-refused')).toEqual([
        { level: 'warn', event: 'append-refused', message: `Redis refuses appends to a stream: those publishes fail, nothing of them stored; another application's key under the key prefix "${prefix}"? Delete it, or give the store another keyPrefix` },
      ]);
      // A batch of bob's alone: refused, nothing written.
      await expect(a.append('bob', 'trades', frame(6, 'bob'))).rejects.toThrow(refusal);
      expect(await admin.get(keys.seq)).toBe('3');
      await admin.del(keys.user('bob'));
      await a.append('bob', 'trades', frame(7, 'bob'));
      // The all-stream of another type: the whole batch, before any write.
      await admin.rename(keys.all, `${keys.all}-aside`);
      await admin.set(keys.all, 'not a stream');
      await expect(a.append('alice', 'trades', frame(8, 'alice'))).rejects.toThrow(`WRONGTYPE ${keys.all} holds a string, not a stream: not stored`);
      expect(await admin.xlen(keys.user('alice'))).toBe(2);
      expect(await admin.get(keys.seq)).toBe('4');
    } finally {
      admin.disconnect();
    }
  });

  it('a Redis full at maxmemory whose epoch key is gone: the node reads unhealthy, polls get 503 and Retry-After, and it writes an epoch once Redis takes one (every poll got 500 while healthy: a hostile tester)', async () => {
    await withOwnRedis(async (full) => {
      const logger = collectingLogger();
      const a = await store({ url: full.url, logger });
      const server = await startServer({ store: a });
      const admin = new Redis(full.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await admin.connect();
        const first = await a.append('alice', 'trades', frame(1, 'alice'));
        // onHealth: told each change once, never the same twice in a row (the server restarts its grace period at each false: tDI F4).
        const told: boolean[] = [];
        a.onHealth((healthy) => void told.push(healthy));
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        await admin.config('SET', 'maxmemory', '1');
        await admin.del(a.keys.epoch);
        for (let i = 0; i < 3; i++) await a.read({ userId: 'alice', admin: false }, first.cursor, 10).catch(() => undefined);
        await expect(a.read({ userId: 'alice', admin: false }, first.cursor, 10)).rejects.toThrow(
          "Redis holds no epoch key and refused to write one (OOM command not allowed when used memory > 'maxmemory'): no cursor can be given until it does",
        );
        expect(a.status()).toEqual({ healthy: false, detail: expect.stringMatching(/ connected, reads refused: Redis holds no epoch key and refused to write one \(OOM command not allowed when used memory > 'maxmemory'\)$/) });
        expect(logger.events.filter((e) => e.event === 'epoch-refused')).toHaveLength(1);
        const poll = await fetch(server.http(`/api/ws/poll?since=${encodeURIComponent(first.cursor)}`), { headers: { authorization: `Bearer ${await token('alice')}` } });
        expect([poll.status, poll.headers.get('retry-after')]).toEqual([503, '5']);
        const refused = await refusedStatus(server.url({ token: await token('alice'), since: first.cursor }));
        expect([refused.status, refused.headers['retry-after']]).toEqual([503, '5']);
        // Room again: the heartbeat's read writes an epoch; the old cursor is of another one.
        await admin.config('SET', 'maxmemory', '0');
        await waitFor(() => a.status().healthy, 'healthy again', 5000);
        expect(told).toEqual([false, true]);
        // Then the new epoch's gap, told by the node's catch-up (stream-gap).
        expect(logger.events.filter((e) => e.event !== 'stream-gap').at(-1)).toMatchObject({ level: 'info', event: 'epoch-written' });
        expect((await a.read({ userId: 'alice', admin: false }, first.cursor, 10)).resume).toBe('gap');
      } finally {
        await admin.config('SET', 'maxmemory', '0').catch(() => undefined);
        admin.disconnect();
        await server.rt.close();
      }
    });
  });

  it('an idle node finds the epoch key of a full Redis gone within a heartbeat: unhealthy and epoch-refused with no read, a new socket refused 503 (it was accepted, then closed 1011: tDG F5); once Redis takes an epoch, the open socket is told the gap', async () => {
    await withOwnRedis(async (full) => {
      const logger = collectingLogger();
      const a = await store({ url: full.url, logger });
      const server = await startServer({ store: a });
      const admin = new Redis(full.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await admin.connect();
        const alice = await connect(server.url({ token: await token('alice') }));
        await alice.until(() => alice.count('connection') === 1, 10_000, 'the connection message');
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        await admin.config('SET', 'maxmemory', '1');
        await admin.del(a.keys.epoch);
        // No poll, no socket, no publish: the heartbeat alone.
        await waitFor(() => !a.status().healthy, 'the node to read unhealthy', 10_000);
        expect(a.status().detail).toMatch(/ connected, reads refused: Redis holds no epoch key and refused to write one \(OOM command not allowed when used memory > 'maxmemory'\)$/);
        expect(logger.events.filter((e) => e.event === 'epoch-refused')).toEqual([
          { level: 'error', event: 'epoch-refused', message: 'Redis holds no epoch and refuses to write one: reads and new sockets refused (503) until it takes one; free memory or raise maxmemory' },
        ]);
        const refused = await refusedStatus(server.url({ token: await token('bob') }));
        expect([refused.status, refused.headers['retry-after']]).toEqual([503, '5']);
        await admin.config('SET', 'maxmemory', '0');
        await waitFor(() => a.status().healthy, 'healthy again', 10_000);
        await alice.until(() => alice.closeCode !== null, 10_000, "alice's socket closed");
        expect(alice.closeCode).toBe(4410);
      } finally {
        await admin.config('SET', 'maxmemory', '0').catch(() => undefined);
        admin.disconnect();
        await server.rt.close();
      }
    });
  });

  it('a Redis that stops answering without closing its sockets: appends reject in time, unhealthy, 503, then recovers', async () => {
    await withOwnRedis(async (hung) => {
      const logger = collectingLogger();
      const a = await store({ url: hung.url, commandTimeoutMs: 500, logger });
      const server = await startServer({ store: a });
      const seen: StreamEntry[] = [];
      a.subscribe((e) => seen.push(e));
      const first = await a.append('alice', 'trades', frame(1, 'alice'));
      hung.pause();
      const started = Date.now();
      // In the store's words, not ioredis's "Command timed out" or "Connection is closed." (a hostile tester).
      const reading = a.read({ userId: 'alice', admin: false }, first.cursor, 10).catch((error: Error) => error.message);
      await expect(a.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow('Redis did not answer within 500 ms: the message may still be stored and delivered if Redis runs the command later');
      expect(await reading).toMatch(/^(Redis did not answer the read within 500 ms|the connection to Redis closed before it answered the read)$/);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(a.status().healthy).toBe(false);
      expect(a.status().detail).toContain('no answer within 500 ms');
      expect((await refusedStatus(server.url({ token: await token('alice') }))).status).toBe(503);
      hung.resume();
      await waitFor(() => a.status().healthy, 'recovery');
      const after = await waitForAppend(() => a.append('alice', 'trades', frame(3, 'alice')));
      await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'live entries again');
      expect(logger.events.map((e) => e.event)).toEqual(expect.arrayContaining(['redis-lost', 'redis-recovered']));
      await server.rt.close();
    });
  });

  it('by default, holds 64 MiB of appends waiting for a Redis that stopped answering, refusing more at once, and rejects a waiting append after 5000 ms (tCF F7, F8: defaults of 640 MiB and 50 000 ms passed every test)', async () => {
    await withOwnRedis(async (own) => {
      const s = await createRedisStreamStore({ url: own.url, logger: collectingLogger() });
      try {
        own.pause();
        const first = s.append('alice', 'trades', frame(0, 'alice')).then(() => 'stored', (error: Error) => error.message);
        // 80 publishes of 1 MiB while nothing answers: those past 64 MiB waiting are refused at once.
        const big = 'x'.repeat(1 << 20);
        const refusedAtOnce: string[] = [];
        const more = Array.from({ length: 80 }, () => s.append('bob', 'trades', (c) => JSON.stringify({ c, big })).catch((error: Error) => void refusedAtOnce.push(error.message)));
        await new Promise((r) => setTimeout(r, 200));
        expect(refusedAtOnce.length).toBeGreaterThanOrEqual(10);
        expect(refusedAtOnce.length).toBeLessThanOrEqual(20);
        for (const message of refusedAtOnce) expect(message).toMatch(/^6\d MiB of appends already wait to be sent to Redis \(maxQueuedBytes\): not stored/);
        // The first append is rejected at commandTimeoutMs, 5000 ms; Redis stays frozen for 8 s at most.
        const outcome = await Promise.race([first, new Promise((r) => setTimeout(r, 8000, 'no answer after 8 s'))]);
        own.resume();
        expect(outcome).toMatch(/within 5000 ms/);
        await Promise.allSettled(more);
      } finally {
        own.resume();
        await s.close();
      }
    });
  });

  it('a Redis that hangs while nobody publishes is noticed: unhealthy, new sockets 503, then recovers (a hostile tester: healthy for good)', async () => {
    await withOwnRedis(async (hung) => {
      const a = await store({ url: hung.url, commandTimeoutMs: 500, logger: collectingLogger() });
      const server = await startServer({ store: a });
      expect(a.status().healthy).toBe(true);
      hung.pause();
      // No command of this node's own: only a heartbeat can tell.
      await waitFor(() => !a.status().healthy, 'unhealthy without a publish', 10_000);
      expect(a.status().detail).toContain('no answer within 500 ms');
      expect((await refusedStatus(server.url({ token: await token('alice') }))).status).toBe(503);
      hung.resume();
      await waitFor(() => a.status().healthy, 'recovery', 15_000);
      await server.rt.close();
    });
  });

  it('close() with Redis hung does not wait its command timeout for QUIT (a graceful stop took 10 s: a hostile tester)', async () => {
    await withOwnRedis(async (hung) => {
      const a = await store({ url: hung.url, commandTimeoutMs: 5000, logger: collectingLogger() });
      await a.append('alice', 'trades', frame(1, 'alice'));
      hung.pause();
      const closed = a.close().then(() => 'closed');
      expect(await Promise.race([closed, new Promise((r) => setTimeout(r, 3000, 'still closing'))])).toBe('closed');
      expect(a.status()).toMatchObject({ healthy: false });
    });
  });

  it('a publish rejected while Redis hangs says it may still be stored whenever it was sent: one without that word is never delivered (found by a hostile tester)', async () => {
    await withOwnRedis(async (hung) => {
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.name);
      process.on('warning', onWarning);
      const a = await store({ url: hung.url, commandTimeoutMs: 2500, logger: collectingLogger() });
      const seen: StreamEntry[] = [];
      a.subscribe((e) => seen.push(e));
      await a.append('alice', 'trades', frame(1, 'alice'));
      hung.pause();
      // One command every 100 ms until the first times out (2.5 s): the connection is then
      // ended, and destroyed 2 s later (ioredis's disconnectTimeout) with the last ones still in
      // flight; ioredis rejects those (MaxRetriesPerRequestError), yet Redis holds them in its
      // buffer and runs them when it resumes.
      const outcomes: Promise<string>[] = [];
      // Reads too (a poll's): theirs said ioredis's words in poll-failed lines (a hostile tester).
      const reads: Promise<string>[] = [];
      let rejected = false;
      for (let i = 2; i <= 60 && !rejected; i++) {
        const outcome = a.append('alice', 'trades', frame(i, 'alice')).then(() => 'stored', (err: Error) => err.message);
        void outcome.then(() => (rejected = true));
        outcomes.push(outcome);
        reads.push(a.read({ userId: 'alice', admin: false }, null, 10).then(() => 'read', (err: Error) => err.message));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const results = await Promise.all(outcomes);
      hung.resume();
      await waitFor(() => a.status().healthy, 'recovery');
      const last = await waitForAppend(() => a.append('alice', 'trades', frame(99, 'alice')));
      await waitFor(() => seen.some((e) => e.cursor === last.cursor), 'live entries again');
      const delivered = new Set(numbers(seen));
      // The one that timed out, and those in flight when the connection was remade.
      expect(results.filter((r) => r.includes('may still be stored')).length).toBeGreaterThan(1);
      // In the store's words: ioredis's named an option the store does not offer (`Refer to "maxRetriesPerRequest"`: a hostile tester).
      for (const result of results) expect(result).not.toMatch(/maxRetriesPerRequest/);
      expect(results).toContain('the append got no answer from Redis (the connection dropped before it answered): the message may still be stored and delivered if Redis runs the command later');
      const readResults = await Promise.all(reads);
      for (const result of readResults) expect(result).not.toMatch(/maxRetriesPerRequest/);
      expect(readResults).toContain('the connection to Redis dropped before it answered the read');
      results.forEach((result, i) => {
        if (result !== 'stored' && !result.includes('may still be stored')) expect(delivered.has(i + 2), `append ${i + 2}, rejected with "${result}"`).toBe(false);
      });
      // The connection was remade once, not once per command that timed out (each added a listener).
      process.off('warning', onWarning);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    });
  });

  it('survives a Redis restart: unhealthy while away, appends reject, recovers, reports the gap, old cursors read gap', async () => {
    const logger = collectingLogger();
    const a = await store({ logger });
    const b = await store();
    // The default logger (serve --redis gives none) must show the recovery too, not only loss and gap.
    const consoleLines: string[] = [];
    const spies = (['log', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))));
    const quiet = await store({ logger: undefined });
    const server = await startServer({ store: a });
    const gaps: StreamGap[] = [];
    const seen: StreamEntry[] = [];
    a.onGap((g) => gaps.push(g));
    a.subscribe((e) => seen.push(e));
    const before = await b.append('alice', 'trades', frame(1, 'alice'));
    await waitFor(() => seen.length === 1, 'first entry');

    await redis.stop();
    await waitFor(() => !a.status().healthy, 'unhealthy status');
    expect(a.status().detail).toContain(redis.url);
    await expect(b.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow();
    // In words of the store, not ioredis's "Stream isn't writeable and enableOfflineQueue options is false".
    await waitFor(() => !b.status().healthy, 'b unhealthy');
    await expect(b.read({ userId: 'alice', admin: false }, before.cursor, 10)).rejects.toThrow(/^Redis is unavailable \(no connection to it when the read was sent\)$/);
    // No socket is opened just to be closed with 1011: the upgrade is refused with 503.
    const jwt = await token('alice');
    const refused = await refusedStatus(server.url({ token: jwt }));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');

    await redis.restart();
    await waitFor(() => a.status().healthy && b.status().healthy && quiet.status().healthy, 'recovery');
    const client = await connect(server.url({ token: jwt }));
    await client.until(() => client.count('connection') === 1);
    client.ws.close();
    await client.closed;
    await server.rt.close();
    const after = await waitForAppend(() => b.append('alice', 'trades', frame(3, 'alice')));
    await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'entry after the restart');
    expect(gaps.map((g) => g.reason)).toEqual(['epoch']);
    expect(after.cursor.split('.')[0]).not.toBe(before.cursor.split('.')[0]);
    const r = await a.read({ userId: 'alice', admin: false }, before.cursor, 10);
    // Gap, with what the new epoch holds: nothing appended since Redis came back is lost.
    expect(r).toMatchObject({ resume: 'gap', cursor: after.cursor, entries: [{ cursor: after.cursor }] });
    expect(a.compare(r.cursor, after.cursor)).toBeGreaterThanOrEqual(0);
    expect(logger.events.map((e) => e.event)).toEqual(expect.arrayContaining(['redis-lost', 'redis-recovered', 'stream-gap']));
    for (const spy of spies) spy.mockRestore();
    for (const event of ['redis-lost', 'redis-recovered']) expect(consoleLines.some((line) => line.includes(`event: '${event}'`))).toBe(true);
  });
});

describe.skipIf(!tool.available)(`Redis restored from an older snapshot ${tool.reason}`, () => {
  it('a node that saw later writes starts a new epoch: a cursor of the lost stretch reads gap, not resumed (found by a hostile tester)', { timeout: 60_000 }, async () => {
    await restoredFromSnapshot(false);
  });

  it('… also when appends made before the node is back carried the sequence past what it saw (a reviewer)', { timeout: 60_000 }, async () => {
    await restoredFromSnapshot(true);
  });

  it('a Redis restored from the same snapshot twice: the epoch it brings back is replaced again, and live delivery goes on (found by a hostile tester: it stopped for good)', { timeout: 60_000 }, async () => {
    await fromSnapshot('twice', async ({ persisted, a, logger, gaps, seen, first }) => {
      const epochs = [first.cursor.split('.')[0]];
      for (let round = 1; round <= 2; round++) {
        // Stored after the snapshot, then lost: the same snapshot comes back each time.
        await waitForAppend(() => a.append('alice', 'trades', frame(10 * round, 'alice')));
        await waitForAppend(() => a.append('alice', 'trades', frame(10 * round + 1, 'alice')));
        await persisted.restart();
        await waitFor(() => gaps.length === round, `the gap of restore ${round}`);
        const after = await waitForAppend(() => a.append('alice', 'trades', frame(10 * round + 5, 'alice')));
        epochs.push(after.cursor.split('.')[0]);
        await waitFor(() => seen.some((e) => e.cursor === after.cursor), `the entry after restore ${round}, live`);
      }
      // Three epochs: the snapshot's, then a new one after each restore (the second restore brought the first back).
      expect(new Set(epochs).size).toBe(3);
      expect(logger.events.filter((e) => e.event === 'epoch-rotated')).toHaveLength(2);
      // A reader of the first epoch gets a gap, and only what the newest epoch holds.
      const r = await a.read({ userId: 'alice', admin: false }, first.cursor, 10);
      expect(r.resume).toBe('gap');
      expect(new Set(r.entries.map((e) => e.cursor.split('.')[0]))).toEqual(new Set([epochs[2]]));
      expect(r.entries.map((e) => e.cursor)).toContain(seen.at(-1)!.cursor);
    });
  });

  it('a Redis restored from a snapshot older than an empty restart the node saw: the old epoch it brings back is replaced, and a cursor of it after the snapshot reads gap, not resumed (tIG F4: the epoch was taken back as live)', { timeout: 60_000 }, async () => {
    await fromSnapshot('back', async ({ persisted, dir, a, logger, gaps, seen, first }) => {
      const oldEpoch = first.cursor.split('.')[0]!;
      // After the snapshot: the client receives it, its cursor is this one.
      const m2 = await a.append('alice', 'trades', frame(2, 'alice'));
      await waitFor(() => seen.some((e) => e.cursor === m2.cursor), 'm2, live');
      // Redis restarts empty (the snapshot set aside): a new epoch, where m3 is stored while the client is away.
      renameSync(path.join(dir, 'dump.rdb'), path.join(dir, 'old.rdb'));
      await persisted.restart();
      await waitFor(() => gaps.length === 1, 'the gap of the empty restart');
      const m3 = await waitForAppend(() => a.append('alice', 'trades', frame(3, 'alice')));
      expect(m3.cursor.split('.')[0]).not.toBe(oldEpoch);
      await waitFor(() => seen.some((e) => e.cursor === m3.cursor), 'm3, live');
      // Then restored from the snapshot of before m2: the old epoch, at m1.
      await persisted.stop();
      renameSync(path.join(dir, 'old.rdb'), path.join(dir, 'dump.rdb'));
      await persisted.restart();
      await waitFor(() => gaps.length === 2, 'the gap of the restore');
      const raw = new Redis(persisted.url);
      const epochNow = await raw.get('back:epoch');
      raw.disconnect();
      expect(epochNow).not.toBe(oldEpoch);
      expect(logger.events.filter((e) => e.event === 'epoch-rotated')).toHaveLength(1);
      // Before, m2's cursor read resumed, without m3 or anything of its epoch: lost, untold.
      for (const cursor of [m2.cursor, first.cursor, m3.cursor]) {
        const r = await a.read({ userId: 'alice', admin: false }, cursor, 10);
        expect({ cursor, resume: r.resume }).toEqual({ cursor, resume: 'gap' });
      }
      const m4 = await waitForAppend(() => a.append('alice', 'trades', frame(4, 'alice')));
      expect(m4.cursor.split('.')[0]).toBe(epochNow);
      await waitFor(() => seen.some((e) => e.cursor === m4.cursor), 'm4, live');
      const r = await a.read({ userId: 'alice', admin: false }, m2.cursor, 10);
      expect({ resume: r.resume, cursors: r.entries.map((e) => e.cursor) }).toEqual({ resume: 'gap', cursors: [m4.cursor] });
    });
  });

  it('a Redis restored from a snapshot older than an empty restart, seen by a node that joined after that restart only (the node that saw the lost writes gone): the older epoch is replaced, and a cursor past the snapshot reads gap, not resumed (tIP F1)', { timeout: 60_000 }, async () => {
    await fromSnapshot('fresh', async ({ persisted, dir, a, gaps, seen, first }) => {
      const oldEpoch = first.cursor.split('.')[0]!;
      // After the snapshot, in the old epoch: a client has m2's cursor.
      const m2 = await a.append('alice', 'trades', frame(2, 'alice'));
      await waitFor(() => seen.some((e) => e.cursor === m2.cursor), 'm2, live');
      // Redis restarts empty (the snapshot set aside): a new epoch.
      renameSync(path.join(dir, 'dump.rdb'), path.join(dir, 'old.rdb'));
      await persisted.restart();
      await waitFor(() => gaps.length === 1, 'the gap of the empty restart');
      const m3 = await waitForAppend(() => a.append('alice', 'trades', frame(3, 'alice')));
      expect(m3.cursor.split('.')[0]).not.toBe(oldEpoch);
      // Node B starts then: it knows the new epoch only, and delivers no entry of it (the tester's node B saw none).
      const logger = collectingLogger();
      const b = await createRedisStreamStore({ url: persisted.url, keyPrefix: 'fresh', logger });
      try {
        const bGaps: StreamGap[] = [];
        const bSeen: StreamEntry[] = [];
        b.onGap((g) => bGaps.push(g));
        b.subscribe((e) => bSeen.push(e));
        // Node A, which saw m2, is gone for good; then Redis is restored from the snapshot of before m2.
        await a.close();
        await persisted.stop();
        renameSync(path.join(dir, 'old.rdb'), path.join(dir, 'dump.rdb'));
        await persisted.restart();
        await waitFor(() => bGaps.length === 1, "B's gap of the restore");
        expect(bGaps[0]!.reason).toBe('epoch');
        const raw = new Redis(persisted.url);
        const epochNow = await raw.get('fresh:epoch');
        raw.disconnect();
        // Before, B logged "Redis lost its data (restarted empty …)" and took the old epoch back as live.
        expect(epochNow).not.toBe(oldEpoch);
        expect(logger.events.filter((e) => e.event === 'epoch-rotated')).toHaveLength(1);
        // Before, m2's cursor read resumed, without m3 or anything written since: lost, untold.
        for (const cursor of [m2.cursor, first.cursor, m3.cursor]) {
          const r = await b.read({ userId: 'alice', admin: false }, cursor, 10);
          expect({ cursor, resume: r.resume, entries: r.entries.length }).toEqual({ cursor, resume: 'gap', entries: 0 });
        }
        // After the gap, what the new epoch holds, not the old epoch's entries again (readers of it have them).
        const m5 = await waitForAppend(() => b.append('alice', 'trades', frame(5, 'alice')));
        expect(m5.cursor.split('.')[0]).toBe(epochNow);
        await waitFor(() => bSeen.some((e) => e.cursor === m5.cursor), 'm5, live on B');
        for (const cursor of [m2.cursor, m3.cursor]) {
          const r = await b.read({ userId: 'alice', admin: false }, cursor, 10);
          expect({ cursor, resume: r.resume, cursors: r.entries.map((e) => e.cursor) }).toEqual({ cursor, resume: 'gap', cursors: [m5.cursor] });
        }
        // One rotation: the new epoch is not taken for an older one in turn.
        expect(logger.events.filter((e) => e.event === 'epoch-rotated')).toHaveLength(1);
        expect(bGaps).toHaveLength(1);
      } finally {
        await b.close();
      }
    });
  });

  /**
   * A store on a Redis that keeps a snapshot in a folder of its own, with its gaps and live
   * entries collected, after one entry (`first`) and a SAVE: `body` then loses writes by
   * restarting Redis. Everything is stopped and removed after.
   */
  async function fromSnapshot(
    prefix: string,
    body: (s: { persisted: RedisServer; dir: string; a: RedisStreamStore; logger: ReturnType<typeof collectingLogger>; gaps: StreamGap[]; seen: StreamEntry[]; first: { cursor: string } }) => Promise<void>,
  ): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-redis-'));
    const persisted = await RedisServer.start(undefined, { dir });
    const logger = collectingLogger();
    const a = await createRedisStreamStore({ url: persisted.url, keyPrefix: prefix, logger });
    try {
      const gaps: StreamGap[] = [];
      const seen: StreamEntry[] = [];
      a.onGap((g) => gaps.push(g));
      a.subscribe((e) => seen.push(e));
      const first = await a.append('alice', 'trades', frame(1, 'alice'));
      const saver = new Redis(persisted.url);
      await saver.save();
      saver.disconnect();
      await body({ persisted, dir, a, logger, gaps, seen, first });
    } finally {
      await a.close();
      await persisted.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async function restoredFromSnapshot(appendsFirst: boolean): Promise<void> {
    await fromSnapshot('snap', async ({ persisted, a, logger, gaps, seen, first }) => {
      // Stored and delivered after the snapshot: lost when Redis restarts from it.
      for (let n = 2; n <= 4; n++) await a.append('alice', 'trades', frame(n, 'alice'));
      await waitFor(() => seen.length === 4, 'four entries delivered');
      // With appends first, Redis comes back behind a password only the other node has, so this
      // node reads nothing until they are made: sent as soon as Redis was up, they still came
      // after the node's first retry (100 ms after the loss) on a busy machine, in the new epoch.
      await persisted.restart(0, appendsFirst ? ['--requirepass', 'held'] : []);
      if (appendsFirst) {
        // Another node's appends, made before this node reads again: six sequence numbers, two above the four it saw.
        const other = new Redis(persisted.url, { password: 'held' });
        const appends = other.pipeline();
        for (let n = 10; n < 16; n++) {
          appends.eval(APPEND_SCRIPT, 5, 'snap:epoch', 'snap:seq', 'snap:head', 'snap:all', 'snap:u:{alice}', 'unused', 1000, 100_000, 0, 'snap:fanout', 'trades', '"alice"', 'null', 0, 1, frame(n, 'alice')('x'));
        }
        for (const [error] of (await appends.exec()) ?? []) expect(error).toBeNull();
        await other.config('SET', 'requirepass', '');
        other.disconnect();
      }
      await waitFor(() => gaps.length === 1, 'the gap');
      expect(gaps[0]!.reason).toBe('epoch');
      expect(logger.events.map((e) => e.event)).toContain('epoch-rotated');
      // Before, the epoch survived the restart: this read said resumed with entries 2-4 gone.
      const r = await a.read({ userId: 'alice', admin: false }, first.cursor, 10);
      expect(r.resume).toBe('gap');
      // Without what the old epoch held: its reader has some of it (they came back as new, doubled).
      expect(r.entries).toEqual([]);
      const after = await waitForAppend(() => a.append('alice', 'trades', frame(5, 'alice')));
      expect(after.cursor.split('.')[0]).not.toBe(first.cursor.split('.')[0]);
      await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'the entry after the restart, live');
      // A reader of the old epoch that comes back later gets, after its gap, what the new epoch
      // holds, and only that (a hostile tester: nothing, though Redis held it), over and over.
      const again = await a.read({ userId: 'alice', admin: false }, first.cursor, 10);
      expect({ resume: again.resume, cursors: again.entries.map((e) => e.cursor) }).toEqual({ resume: 'gap', cursors: [after.cursor] });
      const admin = await a.read({ userId: 'root', admin: true }, first.cursor, 10);
      expect({ resume: admin.resume, cursors: admin.entries.map((e) => e.cursor) }).toEqual({ resume: 'gap', cursors: [after.cursor] });
    });
  }
});

async function waitForAppend<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * A Redis stream store in a process of its own (fanout-node.ts), for what may get a node stuck:
 * with its event loop blocked, neither this test's timers nor its afterEach close() would ever
 * run, and the test could hang instead of failing.
 */
class IsolatedNode {
  private readonly lines: string[] = [];
  private constructor(private readonly child: ChildProcess) {}

  static async start(url: string, prefix: string): Promise<IsolatedNode> {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fanout-node.ts', import.meta.url).pathname], {
      env: { ...process.env, REDIS_URL: url, KEY_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node = new IsolatedNode(child);
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => {
      const parts = (partial + d.toString()).split('\n');
      partial = parts.pop()!;
      node.lines.push(...parts);
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    try {
      await waitFor(() => node.lines.includes('READY') || child.exitCode !== null, 'the isolated node to start', 30_000);
      if (!node.lines.includes('READY')) throw new Error(`the isolated node exited: ${stderr}`);
    } catch (err) {
      await node.kill();
      throw err;
    }
    return node;
  }

  /** Cursors of the entries it delivered, in order. */
  entries(): string[] {
    return this.lines.filter((l) => l.startsWith('ENTRY ')).map((l) => l.slice('ENTRY '.length));
  }

  /** What it logged: level and event. */
  events(): { level: string; event: string }[] {
    return this.lines
      .filter((l) => l.startsWith('LOG '))
      .map((l) => {
        const [, level, json] = /^LOG (\w+) (.*)$/.exec(l)!;
        return { level: level!, event: (JSON.parse(json!) as { event: string }).event };
      });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** Appends as a node does (the store's script), without a store: a store of this process reads the channel too, and could get stuck. */
async function rawAppend(raw: Redis, prefix: string, userId: string | null, frameText: string, channel = `${prefix}:fanout`): Promise<string> {
  const stream = userId === null ? `${prefix}:g` : `${prefix}:u:{${userId}}`;
  const keys = [`${prefix}:epoch`, `${prefix}:seq`, `${prefix}:head`, `${prefix}:all`, stream];
  const args = [newEpochForTest(), 1000, 1000, 0, channel, userId === null ? 'whale' : 'trades', JSON.stringify(userId), 'null', 0, 1, frameText];
  return ((await raw.eval(APPEND_SCRIPT, keys.length, ...keys, ...args)) as string[])[0]!;
}

const newEpochForTest = () => randomBytes(8).toString('hex');
