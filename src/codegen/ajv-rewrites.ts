import { parse, type Node } from 'acorn';
import { ancestor, full } from './walk.js';
import { characterClassPattern } from '../contract/character-class.js';

/**
 * Rewrites ajv's standalone code so that each property of a checked object is read once.
 *
 * ajv reads a property up to three times: for `required` (`data.side === undefined`), for
 * `properties` (`if (data.side !== undefined)`) and for the value (`let data4 = data.side`).
 * Where one object shape is seen, V8 merges those reads; where a validator has seen several
 * shapes (a message with an extra key, a missing one, keys in another order — every producer
 * bug), each read is a megamorphic lookup, and a validator that rejected a few bad messages
 * became twice as slow on the good ones (`ping`: 1.7× the hand-written limit against 1.1×
 * with one read per property).
 *
 * In the block where ajv has established that a value is a plain object
 * (`if (X && typeof X == "object" && !Array.isArray(X)) { … }`), every `X.name` and
 * `X["name"]` becomes a variable declared at the top of the block (ajv's own `dataN` where it
 * has one): assigned where ajv's `required` test first reads it, or else at the declaration.
 * After that test, which returns when a property is missing, ajv's `if (X.name !== undefined)`
 * around a required property's checks becomes `if (true)` for the minifier to fold. Reading a
 * data property early changes nothing for JSON data; a getter in a hand-made value runs
 * earlier than before, and `validateMessage` reports a getter that throws as it did. A block
 * inside another for the same value is left to the outer one.
 *
 * Parsed with acorn, so strings and comments never confuse it.
 *
 * @throws Error when a block holds an assignment to a property of its object (ajv with
 *   `useDefaults` or `removeAdditional`, which the contract does not use)
 */
export function hoistPropertyLoads(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  // The blocks where a value is known to be an object; a block inside another for the same
  // value (a subschema that checks the type again) is left to the outer one.
  const blocks: { statement: Node & { test: Node; consequent: Node & { body?: Node[] } }; object: string }[] = [];
  full(ast, (node) => {
    if (node.type !== 'IfStatement') return;
    const statement = node as Node & { test: Node; consequent: Node & { body?: Node[] } };
    const match = OBJECT_TEST.exec(code.slice(statement.test.start, statement.test.end));
    if (match && statement.consequent.type === 'BlockStatement') blocks.push({ statement, object: match[1]! });
  });
  const outermost = blocks.filter(({ statement, object }) =>
    !blocks.some((other) => other.object === object && other.statement !== statement && other.statement.start <= statement.start && statement.end <= other.statement.end));
  for (const { statement, object } of outermost) {
    const aliases = new Map<string, string>();
    // ajv's own variable for a property's value (`let data4 = data.side`), where it has one:
    // its declaration moves to the top of the block and the name serves every read.
    const own = new Map<string, { name: string; declaration: Node }>();
    const declared = new Map<string, number>();
    full(statement.consequent, (inner) => {
      if (inner.type !== 'VariableDeclaration') return;
      const declaration = inner as AnyNode;
      if (declaration.declarations.length !== 1) return;
      const [declarator] = declaration.declarations;
      if (declarator.id.type !== 'Identifier' || declarator.init?.type !== 'MemberExpression' || !isObject(declarator.init, object)) return;
      const name = propertyName(declarator.init as Member);
      if (name === undefined) return;
      declared.set(name, (declared.get(name) ?? 0) + 1);
      own.set(name, { name: declarator.id.name, declaration });
    });
    for (const [name, count] of declared) if (count > 1) own.delete(name);
    // ajv's `required` test, the block's first `if` that records a missing name
    // (`X.a === undefined && (missing0 = "a") || …`), runs before any other read and stops
    // at the first missing property, returning: a property it reads is assigned there, in
    // place (`(data4 = X.a) === undefined`), which keeps the text a compressor sees much as
    // ajv wrote it.
    const requiredTest = (statement.consequent.body ?? []).find(
      (child) => child.type === 'IfStatement' && /\(missing\d+ = "/.test(code.slice((child as AnyNode).test.start, (child as AnyNode).test.end)) && returns((child as AnyNode).consequent),
    ) as AnyNode | undefined;
    const inRequiredTest = (inner: Node) => requiredTest !== undefined && requiredTest.test.start <= inner.start && inner.end <= requiredTest.test.end;
    const assignedInTest = new Set<string>();
    const requiredNames = new Set<string>();
    if (requiredTest) {
      full(requiredTest.test, (inner) => {
        if (inner.type === 'MemberExpression' && isObject(inner, object)) requiredNames.add(propertyName(inner as Member)!);
      });
    }
    // Past the `required` test every property it names is present: ajv's `if (X.a !== undefined)`
    // around each one's checks is always true, and says so for the minifier to fold.
    const foldedTests: Node[] = [];
    full(statement.consequent, (inner) => {
      if (inner.type !== 'IfStatement') return;
      const test = (inner as AnyNode).test;
      if (test.type !== 'BinaryExpression' || test.operator !== '!==' || test.left.type !== 'MemberExpression' || !isObject(test.left, object)) return;
      const name = propertyName(test.left as Member);
      if (name === undefined || !requiredNames.has(name) || !isUndefined(test.right) || test.start < requiredTest.consequent.end) return;
      foldedTests.push(test);
      edits.push({ start: test.start, end: test.end, text: 'true' });
    });
    const moved = new Set<Node>();
    for (const { declaration } of own.values()) moved.add(declaration);
    for (const declaration of moved) edits.push({ start: declaration.start, end: declaration.end, text: '' });
    full(statement.consequent, (inner) => {
      if (inner.type === 'AssignmentExpression' || inner.type === 'UpdateExpression') {
        const target = (inner as Node & { left?: Node; argument?: Node }).left ?? (inner as Node & { argument: Node }).argument;
        if (target.type === 'MemberExpression' && isObject(target, object)) throw new Error(`hoistPropertyLoads: ajv code writes to ${code.slice(target.start, target.end)}`);
        return;
      }
      if (inner.type !== 'MemberExpression' || !isObject(inner, object)) return;
      const name = propertyName(inner as Member);
      if (name === undefined || foldedTests.some((t) => t.start <= inner.start && inner.end <= t.end)) return;
      if ([...moved].some((d) => d.start <= inner.start && inner.end <= d.end)) {
        // The initializer of a declaration that moves: it moves with it.
        if (!aliases.has(name)) aliases.set(name, own.get(name)!.name);
        return;
      }
      let alias = aliases.get(name);
      if (alias === undefined) {
        aliases.set(name, (alias = own.get(name)?.name ?? `${object}$${aliases.size}`));
        if (inRequiredTest(inner)) {
          assignedInTest.add(name);
          edits.push({ start: inner.start, end: inner.end, text: `(${alias} = ${code.slice(inner.start, inner.end)})` });
          return;
        }
      }
      edits.push({ start: inner.start, end: inner.end, text: alias });
    });
    if (aliases.size === 0) continue;
    const declarations = [...aliases].map(([name, alias]) =>
      assignedInTest.has(name) ? alias : `${alias} = ${object}${/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`,
    );
    edits.push({ start: statement.consequent.start + 1, end: statement.consequent.start + 1, text: `\nlet ${declarations.join(', ')};` });
  }
  return applyEdits(code, edits);
}

/** ajv's test that a value is an object and not an array (`X && typeof X == "object" && !Array.isArray(X)`), parenthesized or not. */
const OBJECT_TEST = /^\(*(data\d*)\)* && \(*typeof \1 == "object"\)* && \(*!Array\.isArray\(\1\)\)*$/;

/** A statement that returns at once: `return …;` or a block that starts with one. */
function returns(node: AnyNode): boolean {
  return node.type === 'ReturnStatement' || (node.type === 'BlockStatement' && node.body[0]?.type === 'ReturnStatement');
}

/** `undefined` or `void 0`. */
function isUndefined(node: AnyNode): boolean {
  return (node.type === 'Identifier' && node.name === 'undefined') || (node.type === 'UnaryExpression' && node.operator === 'void' && node.argument.type === 'Literal');
}

type Member = Node & { object: Node & { name?: string }; property: Node & { name?: string; value?: unknown }; computed: boolean };

function isObject(node: Node, name: string): boolean {
  const object = (node as Member).object;
  return object.type === 'Identifier' && object.name === name;
}

/** `X.name` or `X["name"]` → `name`; anything else (`X[key0]`) → undefined. */
function propertyName(node: Member): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

/**
 * Trims the error objects of ajv's standalone code to what the runtime reads: `instancePath`,
 * `keyword` and `params` (and `data` under ajv's `verbose`). `schemaPath` (and, under
 * `verbose`, `schema` and `parentSchema`) are removed: nothing reads them, they are bytes in
 * every browser download, and `schema` references would keep whole schema objects in the
 * module.
 */
export function slimErrorObjects(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node) => {
    if (node.type !== 'ObjectExpression') return;
    const properties = (node as Node & { properties: (Node & { key: Node & { name?: string } })[] }).properties;
    const names = properties.map((p) => p.key?.name);
    if (!names.includes('instancePath') || !names.includes('keyword')) return;
    const kept = properties.filter((_, index) => !DROPPED.has(names[index]!));
    if (kept.length === properties.length) return;
    edits.push({ start: node.start, end: node.end, text: `{${kept.map((p) => code.slice(p.start, p.end)).join(',')}}` });
  });
  return applyEdits(code, edits);
}

const DROPPED = new Set(['schemaPath', 'schema', 'parentSchema']);

/**
 * Source of the function every rejection of the generated module goes through: sets the
 * validator's `errors` (the one error, as ajv would) and returns false.
 */
export const REJECT_SOURCE = `function reject(validate, instancePath, keyword, params, data) {
  validate.errors = [{ instancePath, keyword, params, data }];
  return false;
}`;

/**
 * The name of the one place where the generated module keeps the errors of the rejection in
 * hand ({@link withErrorSlot}), and the functions that set and hand it over: {@link
 * ERROR_SLOT_SOURCE} is part of the module that holds the validators.
 */
export const ERROR_SLOT = 'lastErrors';

/**
 * Source of the error slot of the generated module: `reject` stores the one error there
 * (as ajv stores it on the validator) and returns false; `taken` hands the errors over and
 * empties the slot, so the module keeps nothing of a rejected value.
 */
export const ERROR_SLOT_SOURCE = `let ${ERROR_SLOT} = null;
function reject(instancePath, keyword, params, data) {
  ${ERROR_SLOT} = [{ instancePath, keyword, params, data }];
  return false;
}
export function taken() {
  const errors = ${ERROR_SLOT};
  ${ERROR_SLOT} = null;
  return errors;
}`;

/**
 * ajv keeps a validator's errors on the function (`validateN.errors`), and {@link callReject}
 * passes the function to every rejection (`reject(validateN, …)`): one name per validator at
 * each of the 350 error sites, which keeps a compressor from seeing the sites of different
 * validators as the same text. The module keeps them in one slot ({@link ERROR_SLOT_SOURCE})
 * instead: `reject(validateN, …)` becomes `reject(…)`, `validateN.errors = X` becomes
 * `lastErrors = X`, and a read of `validateN.errors` (a caller of a nested validator, right
 * after its call returned false) reads the slot. Nothing runs between a rejection and the
 * read of its errors (the rejection returns at once, up to the caller that takes them), so
 * one slot holds what the functions held: a call made from a getter while another runs has
 * handed its errors over before the outer one goes on.
 *
 * @throws Error when `validateN.errors` is used in another way (an update, a delete, …)
 */
export function withErrorSlot(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  const handled = new Set<AnyNode>();
  full(ast, (node: AnyNode) => {
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'reject') {
      const [validator, next] = node.arguments as AnyNode[];
      if (validator?.type !== 'Identifier' || !/^validate/.test(validator.name) || next === undefined) throw new Error(`withErrorSlot: a reject call it does not know: ${code.slice(node.start, node.end)}`);
      edits.push({ start: validator.start, end: next.start, text: '' });
    }
    if (node.type === 'AssignmentExpression' && node.operator === '=' && isErrors(node.left)) {
      handled.add(node.left);
      edits.push({ start: node.left.start, end: node.left.end, text: ERROR_SLOT });
    }
  });
  full(ast, (node: AnyNode) => {
    if (!isErrors(node) || handled.has(node)) return;
    handled.add(node);
    edits.push({ start: node.start, end: node.end, text: ERROR_SLOT });
  });
  // A read must be a plain value read: not the target of `++`, `delete`, `+=`, ….
  full(ast, (node: AnyNode) => {
    const target = node.type === 'UpdateExpression' || (node.type === 'UnaryExpression' && node.operator === 'delete') ? node.argument : node.type === 'AssignmentExpression' && node.operator !== '=' ? node.left : undefined;
    if (target !== undefined && isErrors(target)) throw new Error(`withErrorSlot: validator errors used in a way it does not know: ${code.slice(node.start, node.end)}`);
  });
  if (new RegExp(`\\b${ERROR_SLOT}\\b`).test(code)) throw new Error(`withErrorSlot: the code already names ${ERROR_SLOT}`);
  return applyEdits(code, edits);
}

/** `validateN.errors`. */
function isErrors(node: AnyNode): boolean {
  return node.type === 'MemberExpression' && !node.computed && node.property.name === 'errors' && node.object.type === 'Identifier' && /^validate/.test(node.object.name);
}

/**
 * Replaces each of ajv's rejections, `validateN.errors = [{ instancePath, keyword, params, data }];
 * return false;`, with a call, `return reject(validateN, instancePath, keyword, params, data);`
 * ({@link REJECT_SOURCE}): the same effect in about half the bytes, at the 350 places a browser
 * downloads them. Run after {@link slimErrorObjects}.
 *
 * @throws Error when a rejection holds more than `instancePath`, `keyword`, `params` and `data`
 */
export function callReject(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node) => {
    if (node.type !== 'BlockStatement') return;
    const body = (node as Node & { body: AnyNode[] }).body;
    for (let index = 0; index + 1 < body.length; index++) {
      const store = body[index]!;
      const next = body[index + 1]!;
      const assignment = store.type === 'ExpressionStatement' ? store.expression : undefined;
      if (assignment?.type !== 'AssignmentExpression' || assignment.left.type !== 'MemberExpression' || assignment.left.property?.name !== 'errors') continue;
      if (assignment.right.type !== 'ArrayExpression' || next.type !== 'ReturnStatement' || next.argument?.type !== 'Literal' || next.argument.value !== false) continue;
      const [error, more] = assignment.right.elements;
      if (error?.type !== 'ObjectExpression' || more !== undefined) continue;
      const parts = new Map<string, string>(error.properties.map((p: AnyNode) => [p.key.name as string, code.slice(p.value.start, p.value.end)]));
      const known = ['instancePath', 'keyword', 'params', 'data'];
      if (parts.size !== (parts.has('data') ? 4 : 3) || !known.slice(0, 3).every((name) => parts.has(name)) || [...parts.keys()].some((name) => !known.includes(name))) {
        throw new Error(`callReject: a rejection with other fields than instancePath, keyword, params and data: ${code.slice(store.start, store.end)}`);
      }
      const validator = code.slice(assignment.left.object.start, assignment.left.object.end);
      const data = parts.has('data') ? `, ${parts.get('data')}` : '';
      edits.push({ start: store.start, end: next.end, text: `return reject(${validator}, ${parts.get('instancePath')}, ${parts.get('keyword')}, ${parts.get('params')}${data});` });
    }
  });
  return applyEdits(code, edits);
}

// acorn's estree nodes, loosely: the rewrites read a few fields and check `type` first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyNode = any;

/**
 * ajv counts errors in a variable (`let errors = 0`) and tests it after every keyword
 * (`const _errs4 = errors; … var valid1 = _errs4 === errors`). With `allErrors: false` and a
 * rejection that returns at once, only an `anyOf` (a nullable object) ever changes it: in a
 * function without one, `errors` is 0 throughout. There every read of `errors` and of its
 * snapshots (`_errsN`) becomes `0`, and their declarations go, so the minifier folds the
 * tests away: fewer bytes for every browser, fewer instructions for every message.
 * A function that changes `errors` only inside an `anyOf` that puts it back (a nullable
 * field's; see {@link restoringRegions}) has it folded everywhere else: there, too, it is 0.
 * Other functions that change `errors` are left as they are.
 */
export function withoutConstantErrorCount(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node) => {
    if (node.type !== 'FunctionDeclaration') return;
    const writes: AnyNode[] = [];
    const snapshots = new Map<string, AnyNode>();
    full((node as AnyNode).body, (inner: AnyNode) => {
      if ((inner.type === 'UpdateExpression' && inner.argument.type === 'Identifier' && inner.argument.name === 'errors') ||
        (inner.type === 'AssignmentExpression' && inner.left.type === 'Identifier' && inner.left.name === 'errors')) writes.push(inner);
      if (inner.type === 'VariableDeclarator' && inner.id.name?.startsWith('_errs')) snapshots.set(inner.id.name, inner);
    });
    const regions = writes.length === 0 ? [] : restoringRegions((node as AnyNode).body, snapshots);
    if (regions === undefined) return;
    const inRegion = (inner: AnyNode) => regions.some(([start, end]) => start <= inner.start && inner.end <= end);
    if (!writes.every(inRegion)) return;
    // Outside the regions the count is 0; so is every snapshot taken there.
    const folded = new Set([...snapshots].filter(([, declarator]) => !inRegion(declarator)).map(([name]) => name));
    full((node as AnyNode).body, (inner: AnyNode) => {
      if (inner.type === 'VariableDeclaration' && inner.declarations.length === 1) {
        const [declarator] = inner.declarations;
        if ((declarator.id.name === 'errors' && regions.length === 0) || folded.has(declarator.id.name)) {
          edits.push({ start: inner.start, end: inner.end, text: '' });
        }
      }
    });
    // Identifiers that are reads (not declarations, not property names).
    ancestorReads((node as AnyNode).body, (identifier) => {
      if ((identifier.name === 'errors' && !inRegion(identifier)) || folded.has(identifier.name)) edits.push({ start: identifier.start, end: identifier.end, text: '0' });
    });
  });
  // A declaration removed contains no read (its initializer `errors` is inside it): drop reads inside removed ranges.
  const removed = edits.filter((e) => e.text === '');
  return applyEdits(code, edits.filter((e) => e.text === '' || !removed.some((r) => r.start <= e.start && e.end <= r.end)));
}

/**
 * The stretches of a function where ajv's `anyOf` counts the errors of its branches and
 * then puts the count back: each ends with `if (!validN) { …; return false; } else {
 * errors = _errsM; … }`, where `_errsM` is the count taken before the first branch (`const
 * _errsM = errors`). A stretch runs from just after that snapshot (or from the start of its
 * block, when the snapshot is taken before the block: a nullable value's `if (x !== null)
 * { … }`) to the end of that `if`: whatever it adds to the count, the count is back to the
 * snapshot's value at its end, or the function has returned. A count written only in such
 * stretches is therefore, everywhere else, what it was at the start: 0. Undefined when a
 * stretch holds a `break` or `continue`, which could leave it before the count is put back.
 */
function restoringRegions(body: AnyNode, snapshots: ReadonlyMap<string, AnyNode>): [number, number][] | undefined {
  const regions: [number, number][] = [];
  let escapes = false;
  full(body, (block: AnyNode) => {
    if (block.type !== 'BlockStatement') return;
    const list = block.body as AnyNode[];
    list.forEach((statement, index) => {
      if (statement.type !== 'IfStatement' || statement.test.type !== 'UnaryExpression' || statement.test.operator !== '!' || statement.test.argument.type !== 'Identifier') return;
      const last = statement.consequent.type === 'BlockStatement' ? statement.consequent.body.at(-1) : undefined;
      if (last?.type !== 'ReturnStatement' || last.argument?.type !== 'Literal' || last.argument.value !== false) return;
      const reset = statement.alternate?.type === 'BlockStatement' ? statement.alternate.body[0] : undefined;
      const assignment = reset?.type === 'ExpressionStatement' ? reset.expression : undefined;
      if (assignment?.type !== 'AssignmentExpression' || assignment.operator !== '=' || assignment.left.name !== 'errors' || assignment.right.type !== 'Identifier') return;
      const snapshot = snapshots.get(assignment.right.name as string);
      if (snapshot?.init?.type !== 'Identifier' || snapshot.init.name !== 'errors') return;
      const declaredHere = list.slice(0, index).find((sibling) => sibling.start <= snapshot.start && snapshot.end <= sibling.end);
      if (declaredHere === undefined && snapshot.end > block.start) return;
      const start = declaredHere === undefined ? (list[0] as AnyNode).start : declaredHere.end;
      regions.push([start, statement.end]);
    });
  });
  full(body, (inner: AnyNode) => {
    if ((inner.type === 'BreakStatement' || inner.type === 'ContinueStatement') && regions.some(([start, end]) => start <= inner.start && inner.end <= end)) escapes = true;
  });
  return escapes ? undefined : regions;
}

/**
 * Calls `visit` for each Identifier under `root` that is visited as an expression ({@link ancestor}):
 * not a declared name, a parameter or an assignment's target, the target of `x += 1` included (each
 * a `VariablePattern`), and not a property key or a non-computed member property (not visited).
 */
function ancestorReads(root: AnyNode, visit: (identifier: AnyNode) => void): void {
  ancestor(root, {
    Identifier(node: AnyNode) {
      visit(node);
    },
  });
}

/**
 * ajv keeps a flag per keyword (`var valid1 = _errs4 === errors; … if (valid1) { … }`); once
 * the error count is folded ({@link withoutConstantErrorCount}), a flag that is only ever set
 * to `true` is a constant. In each function, a `validN` whose every assignment is `true` has
 * its declarations removed and its reads replaced by `true`, for the minifier to fold.
 */
export function withoutConstantValidFlags(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node) => {
    if (node.type !== 'FunctionDeclaration') return;
    const body = (node as AnyNode).body;
    const notConstant = new Set<string>();
    const declarations: AnyNode[] = [];
    full(body, (inner: AnyNode) => {
      if (inner.type === 'VariableDeclaration' && inner.declarations.length === 1 && /^valid\d+$/.test(inner.declarations[0].id.name ?? '')) {
        const [declarator] = inner.declarations;
        if (isTrue(declarator.init)) declarations.push(inner);
        else notConstant.add(declarator.id.name);
      }
      if (inner.type === 'AssignmentExpression' && inner.left.type === 'Identifier' && /^valid\d+$/.test(inner.left.name)) notConstant.add(inner.left.name);
      if (inner.type === 'UpdateExpression' && inner.argument.type === 'Identifier' && /^valid\d+$/.test(inner.argument.name)) notConstant.add(inner.argument.name);
    });
    const constant = (name: string) => /^valid\d+$/.test(name) && !notConstant.has(name);
    for (const declaration of declarations) if (constant(declaration.declarations[0].id.name)) edits.push({ start: declaration.start, end: declaration.end, text: '' });
    ancestorReads(body, (identifier) => {
      if (constant(identifier.name) && !declarations.some((d) => d.start <= identifier.start && identifier.end <= d.end)) edits.push({ start: identifier.start, end: identifier.end, text: 'true' });
    });
  });
  return applyEdits(code, edits);
}

/** `true`, or `0 === 0` as {@link withoutConstantErrorCount} leaves a folded comparison. */
function isTrue(node: AnyNode): boolean {
  if (node?.type === 'Literal') return node.value === true;
  return node?.type === 'BinaryExpression' && node.operator === '===' && node.left.type === 'Literal' && node.right.type === 'Literal' && node.left.value === node.right.value;
}

/**
 * Marks ajv's module-level patterns (`const pattern0 = new RegExp("^…$", "u")`) as pure, for
 * a consumer's bundler: `new RegExp` may throw, so without the mark a bundle that keeps one
 * validator (e.g. `createPing`'s) keeps every pattern and what they reach. Only a `new RegExp`
 * of two string literals at the top level of the module is marked, and each is compiled here
 * first, so the mark is true: it cannot throw.
 */
export function withPurePatterns(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of ast.body as AnyNode[]) {
    if (statement.type !== 'VariableDeclaration') continue;
    for (const { init } of statement.declarations as AnyNode[]) {
      if (init?.type !== 'NewExpression' || init.callee.type !== 'Identifier' || init.callee.name !== 'RegExp') continue;
      const args = init.arguments as AnyNode[];
      if (args.length !== 2 || !args.every((arg) => arg.type === 'Literal' && typeof arg.value === 'string')) continue;
      new RegExp(args[0]!.value as string, args[1]!.value as string);
      edits.push({ start: init.start, end: init.start, text: '/* @__PURE__ */ ' });
    }
  }
  return applyEdits(code, edits);
}

/**
 * ajv's patterns that are one character class repeated (`^[0-9A-Za-z._~-]{1,128}$`, the
 * cursor's) become functions that test each character's code against the class's ranges: a
 * `RegExp#test` costs a call into the regular-expression engine, about 50 ns against 30 for the
 * loop, on a field that most stream messages carry. The pattern must be the whole of `^[…]$`
 * with `{m,n}`, `{n}`, `+` or `*` after the class, its class of printable ASCII characters and
 * ranges, escaped syntax characters and `\d`, `\w`, `\s` (a `-` first or last is itself: see
 * {@link characterClassPattern}), its flags none or `u` (where no character the class holds is
 * past U+FFFF or a surrogate, `u` changes nothing: a character outside it fails either way, and
 * the length counted in code points is the length in code units). `$` without the `m`
 * flag is the end of the text, as the loop reads it. A pattern used other than as
 * `patternN.test(x)` is left as it is; so is every other pattern.
 */
export function withCharacterClassPatterns(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  const classes = new Map<string, { declaration: AnyNode; test: string }>();
  for (const statement of ast.body as AnyNode[]) {
    if (statement.type !== 'VariableDeclaration' || statement.declarations.length !== 1) continue;
    const [{ id, init }] = statement.declarations as AnyNode[];
    if (id.type !== 'Identifier' || init?.type !== 'NewExpression' || init.callee.name !== 'RegExp') continue;
    const [source, flags] = (init.arguments as AnyNode[]).map((arg) => (arg.type === 'Literal' && typeof arg.value === 'string' ? arg.value : undefined));
    const test = source !== undefined && (flags === '' || flags === 'u') ? characterClassTest(source) : undefined;
    if (test !== undefined) classes.set(id.name as string, { declaration: statement, test });
  }
  const calls: AnyNode[] = [];
  const otherUses = new Set<string>();
  ancestor(ast as Node, {
    Identifier(node, _state, ancestors) {
      const name = (node as AnyNode).name as string;
      if (!classes.has(name)) return;
      const parent = ancestors[ancestors.length - 2] as AnyNode;
      const grandparent = ancestors[ancestors.length - 3] as AnyNode | undefined;
      // Its declaration's name is a `VariablePattern`, not visited here.
      if (parent.type === 'MemberExpression' && parent.object === node && !parent.computed && parent.property.name === 'test' && grandparent?.type === 'CallExpression' && grandparent.callee === parent && grandparent.arguments.length === 1) calls.push(parent);
      else otherUses.add(name);
    },
  });
  const edits: { start: number; end: number; text: string }[] = [];
  for (const [name, { declaration, test }] of classes) {
    if (otherUses.has(name)) continue;
    edits.push({ start: declaration.start, end: declaration.end, text: `function ${name}(value) {\n${test}\n}` });
  }
  for (const call of calls) {
    if (!otherUses.has(call.object.name)) edits.push({ start: call.start, end: call.end, text: call.object.name });
  }
  return applyEdits(code, edits);
}

/** The body of a function of `value` (a string) that agrees with `new RegExp(source)` for a pattern of one character class repeated, or undefined for any other pattern. */
function characterClassTest(source: string): string | undefined {
  const pattern = characterClassPattern(source);
  if (pattern === undefined) return undefined;
  const { min, max } = pattern;
  const tests = pattern.ranges.map(([low, high]) => (low === high ? `code === ${low}` : `code >= ${low} && code <= ${high}`));
  const lengthTest = [min > 0 && `length < ${min}`, max !== Infinity && `length > ${max}`].filter(Boolean).join(' || ');
  return [
    `  // ${JSON.stringify(source).slice(1, -1).replace(/\*\//g, '*\\/')}`,
    '  const length = value.length;',
    ...(lengthTest ? [`  if (${lengthTest}) return false;`] : []),
    '  for (let i = 0; i < length; i++) {',
    '    const code = value.charCodeAt(i);',
    `    if (!(${tests.join(' || ')})) return false;`,
    '  }',
    '  return true;',
  ].join('\n');
}

/**
 * ajv tests a number keyword's value again after its `type` has passed: `type: "number"`
 * compiles to `if (typeof x == "number" && isFinite(x)) { if (x < 0 || isNaN(x)) … }`, and
 * `type: "integer"` (after {@link withIntegerCheck}'s `Number.isInteger`) is followed by the
 * same `typeof … && isFinite` test around its bounds. Where a variable is known to be a
 * finite number — inside that test's block, or after a test that returns when it is not —
 * `typeof x == "number" && isFinite(x)` becomes `true` and `… || isNaN(x)` loses its
 * `isNaN`: fewer bytes for every browser, fewer instructions for every timestamp. A variable
 * assigned more than once in its function (a parameter counts once) is left alone.
 */
export function withoutRedundantNumberChecks(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (fn) => {
    if (fn.type !== 'FunctionDeclaration') return;
    // A parameter counts as its first assignment.
    const assignments = new Map<string, number>(((fn as AnyNode).params as AnyNode[]).filter((p) => p.type === 'Identifier').map((p) => [p.name as string, 1]));
    full((fn as AnyNode).body, (inner: AnyNode) => {
      const target = inner.type === 'AssignmentExpression' ? inner.left : inner.type === 'UpdateExpression' ? inner.argument : inner.type === 'VariableDeclarator' && inner.init ? inner.id : undefined;
      if (target?.type === 'Identifier') assignments.set(target.name, (assignments.get(target.name) ?? 0) + 1);
    });
    const finiteAt = (ancestors: AnyNode[], name: string): boolean => {
      if ((assignments.get(name) ?? 0) > 1) return false;
      for (let index = ancestors.length - 2; index >= 0; index--) {
        const parent = ancestors[index];
        const child = ancestors[index + 1];
        if (parent.type === 'IfStatement' && parent.consequent === child && finiteTest(parent.test) === name) return true;
        if (parent.type === 'BlockStatement') {
          for (const sibling of parent.body as AnyNode[]) {
            if (sibling === child) break;
            if (sibling.type === 'IfStatement' && !sibling.alternate && returns(sibling.consequent) && sibling.test.type === 'UnaryExpression' && sibling.test.operator === '!' && finiteTest(sibling.test.argument) === name) return true;
          }
        }
      }
      return false;
    };
    ancestor((fn as AnyNode).body, {
      LogicalExpression(node: AnyNode, _state: unknown, ancestors: AnyNode[]) {
        const name = finiteTest(node);
        if (name !== undefined && finiteAt(ancestors, name)) {
          edits.push({ start: node.start, end: node.end, text: 'true' });
          return;
        }
        if (node.operator !== '||') return;
        const nan = isNanCall(node.right) ?? isNanCall(node.left);
        if (nan === undefined || !finiteAt(ancestors, nan)) return;
        const kept = isNanCall(node.right) === nan ? node.left : node.right;
        edits.push({ start: node.start, end: node.end, text: `(${code.slice(kept.start, kept.end)})` });
      },
    });
  });
  // A `true` that replaced a whole test may sit inside a `|| isNaN` edit of an outer node: keep the outer one only.
  const kept = edits.filter((edit) => !edits.some((other) => other !== edit && other.start <= edit.start && edit.end <= other.end));
  return applyEdits(code, kept);
}

/** The variable `x` of `typeof x == "number" && isFinite(x)` or of `Number.isInteger(x)`, else undefined. */
function finiteTest(node: AnyNode): string | undefined {
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.name === 'Number' && node.callee.property.name === 'isInteger' && node.arguments.length === 1 && node.arguments[0].type === 'Identifier') {
    return node.arguments[0].name;
  }
  if (node.type !== 'LogicalExpression' || node.operator !== '&&') return undefined;
  const { left, right } = node;
  if (left.type !== 'BinaryExpression' || left.operator !== '==' || left.left.type !== 'UnaryExpression' || left.left.operator !== 'typeof' || left.left.argument.type !== 'Identifier') return undefined;
  if (left.right.type !== 'Literal' || left.right.value !== 'number') return undefined;
  const name = left.left.argument.name as string;
  return right.type === 'CallExpression' && right.callee.type === 'Identifier' && right.callee.name === 'isFinite' && right.arguments.length === 1 && right.arguments[0].type === 'Identifier' && right.arguments[0].name === name ? name : undefined;
}

/** The variable `x` of `isNaN(x)`, else undefined. */
function isNanCall(node: AnyNode): string | undefined {
  return node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'isNaN' && node.arguments.length === 1 && node.arguments[0].type === 'Identifier' ? node.arguments[0].name : undefined;
}

/**
 * The message validators exported as `exported` take the message's `type` as read by their
 * caller, as a fifth argument: `validateMessage` reads `type` to choose the validator, and a
 * second read of it in the validator was the largest cost left on small messages (where every
 * type has been seen, each read is a megamorphic lookup: `ping` 1.5× → 1.3× the hand-written
 * limit side by side). The validator's one read of its root object's `type` becomes
 * `(knownType === void 0 ? data.type : knownType)`, so a call without it (ajv's own, from the
 * poll document's `anyOf`) reads it as before. The caller's value is the one judged: a getter
 * is asked once.
 *
 * A validator that does not read its root object's `type` exactly once is left as it is.
 *
 * @throws Error when an exported name has no function declaration
 */
export function withTypeArgument(code: string, exported: ReadonlySet<string>): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  const validators = new Map<string, string>();
  for (const statement of ast.body as AnyNode[]) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : undefined;
    if (declaration?.type !== 'VariableDeclaration') continue;
    for (const { id, init } of declaration.declarations as AnyNode[]) {
      if (exported.has(id.name) && init?.type === 'Identifier') validators.set(init.name, id.name);
    }
  }
  const edits: { start: number; end: number; text: string }[] = [];
  for (const fn of ast.body as AnyNode[]) {
    if (fn.type !== 'FunctionDeclaration' || !validators.has(fn.id.name)) continue;
    const params = fn.params as AnyNode[];
    const root = params[0]?.name as string;
    const reads: AnyNode[] = [];
    let clash = false;
    full(fn.body, (node: AnyNode) => {
      if (node.type === 'Identifier' && node.name === KNOWN_TYPE) clash = true;
      if (node.type === 'MemberExpression' && isObject(node, root) && propertyName(node) === 'type') reads.push(node);
    });
    // Another shape (a root `allOf` that reads `type` again, …): left as it is, it reads
    // `type` itself and ignores the argument; the generator that refuses such a schema names
    // its file and pointer.
    if (clash || reads.length !== 1 || params.length !== 4) {
      validators.delete(fn.id.name);
      continue;
    }
    const read = reads[0]!;
    edits.push({ start: read.start, end: read.end, text: `(${KNOWN_TYPE} === void 0 ? ${code.slice(read.start, read.end)} : ${KNOWN_TYPE})` });
    edits.push({ start: params[3].end, end: params[3].end, text: `, ${KNOWN_TYPE}` });
    validators.delete(fn.id.name);
  }
  if (validators.size > 0) throw new Error(`no function declaration for ${[...validators.values()].join(', ')}`);
  return applyEdits(code, edits);
}

const KNOWN_TYPE = 'knownType';

/**
 * In strict mode, a message validator given the type its caller read ({@link withTypeArgument})
 * does not test again that its root value is a plain object: the caller read that type from an
 * object it had just tested (`validateMessage` tests `typeof`, `null` and `Array.isArray`
 * before it picks the validator), and on a keepalive, where the whole check is one integer and
 * one loop over two keys, the repeated test was a measurable share (`ping` 1.58× → see the
 * README's performance section). The root's test
 * `data && typeof data == "object" && !Array.isArray(data)` becomes
 * `strict && knownType !== void 0 || data && …`: a call without the type (ajv's own, a
 * builder's) or in tolerant mode tests as before, so `checkMessage(type, value, 'tolerant',
 * notices, true)` keeps the verdicts of the browser client's tolerant-only module, which is
 * built without this rewrite and so stays as small as it was.
 *
 * A validator without the `knownType` argument, or whose root is not tested by ajv's object
 * test, is left as it is.
 */
export function withKnownObject(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  const edits: { start: number; end: number; text: string }[] = [];
  for (const fn of ast.body as AnyNode[]) {
    if (fn.type !== 'FunctionDeclaration') continue;
    const params = fn.params as AnyNode[];
    if (params.length !== 5 || params[2].name !== STRICT || params[4].name !== KNOWN_TYPE) continue;
    const root = params[0].name as string;
    // The outermost test of the root, first in the source (the walk visits inner nodes first): a test of it again inside stays.
    let test: AnyNode | undefined;
    full(fn.body, (node: AnyNode) => {
      if (node.type === 'IfStatement' && (test === undefined || node.test.start < test.start) && OBJECT_TEST.exec(code.slice(node.test.start, node.test.end))?.[1] === root) test = node.test;
    });
    if (test !== undefined) edits.push({ start: test.start, end: test.start, text: `${STRICT} && ${KNOWN_TYPE} !== void 0 || ` });
  }
  return applyEdits(code, edits);
}

/**
 * The validators specialized for tolerant mode, for a consumer that never validates strictly
 * (the browser client): each `if (strict) { A } else { B }` becomes `{ B }` (or goes, without
 * an `else`), and each other read of the `strict` argument becomes `false` (the date-time
 * check's `producer` flag, the calls of nested validators). Unknown-key counts and strict enum
 * rejections are most of what goes. The functions keep their signature, so the module's
 * entry calls them as `validators.js`'s does, with `false`; verdicts, errors and notices are
 * those of `validators.js` in tolerant mode (fuzzed in test/runtime/tolerant-validators.test.ts).
 *
 * @throws Error when `strict` is assigned (a shape of ajv's output this does not know)
 */
export function tolerantOnly(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  /** Each `if (strict)` (replaced by its `else`, rewritten in turn) and each other read of `strict` (replaced by `false`). */
  const edits: { start: number; end: number; alternate?: { start: number; end: number } | null }[] = [];
  full(ast, (node: AnyNode) => {
    if (node.type === 'IfStatement' && node.test.type === 'Identifier' && node.test.name === STRICT) edits.push({ start: node.start, end: node.end, alternate: node.alternate });
    if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier' && node.left.name === STRICT) {
      throw new Error(`tolerantOnly: the strict argument is assigned: ${code.slice(node.start, node.end)}`);
    }
  });
  ancestorReads(ast, (identifier) => {
    if (identifier.name === STRICT) edits.push({ start: identifier.start, end: identifier.end });
  });
  edits.sort((x, y) => x.start - y.start || y.end - x.end);
  // The text of [start, end) with the outermost edits inside it applied; an `else` kept is rendered the same way.
  const render = (start: number, end: number): string => {
    let text = '';
    let at = start;
    for (const edit of edits) {
      if (edit.start < at || edit.end > end) continue;
      text += code.slice(at, edit.start);
      text += edit.alternate === undefined ? 'false' : edit.alternate === null ? ';' : render(edit.alternate.start, edit.alternate.end);
      at = edit.end;
    }
    return text + code.slice(at, end);
  };
  return render(0, code.length);
}

const STRICT = 'strict';

/** `code` with each `{ start, end, text }` replacing its range; the ranges must not overlap (an insertion at a point may share it with a replacement). */
function applyEdits(code: string, edits: { start: number; end: number; text: string }[]): string {
  // Joined in one pass (one slice per edit, not a copy of the whole text per edit: an object of 1,000 properties has thousands of edits).
  const pieces: string[] = [];
  let at = 0;
  // Two edits of one range (insertions at one point): the later one first, as when each was applied from the end.
  const order = edits.map((edit, index) => ({ edit, index })).sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || b.index - a.index);
  for (const { edit } of order) {
    pieces.push(code.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  pieces.push(code.slice(at));
  return pieces.join('');
}

/**
 * In the browser client's tolerant module: each closed list's test, a chain of `===` against its
 * values (`!(data4 === "luno" || data4 === "binance" || …)`), becomes a lookup in the array of
 * the same values that the module already holds for its notice (`!embedded3.includes(data4)`):
 * the same verdict (the values are JSON: no NaN, for which `includes` and `===` differ) in a
 * quarter of the bytes, about 0.25 KB min+gzip over the contract's 18 lists. Strict mode's
 * module keeps the chain, the faster test. A chain with no array of exactly its values, in
 * order, declared at the module's top level, is left as it is.
 */
export function closedListLookups(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  const arrays = new Map<string, string>();
  for (const statement of ast.body as AnyNode[]) {
    if (statement.type !== 'VariableDeclaration') continue;
    for (const declaration of statement.declarations as AnyNode[]) {
      const init = declaration.init;
      if (declaration.id.type !== 'Identifier' || init?.type !== 'ArrayExpression' || init.elements.length === 0) continue;
      if (!init.elements.every((element: AnyNode) => element?.type === 'Literal' && !(element.value instanceof RegExp) && typeof element.value !== 'bigint')) continue;
      const key = JSON.stringify(init.elements.map((element: AnyNode) => element.value));
      if (!arrays.has(key)) arrays.set(key, declaration.id.name);
    }
  }
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node: AnyNode) => {
    if (node.type !== 'UnaryExpression' || node.operator !== '!') return;
    const values: unknown[] = [];
    let name: string | undefined;
    const leaves = (test: AnyNode): boolean => {
      if (test.type === 'LogicalExpression' && test.operator === '||') return leaves(test.left) && leaves(test.right);
      if (test.type !== 'BinaryExpression' || test.operator !== '===' || test.left.type !== 'Identifier' || test.right.type !== 'Literal') return false;
      if (name !== undefined && test.left.name !== name) return false;
      name = test.left.name;
      values.push(test.right.value);
      return true;
    };
    if (node.argument.type !== 'LogicalExpression' || !leaves(node.argument)) return;
    const array = arrays.get(JSON.stringify(values));
    if (array !== undefined && name !== undefined) edits.push({ start: node.start, end: node.end, text: `!${array}.includes(${name})` });
  });
  return applyEdits(code, edits);
}

/**
 * Gives the type error of a date-time field its format: `reject(path, "type", { type: "string" }, x)`
 * (or `{ type: ["string", "null"] }`, a nullable one) becomes `reject(path, "type", { type: …,
 * format: "date-time" }, x)` where the same validator function rejects `path` with
 * `x-date-time` (one function checks one schema, where a path is one field), so the runtime can
 * say what string is expected: an epoch number in `ts` was told only "expected a string" (tAO
 * F9). Only the rejection's object literal changes: a valid message runs the same code. Run
 * after {@link withErrorSlot} (`reject(instancePath, keyword, params, data)`).
 *
 * @throws Error when such a type rejection's params are not an object literal of its `type` alone
 */
export function withDateTimeTypeParams(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  const rejects = (root: AnyNode, keyword: string): AnyNode[] => {
    const calls: AnyNode[] = [];
    full(root, (node: AnyNode) => {
      if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'reject' && node.arguments[1]?.value === keyword) calls.push(node);
    });
    return calls;
  };
  const pathOf = (call: AnyNode) => code.slice(call.arguments[0].start, call.arguments[0].end);
  // Inside an `anyOf` ajv collects each branch's error as an object, `{ instancePath, keyword,
  // params, data }`, not a rejection: a date-time branch's type error (`anyOf: [{ $ref: Timestamp },
  // { type: "null" }]`) gets its format there too (tGI F2).
  const property = (object: AnyNode, name: string): AnyNode | undefined => object.properties.find((p: AnyNode) => p.type === 'Property' && p.key?.name === name);
  const collected = (root: AnyNode, keyword: string): AnyNode[] => {
    const objects: AnyNode[] = [];
    full(root, (node: AnyNode) => {
      if (node.type === 'ObjectExpression' && property(node, 'instancePath') && property(node, 'keyword')?.value.value === keyword) objects.push(node);
    });
    return objects;
  };
  const objectPath = (object: AnyNode) => {
    const value = property(object, 'instancePath')!.value;
    return code.slice(value.start, value.end);
  };
  full(ast, (node: AnyNode) => {
    if (node.type !== 'FunctionDeclaration') return;
    const paths = new Set(rejects(node.body, 'x-date-time').map(pathOf));
    for (const call of rejects(node.body, 'type')) {
      if (!paths.has(pathOf(call))) continue;
      const params = call.arguments[2];
      const type = params?.type === 'ObjectExpression' && params.properties.length === 1 ? params.properties[0] : undefined;
      if (type?.key?.name !== 'type') throw new Error(`withDateTimeTypeParams: a type rejection it does not know: ${code.slice(call.start, call.end)}`);
      edits.push({ start: type.end, end: type.end, text: ', format: "date-time"' });
    }
    const branchPaths = new Set(collected(node.body, 'x-date-time').map(objectPath));
    for (const error of collected(node.body, 'type')) {
      const params = property(error, 'params')?.value;
      const type = params?.type === 'ObjectExpression' && params.properties.length === 1 ? params.properties[0] : undefined;
      // Only a string's type error: another branch's (`null`, `integer`) says its own type.
      if (!branchPaths.has(objectPath(error)) || type?.key?.name !== 'type' || !code.slice(type.value.start, type.value.end).includes('string')) continue;
      edits.push({ start: type.end, end: type.end, text: ', format: "date-time"' });
    }
  });
  return applyEdits(code, edits);
}

/**
 * The browser client's tolerant module without the declared names of a `required` rejection
 * (`reject(path, "required", { missingProperty: m, declaredNear: obj0 }, x)` becomes
 * `reject(path, "required", { missingProperty: m }, x)`): only the package root's did-you-mean
 * reads them, and the client describes no hint, so its bundle does not carry the lists. Run
 * after {@link withErrorSlot} (`reject(instancePath, keyword, params, data)`).
 *
 * @throws Error when a `required` rejection's params are not an object literal of `missingProperty`, then perhaps `declaredNear`
 */
export function withoutDeclaredNear(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node: AnyNode) => {
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'reject' || node.arguments[1]?.value !== 'required') return;
    const params = node.arguments[2];
    const names = params?.type === 'ObjectExpression' ? params.properties.map((p: AnyNode) => p.key?.name) : [];
    if (names[0] !== 'missingProperty' || names.length > 2 || (names.length === 2 && names[1] !== 'declaredNear')) throw new Error(`withoutDeclaredNear: a required rejection it does not know: ${code.slice(node.start, node.end)}`);
    if (names.length === 2) edits.push({ start: params.properties[0].end, end: params.properties[1].end, text: '' });
  });
  return applyEdits(code, edits);
}
