/**
 * Section: where strict validation spends its time against the hand-written limit (issue 14,
 * item 3), so that whoever changes the runtime or the generator knows what each lever is worth.
 * Measured on the mixed stream of valid messages, every entry interleaved with the limit, each
 * in a process of its own as sections 1–2 measure (isolate.ts, lever-subjects.ts): in the
 * bench's main process `loadInputs` has already run the limit on every type, and there it
 * ran at half its isolated speed on ping, so that this table printed ping's strict validator at
 * 1.2× the limit while section 1 printed 2× (tBG F9):
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
import { isDateTime, validateMessage } from '../../src/index.js';
import { median, ratio, type Ratio, type Samples } from './harness.js';
import { interleaveIsolated, type IsolatedEntry, type IsolatedOptions } from './isolate.js';
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

/**
 * Whether the generated validator of `type` called directly (`checkMessage(type, value,
 * 'strict')`, the module's own entry) gives strict's verdicts on `values`; the reason if not.
 */
async function directAgrees(type: string, values: readonly unknown[]): Promise<string | undefined> {
  const { checkMessage } = await import('../../generated/validators.js');
  if (values.some((v) => (checkMessage(type, v, 'strict') === null) !== validateMessage(v, { mode: 'strict' }).ok)) return 'calling the generated validator directly does not give strict verdicts';
  return undefined;
}

/**
 * Times the levers `ids` on `values`, each in an isolate of its own (isolate.ts), as section 1
 * times its candidates: each isolate also primes and times the invalid messages `invalid(id)`
 * (samples `<id>/invalid`, not reported), since a validator that has rejected messages runs
 * its accepted ones at another speed than one that never has.
 */
function isolatedLevers(ids: readonly string[], types: readonly string[], values: readonly unknown[], parse: boolean, options: IsolatedOptions, invalid: (id: string) => readonly unknown[] = () => []): Promise<Samples> {
  const asTexts = (list: readonly unknown[]) => list.map((v) => (parse ? JSON.stringify(v) : (v as string)));
  const texts = asTexts(values);
  const entries: IsolatedEntry[] = ids.flatMap((id) => {
    const subject = { kind: 'lever', id, types } as const;
    const bad = asTexts(invalid(id));
    return [{ id, isolate: id, subject, texts, parse }, ...(bad.length > 0 ? [{ id: `${id}/invalid`, isolate: id, subject, texts: bad, parse }] : [])];
  });
  return interleaveIsolated(entries, options);
}

/** Types whose wrapper share is measured: the smallest message and two large ones. */
const WRAPPER_TYPES = ['ping', 'trades', 'decisions'];

/** Every timestamp string in `value`. */
function timestamps(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 20 && isDateTime(value)) out.push(value);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) timestamps(v, out);
  return out;
}

export async function benchLevers(inputs: readonly TypeInputs[], options: IsolatedOptions): Promise<LeverRow[]> {
  const types = inputs.map((t) => t.type);
  const stream = mixedStream(inputs, 'valid');
  const invalidStream = mixedStream(inputs, 'invalid');
  const samples = await isolatedLevers(['hand', 'strict', 'nested', 'inline', 'inline-fast', 'inline-none'], types, stream, true, options, () => invalidStream);
  const get = (id: string) => samples.get(id)!;
  const m = (id: string) => median(get(id));
  const vsHand = (id: string) => ratio(get(id), get('hand'));
  const diff = (a: string, b: string) => median(get(a).map((value, round) => value - get(b)[round]!));

  const stamps = stream.flatMap((v) => timestamps(v));
  const perMessage = stamps.length / stream.length;
  const dtSamples = await isolatedLevers(['dt-package', 'dt-fast'], types, stamps, false, options);
  const dt = new Map([['package', dtSamples.get('dt-package')!], ['fast', dtSamples.get('dt-fast')!]]);

  const rows: LeverRow[] = [
    { id: 'hand', label: 'hand-written limit', ns: m('hand'), vsBase: vsHand('hand'), reading: 'the yardstick' },
    { id: 'strict', label: '`validateMessage` (strict)', ns: m('strict'), vsBase: vsHand('strict'), reading: `${ns(diff('strict', 'hand'))} per message above the limit in all` },
  ];
  for (const type of WRAPPER_TYPES) {
    const valid = inputs.find((t) => t.type === type)?.valid.map((m) => m.value) ?? [];
    const invalid = inputs.find((t) => t.type === type)?.invalid.map((m) => m.value) ?? [];
    // The generated validator called directly expects an object of its type (validateMessage tests that first).
    const invalidFor = (id: string) => (id.startsWith('direct:') ? invalid.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { type?: unknown }).type === type) : invalid);
    const disagrees = await directAgrees(type, valid);
    if (disagrees !== undefined) {
      rows.push({ id: `direct-${type}`, label: `${type}: generated validator called directly`, ns: NaN, vsBase: { median: NaN, q1: NaN, q3: NaN }, reading: `not measured: ${disagrees}` });
      continue;
    }
    const t = await isolatedLevers(['hand', 'strict', `direct:${type}`], types, valid, true, options, invalidFor);
    t.set('direct', t.get(`direct:${type}`)!);
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
    'Mixed stream of valid messages. Every variant runs in a process of its own, primed and drawn as in section 1 (valid and invalid messages; only the valid ones are reported). Ratio: against the hand-written limit, same round (date-time rows: against `isDateTime`, per timestamp). Differences are medians of same-round differences, ns per message. The ajv rows are built at run time from the schemas (`additionalProperties: false`, not the generated key count), so read their differences, not their level.',
    table(['variant', 'median', 'ratio (IQR)', 'reading'], rows.map((r) => [r.label, Number.isNaN(r.ns) ? '—' : ns(r.ns), Number.isNaN(r.vsBase.median) ? '—' : `${x(r.vsBase.median)} (${iqr(r.vsBase)})`, r.reading])),
  ].join('\n\n');
}
