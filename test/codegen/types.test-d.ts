import { describe, expectTypeOf, it } from 'vitest';
import {
  createMessage,
  createPong,
  MESSAGE_TYPES,
  validateMessage,
  type ClientMessage,
  type EnvelopeMessageType,
  type GlobalMessage,
  type GlobalMessageType,
  type PollResponse,
  type StreamMessage,
  type UserMessage,
  type UserMessageType,
  type Message,
  type MessageDataMap,
  type MessageMap,
  type MessageType,
  type PingMessage,
  type PongMessage,
  type ServerMessage,
  type TradeData,
  type TradesMessage,
  type WhaleData,
} from '../../src/index.js';

describe('generated types', () => {
  it('names every message type', () => {
    expectTypeOf<MessageType>().toEqualTypeOf<
      'connection' | 'ping' | 'pong' | 'trades' | 'bots' | 'balances' | 'decisions' | 'metrics' | 'whale' | 'alerts' | 'system_health' | 'wallet' | 'ai_tasks' | 'error'
    >();
    expectTypeOf(MESSAGE_TYPES).toEqualTypeOf<
      readonly ['connection', 'ping', 'pong', 'trades', 'bots', 'balances', 'decisions', 'metrics', 'whale', 'alerts', 'system_health', 'wallet', 'ai_tasks', 'error']
    >();
  });

  it('splits messages by direction: ping and pong travel both ways', () => {
    expectTypeOf<ClientMessage>().toEqualTypeOf<PingMessage | PongMessage>();
    expectTypeOf<ServerMessage['type']>().toEqualTypeOf<MessageType>();
    expectTypeOf<ServerMessage | ClientMessage>().toEqualTypeOf<Message>();
  });

  it('splits server messages by audience: publish takes user types, broadcast global ones', () => {
    expectTypeOf<UserMessageType>().toEqualTypeOf<'trades' | 'bots' | 'balances' | 'decisions' | 'metrics' | 'alerts' | 'wallet' | 'ai_tasks'>();
    expectTypeOf<GlobalMessageType>().toEqualTypeOf<'whale' | 'system_health'>();
    expectTypeOf<StreamMessage>().toEqualTypeOf<UserMessage | GlobalMessage>();
    expectTypeOf<TradesMessage['cursor']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<PollResponse['messages'][number]>().toEqualTypeOf<StreamMessage>();
  });

  it('maps type to message and to payload', () => {
    expectTypeOf<MessageMap['trades']>().toEqualTypeOf<TradesMessage>();
    expectTypeOf<MessageMap['ping']>().toEqualTypeOf<PingMessage>();
    expectTypeOf<MessageDataMap['trades']>().toEqualTypeOf<TradeData>();
    expectTypeOf<EnvelopeMessageType>().toEqualTypeOf<Exclude<MessageType, 'ping' | 'pong'>>();
  });

  it('narrows on type', () => {
    const handle = (message: Message) => {
      if (message.type === 'trades') {
        expectTypeOf(message.data.side).toEqualTypeOf<'buy' | 'sell'>();
        expectTypeOf(message.data.pnl).toEqualTypeOf<number | null>();
      }
      if (message.type === 'ping') {
        expectTypeOf(message.timestamp).toEqualTypeOf<number>();
        // @ts-expect-error ping has no envelope
        void message.data;
      }
    };
    void handle;
  });

  it('offers known values of open strings without closing them', () => {
    expectTypeOf<WhaleData['flow_type']>().toEqualTypeOf<'inflow' | 'outflow' | (string & {})>();
    const flow: WhaleData['flow_type'] = 'sideways';
    void flow;
  });

  it('rejects a misspelled field at compile time', () => {
    const data = {
      id: 'trade_1', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', quantity: 0.001,
      price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z',
    } as const;
    // @ts-expect-error `sde` is not a field of TradeData (and `side` is missing)
    const misspelled: TradeData = { ...data, sde: 'buy' };
    // @ts-expect-error "hold" is not a side
    const wrongSide: TradeData = { ...data, side: 'hold' };
    void misspelled;
    void wrongSide;
  });

  it('types the builders by message type', () => {
    expectTypeOf(createMessage<'trades'>).parameter(1).toEqualTypeOf<TradeData>();
    expectTypeOf(createMessage<'trades'>).returns.toEqualTypeOf<TradesMessage>();
    expectTypeOf(createPong).returns.toEqualTypeOf<PongMessage>();
    // @ts-expect-error ping is built with createPing, it has no data
    createMessage('ping', {});
  });

  it('types a validated message as a Message', () => {
    const result = validateMessage({});
    if (result.ok) expectTypeOf(result.message).toEqualTypeOf<Message>();
  });
});
