/** The validators compared by the bench, each as `(value) => boolean` behind the same dispatch on `type`. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isDateTime, validateMessage } from '../../src/index.js';
import { handValidate } from './hand.js';
import { zodSchemas } from './zod-schemas.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/**
 * A private copy of dist/ (see `snapshotDist` in startup.ts): other people's tests rebuild
 * dist/ in the same checkout, and a rebuild mid-run would remove the files being measured.
 */
export const DIST = path.join(ROOT, '.bench/pkg/dist');

export interface Candidate {
  id: string;
  /** Column heading. */
  label: string;
  validate: (value: unknown) => boolean;
  /**
   * The verdict this candidate should give a fixture. Every candidate mirrors the strict
   * schemas except `tolerant`, which by design accepts a message whose only fault is an
   * unknown field.
   */
  expected?: (fixtureValid: boolean, value: unknown) => boolean;
}

/** Looks up a per-type checker, as `validateMessage` does: objects only, string `type`, null-prototype table. */
function dispatch<T>(table: Record<string, T>, run: (checker: T, value: object) => boolean): (value: unknown) => boolean {
  const lookup: Record<string, T | undefined> = Object.assign(Object.create(null), table);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const type = (value as { type?: unknown }).type;
    const checker = typeof type === 'string' ? lookup[type] : undefined;
    return checker !== undefined && run(checker, value);
  };
}

/** Every schema file, parsed. */
export function readSchemas(): AnySchema[] {
  const folder = path.join(ROOT, 'schemas');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as AnySchema);
}

/** The `x-…` annotation keywords used anywhere in the schemas: ajv's strict mode must be told of them. */
function annotationKeywords(schemas: readonly unknown[]): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('x-')) found.add(key);
        else walk(value);
      }
    }
  };
  schemas.forEach(walk);
  return [...found].sort();
}

/**
 * ajv compiled at run time the way a user would write it by hand: defaults, first error
 * only, ajv-formats' full formats, the `x-` keywords declared, every schema added.
 * `allowUnionTypes` because the schemas use `["number", "null"]` and ajv logs otherwise.
 */
export function compileAjvAtRunTime(types: readonly string[], dateTime: 'ajv-formats' | 'ours' = 'ajv-formats'): Record<string, ValidateFunction> {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  const schemas = readSchemas();
  const ajv = new Ajv({ allErrors: false, allowUnionTypes: true });
  // "ours": the package's RFC 3339 check in place of ajv-formats', so the column shows what
  // the generated code costs apart from the format function.
  if (dateTime === 'ours') ajv.addFormat('date-time', isDateTime);
  else addFormats(ajv);
  ajv.addVocabulary(annotationKeywords(schemas));
  for (const schema of schemas) ajv.addSchema(schema);
  return Object.fromEntries(types.map((type) => [type, ajv.getSchema(`https://realtime-contract.dev/schemas/${type}.json`)!]));
}

/** What `candidates` could not build, e.g. generated/typebox.ts not there yet. */
export interface Skipped {
  id: string;
  reason: string;
}

/**
 * Builds the seven candidates, or only the one named `only` (a bench isolate builds only what
 * it times); TypeBox only if generated/typebox.ts loads.
 */
export async function buildCandidates(types: readonly string[], only?: string): Promise<{ candidates: Candidate[]; skipped: Skipped[] }> {
  const wanted = (id: string) => only === undefined || only === id;
  const skipped: Skipped[] = [];
  const candidates: Candidate[] = [];
  if (wanted('strict')) candidates.push({ id: 'strict', label: 'strict (generated)', validate: (v) => validateMessage(v, { mode: 'strict' }).ok });
  if (wanted('tolerant')) {
    candidates.push({
      id: 'tolerant',
      label: 'tolerant (generated)',
      validate: (v) => validateMessage(v, { mode: 'tolerant' }).ok,
      expected: (fixtureValid, value) => {
        if (fixtureValid) return true;
        // Tolerant mode accepts what strict rejects only for an unknown field.
        const strict = validateMessage(value, { mode: 'strict' });
        return !strict.ok && strict.errors[0]?.keyword === 'additionalProperties';
      },
    });
  }
  if (wanted('ajv')) candidates.push({ id: 'ajv', label: 'ajv run time + ajv-formats', validate: dispatch(compileAjvAtRunTime(types), (check, v) => check(v) as boolean) });
  if (wanted('ajv-ours')) candidates.push({ id: 'ajv-ours', label: 'ajv run time + our date-time', validate: dispatch(compileAjvAtRunTime(types, 'ours'), (check, v) => check(v) as boolean) });
  if (wanted('typebox')) {
    try {
      const { TypeCompiler } = await import('@sinclair/typebox/compiler');
      const typebox = (await import('../../generated/typebox.js')) as { MessageSchemas?: Record<string, import('@sinclair/typebox').TSchema> };
      if (!typebox.MessageSchemas) throw new Error('generated/typebox.ts exports no MessageSchemas');
      const compiled = Object.fromEntries(types.map((type) => [type, TypeCompiler.Compile(typebox.MessageSchemas![type]!)]));
      candidates.push({ id: 'typebox', label: 'TypeBox TypeCompiler', validate: dispatch(compiled, (check, v) => check.Check(v)) });
    } catch (error) {
      skipped.push({ id: 'typebox', reason: (error as Error).message.split('\n')[0]! });
    }
  }
  if (wanted('zod')) candidates.push({ id: 'zod', label: 'zod 4', validate: dispatch(zodSchemas, (schema, v) => schema.safeParse(v).success) });
  if (wanted('hand')) candidates.push({ id: 'hand', label: 'hand-written', validate: handValidate });
  return { candidates, skipped };
}
