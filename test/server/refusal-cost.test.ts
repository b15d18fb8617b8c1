/**
 * What a refusal costs the server when it has a `logger` (README, "Before the upgrade: refusals"):
 * each was logged with its URL redacted, the redaction read every parameter (16 KB of `?a&a&…`
 * took 16 ms of CPU per refusal, no token needed), and every refusal by the rate limit was a line
 * of its own with the URL whole (430 MB of log in 8 s from one client: a hostile tester, tR's
 * finding 1). Real servers on 127.0.0.1, port 0.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { redactOrigin } from '../../src/server/auth.js';
import { redactUrl, type RealtimeServerOptions } from '../../src/server/index.js';
import { eventually, startServer, token } from './helpers.js';

/** A logger that keeps each line's object. */
function recorder() {
  const lines: Record<string, unknown>[] = [];
  const log = (line: object) => void lines.push(line as Record<string, unknown>);
  return { lines, logger: { info: log, warn: log, error: log }, events: (event: string) => lines.filter((line) => line.event === event) };
}

/** A GET of `path` with `headers`, sent as it is (fetch would normalise the target): its status. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers: { connection: 'close', ...headers } }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('redactUrl is bounded: a target past 2 048 characters or 64 parameters is logged as its path and the length of the rest', () => {
  it('logs the path of a 16 KB target of 8 000 empty parameters, and how many characters it did not log', () => {
    expect(redactUrl(`/api/ws/poll?${'a&'.repeat(8000)}`)).toBe('/api/ws/poll?[16000 characters not logged]');
    expect(redactUrl(`/api/ws?a=${'x'.repeat(8000)}`)).toBe('/api/ws?[8002 characters not logged]');
  });

  it('decodes a name as before within the bounds: a leading ? is dropped as URLSearchParams drops it', () => {
    // `?since` and `%73ince` are `since` decoded, a cursor kept when it is the only one; `token`'s value redacted under any
    // spelling; every other parameter redacted whole.
    expect(redactUrl('/x??token=abc&a=1&?jwt=def&to%6Ben=ghi&api+key=jkl&cursor=mno&?since=k.1&?token')).toBe('/x??token=[redacted]&[redacted]&[redacted]&to%6Ben=[redacted]&[redacted]&[redacted]&?since=k.1&?token');
    expect(redactUrl('/x?a=1&%73ince=k.2')).toBe('/x?[redacted]&%73ince=k.2');
  });

  it('reads 64 parameters one by one, not 65', () => {
    const params = (n: number) => Array.from({ length: n }, (_, i) => `token=k.${i}`).join('&');
    expect(redactUrl(`/x?since=k.1&${params(63)}`)).toBe(`/x?since=k.1&${params(63).replace(/k\.\d+/g, '[redacted]')}`);
    const longer = `/x?since=k.1&${params(64)}`;
    expect(redactUrl(longer)).toBe(`/x?[${longer.length - 3} characters not logged]`);
  });

  it('reads 2 048 characters, not 2 049, and never logs a token either way', async () => {
    const jwt = await token('alice');
    const at = (length: number) => `/api/ws?token=${jwt}&since=k.1&pad=${'x'.repeat(length - jwt.length - 29)}`;
    expect(at(2048)).toHaveLength(2048);
    expect(redactUrl(at(2048))).toBe('/api/ws?token=[redacted]&since=k.1&[redacted]');
    expect(redactUrl(at(2049))).toBe('/api/ws?[2041 characters not logged]');
    expect(redactUrl(at(2049))).not.toContain(jwt.split('.')[1]!.slice(0, 12));
  });

  it('cuts a long path at a slash, so no segment is logged cut (a token in one neither whole nor in part)', async () => {
    const jwt = await token('alice');
    const payload = jwt.split('.')[1]!.slice(0, 12);
    // Whole within the first 256 characters: redacted as ever.
    expect(redactUrl(`/seg/${jwt}/${'x'.repeat(3000)}`)).toBe(`/seg/[redacted]/[${3000} characters not logged]`);
    // Across the 256th character: its segment is not logged, nor anything of it.
    const across = `/${'p'.repeat(200)}/${jwt}/rest?${'a&'.repeat(1500)}`;
    const logged = redactUrl(across);
    expect(logged).toBe(`/${'p'.repeat(200)}/[${across.length - 202} characters not logged]`);
    expect(logged).not.toContain(payload);
    expect(logged).not.toContain('eyJ');
  });

  it('logs no part of a long absolute-form or authority target, where user info may lie', () => {
    for (const target of [`http://user:secret@host/${'a'.repeat(3000)}`, `//user:secret@host/${'a'.repeat(3000)}`, `/\\user:secret@host/${'a'.repeat(3000)}`]) {
      expect(redactUrl(target), target.slice(0, 20)).toBe(`[${target.length} characters not logged]`);
    }
  });

  it('bounds redactOrigin the same way: a 16 KB Origin is not read through', () => {
    expect(redactOrigin(`https://${'a:'.repeat(8000)}`)).toBe('[16008 characters not logged]');
    expect(redactOrigin('https://ok.example')).toBe('https://ok.example');
  });
});

describe('a refusal with a long target, or a long Origin, is logged short', () => {
  it('logs a poll refused for its 14 KB target of empty parameters by its path and length (it was logged whole, 16 ms each to redact)', async () => {
    const { logger, events } = recorder();
    const server = await startServer({ logger });
    try {
      expect(await get(server.port, `/api/ws/poll?${'a&'.repeat(7000)}`)).toBe(401);
      expect(events('poll-refused')).toEqual([{ event: 'poll-refused', status: 401, reason: 'no-token', ip: '127.0.0.1', url: '/api/ws/poll?[14000 characters not logged]' }]);
    } finally {
      await server.rt.close();
    }
  });

  it('logs a refused 10 KB Origin by its length', async () => {
    const { logger, events } = recorder();
    const server = await startServer({ logger, allowedOrigins: ['https://app.example'] } as Partial<RealtimeServerOptions>);
    try {
      const origin = `https://${'a:'.repeat(5000)}`;
      expect(await get(server.port, '/api/ws/poll', { origin })).toBe(403);
      expect(events('poll-refused')).toEqual([{ event: 'poll-refused', status: 403, reason: 'origin', ip: '127.0.0.1', url: '/api/ws/poll', origin: '[10008 characters not logged]' }]);
    } finally {
      await server.rt.close();
    }
  });
});

describe('refusals by the rate limit are logged once per address each 10 s, with how many were not logged; stats() counts them all', () => {
  it('logs the first rate-ip refusal of an address, then the first after 10 s with notLogged, and counts every one', async () => {
    const { logger, events } = recorder();
    let clock = 0;
    const server = await startServer({ logger, attemptsPerIp: { perSecond: 0.001, burst: 2 }, monotonicClock: () => clock });
    try {
      const target = `/api/ws/poll?a=${'x'.repeat(8000)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 102; i++) statuses.push(await get(server.port, target));
      expect(statuses).toEqual([401, 401, ...Array<number>(100).fill(429)]);
      expect(server.rt.stats().refusedPolls).toEqual({ 'no-token': 2, 'rate-ip': 100 });
      const url = '/api/ws/poll?[8002 characters not logged]';
      expect(events('poll-refused')).toEqual([
        { event: 'poll-refused', status: 401, reason: 'no-token', ip: '127.0.0.1', url },
        { event: 'poll-refused', status: 401, reason: 'no-token', ip: '127.0.0.1', url },
        { event: 'poll-refused', status: 429, reason: 'rate-ip', ip: '127.0.0.1', url },
      ]);
      // 10 s on (the bucket still empty at 0.001/s): the next is logged, saying 99 were not.
      clock += 10_000;
      expect(await get(server.port, target)).toBe(429);
      expect(events('poll-refused').at(-1)).toEqual({ event: 'poll-refused', status: 429, reason: 'rate-ip', ip: '127.0.0.1', url, notLogged: 99 });
      expect(await get(server.port, target)).toBe(429);
      expect(events('poll-refused')).toHaveLength(4);
      // Upgrades are logged on their own count: the first is logged.
      expect(await get(server.port, '/api/ws?token=x', { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' })).toBe(429);
      await eventually(() => events('upgrade-refused').length === 1, 5000, 'the upgrade-refused line');
      expect(events('upgrade-refused')[0]).toMatchObject({ status: 429, reason: 'rate-ip' });
      expect(server.rt.stats().refusedPolls).toEqual({ 'no-token': 2, 'rate-ip': 102 });
    } finally {
      await server.rt.close();
    }
  });

  it('logs rate-user refusals so too', async () => {
    const { logger, events } = recorder();
    let clock = 0;
    const server = await startServer({ logger, pollsPerUser: { perSecond: 0.001, burst: 1 }, monotonicClock: () => clock });
    try {
      const authorization = `Bearer ${await token('alice')}`;
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push(await get(server.port, '/api/ws/poll', { authorization }));
      expect(statuses).toEqual([200, ...Array<number>(19).fill(429)]);
      expect(server.rt.stats().refusedPolls).toEqual({ 'rate-user': 19 });
      expect(events('poll-refused').map((line) => [line.reason, line.notLogged])).toEqual([['rate-user', undefined]]);
      clock += 10_000;
      expect(await get(server.port, '/api/ws/poll', { authorization })).toBe(429);
      expect(events('poll-refused').map((line) => [line.reason, line.notLogged])).toEqual([['rate-user', undefined], ['rate-user', 18]]);
    } finally {
      await server.rt.close();
    }
  });
});

describe('refusals for the origin and of a malformed handshake are logged once per address each 10 s too, with how many were not (tT finding 2); stats() counts them all', () => {
  const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };

  it('logs the first poll and the first upgrade refused for the origin, and the first bad handshake, of an address, then the first after 10 s with notLogged', async () => {
    const { logger, events } = recorder();
    let clock = 0;
    const server = await startServer({ logger, allowedOrigins: ['https://app.example'], monotonicClock: () => clock } as Partial<RealtimeServerOptions>);
    const origin = 'https://evil.example';
    try {
      // No token needed, and no rate limit stops them: each was a line of its own (~6 MB/s of log from one client).
      for (let i = 0; i < 30; i++) {
        expect(await get(server.port, `/api/ws/poll?since=k.${i}`, { origin })).toBe(403);
        expect(await get(server.port, `/api/ws?since=k.${i}`, { ...upgrade, origin })).toBe(403);
        expect(await get(server.port, `/api/ws?since=k.${i}`, { ...upgrade, 'sec-websocket-version': '99' })).toBe(400);
      }
      expect(server.rt.stats().refusedPolls).toEqual({ origin: 30 });
      expect(server.rt.stats().refusedUpgrades).toEqual({ origin: 30, 'bad-handshake': 30 });
      expect(events('poll-refused')).toEqual([{ event: 'poll-refused', status: 403, reason: 'origin', ip: '127.0.0.1', url: '/api/ws/poll?since=k.0', origin }]);
      expect(events('upgrade-refused').map((line) => [line.reason, line.url, line.notLogged])).toEqual([
        ['origin', '/api/ws?since=k.0', undefined],
        ['bad-handshake', '/api/ws?since=k.0', undefined],
      ]);
      clock += 10_000;
      expect(await get(server.port, '/api/ws/poll?since=k.30', { origin })).toBe(403);
      expect(await get(server.port, '/api/ws?since=k.30', { ...upgrade, origin })).toBe(403);
      expect(await get(server.port, '/api/ws?since=k.30', { ...upgrade, 'sec-websocket-version': '99' })).toBe(400);
      expect(events('poll-refused').at(-1)).toEqual({ event: 'poll-refused', status: 403, reason: 'origin', ip: '127.0.0.1', url: '/api/ws/poll?since=k.30', origin, notLogged: 29 });
      expect(events('upgrade-refused').slice(2).map((line) => [line.reason, line.url, line.notLogged])).toEqual([
        ['origin', '/api/ws?since=k.30', 29],
        ['bad-handshake', '/api/ws?since=k.30', 29],
      ]);
    } finally {
      await server.rt.close();
    }
  });
});
