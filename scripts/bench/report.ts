/** Markdown rendering of the bench's figures. */
import type { BundleFigure } from './bundle.js';
import type { Candidate, Skipped } from './candidates.js';
import type { CliBench } from './cli.js';
import type { GenerateFigure } from './generate.js';
import type { Ratio } from './harness.js';
import type { LiveResult } from './live.js';
import type { EvalScan, StartupFigure } from './startup.js';
import type { Disagreement, ParseRow, ValidationRow } from './validation.js';

/** The targets of issue 14 (and the earlier ones kept), in one place so that tables and summary agree. */
export const TARGETS = {
  /** Strict validation / hand-written limit on a mixed stream of every type. */
  strictMixed: 1.25,
  /** Strict validation / hand-written limit on each type. */
  strictPerType: 1.5,
  /** parseMessage / (JSON.parse + hand-written limit), every type. */
  parseVsFloor: 1.05,
  /** parseMessage rejecting a fault found last (first error read) / accepting the valid message. */
  rejectVsAccept: 1.5,
  /** CLI NDJSON throughput, MB/s (10^6 bytes), at most this peak RSS in MiB. */
  cliMbPerSecond: 120,
  cliPeakMiB: 130,
  /** The same throughput target relative to a chunked reader + JSON.parse in the same round (120 / 146 in the issue): holds on a slower machine. */
  cliOfReference: 120 / 146,
  /** `import { parseMessage }` min+gzip bytes; `createPing` alone below this. */
  parseMessageGzipBytes: 10 * 1024,
  createPingGzipBytes: 1024,
  importOverBaselineMs: 15,
  generateMs: 5000,
};

/** One line of the summary: a target, its worst measured case, the spread and the verdict. */
export interface TargetResult {
  target: string;
  measured: string;
  /** Interquartile range of the worst case's per-round ratios, when it is a ratio. */
  spread: string;
  ok: boolean;
  /** Measurements made before this verdict (a failing target is re-measured before it is reported). */
  attempts: number;
}

export const mark = (ok: boolean) => (ok ? '✅' : '❌');

export function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

export const ns = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} µs` : `${value.toFixed(0)} ns`);
export const x = (value: number) => `${value.toFixed(2)}×`;
export const iqr = (r: Ratio) => `${r.q1.toFixed(2)}–${r.q3.toFixed(2)}`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The targets as one table. */
export function summaryTable(targets: readonly TargetResult[]): string {
  return [
    '## Targets (issue 14)',
    'Ratios are medians over interleaved rounds of same-round ratios; "IQR" is their interquartile range. A target that fails is measured again (up to 3 times) before it is reported failed; "runs" says how many measurements the verdict rests on: for validation and parsing, all of them pooled (each is a new draw of fresh processes), for the server fan-out all of them pooled too (the figure of each run is named with the target), elsewhere the last one.',
    table(['target', 'measured (worst case)', 'IQR', 'verdict', 'runs'], targets.map((t) => [t.target, t.measured, t.spread, mark(t.ok), String(t.attempts)])),
  ].join('\n\n');
}

/** Section 1: per type and mixed, valid and invalid; cells are "ratio to hand-written (median ns)". */
export function validationTables(rows: readonly ValidationRow[], mixed: ValidationRow, candidates: readonly Candidate[], skipped: readonly Skipped[], disagreements: readonly Disagreement[]): string {
  const head = ['type', 'inputs', ...candidates.map((c) => c.label), 'strict IQR', 'target'];
  const cells = (set: 'valid' | 'invalid') =>
    [...rows, mixed].map((row) => {
      const figures = row[set];
      const limit = row === mixed ? TARGETS.strictMixed : TARGETS.strictPerType;
      return [
        row === mixed ? '**mixed stream**' : row.type,
        String(set === 'valid' ? row.validInputs : row.invalidInputs),
        ...candidates.map((c) => `${figures[c.id]!.agrees ? '' : '⚠ '}${x(figures[c.id]!.vsHand.median)} (${ns(figures[c.id]!.ns)})`),
        iqr(figures.strict!.vsHand),
        set === 'valid' ? `≤ ${limit}× ${mark(figures.strict!.vsHand.median <= limit)}${row.attempts > 1 ? ` (run ${row.attempts})` : ''}` : '',
      ];
    });
  const parts = [
    '## 1. Validation of an already-parsed message',
    'Cells: median over rounds of (candidate time / hand-written limit time, same round), then the candidate\'s median time per message. Each candidate runs in its own process, fresh for each row, over draws of fresh processes whose rounds are pooled, with those of every earlier measurement of the row (scripts/bench/isolate.ts): in one shared process the order of the list changed the figures, and V8 compiles the same code on the same inputs faster in some processes than in others. Inputs per type: the fixtures plus messages generated from the schemas (fixed seed; 85 % of timestamps in `toISOString` form), all cycled in one batch; the mixed stream is every type\'s inputs shuffled together. Invalid inputs: the `invalid/<type>-*` fixtures plus, for every type, faults found last (a bad `ts` — an impossible date; for ping/pong a fractional `timestamp` — and an unknown top-level key). The hand-written limit (scripts/bench/hand.ts) is the fastest correct strict check we could write; test/bench/hand-limit.test.ts fuzzes it against the strict validator. ⚠ = the candidate disagrees with the expected verdict on some input (listed below); its time is not comparable. Targets judge valid input; invalid rows are for reading.',
    '### Valid messages (accepted)',
    table(head, cells('valid')),
    '### Invalid messages (rejected)',
    table(head, cells('invalid')),
    '### Disagreements',
    disagreements.length === 0 ? 'None: every candidate gave the expected verdict on every input.' : disagreementTable(disagreements),
  ];
  if (skipped.length > 0) parts.push(`Skipped candidates: ${skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}`);
  return parts.join('\n\n');
}

/** Disagreements grouped by candidate and type: how many inputs, and the first few. */
function disagreementTable(disagreements: readonly Disagreement[]): string {
  const groups = new Map<string, Disagreement[]>();
  for (const d of disagreements) {
    const key = `${d.candidate}\u0000${d.type}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return table(
    ['candidate', 'type', 'inputs', 'for example'],
    [...groups.values()].map((list) => [list[0]!.candidate, list[0]!.type, String(list.length), list.slice(0, 3).map((d) => `${d.input} (expected ${d.expected}, got ${d.got})`).join('; ')]),
  );
}

/** Section 2. */
export function parseTable(rows: readonly ParseRow[]): string {
  return [
    '## 2. `parseMessage` against its floor',
    'Valid messages of each type as compact JSON text, `JSON.parse`, the floor and `parseMessage` each in its own processes (as in section 1; accepting and rejecting share `parseMessage`\'s). Floor: `JSON.parse` followed by the hand-written limit. "reject last": `parseMessage` on texts whose fault is found last (bad `ts`, extra top-level key), reading `result.errors[0]`, over `parseMessage` accepting the valid messages those faults were put into; "floor: reject / accept", the floor on the same two sets, is the least any parser of those texts pays for their fault (it describes nothing, and `JSON.parse` reads the longer or costlier faulty text): where it exceeds the target, no implementation meets it. All ratios: median over rounds of same-round ratios, IQR beside.',
    table(
      ['type', 'inputs', 'mean chars', 'JSON.parse', 'floor', 'parseMessage', `parseMessage / floor (IQR)`, `≤ ${TARGETS.parseVsFloor}×`, 'parseMessage / JSON.parse', 'floor / JSON.parse', 'reject last', `reject / accept (IQR)`, `≤ ${TARGETS.rejectVsAccept}×`, 'floor: reject / accept (IQR)'],
      rows.map((row) => [
        row.type,
        String(row.inputs),
        String(row.meanChars),
        ns(row.jsonParseNs),
        ns(row.floorNs),
        ns(row.parseMessageNs),
        `${x(row.vsFloor.median)} (${iqr(row.vsFloor)})`,
        `${mark(row.vsFloor.median <= TARGETS.parseVsFloor)}${row.attempts > 1 ? ` (run ${row.attempts})` : ''}`,
        x(row.vsJson.median),
        x(row.floorVsJson.median),
        ns(row.rejectLastNs),
        `${x(row.rejectLastVsValid.median)} (${iqr(row.rejectLastVsValid)})`,
        mark(row.rejectLastVsValid.median <= TARGETS.rejectVsAccept),
        `${x(row.floorRejectVsAccept.median)} (${iqr(row.floorRejectVsAccept)})`,
      ]),
    ),
  ].join('\n\n');
}

/** Section 3. */
export function cliTable(cli: CliBench): string {
  return [
    '## 3. NDJSON: the CLI and its line splitter',
    `File: ${cli.file}, ${cli.messages.toLocaleString('en')} messages (${cli.invalid} of them invalid, a fault found last every 1,000 lines), ${(cli.bytes / 1e6).toFixed(1)} MB. Each reader in a fresh process, ${cli.rounds} round(s), interleaved. MB = 10^6 bytes. "CPU" is throughput over the process's own user + system time, steadier than wall time on a shared machine; "of reference" is the median same-round ratio of throughputs.`,
    table(
      ['reader', 'wall', 'MB/s (wall)', 'MB/s (CPU)', 'of reference', 'peak RSS', 'target'],
      cli.figures.map((f) => [
        f.label,
        `${(f.ms / 1000).toFixed(2)} s`,
        f.mbPerSecond.toFixed(1),
        f.mbPerCpuSecond.toFixed(1),
        x(f.ofReference),
        `${f.peakMiB.toFixed(0)} MiB`,
        f.id === 'cli' ? `≥ ${TARGETS.cliMbPerSecond} MB/s ${mark(f.mbPerSecond >= TARGETS.cliMbPerSecond)} (≥ ${x(TARGETS.cliOfReference)} of reference ${mark(f.ofReference >= TARGETS.cliOfReference)}), ≤ ${TARGETS.cliPeakMiB} MiB ${mark(f.peakMiB <= TARGETS.cliPeakMiB)}` : '',
      ]),
    ),
  ].join('\n\n');
}

/** Section 4. */
export function bundleTable(figures: readonly BundleFigure[]): string {
  const target = (f: BundleFigure) =>
    f.id === 'parseMessage' ? `≤ ${kb(TARGETS.parseMessageGzipBytes)} ${mark(f.gzipBytes <= TARGETS.parseMessageGzipBytes)}` : f.id === 'createPing' ? `< ${kb(TARGETS.createPingGzipBytes)} ${mark(f.gzipBytes < TARGETS.createPingGzipBytes)}` : '';
  return [
    '## 4. Bundle size as a consumer gets it',
    'The entry is a consumer\'s file importing from `realtime-contract`, resolved through the package\'s `exports` (a fresh build in .bench/pkg, linked into .bench/consumer/node_modules); esbuild: bundle, minify, ESM, browser; gzip -9.',
    table(
      ['bundle', 'minified', 'min + gzip', 'target', 'largest inputs (minified bytes)'],
      figures.map((f) => [f.label, kb(f.minBytes), `${kb(f.gzipBytes)} (${f.gzipBytes} B)`, target(f), f.topInputs.map((i) => `${i.input} ${i.bytes}`).join(', ')]),
    ),
  ].join('\n\n');
}

/** Section 5. */
export function startupTable(figures: readonly StartupFigure[], rounds: number, scan: EvalScan): string {
  return [
    '## 5. Import cost over an empty process',
    `${rounds} rounds × ${figures.length} processes, interleaved. "over baseline": median over rounds of (process − empty process of the same round). "in process": the child's own \`performance.now()\` around the import (and compile).`,
    table(
      ['process', 'wall (median)', 'over baseline', '× baseline', 'in process', 'target'],
      figures.map((f) => [
        f.label,
        `${f.wallMs.toFixed(1)} ms`,
        f.id === 'baseline' ? '—' : `${f.overBaselineMs.toFixed(1)} ms`,
        x(f.ratio),
        f.inProcessMs === null ? '—' : `${f.inProcessMs.toFixed(1)} ms`,
        f.id === 'package' ? `≤ ${TARGETS.importOverBaselineMs} ms ${mark(f.overBaselineMs <= TARGETS.importOverBaselineMs)}` : '',
      ]),
    ),
    `Code the root loads: ${scan.files.length} files; bare imports: ${scan.bareImports.length === 0 ? 'none' : scan.bareImports.join(', ')}. \`new Function\`: ${scan.newFunction}, \`eval(\`: ${scan.evalCalls} ${mark(scan.newFunction + scan.evalCalls === 0)}.`,
  ].join('\n\n');
}

/** Section 6. */
export function generateTable(figure: GenerateFigure): string {
  return [
    '## 6. `npm run generate -- --check` wall time',
    table(
      ['runs', 'median', 'min', 'max', 'exit codes', `≤ ${TARGETS.generateMs / 1000} s`],
      [[String(figure.runs), `${(figure.medianMs / 1000).toFixed(2)} s`, `${(figure.minMs / 1000).toFixed(2)} s`, `${(figure.maxMs / 1000).toFixed(2)} s`, figure.exitCodes.join(', '), mark(figure.medianMs <= TARGETS.generateMs)]],
    ),
  ].join('\n\n');
}

/** Section 7: the live-system slots (scripts/bench/live.ts). */
export function liveTable(results: readonly LiveResult[]): string {
  const rows = results.flatMap((r) =>
    r.figures.length === 0
      ? [[r.title, r.owner, r.status === 'empty' ? 'slot empty: not measured yet' : r.status === 'covered' ? r.reason! : `${r.status}: ${r.reason ?? ''}`, '', '']]
      : r.figures.map((f) => [
          `${r.title}: ${f.label}`,
          r.owner,
          `${f.unit === '×' ? x(f.value) : `${f.value.toLocaleString('en', { maximumFractionDigits: 2 })} ${f.unit}`}${f.note ? ` (${f.note})` : ''}`,
          f.spread ? iqr(f.spread) : '',
          f.target ? `${f.target.op} ${f.target.limit} ${mark(f.ok !== false)}${r.attempts > 1 ? ` (run ${r.attempts})` : ''}` : '',
        ]),
  );
  return ['## 7. Live system (slots; see scripts/bench/live.ts to fill one)', table(['measure', 'owner', 'value', 'IQR', 'target'], rows)].join('\n\n');
}
