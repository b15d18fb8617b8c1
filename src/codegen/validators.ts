import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build, type Plugin } from 'esbuild';
import { formats } from '../runtime/formats.js';
import { mapSchema } from './bundle.js';
import { SCHEMA_BASE_URI, type Contract, type SchemaNode } from './schema.js';

/** Validation modes (DESIGN.md, principle 3). */
export type ValidationMode = 'strict' | 'tolerant';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FORMATS_MODULE = path.join(ROOT, 'src/runtime/formats.ts');

/** This project's annotation keywords: ajv must know them in strict mode, and ignores them. */
export const ANNOTATION_KEYWORDS = [
  'x-direction', 'x-spec-section', 'x-known-values', 'x-version', 'x-connection', 'x-keepalive', 'x-version-history',
];

/** `$id` of a schema file in the given mode; tolerant copies live under `tolerant/`. */
export function schemaId(mode: ValidationMode, file: string): string {
  return mode === 'strict' ? SCHEMA_BASE_URI + file : `${SCHEMA_BASE_URI}tolerant/${file}`;
}

/**
 * Creates the ajv instance that generators and tests compile the contract with, holding
 * both modes (see {@link schemaId}): draft-07, first error only (`allErrors: false`: a
 * rejection needs one reason, and stopping early keeps invalid input as cheap as valid), no
 * message text (the runtime builds it lazily), and the RFC 3339 checker of
 * `src/runtime/date-time.ts` for `date-time`.
 */
export function createAjv(contract: Contract, code?: { formats: ReturnType<typeof _> }): Ajv {
  const ajv = new Ajv({
    strict: true,
    allowUnionTypes: true,
    allErrors: false,
    messages: false,
    // Our schemas only use `minLength: 1`, where UTF-16 length and code-point length agree;
    // code-point counting would bundle ajv's CommonJS `ucs2length` helper. The option is
    // deprecated, and its warning is the only thing ajv would log (strict errors throw).
    unicode: false,
    logger: false,
    code: { source: true, esm: true, optimize: true, lines: true, ...code },
  });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  ajv.addFormat('date-time', formats['date-time']);
  for (const [file, schema] of contract.files) {
    const checked = stripAnnotations(schema);
    ajv.addSchema(checked);
    ajv.addSchema({ ...tolerate(checked), $id: schemaId('tolerant', file) });
  }
  return ajv;
}

/**
 * The schema without what validation never reads (`description`, `examples`, `x-…`, …):
 * ajv's standalone code embeds schema objects, and annotations would only add bytes.
 */
function stripAnnotations(schema: SchemaNode): SchemaNode {
  return mapSchema(schema, (node) => {
    const checked: SchemaNode = {};
    for (const [keyword, value] of Object.entries(node)) {
      if (!NON_VALIDATING_KEYWORDS.has(keyword) && !keyword.startsWith('x-')) checked[keyword] = value;
    }
    return checked;
  });
}

const NON_VALIDATING_KEYWORDS = new Set(['title', 'description', 'examples', '$comment', 'default']);

/** The tolerant variant of a schema: every `additionalProperties: false` removed. */
export function tolerate(schema: SchemaNode): SchemaNode {
  return mapSchema(schema, (node) => {
    if (node.additionalProperties !== false) return node;
    const { additionalProperties: _closed, ...open } = node;
    return open;
  });
}

/**
 * Generates `validators.js`: the ajv standalone code of every message schema in both modes,
 * bundled with esbuild into one dependency-free ES module (no `require`, no `new Function`),
 * plus its `validators.d.ts`.
 *
 * Exports `strictValidators` and `tolerantValidators`: null-prototype objects from message
 * type to a compiled validator, so that dispatch on `type` is one property lookup.
 */
export async function emitValidators(contract: Contract): Promise<Map<string, string>> {
  // One ajv instance and one module for both modes, each message's strict and tolerant
  // functions side by side: shared definitions compile once, and gzip finds the near-copies.
  const ajv = createAjv(contract, { formats: _`formats` });
  const exports: Record<string, string> = {};
  for (const message of contract.messages) {
    for (const mode of MODES) exports[exportName(mode, message.type)] = schemaId(mode, message.file);
  }
  const code = standaloneCode.default(ajv, exports);
  const sources = new Map([['compiled.js', `import { formats } from ${JSON.stringify(FORMATS_MODULE)};\n${code}`]]);
  const table = (mode: ValidationMode) =>
    `export const ${mode}Validators = {\n  __proto__: null,\n${contract.messages
      .map((m) => `  ${JSON.stringify(m.type)}: compiled.${exportName(mode, m.type)},`)
      .join('\n')}\n};\n`;
  const entry = `import * as compiled from 'virtual:compiled.js';\n${table('strict')}${table('tolerant')}`;

  const virtual: Plugin = {
    name: 'virtual',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path.slice('virtual:'.length), namespace: 'virtual' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => ({ contents: sources.get(args.path)!, loader: 'js', resolveDir: ROOT }));
    },
  };
  const result = await build({
    stdin: { contents: entry, loader: 'js', resolveDir: ROOT, sourcefile: 'validators-entry.js' },
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    plugins: [virtual],
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]!.text;
  const forbidden = /\brequire\(|new Function|\beval\(/.exec(js);
  if (forbidden) throw new Error(`generated validators must not call require, eval or new Function: ${js.slice(forbidden.index - 200, forbidden.index + 100)}`);

  const header = '// Generated by `npm run generate` from schemas/*.json. Do not edit.\n';
  return new Map([
    ['validators.js', header + js],
    ['validators.d.ts', header + VALIDATORS_DTS],
  ]);
}

const MODES: readonly ValidationMode[] = ['strict', 'tolerant'];

function exportName(mode: ValidationMode, type: string): string {
  return `${mode}_${type.replace(/[^A-Za-z0-9_$]/g, '_')}`;
}

const VALIDATORS_DTS = `import type { MessageType } from './types.js';

/** One error of an ajv standalone validator (\`allErrors: false\`, so at most one). */
export interface CompiledValidatorError {
  /** JSON Pointer of the failing value, e.g. "/data/side". */
  instancePath: string;
  /** JSON Pointer into the schema, e.g. "#/definitions/TradeData/properties/side/enum". */
  schemaPath: string;
  /** The JSON Schema keyword that failed, e.g. "enum". */
  keyword: string;
  /** Keyword parameters, e.g. { allowedValues } for enum, { missingProperty } for required. */
  params: Record<string, unknown>;
}

/** A validator compiled ahead of time: returns whether \`data\` is valid, errors on itself. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledValidatorError[] | null;
}

/** Producer mode: unknown fields are rejected. Keyed by message type; null prototype. */
export declare const strictValidators: Readonly<Record<MessageType, CompiledValidator>>;
/** Consumer mode: unknown fields pass. Keyed by message type; null prototype. */
export declare const tolerantValidators: Readonly<Record<MessageType, CompiledValidator>>;
`;
