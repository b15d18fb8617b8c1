import { build } from 'esbuild'; import { gzipSync } from 'node:zlib';
for (const [id, c] of [['client', "export { default, createRealtimeClient } from './src/client/index.ts';"],['validate', "export { validateMessage } from './src/runtime/validate.ts';"]]) {
  const r = await build({ stdin: { contents: c, loader: 'ts', resolveDir: process.cwd() }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', metafile: true });
  const code = r.outputFiles[0].contents; console.log(id, code.length, gzipSync(code, { level: 9 }).length);
  console.log(Object.entries(Object.values(r.metafile.outputs)[0].inputs).map(([k,v])=>k+':'+v.bytesInOutput).join(' '));
}
