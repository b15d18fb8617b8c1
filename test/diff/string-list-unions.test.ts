import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

// An inline `anyOf` of closed lists of strings is the one list of their strings: compared as it,
// it narrows and widens what that list does (tIR F1, F2, F3); a value the older schema refuses is
// a widening still. What each side admits is checked with ajv on the schemas themselves.
const before = readSchemas();
const at = (report: Awaited<ReturnType<typeof diffFiles>>, subject: string, pointer: string) =>
  report.changes.filter((c) => c.subject === subject && c.pointer === pointer).map(({ rule, level }) => `${rule} ${level}`);
/** Whether each value passes `older` (plain ajv, draft-07). */
const admittedBy = (older: object, values: unknown[]) => {
  const validate = new Ajv({ strict: false }).compile(older);
  return values.map((value) => validate(value));
};
const lists = (...values: string[][]) => ({ anyOf: values.map((list) => ({ type: 'string', enum: list })) });

describe('a string narrowed to an anyOf of closed lists (tIR F1: 3 false breaking lines, protocol 2.0)', () => {
  const symbol = (value: unknown) => patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/symbol', value }]);
  it('is the list it admits: compatible, protocol 1.2, as the same narrowing written as one enum', async () => {
    expect(admittedBy({ type: 'string', minLength: 1 }, ['BTC-ZAR', 'ETH-ZAR'])).toEqual([true, true]);
    const report = await diffFiles(before, symbol(lists(['BTC-ZAR'], ['ETH-ZAR'])));
    expect(at(report, 'trades', '/data/symbol')).toEqual(['enum-added compatible']);
    expect(report.worst).not.toBe('breaking');
    expect(report.protocolVersion.suggested).toBe('1.2');
    const oneList = await diffFiles(before, symbol({ type: 'string', enum: ['BTC-ZAR', 'ETH-ZAR'] }));
    expect(at(oneList, 'trades', '/data/symbol')).toEqual(at(report, 'trades', '/data/symbol'));
  });

  it('the shared definition rewritten so: no breaking line for any message', async () => {
    const report = await diffFiles(before, patchSchemas(before, [{ op: 'replace', path: '/definitions.json/definitions/TradingPair', value: { title: 'TradingPair', ...lists(['BTC-ZAR', 'ETH-ZAR'], ['BTC-USDT']) } }]));
    expect(report.changes.filter((c) => c.level === 'breaking').map((c) => `${c.subject} ${c.pointer} ${c.text}`)).toEqual([]);
  });

  it('a list holding a value the older schema refused ("") is a widening still', async () => {
    expect(admittedBy({ type: 'string', minLength: 1 }, [''])).toEqual([false]);
    const report = await diffFiles(before, symbol(lists(['BTC-ZAR'], [''])));
    expect(at(report, 'trades', '/data/symbol')).toContain('length-widened breaking');
  });
});

describe('an anyOf of closed lists of strings compared by the values it admits (tIR F2, F3)', () => {
  const venue = (value: unknown) => patchSchemas(before, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/venue', value }]);
  const base = venue(lists(['a', 'b'], ['c']));
  it('a branch added with a new value is the value added to a list: strict, minor (F2: breaking, major)', async () => {
    const inList = await diffFiles(base, venue(lists(['a', 'b'], ['c', 'd'])));
    const asBranch = await diffFiles(base, venue(lists(['a', 'b'], ['c'], ['d'])));
    expect(at(asBranch, 'trades', '/data/venue')).toEqual(['enum-value-added strict']);
    expect(at(asBranch, 'trades', '/data/venue')).toEqual(at(inList, 'trades', '/data/venue'));
    expect(asBranch.semver).toBe('minor');
  });

  it('a value moved from one list to another is no change (F3: breaking, protocol 2.0)', async () => {
    const report = await diffFiles(base, venue(lists(['a'], ['c', 'b'])));
    expect(at(report, 'trades', '/data/venue')).toEqual([]);
  });

  it('a value removed narrows, a branch of another type widens, as before', async () => {
    expect(at(await diffFiles(base, venue(lists(['a'], ['c']))), 'trades', '/data/venue')).toEqual(['enum-value-removed compatible']);
    const widened = await diffFiles(base, venue({ anyOf: [...lists(['a', 'b'], ['c']).anyOf, { type: 'integer' }] }));
    expect(widened.worst).toBe('breaking');
  });
});
