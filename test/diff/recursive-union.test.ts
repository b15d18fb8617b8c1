import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

/**
 * A union that holds itself through an array (`J = string | J[]`) made `diff` throw "Invalid
 * string length" (exit 2) after 20 s, even between two identical sides: the union's key for the
 * other-language shapes doubled at each of 64 hops (a hostile tester). README promises a
 * recursive contract is compared, with a warning.
 */
describe('diff of a union that holds itself', () => {
  it('compares a contract whose union holds itself', async () => {
    const files = patchSchemas(readSchemas(), [
      { op: 'add', path: '/definitions.json/definitions/J', value: { title: 'J', description: 'j', anyOf: [{ type: 'string' }, { type: 'array', items: { $ref: '#/definitions/J' } }] } },
      { op: 'add', path: '/alerts.json/definitions/AlertData/properties/t', value: { $ref: 'definitions.json#/definitions/J' } },
    ]);
    const report = await diffFiles(files, files);
    expect(report.changes.filter((change) => change.rule !== 'protocol-version-not-bumped')).toEqual([]);
  }, 60_000);
});
