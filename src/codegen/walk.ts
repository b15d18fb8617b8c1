import type { Node } from 'acorn';
import { base } from 'acorn-walk';

/**
 * acorn-walk's `full` and `ancestor`, the same visits in the same order, on a stack of their own
 * rather than the call stack. ajv writes each property of an object inside the `if (valid0)` of
 * the one before, so one object of 600 properties nests its code 600 blocks deep: acorn-walk,
 * which recurses several calls per level (more than acorn's parser), ran out of stack there,
 * and generate said only "Maximum call stack size exceeded" (a tester, tCL F3). acorn-walk's own `base` still says
 * which children each node has (and under which override type, `Statement`, `Pattern` …).
 */

type Callback = (node: Node, type: string, ancestors: Node[]) => void;

interface Frame {
  node: Node;
  type: string;
  children: [Node, string | undefined][];
  next: number;
  isNew: boolean;
}

/** Visits `root` and every node below it, each after its children (`full`'s and `ancestor`'s order), calling `exit` as the node is left. */
function walk(root: Node, exit: Callback): void {
  const visitors = base as unknown as Record<string, (node: Node, state: unknown, c: (child: Node, state: unknown, override?: string) => void) => void>;
  const ancestors: Node[] = [];
  const frames: Frame[] = [];
  const enter = (node: Node, override: string | undefined) => {
    const type = override || node.type;
    const visit = visitors[type];
    if (visit == null) throw new Error(`No walker function defined for node type ${type}`);
    const isNew = node !== ancestors[ancestors.length - 1];
    if (isNew) ancestors.push(node);
    const children: [Node, string | undefined][] = [];
    visit(node, undefined, (child, _state, childOverride) => {
      children.push([child, childOverride]);
    });
    frames.push({ node, type, children, next: 0, isNew });
  };
  enter(root, undefined);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next < frame.children.length) {
      const [child, override] = frame.children[frame.next++]!;
      enter(child, override);
      continue;
    }
    frames.pop();
    exit(frame.node, frame.type, ancestors);
    if (frame.isNew) ancestors.pop();
  }
}

/** acorn-walk's `full`: `callback` on every node below `root` and `root` itself, each once, after its children. */
export function full(root: Node, callback: (node: Node) => void): void {
  let last: Node | undefined;
  walk(root, (node) => {
    if (last === node) return;
    callback(node);
    last = node;
  });
}

/**
 * acorn-walk's `ancestor`: the visitor of each node's type as visited, with the nodes from `root`
 * down to it. An identifier in a pattern (a declared name, a parameter, an assignment's target,
 * `x` of `x += 1` too) is visited as `VariablePattern`, not `Identifier`; a non-computed member
 * property or property key is not visited at all.
 */
export function ancestor(root: Node, visitors: Record<string, (node: any, state: unknown, ancestors: any[]) => void>): void {
  walk(root, (node, type, ancestors) => {
    visitors[type]?.(node, ancestors, ancestors);
  });
}
