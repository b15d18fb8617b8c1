import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ stdin: { contents: "export { default, createRealtimeClient } from './src/client/index.ts';", loader: 'ts', resolveDir: process.cwd() }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, legalComments: 'none', logLevel: 'silent' });
console.log('client gz', gzipSync(r.outputFiles[0]!.contents, { level: 9 }).byteLength);
