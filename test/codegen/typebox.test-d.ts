import type { Static } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import type * as TB from '../../generated/typebox.js';
import type * as T from '../../generated/types.js';

// Static types of the TypeBox schemas must be identical to the json-schema-to-typescript types:
// one contract, two ways to spell it, and a consumer may mix them freely.

describe('Static<TypeBox schema> is the type of the same name in types.ts', () => {
  it('messages', () => {
    expectTypeOf<Static<typeof TB.ConnectionMessage>>().toEqualTypeOf<T.ConnectionMessage>();
    expectTypeOf<Static<typeof TB.PingMessage>>().toEqualTypeOf<T.PingMessage>();
    expectTypeOf<Static<typeof TB.PongMessage>>().toEqualTypeOf<T.PongMessage>();
    expectTypeOf<Static<typeof TB.TradesMessage>>().toEqualTypeOf<T.TradesMessage>();
    expectTypeOf<Static<typeof TB.BotsMessage>>().toEqualTypeOf<T.BotsMessage>();
    expectTypeOf<Static<typeof TB.BalancesMessage>>().toEqualTypeOf<T.BalancesMessage>();
    expectTypeOf<Static<typeof TB.DecisionsMessage>>().toEqualTypeOf<T.DecisionsMessage>();
    expectTypeOf<Static<typeof TB.MetricsMessage>>().toEqualTypeOf<T.MetricsMessage>();
    expectTypeOf<Static<typeof TB.WhaleMessage>>().toEqualTypeOf<T.WhaleMessage>();
    expectTypeOf<Static<typeof TB.AlertsMessage>>().toEqualTypeOf<T.AlertsMessage>();
    expectTypeOf<Static<typeof TB.SystemHealthMessage>>().toEqualTypeOf<T.SystemHealthMessage>();
    expectTypeOf<Static<typeof TB.WalletMessage>>().toEqualTypeOf<T.WalletMessage>();
    expectTypeOf<Static<typeof TB.AiTasksMessage>>().toEqualTypeOf<T.AiTasksMessage>();
    expectTypeOf<Static<typeof TB.ErrorMessage>>().toEqualTypeOf<T.ErrorMessage>();
  });

  it('payloads and their parts', () => {
    expectTypeOf<Static<typeof TB.ConnectionData>>().toEqualTypeOf<T.ConnectionData>();
    expectTypeOf<Static<typeof TB.TradeData>>().toEqualTypeOf<T.TradeData>();
    expectTypeOf<Static<typeof TB.BotData>>().toEqualTypeOf<T.BotData>();
    expectTypeOf<Static<typeof TB.BalancesData>>().toEqualTypeOf<T.BalancesData>();
    expectTypeOf<Static<typeof TB.AssetBalance>>().toEqualTypeOf<T.AssetBalance>();
    expectTypeOf<Static<typeof TB.DecisionData>>().toEqualTypeOf<T.DecisionData>();
    expectTypeOf<Static<typeof TB.MarketData>>().toEqualTypeOf<T.MarketData>();
    expectTypeOf<Static<typeof TB.ComponentScores>>().toEqualTypeOf<T.ComponentScores>();
    expectTypeOf<Static<typeof TB.Sizing>>().toEqualTypeOf<T.Sizing>();
    expectTypeOf<Static<typeof TB.Stops>>().toEqualTypeOf<T.Stops>();
    expectTypeOf<Static<typeof TB.MetricsData>>().toEqualTypeOf<T.MetricsData>();
    expectTypeOf<Static<typeof TB.WhaleData>>().toEqualTypeOf<T.WhaleData>();
    expectTypeOf<Static<typeof TB.AlertData>>().toEqualTypeOf<T.AlertData>();
    expectTypeOf<Static<typeof TB.SystemHealthData>>().toEqualTypeOf<T.SystemHealthData>();
    expectTypeOf<Static<typeof TB.DependencyState>>().toEqualTypeOf<T.DependencyState>();
    expectTypeOf<Static<typeof TB.WalletData>>().toEqualTypeOf<T.WalletData>();
    expectTypeOf<Static<typeof TB.AiTaskData>>().toEqualTypeOf<T.AiTaskData>();
    expectTypeOf<Static<typeof TB.AiTaskResult>>().toEqualTypeOf<T.AiTaskResult>();
    expectTypeOf<Static<typeof TB.ErrorData>>().toEqualTypeOf<T.ErrorData>();
  });

  it('shared definitions', () => {
    expectTypeOf<Static<typeof TB.Timestamp>>().toEqualTypeOf<T.Timestamp>();
    expectTypeOf<Static<typeof TB.NullableTimestamp>>().toEqualTypeOf<T.NullableTimestamp>();
    expectTypeOf<Static<typeof TB.EpochMilliseconds>>().toEqualTypeOf<T.EpochMilliseconds>();
    expectTypeOf<Static<typeof TB.Identifier>>().toEqualTypeOf<T.Identifier>();
    expectTypeOf<Static<typeof TB.Platform>>().toEqualTypeOf<T.Platform>();
    expectTypeOf<Static<typeof TB.TradingPair>>().toEqualTypeOf<T.TradingPair>();
    expectTypeOf<Static<typeof TB.Asset>>().toEqualTypeOf<T.Asset>();
    expectTypeOf<Static<typeof TB.Side>>().toEqualTypeOf<T.Side>();
    expectTypeOf<Static<typeof TB.Fraction>>().toEqualTypeOf<T.Fraction>();
    expectTypeOf<Static<typeof TB.Percent>>().toEqualTypeOf<T.Percent>();
    expectTypeOf<Static<typeof TB.NonNegativeNumber>>().toEqualTypeOf<T.NonNegativeNumber>();
    expectTypeOf<Static<typeof TB.Count>>().toEqualTypeOf<T.Count>();
  });

  it('the Message union and MessageSchemas', () => {
    expectTypeOf<Static<typeof TB.Message>>().toEqualTypeOf<T.Message>();
    expectTypeOf<keyof typeof TB.MessageSchemas>().toEqualTypeOf<T.MessageType>();
    expectTypeOf<{ -readonly [K in keyof typeof TB.MessageSchemas]: Static<(typeof TB.MessageSchemas)[K]> }>().toEqualTypeOf<T.MessageMap>();
  });

  it('rejects a misspelled field and keeps known values open', () => {
    const trade: Static<typeof TB.TradeData> = {
      id: 'trade_12345',
      bot_id: 'bot_abc',
      platform: 'luno',
      symbol: 'BTC-ZAR',
      side: 'buy',
      quantity: 0.001,
      price: 850000,
      total: 850,
      fee: 2.55,
      status: 'filled',
      pnl: null,
      // @ts-expect-error `timestamp` is misspelled, and the object type is closed
      timestamps: '2026-01-14T16:30:00.000Z',
    };
    expectTypeOf(trade.side).toEqualTypeOf<'buy' | 'sell'>();
    // An open string takes a value the schema does not list, and still offers the known ones.
    expectTypeOf<'sideways'>().toExtend<Static<typeof TB.WhaleData>['signal']>();
    expectTypeOf<'trending_up'>().toExtend<Static<typeof TB.DecisionData>['regime_state']>();
    // @ts-expect-error a closed enum takes no other value
    expectTypeOf<'hold'>().toExtend<Static<typeof TB.TradeData>['side']>();
  });
});
