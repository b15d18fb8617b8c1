import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedDeclarations } from '../../src/cli/diff-command.js';
import { diffContracts } from '../../src/diff/index.js';
import { goDeclarations, languageNameChanges, pythonDeclarations, type Declarations, type LanguageDeclarations } from '../../src/diff/language-code.js';
import { diffFiles, diffFilesWithCode, loadFiles, patchSchemas, readSchemas } from './support.js';

// A field's generated Go or Python type that changed with no change the contract model shows
// (an alias split, a name quicktype gave moved to another type): diff said "release minor"
// while Go producer code stopped building (tGY F2, F6; tGI F11). Read from both sides' code.
describe('names the generated Go and Python change where the contract model shows none', () => {
  const base = readSchemas();
  const field = (name: string, value: unknown) => ({ op: 'add' as const, path: `/trades.json/definitions/TradeData/properties/${name}`, value });
  const named = <C extends { rule: string; subject: string | null; pointer: string }>(changes: C[], pointer: string) => changes.filter((c) => c.rule === 'type-name-changed' && c.subject === 'trades' && c.pointer === pointer);

  it('an inline list aliasing Side splits from it when Side gains a value, or when it gains one itself: a major release, naming *Side → *TradeDataDir (tGY F2)', async () => {
    const old = patchSchemas(base, [field('dir', { type: 'string', enum: ['buy', 'sell'] })]);
    const sideGrew = patchSchemas(old, [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'short' }]);
    const dirGrew = patchSchemas(old, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/dir/enum/-', value: 'short' }]);
    for (const after of [sideGrew, dirGrew]) {
      const report = await diffFilesWithCode(old, after);
      const [change, ...more] = named(report.changes, '/definitions/TradeData/properties/dir');
      expect(more).toEqual([]);
      expect(change).toMatchObject({ level: 'compatible', breaks: ['importing-code'] });
      expect(change!.text).toContain('Go TradeData.dir: *Side → *TradeDataDir');
      expect(change!.text).toContain('Python TradeData.dir: Optional[Side] → Optional[TradeDataDir]');
      expect(change!.text).toContain('Go type TradeDataDir: an alias of Side → a type of its own');
      expect(report.semver).toBe('major');
    }
  });

  it('a union of the same kinds added beside another renames that one\'s inline list: said with both names (tGI F11)', async () => {
    const old = patchSchemas(base, [field('grade', { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] })]);
    // The same strings: one union under two names, kept under the first title (TradeDataAgrade).
    const after = patchSchemas(old, [field('agrade', { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] })]);
    const report = await diffFilesWithCode(old, after);
    const [change, ...more] = named(report.changes, '/definitions/TradeData/properties/grade');
    expect(more).toEqual([]);
    expect(change!.text).toContain('Go TradeDataGrade.Enum: *TradeDataGradeEnum → *TradeDataAgradeEnum (constants TradeDataGradeA, TradeDataGradeB no longer declared)');
    expect(change!.text).toContain('Python TradeData.grade: Optional[Union[TradeDataGradeEnum, int]] → Optional[Union[TradeDataAgradeEnum, int]]');
    expect(report.semver).toBe('major');
  });

  it('an anyOf of closed lists, named after its place, keeps its name when another message gains a field of its name: nothing to say (tGY F6)', async () => {
    // quicktype named it Two, and PurpleTwo once BotData gained a `two`; the codegen names it TradeDataTwo now.
    const old = patchSchemas(base, [field('two', { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['c', 'd'] }] })]);
    const after = patchSchemas(old, [{ op: 'add', path: '/bots.json/definitions/BotData/properties/two', value: { anyOf: [{ enum: ['x', 'y'] }, { enum: ['z'] }] } }]);
    const report = await diffFilesWithCode(old, after);
    expect(report.changes.filter((c) => c.rule === 'type-name-changed')).toEqual([]);
    expect(report.semver).toBe('minor');
  });

  // quicktype gives a struct UnmarshalJSON (whole numbers written 1.0 or 1e3) once it has an integer field: a consumer's
  // struct that embeds TradeData then decoded only TradeData's fields, its own left empty, and diff said minor (tHL F6).
  it('an integer field added to a struct without one gives it UnmarshalJSON: a major release, saying what an embedding struct loses (tHL F6)', async () => {
    const after = patchSchemas(base, [field('lots', { type: 'integer', minimum: 0 })]);
    const report = await diffFilesWithCode(base, after);
    const [change, ...more] = named(report.changes, '/definitions/TradeData');
    expect(more).toEqual([]);
    expect(change).toMatchObject({ level: 'compatible', breaks: ['importing-code'] });
    expect(change!.text).toBe('the generated Go decode or encode this struct another way: Go TradeData: declares UnmarshalJSON');
    expect(change!.impact).toContain("a struct of a consumer's that embeds this one");
    expect(report.semver).toBe('major');
    // And back: the method gone is said too.
    const back = await diffFilesWithCode(after, base);
    expect(named(back.changes, '/definitions/TradeData').map((c) => c.text)).toEqual(['the generated Go decode or encode this struct another way: Go TradeData: no longer declares UnmarshalJSON']);
  });

  // quicktype prefixes a Python keyword with the class name (`yield` → trade_data_yield); a property
  // added under that name took the attribute, the older key moving to purple_yield, and a v1
  // consumer silently read the new key: diff said "release minor" (tHL F5).
  it('a property added under the name Python gave a keyword moves that attribute to the new key: a major release, naming both (tHL F5)', async () => {
    const old = patchSchemas(base, [field('yield', { type: 'number' })]);
    const after = patchSchemas(old, [field('trade_data_yield', { type: 'string' })]);
    const report = await diffFilesWithCode(old, after);
    const [change, ...more] = named(report.changes, '/definitions/TradeData/properties/yield');
    expect(more).toEqual([]);
    expect(change).toMatchObject({ level: 'compatible', breaks: ['importing-code'], before: 'trade_data_yield', after: 'purple_yield' });
    expect(change!.text).toContain('Python TradeData: the key "yield" is read by trade_data_yield → purple_yield (trade_data_yield now reads "trade_data_yield")');
    expect(change!.text).not.toContain('Go ');
    expect(report.semver).toBe('major');
    // Added where it sorts after the prefixed one, the older attribute keeps its key: nothing to say.
    const self = patchSchemas(base, [field('self', { type: 'number' })]);
    const later = await diffFilesWithCode(self, patchSchemas(self, [field('trade_data_self', { type: 'string' })]));
    expect(later.changes.filter((c) => c.rule === 'type-name-changed')).toEqual([]);
    expect(later.semver).toBe('minor');
  });

  // A message type added with trades' inline list of statuses: TradeDataStatus becomes an alias
  // of OrderDataStatus, and every older name still compiles and runs: it read major (tHL F4).
  it('a type of its own made an alias of a type the older code did not declare keeps every name: a minor release (tHL F4)', async () => {
    const trades = base.get('trades.json')!;
    const orders = structuredClone(trades) as typeof trades & { properties: { type: { const: string }; data: { $ref: string } }; definitions: Record<string, unknown>; examples: { type: string }[] };
    Object.assign(orders, { $id: 'https://realtime-contract.dev/schemas/orders.json', title: 'OrdersMessage', definitions: { OrderData: { ...(trades.definitions!.TradeData as object), title: 'OrderData' } } });
    orders.properties.type.const = 'orders';
    orders.properties.data.$ref = '#/definitions/OrderData';
    for (const example of orders.examples) example.type = 'orders';
    const after = patchSchemas(base, [{ op: 'add', path: '/orders.json', value: orders }, { op: 'add', path: '/poll-response.json/properties/messages/items/anyOf/-', value: { $ref: 'orders.json' } }]);
    const report = await diffFilesWithCode(base, after);
    const [change, ...more] = named(report.changes, '/definitions/TradeData/properties/status');
    expect(more).toEqual([]);
    expect(change).toMatchObject({ breaks: [] });
    expect(change!.text).toContain('Go type TradeDataStatus: a type of its own → an alias of OrderDataStatus, a type the older code did not declare');
    expect(change!.impact).toMatch(/still compiles and runs/);
    expect(report.semver).toBe('minor');
    // The reverse, an alias made a type of its own again, still breaks code that assigned one to the other.
    const back = await diffFilesWithCode(after, base);
    expect(back.changes.filter((c) => c.rule === 'type-name-changed' && c.breaks.includes('importing-code')).length).toBeGreaterThan(0);
  });

  it('says nothing of a change that keeps every generated name (a value added to a list of its own: a minor release)', async () => {
    const after = patchSchemas(base, [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'short' }]);
    const report = await diffFilesWithCode(base, after);
    expect(report.changes.filter((c) => c.rule === 'type-name-changed')).toEqual([]);
    expect(report.semver).toBe('minor');
  });

  // An optional field is a pointer in Go and Optional in Python, nullable or not: made nullable (or
  // no longer) it kept its Go and Python types, while diff said they changed (tGY F3).
  it('an optional field made nullable or no longer keeps its Go and Python types, and diff does not say they change (tGY F3)', async () => {
    const plain = patchSchemas(base, [field('note', { type: 'string' })]);
    const nullable = patchSchemas(base, [field('note', { type: ['string', 'null'] })]);
    const languages = await generatedDeclarations(await loadFiles(plain), await loadFiles(nullable));
    for (const language of ['Go', 'Python'] as const) {
      expect(languages!.after[language].fields.get('TradeData')!.get('note')).toBe(languages!.before[language].fields.get('TradeData')!.get('note'));
    }
    for (const [from, to, rule] of [[plain, nullable, 'made-nullable'], [nullable, plain, 'made-non-nullable']] as const) {
      const change = (await diffFiles(from, to)).changes.find((c) => c.subject === 'trades' && c.pointer === '/data/note');
      expect(change, rule).toMatchObject({ rule });
      expect(change!.breaks).not.toContain('other-language-code');
      expect(change!.impact).not.toMatch(/Go and Python/);
    }
    // A required one is a value in Go where it was a pointer, and Optional in Python: said still.
    const required = (type: unknown) => patchSchemas(base, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/id', value: { type } }]);
    const change = (await diffFiles(required('string'), required(['string', 'null']))).changes.find((c) => c.subject === 'trades' && c.pointer === '/data/id' && c.rule === 'made-nullable');
    expect(change!.breaks).toContain('other-language-code');
  });
});

// The guards and wording of languageNameChanges and its change, on declarations written here: the fixtures above never
// reach them (tHE F16: mutants D02, D03, D10, D12 each passed every diff test).
describe('generated-name changes: what is said once, not at all, and in whose words (tHE F16)', () => {
  const declarations = (types: Record<string, string>, fields: Record<string, Record<string, string>>, constants: Record<string, [type: string, value: string]> = {}): Declarations => ({
    types: new Map(Object.entries(types)),
    fields: new Map(Object.entries(fields).map(([owner, each]) => [owner, new Map(Object.entries(each))])),
    constants: new Map(Object.entries(constants).map(([name, [type, value]]) => [name, { type, value }])),
    // Each field reads the key it is named after: no key moved (fxGE's keys, tHL F5, merged beside these).
    keys: new Map(Object.entries(fields).map(([owner, each]) => [owner, new Map(Object.keys(each).map((field) => [field, JSON.stringify(field)]))])),
    methods: new Map(),
  });
  const goOnly = (go: Declarations): LanguageDeclarations => ({ Go: go, Python: declarations({}, {}) });

  it('says nothing of a field whose type name the contract model already told changed (D02)', () => {
    const before = goOnly(declarations({ Side: 'string', TradeData: 'struct' }, { TradeData: { side: '*Side' } }));
    const after = goOnly(declarations({ Direction: 'string', TradeData: 'struct' }, { TradeData: { side: '*Direction' } }));
    expect(languageNameChanges(before, after, new Set(['Side']))).toEqual([]);
    // Not told: said.
    expect(languageNameChanges(before, after, new Set()).map((change) => change.notes)).toEqual([['Go TradeData.side: *Side → *Direction']]);
  });

  it('says nothing of a field retyped from a declared name to built-in types alone: the wire rules say it (D03)', () => {
    const before = goOnly(declarations({ Side: 'string', TradeData: 'struct' }, { TradeData: { side: '*Side' } }, { SideBuy: ['Side', '"buy"'] }));
    const after = goOnly(declarations({ TradeData: 'struct' }, { TradeData: { side: '*string' } }));
    expect(languageNameChanges(before, after, new Set())).toEqual([]);
  });

  it('says a constant that moves to another type, its own type neither renamed nor retyped anywhere (D12)', () => {
    const before = goOnly(declarations({ Side: 'string', TradeDataDir: 'string', TradeData: 'struct' }, { TradeData: { side: '*Side', dir: '*TradeDataDir' } }, { SideBuy: ['Side', '"buy"'] }));
    const after = goOnly(declarations({ Side: 'string', TradeDataDir: 'string', TradeData: 'struct' }, { TradeData: { side: '*Side', dir: '*TradeDataDir' } }, { SideBuy: ['TradeDataDir', '"buy"'] }));
    expect(languageNameChanges(before, after, new Set())).toEqual([
      { owner: 'TradeData', field: 'side', notes: ['Go constant SideBuy ("buy"): of Side → of TradeDataDir'], before: ['SideBuy'], after: ['SideBuy'], keepsNames: false },
    ]);
  });

  // Read from Go's own text (goDeclarations): its key ↔ field map and its methods had no test of their own (tHP F14: LC04,
  // LC06 survived every diff test).
  const goStruct = (fields: string[], methods: string[] = []) => ['package messages', '', 'type TradeData struct {', ...fields.map((field) => `\t${field}`), '}', '', ...methods.map((method) => `func (t *TradeData) ${method}(b []byte) error {\n\treturn nil\n}\n`)].join('\n');
  const python = declarations({}, {});

  it('says a Go field moved to another JSON key, read from the Go text: the key and both fields named (tHP F14, LC04)', () => {
    const before = goDeclarations(goStruct(['Yield *float64 `json:"yield,omitempty"`', 'Price float64 `json:"price"`']));
    const after = goDeclarations(goStruct(['Yield *string `json:"Yield,omitempty"`', 'PurpleYield *float64 `json:"yield,omitempty"`', 'Price float64 `json:"price"`']));
    expect(before.keys.get('TradeData')).toEqual(new Map([['Yield', '"yield"'], ['Price', '"price"']]));
    const notes = languageNameChanges({ Go: before, Python: python }, { Go: after, Python: python }, new Set()).flatMap((change) => change.notes);
    expect(notes).toContain('Go TradeData: the key "yield" is read by Yield → PurpleYield (Yield now reads "Yield")');
  });

  it('says a Go struct that gains MarshalJSON alone, read from the Go text (tHP F14, LC06)', () => {
    const before = goDeclarations(goStruct(['Price float64 `json:"price"`']));
    const after = goDeclarations(goStruct(['Price float64 `json:"price"`'], ['MarshalJSON']));
    expect(after.methods.get('TradeData')).toEqual(new Set(['MarshalJSON']));
    const notes = languageNameChanges({ Go: before, Python: python }, { Go: after, Python: python }, new Set()).flatMap((change) => change.notes);
    expect(notes.some((note) => note.startsWith('Go TradeData') && note.includes('MarshalJSON'))).toBe(true);
  });

  it('keeps every name only for an alias of a type the older code did not declare: one of a type it already declared is said as a change that breaks (tHP F14, LC01)', () => {
    const before = (types: Record<string, string>) => goOnly(declarations({ TradeDataStatus: 'string', TradeData: 'struct', ...types }, { TradeData: { status: '*TradeDataStatus' } }));
    const after = goOnly(declarations({ TradeDataStatus: '= OrderDataStatus', OrderDataStatus: 'string', TradeData: 'struct' }, { TradeData: { status: '*TradeDataStatus' } }));
    // OrderDataStatus new: TradeDataStatus still means what it meant (tHL F4).
    expect(languageNameChanges(before({}), after, new Set()).map((change) => change.keepsNames)).toEqual([true]);
    // OrderDataStatus declared before, a type of its own: code that told the two apart (a type switch, two methods) no longer compiles.
    const [change, ...more] = languageNameChanges(before({ OrderDataStatus: 'string' }), after, new Set());
    expect(more).toEqual([]);
    expect(change!.keepsNames).toBe(false);
    expect(change!.notes.join('\n')).not.toContain('a type the older code did not declare');
  });

  it('says a key whose field is gone, now read by another, and a field that reads another key while nobody reads its old one (tHP F14, LC02, LC03)', () => {
    const keyed = (fields: Record<string, [type: string, key: string]>): Declarations => ({
      ...declarations({ TradeData: 'struct' }, { TradeData: Object.fromEntries(Object.entries(fields).map(([name, [type]]) => [name, type])) }),
      keys: new Map([['TradeData', new Map(Object.entries(fields).map(([name, [, key]]) => [name, JSON.stringify(key)]))]]),
    });
    const notes = (before: Declarations, after: Declarations) => languageNameChanges(goOnly(before), goOnly(after), new Set()).flatMap((change) => change.notes);
    // "yield" was Yield's; Yield is gone and PurpleYield reads it (LC03 kept only the "reads" half: not said).
    expect(notes(keyed({ Yield: ['*float64', 'yield'] }), keyed({ PurpleYield: ['*float64', 'yield'] }))).toContain('Go TradeData: the key "yield" is read by Yield → PurpleYield');
    // Yield reads "Yield" now, and no field reads "yield" (LC02 kept only the "renamed" half: not said).
    expect(notes(keyed({ Yield: ['*float64', 'yield'] }), keyed({ Yield: ['*float64', 'Yield'] }))).toContain('Go TradeData: the key "yield" is read by Yield → no field (Yield now reads "Yield")');
  });

  it('one field whose two types are made aliases, one of a type the older code declared, one of a new type: it does not keep every name (tHP F14, LC08)', () => {
    const field = { TradeData: { status: 'map[TradeKey]TradeStatus' } };
    const before = goOnly(declarations({ TradeKey: 'string', OtherKey: 'string', TradeStatus: 'string', TradeData: 'struct' }, field));
    const after = goOnly(declarations({ TradeKey: '= OtherKey', OtherKey: 'string', TradeStatus: '= OrderStatus', OrderStatus: 'string', TradeData: 'struct' }, field));
    const changes = languageNameChanges(before, after, new Set());
    expect(changes.map((change) => [change.field, change.notes.length, change.keepsNames])).toEqual([['status', 2, false]]);
  });

  it('says a change only the Python shows "no longer runs", not "compiles": Python is not compiled (D10)', async () => {
    const contract = await loadFiles(readSchemas());
    const go = declarations({ Side: 'string', TradeData: 'struct' }, { TradeData: { side: '*Side' } });
    const languages = {
      before: { Go: go, Python: declarations({ Side: 'Enum', TradeData: 'class' }, { TradeData: { side: 'Side' } }) },
      after: { Go: go, Python: declarations({ Side: 'Enum', TradeDataSide: 'Enum', TradeData: 'class' }, { TradeData: { side: 'TradeDataSide' } }) },
    };
    const [change, ...more] = diffContracts(contract, contract, { languages }).changes.filter((c) => c.rule === 'type-name-changed');
    expect(more).toEqual([]);
    expect(change).toMatchObject({ subject: 'trades', pointer: '/definitions/TradeData/properties/side', text: 'the generated Python name other types here: Python TradeData.side: Side → TradeDataSide' });
    expect(change!.impact).toBe('the wire rules see no name change, but code built on the generated Python that names the older type or assigns one here no longer runs, so code that imports it must follow');
  });
});

describe('a field docstring line shaped `name: text` (tHV F6: read as the Python field\'s type, a description edit was a major release)', () => {
  it('is documentation: no type-name-changed, a patch release', async () => {
    const base = readSchemas();
    const after = patchSchemas(base, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/status/description', value: 'Trade status. Closed list: the spec lists the values.\nstatus: filled when done, as a Side is for side.' }]);
    const report = await diffFilesWithCode(base, after);
    expect(report.changes.map((c) => c.rule)).toEqual(['documentation-changed']);
    expect(report.semver).toBe('patch');
  });

  it('declares no field: the Python classes hold the fields the code declares, not lines of their docstrings', () => {
    const python = pythonDeclarations(readFileSync('generated/languages/python/realtime_contract.py', 'utf8'));
    // `Unbounded: may be negative or above 100.` is a line of total_pnl_percent's docstring.
    expect([...python.fields.get('MetricsData')!.keys()]).not.toContain('Unbounded');
    expect(python.fields.get('TradeData')!.get('status')).toBe('TradeDataStatus');
  });
});
