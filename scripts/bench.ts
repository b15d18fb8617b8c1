/**
 * `npm run bench`: measures the contract package against its performance targets and its
 * peers, prints markdown tables and writes the same figures to .bench/results.json.
 *
 * Everything timed in-process is interleaved (see scripts/bench/harness.ts) and judged by
 * medians of same-round ratios, because the machines are shared and noisy. `BENCH_QUICK=1`
 * cuts rounds for a smoke run; its figures are not for verdicts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchBundles } from './bench/bundle.js';
import { buildCandidates, ROOT } from './bench/candidates.js';
import { loadFixtures } from './bench/fixtures.js';
import { benchGenerate } from './bench/generate.js';
import { bundleTable, generateTable, parseTable, startupTable, summaryTable, TARGETS, validationTables } from './bench/report.js';
import { benchStartup, scanForEval, snapshotDist } from './bench/startup.js';
import { benchParse, benchValidation } from './bench/validation.js';
import { benchRedisFanout, redisFanoutTable } from './bench/redis-fanout.js';
import { benchServer, SERVER_FANOUT_TARGET, serverTable } from './bench/server.js';

const quick = process.env.BENCH_QUICK === '1';
const micro = quick ? { rounds: 9, batchNs: 100_000, warmupNs: 5_000_000 } : { rounds: 51, batchNs: 200_000, warmupNs: 20_000_000 };
const startupRounds = quick ? 5 : 25;
const generateRuns = quick ? 2 : 5;
const started = Date.now();
const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}\n`);

// The import and bundle sections measure what a consumer installs: dist/, built fresh.
log('npm run build');
snapshotDist();

const fixtures = loadFixtures();
const { candidates, skipped } = await buildCandidates(fixtures.map((f) => f.type));
log(`validation: ${candidates.map((c) => c.id).join(', ')}`);
const validation = benchValidation(fixtures, candidates, micro);
log('parse');
const parse = benchParse(fixtures, micro);
log('startup');
const startup = benchStartup(startupRounds);
const scan = scanForEval();
log('bundles');
const bundles = await benchBundles();
log('generate');
const generate = benchGenerate(generateRuns);
log('server');
const server = await benchServer({ quick, log });
log('redis fan-out');
const redisFanout = await benchRedisFanout(log);

const worst = <T>(items: readonly T[], key: (item: T) => number) => items.reduce((a, b) => (key(b) > key(a) ? b : a));
const strictWorst = worst(
  validation.rows.flatMap((row) => (['valid', 'invalid'] as const).map((set) => ({ type: row.type, set, ratio: row[set].strict!.vsHand }))),
  (r) => r.ratio,
);
const parseWorst = worst(parse, (r) => r.ratio);
const invalidWorst = worst(validation.rows, (r) => r.strictInvalidOverValid);
const pkg = startup.find((f) => f.id === 'package')!;
const validatorsBundle = bundles.find((b) => b.id === 'validators')!;
const targets = [
  { target: `strict validation ≤ ${TARGETS.strictVsHand}× hand-written, every type (valid and invalid input)`, measured: `${strictWorst.ratio.toFixed(2)}× (${strictWorst.type}, ${strictWorst.set})`, ok: strictWorst.ratio <= TARGETS.strictVsHand },
  { target: `parseMessage ≤ ${TARGETS.parseVsJson}× JSON.parse, every type`, measured: `${parseWorst.ratio.toFixed(2)}× (${parseWorst.type})`, ok: parseWorst.ratio <= TARGETS.parseVsJson },
  { target: `strict: invalid rejected / valid accepted ≤ ${TARGETS.invalidVsValid}, every type`, measured: `${invalidWorst.strictInvalidOverValid.toFixed(2)} (${invalidWorst.type})`, ok: invalidWorst.strictInvalidOverValid <= TARGETS.invalidVsValid },
  { target: `import of the package root ≤ ${TARGETS.importOverBaselineMs} ms over an empty process`, measured: `${pkg.overBaselineMs.toFixed(1)} ms`, ok: pkg.overBaselineMs <= TARGETS.importOverBaselineMs },
  { target: 'no `new Function` / `eval(` in the code the root loads', measured: `${scan.newFunction} / ${scan.evalCalls}`, ok: scan.newFunction + scan.evalCalls === 0 },
  { target: `validators for all types ≤ ${TARGETS.validatorsGzipBytes / 1024} KB min+gz`, measured: `${(validatorsBundle.gzipBytes / 1024).toFixed(1)} KB`, ok: validatorsBundle.gzipBytes <= TARGETS.validatorsGzipBytes },
  { target: `npm run generate ≤ ${TARGETS.generateMs / 1000} s`, measured: `${(generate.medianMs / 1000).toFixed(2)} s`, ok: generate.medianMs <= TARGETS.generateMs },
  { target: `server fan-out to ${server.clients} clients ≥ ${SERVER_FANOUT_TARGET}× a naive ws loop (server CPU, peak)`, measured: `${server.fanout.burst.cpuRatio.toFixed(1)}×`, ok: server.fanout.burst.cpuRatio >= SERVER_FANOUT_TARGET },
];

const environment = { node: process.version, platform: `${process.platform} ${process.arch}`, quick, micro, startupRounds, generateRuns, date: new Date().toISOString() };
const markdown = [
  '# realtime-contract benchmarks',
  `Node ${environment.node}, ${environment.platform}; ${micro.rounds} interleaved rounds per micro-benchmark${quick ? ' (BENCH_QUICK: smoke run, not for verdicts)' : ''}.`,
  summaryTable(targets),
  validationTables(validation.rows, candidates, skipped, validation.disagreements),
  parseTable(parse),
  startupTable(startup, startupRounds, scan),
  bundleTable(bundles),
  generateTable(generate),
  serverTable(server),
  redisFanoutTable(redisFanout),
].join('\n\n');
process.stdout.write(`${markdown}\n`);

mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
writeFileSync(
  path.join(ROOT, '.bench/results.json'),
  `${JSON.stringify({ environment, targets, validation: { candidates: candidates.map(({ id, label }) => ({ id, label })), skipped, ...validation }, parse, startup, evalScan: scan, bundles, generate, server, redisFanout }, null, 2)}\n`,
);
log(`done; figures in .bench/results.json`);
