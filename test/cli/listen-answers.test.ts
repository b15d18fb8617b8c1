/**
 * `realtime-contract listen` holds a server to its answers: the `resume` of its first
 * `connection` message to the `since` listen asked with, a pong to the ping listen sends once the
 * server has shown a cursor (as the package's client does), and an upgrade answer begun and cut short is said
 * as such, not as no answer (a tester's own backend, tAE F1, F3, F5).
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { harness, sign, stopHarnesses } from '../client/support/reference.js';
import { runListen as listen, stopWsServers, wsServer } from '../support/listen.js';
import { frame, rawServer, stopRawServers, upgraded } from '../support/raw-backend.js';

afterEach(stopWsServers);
afterEach(stopHarnesses);

/** The budget of one listen run of a few seconds, its start included (20-23 s at load 35 on 2 CPUs, tGZ F3): runListen's own kill bound. */
const CLI_RUN_MS = 55_000;

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

describe('listen: the resume of the connection message against the since asked (tAE F3)', () => {
  /** Runs listen at a server whose first frame is `connection(resume, cursor)`, the URL with `query`. */
  async function answered(resume: string | undefined, cursor: string | undefined, query: string) {
    const url = await wsServer((ws) => ws.send(connection(resume, cursor)));
    return listen([`${url}${query}`, '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
  }

  it('reports "resumed" or "gap" to a socket that asked with no since, and "new" to one that asked with a since', async () => {
    const resumed = await answered('resumed', 'e1.0', '');
    expect(resumed.stdout).toContain('frame 0: connection /data/resume expected "new" or no resume (listen asked with no since), got "resumed", which answers a since: "resumed" says every message after since follows (ResumeStatus), and "new" means no since was given\n');
    expect(resumed.stdout).toMatch(/\nconnection 1\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/);
    expect(resumed.status).toBe(1);
    const gap = await answered('gap', 'e1.0', '');
    expect(gap.stdout).toContain('frame 0: connection /data/resume expected "new" or no resume (listen asked with no since), got "gap", which answers a since: "gap" says since cannot be resumed from (ResumeStatus), and "new" means no since was given\n');
    expect(gap.status).toBe(1);
    const fresh = await answered('new', 'e1.5', '?since=e1.2');
    expect(fresh.stdout).toContain('frame 0: connection /data/resume expected "resumed" or "gap" (listen asked with since="e1.2"), got "new", which the contract gives only when no since was given (ResumeStatus): the client takes it for a gap\n');
    expect(fresh.status).toBe(1);
  });

  it('reports a "resumed" stream whose cursor is not the since asked (it jumped ahead: the messages between were lost untold)', async () => {
    const { status, stdout } = await answered('resumed', 'e1.9', '?since=e1.2');
    expect(stdout).toContain('frame 0: connection /cursor expected the since asked, "e1.2", as the cursor of a "resumed" stream (every message after since follows, and the stream continues from this cursor: ResumeStatus, ConnectionData), got "e1.9": the stream goes on from another position than the one asked\n');
    expect(status).toBe(1);
  });

  // One listen started per case, one after another: a start alone took 8.5-9.5 s at load 20-25 (tHX F4) and 20-23 s at
  // load 35 (tGZ F3), so 5-6 of them outran the default 60 s (tHX F6). The timeout is CLI_RUN_MS per case.
  const allowed = [['new', 'e1.5', ''], ['resumed', 'e1.2', '?since=e1.2'], ['gap', 'e2.0', '?since=e1.2'], [undefined, undefined, '?since=e1.2'], [undefined, 'e1.0', ''], ['resumed', undefined, '?since=e1.2']] as const;
  it('passes what the contract allows: "new" without since, "resumed" from the since itself, "gap" to one, no resume (v1.0), "resumed" without a cursor', { timeout: allowed.length * CLI_RUN_MS }, async () => {
    for (const [resume, cursor, query] of allowed) {
      // --duration 1s also bounds the handshake: on a loaded machine a failure says why (status, stderr).
      const { status, stdout, stderr } = await answered(resume, cursor, query);
      expect(stdout, `${resume} ${cursor} ${query}: status ${status}, stderr ${JSON.stringify(stderr)}`).toMatch(/^connection 1\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
      expect(status, stderr).toBe(0);
    }
  });

  const emptySince = [['new', 'e1.0'], ['new', undefined], ['gap', 'e1.0']] as const;
  const emptySinceResumed = ['e1.0', undefined] as const;
  it('an empty since= names no position: "new" and "gap" answer it and pass, "resumed" is reported (README)', { timeout: (emptySince.length + emptySinceResumed.length) * CLI_RUN_MS }, async () => {
    for (const [resume, cursor] of emptySince) {
      const { status, stdout, stderr } = await answered(resume, cursor, '?since=');
      expect(stdout, `${resume} ${cursor}: status ${status}, stderr ${JSON.stringify(stderr)}`).toMatch(/^connection 1\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
      expect(status, stderr).toBe(0);
    }
    // Without a cursor too: nothing else in the frame to fault.
    for (const cursor of emptySinceResumed) {
      const { status, stdout, stderr } = await answered('resumed', cursor, '?since=');
      expect(stdout, `resumed ${cursor}: status ${status}, stderr ${JSON.stringify(stderr)}`).toBe('frame 0: connection /data/resume expected "new" or "gap" (listen asked with an empty since, which names no position), got "resumed", which says every message after since follows (ResumeStatus)\nconnection 1\n1 frame (1 valid, 0 invalid), 1 violation\n');
      expect(status).toBe(1);
    }
  });

  it('the reference server passes, asked with no since and with one it resumes from', async () => {
    const h = await harness();
    const token = await sign('alice');
    const first = await listen([h.url, '--token', token, '--count', '1', '--format', 'json', '--no-ping']);
    const report = JSON.parse(first.stdout) as { violationCount: number };
    expect(report.violationCount).toBe(0);
    // The stream's head, from the cursor of a connection message; then 3 trades after it.
    const { default: WS } = await import('ws');
    const since = await new Promise<string>((resolve) => {
      const ws = new WS(`${h.url}?token=${token}`);
      ws.once('message', (data) => {
        ws.terminate();
        resolve((JSON.parse(String(data)) as { cursor: string }).cursor);
      });
    });
    await h.trades(0, 3);
    const resumed = await listen([`${h.url}?since=${since}`, '--token', token, '--count', '4', '--format', 'json', '--no-ping']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ frames: 4, violationCount: 0, counts: { connection: 1, trades: 3 } });
    expect(resumed.status).toBe(0);
  });
});

describe('listen pings a server that has shown a cursor (v1.1), as the client does (tAE F1)', () => {
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

  it('a server that sends no cursor (v1.0, the spec\'s) is not pinged, as the client does not ping it, and passes without --no-ping', async () => {
    const received: string[] = [];
    const url = await wsServer((ws) => {
      ws.on('message', (data) => {
        received.push(String(data));
        ws.close(1008, 'unexpected message');
      });
      ws.send(connection(undefined, undefined));
    });
    const { status, stdout } = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^connection 1\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
    expect(received).toEqual([]);
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
    expect(stdout).toMatch(/^close: - \(root\) the server closed the connection with 1008 "unexpected message" before the run ended, while listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) awaited its pong, (?:within )?\d+(?: to \d+)? ms after it(?: \(read [^)]*\))? \(if the ping made it close: the package's client pings a server once it has shown protocol v1\.1 \(a message with a cursor\): a client may ping the server, which answers with a pong; v1\.0 servers \(the spec's\) send no cursor and are not pinged \(--no-ping sends none\)\)\n/);
    expect(stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/);
    expect(status).toBe(1);
    const quiet = await listen([url, '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(quiet.stdout).toMatch(/^connection 1\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(quiet.status).toBe(0);
  });

  it('a server that closes 1000 on a client ping gets a warning: the client stays closed after such a close (it passed with no word: tAH F5)', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', () => ws.close(1000));
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout, stderr } = await listen([url, '--duration', '2s', '--ping-interval', '60000']);
    expect(stderr).toMatch(/^close: warning: - \(root\) the server closed the connection with 1000 \(closed normally\) while listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) awaited its pong, (?:within )?\d+(?: to \d+)? ms after it(?: \(read [^)]*\))?: if the ping made it close, the package's client stays closed \(1000\) after each such ping \(the package's client pings .*\(--no-ping sends none\)\)\n$/);
    expect(stdout).toMatch(/^connection 1\nclosed by the server: 1000\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
  });

  it('a server that closes 1001, 4410 or 1013 on a client ping is a violation that names the ping: the client reconnects and is closed again after each ping (exit 0 with no word: tGT F4)', async () => {
    for (const [code, reason, name] of [[1001, 'restarting', 'GoingAway'], [4410, 'gap', 'StreamGap'], [1013, 'busy', 'TryAgainLater']] as const) {
      const url = await wsServer((ws) => {
        ws.on('message', () => ws.close(code, reason));
        ws.send(connection('new', 'e.0'));
      });
      const { status, stdout, stderr } = await listen([url, '--duration', '2s', '--ping-interval', '60000']);
      expect(stdout, stdout).toMatch(new RegExp(`^close: - \\(root\\) the server closed the connection with ${code} "${reason}" before the run ended \\(${name}\\), while listen's ping \\(timestamp \\d+, sent after frame 0, the first with a cursor\\) awaited its pong, (?:within )?\\d+(?: to \\d+)? ms after it(?: \\(read [^)]*\\))?: a close before the pong, as in answer to the ping; the package's client reconnects after ${code} and, closed so after each of its pings, never stays connected \\(a server ${code === 1001 ? 'going away' : 'closing so for its own condition'} just as the ping came closes so too: run listen again\\) \\(the package's client pings .*\\(--no-ping sends none\\)\\)\n`));
      expect(stdout).toMatch(new RegExp(`\nclosed by the server: ${code} "${reason}"\n1 frame \\(1 valid, 0 invalid\\), 1 violation\n$`));
      // Said once, as the violation: not the generic warning of 4410 and 1013 too.
      expect(stderr, `${code}`).toBe('');
      expect(status).toBe(1);
    }
  });

  it('a 1001 after the pong answered listen\'s ping passes with no word: a server going away (README)', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', (data) => {
        const { timestamp } = JSON.parse(String(data)) as { timestamp: number };
        ws.send(JSON.stringify({ type: 'pong', timestamp }));
        setTimeout(() => ws.close(1001, 'server shutting down'), 200);
      });
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout, stderr } = await listen([url, '--duration', '3s', '--ping-interval', '60000']);
    expect(stdout).toBe('connection 1, pong 1\nclosed by the server: 1001 "server shutting down"\n2 frames (2 valid, 0 invalid), 0 violations\n');
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('a 1001 written with the connection message, in one write before listen\'s ping went, is no answer to the ping: passes with no word (tHE F18)', async () => {
    const url = await rawServer((socket, key) => {
      const close = Buffer.concat([Buffer.from([0x03, 0xe9]), Buffer.from('server shutting down')]);
      socket.write(Buffer.concat([Buffer.from(upgraded(key), 'latin1'), frame(connection('new', 'e.0')), frame(close, { opcode: 8 })]));
    });
    try {
      const { status, stdout, stderr } = await listen([url, '--duration', '3s', '--ping-interval', '60000']);
      expect(stdout).toBe('connection 1\nclosed by the server: 1001 "server shutting down"\n1 frame (1 valid, 0 invalid), 0 violations\n');
      expect(stderr).toBe('');
      expect(status).toBe(0);
    } finally {
      stopRawServers();
    }
  });

  const errorMessage = JSON.stringify({ type: 'error', data: { code: 'INTERNAL_ERROR', message: 'upstream feed degraded' }, ts: '2026-01-14T16:30:00.000Z' });

  it('a server that answers the ping with an error and no pong is reported, the error named as the likely refusal', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', () => ws.send(errorMessage));
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout } = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^keepalive: - \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) within 10000 ms \(the contract's pong timeout\), got none before the run ended \(--duration 1000 ms\), (?:within )?\d+(?: to \d+)? ms after it(?: \(read [^)]*\))?; an error message came meanwhile \(frame 1, \d+ ms after the ping\), the likely refusal: the package's client pings .*\(--no-ping sends none\)\n/);
    expect(stdout).toMatch(/\nconnection 1, error 1\n2 frames \(2 valid, 0 invalid\), 1 violation\n$/);
    expect(status).toBe(1);
  });

  it('an error message followed by the pong echoing the ping passes: the error was no refusal (a false violation: tAH F7)', async () => {
    const url = await wsServer((ws) => {
      ws.on('message', (data) => {
        const { timestamp } = JSON.parse(String(data)) as { timestamp: number };
        ws.send(errorMessage);
        setTimeout(() => ws.send(JSON.stringify({ type: 'pong', timestamp })), 20);
      });
      ws.send(connection('new', 'e.0'));
    });
    const { status, stdout } = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(stdout).toMatch(/^connection 1, error 1, pong 1\n3 frames \(3 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
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
    expect(wrong.stdout).toMatch(/^frame 1: pong \/timestamp expected the timestamp of listen's ping \(timestamp (\d+), sent after frame 0, the first with a cursor\), \1, echoed unchanged, got \d+: /);
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
    expect(again.stdout).toContain('frame 2: pong (root) expected a pong only in answer to a ping, got one unasked (listen sends one ping, after the first message with a cursor, which frame 1 answered): the server pings, the client answers\n');
    expect(again.stdout).toMatch(/\nconnection 1, pong 2\n3 frames \(3 valid, 0 invalid\), 1 violation\n$/);
  });

  it('a server that never answers: reported when the run ends first (--duration, said), and after the pong timeout (10 s)', { timeout: 60_000 }, async () => {
    const url = await wsServer((ws) => ws.send(connection('new', 'e.0')));
    const short = await listen([url, '--duration', '1s', '--ping-interval', '60000']);
    expect(short.stdout).toMatch(/^keepalive: - \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) within 10000 ms \(the contract's pong timeout\), got none before the run ended \(--duration 1000 ms\), (?:within )?\d+(?: to \d+)? ms after it(?: \(read [^)]*\))?: the package's client pings .*\(--no-ping sends none\)\n/);
    expect(short.status).toBe(1);
    const long = await listen([url, '--duration', '12s', '--ping-interval', '60000'], {}, 40_000);
    expect(long.stdout).toMatch(/^keepalive: - \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) within 10000 ms \(the contract's pong timeout\), got none by then: the package's client pings .*\(--no-ping sends none\)\n/);
    expect(long.stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/);
    // --no-ping: a v1.0 server passes.
    const v10 = await listen([url, '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(v10.stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(v10.status).toBe(0);
  });
});

describe('listen: an upgrade answer begun and cut short (tAE F5)', () => {
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));

  /** A TCP server that writes `answer` to the upgrade request and nothing more (then ends the connection, with `end`); its URL. */
  async function stalling(answer: string, end = false): Promise<{ url: string; close: () => void }> {
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => {
        if (answer !== '') socket.write(answer);
        if (end) socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, close: () => server.close() };
  }

  it('says the server began its 101 answer and sent no end of its headers, with its status line; one that sent nothing is "no answer"', async () => {
    const half = await stalling('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n');
    const cut = await listen([half.url, '--token', 'a.b.c', '--duration', '2s']);
    expect(cut.stderr).toBe(`realtime-contract: cannot connect to ${half.url}?token=[redacted]: Opening handshake has timed out: the server began its answer ("HTTP/1.1 101 Switching Protocols", then 20 bytes of its headers) and sent no end of its headers (an empty line) within 2000 ms\n`);
    expect(cut.status).toBe(2);
    const line = await stalling('HTTP/1.1 10');
    const partial = await listen([line.url, '--duration', '2s']);
    expect(partial.stderr).toBe(`realtime-contract: cannot connect to ${line.url}: Opening handshake has timed out: the server began its answer ("HTTP/1.1 10", 11 bytes, its status line unfinished) and sent no end of its headers (an empty line) within 2000 ms\n`);
    const none = await stalling('');
    const silent = await listen([none.url, '--duration', '2s']);
    expect(silent.stderr).toBe(`realtime-contract: cannot connect to ${none.url}: Opening handshake has timed out: no answer within 2000 ms\n`);
    for (const server of [half, line, none]) server.close();
  });

  it('says the server began its answer and closed the connection, with its status line, where it said only "socket hang up" as for no answer (tAH F6)', async () => {
    const half = await stalling('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n', true);
    const cut = await listen([half.url, '--token', 'a.b.c', '--duration', '2s']);
    expect(cut.stderr).toBe(`realtime-contract: cannot connect to ${half.url}?token=[redacted]: the server began its answer ("HTTP/1.1 101 Switching Protocols", then 20 bytes of its headers) and closed the connection before the end of its headers (an empty line) (socket hang up)\n`);
    expect(cut.status).toBe(2);
    const busy = await stalling('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n', true);
    const refused = await listen([busy.url, '--duration', '2s']);
    expect(refused.stderr).toBe(`realtime-contract: cannot connect to ${busy.url}: the server began its answer ("HTTP/1.1 503 Service Unavailable", then 16 bytes of its headers) and closed the connection before the end of its headers (an empty line) (socket hang up)\n`);
    const none = await stalling('', true);
    const silent = await listen([none.url, '--duration', '2s']);
    expect(silent.stderr).toMatch(/^realtime-contract: cannot connect to \S+: socket hang up/);
    for (const server of [half, busy, none]) server.close();
  });
});
