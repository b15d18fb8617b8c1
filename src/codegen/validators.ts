import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, _, type Code } from 'ajv';
import { not, or } from 'ajv/dist/compile/codegen/index.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build, type Plugin } from 'esbuild';
import { formats } from '../runtime/formats.js';
import { mapSchema } from './bundle.js';
import { addTolerantEnum, ENUM_NOTICES_MODULE } from './tolerant-enum.js';
import type { Contract, SchemaNode } from './schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FORMATS_MODULE = path.join(ROOT, 'src/runtime/formats.ts');

/** This project's annotation keywords: ajv must know them in strict mode, and ignores them. */
export const ANNOTATION_KEYWORDS = [
  'x-direction', 'x-audience', 'x-delivery', 'x-spec-section', 'x-known-values',
  'x-version', 'x-connection', 'x-keepalive', 'x-polling', 'x-close-codes', 'x-error-codes', 'x-version-history',
];

/**
 * Internal keyword that replaces `additionalProperties: false` in what ajv compiles. It
 * rejects unknown properties only while `closedObjects.enforced` is true, so one compiled
 * validator serves both modes: strict (enforced) and tolerant (not). Compiling each mode
 * separately doubled the code a browser downloads for a difference of one loop per object.
 */
export const CLOSED_KEYWORD = 'x-closed';

/** The switch the compiled validators read; the runtime sets it per call. */
export const closedObjects = { enforced: true };

/**
 * Creates the ajv instance that generators and tests compile the contract with: draft-07,
 * first error only (`allErrors: false`: a rejection needs one reason, and stopping early
 * keeps invalid input as cheap as valid), no message text (the runtime builds it lazily),
 * the RFC 3339 checker of `src/runtime/date-time.ts` for `date-time`, and
 * `additionalProperties: false` turned into {@link CLOSED_KEYWORD}.
 *
 * @param code for standalone code: the expressions that name the formats and the
 *   `closedObjects` switch in the generated module
 */
export function createAjv(contract: Contract, code?: { formats: Code; closedObjects: Code }): Ajv {
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
    code: { source: true, esm: true, optimize: true, lines: true, ...(code && { formats: code.formats }) },
  });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  ajv.addFormat('date-time', formats['date-time']);
  ajv.addKeyword({
    keyword: CLOSED_KEYWORD,
    type: 'object',
    schemaType: 'boolean',
    error: { message: 'must NOT have additional properties', params: ({ params }) => _`{additionalProperty: ${params.additionalProperty}}` },
    code(cxt) {
      const { gen, data, parentSchema } = cxt;
      const known = Object.keys((parentSchema as SchemaNode).properties ?? {});
      const enforced = gen.scopeValue('obj', { ref: closedObjects, code: code?.closedObjects });
      const findUnknown = () =>
        gen.forIn('key', data, (key) => {
          const isKnown = known.length === 0 ? _`false` : or(...known.map((name) => _`${key} === ${name}`));
          gen.if(not(isKnown), () => {
            cxt.setParams({ additionalProperty: key });
            cxt.error();
            gen.break();
          });
        });
      const required = new Set((parentSchema as SchemaNode).required ?? []);
      gen.if(_`${enforced}.enforced`, () => {
        if (known.length > 0 && known.every((name) => required.has(name))) {
          // `required` has already passed, so every named key is there: an unknown key shows
          // as one key too many. Counting is cheaper than comparing each key with each name.
          const count = gen.let('count', 0);
          gen.forIn('key', data, () => gen.code(_`${count}++`));
          gen.if(_`${count} !== ${known.length}`, findUnknown);
        } else {
          findUnknown();
        }
      });
    },
  });
  addTolerantEnum(ajv, (gen) => _`${gen.scopeValue('obj', { ref: closedObjects, code: code?.closedObjects })}.enforced`, code && _`enumNotice`);
  for (const schema of contract.files.values()) ajv.addSchema(close(stripAnnotations(schema)));
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

/** Replaces `additionalProperties: false` with {@link CLOSED_KEYWORD}. */
function close(schema: SchemaNode): SchemaNode {
  return mapSchema(schema, (node) => {
    if (node.additionalProperties !== false) return node;
    const { additionalProperties: _false, ...open } = node;
    return { ...open, [CLOSED_KEYWORD]: true };
  });
}

/**
 * Generates `validators.js`: the ajv standalone code of every message schema, bundled with
 * esbuild into one dependency-free ES module (no `require`, no `new Function`), plus its
 * `validators.d.ts`.
 *
 * Exports `validators`, a null-prototype object from message type to compiled validator (so
 * dispatch on `type` is one property lookup), and `closedObjects`, the strict/tolerant switch.
 */
export async function emitValidators(contract: Contract): Promise<Map<string, string>> {
  const ajv = createAjv(contract, { formats: _`formats`, closedObjects: _`closedObjects` });
  const exports = Object.fromEntries([
    ...contract.messages.map((m) => [exportName(m.type), m.schema.$id!]),
    ...contract.documents.map((d) => [documentExportName(d.title), d.schema.$id!]),
  ]);
  const code = pruneEmbeddedSchemas(standaloneCode.default(ajv, exports));
  const sources = new Map([
    ['closed.js', 'export const closedObjects = { enforced: true };\n'],
    ['notices.js', ENUM_NOTICES_MODULE],
    ['compiled.js', `import { formats } from ${JSON.stringify(FORMATS_MODULE)};\nimport { closedObjects } from 'virtual:closed.js';\nimport { enumNotice } from 'virtual:notices.js';\n${code}`],
  ]);
  const entry = `import * as compiled from 'virtual:compiled.js';
export { closedObjects } from 'virtual:closed.js';
export { enumNotices } from 'virtual:notices.js';
export const validators = {
  __proto__: null,
${contract.messages.map((m) => `  ${JSON.stringify(m.type)}: compiled.${exportName(m.type)},`).join('\n')}
};
${contract.documents.map((d) => `export const ${documentExportName(d.title)} = compiled.${documentExportName(d.title)};\n`).join('')}`;

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
  const documentDeclarations = contract.documents
    .map((d) => `\n/** The compiled validator of \`schemas/${d.file}\` (${d.title}); the mode switch applies as for messages. */\nexport declare const ${documentExportName(d.title)}: CompiledValidator;\n`)
    .join('');
  return new Map([
    ['validators.js', header + js],
    ['validators.d.ts', header + VALIDATORS_DTS + documentDeclarations],
  ]);
}

/**
 * ajv's standalone code embeds whole schema objects (`const schema12 = {…}`) when error
 * parameters refer to a part of them (`schema12.properties.side.enum`). Keeps only the parts
 * the code refers to: the rest is bytes every browser would download and never read.
 */
function pruneEmbeddedSchemas(code: string): string {
  return code.replace(/^const (schema\d+) = (\{.*\});$/gm, (declaration, name: string, json: string) => {
    const uses = code.replace(declaration, '');
    const paths = [...uses.matchAll(new RegExp(`\\b${name}\\b((?:\\.[A-Za-z_$][\\w$]*)*)`, 'g'))].map((match) => match[1]!);
    if (paths.some((path) => path === '')) return declaration;
    const schema = JSON.parse(json) as Record<string, unknown>;
    const pruned: Record<string, unknown> = {};
    for (const path of paths) {
      const keys = path.slice(1).split('.');
      let source: unknown = schema;
      let target = pruned;
      keys.forEach((key, index) => {
        source = (source as Record<string, unknown>)[key];
        if (index === keys.length - 1) target[key] = source;
        else target = (target[key] ??= {}) as Record<string, unknown>;
      });
    }
    return `const ${name} = ${JSON.stringify(pruned)};`;
  });
}

function exportName(type: string): string {
  return `message_${type.replace(/[^A-Za-z0-9_$]/g, '_')}`;
}

/** `PollResponse` → `validatePollResponseDocument`: never `validate<N>`, which ajv uses internally. */
function documentExportName(title: string): string {
  return `validate${title}Document`;
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

/** The compiled validator of each message type (null prototype: inherited names are not types). */
export declare const validators: Readonly<Record<MessageType, CompiledValidator>>;

/**
 * The mode switch the validators read: \`enforced: true\` (strict, the default) rejects
 * properties the schema does not name (keyword \`x-closed\`, params \`{ additionalProperty }\`);
 * \`false\` (tolerant) lets them pass. Set it before each call.
 */
export declare const closedObjects: { enforced: boolean };

/** A value outside a closed list (\`enum\`) that tolerant mode accepted. */
export interface CompiledEnumNotice {
  /** JSON Pointer of the value, e.g. "/data/platform". */
  pointer: string;
  value: unknown;
  /** The values the schema lists. */
  known: readonly unknown[];
}

/**
 * Where the validators report, in tolerant mode (\`closedObjects.enforced\` false), values
 * outside an \`enum\`, while \`record\` is true: set \`record\` and \`list = null\` before a
 * call; after it, \`list\` is null or the notices. With \`record\` false (the default) nothing is kept.
 */
export declare const enumNotices: { record: boolean; list: CompiledEnumNotice[] | null };
`;
