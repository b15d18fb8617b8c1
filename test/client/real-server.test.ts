/**
 * The client against the reference server (src/server) on 127.0.0.1: refused tokens, token
 * expiry, a restart with the stream store kept, upgrades refused → polling → back, a server
 * whose pings stop, the demo producer's every type, and `listen` against it. Every wait is
 * bounded; every server and client is stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeStatus } from '../../src/client/index.js';
import type { AlertsMessage } from '../../src/index.js';
import { createRealtimeServer, MemoryStreamStore, startDemoProducer } from '../../src/server/index.js';
import { closeClients, example, nodeClient, sleep, STREAM_TYPES, until } from './support/helpers.js';
import { harness, SECRET, sign, stopHarnesses } from './support/reference.js';
import { runListen } from '../support/listen.js';

afterEach(async () => {
  closeClients();
  await stopHarnesses();
});

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `t${i + from}`);

describe('client against the reference server', () => {
  it('a refused token causes no reconnect storm', async () => {
    const h = await harness();
    const client = nodeClient(h.url);
    client.connect('not-a-jwt');
    await until(() => client.getStatus().state === 'unauthorized', 'the unauthorized state');
    await sleep(600);
    expect(h.upgrades).toHaveLength(1);
    expect(h.server.stats().refusedUpgrades).toEqual({ 'invalid-token': 1 });
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket with a good token');
  });

  it('judges a token alike over the socket and over polls: white space around it, a character a header cannot carry (`token\\n` was taken by polls and refused by sockets; `token…` threw in fetch, and a polling client retried for good, never told unauthorized: tCA F7)', async () => {
    const good = await sign('alice');
    const tokens = { good, 'line break after': `${good}\n`, 'space before': ` ${good}`, 'U+200B after': `${good}\u200b`, '… after': `${good}…` };
    const verdicts: Record<string, string[]> = {};
    for (const webSocket of [true, false]) {
      const h = await harness({ webSocket });
      for (const [name, token] of Object.entries(tokens)) {
        const client = nodeClient(h.url, { fallbackAfter: 0 });
        client.connect(token);
        await until(() => client.getStatus().connected || client.getStatus().state === 'unauthorized', `a verdict on the token with ${name}, webSocket ${webSocket}`);
        const { state, mode, lastHttpStatus } = client.getStatus();
        (verdicts[name] ??= []).push(state === 'unauthorized' ? `unauthorized, HTTP ${lastHttpStatus}` : `connected over ${mode}`);
        client.disconnect();
      }
      await h.stop();
    }
    expect(verdicts).toEqual({
      good: ['connected over ws', 'connected over polling'],
      'line break after': ['unauthorized, HTTP 401', 'unauthorized, HTTP 401'],
      'space before': ['unauthorized, HTTP 401', 'unauthorized, HTTP 401'],
      'U+200B after': ['unauthorized, HTTP 401', 'unauthorized, HTTP 401'],
      '… after': ['unauthorized, HTTP 401', 'unauthorized, HTTP 401'],
    });
  }, 30_000);

  it('an expired token (4401) is replaced by the provider, and the stream resumes', async () => {
    const h = await harness();
    const client = nodeClient(h.url);
    let calls = 0;
    const seen: string[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.connect(() => sign('alice', ++calls === 1 ? 2 : 3600));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 5);
    await until(() => seen.length === 5, 'five trades');
    await until(() => client.getStatus().lastClose?.code === 4401, 'the expiry close', 15_000);
    await until(() => client.getStatus().mode === 'ws', 'the socket with a new token');
    await h.trades(6, 5);
    await until(() => seen.length === 10, 'ten trades');
    expect(seen).toEqual(ids(10));
    expect(calls).toBe(2);
  });

  it('a fixed token stops the client at its expiry (4401): disconnected, then unauthorized, no new socket until connect (README; tBM F7)', async () => {
    const h = await harness();
    const client = nodeClient(h.url);
    const told: string[] = [];
    client.on('connection', (d) => told.push(d.status));
    client.connect(await sign('alice', 2));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await until(() => client.getStatus().lastClose?.code === 4401, 'the expiry close', 15_000);
    await until(() => client.getStatus().state === 'unauthorized', 'the unauthorized state');
    // Backoff is 50-400 ms here: a reconnect would have come by now.
    await sleep(1000);
    expect(client.getStatus()).toMatchObject({ state: 'unauthorized', mode: 'offline', nextAttemptAt: null });
    expect(told).toEqual(['connected', 'disconnected', 'error']);
    expect(h.upgrades).toHaveLength(1);
    // A new token from connect: connected again.
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket with a new token');
  });

  it('a fixed token that expires while the client polls (a held poll answered 401): disconnected over polling, then unauthorized and error, as over the socket (README; it went from connected straight to error, and an app kept its "live" indicator on: tDK F1)', async () => {
    const h = await harness({ jwt: { secret: SECRET, clockToleranceSec: 0 } });
    // A proxy without WebSocket support: every upgrade refused, the client polls after the first.
    h.refuseUpgrades = true;
    const client = nodeClient(h.url, { fallbackAfter: 0 });
    const told: string[] = [];
    const at: string[] = [];
    client.on('connection', (d) => {
      told.push(`${d.status} over ${d.mode}`);
      // What getStatus() says to a handler of each: offline once the connection is lost.
      at.push(`${client.getStatus().state}, ${client.getStatus().mode}`);
    });
    client.connect(await sign('alice', 2));
    await until(() => client.getStatus().mode === 'polling', 'the polling fallback');
    await until(() => client.getStatus().state === 'unauthorized', 'the unauthorized state', 15_000);
    // Backoff is 50-400 ms here: a poll or probe would have come by now.
    await sleep(1000);
    expect(client.getStatus()).toMatchObject({ state: 'unauthorized', mode: 'offline', connected: false, nextAttemptAt: null, lastHttpStatus: 401 });
    expect(told).toEqual(['connected over polling', 'disconnected over polling', 'error over polling']);
    expect(at.slice(1)).toEqual(['polling, offline', 'unauthorized, offline']);
  });

  it('survives a restart of the server (the store kept): nothing lost or doubled', async () => {
    const h = await harness();
    const client = nodeClient(h.url, { fallbackAfter: 100 });
    const seen: string[] = [];
    const resumes: (string | undefined)[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.on('connection', (d) => resumes.push(d.resume ?? d.status));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 50);
    await until(() => seen.length === 50, 'the first 50');
    await h.stop();
    // published while no server runs: straight into the store, as another node would
    const base = example('trades');
    for (let n = 51; n <= 100; n++) await h.store.append('alice', 'trades', (cursor) => JSON.stringify({ ...base, data: { ...(base.data as object), id: `t${n}` }, cursor }));
    // a new server on the same port and the same store
    await h.start();
    await h.trades(101, 50);
    await until(() => seen.length >= 150 && client.getStatus().mode === 'ws', 'all 150');
    await sleep(100);
    expect(seen).toEqual(ids(150));
    expect(resumes).toEqual(['new', 'disconnected', 'resumed']);
  });

  it('survives a restart that loses the store (a new epoch): told gap, and still gets all the new server holds', async () => {
    const h = await harness();
    const client = nodeClient(h.url, { fallbackAfter: 100 });
    const seen: string[] = [];
    const resumes: (string | undefined)[] = [];
    let gaps = 0;
    client.on('trades', (t) => seen.push(t.id));
    client.on('connection', (d) => resumes.push(d.resume ?? d.status));
    client.on('gap', () => gaps++);
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 20);
    await until(() => seen.length === 20, 'the first 20');
    await h.stop();
    // A new process: a new, empty store (a new epoch), which publishes before the client is back.
    const store = new MemoryStreamStore();
    const base = example('trades');
    for (let n = 21; n <= 50; n++) await store.append('alice', 'trades', (cursor) => JSON.stringify({ ...base, data: { ...(base.data as object), id: `t${n}` }, cursor }));
    await store.append('bob', 'trades', (cursor) => JSON.stringify({ ...base, data: { ...(base.data as object), id: 'bob' }, cursor }));
    await h.start({ store });
    await until(() => seen.length >= 50 && client.getStatus().mode === 'ws', 'the 30 published since the restart');
    await h.trades(51, 10);
    await until(() => seen.length >= 60, 'all 60');
    await sleep(100);
    expect(seen).toEqual(ids(60));
    expect(resumes).toEqual(['new', 'disconnected', 'gap']);
    expect(gaps).toBe(1);
  });

  /**
   * Stops the server and starts a new process with a new, empty store (a new epoch) that holds
   * t6..t10 for alice before the client is back; with `polling`, upgrades are refused.
   */
  async function restartLosingStore(h: Awaited<ReturnType<typeof harness>>, mode: 'ws' | 'polling'): Promise<void> {
    await h.stop();
    const store = new MemoryStreamStore();
    const base = example('trades');
    for (let n = 6; n <= 10; n++) await store.append('alice', 'trades', (cursor) => JSON.stringify({ ...base, data: { ...(base.data as object), id: `t${n}` }, cursor }));
    h.refuseUpgrades = mode === 'polling';
    await h.start({ store, pollHoldMs: 1000 });
  }

  for (const mode of ['ws', 'polling'] as const) {
    it(`a restart that loses the store, then ${mode}: the gap event comes before the messages that follow it`, async () => {
      const h = await harness({ pollHoldMs: 1000 });
      // ws: never polls, however many attempts fail while the server restarts on a busy machine.
      const client = nodeClient(h.url, { fallbackAfter: mode === 'ws' ? 1000 : 2 });
      const events: string[] = [];
      client.on('trades', (t) => events.push(t.id));
      client.on('gap', (g) => events.push(`gap ${g.mode}${g.cursor === null ? '' : ' after a cursor'}`));
      client.connect(await sign('alice'));
      await until(() => client.getStatus().mode === 'ws', 'the socket');
      await h.trades(1, 5);
      await until(() => events.length === 5, 'the first 5');
      await restartLosingStore(h, mode);
      await until(() => events.length >= 11, 'the gap and the 5 published since the restart');
      expect(events).toEqual([...ids(5), `gap ${mode} after a cursor`, ...ids(5, 6)]);
    });

    it(`a restart that loses the store, then ${mode}: a gap handler that disconnects and connects again loses nothing`, async () => {
      const h = await harness({ pollHoldMs: 1000 });
      const client = nodeClient(h.url, { fallbackAfter: mode === 'ws' ? 1000 : 2 });
      const seen: string[] = [];
      let gaps = 0;
      const jwt = await sign('alice');
      client.on('trades', (t) => seen.push(t.id));
      client.on('gap', () => {
        // A dashboard that starts over on every gap: the messages after the gap must still
        // come, and it is told once (not again on each start over, forever).
        if (++gaps > 5) return;
        client.disconnect();
        setTimeout(() => client.connect(jwt), 50);
      });
      client.connect(jwt);
      await until(() => client.getStatus().mode === 'ws', 'the socket');
      await h.trades(1, 5);
      await until(() => seen.length === 5, 'the first 5');
      await restartLosingStore(h, mode);
      await until(() => seen.length >= 10, 'the 5 published since the restart');
      await sleep(300);
      expect(seen).toEqual(ids(10));
      expect(gaps).toBe(1);
    });
  }

  for (const mode of ['ws', 'polling'] as const) {
    it(`a restart that loses the store, then ${mode}: a \`gap\` handler, and the \`disconnected\` a \`disconnect()\` there tells, read as \`getStatus().cursor\` where a reconnect resumes (${mode === 'ws' ? 'the gap\'s `cursor`: the messages come after it' : '`since`: the poll\'s cursor is past its messages, not delivered yet'}), and the next run delivers the rest once, one gap told (over polling they read null, an app that saved the cursor there saved none: tHN F2)`, async () => {
      const h = await harness({ pollHoldMs: 1000 });
      const client = nodeClient(h.url, { fallbackAfter: mode === 'ws' ? 1000 : 2 });
      const token = await sign('alice');
      const seen: string[] = [];
      const told: string[] = [];
      let recording = false;
      let gaps = 0;
      client.on('trades', (t) => seen.push(t.id));
      client.on('connection', (d) => recording && told.push(`connection ${d.status}: ${client.getStatus().cursor}`));
      client.on('gap', (g) => {
        gaps++;
        told.push(`gap since ${g.since} cursor ${g.cursor}: ${client.getStatus().cursor}`);
        client.disconnect();
        setTimeout(() => client.connect(token), 100);
      });
      client.connect(token);
      await until(() => client.getStatus().mode === 'ws', 'the socket');
      await h.trades(1, 5);
      await until(() => seen.length === 5, 'the first 5');
      const before = client.getStatus().cursor;
      recording = true;
      await restartLosingStore(h, mode);
      await until(() => gaps > 0, 'the gap');
      const at = told.findIndex((line) => line.startsWith('gap '));
      const cursor = /cursor (\S+):/.exec(told[at]!)![1];
      const resumesFrom = mode === 'ws' ? cursor : before;
      expect(told.slice(at, at + 2), told.join('\n')).toEqual([`gap since ${before} cursor ${cursor}: ${resumesFrom}`, `connection disconnected: ${resumesFrom}`]);
      await until(() => seen.length >= 10, 'the 5 published since the restart, after connect');
      await sleep(300);
      expect(seen).toEqual(ids(10));
      expect(gaps).toBe(1);
    });
  }

  it('a restart that loses the store, then polling: the `status` and `connection` of the poll that finds the gap still read the cursor before it, the gap\'s `since` (README: the last cursor seen; they read null, and an app that saved `getStatus().cursor` on `connected` saved none: tHK F3)', async () => {
    const h = await harness({ pollHoldMs: 1000 });
    const client = nodeClient(h.url, { fallbackAfter: 2 });
    const seen: string[] = [];
    // Each event after the first 5 trades, with what getStatus() says to its handler.
    const told: string[] = [];
    let recording = false;
    client.on('trades', (t) => seen.push(t.id));
    client.on('status', (st) => recording && told.push(`status ${st.state} ${st.mode}: ${st.cursor} (getStatus: ${client.getStatus().cursor})`));
    client.on('connection', (d) => recording && told.push(`connection ${d.status} ${d.mode}: ${client.getStatus().cursor}`));
    client.on('gap', (g) => recording && told.push(`gap since ${g.since}`));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 5);
    await until(() => seen.length === 5, 'the first 5');
    const before = client.getStatus().cursor;
    expect(before).not.toBeNull();
    recording = true;
    await restartLosingStore(h, 'polling');
    await until(() => seen.length >= 10, 'the 5 published since the restart');
    const gapAt = told.indexOf(`gap since ${before}`);
    expect(gapAt, told.join('\n')).toBeGreaterThan(0);
    const untilGap = told.slice(0, gapAt);
    expect(untilGap).toContain(`connection connected polling: ${before}`);
    expect(untilGap).toContain(`status polling polling: ${before} (getStatus: ${before})`);
    for (const line of untilGap) expect(line.endsWith(`: ${before}`) || line.endsWith(`: ${before} (getStatus: ${before})`), `${line}\n(in ${told.join('; ')})`).toBe(true);
    // Then the new stream's: the cursor moves on past the gap, and nothing is lost.
    await until(() => client.getStatus().cursor !== before, 'the new stream\'s cursor');
    expect(seen).toEqual(ids(10));
  });

  for (const [name, dead] of [
    ['rejects', () => Promise.reject(new Error('the auth service is down'))],
    ['never answers', () => new Promise<string>(() => undefined)],
  ] as const) {
    it(`polling, a token provider that ${name} (a dead auth service): no poll is sent, a failed poll, told \`disconnected\`, \`offline\`, then \`connected\` again once it answers (it read \`connected\`, \`polling\`, for as long as the provider was down: tHN F3)`, async () => {
      const h = await harness({ pollHoldMs: 100 });
      h.refuseUpgrades = true;
      const token = await sign('alice');
      let down = false;
      const client = nodeClient(h.url, { fallbackAfter: 0, connectTimeoutMs: 300 });
      const told: string[] = [];
      const faults: string[] = [];
      client.on('connection', (d) => told.push(`${d.status} ${d.mode}`));
      client.on('error', (data) => faults.push(data.code));
      client.connect(() => (down ? dead() : token));
      await until(() => client.getStatus().mode === 'polling', 'polling');
      down = true;
      await until(() => told.includes('disconnected polling'), `\`disconnected\` (told: ${told.join(', ')})`);
      expect(client.getStatus()).toMatchObject({ mode: 'offline', connected: false });
      expect(faults).toContain('CLIENT_TOKEN_ERROR');
      down = false;
      await until(() => client.getStatus().mode === 'polling', 'polling again once the provider answers');
      expect(told).toEqual(['connected polling', 'disconnected polling', 'connected polling']);
    });
  }

  it('upgrades refused → polling → back to the socket, nothing lost or doubled', async () => {
    const h = await harness({ pollHoldMs: 2000 });
    const client = nodeClient(h.url);
    const seen: string[] = [];
    const modes: string[] = [];
    const statuses: RealtimeStatus[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.on('status', (st) => {
      statuses.push(st);
      if (modes.at(-1) !== st.mode) modes.push(st.mode);
    });
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 20);
    await until(() => seen.length === 20, 'the first 20');
    h.refuseUpgrades = true;
    // the server restarts its sockets (as a deploy would), the proxy now refuses upgrades
    await h.server.close();
    h.server = createRealtimeServer({ server: h.http, jwt: { secret: SECRET }, store: h.store, pollHoldMs: 2000 });
    await until(() => client.getStatus().mode === 'polling', 'the polling fallback');
    await h.trades(21, 20);
    await until(() => seen.length === 40, 'the next 20 by polling');
    h.refuseUpgrades = false;
    await until(() => client.getStatus().mode === 'ws', 'the socket again', 15_000);
    await h.trades(41, 20);
    await until(() => seen.length === 60, 'the last 20');
    await sleep(100);
    expect(seen).toEqual(ids(60));
    expect(modes.filter((m) => m !== 'offline')).toEqual(['ws', 'polling', 'ws']);
    // Every status event says something new (empty long polls used to repeat the last one).
    statuses.slice(1).forEach((st, i) => expect(st, `status event ${i + 2}`).not.toEqual(statuses[i]));
  });

  it('a server back after polls failed: the socket takes over at once, not at the end of its backoff (the dashboard stayed in Polling for 20 s)', async () => {
    const h = await harness({ pollHoldMs: 300 });
    let back = 0;
    const client = nodeClient(h.url, {
      fallbackAfter: 2,
      backoff: { baseMs: 500, maxMs: 60_000, jitter: false, stableMs: 60_000 },
      // The server comes back just before a poll made once the socket's next attempt is more than 2.5 s away.
      fetch: async (input, init) => {
        const st = client.getStatus();
        if (back === 0 && st.reconnectAttempts >= 3 && st.nextAttemptAt !== null && st.nextAttemptAt - Date.now() > 2500) {
          back = st.nextAttemptAt;
          // (Polls held 300 ms: with nothing to deliver, a poll is answered when its hold ends.)
          await h.start({ pollHoldMs: 300 });
        }
        return fetch(input, init);
      },
    });
    const modes: string[] = [];
    client.on('status', (st) => {
      if (modes.at(-1) !== st.mode) modes.push(st.mode);
    });
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.stop();
    await until(() => back !== 0, 'the server back', 20_000);
    await until(() => client.getStatus().mode === 'ws', 'the socket again', 20_000);
    // Without the probe it opened at `back`, when the backoff scheduled it.
    expect(Date.now()).toBeLessThan(back);
    expect(modes).toEqual(['offline', 'ws', 'offline', 'polling', 'ws']);
  });

  it('a polling client catching up past pollsPerUser waits as told and stays connected: every message once, in order (found by a hostile tester)', async () => {
    // Pages of about 8 KiB, two polls a second: the backlog takes many refused polls to catch up.
    const h = await harness({ maxBufferedBytes: 8 * 1024, pollsPerUser: { perSecond: 2, burst: 2 }, attemptsPerIp: { perSecond: 1000, burst: 1000 } });
    h.refuseUpgrades = true;
    const client = nodeClient(h.url, { fallbackAfter: 1 });
    const seen: string[] = [];
    const connections: string[] = [];
    client.on('alerts', (a) => seen.push(a.id));
    client.on('connection', (c) => connections.push(c.status));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'polling', 'the polling fallback');
    const base = example('alerts') as unknown as AlertsMessage;
    for (let i = 0; i < 12; i++) await h.server.publish('alice', { ...base, data: { ...base.data, id: `big_${i + 1}`, message: 'x'.repeat(3000) } });
    await until(() => seen.length === 12, 'the backlog', 20_000);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `big_${i + 1}`));
    expect(h.server.stats().refusedPolls['rate-user']).toBeGreaterThan(0);
    expect(connections).toEqual(['connected']);
  });

  it('a socket URL that ends in `/` (ws://host/api/ws/) opens a socket: every upgrade was a 404 while its polls worked, and the app polled for good, told nothing (a fresh tester)', async () => {
    const h = await harness();
    const client = nodeClient(`${h.url}/`);
    const seen: string[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket on /api/ws/');
    await h.trades(1, 3);
    await until(() => seen.length === 3, 'three trades');
    expect(h.server.stats().refusedUpgrades).toEqual({});
    expect(client.getStatus().reconnectAttempts).toBe(0);
  });

  it('a polling client of a stream of 20 messages a second, every option the default, is never refused 429: the server paces its polls (each was answered as soon as a message was pending, and the client polled past pollsPerUser: a fresh tester)', async () => {
    const h = await harness({ webSocket: false });
    const statuses: Record<number, number> = {};
    const counted: typeof fetch = async (...args) => {
      const response = await fetch(...args);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      return response;
    };
    // The client's defaults (nodeClient's short backoff aside, which a 429 would not shorten).
    const client = nodeClient(h.url, { fetch: counted });
    const seen: string[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'polling', 'the polling fallback');
    // 6 s of 20 evenly spaced messages a second: past pollsPerUser's burst (30) in about 3 s when each is a poll of its own.
    const total = 120;
    for (let n = 1; n <= total; n++) {
      await h.trades(n, 1);
      await sleep(50);
    }
    await until(() => seen.length === total, 'every message', 20_000);
    expect(seen).toEqual(ids(total));
    expect(statuses[429]).toBeUndefined();
    expect(h.server.stats().refusedPolls).toEqual({});
  }, 40_000);

  it('tells `status` for a step, not for each message: the cursor and counts change in place over polling as over the socket (each poll answer was a `status`, never a socket frame: a fresh tester)', async () => {
    for (const webSocket of [true, false]) {
      const h = await harness({ webSocket });
      // No probe due within the test (a probe's schedule is a step of its own).
      const client = nodeClient(h.url, { backoff: { baseMs: 30_000, maxMs: 30_000, jitter: false } });
      const seen: string[] = [];
      const steps: RealtimeStatus[] = [];
      client.on('trades', (t) => seen.push(t.id));
      client.on('status', (s) => steps.push(s));
      client.connect(await sign('alice'));
      const mode = webSocket ? 'ws' : 'polling';
      await until(() => client.getStatus().mode === mode, mode);
      await h.trades(1, 1);
      await until(() => seen.length === 1, 'the first trade');
      const before = steps.length;
      const received = client.getStatus().received;
      // One message per poll answer (or frame), the status otherwise unchanged.
      for (let n = 2; n <= 6; n++) {
        await h.trades(n, 1);
        await until(() => seen.length === n, `trade ${n}`);
        await sleep(150);
      }
      expect(steps.slice(before), mode).toEqual([]);
      expect(client.getStatus()).toMatchObject({ mode, received: received + 5 });
      client.disconnect();
      await stopHarnesses();
    }
  });

  it('leaves a server whose pings stop coming, and reconnects', async () => {
    const h = await harness({ pingIntervalMs: 60_000 });
    const client = nodeClient(h.url, { pingIntervalMs: 100, pongTimeoutMs: 100 });
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await until(() => client.getStatus().lastClose?.code === 4408, 'the silent socket left');
    await until(() => h.upgrades.length >= 2 && client.getStatus().mode === 'ws', 'the reconnect');
  });

  it('receives every type of the demo producer, typed and valid, and listen finds 0 violations', async () => {
    const h = await harness({ pingIntervalMs: 1000 });
    const demo = startDemoProducer(h.server, { users: ['alice'], intervalMs: 100 });
    try {
      const client = nodeClient(h.url);
      const got = new Set<string>();
      const invalid: unknown[] = [];
      client.on('message', (m) => got.add(m.type));
      client.on('invalid', (e) => invalid.push(e));
      client.connect(await sign('alice'));
      await until(() => STREAM_TYPES.every((t) => got.has(t)) && got.has('ping') && got.has('connection'), 'every type');
      expect(invalid).toEqual([]);
      // The server pings from this process's loop, beside the producer and the client: a stall of 250 ms made a true late
      // ping against ±150 ms, and a listen child killed at 20 s from its spawn (tsx's start included) printed nothing (tGZ
      // F2). Pings judged at 1 s ± 1 s; the child killed at runListen's bound; stderr in the failure.
      const result = await runListen([h.url, '--token', await sign('alice'), '--duration', '3500ms', '--ping-interval', '1000ms', '--tolerance', '1']);
      expect(result.stdout, result.stderr).toMatch(/ 0 violations\n$/);
      expect(result.status).toBe(0);
      for (const type of ['connection', 'ping', ...STREAM_TYPES]) expect(result.stdout).toMatch(new RegExp(`\\b${type} \\d+`));
    } finally {
      demo.stop();
    }
  });
});
