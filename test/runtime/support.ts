import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../support/fixtures.js';

/** The spec example of `type` (test/fixtures/valid/spec/<type>.json), freshly parsed: safe to change. */
export function specExample<T = Record<string, unknown> & { data: Record<string, unknown> }>(type: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, `valid/spec/${type}.json`), 'utf8')) as T;
}
