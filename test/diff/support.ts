import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadContract, type Contract, type SchemaNode } from '../../src/contract/index.js';
import { alignUndeclaredFacts, type SchemaFiles } from '../../src/diff/align.js';
import { diffContracts, type DiffReport } from '../../src/diff/index.js';

/** One RFC 6902 operation (add, remove, replace); the first token of `path` is the schema file name. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

/** The schema files of this checkout, parsed. */
export function readSchemas(dir = 'schemas'): SchemaFiles {
  const files: SchemaFiles = new Map();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) files.set(name, JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as SchemaNode);
  return files;
}

/**
 * Applies patch operations to a copy of `files`. Supports what the corpus uses: add (an
 * object member, an array index, or `-` to append), remove and replace, and a whole file as
 * `/<file>`. A path that does not resolve throws, naming it.
 */
export function patchSchemas(files: SchemaFiles, operations: readonly PatchOperation[]): SchemaFiles {
  const copy: Record<string, unknown> = Object.fromEntries([...files].map(([name, schema]) => [name, structuredClone(schema)]));
  for (const operation of operations) {
    const tokens = operation.path.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = tokens.pop()!;
    let parent: unknown = copy;
    for (const token of tokens) {
      parent = (parent as Record<string, unknown>)?.[token];
      if (parent === undefined) throw new Error(`patch path ${operation.path} does not resolve at "${token}"`);
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (operation.op === 'add') parent.splice(index, 0, operation.value);
      else if (operation.op === 'remove') parent.splice(index, 1);
      else parent[index] = operation.value;
    } else {
      const object = parent as Record<string, unknown>;
      if (operation.op !== 'add' && !(last in object)) throw new Error(`patch path ${operation.path} has nothing to ${operation.op}`);
      if (operation.op === 'remove') delete object[last];
      else object[last] = operation.value;
    }
  }
  return new Map(Object.entries(copy) as [string, SchemaNode][]);
}

/** Loads schema files through the contract loader (from a temporary folder, removed after). */
export async function loadFiles(files: SchemaFiles): Promise<Contract> {
  const dir = mkdtempSync(path.join(tmpdir(), 'diff-corpus-'));
  try {
    for (const [name, schema] of files) writeFileSync(path.join(dir, name), JSON.stringify(schema));
    return await loadContract(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Aligns, loads and diffs two sets of schema files, as `realtime-contract diff` does. */
export async function diffFiles(before: SchemaFiles, after: SchemaFiles): Promise<DiffReport> {
  const aligned = alignUndeclaredFacts(before, after);
  const [a, b] = await Promise.all([loadFiles(aligned.before), loadFiles(aligned.after)]);
  return diffContracts(a, b, { extraChanges: aligned.changes });
}

/** As {@link diffFiles}, with both sides' generated Go and Python compared as `realtime-contract diff` compares them. */
export async function diffFilesWithCode(before: SchemaFiles, after: SchemaFiles): Promise<DiffReport> {
  const { generatedDeclarations } = await import('../../src/cli/diff-command.js');
  const aligned = alignUndeclaredFacts(before, after);
  const [a, b] = await Promise.all([loadFiles(aligned.before), loadFiles(aligned.after)]);
  const languages = await generatedDeclarations(a, b);
  return diffContracts(a, b, { extraChanges: aligned.changes, ...(languages ? { languages } : {}) });
}
