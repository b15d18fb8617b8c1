import { escapeToken, unescapeToken } from '../runtime/json-pointer.js';
import { resolveRef } from './refs.js';
import { SchemaError } from './schema-error.js';
import { SCHEMA_BASE_URI, type Contract, type SchemaNode } from './schema.js';
import { forEachSubschema, mapSchema } from './walk.js';

/** What the bundle is built from: the contract before it has its bundle. */
export type BundleInput = Omit<Contract, 'bundle'>;

/**
 * Where a place of the bundle (`/definitions/<Name>/…`, as {@link bundleContract} builds it) is
 * written: the file and JSON Pointer of the definition, message or document named `Name`, and
 * the rest of the pointer below it. A pointer outside the definitions is the bundle's own root.
 */
export function sourceOf(contract: Pick<Contract, 'definitions' | 'messages' | 'documents'>, bundlePointer: string): [file: string, pointer: string] {
  const match = /^\/definitions\/([^/]*)(.*)$/su.exec(bundlePointer);
  if (!match) return ['messages.schema.json', bundlePointer];
  const name = unescapeToken(match[1]!);
  const rest = match[2]!;
  if (Object.hasOwn(contract.definitions.definitions ?? {}, name)) return ['definitions.json', `/definitions/${escapeToken(name)}${rest}`];
  for (const schema of [...contract.messages, ...contract.documents]) {
    if (schema.title === name) return [schema.file, rest];
    if (Object.hasOwn(schema.schema.definitions ?? {}, name)) return [schema.file, `/definitions/${escapeToken(name)}${rest}`];
  }
  return ['messages.schema.json', bundlePointer];
}

/**
 * Combines every schema of the contract into one draft-07 document whose only `$ref`s are
 * local (`#/definitions/<Name>`): shared definitions, each message under its title with its
 * own definitions beside it, and a root `oneOf` over all messages. Tools that cannot follow
 * cross-file references (json-schema-to-typescript, quicktype, other languages) read this.
 *
 * Built once by `loadContract` (as `contract.bundle`) and handed to every target.
 *
 * @throws SchemaError when two files define the same definition name, or a `$ref` cannot be
 *   bundled (it resolves nowhere, or to something other than a whole file or a definition),
 *   or resolves to a definition the bundle does not hold
 */
export function bundleContract(contract: BundleInput): SchemaNode {
  const definitions: Record<string, SchemaNode> = {};
  const owner = new Map<string, readonly [file: string, pointer: string]>();
  const add = (name: string, node: SchemaNode, file: string, pointer: string) => {
    const previous = owner.get(name);
    if (previous) throw new SchemaError(file, pointer, `definition name "${name}" is also used in ${previous[0]}`);
    owner.set(name, [file, pointer]);
    definitions[name] = localizeRefs(node, file, pointer, contract);
  };
  for (const [name, node] of Object.entries(contract.definitions.definitions ?? {})) {
    add(name, node, 'definitions.json', `/definitions/${escapeToken(name)}`);
  }
  for (const message of contract.messages) {
    const { $schema: _schema, $id: _id, definitions: local, ...rest } = message.schema;
    add(message.title, rest, message.file, '');
    for (const [name, node] of Object.entries(local ?? {})) add(name, node, message.file, `/definitions/${escapeToken(name)}`);
  }
  for (const document of contract.documents) {
    const { $schema: _schema, $id: _id, definitions: local, ...rest } = document.schema;
    add(document.title, rest, document.file, '');
    for (const [name, node] of Object.entries(local ?? {})) add(name, node, document.file, `/definitions/${escapeToken(name)}`);
  }
  for (const [name, node] of Object.entries(definitions)) {
    forEachSubschema(node, (child, at) => {
      if (child.$ref === undefined) return;
      const target = unescapeToken(child.$ref.slice('#/definitions/'.length));
      if (!Object.hasOwn(definitions, target)) {
        const [file, pointer] = owner.get(name)!;
        throw new SchemaError(file, `${pointer}${at}/$ref`, `$ref to "${target}", which is not a definition of the bundle (definitions.json and the message files' own definitions are)`);
      }
    });
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE_URI}messages.schema.json`,
    title: 'Message',
    description: `Any message of the real-time WebSocket protocol v${contract.protocol.version}, discriminated by \`type\`. Generated from schemas/; every $ref is local.`,
    oneOf: contract.messages.map((message) => ({ $ref: `#/definitions/${message.title}` })),
    definitions,
  };
}

/**
 * Rewrites every `$ref` of `node` (at `pointer` in `file`) to `#/definitions/<Name>`: a whole
 * file becomes its title, `<file>#/definitions/<Name>` its name. Every subschema slot is visited
 * (the contract's one walker), so a `$ref` anywhere is bundled or refused.
 */
function localizeRefs(node: SchemaNode, file: string, pointer: string, contract: BundleInput): SchemaNode {
  return mapSchema(node, (child, at) => {
    if (child.$ref === undefined) return child;
    const target = resolveRef(contract.files, file, child.$ref);
    const where = `${pointer}${at}/$ref`;
    if (!target) throw new SchemaError(file, where, `$ref "${child.$ref}" resolves to nothing`);
    const definition = /^\/definitions\/([^/]+)$/.exec(target.pointer)?.[1];
    const name = target.pointer === '' ? target.node.title : definition === undefined ? undefined : unescapeToken(definition);
    if (name === undefined) {
      throw new SchemaError(file, where, `cannot bundle $ref "${child.$ref}": only whole files (with a title) and <file>#/definitions/<Name> are supported`);
    }
    return { ...child, $ref: `#/definitions/${escapeToken(name)}` };
  });
}
