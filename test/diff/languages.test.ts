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

  it('is said of a JSON type change TypeScript sees too, beside producer-code, once per field (found by a fresh user: number → string listed neither)', async () => {
    const retyped = (value: unknown) => patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/quantity', value }]);
    const widened = quantity((await diffFiles(before, retyped({ type: ['number', 'string'], exclusiveMinimum: 0 }))).changes);
    expect(widened.map(({ rule, breaks }) => ({ rule, breaks }))).toEqual([{ rule: 'type-widened', breaks: ['tolerant-consumers', 'strict-consumers', 'other-language-code'] }]);
    const report = await diffFiles(before, retyped({ type: 'string' }));
    // The bound went with the number: no second change (`range-widened`, "exclusiveMinimum 0 removed").
    expect(quantity(report.changes).map(({ rule, breaks, impact }) => ({ rule, breaks, impact: impact.replace(/^.*?; /, '') }))).toEqual([{
      rule: 'type-changed',
      breaks: ['tolerant-consumers', 'strict-consumers', 'producer-code', 'other-language-code'],
      impact: 'code that builds the message may no longer compile against the newer generated types: a major release; Go and Python give the field another type: code built on them may no longer compile, a major release',
    }]);
    expect(report.semver).toBe('major');
  });

  it('is said of a client→server field made nullable or opened to any type, which the wire takes but Go and Python retype (a reviewer: a minor release)', async () => {
    // ping travels both ways; as a client→server message a widening is compatible on the wire.
    const clientOnly = (value: unknown) => patchSchemas(before, [
      { op: 'replace', path: '/ping.json/x-direction', value: ['client-to-server'] },
      { op: 'replace', path: '/ping.json/properties/timestamp', value },
    ]);
    const base = clientOnly({ type: 'integer', minimum: 0 });
    for (const widened of [{ type: ['integer', 'null'], minimum: 0 }, {}]) {
      const report = await diffFiles(base, clientOnly(widened));
      const change = report.changes.find((c) => c.subject === 'ping' && c.pointer === '/timestamp');
      expect(change, JSON.stringify(widened)).toMatchObject({ level: 'compatible', breaks: ['other-language-code'] });
      expect(report.semver).toBe('major');
    }
  });
});
