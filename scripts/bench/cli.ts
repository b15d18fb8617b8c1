/**
 * Section: NDJSON throughput and peak memory on a 1,000,000-message file (issue 14, item 4).
 *
 * Every reader runs in a fresh `node` process on the same file, interleaved over rounds, and
 * reports its own time and peak resident memory (`process.resourceUsage().maxRSS`):
 * - `reference`: a chunked reader plus `JSON.parse` (no validation), the practical ceiling;
 * - `lines`: src/cli/sources/ndjson-lines.ts (`ndjsonLineBatches`, reporting invalid UTF-8 as the CLI
 *   has it do) plus `JSON.parse`: the splitter's own cost;
 * - `lines+validate`: the same plus `validateMessage` (strict): what the CLI should do per line;
 * - `cli`: `realtime-contract validate <file>` from the bench's built copy of the package: the same
 *   splitter and validation, plus what the CLI promises on every line (duplicate keys in strict
 *   mode, integers other languages read differently in text output) and its report, with its
 *   default worker threads (one per CPU, at most 4); its CPU time and peak memory are the whole
 *   process's, workers included;
 * - `cli --jobs 1`: the same in one thread.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT } from './candidates.js';
import { median } from './harness.js';
import { mixedStream, texts, type TypeInputs } from './inputs.js';

export interface CliFigure {
  id: string;
  label: string;
  /** Median wall time over rounds, ms (the child's own measure for in-process readers, the parent's for the CLI). */
  ms: number;
  /** Megabytes (10^6 bytes) of NDJSON per second, from the median wall time. */
  mbPerSecond: number;
  /** The same from the median CPU time (user + system) of the process: steadier on a shared machine. */
  mbPerCpuSecond: number;
  /** Largest peak resident set over rounds, MiB. */
  peakMiB: number;
  /** Messages counted (valid + invalid), from the last round: every reader must see them all. */
  messages: number;
  /** Median over rounds of this reader's throughput / the reference's, same round. */
  ofReference: number;
}

export interface CliBench {
  file: string;
  bytes: number;
  messages: number;
  invalid: number;
  rounds: number;
  figures: CliFigure[];
}

/** One invalid message (a fault found last) every this many lines, so the report path is exercised. */
const INVALID_EVERY = 1000;

/**
 * Writes (or reuses) .bench/cli/messages-<count>.ndjson: the mixed stream of valid messages
 * cycled, with a message rejected for a fault found last every {@link INVALID_EVERY} lines.
 */
export function ensureNdjsonFile(inputs: readonly TypeInputs[], count: number): { file: string; bytes: number; invalid: number } {
  const folder = path.join(ROOT, '.bench/cli');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `messages-${count}.ndjson`);
  const valid = mixedStream(inputs, 'valid').map((value) => JSON.stringify(value));
  const invalid = texts(inputs.flatMap((t) => t.lastFault));
  const fingerprint = `${count} ${valid.length} ${invalid.length} ${valid[0]} ${valid[valid.length - 1]}`;
  const meta = `${file}.meta`;
  const invalidCount = Math.floor(count / INVALID_EVERY);
  if (existsSync(file) && existsSync(meta) && readFileSync(meta, 'utf8') === fingerprint) return { file, bytes: statSync(file).size, invalid: invalidCount };
  const fd = openSync(file, 'w');
  try {
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      batch.push((i + 1) % INVALID_EVERY === 0 ? invalid[(i / INVALID_EVERY) % invalid.length | 0]! : valid[i % valid.length]!);
      if (batch.length === 10_000) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  writeFileSync(meta, fingerprint);
  return { file, bytes: statSync(file).size, invalid: invalidCount };
}

/** Child scripts: each reads the file named in argv[2] and prints `{ ms, messages, invalid, maxRssKiB }`. */
function childScripts(): Record<'reference' | 'lines' | 'lines+validate', string> {
  const lines = JSON.stringify(pathToFileURL(path.join(DIST, 'src/cli/sources/ndjson-lines.js')).href);
  const root = JSON.stringify(pathToFileURL(path.join(DIST, 'src/index.js')).href);
  const report = `const cpu = process.cpuUsage(); console.log(JSON.stringify({ ms: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000, messages, invalid, maxRssKiB: process.resourceUsage().maxRSS }));`;
  return {
    reference: `import { createReadStream } from 'node:fs';
const t = performance.now();
let messages = 0, invalid = 0, carry = null;
for await (const chunk of createReadStream(process.argv[2])) {
  let start = 0;
  for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
    let text;
    if (carry) { text = Buffer.concat([carry, chunk.subarray(0, end)]).toString('utf8'); carry = null; }
    else text = chunk.toString('utf8', start, end);
    const value = JSON.parse(text);
    if (value !== null) messages++;
    start = end + 1;
  }
  if (start < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
}
${report}
`,
    lines: `import { createReadStream } from 'node:fs';
const { ndjsonLineBatches } = await import(${lines});
const t = performance.now();
let messages = 0, invalid = 0;
for await (const batch of ndjsonLineBatches(createReadStream(process.argv[2]), { invalidUtf8: 'report' })) {
  for (const line of batch) {
    if (line.text === undefined || line.text === '') continue;
    if (JSON.parse(line.text) !== null) messages++;
  }
}
${report}
`,
    'lines+validate': `import { createReadStream } from 'node:fs';
const { ndjsonLineBatches } = await import(${lines});
const { validateMessage } = await import(${root});
const t = performance.now();
let messages = 0, invalid = 0;
for await (const batch of ndjsonLineBatches(createReadStream(process.argv[2]), { invalidUtf8: 'report' })) {
  for (const line of batch) {
    if (line.text === undefined || line.text === '') continue;
    messages++;
    const result = validateMessage(JSON.parse(line.text), { mode: 'strict' });
    if (!result.ok) { invalid++; result.errors[0]; }
  }
}
${report}
`,
  };
}

/** Records the peak RSS of the process it is preloaded into (`node --import`), for the CLI run. */
const RSS_PROBE = `import { writeFileSync } from 'node:fs';
process.on('exit', () => { const cpu = process.cpuUsage(); writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 })); });
`;

/**
 * Runs the five readers `rounds` times each on a file of `count` messages, interleaved.
 * @throws when a reader fails or counts a different number of messages
 */
export function benchCli(inputs: readonly TypeInputs[], count: number, rounds: number): CliBench {
  const { file, bytes, invalid } = ensureNdjsonFile(inputs, count);
  const folder = path.join(ROOT, '.bench/cli');
  const scripts = childScripts();
  for (const [id, source] of Object.entries(scripts)) writeFileSync(path.join(folder, `${id}.mjs`), source);
  writeFileSync(path.join(folder, 'rss-probe.mjs'), RSS_PROBE);
  const rssFile = path.join(folder, 'cli.rss');
  const cliMain = path.join(DIST, 'src/cli/main.js');

  const ids = ['reference', 'lines', 'lines+validate', 'cli', 'cli --jobs 1'] as const;
  const labels: Record<(typeof ids)[number], string> = {
    reference: 'chunked reader + `JSON.parse` (reference, no validation)',
    lines: 'ndjson-lines + `JSON.parse`',
    'lines+validate': 'ndjson-lines + `JSON.parse` + `validateMessage` (strict)',
    cli: `\`realtime-contract validate <file>\` (the CLI, whole process; ${Math.min(availableParallelism(), 4)} worker threads, its default here)`,
    'cli --jobs 1': '`realtime-contract validate --jobs 1 <file>` (the CLI in one thread)',
  };
  const run = (id: (typeof ids)[number]) => {
    if (id === 'cli' || id === 'cli --jobs 1') {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(folder, 'rss-probe.mjs')).href, cliMain, 'validate', ...(id === 'cli' ? [] : ['--jobs', '1']), file], {
        encoding: 'utf8',
        env: { ...process.env, BENCH_RSS_FILE: rssFile },
        maxBuffer: 64 * 1024 * 1024,
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const summary = /(\d+) valid, (\d+) invalid\s*$/.exec(result.stdout);
      if (!summary) throw new Error(`the CLI printed no summary (exit ${result.status}): ${result.stderr.slice(0, 500)}`);
      const probe = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number; cpuMs: number };
      return { ms, messages: Number(summary[1]) + Number(summary[2]), invalid: Number(summary[2]), ...probe };
    }
    const result = spawnSync(process.execPath, [path.join(folder, `${id}.mjs`), file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${id} failed: ${result.stderr.slice(0, 500)}`);
    return JSON.parse(result.stdout) as { ms: number; cpuMs: number; messages: number; invalid: number; maxRssKiB: number };
  };

  const samples = new Map(ids.map((id) => [id, [] as ReturnType<typeof run>[]]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(k + round) % ids.length]!;
      samples.get(id)!.push(run(id));
    }
  }
  const reference = samples.get('reference')!;
  const figures = ids.map((id) => {
    const mine = samples.get(id)!;
    const last = mine[mine.length - 1]!;
    if (last.messages !== count) throw new Error(`${id} counted ${last.messages} messages, the file has ${count}`);
    const ms = median(mine.map((s) => s.ms));
    return {
      id,
      label: labels[id],
      ms,
      mbPerSecond: bytes / 1e6 / (ms / 1000),
      mbPerCpuSecond: bytes / 1e6 / (median(mine.map((s) => s.cpuMs)) / 1000),
      peakMiB: Math.max(...mine.map((s) => s.maxRssKiB)) / 1024,
      messages: last.messages,
      ofReference: median(mine.map((s, round) => reference[round]!.ms / s.ms)),
    };
  });
  return { file: path.relative(ROOT, file), bytes, messages: count, invalid, rounds, figures };
}
