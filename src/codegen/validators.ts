import path from 'node:path';
import { Ajv, _, type Code, type CodeKeywordDefinition } from 'ajv';
import { and, getProperty, Name, not, stringify } from 'ajv/dist/compile/codegen/index.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build, type Plugin } from 'esbuild';
import { misspells } from '../runtime/errors.js';
import { formats } from '../runtime/formats.js';
import { inlineRefs, mapSchema, type Contract, type SchemaNode } from '../contract/index.js';
import { callReject, closedListLookups, ERROR_SLOT_SOURCE, withDateTimeTypeParams, hoistPropertyLoads, tolerantOnly, slimErrorObjects, withoutConstantErrorCount, withoutConstantValidFlags, withoutRedundantNumberChecks, withCharacterClassPatterns, withErrorSlot, withKnownObject, withPurePatterns, withTypeArgument, withoutDeclaredNear } from './ajv-rewrites.js';
import { addTolerantEnum, ENUM_NOTICE_SOURCE, type ModeCode } from './tolerant-enum.js';
import { sourceRoot } from './source-root.js';
import { JSON_EQUAL_SOURCE, jsonEqual } from '../shared/json-equal.js';

/**
 * The mode of a call in compiled code. In-process compilation (tests, `createAjv` without
 * `arguments`) reads it from the call's context, `this` (ajv's `passContext`):
 * `validate.call({ strict, notices }, data)`. The generated modules pass it as arguments,
 * `validate(data, instancePath, strict, notices)`: a `.call` and a property read less per
 * function, which is most of what a `ping` costs.
 */
const CONTEXT_MODE: ModeCode = { strict: _`this.strict`, sink: _`this.notices` };
const ARGUMENT_MODE: ModeCode = { strict: new Name('strict'), sink: new Name('notices') };

const ROOT = sourceRoot(import.meta.url);
const FORMATS_MODULE = path.join(ROOT, 'src/runtime/formats.ts');
const DATE_TIME_MODULE = path.join(ROOT, 'src/runtime/date-time.ts');

/**
 * Internal keyword that replaces `additionalProperties: false` in what ajv compiles. It
 * rejects unknown properties only when the mode of the call ({@link ModeCode}) says `strict`,
 * so one compiled validator serves both modes. Compiling each mode separately
 * doubled the code a browser downloads for a difference of one loop per object; a module
 * flag instead let a nested call (a getter that validates) switch the mode of the outer one.
 */
const CLOSED_KEYWORD = 'x-closed';

/**
 * Internal keyword of a nullable object (see {@link nullableObjects}): the value is an object
 * (not an array) or null. Errors carry `{ type: "object,null" }`.
 */
const NULLABLE_OBJECT_KEYWORD = 'x-nullable-object';

/**
 * Internal keyword that replaces `format: "date-time"` in what ajv compiles: strict calls
 * accept only the producer profile (`isProducerDateTime`), tolerant ones any RFC 3339
 * date-time. Errors carry `{ format: "date-time" }`, as the `format` keyword's do.
 */
const DATE_TIME_KEYWORD = 'x-date-time';

/** Closed objects that name at most this many keys (the envelope: type, data, ts, cursor) check each key against them instead of counting keys. */
const MAX_COMPARED_KEYS = 4;

/** Unknown keys `validate --all-errors` names per object; a last error counts the others (`params.unlisted`). */
export const MAX_UNKNOWN_LISTED = 100;

/**
 * The first own enumerable key of `data` that `known` does not list, or undefined: names the
 * unknown property once counting has shown there is one. The generated modules hold a copy
 * ({@link UNKNOWN_KEY_SOURCE}).
 */
export function unknownKey(data: object, known: readonly string[]): string | undefined {
  for (const key in data) if (!known.includes(key)) return key;
  return undefined;
}

/**
 * The characters (code points) of `text`, as JSON Schema's `minLength` and `maxLength` count
 * them: a surrogate pair is one; half of one, alone, is one too. The generated modules hold a
 * copy ({@link CODE_POINTS_SOURCE}) where a length bound needs it.
 */
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return count;
}

/** Source of {@link codePoints} for the generated modules. */
export const CODE_POINTS_SOURCE = `function codePoints(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return count;
}`;

export { JSON_EQUAL_SOURCE, jsonEqual };

/**
 * ajv's standalone `code` with its one runtime helper the contract's schemas can need, deep
 * equality (`uniqueItems` on items that may be objects or arrays: a tester's array of unique
 * objects stopped generate, tDJ F7), called as {@link jsonEqual} instead of `require`d.
 */
export function withoutRuntimeRequires(code: string): string {
  return code.replaceAll('require("ajv/dist/runtime/equal").default', 'jsonEqual');
}

/**
 * ajv's `uniqueItems` on items of scalar types indexes them in a plain object (`indices[item] = i`):
 * a string item `"__proto__"` set that object's prototype, no index, so `["__proto__", "__proto__"]`
 * passed (tDP F3). The index made an object without a prototype, where every string is an own key.
 */
export function withPrototypeFreeIndices(code: string): string {
  return code.replace(/\bconst (indices\d*) = \{\};/g, 'const $1 = Object.create(null);');
}

/** Source of {@link unknownKey} for the generated modules. */
export const UNKNOWN_KEY_SOURCE = `function unknownKey(data, known) {
  for (const key in data) if (!known.includes(key)) return key;
  return undefined;
}`;

/**
 * Creates the ajv instance that generators and tests compile the contract with: draft-07,
 * first error only (`allErrors: false`: a rejection needs one reason, and stopping early
 * keeps invalid input as cheap as valid), no message text (the runtime builds it), the RFC
 * 3339 checker of `src/runtime/date-time.ts` for `date-time` (as {@link DATE_TIME_KEYWORD}),
 * `additionalProperties: false` turned into {@link CLOSED_KEYWORD}, and the mode of each call
 * read from `this` (`{ strict, notices }`, ajv's `passContext`) or, for the generated module,
 * from arguments ({@link CONTEXT_MODE}, {@link ARGUMENT_MODE}). Message schemas are compiled
 * with their `$ref`s inlined (`inlineRefs` in src/contract/refs.ts).
 *
 * @param formatsCode for standalone code: the expression that names the formats in the generated module
 * @param options `allErrors: true` for the CLI's `--all-errors` set (never what a browser
 *   imports); `arguments: true` for standalone code that {@link withPositionalArguments} rewrites
 *   to take the mode as arguments (it does not run as ajv compiles it)
 */
export function createAjv(contract: Contract, formatsCode?: Code, options?: { allErrors?: boolean; arguments?: boolean }): Ajv {
  const mode = options?.arguments ? ARGUMENT_MODE : CONTEXT_MODE;
  const ajv = new Ajv({
    strict: true,
    // A nullable object is compiled without its `type` (see nullableObjects): its object
    // keywords apply to objects only, as ajv always applies them. The loader has already
    // compiled every schema as written with ajv's strict types.
    strictTypes: false,
    allowUnionTypes: true,
    allErrors: options?.allErrors ?? false,
    messages: false,
    // Each error carries the value at its place as the validator read it (`data`): the
    // description says what was judged without reading the value again (a getter may answer
    // differently, and a pointer walk costs more than the rest of a rejection). Not for the
    // CLI's every-error validators, whose errors ajv's rewrites do not slim: `verbose` would
    // add each schema to each of them.
    verbose: !options?.allErrors,
    passContext: !options?.arguments,
    // The loader has checked every schema against the draft-07 meta-schema; here the
    // meta-schema would be compiled with the tolerant `enum` below, whose mode an argument
    // names only in the rewritten standalone code.
    validateSchema: false,
    inlineRefs: false,
    // Lengths are counted by the `minLength` and `maxLength` below, in code points as ajv's
    // `ucs2length` would, without its CommonJS helper. The option is deprecated, and its
    // warning is the only thing ajv would log (strict errors throw).
    unicode: false,
    logger: false,
    code: { source: true, esm: true, optimize: true, lines: true, ...(formatsCode && { formats: formatsCode }) },
  });
  ajv.addFormat('date-time', formats['date-time']);
  ajv.addKeyword({
    keyword: CLOSED_KEYWORD,
    type: 'object',
    schemaType: 'boolean',
    error: { message: 'must NOT have additional properties', params: ({ params }) => (params.unlisted === undefined ? _`{additionalProperty: ${params.additionalProperty}}` : _`{additionalProperty: ${params.additionalProperty}, unlisted: ${params.unlisted}}`) },
    code(cxt) {
      const { gen, data, parentSchema } = cxt;
      const known = Object.keys((parentSchema as SchemaNode).properties ?? {});
      const required = new Set((parentSchema as SchemaNode).required ?? []);
      const search = gen.scopeValue('func', { ref: unknownKey, ...(formatsCode && { code: _`unknownKey` }) });
      gen.if(mode.strict, () => {
        const report = () => {
          const key = gen.const('unknown', _`${search}(${data}, ${stringify(known)})`);
          gen.if(_`${key} !== undefined`, () => {
            cxt.setParams({ additionalProperty: key });
            cxt.error();
          });
        };
        // With every error collected, `required` may have failed: name each unknown key itself.
        // At most 100 per object, as doubled keys: an object of 2 million keys stays 100 lines,
        // and one more that counts the others (they went unsaid: a hostile tester).
        if (options?.allErrors) {
          const names = gen.const('known', stringify(known));
          const named = gen.let('named', 0);
          gen.forIn('key', data, (key) =>
            gen.if(_`!${names}.includes(${key}) && ++${named} <= ${MAX_UNKNOWN_LISTED}`, () => {
              cxt.setParams({ additionalProperty: key });
              cxt.error();
            }),
          );
          gen.if(_`${named} > ${MAX_UNKNOWN_LISTED}`, () => {
            cxt.setParams({ additionalProperty: _`""`, unlisted: _`${named} - ${MAX_UNKNOWN_LISTED}` });
            cxt.error();
          });
          return;
        }
        // An object of at most a few named keys (every message's envelope, ping, pong) compares
        // each key with them in one loop: as cheap as counting for so few, and a rejection names
        // its key without a second loop over the object and a new array of the names (the same
        // key: the first unknown one in for...in order).
        // In a composite rule (a branch of anyOf or oneOf) ajv's error does not return: it
        // collects, and the loop went on to every unknown key (100,000 keys, 100,002 errors). The
        // first is the one reported, so the loop stops there.
        if (known.length > 0 && known.length <= MAX_COMPARED_KEYS) {
          gen.forIn('key', data, (key) =>
            gen.if(and(...known.map((name) => _`${key} !== ${name}`)), () => {
              cxt.setParams({ additionalProperty: key });
              cxt.error();
              if (cxt.it.compositeRule) gen.break();
            }),
          );
          return;
        }
        // Every key the schema names is read anyway, so an object has no unknown key exactly
        // when its number of keys equals the number of named keys present: the required ones
        // (\`required\` has passed) plus each optional one found. Counting costs no string
        // comparison; only a count that differs looks for the key, to name it.
        const count = gen.let('count', 0);
        gen.forIn('key', data, () => gen.code(_`${count}++`));
        let expected: Code = _`${known.filter((name) => required.has(name)).length}`;
        for (const name of known) if (!required.has(name)) expected = _`${expected} + (${data}${getProperty(name)} === undefined ? 0 : 1)`;
        gen.if(_`${count} !== ${expected}`, report);
      });
    },
  });
  ajv.addKeyword({
    keyword: NULLABLE_OBJECT_KEYWORD,
    schemaType: 'boolean',
    error: { message: 'must be object or null', params: () => _`{type: "object,null"}` },
    code(cxt) {
      const { gen, data } = cxt;
      gen.if(_`${data} !== null && (typeof ${data} != "object" || Array.isArray(${data}))`, () => cxt.error());
    },
  });
  ajv.addKeyword({
    keyword: DATE_TIME_KEYWORD,
    type: 'string',
    schemaType: 'boolean',
    error: { message: 'must match format "date-time"', params: () => _`{format: "date-time"}` },
    code(cxt) {
      const { gen, data } = cxt;
      const check = gen.scopeValue('formats', {
        key: 'date-time',
        ref: formats['date-time'],
        // The function by name, not `formats["date-time"]`: a bundler cannot drop a property read.
        ...(formatsCode && { code: _`checkDateTime` }),
      });
      gen.if(not(_`${check}(${data}, ${mode.strict})`), () => cxt.error());
    },
  });
  // minLength and maxLength count characters (code points), as JSON Schema and a default ajv
  // do; with `unicode: false`, ajv counted UTF-16 code units, and 21 emoji were "more than 40
  // characters" (a hostile tester). A string's code points are at most its `length` and at
  // least half of it: most strings are judged by `length` alone, only the others counted.
  for (const keyword of ['minLength', 'maxLength'] as const) {
    ajv.removeKeyword(keyword);
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'number',
      error: { message: `must NOT have ${keyword === 'minLength' ? 'fewer' : 'more'} characters than the limit`, params: ({ schemaCode }) => _`{limit: ${schemaCode}}` },
      code(cxt) {
        const { gen, data } = cxt;
        const limit = cxt.schema as number;
        const count = () => gen.scopeValue('func', { ref: codePoints, ...(formatsCode && { code: _`codePoints` }) });
        if (keyword === 'minLength') cxt.fail(limit <= 1 ? _`${data}.length < ${limit}` : _`${data}.length < ${limit} || (${data}.length < ${2 * limit} && ${count()}(${data}) < ${limit})`);
        else cxt.fail(limit === 0 ? _`${data}.length > 0` : _`${data}.length > ${limit} && (${data}.length > ${2 * limit} || ${count()}(${data}) > ${limit})`);
      },
    });
  }
  addTolerantEnum(ajv, mode, formatsCode && _`enumNotice`);
  addNullFirstAnyOf(ajv);
  addDeclaredNearToRequired(ajv);
  // Messages are compiled with their `$ref`s inlined: one flat function per message type.
  // Documents (the poll response) keep theirs, so they call the message validators instead
  // of holding a second copy of them; `inlineRefs: false` keeps ajv from copying them in.
  const messageFiles = new Set(contract.messages.map((m) => m.file));
  for (const [file, schema] of contract.files) {
    ajv.addSchema(close(messageFiles.has(file) ? discriminatorsFirst(nullableObjects(stripAnnotations(inlineRefs(contract.files, file, schema)))) : stripAnnotations(schema)));
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

/**
 * Replaces ajv's `anyOf` with the same keyword that, for a nullable value (`anyOf: [X, { type:
 * "null" }]`, the contract's `platform`, `bot_id`, …), lets a null through before it tries X.
 * ajv tries the branches in order: a null failed X first, and with `allErrors: false` each
 * failed branch still builds its error objects (two or three per null, then thrown away), which
 * made `alerts` half again as slow as the hand-written limit. Any other value is judged by
 * ajv's own code at the keyword's own place among the others, so its errors are the same: X's,
 * the null branch's `type`, then `anyOf`. A null passes the null branch, so the `anyOf` holds
 * whatever X says; the one difference is that X is not asked about it, so a tolerant `enum` in
 * X listing values of several types no longer records a notice for a null that passed.
 */
function addNullFirstAnyOf(ajv: Ajv): void {
  const { builtin, place } = takeKeyword(ajv, 'anyOf');
  ajv.addKeyword({
    ...builtin,
    ...place,
    code(cxt) {
      const branches = cxt.schema as SchemaNode[];
      const nullable = branches.length === 2 && branches.some((branch) => Object.keys(branch).length === 1 && branch.type === 'null');
      if (nullable) cxt.gen.if(_`${cxt.data} !== null`, () => builtin.code(cxt));
      else builtin.code(cxt);
    },
  });
}

/**
 * ajv's `required`, whose rejection also names the properties its object schema declares that
 * the runtime's did-you-mean would take for a misspelling of a required one (`{ missingProperty:
 * "fees", declaredNear: obj0 }`, `const obj0 = ["fee","fees"]`): a key written beside a missing property
 * is hinted as a misspelling of it (`"platfrom" is written: did you mean "platform"?`) only when
 * the schema does not declare that key there itself (`fee` beside a newly required `fees` is no
 * typo, and renamed it would be missed; tDJ F8). The list is made here, where the schema is at
 * hand, with the runtime's own test ({@link misspells}), and read from the rejection: no second
 * validation (a first fix validated a renamed copy per key, and `--all-errors` went quadratic;
 * 3a6fac0, reverted). An object with no such pair (every object of the shipped contract) keeps
 * ajv's `{ missingProperty }`, so the modules grow only where a schema has one. Only a rejection
 * builds the object: a valid message runs the same code as ajv's. The browser client's tolerant
 * module, which describes no hint, drops it ({@link withoutDeclaredNear}).
 */
function addDeclaredNearToRequired(ajv: Ajv): void {
  const { builtin, place } = takeKeyword(ajv, 'required');
  ajv.addKeyword({
    ...builtin,
    ...place,
    error: {
      ...builtin.error!,
      params: (cxt) => {
        const near = declaredNear(cxt.parentSchema as SchemaNode);
        if (near.length === 0) return _`{missingProperty: ${cxt.params.missingProperty}}`;
        const names = cxt.gen.scopeValue('obj', { key: JSON.stringify(near), ref: near, code: stringify(near) });
        return _`{missingProperty: ${cxt.params.missingProperty}, declaredNear: ${names}}`;
      },
    },
  });
}

/**
 * ajv's own definition of `keyword`, removed, and where a replacement goes (`{ before: <the keyword that followed
 * it in its group> }`): ajv appends a keyword added again to its group, and a node with `anyOf` or `required`
 * next to `enum`, `oneOf`, … would report another first error.
 */
function takeKeyword(ajv: Ajv, keyword: string): { builtin: CodeKeywordDefinition; place: { before?: string } } {
  const builtin = ajv.getKeyword(keyword) as CodeKeywordDefinition;
  const group = ajv.RULES.rules.find(({ rules }) => rules.some((rule) => rule.keyword === keyword));
  const next = group?.rules[group.rules.findIndex((rule) => rule.keyword === keyword) + 1]?.keyword;
  ajv.removeKeyword(keyword);
  return { builtin, place: next !== undefined ? { before: next } : {} };
}

/** The properties `schema` declares that {@link misspells} a property it requires: those a did-you-mean must not name. */
function declaredNear(schema: SchemaNode): string[] {
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.keys(schema.properties ?? {}).filter((key) => required.some((name) => misspells(key, name)));
}

const NON_VALIDATING_KEYWORDS = new Set(['title', 'description', 'examples', '$comment', 'default']);

/**
 * `anyOf: [X, { type: "null" }]` where X is an object schema (a nullable object such as
 * `sizing`) as ajv would check it without `anyOf`: X without its `type`, and
 * {@link NULLABLE_OBJECT_KEYWORD} in its place. The same values pass — X's other keywords
 * apply to objects only — but ajv compiles no `anyOf`, so a null costs no error object for the
 * branch it fails, and the function keeps a constant error count (smaller and faster code).
 * A value that is neither fails with that keyword, which the runtime reports as the schema
 * writes it: `anyOf`, "an object or null". Other nullable fields (an enum, a string with
 * `minLength`) keep their `anyOf`, whose errors say "… or null" for each rule.
 */
function nullableObjects(schema: SchemaNode): SchemaNode {
  return mapSchema(schema, (node) => {
    const { anyOf, ...rest } = node;
    if (!Array.isArray(anyOf) || anyOf.length !== 2 || Object.keys(rest).some((keyword) => !isAnnotationKeyword(keyword))) return node;
    const nullIndex = anyOf.findIndex((branch) => Object.keys(branch).length === 1 && branch.type === 'null');
    if (nullIndex === -1) return node;
    const { type, ...object } = anyOf[1 - nullIndex]!;
    if (type !== 'object' || NULL_SENSITIVE.some((keyword) => keyword in object)) return node;
    return { ...rest, ...object, [NULLABLE_OBJECT_KEYWORD]: true };
  });
}

/**
 * `anyOf` of object types told apart by a property of a fixed value (`kind: { const: "limit" }`,
 * `{ const: "market" }`): each such branch checks that property first, `if: { properties:
 * { kind: { const: "limit" } } }, then: <branch>, else: <the same if>`. The same values pass;
 * but ajv checks `required` before `properties`, so a market order failed the limit branch on
 * its missing `price` first, and the error named that field of the other type (tHL F2). Now a
 * branch the value did not choose fails on that property's value alone (with every error too:
 * `else`, then `if`), which the runtime sets aside for the branch that matched it
 * (src/runtime/errors.ts, `describeCompiledErrors`).
 */
function discriminatorsFirst(schema: SchemaNode): SchemaNode {
  return mapSchema(schema, (node) => {
    const branches = node.anyOf;
    if (!Array.isArray(branches)) return node;
    const fixed = (branch: SchemaNode, key: string): SchemaNode | undefined => {
      const property = branch.properties?.[key];
      if (typeof property !== 'object' || property === null) return undefined;
      // A `const` alone: tolerant mode opens an `enum` (with a notice), which checked twice would notify twice.
      return typeof property.const === 'string' ? { const: property.const } : undefined;
    };
    const objects = branches.filter((branch) => branch.properties !== undefined);
    const key = Object.keys(objects[0]?.properties ?? {}).find((name) => objects.filter((branch) => fixed(branch, name) !== undefined).length > 1);
    if (key === undefined) return node;
    return { ...node, anyOf: branches.map((branch) => {
      const value = fixed(branch, key);
      if (value === undefined) return branch;
      const chosen: SchemaNode = { properties: { [key]: value } };
      return { if: chosen, then: branch, else: chosen };
    }) };
  });
}

/** Keywords that would judge a null too: a nullable object with one of them keeps its `anyOf`. */
const NULL_SENSITIVE = ['const', 'enum', 'anyOf', 'oneOf', 'allOf', 'not', 'if', '$ref'];

function isAnnotationKeyword(keyword: string): boolean {
  return NON_VALIDATING_KEYWORDS.has(keyword) || keyword.startsWith('x-');
}

/** Replaces `additionalProperties: false` with {@link CLOSED_KEYWORD} and `format: "date-time"` with {@link DATE_TIME_KEYWORD}. */
function close(schema: SchemaNode): SchemaNode {
  return mapSchema(schema, (node) => {
    let result = node;
    if (result.format === 'date-time') {
      const { format: _dateTime, ...rest } = result;
      result = { ...rest, [DATE_TIME_KEYWORD]: true };
    }
    if (result.additionalProperties === false) {
      const { additionalProperties: _false, ...open } = result;
      result = { ...open, [CLOSED_KEYWORD]: true };
    }
    return result;
  });
}

/**
 * Generates `validators.js`: the ajv standalone code of every message schema, bundled with
 * esbuild into one dependency-free ES module (no `require`, no `new Function`), plus its
 * `validators.d.ts`; and `validators-tolerant.js` (with its `.d.ts`), the same validators with
 * their strict-mode code removed ({@link tolerantOnly}), for the browser client, exporting
 * `checkTolerant(type, data, notices, typeRead)`.
 *
 * Exports `checkMessage(type, data, mode)`, which picks the validator by `type` (a `switch`)
 * and runs it in `mode`; `check<Title>(data, mode)` for each keepalive message (no envelope:
 * ping, pong), so a bundle with only the keepalive builders keeps only their validators; and
 * one per document (the poll response). The mode travels as arguments of each call: nothing
 * is written outside the call, so a call made from inside another (a getter in the value)
 * cannot change its verdict.
 *
 * ajv's output is rewritten on its syntax tree before bundling (src/codegen/ajv-rewrites.ts:
 * each property read once, one `reject()` per error site, constant bookkeeping folded), then
 * checked by the same tests as ajv's own output: fixtures, the fuzzed hand-written limit and
 * TypeBox parity.
 */
export async function emitValidators(contract: Contract): Promise<Map<string, string>> {
  const ajv = createAjv(contract, _`formats`, { arguments: true });
  const exports = Object.fromEntries([
    ...contract.messages.map((m) => [exportName(m.type), m.schema.$id!]),
    ...contract.documents.map((d) => [documentExportName(d.title), d.schema.$id!]),
  ]);
  const messageExports = new Set(contract.messages.map((m) => exportName(m.type)));
  const code = withDateTimeTypeParams(withErrorSlot(withTypeArgument(withCharacterClassPatterns(withPurePatterns(withoutRedundantNumberChecks(withoutConstantValidFlags(withoutConstantErrorCount(hoistPropertyLoads(withIntegerCheck(withPositionalArguments(pruneEmbeddedSchemas(callReject(slimErrorObjects(withPrototypeFreeIndices(withoutRuntimeRequires(standaloneCode.default(ajv, exports)))))))))))))), messageExports)));
  const sources = new Map([
    ['notices.js', `export ${ENUM_NOTICE_SOURCE}\nexport ${UNKNOWN_KEY_SOURCE}\nexport ${CODE_POINTS_SOURCE}\nexport ${JSON_EQUAL_SOURCE}\n`],
    ['compiled.js', compiledSource(withKnownObject(code))],
  ]);
  const entry = `${ENTRY_HEAD}
${keepalive(contract).map((m) => `export function check${m.title}(data, mode, notices, type) {\n  return ${call(m.type, 'mode !== \'tolerant\'')};\n}`).join('\n')}
export function checkMessage(type, data, mode, notices, typeRead) {
  const strict = mode !== 'tolerant';
  const known = typeRead === true ? type : undefined;
${messageSwitch(contract, 'strict')}
}
${contract.documents.map((d) => `export function check${d.title}Document(data, mode, notices) {\n  return compiled.${documentExportName(d.title)}(data, '', mode !== 'tolerant', notices) ? null : compiled.taken();\n}\n`).join('')}`;

  // The browser client's: its date-time check without the fast path (the same verdicts, 0.26 KB
  // less min+gzip), room for the client's own code under socket.io-client's size.
  const tolerantSources = new Map([...sources, ['compiled.js', compiledSource(withoutDeclaredNear(tolerantOnly(code)), true)]]);
  const tolerantEntry = `${ENTRY_HEAD}
export function checkTolerant(type, data, notices, typeRead) {
  const known = typeRead === true ? type : undefined;
${messageSwitch(contract, 'false')}
}
`;
  const [js, tolerantJs] = await Promise.all([bundle(entry, sources, 'validators-entry.js'), bundle(tolerantEntry, tolerantSources, 'validators-tolerant-entry.js')]);
  const header = '// Generated by `npm run generate` from schemas/*.json. Do not edit.\n';
  return new Map([
    ['validators.js', header + js],
    ['validators.d.ts', header + validatorsDts(contract)],
    ['validators-tolerant.js', header + closedListLookups(tolerantJs)],
    ['validators-tolerant.d.ts', header + TOLERANT_DTS],
  ]);
}

/** The start of both entries: the compiled module (whose `taken()` hands over the errors of a rejection). */
const ENTRY_HEAD = `import * as compiled from 'virtual:compiled.js';
// Each validator is called at a call site of its own (never through one shared \`run(validate)\`),
// so V8 can inline it there: a shared site sees every validator and stays a generic call.`;

/** The \`switch (type)\` of an entry: each message's validator called with \`strict\` (a name or \`false\`) and the type its caller read (\`known\`). */
function messageSwitch(contract: Contract, strict: string): string {
  return `  // A switch, not a table: \`JSON.parse\` internalizes short strings, so most cases compare pointers.
  switch (type) {
${contract.messages.map((m) => `    case ${JSON.stringify(m.type)}: return ${call(m.type, strict, 'known')};`).join('\n')}
    default: return undefined;
  }`;
}

/** The module of ajv's rewritten `code` with its imports; `anyDateTime`: its `checkDateTime` is date-time.ts's `checkAnyDateTime` (no fast path). */
function compiledSource(code: string, anyDateTime = false): string {
  const dateTime = anyDateTime ? `checkAnyDateTime as checkDateTime } from ${JSON.stringify(DATE_TIME_MODULE)};\nimport { formats` : 'formats, checkDateTime';
  return `import { ${dateTime} } from ${JSON.stringify(FORMATS_MODULE)};\nimport { codePoints, enumNotice, jsonEqual, unknownKey } from 'virtual:notices.js';\n${ERROR_SLOT_SOURCE}\n${code}`;
}

/** esbuild's bundle of `entry`, whose `virtual:<name>` imports are `sources`, as one dependency-free ES module. */
async function bundle(entry: string, sources: ReadonlyMap<string, string>, sourcefile: string): Promise<string> {
  const virtual: Plugin = {
    name: 'virtual',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path.slice('virtual:'.length), namespace: 'virtual' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => ({ contents: sources.get(args.path)!, loader: 'js', resolveDir: ROOT }));
    },
  };
  const result = await build({
    stdin: { contents: entry, loader: 'js', resolveDir: ROOT, sourcefile },
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
  return js;
}

/**
 * Declarations of `validators-tolerant.js`, the tolerant half of `validators.js` for the
 * browser client: the same validators with their strict-only code removed (unknown-key
 * counts, strict enum rejections), so a bundle that never validates strictly does not carry it.
 */
const TOLERANT_DTS = `import type { CompiledNoticeSink, CompiledValidatorError } from './validators.js';

/**
 * \`checkMessage(type, data, 'tolerant', notices, typeRead)\` of \`validators.js\`, with the
 * same result, from a module that holds no strict-mode code: unknown properties pass, and a
 * value outside a closed list passes and is reported in \`notices\` when given.
 *
 * @returns \`undefined\` when \`type\` is not a message type, \`null\` when \`data\` is valid,
 *   else the errors of the first fault: one, or for a value no branch of an \`anyOf\` admits,
 *   each branch's, then the \`anyOf\`'s
 */
export declare function checkTolerant(type: string, data: unknown, notices?: CompiledNoticeSink, typeRead?: boolean): CompiledValidatorError[] | null | undefined;
`;

/** `compiled.<validator>(data, '', <strict>, notices, type) ? null : compiled.taken()`: one message's validator at a call site of its own, given the `type` its caller read. */
function call(type: string, strict: string, known = 'type'): string {
  const name = `compiled.${exportName(type)}`;
  return `${name}(data, '', ${strict}, notices, ${known}) ? null : compiled.taken()`;
}

/**
 * ajv's standalone code embeds whole schema objects (`const schema12 = {…}`) when error
 * parameters refer to a part of them (`schema12.properties.data.properties.side.enum`). Each
 * part the code refers to becomes a constant of its own (`const embedded3 = ["buy","sell"]`),
 * one per distinct value (the exchanges' list is one array for every message that lists it),
 * and the schema object goes: the rest of it, and the property paths a minifier cannot
 * shorten, are bytes every browser would download and never read. A schema the code uses
 * whole is kept as it is.
 */
function pruneEmbeddedSchemas(code: string): string {
  const constants = new Map<string, string>();
  const replacements = new Map<string, string>();
  let result = code.replace(/^const (schema\d+) = (\{.*\});\n/gm, (declaration, name: string, json: string) => {
    const uses = code.replace(declaration, '');
    const paths = [...uses.matchAll(new RegExp(`\\b${name}\\b((?:\\.[A-Za-z_$][\\w$]*)*)`, 'g'))].map((match) => match[1]!);
    if (paths.some((path) => path === '')) return declaration;
    const schema = JSON.parse(json) as unknown;
    for (const path of paths) {
      const value = path.slice(1).split('.').reduce((node, key) => (node as Record<string, unknown>)[key], schema);
      const text = JSON.stringify(value);
      if (!constants.has(text)) constants.set(text, `embedded${constants.size}`);
      replacements.set(`${name}${path}`, constants.get(text)!);
    }
    return '';
  });
  // Longest first, so that `schema1.a.b` is never taken for the start of `schema1.a.bc`.
  for (const reference of [...replacements.keys()].sort((a, b) => b.length - a.length)) {
    result = result.replace(new RegExp(`\\b${reference.replaceAll('.', '\\.')}(?![\\w$.])`, 'g'), replacements.get(reference)!);
  }
  const declarations = [...constants].map(([text, constant]) => `const ${constant} = ${text};\n`).join('');
  return declarations + result;
}

/**
 * ajv's functions take their location as an options object (`{ instancePath, parentData,
 * parentDataProperty, rootData } = {}`): a call allocates it and destructures four defaults,
 * although only `instancePath` is ever read here (no keyword of the contract needs the
 * parent or the root). Rewrites every function to take `(data, instancePath, strict,
 * notices)` (the mode as {@link ARGUMENT_MODE} names it) and every nested call to pass them
 * on; on success a function no longer stores `errors = null` on itself (a caller reads
 * `errors` only after `false`). Refuses code it does not recognize.
 */
function withPositionalArguments(code: string): string {
  const rewritten = code
    .replace(/^function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{$/gm, 'function $1(data, instancePath, strict, notices){')
    .replace(/\b(validate\d+)\(([\w.]+), \{instancePath:([^,{}]+),parentData:[\w.]+,parentDataProperty:[\w".]+,rootData\}\)/g, '$1($2, $3, strict, notices)')
    .replace(/^(validate\d+)\.errors = vErrors;\nreturn errors === 0;\n\}$/gm, 'if(errors !== 0){$1.errors = vErrors;}\nreturn errors === 0;\n}');
  const left = /\b(?:parentData|parentDataProperty|rootData|this)\b|^validate\d+\.errors = vErrors;\nreturn errors === 0;$/m.exec(rewritten);
  if (left) throw new Error(`generated validators: ajv code that withPositionalArguments does not know (${left[0]}): ${rewritten.slice(left.index - 200, left.index + 100)}`);
  return rewritten;
}

/**
 * ajv tests `type: "integer"` as `typeof x == "number" && !(x % 1) && !isNaN(x) && isFinite(x)`.
 * Timestamps in epoch milliseconds are beyond V8's small integers, where `x % 1` is a
 * floating-point remainder, a call into C; `Number.isInteger(x)` is the same predicate
 * (true exactly for finite numbers without a fractional part) and compiles to a few
 * instructions. Refuses code that still holds the remainder form.
 */
function withIntegerCheck(code: string): string {
  const rewritten = code.replace(/\(\(\(typeof ([A-Za-z_$][\w$]*) == "number"\) && \(!\(\1 % 1\) && !isNaN\(\1\)\)\) && \(isFinite\(\1\)\)\)/g, '(Number.isInteger($1))');
  if (/ % 1\b/.test(rewritten)) throw new Error('generated validators: an integer check in a form withIntegerCheck does not know');
  return rewritten;
}

/** The messages without the `{ type, data, ts }` envelope: ping and pong, which have builders of their own. */
function keepalive(contract: Contract): Contract['messages'] {
  return contract.messages.filter((m) => !m.enveloped);
}

function exportName(type: string): string {
  return `message_${type.replace(/[^A-Za-z0-9_$]/g, '_')}`;
}

/** `PollResponse` → `validatePollResponseDocument`: never `validate<N>`, which ajv uses internally. */
function documentExportName(title: string): string {
  return `validate${title}Document`;
}

function validatorsDts(contract: Contract): string {
  return `/** One error of an ajv standalone validator (\`allErrors: false\`, so at most one). */
export interface CompiledValidatorError {
  /** JSON Pointer of the failing value, e.g. "/data/side". */
  instancePath: string;
  /**
   * The JSON Schema keyword that failed, e.g. "enum"; \`x-closed\` for a property the schema does
   * not name (strict mode only, params \`{ additionalProperty }\`), \`x-date-time\` for a timestamp
   * (params \`{ format: "date-time" }\`; its \`type\` error's params carry that format too), \`x-nullable-object\` for a value that is neither an object
   * nor null where the schema says \`anyOf: [<object>, { type: "null" }]\` (params \`{ type: "object,null" }\`).
   */
  keyword: string;
  /**
   * Keyword parameters, e.g. { allowedValues } for enum, { missingProperty } for required (and
   * \`declaredNear\`, outside \`validators-tolerant.js\`: the properties the object's schema declares
   * that one edit or two make a property it requires, where there are such).
   */
  params: Record<string, unknown>;
  /** The value at \`instancePath\` as the validator read it (the object, for \`required\` and \`x-closed\`). */
  data?: unknown;
}

/**
 * \`strict\` rejects properties the schemas do not name; \`tolerant\` lets them pass. Any other
 * value counts as strict.
 */
export type CompiledMode = 'strict' | 'tolerant';

/** A value outside a closed list (\`enum\`) that tolerant mode accepted. */
export interface CompiledEnumNotice {
  /** JSON Pointer of the value, e.g. "/data/platform". */
  pointer: string;
  value: unknown;
  /** The values the schema lists. */
  known: readonly unknown[];
}

/**
 * Collects the notices of one tolerant call: pass \`{ list: null }\`; afterwards \`list\` is
 * null (none) or the values accepted although outside their closed list. Ignored in strict
 * mode, where such a value is an \`enum\` error.
 */
export interface CompiledNoticeSink {
  list: CompiledEnumNotice[] | null;
}

/**
 * Validates \`data\` as a message of \`type\` in \`mode\`. Keeps no state between calls. In
 * tolerant mode a value outside a closed list passes, and is reported in \`notices\` when given.
 * With \`typeRead\` true, \`type\` is \`data.type\` as the caller read it, and the value judged:
 * the validator does not read it again (a second megamorphic lookup on every message); else
 * the validator reads \`data.type\` and judges that. In strict mode, \`typeRead\` true also
 * says the caller has tested that \`data\` is an object and not an array (as
 * \`validateMessage\` does before it reads \`type\`): the validator does not test it again.
 *
 * @returns \`undefined\` when \`type\` is not a message type (inherited names such as
 *   "constructor" are not), \`null\` when \`data\` is valid, else the errors of the first fault (one; for a value no branch of an \`anyOf\` admits, each branch's, then the \`anyOf\`'s)
 */
export declare function checkMessage(type: string, data: unknown, mode: CompiledMode, notices?: CompiledNoticeSink, typeRead?: boolean): CompiledValidatorError[] | null | undefined;
${keepalive(contract).map((m) => `
/**
 * Validates \`data\` as a \`${m.type}\` message (${m.title}) in \`mode\`: \`null\` when valid, else the first error.
 * \`type\`, when given, is \`data.type\` as the caller read it, and the value judged; omitted, it is read here.
 * In strict mode, a \`type\` given also says the caller has tested that \`data\` is an object and not an array: it is not tested again.
 */
export declare function check${m.title}(data: unknown, mode: CompiledMode, notices?: CompiledNoticeSink, type?: unknown): CompiledValidatorError[] | null;`).join('')}
${contract.documents.map((d) => `
/** Validates \`data\` as a \`schemas/${d.file}\` document (${d.title}) in \`mode\`: \`null\` when valid, else the first error. */
export declare function check${d.title}Document(data: unknown, mode: CompiledMode, notices?: CompiledNoticeSink): CompiledValidatorError[] | null;`).join('')}
`;
}
