/** Markdown rendering of the bench's figures. */
import type { BundleFigure } from './bundle.js';
import type { Candidate, Skipped } from './candidates.js';
import type { GenerateFigure } from './generate.js';
import type { EvalScan, StartupFigure } from './startup.js';
import type { Disagreement, ParseRow, ValidationRow } from './validation.js';

/** The targets, in one place so that the tables and the summary agree. */
export const TARGETS = {
  strictVsHand: 2,
  parseVsJson: 1.3,
  invalidVsValid: 1.0,
  importOverBaselineMs: 15,
  validatorsGzipBytes: 10 * 1024,
  generateMs: 5000,
};

export const mark = (ok: boolean) => (ok ? '✅' : '❌');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

const ns = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} µs` : `${value.toFixed(0)} ns`);
const x = (value: number) => `${value.toFixed(2)}×`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Section 1: one table for valid input, one for invalid; cells are "ratio to hand-written (median ns)". */
export function validationTables(rows: ValidationRow[], candidates: readonly Candidate[], skipped: readonly Skipped[], disagreements: Disagreement[]): string {
  const head = ['type', 'inputs', ...candidates.map((c) => c.label), `strict ≤ ${TARGETS.strictVsHand}× hand`];
  const cells = (set: 'valid' | 'invalid') =>
    rows.map((row) => {
      const figures = row[set];
      return [
        row.type,
        String(set === 'valid' ? row.validInputs : row.invalidInputs),
        ...candidates.map((c) => `${figures[c.id]!.agrees ? '' : '⚠ '}${x(figures[c.id]!.vsHand)} (${ns(figures[c.id]!.ns)})`),
        mark(figures.strict!.vsHand <= TARGETS.strictVsHand),
      ];
    });
  const invalidVsValid = table(
    ['type', 'strict: valid accepted', 'strict: invalid rejected', 'invalid / valid', `≤ ${TARGETS.invalidVsValid}`, 'tolerant: invalid / valid'],
    rows.map((row) => [
      row.type,
      ns(row.valid.strict!.ns),
      ns(row.invalid.strict!.ns),
      x(row.strictInvalidOverValid),
      mark(row.strictInvalidOverValid <= TARGETS.invalidVsValid),
      x(row.invalid.tolerant!.ns / row.valid.tolerant!.ns),
    ]),
  );
  const parts = [
    '## 1. Validation of an already-parsed message',
    'Cells: median over rounds of (candidate time / hand-written time, same round), then the candidate\'s median time per message. Each type\'s inputs are cycled in one batch: its spec example plus every variant (valid) or every `invalid/<type>-*.json` (invalid). ⚠ = the candidate disagrees with the expected verdict on some input of the set (listed below); its time is shown but is not comparable.',
    '### Valid messages (accepted)',
    table(head, cells('valid')),
    '### Invalid messages (rejected)',
    table(head, cells('invalid')),
    '### Invalid rejected vs valid accepted (strict)',
    'Median over rounds of (time per invalid message / time per valid message), both timed in the same rounds. The tolerant column is informational (ratio of medians).',
    invalidVsValid,
    '### Disagreements',
    disagreements.length === 0
      ? 'None: every candidate gave the expected verdict on every fixture.'
      : table(['candidate', 'type', 'fixture', 'expected', 'got'], disagreements.map((d) => [d.candidate, d.type, d.fixture, d.expected, d.got])),
  ];
  if (skipped.length > 0) parts.push(`Skipped candidates: ${skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}`);
  return parts.join('\n\n');
}

/** Section 2. */
export function parseTable(rows: ParseRow[]): string {
  return [
    '## 2. `JSON.parse` alone vs `parseMessage` (parse + strict validation)',
    'Serialized valid messages of each type (compact JSON). Ratio: median over rounds of (parseMessage / JSON.parse), same round. Last column, for scale: JSON.parse followed by the hand-written check, over JSON.parse alone (the practical floor).',
    table(
      ['type', 'inputs', 'mean chars', 'JSON.parse', 'parseMessage', 'ratio', `≤ ${TARGETS.parseVsJson}×`, 'JSON.parse + hand-written'],
      rows.map((row) => [row.type, String(row.inputs), String(row.meanChars), ns(row.jsonParseNs), ns(row.parseMessageNs), x(row.ratio), mark(row.ratio <= TARGETS.parseVsJson), x(row.handRatio)]),
    ),
  ].join('\n\n');
}

/** Section 3. */
export function startupTable(figures: StartupFigure[], rounds: number, scan: EvalScan): string {
  const pkg = figures.find((f) => f.id === 'package')!;
  return [
    '## 3. Import cost in a fresh process',
    `${rounds} rounds × ${figures.length} processes, interleaved. "over baseline": median over rounds of (process − empty process of the same round). "in process": the child's own \`performance.now()\` around the import (and compile).`,
    table(
      ['process', 'wall (median)', 'over baseline', '× baseline', 'in process', `≤ ${TARGETS.importOverBaselineMs} ms over baseline`],
      figures.map((f) => [
        f.label,
        `${f.wallMs.toFixed(1)} ms`,
        f.id === 'baseline' ? '—' : `${f.overBaselineMs.toFixed(1)} ms`,
        x(f.ratio),
        f.inProcessMs === null ? '—' : `${f.inProcessMs.toFixed(1)} ms`,
        f.id === 'package' ? mark(f.overBaselineMs <= TARGETS.importOverBaselineMs) : '',
      ]),
    ),
    `Code the root loads: ${scan.files.length} files (${scan.files.join(', ')}); bare imports: ${scan.bareImports.length === 0 ? 'none' : scan.bareImports.join(', ')}. \`new Function\`: ${scan.newFunction}, \`eval(\`: ${scan.evalCalls} ${mark(scan.newFunction + scan.evalCalls === 0)}. (Package root import ${mark(pkg.overBaselineMs <= TARGETS.importOverBaselineMs)}.)`,
  ].join('\n\n');
}

/** Section 4. */
export function bundleTable(figures: BundleFigure[]): string {
  return [
    '## 4. Bundle size (esbuild: bundle, minify, ESM, browser; gzip -9)',
    table(
      ['bundle', 'minified', 'min + gzip', `≤ ${kb(TARGETS.validatorsGzipBytes)} (validators)`, 'largest inputs (minified bytes)'],
      figures.map((f) => [
        f.label,
        kb(f.minBytes),
        `${kb(f.gzipBytes)} (${f.gzipBytes} B)`,
        f.id === 'validators' ? mark(f.gzipBytes <= TARGETS.validatorsGzipBytes) : '',
        f.topInputs.map((i) => `${i.input.replace(/^.*node_modules\//, '')} ${i.bytes}`).join(', '),
      ]),
    ),
  ].join('\n\n');
}

/** Section 5. */
export function generateTable(figure: GenerateFigure): string {
  return [
    '## 5. `npm run generate -- --check` wall time',
    table(
      ['runs', 'median', 'min', 'max', 'exit codes', `≤ ${TARGETS.generateMs / 1000} s`],
      [[String(figure.runs), `${(figure.medianMs / 1000).toFixed(2)} s`, `${(figure.minMs / 1000).toFixed(2)} s`, `${(figure.maxMs / 1000).toFixed(2)} s`, figure.exitCodes.join(', '), mark(figure.medianMs <= TARGETS.generateMs)]],
    ),
  ].join('\n\n');
}

/** The targets as one table, worst row of each. */
export function summaryTable(targets: { target: string; measured: string; ok: boolean }[]): string {
  return ['## Targets', table(['target', 'measured (worst case)', ''], targets.map((t) => [t.target, t.measured, mark(t.ok)]))].join('\n\n');
}
