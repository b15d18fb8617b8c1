import { describe, expect, it } from 'vitest';
import type { SchemaFiles } from '../../src/diff/align.js';
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

describe('a nullable oneOf whose branches share no type, gaining or losing one', () => {
  const base = readSchemas();
  const platform = (branches: unknown[]) => patchSchemas(base, [{ op: 'replace', path: '/alerts.json/definitions/AlertData/properties/platform', value: { oneOf: branches } }]);
  const ref = { $ref: 'definitions.json#/definitions/Platform' };
  const at = <C extends { pointer: string; subject: string | null }>(changes: C[]) => changes.filter((change) => change.subject === 'alerts' && change.pointer === '/data/platform');
  const nullable = platform([ref, { type: 'null' }]);
  const wider = platform([ref, { type: 'null' }, { type: 'integer' }]);

  it('reads as the anyOf of its branches: the type it now also admits, not "may no longer be null", "widened to any type", "closed list opened" and "oneOf added"', async () => {
    const report = await diffFiles(nullable, wider);
    expect(at(report.changes).map(({ rule, level, text, breaks }) => ({ rule, level, text, breaks }))).toEqual([
      // Go and Python type the union as a struct of its branches, not as the pointer to a Platform they had.
      { rule: 'schema-changed', level: 'breaking', text: 'now also admits integer', breaks: ['tolerant-consumers', 'strict-consumers', 'other-language-code'] },
    ]);
    expect(at((await diffFiles(wider, nullable)).changes).map(({ level, text }) => ({ level, text }))).toEqual([{ level: 'compatible', text: 'no longer admits integer' }]);
  });

  it('is the anyOf it could be written as: no change', async () => {
    const anyOf = patchSchemas(base, [{ op: 'replace', path: '/alerts.json/definitions/AlertData/properties/platform', value: { anyOf: [ref, { type: 'null' }, { type: 'integer' }] } }]);
    expect(at((await diffFiles(anyOf, wider)).changes)).toEqual([]);
  });

  it('a branch replaced is said by the types it gained and lost (it said "anyOf" changed of a oneOf: a reviewer; then "oneOf" changed, breaking both ways)', async () => {
    const boolean = platform([ref, { type: 'null' }, { type: 'boolean' }]);
    expect(at((await diffFiles(wider, boolean)).changes).map(({ text }) => text)).toEqual(['now also admits boolean', 'no longer admits integer']);
  });

  it('but a oneOf whose branches share a type stays a oneOf (a value matching both is refused)', async () => {
    const overlapping = platform([ref, { type: 'null' }, { type: 'string' }]);
    expect(at((await diffFiles(nullable, overlapping)).changes).map(({ text }) => text)).not.toContain('now also admits string');
  });
});

describe('a union of $refs that gains a branch (a hostile tester: called strict, "tolerant ones skip an unknown message type")', () => {
  const union = (...names: string[]) => ({ anyOf: names.map((name) => ({ $ref: `definitions.json#/definitions/${name}` })) });
  const base = readSchemas();
  const before = patchSchemas(base, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/bot_id', value: union('Identifier', 'Side') }]);
  const after = patchSchemas(base, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/bot_id', value: union('Identifier', 'Side', 'Count') }]);
  const at = <C extends { pointer: string; subject: string | null }>(changes: C[]) => changes.filter((change) => change.subject === 'trades' && change.pointer === '/data/bot_id');

  it('is breaking for a value: a tolerant consumer built on the older contract rejects `bot_id: 5`', async () => {
    const report = await diffFiles(before, after);
    expect(at(report.changes).map(({ rule, level, text, breaks }) => ({ rule, level, text, breaks }))).toEqual([
      { rule: 'schema-changed', level: 'breaking', text: 'now also admits Count', breaks: ['tolerant-consumers', 'strict-consumers'] },
    ]);
    expect(report.semver).toBe('major');
  });

  it('also when the branches are definitions with a `type` const, like messages but not ones', async () => {
    const kind = (name: string) => ({ type: 'object', required: ['type'], properties: { type: { const: name } } });
    const withKinds = (...names: string[]) => patchSchemas(base, [
      { op: 'add', path: '/definitions.json/definitions/KindA', value: kind('a') },
      { op: 'add', path: '/definitions.json/definitions/KindB', value: kind('b') },
      { op: 'replace', path: '/trades.json/definitions/TradeData/properties/bot_id', value: union(...names) },
    ]);
    const report = await diffFiles(withKinds('KindA', 'Identifier'), withKinds('KindA', 'Identifier', 'KindB'));
    expect(at(report.changes).map(({ level, text }) => ({ level, text }))).toEqual([{ level: 'breaking', text: 'now also admits KindB' }]);
  });

  it("stays strict for the poll response's list of message types, where a tolerant consumer skips an unknown type", async () => {
    const ref = { $ref: 'bots.json' };
    const polls = (list: SchemaFiles) => patchSchemas(list, [{ op: 'replace', path: '/poll-response.json/properties/messages/items/anyOf', value: [{ $ref: 'trades.json' }, ref] }]);
    // Compared directly (the loader accepts a poll list that leaves out stream messages; `generate` does not).
    const older = polls(base);
    const newer = patchSchemas(older, [{ op: 'add', path: '/poll-response.json/properties/messages/items/anyOf/-', value: { $ref: 'wallet.json' } }]);
    const report = await diffFiles(older, newer);
    expect(report.changes.filter((change) => change.subject === 'PollResponse').map(({ level, text }) => ({ level, text }))).toEqual([{ level: 'strict', text: 'now also admits wallet.json' }]);
  });
});

describe('a nullable field made non-nullable or null-only by editing its anyOf (a hostile tester)', () => {
  const before = readSchemas();
  const sizing = (anyOf: unknown[]) => patchSchemas(before, [{ op: 'replace', path: '/decisions.json/definitions/DecisionData/properties/sizing/anyOf', value: anyOf }]);
  const at = (changes: { pointer: string; subject: string | null; rule: string; level: string; text: string }[]) => changes.filter((change) => change.subject === 'decisions' && change.pointer === '/data/sizing').map(({ rule, level, text }) => ({ rule, level, text }));
  const ref = { $ref: '#/definitions/Sizing' };

  it('the null branch dropped (`anyOf: [$ref]`): only "may no longer be null", not "now also admits" nothing', async () => {
    const report = await diffFiles(before, sizing([ref]));
    expect(at(report.changes)).toEqual([{ rule: 'made-non-nullable', level: 'compatible', text: 'may no longer be null' }]);
    expect(at((await diffFiles(sizing([ref]), before)).changes)).toEqual([{ rule: 'made-nullable', level: 'breaking', text: 'may now be null' }]);
  });

  it('in a oneOf, two null branches refuse null: made non-nullable, or nothing admitted (a reviewer)', async () => {
    const oneOf = (branches: unknown[]) => patchSchemas(before, [{ op: 'replace', path: '/decisions.json/definitions/DecisionData/properties/sizing', value: { oneOf: branches } }]);
    expect(at((await diffFiles(before, oneOf([ref, { type: 'null' }, { type: 'null' }]))).changes)).toEqual([{ rule: 'made-non-nullable', level: 'compatible', text: 'may no longer be null' }]);
    expect(at((await diffFiles(before, oneOf([{ type: 'null' }, { type: 'null' }]))).changes).map(({ text }) => text)).toEqual(['now admits no value (false)']);
  });

  it('the same branch twice admits what it admits once: no change', async () => {
    const report = await diffFiles(before, sizing([ref, ref, { type: 'null' }]));
    expect(at(report.changes)).toEqual([]);
  });

  it('only the null branch left: null alone, which admits fewer, not "any type" with its fields removed', async () => {
    expect(at((await diffFiles(before, sizing([{ type: 'null' }]))).changes)).toEqual([{ rule: 'schema-changed', level: 'compatible', text: 'now admits null only: no longer object' }]);
    // And back: not "may now be null" (it always could be).
    expect(at((await diffFiles(sizing([{ type: 'null' }]), before)).changes)).toEqual([{ rule: 'schema-changed', level: 'breaking', text: 'now also admits object, where it admitted null only' }]);
  });
});

describe('a schema wrapped in a one-branch allOf (a hostile tester: "type widened to any type", "minLength removed")', () => {
  it('is the schema it wraps: no change', async () => {
    const before = readSchemas();
    const after = patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/id', value: { allOf: [{ $ref: 'definitions.json#/definitions/Identifier' }] } }]);
    expect((await diffFiles(before, after)).changes.filter((change) => change.subject === 'trades' && change.pointer === '/data/id')).toEqual([]);
  });
});

describe('a condition keyword added or removed (a hostile tester: "breaking" both ways)', () => {
  const before = readSchemas();
  const fee = (value: unknown) => patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/fee', value }]);
  const at = (changes: { pointer: string; subject: string | null; level: string; text: string }[]) => changes.filter((change) => change.subject === 'trades' && change.pointer === '/data/fee').map(({ level, text }) => ({ level, text }));

  it('added narrows what the server sends (compatible); removed widens it (breaking)', async () => {
    const plain = fee({ type: 'number', minimum: 0 });
    const withNot = fee({ type: 'number', minimum: 0, not: { const: 0 } });
    expect(at((await diffFiles(plain, withNot)).changes)).toEqual([{ level: 'compatible', text: '"not" added: a value must also satisfy it' }]);
    expect(at((await diffFiles(withNot, plain)).changes)).toEqual([{ level: 'breaking', text: '"not" removed: a value no longer needs to satisfy it' }]);
  });
});
