/** Section 4: what a browser dashboard downloads. */
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { build } from 'esbuild';
import { DIST, ROOT } from './candidates.js';

export interface BundleFigure {
  id: string;
  label: string;
  minBytes: number;
  gzipBytes: number;
  /** Largest inputs in the minified output, bytes before gzip: where the size comes from. */
  topInputs: { input: string; bytes: number }[];
}

/** Bundles `contents` like a dashboard's bundler would (esbuild, minified ESM for the browser) and gzips it at level 9. */
async function measureBundle(id: string, label: string, contents: string): Promise<BundleFigure> {
  const result = await build({
    stdin: { contents, loader: 'js', resolveDir: ROOT, sourcefile: `${id}-entry.js` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const topInputs = Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => ({ input, bytes: bytesInOutput }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
  return { id, label, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, topInputs };
}

/**
 * The package root as a dashboard imports it (`exports["."]` is dist/src/index.js; the bench's
 * fresh copy of it), the validators module alone (all types, both modes, nothing tree-shaken), and two
 * peers bundled the same way.
 */
export async function benchBundles(): Promise<BundleFigure[]> {
  const root = JSON.stringify(path.join(DIST, 'src/index.js'));
  const validators = JSON.stringify(path.join(ROOT, 'generated/validators.js'));
  return [
    await measureBundle('package', 'package root: `validateMessage`, `parseMessage`', `export { validateMessage, parseMessage } from ${root};`),
    await measureBundle('validators', 'generated/validators.js alone (all 14 types, both modes)', `export * from ${validators};`),
    await measureBundle('socket.io-client', 'socket.io-client (`io`)', `export { io } from 'socket.io-client';`),
    await measureBundle('ajv', 'ajv + ajv-formats (runtime compiler)', `import { Ajv } from 'ajv';\nimport addFormats from 'ajv-formats';\nexport function createAjv() { const ajv = new Ajv(); addFormats(ajv); return ajv; }`),
  ];
}
