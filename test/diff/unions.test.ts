import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

describe('a nullable field that becomes a union of more types (found by a fresh user)', () => {
  const before = readSchemas();
  // alerts' bot_id: anyOf [Identifier, null] → anyOf [Identifier, null, integer]
  const after = patchSchemas(before, [{ op: 'add', path: '/alerts.json/definitions/AlertData/properties/bot_id/anyOf/-', value: { type: 'integer' } }]);
  const at = <C extends { pointer: string; subject: string | null }>(changes: C[]) => changes.filter((change) => change.subject === 'alerts' && change.pointer === '/data/bot_id');

  it('is one change, the type it now also admits: not "may no longer be null", "widened to any type" nor "minLength removed"', async () => {
    const report = await diffFiles(before, after);
    expect(at(report.changes).map(({ rule, level, text }) => ({ rule, level, text }))).toEqual([{ rule: 'schema-changed', level: 'breaking', text: 'now also admits integer' }]);
  });

  it('and back: one change, what it no longer admits, compatible for older consumers', async () => {
    const report = await diffFiles(after, before);
    expect(at(report.changes).map(({ rule, level, text }) => ({ rule, level, text }))).toEqual([{ rule: 'schema-changed', level: 'compatible', text: 'no longer admits integer' }]);
  });
});
