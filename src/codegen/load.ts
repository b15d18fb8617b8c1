import { readdir, readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import path from 'node:path';
import { escapeToken as escapePointer, resolvePointer } from '../runtime/json-pointer.js';
import { describeSyntaxError } from '../runtime/json-syntax.js';
import { SCHEMA_BASE_URI, type Contract, type Direction, type DocumentSchema, type MessageSchema, type ProtocolFacts, type SchemaNode } from './schema.js';

/**
 * A fault in a schema file: which file, where in it (JSON Pointer) and what is wrong.
 * Generation stops on the first one and writes nothing.
 */
export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`${file}#${pointer}: ${problem}`);
    this.name = 'SchemaError';
  }
}

/** Draft-07 keywords, plus this project's annotations. Anything else is a misspelling. */
const KNOWN_KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$comment', 'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly',
  'type', 'enum', 'const', 'format', 'contentMediaType', 'contentEncoding',
  'multipleOf', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern',
  'items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains',
  'properties', 'patternProperties', 'additionalProperties', 'required', 'propertyNames',
  'minProperties', 'maxProperties', 'dependencies',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'definitions',
  'x-direction', 'x-audience', 'x-delivery', 'x-spec-section', 'x-known-values',
  'x-version', 'x-connection', 'x-keepalive', 'x-polling', 'x-close-codes', 'x-error-codes', 'x-version-history',
]);

/** Keywords whose value is a schema, a list of schemas or a map of schemas. */
const SUBSCHEMA_KEYWORDS = {
  single: ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'],
  list: ['allOf', 'anyOf', 'oneOf'],
  map: ['properties', 'patternProperties', 'definitions', 'dependencies'],
} as const;

/**
 * Reads every `*.json` file of `schemaDir` and checks it: valid JSON, a valid draft-07 schema, only known keywords,
 * every `$ref` resolvable, a `$id` under {@link SCHEMA_BASE_URI} named after the file, and
 * for each message schema a `title`, `description`, `x-direction`, `x-spec-section`,
 * a `type` const and at least one example.
 *
 * @returns the contract, messages ordered by spec section
 * @throws SchemaError naming the file and JSON Pointer of the first fault
 */
export async function loadContract(schemaDir: string): Promise<Contract> {
  const names = (await readdir(schemaDir)).filter((name) => name.endsWith('.json')).sort();
  const files = new Map<string, SchemaNode>();
  for (const name of names) {
    const text = await readFile(path.join(schemaDir, name), 'utf8');
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (error) {
      const { position = 0, found } = describeSyntaxError(text, (error as Error).message);
      const before = text.slice(0, position).split('\n');
      throw new SchemaError(name, '', `invalid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}: got ${found}`);
    }
    if (!isObject(schema)) throw new SchemaError(name, '', 'expected a JSON Schema object');
    files.set(name, schema as SchemaNode);
  }
  const metaSchema = new Ajv({ strict: false, validateFormats: false });
  for (const [name, schema] of files) {
    if (!metaSchema.validateSchema(schema)) {
      const [error] = metaSchema.errors ?? [];
      const pointer = error?.instancePath ?? '';
      const allowed = error?.params.allowedValues as unknown[] | undefined;
      const detail = allowed ? `one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}` : (error?.message ?? 'a valid schema');
      throw new SchemaError(name, pointer, `not a valid draft-07 schema: expected ${detail}, got ${JSON.stringify(resolvePointer(schema, pointer))}`);
    }
    if (schema.$id !== SCHEMA_BASE_URI + name) {
      throw new SchemaError(name, '/$id', `expected "${SCHEMA_BASE_URI + name}", got ${JSON.stringify(schema.$id)}`);
    }
    checkKeywords(name, schema, '');
  }
  for (const [name, schema] of files) checkRefs(name, schema, '', files);

  const definitions = files.get('definitions.json');
  if (!definitions) throw new SchemaError('definitions.json', '', 'file is missing');
  const protocolSchema = files.get('protocol.json');
  if (!protocolSchema) throw new SchemaError('protocol.json', '', 'file is missing');

  const messages: MessageSchema[] = [];
  const documents: DocumentSchema[] = [];
  for (const [name, schema] of files) {
    if (name === 'definitions.json' || name === 'protocol.json') continue;
    // A message declares who sends it; any other file is a document of the protocol.
    if (schema['x-direction'] !== undefined) messages.push(toMessageSchema(name, schema));
    else documents.push(toDocumentSchema(name, schema));
  }
  messages.sort((a, b) => sectionOrder(a.section) - sectionOrder(b.section) || a.type.localeCompare(b.type));
  const seen = new Map<string, string>();
  for (const message of messages) {
    const other = seen.get(message.type);
    if (other) throw new SchemaError(message.file, '/properties/type/const', `type "${message.type}" is also declared by ${other}`);
    seen.set(message.type, message.file);
  }
  return { messages, documents, definitions, protocolSchema, protocol: readProtocol(protocolSchema), files };
}

function toMessageSchema(file: string, schema: SchemaNode): MessageSchema {
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
  need(
    'x-delivery',
    isObject(delivery) &&
      ((delivery.class === 'event' && Object.keys(delivery).length === 1) ||
        (delivery.class === 'state' && Object.keys(delivery).length === 2 && (delivery.key === null || (typeof delivery.key === 'string' && delivery.key.startsWith('/'))))),
    '{ "class": "event" } or { "class": "state", "key": "<JSON Pointer>" | null }',
  );
  need('x-spec-section', typeof schema['x-spec-section'] === 'string', 'the spec section it implements');
  need('examples', Array.isArray(schema.examples) && schema.examples.length > 0, 'at least one example');
  const type = schema.properties?.type?.const;
  if (typeof type !== 'string') throw new SchemaError(file, '/properties/type', 'a message schema needs `"type": { "const": "<message type>" }`');
  if (`${type}.json` !== file) throw new SchemaError(file, '/properties/type/const', `expected the file to be named ${type}.json`);
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

function toDocumentSchema(file: string, schema: SchemaNode): DocumentSchema {
  if (typeof schema.title !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(schema.title)) {
    throw new SchemaError(file, '/title', 'a schema file needs a PascalCase title (a message schema also needs x-direction)');
  }
  if (typeof schema['x-spec-section'] !== 'string') throw new SchemaError(file, '/x-spec-section', 'a document schema needs the spec section it implements');
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
  if (typeof version !== 'string') throw new SchemaError('protocol.json', '/x-version', 'expected a version string');
  if (!connection || typeof connection.url !== 'string' || typeof connection.path !== 'string' || typeof connection.authentication !== 'string') {
    throw new SchemaError('protocol.json', '/x-connection', 'expected { url, path, authentication } strings');
  }
  if (!keepalive || !Number.isInteger(keepalive.pingIntervalMs) || !Number.isInteger(keepalive.pongTimeoutMs)) {
    throw new SchemaError('protocol.json', '/x-keepalive', 'expected { pingIntervalMs, pongTimeoutMs } integers (milliseconds)');
  }
  if (!Array.isArray(versionHistory)) throw new SchemaError('protocol.json', '/x-version-history', 'expected an array');
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

function checkKeywords(file: string, node: SchemaNode, pointer: string): void {
  for (const keyword of Object.keys(node)) {
    if (!KNOWN_KEYWORDS.has(keyword)) {
      throw new SchemaError(file, `${pointer}/${escapePointer(keyword)}`, `unknown keyword "${keyword}"`);
    }
  }
  if (node.properties && Array.isArray(node.required)) {
    node.required.forEach((name, index) => {
      if (!Object.hasOwn(node.properties!, name)) {
        throw new SchemaError(file, `${pointer}/required/${index}`, `required property "${name}" is not among the properties`);
      }
    });
  }
  forEachSubschema(node, pointer, (child, childPointer) => {
    if (!isObject(child)) throw new SchemaError(file, childPointer, 'expected a schema object');
    checkKeywords(file, child as SchemaNode, childPointer);
  });
}

function checkRefs(file: string, node: SchemaNode, pointer: string, files: Map<string, SchemaNode>): void {
  if (node.$ref !== undefined) {
    const ref = node.$ref;
    const hash = ref.indexOf('#');
    const targetFile = hash === 0 ? file : ref.slice(0, hash === -1 ? undefined : hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    const target = files.get(targetFile);
    if (!target || resolvePointer(target, fragment) === undefined) {
      throw new SchemaError(file, `${pointer}/$ref`, `$ref "${ref}" resolves to nothing`);
    }
  }
  forEachSubschema(node, pointer, (child, childPointer) => checkRefs(file, child as SchemaNode, childPointer, files));
}

function forEachSubschema(node: SchemaNode, pointer: string, visit: (child: unknown, pointer: string) => void): void {
  for (const keyword of SUBSCHEMA_KEYWORDS.single) {
    const child = node[keyword];
    if (child !== undefined && typeof child !== 'boolean') visit(child, `${pointer}/${keyword}`);
  }
  for (const keyword of SUBSCHEMA_KEYWORDS.list) {
    const list = node[keyword];
    if (Array.isArray(list)) list.forEach((child, index) => visit(child, `${pointer}/${keyword}/${index}`));
  }
  for (const keyword of SUBSCHEMA_KEYWORDS.map) {
    const map = node[keyword];
    if (!isObject(map)) continue;
    for (const [key, child] of Object.entries(map)) {
      if (Array.isArray(child) || typeof child === 'boolean') continue; // `dependencies` may list property names
      visit(child, `${pointer}/${keyword}/${escapePointer(key)}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
