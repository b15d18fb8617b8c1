/** The client's API as a dashboard sees it: handlers typed by message type, events by name. */
import { describe, expectTypeOf, it } from 'vitest';
import realtimeClient, { createRealtimeClient, type GapEvent, type InvalidEvent, type RealtimeStatus, type UnknownEvent } from '../../src/client/index.js';
import type { ErrorData, ErrorMessage, PingMessage, ReceivedBotData, ReceivedConnectionData, ReceivedTradeData, ReceivedTradesMessage, TradeData } from '../../src/index.js';

describe('realtime client types', () => {
  it("on('trades') hands the trade's data and the whole message as received, and knows its fields", () => {
    realtimeClient.on('trades', (d) => d.side);
    realtimeClient.on('trades', (d, message) => {
      // Consumer-facing types (issue 13): a closed list also admits what a newer server adds.
      expectTypeOf(d).toEqualTypeOf<ReceivedTradeData>();
      expectTypeOf(message).toEqualTypeOf<ReceivedTradesMessage>();
      expectTypeOf(d.side).toEqualTypeOf<'buy' | 'sell' | (string & {})>();
    });
    // @ts-expect-error: a dashboard must handle an exchange this version does not list
    realtimeClient.on('trades', (d) => ((platform: TradeData['platform']) => platform)(d.platform));
    // @ts-expect-error: a misspelt field does not compile
    realtimeClient.on('trades', (d) => d.sidee);
    // @ts-expect-error: an unknown event name does not compile
    realtimeClient.on('trade', () => undefined);
  });

  it('types every event and the unsubscribe function', () => {
    const client = createRealtimeClient({ url: 'ws://127.0.0.1:1/api/ws' });
    const stop = client.on('bots', (d: ReceivedBotData) => d.status);
    expectTypeOf(stop).toEqualTypeOf<() => void>();
    client.on('connection', (d) => expectTypeOf(d).toEqualTypeOf<ReceivedConnectionData>());
    client.on('ping', (d) => expectTypeOf(d).toEqualTypeOf<PingMessage>());
    client.on('error', (d, m, fault) => {
      expectTypeOf(d).toEqualTypeOf<ErrorData>();
      expectTypeOf(m).toEqualTypeOf<ErrorMessage>();
      expectTypeOf(fault?.cause).toEqualTypeOf<unknown>();
    });
    client.on('invalid', (e) => expectTypeOf(e).toEqualTypeOf<InvalidEvent>());
    client.on('unknown', (e) => expectTypeOf(e).toEqualTypeOf<UnknownEvent>());
    client.on('gap', (e) => expectTypeOf(e).toEqualTypeOf<GapEvent>());
    client.connect(async () => 'token');
    expectTypeOf(client.getStatus().mode).toEqualTypeOf<'ws' | 'polling' | 'offline'>();
    expectTypeOf(client.getStatus()).toEqualTypeOf<RealtimeStatus>();
  });
});
