import { SchemaError } from './load.js';
import { SCHEMA_BASE_URI, type Contract, type SchemaNode } from './schema.js';

/**
 * Combines every schema of the contract into one draft-07 document whose only `$ref`s are
 * local (`#/definitions/<Name>`): shared definitions, each message under its title with its
 * own definitions beside it, and a root `oneOf` over all messages. Tools that cannot follow
 * cross-file references (json-schema-to-typescript, quicktype, other languages) read this.
 *
 * @throws SchemaError when two files define the same definition name
 */
export function bundleContract(contract: Contract): SchemaNode {
  const definitions: Record<string, SchemaNode> = {};
  const owner = new Map<string, string>();
  const add = (name: string, node: SchemaNode, file: string, pointer: string) => {
    const previous = owner.get(name);
    if (previous) throw new SchemaError(file, pointer, `definition name "${name}" is also used in ${previous}`);
    owner.set(name, file);
    definitions[name] = localizeRefs(node, file, contract);
  };
  for (const [name, node] of Object.entries(contract.definitions.definitions ?? {})) {
    add(name, node, 'definitions.json', `/definitions/${name}`);
  }
  for (const message of contract.messages) {
    const { $schema: _schema, $id: _id, definitions: local, ...rest } = message.schema;
    add(message.title, rest, message.file, '');
    for (const [name, node] of Object.entries(local ?? {})) add(name, node, message.file, `/definitions/${name}`);
  }
  for (const document of contract.documents) {
    const { $schema: _schema, $id: _id, definitions: local, ...rest } = document.schema;
    add(document.title, rest, document.file, '');
    for (const [name, node] of Object.entries(local ?? {})) add(name, node, document.file, `/definitions/${name}`);
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

/** Rewrites every `$ref` of `node` (found in `file`) to `#/definitions/<Name>`. */
function localizeRefs(node: SchemaNode, file: string, contract: Contract): SchemaNode {
  return mapSchema(node, (child) => {
    if (child.$ref === undefined) return child;
    const [refFile, fragment = ''] = child.$ref.split('#');
    const targetFile = refFile === '' ? file : refFile!;
    let name: string | undefined;
    if (fragment.startsWith('/definitions/') && !fragment.slice('/definitions/'.length).includes('/')) {
      name = fragment.slice('/definitions/'.length);
    } else if (fragment === '') {
      name = contract.files.get(targetFile)?.title;
    }
    if (!name) throw new SchemaError(file, '', `cannot bundle $ref "${child.$ref}": only whole files and /definitions/<Name> are supported`);
    return { ...child, $ref: `#/definitions/${name}` };
  });
}

/**
 * Returns a copy of `node` with `transform` applied to it and to every subschema, bottom-up.
 * Annotations (`examples`, `enum`, `const`, `x-…`) are copied as they are.
 */
export function mapSchema(node: SchemaNode, transform: (node: SchemaNode) => SchemaNode): SchemaNode {
  const copy: SchemaNode = { ...node };
  for (const keyword of ['items', 'additionalProperties', 'not', 'propertyNames', 'contains'] as const) {
    const child = copy[keyword];
    if (typeof child === 'object' && child !== null) copy[keyword] = mapSchema(child as SchemaNode, transform);
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = copy[keyword];
    if (Array.isArray(list)) copy[keyword] = list.map((child: SchemaNode) => mapSchema(child, transform));
  }
  for (const keyword of ['properties', 'definitions', 'patternProperties'] as const) {
    const map = copy[keyword];
    if (typeof map === 'object' && map !== null) {
      copy[keyword] = Object.fromEntries(
        Object.entries(map as Record<string, SchemaNode>).map(([key, child]) => [key, mapSchema(child, transform)]),
      );
    }
  }
  return transform(copy);
}
