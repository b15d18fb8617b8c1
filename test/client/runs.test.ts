/**
 * The client's runs (connect … disconnect) against what ends them early or overlaps them, on
 * 127.0.0.1: a handler that disconnects from inside an event, a token provider that answers
 * for a run that is over, a token replaced while one is in use, a poll and a socket attempt
 * that hold different tokens, an answer that is not a poll response, an async handler that
 * rejects. Each case was found by a hostile tester; each wait is bounded, each server stopped.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { ClientFault, InvalidEvent, RealtimeStatus } from '../../src/client/index.js';
import { FakeServer } from './support/fake-server.js';
import { closeClients, example, nodeClient, sleep, until } from './support/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  closeClients();
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function fake(options: ConstructorParameters<typeof FakeServer>[0] = {}): Promise<FakeServer> {
  const s = await new FakeServer(options).start();
  stops.push(() => s.stop());
  return s;
}

/** An HTTP server on 127.0.0.1 that refuses every upgrade with 404 (a proxy without WebSocket) and answers polls with `poll`. */
async function pollOnly(poll: (req: IncomingMessage, res: ServerResponse, token: string) => void): Promise<{ url: string; statuses: number[] }> {
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    res.on('finish', () => statuses.push(res.statusCode));
    poll(req, res, token);
  });
  server.on('upgrade', (_req, socket) => {
    socket.on('error', () => undefined); // a client that drops its attempt: ECONNRESET
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise((resolve) => server.close(resolve)).then(() => server.closeAllConnections()));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, statuses };
}

/**
 * Runs `body` in a Node process of its own, after `import { WebSocket } from 'ws'` and
 * `import { createRealtimeClient } from …/client`: whether the process ends by itself once the
 * client is disconnected, how long it took (ms), and what it printed. Killed after 25 s.
 * `ms` is the child's own time from its body's first line to its `exit` event, and `msAfterMark` from the body's call of
 * `mark()` to it: node's and tsx's start-up and the process's teardown are no part of them (a loaded machine took 9 to
 * 13 s to start tsx, and 4 s to end a process, where the body itself ran 300 ms: tGL F4).
 */
async function clientProcess(body: string): Promise<{ exit: number | null; ms: number; msAfterMark: number | null; stdout: string }> {
  const preamble = [
    'const __started = performance.now(); let __marked = null;',
    'const mark = () => { __marked = performance.now(); };',
    "process.on('exit', () => process.stdout.write(`\\n#exit ${performance.now() - __started} ${__marked === null ? 'null' : performance.now() - __marked}\\n`));",
  ].join('\n');
  const code = `import { WebSocket } from 'ws';\nimport { createRealtimeClient } from './src/client/index.ts';\n${preamble}\n${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  const kill = setTimeout(() => child.kill(), 25_000);
  const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(kill);
  const timing = /\n#exit (\S+) (\S+)\n$/.exec(stdout);
  return { exit, ms: timing ? Number(timing[1]) : Infinity, msAfterMark: timing && timing[2] !== 'null' ? Number(timing[2]) : null, stdout: timing ? stdout.slice(0, timing.index) : stdout };
}

const pollAnswer = (cursor: string, messages: unknown[] = []) => JSON.stringify({ cursor, resume: 'new', messages });

describe('a handler that disconnects ends the run', () => {
  it('from `status` while waiting to reconnect: no attempt follows (it reconnected for ever)', async () => {
    let connects = 0;
    const tcp: TcpServer = createTcpServer((socket) => {
      connects++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => tcp.close(resolve)));
    const client = nodeClient(`ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/api/ws`, { polling: false });
    let at = -1;
    client.on('status', (s) => {
      if (s.state === 'waiting' && at < 0) {
        at = connects;
        client.disconnect();
      }
    });
    client.connect('good');
    await until(() => at >= 0, 'the first wait');
    await sleep(600); // backoff 50–400 ms: several attempts, had it gone on
    expect(connects).toBe(at);
    expect(client.getStatus()).toMatchObject({ state: 'idle', nextAttemptAt: null });
  });

  it('from `status` on unauthorized: the token provider is not asked again (24 times in 2.5 s)', async () => {
    const s = await fake();
    const client = nodeClient(s.url, { polling: false });
    let asked = 0;
    let askedThen = -1;
    client.on('status', (st) => {
      if (st.state === 'unauthorized' && askedThen < 0) {
        askedThen = asked;
        client.disconnect();
      }
    });
    client.connect(() => {
      asked++;
      return 'cached-token';
    });
    await until(() => askedThen >= 0, 'unauthorized');
    await sleep(600);
    expect(asked).toBe(askedThen);
    expect(client.getStatus().state).toBe('idle');
  });

  it('from `status` on open: no timers of the closed socket hold the process (it exited 40 s later)', async () => {
    const s = await fake();
    const { exit, ms } = await clientProcess(`
      const client = createRealtimeClient({ url: ${JSON.stringify(s.url)}, WebSocket });
      client.on('status', (status) => { if (status.state === 'open') client.disconnect(); });
      client.connect('good');`);
    expect(exit).toBe(0);
    expect(s.upgrades.map((u) => u.status)).toEqual([101]);
    expect(ms).toBeLessThan(15_000); // a bound: 40 s before (pingIntervalMs + pongTimeoutMs)
  });

  it('from `status` as polling starts: its `disconnected` is the last connection event (a `connected` followed it)', async () => {
    const server = await pollOnly((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer('e.1')));
    const client = nodeClient(server.url);
    const connections: { status: string; mode: string }[] = [];
    client.on('connection', (data) => connections.push(data));
    client.on('status', (st) => {
      if (st.mode === 'polling') client.disconnect();
    });
    client.connect('good');
    await until(() => connections.length > 0, 'a connection event');
    await sleep(100);
    expect(connections.map((c) => `${c.status}/${c.mode}`)).toEqual(['disconnected/polling']);
    expect(client.getStatus()).toMatchObject({ state: 'idle', mode: 'offline' });
  });
});

describe('a handler that disconnects ends the run (a re-check)', () => {
  it('from the `status` that connect() itself emits: no attempt (a socket opened, the process never exited)', async () => {
    const s = await fake();
    const client = nodeClient(s.url);
    let first = true;
    client.on('status', () => {
      if (first) {
        first = false;
        client.disconnect();
      }
    });
    client.connect('good');
    await sleep(300);
    expect(s.upgrades).toEqual([]);
    expect(client.getStatus().state).toBe('idle');
  });

  it('the status connect() emits says `connecting`, each run alike (it said `idle`: a fresh user)', async () => {
    const s = await fake();
    const client = nodeClient(s.url);
    const states: string[] = [];
    client.on('status', (st) => states.push(st.state));
    for (let run = 0; run < 2; run++) {
      states.length = 0;
      client.connect('good');
      expect(states).toEqual(['connecting']);
      await until(() => client.getStatus().state === 'open', 'open');
      expect(states).not.toContain('idle');
      client.disconnect();
    }
  });

  it('from a `connection` that brings a gap: no `message` or `gap` after it, and the next run is told the gap (it was never told)', async () => {
    const s = await fake();
    // Sockets only: a restart slower than three failed attempts (a loaded machine) started the
    // polling fallback, and a poll, not the socket, brought the gap to the first run.
    const client = nodeClient(s.url, { polling: false });
    const events: string[] = [];
    let disconnecting = false;
    client.on('connection', (data) => {
      if (disconnecting && data.status === 'connected') {
        disconnecting = false;
        events.push('disconnect');
        client.disconnect();
      }
    });
    client.on('message', (m) => events.push(`message ${m.type}`));
    client.on('gap', (g) => events.push(`gap ${g.since === null ? 'null' : 'since'}`));
    client.connect('good');
    await until(() => client.getStatus().state === 'open', 'open');
    s.publish({ type: 'trades', data: {}, ts: '2026-01-14T16:30:00.000Z' });
    await until(() => client.getStatus().cursor === s.log.at(-1)!.cursor, 'the first cursor');
    const port = s.port;
    await s.stop();
    // Another stream on the same port (a restart that lost the history): the resume is a gap.
    const restarted = await fake({ port });
    disconnecting = true;
    events.length = 0;
    await until(() => events.includes('disconnect'), 'the disconnect');
    await sleep(100);
    expect(events).toEqual(['disconnect']);
    client.connect('good');
    await until(() => events.some((e) => e.startsWith('gap')), 'the gap, told in the next run');
    expect(events.filter((e) => e.startsWith('gap'))).toEqual(['gap since']);
    expect(restarted.upgrades.map((u) => u.since)).toEqual([expect.any(String), expect.any(String)]);
  });

  it('from a message handler: the handlers after it are not called for that message (a fresh user)', async () => {
    const s = await fake();
    const client = nodeClient(s.url);
    const calls: string[] = [];
    client.on('trades', () => {
      calls.push('first');
      client.disconnect();
    });
    client.on('trades', () => calls.push('second'));
    client.on('message', (m) => m.type === 'trades' && calls.push('message'));
    client.connect('good');
    await until(() => client.getStatus().state === 'open', 'open');
    s.publish(example('trades'));
    await until(() => calls.length > 0, 'the trade');
    await sleep(100);
    expect(calls).toEqual(['first']);
  });

  it('from a `status` handler: the handlers after it are left with the newest status, not the one it overtook', async () => {
    const s = await fake();
    const client = nodeClient(s.url);
    client.on('status', (st) => {
      if (st.state === 'open') client.disconnect();
    });
    let last = '';
    client.on('status', (st) => (last = `${st.state}/${st.mode}`));
    client.connect('good');
    await until(() => s.upgrades.length === 1 && client.getStatus().state === 'idle', 'open, then idle');
    await sleep(50);
    expect(last).toBe('idle/offline');
  });

  it('every token provider waiting at disconnect stops waiting: two runs\' hung providers held the process their timeout', async () => {
    const { exit, ms } = await clientProcess(`
      const client = createRealtimeClient({ url: 'ws://127.0.0.1:9/api/ws', WebSocket, connectTimeoutMs: 15000 });
      const hung = () => new Promise(() => {});
      client.connect(hung);
      await new Promise((resolve) => setTimeout(resolve, 20));
      client.disconnect();
      client.connect(hung);
      await new Promise((resolve) => setTimeout(resolve, 20));
      client.disconnect();
      // A provider that disconnects as it is called.
      client.connect(() => { client.disconnect(); return new Promise(() => {}); });`);
    expect(exit).toBe(0);
    expect(ms).toBeLessThan(10_000); // a bound: 15 s before (connectTimeoutMs)
  });
});

describe('the poll loop after a disconnect (a reviewer)', () => {
  it('a `connection` handler that disconnects when a poll fails leaves no backoff timer: the process exits (8 s later, before)', async () => {
    let polls = 0;
    const server = await pollOnly((_req, res) => {
      polls++;
      if (polls === 1) res.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer('e.1'));
      else res.writeHead(500).end();
    });
    const { exit, msAfterMark, stdout } = await clientProcess(`
      const client = createRealtimeClient({ url: ${JSON.stringify(server.url)}, WebSocket, fallbackAfter: 0, backoff: { baseMs: 8000, jitter: false } });
      client.on('connection', (data) => { if (data.status === 'disconnected') { console.log('disconnect'); mark(); client.disconnect(); } });
      client.connect('good');`);
    expect(stdout).toBe('disconnect\n');
    expect(exit).toBe(0);
    expect(polls).toBe(2);
    // From the disconnect, not from the spawn: a loaded machine's start of tsx alone took 4 s.
    expect(msAfterMark).toBeLessThan(5000); // a bound: the 8 s backoff held it before
  });

  it('a 429 through a fetch whose body is a Node stream keeps its Retry-After and stays connected (its cancel() threw)', async () => {
    let polls = 0;
    const at: number[] = [];
    const server = await pollOnly((_req, res) => {
      polls++;
      at.push(Date.now());
      if (polls === 2) res.writeHead(429, { 'retry-after': '1' }).end('{"error":"rate-user"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer(`e.${polls}`));
    });
    const fetchOfNode = async (url: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(url, init);
      const text = await response.text();
      return { status: response.status, ok: response.ok, headers: response.headers, body: Readable.from([text]), text: async () => text } as unknown as Response;
    };
    const client = nodeClient(server.url, { fetch: fetchOfNode, fallbackAfter: 0, backoff: { baseMs: 50, maxMs: 5000 } });
    const connections: string[] = [];
    client.on('connection', (data) => connections.push(data.status));
    client.connect('good');
    await until(() => polls >= 3, 'the poll after the 429');
    // Waited the second it was told (a failed poll retried after 50 ms), and was not lost meanwhile.
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(950);
    expect(connections).toEqual(['connected']);
  });
});

describe('a run that is over', () => {
  it('a late answer of the previous run\'s provider does not stop the next run (its "logged out" dropped the socket under way, unauthorized for good)', async () => {
    // Upgrades answered 500 ms late: the next run's socket is still connecting when the old provider answers.
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer();
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      setTimeout(() => wss.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: new Date().toISOString(), cursor: 'e.0' }))), 500);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => server.close(resolve));
    });
    const client = nodeClient(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`);
    // `null`: the provider says the user is logged out.
    client.connect((() => new Promise<null>((resolve) => setTimeout(resolve, 400, null))) as never);
    await sleep(100);
    client.disconnect();
    client.connect(() => 'good');
    await until(() => client.getStatus().state === 'open', 'the second run open');
    await sleep(500);
    expect(client.getStatus()).toMatchObject({ state: 'open', mode: 'ws' });
  });

  it('a provider still hung at disconnect is not told as CLIENT_TOKEN_ERROR after it', async () => {
    const s = await fake();
    const client = nodeClient(s.url, { connectTimeoutMs: 200 });
    const faults: string[] = [];
    client.on('error', (_data, _message, fault) => faults.push(fault?.code ?? 'server'));
    client.connect(() => new Promise<string>(() => undefined));
    await sleep(50);
    client.disconnect();
    await sleep(400);
    expect(faults).toEqual([]);
  });
});

describe('tokens', () => {
  it('connect(stale); connect(fresh): the fresh token is tried after the stale one is refused (it stopped unauthorized)', async () => {
    const s = await fake();
    const client = nodeClient(s.url);
    client.connect('stale');
    client.connect('good');
    await until(() => client.getStatus().state === 'open', 'a socket on the fresh token');
    expect(s.upgrades.map((u) => u.status)).toEqual([401, 101]);
  });

  it('a fixed token replaced by connect(newToken) while connected is used at the 4401 of the old one (it stopped unauthorized)', async () => {
    const s = await fake({ tokens: ['t1', 't2'] });
    const client = nodeClient(s.url);
    client.connect('t1');
    await until(() => client.getStatus().state === 'open', 'open on t1');
    client.connect('t2');
    s.tokens.delete('t1');
    s.closeAll(4401, 'token expired');
    await until(() => s.upgrades.length === 2 && client.getStatus().state === 'open', 'open again on t2');
    expect(s.upgrades.map((u) => u.status)).toEqual([101, 101]);
  });

  it('a poll refused 401 marks the token it sent as refused, not one a socket attempt asked for meanwhile (a valid token was refused for it)', async () => {
    const sent: string[] = [];
    const server = await pollOnly((_req, res, token) => {
      sent.push(token);
      if (token === 'T1') setTimeout(() => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"token-expired"}'), 300);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer('e.1'));
    });
    const given = ['T0', 'T1'];
    const client = nodeClient(server.url);
    // What the client said after T1's 401 came: its status then, not at one moment after (the fake answers each poll with
    // the same page, which the client rightly calls stale by the third: a loaded machine's late check found it offline so, tGL F3).
    const after401: { state: string; mode: string }[] = [];
    client.on('status', (status) => {
      if (server.statuses.includes(401)) after401.push({ state: status.state, mode: status.mode });
    });
    client.connect(() => given.shift() ?? 'T2');
    await until(() => server.statuses.includes(401) && server.statuses.includes(200), 'the 401 of T1 and a poll of T2');
    await until(() => after401.some((status) => status.state === 'polling' && status.mode === 'polling'), 'polling on T2 after the 401');
    expect(after401.map((status) => status.state)).not.toContain('stopped');
    expect(sent).toContain('T2');
  });
});

describe('an answer that is not a poll response', () => {
  const cases: [string, (res: ServerResponse) => void, Partial<InvalidEvent>, object][] = [
    ['200 with an error body', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"internal: db down"}'), { reason: 'invalid', message: { error: 'internal: db down' } }, { pointer: '/messages', keyword: 'type', message: 'expected an array of messages, got nothing' }],
    ['204', (res) => res.writeHead(204).end(), { reason: 'json', message: '' }, { pointer: '', keyword: 'json', message: expect.stringMatching(/^expected a poll response in JSON, got a body it cannot read \(.+\)$/) }],
    ['a login page', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>'), { reason: 'json', message: '<html>Sign in</html>' }, { pointer: '', keyword: 'json', message: expect.stringMatching(/^expected a poll response in JSON, got .*JSON/) }],
    // It failed unsaid, the upgrade's status shown (a fresh user).
    ['bytes that are not UTF-8', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0x22, 0x63, 0xff, 0xfe, 0x7d])), { reason: 'json', message: undefined }, { pointer: '', keyword: 'json', message: expect.stringMatching(/^expected a poll response in JSON, got a body it cannot read \(.+\)$/) }],
    ['a cursor that is not one', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"cursor":"a b","messages":[]}'), { reason: 'invalid' }, { pointer: '/cursor', keyword: 'pattern', message: 'expected a cursor (1-128 URL-safe characters), got a string' }],
  ];
  for (const [name, answer, event, error] of cases) {
    it(`${name}: an invalid event that says where and what (it failed silently, the upgrade's 404 shown), the poll retried`, async () => {
      const server = await pollOnly((_req, res) => answer(res));
      const client = nodeClient(server.url);
      const invalid: InvalidEvent[] = [];
      // The failed poll's status, as the event is told (socket probes' 404s follow).
      const statuses: (number | null)[] = [];
      client.on('invalid', (e) => {
        invalid.push(e);
        statuses.push(client.getStatus().lastHttpStatus);
      });
      client.connect('good');
      await until(() => invalid.length >= 2, 'two polls told');
      expect(invalid[0]).toEqual({ ...event, errors: [error], message: 'message' in event ? event.message : expect.anything() });
      expect(statuses[0]).toBe(name === '204' ? 204 : 200);
      expect(client.getStatus().mode).toBe('offline');
    });
  }

  // README said every error page was an `invalid` event and every empty body a cut "whatever its status": a proxy's 502 page
  // or an empty 500 is neither (tIJ F2). A poll answered other than 2xx is a failed poll with its status, its body not read.
  for (const [name, answer] of [
    ['a proxy\'s 502 error page', (res: ServerResponse) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><h1>Bad gateway</h1></html>')],
    ['an empty 500', (res: ServerResponse) => res.writeHead(500).end()],
  ] as const) {
    it(`${name}: a failed poll with its status, no invalid event, retried (README: answered other than 2xx)`, async () => {
      const server = await pollOnly((_req, res) => answer(res));
      const client = nodeClient(server.url, { backoff: { baseMs: 50, maxMs: 100 } });
      const invalid: InvalidEvent[] = [];
      const told: (number | null)[] = [];
      client.on('invalid', (e) => invalid.push(e));
      client.on('status', (s) => told.push(s.lastHttpStatus));
      client.connect('good');
      await until(() => server.statuses.filter((s) => s >= 500).length >= 3, 'three polls answered');
      expect(invalid).toEqual([]);
      expect(told).toContain(name === 'an empty 500' ? 500 : 502);
      expect(client.getStatus().mode).toBe('offline');
    });
  }

  it('a fetch whose body is a Node stream (node-fetch) is read: its polls all failed on getReader', async () => {
    const server = await pollOnly((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer('e.1')));
    const fetchOfNode = async (url: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(url, init);
      const text = await response.text();
      return { status: response.status, ok: response.ok, headers: response.headers, body: Readable.from([text]), text: async () => text } as unknown as Response;
    };
    const client = nodeClient(server.url, { fetch: fetchOfNode });
    const statuses: RealtimeStatus[] = [];
    client.on('status', (s) => statuses.push(s));
    client.connect('good');
    await until(() => client.getStatus().mode === 'polling', 'polling');
    expect(client.getStatus().cursor).toBe('e.1');
  });
});

describe('handlers', () => {
  it('an async handler that rejects is told as CLIENT_HANDLER_ERROR (an unhandled rejection ended the process)', async () => {
    const s = await fake();
    const client = nodeClient(s.url);
    const faults: ClientFault[] = [];
    client.on('connection', async () => {
      throw new Error('refetch failed');
    });
    client.on('error', (_data, _message, fault) => fault && faults.push(fault));
    client.connect('good');
    await until(() => faults.length === 1, 'the fault');
    expect(faults[0]).toMatchObject({ code: 'CLIENT_HANDLER_ERROR', event: 'connection', cause: new Error('refetch failed') });
    expect(client.getStatus().state).toBe('open');
  });
});
