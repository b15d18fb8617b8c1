import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Module (path relative to the root, `/`-separated) → the modules it imports, relative ones resolved, bare ones as written. */
export type ImportGraph = Map<string, string[]>;

/** Static imports, `export … from`, side-effect imports and `import('…')` with a literal, type-only ones included. */
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The import graph of every `.ts` file under `folders` (relative to `root`). A relative
 * specifier `./x.js` resolves to `x.ts`, `x.d.ts` or `x.js`, whichever exists.
 */
export function importGraph(root: string, folders: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const folder of folders) {
    for (const file of readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })) {
      if (!/\.ts$/.test(file)) continue;
      const module = path.posix.join(folder, file.split(path.sep).join('/'));
      const targets = specifiers(readFileSync(path.join(root, module), 'utf8')).map((specifier) => {
        if (!specifier.startsWith('.')) return specifier;
        const base = path.posix.join(path.posix.dirname(module), specifier).replace(/\.js$/, '');
        const candidates = [`${base}.ts`, `${base}.d.ts`, `${base}.js`];
        return candidates.find((candidate) => exists(root, candidate)) ?? `${base}.js`;
      });
      graph.set(module, [...new Set(targets)]);
    }
  }
  return graph;
}

/**
 * The module specifiers a JavaScript or TypeScript source imports (comments ignored).
 *
 * @param kinds `static` leaves out `import('…')`, which a module may guard (an optional tool)
 */
export function specifiers(source: string, kinds: 'all' | 'static' = 'all'): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  return [...code.matchAll(IMPORT)].flatMap((match) => (kinds === 'static' && match[3] !== undefined ? [] : [(match[1] ?? match[2] ?? match[3])!]));
}

function exists(root: string, file: string): boolean {
  try {
    readFileSync(path.join(root, file));
    return true;
  } catch {
    return false;
  }
}

/** Every import cycle, each as the modules on it (Tarjan's strongly connected components of size > 1, or a self-import). */
export function cycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)!.includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return found;
}

/** A rule of the layering: no module matching `from` may import a module matching `to`. */
export interface ImportRule {
  name: string;
  from: RegExp;
  to: RegExp;
}

/** Every import that breaks a rule, as `rule: from → to`. */
export function violations(graph: ImportGraph, rules: ImportRule[]): string[] {
  const broken: string[] = [];
  for (const [from, targets] of graph) {
    for (const rule of rules) {
      if (!rule.from.test(from)) continue;
      for (const to of targets) if (rule.to.test(to)) broken.push(`${rule.name}: ${from} → ${to}`);
    }
  }
  return broken;
}
