import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

describe('integer ↔ number (found by a fresh user: a minor release whose Go code no longer compiled)', () => {
  const before = readSchemas();
  const after = patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/quantity/type', value: 'integer' }]);
  const quantity = <C extends { pointer: string; subject: string | null }>(changes: C[]) => changes.filter((change) => change.subject === 'trades' && change.pointer === '/data/quantity');

  it('is a major release either way: TypeScript has number for both, Go and Python another type', async () => {
    for (const [from, to, rule] of [[before, after, 'type-narrowed'], [after, before, 'type-widened']] as const) {
      const report = await diffFiles(from, to);
      const [change] = quantity(report.changes);
      expect(change).toMatchObject({ rule, breaks: expect.arrayContaining(['other-language-code']) });
      expect(change!.impact).toMatch(/Go and Python give the field another type \(int64 or float64, int or float\): code built on them may no longer compile, a major release$/);
      expect(report.semver).toBe('major');
    }
  });

  it('is not said of a change that TypeScript sees too (number → number or string)', async () => {
    const retyped = patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/quantity/type', value: ['number', 'string'] }]);
    const changes = quantity((await diffFiles(before, retyped)).changes);
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change.breaks).not.toContain('other-language-code');
  });
});
