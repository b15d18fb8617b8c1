/**
 * Resume overlaps a server may send (a hostile tester): a replay that reaches back before where
 * the client started, and a `connection` without `resume` (it is optional) whose cursor lies
 * behind the client's. Neither may hand the app a message twice, nor tell a gap where nothing
 * was lost. Real sockets on 127.0.0.1 (ws), the client in Node.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../src/client/index.js';
import { example, until } from './support/helpers.js';

const trade = (k: number) => ({ ...example('trades'), data: { ...(example('trades').data as object), id: `t${k}` }, cursor: `e.${k}` });
const connection = (data: object, cursor: string) => ({ type: 'connection', data: { status: 'connected', mode: 'ws', ...data }, ts: new Date().toISOString(), cursor });

let http: Server | undefined;
let wss: WebSocketServer | undefined;
let client: RealtimeClient | undefined;
afterEach(async () => {
  client?.disconnect();
  for (const socket of wss?.clients ?? []) socket.terminate();
  wss?.close();
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  http = wss = client = undefined;
});

/** `first` scripts the first socket, `later` each one after it (with the `since` it asked from). */
async function run(first: (send: (m: object) => void, ws: WebSocket) => void, later: (send: (m: object) => void, since: string | null) => void) {
  http = createServer();
  wss = new WebSocketServer({ server: http });
  const asked: (string | null)[] = [];
  wss.on('connection', (ws, request) => {
    const send = (m: object) => ws.send(JSON.stringify(m));
    const since = new URL(request.url!, 'http://x').searchParams.get('since');
    asked.push(since);
    if (asked.length === 1) first(send, ws);
    else later(send, since);
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  client = createRealtimeClient({ url: `ws://127.0.0.1:${port}/api/ws`, WebSocket, polling: false, backoff: { baseMs: 20, maxMs: 50 } });
  const ids: string[] = [];
  const gaps: unknown[] = [];
  client.on('trades', (data) => void ids.push(data.id));
  client.on('gap', (gap) => void gaps.push(gap));
  client.connect('token');
  return { ids, gaps, asked };
}

/**
 * A client of `server` (its upgrades refused, so the client polls at once), connected: the ids
 * of the trades it delivers and the gaps it tells, as they come.
 */
async function pollingClient(server: Server): Promise<{ ids: string[]; gaps: unknown[] }> {
  server.on('upgrade', (_request, raw: import('node:stream').Duplex) => void raw.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = createRealtimeClient({ url: `ws://127.0.0.1:${port}/api/ws`, WebSocket, fallbackAfter: 1, random: () => 0, backoff: { baseMs: 5000, maxMs: 5000 } });
  const ids: string[] = [];
  const gaps: unknown[] = [];
  client.on('trades', (data) => void ids.push(data.id));
  client.on('gap', (gap) => void gaps.push(gap));
  client.connect('token');
  return { ids, gaps };
}

it('a resume whose replay reaches back before where the client started delivers nothing twice, and tells no gap', async () => {
  const { ids, gaps, asked } = await run(
    (send, ws) => {
      send(connection({ resume: 'new' }, 'e.10')); // the client starts at the head, e.10
      for (let k = 11; k <= 15; k++) send(trade(k));
      setTimeout(() => ws.close(1011), 50);
    },
    (send, since) => {
      send(connection({ resume: 'resumed' }, since!));
      for (let k = 9; k <= 17; k++) send(trade(k)); // a replay with a margin, back to e.9
    },
  );
  await until(() => ids.includes('t17'), 't17');
  expect(asked).toEqual([null, 'e.15']);
  // It was t11…t15, then t9, t10 and t11…t15 again, after a gap { since: 'e.15', cursor: 'e.9' }.
  expect(ids).toEqual(['t11', 't12', 't13', 't14', 't15', 't16', 't17']);
  expect(gaps).toEqual([]);
  expect(client!.getStatus().duplicates).toBe(7);
});

it('a connection without resume whose ordered cursor lies behind the client is the stream going back: told as a gap, what follows delivered', async () => {
  const { ids, gaps } = await run(
    (send, ws) => {
      send(connection({ resume: 'new' }, 'e.0'));
      for (let k = 1; k <= 3; k++) send(trade(k));
      setTimeout(() => ws.close(1011), 50);
    },
    (send) => {
      send(connection({}, 'e.0')); // no resume, and the cursor back at e.0 though the client asked from e.3
      for (let k = 1; k <= 5; k++) send(trade(k));
    },
  );
  await until(() => ids.includes('t5') && ids.length === 8, 't1…t5 after t1…t3');
  // It was delivered twice, silently (no gap, duplicates 0). A replay or a server that lost its
  // history (a reviewer: dropping them lost the new ones): the client cannot tell, so it says so.
  expect(ids).toEqual(['t1', 't2', 't3', 't1', 't2', 't3', 't4', 't5']);
  expect(gaps).toEqual([{ since: 'e.3', cursor: 'e.0', mode: 'ws' }]);
});

it('a connection cursor far ahead, or a stream rolled back before where the client began, is still told as a gap and delivered (a reviewer: a floor at the start dropped them silently)', async () => {
  const ahead = await run(
    (send) => {
      send(connection({ resume: 'new' }, 'e1.99999999999999999999'));
      for (let k = 2; k <= 6; k++) send({ ...trade(k), cursor: `e1.${k}` });
    },
    () => undefined,
  );
  await until(() => ahead.ids.length === 5, 't2…t6');
  expect(ahead.ids).toEqual(['t2', 't3', 't4', 't5', 't6']);
  expect(ahead.gaps).toHaveLength(1);
});

it('a stream rolled back, within one socket, to before where the client began: told as a gap, the new messages delivered', async () => {
  const { ids, gaps } = await run(
    (send) => {
      send(connection({ resume: 'new' }, 'e.10'));
      for (const k of [11, 12, 3, 4, 5]) send(trade(k));
    },
    () => undefined,
  );
  await until(() => ids.length === 5, 'five trades');
  expect(ids).toEqual(['t11', 't12', 't3', 't4', 't5']);
  expect(gaps).toEqual([{ since: 'e.12', cursor: 'e.3', mode: 'ws' }]);
});

it('over polling too: a resumed answer whose replay reaches back before where the client began delivers nothing twice and tells no gap (a reviewer)', async () => {
  let polls = 0;
  http = createServer((request, response) => {
    polls++;
    const since = new URL(request.url!, 'http://x').searchParams.get('since');
    const answer = (body: object) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (polls === 1) return answer({ cursor: 'e.10', resume: 'new', messages: [] });
    if (polls === 2) return answer({ cursor: 'e.15', resume: 'resumed', messages: [11, 12, 13, 14, 15].map(trade) });
    if (polls === 3) return answer({ cursor: 'e.17', resume: 'resumed', messages: [9, 10, 11, 12, 13, 14, 15, 16, 17].map(trade) });
    setTimeout(() => answer({ cursor: since, resume: 'resumed', messages: [] }), 5000);
  });
  const { ids, gaps } = await pollingClient(http);
  await until(() => ids.includes('t17'), 't17');
  http.closeAllConnections();
  expect(ids).toEqual(['t11', 't12', 't13', 't14', 't15', 't16', 't17']);
  expect(gaps).toEqual([]);
});

it('two messages a server sends out of order are the stream going back, as README says: a gap told at the earlier, and a replay after it delivers the later again (a hostile tester)', async () => {
  const { ids, gaps, asked } = await run(
    (send, ws) => {
      send(connection({ resume: 'new' }, 'e.0'));
      for (const k of [1, 3, 2]) send(trade(k));
      setTimeout(() => ws.close(1012), 50);
    },
    (send, since) => {
      send(connection({ resume: 'resumed' }, since!));
      for (let k = Number(since!.split('.')[1]) + 1; k <= 4; k++) send(trade(k));
    },
  );
  await until(() => ids.includes('t4'), 't4');
  expect(asked).toEqual([null, 'e.2']);
  expect(gaps).toEqual([{ since: 'e.3', cursor: 'e.2', mode: 'ws' }]);
  expect(ids).toEqual(['t1', 't3', 't2', 't3', 't4']);
});

// A `resume` the contract does not list (tolerant mode lets it through) is read as none: `restarted` hid the gap (a fresh user).
it.each([{}, { resume: 'restarted' }])('a connection with %o as resume whose cursor is of another epoch is a new stream: told as a gap before its messages, which are delivered (a new epoch went untold)', async (data) => {
  const epochTrade = (epoch: string, k: number, id: number) => ({ ...trade(id), cursor: `${epoch}.${k}` });
  const { ids, gaps } = await run(
    (send, ws) => {
      send(connection({ resume: 'new' }, 'e1.0'));
      for (let k = 1; k <= 3; k++) send(epochTrade('e1', k, k));
      setTimeout(() => ws.close(1011), 50);
    },
    (send) => {
      send(connection(data, 'e2.0')); // no resume (or one unknown): the server's history began again, in epoch e2
      for (let k = 1; k <= 2; k++) send(epochTrade('e2', k, k + 3));
    },
  );
  const order: string[] = [];
  client!.on('gap', () => void order.push('gap'));
  client!.on('trades', (data) => void order.push(data.id));
  await until(() => ids.includes('t5'), 't5');
  expect(ids).toEqual(['t1', 't2', 't3', 't4', 't5']);
  expect(gaps).toEqual([{ since: 'e1.3', cursor: 'e2.0', mode: 'ws' }]);
  expect(order).toEqual(['t1', 't2', 't3', 'gap', 't4', 't5']);
});

it.each(['gap', 'new'])('a %s answer past the cursor the client asked from, in its epoch, whose replay reaches back before that cursor, delivers nothing twice', async (resume) => {
  const { ids, gaps, asked } = await run(
    (send, ws) => {
      send(connection({ resume: 'new' }, 'e.0'));
      for (let k = 1; k <= 5; k++) send(trade(k));
      setTimeout(() => ws.close(1011), 50);
    },
    (send) => {
      send(connection({ resume }, 'e.7')); // e.6 and e.7 lost
      for (const k of [3, 4, 5, 8, 9]) send(trade(k)); // t3…t5 again, before the e.5 asked from
    },
  );
  await until(() => ids.includes('t9'), 't9');
  expect(asked).toEqual([null, 'e.5']);
  // It was t1…t5, then t3…t5 again, after a second gap at e.3.
  expect(ids).toEqual(['t1', 't2', 't3', 't4', 't5', 't8', 't9']);
  expect(gaps).toEqual([{ since: 'e.5', cursor: 'e.7', mode: 'ws' }]);
  expect(client!.getStatus()).toMatchObject({ cursor: 'e.9', duplicates: 3 });
});

it.each(['gap', 'new'])('over polling too: a %s answer past the cursor the poll sent, in its epoch, whose messages reach back before that cursor, delivers nothing twice', async (resume) => {
  let polls = 0;
  http = createServer((request, response) => {
    polls++;
    const since = new URL(request.url!, 'http://x').searchParams.get('since');
    const answer = (body: object) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (polls === 1) return answer({ cursor: 'e.0', resume: 'new', messages: [] });
    if (polls === 2) return answer({ cursor: 'e.5', resume: 'resumed', messages: [1, 2, 3, 4, 5].map(trade) });
    if (polls === 3) return answer({ cursor: 'e.8', resume, messages: [3, 4, 5, 6, 7, 8].map(trade) });
    setTimeout(() => answer({ cursor: since, resume: 'resumed', messages: [] }), 5000);
  });
  const { ids, gaps } = await pollingClient(http);
  await until(() => ids.includes('t8'), 't8');
  http.closeAllConnections();
  expect(ids).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
  expect(gaps).toEqual([{ since: 'e.5', cursor: 'e.8', mode: 'polling' }]);
  expect(client!.getStatus()).toMatchObject({ cursor: 'e.8', duplicates: 3 });
});

// tCT's mutants of the resume rule that no test above caught (F1, F3, F4, F5): each case below is
// the boundary or the later-message half of a rule README states ("Resume without duplicates").

/** A first socket that delivers t1..t3 of a new stream (epoch `e`), then is cut (1011): the client asks again from e.3. */
const threeThenCut = (send: (m: object) => void, ws: WebSocket): void => {
  send(connection({ resume: 'new' }, 'e.0'));
  for (let k = 1; k <= 3; k++) send(trade(k));
  ws.close(1011);
};

it('a gap answered AT the cursor the client asked from (a store that lost its history at its head), then a replay of what it delivered: told once, nothing delivered twice (tCT F1)', async () => {
  const { ids, gaps, asked } = await run(
    threeThenCut,
    (send) => {
      send(connection({ resume: 'gap' }, 'e.3')); // gap at the client's own cursor
      for (const k of [2, 3, 4]) send(trade(k)); // t2, t3 again, then on
    },
  );
  await until(() => ids.includes('t4'), 't4');
  expect(asked).toEqual([null, 'e.3']);
  // README: after a gap of the client's epoch at or after its cursor, the positions up to it
  // were delivered, and a replay of them is dropped (it was t2, t3 twice, and a second gap at e.2).
  expect(ids).toEqual(['t1', 't2', 't3', 't4']);
  expect(gaps).toEqual([{ since: 'e.3', cursor: 'e.3', mode: 'ws' }]);
  expect(client!.getStatus()).toMatchObject({ cursor: 'e.4', duplicates: 2 });
});

it('a later connection on the same socket saying gap behind the client (a gateway re-attached to a restarted upstream) is no race with a poll: told, and the new stream delivered (tCT F3)', async () => {
  const { ids, gaps } = await run(
    (send) => {
      send(connection({ resume: 'new' }, 'e.0'));
      for (let k = 1; k <= 5; k++) send(trade(k));
      send(connection({ resume: 'gap' }, 'e.2')); // the upstream started over at e.2, same epoch
      for (const k of [3, 4, 9]) send({ ...trade(k), data: { ...(trade(k).data as object), id: `r${k}` } });
    },
    () => undefined,
  );
  await until(() => ids.includes('r9'), 'r9');
  // The restarted stream's messages are new ones: delivered (they were dropped as repeats of t3, t4).
  expect(ids).toEqual(['t1', 't2', 't3', 't4', 't5', 'r3', 'r4', 'r9']);
  expect(gaps).toEqual([{ since: 'e.5', cursor: 'e.2', mode: 'ws' }]);
  expect(client!.getStatus().duplicates).toBe(0);
});

it('a later connection on a socket asked without since, saying new in another epoch, is told as a gap before its messages (tCT F4)', async () => {
  const order: string[] = [];
  const { gaps } = await run(
    (send) => {
      send(connection({ resume: 'new' }, 'e1.0'));
      for (let k = 1; k <= 2; k++) send({ ...trade(k), cursor: `e1.${k}` });
      send(connection({ resume: 'new' }, 'e2.0')); // the server's history began again
      send({ ...trade(3), cursor: 'e2.1' });
    },
    () => undefined,
  );
  client!.on('gap', () => void order.push('gap'));
  client!.on('trades', (data) => void order.push(data.id));
  await until(() => order.includes('t3'), 't3');
  expect(gaps).toEqual([{ since: 'e1.2', cursor: 'e2.0', mode: 'ws' }]);
  expect(order).toEqual(['t1', 't2', 'gap', 't3']);
});

it('a resumed answer at a cursor behind the since asked (a server off the contract) is no loss: no gap told, and nothing delivered twice (tCT F5)', async () => {
  const { ids, gaps, asked } = await run(
    threeThenCut,
    (send) => {
      send(connection({ resume: 'resumed' }, 'e.2')); // asked from e.3
      for (const k of [3, 4]) send(trade(k));
    },
  );
  await until(() => ids.includes('t4'), 't4');
  expect(asked).toEqual([null, 'e.3']);
  expect(ids).toEqual(['t1', 't2', 't3', 't4']);
  expect(gaps).toEqual([]);
  expect(client!.getStatus().duplicates).toBe(1);
});
