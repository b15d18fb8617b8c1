/**
 * Section: where strict validation spends its time against the hand-written limit (issue 14,
 * item 3), so that whoever changes the runtime or the generator knows what each lever is worth.
 * Measured on the mixed stream of valid messages, every entry interleaved with the limit:
 *
 * - the wrapper: `validateMessage` against the compiled validator of the type called directly
 *   (on ping, the smallest message, where a fixed cost weighs most, and on trades and decisions);
 * - nested calls: ajv (run time, our date-time) as it compiles by default, where every `$ref`
 *   to a definition with refs of its own becomes a call with an options object, against the
 *   same schemas compiled with every ref inlined (`inlineRefs: 10000`), as the generator now
 *   compiles them;
 * - the date-time check: the inlined build with the package's `isDateTime`, with the
 *   hand-written limit's fast path for `toISOString` timestamps, and with no check at all (the
 *   whole share of the format);
 * - the date-time functions alone, per timestamp, on every timestamp of the inputs.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { isDateTime, validateMessage } from '../../src/index.js';
import { readSchemas } from './candidates.js';
import { handDateTime, handValidate } from './hand.js';
import { interleave, median, ratio, type Entry, type InterleaveOptions, type Ratio } from './harness.js';
import { mixedStream, type TypeInputs } from './inputs.js';
import { iqr, ns, table, x } from './report.js';

export interface LeverRow {
  id: string;
  label: string;
  /** Median ns per message (per timestamp for the date-time rows). */
  ns: number;
  /** Against the hand-written limit on the same messages (for date-time rows: against `isDateTime`). */
  vsBase: Ratio;
  /** What this row tells, with the ns it is worth per message where it is a difference. */
  reading: string;
}

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
 * The generated validator of `type` called directly, without `validateMessage` around it:
 * `checkMessage(type, value, 'strict')`, the module's own entry (a switch on the type, the
 * mode as an argument); the reason when its verdicts are not strict's.
 */
async function directCompiled(type: string, values: readonly unknown[]): Promise<{ fn: (value: unknown) => boolean } | { reason: string }> {
  const { checkMessage } = await import('../../generated/validators.js');
  const fn = (value: unknown) => checkMessage(type, value, 'strict') === null;
  if (values.some((v) => fn(v) !== validateMessage(v, { mode: 'strict' }).ok)) return { reason: 'calling the generated validator directly does not give strict verdicts' };
  return { fn };
}

/** Types whose wrapper share is measured: the smallest message and two large ones. */
const WRAPPER_TYPES = ['ping', 'trades', 'decisions'];

/** Every timestamp string in `value`. */
function timestamps(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 20 && isDateTime(value)) out.push(value);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) timestamps(v, out);
  return out;
}

export async function benchLevers(inputs: readonly TypeInputs[], options: InterleaveOptions): Promise<LeverRow[]> {
  const types = inputs.map((t) => t.type);
  const stream = mixedStream(inputs, 'valid');
  const entries: Entry[] = [
    { id: 'hand', fn: handValidate, inputs: stream },
    { id: 'strict', fn: (v: unknown) => validateMessage(v, { mode: 'strict' }).ok, inputs: stream },
    { id: 'nested', fn: dispatch(compile(types, isDateTime, false)), inputs: stream },
    { id: 'inline', fn: dispatch(compile(types, isDateTime, true)), inputs: stream },
    { id: 'inline-fast', fn: dispatch(compile(types, handDateTime as (v: string) => boolean, true)), inputs: stream },
    { id: 'inline-none', fn: dispatch(compile(types, () => true, true)), inputs: stream },
  ];
  const samples = interleave(entries, options);
  const get = (id: string) => samples.get(id)!;
  const m = (id: string) => median(get(id));
  const vsHand = (id: string) => ratio(get(id), get('hand'));
  const diff = (a: string, b: string) => median(get(a).map((value, round) => value - get(b)[round]!));

  const stamps = stream.flatMap((v) => timestamps(v));
  const perMessage = stamps.length / stream.length;
  const dt = interleave(
    [
      { id: 'package', fn: isDateTime, inputs: stamps },
      { id: 'fast', fn: handDateTime, inputs: stamps },
    ],
    options,
  );

  const rows: LeverRow[] = [
    { id: 'hand', label: 'hand-written limit', ns: m('hand'), vsBase: vsHand('hand'), reading: 'the yardstick' },
    { id: 'strict', label: '`validateMessage` (strict)', ns: m('strict'), vsBase: vsHand('strict'), reading: `${ns(diff('strict', 'hand'))} per message above the limit in all` },
  ];
  for (const type of WRAPPER_TYPES) {
    const valid = inputs.find((t) => t.type === type)?.valid.map((m) => m.value) ?? [];
    const direct = await directCompiled(type, valid);
    if (!('fn' in direct)) {
      rows.push({ id: `direct-${type}`, label: `${type}: generated validator called directly`, ns: NaN, vsBase: { median: NaN, q1: NaN, q3: NaN }, reading: `not measured: ${direct.reason}` });
      continue;
    }
    const t = interleave(
      [
        { id: 'hand', fn: handValidate, inputs: valid },
        { id: 'strict', fn: (v: unknown) => validateMessage(v, { mode: 'strict' }).ok, inputs: valid },
        { id: 'direct', fn: direct.fn, inputs: valid },
      ],
      options,
    );
    const tm = (id: string) => median(t.get(id)!);
    const td = (a: string, b: string) => median(t.get(a)!.map((value, round) => value - t.get(b)![round]!));
    rows.push(
      { id: `strict-${type}`, label: `${type}: \`validateMessage\` (strict)`, ns: tm('strict'), vsBase: ratio(t.get('strict')!, t.get('hand')!), reading: `${ns(td('strict', 'hand'))} above the limit (${ns(tm('hand'))})` },
      { id: `direct-${type}`, label: `${type}: generated validator called directly (no wrapper)`, ns: tm('direct'), vsBase: ratio(t.get('direct')!, t.get('hand')!), reading: `wrapper lever: ${ns(td('strict', 'direct'))} per message (options, the object and type checks, the result object)` },
    );
  }
  rows.push(
    { id: 'nested', label: 'ajv run time, our date-time, refs as nested calls (ajv default)', ns: m('nested'), vsBase: vsHand('nested'), reading: 'ajv as it emits by default, built at run time (the generator inlines refs and rewrites the output: see src/codegen/ajv-rewrites.ts)' },
    { id: 'inline', label: 'the same, every ref inlined (`inlineRefs: 10000`)', ns: m('inline'), vsBase: vsHand('inline'), reading: `nested-call lever: ${ns(diff('nested', 'inline'))} per message` },
    { id: 'inline-fast', label: 'inlined + the limit\'s date-time fast path', ns: m('inline-fast'), vsBase: vsHand('inline-fast'), reading: `fast-path lever: ${ns(diff('inline', 'inline-fast'))} per message` },
    { id: 'inline-none', label: 'inlined, date-time not checked (not a valid build: the share of the format)', ns: m('inline-none'), vsBase: vsHand('inline-none'), reading: `whole date-time share: ${ns(diff('inline', 'inline-none'))} per message` },
    { id: 'dt-package', label: `\`isDateTime\` per timestamp (${perMessage.toFixed(2)} per message)`, ns: median(dt.get('package')!), vsBase: ratio(dt.get('package')!, dt.get('package')!), reading: `${ns(median(dt.get('package')!) * perMessage)} per message` },
    { id: 'dt-fast', label: 'the limit\'s `handDateTime` per timestamp (fast path)', ns: median(dt.get('fast')!), vsBase: ratio(dt.get('fast')!, dt.get('package')!), reading: `${ns(median(dt.get('fast')!) * perMessage)} per message` },
  );
  return rows;
}

export function leversTable(rows: readonly LeverRow[]): string {
  return [
    '## 8. Where strict validation spends its time (levers)',
    'Mixed stream of valid messages. Ratio: against the hand-written limit, same round (date-time rows: against `isDateTime`, per timestamp). Differences are medians of same-round differences, ns per message. The ajv rows are built at run time from the schemas (`additionalProperties: false`, not the generated key count), so read their differences, not their level.',
    table(['variant', 'median', 'ratio (IQR)', 'reading'], rows.map((r) => [r.label, Number.isNaN(r.ns) ? '—' : ns(r.ns), Number.isNaN(r.vsBase.median) ? '—' : `${x(r.vsBase.median)} (${iqr(r.vsBase)})`, r.reading])),
  ].join('\n\n');
}
