/** Section: what a browser dashboard downloads, resolved through the package name as a consumer's bundler does. */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { build } from 'esbuild';
import { DIST, ROOT } from './candidates.js';

export interface BundleFigure {
  id: string;
  label: string;
  /** What the consumer's entry file says. */
  entry: string;
  minBytes: number;
  gzipBytes: number;
  /** Largest inputs in the minified output, bytes before gzip: where the size comes from. */
  topInputs: { input: string; bytes: number }[];
}

/** A consumer project whose node_modules/realtime-contract is the bench's fresh copy of the package (.bench/pkg). */
function consumerDir(): string {
  const dir = path.join(ROOT, '.bench/consumer');
  const link = path.join(dir, 'node_modules/realtime-contract');
  mkdirSync(path.dirname(link), { recursive: true });
  // Its own package.json: without one, the project's package.json (name realtime-contract) is
  // the nearest, and the import would resolve to the working tree as a self-reference.
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "bench-consumer", "private": true, "type": "module" }\n');
  rmSync(link, { force: true, recursive: true });
  symlinkSync(path.dirname(DIST), link, 'dir');
  return dir;
}

/** Bundles `entry` like a dashboard's bundler would (esbuild: bundle, minify, ESM, browser) and gzips it at level 9. */
async function measureBundle(id: string, label: string, entry: string, resolveDir: string): Promise<BundleFigure> {
  const result = await build({
    stdin: { contents: entry, loader: 'js', resolveDir, sourcefile: `${id}-entry.js` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    // The project's node_modules for the peers; the consumer's own for realtime-contract.
    nodePaths: [path.join(ROOT, 'node_modules')],
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const topInputs = Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => ({ input: input.replace(/^.*?(node_modules|\.bench\/pkg)\//, ''), bytes: bytesInOutput }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
  return { id, label, entry, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, topInputs };
}

/**
 * What a consumer gets from `import { … } from 'realtime-contract'` (tree-shaken by esbuild
 * through the package's `exports` and `sideEffects`), the generated validators module alone,
 * and two peers bundled the same way.
 */
export async function benchBundles(): Promise<BundleFigure[]> {
  const consumer = consumerDir();
  const validators = JSON.stringify(path.join(DIST, 'generated/validators.js'));
  return [
    await measureBundle('parseMessage', '`parseMessage` alone', `export { parseMessage } from 'realtime-contract';`, consumer),
    await measureBundle('createPing', '`createPing` alone', `export { createPing } from 'realtime-contract';`, consumer),
    await measureBundle('package', '`parseMessage`, `validateMessage`, builders', `export { parseMessage, validateMessage, createMessage, createPing, createPong } from 'realtime-contract';`, consumer),
    await measureBundle('validators', 'generated/validators.js alone (all types, nothing tree-shaken)', `export * from ${validators};`, consumer),
    await measureBundle('socket.io-client', 'socket.io-client (`io`), for scale', `export { io } from 'socket.io-client';`, ROOT),
    await measureBundle('ajv', 'ajv + ajv-formats (runtime compiler), for scale', `import { Ajv } from 'ajv';\nimport addFormats from 'ajv-formats';\nexport function createAjv() { const ajv = new Ajv(); addFormats(ajv); return ajv; }`, ROOT),
  ];
}
