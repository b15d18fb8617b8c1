/** README's client snippets type-check as written: `ws`'s WebSocket (Node 20) and the browser's are accepted without a cast. */
import { describe, expectTypeOf, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../src/client/index.js';
import type { FetchLike, TokenSource, WebSocketConstructor, WebSocketLike } from '../../src/client/index.js';
import nodeFetch from './support/node-fetch-3.js';
import type { ReceivedTradeData, ReceivedTradesMessage } from '../../generated/received-types.js';

declare const nodeSocket: NodeWebSocket;
declare const domSocket: WebSocket;

describe('client WebSocket option', () => {
  it("accepts ws's WebSocket and the DOM's, and their instances as WebSocketLike", () => {
    expectTypeOf(createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: NodeWebSocket })).toEqualTypeOf<RealtimeClient>();
    expectTypeOf(createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: globalThis.WebSocket })).toEqualTypeOf<RealtimeClient>();
    const fromNode: WebSocketLike = nodeSocket;
    const fromDom: WebSocketLike = domSocket;
    const constructors: WebSocketConstructor[] = [NodeWebSocket, globalThis.WebSocket];
    expectTypeOf([fromNode, fromDom]).toEqualTypeOf<WebSocketLike[]>();
    expectTypeOf(constructors).toEqualTypeOf<WebSocketConstructor[]>();
  });

  it("takes the spec's connect(localStorage.getItem('token')) as written: a string or null (null is no token, as README says)", () => {
    const client = createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: NodeWebSocket });
    const stored: string | null = null as string | null;
    expectTypeOf(client.connect(stored)).toEqualTypeOf<void>();
    expectTypeOf(client.connect()).toEqualTypeOf<void>();
    expectTypeOf(client.connect(async () => 'token')).toEqualTypeOf<void>();
    // @ts-expect-error a number is no token (a TypeError at run time)
    client.connect(42);
  });

  it("takes README's \"or an async () => token\" of the same storage: a provider giving null or undefined is no token, as the runtime reads it (tAP F13: TS2345)", () => {
    const client = createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: NodeWebSocket });
    const storage = { getItem: (key: string): string | null => key };
    expectTypeOf(client.connect(() => storage.getItem('token'))).toEqualTypeOf<void>();
    expectTypeOf(client.connect(async () => storage.getItem('token'))).toEqualTypeOf<void>();
    expectTypeOf(client.connect(async () => storage.getItem('token') ?? undefined)).toEqualTypeOf<void>();
    expectTypeOf(client.connect(() => undefined)).toEqualTypeOf<void>();
    const provider: TokenSource = () => storage.getItem('token');
    expectTypeOf(client.connect(provider)).toEqualTypeOf<void>();
    // @ts-expect-error a provider of a number gives no token (CLIENT_TOKEN_ERROR at run time)
    client.connect(() => 42);
  });

  it("types a trades handler as README's comment says: the data and the message as received", () => {
    const client = createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: NodeWebSocket });
    client.on('trades', (trade, message) => {
      expectTypeOf(trade).toEqualTypeOf<ReceivedTradeData>();
      expectTypeOf(message).toEqualTypeOf<ReceivedTradesMessage>();
    });
  });

  it("types an invalid event's errors as never empty, so errors[0] needs no check, as on parseMessage's result (tAB F4)", () => {
    const client = createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: NodeWebSocket });
    client.on('invalid', (event) => {
      expectTypeOf(event.errors[0].pointer).toEqualTypeOf<string>();
      expectTypeOf(event.errors[0].keyword).toEqualTypeOf<string>();
    });
  });

  it("accepts node-fetch 3's fetch without a cast, as README says the client takes it, and the global fetch (browsers, Node 20) still (tAB F5)", () => {
    expectTypeOf(createRealtimeClient({ url: 'ws://127.0.0.1:9/api/ws', WebSocket: NodeWebSocket, fetch: nodeFetch })).toEqualTypeOf<RealtimeClient>();
    expectTypeOf(createRealtimeClient({ url: 'ws://127.0.0.1:9/api/ws', WebSocket: NodeWebSocket, fetch: globalThis.fetch })).toEqualTypeOf<RealtimeClient>();
    const fetches: FetchLike[] = [nodeFetch, fetch, (url, init) => fetch(url, init)];
    expectTypeOf(fetches).toEqualTypeOf<FetchLike[]>();
    // @ts-expect-error a fetch that gives no response with status, ok, headers and text() is refused
    createRealtimeClient({ fetch: async (url: string) => url });
  });

  it("takes disconnect as its JSDoc says: as a callback through an arrow, the options checked (a misspelt one would forget nothing, silently; tAB F7)", () => {
    const client = createRealtimeClient({ url: 'wss://example.com/api/ws', WebSocket: NodeWebSocket });
    const done = Promise.resolve('closed');
    expectTypeOf(done.then(() => client.disconnect())).toEqualTypeOf<Promise<void>>();
    expectTypeOf(client.disconnect({ forgetCursor: true })).toEqualTypeOf<void>();
    // @ts-expect-error forgetCursr is misspelt
    client.disconnect({ forgetCursr: true });
  });
});
