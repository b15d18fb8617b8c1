import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/runtime/validate.js';
import { specExample } from './support.js';

/** The error of a message with `key` added at `where` (top level, or in `data`). */
function unknownKeyError(key: string, where: 'top' | 'data') {
  const message: Record<string, unknown> = where === 'top' ? { type: 'ping', timestamp: 1705251000000 } : specExample('trades');
  (where === 'top' ? message : (message.data as Record<string, unknown>))[key] = 7;
  const result = validateMessage(message);
  if (result.ok) throw new Error('expected a rejection');
  return result.errors[0];
}

// errors.ts keeps the texts of the last unknown key it described: whatever came before, a key is described the same.
describe('an unknown key is described the same whatever key was described before', () => {
  const keys = ['unexpected', 'a/b~c', '', 'x'.repeat(70), '\u202e', 'unexpected2'];
  it('in any order, at any depth', () => {
    const alone = new Map(keys.map((key) => [key, [unknownKeyError(key, 'top'), unknownKeyError(key, 'data')]]));
    for (const order of [keys, [...keys].reverse(), keys.flatMap((key) => [key, key])]) {
      for (const key of order) {
        expect(unknownKeyError(key, 'data')).toEqual(alone.get(key)![1]);
        expect(unknownKeyError(key, 'top')).toEqual(alone.get(key)![0]);
      }
    }
    expect(alone.get('a/b~c')![0]).toMatchObject({ pointer: '/a~1b~0c', message: 'expected no property "a/b~c" (unknown to the schema), got 7' });
    expect(alone.get('')![1]).toMatchObject({ pointer: '/data/', message: 'expected no property "" (unknown to the schema), got 7' });
    expect(alone.get('\u202e')![0]).toMatchObject({ message: 'expected no property "\\u202e" (unknown to the schema), got 7' });
  });
});
