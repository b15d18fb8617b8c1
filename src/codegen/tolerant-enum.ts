import { _, type Ajv, type Code } from 'ajv';
import { Name, not, or, strConcat, stringify } from 'ajv/dist/compile/codegen/index.js';

/** The name ajv gives the instance path parameter of every compiled function (ajv's `names.instancePath`). */
const INSTANCE_PATH = new Name('instancePath');

/** A value outside a closed list that tolerant mode accepted: where, what, and the listed values. */
export interface EnumNotice {
  pointer: string;
  value: unknown;
  known: readonly unknown[];
}

/**
 * Where a caller collects the notices of one tolerant call: it passes `{ list: null }` and
 * finds `list` null (no notice) or the notices afterwards. The array is created on the first
 * notice only, so a message without unknown values allocates nothing more.
 */
export interface NoticeSink {
  list: EnumNotice[] | null;
}

/**
 * Appends one notice to the call's sink, when it has one; the generated module holds a copy
 * of this function (one call per closed list keeps the compiled code small).
 */
export function enumNotice(sink: NoticeSink | undefined, pointer: string, value: unknown, known: readonly unknown[]): void {
  if (sink) (sink.list || (sink.list = [])).push({ pointer, value, known });
}

/** Source of the same function for the generated module. */
export const ENUM_NOTICE_SOURCE = `function enumNotice(sink, pointer, value, known) {
  if (sink) (sink.list || (sink.list = [])).push({ pointer, value, known });
}`;

/**
 * How compiled code reads the mode of the call: `strict` is true for a strict call, `sink`
 * the {@link NoticeSink} of a tolerant call (or undefined). With ajv's `passContext` both are
 * read from `this` (`this.strict`, `this.notices`); the generated module passes them as
 * arguments instead (see `withPositionalArguments` in validators.ts).
 */
export interface ModeCode {
  strict: Code;
  sink: Code;
}

/**
 * The JSON types of which tolerant mode takes a value a closed list does not hold (with a
 * notice): those of its listed values, null and objects aside. A value of another type is
 * refused in both modes; the Received types open the list by the same types.
 */
export function openKinds(values: readonly unknown[]): ('string' | 'number' | 'boolean')[] {
  return [...new Set(values.map((value) => typeof value))].filter((kind): kind is 'string' | 'number' | 'boolean' => kind === 'string' || kind === 'number' || kind === 'boolean');
}

/** Past this many values a closed list is checked by a Set lookup rather than a chain of `===`. */
const LONG_ENUM = 64;

/**
 * Replaces ajv's `enum` with one that reads the mode of the call ({@link ModeCode}): strict
 * rejects a value outside the list exactly as `enum` does (keyword `enum`, params
 * `{ allowedValues }`); tolerant accepts it and, when the call carries a sink, appends
 * `{ pointer, value, known }` to it, so an
 * older consumer survives a newer producer's new enum value (issue 13).
 *
 * Strings, numbers, booleans and null compare with `===` (in a Set past {@link LONG_ENUM} values), so no deep-equality helper is
 * bundled. An object or array in the list (the contract has none; the TypeBox target refuses
 * it with a SchemaError) compares by its JSON text, which is right when keys come in the
 * listed order.
 *
 * @param mode how compiled code reads the mode of the call
 * @param noticeCode the expression that names {@link enumNotice} in generated code; omitted
 *   for in-process compilation (tests), where the module-level function is referenced
 */
export function addTolerantEnum(ajv: Ajv, mode: ModeCode, noticeCode?: Code): void {
  ajv.removeKeyword('enum');
  ajv.addKeyword({
    keyword: 'enum',
    schemaType: 'array',
    error: { message: 'must be equal to one of the allowed values', params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}` },
    code(cxt) {
      const { gen, data, schema, schemaCode, it } = cxt;
      const values = schema as unknown[];
      if (values.length === 0) throw new Error('enum must have a non-empty array');
      const notice = gen.scopeValue('func', { ref: enumNotice, code: noticeCode });
      // A long list is one Set lookup: a chain of 1,000 `===` nested too deep for the parser of
      // the rewrites (acorn: "Not enough stack space"; a hostile tester, within the documented
      // 10,000). Enum values are JSON: no NaN, for which a Set and `===` would differ.
      const primitive = values.every((value) => typeof value !== 'object' || value === null);
      const known =
        primitive && values.length > LONG_ENUM
          ? _`${gen.scopeValue('obj', { key: values, ref: new Set(values), code: _`new Set(${stringify(values)})` })}.has(${data})`
          : or(
              ...values.map((value) =>
                typeof value === 'object' && value !== null ? _`JSON.stringify(${data}) === ${JSON.stringify(value)}` : _`${data} === ${value as string}`,
              ),
            );
      gen.if(not(known), () => {
        gen.if(
          mode.strict,
          () => cxt.error(),
          () => {
            const pointer = strConcat(INSTANCE_PATH, it.errorPath);
            const record = () => gen.code(_`${notice}(${mode.sink}, ${pointer}, ${data}, ${schemaCode})`);
            // A value of another type than the listed ones is not a new value of the list:
            // inside `anyOf: [Platform, { type: "null" }]` a null fails this branch (its
            // `type`) and passes the other, and must not be reported as an unknown platform.
            // Where the schema's own `type` is that kind and a failed keyword returns at once
            // (no `anyOf` around it, one error wanted), the value is known to be of it here.
            // Nor is a value of a type the list does not hold: an `enum` without `type` let
            // `{}` and `false` through with a notice, where the Received types (from
            // {@link openKinds} too) rule them out (a hostile tester).
            // Where the schema's `type` admits no other type, its own check refuses the others.
            const kinds = openKinds(values);
            const types: unknown[] | undefined = cxt.parentSchema.type === undefined ? undefined : [cxt.parentSchema.type].flat();
            const covered = types?.every((type) => kinds.includes((type === 'integer' ? 'number' : type) as never) || (type === 'null' && values.includes(null)));
            if (kinds.length === 0) return cxt.error();
            const kind = or(...kinds.map((name) => _`typeof ${data} == ${name}`));
            if (covered && !it.compositeRule && !it.allErrors) record();
            else if (covered) gen.if(kind, record);
            else gen.if(kind, record, () => cxt.error());
          },
        );
      });
    },
  });
}
