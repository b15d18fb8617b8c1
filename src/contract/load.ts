import { readdir, readFile, stat } from 'node:fs/promises';
import { utf8Text } from '../shared/utf8.js';
import { Ajv, type ErrorObject } from 'ajv';
import path from 'node:path';
import { escapeToken as escapePointer, parsePointer, resolvePointer } from '../runtime/json-pointer.js';
import { bundleContract } from './bundle.js';
import { KNOWN_KEYWORDS, PROJECT_KEYWORDS } from './keywords.js';
import { followRefs, recursionProblem, resolveRef, resolveRefValue } from './refs.js';
import { linkPath } from './link-path.js';
import { SchemaError } from './schema-error.js';
import { forEachSubschema } from './walk.js';
import { describeSyntaxError } from '../runtime/json-syntax.js';
import { nearestName } from '../runtime/errors.js';
import { scanJsonText } from '../languages/json-scan.js';
import { writtenTextFault } from './written-text.js';
import { withJsonEquality } from '../shared/json-equal.js';
import { SCHEMA_BASE_URI, type Contract, type Direction, type DocumentSchema, type MessageSchema, type ProtocolFacts, type SchemaNode } from './schema.js';

/** The most a schema file may hold: the contract's largest is a few KiB. */
export const SCHEMA_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** Values of one closed list (`enum`) at most: ajv's draft-07 meta-schema checks their uniqueness pair by pair. */
export const MAX_ENUM_VALUES = 10_000;

/** Why a `*.json` file in a subfolder of the schemas folder is refused ({@link nestedSchema}), and the way out. */
export const NESTED_SCHEMA_PROBLEM = 'a schema file in a subfolder, which is not read: the contract is the *.json files at the top of the schemas folder (one per message type, beside definitions.json and protocol.json); move it up beside them (its $id named after the file), or out of the schemas folder';

/**
 * Whether a file of the schemas folder named `name` is a schema: a `*.json` file whose name does
 * not start with "." (as folders so named are not looked into): an Emacs lock `.#trades.json`, a
 * link that leads nowhere, or macOS's AppleDouble `._trades.json` (binary) stopped generate.
 */
export function isSchemaFileName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.');
}

/**
 * Of the names of a schemas folder's files, what is said when none is a schema but some are
 * `*.json` files whose names start with "." (`.definitions.json`, `.trades.json`), none read
 * ({@link isSchemaFileName}): `2 files whose names start with "." are skipped
 * (.definitions.json, …): rename them to read them`, as validate says of a folder of such message
 * files. It was `definitions.json#: file is missing` (generate) or `no protocol.json` (diff), of
 * a folder holding both. Undefined when a name is a schema's, or none is so named.
 */
export function dotNamedSchemasSkipped(names: readonly string[]): string | undefined {
  if (names.some(isSchemaFileName)) return undefined;
  const skipped = names.filter((name) => name.startsWith('.') && name.endsWith('.json')).sort();
  if (skipped.length === 0) return undefined;
  return skipped.length === 1
    ? `1 file whose name starts with "." is skipped (${skipped[0]}): rename it to read it`
    : `${skipped.length} files whose names start with "." are skipped (${skipped[0]}, …): rename them to read them`;
}

/**
 * The first `*.json` file (by name) in a subfolder of `schemaDir`, at any depth, relative to
 * `schemaDir` with "/" between folders; undefined when there is none. Links to folders are not
 * followed, and folders whose name starts with "." (an editor's `.vscode`, `.git`) are not looked
 * into: their files are no schemas (`.vscode/settings.json` made generate refuse the folder).
 *
 * @throws SchemaError naming a folder that cannot be read (relative to `schemaDir`, "." for
 * itself), with the system's message
 */
export async function nestedSchema(schemaDir: string): Promise<string | undefined> {
  const found: string[] = [];
  const visit = async (folder: string[]): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(schemaDir, ...folder), { withFileTypes: true });
    } catch (error) {
      throw new SchemaError(folder.length === 0 ? '.' : folder.join('/'), '', `a folder of the schemas folder that cannot be read, to look for schema files in it: ${(error as Error).message}`);
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) await visit([...folder, entry.name]);
      } else if (folder.length > 0 && isSchemaFileName(entry.name)) {
        found.push([...folder, entry.name].join('/'));
      }
    }
  };
  await visit([]);
  return found.sort()[0];
}

/**
 * The text of one schema file, through a link too, or what is wrong with it: not a regular file
 * (a FIFO, whose read would wait for a writer; a device such as /dev/zero, endless), larger than
 * {@link SCHEMA_FILE_MAX_BYTES}, unreadable (the system's message), or not UTF-8 (the first bad byte, see {@link utf8Text}).
 */
export async function readSchemaText(file: string): Promise<{ text: string } | { problem: string }> {
  try {
    const found = await stat(file);
    if (!found.isFile()) return { problem: `not a regular file but ${found.isDirectory() ? 'a folder' : found.isFIFO() ? 'a FIFO' : found.isSocket() ? 'a socket' : 'a device'}: not read` };
    if (found.size > SCHEMA_FILE_MAX_BYTES) return { problem: `${found.size} bytes, more than a schema file holds (at most ${SCHEMA_FILE_MAX_BYTES / 1024 / 1024} MiB): not read` };
    return utf8Text(await readFile(file));
  } catch (error) {
    return { problem: `cannot be read: ${(error as Error).message}` };
  }
}

/** A URI fragment's text, its %-escapes decoded (`data/a%20b` is `data/a b`); as written where one is not valid. */
function fragmentText(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** Levels of nesting (objects and arrays) a schema file may have: the message schemas use about 10. */
const MAX_SCHEMA_DEPTH = 256;

/** The `$schema` of every shipped file: draft-07's meta-schema. */
const DRAFT_07_META_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/**
 * The `$schema` values a file may declare (or none): draft-07's meta-schema, with or without
 * its empty fragment. Not `http://json-schema.org/schema`, ajv's alias of draft-07: that URI names
 * the latest draft, and other tools read the file shipped as written so (Python's jsonschema as
 * 2020-12: tDP F6).
 */
const DRAFT_07_META_SCHEMAS: ReadonlySet<string> = new Set([DRAFT_07_META_SCHEMA, 'http://json-schema.org/draft-07/schema']);

/** What to do about a `$schema` outside {@link DRAFT_07_META_SCHEMAS}, after its refusal's "got …". */
function draftAdvice(declared: unknown): string {
  if (typeof declared !== 'string') return ': $schema is a URI, a string';
  if (/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/i.test(declared)) return ': the same draft, whose meta-schema is named with http:// (and in lower case), as the shipped schemas write it';
  if (/^https?:\/\/json-schema\.org\/schema#?$/i.test(declared)) return ': that URI names the latest draft, whichever it is (other tools read the file as 2020-12): declare draft-07 by its own URI';
  return ': the contract is read as draft-07 only: write the file in draft-07 (a later keyword is then told its draft-07 form, "definitions" for "$defs") and declare that draft';
}

/**
 * Why the JSON text of a schema file is nested too deep to be read (more than 256 levels of
 * objects and arrays, told by a linear scan: the readers of schemas, ajv among them, recurse),
 * with the line and column where; undefined when it is not.
 */
export function schemaTooDeep(text: string): string | undefined {
  const { deepAt } = scanJsonText(text, undefined, MAX_SCHEMA_DEPTH);
  if (deepAt === undefined) return undefined;
  return `nested more than ${MAX_SCHEMA_DEPTH} levels deep (the bracket at ${lineColumn(text, deepAt)} opens one more): no contract needs that many, and the tools that read schemas walk them by recursion`;
}

/**
 * Reads every `*.json` file of `schemaDir` and checks it: valid JSON without a key doubled in
 * an object, a valid draft-07 schema (a `$schema`, if any, draft-07's: {@link DRAFT_07_META_SCHEMAS}),
 * only known keywords (`KNOWN_KEYWORDS`), every `$ref` in every subschema resolvable, a file
 * name a message type can have (ASCII letters, digits, `_`, `-`, `.`, starting with a letter),
 * a `$id` under {@link SCHEMA_BASE_URI} named after the file. A file with `properties.type.const` and
 * `x-direction` is a message schema and needs a `title`, `description`, `x-direction` (a
 * direction or an array of both), `x-audience`, `x-delivery`, `x-spec-section` and at least one
 * example; `definitions.json` and `protocol.json` are read as such; any other file is a document
 * of the protocol (the poll response) with a PascalCase `title` and `x-spec-section`. A
 * `*.json` file in a subfolder is refused (it would not be read); other files are left alone.
 * Then builds the bundle every target reads.
 *
 * @returns the contract, messages ordered by spec section, with its bundle
 * @throws SchemaError naming the file and JSON Pointer of the first fault; the first fault of each
 *   other file broken on its own in its `others`
 */
export async function loadContract(schemaDir: string): Promise<Contract> {
  const names = (await readdir(schemaDir)).filter(isSchemaFileName).sort();
  const nested = await nestedSchema(schemaDir);
  if (nested !== undefined) {
    // Not read, and not left unsaid: a message schema put in `schemas/sub/` was missing from every
    // generated file with nothing said (other files there, notes or drafts, are left alone, as
    // beside the schemas).
    throw new SchemaError(nested, '', NESTED_SCHEMA_PROBLEM);
  }
  const texts = new Map<string, string>();
  const unreadable: SchemaError[] = [];
  for (const name of names) {
    const read = await readSchemaText(path.join(schemaDir, name));
    if ('problem' in read) unreadable.push(new SchemaError(name, '', read.problem));
    else texts.set(name, read.text);
  }
  // With the readable files' own faults (invalid JSON beside a non-UTF-8 file was named only once
  // that file was fixed, where diff named both: tHL F7).
  return contractFromTexts(texts, unreadable);
}

/**
 * The contract whose schema files are `texts` (file name → JSON text), checked as
 * {@link loadContract} checks a folder's, without a file system: `diff` loads each side so,
 * whatever it came from (a git ref, a tarball), and writes nothing to disk (it wrote both sides
 * to a temporary folder, and failed with the system's words where that folder could not be
 * written or a tarball's file name was too long for it: a fresh tester).
 *
 * @param texts the `*.json` files at the top of a schemas folder, by name (in any order)
 * @param unreadable the faults of the folder's files that could not be read as text (not UTF-8),
 *   refused with the faults the others have on their own
 * @returns the contract, messages ordered by spec section, with its bundle
 * @throws SchemaError naming the file and JSON Pointer of the first fault; the first fault of each
 *   other file broken on its own in its `others`
 */
export function contractFromTexts(texts: ReadonlyMap<string, string>, unreadable: readonly SchemaError[] = []): Contract {
  const files = new Map<string, SchemaNode>();
  /** The first fault of each file found so far, by file name: every file is checked on its own before one is refused. */
  const faults = new Map<string, SchemaError>(unreadable.map((fault) => [fault.file, fault]));
  /** Runs a check of one file, keeping its fault (the file is then left out of the later checks). */
  const ofFile = (name: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      faults.set(name, error);
    }
  };
  for (const name of [...texts.keys()].sort()) {
    const text = texts.get(name)!;
    ofFile(name, () => {
      let schema: unknown;
      try {
        schema = JSON.parse(text);
      } catch (error) {
        throw new SchemaError(name, '', invalidJsonAt(text, (error as Error).message));
      }
      if (!isObject(schema)) throw new SchemaError(name, '', 'expected a JSON Schema object');
      // Before anything walks it by recursion (the duplicate-key check, ajv): a schema nested
      // 3,000 levels deep ran out of stack with no file named (a hostile tester).
      const deep = schemaTooDeep(text);
      if (deep !== undefined) throw new SchemaError(name, '', deep);
      const fault = writtenTextFault(text);
      if (fault) throw new SchemaError(name, fault.pointer, fault.problem);
      files.set(name, schema as SchemaNode);
    });
  }
  // Equal values as the generated validators judge them: ajv's own equality threw on an enum of
  // objects with a `toString` key, with no file named (tDX F1).
  const metaSchema = withJsonEquality(new Ajv({ strict: false, validateFormats: false }));
  for (const [name, schema] of files) ofFile(name, () => checkFile(name, schema));
  if (faults.size > 0) {
    const [first, ...others] = [...faults.keys()].sort().map((name) => faults.get(name)!);
    throw new SchemaError(first!.file, first!.pointer, first!.problem, others);
  }
  /** What one file must be on its own: its enums' sizes, draft-07, its `$id`, its keywords. */
  function checkFile(name: string, schema: SchemaNode): void {
    // Before the meta-schema: ajv checks `enum`'s uniqueItems pair by pair, 60 s for 60,000
    // values (a hostile tarball held `diff` and `generate` that long: a hostile tester).
    forEachSubschema(schema, (node, pointer) => {
      if (Array.isArray(node.enum) && node.enum.length > MAX_ENUM_VALUES) throw new SchemaError(name, `${pointer}/enum`, `a closed list of at most ${MAX_ENUM_VALUES} values, got ${node.enum.length}`);
    });
    // Before the meta-schema, which ajv picks by `$schema`: another draft's threw ajv's bare "no schema
    // with key or ref …", without the file, and hid every other file's fault (a tester, tDJ F1).
    const declared = schema.$schema as unknown;
    if (declared !== undefined && !(typeof declared === 'string' && DRAFT_07_META_SCHEMAS.has(declared))) {
      throw new SchemaError(name, '/$schema', `expected ${JSON.stringify(DRAFT_07_META_SCHEMA)} (draft-07), got ${JSON.stringify(declared)}${draftAdvice(declared)}`);
    }
    if (!metaSchema.validateSchema(schema)) {
      const [error] = metaSchema.errors ?? [];
      const pointer = error?.instancePath ?? '';
      const found = resolvePointer(schema, pointer);
      throw new SchemaError(name, pointer, `not a valid draft-07 schema: expected ${error === undefined ? 'a valid schema' : metaSchemaWants(error, found)}, got ${JSON.stringify(found)}`);
    }
    checkFileName(name, schema, files);
    if (schema.$id !== SCHEMA_BASE_URI + name) {
      throw new SchemaError(name, '/$id', `expected "${SCHEMA_BASE_URI + name}", got ${schema.$id === undefined ? 'none' : JSON.stringify(schema.$id)}${copyOf(name, schema, files)}`);
    }
    checkKeywords(name, schema);
  }
  for (const [name, schema] of files) checkRefs(name, schema, files);
  checkStrict(files);

  const definitions = files.get('definitions.json');
  if (!definitions) throw new SchemaError('definitions.json', '', 'file is missing');
  const protocolSchema = files.get('protocol.json');
  if (!protocolSchema) throw new SchemaError('protocol.json', '', 'file is missing');

  const messages: MessageSchema[] = [];
  const documents: DocumentSchema[] = [];
  for (const [name, schema] of files) {
    if (name === 'definitions.json' || name === 'protocol.json') continue;
    // A message has a `type` const and declares who sends it; a file with neither is a document
    // of the protocol (the poll response). One without the other is a message missing a piece.
    const hasType = schema.properties?.type?.const !== undefined;
    const hasDirection = schema['x-direction'] !== undefined;
    if (hasType || hasDirection) messages.push(toMessageSchema(name, schema, files));
    else documents.push(toDocumentSchema(name, schema));
  }
  messages.sort((a, b) => sectionOrder(a.section) - sectionOrder(b.section) || a.type.localeCompare(b.type));
  const seen = new Map<string, string>();
  for (const message of messages) {
    const other = seen.get(message.type);
    if (other) throw new SchemaError(message.file, '/properties/type/const', `type "${message.type}" is also declared by ${other}`);
    seen.set(message.type, message.file);
  }
  for (const message of messages) checkStateKey(message, files);
  const model = { messages, documents, definitions, protocolSchema, protocol: readProtocol(protocolSchema), files };
  return { ...model, bundle: bundleContract(model) };
}

/** A message type, and so the name of its file before `.json`: it names the reference's links and generated code too. */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * A file name no message type can have (`New Whale.json`, `trades copy.json`) is refused at the
 * file, first: the `$id` and type its other refusals proposed were refused in turn, the file
 * name last (tDJ F5).
 *
 * @throws SchemaError at the file's root, saying to move a copy out of the folder or to rename the file (to a name no file of the folder has)
 */
function checkFileName(name: string, schema: SchemaNode, files: ReadonlyMap<string, SchemaNode>): void {
  const stem = name.slice(0, -'.json'.length);
  if (TYPE_NAME.test(stem)) return;
  const copy = copyOf(name, schema, files);
  const renamed = freeName(stem.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z]+/, ''), files);
  const advice = copy || `: rename it${TYPE_NAME.test(renamed) ? ` (as ${JSON.stringify(`${renamed}.json`)})` : ''}, or move it out of the schemas folder if it is no part of the contract`;
  throw new SchemaError(name, '', `expected a file name of ASCII letters, digits, "_", "-" and ".", starting with a letter, then ".json" (a message type names its file, and the file its $id), got ${JSON.stringify(name)}${advice}`);
}

/**
 * `stem`, or `stem_2`, `stem_3`, … when a file of the folder has that name (in any case, as macOS
 * and Windows folders compare them): `_trades.json` was told to be renamed `trades.json`, a file
 * there, which the move would replace (tDR F3).
 */
function freeName(stem: string, files: ReadonlyMap<string, SchemaNode>): string {
  const taken = new Set([...files.keys()].map((file) => file.toLowerCase()));
  let name = stem;
  for (let n = 2; taken.has(`${name}.json`.toLowerCase()); n++) name = `${stem}_${n}`;
  return name;
}

/** `, the $id of trades.json: …` when `schema`'s `$id` is another file's (a backup copy beside it, `trades.orig.json`), else `''`. */
function copyOf(name: string, schema: SchemaNode, files: ReadonlyMap<string, SchemaNode>): string {
  const original = [...files.keys()].find((other) => other !== name && schema.$id === SCHEMA_BASE_URI + other);
  if (original === undefined) return '';
  return `, the $id of ${original}: a copy of it? Every *.json file at the top of the schemas folder is read as part of the contract: move a backup out of the folder (a new message type is named after its file, and gives that name to its $id and its type)`;
}

function toMessageSchema(file: string, schema: SchemaNode, files: ReadonlyMap<string, SchemaNode>): MessageSchema {
  const need = (keyword: string, ok: boolean, expected: string) => {
    if (!ok) throw new SchemaError(file, `/${keyword}`, `a message schema needs ${expected}`);
  };
  need('title', typeof schema.title === 'string' && /^[A-Z][A-Za-z0-9]*Message$/.test(schema.title), 'a PascalCase title ending in "Message"');
  need('description', typeof schema.description === 'string' && schema.description.length > 0, 'a description');
  const direction = schema['x-direction'];
  const directions: Direction[] = Array.isArray(direction) ? direction : direction === undefined ? [] : [direction];
  need(
    'x-direction',
    directions.length > 0 && new Set(directions).size === directions.length && directions.every((d) => d === 'server-to-client' || d === 'client-to-server'),
    '"server-to-client", "client-to-server", or an array of both',
  );
  const audience = schema['x-audience'];
  need('x-audience', audience === 'user' || audience === 'global' || audience === 'connection', '"user", "global" or "connection"');
  if (audience !== 'connection' && !directions.includes('server-to-client')) {
    throw new SchemaError(file, '/x-audience', `a "${audience}" audience needs the server-to-client direction`);
  }
  const delivery = schema['x-delivery'];
  // A key written as a path (`data.id`, or `data/id` without its leading "/"): the form it must
  // take, spelled out. A "/" the user wrote separates properties, as in a pointer; only a path
  // written with dots has its tokens escaped. The empty pointer is the whole message, no key
  // ("/" would name a property called ""). Spaces around the key are dropped, and a "#" before
  // it (a URI fragment, `#/data/id`, as a `$ref` ends) too, each said (" data/id" was advised as
  // "/ data/id", a property named " data"; "#/data/id" as "/#/data/id": a reviewer).
  if (isObject(delivery) && delivery.class === 'state' && typeof delivery.key === 'string' && !delivery.key.startsWith('/')) {
    const got = `expected a JSON Pointer to the state's key, which starts with "/" and separates properties with "/", got ${JSON.stringify(delivery.key)}`;
    const trimmed = delivery.key.trim();
    const fragment = trimmed.startsWith('#');
    const written = fragment ? fragmentText(trimmed.slice(1)) : trimmed;
    if (written === '') {
      throw new SchemaError(file, '/x-delivery/key', `${got}, which points at the whole message, not at a property of it: write the pointer to the property that tells the states apart (as "/data/id"), or "key": null for one state per type`);
    }
    const pointer = written.startsWith('/') ? written : written.includes('/') ? `/${written.replace(/~(?![01])/g, '~0')}` : `/${written.split('.').map((token) => escapePointer(token)).join('/')}`;
    const notes = [trimmed !== delivery.key && 'without the spaces around it', fragment && 'the pointer itself, not the URI fragment "#…" that holds it'].filter(Boolean);
    throw new SchemaError(file, '/x-delivery/key', `${got}: write ${JSON.stringify(pointer)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
  }
  need(
    'x-delivery',
    isObject(delivery) &&
      ((delivery.class === 'event' && Object.keys(delivery).length === 1) ||
        (delivery.class === 'state' && Object.keys(delivery).length === 2 && (delivery.key === null || (typeof delivery.key === 'string' && delivery.key.startsWith('/'))))),
    '{ "class": "event" } or { "class": "state", "key": "<JSON Pointer>" | null }',
  );
  need('x-spec-section', typeof schema['x-spec-section'] === 'string', 'the spec section it implements, e.g. "x-spec-section": "3. Trades" (it orders and titles the generated reference)');
  need('examples', Array.isArray(schema.examples) && schema.examples.length > 0, 'at least one example');
  const type = schema.properties?.type?.const;
  if (typeof type !== 'string') throw new SchemaError(file, '/properties/type', 'a message schema needs `"type": { "const": "<message type>" }`');
  // It names the file, the reference's anchors (`#message-hello world` linked nowhere) and keys
  // of generated objects (`__proto__` stopped generate in esbuild, no file named: a hostile tester).
  if (!TYPE_NAME.test(type)) throw new SchemaError(file, '/properties/type/const', `expected a message type of ASCII letters, digits, "_", "-" and ".", starting with a letter (it names the file, the reference's links and generated code), got ${JSON.stringify(type)}`);
  if (`${type}.json` !== file) {
    // A copy of a message's schema, its type left as it was: not a rename (a hostile tester).
    const taken = files.has(`${type}.json`) ? `; ${type}.json defines the type "${type}" already: give this message a type of its own, "${file.replace(/\.json$/, '')}"` : '';
    throw new SchemaError(file, '/properties/type/const', `expected the file to be named ${type}.json${taken}`);
  }
  if (!schema.required?.includes('type')) throw new SchemaError(file, '/required', 'expected "type" to be required');
  return {
    type,
    file,
    title: schema.title!,
    directions,
    audience: audience!,
    delivery: delivery!,
    section: schema['x-spec-section']!,
    enveloped: Boolean(schema.properties?.data),
    schema,
  };
}

/**
 * A state's `x-delivery.key` names a value that every message of the type carries, and that
 * tells its states apart: the server conflates by it (`stateKeyOf`, src/server/protocol.ts,
 * reads the value as a string, and "" when there is none). So the key must walk `properties`
 * (through `$ref`s, as the contract resolves them), each property required, to one whose
 * `type` is "string" or "integer" (not null, a boolean, a number, an object or an array).
 * Anything else merges distinct states into one under backpressure: a typo (`/data/ident` for
 * `/data/id`) merged all of a user's bots and dropped their updates.
 */
function checkStateKey(message: MessageSchema, files: ReadonlyMap<string, SchemaNode>): void {
  const { delivery, file, type } = message;
  if (delivery.class !== 'state' || delivery.key === null) return;
  const key = delivery.key;
  const refuse = (problem: string): never => {
    throw new SchemaError(file, '/x-delivery/key', `state key ${JSON.stringify(key)}: ${problem}`);
  };
  let at = { file, pointer: '', node: message.schema };
  let walked = '';
  for (const token of parsePointer(key)) {
    at = followRefs(files, at.file, at.node, at.pointer);
    const where = `${at.file}#${at.pointer}`;
    const properties = at.node.properties ?? {};
    const place = walked === '' ? 'the top level of the message' : walked;
    if (!Object.hasOwn(properties, token)) {
      const declared = Object.keys(properties);
      refuse(
        `expected a property the message declares at ${place}, found no "${token}" in ${where} ` +
          `(${declared.length > 0 ? `it declares ${declared.map((name) => `"${name}"`).join(', ')}` : 'it declares no properties'}): ` +
          `no "${type}" message would carry the key, and the server would merge them all into one (write "key": null for one state per type)`,
      );
    }
    if (!at.node.required?.includes(token)) {
      refuse(`expected "${token}" to be required at ${place}, found it optional in ${where}: the server would merge every "${type}" message without it into one`);
    }
    walked += `/${escapePointer(token)}`;
    at = { file: at.file, pointer: `${at.pointer}/properties/${escapePointer(token)}`, node: properties[token]! };
  }
  at = followRefs(files, at.file, at.node, at.pointer);
  const types = typeof at.node === 'object' && at.node.type !== undefined ? [at.node.type].flat() : [];
  if (types.length === 0 || !types.every((t) => t === 'string' || t === 'integer')) {
    refuse(
      `expected a property of "type": "string" or "integer" (an identifier), found ${types.length > 0 ? `"type": ${JSON.stringify(at.node.type)}` : 'no "type"'} in ${at.file}#${at.pointer}: ` +
        `the server compares keys as strings, and null, booleans, objects or arrays would merge distinct "${type}" states into one`,
    );
  }
}

function toDocumentSchema(file: string, schema: SchemaNode): DocumentSchema {
  if (typeof schema.title !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(schema.title)) {
    throw new SchemaError(file, '/title', 'a schema file needs a PascalCase title (a message schema also needs `properties.type.const` and x-direction)');
  }
  if (typeof schema['x-spec-section'] !== 'string') throw new SchemaError(file, '/x-spec-section', 'a document schema needs the spec section it implements, e.g. "x-spec-section": "3. Trades" (it orders and titles the generated reference)');
  return { file, title: schema.title, section: schema['x-spec-section'], schema };
}

/** "3. Trades" → 3; an unnumbered section (Error Handling) sorts after the numbered ones. */
function sectionOrder(section: string): number {
  const number = Number.parseInt(section, 10);
  return Number.isNaN(number) ? Number.MAX_SAFE_INTEGER : number;
}

function readProtocol(schema: SchemaNode): ProtocolFacts {
  const connection = schema['x-connection'] as ProtocolFacts['connection'] | undefined;
  const keepalive = schema['x-keepalive'] as ProtocolFacts['keepalive'] | undefined;
  const versionHistory = schema['x-version-history'] as ProtocolFacts['versionHistory'] | undefined;
  const version = schema['x-version'];
  if (typeof version !== 'string') throw new SchemaError('protocol.json', '/x-version', `expected a version string, MAJOR.MINOR ("1.2") or MAJOR.MINOR.PATCH, got ${foundVersion(version)}`);
  // diff orders versions by their numbers and suggests MAJOR.MINOR: "v1.2" was read as 0.2,
  // "lower than 1.2" (a hostile tester).
  if (!/^\d{1,9}\.\d{1,9}(?:\.\d{1,9})?$/.test(version)) throw new SchemaError('protocol.json', '/x-version', `expected a version of numbers, MAJOR.MINOR ("1.2") or MAJOR.MINOR.PATCH, got ${JSON.stringify(version)}`);
  // "01.1" is 1.1 written another way, yet diff and generate took it for a version of its own (a tester); SemVer forbids it.
  if (/(?:^|\.)0\d/.test(version)) throw new SchemaError('protocol.json', '/x-version', `expected a version without leading zeros (as SemVer has it), got ${JSON.stringify(version)}: write "${version.replace(/(^|\.)0+(?=\d)/g, '$1')}"`);
  if (!connection || typeof connection.url !== 'string' || typeof connection.path !== 'string' || typeof connection.authentication !== 'string') {
    throw new SchemaError('protocol.json', '/x-connection', 'expected { url, path, authentication } strings');
  }
  if (!keepalive || !Number.isInteger(keepalive.pingIntervalMs) || !Number.isInteger(keepalive.pongTimeoutMs)) {
    throw new SchemaError('protocol.json', '/x-keepalive', 'expected { pingIntervalMs, pongTimeoutMs } integers (milliseconds)');
  }
  if (!Array.isArray(versionHistory)) throw new SchemaError('protocol.json', '/x-version-history', 'expected an array');
  checkVersionHistory(version, versionHistory);
  const polling = schema['x-polling'] as ProtocolFacts['polling'] | undefined;
  if (!polling || typeof polling.path !== 'string' || !Number.isInteger(polling.holdMs) || !Number.isInteger(polling.maxMessages) || typeof polling.description !== 'string') {
    throw new SchemaError('protocol.json', '/x-polling', 'expected { path, holdMs, maxMessages, description } (holdMs in milliseconds)');
  }
  const closeCodes = schema['x-close-codes'] as ProtocolFacts['closeCodes'] | undefined;
  if (!Array.isArray(closeCodes)) throw new SchemaError('protocol.json', '/x-close-codes', 'expected an array');
  closeCodes.forEach((entry, index) => {
    const ok =
      Number.isInteger(entry.code) && (entry.code === 1000 || (entry.code >= 1001 && entry.code <= 1014) || (entry.code >= 4000 && entry.code <= 4999)) &&
      /^[A-Z][A-Za-z]+$/.test(entry.name) && ['yes', 'no', 'with-new-token'].includes(entry.reconnect) && typeof entry.description === 'string';
    if (!ok) throw new SchemaError('protocol.json', `/x-close-codes/${index}`, 'expected { code (1000–1014 or 4000–4999), name (PascalCase), reconnect ("yes", "no", "with-new-token"), description }');
  });
  const errorCodes = schema['x-error-codes'] as ProtocolFacts['errorCodes'] | undefined;
  if (!Array.isArray(errorCodes)) throw new SchemaError('protocol.json', '/x-error-codes', 'expected an array');
  errorCodes.forEach((entry, index) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(entry.code) || !/^[A-Z][A-Za-z]+$/.test(entry.name) || typeof entry.description !== 'string') {
      throw new SchemaError('protocol.json', `/x-error-codes/${index}`, 'expected { code (UPPER_SNAKE_CASE), name (PascalCase), description }');
    }
  });
  return { version, connection, keepalive, polling, closeCodes, errorCodes, versionHistory };
}

/**
 * What the draft-07 meta-schema wants where `error` found `found`, in words: ajv's messages read
 * "expected must be object,boolean" and "expected NOT have fewer than 1 items" once pasted after
 * "expected" (a hostile tester; a tester, of an empty `enum`).
 */
function metaSchemaWants(error: ErrorObject, found: unknown): string {
  const { limit, allowedValues, type, i, j } = error.params as { limit?: number; allowedValues?: unknown[]; type?: string | string[]; i?: number; j?: number };
  switch (error.keyword) {
    case 'enum': return `one of ${allowedValues!.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'type': return String(type).split(',').join(' or ');
    // `enum`, `allOf`, `anyOf`, `oneOf`: at least one.
    case 'minItems': return `a list of at least ${limit === 1 ? 'one value' : `${limit} values`}`;
    // `enum`, `required`, `type`.
    case 'uniqueItems': return `a list without repeats (${JSON.stringify((found as unknown[])[i!])} is both item ${Math.min(i!, j!)} and item ${Math.max(i!, j!)})`;
    // `minLength`, `maxItems` and the other counts; `multipleOf`.
    case 'minimum': return `${limit} or more`;
    case 'exclusiveMinimum': return `more than ${limit}`;
    default: return error.message?.replace(/^must (be )?/, '') ?? 'a valid schema';
  }
}

/** What an `x-version` that is no string is, for its error: `2.0` in the file is the number 2 to JSON. */
function foundVersion(version: unknown): string {
  if (version === undefined || version === null) return version === null ? 'null' : 'nothing';
  if (typeof version === 'number') return `the number ${version}: write it in quotes, "${Number.isInteger(version) ? version.toFixed(1) : version}"`;
  return `${Array.isArray(version) ? 'an array' : `a ${typeof version}`}, ${JSON.stringify(version).slice(0, 60)}`;
}

/**
 * `x-version-history` lists every version oldest first, each `{ version, date, changes }` once,
 * and ends with the version the contract declares (`x-version`): the docs print the history
 * as it is, and a bump without its entry left the version out of them.
 */
function checkVersionHistory(version: string, history: unknown[]): void {
  const seen = new Map<string, number>();
  history.forEach((entry, index) => {
    const ok =
      isObject(entry) &&
      typeof entry.version === 'string' && entry.version !== '' &&
      typeof entry.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(entry.date) &&
      typeof entry.changes === 'string' && entry.changes.trim() !== '';
    if (!ok) throw new SchemaError('protocol.json', `/x-version-history/${index}`, `expected { version, date (YYYY-MM-DD), changes } (non-empty strings), found ${JSON.stringify(entry)}`);
    const earlier = seen.get(entry.version as string);
    if (earlier !== undefined) throw new SchemaError('protocol.json', `/x-version-history/${index}/version`, `expected each version once, found "${entry.version as string}" again (also /x-version-history/${earlier})`);
    seen.set(entry.version as string, index);
  });
  const listed = [...seen.keys()];
  const at = seen.get(version);
  if (at === undefined) {
    throw new SchemaError(
      'protocol.json',
      '/x-version-history',
      `expected an entry for version "${version}" (x-version), last, found ${listed.length > 0 ? `only ${listed.map((v) => `"${v}"`).join(', ')}` : 'no entry'}: ` +
        `add { "version": "${version}", "date": "YYYY-MM-DD", "changes": "…" }, or the docs' version history omits the version the contract declares`,
    );
  }
  if (at !== history.length - 1) {
    throw new SchemaError(
      'protocol.json',
      `/x-version-history/${history.length - 1}/version`,
      `expected the last entry to be version "${version}" (x-version), found "${listed.at(-1)!}" after it: bump x-version to the newest version listed, or list the versions oldest first`,
    );
  }
}

/**
 * The way out `generate` takes for a tuple (`items` as a list of schemas, and `additionalItems`
 * beside it), which TypeBox output does not support: said by the first refusal that leads there
 * (ajv's tuple length, a `prefixItems`, an ignored `additionalItems`), not one run later (tEP F7).
 */
export const ONE_ITEMS_SCHEMA = 'write one schema for every item ("items": { … }, an "anyOf" of the types where places differ) with "minItems" and "maxItems" for the length, or an object with a named property for each place';

/** What ajv's strict mode says of a tuple or of `additionalItems`, with generate's way out (tEP F7). */
function tupleHint(message: string): string {
  if (/^"items" is \d+-tuple/.test(message)) return `; generate takes no tuple (TypeBox output), with them or without: ${ONE_ITEMS_SCHEMA}`;
  if (/^"additionalItems" is ignored/.test(message)) return `; remove it: it applies only beside "items" as a list of schemas (a tuple), which generate does not take (TypeBox output): ${ONE_ITEMS_SCHEMA}`;
  return '';
}

/**
 * Keywords of the drafts after 7 (2019-09, 2020-12) that a schema written to them reaches for, with
 * the draft-07 way: refused as unknown, they were told no more than a misspelling.
 */
const LATER_DRAFT_KEYWORDS: Readonly<Record<string, string>> = {
  $defs: 'the schemas are draft-07, which names it "definitions"',
  deprecated: 'the schemas are draft-07, which has no such keyword: begin the description with "@deprecated" and why (the TSDoc and the reference show it)',
  dependentRequired: 'the schemas are draft-07, which writes it as "dependencies" with an array of names',
  dependentSchemas: 'the schemas are draft-07, which writes it as "dependencies" with a schema',
  prefixItems: `the schemas are draft-07, which writes it as "items" with an array of schemas, a tuple, which generate does not take (TypeBox output): ${ONE_ITEMS_SCHEMA}`,
  unevaluatedProperties: 'the schemas are draft-07, which has "additionalProperties" instead (it sees only the properties of its own schema)',
  unevaluatedItems: `the schemas are draft-07, which has "additionalItems" instead (beside an "items" array, a tuple, which generate does not take: ${ONE_ITEMS_SCHEMA}; "maxItems" bounds the count)`,
  minContains: 'the schemas are draft-07, whose "contains" asks for one matching item at least, and no count',
  maxContains: 'the schemas are draft-07, whose "contains" asks for one matching item at least, and no count',
  $anchor: 'the schemas are draft-07, which names a place by a "definitions" entry: refer to it as "#/definitions/<name>"',
  $dynamicRef: 'the schemas are draft-07, which has "$ref" alone',
  $dynamicAnchor: 'the schemas are draft-07, which has "$ref" alone',
  $recursiveRef: 'the schemas are draft-07, which has "$ref" alone',
  $recursiveAnchor: 'the schemas are draft-07, which has "$ref" alone',
  $vocabulary: 'the schemas are draft-07, which has no vocabularies',
  contentSchema: 'the schemas are draft-07, which has "contentMediaType" and "contentEncoding" but no "contentSchema"',
};

/** Keywords whose value is an object keyed by names (of properties, definitions, patterns). */
const NAMED_MAPS = ['properties', 'patternProperties', 'definitions', 'dependencies'] as const;

/**
 * Only known keywords (anything else is a misspelling), no `$id` but the file's own (at its root),
 * `required` names among the `properties`, and no name `__proto__` in a map of names, in every subschema.
 */
function checkKeywords(file: string, root: SchemaNode): void {
  forEachSubschema(root, (node, pointer) => {
    // Draft-07 (and ajv) resolve the $refs under a subschema's $id against it; the contract resolves each against its
    // file (resolveRef, inlineRefs): a $ref under one was "resolves to nothing" where draft-07 finds it (tCW F10).
    if (pointer !== '' && Object.hasOwn(node, '$id')) {
      throw new SchemaError(file, `${pointer}/$id`, `a subschema's own "$id" is not supported: the contract resolves every $ref against its file's $id, where draft-07 would resolve those under this one against it; remove it, and refer to a schema of another file by that file's name ("definitions.json#/definitions/<name>")`);
    }
    for (const keyword of Object.keys(node)) {
      if (!KNOWN_KEYWORDS.has(keyword)) {
        const later = Object.hasOwn(LATER_DRAFT_KEYWORDS, keyword) ? LATER_DRAFT_KEYWORDS[keyword] : undefined;
        const near = later === undefined ? nearestName(keyword, [...KNOWN_KEYWORDS]) : undefined;
        const hint = later !== undefined ? `; ${later}` : near === undefined ? '' : `; did you mean "${near}"?`;
        throw new SchemaError(file, `${pointer}/${escapePointer(keyword)}`, `unknown keyword "${keyword}"${hint}`);
      }
    }
    // JSON.parse keeps it as a name, but code that copies names into an object sets the copy's
    // prototype instead: diff and generate skipped such a property, and the strict validator
    // then rejected it as unknown (a hostile tester).
    for (const keyword of NAMED_MAPS) {
      const map = node[keyword];
      if (isObject(map) && Object.hasOwn(map, '__proto__')) {
        throw new SchemaError(file, `${pointer}/${keyword}/__proto__`, `the name "__proto__" is not supported: JavaScript objects, which the tools copy names into, read it as their prototype; rename it`);
      }
    }
    if (node.properties && Array.isArray(node.required)) {
      node.required.forEach((name, index) => {
        if (!Object.hasOwn(node.properties!, name)) {
          throw new SchemaError(file, `${pointer}/required/${index}`, `required property "${name}" is not among the properties`);
        }
      });
    }
  });
}

/**
 * Compiles every schema, and every definition in it, with ajv in strict mode, as the validators
 * are compiled: what ajv's strict mode refuses (a tuple `items` without `minItems`, a `required`
 * property with no schema, an ignored keyword, …) is refused here with its file and pointer,
 * instead of failing later in one of the targets.
 */
function checkStrict(files: ReadonlyMap<string, SchemaNode>): void {
  // Formats are annotations here: which ones the validators implement is `generate`'s concern
  // (src/codegen/check.ts), and `diff` reads a contract with any.
  // Each file passed the meta-schema in checkFile, judged with the validators' equality: ajv's
  // own check again, in addSchema, threw on an enum of objects with a `toString` key (tDX F1).
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, validateFormats: false, validateSchema: false, logger: false });
  ajv.addVocabulary([...PROJECT_KEYWORDS]);
  for (const schema of files.values()) ajv.addSchema(schema);
  // ajv reports a fault where it compiles it, which, through a `$ref`, is the schema that
  // refers to it: a file is compiled after the files it refers to, its definitions before
  // its root, so that a fault is named where it is written.
  for (const name of referencedFirst(files)) {
    const schema = files.get(name)!;
    for (const pointer of [...Object.keys(schema.definitions ?? {}).map((key) => `/definitions/${escapePointer(key)}`), '']) {
      try {
        ajv.getSchema(`${SCHEMA_BASE_URI}${name}#${pointer}`);
      } catch (error) {
        // ajv compiles by recursion: a `$ref` that comes back to itself with no schema between
        // (`"data": { "$ref": "#/properties/data" }`) never ends, and this is not strict mode's doing (a hostile tester).
        if (error instanceof RangeError && /call stack/i.test(error.message)) {
          // A `$ref` to the very place it stands is named; a longer loop is described.
          let self: { file: string; at: string; ref: string } | undefined;
          for (const [file, root] of files) {
            forEachSubschema(root, (node, at) => {
              if (self === undefined && (node.$ref === `#${at}` || node.$ref === `${file}#${at}` || node.$ref === `${SCHEMA_BASE_URI}${file}#${at}`)) self = { file, at, ref: node.$ref };
            });
          }
          const found = self as { file: string; at: string; ref: string } | undefined;
          if (found) throw new SchemaError(found.file, found.at, `a $ref to the place it stands (${JSON.stringify(found.ref)}): it defines nothing, and compiling it never ends`);
          // $refs that lead from one to the next back to the first, with no schema between.
          const loop = refLoop(files);
          if (loop) throw new SchemaError(loop.file, loop.at, `$refs that lead back to where they start with no schema between (${linkPath(loop.keys)}): they define nothing, and ajv ran out of stack compiling them (${error.message})`);
          // A recursion (a ring of definitions, each a property's $ref to the next): ajv ran out of stack before it met
          // the $ref back, and generate refuses it whatever its length; it was told "this is depth, not a cycle" (tCP F1, tCQ F3).
          // Only a ring on the deepest path, itself nested deeper than compiles, is blamed: a small tree elsewhere in the
          // file, which ajv compiles, was (tCW F1); and the check is made without recursion: the cycle check run before
          // ran out of stack itself on a chain of 3,000, and its bare RangeError left the loader (tCW F7).
          const { depth, at, refs, ring, shallowRing } = refNesting(files, name);
          if (ring) throw new SchemaError(ring.file, ring.pointer, `${recursionProblem(ring.ref, ring.loop)} (ajv ran out of stack compiling it, before it met that $ref: ${error.message}; the ring nests ${ring.span} schemas, one inside the next)`);
          // No cycle: nested too deep (a chain of 450 definitions, each one's property a $ref to
          // the next, was told to look for a cycle: fxBS).
          const ending = shallowRing === undefined ? '(no $ref leads back here: this is depth, not a cycle)' : `(this is depth: the $ref on the way that leads back, at ${shallowRing.file}#${shallowRing.pointer}, closes a ring of ${shallowRing.span} schemas, which ajv compiles)`;
          if (depth <= SAFE_REF_NESTING) throw new SchemaError(name, pointer, `cannot be compiled: ajv ran out of stack (${error.message}), with no $ref that leads back to where it starts and ${depth} schemas nested at most`);
          throw new SchemaError(name, at, `cannot be compiled: nested ${depth} schemas deep once its $refs are followed (${refs.length} $refs, one inside the next${refs.length > 0 ? `: ${linkPath(refs)}` : ''}), and ajv, which compiles a schema by recursion, ran out of stack (${error.message}); keep the nesting within ${SAFE_REF_NESTING} levels ${ending}`);
        }
        const message = (error as Error).message.replace(/^strict mode: /, '');
        // ajv names the schema holding the fault `at path "#…"`, or, for its strict types,
        // `at "<this file's $id>#…"`, relative to what was compiled.
        const own = new RegExp(`at "${escapeRegExp(SCHEMA_BASE_URI + name)}#([^"]*)"`).exec(message)?.[1];
        // Both are URI fragments: a property named "my field" is `my%20field` (RFC 6901 §6).
        const at = fragmentPointer(/at path "#([^"]*)"/.exec(message)?.[1] ?? own);
        // The path is relative to the definition compiled, or to the file's root when ajv was
        // compiling the root to reach the definition: the place that holds the keyword named
        // ("items" is 1-tuple …, for keyword "minimum"), else one that exists.
        const keyword = /^"([^"]+)"/.exec(message)?.[1] ?? /for keyword "([^"]+)"/.exec(message)?.[1];
        const places = at === undefined ? [pointer] : [`${pointer}${at}`, at, pointer];
        const holds = (place: string) => keyword !== undefined && Object.hasOwn(asObject(resolvePointer(schema, place)), keyword);
        // ajv names no path for some faults ("if" without "then"): the first subschema where the fault holds is the place.
        const found = at === undefined && keyword !== undefined ? faultyNode(resolvePointer(schema, pointer) as SchemaNode, pointer, keyword, message) : undefined;
        let where = found ?? places.find(holds) ?? places.find((place) => resolvePointer(schema, place) !== undefined) ?? pointer;
        if (holds(where)) where += `/${escapePointer(keyword!)}`;
        // A pattern JavaScript cannot compile: ajv does not say where; the first such pattern is.
        if (/^Invalid regular expression/.test(message)) {
          // The pattern ajv quotes, if it can be told; else the first that JavaScript refuses.
          const quoted = /^Invalid regular expression: \/(.*)\/u: /s.exec(message)?.[1];
          where = badPattern(resolvePointer(schema, pointer) as SchemaNode, pointer, quoted) ?? badPattern(schema, '', quoted) ?? where;
        }
        throw new SchemaError(name, where, `refused by ajv's strict mode, which compiles the validators: ${message.replace(/ at path "[^"]*"/, '').replace(/ at "[^"]*"/, '')}${typeHint(message, schema, where, keyword)}${tupleHint(message)}`);
      }
    }
  }
}

/**
 * Schemas nested one inside the next, `$ref`s followed, that ajv compiles with room to spare on
 * Node's default stack: a chain of definitions ran out of it past about 160 (`items`, each a
 * `$ref` to the next) to 200 (a property each); a message schema nests about 10.
 */
const SAFE_REF_NESTING = 100;

/**
 * The first `$ref` (file, pointer of the node holding it) that leads, through nodes that are
 * each a `$ref` and nothing between, back to itself, with the loop (file#pointer each);
 * undefined when there is none.
 */
function refLoop(files: ReadonlyMap<string, SchemaNode>): { file: string; at: string; keys: string[] } | undefined {
  for (const [file, root] of files) {
    let loop: { file: string; at: string; keys: string[] } | undefined;
    forEachSubschema(root, (node, at) => {
      if (loop !== undefined || node.$ref === undefined) return;
      const keys = [`${file}#${at}`];
      const seen = new Set(keys);
      for (let current: SchemaNode = node, currentFile = file; current.$ref !== undefined; ) {
        const target = resolveRef(files, currentFile, current.$ref);
        if (!target) return;
        const key = `${target.file}#${target.pointer}`;
        if (seen.has(key)) {
          if (key === keys[0]) loop = { file, at, keys: [...keys, key] };
          return;
        }
        keys.push(key);
        seen.add(key);
        ({ node: current, file: currentFile } = target);
      }
    });
    if (loop) return loop;
  }
  return undefined;
}

/**
 * How deep the schemas of `file` nest once their `$ref`s are followed: of its root and its
 * definitions (what ajv compiles of it), the one with the most subschemas on one path, each
 * inside the one before (a node holding a `$ref` counts as its target, whose siblings draft-07
 * ignores; a `$ref` back into the path, a recursion ajv compiles as a call, ends it;
 * `definitions` are no nesting). `at`: the pointer of the first `$ref` on that path in `file`
 * (else of that root or definition); `refs`: the targets of the `$ref`s followed on it
 * (file#pointer each). `ring`: on that path (ajv compiles a file's root with its definitions, so
 * which of them it was compiling when it ran out of stack does not tell), the `$ref` (its file, its pointer ending in `/$ref`) that leads back to a schema
 * on that path with more than {@link SAFE_REF_NESTING} schemas nested between (a ring of
 * definitions, which ajv compiles one inside the next until it meets that `$ref`), its loop
 * (file#pointer each, as `checkNoRefCycle` in refs.ts tells it) and how many schemas it nests; the
 * deepest such. `shallowRing`: the deepest ring there within that bound (which ajv compiles: a
 * tree), when there is no `ring`. Measured without recursion: it is told where ajv ran out of stack.
 */
function refNesting(files: ReadonlyMap<string, SchemaNode>, file: string): { depth: number; at: string; refs: string[]; ring?: Ring; shallowRing?: Ring } {
  const places = new Map<SchemaNode, { file: string; pointer: string; children: SchemaNode[] }>();
  for (const [name, root] of files) {
    forEachSubschema(root, (node, pointer, slot) => {
      places.set(node, { file: name, pointer, children: [] });
      if (slot && slot.keyword !== 'definitions') places.get(slot.parent)?.children.push(node);
    });
  }
  /** Each node measured: its depth, and the next node on its deepest path (with the target's key when a $ref leads there). */
  const measured = new Map<SchemaNode, { depth: number; next?: SchemaNode; ref?: string }>();
  const successors = (node: SchemaNode): { node: SchemaNode; ref?: string }[] => {
    const place = places.get(node);
    if (node.$ref === undefined) return (place?.children ?? []).map((child) => ({ node: child }));
    const target = place === undefined ? undefined : resolveRef(files, place.file, node.$ref);
    return target === undefined || !places.has(target.node) ? [] : [{ node: target.node, ref: `${target.file}#${target.pointer}` }];
  };
  const measure = (start: SchemaNode): number => {
    const open = new Set<SchemaNode>();
    const stack: { node: SchemaNode; next: { node: SchemaNode; ref?: string }[]; best: { depth: number; next?: SchemaNode; ref?: string } }[] = [];
    const enter = (node: SchemaNode) => {
      open.add(node);
      stack.push({ node, next: successors(node), best: { depth: 0 } });
    };
    if (!measured.has(start)) enter(start);
    while (stack.length > 0) {
      const frame = stack.at(-1)!;
      const step = frame.next.pop();
      if (step === undefined) {
        stack.pop();
        open.delete(frame.node);
        // A $ref is its target; any other node is one level above its deepest subschema.
        measured.set(frame.node, frame.node.$ref === undefined ? { ...frame.best, depth: frame.best.depth + 1 } : frame.best.depth === 0 ? { depth: 1 } : frame.best);
        continue;
      }
      if (open.has(step.node)) continue;
      const done = measured.get(step.node);
      if (done === undefined) {
        frame.next.push(step);
        enter(step.node);
      } else if (done.depth > frame.best.depth) frame.best = { depth: done.depth, next: step.node, ...(step.ref !== undefined && { ref: step.ref }) };
    }
    return measured.get(start)!.depth;
  };
  const root = files.get(file)!;
  let deepest = root;
  for (const start of [root, ...Object.values(root.definitions ?? {})]) {
    if (isObject(start) && measure(start as SchemaNode) > measure(deepest)) deepest = start as SchemaNode;
  }
  const refs: string[] = [];
  let at: string | undefined;
  for (let node: SchemaNode | undefined = deepest; node !== undefined; ) {
    const result: { depth: number; next?: SchemaNode; ref?: string } | undefined = measured.get(node);
    if (at === undefined && node.$ref !== undefined && places.get(node)?.file === file) at = places.get(node)!.pointer;
    if (result?.ref !== undefined) refs.push(result.ref);
    node = result?.next;
  }
  const keyOf = (node: SchemaNode) => `${places.get(node)!.file}#${places.get(node)!.pointer}`;
  // Any $ref on the deepest path, or held by a schema on it, back to an earlier schema on it.
  const path: SchemaNode[] = [];
  for (let node: SchemaNode | undefined = deepest; node !== undefined; node = measured.get(node)?.next) path.push(node);
  const index = new Map(path.map((node, i) => [node, i]));
  // Schemas (not $refs) on the path before each index: the nesting between two places of it.
  const schemasBefore = [0];
  for (const node of path) schemasBefore.push(schemasBefore.at(-1)! + (node.$ref === undefined ? 1 : 0));
  type Back = { holder: SchemaNode; from: number; to: number; span: number };
  let deepBack: Back | undefined;
  let shallowBack: Back | undefined;
  path.forEach((node, i) => {
    for (const holder of node.$ref !== undefined ? [node] : places.get(node)!.children) {
      if (holder.$ref === undefined) continue;
      const target = resolveRef(files, places.get(holder)!.file, holder.$ref);
      const j = target === undefined ? undefined : index.get(target.node);
      if (j === undefined || j > i) continue;
      const back = { holder, from: j, to: i, span: schemasBefore[i + 1]! - schemasBefore[j]! };
      if (back.span > SAFE_REF_NESTING) {
        if (back.span > (deepBack?.span ?? 0)) deepBack = back;
      } else if (back.span > (shallowBack?.span ?? 0)) shallowBack = back;
    }
  });
  const toRing = ({ holder, from, to, span }: Back): Ring => ({
    file: places.get(holder)!.file,
    pointer: `${places.get(holder)!.pointer}/$ref`,
    ref: holder.$ref!,
    loop: [keyOf(path[from]!), ...path.slice(from, to).flatMap((between) => measured.get(between)?.ref ?? []), keyOf(path[from]!)],
    span,
  });
  const ring = deepBack === undefined ? undefined : toRing(deepBack);
  const shallowRing = shallowBack === undefined ? undefined : toRing(shallowBack);
  return { depth: measure(deepest), at: at ?? places.get(deepest)?.pointer ?? '', refs, ...(ring !== undefined ? { ring } : shallowRing !== undefined && { shallowRing }) };
}

/** A `$ref` that leads back to a schema it stands in ({@link refNesting}): its file, its pointer (ending in `/$ref`), the ref as written, its loop (file#pointer each) and the schemas nested around it. */
interface Ring {
  file: string;
  pointer: string;
  ref: string;
  loop: string[];
  span: number;
}

/**
 * What to change when ajv's strictTypes misses a type for a keyword (`missing type "number,string"
 * for keyword "format"`): the type written beside it; or, beside a `$ref` (whose type ajv does
 * not read, and where only annotations may stand for the TypeBox output), the keyword moved.
 */
function typeHint(message: string, schema: unknown, where: string, keyword: string | undefined): string {
  const types = /missing type "([^"]+)" for keyword "[^"]+"/.exec(message)?.[1];
  if (types === undefined || keyword === undefined) return '';
  const holder = where.endsWith(`/${escapePointer(keyword)}`) ? where.slice(0, -escapePointer(keyword).length - 1) : where;
  const node = asObject(resolvePointer(schema, holder));
  const choices = types.split(',');
  if (Object.hasOwn(node, 'type')) return `; "${keyword}" applies to ${choices.join(' or ')} values only, and this schema's "type" is ${JSON.stringify((node as { type?: unknown }).type)}`;
  if (Object.hasOwn(node, '$ref')) {
    return `; beside "$ref" ajv does not see a type: put "${keyword}" in the definition "$ref" names, or write this schema whole, with its "type", instead of the "$ref"`;
  }
  return `; write ${choices.map((type) => `"type": "${type}"`).join(' or ')} beside "${keyword}"`;
}

/**
 * The pointer of the first subschema under `node` (at `pointer`) where the fault ajv describes
 * without a path holds: `if` without `then` and `else`, `then` or `else` without `if`,
 * `additionalItems` beside an `items` that is not an array; for another message, the first
 * that has `keyword` of its own.
 */
function faultyNode(node: SchemaNode, pointer: string, keyword: string, message: string): string | undefined {
  const faulty = (subschema: SchemaNode): boolean => {
    if (!Object.hasOwn(subschema, keyword)) return false;
    if (/^"if" without "then" and "else"/.test(message)) return subschema.then === undefined && subschema.else === undefined;
    if (/^"(then|else)" without "if"/.test(message)) return subschema.if === undefined;
    if (/^"additionalItems" is ignored/.test(message)) return !Array.isArray(subschema.items);
    return true;
  };
  let found: string | undefined;
  forEachSubschema(node, (subschema, at) => {
    if (found === undefined && faulty(subschema)) found = `${pointer}${at}`;
  });
  return found;
}

/**
 * The pointer of the first `pattern`, or `patternProperties` key, under `node` that JavaScript
 * refuses as a Unicode regular expression, as ajv compiles it; with `quoted` (the pattern ajv's
 * message names), the first that is that one.
 */
function badPattern(node: SchemaNode, pointer: string, quoted?: string): string | undefined {
  const refused = (pattern: string) => {
    try {
      new RegExp(pattern, 'u');
      return false;
    } catch {
      return true;
    }
  };
  const search = (matches: (pattern: string) => boolean) => {
    let found: string | undefined;
    forEachSubschema(node, (subschema, at) => {
      if (found !== undefined) return;
      if (typeof subschema.pattern === 'string' && matches(subschema.pattern)) found = `${pointer}${at}/pattern`;
      const key = found === undefined ? Object.keys(subschema.patternProperties ?? {}).find(matches) : undefined;
      if (key !== undefined) found = `${pointer}${at}/patternProperties/${escapePointer(key)}`;
    });
    return found;
  };
  return (quoted === undefined ? undefined : search((pattern) => pattern === quoted && refused(pattern))) ?? search(refused);
}

/** The JSON Pointer a URI fragment writes (percent-decoded), or the fragment as it is when it does not decode. */
function fragmentPointer(fragment: string | undefined): string | undefined {
  if (fragment === undefined) return undefined;
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

function asObject(value: unknown): object {
  return typeof value === 'object' && value !== null ? value : {};
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The schema files, each after every file its `$ref`s reach (in name order otherwise; a cycle is broken where it is met). */
function referencedFirst(files: ReadonlyMap<string, SchemaNode>): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (visiting.has(name) || order.includes(name)) return;
    visiting.add(name);
    forEachSubschema(files.get(name)!, (node) => {
      if (node.$ref === undefined) return;
      const target = resolveRef(files, name, node.$ref)?.file;
      if (target !== undefined && target !== name) visit(target);
    });
    order.push(name);
  };
  for (const name of [...files.keys()].sort()) visit(name);
  return order;
}

/**
 * Every `$ref`, in every subschema, resolves among the schema files. One whose `%` is not followed
 * by two hex digits of UTF-8 (`#/definitions/100%`) is told so, and how a `%` is written: it
 * stopped the loader and `diff` with a bare "URI malformed", no file named (tCW F6). One that
 * resolves to a boolean schema (a definition `true` or `false`) is told so, with the form to write.
 */
function checkRefs(file: string, root: SchemaNode, files: ReadonlyMap<string, SchemaNode>): void {
  forEachSubschema(root, (node, pointer) => {
    if (node.$ref !== undefined && !resolveRef(files, file, node.$ref)) {
      // A definition `true` or `false` is there: "resolves to nothing" sent the user looking for a
      // typo in a name spelt right (a tester, tDP F1).
      const target = resolveRefValue(files, file, node.$ref);
      if (typeof target?.value === 'boolean') {
        const at = `${target.file === file ? '' : target.file}#${target.pointer}`;
        const what = target.value
          ? `true (any value), which the contract does not read behind a $ref: write {} at ${at}, the same schema`
          : `false (no value is valid), which the Go and Python types cannot carry: leave out ${at} and every $ref to it`;
        throw new SchemaError(file, `${pointer}/$ref`, `$ref "${node.$ref}" resolves to ${what}`);
      }
      const escape = badPercentEscape(node.$ref);
      const why = escape === undefined ? '' : `: expected a URI reference, each "%" followed by two hex digits of a UTF-8 character, got ${JSON.stringify(escape)} (a "%" in a name is written "%25")`;
      throw new SchemaError(file, `${pointer}/$ref`, `$ref "${node.$ref}" resolves to nothing${why}`);
    }
  });
}

/** The first `%` escape of `ref` that does not decode (with the two characters after it, as written), or undefined when all do. */
function badPercentEscape(ref: string): string | undefined {
  for (const match of ref.matchAll(/(?:%[0-9A-Fa-f]{2})+|%.{0,2}/gs)) {
    try {
      decodeURIComponent(match[0]);
    } catch {
      return match[0];
    }
  }
  return undefined;
}

/** `invalid JSON at line 3, column 7: got "}"`, from `JSON.parse`'s message for `text`, with the hint `validate` gives (a byte-order mark: drop it). */
export function invalidJsonAt(text: string, reason: string): string {
  const { position = 0, found, hint } = describeSyntaxError(text, reason);
  return `invalid JSON at ${lineColumn(text, position)}: got ${found}${hint === undefined ? '' : `; ${hint}`}`;
}

/** `line L, column C` (1-based) of the character at `offset` in `text`. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
