import path from 'node:path';
import { formats } from '../runtime/formats.js';
import { escapeToken } from '../runtime/json-pointer.js';
import { ANNOTATION_KEYWORDS, forEachSubschema, ONE_ITEMS_SCHEMA, SchemaError, type Contract, type JsonType, type SchemaNode } from '../contract/index.js';
import { sourceRoot } from './source-root.js';
import { docText } from './ts-text.js';

/**
 * What `emitTypeBox` refuses, found without writing anything: a keyword or keyword combination
 * TypeBox cannot express, or a circular reference between definitions. `diff` runs it to warn
 * that generate would refuse a contract (it warned of none of these: a hostile tester).
 *
 * @throws SchemaError (file and JSON Pointer)
 */
export function checkTypeBoxSupport(contract: Contract): void {
  const definitions = contract.bundle.definitions!;
  const origins = originsByDefinition(contract);
  const emitter = new Emitter();
  for (const name of dependencyOrder(definitions, origins)) emitter.schema(definitions[name]!, origins.get(name)!);
}

/**
 * Generates `typebox.ts`: one exported TypeBox schema per named definition of the contract
 * (shared definitions, every message `TradesMessage`, every payload `TradeData`), in
 * dependency order, then `Message` (union of all messages) and `MessageSchemas` (message type
 * → schema). Importing the module registers the contract's string formats (`date-time`) with
 * TypeBox's global `FormatRegistry`, in place of the app's of the same name (README says so), using the checkers of `src/runtime/formats.ts` (bundled beside it as
 * `formats.js`, so that the shipped module imports only shipped files), because TypeBox ships none.
 *
 * Each schema's `Static` type is the type of the same name in `types.ts`, with a consumer's
 * `exactOptionalPropertyTypes` on or off (the declarations tsc emits leave it to the consumer's
 * compiler to work out), and TypeBox's checker accepts exactly what the strict ajv validators
 * accept: closed objects stay closed, and known values of an open string (`x-known-values`)
 * only narrow the static type. (But on text past U+FFFF: TypeBox counts `minLength`/`maxLength`
 * in UTF-16 code units and reads a `pattern` without the `u` flag, where the validators count and
 * match characters; a pattern that cannot mean the same, `\p{…}` or a character past U+FFFF, is
 * refused by `checkGeneratable`.)
 *
 * @returns `typebox.ts` → formatted module text, the same bytes on every run
 * @throws SchemaError (file and JSON Pointer) for a keyword or keyword combination this
 *   generator cannot express in TypeBox, or for a circular reference between definitions
 * @see websocket-message-schemas.md, "Message Types"
 */
export async function emitTypeBox(contract: Contract): Promise<Map<string, string>> {
  const { bundle } = contract;
  const definitions = bundle.definitions!;
  const origins = originsByDefinition(contract);
  const emitter = new Emitter();
  const declarations = dependencyOrder(definitions, origins).map((name) => {
    const node = definitions[name]!;
    const expression = emitter.schema(node, origins.get(name)!);
    return `${docComment(node.description)}export const ${name} = ${expression};`;
  });

  const registrations = [...emitter.formats].sort().map((name) => {
    if (!Object.hasOwn(formats, name)) {
      const [file, pointer] = emitter.formatSites.get(name)!;
      throw new SchemaError(file, pointer, `format "${name}" has no checker in src/runtime/formats.ts`);
    }
    return `FormatRegistry.Set(${quote(name)}, formats[${quote(name)}]);`;
  });
  const types = [
    ...(emitter.helpers.has('described') ? ['TSchema'] : []),
    ...(emitter.helpers.has('open') ? ['Evaluate', 'Static', 'TObject', 'TUnsafe'] : []),
  ].sort();
  const imports = ['FormatRegistry', 'Type', ...types.map((name) => `type ${name}`)];
  const helpers: string[] = [];
  if (emitter.helpers.has('described')) {
    helpers.push(`/** A named schema used with a description of its own: JSON Schema's \`$ref\` with a sibling \`description\`. */
function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}`);
  }
  if (emitter.helpers.has('open')) {
    // An interface, not the type spelled out as open's return type: tsc's declarations then keep
    // `TOpen<TObject<…>>`, whose `Static` the consumer's compiler works out under the consumer's
    // own exactOptionalPropertyTypes. Spelled out, it was worked out under the package's, and
    // dist/ held `checks_passed?: number | undefined`, which types.ts is not with the flag on
    // (a fresh user).
    helpers.push(`/**
 * An object schema that admits properties it does not list. TypeBox's \`Static\` has no index
 * signature, so it is added here to match types.ts (\`[k: string]: unknown\`). An interface, so that
 * the emitted declarations name it and leave \`Static\` to the consumer's compiler options; exported,
 * so that a consumer's own declarations can name it too (a value built from such a schema).
 */
export interface TOpen<T extends TObject> extends TUnsafe<Evaluate<Static<T> & { [k: string]: unknown }>> {}

/** An object schema that admits properties it does not list: {@link TOpen}. */
function open<T extends TObject>(schema: T): TOpen<T> {
  return Type.Unsafe(schema);
}`);
  }
  if (emitter.helpers.has('map')) {
    helpers.push(`/**
 * The key of a map (\`Type.Record(MapKey, …)\`): any string, its value checked whatever the key holds.
 * TypeBox's own string key is the pattern \`^(.*)$\`, which a key holding a line terminator (\\n, \\r,
 * U+2028, U+2029) does not match: TypeBox and Fastify's ajv then left that key's value unchecked, where
 * the validators check every value. \`[\\s\\S]\` matches every character. \`Static\` is unchanged: \`Record<string, …>\`.
 */
const MapKey = Type.String({ pattern: '^[\\\\s\\\\S]*$' });`);
  }
  const formatSetup =
    registrations.length === 0
      ? ''
      : `import { formats } from './formats.js';

// TypeBox ships no string formats: without these, every value with a \`format\` fails. Its
// FormatRegistry is global: these replace formats of the same name the app registered before, for
// the app's own TypeBox schemas too, with strict mode's checks (\`date-time\`: the producer profile).
${registrations.join('\n')}`;

  const messages = contract.messages;
  const union = `Any message of the real-time WebSocket protocol v${contract.protocol.version}, discriminated by \`type\`.`;
  const text = `// Generated by \`npm run generate\` from schemas/*.json. Do not edit.

import { ${imports.join(', ')} } from '@sinclair/typebox';
${formatSetup}

${helpers.join('\n\n')}

${declarations.join('\n\n')}

/** ${docText(union)} */
export const Message = Type.Union([${messages.map((m) => m.title).join(', ')}], { description: ${quote(union)} });

/** Message type → its schema, e.g. \`MessageSchemas['${messages[0]!.type}']\` is \`${messages[0]!.title}\`. */
export const MessageSchemas = {
${messages.map((m) => `  ${quote(m.type)}: ${m.title},`).join('\n')}
} as const;
`;
  // Loaded here, not with the module: `diff` runs checkTypeBoxSupport and needs neither.
  const { format } = await import('prettier');
  const formatted = await format(text, { parser: 'typescript', singleQuote: true, printWidth: 120 });
  return new Map([['typebox.ts', formatted], ...(registrations.length === 0 ? [] : await emitFormats())]);
}

const ROOT = sourceRoot(import.meta.url);
const FORMATS_MODULE = path.join(ROOT, 'src/runtime/formats.ts');

/**
 * `formats.js` (and `.d.ts`) beside `typebox.ts`: the checkers of `src/runtime/formats.ts`
 * bundled into one dependency-free ES module, so that what the package ships imports only what
 * it ships (src/ is not in the tarball).
 */
async function emitFormats(): Promise<[string, string][]> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [FORMATS_MODULE],
    // Paths in the module's comments are relative to this folder: the checkout's, wherever
    // `generate` runs from, so the output is the same bytes from anywhere.
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const header = '// Generated by `npm run generate` from src/runtime/formats.ts. Do not edit.\n';
  const names = Object.keys(formats).map((name) => `  readonly ${JSON.stringify(name)}: (value: unknown) => boolean;`);
  const declaration = `${header}\n/** The string formats the schemas use, keyed by JSON Schema \`format\` name: a checker each (RFC 3339 for \`date-time\`). */\nexport declare const formats: {\n${names.join('\n')}\n};\n`;
  return [
    ['formats.js', header + result.outputFiles[0]!.text],
    ['formats.d.ts', declaration],
  ];
}

/** Where a node comes from, for error messages: schema file and JSON Pointer in it. */
type Origin = readonly [file: string, pointer: string];

/** Definition name → its file and pointer (a message's root is its file's root). */
function originsByDefinition(contract: Contract): Map<string, Origin> {
  const origins = new Map<string, Origin>();
  for (const name of Object.keys(contract.definitions.definitions ?? {})) {
    origins.set(name, ['definitions.json', `/definitions/${escapeToken(name)}`]);
  }
  for (const message of [...contract.messages, ...contract.documents]) {
    origins.set(message.title, [message.file, '']);
    for (const name of Object.keys(message.schema.definitions ?? {})) {
      origins.set(name, [message.file, `/definitions/${escapeToken(name)}`]);
    }
  }
  return origins;
}

/**
 * Definition names ordered so that each comes after everything it references (a `const` can
 * only use what is already declared), otherwise in bundle order, so the output is stable.
 */
function dependencyOrder(definitions: Record<string, SchemaNode>, origins: Map<string, Origin>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const [file, pointer] = origins.get(name)!;
      const problem = `"${name}" is part of a reference cycle; recursive schemas are not supported by the TypeBox output`;
      throw new SchemaError(file, pointer, problem);
    }
    state.set(name, 'visiting');
    for (const reference of references(definitions[name]!)) visit(reference);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(definitions)) visit(name);
  return order;
}

/** Names of the definitions `node` refers to. */
function references(node: SchemaNode): string[] {
  const found: string[] = [];
  forEachSubschema(node, (child) => {
    if (child.$ref !== undefined) found.push(child.$ref.slice('#/definitions/'.length));
  });
  return found;
}

/** Constraint keywords of each JSON type: passed to TypeBox as options of that type. */
const CONSTRAINTS: Record<JsonType, readonly string[]> = {
  string: ['minLength', 'maxLength', 'pattern', 'format'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  array: ['minItems', 'maxItems', 'uniqueItems'],
  object: [],
  boolean: [],
  null: [],
};

/** Keywords that give an array or object its shape: they become builder arguments. */
const STRUCTURE: Partial<Record<JsonType, readonly string[]>> = {
  array: ['items'],
  object: ['properties', 'required', 'additionalProperties'],
};

const SCALAR_BUILDERS: Record<Exclude<JsonType, 'array' | 'object'>, string> = {
  string: 'Type.String',
  number: 'Type.Number',
  integer: 'Type.Integer',
  boolean: 'Type.Boolean',
  null: 'Type.Null',
};

/**
 * Why `keyword` is refused in `node`, with the way out where there is one: most of what is
 * refused here no generated language can carry either (a keyword refused with no way out left
 * a fresh user nowhere to go: a hostile tester).
 */
function unsupported(keyword: string, node: SchemaNode): string {
  const branches = Array.isArray(node[keyword]) ? (node[keyword] as SchemaNode[]) : [];
  const nullable = branches.length === 2 && branches.some((branch) => branch.type === 'null');
  const here: Record<string, string | undefined> = {
    oneOf: nullable
      ? 'for a choice of a type and null write "anyOf": [<the other branch>, { "type": "null" }], as the shipped schemas do'
      : 'write "anyOf" where no value can match two branches (values of different types, objects told apart by a "const")',
    allOf: branches.length === 1 && branches[0]!.$ref !== undefined
      ? 'write its "$ref" alone in place of the "allOf", and put the keywords beside it in the definition it names; or write this schema whole, with its "type"'
      : 'merge its schemas into one',
    additionalItems: `it applies only beside "items" as a list of schemas (a tuple), which is not supported either: ${ONE_ITEMS_SCHEMA}`,
  };
  const nowhere: Record<string, string | undefined> = {
    not: 'list what is allowed instead (an "enum", a "pattern", bounds)',
    patternProperties: 'write a map ("additionalProperties": <the values\' schema>), whose keys are not checked, or name the properties',
    propertyNames: 'write a map ("additionalProperties": <the values\' schema>), whose keys are not checked, or name the properties',
    contains: 'say what every item is in "items", and check the rest in code',
    dependencies: 'make the properties required, or split the message type in two',
    minProperties: 'name the properties and make them "required"',
    maxProperties: 'name the properties, with "additionalProperties": false',
  };
  if (here[keyword] !== undefined) return `keyword "${keyword}" is not supported here: ${here[keyword]}`;
  if (nowhere[keyword] !== undefined) return `keyword "${keyword}" is not supported by the generated languages: ${nowhere[keyword]}`;
  return `keyword "${keyword}" is not supported here`;
}

/** Keywords that only annotate: `title` and `description` are carried over, the rest dropped. */
const ANNOTATIONS: ReadonlySet<string> = new Set([...ANNOTATION_KEYWORDS].filter((keyword) => keyword !== 'x-known-values'));

/**
 * Turns bundled schema nodes into TypeBox builder expressions, remembering which formats and
 * helper functions the output needs.
 */
class Emitter {
  readonly formats = new Set<string>();
  /** Format name → where it is first used, to report a format without a checker. */
  readonly formatSites = new Map<string, Origin>();
  readonly helpers = new Set<'described' | 'open' | 'map'>();

  schema(node: SchemaNode, at: Origin): string {
    const fail = failure(at);
    // Read as a schema, the list was refused as `keyword "0" is not supported here` (tEJ F3).
    if (Array.isArray(node.items)) fail('items', `"items" as a list of schemas (a tuple) is not supported: ${ONE_ITEMS_SCHEMA}`);
    const types: JsonType[] = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    const allowed = new Set([...ANNOTATIONS, 'type']);
    for (const type of types) {
      for (const keyword of [...CONSTRAINTS[type], ...(STRUCTURE[type] ?? [])]) allowed.add(keyword);
    }
    for (const keyword of ['$ref', 'anyOf', 'const', 'enum', 'x-known-values'] as const) {
      if (node[keyword] !== undefined) allowed.add(keyword);
    }
    for (const keyword of Object.keys(node)) {
      if (!allowed.has(keyword)) fail(keyword, unsupported(keyword, node));
    }

    if (node.$ref !== undefined) {
      // ajv 8 applies keywords beside a `$ref`; TypeBox would need an intersection for them.
      const sibling = Object.keys(node).find((keyword) => keyword !== '$ref' && !ANNOTATIONS.has(keyword));
      // A nullable $ref, written as a type list beside it: the contract's own form is a choice.
      const types = node.type === undefined ? [] : [node.type].flat();
      if (sibling === 'type' && types.includes('null')) {
        fail('type', 'keyword "type" beside "$ref" is not supported: for a $ref that may be null write "anyOf": [{ "$ref": <the same> }, { "type": "null" }], as the shipped schemas do');
      }
      // With the way out (a fresh user added the `type` the strictTypes error asked for, and met this one with none).
      if (sibling !== undefined) fail(sibling, `keyword "${sibling}" beside "$ref" is not supported: put it in the definition "$ref" names, or write this schema whole, with its "type", instead of the "$ref"`);
      const name = node.$ref.slice('#/definitions/'.length);
      if (node.description === undefined) return name;
      this.helpers.add('described');
      return `described(${name}, ${quote(node.description)})`;
    }
    const options = annotations(node);
    if (node.anyOf !== undefined) {
      if (types.length > 0) fail('anyOf', '"anyOf" beside "type" is not supported');
      const members = node.anyOf.map((child, index) => this.schema(child, [at[0], `${at[1]}/anyOf/${index}`]));
      return `Type.Union([${members.join(', ')}]${trailing(options)})`;
    }
    if (node.const !== undefined || node.enum !== undefined) this.checkLiterals(node, types, fail);
    if (node.const !== undefined) {
      return literal(node.const, options, () => fail('const', 'only a string, number or boolean const is supported'));
    }
    if (node['x-known-values'] !== undefined) {
      const stringish = types.includes('string') && types.every((type) => type === 'string' || type === 'null');
      if (!stringish || node.enum !== undefined) {
        fail('x-known-values', '"x-known-values" needs "type": "string" (or ["string", "null"]) and no "enum"');
      }
      // The checker sees an open string; only the static type lists the known values, as types.ts does.
      const { 'x-known-values': known, ...checked } = node;
      const staticType = [...known!.map(quote), '(string & {})', ...(types.includes('null') ? ['null'] : [])].join(' | ');
      return `Type.Unsafe<${staticType}>(${this.schema(checked, at)})`;
    }
    if (node.enum !== undefined) {
      const unsupported = () => fail('enum', 'only string, number, boolean or null values are supported');
      const members = node.enum.map((value) => (value === null ? 'Type.Null()' : literal(value, [], unsupported)));
      return `Type.Union([${members.join(', ')}]${trailing(options)})`;
    }
    if (types.length === 0) return `Type.Unknown(${argument(options)})`;
    if (types.length > 1) {
      // A list of types is a union: annotations on the union, each type's constraints on its member.
      return `Type.Union([${types.map((type) => this.typed(node, type, [], at)).join(', ')}]${trailing(options)})`;
    }
    return this.typed(node, types[0]!, options, at);
  }

  /**
   * A `const` or `enum` becomes literals, which carry no other constraint: so that TypeBox
   * accepts no literal ajv would reject, every value must have a JSON type `type` allows, and
   * no constraint (`minLength`, …) may stand beside it.
   */
  private checkLiterals(node: SchemaNode, types: JsonType[], fail: (keyword: string, problem: string) => never): void {
    const keyword = node.const !== undefined ? 'const' : 'enum';
    const constraint = types.flatMap((type) => CONSTRAINTS[type]).find((name) => node[name] !== undefined);
    if (constraint !== undefined) fail(constraint, `"${constraint}" beside "${keyword}" is not supported`);
    const values = node.const !== undefined ? [node.const] : node.enum!;
    const mistyped = values.find((value) => types.length > 0 && !types.some((type) => hasJsonType(value, type)));
    if (mistyped !== undefined) fail(keyword, `expected only values of "type" ${JSON.stringify(node.type)} in "${keyword}", got ${JSON.stringify(mistyped)}, which no message can hold`);
  }

  /** The builder for one JSON type of `node`: that type's constraints, then `options`. */
  private typed(node: SchemaNode, type: JsonType, options: string[], at: Origin): string {
    const constraints = CONSTRAINTS[type]
      .filter((keyword) => node[keyword] !== undefined)
      .map((keyword) => `${keyword}: ${JSON.stringify(node[keyword])}`);
    if (type === 'string' && node.format !== undefined) {
      this.formats.add(node.format);
      if (!this.formatSites.has(node.format)) this.formatSites.set(node.format, [at[0], `${at[1]}/format`]);
    }
    if (type === 'object') return this.object(node, options, at);
    if (type === 'array') {
      const items = node.items === undefined ? 'Type.Unknown()' : this.schema(node.items, [at[0], `${at[1]}/items`]);
      return `Type.Array(${items}${trailing([...constraints, ...options])})`;
    }
    return `${SCALAR_BUILDERS[type]}(${argument([...constraints, ...options])})`;
  }

  /**
   * An object with `properties` becomes `Type.Object`, closed or open as the schema says; one
   * without, whose `additionalProperties` is a schema, is a map: `Type.Record(MapKey, …)`, whose
   * key matches every string (TypeBox's own `Type.String()` key, `^(.*)$`, matched no key holding a
   * line terminator, and its value went unchecked by TypeBox and by Fastify's ajv alike).
   */
  private object(node: SchemaNode, options: string[], at: Origin): string {
    const fail = failure(at);
    const { properties, additionalProperties } = node;
    const required = new Set(node.required ?? []);
    if (properties === undefined) {
      if (typeof additionalProperties !== 'object') {
        // `true` is a schema too, but not one the generators read here (a tester, tDJ F9): `{}` is.
        const written = additionalProperties === undefined ? 'none' : JSON.stringify(additionalProperties);
        // `false` (no key at all) is an object that must be empty: `{}` would turn it into a map of
        // any values, `"properties": {}` keeps its meaning (a tester, tDP F8).
        const advice = additionalProperties === false
          ? `an object that must be empty: write "properties": {} beside "additionalProperties": false`
          : `a map: the values' schema, {} for any value`;
        fail('additionalProperties', `an object without "properties" needs an "additionalProperties" schema object (${advice}), got ${written}`);
      }
      if (required.size > 0) fail('required', '"required" on a map is not supported');
      const values = this.schema(additionalProperties as SchemaNode, [at[0], `${at[1]}/additionalProperties`]);
      this.helpers.add('map');
      return `Type.Record(MapKey, ${values}${trailing(options)})`;
    }
    for (const name of required) {
      if (!Object.hasOwn(properties, name)) fail('required', `required property "${name}" is not listed in "properties"`);
    }
    if (typeof additionalProperties === 'object') {
      fail('additionalProperties', 'an "additionalProperties" schema beside "properties" is not supported');
    }
    const members = Object.entries(properties).map(([name, child]) => {
      const value = this.schema(child, [at[0], `${at[1]}/properties/${escapeToken(name)}`]);
      return `${JSON.stringify(name)}: ${required.has(name) ? value : `Type.Optional(${value})`}`;
    });
    const closure = additionalProperties === undefined ? [] : [`additionalProperties: ${additionalProperties}`];
    const expression = `Type.Object({ ${members.join(', ')} }${trailing([...closure, ...options])})`;
    // Absent is open, as JSON Schema, the validators, Go/Python and diff read it: it opened only on
    // `true`, so a field the validators accepted did not compile against Static<> (tEV F1).
    if (additionalProperties === false) return expression;
    this.helpers.add('open');
    return `open(${expression})`;
  }
}

function failure([file, pointer]: Origin): (keyword: string, problem: string) => never {
  return (keyword, problem) => {
    throw new SchemaError(file, `${pointer}/${escapeToken(keyword)}`, `${problem} (TypeBox output)`);
  };
}

/** `title` and `description` as option entries. */
function annotations(node: SchemaNode): string[] {
  return (['title', 'description'] as const)
    .filter((keyword) => typeof node[keyword] === 'string')
    .map((keyword) => `${keyword}: ${quote(node[keyword]!)}`);
}

/** Option entries as an options object, or nothing. */
function argument(entries: string[]): string {
  return entries.length === 0 ? '' : `{ ${entries.join(', ')} }`;
}

/** Option entries as a further argument after the first, or nothing. */
function trailing(entries: string[]): string {
  return entries.length === 0 ? '' : `, ${argument(entries)}`;
}

function hasJsonType(value: unknown, type: JsonType): boolean {
  if (type === 'null') return value === null;
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}

function literal(value: unknown, options: string[], fail: () => never): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return fail();
  return `Type.Literal(${JSON.stringify(value)}${trailing(options)})`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function docComment(description: string | undefined): string {
  return description === undefined ? '' : `/** ${docText(description)} */\n`;
}
