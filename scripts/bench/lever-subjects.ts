/**
 * The functions the levers section (levers.ts) times, built inside a bench isolate
 * (isolate-child.ts) so that each runs in a process of its own, as sections 1–2 run theirs:
 * in the bench's main process the hand-written limit has already been run by `loadInputs` on
 * every type's valid and invalid inputs, and measured there it ran at half its isolated speed
 * on ping (tBG F9). Importing this module runs none of them.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { isDateTime, validateMessage } from '../../src/index.js';
import { readSchemas } from './candidates.js';
import { handDateTime, handValidate } from './hand.js';

/** What the levers section times: see {@link buildLever}. */
export type LeverId = 'hand' | 'strict' | `direct:${string}` | 'nested' | 'inline' | 'inline-fast' | 'inline-none' | 'dt-package' | 'dt-fast';

/** ajv at run time with `dateTime` as the date-time format and refs inlined or not. */
function compile(types: readonly string[], dateTime: (value: string) => boolean, inline: boolean): Record<string, ValidateFunction> {
  const schemas = readSchemas();
  const keywords = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) (k.startsWith('x-') ? keywords.add(k) : walk(v));
  };
  schemas.forEach(walk);
  const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, ...(inline ? { inlineRefs: 10_000 } : {}) });
  ajv.addFormat('date-time', dateTime);
  ajv.addVocabulary([...keywords]);
  for (const schema of schemas) ajv.addSchema(schema);
  return Object.fromEntries(types.map((type) => [type, ajv.getSchema(`https://realtime-contract.dev/schemas/${type}.json`)!]));
}

function dispatch(table: Record<string, (value: unknown) => unknown>): (value: unknown) => boolean {
  const lookup: Record<string, ((value: unknown) => unknown) | undefined> = Object.assign(Object.create(null), table);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const type = (value as { type?: unknown }).type;
    const check = typeof type === 'string' ? lookup[type] : undefined;
    return check !== undefined && check(value) === true;
  };
}

/**
 * Builds lever `id` for messages of `types`: `hand` the limit, `strict` `validateMessage`,
 * `direct:<type>` the generated validator of one type called as `checkMessage(type, value,
 * 'strict')` (no wrapper), the ajv builds (`nested`: refs as calls, ajv's default; `inline`:
 * every ref inlined; `inline-fast`: with the limit's date-time fast path; `inline-none`: no
 * date-time check), and the date-time functions alone on timestamp strings (`dt-package`,
 * `dt-fast`).
 * @throws Error for an unknown id
 */
export async function buildLever(id: string, types: readonly string[]): Promise<(value: any) => unknown> {
  if (id.startsWith('direct:')) {
    const type = id.slice('direct:'.length);
    const { checkMessage } = await import('../../generated/validators.js');
    return (value: unknown) => checkMessage(type, value, 'strict') === null;
  }
  switch (id) {
    case 'hand':
      return handValidate;
    case 'strict':
      return (v: unknown) => validateMessage(v, { mode: 'strict' }).ok;
    case 'nested':
      return dispatch(compile(types, isDateTime, false));
    case 'inline':
      return dispatch(compile(types, isDateTime, true));
    case 'inline-fast':
      return dispatch(compile(types, handDateTime as (v: string) => boolean, true));
    case 'inline-none':
      return dispatch(compile(types, () => true, true));
    case 'dt-package':
      return isDateTime;
    case 'dt-fast':
      return handDateTime;
    default:
      throw new Error(`no lever ${id}`);
  }
}
