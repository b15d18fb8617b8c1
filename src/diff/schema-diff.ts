import { characterClassPattern, characterClassWithin, type CharacterClassPattern } from '../contract/character-class.js';
import { escapeToken } from '../runtime/json-pointer.js';
import { unconstrained, type SchemaNode } from '../contract/index.js';
import type { Acceptance, RuleId } from './rules.js';
import { equal, withoutKeywords } from './annotations.js';
import { openKinds } from '../codegen/tolerant-enum.js';

/**
 * One difference between two schemas at one place of a message, before it is classified by
 * direction: what the change does to the set of accepted values.
 */
export interface SchemaDelta {
  rule: RuleId;
  /** JSON Pointer into the message (`/data/platform`); `*` stands for any array item or map value. */
  pointer: string;
  before?: unknown;
  after?: unknown;
  accepts: Acceptance;
  /**
   * Tolerant consumers survive this change even though the accepted set grew: unknown fields
   * are ignored, values outside a closed list pass with a notice.
   */
  tolerantSurvives?: boolean;
  /**
   * How the Go and Python types change beside the wire, where the rule alone does not say: a
   * closed object with `properties` (a struct or class there) opened (`map`: it becomes a map,
   * which keeps the fields it does not name), an object closed into one (`struct`), a field
   * removed from one (`field-removed`; from an open object, already a map there, nothing changes),
   * a field given another type there by a change that its rule does not call a type change
   * (`retyped`: a union gained or lost a branch, a type of its own in Go and Python), a field of
   * a struct made optional or required (`optionality`: `int64` ↔ `*int64` and `int` ↔
   * `Optional[int]`; `go-optionality` where Python's type is `Optional` either way, a nullable
   * array or map: `[]T` ↔ `*[]T` in Go alone; `python-optionality` for a union, a pointer in Go
   * either way: `Union[int, str]` ↔ `Optional[Union[int, str]]` in Python alone).
   * `unchanged`: a change a rule would call a retyping that leaves the Go and Python types as they
   * were (an optional field of a struct made nullable or no longer: a pointer and `Optional`
   * either way, tGY F3).
   */
  otherLanguages?: 'map' | 'struct' | 'field-removed' | 'retyped' | 'optionality' | 'go-optionality' | 'python-optionality' | 'unchanged';
  /**
   * Inside a value Go and Python keep as decoded JSON on both sides (`map[string]interface{}` and
   * `Dict[str, Any]` for an object open to any other key, `AiTaskResult`; `interface{}` and `Any`
   * for a choice of object types, each of `PollResponse.messages`): no Go or Python type changes
   * there, and no Python Enum raises (`otherLanguages` is `unchanged` too). It read "Go and
   * Python give the field another type … a major release" for a field of AiTaskResult (tHL F1).
   */
  decodedJson?: true;
  /**
   * With `tolerantSurvives`: a union's new branches are closed lists whose every value an older
   * branch's closed list opens to in tolerant mode (`anyOf: [Platform, null]` gaining a branch
   * `OtherPlatform`, a list of strings): `strings` where some of those values are strings, which
   * an older generated Python Enum raises on (tIH F2).
   */
  opensList?: 'strings' | 'other';
  /**
   * With `otherLanguages: 'map'`: the Go and Python types of the map's values where the newer
   * object is a map of a schema (`additionalProperties: { "type": "number" }` is
   * `map[string]float64` and `Dict[str, float]` there, as quicktype writes it); absent where it
   * is open to anything (`map[string]interface{}`, `Dict[str, Any]`), and where the values'
   * types have no one-word name (`T`).
   */
  mapValues?: { go: string; python: string };
  /**
   * With `otherLanguages: 'optionality'`: the field's own Go and Python types, by the same rules
   * as `mapValues` (`"type": "number"` is `float64` and `float`, which become `*float64` and
   * `Optional[float]` when optional); absent where they have no one-word name (an inline closed
   * list or object, named by quicktype after the field), and the text says `T`.
   */
  fieldTypes?: { go: string; python: string };
  /**
   * Whether the generated TypeScript type of what producers build narrows, where the rule alone
   * does not say: a field added to an open object or a map narrows it when its schema admits
   * fewer values than the object admitted at that key (a producer that sent that key with
   * another type no longer compiles); a field removed from an object that is now a map whose
   * values admit the field's values does not (an object literal that writes it still compiles).
   */
  narrowsBuiltType?: boolean;
  /** One line, e.g. `value "coinbase" added to the closed list`. */
  text: string;
}

/** Resolves a bundle-local `$ref` (`#/definitions/Name`) to its schema (a definition may be a boolean schema). */
export type Resolve = (ref: string) => SchemaNode | boolean | undefined;

/**
 * The message schemas of each side, as their {@link Resolve} returns them: a union whose every
 * branch is a `$ref` to one of them is a list of messages (the poll response's), where a
 * consumer skips a type it does not know. Any other union is a value's.
 */
export interface MessageNodes {
  before: ReadonlySet<unknown>;
  after: ReadonlySet<unknown>;
}

/** Length keywords compared as bounds: for a lower bound a larger value narrows, for an upper bound it widens. */
const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties'] as const;

/** Keywords handled by name; anything else that holds schemas is compared as a whole. */
const OPAQUE_COMBINATORS = ['allOf', 'oneOf', 'not', 'if', 'then', 'else', 'patternProperties', 'propertyNames', 'contains', 'dependencies', 'additionalItems'] as const;

/**
 * The keywords of {@link OPAQUE_COMBINATORS} that only add a condition where they are written:
 * added, fewer values pass; removed, more. (`patternProperties` beside `additionalProperties:
 * false` lets keys in, and `additionalItems` depends on `items`: changed either way.)
 */
const NARROWING_WHEN_ADDED: ReadonlySet<string> = new Set(['allOf', 'oneOf', 'not', 'if', 'then', 'else', 'propertyNames', 'contains', 'dependencies']);

/**
 * Compares two schemas of the same message (or document), both from bundled contracts whose
 * `$ref`s are local, and lists every difference that changes which values are valid.
 * Annotations (`description`, `title`, `examples`, `$comment`, `default`) are ignored.
 * Each pair of schemas is compared once: one reached again (a definition that refers to itself,
 * directly or through others, or that several fields refer to) is not walked again, and its
 * changes are reported once, at the first pointer the walk reached it by: the walk ends,
 * whatever refers to what. Closed lists compare in time linear in their length.
 * Pure: reads the schemas, returns the deltas in document order. (It keeps what it read of each
 * schema object for the next call: a schema must not change once compared.)
 *
 * @param pointer the JSON Pointer where both schemas apply, `""` for a whole message
 * @param messages each side's message schemas (none by default: every union is then a value's)
 */
export function diffSchemas(before: SchemaNode, after: SchemaNode, resolveBefore: Resolve, resolveAfter: Resolve, pointer = '', messages: MessageNodes = NO_MESSAGES): SchemaDelta[] {
  const deltas: SchemaDelta[] = [];
  compare(before, after, pointer, { resolveBefore, resolveAfter, messages, deltas, depth: 0, compared: new Map(), probes: new Map(), guard: { cut: 0 }, optionalFields: new Set() });
  return deltas;
}

const NO_MESSAGES: MessageNodes = { before: new Set(), after: new Set() };

interface Walk {
  resolveBefore: Resolve;
  resolveAfter: Resolve;
  messages: MessageNodes;
  deltas: SchemaDelta[];
  /** How many schemas deep the walk is: a guard for the stack, not for recursion (see `compared`). */
  depth: number;
  /**
   * The pairs of schemas (each as {@link shape} reads it) this walk has compared or is comparing,
   * by {@link pairKey}, with the depth they were walked from: {@link WALKED_WHOLE} once a walk of
   * the pair ended without the depth guard cutting it. A pair reached again (a recursive
   * definition through its own `$ref`, or a definition two fields refer to) is not walked again,
   * unless reached from less deep than a walk the guard cut (a reviewer: a change 70 levels down
   * was missed through a shortcut to it): its changes are reported once, at the first pointer
   * reached. Without it, a schema that refers to itself printed each change once per level down
   * to the depth guard, and one that refers to itself twice never finished.
   */
  compared: Map<string, number>;
  /** How many times the depth guard cut a walk (shared by every level of one walk). */
  guard: { cut: number };
  /**
   * What a pair's changes do to the accepted set, by {@link pairKey}, for `compareObjects`'s
   * probes (a field against a map's values); `pending` while that probe runs (it is reached
   * again only through recursion, which adds nothing to its answer).
   */
  probes: Map<string, Acceptance | 'pending'>;
  /** The pointers of fields optional on both sides in a closed object on both sides (a Go pointer and a Python `Optional` whether nullable or not). */
  optionalFields?: Set<string>;
}

/** A schema with its `$ref` chain followed and its nullability taken apart. */
interface Shape {
  nullable: boolean;
  node: SchemaNode;
}

/**
 * How a boolean subschema reads (draft-07, which the loader and `generate` accept): `true` admits
 * anything, as `{}` does; `false` admits nothing. One object each, which {@link pairKey} and the
 * shape cache key by (a boolean as such a key crashed diff: a hostile tester).
 */
const ANYTHING: SchemaNode = {};
const NOTHING: SchemaNode = { not: {} };

/** A schema as the walk reads it: a boolean one as {@link ANYTHING} or {@link NOTHING}, and `{ "not": {} }` (or `{ "not": true }`), `false` written out, as NOTHING. */
function asSchema(node: SchemaNode | boolean): SchemaNode {
  return node === true ? ANYTHING : node === false || admitsNothing(node) ? NOTHING : node;
}

/** Whether `node` is `{ not: <anything> }` with annotations at most: the long form of `false`. */
function admitsNothing(node: SchemaNode): boolean {
  const { not, ...rest } = node as SchemaNode & { not?: SchemaNode | boolean };
  return (not === true || (typeof not === 'object' && not !== null && Object.keys(withoutAnnotations(not)).length === 0)) && Object.keys(withoutAnnotations(rest)).length === 0;
}

/** {@link Walk.compared}'s mark of a pair walked to its end: never walked again. */
const WALKED_WHOLE = -1;

/** Schemas deep a walk goes at most: a guard for the stack (no contract nests this deep but by recursion, which `compared` stops). */
const MAX_DEPTH = 64;

function compare(rawBefore: SchemaNode | boolean, rawAfter: SchemaNode | boolean, pointer: string, walk: Walk): void {
  if (walk.depth > MAX_DEPTH) {
    walk.guard.cut++;
    // Not compared below: said when the two sides differ here (a change 63 levels down passed as no change: a hostile tester).
    const seen = (node: SchemaNode | boolean, resolve: Resolve) => sortedJson(typeof node === 'boolean' || node.$ref === undefined ? node : (resolve(node.$ref) ?? node));
    if (seen(rawBefore, walk.resolveBefore) !== seen(rawAfter, walk.resolveAfter)) {
      walk.deltas.push({ pointer, rule: 'schema-changed', accepts: 'different', text: `nested more than ${MAX_DEPTH} levels deep: not compared below here, and the two sides differ; compare them by hand` });
    }
    return;
  }
  const a = shape(rawBefore, walk.resolveBefore);
  const b = shape(rawAfter, walk.resolveAfter);
  const key = pairKey(a, b);
  const walkedFrom = walk.compared.get(key);
  if (walkedFrom !== undefined && walk.depth >= walkedFrom) return;
  walk.compared.set(key, walk.depth);
  const cutBefore = walk.guard.cut;
  comparePair(a, b, pointer, walk);
  if (walk.guard.cut === cutBefore) walk.compared.set(key, WALKED_WHOLE);
}

function comparePair(a: Shape, b: Shape, pointer: string, walk: Walk): void {
  const add = (delta: Omit<SchemaDelta, 'pointer'>) => walk.deltas.push({ pointer, ...delta });
  const inner = { ...walk, depth: walk.depth + 1 };

  // `false` (admits nothing) on one side: whatever the other admits, fewer or more.
  if (a.node === NOTHING || b.node === NOTHING) {
    if (a.node === b.node && a.nullable === b.nullable) return;
    add(b.node === NOTHING && !b.nullable
      ? { rule: 'schema-changed', accepts: 'fewer', text: 'now admits no value (false)' }
      : a.node === NOTHING && !a.nullable
        ? { rule: 'schema-changed', accepts: 'more', text: 'now admits values, where it admitted none (false)' }
        : { rule: 'schema-changed', accepts: 'different', text: 'changed to or from a schema that admits no value (false)' });
    return;
  }

  // Null alone on one side, a nullable schema on the other: what else it admits came or went, and
  // null stays (read as nullability lost and a type changed to null, both wrong: a hostile tester).
  if (isNullOnly(a.node) !== isNullOnly(b.node) && (isNullOnly(a.node) ? b : a).nullable) {
    const other = isNullOnly(a.node) ? b.node : a.node;
    const types = typesOf(other);
    const what = types === undefined ? 'any other value' : [...types].join(' or ');
    add(isNullOnly(b.node)
      ? { rule: 'schema-changed', accepts: 'fewer', text: `now admits null only: no longer ${what}` }
      : { rule: 'schema-changed', accepts: 'more', text: `now also admits ${what}, where it admitted null only` });
    return;
  }

  // A schema of any value (`{}`, annotations only) admits null too (`{ "description": … }` narrowed
  // to `["string", "null"]` read "may now be null", breaking, and the reverse "may no longer be
  // null": tFO F2). Said where the side that admits null says null itself: `anyOf [{}, null]`
  // narrowed to `oneOf`, where null matches both branches, may no longer be null (the corpus); from
  // or to any value alone, the type line says it (widened to any type, narrowed from it).
  const aNull = a.nullable || unconstrained(a.node);
  const bNull = b.nullable || unconstrained(b.node);
  if (aNull !== bNull && (aNull ? a.nullable : b.nullable)) {
    // An optional field of a struct is a pointer in Go and Optional in Python either way (tGY F3).
    const unchanged = walk.optionalFields?.has(pointer) === true ? { otherLanguages: 'unchanged' as const } : {};
    add(bNull
      ? { rule: 'made-nullable', accepts: 'more', ...unchanged, text: 'may now be null' }
      : { rule: 'made-non-nullable', accepts: 'fewer', ...unchanged, text: 'may no longer be null' });
  }

  // One side a union that has the other side among its branches: it admits that and more
  // (or, the other way round, fewer), and nothing inside the branch changed.
  const widened = unionAround(a.node, b.node, walk.resolveAfter);
  const narrowed = widened === undefined ? unionAround(b.node, a.node, walk.resolveBefore) : undefined;
  if (widened !== undefined || narrowed !== undefined) {
    // Go and Python type a union as a struct of its branches (quicktype): one more or one fewer is another type.
    // New closed lists an older one opens to (`Platform` made `anyOf: [Platform, OtherPlatform]`): tolerant consumers take their values with a notice (tIH F2).
    const opensList = widened ? listsOpened([a.node], widened.branches) : undefined;
    // An inline list by its values (it read "now also admits string", of a field that admitted strings).
    const admitted = opensList ? widened!.map((name, i) => (typeof widened!.written[i]!.$ref === 'string' ? name : `the closed list ${(widened!.branches[i]!.enum ?? [widened!.branches[i]!.const]).map((v) => JSON.stringify(v)).join(', ')}`)) : widened;
    if (widened) add({ rule: 'schema-changed', accepts: 'more', after: [...widened], otherLanguages: 'retyped', ...(opensList && { tolerantSurvives: true, opensList }), text: `now also admits ${admitted!.join(', ')}` });
    if (narrowed) add({ rule: 'schema-changed', accepts: 'fewer', before: [...narrowed], otherLanguages: 'retyped', text: `no longer admits ${narrowed.join(', ')}` });
    return;
  }

  // A list of types beside a union (`type: ["string", "integer"]` and `anyOf: [{ type: "string" },
  // { type: "integer" }]`): compared as the union of a branch per type, each with the keywords of
  // its type, the branches paired as any union's are. Both admit the same values, and generate
  // gives both the same types (it read `"anyOf" changed` and "type narrowed from any type",
  // breaking: a fixer's finding).
  if (isBareUnion(b.node) && !isBareUnion(a.node)) a = { ...a, node: typesAsUnion(a.node) ?? a.node };
  else if (isBareUnion(a.node) && !isBareUnion(b.node)) b = { ...b, node: typesAsUnion(b.node) ?? b.node };

  // A closed list written another way (`enum: [1, 2, 3]` as `anyOf` of a `const` each, or as
  // `minimum: 1, maximum: 3` on an integer): judged by the values each side admits, as two closed
  // lists, not keyword by keyword (the type "widened to any type" and the list "opened", breaking,
  // where every value the newer side admits the older admitted: tGI F3).
  // An `anyOf` of closed lists of strings is one list of all their strings (Go and Python declare
  // one type with a constant each): compared as that list where the other side is one too (a
  // value moved between its lists read `"anyOf" changed`, and a branch `["d"]` added read as a
  // type Go and Python change and tolerant consumers refuse, breaking: tIR F2, F3), or where the
  // other side is an open schema of no union, no list (a string of `minLength: 1` narrowed to it
  // read as widened to any type, its bound removed and its `anyOf` changed: tIR F1). Each keyword
  // of the open side is then checked against the list's values, as for one `enum`.
  const unionA = stringListUnion(a.node, walk.resolveBefore);
  const unionB = stringListUnion(b.node, walk.resolveAfter);
  const openOnly = (node: SchemaNode, resolve: Resolve) => node.anyOf === undefined && node.oneOf === undefined && plainList(node) === undefined && rewrittenList(node, resolve) === undefined;
  if (unionA && unionB) {
    a = { ...a, node: unionA };
    b = { ...b, node: unionB };
  } else if (unionB && openOnly(a.node, walk.resolveBefore)) {
    b = { ...b, node: unionB };
  }

  const rewrittenA = rewrittenList(a.node, walk.resolveBefore);
  const rewrittenB = rewrittenList(b.node, walk.resolveAfter);
  const valuesA = rewrittenA ?? plainList(a.node);
  const valuesB = rewrittenB ?? plainList(b.node);
  // Only between two forms: two lists, two ranges or two unions are compared as such.
  const form = (node: SchemaNode, rewritten: unknown[] | undefined) => (rewritten === undefined ? 'list' : isBareUnion(node) ? 'union' : 'range');
  if (valuesA && valuesB && form(a.node, rewrittenA) !== form(b.node, rewrittenB)) {
    const inA = valueSet(valuesA);
    const inB = valueSet(valuesB);
    // Each side's declared type the same (or one declaring none): `number` rewritten as an `integer` range gives Go int64
    // and Python int for float64 and float, which the type comparison below says (it was a patch: tGQ F7).
    const declared = (node: SchemaNode) => (node.type === undefined ? undefined : JSON.stringify([node.type].flat().sort()));
    // And neither an anyOf: quicktype names an anyOf of consts `F`, `PurpleF` where it named the list TradeDataStatus, so
    // the Go and Python types change under code built on them (a patch there took TradeDataStatus away: tGQ F6).
    const typed = (declared(a.node) === undefined || declared(b.node) === undefined || declared(a.node) === declared(b.node)) && !isBareUnion(a.node) && !isBareUnion(b.node);
    if (typed && valuesA.every(inB) && valuesB.every(inA)) {
      add({ rule: 'schema-changed', accepts: 'same', text: `rewritten, admits the same values either way (${valuesA.slice(0, 10).map((v) => JSON.stringify(v)).join(', ')}${valuesA.length > 10 ? ', …' : ''}); the generated types may differ` });
      return;
    }
    a = { ...a, node: rewrittenA ? listNode(rewrittenA) : a.node };
    b = { ...b, node: rewrittenB ? listNode(rewrittenB) : b.node };
  }

  const typesA = typesOf(a.node);
  const typesB = typesOf(b.node);
  // Two closed lists: their values say which values pass, whatever type each side names, and
  // each value added or removed is reported by itself. Their type is still reported, as
  // changing nothing that passes: Go and Python type the field by it (a list of integers made
  // one of strings, or of numbers, is int64 made string or float64; it passed as no change of
  // type: a hostile tester).
  // A `const` is a list of one: `integer` made `number` around `const: 2` passes what passed (it was breaking: a hostile tester).
  const closed = (node: SchemaNode) => Array.isArray(node.enum) || node.const !== undefined;
  const lists = closed(a.node) && closed(b.node);
  const typeChange = compareTypes(typesA, typesB);
  // `number` beside a whole `multipleOf` admits whole numbers alone, as `integer` does: integer
  // made `number` with `multipleOf: 1` passes what passed (it read as narrowed and widened,
  // `breaking`). Reported still, as changing nothing that passes: Go and Python type the field
  // by its `type` (int64 or float64, int or float).
  const sameNumbers = typeChange !== undefined && !lists && compareTypes(wholeNumberTypes(a.node, typesA), wholeNumberTypes(b.node, typesB)) === undefined;
  // A list of every JSON type (null too, as a type or a null branch) admits what no `type` does:
  // `{}` made `["string", "number", "boolean", "object", "array", "null"]` passes what passed (it
  // read as narrowed, and back as widened, breaking: tFV F4). Reported still, as changing nothing
  // that passes: Go and Python type the field by its list (a union struct, not `interface{}`).
  const everyType = (types: Set<string> | undefined, nullable: boolean) => types !== undefined && (nullable || types.has('null')) && ['string', 'number', 'boolean', 'object', 'array'].every((type) => types.has(type));
  const sameAsAny = typeChange !== undefined && !lists && ((typesA === undefined && everyType(typesB, b.nullable)) || (typesB === undefined && everyType(typesA, a.nullable)));
  if (typeChange) {
    add({
      ...typeChange, before: typesA && [...typesA], after: typesB && [...typesB],
      ...(lists && retypedList(a.node, b.node, typesA, typesB, typeChange.text)),
      ...(sameAsAny && { accepts: 'same' as const, text: `type ${typesA === undefined ? `listed as ${[...new Set([...typesB!, 'null'])].join(' or ')}, where none was` : `list ${[...new Set([...typesA, 'null'])].join(' or ')} removed`}: every JSON type either way, no value passes or fails for the type` }),
      ...(sameNumbers && { accepts: 'same' as const, text: `${typeChange.text}, whole numbers alone either way (multipleOf ${[a.node.multipleOf, b.node.multipleOf].find((m) => m !== undefined)} beside number): no value passes or fails for the type` }),
    });
  }

  compareValues(a.node, b.node, add);
  // A bound of a type one side does not admit constrains nothing there: a number become a
  // string loses its `exclusiveMinimum` with the type, which is no second change.
  compareBounds(a.node, b.node, add, (type) => (type === 'number' ? mayBeNumber(typesA) && mayBeNumber(typesB) : mayBe(typesA, type) && mayBe(typesB, type)));

  const objectBoth = mayBe(typesA, 'object') && mayBe(typesB, 'object');
  const inside = walk.deltas.length;
  if (objectBoth) compareObjects(a.node, b.node, pointer, inner, add);
  if (mayBe(typesA, 'array') && mayBe(typesB, 'array')) compareArrays(a.node, b.node, pointer, inner, add);

  compareAnyOf(a.node, b.node, pointer, inner, add);
  // What Go and Python keep as decoded JSON on both sides: nothing below here retypes them.
  if (keptAsJson(a.node, walk.resolveBefore) && keptAsJson(b.node, walk.resolveAfter)) {
    for (const delta of walk.deltas.slice(inside)) {
      if (!delta.pointer.startsWith(`${pointer}/`)) continue;
      delta.otherLanguages = 'unchanged';
      delta.decodedJson = true;
    }
  }
  for (const keyword of OPAQUE_COMBINATORS) {
    if (canonical(keyword, a.node[keyword]) !== canonical(keyword, b.node[keyword])) {
      // Added, one of these only adds a condition (fewer values pass); removed, it drops one (a
      // hostile tester: both were "breaking" either way). Changed, or another keyword: different.
      const conditional = NARROWING_WHEN_ADDED.has(keyword);
      const accepts = conditional && a.node[keyword] === undefined ? 'fewer' : conditional && b.node[keyword] === undefined ? 'more' : 'different';
      add({ rule: 'schema-changed', accepts, before: a.node[keyword], after: b.node[keyword], text: `"${keyword}" ${accepts === 'fewer' ? 'added: a value must also satisfy it' : accepts === 'more' ? 'removed: a value no longer needs to satisfy it' : 'changed'}` });
    } else if (a.node[keyword] !== undefined) {
      // Written the same, but a definition it refers to may have changed (compared as JSON alone,
      // a definition reached only through `allOf` or `not` changed as no change: a hostile tester).
      const accepts = throughRefs(keyword, a.node[keyword], pointer, inner);
      if (accepts !== 'same') add({ rule: 'schema-changed', accepts, text: `"${keyword}" changed: a definition it refers to changed` });
    }
  }
}

/**
 * Whether Go and Python keep what is inside `node` as decoded JSON (src/codegen/language-shape.ts):
 * an object with properties open to any other key (`openObjectAsMap`: `map[string]interface{}`,
 * `Dict[str, Any]`), or a choice of two object types or more (`objectUnionAsAny`: `interface{}`, `Any`).
 */
function keptAsJson(node: SchemaNode, resolve: Resolve): boolean {
  if (node.properties !== undefined && node.additionalProperties !== false && (node.additionalProperties === undefined || node.additionalProperties === true || (typeof node.additionalProperties === 'object' && unconstrained(node.additionalProperties)))) return true;
  const branches = node.anyOf ?? node.oneOf;
  if (branches === undefined) return false;
  const objects = branches.filter((branch) => {
    const target = typeof branch === 'object' && branch.$ref !== undefined ? resolve(branch.$ref) : branch;
    return typeof target === 'object' && target !== null && (target.type === 'object' || target.properties !== undefined);
  });
  return objects.length > 1;
}

/**
 * The keywords that constrain values of one JSON type alone, by type (draft-07's validation
 * keywords; `x-known-values` documents an open string): beside a list of types, each applies to
 * the values of its type and lets the others through.
 */
const TYPE_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  string: ['minLength', 'maxLength', 'pattern', 'format', 'contentEncoding', 'contentMediaType', 'x-known-values'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  array: ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'],
  object: ['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties', 'propertyNames', 'dependencies'],
};

/** Whether `node` is an `anyOf` and nothing else (annotations aside). */
function isBareUnion(node: SchemaNode): boolean {
  if (!Array.isArray(node.anyOf)) return false;
  const { anyOf: _anyOf, ...rest } = node;
  return Object.keys(withoutAnnotations(rest)).length === 0;
}

/**
 * `{ type: [T1, T2…], …keywords }` as `{ anyOf: [{ type: T1, …T1's keywords }, …] }`, which
 * admits the same values; undefined where `node` holds fewer than two types or a keyword of
 * no one type (`enum`, `const`, `allOf`…: it would have to be repeated in every branch).
 */
function typesAsUnion(node: SchemaNode): SchemaNode | undefined {
  const types = node.type;
  if (!Array.isArray(types) || types.length < 2) return undefined;
  const { type: _type, ...rest } = withoutAnnotations(node) as Record<string, unknown>;
  const keywords = Object.keys(rest);
  if (keywords.some((keyword) => !types.some((type) => TYPE_KEYWORDS[type]?.includes(keyword)))) return undefined;
  const own = (type: string) => Object.fromEntries(keywords.filter((keyword) => TYPE_KEYWORDS[type]?.includes(keyword)).map((keyword) => [keyword, rest[keyword]]));
  return { anyOf: types.map((type) => ({ ...own(type), type }) as SchemaNode) };
}

/** A number for each schema object {@link pairKey} has named. */
const ids = new WeakMap<SchemaNode, number>();
let nextId = 0;

/**
 * Names a pair of schemas as {@link shape} reads them: the same key for the same two schema
 * objects (a definition, however many `$ref`s lead to it) with the same nullability.
 */
function pairKey(a: Shape, b: Shape): string {
  const id = (node: SchemaNode) => {
    let known = ids.get(node);
    if (known === undefined) ids.set(node, (known = nextId++));
    return known;
  };
  return `${id(a.node)}${a.nullable ? '?' : ''} ${id(b.node)}${b.nullable ? '?' : ''}`;
}

/** Each resolver's shapes, by the schema object read: one object per definition, which {@link pairKey} relies on. */
const shapes = new WeakMap<Resolve, WeakMap<SchemaNode, Shape>>();

/**
 * Follows `$ref`s (siblings of a `$ref`, such as a description, are kept) and splits off null.
 * Reads each schema object once per resolver: a `$ref` (with annotations at most beside it) and
 * a nullable `anyOf` around one (with annotations at most beside it) give the very shape of the
 * definition they lead to.
 */
function shape(raw: SchemaNode | boolean, resolve: Resolve): Shape {
  const node = asSchema(raw);
  let known = shapes.get(resolve);
  if (known === undefined) shapes.set(resolve, (known = new WeakMap()));
  const cached = known.get(node);
  if (cached !== undefined) return cached;
  // A schema whose reading reaches itself (`X: { anyOf: [{ $ref: X }, { type: null }] }`) reads
  // as written there, uninterpreted, rather than without end.
  known.set(node, { nullable: false, node });
  const read = readShape(node, resolve);
  known.set(node, read);
  return read;
}

function readShape(node: SchemaNode, resolve: Resolve): Shape {
  let current = node;
  // Every hop of an alias chain, however long (32 hops were a limit: a change at the end of 40 went unseen; a hostile tester), but each `$ref` once (a loop of aliases ends).
  const followed = new Set<string>();
  while (current.$ref !== undefined && !followed.has(current.$ref)) {
    const { $ref, ...siblings } = current;
    followed.add($ref);
    const resolved = resolve($ref);
    if (resolved === undefined) break;
    const target = asSchema(resolved);
    const rest = withoutAnnotations(siblings);
    current = Object.keys(rest).length === 0 ? target : { ...target, ...rest };
  }
  // The definition itself (no sibling added a keyword): its shape, read once.
  if (current !== node && current.$ref === undefined) return shape(current, resolve);
  // `allOf: [X]` and nothing else beside it is X (read as a keyword changed, it "widened to any
  // type" and lost X's bounds: a hostile tester).
  if (Array.isArray(current.allOf) && current.allOf.length === 1 && Object.keys(withoutAnnotations((({ allOf: _allOf, ...rest }) => rest)(current))).length === 0) {
    return shape(current.allOf[0] as SchemaNode, resolve);
  }
  // A schema that admits null alone, however written, is `{ type: "null" }`.
  if (isNullOnly(current)) return { nullable: false, node: { type: 'null' } };
  let nullable = false;
  let result = current;
  // `anyOf: [X, { type: null }]`: the contract's way to make an object or a $ref nullable.
  // `oneOf` says the same when X's types are known and exclude null (else a null may match both).
  let union = Array.isArray(current.anyOf) ? 'anyOf' : Array.isArray(current.oneOf) ? 'oneOf' : undefined;
  // An inline `anyOf` branch of an `anyOf` (annotations at most beside it) is its branches:
  // `anyOf: [A, { anyOf: [B, C] }]` admits what `anyOf: [A, B, C]` does, and generate gives both
  // the same types (it read `"anyOf" changed`, breaking both ways: a fixer's finding).
  if (union === 'anyOf') {
    const flat = flatAnyOf(current.anyOf as (SchemaNode | boolean)[]);
    if (flat.length !== current.anyOf!.length || flat.some((branch, i) => branch !== current.anyOf![i])) result = current = { ...current, anyOf: flat as SchemaNode[] };
  }
  const branches = union === undefined ? [] : (current[union] as SchemaNode[]).map((branch) => shape(branch, resolve));
  // A `oneOf` whose branches admit no JSON type in common: no value can match two of them, so
  // it admits what the `anyOf` of them admits, and reads as one (`oneOf: [X, null, Y]` read as
  // a union of its own was "no longer null" beside `oneOf: [X, null]`: a reviewer).
  if (union === 'oneOf' && disjointTypes(branches)) {
    const { oneOf, ...rest } = current;
    current = { ...rest, anyOf: oneOf as SchemaNode[] };
    WRITTEN_AS_ONE_OF.add(current);
    result = current;
    union = 'anyOf';
  }
  const nullBranches = branches.filter((branch) => isNullOnly(branch.node)).length;
  // In a `oneOf`, null passes only when one branch alone admits it: two null branches refuse it (a reviewer).
  const nullBranch = union === 'oneOf' ? nullBranches === 1 : nullBranches > 0;
  // The branches that admit more than null, by index; in an `anyOf` each once (`anyOf: [X, X]`
  // admits what X admits; a `oneOf` admits neither copy's values, so its copies stay).
  const seen = new Set<string>();
  const kept = branches.flatMap((branch, index) => {
    if (isNullOnly(branch.node)) return [];
    if (union === 'anyOf') {
      const key = `${branch.nullable}:${canonical('schema', withoutAnnotations(branch.node))}`;
      if (seen.has(key)) return [];
      seen.add(key);
    }
    return [index];
  });
  const others = kept.map((index) => branches[index]!);
  const excludesNull = (branch: Shape) => !branch.nullable && typesOf(branch.node)?.has('null') === false;
  const siblings = union === undefined ? {} : withoutAnnotations((({ [union]: _union, ...rest }) => rest)(current));
  if (union !== undefined && branches.length > 0 && others.length === 0 && Object.keys(siblings).length === 0) {
    // `anyOf: [{ type: null }]`: null alone (a nullable field narrowed so was read as any type: a
    // hostile tester); `oneOf` of two null branches admits nothing.
    return nullBranch ? { nullable: false, node: { type: 'null' } } : { nullable: false, node: NOTHING };
  }
  // `anyOf` with a branch of any value (annotations only, a `$ref` to such a definition) admits any
  // value, null too, as `{}` does: read as a union of its other branches it was neither any value
  // nor nullable, so `anyOf [number, { description }]` narrowed to `["number", "null"]` "may now be
  // null", breaking (tFV F1), and `{}` made such a choice "now also admits number", breaking (tFV F2).
  // Nullable still where a branch is null itself, as `anyOf [{}, null]` is (its `oneOf` refuses null).
  const own = union === undefined ? {} : (({ [union]: _union, ...rest }) => rest)(current);
  if (union === 'anyOf' && others.length > 1 && unconstrained(own) && others.some((branch) => unconstrained(branch.node))) {
    return { nullable: nullBranch, node: own };
  }
  if (union === 'oneOf' && nullBranches > 1 && others.length === 1 && excludesNull(others[0]!)) {
    // `oneOf: [X, null, null]`: X's values, and not null.
    result = Object.keys(siblings).length === 0 ? others[0]!.node : { ...others[0]!.node, ...siblings };
  } else if (union !== undefined && others.length === 1 && (branches.length === 1 || union === 'anyOf' || (nullBranch && excludesNull(others[0]!)))) {
    // `anyOf: [X, { type: null }]`, and `anyOf: [X]`, the natural edit that makes it non-nullable
    // (read as a union around X, it "now also admitted" nothing: a hostile tester).
    nullable = nullBranch || others[0]!.nullable;
    result = Object.keys(siblings).length === 0 ? others[0]!.node : { ...others[0]!.node, ...siblings };
  } else if (union === 'anyOf' && others.length > 1 && others.length < branches.length) {
    // `anyOf: [X, Y, { type: null }]`: nullable when a branch is null, and a union of the rest, each once.
    nullable = nullBranch;
    result = { ...current, anyOf: kept.map((index) => (current.anyOf as SchemaNode[])[index]!) };
    if (WRITTEN_AS_ONE_OF.has(current)) WRITTEN_AS_ONE_OF.add(result);
  } else {
    const types = typesOf(current);
    if (types?.has('null') === true && types.size > 1 && current.type !== undefined) {
      nullable = true;
      const rest = [...types].filter((t) => t !== 'null');
      result = { ...result, type: (rest.length === 1 ? rest[0] : rest) as SchemaNode['type'] };
    }
  }
  // A closed list decides which values pass: those it lists that its type (if any) admits.
  // Null among them, where admitted, is nullability, however it is written.
  // (The node's own list: a branch's list was read with its branch, where null passes by the other.)
  if (Array.isArray(current.enum)) {
    const declared = result.type === undefined ? undefined : typesOf({ type: result.type });
    const admitsNull = nullable || declared === undefined;
    nullable = admitsNull && current.enum.includes(null);
    result = { ...result, enum: current.enum.filter((value) => value !== null && (declared === undefined || admits(declared, value))) };
  } else if (current.const !== undefined && current.const !== null) {
    // A fixed value other than null: null never passes, whatever the type names (`"may now be
    // null"` for `type: ["string", "null"]` beside `const: "a"` was breaking: a hostile tester).
    nullable = false;
  }
  return { nullable, node: result };
}

/**
 * The branches of an `anyOf`, with every inline branch that is itself an `anyOf` (annotations at
 * most beside it) replaced by its own branches, at any depth, and a branch of a list of types
 * by a branch per type ({@link typesAsUnion}). A `$ref` branch stays: it names a definition, a
 * type of its own in Go and Python.
 */
function flatAnyOf(list: readonly (SchemaNode | boolean)[]): (SchemaNode | boolean)[] {
  return list.flatMap((branch) => {
    if (!isSchema(branch) || branch.$ref !== undefined) return [branch];
    if (isBareUnion(branch)) return flatAnyOf(branch.anyOf as (SchemaNode | boolean)[]);
    return branch.anyOf === undefined && branch.oneOf === undefined ? (typesAsUnion(branch)?.anyOf ?? [branch]) : [branch];
  });
}

/** Whether a value of `value`'s JSON type passes `type: types` (an integer is a number). */
function admits(types: Set<string>, value: unknown): boolean {
  const type = jsonType(value);
  return types.has(type) || (type === 'integer' && types.has('number'));
}

/**
 * How the Go and Python types of a struct's field change when it is made optional or required
 * (src/codegen/quicktype.ts, `goFixups`): an optional key is a pointer with omitempty in Go and
 * `Optional[…]` in Python (`optionality`). A field that admits null is a pointer and `Optional`
 * already, but for an array or a map, which Go types `[]T` when required and `*[]T` when
 * optional (`go-optionality`); a union of types is a pointer in Go either way, and `Union[…]`
 * or `Optional[Union[…]]` in Python (`python-optionality`); a field of any type, or a choice of
 * object types, is `interface{}` and `Any` either way.
 */
function optionalityRetypes(raw: SchemaNode | boolean, resolve: Resolve): 'optionality' | 'go-optionality' | 'python-optionality' | undefined {
  const { node, nullable } = shape(raw, resolve);
  const types = typesOf(node);
  const branches = (node.anyOf ?? node.oneOf ?? []).map((branch) => shape(branch, resolve)).filter((branch) => !isNullOnly(branch.node));
  const objects = branches.filter((branch) => branch.node.properties !== undefined || typesOf(branch.node)?.has('object'));
  if (objects.length > 1) return undefined;
  const any = types === undefined && node.properties === undefined && branches.length === 0 && node.items === undefined && node.additionalProperties === undefined;
  if (any) return undefined;
  const kinds = [...(types ?? [])].filter((type) => type !== 'null');
  const admitsNull = nullable || types?.has('null') === true || branches.length < (node.anyOf ?? node.oneOf ?? []).length;
  if (kinds.length > 1 || branches.length > 1) return admitsNull ? undefined : 'python-optionality';
  if (!admitsNull) return 'optionality';
  const collection = kinds.length === 1 && (kinds[0] === 'array' || (kinds[0] === 'object' && node.properties === undefined));
  return collection ? 'go-optionality' : undefined;
}

/** Integers a range may hold to be read as a closed list of them ({@link rewrittenList}). */
const MAX_RANGE_VALUES = 1000;

/**
 * Lists read from a closed list written another way: admitted by their values alone, never opened
 * by tolerant mode (which opens an `enum` to values of its types, a `const` or a range not at all).
 */
const TIGHT_LISTS = new WeakSet<SchemaNode>();

/** `values` as a closed list of their JSON types that tolerant mode does not open. */
function listNode(values: readonly unknown[]): SchemaNode {
  const node = { type: [...new Set(values.map(jsonType))], enum: [...values] } as SchemaNode;
  TIGHT_LISTS.add(node);
  return node;
}

/** The values of a plain closed list (`enum` or `const`, with a `type` at most beside it) that its type admits. */
function plainList(node: SchemaNode): unknown[] | undefined {
  const { type, enum: list, const: fixed, ...rest } = withoutAnnotations(node);
  if (Object.keys(rest).length > 0 || (list === undefined && fixed === undefined)) return undefined;
  const values = Array.isArray(list) ? list : fixed !== undefined && list === undefined ? [fixed] : undefined;
  const types = type === undefined ? undefined : typesOf({ type });
  return values?.filter((value) => types === undefined || admits(types, value));
}

/**
 * The values of a closed list written another way, where they can be counted: an `anyOf` whose
 * every branch is a plain closed list, or an integer between two bounds (at most
 * {@link MAX_RANGE_VALUES} of them), nothing else beside. `undefined` for any other schema.
 */
function rewrittenList(node: SchemaNode, resolve: Resolve): unknown[] | undefined {
  if (isBareUnion(node)) {
    const values: unknown[] = [];
    for (const branch of node.anyOf as (SchemaNode | boolean)[]) {
      const read = shape(branch, resolve);
      const listed = read.nullable ? undefined : plainList(read.node);
      if (listed === undefined) return undefined;
      values.push(...listed);
    }
    const seen = new Set<string>();
    return values.filter((value) => !seen.has(sortedJson(value)) && seen.add(sortedJson(value)));
  }
  const { type, minimum, maximum, exclusiveMinimum, exclusiveMaximum, ...rest } = withoutAnnotations(node);
  if (Object.keys(rest).length > 0 || !(type === 'integer' || (Array.isArray(type) && type.length === 1 && type[0] === 'integer'))) return undefined;
  const low = Math.max(typeof minimum === 'number' ? Math.ceil(minimum) : -Infinity, typeof exclusiveMinimum === 'number' ? Math.floor(exclusiveMinimum) + 1 : -Infinity);
  const high = Math.min(typeof maximum === 'number' ? Math.floor(maximum) : Infinity, typeof exclusiveMaximum === 'number' ? Math.ceil(exclusiveMaximum) - 1 : Infinity);
  if (!Number.isFinite(low) || !Number.isFinite(high) || high - low >= MAX_RANGE_VALUES) return undefined;
  return Array.from({ length: Math.max(0, high - low + 1) }, (_, i) => low + i);
}

/**
 * An `anyOf` of inline plain closed lists (no branch nullable, none a `$ref`) whose every value is a string, as one
 * `{ type: "string", enum }` of their values; undefined for any other schema. Tolerant mode opens
 * such a union to any string where one of its branches is an `enum` (src/codegen/tolerant-enum.ts
 * opens each list to its kinds), to none where every branch is a `const`.
 */
function stringListUnion(node: SchemaNode, resolve: Resolve): SchemaNode | undefined {
  // Inline branches alone: a `$ref` branch is a type of its own in Go and Python.
  if (!isBareUnion(node) || !(node.anyOf as (SchemaNode | boolean)[]).every((branch) => typeof branch === 'object' && branch.$ref === undefined)) return undefined;
  const values = rewrittenList(node, resolve);
  if (values === undefined || values.length === 0 || !values.every((value) => typeof value === 'string')) return undefined;
  const list = { type: 'string', enum: values } as SchemaNode;
  const opened = (node.anyOf as (SchemaNode | boolean)[]).some((branch) => {
    const read = shape(branch, resolve).node;
    return Array.isArray(read.enum) && read.enum.some((value) => typeof value === 'string') && (read.type === undefined || typesOf({ type: read.type })!.has('string'));
  });
  if (!opened) TIGHT_LISTS.add(list);
  return list;
}

function isNullOnly(node: SchemaNode): boolean {
  return node.type === 'null' || (Array.isArray(node.type) && node.type.length === 1 && node.type[0] === 'null') || node.const === null
    || (Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every((value) => value === null));
}

function withoutAnnotations(node: SchemaNode): SchemaNode {
  const { description: _d, title: _t, examples: _e, $comment: _c, default: _default, ...rest } = node;
  return rest;
}

/** Shapes of a `oneOf` read as the `anyOf` of its branches (theirs share no JSON type): named as written in what is said of them. */
const WRITTEN_AS_ONE_OF = new WeakSet<SchemaNode>();

/** Whether each branch's JSON types are known (its `type`, `enum` or `const`) and no two branches share one (an integer is a number). */
function disjointTypes(branches: readonly Shape[]): boolean {
  const seen = new Set<string>();
  for (const branch of branches) {
    const types = typesOf(branch.node);
    if (types === undefined) return false;
    if (branch.nullable) types.add('null');
    for (const type of types) {
      if (seen.has(type) || (type === 'integer' && seen.has('number')) || (type === 'number' && seen.has('integer'))) return false;
    }
    for (const type of types) seen.add(type);
  }
  return true;
}

/** The JSON types a node admits: its `type`, or else the types of its closed list's values (`enum`, or `const` as a list of one); undefined for any. */
function typesOf(node: SchemaNode): Set<string> | undefined {
  if (node.type !== undefined) return new Set(Array.isArray(node.type) ? node.type : [node.type]);
  if (Array.isArray(node.enum)) return new Set(node.enum.map(jsonType));
  if (node.const !== undefined) return new Set([jsonType(node.const)]);
  return undefined;
}

/**
 * What a closed list's type changing does to the values that pass, of those both sides list (a
 * `const` a list of one; a value one side alone lists is said by itself, as added, removed or
 * changed). A list's values are read without those its own type refuses ({@link readShape}), a
 * `const`'s not: a fixed value its type refused passes nowhere, and passes once the type admits
 * it (`{ "type": "string", "const": 5 }` made `"integer"` admits 5 where it admitted nothing: it
 * read `compatible`, while every older consumer refuses 5), or the other way round. Mostly none
 * (`integer` made `number` around `const: 2`): the same values pass.
 */
function retypedList(a: SchemaNode, b: SchemaNode, typesA: Set<string> | undefined, typesB: Set<string> | undefined, change: string): Pick<SchemaDelta, 'accepts' | 'text'> {
  const listed = (node: SchemaNode): unknown[] => (Array.isArray(node.enum) ? node.enum : [node.const]);
  // By JSON text with sorted keys: linear, a list holds up to 10,000 values.
  const inB = new Set(listed(b).map(sortedJson));
  const both = [...new Map(listed(a).filter((value) => inB.has(sortedJson(value))).map((value) => [sortedJson(value), value])).values()];
  const passes = (types: Set<string> | undefined, value: unknown) => types === undefined || admits(types, value);
  const gained = both.filter((value) => !passes(typesA, value) && passes(typesB, value));
  const lost = both.filter((value) => passes(typesA, value) && !passes(typesB, value));
  const shown = (list: unknown[]) => `${list.slice(0, 5).map((value) => JSON.stringify(value)).join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''}`;
  const text = `closed list's ${change}${gained.length > 0 ? `: ${shown(gained)}, which its type refused, now ${gained.length === 1 ? 'passes' : 'pass'}` : ''}${lost.length > 0 ? `${gained.length > 0 ? ';' : ':'} ${shown(lost)}, which passed, ${lost.length === 1 ? 'is' : 'are'} now refused by the type` : ''}`;
  return { accepts: gained.length > 0 ? (lost.length > 0 ? 'different' : 'more') : lost.length > 0 ? 'fewer' : 'same', text };
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function mayBe(types: Set<string> | undefined, type: string): boolean {
  return types === undefined || types.has(type);
}

/** Whether every value of JSON type `t` is admitted by `types` (an integer is a number). */
function covers(types: Set<string> | undefined, t: string): boolean {
  return types === undefined || types.has(t) || (t === 'integer' && types.has('number'));
}

function compareTypes(a: Set<string> | undefined, b: Set<string> | undefined): Omit<SchemaDelta, 'pointer'> | undefined {
  const aInB = a === undefined ? b === undefined : [...a].every((t) => covers(b, t));
  const bInA = b === undefined ? a === undefined : [...b].every((t) => covers(a, t));
  const show = (types: Set<string> | undefined) => (types ? [...types].join(' or ') : 'any type');
  if (aInB && bInA) return undefined;
  if (aInB) return { rule: 'type-widened', accepts: 'more', text: `type widened from ${show(a)} to ${show(b)}` };
  if (bInA) return { rule: 'type-narrowed', accepts: 'fewer', ...(a && { before: [...a] }), ...(b && { after: [...b] }), text: `type narrowed from ${show(a)} to ${show(b)}` };
  return { rule: 'type-changed', accepts: 'different', text: `type changed from ${show(a)} to ${show(b)}` };
}

type Add = (delta: Omit<SchemaDelta, 'pointer'>) => void;

function compareValues(a: SchemaNode, b: SchemaNode, add: Add): void {
  // A fixed value against a closed list is a list of one: `const: "a"` → `enum: ["a"]` is no change.
  const listA = Array.isArray(a.enum) ? a.enum : a.const !== undefined && Array.isArray(b.enum) ? [a.const] : undefined;
  const listB = Array.isArray(b.enum) ? b.enum : b.const !== undefined && Array.isArray(a.enum) ? [b.const] : undefined;
  if (listA !== undefined && listB !== undefined) {
    // Through sets, not `some(equal)` for each value: quadratic, a list of 20,000 values took 40 s.
    const inA = valueSet(listA);
    const inB = valueSet(listB);
    const opensTo = tolerantlyOpen(a, listA);
    for (const value of listB) {
      if (!inA(value)) {
        add({ rule: 'enum-value-added', accepts: 'more', tolerantSurvives: opensTo(value), after: value, text: `value ${JSON.stringify(value)} added to the closed list` });
      }
    }
    const added = listB.filter((value) => !inA(value));
    for (const value of listA) {
      if (!inB(value)) {
        // A value removed where one is added reads as a rename (`cancelled` → `canceled`): each
        // half alone is no break, yet code that branches on the old value stops matching, unsaid
        // (a fresh user).
        const renamed = added.length === 1 ? `; ${JSON.stringify(added[0])} was added to the same list: if it renames ${JSON.stringify(value)}, code that matches ${JSON.stringify(value)} stops matching, silently` : '';
        add({ rule: 'enum-value-removed', accepts: 'fewer', before: value, text: `value ${JSON.stringify(value)} removed from the closed list${renamed}` });
      }
    }
    if (a.const !== undefined && b.const !== undefined && !equal(a.const, b.const)) add({ rule: 'const-changed', accepts: 'different', before: a.const, after: b.const, text: `fixed value changed from ${JSON.stringify(a.const)} to ${JSON.stringify(b.const)}` });
    return compareFormats(a, b, add);
  } else if (Array.isArray(a.enum)) {
    // Survived where every type the opened value may take is one the older list is opened to (a
    // list of objects is opened to none); a type it may newly take is a type change of its own.
    const kinds = new Set<string>(openKinds(a.enum));
    const survives = [...(typesOf(b) ?? ['any'])].every((type) => kinds.has(type === 'integer' ? 'number' : type));
    add({ rule: 'enum-removed', accepts: 'more', tolerantSurvives: survives, before: a.enum, text: `closed list ${a.enum.map((v) => JSON.stringify(v)).join(', ')} opened` });
  } else if (Array.isArray(b.enum)) {
    add({ rule: 'enum-added', accepts: 'fewer', after: b.enum, text: `now a closed list: ${b.enum.map((v) => JSON.stringify(v)).join(', ')}` });
  }

  if (a.const !== undefined || b.const !== undefined) {
    if (a.const === undefined) add({ rule: 'const-added', accepts: 'fewer', after: b.const, text: `now fixed to ${JSON.stringify(b.const)}` });
    else if (b.const === undefined) add({ rule: 'const-removed', accepts: 'more', before: a.const, text: `no longer fixed to ${JSON.stringify(a.const)}` });
    else if (!equal(a.const, b.const)) add({ rule: 'const-changed', accepts: 'different', before: a.const, after: b.const, text: `fixed value changed from ${JSON.stringify(a.const)} to ${JSON.stringify(b.const)}` });
  }

  compareFormats(a, b, add);
}

/**
 * Which values outside the closed list `list` of schema `node` an older tolerant validator takes
 * with a notice (src/codegen/tolerant-enum.ts): those of a kind the list holds (a string, a
 * number, a boolean: {@link openKinds}) that the schema's own `type` admits too (a list of
 * integers is opened to integers alone). A fixed value (`const`) is not opened at all: a
 * `const: "limit"` made a list of `"limit"` and `"market"` was `strict`, while every older
 * consumer refused `"market"` (a hostile tester), as one refused a string added to a list of
 * integers, or 2.5 to a list typed `integer`.
 */
function tolerantlyOpen(node: SchemaNode, list: readonly unknown[]): (value: unknown) => boolean {
  if (node.const !== undefined || TIGHT_LISTS.has(node)) return () => false;
  const kinds = new Set<string>(openKinds(list));
  const declared = node.type === undefined ? undefined : typesOf({ type: node.type });
  return (value) => kinds.has(typeof value) && (declared === undefined || admits(declared, value));
}

/**
 * Whether a JSON value is among `values`, as {@link equal} compares them (object keys in any
 * order), in constant time: primitives by themselves, arrays and objects by their JSON text
 * with sorted keys.
 */
function valueSet(values: readonly unknown[]): (value: unknown) => boolean {
  const primitives = new Set<unknown>();
  const texts = new Set<string>();
  for (const value of values) {
    if (typeof value === 'object' && value !== null) texts.add(sortedJson(value));
    else primitives.add(value);
  }
  return (value) => (typeof value === 'object' && value !== null ? texts.has(sortedJson(value)) : primitives.has(value));
}

/**
 * How a pattern's texts change: compared as sets where both are a character class repeated
 * (the cursor's `{1,128}` made `{1,64}` admits fewer texts, which older consumers all accept: it
 * was `breaking` for every message, as any other change of a pattern's text still is).
 */
function patternAcceptance(nodeA: SchemaNode, nodeB: SchemaNode): Acceptance {
  const a = lengthBounded(nodeA);
  const b = lengthBounded(nodeB);
  if (a === undefined || b === undefined) return 'different';
  const within = characterClassWithin(a, b);
  const covers = characterClassWithin(b, a);
  return within && covers ? 'same' : within ? 'more' : covers ? 'fewer' : 'different';
}

/**
 * A repeated character class with the lengths `minLength` and `maxLength` leave it: `+` beside
 * `maxLength: 128` is `{1,128}` (the rewrite was breaking for every message: a hostile tester).
 */
function lengthBounded(node: SchemaNode): CharacterClassPattern | undefined {
  const repeated = characterClassPattern(node.pattern as string);
  if (repeated === undefined) return undefined;
  const min = Math.max(repeated.min, typeof node.minLength === 'number' ? node.minLength : 0);
  const max = Math.min(repeated.max, typeof node.maxLength === 'number' ? node.maxLength : Infinity);
  return { ...repeated, min, max };
}

/** Format, pattern and the documented known values of an open string. */
function compareFormats(a: SchemaNode, b: SchemaNode, add: Add): void {
  if (a.format !== b.format) {
    if (a.format === undefined) add({ rule: 'format-added', accepts: 'fewer', after: b.format, text: `format "${b.format}" added` });
    else if (b.format === undefined) add({ rule: 'format-removed', accepts: 'more', before: a.format, text: `format "${a.format}" removed` });
    else add({ rule: 'format-changed', accepts: 'different', before: a.format, after: b.format, text: `format changed from "${a.format}" to "${b.format}"` });
  }

  if (a.pattern !== b.pattern) {
    // A closed list whose every string matches the pattern bounds them as the pattern did: a pattern
    // dropped beside a new such list lets no value through that the older schema refused (12 lines
    // `breaking` for the cursor made `enum: ["a", "b"]`: tIR F8), nor does one added beside an older
    // such list refuse what older servers sent (the mirror, as for a length bound: tIR F4). The
    // list's own change is reported by itself.
    if (a.pattern === undefined) {
      if (!listMatches(a, b.pattern)) add({ rule: 'pattern-added', accepts: 'fewer', after: b.pattern, text: `pattern ${JSON.stringify(b.pattern)} added` });
    } else if (b.pattern === undefined) {
      if (!listMatches(b, a.pattern)) add({ rule: 'pattern-removed', accepts: 'more', before: a.pattern, text: `pattern ${JSON.stringify(a.pattern)} removed` });
    }
    else add({ rule: 'pattern-changed', accepts: patternAcceptance(a, b), before: a.pattern, after: b.pattern, text: `pattern changed from ${JSON.stringify(a.pattern)} to ${JSON.stringify(b.pattern)}` });
  }

  const knownA = (a['x-known-values'] ?? []) as unknown[];
  const knownB = (b['x-known-values'] ?? []) as unknown[];
  const knownInA = new Set(knownA);
  const knownInB = new Set(knownB);
  const addedKnown = knownB.filter((v) => !knownInA.has(v));
  const removedKnown = knownA.filter((v) => !knownInB.has(v));
  if (addedKnown.length > 0 || removedKnown.length > 0) {
    const parts = [
      ...(addedKnown.length > 0 ? [`${addedKnown.map((v) => JSON.stringify(v)).join(', ')} added`] : []),
      ...(removedKnown.length > 0 ? [`${removedKnown.map((v) => JSON.stringify(v)).join(', ')} removed`] : []),
    ];
    add({ rule: 'known-values-changed', accepts: 'same', before: knownA, after: knownB, text: `known values of the open string: ${parts.join('; ')}` });
  }
}

/** A numeric bound as a schema sets it with `minimum` and `exclusiveMinimum` (or the maximums) together: the stricter of the two. */
interface Limit {
  value: number;
  exclusive: boolean;
  /** How the schema writes it, e.g. `exclusiveMinimum 0`. */
  text: string;
}

function limitOf(node: SchemaNode, lower: boolean): Limit | undefined {
  const [inclusiveKey, exclusiveKey] = lower ? ['minimum', 'exclusiveMinimum'] : ['maximum', 'exclusiveMaximum'];
  const inclusive = node[inclusiveKey] as number | undefined;
  const exclusive = node[exclusiveKey] as number | undefined;
  const candidates: Limit[] = [];
  if (typeof inclusive === 'number') candidates.push({ value: inclusive, exclusive: false, text: `${inclusiveKey} ${inclusive}` });
  if (typeof exclusive === 'number') candidates.push({ value: exclusive, exclusive: true, text: `${exclusiveKey} ${exclusive}` });
  // The stricter: for a lower bound the larger value (exclusive when equal), for an upper one the smaller.
  return candidates.sort((x, y) => (x.value !== y.value ? (lower ? y.value - x.value : x.value - y.value) : Number(y.exclusive) - Number(x.exclusive)))[0];
}

/**
 * Whether `node` admits whole numbers and no other number: `type: "integer"`, alone or beside
 * non-numeric types, or `number` beside a whole `multipleOf` (`multipleOf: 1` admits what
 * `integer` does).
 */
function integerOnly(node: SchemaNode): boolean {
  const types = node.type === undefined ? [] : [node.type].flat();
  return (types.includes('integer') && !types.includes('number')) || (types.includes('number') && wholeMultiple(node));
}

/** Whether `node`'s `multipleOf` is a whole number (only whole numbers are multiples of it). */
function wholeMultiple(node: SchemaNode): boolean {
  return typeof node.multipleOf === 'number' && Number.isInteger(node.multipleOf) && node.multipleOf > 0;
}

/** `types` with `number` read as `integer` where `node`'s `multipleOf` admits whole numbers alone. */
function wholeNumberTypes(node: SchemaNode, types: Set<string> | undefined): Set<string> | undefined {
  if (types === undefined || !types.has('number') || !wholeMultiple(node)) return types;
  return new Set([...types].map((type) => (type === 'number' ? 'integer' : type)));
}

/** `limit` as the inclusive integer bound it leaves (`exclusiveMinimum -1`, `minimum -0.5`: 0). */
function asInteger(limit: Limit | undefined, lower: boolean): Limit | undefined {
  if (limit === undefined) return undefined;
  const value = lower ? (limit.exclusive ? Math.floor(limit.value) + 1 : Math.ceil(limit.value)) : limit.exclusive ? Math.ceil(limit.value) - 1 : Math.floor(limit.value);
  return { value, exclusive: false, text: limit.text };
}

/**
 * Whether the numeric bounds of `a` and of `b` both let through a number of magnitude 1e21 or
 * more, the first the validators refuse under `multipleOf: 1` (as ajv: `parseInt` reads `1e+21`
 * as 1) and `integer` admits.
 */
function bothAdmitHuge(a: SchemaNode, b: SchemaNode): boolean {
  const HUGE = 1e21;
  const admits = (limit: Limit | undefined, lower: boolean): boolean =>
    limit === undefined || (lower ? limit.value < -HUGE || (limit.value === -HUGE && !limit.exclusive) : limit.value > HUGE || (limit.value === HUGE && !limit.exclusive));
  const above = admits(limitOf(a, false), false) && admits(limitOf(b, false), false);
  const below = admits(limitOf(a, true), true) && admits(limitOf(b, true), true);
  return above || below;
}

/** -1 when `b` admits fewer values than `a` on that side, 1 when more, 0 when the same. */
function compareLimits(a: Limit | undefined, b: Limit | undefined, lower: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (a.value !== b.value) return (lower ? b.value > a.value : b.value < a.value) ? -1 : 1;
  return a.exclusive === b.exclusive ? 0 : b.exclusive ? -1 : 1;
}

/** Whether `types` admits a number (an integer is one). */
function mayBeNumber(types: Set<string> | undefined): boolean {
  return mayBe(types, 'number') || mayBe(types, 'integer');
}

/**
 * A string's lower (or upper) length bound as `minLength` (`maxLength`) and a pattern that is a
 * repeated character class set it together: the stricter; undefined where neither bounds it
 * (a lower bound of 0 is none).
 */
function stringBound(node: SchemaNode, lower: boolean): number | undefined {
  const keyword = node[lower ? 'minLength' : 'maxLength'] as number | undefined;
  const repeated = typeof node.pattern === 'string' ? characterClassPattern(node.pattern) : undefined;
  const implied = repeated === undefined ? undefined : lower ? repeated.min : repeated.max;
  const bounds = [keyword, implied].filter((n): n is number => n !== undefined && (lower ? n > 0 : n !== Infinity));
  return bounds.length === 0 ? undefined : lower ? Math.max(...bounds) : Math.min(...bounds);
}

/** The values of `node` as a closed list: its `enum`, or its `const` alone; undefined when it is no closed list. */
function closedListValues(node: SchemaNode): unknown[] | undefined {
  return Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
}

/**
 * Whether `node` is a closed list (`enum` or `const`) whose every string is `bound` characters
 * long or more (`lower`), or at most (else), counted as JSON Schema counts (code points); other
 * values are not strings, which a length bound leaves alone.
 */
function listWithinLength(node: SchemaNode, bound: number, lower: boolean): boolean {
  const values = closedListValues(node);
  if (values === undefined) return false;
  return values.every((value) => typeof value !== 'string' || (lower ? [...value].length >= bound : [...value].length <= bound));
}

/**
 * Whether `node` is a closed list (`enum` or `const`) whose every string matches `pattern`, read
 * as the validators read it (ajv: `new RegExp(pattern, "u")`); other values are not strings, which
 * a pattern leaves alone. A pattern that does not compile matches nothing.
 */
function listMatches(node: SchemaNode, pattern: unknown): boolean {
  const values = closedListValues(node);
  if (values === undefined || typeof pattern !== 'string') return false;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch {
    return false;
  }
  return values.every((value) => typeof value !== 'string' || regex.test(value));
}

/** The JSON type each length bound applies to. */
const BOUND_TYPES: Record<(typeof LOWER_BOUNDS)[number] | (typeof UPPER_BOUNDS)[number], string> = {
  minLength: 'string', maxLength: 'string', minItems: 'array', maxItems: 'array', minProperties: 'object', maxProperties: 'object',
};

/** Numeric, length and size bounds, each compared where both sides may be of the type it applies to (`both`). */
function compareBounds(a: SchemaNode, b: SchemaNode, add: Add, both: (type: string) => boolean): void {
  // Numeric bounds by the range they leave, so `minimum 0` becoming `exclusiveMinimum 0` narrows.
  // Of integers alone, a bound is the integer it leaves: `exclusiveMinimum -1` is `minimum 0`
  // (it read as widened, breaking, and failed CI; a hostile tester).
  const integers = integerOnly(a) && integerOnly(b);
  for (const lower of both('number') ? [true, false] : []) {
    const before = limitOf(a, lower);
    const after = limitOf(b, lower);
    const order = compareLimits(integers ? asInteger(before, lower) : before, integers ? asInteger(after, lower) : after, lower);
    if (order === 0) continue;
    const what = before === undefined ? `${after!.text} added` : after === undefined ? `${before.text} removed` : `${before.text} changed to ${after.text}`;
    add({ rule: order < 0 ? 'range-narrowed' : 'range-widened', accepts: order < 0 ? 'fewer' : 'more', before: before?.value, after: after?.value, text: what });
  }
  const bound = (keyword: keyof typeof BOUND_TYPES, lower: boolean) => {
    if (!both(BOUND_TYPES[keyword])) return;
    const before = a[keyword] as number | undefined;
    const after = b[keyword] as number | undefined;
    if (before === after) return;
    // A string's length bound is what the keyword and a repeated character class (`{1,128}`)
    // leave together: `minLength 1` dropped for such a pattern of at least 1 widens nothing (it
    // was `breaking`: a hostile tester). The pattern's own change is reported by itself.
    const [effectiveBefore, effectiveAfter] = keyword === 'minLength' || keyword === 'maxLength' ? [stringBound(a, lower), stringBound(b, lower)] : [before, after];
    if (effectiveBefore === effectiveAfter) return;
    // A lower bound that rises, or an upper bound that falls, or a bound that appears: fewer values.
    const narrows = effectiveBefore === undefined || (effectiveAfter !== undefined && (lower ? effectiveAfter > effectiveBefore : effectiveAfter < effectiveBefore));
    // A closed list that now bounds the string does so with its values' lengths: `minLength 1`
    // dropped beside a new list of non-empty values lets no value through that the older schema
    // refused (it was `breaking`, while generate refuses `minLength` beside `enum`: tIH F3). Its
    // narrowing is the list's own change, reported by itself.
    if (!narrows && (keyword === 'minLength' || keyword === 'maxLength') && listWithinLength(b, effectiveBefore, lower)) return;
    // The mirror: a bound that appears beside an older closed list whose every value keeps it
    // refuses nothing older servers sent or stored (`minLength 1` where the list of four non-empty
    // values was opened read as a narrowing newer consumers may refuse: tIR F4).
    if (narrows && (keyword === 'minLength' || keyword === 'maxLength') && effectiveAfter !== undefined && listWithinLength(a, effectiveAfter, lower)) return;
    const what = before === undefined ? `${keyword} ${after} added` : after === undefined ? `${keyword} ${before} removed` : `${keyword} changed from ${before} to ${after}`;
    add({ rule: narrows ? 'length-narrowed' : 'length-widened', accepts: narrows ? 'fewer' : 'more', before, after, text: what });
  };
  for (const keyword of LOWER_BOUNDS) bound(keyword, true);
  for (const keyword of UPPER_BOUNDS) bound(keyword, false);
  // `integer` is not `multipleOf: 1`: the validators test a multiple as ajv does,
  // `x / m !== parseInt(x / m)`, which refuses every number from 1e21 times `m` up (in
  // magnitude: `parseInt` reads `1e+21` as 1), and `integer` admits them. `{ "type": "number",
  // "multipleOf": 1 }` made `{ "type": "integer" }` was "no value passes or fails", and older
  // consumers refuse a 1e21 the newer server may send (tEJ F4).
  const multipleA = a.multipleOf as number | undefined;
  const multipleB = b.multipleOf as number | undefined;
  const huge = (multiple: number | undefined, now: string): string => (integers && multiple === 1 ? `: whole numbers from 1e21 up (in magnitude) ${now}, which the validators refuse under it, as ajv does, and integer admits` : '');
  // Where the bounds of both sides already refuse every number from 1e21 up in magnitude (an
  // epoch in milliseconds under `maximum` 8.64e15), `multipleOf: 1` beside integers refuses
  // nothing more: added or removed, no value passes or fails (it read `breaking` and asked for a
  // major protocol version: tEP F6). A bound changed is reported by itself above.
  const same = integers && (multipleA ?? multipleB) === 1 && (multipleA === undefined || multipleB === undefined) && !bothAdmitHuge(a, b);
  if (multipleA !== multipleB && both('number') && !same) {
    if (multipleA === undefined) add({ rule: 'range-narrowed', accepts: 'fewer', after: multipleB, text: `multipleOf ${multipleB} added${huge(multipleB, 'no longer pass')}` });
    else if (multipleB === undefined) add({ rule: 'range-widened', accepts: 'more', before: multipleA, text: `multipleOf ${multipleA} removed${huge(multipleA, 'pass now')}` });
    else {
      const text = `multipleOf changed from ${multipleA} to ${multipleB}`;
      if (Number.isInteger(multipleB / multipleA)) add({ rule: 'range-narrowed', accepts: 'fewer', before: multipleA, after: multipleB, text });
      else if (Number.isInteger(multipleA / multipleB)) add({ rule: 'range-widened', accepts: 'more', before: multipleA, after: multipleB, text });
      else add({ rule: 'range-changed', accepts: 'different', before: multipleA, after: multipleB, text });
    }
  }
}

function compareObjects(a: SchemaNode, b: SchemaNode, pointer: string, walk: Walk, add: Add): void {
  const propsA = a.properties ?? {};
  const propsB = b.properties ?? {};
  const requiredA = new Set(a.required ?? []);
  const requiredB = new Set(b.required ?? []);
  const closedA = a.additionalProperties === false;
  const closedB = b.additionalProperties === false;
  // A map (`additionalProperties: <schema>`): every field it does not name is a map value, which
  // every consumer, tolerant ones too, checks against that schema.
  const mapA = isSchema(a.additionalProperties);
  const mapB = isSchema(b.additionalProperties);
  const at = (name: string) => `${pointer}/${escapeToken(name)}`;
  const change = (from: SchemaNode, to: SchemaNode, name: string): Acceptance => probe(from, to, at(name), walk);

  for (const name of Object.keys(propsB)) {
    if (Object.hasOwn(propsA, name)) continue;
    const required = requiredB.has(name);
    // Into a closed object every new field is one an older strict validator does not know; into
    // an open one, it constrains what was any value, as into a map, where an older consumer
    // checks it as a map value: what its schema admits against what was admitted there decides
    // (a field of any value, `{}`, added to an open object changes nothing; a typed one narrows,
    // and a producer that sent that key with another type breaks: it read as no change at all).
    const was = mapA ? (a.additionalProperties as SchemaNode) : !closedA ? ANYTHING : undefined;
    const value = was === undefined ? undefined : change(was, propsB[name]!, name);
    walk.deltas.push({
      pointer: at(name),
      rule: required ? 'required-property-added' : 'optional-property-added',
      accepts: value !== undefined ? combined([required ? 'fewer' : 'same', value]) : required ? 'different' : 'more',
      tolerantSurvives: !mapA,
      ...(value !== undefined && !required && { narrowsBuiltType: value === 'fewer' || value === 'different' }),
      text: `${required ? 'required' : 'optional'} field "${name}" added${mapA ? ' to a map (older consumers check it as a map value)' : value === 'same' ? ' to an open object, admitting any value, as before' : ''}`,
    });
  }
  for (const name of Object.keys(propsA)) {
    if (Object.hasOwn(propsB, name)) continue;
    const required = requiredA.has(name);
    // Into a map, the field is a map value: what the map's values admit against what the field
    // did decides, and its being required no longer (unless `required` still names it). A closed
    // object rewritten as a map whose values admit the same values loses no value there: it read
    // `breaking` for every field, while only strict consumers (the keys now open) fail.
    const value = mapB ? change(propsA[name]!, b.additionalProperties as SchemaNode, name) : undefined;
    walk.deltas.push({
      pointer: at(name),
      rule: required ? 'required-property-removed' : 'optional-property-removed',
      // A field of a struct or class in Go and Python only when the object was closed; made a
      // map, the object's own change (`additional-properties-allowed`) says the struct is gone.
      ...(closedA && !mapB && { otherLanguages: 'field-removed' as const }),
      ...(value !== undefined && { narrowsBuiltType: value === 'fewer' || value === 'different' }),
      accepts: value !== undefined ? combined([required && !requiredB.has(name) ? 'more' : 'same', value]) : !closedB ? 'more' : required ? 'different' : 'fewer',
      text: `${required ? 'required' : 'optional'} field "${name}" removed${mapB ? ' (now a map value, checked as one)' : ''}`,
    });
  }
  for (const name of Object.keys(propsB)) {
    if (!Object.hasOwn(propsA, name)) continue;
    // A field of a struct (a closed object) is a pointer with omitempty in Go when optional, and
    // Optional in Python: made optional or required, most fields change type there (int64 became
    // *int64, and code that set it no longer compiled, in a minor release: a hostile tester).
    const retyped = closedA && closedB ? optionalityRetypes(propsB[name]!, walk.resolveAfter) : undefined;
    const types = retyped === 'optionality' && typeof propsB[name] === 'object' ? mapValueTypes(propsB[name] as SchemaNode, walk.resolveAfter) : undefined;
    const otherLanguages = retyped && { otherLanguages: retyped, ...(types && { fieldTypes: types }) };
    if (requiredA.has(name) && !requiredB.has(name)) walk.deltas.push({ pointer: at(name), rule: 'property-made-optional', accepts: 'more', ...otherLanguages, text: `field "${name}" made optional` });
    if (!requiredA.has(name) && requiredB.has(name)) walk.deltas.push({ pointer: at(name), rule: 'property-made-required', accepts: 'fewer', ...otherLanguages, text: `field "${name}" made required` });
    if (closedA && closedB && !requiredA.has(name) && !requiredB.has(name)) walk.optionalFields?.add(at(name));
    compare(propsA[name]!, propsB[name]!, at(name), walk);
  }

  // `true` admits any value, as no schema does (it compared as nothing: a map made open, or an
  // open object whose unnamed fields became numbers, passed as no change: a hostile tester).
  // `{}` (annotations aside) admits any value too: `{}` and `true` are the same schema (it read
  // "values of unnamed fields now constrained", the rewrite generate advises: tDP F9).
  const bothMaps = isSchema(a.additionalProperties) && isSchema(b.additionalProperties);
  const extraA = a.additionalProperties === true || (!bothMaps && admitsAny(a.additionalProperties)) ? undefined : a.additionalProperties;
  const extraB = b.additionalProperties === true || (!bothMaps && admitsAny(b.additionalProperties)) ? undefined : b.additionalProperties;
  // An object with `properties` (`{}` too) is a struct (class) in Go and Python when closed, a
  // map otherwise (src/codegen/quicktype.ts, `openObjectAsMap`): the closed side decides whether
  // opening or closing one retypes it there (a map closed into a struct too: a reviewer).
  if (closedA && !closedB) {
    const values = mapB ? mapValueTypes(b.additionalProperties as SchemaNode, walk.resolveAfter) : undefined;
    add({
      rule: 'additional-properties-allowed', accepts: 'more', tolerantSurvives: true,
      ...(a.properties !== undefined && { otherLanguages: 'map' as const, ...(mapB && { mapValues: values ?? { go: 'T', python: 'T' } }) }),
      text: mapB ? 'now admits fields it does not name, each checked as a map value' : 'now admits fields it does not name',
    });
  } else if (!closedA && closedB) {
    add({ rule: 'additional-properties-forbidden', accepts: 'fewer', ...(b.properties !== undefined && { otherLanguages: 'struct' as const }), text: 'no longer admits fields it does not name' });
  }
  if (isSchema(extraA) && isSchema(extraB)) compare(extraA, extraB, `${pointer}/*`, walk);
  else if (isSchema(extraA) && extraB === undefined) add({ rule: 'schema-changed', accepts: 'more', text: 'values of unnamed fields no longer constrained' });
  else if (extraA === undefined && isSchema(extraB)) add({ rule: 'schema-changed', accepts: 'fewer', text: 'values of unnamed fields now constrained' });
}

/**
 * The Go and Python types quicktype gives a map's values (`additionalProperties: <schema>`, a
 * Go `map[string]T` and a Python `Dict[str, T]`), or a struct's field: a number `float64` and `float`, an integer
 * `int64` and `int`, a string `string` and `str`, a boolean `bool`, a `$ref` to a definition
 * its name in both; undefined for any other schema (a union, a nullable value, an inline object).
 */
function mapValueTypes(raw: SchemaNode, resolve: Resolve): { go: string; python: string } | undefined {
  const { node, nullable } = shape(raw, resolve);
  if (nullable) return undefined;
  // A definition that is a struct (a closed object with fields) or a closed list of strings keeps
  // its name (`map[string]AssetBalance`, `Dict[str, Side]`); an alias of a plain type is inlined
  // (`DependencyState`, an open string: `map[string]string`).
  const name = typeof raw.$ref === 'string' ? /#\/definitions\/([^/]+)$/.exec(raw.$ref)?.[1] : undefined;
  const struct = node.additionalProperties === false && node.properties !== undefined;
  if (name !== undefined && (struct || (Array.isArray(node.enum) && node.enum.every((value) => typeof value === 'string')))) return { go: name, python: name };
  const types = typesOf(node);
  if (types === undefined || types.size !== 1 || Array.isArray(node.enum) || node.const !== undefined || node.anyOf !== undefined || node.oneOf !== undefined) return undefined;
  return ({ number: { go: 'float64', python: 'float' }, integer: { go: 'int64', python: 'int' }, string: { go: 'string', python: 'str' }, boolean: { go: 'bool', python: 'bool' } } as Record<string, { go: string; python: string }>)[[...types][0]!];
}

/**
 * How the set of values changes from schema `from` to schema `to` ('same' when none is found).
 * A walk of its own, with its own record of the pairs compared (what the main walk compared does
 * not count here, nor the other way round), whose answer is kept for the pair.
 */
function probe(from: SchemaNode, to: SchemaNode, pointer: string, walk: Walk): Acceptance {
  const key = pairKey(shape(from, walk.resolveBefore), shape(to, walk.resolveAfter));
  const known = walk.probes.get(key);
  if (known !== undefined) return known === 'pending' ? 'same' : known;
  walk.probes.set(key, 'pending');
  const own: Walk = { ...walk, deltas: [], compared: new Map(), guard: { cut: 0 } };
  compare(from, to, pointer, own);
  const answer = combined(own.deltas.map((d) => d.accepts));
  walk.probes.set(key, answer);
  return answer;
}

/** What several changes do together to the accepted set. */
function combined(changes: Acceptance[]): Acceptance {
  const kinds = new Set(changes.filter((kind) => kind !== 'same'));
  return kinds.size === 0 ? 'same' : kinds.size === 1 ? [...kinds][0]! : 'different';
}

/**
 * What a keyword compared as a whole (`allOf`, `not`, `if`…), written the same on both sides,
 * does to the accepted set through the definitions its `$ref`s lead to: each compared as the
 * main walk would ('same' when none changed). Through `not` a widening narrows and the other way
 * round; through `if` or `oneOf` any change is `different`.
 */
function throughRefs(keyword: string, value: unknown, pointer: string, walk: Walk): Acceptance {
  const refs = new Set<string>();
  const collect = (inner: unknown): void => {
    if (Array.isArray(inner)) inner.forEach(collect);
    else if (isSchema(inner)) for (const [key, child] of Object.entries(inner)) key === '$ref' && typeof child === 'string' ? refs.add(child) : collect(child);
  };
  collect(value);
  const answer = combined([...refs].map((ref) => probe({ $ref: ref }, { $ref: ref }, pointer, walk)));
  if (answer === 'same' || answer === 'different') return answer;
  if (keyword === 'not') return answer === 'more' ? 'fewer' : 'more';
  return keyword === 'if' || keyword === 'oneOf' ? 'different' : answer;
}

/** `items` (one schema for every item, or a list of them) and `uniqueItems`. */
function compareArrays(a: SchemaNode, b: SchemaNode, pointer: string, walk: Walk, add: Add): void {
  // `true` admits any item, as no `items` does; `false` none (a schema, {@link NOTHING}).
  const schemaA = a.items === undefined ? undefined : itemsSchema(a.items);
  const schemaB = b.items === undefined ? undefined : itemsSchema(b.items);
  // `{}` (annotations aside) admits any item as `true` and no `items` do: the same schema beside
  // them (`{}` -> `true` read "items no longer constrained", a major break: tDP F9).
  const bothSchemas = isSchema(schemaA) && isSchema(schemaB);
  const itemsA = !bothSchemas && admitsAny(schemaA) ? undefined : schemaA;
  const itemsB = !bothSchemas && admitsAny(schemaB) ? undefined : schemaB;
  if (isSchema(itemsA) && isSchema(itemsB)) compare(itemsA, itemsB, `${pointer}/*`, walk);
  else if (itemsA !== undefined && itemsB === undefined) add({ rule: 'schema-changed', accepts: 'more', before: itemsA, text: 'items no longer constrained' });
  else if (itemsA === undefined && itemsB !== undefined) add({ rule: 'schema-changed', accepts: 'fewer', after: itemsB, text: 'items now constrained' });
  else if (canonical('items', itemsA) !== canonical('items', itemsB)) add({ rule: 'schema-changed', accepts: 'different', before: itemsA, after: itemsB, text: '"items" changed' });
  const uniqueA = a.uniqueItems === true;
  const uniqueB = b.uniqueItems === true;
  // An array of at most one item has no two items to be equal: where either side holds no more
  // (`maxItems` 0 or 1, `items: false`), uniqueItems changes no value's validity, and a change of
  // the bound is told by its own keyword. It was told breaking, and asked for a major protocol
  // version, beside `maxItems: 1` on both sides (tDX F5).
  const atMostOne = (node: SchemaNode) => (node.items as unknown) === false || (typeof node.maxItems === 'number' && node.maxItems <= 1);
  if (uniqueA !== uniqueB && !atMostOne(a) && !atMostOne(b)) {
    add(uniqueB ? { rule: 'schema-changed', accepts: 'fewer', text: 'items must now be unique' } : { rule: 'schema-changed', accepts: 'more', text: 'items no longer need to be unique' });
  }
}

/** Whether `node` is a schema object with no keyword but annotations (`{}`): it admits any value, as `true` does. */
function admitsAny(node: unknown): boolean {
  return isSchema(node) && Object.keys(withoutAnnotations(node)).length === 0;
}

function itemsSchema(items: SchemaNode | SchemaNode[] | boolean): SchemaNode | SchemaNode[] | undefined {
  return Array.isArray(items) ? items : items === true ? undefined : asSchema(items);
}

/**
 * When `union` is an `anyOf` and `single` is not, and one of the union's branches is `single`
 * (written the same, annotations aside): the other branches, named (a `$ref` by its definition,
 * else its types, else its JSON). Else undefined.
 */
function unionAround(single: SchemaNode, union: SchemaNode, resolve: Resolve): (string[] & { branches: SchemaNode[]; written: SchemaNode[] }) | undefined {
  if (single.anyOf !== undefined || !Array.isArray(union.anyOf)) return undefined;
  const target = canonical('schema', withoutAnnotations(single));
  const branches = union.anyOf as SchemaNode[];
  const same = (branch: SchemaNode) => canonical('schema', withoutAnnotations(shape(branch, resolve).node)) === target;
  if (!branches.some(same)) return undefined;
  const rest = branches.filter((branch) => !same(branch));
  // Nothing but the single schema: no union around it, nothing more admitted.
  if (rest.length === 0) return undefined;
  const names = rest.map((branch) => (typeof branch.$ref === 'string' ? branch.$ref.replace(/^.*#\/definitions\//, '') : typesOf(branch) ? [...typesOf(branch)!].join(' or ') : sortedJson(branch)));
  return Object.assign(names, { branches: rest.map((branch) => shape(branch, resolve).node), written: rest });
}

/**
 * Whether every value of the `newer` branches, each a closed list (`enum` or `const`), is one an
 * `older` branch's closed list opens to in tolerant mode ({@link tolerantlyOpen}): `strings`
 * where some are strings (an older Python Enum raises on them), `other` where none is; undefined
 * where a newer branch is no closed list, or no value is opened to (tIH F2: `anyOf: [Platform,
 * null]` gaining `OtherPlatform` read "in tolerant and strict mode", breaking).
 */
function listsOpened(older: (SchemaNode | boolean | undefined)[], newer: (SchemaNode | boolean | undefined)[]): 'strings' | 'other' | undefined {
  const listOf = (node: SchemaNode | boolean | undefined): unknown[] | undefined =>
    typeof node !== 'object' ? undefined : Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  const opened = older.flatMap((node) => {
    const list = listOf(node);
    return list === undefined ? [] : [tolerantlyOpen(node as SchemaNode, list)];
  });
  const values = newer.map(listOf);
  if (newer.length === 0 || opened.length === 0 || !values.every((list) => list !== undefined && list.every((value) => opened.some((opens) => opens(value))))) return undefined;
  return values.some((list) => list!.some((value) => typeof value === 'string')) ? 'strings' : 'other';
}

/** `anyOf` other than the nullable pattern: branches that are `$ref`s compare by name, anything else as a whole. */
function compareAnyOf(a: SchemaNode, b: SchemaNode, pointer: string, walk: Walk, add: Add): void {
  const listA = a.anyOf;
  const listB = b.anyOf;
  if (listA === undefined && listB === undefined) return;
  const refs = (list: SchemaNode[] | undefined) => (list && list.every((branch) => typeof branch.$ref === 'string') ? list.map((branch) => branch.$ref!) : undefined);
  const refsA = refs(listA);
  const refsB = refs(listB);
  if (refsA && refsB) {
    const inA = new Set(refsA);
    const inB = new Set(refsB);
    const added = refsB.filter((ref) => !inA.has(ref));
    const removed = refsA.filter((ref) => !inB.has(ref));
    const name = (ref: string) => ref.replace('#/definitions/', '');
    // A message schema of its side, as the contract model has it (a definition with a `type`
    // const is not one: a union of those is a value's, whose new branch a tolerant consumer
    // rejects: a hostile tester's `bot_id` that now also admits a Count was called `strict`).
    const messageBefore = (ref: string) => walk.messages.before.has(walk.resolveBefore(ref));
    const messageAfter = (ref: string) => walk.messages.after.has(walk.resolveAfter(ref));
    // A list of message types (the poll response's messages): a consumer takes them one by
    // one and skips a type it does not know, as on the socket.
    const messages = refsA.every(messageBefore) && refsB.every(messageAfter);
    // New closed lists whose every value an older list opens to in tolerant mode (a platform
    // `OtherPlatform` beside `Platform`): an older tolerant consumer takes them with a notice, as
    // a value added to Platform itself (it read "in tolerant and strict mode", breaking: tIH F2).
    const opensList = messages ? undefined : listsOpened(refsA.map((ref) => walk.resolveBefore(ref)), added.map((ref) => walk.resolveAfter(ref)));
    if (added.length > 0) add({ rule: 'schema-changed', accepts: 'more', tolerantSurvives: messages || opensList !== undefined, ...(opensList && { opensList }), after: added.map(name), text: `now also admits ${added.map(name).join(', ')}` });
    if (removed.length > 0) add({ rule: 'schema-changed', accepts: 'fewer', before: removed.map(name), text: `no longer admits ${removed.map(name).join(', ')}` });
    // A branch both sides name: what changed inside it (a union of result shapes; only its name
    // was compared, and a field retyped inside passed as no change: a hostile tester). Not for a
    // message (the poll response's list), which is compared as a message of its own.
    for (const ref of refsA) if (inB.has(ref) && !(messageBefore(ref) && messageAfter(ref))) compare({ $ref: ref }, { $ref: ref }, pointer, walk);
    return;
  }
  if (listA !== undefined && listB !== undefined && (compareBranchesByType(listA, listB, pointer, walk, add) || compareBranchesAsWritten(listA, listB, pointer, walk, add))) return;
  // Named as written: a oneOf read as an anyOf said "anyOf" changed, a keyword the schema does not hold (a reviewer).
  const [before, after] = [a, b].map((node) => (WRITTEN_AS_ONE_OF.has(node) ? 'oneOf' : 'anyOf'));
  if (canonical('anyOf', listA) !== canonical('anyOf', listB)) add({ rule: 'schema-changed', accepts: 'different', before: listA, after: listB, text: before === after ? `"${before}" changed` : `"${before}" became a "${after}" of other branches` });
}

/**
 * Two unions whose branches each admit JSON types no other branch of its side admits (`anyOf:
 * [{ type: "array", items: … }, { type: "string" }]`): a value can match one branch alone, by
 * its type, so a branch of the same types on both sides is compared inside, and one whose types
 * the other side admits nowhere came or went. Compared as a whole, a value added inside such a
 * branch (a closed list, which a tolerant consumer opens) or a bound added to it read as the
 * union changed, `breaking` (a false alarm). False, adding nothing, where the branches cannot be
 * paired so (a type in two branches, or a branch retyped across the others).
 */
function compareBranchesByType(allA: SchemaNode[], allB: SchemaNode[], pointer: string, walk: Walk, add: Add): boolean {
  if (!disjointTypes(allA.map((branch) => shape(branch, walk.resolveBefore))) || !disjointTypes(allB.map((branch) => shape(branch, walk.resolveAfter)))) return false;
  // A null branch is the union's nullability, compared with its shape.
  const listA = allA.filter((branch) => !isNullOnly(shape(branch, walk.resolveBefore).node));
  const listB = allB.filter((branch) => !isNullOnly(shape(branch, walk.resolveAfter).node));
  const branchesA = listA.map((branch) => shape(branch, walk.resolveBefore));
  const branchesB = listB.map((branch) => shape(branch, walk.resolveAfter));
  // Each branch's JSON types, null aside (a nullable branch is the union's nullability, compared by its pair).
  const kinds = (branch: Shape) => [...typesOf(branch.node)!].filter((type) => type !== 'null').map((type) => (type === 'integer' ? 'number' : type)).sort();
  const keyOf = (branch: Shape) => kinds(branch).join();
  const keysA = new Map(branchesA.map((branch, i) => [keyOf(branch), i]));
  const keysB = new Map(branchesB.map((branch, i) => [keyOf(branch), i]));
  const overlaps = (branch: Shape, others: Shape[]) => others.some((other) => kinds(other).some((type) => kinds(branch).includes(type)));
  const removed = branchesA.filter((branch) => !keysB.has(keyOf(branch)));
  const added = branchesB.filter((branch) => !keysA.has(keyOf(branch)));
  if (removed.some((branch) => overlaps(branch, branchesB)) || added.some((branch) => overlaps(branch, branchesA))) return false;
  const named = (branch: Shape) => [...typesOf(branch.node)!].filter((type) => type !== 'null');
  // Go and Python type a union as a struct of its branches (quicktype): one more or one fewer is another type.
  if (added.length > 0) add({ rule: 'schema-changed', accepts: 'more', after: added.flatMap(named), otherLanguages: 'retyped', text: `now also admits ${added.flatMap(named).join(', ')}` });
  if (removed.length > 0) add({ rule: 'schema-changed', accepts: 'fewer', before: removed.flatMap(named), otherLanguages: 'retyped', text: `no longer admits ${removed.flatMap(named).join(', ')}` });
  for (const [key, i] of keysA) {
    const j = keysB.get(key);
    if (j !== undefined) compare(listA[i]!, listB[j]!, pointer, walk);
  }
  return true;
}

/**
 * Two unions whose branches share types (`anyOf` of two kinds of array) that differ by one
 * branch changed, or by branches added or removed alone (the others written the same, in any
 * order): the changed branch is compared with the one it replaces, and what it gains or loses
 * is what the union gains or loses at most, the other branches being the same (compared as a
 * whole, a `maxItems` added to one read as the union changed, `breaking`: a false alarm).
 * A branch written the same on both sides is compared further only where it holds a `$ref`: the
 * definition it names may have changed (a field retyped inside one read as no change), and the
 * walk's once-per-pair rule keeps a self-referring union from reading itself again (or saying a
 * change twice). False, adding nothing, where more than one branch changed on each side.
 */
function compareBranchesAsWritten(allA: SchemaNode[], allB: SchemaNode[], pointer: string, walk: Walk, add: Add): boolean {
  // A null branch is the union's nullability, compared with its shape: never paired with another branch.
  const listA = allA.filter((branch) => !isNullOnly(shape(branch, walk.resolveBefore).node));
  const listB = allB.filter((branch) => !isNullOnly(shape(branch, walk.resolveAfter).node));
  const key = (branch: SchemaNode) => canonical('schema', branch);
  const unmatchedB = new Map<string, number[]>();
  listB.forEach((branch, j) => unmatchedB.set(key(branch), [...(unmatchedB.get(key(branch)) ?? []), j]));
  const matched: [number, number][] = [];
  const unmatchedA = listA.flatMap((branch, i) => {
    const j = unmatchedB.get(key(branch))?.shift();
    if (j === undefined) return [i];
    matched.push([i, j]);
    return [];
  });
  const restB = [...unmatchedB.values()].flat().sort((x, y) => x - y);
  // Several branches changed on each side: paired where each is the only one of its side left
  // the same once its bounds are set aside (two kinds of array both given `maxItems: 3`), each
  // compared with its pair; what the pairs say alike is said once. Compared as a whole, the
  // union "changed", breaking both ways (a fixer's finding).
  if (unmatchedA.length > 1 && unmatchedA.length === restB.length) {
    const pairs = pairedByOutline(unmatchedA.map((i) => listA[i]!), restB.map((j) => listB[j]!));
    if (pairs === undefined) return false;
    const from = walk.deltas.length;
    for (const [i, j] of pairs) compare(listA[unmatchedA[i]!]!, listB[restB[j]!]!, pointer, walk);
    const said = new Set<string>();
    const fresh = walk.deltas.splice(from).filter((delta) => !said.has(sortedJson(delta)) && said.add(sortedJson(delta)));
    walk.deltas.push(...fresh);
    unmatchedA.length = 0;
    restB.length = 0;
  }
  if (unmatchedA.length > 0 && restB.length > 0 && !(unmatchedA.length === 1 && restB.length === 1)) return false;
  if (unmatchedA.length !== 1 || restB.length !== 1) {
    const described = (branch: SchemaNode, resolve: Resolve) => [...(typesOf(shape(branch, resolve).node) ?? ['any type'])].join(' or ');
    // Go and Python type a union as a struct of its branches (quicktype): one more or one fewer is another type.
    if (restB.length > 0) add({ rule: 'schema-changed', accepts: 'more', otherLanguages: 'retyped', after: restB.map((j) => listB[j]), text: `now also admits another branch (${restB.map((j) => described(listB[j]!, walk.resolveAfter)).join('; ')})` });
    if (unmatchedA.length > 0) add({ rule: 'schema-changed', accepts: 'fewer', otherLanguages: 'retyped', before: unmatchedA.map((i) => listA[i]), text: `no longer admits a branch it had (${unmatchedA.map((i) => described(listA[i]!, walk.resolveBefore)).join('; ')})` });
  }
  if (unmatchedA.length === 1 && restB.length === 1) compare(listA[unmatchedA[0]!]!, listB[restB[0]!]!, pointer, walk);
  // A branch naming the union it is in (`Loop: { anyOf: [{ $ref: Loop }, …] }`) admits nothing the
  // others do not: read again, the union said its own change twice.
  const ownUnion = (branch: SchemaNode, resolve: Resolve) => {
    const target = typeof branch.$ref === 'string' ? resolve(branch.$ref) : undefined;
    return isSchema(target) && [target.anyOf, target.oneOf].some((list) => Array.isArray(list) && list.includes(branch));
  };
  for (const [i, j] of matched) {
    if (holdsRef(listA[i]) && !ownUnion(listA[i]!, walk.resolveBefore) && !ownUnion(listB[j]!, walk.resolveAfter)) compare(listA[i]!, listB[j]!, pointer, walk);
  }
  return true;
}

/** Keywords that bound the values of a schema's type, set aside to pair branches that changed only in them. */
const BOUNDS = ['minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'description', 'title', 'examples', '$comment', 'default'];

/**
 * The branches of `listA` paired with those of `listB` (by index) where each is written the same
 * as exactly one branch of the other list and as no other of its own once {@link BOUNDS} are set
 * aside, at any depth; undefined where any cannot be paired so.
 */
function pairedByOutline(listA: readonly SchemaNode[], listB: readonly SchemaNode[]): [number, number][] | undefined {
  const outline = (branch: SchemaNode) => sortedJson(withoutKeywords(branch, BOUNDS));
  const index = (list: readonly SchemaNode[]) => {
    const found = new Map<string, number>();
    for (const [i, branch] of list.entries()) {
      if (found.has(outline(branch))) return undefined;
      found.set(outline(branch), i);
    }
    return found;
  };
  const inA = index(listA);
  const inB = index(listB);
  if (inA === undefined || inB === undefined) return undefined;
  const pairs: [number, number][] = [];
  for (const [key, i] of inA) {
    const j = inB.get(key);
    if (j === undefined) return undefined;
    pairs.push([i, j]);
  }
  return pairs;
}

/** Whether `value` holds a `$ref` anywhere (a schema written the same may name a definition that changed). */
function holdsRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsRef);
  return isSchema(value) && Object.entries(value).some(([key, child]) => (key === '$ref' && typeof child === 'string') || holdsRef(child));
}

function isSchema(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/** The value of schema keyword `keyword` as JSON with sorted keys and without annotations, for comparing it as a whole. */
function canonical(keyword: string, value: unknown): string {
  return sortedJson(withoutKeywords({ [keyword]: value }, ANNOTATIONS));
}

const ANNOTATIONS = ['description', 'title', 'examples', '$comment'];

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (isSchema(inner) ? Object.fromEntries(Object.keys(inner).sort().map((k) => [k, inner[k]])) : inner)) ?? 'undefined';
}
