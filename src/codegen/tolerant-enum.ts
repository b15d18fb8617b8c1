import { _, type Ajv, type Code } from 'ajv';
import { Name, not, or, strConcat, type CodeGen } from 'ajv/dist/compile/codegen/index.js';

/** The name ajv gives the instance path parameter of every compiled function (ajv's `names.instancePath`). */
const INSTANCE_PATH = new Name('instancePath');

/**
 * Where the compiled validators put the notices of tolerant mode: a value outside a closed
 * list (`enum`) that was accepted anyway. Notices are kept only while `record` is true, so a
 * caller that runs the compiled validators directly and never reads notices keeps nothing.
 * The runtime sets `record` and clears `list` before a call, and takes `list` after it; the
 * array is created on the first notice only, so a message without unknown values allocates
 * nothing.
 */
export const enumNotices: { record: boolean; list: { pointer: string; value: unknown; known: readonly unknown[] }[] | null } = { record: false, list: null };

/** Appends one notice to {@link enumNotices} while it records; the generated module holds a copy of this function. */
export function enumNotice(pointer: string, value: unknown, known: readonly unknown[]): void {
  if (enumNotices.record) (enumNotices.list || (enumNotices.list = [])).push({ pointer, value, known });
}

/** Source of the generated module that holds the sink and its helper. */
export const ENUM_NOTICES_MODULE = `export const enumNotices = { record: false, list: null };
export function enumNotice(pointer, value, known) {
  if (enumNotices.record) (enumNotices.list || (enumNotices.list = [])).push({ pointer, value, known });
}
`;

/**
 * Replaces ajv's `enum` with one that reads the strict/tolerant switch: strict (switch
 * enforced) rejects a value outside the list exactly as `enum` does (keyword `enum`, params
 * `{ allowedValues }`); tolerant accepts it and appends `{ pointer, value, known }` to the
 * notices sink, so an older consumer survives a newer producer's new enum value (issue 13).
 *
 * Only lists of strings, numbers, booleans and null are supported (all the contract uses):
 * they compare with `===`, no deep-equality helper is bundled.
 *
 * @param strict builds, inside a compiled function, the expression that is true in strict
 *   mode (the same switch the closed-object keyword reads)
 * @param noticeCode the expression that names {@link enumNotice} in generated code; omitted
 *   for in-process compilation (tests), where the module-level function is referenced
 * @throws Error at compile time for an enum holding an object or array
 */
export function addTolerantEnum(ajv: Ajv, strict: (gen: CodeGen) => Code, noticeCode?: Code): void {
  ajv.removeKeyword('enum');
  ajv.addKeyword({
    keyword: 'enum',
    schemaType: 'array',
    error: { message: 'must be equal to one of the allowed values', params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}` },
    code(cxt) {
      const { gen, data, schema, schemaCode, it } = cxt;
      const values = schema as unknown[];
      if (values.length === 0) throw new Error('enum must have a non-empty array');
      if (values.some((value) => typeof value === 'object' && value !== null)) {
        throw new Error(`enum of objects or arrays is not supported by the tolerant enum keyword: ${JSON.stringify(values)}`);
      }
      const notice = gen.scopeValue('func', { ref: enumNotice, code: noticeCode });
      const known = or(...values.map((value) => _`${data} === ${value as string}`));
      gen.if(not(known), () => {
        gen.if(
          strict(gen),
          () => cxt.error(),
          () => {
            const pointer = strConcat(INSTANCE_PATH, it.errorPath);
            gen.code(_`${notice}(${pointer}, ${data}, ${schemaCode})`);
          },
        );
      });
    },
  });
}
