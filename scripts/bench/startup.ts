/** Section 3: what importing the package root costs a fresh process, and whether the code it loads evaluates strings. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT } from './candidates.js';
import { median, medianRatio } from './harness.js';

/**
 * Builds dist/ (`npm run build`) and copies it to .bench/pkg/dist beside the package's
 * package.json, as in the published package (bundle.ts resolves `realtime-contract` to it). Retries when a concurrent
 * build by someone else removed dist/ under our feet.
 */
export function snapshotDist(): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      rmSync(path.dirname(DIST), { recursive: true, force: true });
      cpSync(path.join(ROOT, 'dist'), DIST, { recursive: true });
      if (!existsSync(path.join(DIST, 'src/index.js')) || !existsSync(path.join(DIST, 'generated/validators.js'))) throw new Error('incomplete dist/');
      // The package's own package.json: its `exports` and `sideEffects` are what a consumer's bundler reads.
      cpSync(path.join(ROOT, 'package.json'), path.join(path.dirname(DIST), 'package.json'));
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

export interface StartupFigure {
  id: string;
  label: string;
  /** Median wall time of the whole process, ms. */
  wallMs: number;
  /** Median over rounds of (this process − the baseline process of the same round), ms. */
  overBaselineMs: number;
  /** Median of the time the process measured around its own import (and compile), ms. */
  inProcessMs: number | null;
  /** Median wall time / baseline, same round. */
  ratio: number;
}

/**
 * Spawns `rounds` × 3 fresh `node` processes, interleaved (baseline, package, ajv in an
 * order rotated each round), and reports medians. The child scripts live in .bench/startup/
 * so that bare imports resolve from this project's node_modules.
 */
export function benchStartup(rounds: number): StartupFigure[] {
  const folder = path.join(ROOT, '.bench/startup');
  mkdirSync(folder, { recursive: true });
  const entry = pathToFileURL(path.join(DIST, 'src/index.js')).href;
  const scripts = {
    baseline: 'const t = performance.now();\nconsole.log(JSON.stringify({ ms: performance.now() - t }));\n',
    package: `const t = performance.now();\nconst m = await import(${JSON.stringify(entry)});\nif (typeof m.validateMessage !== 'function') throw new Error('no validateMessage');\nconsole.log(JSON.stringify({ ms: performance.now() - t }));\n`,
    ajv: `const t = performance.now();
const { readdirSync, readFileSync } = await import('node:fs');
const { Ajv } = await import('ajv');
const addFormats = (await import('ajv-formats')).default;
const dir = ${JSON.stringify(path.join(ROOT, 'schemas'))};
const schemas = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(dir + '/' + f, 'utf8')));
const keywords = new Set();
const walk = (n) => { if (Array.isArray(n)) n.forEach(walk); else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) k.startsWith('x-') ? keywords.add(k) : walk(v); };
schemas.forEach(walk);
const ajv = new Ajv({ allErrors: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addVocabulary([...keywords]);
for (const s of schemas) ajv.addSchema(s);
for (const s of schemas) if (s.properties?.type) ajv.getSchema(s.$id);
console.log(JSON.stringify({ ms: performance.now() - t }));
`,
  };
  const labels: Record<keyof typeof scripts, string> = {
    baseline: 'empty node process (baseline)',
    package: 'import package root (dist/src/index.js)',
    ajv: 'import ajv + ajv-formats, compile all schemas',
  };
  const ids = Object.keys(scripts) as (keyof typeof scripts)[];
  for (const id of ids) writeFileSync(path.join(folder, `${id}.mjs`), scripts[id]);
  const wall = new Map(ids.map((id) => [id, [] as number[]]));
  const inside = new Map(ids.map((id) => [id, [] as number[]]));
  const run = (id: keyof typeof scripts) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [path.join(folder, `${id}.mjs`)], { cwd: ROOT, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${id} startup script failed: ${result.stderr}`);
    return { ms, inside: (JSON.parse(result.stdout) as { ms: number }).ms };
  };
  for (const id of ids) run(id); // warm the file cache
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(k + round) % ids.length]!;
      const { ms, inside: ownMs } = run(id);
      wall.get(id)!.push(ms);
      inside.get(id)!.push(ownMs);
    }
  }
  const base = wall.get('baseline')!;
  return ids.map((id) => ({
    id,
    label: labels[id],
    wallMs: median(wall.get(id)!),
    overBaselineMs: median(wall.get(id)!.map((ms, round) => ms - base[round]!)),
    inProcessMs: id === 'baseline' ? null : median(inside.get(id)!),
    ratio: medianRatio(wall.get(id)!, base),
  }));
}

export interface EvalScan {
  /** Files reachable from dist/src/index.js through static relative imports. */
  files: string[];
  newFunction: number;
  evalCalls: number;
  /** Bare imports the root pulls in (they would be scanned too if any). */
  bareImports: string[];
}

/**
 * Follows the static relative imports of dist/src/index.js through dist/src and
 * dist/generated, and counts `new Function` and `eval(` in what it reaches: the code the
 * package root really loads, which a strict Content-Security-Policy (no 'unsafe-eval') must allow.
 */
export function scanForEval(): EvalScan {
  const seen = new Set<string>();
  const bare = new Set<string>();
  let newFunction = 0;
  let evalCalls = 0;
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    newFunction += source.match(/\bnew\s+Function\b/g)?.length ?? 0;
    evalCalls += source.match(/\beval\s*\(/g)?.length ?? 0;
    for (const match of source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else bare.add(specifier);
    }
  };
  visit(path.join(DIST, 'src/index.js'));
  return { files: [...seen].map((file) => path.relative(path.dirname(DIST), file)).sort(), newFunction, evalCalls, bareImports: [...bare].sort() };
}
