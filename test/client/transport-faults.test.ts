/**
 * What the client tells of its transport, as README's `invalid` and `error` events and the
 * docstrings say (a fresh user found `CLIENT_TRANSPORT_ERROR` in the types but not in README,
 * and a binary frame's `message` said to be text): a WebSocket that cannot be made or cannot
 * send is `CLIENT_TRANSPORT_ERROR`; a binary frame's `message` is the frame's data as the
 * WebSocket gives it, a Buffer under ws.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientFault, InvalidEvent } from '../../src/client/index.js';
import { closeClients, nodeClient, until } from './support/helpers.js';

const TS = '2026-01-14T16:30:00.000Z';
const servers: WebSocketServer[] = [];
afterEach(async () => {
  closeClients();
  for (const wss of servers.splice(0)) {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
});

/** A ws server on 127.0.0.1 that sends `frames` to each socket. */
async function server(frames: (string | Buffer)[]): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    for (const frame of frames) ws.send(frame);
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`;
}

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: TS, cursor: 'e1.0' });

describe('the client: faults of its transport', () => {
  it('tells a WebSocket constructor that throws as CLIENT_TRANSPORT_ERROR, a failed attempt it makes again', async () => {
    let made = 0;
    class Refusing {
      constructor() {
        made++;
        throw new Error('blocked by policy');
      }
    }
    const client = nodeClient('ws://127.0.0.1:9/api/ws', { WebSocket: Refusing as never, polling: false });
    const faults: [unknown, ClientFault | undefined][] = [];
    client.on('error', (data, _message, fault) => faults.push([data, fault]));
    client.connect('token');
    await until(() => made >= 2, 'a second attempt');
    expect(faults[0]).toEqual([{ code: 'CLIENT_TRANSPORT_ERROR', message: 'Error: blocked by policy' }, { code: 'CLIENT_TRANSPORT_ERROR', event: undefined, cause: new Error('blocked by policy') }]);
    expect(client.getStatus().mode).toBe('offline');
  });

  it('tells a send that throws (a pong) as CLIENT_TRANSPORT_ERROR, the socket kept', async () => {
    const url = await server([connection, JSON.stringify({ type: 'ping', timestamp: 5 })]);
    class Mute extends WebSocket {
      override send(): void {
        throw new Error('cannot send');
      }
    }
    const client = nodeClient(url, { WebSocket: Mute as never, polling: false });
    const faults: (ClientFault | undefined)[] = [];
    client.on('error', (_data, _message, fault) => faults.push(fault));
    client.connect('token');
    await until(() => faults.length >= 1, 'the fault');
    expect(faults[0]).toMatchObject({ code: 'CLIENT_TRANSPORT_ERROR', cause: new Error('cannot send') });
    expect(client.getStatus().mode).toBe('ws');
  });

  it("gives a binary frame's data as the WebSocket gives it, a Buffer under ws, as InvalidEvent.message", async () => {
    const bytes = Buffer.from(JSON.stringify({ type: 'ping', timestamp: 5 }));
    const url = await server([connection, bytes]);
    const client = nodeClient(url, { polling: false });
    const invalid: InvalidEvent[] = [];
    client.on('invalid', (event) => invalid.push(event));
    client.connect('token');
    await until(() => invalid.length >= 1, 'the invalid event');
    expect(invalid[0]!.reason).toBe('json');
    expect(Buffer.isBuffer(invalid[0]!.message)).toBe(true);
    expect(invalid[0]!.message).toEqual(bytes);
  });
});
