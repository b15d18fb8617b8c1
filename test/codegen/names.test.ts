/**
 * Names `generate` refuses before any generator runs, with the file and JSON Pointer: a
 * definition named after a type the generated code exports already, one no language can carry
 * as it is, a property every JavaScript object has, two properties (or two values of a closed
 * list) Go and Python would give one name. Each was found by a hostile tester, failing in a generator without a place, or
 * writing a generated/ that did not compile.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { generate, SchemaError } from '../../src/codegen/index.js';
import { IMPORTED_TYPE_NAMES, RESERVED_TYPE_NAMES } from '../../src/codegen/check.js';
import { loadContract } from '../../src/contract/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of schemas/ (removed after the test) with `edit` applied to the text of `file`: its folder. */
function schemasWith(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'names-'));
  dirs.push(dir);
  cpSync('schemas', dir, { recursive: true });
  const target = path.join(dir, file);
  writeFileSync(target, edit(readFileSync(target, 'utf8')));
  return dir;
}

/** `edit` applied to the parsed schema of `file`, as a text edit for {@link schemasWith}. */
const editSchema = <T>(edit: (schema: T) => void) => (text: string) => {
  const schema = JSON.parse(text) as T;
  edit(schema);
  return JSON.stringify(schema);
};

/** generate's verdict on a copy of schemas/ with `edit` applied to `file`: 'generated' or what it threw. */
async function generateEdited(file: string, edit: (text: string) => string): Promise<unknown> {
  return generate(schemasWith(file, edit)).then(
    () => 'generated',
    (error: unknown) => error,
  );
}

const rename = (from: string, to: string) => (text: string) => text.replaceAll(`"${from}"`, `"${to}"`).replaceAll(`/definitions/${from}"`, `/definitions/${to}"`);
const addProperty = (definition: string, name: string) =>
  editSchema<{ definitions: Record<string, { properties: Record<string, unknown> }> }>((schema) => {
    schema.definitions[definition]!.properties[name] = { type: 'string' };
  });

describe('generate refuses names the generated code cannot carry', () => {
  const cases: [string, string, (text: string) => string, string, RegExp][] = [
    ['a definition named after a generated type (Duplicate identifier in types.ts)', 'trades.json', rename('TradeData', 'ServerMessage'), '/definitions/ServerMessage', /a type the generated code or the package exports/],
    ['a definition named after a package export', 'trades.json', rename('TradeData', 'ValidationResult'), '/definitions/ValidationResult', /a type the generated code or the package exports/],
    ['a definition named after the received twin of another', 'alerts.json', rename('AlertData', 'ReceivedBotData'), '/definitions/ReceivedBotData', /the received twin of BotData/],
    ['a definition named after the received twin of a message (a root title; TS2308 in src/index.ts: a reviewer)', 'alerts.json', rename('AlertData', 'ReceivedTradesMessage'), '/definitions/ReceivedTradesMessage', /the received twin of TradesMessage/],
    ['a definition name with an underscore (quicktype "declared no type")', 'trades.json', rename('TradeData', 'Trade_Data'), '/definitions/Trade_Data', /PascalCase .*got "Trade_Data"/],
    ['a definition named "class" (a prettier dump)', 'trades.json', rename('TradeData', 'class'), '/definitions/class', /PascalCase .*got "class"/],
    ['a property named "constructor" (the example "failed" on a function)', 'trades.json', addProperty('TradeData', 'constructor'), '/definitions/TradeData/properties/constructor', /not a member of every JavaScript object, got "constructor"/],
    ['a property named "hasOwnProperty" (schema.hasOwnProperty is not a function)', 'trades.json', addProperty('TradeData', 'hasOwnProperty'), '/definitions/TradeData/properties/hasOwnProperty', /Object\.prototype\.hasOwnProperty/],
    ['a property "Side" beside "side" (Go and Python gave the name of side to the new one)', 'trades.json', addProperty('TradeData', 'Side'), '/definitions/TradeData/properties/Side', /got "Side" beside "side": Go and Python name one after the other/],
    // Go's SideBuy and Python's Side.BUY came to mean "Buy", and "buy" became PurpleSideBuy / Side.SIDE_BUY: producer code that still compiled sent another value (a hostile tester).
    ['a closed-list value "Buy" before "buy"', 'definitions.json', editSchema<{ definitions: { Side: { enum: string[] } } }>((schema) => schema.definitions.Side.enum.unshift('Buy')), '/definitions/Side/enum/1', /got "buy" beside "Buy": Go and Python name one after the other, so adding one renames the other's constant/],
    ['a closed-list value "SELL!" after "sell"', 'definitions.json', editSchema<{ definitions: { Side: { enum: string[] } } }>((schema) => schema.definitions.Side.enum.push('SELL!')), '/definitions/Side/enum/2', /got "SELL!" beside "sell"/],
    // Both compiled and imported, and lost data (a hostile tester): Go drops an unexported field in
    // silence; a Python decoder whose local `obj` replaced its argument failed on every trade.
    ['a property "数量", which Go names as a field it does not export', 'trades.json', addProperty('TradeData', '数量'), '/definitions/TradeData/properties/数量', /would become a Go field Go does not export/],
    ['a property "obj", which the Python decoder names as its own argument', 'trades.json', addProperty('TradeData', 'obj'), '/definitions/TradeData/properties/obj', /would become a local of the generated Python decoder that shadows a name the decoder reads itself/],
    ['a property "from_none", a helper the Python decoder passes, not calls (a reviewer)', 'trades.json', addProperty('TradeData', 'from_none'), '/definitions/TradeData/properties/from_none', /shadows a name the decoder reads itself/],
    // The rendered code is checked too: "Obj" is no name of the list, but Python names its local obj.
    ['a property "Obj", which Python names obj (found in the rendered decoder)', 'trades.json', addProperty('TradeData', 'Obj'), '/definitions/TradeData/properties/Obj', /becomes obj in Python, a name the generated decoder TradeData\.from_dict reads itself/],
    ['a property "-", which Go skips (json:"-"; a reviewer)', 'trades.json', addProperty('TradeData', '-'), '/definitions/TradeData/properties/-', /encoding\/json skips a field tagged "-"/],
    // generate passed, and the code did not compile or lost a method (a hostile tester).
    ['a definition named "Static", which typebox.ts imports', 'trades.json', rename('TradeData', 'Static'), '/definitions/Static', /a name the generated TypeBox or Python module imports/],
    ['a definition named "Optional", which the Python module imports (quicktype refused it unplaced)', 'trades.json', rename('TradeData', 'Optional'), '/definitions/Optional', /a name the generated TypeBox or Python module imports/],
    ['a definition named "None", a Python keyword (quicktype renamed it, and the refusal spoke of emoji)', 'trades.json', rename('TradeData', 'None'), '/definitions/None', /a name the generated TypeBox or Python module imports or reserves \(Python: None, True, False/],
    ['a property "marshal" of a message, beside its generated Go method Marshal', 'trades.json', editSchema<{ properties: Record<string, unknown> }>((schema) => {
      schema.properties.marshal = { type: 'string' };
    }), '/properties/marshal', /becomes the Go field Marshal of TradesMessage, which has a generated method of that name/],
    ['a definition named as an inline schema is named after its place (refused without a place: a hostile tester)', 'trades.json', editSchema<{ definitions: Record<string, unknown> }>((schema) => {
      schema.definitions.TradeDataStatus = { type: 'string', enum: ['x', 'y'] };
    }), '/definitions/TradeData/properties/status', /Go and Python would name two types TradeDataStatus \(one of them named after its place, TradeDataStatus\)/],
    ['a closed-list value with no letter or digit, for which quicktype renamed the type (refused without a place: a hostile tester)', 'definitions.json', editSchema<{ definitions: { Side: { enum: string[] } } }>((schema) => schema.definitions.Side.enum.push('😀')), '/definitions/Side', /expected Go and Python to declare this schema as Side, got SideEnum: quicktype renamed it/],
    ['a property "to_dict", which replaced the Python method of that name', 'trades.json', addProperty('TradeData', 'to_dict'), '/definitions/TradeData/properties/to_dict', /becomes the Python field to_dict of TradeData, which replaces the generated method of that name/],
    // Python reads identifiers in NFKC: `ｘ` is `x`, and the module raised "'X' already defined" on import (a hostile tester).
    ['a closed-list value "ｓｅｌｌ" (fullwidth) beside "sell"', 'definitions.json', editSchema<{ definitions: { Side: { enum: string[] } } }>((schema) => schema.definitions.Side.enum.push('ｓｅｌｌ')), '/definitions/Side/enum/2', /got "ｓｅｌｌ" beside "sell"/],
    ['a property "ﬁlled" (a ligature) beside "filled"', 'trades.json', editSchema<{ definitions: Record<string, { properties: Record<string, unknown> }> }>((schema) => {
      schema.definitions.TradeData!.properties.filled = { type: 'string' };
      schema.definitions.TradeData!.properties['ﬁlled'] = { type: 'string' };
    }), '/definitions/TradeData/properties/ﬁlled', /got "ﬁlled" beside "filled"/],
    ['a closed-list value "ß" beside "ss" (Python\'s constant SS for both)', 'definitions.json', editSchema<{ definitions: { Side: { enum: string[] } } }>((schema) => schema.definitions.Side.enum.push('ss', 'ß')), '/definitions/Side/enum/3', /got "ß" beside "ss"/],
    // quicktype names what starts with a digit `the…`: `THE_1` meant "1", and "the_1" was renamed (a hostile tester).
    ['a closed-list value "the_1" beside "1"', 'definitions.json', editSchema<{ definitions: { Side: { enum: string[] } } }>((schema) => schema.definitions.Side.enum.push('1', 'the_1')), '/definitions/Side/enum/3', /got "the_1" beside "1"/],
    // quicktype names a union's closed list `<Union>Enum`, and renamed a definition of that name
    // in Go and Python alone (`PqEnum`, TypeScript keeping it: tGY F1), and a field's list too.
    ['a definition named as a union\'s closed list (TradeDataChoiceEnum)', 'trades.json', editSchema<{ definitions: Record<string, { properties: Record<string, unknown> }> }>((schema) => {
      (schema.definitions as Record<string, unknown>).TradeDataChoiceEnum = { title: 'TradeDataChoiceEnum', enum: ['p', 'q'] };
      schema.definitions.TradeData!.properties.pq = { $ref: '#/definitions/TradeDataChoiceEnum' };
      schema.definitions.TradeData!.properties.choice = { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] };
    }), '/definitions/TradeDataChoiceEnum', /Go and Python would name two types TradeDataChoiceEnum: the closed list of strings of the union at \/definitions\/TradeData\/properties\/choice/],
    ['a field\'s closed list named as a union\'s (choice_enum beside choice)', 'trades.json', editSchema<{ definitions: Record<string, { properties: Record<string, unknown> }> }>((schema) => {
      schema.definitions.TradeData!.properties.choice = { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] };
      schema.definitions.TradeData!.properties.choice_enum = { type: 'string', enum: ['x', 'y'] };
    }), '/definitions/TradeData/properties/choice_enum', /Go and Python would name two types TradeDataChoiceEnum: the closed list of strings of the union at \/definitions\/TradeData\/properties\/choice/],
    // quicktype gives Side's "sell" the Go constant SideSell, and renamed the type: the refusal
    // spoke of reserved names and emoji, neither of which applied (tHL F3).
    ['a definition named as a Go constant of a closed list (SideSell, Side\'s "sell")', 'trades.json', editSchema<{ definitions: Record<string, { properties: Record<string, unknown> }> }>((schema) => {
      (schema.definitions as Record<string, unknown>).SideSell = { title: 'SideSell', type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } };
      schema.definitions.TradeData!.properties.sb = { $ref: '#/definitions/SideSell' };
    }), '/definitions/SideSell', /expected Go to declare this schema as SideSell, got no such type: Go already declares SideSell as the constant of Side's value "sell", and quicktype renamed the type; rename it/],
    // Go's decoder of the trades message is the function UnmarshalTradesMessage: a definition of that name was renamed, and
    // the refusal must say so, not speak of reserved names and emoji (tHP F12, mutant Q03).
    ['a definition named as a Go function of its own (UnmarshalTradesMessage, the trades message\'s decoder)', 'trades.json', editSchema<{ definitions: Record<string, { properties: Record<string, unknown> }> }>((schema) => {
      (schema.definitions as Record<string, unknown>).UnmarshalTradesMessage = { title: 'UnmarshalTradesMessage', type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } };
      schema.definitions.TradeData!.properties.um = { $ref: '#/definitions/UnmarshalTradesMessage' };
    }), '/definitions/UnmarshalTradesMessage', /expected Go to declare this schema as UnmarshalTradesMessage, got .*: Go already declares UnmarshalTradesMessage as a function of its own \(a message's decoder\), and quicktype renamed the type; rename it/],
    // The AsyncAPI parser resolved it as a reference and stopped on asyncapi.json (a hostile tester).
    ['a property named "$ref"', 'trades.json', addProperty('TradeData', '$ref'), '/definitions/TradeData/properties/$ref', /other than "\$ref"/],
  ];
  for (const [name, file, edit, pointer, message] of cases) {
    it(name, { timeout: 60_000 }, async () => {
      const error = await generateEdited(file, edit);
      expect(error).toBeInstanceOf(SchemaError);
      expect(error).toMatchObject({ file, pointer });
      expect((error as Error).message).toMatch(message);
    });
  }

  it('takes a title on a field that is no type as a label, spaces and all (it was refused: a reviewer)', { timeout: 60_000 }, async () => {
    const labelled = editSchema<{ definitions: { TradeData: { properties: Record<string, Record<string, unknown>> } } }>((schema) => {
      schema.definitions.TradeData.properties.price!.title = 'Price in quote currency';
    });
    expect(await generateEdited('trades.json', labelled)).toBe('generated');
  });

  it('generates a contract with a definition no message uses (its required keys stopped generate with an internal count: a hostile tester)', { timeout: 60_000 }, async () => {
    const unused = editSchema<{ definitions: Record<string, unknown> }>((schema) => {
      schema.definitions.Unused = { title: 'Unused', type: 'object', required: ['a'], additionalProperties: false, properties: { a: { type: 'string' } } };
    });
    expect(await generateEdited('decisions.json', unused)).toBe('generated');
  });

  it('loads such a contract still: diff reads it', async () => {
    await expect(loadContract(schemasWith('trades.json', rename('TradeData', 'Trade_Data')))).resolves.toBeDefined();
  });

  it('RESERVED_TYPE_NAMES is what the generated files and the package root export beside the definitions', () => {
    const definitions = new Set<string>();
    for (const file of readdirSync('schemas').filter((name) => name.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(path.join('schemas', file), 'utf8')) as { title?: string; definitions?: object };
      if (schema.title) definitions.add(schema.title);
      for (const name of Object.keys(schema.definitions ?? {})) definitions.add(name);
    }
    const exported = new Set<string>();
    for (const file of ['generated/types.ts', 'generated/received-types.ts', 'generated/typebox.ts', 'generated/contract.ts', 'src/index.ts']) {
      const text = readFileSync(file, 'utf8');
      for (const [, name] of text.matchAll(/^export (?:declare )?(?:type|interface|class|const|enum|function) ([A-Z][A-Za-z0-9]*)\b/gm)) exported.add(name!);
      for (const [, list] of text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) for (const name of list!.split(',').map((n) => n.trim().split(/\s+as\s+/).at(-1)!)) if (/^[A-Z][A-Za-z0-9]*$/.test(name)) exported.add(name);
    }
    const beside = [...exported].filter((name) => !definitions.has(name) && !(name.startsWith('Received') && definitions.has(name.slice('Received'.length))));
    expect(beside.sort()).toEqual([...RESERVED_TYPE_NAMES].sort());
  });

  it('IMPORTED_TYPE_NAMES holds what typebox.ts imports or declares and the Python module imports or declares', () => {
    const typebox = readFileSync('generated/typebox.ts', 'utf8');
    const python = readFileSync('generated/languages/python/realtime_contract.py', 'utf8');
    const imported = [
      ...[.../import \{([^}]*)\} from '@sinclair\/typebox'/.exec(typebox)![1]!.split(',')].map((name) => name.trim().replace(/^type /, '')).filter(Boolean),
      ...[...typebox.matchAll(/^(?:interface|type) ([A-Z]\w*)/gm)].map((m) => m[1]!),
      ...[...python.matchAll(/^from (?:enum|typing) import (.*)$/gm)].flatMap((m) => m[1]!.split(',').map((name) => name.trim())).filter((name) => /^[A-Z]/.test(name)),
      ...[...python.matchAll(/^([A-Z]\w*) = TypeVar\(/gm)].map((m) => m[1]!),
    ];
    expect([...new Set(imported)].filter((name) => !IMPORTED_TYPE_NAMES.includes(name))).toEqual([]);
  });

  it("IMPORTED_TYPE_NAMES holds every type name quicktype's Python renderer forbids (`None` was renamed, then refused as if it held an emoji: a hostile tester)", async () => {
    const { forbiddenTypeNames } = (await import('quicktype-core/dist/language/Python/constants.js' as string)) as { forbiddenTypeNames: string[] };
    expect(forbiddenTypeNames).toContain('None');
    expect(forbiddenTypeNames.filter((name) => /^[A-Z][A-Za-z0-9]*$/.test(name) && !IMPORTED_TYPE_NAMES.includes(name))).toEqual([]);
  });
});

describe('a long closed list', () => {
  it('of 1,000 values generates (acorn ran out of stack on its `===` chain), and its validators check it by a Set, strict and tolerant', { timeout: 120_000 }, async () => {
    type Trades = { definitions: { TradeData: { properties: { status: { enum: string[] } } } }; examples: { data: object }[] };
    let schema!: Trades;
    const dir = schemasWith('trades.json', editSchema<Trades>((trades) => {
      const status = trades.definitions.TradeData.properties.status;
      status.enum = [...status.enum, ...Array.from({ length: 996 }, (_, i) => `s${i}`)];
      schema = trades;
    }));
    const status = schema.definitions.TradeData.properties.status;
    const files = await generate(dir);
    const module = path.join(dir, 'validators.mjs');
    writeFileSync(module, files.get('validators.js')!);
    const { checkMessage } = (await import(pathToFileURL(module).href)) as typeof import('../../generated/validators.js');
    const trade = (value: string) => ({ ...schema.examples[0]!, data: { ...schema.examples[0]!.data, status: value } });
    expect(checkMessage('trades', trade('s995'), 'strict')).toBeNull();
    expect(checkMessage('trades', trade('filled'), 'strict')).toBeNull();
    expect(checkMessage('trades', trade('s996'), 'strict')).toMatchObject([{ instancePath: '/data/status', keyword: 'enum', params: { allowedValues: status.enum } }]);
    const notices = { list: null };
    expect(checkMessage('trades', trade('s996'), 'tolerant', notices)).toBeNull();
    expect(notices.list).toEqual([{ pointer: '/data/status', value: 's996', known: status.enum }]);
  });
});

describe('Python defaults', () => {
  it('an optional property written before a required nullable one generates, both defaulting to None (quicktype puts every field that may be None last; generate refused it)', { timeout: 60_000 }, async () => {
    const dir = schemasWith('trades.json', editSchema<{ definitions: { TradeData: { properties: Record<string, unknown> } } }>((schema) => {
      schema.definitions.TradeData.properties = { note: { type: 'string' }, ...schema.definitions.TradeData.properties };
    }));
    const python = (await generate(dir)).get('languages/python/realtime_contract.py')!;
    const trade = python.slice(python.indexOf('class TradeData:'), python.indexOf('def from_dict', python.indexOf('class TradeData:')));
    expect(trade).toContain('    note: Optional[str] = None\n');
    expect(trade).toContain('    pnl: Optional[float] = None\n');
  });
});

// A type beside ai_tasks that differs only in case or punctuation: asyncapi.json's operation
// sendAiTasks sent the new type only, ai_tasks left with none (aiTasks), or generate blamed
// ai_tasks.json's untouched example, checked with the new type's validator (ai-tasks, ai.tasks;
// their validators' export was message_ai_tasks too): tBK F6.
describe('message types that differ only in case or punctuation', () => {
  /** A copy of schemas/ with a global stream message of type `type` (its file `<type>.json`), listed by the poll response: generate's verdict. */
  async function withType(type: string): Promise<unknown> {
    const dir = schemasWith('poll-response.json', editSchema<{ properties: { messages: { items: { anyOf: unknown[] } } } }>((schema) => void schema.properties.messages.items.anyOf.push({ $ref: `${type}.json` })));
    const message = JSON.parse(readFileSync('schemas/whale.json', 'utf8'));
    Object.assign(message, { $id: `https://realtime-contract.dev/schemas/${type}.json`, title: 'AiTaskEventsMessage', description: 'AI task event. Public: broadcast to all. An event: every one is delivered.' });
    message.properties.type = { const: type, description: 'Message type identifier.' };
    message.properties.data = { $ref: '#/definitions/AiTaskEventData' };
    message.definitions = { AiTaskEventData: { title: 'AiTaskEventData', description: 'One event.', type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', description: 'Name.' } } } };
    message.examples = [{ type, data: { name: 'x' }, ts: '2026-01-14T16:30:00.000Z' }];
    writeFileSync(path.join(dir, `${type}.json`), JSON.stringify(message));
    return generate(dir).then(
      () => 'generated',
      (error: unknown) => error,
    );
  }

  it.each(['aiTasks', 'ai-tasks', 'ai.tasks', 'AI_TASKS'])('refuses %s beside ai_tasks, naming both types and both files', async (type) => {
    const error = await withType(type);
    expect(error).toBeInstanceOf(SchemaError);
    const files = [`${type}.json`, 'ai_tasks.json'].sort();
    const [later, earlier] = (error as SchemaError).file === files[0] ? files : [files[1]!, files[0]!];
    expect(error).toMatchObject({ file: later, pointer: '/properties/type/const' });
    const other = earlier === 'ai_tasks.json' ? 'ai_tasks' : type;
    expect((error as SchemaError).problem).toContain(`beside ${JSON.stringify(other)} (${earlier})`);
    expect((error as SchemaError).problem).toContain('differs from the others in more than case and punctuation');
  });

  it('takes a type that differs in more than that', async () => {
    expect(await withType('ai_task_events')).toBe('generated');
  });

  // poll_response's operation, sendPollResponse, is the poll's: asyncapi.json kept the poll's, and
  // the stream channel listed poll_response with no operation sending it (tCC F11).
  it.each([
    ['poll_response', 'its operation would be sendPollResponse'],
    ['PollRefusal', 'its message would be components.messages.PollRefusal'],
  ])('refuses %s, whose name in asyncapi.json the poll takes, naming its file', async (type, words) => {
    const error = await withType(type);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: `${type}.json`, pointer: '/properties/type/const' });
    expect((error as SchemaError).problem).toContain(`got ${JSON.stringify(type)}: ${words}`);
  });
});
