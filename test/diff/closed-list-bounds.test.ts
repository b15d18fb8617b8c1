import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

// A pattern or length bound that every value of a closed list beside it keeps: dropped beside a
// new list it widens nothing, added where an older list was opened it narrows nothing (tIR F8,
// F4). Each side's verdict is checked against ajv on the schemas themselves.
const before = readSchemas();
const at = (report: Awaited<ReturnType<typeof diffFiles>>, subject: string, pointer: string) =>
  report.changes.filter((c) => c.subject === subject && c.pointer === pointer).map(({ rule, level }) => `${rule} ${level}`);
/** Whether each value passes `older` (plain ajv, draft-07). */
const admittedBy = (older: object, values: unknown[]) => {
  const validate = new Ajv({ strict: false }).compile(older);
  return values.map((value) => validate(value));
};

describe("a pattern dropped beside a new closed list (tIR F8: 12 false breaking lines)", () => {
  const cursor = (list: string[]) => patchSchemas(before, [{ op: 'replace', path: '/definitions.json/definitions/Cursor', value: { title: 'Cursor', type: 'string', enum: list } }]);
  const pattern = (before.get('definitions.json')!.definitions!.Cursor as { pattern: string }).pattern;
  it('narrows where every value matches the older pattern: compatible, protocol 1.2', async () => {
    expect(admittedBy({ type: 'string', pattern }, ['a', 'b'])).toEqual([true, true]);
    const report = await diffFiles(before, cursor(['a', 'b']));
    expect(report.changes.filter((c) => c.level === 'breaking').map((c) => `${c.subject} ${c.text}`)).toEqual([]);
    expect(at(report, 'trades', '/cursor')).toEqual(['enum-added compatible']);
    expect(report.protocolVersion.suggested).toBe('1.2');
  });

  it('widens where a value does not match it (200 characters, or a space)', async () => {
    for (const odd of ['x'.repeat(200), 'a b']) {
      expect(admittedBy({ type: 'string', pattern }, [odd])).toEqual([false]);
      expect(at(await diffFiles(before, cursor(['a', odd])), 'trades', '/cursor')).toContain('pattern-removed breaking');
    }
  });
});

describe('a closed list opened into a length-bounded string (tIR F4: the bound read as a narrowing)', () => {
  const status = (value: unknown) => patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/status', value }]);
  it('says no bound added where every older value keeps it, and does where one does not', async () => {
    expect(at(await diffFiles(before, status({ type: 'string', minLength: 1 })), 'trades', '/data/status')).not.toContain('length-narrowed compatible');
    // "filled" is 6 characters: minLength 7 refuses what an older server sent.
    expect(at(await diffFiles(before, status({ type: 'string', minLength: 7 })), 'trades', '/data/status')).toContain('length-narrowed compatible');
  });
});

