import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** A message read from a fixture file, with where it came from. */
export interface FixtureMessage {
  /** Path relative to test/fixtures, plus `:line` for NDJSON and `[index]` for arrays. */
  name: string;
  value: unknown;
}

/** Every message in the fixture files under `folder` (`valid`, `invalid`, or the delivery envelopes' `delivery/valid` and `delivery/invalid`), sorted by file. */
export function readFixtureMessages(folder: 'valid' | 'invalid' | 'delivery/valid' | 'delivery/invalid'): FixtureMessage[] {
  const root = path.join(FIXTURES, folder);
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(json|ndjson|jsonl)$/.test(file))
    .sort();
  return files.flatMap((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const name = `${folder}/${file}`;
    if (/\.(ndjson|jsonl)$/.test(file)) {
      return text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => line.trim() !== '')
        .map(({ line, index }) => ({ name: `${name}:${index + 1}`, value: JSON.parse(line) as unknown }));
    }
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) && folder.endsWith('valid') && !folder.endsWith('invalid') ? value.map((item, index) => ({ name: `${name}[${index}]`, value: item })) : [{ name, value }];
  });
}
