import { parse, type Node } from 'acorn';
import { full } from 'acorn-walk';

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
 * `X["name"]` becomes a constant declared at the top of the block. Reading a data property
 * early changes nothing for JSON data; a getter in a hand-made value runs earlier than
 * before, and `validateMessage` reports a getter that throws as it did.
 *
 * Parsed with acorn, so strings and comments never confuse it.
 *
 * @throws Error when a block holds an assignment to a property of its object (ajv with
 *   `useDefaults` or `removeAdditional`, which the contract does not use)
 */
export function hoistPropertyLoads(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const edits: { start: number; end: number; text: string }[] = [];
  full(ast, (node) => {
    if (node.type !== 'IfStatement') return;
    const statement = node as Node & { test: Node; consequent: Node & { body?: Node[] } };
    const match = OBJECT_TEST.exec(code.slice(statement.test.start, statement.test.end));
    if (!match || statement.consequent.type !== 'BlockStatement') return;
    const object = match[1]!;
    const aliases = new Map<string, string>();
    full(statement.consequent, (inner) => {
      if (inner.type === 'AssignmentExpression' || inner.type === 'UpdateExpression') {
        const target = (inner as Node & { left?: Node; argument?: Node }).left ?? (inner as Node & { argument: Node }).argument;
        if (target.type === 'MemberExpression' && isObject(target, object)) throw new Error(`hoistPropertyLoads: ajv code writes to ${code.slice(target.start, target.end)}`);
        return;
      }
      if (inner.type !== 'MemberExpression' || !isObject(inner, object)) return;
      const name = propertyName(inner as Member);
      if (name === undefined) return;
      let alias = aliases.get(name);
      if (alias === undefined) aliases.set(name, (alias = `${object}$${aliases.size}`));
      edits.push({ start: inner.start, end: inner.end, text: alias });
    });
    if (aliases.size === 0) return;
    const declarations = [...aliases].map(([name, alias]) => `${alias} = ${object}${/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`);
    edits.push({ start: statement.consequent.start + 1, end: statement.consequent.start + 1, text: `\nconst ${declarations.join(', ')};` });
  });
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let result = code;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** ajv's test that a value is an object and not an array (`X && typeof X == "object" && !Array.isArray(X)`), parenthesized or not. */
const OBJECT_TEST = /^\(*(data\d*)\)* && \(*typeof \1 == "object"\)* && \(*!Array\.isArray\(\1\)\)*$/;

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
