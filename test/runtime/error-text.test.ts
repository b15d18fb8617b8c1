import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import { describeCompiledErrors, nearestName } from '../../src/runtime/errors.js';
import { parseMessage } from '../../src/runtime/parse.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { readFixtureMessages } from '../support/fixtures.js';
import { specExample } from './support.js';

const first = (value: unknown, mode: 'strict' | 'tolerant' = 'strict') => {
  const result = validateMessage(value, { mode });
  if (result.ok) throw new Error('expected a rejection');
  return result.errors[0];
};

describe('nullable fields name what is allowed (issue 8, item 13)', () => {
  it('an alerts platform outside the list: the platforms, or null', () => {
    const alert = specExample('alerts');
    alert.data.platform = 'bitstamp';
    expect(first(alert)).toMatchObject({
      pointer: '/data/platform',
      message: 'expected one of "luno", "binance", "kucoin", "kraken", "valr" or null, got "bitstamp"',
    });
  });

  it('a wrong type in a nullable closed list: the list (not "a string or one of …"), and the type found', () => {
    const alert = specExample('alerts');
    alert.data.platform = 7;
    expect(first(alert).message).toBe('expected one of "luno", "binance", "kucoin", "kraken", "valr" or null, got a number 7');
    alert.data.platform = true;
    expect(first(alert).message).toBe('expected one of "luno", "binance", "kucoin", "kraken", "valr" or null, got a boolean true');
  });

  it('a wrong type in a nullable slot: each allowed type', () => {
    const alert = specExample('alerts');
    alert.data.bot_id = 42;
    expect(first(alert).message).toBe('expected a string or null, got a number 42');
    alert.data.bot_id = '';
    expect(first(alert).message).toBe('expected a string of at least 1 character or null, got ""');
  });

  it('an object in a nullable slot: the fault inside the object', () => {
    const decision = specExample('decisions');
    decision.data.stops = { stop_loss: 1 };
    expect(first(decision)).toMatchObject({ pointer: '/data/stops/take_profit', keyword: 'required' });
    decision.data.stops = { stop_loss: 1, take_profit: 2, trailing: true };
    expect(first(decision)).toMatchObject({ pointer: '/data/stops/trailing', keyword: 'additionalProperties' });
    decision.data.stops = { stop_loss: 'low', take_profit: null };
    expect(first(decision)).toMatchObject({ pointer: '/data/stops/stop_loss', keyword: 'type' });
    const task = specExample('ai_tasks');
    task.data.result = { checks_passed: -1 };
    expect(first(task)).toMatchObject({ pointer: '/data/result/checks_passed', keyword: 'minimum' });
  });
});

describe('every keyword says what it expected', () => {
  it('a cursor outside its pattern: the pattern', () => {
    const trade = specExample('trades') as Record<string, unknown>;
    trade.cursor = 'a/b';
    expect(first(trade)).toMatchObject({ pointer: '/cursor', keyword: 'pattern', message: 'expected a string matching /^[0-9A-Za-z._~-]{1,128}$/, got "a/b"' });
  });
});

describe('hints for faults producers make (issue 8, item 14)', () => {
  it('a naive timestamp (Python datetime.now().isoformat()) is told the UTC offset is missing', () => {
    const trade = specExample('trades');
    trade.ts = '2026-01-14T16:30:00.482913';
    const error = first(trade);
    expect(error).toMatchObject({ pointer: '/ts', keyword: 'format' });
    expect(error.hint).toMatch(/^the UTC offset is missing/);
    expect(error.message).toMatch(/got "2026-01-14T16:30:00.482913"; the UTC offset is missing/);
    expect(first({ ...trade, ts: '2026-01-14 16:30:00' }, 'tolerant').hint).toMatch(/UTC offset is missing/);
  });

  it('a space between date and time (Python str(datetime)) is told so, with the offset or without (found by a fresh user)', () => {
    // Before, "2026-01-14 16:30:00" was told only of its offset; with "Z" added it failed again with no hint.
    const trade = specExample('trades');
    expect(first({ ...trade, ts: '2026-01-14 16:30:00' }).hint).toBe('the UTC offset is missing: add "Z" or an offset such as "+02:00", and write "T" between the date and the time, not a space');
    for (const mode of ['strict', 'tolerant'] as const) {
      expect(first({ ...trade, ts: '2026-01-14 16:30:00Z' }, mode).hint).toBe('write "T" between the date and the time, not a space');
      expect(first({ ...trade, ts: '2026-01-14 16:30:00.5+02:00' }, mode).hint).toBe('write "T" between the date and the time, not a space');
    }
  });

  it('a date-time given as epoch milliseconds (ping and pong\'s form) is told what string, and how to write one (tAO F9)', () => {
    // It was told only "expected a string, got a number 1705251000000", with no hint.
    const hint = 'epoch milliseconds? write new Date(ms).toISOString()';
    const trade = specExample('trades');
    for (const mode of ['strict', 'tolerant'] as const) {
      expect(first({ ...trade, ts: 1705251000000 }, mode)).toMatchObject({
        pointer: '/ts',
        keyword: 'type',
        message: `expected an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z", got a number 1705251000000; ${hint}`,
        hint,
      });
      // Quoted, as a producer told "a string" would send it next.
      expect(first({ ...trade, ts: '1705251000000' }, mode)).toMatchObject({ pointer: '/ts', keyword: 'format', hint });
    }
    // A nullable date-time field says null too; another type than a number has no epoch hint.
    const bot = specExample('bots');
    bot.data.last_trade = 1705251000;
    expect(first(bot)).toMatchObject({ pointer: '/data/last_trade', message: 'expected an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z" or null, got a number 1705251000; epoch seconds? write new Date(seconds * 1000).toISOString()' });
    expect(first({ ...trade, ts: true })).toMatchObject({ message: 'expected an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z", got a boolean true' });
    expect(first({ ...trade, ts: true }).hint).toBeUndefined();
    // Epoch seconds are told as seconds (new Date(ms) of them is 1970), and a number no epoch time (negative, fractional, Infinity) gets no hint (tAY F1).
    const seconds = 'epoch seconds? write new Date(seconds * 1000).toISOString()';
    expect(first({ ...trade, ts: 1705251000 }).hint).toBe(seconds);
    expect(first({ ...trade, ts: '1705251000' }).hint).toBe(seconds);
    for (const ts of [-1, 1.5, 1705251000.5, 1e20]) expect(first({ ...trade, ts }).hint, String(ts)).toBeUndefined();
    // A field that is no date-time keeps its plain type error.
    expect(first({ ...trade, data: { ...trade.data, symbol: 5 } }).message).toBe('expected a string, got a number 5');
  });

  it("a ping or pong timestamp in fractional epoch seconds (Python's time.time()) is told it looks like seconds, not only that it is no integer (tBU F6)", () => {
    const hint = "epoch seconds (Python's time.time())? the timestamp is milliseconds since the epoch, Date.now(): multiply by 1000 and round";
    for (const mode of ['strict', 'tolerant'] as const) {
      for (const type of ['ping', 'pong']) {
        expect(first({ type, timestamp: 1796506133.776 }, mode)).toMatchObject({ pointer: '/timestamp', keyword: 'type', message: `expected an integer, got a number 1796506133.776; ${hint}`, hint });
      }
    }
    // Fractional milliseconds, or a fraction no epoch time in seconds, keep the plain fault.
    for (const timestamp of [1.5, 1796506133776.5]) expect(first({ type: 'ping', timestamp }).hint, String(timestamp)).toBeUndefined();
  });

  it.each([
    ['trade', 'trades'],
    ['Trades', 'trades'],
    ['bot', 'bots'],
    ['balance', 'balances'],
    ['system-health', 'system_health'],
    ['ai_task', 'ai_tasks'],
    ['trdes', 'trades'],
    ['alert', 'alerts'],
    // Two neighbours swapped count as one edit.
    ['pnig', 'ping'],
    ['tardes', 'trades'],
  ])('an unknown type %j close to a known one names %j', (type, known) => {
    const result = validateMessage({ type, data: {}, ts: '2026-01-14T16:30:00Z' });
    expect(result).toMatchObject({ ok: false, reason: 'unknown-type' });
    expect(!result.ok && result.errors[0].message).toMatch(new RegExp(`got "${type}"; did you mean "${known}"\\?$`));
  });

  it('the guess is the one it was before it was made cheap (a tester: a stream of unknown types ran at a fifth of the speed)', () => {
    // The search as it was: every name compared, each with fresh rows.
    const before = (word: string, names: readonly string[]) => {
      const distance = (a: string, b: string) => {
        let previous: number[] = [];
        let row = Array.from({ length: b.length + 1 }, (_, j) => j);
        for (let i = 1; i <= a.length; i++) {
          const next = [i];
          for (let j = 1; j <= b.length; j++) {
            next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) next[j] = Math.min(next[j]!, previous[j - 2]! + 1);
          }
          [previous, row] = [row, next];
        }
        return row[b.length]!;
      };
      let best: string | undefined;
      let bestDistance = 3;
      for (const name of names) {
        const d = word.length > 40 ? 3 : distance(word.toLowerCase(), name.toLowerCase());
        if (d < bestDistance && d < name.length / 2) [best, bestDistance] = [name, d];
      }
      return best;
    };
    // Every word one edit from a name (a letter dropped, changed, added, two neighbours swapped), and one more edit of some of those.
    const edits = (word: string) => {
      const out = new Set<string>();
      for (let i = 0; i <= word.length; i++) {
        for (const c of 'aesx_T') {
          out.add(word.slice(0, i) + c + word.slice(i));
          if (i < word.length) out.add(word.slice(0, i) + c + word.slice(i + 1));
        }
        if (i < word.length) out.add(word.slice(0, i) + word.slice(i + 1));
        if (i + 1 < word.length) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
      }
      return [...out];
    };
    const lists: (readonly string[])[] = [MESSAGE_TYPES, ['ping', 'pong'], ['type'], ['minimum', 'maximum', 'minLength', 'maxLength', 'enum', 'items', 'required'], ['mode', 'direction', 'allErrors']];
    let compared = 0;
    for (const names of lists) {
      const words = new Set(['', 'x', 'İstanbul', 'ﬃ', 'a'.repeat(41), 'order', 'orders', 'sytem_helth']);
      for (const name of names) for (const once of edits(name)) {
        words.add(once);
        words.add(once.toUpperCase());
        if (once.length % 4 === 0) for (const twice of edits(once)) words.add(twice);
      }
      for (const word of words) {
        expect(nearestName(word, names), `${word} among ${names.join(',')}`).toBe(before(word, names));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    // The same unknown type asked again, and of another list, gets its own answer each time.
    expect([nearestName('pnig', MESSAGE_TYPES), nearestName('pnig', ['pong']), nearestName('pnig', MESSAGE_TYPES)]).toEqual(['ping', undefined, 'ping']);
  });

  it('with a direction, an unknown type is told the types that travel that way, and guessed among them', () => {
    const result = validateMessage({ type: 'pnig', timestamp: 1 }, { direction: 'client-to-server' });
    expect(result).toMatchObject({ ok: false, reason: 'unknown-type' });
    expect(!result.ok && result.errors[0].message).toBe('expected a client-to-server message type (ping, pong), got "pnig"; did you mean "ping"?');
  });

  it('a type far from every known one gets no guess', () => {
    expect(first({ type: 'orders', data: {} }).hint).toBeUndefined();
  });

  it('fields at the top level without data: the spec wraps them in data', () => {
    const [flat] = readFixtureMessages('invalid').filter((m) => m.name === 'invalid/trades-flat-without-data-envelope.json');
    const error = first(flat!.value);
    expect(error).toMatchObject({ pointer: '/data', keyword: 'required' });
    expect(error.message).toMatch(/^expected required property "data", got nothing; if "id", "bot_id", "platform", … are fields of the message, the spec wraps them in data: \{"type":"trades","data":\{"id":…,"bot_id":…,"platform":…,…\},"ts":…\}$/);
    // A key that may be no field of the type is not promised to belong in data (found by a fresh user: it said so of "foo", in text that was not JSON).
    expect(first({ type: 'trades', ts: '2026-01-14T16:30:00Z', foo: 1 }).hint).toBe('if "foo" is a field of the message, the spec wraps it in data: {"type":"trades","data":{"foo":…},"ts":…}');
    expect(first({ type: 'trades', ts: '2026-01-14T16:30:00Z' }).hint).toBeUndefined();
    // `cursor` belongs at the top level: it is not a field to move into data.
    expect(first({ type: 'trades', ts: '2026-01-14T16:30:00Z', cursor: 'k3x9a.1' }).hint).toBeUndefined();
  });

  it('a ping or pong written in the envelope of the others: they are flat (a fresh user got no hint)', () => {
    expect(first({ type: 'ping', data: { timestamp: 1705251000000 }, ts: '2026-01-14T16:30:00.000Z' })).toMatchObject({
      pointer: '/timestamp',
      keyword: 'required',
      hint: '"timestamp" is in data: ping and pong are flat, {"type":"ping","timestamp":…}, with no data and no ts',
    });
    expect(first({ type: 'pong', data: {} }).hint).toBeUndefined();
  });

  it('a field missing from data but written at the top level: the spec puts it in data', () => {
    // Found by a tester: with data present, the hint said nothing about a field written beside it.
    const error = first({ type: 'trades', ts: '2026-01-14T16:30:00Z', data: { bot_id: 'bot_abc' }, id: 'trade_1' });
    expect(error).toMatchObject({ pointer: '/data/id', keyword: 'required', hint: '"id" is at the top level of the message: the spec puts it in data' });
    // Missing and nowhere else: no hint.
    expect(first({ type: 'trades', ts: '2026-01-14T16:30:00Z', data: { bot_id: 'bot_abc' } }).hint).toBeUndefined();
  });

  it('a required field missing beside a key that misspells it: did you mean (found by a fresh user: only --all-errors showed the typo)', () => {
    const trade = { id: 't1', bot_id: 'b1', platfrom: 'luno', symbol: 'BTC/ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' };
    expect(first({ type: 'trades', data: trade, ts: '2026-01-14T16:30:00.000Z' })).toMatchObject({ pointer: '/data/platform', keyword: 'required', hint: '"platfrom" is written: did you mean "platform"?' });
    const { platfrom: _, ...rest } = trade;
    expect(first({ type: 'trades', data: { ...rest, 'Platform': 'luno' }, ts: '2026-01-14T16:30:00.000Z' }).hint).toBe('"Platform" is written: did you mean "platform"?');
    // A key far from the name is not taken for it.
    expect(first({ type: 'trades', data: { ...rest, venue: 'luno' }, ts: '2026-01-14T16:30:00.000Z' }).hint).toBeUndefined();
  });

  it('a misspelt required key longer than 20 characters gets its did-you-mean too (tDR F4: the cap for message type names left exchange_connectionss without one)', () => {
    const data = { status: 'healthy', uptime: 1, cpu_percent: 1, memory_percent: 1, disk_percent: 1, database: 'connected', redis: 'connected', last_trade: null, error_rate: 0 };
    for (const typo of ['exchange_connection', 'exchange_connectionss', 'exchange_connections_', 'Exchange-Connections']) {
      expect(first({ type: 'system_health', data: { ...data, [typo]: {} }, ts: '2026-01-14T16:30:00.000Z' })).toMatchObject({
        pointer: '/data/exchange_connections',
        keyword: 'required',
        hint: `${JSON.stringify(typo)} is written: did you mean "exchange_connections"?`,
      });
    }
  });

  it('a JSON Schema given as a message says so (validate schemas/: its "type": "object" was read as a message type; a fresh user)', () => {
    const schema = JSON.parse(readFileSync('schemas/trades.json', 'utf8')) as object;
    expect(first(schema)).toMatchObject({ pointer: '/type', keyword: 'discriminator', hint: 'this is a JSON Schema, not a message: validate the messages it describes' });
    expect(first({ type: 'object', data: {} }).hint).toBeUndefined();
  });

  it('hints reach parseMessage too', () => {
    const result = parseMessage('{"type":"trade","data":{},"ts":"2026-01-14T16:30:00Z"}');
    expect(!result.ok && result.errors[0].hint).toBe('did you mean "trades"?');
  });
});

describe('keywords the shipped schemas do not use yet are described in words (found by a fresh user)', () => {
  it('multipleOf, item counts, unique items, string length', () => {
    const describe1 = (keyword: string, params: Record<string, unknown>, data: unknown) => describeCompiledErrors([{ instancePath: '/data/x', keyword, params, data }], { data: { x: data } })[0]!;
    // Before: `expected a value that satisfies "multipleOf", got 0.07`.
    expect(describe1('multipleOf', { multipleOf: 0.01 }, 0.075).message).toBe('expected a multiple of 0.01, got 0.075');
    expect(describe1('minItems', { limit: 1 }, []).message).toBe('expected an array of at least 1 item, got an empty array');
    expect(describe1('maxItems', { limit: 2 }, [1, 2, 3]).message).toBe('expected an array of at most 2 items, got an array of 3 items');
    // The pair is named: in a long array the array's pointer alone did not find it (tDP F7).
    expect(describe1('uniqueItems', { i: 1, j: 0 }, [1, 1]).message).toBe('expected an array without duplicate items (items 0 and 1 are equal), got an array of 2 items');
    expect(describe1('uniqueItems', { i: 37, j: 12 }, Array.from({ length: 50 }, (_, n) => (n === 37 ? 12 : n))).message).toBe('expected an array without duplicate items (items 12 and 37 are equal), got an array of 50 items');
    expect(describe1('maxLength', { limit: 3 }, 'abcd').message).toBe('expected a string of at most 3 characters, got "abcd"');
    // A closed list of many values is cut after 20 (10,000 of them made an error of 89 KB: a hostile tester).
    const values = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
    const long = describe1('enum', { allowedValues: values }, 'w').message;
    expect(long).toMatch(/^expected one of "v0", "v1", .*, "v19", … \(10000 values\), got "w"/);
    expect(long.length).toBeLessThan(400);
    expect(describe1('enum', { allowedValues: ['a', 'b'] }, 'c').message).toMatch(/^expected one of "a", "b", got "c"/);
  });
});

describe('long strings in error texts', () => {
  it('are cut at 60 characters, never between the halves of a surrogate pair', () => {
    const trade = specExample('trades');
    // 56 characters, then an emoji (2 code units) across the cut at 57.
    trade.data.side = `${'s'.repeat(56)}😀${'t'.repeat(10)}`;
    const message = first(trade).message;
    expect(message).toBe(`expected one of "buy", "sell", got "${'s'.repeat(56)}..."`);
    trade.data.side = `${'s'.repeat(55)}😀${'t'.repeat(10)}`;
    expect(first(trade).message).toBe(`expected one of "buy", "sell", got "${'s'.repeat(55)}😀..."`);
  });
});

describe('what a message quotes cannot reorder or hide the line it is printed on', () => {
  it('escapes bidirectional controls, zero-width and other invisible characters as it escapes controls; the pointer stays exact', () => {
    const alert = specExample('alerts');
    alert.data.platform = 'kra\u202eken\u200b\u0007';
    expect(first(alert)).toMatchObject({ pointer: '/data/platform', message: 'expected one of "luno", "binance", "kucoin", "kraken", "valr" or null, got "kra\\u202eken\\u200b\\u0007"' });
    const error = first({ type: 'ping', timestamp: 1, ['x\u2066']: 1 });
    expect(error).toMatchObject({ pointer: '/x\u2066', message: 'expected no property "x\\u2066" (unknown to the schema), got 1' });
    // An unknown type, named back with a guess.
    expect(first({ type: 'pi\u202eng', timestamp: 1 }).message).toMatch(/got "pi\\u202eng"/);
  });
});

describe('a misspelt "type" at the top of a message', () => {
  it('is named with the field it most likely meant (a fresh user: only fields inside data were)', () => {
    expect(first({ tpye: 'trades', data: {}, ts: '2026-01-14T16:30:00.000Z' })).toMatchObject({ pointer: '/type', keyword: 'required', message: 'expected required property "type", got nothing; the message has "tpye": did you mean "type"?' });
    expect(first({ Type: 'ping', timestamp: 1 }).hint).toBe('the message has "Type": did you mean "type"?');
    // Nothing near: no guess.
    expect(first({ kind: 'ping', timestamp: 1 }).hint).toBeUndefined();
  });
});
