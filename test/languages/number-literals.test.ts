/**
 * numberLiterals: the numbers at given pointers as the text writes them, found in one pass that
 * keeps no syntax tree, as numberLiteral finds them in jsonc-parser's tree.
 */
import { describe, expect, it } from 'vitest';
import { numberLiteral, numberLiterals, safeParseTree } from '../../src/languages/as-written.js';

const CASES: { text: string; pointers: string[] }[] = [
  { text: '1.50', pointers: ['', '/a'] },
  { text: '{"a":1.0,"b":{"c":[1,2.50,{"d":1e2}]},"e":"1.0"}', pointers: ['/a', '/b/c/0', '/b/c/1', '/b/c/2/d', '/b/c/3', '/b/c/01', '/e', '/b', '/x/y', ''] },
  // A key written twice: the last one, as JSON.parse keeps it, at any depth.
  { text: '{"a":1.0,"a":2.00}', pointers: ['/a'] },
  { text: '{"a":{"b":1.0},"a":{"c":1}}', pointers: ['/a/b', '/a/c'] },
  { text: '{"a":{"b":"x"},"a":{"b":3.0}}', pointers: ['/a/b'] },
  { text: '{"a":{"b":3.0},"a":{"b":"x"}}', pointers: ['/a/b'] },
  // Keys that JSON Pointer escapes, an index-like key of an object, an empty key.
  { text: '{"a/b":1.0,"m~n":2.0,"0":3.0,"":4.0,"k":[[5.0],[6.00]]}', pointers: ['/a~1b', '/m~0n', '/0', '/', '/k/1/0', '/k/0/0'] },
  // Members off the way are skipped whole, nested ones too.
  { text: '{"skip":{"a":[1,{"a":1.0}],"b":{"c":{}}},"a":[{"x":7.10}]}', pointers: ['/a/0/x', '/skip/a/1/a'] },
  { text: '[10e1,{"t":-0}]', pointers: ['/0', '/1/t', '/2'] },
];

describe('numberLiterals', () => {
  it('finds what numberLiteral finds in the tree, each pointer at once', () => {
    for (const { text, pointers } of CASES) {
      const tree = safeParseTree(text);
      const expected = new Map(pointers.flatMap((pointer) => {
        const literal = numberLiteral(text, tree, [], pointer);
        return literal === undefined ? [] : [[pointer, literal] as const];
      }));
      expect(numberLiterals(text, pointers), text).toEqual(expected);
    }
    expect(numberLiterals('{"a":1.0,"a":2.00}', ['/a']).get('/a')).toBe('2.00');
    expect(numberLiterals('{"a":{"b":1.0},"a":{"c":1}}', ['/a/b']).size).toBe(0);
  });

  it('finds the numbers of a few keys among 200,000', () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `"k${i}":${i}.0`).join(',');
    const text = `{"type":"trades","data":{${keys}},"ts":1.50}`;
    expect(numberLiterals(text, ['/data/k0', '/data/k199999', '/ts', '/data/none'])).toEqual(new Map([['/data/k0', '0.0'], ['/data/k199999', '199999.0'], ['/ts', '1.50']]));
  });
});
