import { describe, expect, it } from 'vitest';
import { cycles, importGraph, violations, type ImportRule } from './support/import-graph.js';

/**
 * The layering of src/ (issue 7): the contract model reads schemas and knows JSON Schema; the
 * code generators read the model; the runtime is what a browser downloads and depends on nothing
 * but generated/ and itself; the CLI is a leaf that nothing imports; the client never reaches into
 * the server.
 */
const RULES: ImportRule[] = [
  { name: 'runtime imports nothing but generated/ and itself', from: /^src\/runtime\//, to: /^(?!src\/runtime\/|generated\/)/ },
  { name: 'the contract model does not import codegen or the CLI', from: /^src\/contract\//, to: /^src\/(codegen|cli)\// },
  { name: 'nothing outside the CLI imports the CLI', from: /^(?!src\/cli\/)/, to: /^src\/cli\// },
  { name: 'the client does not import the server', from: /^src\/client\//, to: /^src\/server\// },
  { name: 'generated/ imports only generated/ and packages', from: /^generated\//, to: /^(src|test|scripts)\// },
];

const graph = importGraph(process.cwd(), ['src', 'generated']);

describe('the import graph of src/ and generated/', () => {
  it('has modules in every layer', () => {
    for (const layer of ['src/contract/', 'src/codegen/', 'src/runtime/', 'src/cli/']) {
      expect([...graph.keys()].some((module) => module.startsWith(layer)), layer).toBe(true);
    }
  });

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the layering', () => {
    expect(violations(graph, RULES)).toEqual([]);
  });

  it('finds a cycle and a broken rule where there is one', () => {
    const broken = new Map([
      ['src/runtime/a.ts', ['src/codegen/b.ts']],
      ['src/codegen/b.ts', ['src/runtime/a.ts']],
      ['src/client/c.ts', ['src/server/d.ts', 'src/cli/main.ts']],
    ]);
    expect(cycles(broken)).toEqual([['src/codegen/b.ts', 'src/runtime/a.ts']]);
    expect(violations(broken, RULES)).toEqual([
      'runtime imports nothing but generated/ and itself: src/runtime/a.ts → src/codegen/b.ts',
      'nothing outside the CLI imports the CLI: src/client/c.ts → src/cli/main.ts',
      'the client does not import the server: src/client/c.ts → src/server/d.ts',
    ]);
  });
});
