/**
 * The client against hand-written servers (http + ws on 127.0.0.1, an ephemeral port) that
 * answer in ways the reference server does not: a buffering proxy, a store that answers `gap`
 * at its head, a gateway that repeats `connection`, a network that refuses WebSocket (found by a
 * hostile tester; each failed before its fix).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createRealtimeClient } from '../../src/client/client.js';
import { httpReason } from '../../src/client/dashboard/http-reason.js';
import type { GapEvent, RealtimeClient } from '../../src/client/index.js';
import { browserWindow, example, sleep, until } from './support/helpers.js';

const TS = '2026-01-14T16:30:00.000Z';
const trade = (cursor: string) => ({ ...example('trades'), data: { ...(example('trades').data as object), id: `t_${cursor}` }, cursor });
const conn = (resume: string, cursor: string) => ({ type: 'connection', data: { status: 'connected', mode: 'ws', resume }, ts: TS, cursor });

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** An http server whose upgrades and requests the test answers itself. */
async function hostile(onRequest: (req: IncomingMessage, res: ServerResponse) => void, onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, wss: WebSocketServer) => void): Promise<{ url: string; server: Server }> {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer(onRequest);
  server.on('upgrade', (req, socket, head) => {
    // The client resets a refused socket as it reads the answer: an unheard ECONNRESET would end the run.
    socket.on('error', () => undefined);
    onUpgrade(req, socket, head, wss);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    server.closeAllConnections();
    server.close();
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, server };
}

function track(client: RealtimeClient): RealtimeClient {
  cleanups.unshift(() => client.disconnect());
  return client;
}

describe('the client at the edges of its transports', () => {
  it("an 'online' hint retries the polling fallback soon too, not only the socket (README: hints to retry soon, within min(baseMs, 1 s))", async () => {
    // A network that refuses WebSocket (a proxy: 404 on every upgrade), where polling is the
    // only transport. The network goes away (polls fail), then comes back, and the browser says `online`.
    let offline = false;
    const { url } = await hostile(
      (req, res) => {
        if (offline) return void res.destroy();
        const since = new URL(req.url!, 'http://x').searchParams.get('since');
        res.writeHead(200, { 'content-type': 'application/json' });
        if (!since) return void res.end(JSON.stringify({ cursor: 'e1.0', resume: 'new', messages: [] }));
        setTimeout(() => res.end(JSON.stringify({ cursor: since, resume: 'resumed', messages: [] })), 300);
      },
      (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    );
    const { win, restore } = browserWindow();
    cleanups.push(restore);
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 20_000, maxMs: 20_000 }, random: () => 0.99 }));
    client.connect('tok');
    await until(() => client.getStatus().mode === 'polling', 'polling (upgrades refused)');
    offline = true;
    await until(() => client.getStatus().mode === 'offline', 'a failed poll');
    // The poll loop now waits its backoff step (about 20 s).
    offline = false;
    win.dispatchEvent(new Event('online'));
    const at = Date.now();
    await until(() => client.getStatus().mode === 'polling' || Date.now() - at > 8000, 'polling again, or 8 s', 10_000);
    expect(client.getStatus().mode, `still ${client.getStatus().mode} ${Date.now() - at} ms after 'online'`).toBe('polling');
  }, 20_000);

  it('a socket that raced a poll across a restart and answers gap from a later head tells the skipped positions as a gap', async () => {
    // Socket 1: E.0..E.3, then drops. The client polls (fallbackAfter 1) and probes the socket
    // from E.3. The poll answers first: gap, the new epoch's F.1..F.5. F.6 and F.7 are published.
    // The probe opens then: gap, the stream continues after the head F.7 (as a store that cannot
    // replay the new epoch answers: the Redis store's plain gap). F.6 and F.7 are never delivered.
    let upgrades = 0;
    const { url } = await hostile(
      (req, res) => {
        if (!req.url!.includes('since=E.3')) return; // later polls are held, never answered
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ cursor: 'F.5', resume: 'gap', messages: [1, 2, 3, 4, 5].map((i) => trade(`F.${i}`)) }));
        }, 150);
      },
      (req, socket, head, wss) => {
        const n = ++upgrades;
        const go = () =>
          wss.handleUpgrade(req, socket, head, (ws) => {
            const send = (m: object) => ws.send(JSON.stringify(m));
            if (n === 1) {
              for (const m of [conn('new', 'E.0'), trade('E.1'), trade('E.2'), trade('E.3')]) send(m);
              setTimeout(() => ws.close(1011), 100);
            } else {
              send(conn('gap', 'F.7'));
              send(trade('F.8'));
            }
          });
        if (n === 1) go();
        else setTimeout(go, 400);
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 50, maxMs: 200, jitter: false }, fallbackAfter: 1 }));
    const got: string[] = [];
    const gaps: GapEvent[] = [];
    client.on('trades', (_d, m) => got.push(m.cursor!));
    client.on('gap', (e) => gaps.push(e));
    client.connect('tok');
    await until(() => got.includes('F.8'), 'F.8');
    await sleep(100);
    expect(got).toEqual(['E.1', 'E.2', 'E.3', 'F.1', 'F.2', 'F.3', 'F.4', 'F.5', 'F.8']);
    // F.6 and F.7 were skipped: the app must be told (as a second gap), or it never refetches them.
    expect(gaps.map((g) => [g.since, g.cursor])).toEqual([
      ['E.3', 'F.5'],
      ['F.5', 'F.7'],
    ]);
  });

  it('a `connection` that says gap on the first socket (asked without since) is told, and what follows is not dropped as repeats', async () => {
    // A gateway that re-sends the backend's `connection` when its upstream restarted in the same epoch.
    const { url } = await hostile(
      (_req, res) => res.end(),
      (req, socket, head, wss) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          for (const m of [conn('new', 'e1.0'), trade('e1.1'), trade('e1.2'), conn('gap', 'e1.0'), trade('e1.1'), trade('e1.2')]) ws.send(JSON.stringify(m));
        }),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false }));
    const got: string[] = [];
    const gaps: GapEvent[] = [];
    client.on('trades', (d) => got.push(d.id));
    client.on('gap', (e) => gaps.push(e));
    client.connect('tok');
    await until(() => client.getStatus().received + client.getStatus().duplicates >= 6, 'all six frames');
    expect(gaps).toHaveLength(1);
    expect(got).toEqual(['t_e1.1', 't_e1.2', 't_e1.1', 't_e1.2']);
  });
  it('a socket that opens but never delivers a frame (a buffering proxy) is not "stable": the client falls back to polling', async () => {
    // The defaults' ratios, scaled down: silence allowed 4 s (30 s + 10 s), stableMs 1 s (10 s), baseMs 100 ms (1 s).
    let polls = 0;
    const { url } = await hostile(
      (_req, res) => {
        polls++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ cursor: 'e1.0', resume: 'new', messages: [] }));
      },
      (req, socket, head, wss) => wss.handleUpgrade(req, socket, head, () => {}), // accepted, then not one frame
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 3000, pongTimeoutMs: 1000, backoff: { baseMs: 100, maxMs: 3000, stableMs: 1000 } }));
    client.connect('tok');
    // fallbackAfter is 3: after three silent sockets (about 13 s) polling should have started.
    await sleep(16_000);
    expect({ polls, attempts: client.getStatus().reconnectAttempts, lastClose: client.getStatus().lastClose?.code }).toMatchObject({ lastClose: 4408 });
    expect(polls, 'polls made while every socket stayed silent').toBeGreaterThan(0);
  }, 25_000);
  it('while polling, a probe socket takes over on its first frame, not its open: a silent one stops no poll, nor reads `ws` (a reviewer: 4 s without a poll per probe)', async () => {
    const polls: number[] = [];
    const { url } = await hostile(
      (req, res) => {
        polls.push(Date.now());
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ cursor: 'e1.0', resume: req.url!.includes('since') ? 'resumed' : 'new', messages: [] }));
        }, 300);
      },
      (req, socket, head, wss) => wss.handleUpgrade(req, socket, head, () => {}), // accepted, then not one frame
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, fallbackAfter: 1, pingIntervalMs: 3000, pongTimeoutMs: 1000, backoff: { baseMs: 100, maxMs: 1000, stableMs: 1000, jitter: false } }));
    const modes = new Set<string>();
    client.on('status', (st) => {
      if (polls.length > 0) modes.add(st.mode);
    });
    client.connect('tok');
    await until(() => polls.length > 0, 'polling', 10_000);
    await sleep(6000);
    // Probes opened every second or so, each silent for 4 s: polls went on (answered in 0.3 s).
    const stretches = [...polls.slice(1), Date.now()].map((t, i) => t - polls[i]!);
    expect(Math.max(...stretches), `gaps between polls: ${stretches.join(', ')} ms`).toBeLessThan(1500);
    expect([...modes]).not.toContain('ws');
  }, 25_000);
  it('while polls answer, a silent probe is still dropped after the allowed silence and another made: the socket takes over once upgrades pass frames again (a hostile tester: polls kept it, polling until reload)', async () => {
    // Polls held 300 ms, more often than the allowed silence (500 + 300 ms). The first upgrade
    // is refused (polling at once); then upgrades open and pass no frame (a buffering proxy) for
    // 2.5 s; then they speak.
    let upgrades = 0;
    let speakFrom = Infinity;
    const { url } = await hostile(
      (req, res) => {
        const since = new URL(req.url!, 'http://x').searchParams.get('since');
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: since ?? 'e1.0', resume: since ? 'resumed' : 'new', messages: [] })), since ? 300 : 0);
      },
      (req, socket, head, wss) => {
        if (upgrades++ === 0) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        const speak = Date.now() >= speakFrom;
        wss.handleUpgrade(req, socket, head, (ws) => speak && ws.send(JSON.stringify(conn('resumed', 'e1.0'))));
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 500, pongTimeoutMs: 300, backoff: { baseMs: 50, maxMs: 100 } }));
    let takenOver = false;
    client.on('status', (st) => {
      if (st.mode === 'ws') takenOver = true;
    });
    client.connect('tok');
    await until(() => client.getStatus().mode === 'polling', 'polling');
    await until(() => upgrades >= 2, 'a silent probe');
    speakFrom = Date.now() + 2500;
    await until(() => takenOver, 'the socket taking over from polling', 8000);
    expect(upgrades, 'silent probes dropped and made again').toBeGreaterThan(3);
  }, 15_000);
  it('a server that sends no `connection` message (the spec sends it when the state changes) has the attempts reset after a stable connection all the same: each drop waits the first step (a hostile tester: they climbed on a healthy stream)', async () => {
    let n = 0;
    // What went out on each socket before its close: a loaded machine's stalled interval sends fewer than 14 in 700 ms (tGZ F5).
    const sentByClose: number[] = [];
    const { url } = await hostile(
      (_req, res) => res.writeHead(404).end(),
      (req, socket, head, wss) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          const timer = setInterval(() => ws.readyState === ws.OPEN && ws.send(JSON.stringify(trade(`e1.${++n}`))), 50);
          ws.on('close', () => {
            clearInterval(timer);
            sentByClose.push(n);
          });
          setTimeout(() => ws.close(1001, 'restart'), 700); // a deploy, after stableMs
        }),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, backoff: { baseMs: 50, maxMs: 200, stableMs: 300 } }));
    const counted = attemptsAtEachDrop(client);
    client.connect('tok');
    await until(() => counted.length >= 3 && sentByClose.length >= 2, 'three drops');
    expect(counted.slice(0, 3)).toEqual([1, 1, 1]);
    // Delivered all along: everything the first two sockets carried.
    expect(sentByClose[1]).toBeGreaterThan(1);
    expect(client.getStatus().received, 'messages delivered all along').toBeGreaterThanOrEqual(sentByClose[1]!);
  }, 15_000);
  it('a path that passes the first frames and then nothing is no stable connection: each silent drop counts, and the client polls after fallbackAfter (a fresh tester: attempt 1 again at every drop, polling never came)', async () => {
    // The `connection` and one message pass, then nothing (no ping, no close): stableMs (200 ms)
    // is long past when each socket is dropped as silent (600 + 300 ms). Polls work.
    let polls = 0;
    const { url } = await hostile(
      (req, res) => {
        polls++;
        const since = new URL(req.url!, 'http://x').searchParams.get('since');
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: since ?? 'e1.1', resume: since ? 'resumed' : 'new', messages: [] })), 200);
      },
      (req, socket, head, wss) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.send(JSON.stringify(conn('new', 'e1.0')));
          ws.send(JSON.stringify(trade('e1.1')));
        }),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, backoff: { baseMs: 50, maxMs: 100, stableMs: 200 } }));
    // Each silent drop: the attempts it counts, and what the client does next.
    const drops: string[] = [];
    client.on('status', (st) => {
      if (st.lastClose?.code === 4408 && st.nextAttemptAt !== null && st.mode === 'offline') drops.push(`${st.reconnectAttempts} ${st.state}`);
    });
    client.connect('tok');
    await until(() => polls > 0, 'a poll after three silent sockets', 15_000);
    expect(drops.slice(0, 3)).toEqual(['1 waiting', '2 waiting', '3 polling']);
  }, 20_000);
  it('a frame that comes stableMs or more after the first one makes the connection stable: a quiet stream whose server pings has its attempts reset', async () => {
    // `connection`, then only the server's ping 400 ms later (past stableMs, 200 ms); then a deploy's 1001.
    const { url } = await hostile(
      (_req, res) => res.writeHead(404).end(),
      (req, socket, head, wss) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.send(JSON.stringify(conn('new', 'e1.0')));
          setTimeout(() => ws.send(JSON.stringify({ type: 'ping', timestamp: Date.now() })), 400);
          setTimeout(() => ws.close(1001, 'restart'), 600);
        }),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, backoff: { baseMs: 50, maxMs: 100, stableMs: 200 } }));
    const counted = attemptsAtEachDrop(client);
    client.connect('tok');
    await until(() => counted.length >= 3, 'three drops');
    expect(counted.slice(0, 3)).toEqual([1, 1, 1]);
  }, 15_000);
  it('a lost socket is told in one status: `waiting` with the attempt counted and its time (a fresh tester: two `waiting` with no time came first), and so is each failed attempt', async () => {
    let upgrades = 0;
    const { url } = await hostile(
      (_req, res) => res.writeHead(404).end(),
      (req, socket, head, wss) => {
        // The first socket opens and is closed 1001 (a deploy); the next two attempts are refused 503; then it opens again.
        if (++upgrades === 2 || upgrades === 3) return void socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.send(JSON.stringify(conn(upgrades === 1 ? 'new' : 'resumed', 'e1.0')));
          if (upgrades === 1) setTimeout(() => ws.close(1001, 'restart'), 100);
        });
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, backoff: { baseMs: 50, maxMs: 100 } }));
    const seen: string[] = [];
    client.on('status', (st) => void seen.push(`${st.state} ${st.mode} attempts ${st.reconnectAttempts} ${st.nextAttemptAt === null ? 'no time' : 'timed'} ${st.lastClose?.code ?? '-'} ${st.lastHttpStatus ?? '-'}`));
    client.connect('tok');
    await until(() => upgrades >= 4 && client.getStatus().mode === 'ws', 'the socket back after two refused attempts');
    expect(seen).toEqual([
      'connecting offline attempts 0 no time - -',
      'open ws attempts 0 no time - -',
      'waiting offline attempts 1 timed 1001 -',
      'connecting offline attempts 1 no time 1001 -',
      'waiting offline attempts 2 timed 1001 503',
      'connecting offline attempts 2 no time 1001 503',
      'waiting offline attempts 3 timed 1001 503',
      'connecting offline attempts 3 no time 1001 503',
      'open ws attempts 3 no time 1001 503',
    ]);
  });
  it("the dashboard gives an HTTP status as the reason it is offline only when it came since the client was last connected (a fresh tester: polls' 408 from before 4 working sessions, read for 9 minutes while the server was down)", async () => {
    // Polls time out (408) while upgrades are refused; then both work; then the server is gone (no HTTP answer at all).
    let phase: 'timeouts' | 'working' = 'timeouts';
    const sockets: WebSocket[] = [];
    const { url, server } = await hostile(
      (req, res) => {
        if (phase === 'timeouts') return void res.writeHead(408).end();
        const since = new URL(req.url!, 'http://x').searchParams.get('since');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: since ?? 'e1.0', resume: since ? 'resumed' : 'new', messages: [] }));
      },
      (req, socket, head, wss) => {
        if (phase === 'timeouts') return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          sockets.push(ws);
          ws.send(JSON.stringify(conn('resumed', 'e1.0')));
        });
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 50, maxMs: 100 } }));
    // What the header would show beside each status, read in order as the dashboard does.
    const reason = httpReason();
    const shown: string[] = [];
    let gone = false;
    client.on('status', (st) => void shown.push(`${gone ? 'gone' : 'before'} ${st.mode} ${st.lastHttpStatus} ${reason(st)}`));
    client.connect('tok');
    await until(() => shown.some((line) => line.endsWith('offline 408 408')), 'the polls\' 408 shown while offline');
    phase = 'working';
    await until(() => client.getStatus().mode === 'ws', 'the socket taking over');
    gone = true;
    server.close();
    server.closeAllConnections();
    for (const ws of sockets) ws.terminate();
    await until(() => shown.filter((line) => line.startsWith('gone offline')).length >= 3, 'three failed attempts with the server gone');
    expect(client.getStatus().lastHttpStatus, 'the client keeps the last failed poll\'s status').toBe(408);
    expect(shown.filter((line) => line.startsWith('gone offline'))).toEqual(Array(shown.filter((line) => line.startsWith('gone offline')).length).fill('gone offline 408 null'));
  }, 20_000);
  it('a probe that the server closes with 1000 before its first frame is a failed probe: polling goes on, and so do the probes (a hostile tester: it ended working polls, state `closed`, nothing told)', async () => {
    // Upgrades refused at first (404: polling at once); then each probe is accepted and closed with 1000 at once.
    let closeProbes = false;
    let closedProbes = 0;
    let polls = 0;
    const { url } = await hostile(
      (req, res) => {
        polls++;
        const since = new URL(req.url!, 'http://x').searchParams.get('since');
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: since ?? 'e1.0', resume: since ? 'resumed' : 'new', messages: [] })), since ? 200 : 0);
      },
      (req, socket, head, wss) => {
        if (!closeProbes) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          closedProbes++;
          ws.close(1000, 'bye');
        });
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 100, maxMs: 200 } }));
    const events: string[] = [];
    client.on('connection', (d) => events.push(`${d.status} ${d.mode}`));
    const states = new Set<string>();
    client.on('status', (st) => void states.add(`${st.state} ${st.mode}`));
    client.connect('tok');
    await until(() => client.getStatus().mode === 'polling', 'polling');
    closeProbes = true;
    await until(() => closedProbes >= 3 || states.has('closed offline'), 'three probes closed with 1000');
    const pollsThen = polls;
    await until(() => polls > pollsThen + 1 || states.has('closed offline'), 'polls going on');
    expect([...states]).not.toContain('closed offline');
    expect(events).toEqual(['connected polling']);
  }, 15_000);
  it('lastHttpStatus keeps the polls\' 503 while probes fail without a status of their own (a hostile tester: "HTTP 503" came and went with each probe)', async () => {
    let probes = 0;
    const { url } = await hostile(
      (_req, res) => res.writeHead(503).end(),
      (_req, socket) => {
        if (probes++ === 0) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'); // polling at once
        socket.destroy(); // no HTTP status: a dropped connection
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 50, maxMs: 100 } }));
    const shown: (number | null)[] = [];
    client.on('status', (st) => void shown.push(st.lastHttpStatus));
    client.connect('tok');
    await until(() => probes >= 5, 'four probes after polls answered 503');
    const from = shown.indexOf(503);
    expect(from, `statuses: ${shown.join(', ')}`).toBeGreaterThan(-1);
    expect(shown.slice(from)).not.toContain(null);
  }, 15_000);
  it('a socket that opened but has passed no frame is no working WebSocket: `connecting`, offline, until its first frame (a hostile tester: a buffering proxy showed `ws`, connected, with no data for the whole allowed silence)', async () => {
    let speaking = false;
    const { url } = await hostile(
      (_req, res) => res.writeHead(404).end(),
      (req, socket, head, wss) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          setTimeout(() => {
            speaking = true;
            ws.send(JSON.stringify(conn('new', 'e1.0')));
          }, 700);
        }),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false }));
    // Each status as it came, and whether the server had spoken then.
    const seen: string[] = [];
    client.on('status', (st) => void seen.push(`${speaking ? 'after' : 'before'} ${st.state} ${st.mode} ${st.connected}`));
    client.connect('tok');
    await until(() => client.getStatus().mode === 'ws', 'the socket taking over at its first frame');
    expect(seen.filter((line) => line.startsWith('before'))).toEqual(['before connecting offline false']);
    expect(seen.at(-1)).toBe('after open ws true');
    client.disconnect();
    expect(client.getStatus().lastClose).toEqual({ code: 1000, reason: '' });
  });
  it('disconnect() of a socket that opened and passed no frame yet is its close: lastClose 1000', async () => {
    let upgraded = false;
    const { url } = await hostile(
      (_req, res) => res.writeHead(404).end(),
      (req, socket, head, wss) => wss.handleUpgrade(req, socket, head, () => (upgraded = true)),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false }));
    client.connect('tok');
    await until(() => upgraded, 'the upgrade');
    await sleep(100);
    client.disconnect();
    expect(client.getStatus()).toMatchObject({ state: 'idle', lastClose: { code: 1000, reason: '' } });
  });
  it.each<[string, string | (() => string)]>([
    ['a fixed token', 'tok'],
    ['a provider that caches its token', () => 'tok'],
  ])('a probe closed with 4401 before its first frame is a failed probe, with %s: polling goes on, and the polls\' own 401 tells a refused token (it stopped the polls that worked, `unauthorized`)', async (_name, token) => {
    // Upgrades refused at first (404: polling at once); then each probe is accepted and closed
    // with 4401 at once, as a proxy or gateway may; the polls work with the same token.
    let closedProbes = 0;
    let polls = 0;
    let refusePolls = false;
    const { url } = await hostile(
      (req, res) => {
        polls++;
        if (refusePolls) return void res.writeHead(401).end();
        const since = new URL(req.url!, 'http://x').searchParams.get('since');
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: since ?? 'e1.0', resume: since ? 'resumed' : 'new', messages: [] })), since ? 200 : 0);
      },
      (req, socket, head, wss) => {
        if (polls === 0) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          closedProbes++;
          ws.close(4401, 'token expired');
        });
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 100, maxMs: 200 } }));
    const events: string[] = [];
    client.on('connection', (d) => events.push(`${d.status} ${d.mode}`));
    // Each status as it came: the transient states are read here, never from getStatus() after the fact.
    const seen: { state: string; mode: string; lastHttpStatus: number | null; lastClose: number | undefined }[] = [];
    client.on('status', (st) => void seen.push({ state: st.state, mode: st.mode, lastHttpStatus: st.lastHttpStatus, lastClose: st.lastClose?.code }));
    const stopped = () => seen.some((st) => st.state === 'unauthorized');
    client.connect(token);
    await until(() => closedProbes >= 3 || stopped(), 'three probes closed with 4401');
    const pollsThen = polls;
    await until(() => polls > pollsThen + 1 || stopped(), 'polls going on');
    expect(seen.filter((st) => st.state === 'unauthorized')).toEqual([]);
    expect(seen.some((st) => st.lastClose === 4401 && st.mode === 'polling'), 'a 4401 probe seen while polling').toBe(true);
    expect(events).toEqual(['connected polling']);
    // The token really refused: the polls say so themselves.
    refusePolls = true;
    await until(stopped, 'the polls\' 401 stopping the client');
    expect(seen.find((st) => st.state === 'unauthorized')).toMatchObject({ mode: 'offline', lastHttpStatus: 401 });
    // Up to the first `error`: a provider is asked again after each backoff step while
    // `unauthorized`, each refusal told again. (A provider's client is told `disconnected` first:
    // it asks again before it stops.)
    const told = events.slice(0, events.indexOf('error polling') + 1);
    expect(told.filter((e) => e !== 'disconnected polling')).toEqual(['connected polling', 'error polling']);
  }, 20_000);
  it("a poll's token answer that is the refused token (a refresh that lags) does not close a socket that opened with another token and has passed no frame yet (it closed it, `unauthorized`; a reviewer)", async () => {
    // The first socket is refused (404: polling at once); the poll with token A is refused 401
    // and told to wait 2 s. The probe gets B from the provider and opens; the server holds its
    // first frame. The poll's next ask gets A again, the refused one.
    let calls = 0;
    let upgraded = 0;
    const closedByClient: number[] = [];
    let probe: WebSocket | undefined;
    let due = false;
    const speak = () => due && probe?.send(JSON.stringify(conn('new', 'e1.0')));
    const { url } = await hostile(
      (req, res) => {
        if (req.headers.authorization !== 'Bearer B') return void res.writeHead(401, { 'retry-after': '2' }).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: 'e1.0', resume: 'new', messages: [] }));
      },
      (req, socket, head, wss) => {
        if (!req.url!.includes('token=B')) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          upgraded++;
          ws.on('close', (code) => closedByClient.push(code));
          probe = ws;
          speak();
        });
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 300, maxMs: 5000, jitter: false } }));
    const seen: string[] = [];
    client.on('status', (st) => void seen.push(`${st.state} ${st.mode}`));
    const asked: string[] = [];
    // Asks 1 (the first socket) and 2 (the first poll) get A, ask 3 (the probe, 300 ms on) B,
    // and the later ones (the poll again, 2 s on) A: a cache that lags.
    client.connect(() => {
      const t = ++calls === 3 ? 'B' : 'A';
      asked.push(t);
      // The poll's ask after the probe's: the server speaks a little later.
      if (calls === 4) setTimeout(() => (due = true) && speak(), 400);
      return t;
    });
    await until(() => seen.includes('open ws') || seen.some((line) => line.startsWith('unauthorized')), 'the socket taking over, or the client stopping');
    expect(asked.slice(0, 4)).toEqual(['A', 'A', 'B', 'A']);
    expect(seen.filter((line) => line.startsWith('unauthorized'))).toEqual([]);
    expect(seen).toContain('open ws');
    expect(upgraded).toBe(1);
    expect(closedByClient).toEqual([]);
  }, 20_000);
  it('a silent server is told the close the client reports: 4408 "silent" on both sides (it was sent 4000; a fresh user)', async () => {
    const closes: [number, string][] = [];
    const { url } = await hostile(
      (_req, res) => res.end(),
      (req, socket, head, wss) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('close', (code, reason) => closes.push([code, String(reason)]));
          ws.send(JSON.stringify(conn('new', 'e1.0')));
        }),
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 1000, pongTimeoutMs: 500, polling: false, backoff: { baseMs: 60_000, maxMs: 60_000 } }));
    client.connect('tok');
    await until(() => closes.length > 0, 'the close of the silent socket', 10_000);
    expect(closes).toEqual([[4408, 'silent']]);
    expect(client.getStatus().lastClose).toEqual({ code: 4408, reason: 'silent' });
  });
});

/** The attempts counted at each drop of `client`'s socket, as the status of that moment says them. */
function attemptsAtEachDrop(client: ReturnType<typeof createRealtimeClient>): number[] {
  const counted: number[] = [];
  client.on('status', (st) => {
    if (st.state === 'waiting' && st.nextAttemptAt !== null) counted.push(st.reconnectAttempts);
  });
  return counted;
}
