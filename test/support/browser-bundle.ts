import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * What a dashboard's bundler makes of the module text `contents` (resolved from the repository
 * root): esbuild, minified ESM for the browser. `inputs` maps each file bundled (relative to
 * the root) to its minified bytes in the output.
 */
export async function browserBundle(contents: string): Promise<{ code: string; gzipBytes: number; inputs: Record<string, number> }> {
  const result = await build({
    stdin: { contents, loader: 'ts', resolveDir: ROOT },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const inputs = Object.fromEntries(Object.entries(Object.values(result.metafile.outputs)[0]!.inputs).map(([file, { bytesInOutput }]) => [file, bytesInOutput]));
  return { code, gzipBytes: gzipSync(code, { level: 9 }).byteLength, inputs };
}
