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
      breaks: ['tolerant-consumers', 'strict-consumers', 'newer-consumers', 'producer-code', 'other-language-code'],
      impact: 'newer consumers may reject some of what an older server sends, and of what older servers stored (Redis streams, the memory store, journals), which the upgraded servers replay to them until it leaves the store; code that builds the message may no longer compile against the newer generated types: a major release; Go and Python give the field another type: code built on them may no longer compile, a major release',
    }]);
    expect(report.semver).toBe('major');
  });

  it('is said of a closed list whose values stay (integer [1, 2] → number [1, 2]), and calls for no protocol version (hostile47g: no change at all, while Go\'s int64 became float64)', async () => {
    const level = (type: string) => patchSchemas(before, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/level', value: { type, enum: [1, 2] } }]);
    for (const [from, to, rule] of [['integer', 'number', 'type-widened'], ['number', 'integer', 'type-narrowed']] as const) {
      const report = await diffFiles(level(from), level(to));
      expect(report.changes.map(({ rule, level, subject, pointer, breaks }) => ({ rule, level, subject, pointer, breaks }))).toEqual([
        { rule, level: 'compatible', subject: 'trades', pointer: '/data/level', breaks: ['other-language-code'] },
      ]);
      expect(report.changes[0]!.impact).toMatch(/^the values the closed list admits decide what passes/);
      expect(report.semver).toBe('major');
      // The wire is the same: no protocol version to bump.
      expect(report.protocolVersion).toMatchObject({ suggested: report.protocolVersion.before, bumped: true });
    }
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

describe('what Go and Python types follow beside the field types (found by a hostile tester: minor releases that broke them)', () => {
  const before = readSchemas();
  const at = <C extends { pointer: string; subject: string | null; rule: string }>(changes: C[], subject: string, pointer: string) => changes.filter((c) => c.subject === subject && c.pointer === pointer);

  it('a closed list of strings opened loses its Go type and constants and its Python Enum: a major release', async () => {
    // `diff` said minor, while `type Side`, `SideBuy` and `class Side(Enum)` were gone from generated/languages/ (a hostile tester).
    const opened = patchSchemas(before, [{ op: 'remove', path: '/definitions.json/definitions/Side/enum' }]);
    const report = await diffFiles(before, opened);
    const [change] = at(report.changes, 'trades', '/data/side');
    expect(change).toMatchObject({ rule: 'enum-removed', breaks: expect.arrayContaining(['other-language-code']) });
    expect(change!.impact).toMatch(/; Go and Python lose the closed list's type and its constants \(a Go type with a constant per value, a Python Enum\): code built on them that names one no longer compiles, a major release$/);
    expect(report.semver).toBe('major');
    // A mixed list too: quicktype gives its strings a type (VenueKindEnum, VenueKindSpot) that opening it takes away (a reviewer: minor).
    const mixed = (value: unknown) => patchSchemas(before, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/venue_kind', value }]);
    const mixedReport = await diffFiles(mixed({ enum: ['spot', 'margin', 1] }), mixed({ type: ['string', 'integer'] }));
    expect(at(mixedReport.changes, 'trades', '/data/venue_kind').find((c) => c.rule === 'enum-removed')?.breaks).toEqual(expect.arrayContaining(['other-language-code', 'python-consumers']));
    expect(mixedReport.semver).toBe('major');
  });

  it('an object that names fields, opened or closed, is a struct made a map or a map made a struct: a major release', async () => {
    const opened = patchSchemas(before, [{ op: 'remove', path: '/pong.json/additionalProperties' }]);
    const report = await diffFiles(before, opened);
    const [change] = at(report.changes, 'pong', '').filter((c) => c.rule === 'additional-properties-allowed');
    expect(change?.breaks).toContain('other-language-code');
    expect(change?.impact).toMatch(/Go and Python now type the object as a map \(map\[string\]interface\{\}, Dict\[str, Any\]\), not a struct or class/);
    expect(report.semver).toBe('major');
    // ai_tasks' result is open with typed fields (a map in Go and Python): closed, it becomes a struct.
    const closed = patchSchemas(before, [{ op: 'replace', path: '/ai_tasks.json/definitions/AiTaskResult/additionalProperties', value: false }]);
    const [forbidden] = at((await diffFiles(before, closed)).changes, 'ai_tasks', '/data/result').filter((c) => c.rule === 'additional-properties-forbidden');
    expect(forbidden?.breaks).toEqual(['newer-consumers', 'producer-code', 'other-language-code']);
    expect(forbidden?.impact).toMatch(/Go and Python now type the object as a struct or class, not a map/);
  });

  it('the closed side decides: an empty closed object opened, and a map closed into an object, retype it too (a reviewer)', async () => {
    // `properties: {}`, closed: a struct of no fields in Go and Python; opened, a map.
    const base = patchSchemas(before, [{ op: 'replace', path: '/error.json/definitions/ErrorData/properties/details', value: { type: 'object', properties: {}, additionalProperties: false } }]);
    const opened = patchSchemas(base, [{ op: 'replace', path: '/error.json/definitions/ErrorData/properties/details', value: { type: 'object', properties: {} } }]);
    const [allowed] = at((await diffFiles(base, opened)).changes, 'error', '/data/details');
    expect(allowed).toMatchObject({ rule: 'additional-properties-allowed', breaks: expect.arrayContaining(['other-language-code']) });
    // balances' map of assets closed into an object with two fields: a map made a struct.
    const struct = patchSchemas(before, [{ op: 'replace', path: '/balances.json/definitions/BalancesData/properties/balances', value: { type: 'object', properties: { ZAR: { $ref: '#/definitions/AssetBalance' }, BTC: { $ref: '#/definitions/AssetBalance' } }, additionalProperties: false } }]);
    const forbidden = at((await diffFiles(before, struct)).changes, 'balances', '/data/balances').find((c) => c.rule === 'additional-properties-forbidden');
    expect(forbidden?.breaks).toContain('other-language-code');
  });

  it('a field removed from an open object, already a map in Go and Python, changes nothing there (a reviewer)', async () => {
    const without = patchSchemas(before, [{ op: 'remove', path: '/ai_tasks.json/definitions/AiTaskResult/properties/issues' }]);
    const [issues] = at((await diffFiles(before, without)).changes, 'ai_tasks', '/data/result/issues');
    expect(issues).toMatchObject({ rule: 'optional-property-removed' });
    expect(issues!.breaks).not.toContain('other-language-code');
  });

  // Go and Python keep AiTaskResult as a map of decoded JSON: a change inside it retypes nothing
  // there and no Python Enum raises, while diff said "a major release" (tHL F1).
  it('a change inside an open object, decoded JSON in Go and Python, retypes nothing there and raises no Python Enum (tHL F1)', async () => {
    const result = (checks: unknown, severity: string[], issues: unknown, note: unknown) => patchSchemas(before, [
      { op: 'replace', path: '/ai_tasks.json/definitions/AiTaskResult/properties/checks_passed', value: checks },
      { op: 'add', path: '/ai_tasks.json/definitions/AiTaskResult/properties/severity', value: { type: 'string', enum: severity } },
      { op: 'replace', path: '/ai_tasks.json/definitions/AiTaskResult/properties/issues', value: { type: 'array', items: issues } },
      { op: 'add', path: '/ai_tasks.json/definitions/AiTaskResult/properties/note', value: note },
    ]);
    const v1 = result({ type: 'integer', minimum: 0, maximum: 1000000 }, ['low', 'high'], {}, { type: 'string' });
    const v2 = result({ type: 'number', multipleOf: 1, minimum: 0, maximum: 1000000 }, ['low', 'high', 'medium'], { type: 'string' }, { type: 'string', enum: ['a', 'b'] });
    const report = await diffFiles(v1, v2);
    const inside = report.changes.filter((c) => c.subject === 'ai_tasks' && c.pointer.startsWith('/data/result/'));
    expect(inside.map((c) => c.rule).sort()).toEqual(['enum-added', 'enum-value-added', 'type-narrowed', 'type-widened']);
    for (const change of inside) {
      expect(change.breaks, change.pointer).not.toContain('other-language-code');
      expect(change.breaks, change.pointer).not.toContain('python-consumers');
      expect(change.impact, change.pointer).not.toMatch(/Go and Python|Python decoders/);
    }
    // The items of issues narrowed and note closed narrow the TypeScript types producers build: major for that alone.
    expect(at(report.changes, 'ai_tasks', '/data/result/checks_passed')[0]!.breaks).toEqual([]);
    const widened = await diffFiles(v1, result({ type: 'number', multipleOf: 1, minimum: 0, maximum: 1000000 }, ['low', 'high'], {}, { type: 'string' }));
    expect(widened.semver).toBe('patch');
    // Outside it, the same change still retypes a struct's field.
    const field = (value: unknown) => patchSchemas(before, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/checks', value }]);
    const outside = await diffFiles(field({ type: 'integer' }), field({ type: 'number', multipleOf: 1 }));
    expect(at(outside.changes, 'trades', '/data/checks')[0]!.breaks).toContain('other-language-code');
  });

  it('a field removed, required or optional, is gone from producer code and from the Go and Python types', async () => {
    const without = patchSchemas(before, [
      { op: 'remove', path: '/trades.json/definitions/TradeData/properties/fee' },
      { op: 'replace', path: '/trades.json/definitions/TradeData/required', value: (before.get('trades.json')!.definitions!.TradeData!.required as string[]).filter((name) => name !== 'fee') },
    ]);
    const report = await diffFiles(before, without);
    const [fee] = at(report.changes, 'trades', '/data/fee');
    expect(fee).toMatchObject({ rule: 'required-property-removed', breaks: expect.arrayContaining(['producer-code', 'other-language-code']) });
    expect(fee!.impact).toMatch(/Go and Python lose the field: code built on them that reads or writes it no longer compiles, a major release$/);
    expect(report.semver).toBe('major');
  });

  it('a value removed from a closed list of strings loses its Go constant and its Python Enum member: consumer code that names it breaks too (fresh46)', async () => {
    // generate drops `TradeDataStatusFailed TradeDataStatus = "failed"` (Go) and `FAILED = "failed"` (Python):
    // a Go consumer's `case rc.TradeDataStatusFailed:` no longer compiles, a Python consumer's TradeDataStatus.FAILED raises.
    // diff said breaks: ['producer-code'] ("code that builds the message"), as if only producers were concerned.
    const narrowed = patchSchemas(before, [{ op: 'remove', path: '/trades.json/definitions/TradeData/properties/status/enum/3' }]);
    const report = await diffFiles(before, narrowed);
    const [change] = at(report.changes, 'trades', '/data/status');
    expect(change).toMatchObject({ rule: 'enum-value-removed', breaks: expect.arrayContaining(['other-language-code']) });
  });
});

describe('a pattern changed (found by a hostile tester: the cursor narrowed was breaking for every message)', () => {
  const before = readSchemas();
  const cursor = (pattern: string) => patchSchemas(before, [{ op: 'replace', path: '/definitions.json/definitions/Cursor/pattern', value: pattern }]);
  const levels = async (pattern: string) => new Set((await diffFiles(before, cursor(pattern))).changes.filter((c) => c.rule === 'pattern-changed').map((c) => `${c.direction} ${c.level}`));

  it('compares two repeated character classes as sets: narrowed, relaxed, the same, or neither', async () => {
    // Narrowed: older consumers accept everything the newer server sends.
    expect(await levels('^[0-9A-Za-z._~-]{1,64}$')).toEqual(new Set(['server-to-client compatible']));
    expect(await levels('^[0-9a-z.]{1,128}$')).toEqual(new Set(['server-to-client compatible']));
    // Relaxed (longer, or another character): older consumers may reject it.
    expect(await levels('^[0-9A-Za-z._~-]{1,200}$')).toEqual(new Set(['server-to-client breaking']));
    // The same texts in another order: no value changes validity.
    expect(await levels('^[-~_.a-zA-Z0-9]{1,128}$')).toEqual(new Set(['server-to-client compatible']));
    // And with the `-` escaped (it was compared as text: breaking; a hostile tester).
    expect(await levels('^[0-9A-Za-z._~\\-]{1,128}$')).toEqual(new Set(['server-to-client compatible']));
    // And with `\w` for `0-9A-Za-z_` (not read: breaking for every message, major; tEJ F5), `\d` for `0-9`.
    expect(await levels('^[\\w.~-]{1,128}$')).toEqual(new Set(['server-to-client compatible']));
    expect(await levels('^[\\dA-Za-z._~-]{1,128}$')).toEqual(new Set(['server-to-client compatible']));
    expect(await levels('^[\\w.~]{1,128}$')).toEqual(new Set(['server-to-client compatible']));
    expect(await levels('^[\\w.~\\s-]{1,128}$')).toEqual(new Set(['server-to-client breaking']));
    expect((await diffFiles(before, cursor('^[\\w.~-]{1,128}$'))).semver).toBe('patch');
    // Any other escape, or a group round the class, is not read: both narrowed and relaxed.
    expect(await levels('^[\\p{L}0-9._~-]{1,128}$')).toEqual(new Set(['server-to-client breaking']));
    expect(await levels('^(?:[\\w.~-]){1,128}$')).toEqual(new Set(['server-to-client breaking']));
    // And so a patch release: no protocol version to bump, nothing `--fail-on compatible` stops on but the change itself (it asked for 1.2: a hostile tester).
    const same = await diffFiles(before, cursor('^[-0-9A-Za-z._~]{1,128}$'));
    expect(same).toMatchObject({ semver: 'patch', protocolVersion: { bumped: true } });
    expect(same.changes.map((c) => c.rule)).not.toContain('protocol-version-not-bumped');
    // Neither within the other, or another form: both narrowed and relaxed, as before.
    expect(await levels('^[0-9A-Za-z._~+-]{1,64}$')).toEqual(new Set(['server-to-client breaking']));
    expect(await levels('^[0-9A-Za-z._~-]{1,128}(x)?$')).toEqual(new Set(['server-to-client breaking']));
  });

  it('compares a repeated character class with the lengths minLength and maxLength leave it (a hostile tester: `+` beside maxLength 128 was breaking)', async () => {
    const rewritten = (pattern: string, maxLength: number) => patchSchemas(before, [
      { op: 'replace', path: '/definitions.json/definitions/Cursor/pattern', value: pattern },
      { op: 'add', path: '/definitions.json/definitions/Cursor/maxLength', value: maxLength },
    ]);
    const found = async (pattern: string, maxLength: number) => (await diffFiles(before, rewritten(pattern, maxLength))).changes.filter((c) => c.subject === 'trades' && c.pointer === '/cursor').map(({ rule, level }) => `${rule} ${level}`);
    // The same texts: a rewrite, documentation level.
    expect(await found('^[0-9A-Za-z._~-]+$', 128)).toEqual(['pattern-changed compatible']);
    // Fewer: 64 at most.
    expect(await found('^[0-9A-Za-z._~-]+$', 64)).toEqual(['pattern-changed compatible', 'length-narrowed compatible']);
  });

  it("reads a repeated character class's length as a length bound: minLength dropped for such a pattern that keeps it widens nothing (a hostile tester: breaking, CI failed)", async () => {
    // TradeData's id: an Identifier (minLength 1) made a Cursor (a pattern of 1 to 128 characters).
    const toCursor = patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/id/$ref', value: 'definitions.json#/definitions/Cursor' }]);
    const report = await diffFiles(before, toCursor);
    const id = report.changes.filter((c) => c.subject === 'trades' && c.pointer === '/data/id');
    expect(id.map(({ rule, level }) => `${rule} ${level}`)).toEqual(['pattern-added compatible']);
    expect(report.worst).not.toBe('breaking');
    // Back again: the pattern's characters go, which widens (breaking); the length does not change.
    const back = (await diffFiles(toCursor, before)).changes.filter((c) => c.subject === 'trades' && c.pointer === '/data/id');
    expect(back.map(({ rule, level }) => `${rule} ${level}`)).toEqual(['pattern-removed breaking']);
    // A pattern whose length is looser than the bound dropped widens: {0,128} admits the empty text.
    const looser = patchSchemas(toCursor, [{ op: 'replace', path: '/definitions.json/definitions/Cursor/pattern', value: '^[0-9A-Za-z._~-]{0,128}$' }]);
    const widened = (await diffFiles(before, looser)).changes.filter((c) => c.subject === 'trades' && c.pointer === '/data/id').map(({ rule, level }) => `${rule} ${level}`);
    expect(widened).toContain('length-widened breaking');
  });

  it("reads a new closed list's values as its length bound: minLength 1 dropped beside a list of non-empty values widens nothing (tIH F3: breaking, protocol 2.0)", async () => {
    const asset = (list: string[]) => patchSchemas(before, [
      { op: 'add', path: '/definitions.json/definitions/Asset/enum', value: list },
      { op: 'remove', path: '/definitions.json/definitions/Asset/minLength' },
    ]);
    const report = await diffFiles(before, asset(['BTC', 'ETH', 'ZAR', 'USDT', 'XRP']));
    const at = (changes: typeof report.changes) => changes.filter((c) => c.pointer === '/data/asset' || c.pointer === '/data/coin').map(({ subject, rule, level }) => `${subject} ${rule} ${level}`);
    expect(at(report.changes)).toEqual(['whale enum-added compatible', 'wallet enum-added compatible']);
    expect(report.worst).not.toBe('breaking');
    expect(report.protocolVersion.suggested).toBe('1.2');
    // A list holding the empty text admits one value minLength 1 refused: widened, as before.
    const withEmpty = await diffFiles(before, asset(['BTC', '']));
    expect(at(withEmpty.changes)).toContain('wallet length-widened breaking');
  });
});

describe('a fixed value is a closed list of one (a hostile tester: each was breaking)', () => {
  const before = readSchemas();
  const level = (value: unknown) => patchSchemas(before, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/level', value }]);
  it.each([
    ['its type widened, integer to number', { type: 'integer', const: 2 }, { type: 'number', const: 2 }],
    ['a list of one made a const of a wider type', { type: 'integer', enum: [2] }, { type: 'number', const: 2 }],
    ['its type given null beside a const that is not null', { type: 'string', const: 'a' }, { type: ['string', 'null'], const: 'a' }],
  ])('%s passes what passed: not breaking', async (_name, from, to) => {
    const report = await diffFiles(level(from), level(to));
    expect(report.changes.filter((c) => c.level === 'breaking').map((c) => `${c.rule}: ${c.text}`)).toEqual([]);
  });
});

describe('a union of JSON types (a hostile tester: a second one of the same name renamed the first one\'s Go type)', () => {
  const before = readSchemas();
  const withExtra = patchSchemas(before, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/extra', value: { type: ['string', 'integer'], description: 'x' } }]);

  it('keeps its Go name when another object gains a union of that name: a minor release', async () => {
    const report = await diffFiles(withExtra, patchSchemas(withExtra, [{ op: 'add', path: '/bots.json/definitions/BotData/properties/extra', value: { type: ['string', 'boolean'], description: 'y' } }]));
    expect(report.changes.filter((c) => c.rule === 'type-name-changed')).toEqual([]);
    expect(report.semver).toBe('minor');
  });

  it('moved into a definition of its own loses the name of its place (TradeDataExtra): a major release', async () => {
    const moved = patchSchemas(withExtra, [
      { op: 'add', path: '/definitions.json/definitions/Extra', value: { title: 'Extra', type: ['string', 'integer'], description: 'x' } },
      { op: 'replace', path: '/trades.json/definitions/TradeData/properties/extra', value: { $ref: 'definitions.json#/definitions/Extra', description: 'x' } },
    ]);
    const report = await diffFiles(withExtra, moved);
    expect(report.changes).toContainEqual(expect.objectContaining({ rule: 'type-name-changed', before: 'TradeDataExtra', after: undefined, breaks: ['importing-code'] }));
    expect(report.semver).toBe('major');
  });
});

describe('a field made optional or required (a hostile tester: Go\'s int64 became *int64, and diff said minor)', () => {
  const before = readSchemas();
  const clientOnly = (required: string[]) => patchSchemas(before, [
    { op: 'replace', path: '/ping.json/x-direction', value: ['client-to-server'] },
    { op: 'replace', path: '/ping.json/required', value: required },
  ]);

  it('retypes it in Go and Python, a client→server message too: other-language-code, a major release', async () => {
    for (const [from, to, rule] of [[['type', 'timestamp'], ['type'], 'property-made-optional'], [['type'], ['type', 'timestamp'], 'property-made-required']] as const) {
      const report = await diffFiles(clientOnly([...from]), clientOnly([...to]));
      const change = report.changes.find((c) => c.subject === 'ping' && c.pointer === '/timestamp');
      expect(change).toMatchObject({ rule, breaks: expect.arrayContaining(['other-language-code']) });
      expect(change!.impact).toMatch(/Go and Python give the field another type \(an optional key is a pointer with omitempty in Go, Optional in Python: int64 (becomes|was) \*int64/);
      expect(report.semver).toBe('major');
    }
  });

  it('names the field\'s own Go and Python types, or T where quicktype names them after the field (a tester: a number field read "int64 becomes *int64")', async () => {
    const required = before.get('trades.json')!.definitions!.TradeData!.required!;
    const optional = (name: string) => patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/required', value: required.filter((key) => key !== name) }]);
    const impact = async (name: string, made: 'optional' | 'required' = 'optional') => {
      const [from, to] = made === 'optional' ? [before, optional(name)] : [optional(name), before];
      return (await diffFiles(from, to)).changes.find((c) => c.rule === `property-made-${made}` && c.pointer === `/data/${name}`)!.impact;
    };
    // fee is `"type": "number"`: Go `Fee float64`, Python `fee: float`.
    expect(await impact('fee')).toContain('(an optional key is a pointer with omitempty in Go, Optional in Python: float64 becomes *float64, float becomes Optional[float])');
    expect(await impact('fee', 'required')).toContain('Optional in Python: float64 was *float64, float was Optional[float])');
    // An RFC 3339 timestamp is a string in both.
    expect(await impact('timestamp')).toContain('Optional in Python: string becomes *string, str becomes Optional[str])');
    // A $ref to a definition that is a closed list keeps the definition's name: Go `Side Side`, Python `side: Side`.
    expect(await impact('side')).toContain('Optional in Python: Side becomes *Side, Side becomes Optional[Side])');
    // status is an inline closed list: TradeDataStatus, a name quicktype makes from the field's.
    expect(await impact('status')).toContain('Optional in Python: a Go T becomes *T, a Python T becomes Optional[T])');
  });

  it('a nullable field keeps its Go pointer and its Python Optional: not counted; a nullable array is *[]T in Go alone', async () => {
    const pnlOptional = patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/TradeData/required', value: before.get('trades.json')!.definitions!.TradeData!.required!.filter((key) => key !== 'pnl') }]);
    const pnl = (await diffFiles(before, pnlOptional)).changes.find((c) => c.rule === 'property-made-optional');
    expect(pnl?.breaks).not.toContain('other-language-code');
    const withLevels = (required: boolean) => patchSchemas(before, [
      { op: 'add', path: '/trades.json/definitions/TradeData/properties/levels', value: { type: ['array', 'null'], items: { type: 'number' }, description: 'x' } },
      ...(required ? [{ op: 'add' as const, path: '/trades.json/definitions/TradeData/required/-', value: 'levels' }] : []),
    ]);
    const levels = (await diffFiles(withLevels(true), withLevels(false))).changes.find((c) => c.rule === 'property-made-optional');
    expect(levels?.breaks).toContain('other-language-code');
    expect(levels?.impact).toMatch(/Go gives the field another type .*\[\]T becomes \*\[\]T; Python's is Optional either way/);
  });

  it('a union is a pointer in Go either way, and Optional[Union[…]] in Python when optional', async () => {
    const withUnion = (required: boolean) => patchSchemas(before, [
      { op: 'add', path: '/trades.json/definitions/TradeData/properties/extra', value: { type: ['string', 'integer'], description: 'x' } },
      ...(required ? [{ op: 'add' as const, path: '/trades.json/definitions/TradeData/required/-', value: 'extra' }] : []),
    ]);
    const report = await diffFiles(withUnion(false), withUnion(true));
    const change = report.changes.find((c) => c.rule === 'property-made-required');
    expect(change?.breaks).toContain('other-language-code');
    expect(change?.impact).toMatch(/Python gives the field another type \(a union, Union\[int, str\] was Optional\[Union\[int, str\]\]; Go's is a pointer either way\)/);
  });
});

describe('type-name-changed names the languages that declare the type (tEV F2: Go and Python named for types quicktype never wrote)', () => {
  const before = readSchemas();
  const point = (kind: string, field: string, type: string) => ({ title: `${kind[0]!.toUpperCase()}${kind.slice(1)}Point`, description: kind, type: 'object', required: ['kind', field], additionalProperties: false, properties: { kind: { const: kind, description: 'k' }, [field]: { type, description: 'v' } } });
  // Branches of an anyOf of objects in an array: decoded JSON in Go ([]interface{}) and Python (List[Any]), a type in TypeScript only.
  const points = patchSchemas(before, [
    { op: 'add', path: '/metrics.json/definitions/PnlPoint', value: point('pnl', 'value', 'number') },
    { op: 'add', path: '/metrics.json/definitions/RiskPoint', value: point('risk', 'level', 'integer') },
    { op: 'add', path: '/metrics.json/definitions/MetricsData/properties/points', value: { type: 'array', items: { anyOf: [{ $ref: '#/definitions/PnlPoint' }, { $ref: '#/definitions/RiskPoint' }] }, description: 'Points.' } },
  ]);
  const onePoint = patchSchemas(points, [
    { op: 'remove', path: '/metrics.json/definitions/RiskPoint' },
    { op: 'replace', path: '/metrics.json/definitions/MetricsData/properties/points/items', value: { $ref: '#/definitions/PnlPoint' } },
  ]);
  const named = async (from: typeof before, to: typeof before) => Object.fromEntries((await diffFiles(from, to)).changes.filter((c) => c.rule === 'type-name-changed').map((c) => [c.before ?? c.after, c.impact]));

  it('a branch of an anyOf of objects: TypeScript only, removed and added', async () => {
    expect(await named(points, onePoint)).toEqual({ RiskPoint: 'the wire is unchanged; code that imports RiskPoint from the generated types (TypeScript) must stop' });
    expect(await named(onePoint, points)).toEqual({ RiskPoint: 'the wire is unchanged; the generated code exports one more type (TypeScript)' });
  });

  it('a union: TypeScript and Go; an object every message field reaches: all three', async () => {
    const extra = patchSchemas(before, [
      { op: 'add', path: '/definitions.json/definitions/Extra', value: { title: 'Extra', type: ['string', 'integer'], description: 'x' } },
      { op: 'add', path: '/trades.json/definitions/TradeData/properties/extra', value: { $ref: 'definitions.json#/definitions/Extra', description: 'x' } },
    ]);
    expect(await named(extra, before)).toMatchObject({ Extra: 'the wire is unchanged; code that imports Extra from the generated types (TypeScript, Go) must stop' });
    expect(await named(before, extra)).toMatchObject({ Extra: 'the wire is unchanged; the generated code exports one more type (TypeScript, Go)' });
    // PnlPoint, the array's items alone: a struct and a dataclass too.
    expect(await named(before, onePoint)).toEqual({ PnlPoint: 'the wire is unchanged; the generated code exports one more type (TypeScript, Go, Python)' });
  });
});

describe('an inline title added: a rename where Go or Python declared the type under its place name, one more TypeScript type elsewhere (tFV F6)', () => {
  const before = readSchemas();
  const EXTRA = '/trades.json/definitions/TradeData/properties/extra';
  const extra = (value: object) => patchSchemas(before, [{ op: 'add', path: EXTRA, value }]);
  const titled = async (node: object, title: string) => {
    const report = await diffFiles(extra(node), extra({ title, ...node }));
    const [change] = report.changes.filter((c) => c.rule === 'type-name-changed');
    return { impact: change?.impact, breaks: change?.breaks, semver: report.semver };
  };

  it('any value, or an array of a closed list: TypeScript alone gains the type, a minor release (it said Go and Python renamed it, major)', async () => {
    for (const [node, title] of [[{ description: 'x' }, 'FreeNote'], [{ type: 'array', items: { type: 'string', enum: ['p', 'q'] } }, 'Pairish']] as const) {
      expect(await titled(node, title)).toEqual({
        impact: `the wire is unchanged; the generated TypeScript exports one more type, ${title}; Go and Python declare no type of their own here, before or after`,
        breaks: [],
        semver: 'minor',
      });
    }
  });

  it('a union: Go alone renamed it (Python writes Union[…] in place); an object: Go and Python', async () => {
    expect(await titled({ type: ['string', 'integer'] }, 'Amountish')).toEqual({
      impact: 'the wire is unchanged; the generated code names this type Amountish: Go named it after its place before, so code that imports that name must use Amountish',
      breaks: ['importing-code'],
      semver: 'major',
    });
    expect(await titled({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, 'Boxed')).toEqual({
      impact: 'the wire is unchanged; the generated code names this type Boxed: Go and Python named it after its place before, so code that imports that name must use Boxed',
      breaks: ['importing-code'],
      semver: 'major',
    });
  });
});
