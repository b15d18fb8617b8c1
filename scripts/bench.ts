/**
 * `npm run bench`: measures the contract package against the targets of issue 14 and its
 * peers, prints markdown tables (targets first: measured ratio, spread, verdict) and writes the
 * same figures to .bench/results.json.
 *
 * Everything timed in-process is interleaved (scripts/bench/harness.ts; validation and parsing
 * with each candidate in its own isolate, scripts/bench/isolate.ts) and judged by medians
 * of same-round ratios with their interquartile range, because the machines are shared and
 * noisy; a target that fails is measured again (up to 3 times) before it is reported failed.
 * `BENCH_QUICK=1` cuts rounds and the NDJSON file for a smoke run; its figures are not for verdicts.
 * `BENCH_ONLY=validation,parse,cli,bundles,startup,generate,server,redis,live,levers` runs only those sections.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchBundles, type BundleFigure } from './bench/bundle.js';
import { benchClientSize, clientSizeReport } from './bench/client.js';
import { buildCandidates, DIST, ROOT } from './bench/candidates.js';
import { benchCli, type CliBench } from './bench/cli.js';
import { benchGenerate, type GenerateFigure } from './bench/generate.js';
import { ratio } from './bench/harness.js';
import { loadInputs, mixedStream } from './bench/inputs.js';
import { benchLevers, leversTable, type LeverRow } from './bench/levers.js';
import { runLiveSlots, type LiveResult } from './bench/live.js';
import { benchRedisFanout, redisFanoutTable, type RedisFanoutResult } from './bench/redis-fanout.js';
import { benchServer, SERVER_FANOUT_TARGET, serverTable, type ServerBenchFigures } from './bench/server.js';
import { bundleTable, cliTable, generateTable, iqr, liveTable, parseTable, startupTable, summaryTable, TARGETS, validationTables, x, type TargetResult } from './bench/report.js';
import { benchStartup, scanForEval, snapshotDist, type EvalScan, type StartupFigure } from './bench/startup.js';
import { benchParseType, benchSet, checkVerdicts, type ParseRow, type ValidationRow } from './bench/validation.js';

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const runs = (section: string) => only === null || only.has(section);
const micro = quick ? { rounds: 9, batchNs: 100_000, warmupNs: 5_000_000 } : { rounds: 41, batchNs: 200_000, warmupNs: 20_000_000 };
/**
 * The isolated sections (validation, parse, levers; isolate.ts): the rounds spread over 3 draws of
 * fresh isolates, each primed for 1 s of its CPU time in all, cycling through every set it
 * times, before it is timed (in the quick run too: less is too short, see below). Primed for
 * 100 ms, as the bench did before 2026-12-02, the strict validators of the mixed stream were
 * not optimized yet: V8's `--trace-opt` showed 0–1 of the 14 compiled by TurboFan when the
 * timing began, 13–14 after 500 ms in a process alone, and all 14 after 1 s in each of seven
 * processes priming side by side. (V8 optimizes a function once it has run an amount of
 * bytecode that grows with the function's size, and each validator runs for 1/14 of the
 * stream.) Fresh processes of one run measured the mixed stream at 2.9× the hand-written
 * limit primed for 100 ms, 1.2–1.5× primed for 500 ms or 1 s.
 */
const isolated = { ...micro, warmupNs: 1_000_000_000, draws: quick ? 1 : 3 };
const ATTEMPTS = 3;
const cliMessages = quick ? 200_000 : 1_000_000;
const cliRounds = quick ? 1 : 3;
const startupRounds = quick ? 5 : 25;
const generateRuns = quick ? 2 : 5;
const started = Date.now();
const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}\n`);

const environment = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  loadAverageAtEnd: [] as number[],
  quick,
  micro,
  isolated,
  date: new Date().toISOString(),
  /** The commit measured, and whether the working tree differed from it. */
  commit: git('rev-parse', 'HEAD'),
  dirty: git('status', '--porcelain') !== '',
};
const targets: TargetResult[] = [];

/** `git <args>` in the checkout, its output trimmed, or `unknown` outside a git checkout. */
function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
/** Every re-measurement, so a pass on the second try is visible. */
const retries: { section: string; type: string; attempt: number; figure: string }[] = [];
const sections: string[] = [];

/** Re-measures each failing item up to ATTEMPTS times in all; returns the last measurement of each. */
async function retry<T extends { attempts: number }>(section: string, items: T[], passes: (item: T) => boolean, name: (item: T) => string, figure: (item: T) => string, again: (item: T, attempt: number) => T | Promise<T>): Promise<T[]> {
  const measured: T[] = [];
  for (const first of items) {
    let item = first;
    for (let attempt = 2; attempt <= ATTEMPTS && !passes(item); attempt++) {
      retries.push({ section, type: name(item), attempt: attempt - 1, figure: figure(item) });
      log(`${section}: ${name(item)} missed its target (${figure(item)}), measuring again`);
      item = await again(item, attempt);
    }
    measured.push(item);
  }
  return measured;
}

/** `measure` on each item in turn (never two at once: each times one batch at a time). */
async function each<T, R>(items: readonly T[], measure: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await measure(item));
  return results;
}

// The import, bundle and CLI sections measure what a consumer installs: dist/, built fresh.
log('npm run build');
snapshotDist();
log('inputs');
const inputs = await loadInputs({ generated: quick ? 24 : 64, lastFaults: 8 });
const values = (list: readonly { value: unknown }[]) => list.map((m) => m.value);

let validation: { rows: ValidationRow[]; mixed: ValidationRow } | undefined;
let verdicts: ReturnType<typeof checkVerdicts> | undefined;
const types = inputs.map((t) => t.type);
const { candidates, skipped } = await buildCandidates(types);
if (runs('validation')) {
  verdicts = checkVerdicts(inputs, candidates);
  const v = verdicts;
  log(`validation: ${candidates.map((c) => c.id).join(', ')}`);
  let rows = await each(inputs, (t) => benchSet(t.type, values(t.valid), values(t.invalid), candidates, types, v, isolated, 1));
  const byType = new Map(inputs.map((t) => [t.type, t]));
  rows = await retry('validation', rows, (r) => r.valid.strict!.vsHand.median <= TARGETS.strictPerType, (r) => r.type, (r) => x(r.valid.strict!.vsHand.median), (r, attempt) => {
    const t = byType.get(r.type)!;
    return benchSet(t.type, values(t.valid), values(t.invalid), candidates, types, v, isolated, attempt);
  });
  const mixedValid = mixedStream(inputs, 'valid');
  const mixedInvalid = mixedStream(inputs, 'invalid');
  const measureMixed = (attempt: number) => benchSet('mixed', mixedValid, mixedInvalid, candidates, types, v, isolated, attempt);
  const [mixed] = await retry('validation', [await measureMixed(1)], (r) => r.valid.strict!.vsHand.median <= TARGETS.strictMixed, () => 'mixed', (r) => x(r.valid.strict!.vsHand.median), (_, attempt) => measureMixed(attempt));
  validation = { rows, mixed: mixed! };
  const worst = rows.reduce((a, b) => (b.valid.strict!.vsHand.median > a.valid.strict!.vsHand.median ? b : a));
  targets.push(
    { target: `strict validation ≤ ${TARGETS.strictMixed}× the hand-written limit, mixed stream of every type`, measured: x(mixed!.valid.strict!.vsHand.median), spread: iqr(mixed!.valid.strict!.vsHand), ok: mixed!.valid.strict!.vsHand.median <= TARGETS.strictMixed, attempts: mixed!.attempts },
    { target: `strict validation ≤ ${TARGETS.strictPerType}× the hand-written limit, each type (valid input)`, measured: `${x(worst.valid.strict!.vsHand.median)} (${worst.type})`, spread: iqr(worst.valid.strict!.vsHand), ok: worst.valid.strict!.vsHand.median <= TARGETS.strictPerType, attempts: worst.attempts },
  );
  sections.push(validationTables(rows, mixed!, candidates, skipped, v.disagreements));
}

let parse: ParseRow[] | undefined;
if (runs('parse')) {
  log('parse');
  const passes = (r: ParseRow) => r.vsFloor.median <= TARGETS.parseVsFloor && r.rejectLastVsValid.median <= TARGETS.rejectVsAccept;
  const byType = new Map(inputs.map((t) => [t.type, t]));
  parse = await retry('parse', await each(inputs, (t) => benchParseType(t, isolated, 1)), passes, (r) => r.type, (r) => `${x(r.vsFloor.median)} of floor, reject/accept ${x(r.rejectLastVsValid.median)}`, (r, attempt) => benchParseType(byType.get(r.type)!, isolated, attempt));
  const worstFloor = parse.reduce((a, b) => (b.vsFloor.median > a.vsFloor.median ? b : a));
  const worstReject = parse.reduce((a, b) => (b.rejectLastVsValid.median > a.rejectLastVsValid.median ? b : a));
  targets.push(
    { target: `parseMessage ≤ ${TARGETS.parseVsFloor}× its floor (JSON.parse + hand-written limit), every type`, measured: `${x(worstFloor.vsFloor.median)} (${worstFloor.type})`, spread: iqr(worstFloor.vsFloor), ok: worstFloor.vsFloor.median <= TARGETS.parseVsFloor, attempts: worstFloor.attempts },
    { target: `parseMessage rejecting a fault found last (first error read) ≤ ${TARGETS.rejectVsAccept}× accepting the valid message, every type`, measured: `${x(worstReject.rejectLastVsValid.median)} (${worstReject.type}; its floor: ${x(worstReject.floorRejectVsAccept.median)})`, spread: iqr(worstReject.rejectLastVsValid), ok: worstReject.rejectLastVsValid.median <= TARGETS.rejectVsAccept, attempts: worstReject.attempts },
  );
  sections.push(parseTable(parse));
}

let levers: LeverRow[] | undefined;
if (runs('levers')) {
  log('levers');
  levers = await benchLevers(inputs, isolated);
}

let cli: CliBench | undefined;
if (runs('cli')) {
  log(`cli: ${cliMessages.toLocaleString('en')} messages, ${cliRounds} round(s)`);
  const passes = (c: CliBench & { attempts: number }) => {
    const f = c.figures.find((g) => g.id === 'cli')!;
    return (f.mbPerSecond >= TARGETS.cliMbPerSecond || f.ofReference >= TARGETS.cliOfReference) && f.peakMiB <= TARGETS.cliPeakMiB;
  };
  const cliFigure = (c: CliBench) => c.figures.find((g) => g.id === 'cli')!;
  const [measured] = await retry('cli', [{ ...benchCli(inputs, cliMessages, cliRounds), attempts: 1 }], passes, () => 'cli', (c) => `${cliFigure(c).mbPerSecond.toFixed(0)} MB/s, ${cliFigure(c).peakMiB.toFixed(0)} MiB`, (_, attempt) => ({ ...benchCli(inputs, cliMessages, cliRounds), attempts: attempt }));
  cli = measured!;
  const f = cliFigure(cli);
  targets.push(
    { target: `CLI validates ≥ ${TARGETS.cliMbPerSecond} MB/s of NDJSON (${cli.messages.toLocaleString('en')}-message file)`, measured: `${f.mbPerSecond.toFixed(0)} MB/s wall (${f.mbPerCpuSecond.toFixed(0)} MB/s CPU; ${x(f.ofReference)} of the reference reader)`, spread: '', ok: f.mbPerSecond >= TARGETS.cliMbPerSecond, attempts: measured!.attempts },
    { target: `… the same target machine-independent: CLI ≥ ${x(TARGETS.cliOfReference)} the chunked reader + JSON.parse (120 / 146 MB/s, the issue's figures)`, measured: x(f.ofReference), spread: '', ok: f.ofReference >= TARGETS.cliOfReference, attempts: measured!.attempts },
    { target: `CLI peak memory ≤ ${TARGETS.cliPeakMiB} MiB on that file`, measured: `${f.peakMiB.toFixed(0)} MiB`, spread: '', ok: f.peakMiB <= TARGETS.cliPeakMiB, attempts: measured!.attempts },
  );
  sections.push(cliTable(cli));
}

let bundles: BundleFigure[] | undefined;
if (runs('bundles')) {
  log('bundles');
  bundles = await benchBundles();
  const parseBundle = bundles.find((b) => b.id === 'parseMessage')!;
  const pingBundle = bundles.find((b) => b.id === 'createPing')!;
  targets.push(
    { target: `\`import { parseMessage } from 'realtime-contract'\` ≤ ${TARGETS.parseMessageGzipBytes / 1024} KB min+gzip (browser)`, measured: `${(parseBundle.gzipBytes / 1024).toFixed(1)} KB`, spread: '', ok: parseBundle.gzipBytes <= TARGETS.parseMessageGzipBytes, attempts: 1 },
    { target: '`createPing` alone < 1 KB min+gzip (browser)', measured: `${(pingBundle.gzipBytes / 1024).toFixed(1)} KB`, spread: '', ok: pingBundle.gzipBytes < TARGETS.createPingGzipBytes, attempts: 1 },
  );
  sections.push(bundleTable(bundles));
  const clientSize = clientSizeReport(await benchClientSize(path.join(DIST, 'src/client/index.js')));
  targets.push({ ...clientSize.target, spread: '', attempts: 1 });
  sections.push(clientSize.markdown);
}

let startup: (StartupFigure[] & { attempts?: number }) | undefined;
let scan: EvalScan | undefined;
if (runs('startup')) {
  log('startup');
  const pkg = (figures: StartupFigure[]) => figures.find((f) => f.id === 'package')!;
  const [measured] = await retry('startup', [{ figures: benchStartup(startupRounds), attempts: 1 }], (s) => pkg(s.figures).overBaselineMs <= TARGETS.importOverBaselineMs, () => 'import', (s) => `${pkg(s.figures).overBaselineMs.toFixed(1)} ms`, (_, attempt) => ({ figures: benchStartup(startupRounds), attempts: attempt }));
  startup = measured!.figures;
  scan = scanForEval();
  targets.push(
    { target: `import of the package root ≤ ${TARGETS.importOverBaselineMs} ms over an empty process`, measured: `${pkg(startup).overBaselineMs.toFixed(1)} ms`, spread: '', ok: pkg(startup).overBaselineMs <= TARGETS.importOverBaselineMs, attempts: measured!.attempts },
    { target: 'no `new Function` / `eval(` in the code the root loads', measured: `${scan.newFunction} / ${scan.evalCalls}`, spread: '', ok: scan.newFunction + scan.evalCalls === 0, attempts: 1 },
  );
  sections.push(startupTable(startup, startupRounds, scan));
}

let generate: GenerateFigure | undefined;
if (runs('generate')) {
  log('generate');
  const [measured] = await retry('generate', [{ ...benchGenerate(generateRuns), attempts: 1 }], (g) => g.medianMs <= TARGETS.generateMs, () => 'generate', (g) => `${(g.medianMs / 1000).toFixed(2)} s`, (_, attempt) => ({ ...benchGenerate(generateRuns), attempts: attempt }));
  generate = measured!;
  targets.push({ target: `npm run generate ≤ ${TARGETS.generateMs / 1000} s`, measured: `${(generate.medianMs / 1000).toFixed(2)} s`, spread: '', ok: generate.medianMs <= TARGETS.generateMs, attempts: measured!.attempts });
  sections.push(generateTable(generate));
}

// The live system's own sections (server and redis helpers): they fill the slots of live.ts.
let server: ServerBenchFigures | undefined;
if (runs('server')) {
  // A missed target is measured again (up to ATTEMPTS runs), and judged on the rounds of every
  // run pooled, as validation is; every run's own figure is reported, not only the last.
  const pooled = { naive: [] as number[], ours: [] as number[] };
  const figures: string[] = [];
  let attempts = 0;
  do {
    attempts++;
    log(`server${attempts > 1 ? ` (attempt ${attempts})` : ''}`);
    server = await benchServer({ quick, log });
    pooled.naive.push(...server.fanout.burst.cpuMs.naive);
    pooled.ours.push(...server.fanout.burst.cpuMs.ours);
    const own = server.fanout.burst.cpuRatio;
    figures.push(`run ${attempts}: ${x(own.median)} (IQR ${iqr(own)})`);
    if (ratio(pooled.naive, pooled.ours).median < SERVER_FANOUT_TARGET && attempts < ATTEMPTS) retries.push({ section: 'server', type: 'fan-out', attempt: attempts, figure: `${x(own.median)}, IQR ${iqr(own)}` });
  } while (ratio(pooled.naive, pooled.ours).median < SERVER_FANOUT_TARGET && attempts < ATTEMPTS);
  const fan = ratio(pooled.naive, pooled.ours);
  targets.push({ target: `server fan-out to ${server.clients} clients ≥ ${SERVER_FANOUT_TARGET}× a naive ws loop (server CPU, peak; ${pooled.naive.length} interleaved rounds${attempts > 1 ? ` of ${attempts} runs pooled: ${figures.join('; ')}` : ''})`, measured: x(fan.median), spread: iqr(fan), ok: fan.median >= SERVER_FANOUT_TARGET, attempts });
  sections.push(serverTable(server));
}

let redisFanout: RedisFanoutResult | null | undefined;
if (runs('redis')) {
  log('redis fan-out');
  redisFanout = await benchRedisFanout(log);
  sections.push(redisFanoutTable(redisFanout));
}

let live: LiveResult[] | undefined;
if (runs('live')) {
  live = await runLiveSlots({ quick, budgetMs: quick ? 20_000 : 120_000, log, root: ROOT }, ATTEMPTS);
  for (const slot of live) {
    for (const figure of slot.figures) {
      if (figure.target) targets.push({ target: `${slot.title}: ${figure.label} ${figure.target.op} ${figure.target.limit} ${figure.unit}`, measured: `${figure.value} ${figure.unit}`, spread: figure.spread ? iqr(figure.spread) : '', ok: figure.ok !== false, attempts: slot.attempts });
    }
  }
  sections.push(liveTable(live));
}

if (levers) sections.push(leversTable(levers));

environment.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
const markdown = [
  '# realtime-contract benchmarks',
  `Node ${environment.node}, ${environment.platform}, ${environment.cpu}, ${environment.memoryGiB} GiB; load average ${environment.loadAverageAtStart.join(' ')} at the start, ${environment.loadAverageAtEnd.join(' ')} at the end. ${micro.rounds} interleaved rounds per micro-benchmark; validation and parsing ${Math.ceil(isolated.rounds / isolated.draws) * isolated.draws} per measurement (${isolated.draws} draw${isolated.draws === 1 ? '' : 's'} of fresh processes, all measurements of a row pooled)${quick ? ' (BENCH_QUICK: smoke run, not for verdicts)' : ''}. Commit ${environment.commit.slice(0, 12)}${environment.dirty ? ' with uncommitted changes' : ''}.`,
  summaryTable(targets),
  retries.length === 0 ? '' : `Re-measured before the verdict: ${retries.map((r) => `${r.section} ${r.type} (run ${r.attempt}: ${r.figure})`).join('; ')}.`,
  ...sections,
]
  .filter((part) => part !== '')
  .join('\n\n');
process.stdout.write(`${markdown}\n`);

mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
writeFileSync(
  path.join(ROOT, '.bench/results.json'),
  `${JSON.stringify(
    {
      environment,
      targets,
      retries,
      validation: validation && { candidates: candidates.map(({ id, label }) => ({ id, label })), skipped, disagreements: verdicts!.disagreements, ...validation },
      parse,
      levers,
      cli,
      bundles,
      startup,
      evalScan: scan,
      generate,
      server,
      redisFanout,
      live,
    },
    null,
    2,
  )}\n`,
);
log('done; figures in .bench/results.json');
