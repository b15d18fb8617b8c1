/**
 * `realtime-contract listen` holds a server to its answers: the `resume` of its first
 * `connection` message to the `since` listen asked with, a pong to the ping listen sends as the
 * socket opens (as the package's client does), and an upgrade answer begun and cut short is said
 * as such, not as no answer (a tester's own backend, tAE F1, F3, F5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { harness, sign, stopHarnesses } from '../client/support/reference.js';
import { runListen as listen, stopWsServers, wsServer } from '../support/listen.js';

afterEach(stopWsServers);
afterEach(stopHarnesses);

const connection = (resume: string | undefined, cursor: string | undefined) =>
  JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', ...(resume === undefined ? {} : { resume }) }, ts: '2026-01-14T16:30:00.000Z', ...(cursor === undefined ? {} : { cursor }) });

/** Answers a client's ping as the contract has it (v1.1): a pong echoing its timestamp. */
function answerPings(ws: WebSocket, received: string[] = []): void {
  ws.on('message', (data) => {
    received.push(String(data));
    const message = JSON.parse(String(data)) as { type: string; timestamp: number };
    if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong', timestamp: message.timestamp }));
  });
}

describe('listen pings the server as the socket opens, as the client does (tAE F1)', () => {
  it('a server that answers with a pong echoing the timestamp passes; the pong is counted, not unasked', async () => {
    const received: string[] = [];
    const url = await wsServer((ws) => {
      answerPings(ws, received);
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout } = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^connection 1, pong 1\n2 frames \(2 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!)).toEqual({ type: 'ping', timestamp: expect.any(Number) });
  });

  it('the reference server answers it', async () => {
    const h = await harness();
    const { status, stdout } = await listen([h.url, '--token', await sign('alice'), '--duration', '1s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^connection 1, pong 1\n2 frames \(2 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
  });

  it('a server that closes on a client ping is reported with it (it passed clean while the client could not stay connected); --no-ping sends none', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', () => ws.close(1008, 'unexpected message'));
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout } = await listen([url, '--duration', '2s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^close: - \(root\) the server closed the connection with 1008 "unexpected message" before the run ended, while listen's ping \(timestamp \d+, sent as the socket opened\) awaited its pong, \d+ ms after it \(if the ping made it close: the package's client pings the server as each socket opens \(protocol v1\.1: a client may ping the server, which answers with a pong\); v1\.0 servers \(the spec's\) do not answer client pings: --no-ping for one\)\n/);
    expect(stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/);
    expect(status).toBe(1);
    const quiet = await listen([url, '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(quiet.stdout).toMatch(/^connection 1\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(quiet.status).toBe(0);
  });

  it('a server that answers the ping with an error is reported on that frame', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', () => ws.send(JSON.stringify({ type: 'error', data: { code: 'INVALID_MESSAGE', message: 'clients do not ping' }, ts: '2026-01-14T16:30:00.000Z' })));
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout } = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^frame 1: error \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent as the socket opened\), got an error message in its place, \d+ ms after it: the package's client pings .*: --no-ping for one\n/);
    expect(stdout).toMatch(/\n2 frames \(2 valid, 0 invalid\), 1 violation\n$/);
    expect(status).toBe(1);
  });

  it('a pong that echoes another timestamp is reported, and one more after the answer is unasked', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', (data) => {
        const { timestamp } = JSON.parse(String(data)) as { timestamp: number };
        ws.send(JSON.stringify({ type: 'pong', timestamp: timestamp + 1 }));
      });
      ws.send(connection('new', 'e.0'));
    });
    const wrong = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(wrong.stdout).toMatch(/^frame 1: pong \/timestamp expected the timestamp of listen's ping \(timestamp (\d+), sent as the socket opened\), \1, echoed unchanged, got \d+: /);
    expect(wrong.status).toBe(1);
    const twice = await wsServer((ws) => {
      ws.on('message', (data) => {
        const { timestamp } = JSON.parse(String(data)) as { timestamp: number };
        ws.send(JSON.stringify({ type: 'pong', timestamp }));
        ws.send(JSON.stringify({ type: 'pong', timestamp }));
      });
      ws.send(connection('new', 'e.0'));
    });
    const again = await listen([twice, '--duration', '1s', '--ping-interval', '60000']);
    expect(again.stdout).toContain('frame 2: pong (root) expected a pong only in answer to a ping, got one unasked (listen sends one ping, as the socket opens, which frame 1 answered): the server pings, the client answers\n');
    expect(again.stdout).toMatch(/\nconnection 1, pong 2\n3 frames \(3 valid, 0 invalid\), 1 violation\n$/);
  });

  it('a server that never answers: reported when the run ends first (--duration, said), and after the pong timeout (10 s)', { timeout: 60_000 }, async () => {
    const url = await wsServer((ws) => ws.send(connection('new', 'e.0')));
    const short = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(short.stdout).toMatch(/^keepalive: - \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent as the socket opened\) within 10000 ms \(the contract's pong timeout\), got none before the run ended \(--duration 1000 ms\), \d+ ms after it: the package's client pings .*: --no-ping for one\n/);
    expect(short.status).toBe(1);
    const long = await listen([url, '--duration', '12s', '--ping-interval', '60000'], {}, 40_000);
    expect(long.stdout).toMatch(/^keepalive: - \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent as the socket opened\) within 10000 ms \(the contract's pong timeout\), got none: the package's client pings .*: --no-ping for one\n/);
    expect(long.stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/);
    // --no-ping: a v1.0 server passes.
    const v10 = await listen([url, '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(v10.stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(v10.status).toBe(0);
  });
});
