import { describe, expectTypeOf, it } from 'vitest';
import {
  parseMessage,
  type ErrorData,
  type MessageDataMap,
  type MetricsData,
  type ReceivedErrorData,
  type ReceivedMetricsData,
  type ReceivedSystemHealthData,
  type ReceivedWhaleData,
  type AssetBalance,
  type ReceivedAssetBalance,
  type ReceivedBalancesData,
  type SystemHealthData,
  type WhaleData,
  validateMessage,
  type Message,
  type PingMessage,
  type Platform,
  type ReceivedMessage,
  type ReceivedMessageDataMap,
  type ReceivedMessageMap,
  type ReceivedPingMessage,
  type ReceivedPlatform,
  type ReceivedServerMessage,
  type ReceivedTradeData,
  type ServerMessage,
  type TradeData,
} from '../src/index.js';

// Issue 13: producer types stay closed; consumer-facing (Received) types let through what
// tolerant validation lets through, so a consumer must handle a value it does not know.
describe('consumer-facing (Received) types', () => {
  it('open a closed list on the consumer side only', () => {
    expectTypeOf<'an-exchange-of-the-future'>().not.toMatchTypeOf<TradeData['platform']>();
    expectTypeOf<'an-exchange-of-the-future'>().toMatchTypeOf<ReceivedTradeData['platform']>();
    expectTypeOf<'short'>().toMatchTypeOf<ReceivedTradeData['side']>();
    expectTypeOf<Platform>().toMatchTypeOf<ReceivedPlatform>();
    expectTypeOf<ReceivedMessageDataMap['trades']>().toEqualTypeOf<ReceivedTradeData>();
    expectTypeOf<ReceivedMessageMap['trades']['data']>().toEqualTypeOf<ReceivedTradeData>();
  });

  it('keep the message type closed, so a switch on type still narrows', () => {
    expectTypeOf<ReceivedMessage['type']>().toEqualTypeOf<Message['type']>();
    expectTypeOf<ReceivedServerMessage['type']>().toEqualTypeOf<ServerMessage['type']>();
  });

  it('accept every producer message: what a producer builds, a consumer can hold', () => {
    expectTypeOf<Message>().toMatchTypeOf<ReceivedMessage>();
    expectTypeOf<ReceivedPingMessage>().toEqualTypeOf<PingMessage>();
  });

  it('name every payload, as README says: an alias of the producer type where it holds no closed list (ReceivedWhaleData did not exist: tBL F5)', () => {
    expectTypeOf<ReceivedWhaleData>().toEqualTypeOf<WhaleData>();
    expectTypeOf<ReceivedMetricsData>().toEqualTypeOf<MetricsData>();
    expectTypeOf<ReceivedSystemHealthData>().toEqualTypeOf<SystemHealthData>();
    expectTypeOf<ReceivedErrorData>().toEqualTypeOf<ErrorData>();
    expectTypeOf<ReceivedMessageDataMap['whale']>().toEqualTypeOf<ReceivedWhaleData>();
    expectTypeOf<MessageDataMap['metrics']>().toEqualTypeOf<ReceivedMetricsData>();
  });

  it('name every definition they use by its Received name, an alias where it holds no closed list, so a consumer naming a balance entry ReceivedAssetBalance keeps compiling once AssetBalance gains one (it was AssetBalance, the only name, then ReceivedAssetBalance: tHV F4)', () => {
    expectTypeOf<ReceivedAssetBalance>().toEqualTypeOf<AssetBalance>();
    expectTypeOf<ReceivedBalancesData['balances'][string]>().toEqualTypeOf<ReceivedAssetBalance>();
  });

  it('are what tolerant validation returns; strict returns the producer types', () => {
    const tolerant = parseMessage('{}', { mode: 'tolerant' });
    if (tolerant.ok) expectTypeOf(tolerant.message).toEqualTypeOf<ReceivedMessage>();
    const strict = validateMessage({});
    if (strict.ok) expectTypeOf(strict.message).toEqualTypeOf<Message>();
    const explicit = validateMessage({}, { mode: 'strict' });
    if (explicit.ok) expectTypeOf(explicit.message).toEqualTypeOf<Message>();
    const chosen = validateMessage({}, { mode: Math.random() > 0.5 ? 'strict' : 'tolerant' });
    if (chosen.ok) expectTypeOf(chosen.message).toEqualTypeOf<ReceivedMessage>();
  });
});
