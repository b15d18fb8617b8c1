import { resolvePointer } from '../runtime/json-pointer.js';
import { forEachSubschema, mapSchema } from './walk.js';
import { SchemaError } from './schema-error.js';
import { linkPath } from './link-path.js';
import { SCHEMA_BASE_URI, type SchemaNode } from './schema.js';

/** Where a `$ref` leads: the file (name under `schemas/`), the JSON Pointer in it, and the node there. */
export interface RefTarget {
  file: string;
  pointer: string;
  node: SchemaNode;
}

const BASE = new URL(SCHEMA_BASE_URI);

/**
 * The one `$ref` resolver of the contract: resolves `ref`, written in `file`, as draft-07 does
 * (a URI reference against the file's `$id`, {@link SCHEMA_BASE_URI} + file name; the fragment a
 * JSON Pointer), among the schema files of the contract. No network, no file system. A subschema's
 * own `$id`, against which draft-07 would resolve the `$ref`s under it, is not read: the loader refuses one.
 *
 * @param files schema files by file name, as read
 * @returns the target, or undefined when the ref is no URI reference (a `%` not followed by two
 *   hex digits of UTF-8, as in `#/definitions/100%`), leaves `schemas/`, names no file, or its
 *   pointer resolves to nothing (or to something that is not a schema object)
 */
export function resolveRef(files: ReadonlyMap<string, SchemaNode>, file: string, ref: string): RefTarget | undefined {
  const target = resolveRefValue(files, file, ref);
  const node = target?.value;
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  return { file: target!.file, pointer: target!.pointer, node: node as SchemaNode };
}

/**
 * What `ref`, written in `file`, points at, as {@link resolveRef} resolves it, whatever it is
 * (`true`, `false`, a string): the loader names a `$ref` to a boolean schema as such.
 *
 * @returns the target's file, pointer and value, or undefined where {@link resolveRef} finds no file or no value
 */
export function resolveRefValue(files: ReadonlyMap<string, SchemaNode>, file: string, ref: string): { file: string; pointer: string; value: unknown } | undefined {
  let url: URL;
  let target: string;
  let pointer: string;
  try {
    url = new URL(ref, BASE.href + file);
    // A "%" not followed by two hex digits of UTF-8 (`#/definitions/100%`) is kept as written by
    // the URL parser, and decoding it threw URIError out of the loader, no file named (tCW F6).
    target = decodeURIComponent(url.pathname.slice(BASE.pathname.length));
    pointer = decodeURIComponent(url.hash.slice(1));
  } catch {
    return undefined;
  }
  if (url.origin !== BASE.origin || !url.pathname.startsWith(BASE.pathname) || url.search !== '') return undefined;
  const root = files.get(target);
  const value = root === undefined ? undefined : resolvePointer(root, pointer);
  return value === undefined ? undefined : { file: target, pointer, value };
}

/**
 * Follows `$ref`s from `node` (found in `file`, at `pointer` when the caller knows it) until a
 * node without one: that node, with its file and its JSON Pointer there.
 *
 * @throws Error when a ref resolves nowhere or the refs form a cycle (the loader has refused both)
 */
export function followRefs(files: ReadonlyMap<string, SchemaNode>, file: string, node: SchemaNode, pointer = ''): { file: string; pointer: string; node: SchemaNode } {
  let current = { file, pointer, node };
  const seen = new Set<string>();
  while (current.node.$ref !== undefined) {
    const target = resolveRef(files, current.file, current.node.$ref);
    if (!target) throw new Error(`$ref "${current.node.$ref}" in ${current.file} resolves to nothing`);
    const key = `${target.file}#${target.pointer}`;
    if (seen.has(key)) throw new Error(`$ref cycle through ${key}`);
    seen.add(key);
    current = { file: target.file, pointer: target.pointer, node: target.node };
  }
  return current;
}

/**
 * Throws where the `$ref`s reached from `node` (found in `file`) lead back to a schema they
 * stand in, as {@link inlineRefs} would, in one pass over each schema reached (a definition
 * reached by many paths is walked once: inlining a chain of definitions each referring twice to
 * the next walks 2^n paths). Refs that resolve nowhere are the loader's to refuse: skipped here.
 *
 * @throws SchemaError naming the `$ref` that closes the loop, and the loop
 */
export function checkNoRefCycle(files: ReadonlyMap<string, SchemaNode>, file: string, node: SchemaNode): void {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const walk = (current: SchemaNode, at: string, base: string): void => {
    forEachSubschema(current, (child, pointer) => {
      if (child.$ref === undefined) return;
      const target = resolveRef(files, at, child.$ref);
      if (!target) return;
      const key = `${target.file}#${target.pointer}`;
      const seen = state.get(key);
      if (seen === 'done') return;
      if (seen === 'open') throw new SchemaError(at, `${base}${pointer}/$ref`, recursionProblem(child.$ref, [...trail.slice(trail.indexOf(key)), key]));
      state.set(key, 'open');
      trail.push(key);
      const { definitions: _definitions, ...rest } = target.node;
      walk(rest, target.file, target.pointer);
      trail.pop();
      state.set(key, 'done');
    });
  };
  walk(node, file, '');
}

/**
 * How many schema objects `node` (found in `file`) holds once {@link inlineRefs} has inlined
 * every `$ref` (a `$ref` counts as the inlined size of its target; `definitions` not counted),
 * computed with each target walked once. `copied`: the target whose copies add the most
 * ({@link CopiedTarget}: the schema objects of its own times the copies past the first), undefined
 * when no target is inlined more than once; `chain`: the `$ref` targets (file#pointer each) that
 * lead to it from `node`, ending with it, at each step back the place that inlines it most often
 * (empty when `copied` is undefined: a definition referred to once was named as "the largest
 * part" of a message whose copies were another's, tCQ F4). `distinct`: the count with each
 * target counted once (`count` minus `distinct` is what copies of targets add, the sum over
 * targets of their own objects times their copies past the first). `widest`: the schema in `node` or any target
 * with the most subschemas under one keyword (file#pointer, the keyword, how many): an object's
 * `properties`, an `anyOf`'s branches, `patternProperties`, an `items` array, …; undefined when
 * none has any. `spread`: how many targets the message reaches, and the chain of `$ref`s whose
 * targets hold the most of it, and the message's own objects ({@link SpreadChain}). `copied.sources`: the targets whose
 * `$ref`s make its copies, when no chain multiplies them ({@link CopiedTarget}). The `$ref`s must form no cycle
 * ({@link checkNoRefCycle} first).
 *
 * @throws Error when the `$ref`s form a cycle after all
 */
export function inlinedSchemaCount(files: ReadonlyMap<string, SchemaNode>, file: string, node: SchemaNode): { count: number; chain: string[]; copied: CopiedTarget | undefined; distinct: number; widest: WidestPlace | undefined; spread: SpreadChain } {
  const sizes = new Map<string, { count: number } | 'open'>();
  // Per target (and '' for `node`): its schema objects of its own (not through a $ref), and how many $refs of it lead to each target.
  const own = new Map<string, number>();
  const refsTo = new Map<string, Map<string, number>>();
  let distinct = 0;
  let widest: WidestPlace | undefined;
  // Subschemas under each schema's keyword (`file#pointer` of the schema, a space, the keyword), each target walked once:
  // only `properties` were counted, and a message wide through a 1,100-branch anyOf was told of an object of 11 properties (tCO F4).
  const under = new Map<string, number>();
  const measure = (current: SchemaNode, at: string, pointer: string, self: string): { count: number } => {
    let count = 0;
    let mine = 0;
    const edges = new Map<string, number>();
    refsTo.set(self, edges);
    forEachSubschema(current, (child, childPointer, slot) => {
      if (slot !== undefined) {
        // The parent's pointer: the child's without `/keyword` (and `/key` for a keyword of many: properties, anyOf, …).
        const parent = childPointer.split('/').slice(0, slot.key === undefined ? -1 : -2).join('/');
        const place = `${at}#${pointer}${parent} ${slot.keyword}`;
        const subschemas = (under.get(place) ?? 0) + 1;
        under.set(place, subschemas);
        if (subschemas > (widest?.subschemas ?? 0)) widest = { at: `${at}#${pointer}${parent}`, keyword: slot.keyword, subschemas };
      }
      if (child.$ref === undefined) {
        count++;
        mine++;
        distinct++;
        return;
      }
      const target = resolveRef(files, at, child.$ref);
      if (!target) {
        count++;
        mine++;
        distinct++;
        return;
      }
      const key = `${target.file}#${target.pointer}`;
      let size = sizes.get(key);
      if (size === 'open') throw new Error(`$ref cycle through ${key}`);
      if (size === undefined) {
        sizes.set(key, 'open');
        const { definitions: _definitions, ...rest } = target.node;
        size = measure(rest, target.file, target.pointer, key);
        sizes.set(key, size);
      }
      count += size.count;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    });
    own.set(self, mine);
    return { count };
  };
  const { definitions: _definitions, ...rest } = node;
  const root = measure(rest, file, '', '');
  // How many times each target is inlined: the sum, over the places whose $refs lead to it, of theirs times those $refs,
  // in topological order (a place before the targets it refers to; the $refs form no cycle).
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (key: string): void => {
    visited.add(key);
    for (const next of refsTo.get(key)?.keys() ?? []) if (!visited.has(next)) visit(next);
    order.push(key);
  };
  visit('');
  order.reverse();
  const times = new Map<string, number>([['', 1]]);
  const refs = new Map<string, number>();
  for (const key of order) {
    for (const [next, many] of refsTo.get(key) ?? []) {
      times.set(next, (times.get(next) ?? 0) + (times.get(key) ?? 0) * many);
      refs.set(next, (refs.get(next) ?? 0) + many);
    }
  }
  let copied: CopiedTarget | undefined;
  for (const key of order) {
    if (key === '') continue;
    const inlined = times.get(key) ?? 1;
    const adds = (own.get(key) ?? 0) * (inlined - 1);
    if (adds > 0 && adds > (copied?.adds ?? 0)) copied = { at: key, own: own.get(key) ?? 0, inlined, refs: refs.get(key) ?? 0, adds, sources: undefined, links: [] };
  }
  // Back from it to `node`, at each step the place that inlines it most often.
  const chain: string[] = [];
  for (let key = copied?.at; key !== undefined && key !== '' && !chain.includes(key); ) {
    chain.unshift(key);
    let from: string | undefined;
    let most = -1;
    for (const [place, edges] of refsTo) {
      const many = edges.get(key);
      if (many !== undefined && (times.get(place) ?? 0) * many > most) {
        from = place;
        most = (times.get(place) ?? 0) * many;
      }
    }
    key = from;
  }
  const sizeOf = (key: string): number => {
    const size = sizes.get(key);
    return size === undefined || size === 'open' ? 0 : size.count;
  };
  // Each link of that chain: how many $refs of the place before lead to the next, how often that place is inlined, and what
  // one copy of the next holds: one $ref fewer there takes away `inlined` times `size` (tDB F3: the advice named no place).
  const links: ChainLink[] = chain.map((to, index) => {
    const from = index === 0 ? '' : chain[index - 1] ?? '';
    return { from, to, refs: refsTo.get(from)?.get(to) ?? 0, inlined: times.get(from) ?? 1, size: sizeOf(to) };
  });
  if (copied !== undefined) copied.links = links;
  // Where its copies come from, when no chain multiplies them: no copied place (inlined more than once) reaches it by more
  // than one path, so each $ref from a place inlined once to it, or to a copied place that holds it, inlines one copy. A
  // definition referred to 3 times holding one $ref to a large one was told a chain doubled its copies (tCZ F7).
  if (copied !== undefined) {
    const target = copied.at;
    const rank = (key: string) => (key === target ? order.length : order.indexOf(key));
    const paths = new Map<string, number>();
    for (const key of [...order].reverse()) {
      let many = key === target ? 1 : 0;
      for (const [next, refsOf] of refsTo.get(key) ?? []) many += refsOf * (paths.get(next) ?? 0);
      paths.set(key, many);
    }
    const multiplies = order.some((key) => key !== '' && key !== target && (times.get(key) ?? 1) > 1 && (paths.get(key) ?? 0) > 1);
    if (!multiplies) {
      const sources = new Map<string, number>();
      for (const [place, edges] of refsTo) {
        if ((times.get(place) ?? 1) !== 1) continue;
        for (const [next, many] of edges) if ((paths.get(next) ?? 0) > 0 && (next === target || (times.get(next) ?? 1) > 1)) sources.set(next, (sources.get(next) ?? 0) + many);
      }
      // Those holding it first (in topological order), itself last.
      copied.sources = [...sources].map(([at, refsOf]) => ({ at, refs: refsOf, others: (refs.get(at) ?? 0) - refsOf, size: sizeOf(at) })).sort((a, b) => rank(a.at) - rank(b.at));
    }
  }
  // The chain of $refs whose targets, each counted once, hold the most schema objects of their own: what makes a message
  // large that no place makes wide, 110 definitions each a property's $ref to the next (tCV F11: an object of 10
  // properties was named "that wide"). Each place's heaviest chain below it, targets after the places that refer to them.
  const heaviest = new Map<string, { objects: number; next: string | undefined }>();
  for (const key of [...order].reverse()) {
    let best: { objects: number; next: string | undefined } = { objects: 0, next: undefined };
    for (const next of refsTo.get(key)?.keys() ?? []) {
      const below = heaviest.get(next)?.objects ?? 0;
      if (below > best.objects) best = { objects: below, next };
    }
    heaviest.set(key, { objects: (key === '' ? 0 : own.get(key) ?? 0) + best.objects, next: best.next });
  }
  const deepest: string[] = [];
  for (let key = heaviest.get('')?.next; key !== undefined; key = heaviest.get(key)?.next) deepest.push(key);
  const inlinedChain = deepest.reduce((sum, key) => sum + (own.get(key) ?? 0) * (times.get(key) ?? 1), 0);
  const spread: SpreadChain = { chain: deepest, objects: heaviest.get('')?.objects ?? 0, inlined: inlinedChain, targets: order.length - 1, own: own.get('') ?? 0 };
  return { count: root.count, chain, copied, distinct, widest, spread };
}

/**
 * The `$ref` targets of a message ({@link inlinedSchemaCount}): `targets` how many it reaches
 * (each counted once); `own` the message's objects written in it; `chain` the chain of `$ref`s from the message (file#pointer of each target,
 * in order) whose targets hold the most schema objects of their own (not through a `$ref`), and
 * `objects` how many that is (empty and 0 when it reaches none).
 */
export interface SpreadChain {
  chain: string[];
  objects: number;
  /** The same objects counted as often as they are inlined: what the message would hold fewer without the chain's targets' own objects. */
  inlined: number;
  targets: number;
  /** The message's schema objects of its own: written in it, not through a `$ref`. */
  own: number;
}

/**
 * The `$ref` target whose copies add the most to a message's inlined form ({@link inlinedSchemaCount}):
 * file#pointer, its schema objects of its own (not through a `$ref`), how many times it is inlined,
 * how many `$ref`s lead to it (each counted once, in the message or a target), and what its copies
 * past the first add (`own` times `inlined` - 1).
 */
export interface CopiedTarget {
  at: string;
  own: number;
  inlined: number;
  refs: number;
  adds: number;
  /**
   * Where the copies come from when no chain multiplies them (no copied place reaches `at` by more than one path): each
   * target whose `$ref`s from places inlined once each inline one copy (`at` itself, or a copied one that holds it, as a
   * definition referred to from 3 places holding one `$ref` to `at`), with how many such `$ref`s lead to it (`refs`) and
   * how many others, from copied places, whose copies are counted where those places are (`others`); those holding
   * `at` first, `at` last. Undefined when the copies multiply along a chain (each of a chain's definitions referring twice
   * to the next). `size`: the schema objects one inlined copy of `at` holds (one such `$ref` fewer takes them away).
   */
  sources: { at: string; refs: number; others: number; size: number }[] | undefined;
  /** The chain of `$ref`s to `at` (the place inlining it most at each step back), link by link from the message ({@link ChainLink}). */
  links: ChainLink[];
}

/**
 * One link of the chain of `$ref`s to a copied target ({@link CopiedTarget}): `from` the place ('' the message itself, else
 * file#pointer of a target), `to` the target it refers to, `refs` how many `$ref`s of `from` lead to `to`, `inlined` how
 * many times `from` is inlined (1 for the message), `size` the schema objects one inlined copy of `to` holds. Removing
 * one of those `$ref`s lowers the message's inlined count by `inlined` × `size`.
 */
export interface ChainLink {
  from: string;
  to: string;
  refs: number;
  inlined: number;
  size: number;
}

/** Where a schema holds the most subschemas under one keyword ({@link inlinedSchemaCount}): file#pointer of the schema, the keyword, how many. */
export interface WidestPlace {
  at: string;
  keyword: string;
  subschemas: number;
}

/** Why a `$ref` that leads back to a schema it stands in (through `loop`, file#pointer each, named as {@link linkPath} shortens it) cannot be generated. */
export function recursionProblem(ref: string, loop: readonly string[]): string {
  // A type that holds itself (a tree): the validators inline every $ref, and the generated types name none of the recursion.
  return `$ref ${JSON.stringify(ref)} leads back to a schema it stands in (${linkPath(loop)}): a recursive schema cannot be generated (the validators are compiled with every $ref inlined); bound its depth with a schema per level`;
}

/**
 * A copy of `node` (found in `file`) with every `$ref` replaced by the subschema it resolves
 * to, itself inlined the same way: a schema that needs no reference resolution. Draft-07
 * ignores the siblings of `$ref`, so the node holding one becomes its target as a whole.
 * Only `definitions` are dropped from the result's root: nothing refers into them any more.
 *
 * The ahead-of-time validators compile messages from this form: each message becomes one
 * flat function, where ajv would call one function per referenced schema that itself holds
 * a `$ref` (one call, one options object and one path string per nested object per message).
 *
 * @throws SchemaError when a ref resolves nowhere (the loader refuses that) or leads back to a schema it stands in (a
 *   recursive schema, which the loader reads and `diff` compares, but `generate` refuses: see `checkGeneratable`)
 */
export function inlineRefs(files: ReadonlyMap<string, SchemaNode>, file: string, node: SchemaNode): SchemaNode {
  // `base`: where `current` stands in `at`, so that a fault names the place of the $ref in its own file.
  const inline = (current: SchemaNode, at: string, base: string, trail: readonly string[]): SchemaNode =>
    mapSchema(current, (child, pointer) => {
      if (child.$ref === undefined) return child;
      const target = resolveRef(files, at, child.$ref);
      if (!target) throw new SchemaError(at, `${base}${pointer}/$ref`, `$ref ${JSON.stringify(child.$ref)} resolves to nothing`);
      const key = `${target.file}#${target.pointer}`;
      if (trail.includes(key)) throw new SchemaError(at, `${base}${pointer}/$ref`, recursionProblem(child.$ref, [...trail.slice(trail.indexOf(key)), key]));
      const { $id: _id, $schema: _schema, definitions: _definitions, ...rest } = target.node;
      return inline(rest, target.file, target.pointer, [...trail, key]);
    });
  const { definitions: _definitions, ...rest } = inline(node, file, '', []);
  return rest;
}
