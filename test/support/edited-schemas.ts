import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { loadContract, SchemaError, type SchemaNode } from '../../src/contract/index.js';

/** Edits by file name under schemas/: each takes the parsed schema and returns the one written. */
export type SchemaEdits = Record<string, (schema: SchemaNode) => SchemaNode>;

/**
 * For a test file: `schemasWith(edits)` copies schemas/ into a temporary folder (named after
 * `prefix`, removed after the file's tests) with `edits` applied, and `loadError(edits)` loads such
 * a copy, expects a SchemaError and returns it.
 */
export function editedSchemas(prefix: string): { schemasWith(edits: SchemaEdits): string; loadError(edits: SchemaEdits): Promise<SchemaError> } {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  const schemasWith = (edits: SchemaEdits): string => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    folders.push(dir);
    cpSync('schemas', dir, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const target = path.join(dir, file);
      writeFileSync(target, JSON.stringify(edit(JSON.parse(readFileSync(target, 'utf8')) as SchemaNode), null, 2));
    }
    return dir;
  };
  const loadError = async (edits: SchemaEdits): Promise<SchemaError> => {
    const error = await loadContract(schemasWith(edits)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    return error as SchemaError;
  };
  return { schemasWith, loadError };
}
