import { escapeToken } from '../runtime/json-pointer.js';
import { forEachSubschema, mapSchema, unconstrained, type SchemaNode } from '../contract/index.js';

/*
 * How the contract's bundle is shaped for quicktype, and so which types Go and Python declare
 * and under which names: pure, without quicktype itself, so that `diff` can tell the names the
 * generated code gains and loses (src/diff, `type-name-changed`).
 */

/** The definitions of `schema` that the definitions named `roots` reach through `#/definitions/…` references, the roots included. */
export function reachedDefinitions(schema: SchemaNode, roots: readonly string[]): Set<string> {
  const reached = new Set<string>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const definition = schema.definitions?.[name];
    if (reached.has(name) || definition === undefined) continue;
    reached.add(name);
    forEachSubschema(definition, (node) => {
      const ref = node.$ref;
      if (typeof ref === 'string' && ref.startsWith('#/definitions/')) pending.push(ref.slice('#/definitions/'.length).replace(/~1/g, '/').replace(/~0/g, '~'));
    });
  }
  return reached;
}

/** Two types Go and Python would give one name (generate refuses such a contract). */
export class NameClashError extends Error {
  override readonly name = 'NameClashError';
  /** @param at the bundle pointer of the schema that would take the name */
  constructor(message: string, readonly at: string) {
    super(message);
  }
}

/**
 * Rewrites the bundle into what quicktype turns into the intended types:
 *  - every message, payload, closed list and object of its own is a definition, titled
 *    `<Parent><Property>` when the schema gave it no title (`<…>Item` for an array's items,
 *    `<…>Value` for a map's values), so that quicktype names it after its place instead of
 *    inventing names (`PurpleStatus`, `PlatformEnum`, `PurpleVenue`) that another part of the
 *    contract can change;
 *  - so is a union of JSON types (`type: ["string", "integer"]`), which Go declares as a
 *    struct: quicktype named it after the property alone (`Extra`, `PurpleExtra`);
 *  - closed lists of the same values are one definition (quicktype merges them into one type
 *    under a name of its own): the one the contract defines by name, else the first title in
 *    alphabetical order; the others become aliases of it ({@link ShapedBundle.aliases}), and
 *    unions of the same types likewise;
 *  - an object that allows unknown keys (`AiTaskResult`) becomes a string-keyed map: quicktype
 *    would make it a class and silently drop every key it does not list, and Go's
 *    `omitempty` would also drop an empty `issues` array;
 *  - annotations quicktype does not need (`examples`, `x-…`) are removed.
 *
 * @throws NameClashError when a name it derives is already a definition's
 */
export function shapeForQuicktype(bundle: SchemaNode): ShapedBundle {
  const definitions: Record<string, SchemaNode> = {};
  const named = new Set(Object.keys(bundle.definitions!));
  const places = new Map<string, string>();
  /**
   * The names quicktype gives a union's closed list of strings (`<Union>Enum`, `TradeDataChoiceEnum`),
   * with the union's place: it renamed a definition or a field's list of that name in Go and
   * Python alone (`PqEnum`, while TypeScript kept it: tGY F1), so such a name is refused.
   */
  const unionLists = new Map<string, string>();
  const reserveUnionList = (union: SchemaNode, name: string, at: string) => {
    if (!(union.anyOf ?? []).some((branch) => branch.$ref === undefined && isStringList(branch))) return;
    const title = `${name}Enum`;
    if (Object.hasOwn(definitions, title) || named.has(title)) {
      throw new NameClashError(`Go and Python would name two types ${title}: the closed list of strings of the union at ${at}, which quicktype names after the union, and ${places.get(title) ?? `/definitions/${escapeToken(title)}`}: give the other one another name, or the union a title`, places.get(title) ?? `/definitions/${escapeToken(title)}`);
    }
    unionLists.set(title, at);
  };
  const define = (title: string, node: SchemaNode, place: string, at: string) => {
    if (unionLists.has(title)) {
      throw new NameClashError(`Go and Python would name two types ${title}: the closed list of strings of the union at ${unionLists.get(title)}, which quicktype names after the union, and the one at ${at}: give this one a title of its own`, at);
    }
    if (Object.hasOwn(definitions, title) || named.has(title)) {
      throw new NameClashError(`Go and Python would name two types ${title} (one of them named after its place, ${place}): give the schema of one of them a title of its own`, at);
    }
    definitions[title] = node;
    places.set(title, at);
    return { $ref: `#/definitions/${title}`, ...(node.description ? { description: node.description } : {}) };
  };
  /** `node` at the place named `title` (bundle pointer `at`): a $ref to a definition of its own where quicktype would declare a type. */
  const place = (node: SchemaNode, title: string, at: string): SchemaNode => {
    if (node.$ref !== undefined) return node.description === undefined ? { ...node, ...inlinedDescription(node.$ref) } : node;
    if (isStringList(node)) {
      // A nullable list (`enum: ["limit", null]`) is its list of strings, nullable where it stands:
      // quicktype named it after its values' property alone (`Kind`, then `PurpleKind` when another
      // object gained a `kind`: a hostile tester), and lists of the same strings stay one type.
      if (!hasNull(node)) return define(node.title ?? title, { ...node, title: node.title ?? title }, title, at);
      const { description, ...list } = node;
      const ref = define(node.title ?? title, { ...stringsOf(list), title: node.title ?? title }, title, at);
      return { anyOf: [ref, { type: 'null' }], ...(description ? { description } : {}) };
    }
    if (node.properties !== undefined) {
      const name = node.title ?? title;
      return define(name, { ...hoist(node, name, at), title: name }, title, at);
    }
    // A choice of closed lists of strings (`anyOf: [{ enum: ["a", "b"] }, { enum: ["c"] }]`) is one
    // list in quicktype, which named it after the property alone (`Two`, then `PurpleTwo` when
    // another message gained a field `two`: tGY F6): the list of all their strings, at its place.
    const lists = node.anyOf?.filter((branch) => !(branch.type === 'null' || (branch.enum?.length === 1 && branch.enum[0] === null) || branch.const === null));
    if (lists !== undefined && lists.length > 1 && node.type === undefined && lists.every((branch) => branch.$ref === undefined && isStringList(branch) && (branch.type === undefined || branch.type === 'string'))) {
      const { anyOf: _choice, description, ...rest } = node;
      const strings = [...new Set(lists.flatMap((branch) => (branch.const !== undefined ? [branch.const] : branch.enum!).filter((value) => value !== null)))];
      const nullable = lists.length < node.anyOf!.length;
      return place({ ...rest, ...(nullable ? { enum: [...strings, null] } : { type: 'string', enum: strings }), ...(description ? { description } : {}) }, title, at);
    }
    // A choice of JSON types (`type: ["string", "integer"]`) is a Go struct of its own, which
    // quicktype named after the property alone (`Extra`, then `PurpleExtra` and `FluffyExtra`
    // when another object gained a union `extra`: a hostile tester).
    if (isUnion(node, bundle)) {
      const { description, ...union } = node;
      const name = node.title ?? title;
      reserveUnionList(union, name, at);
      return { ...define(name, { ...inside(union, name, at, true), title: name }, title, at), ...(description ? { description } : {}) };
    }
    // A nullable `$ref` (`anyOf: [{ $ref }, { type: "null" }]`) carries the description as the bare
    // one does: quicktype reads none from a branch (tDR F5).
    const refs = node.description === undefined ? node.anyOf?.filter((branch) => branch.type !== 'null') : undefined;
    if (refs?.length === 1 && refs[0]!.$ref !== undefined) return { ...inside(node, title, at), ...inlinedDescription(refs[0]!.$ref) };
    return inside(node, title, at);
  };
  /**
   * The description of the definition a bare `$ref` names (or a nullable one, `anyOf: [{ $ref }, null]`), where quicktype writes that definition
   * in place (a number, a string, an array: no type of its own to carry it), as the reference
   * and the TypeScript types show it: Go and Python dropped it (tDJ F6). `{}` for a type declared
   * by name (an object, a closed list, a union), whose own comment says it.
   */
  const inlinedDescription = (ref: string): SchemaNode => {
    let target = definitionOf(ref, bundle.definitions)?.node;
    // Through a definition that is a `$ref` itself, whose own description comes first.
    let description = target?.description;
    for (let hops = 0; target?.$ref !== undefined && hops < 64; hops++) {
      target = definitionOf(target.$ref, bundle.definitions)?.node;
      description ??= target?.description;
    }
    return description === undefined || target === undefined || target.properties !== undefined || isStringList(target) || isUnion(target, bundle) ? {} : { description };
  };
  /** An object's properties, each at its place. */
  const hoist = (node: SchemaNode, parent: string, at: string): SchemaNode => ({
    ...node,
    properties: Object.fromEntries(Object.entries(node.properties!).map(([key, child]) => [key, place(child, `${parent}${pascal(key)}`, `${at}/properties/${escapeToken(key)}`)])),
  });
  /** What an array, a map or a nullable choice holds, at its place (a definition's own nullable choice keeps what it holds inline: `definition`). */
  const inside = (node: SchemaNode, title: string, at: string, definition = false): SchemaNode => {
    let shaped = node;
    if (node.items !== undefined && !Array.isArray(node.items)) shaped = { ...shaped, items: place(node.items, `${title}Item`, `${at}/items`) };
    if (typeof node.additionalProperties === 'object') shaped = { ...shaped, additionalProperties: place(node.additionalProperties, `${title}Value`, `${at}/additionalProperties`) };
    // Nullable (`anyOf: [X, { type: "null" }]`): X takes the place's name.
    const branches = node.anyOf;
    if (!definition && branches !== undefined && branches.filter((branch) => branch.type !== 'null').length === 1) {
      shaped = { ...shaped, anyOf: branches.map((branch, i) => (branch.type === 'null' ? branch : place(branch, title, `${at}/anyOf/${i}`))) };
    }
    return shaped;
  };
  /** Definitions that are a closed list holding null. */
  const nullable = new Set<string>();
  for (const [name, node] of Object.entries(bundle.definitions!)) {
    const shaped = mapSchema(node, (child) => objectUnionAsAny(openObjectAsMap(withoutAnnotations(child)), bundle));
    const at = `/definitions/${escapeToken(name)}`;
    places.set(name, at);
    if (shaped.properties === undefined && !isStringList(shaped) && isUnion(shaped, bundle)) reserveUnionList(shaped, name, at);
    // A definition that is an object or a closed list keeps its own name; in anything else (an
    // array, a map, a nullable choice) what it holds is named after it.
    definitions[name] = shaped.properties !== undefined ? hoist(shaped, name, at) : isStringList(shaped) ? stringsOf(shaped) : isUnion(shaped, bundle) ? { ...inside(shaped, name, at, true), title: name } : inside(shaped, name, at, true);
    if (isStringList(shaped) && hasNull(shaped)) nullable.add(name);
  }
  // A nullable list defined by name is its strings, nullable where a `$ref` names it, as an
  // inline one is: lists of the same strings are then one type (OrderKind beside an inline
  // ["limit", "market", null] stopped generate: a reviewer).
  const shaped = nullable.size === 0 ? definitions : nullableWhereNamed(definitions, nullable);
  const aliases = mergeSameLists(shaped, named);
  const listed = aliases.size === 0 ? shaped : redirect(shaped, aliases);
  // Unions of the same kinds are one type in quicktype too, declared once under the first name
  // it met (TradeData's `extra` was BotData's): merged here as closed lists are, Go alone
  // declaring them.
  const unions = mergeSameUnions(listed, named);
  for (const [alias, kept] of unions) aliases.set(alias, kept);
  return { schema: { ...bundle, definitions: unions.size === 0 ? listed : redirect(listed, unions) }, aliases, unionAliases: new Set(unions.keys()), places };
}

/**
 * Unions of the same kinds of value (quicktype's identity of a union: `["string", "integer"]`
 * is `anyOf: [{ type: "integer" }, { type: "string" }]`; null is one kind more), kept once as
 * {@link mergeSameLists} keeps lists. Removes the others from `definitions`.
 * @returns alias title → kept title
 */
function mergeSameUnions(definitions: Record<string, SchemaNode>, named: ReadonlySet<string>): Map<string, string> {
  const schema = { definitions };
  const keys: UnionKeys = { definitions, byName: new Map(), pending: new Set(), ids: new Map() };
  return mergeAlike(definitions, named, (node) => (isUnion(node, schema) ? unionKey(node, keys) : undefined));
}

/** What {@link unionKey} keeps between calls: one mergeSameUnions's worth. */
interface UnionKeys {
  definitions: Readonly<Record<string, SchemaNode>>;
  /** The key of each definition a `$ref` led into, read once (unread, a bounded-depth JSON value doubled its key per level). */
  byName: Map<string, string>;
  /** The definitions being read: a `$ref` back to one is kept as the `$ref` (a union that holds itself). */
  pending: Set<string>;
  /** A short name for each key an array or map holds, so a key nested in another stays short. */
  ids: Map<string, number>;
}

/**
 * What quicktype tells a union by: the kinds it holds (a JSON type, an array of what, a `$ref`
 * to a class or a closed list), sorted; ranges, patterns and formats aside. A `$ref` to
 * anything else (another union, a plain `string`) is what it holds, as quicktype flattens it:
 * `anyOf: [boolean, $ref to string | integer]` is the union `boolean | integer | string`, one
 * type with such a union elsewhere (keyed apart, quicktype declared it once under one name, and
 * generate refused the other place as a name quicktype renamed). Equal keys (of one `keys`) are
 * the same kinds: what an array or a map holds is named by a number per distinct key, and a
 * definition is read once (no bound of depth is needed: a `$ref` back to one being read ends
 * there).
 */
function unionKey(node: SchemaNode, keys: UnionKeys): string {
  const nested = (inner: SchemaNode) => {
    const key = unionKey(inner, keys);
    let id = keys.ids.get(key);
    if (id === undefined) keys.ids.set(key, (id = keys.ids.size));
    return `#${id}`;
  };
  const members = (member: SchemaNode): string[] => {
    if (member.$ref !== undefined) {
      const target = definitionOf(member.$ref, keys.definitions);
      if (target === undefined || isStringList(target.node) || target.node.properties !== undefined) return [member.$ref];
      const known = keys.byName.get(target.name);
      if (known !== undefined) return JSON.parse(known) as string[];
      if (keys.pending.has(target.name)) return [member.$ref];
      keys.pending.add(target.name);
      const key = unionKey(target.node, keys);
      keys.pending.delete(target.name);
      keys.byName.set(target.name, key);
      return JSON.parse(key) as string[];
    }
    // An inline closed list is its strings (quicktype's identity of an enum), not its JSON type:
    // keyed `string`, `anyOf: [enum ["x", "y"], integer]` was merged with `anyOf: [enum
    // ["alpha", "beta"], integer]`, and Python refused every "x" (tGI F9).
    if (isStringList(member)) return [`enum:${JSON.stringify([...new Set((member.const !== undefined ? [member.const] : member.enum!).filter((value) => value !== null))].sort())}`, ...(hasNull(member) ? ['null'] : [])];
    const branches = member.anyOf ?? member.oneOf;
    if (branches !== undefined) {
      // quicktype makes the closed lists of one choice one enum of all their strings.
      const all = branches.flatMap(members);
      const lists = all.filter((key) => key.startsWith('enum:'));
      if (lists.length < 2) return all;
      const strings = [...new Set(lists.flatMap((key) => JSON.parse(key.slice('enum:'.length)) as string[]))].sort();
      return [...all.filter((key) => !key.startsWith('enum:')), `enum:${JSON.stringify(strings)}`];
    }
    if (member.properties !== undefined) return [JSON.stringify(member)];
    const types = member.type === undefined ? ['any'] : [member.type].flat().map(String);
    return types.map((type) => (type === 'array' ? `array<${nested(typeof member.items === 'object' && !Array.isArray(member.items) ? member.items : {})}>` : type === 'object' ? `map<${nested(typeof member.additionalProperties === 'object' ? member.additionalProperties : {})}>` : type));
  };
  return JSON.stringify([...new Set(members(node))].sort());
}

/** The definition a `$ref` names (`#/definitions/Name`), with its name; undefined for any other. */
function definitionOf(ref: string, definitions: Readonly<Record<string, SchemaNode>> | undefined): { name: string; node: SchemaNode } | undefined {
  if (!ref.startsWith('#/definitions/') || definitions === undefined) return undefined;
  const name = ref.slice('#/definitions/'.length);
  return Object.hasOwn(definitions, name) ? { name, node: definitions[name]! } : undefined;
}

/** Whether a closed list holds null. */
function hasNull(node: SchemaNode): boolean {
  return (node.const !== undefined ? [node.const] : node.enum ?? []).includes(null);
}

/** A closed list without its null: its strings, typed `string`. */
function stringsOf(node: SchemaNode): SchemaNode {
  if (!hasNull(node)) return node;
  return { ...node, type: 'string', ...(node.const !== undefined ? {} : { enum: node.enum!.filter((value) => value !== null) }) };
}

/** `definitions` with every `$ref` to one of `nullable` made `anyOf: [that $ref, null]`. */
function nullableWhereNamed(definitions: Record<string, SchemaNode>, nullable: ReadonlySet<string>): Record<string, SchemaNode> {
  return Object.fromEntries(
    Object.entries(definitions).map(([name, node]) => [
      name,
      mapSchema(node, (child) => {
        const target = child.$ref?.startsWith('#/definitions/') ? child.$ref.slice('#/definitions/'.length) : undefined;
        if (target === undefined || !nullable.has(target)) return child;
        const { description, ...ref } = child;
        return { anyOf: [ref, { type: 'null' }], ...(description ? { description } : {}) };
      }),
    ]),
  );
}

/**
 * The names of the types the generated Go and Python declare (an enum, a struct or dataclass, a
 * Go union, an alias of a closed list or union of the same values), each with the bundle pointer of the schema it
 * stands for: a definition's, or the place an untitled one is named after (`TradeDataStatus`,
 * `/definitions/TradeData/properties/status`). Only the types the messages and documents
 * reach, as quicktype declares them; every alias.
 *
 * @param roots the titles of the messages and documents
 * @throws NameClashError when two types would take one name (generate refuses such a contract)
 */
export function languageTypeNames(bundle: SchemaNode, roots: readonly string[]): Map<string, string> {
  const { schema, aliases, places } = shapeForQuicktype(bundle);
  const reached = reachedDefinitions(schema, roots);
  const names = new Map<string, string>();
  for (const name of reached) {
    const node = schema.definitions![name]!;
    if (isStringList(node) || node.properties !== undefined || isUnion(node, schema)) names.set(name, places.get(name)!);
  }
  for (const alias of aliases.keys()) names.set(alias, places.get(alias)!);
  return names;
}

/**
 * Of {@link languageTypeNames}, the ones Go declares and Python does not: the unions (a Go struct
 * with a field per kind; Python writes `Union[int, str]` in place), definitions and aliases alike.
 *
 * @throws NameClashError as {@link languageTypeNames}
 */
export function goOnlyTypeNames(bundle: SchemaNode, roots: readonly string[]): Set<string> {
  const { schema, unionAliases } = shapeForQuicktype(bundle);
  const names = new Set(unionAliases);
  for (const name of reachedDefinitions(schema, roots)) {
    const node = schema.definitions![name]!;
    if (!isStringList(node) && node.properties === undefined && isUnion(node, schema)) names.add(name);
  }
  return names;
}

/** The bundle as quicktype reads it, and the type names that are another's alias. */
export interface ShapedBundle {
  schema: SchemaNode;
  /** Alias title → the title of the definition that stands for it (closed lists of the same values, unions of the same kinds). */
  aliases: Map<string, string>;
  /** The aliases that are unions: Go declares them, Python has no type for a union (`Union[int, str]` in place). */
  unionAliases: Set<string>;
  /** Each type's name → the bundle pointer of the schema it was made from (a definition, or the place it is named after). */
  places: Map<string, string>;
}

/**
 * Closed lists of the same values, in any order (quicktype's identity of an enum), kept once:
 * the one defined by name in the contract (`named`) first, else the first title in alphabetical
 * order. Removes the others from `definitions`.
 * @returns alias title → kept title
 */
function mergeSameLists(definitions: Record<string, SchemaNode>, named: ReadonlySet<string>): Map<string, string> {
  return mergeAlike(definitions, named, (node) => (isStringList(node) ? JSON.stringify([...new Set((node.const !== undefined ? [node.const] : node.enum!) as string[])].sort()) : undefined));
}

/**
 * Definitions of one `keyOf` (undefined: not merged) kept as one, the others deleted: a name of
 * `named` first, else the first in code-unit order. Returns each deleted title's kept one.
 */
function mergeAlike(definitions: Record<string, SchemaNode>, named: ReadonlySet<string>, keyOf: (node: SchemaNode) => string | undefined): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const [title, node] of Object.entries(definitions)) {
    const key = keyOf(node);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), title]);
  }
  const aliases = new Map<string, string>();
  for (const titles of groups.values()) {
    if (titles.length < 2) continue;
    const [kept, ...others] = [...titles].sort((a, b) => Number(named.has(b)) - Number(named.has(a)) || (a < b ? -1 : a > b ? 1 : 0));
    for (const other of others) {
      aliases.set(other, kept!);
      delete definitions[other];
    }
  }
  return aliases;
}

/** `definitions` with every `$ref` to an alias pointing at the definition it stands for. */
function redirect(definitions: Record<string, SchemaNode>, aliases: ReadonlyMap<string, string>): Record<string, SchemaNode> {
  return Object.fromEntries(
    Object.entries(definitions).map(([name, node]) => [
      name,
      mapSchema(node, (child) => {
        const target = child.$ref?.startsWith('#/definitions/') ? aliases.get(child.$ref.slice('#/definitions/'.length)) : undefined;
        return target === undefined ? child : { ...child, $ref: `#/definitions/${target}` };
      }),
    ]),
  );
}

/**
 * Whether quicktype turns `node` into an enum type of its own: a closed list of strings
 * (`enum` or `const`), null among them or not, other than `""` alone. A list that holds
 * anything else (`const: true`, `type: "integer", enum: [1, 2]`) becomes the plain type of its
 * values instead (bool, int64, …), which accepts every valid value; one that mixes strings with
 * other values, or holds numbers without a `type`, generate refuses.
 */
export function isStringList(node: SchemaNode): boolean {
  const values = node.const !== undefined ? [node.const] : node.enum;
  // quicktype makes a list that holds only "" a plain string, with no type of its own.
  return Array.isArray(values) && values.every((value) => typeof value === 'string' || value === null) && values.some((value) => typeof value === 'string' && value !== '');
}

/**
 * Whether quicktype declares `node` as a union type of its own (a Go struct with a field per
 * kind, `Integer *int64; String *string`; Python has none, `Union[int, str]`): values of two
 * or more kinds besides null, by its `type` list or its `anyOf` / `oneOf` branches (integer
 * and number two: `Integer *int64; Double *float64`). A choice of object types is no union here: it
 * stays decoded JSON ({@link objectUnionAsAny}).
 */
export function isUnion(node: SchemaNode, bundle: SchemaNode): boolean {
  return kindsOf(node, bundle).size > 1;
}

/** The kinds of value quicktype gives a type to, null aside: JSON types, a class, each closed list of strings. */
function kindsOf(node: SchemaNode, bundle: SchemaNode, hops = 0): Set<string> {
  if (node.$ref !== undefined) {
    const target = definitionOf(node.$ref, bundle.definitions);
    if (target === undefined || hops > 64) return new Set(['ref']);
    if (isStringList(target.node)) return new Set([`list:${node.$ref}`]);
    return kindsOf(target.node, bundle, hops + 1);
  }
  if (isStringList(node)) return new Set(['list']);
  if (node.properties !== undefined) return new Set(['object']);
  const branches = node.anyOf ?? node.oneOf;
  // A choice with a branch of any value (`anyOf: [string, integer, { description }]`) admits any
  // value: quicktype types it `interface{}` / `Any`, no union of its own, and expecting one refused
  // generate as if quicktype had renamed it (tFV F3).
  if (branches !== undefined) return branches.some((branch) => admitsAny(branch, bundle, hops + 1)) ? new Set() : new Set(branches.flatMap((branch) => [...kindsOf(branch, bundle, hops + 1)]));
  const types = node.type === undefined ? [] : [node.type].flat();
  return new Set(types.filter((type) => type !== 'null').map(String));
}

/** Whether `node` admits any JSON value: annotations only, a `$ref` to such a definition, or a choice with a branch that does. */
function admitsAny(node: SchemaNode, bundle: SchemaNode, hops = 0): boolean {
  if (hops > 64) return false;
  if (node.$ref !== undefined) {
    const target = definitionOf(node.$ref, bundle.definitions);
    return target !== undefined && admitsAny(target.node, bundle, hops + 1);
  }
  if (unconstrained(node)) return true;
  const branches = node.anyOf ?? node.oneOf;
  return branches !== undefined && Object.keys(node).every((key) => key === 'anyOf' || key === 'oneOf' || unconstrained({ [key]: true })) && branches.some((branch) => admitsAny(branch, bundle, hops + 1));
}

function withoutAnnotations(node: SchemaNode): SchemaNode {
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'examples' && !key.startsWith('x-'))) as SchemaNode;
}

/**
 * A choice between two or more object types (`PollResponse.messages`: any stream message) is
 * left as decoded JSON (`Any` in Python, `interface{}` in Go): quicktype would merge the
 * objects into one class whose keys are all optional, which drops required nulls (`pnl`) and
 * mixes fields of different messages. The module docs say to decode such a value with the
 * converter of its `type`.
 */
function objectUnionAsAny(node: SchemaNode, bundle: SchemaNode): SchemaNode {
  const branches = node.anyOf ?? node.oneOf;
  if (!branches) return node;
  const objects = branches.filter((branch) => {
    const target = branch.$ref ? bundle.definitions![branch.$ref.slice('#/definitions/'.length)] : branch;
    return target !== undefined && (target.type === 'object' || target.properties !== undefined);
  });
  if (objects.length < 2) return node;
  return node.description === undefined ? {} : { description: node.description };
}

function openObjectAsMap(node: SchemaNode): SchemaNode {
  if (node.properties === undefined || node.additionalProperties === false) return node;
  const { properties: _properties, required: _required, ...rest } = node;
  return { ...rest, additionalProperties: typeof node.additionalProperties === 'object' ? node.additionalProperties : {} };
}

/** A message type or property name in PascalCase, as the generated languages name a place (`ai_tasks` → `AiTasks`, `bot-id` → `BotId`). */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}
