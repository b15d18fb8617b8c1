/**
 * The browser client's size (`realtime-contract/client`: the client, its validators and the
 * error descriptions it reports) against socket.io-client, bundled the same way in the same
 * run: esbuild, bundle + minify, ESM, browser, gzip -9. socket.io-client validates nothing.
 */
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { build } from 'esbuild';

/** The repository: bare imports (`socket.io-client`) resolve from its node_modules. Not taken from candidates.ts, whose validators a test that imports this module does not need. */
const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ClientSizeFigure {
  id: 'client' | 'socket.io-client';
  label: string;
  minBytes: number;
  gzipBytes: number;
  /** Minified bytes per input group: where the size comes from. */
  parts: Record<string, number>;
}

async function measure(id: ClientSizeFigure['id'], label: string, contents: string): Promise<ClientSizeFigure> {
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
  const parts: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)) {
    const group = /client\//.test(input) && !/node_modules/.test(input) ? 'client' : /validators/.test(input) ? 'validators' : /runtime\//.test(input) ? 'runtime (validate, error descriptions)' : /node_modules\/([^/]+)/.exec(input)?.[1] ?? 'other';
    parts[group] = (parts[group] ?? 0) + bytesInOutput;
  }
  return { id, label, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, parts };
}

/**
 * Both bundles, the same way (see {@link measure}).
 *
 * @param clientModule the absolute path of the client's module: the bench passes its fresh copy
 *   of dist/ (`src/client/index.js`, what `exports["./client"]` gives); test/client/size.test.ts
 *   passes `src/client/index.ts`, so that no build is needed (a few bytes apart: the sources
 *   and tsc's output minify alike but for a name or two)
 */
export async function benchClientSize(clientModule: string): Promise<ClientSizeFigure[]> {
  const client = JSON.stringify(clientModule);
  return [
    await measure('client', 'realtime-contract/client (default instance + createRealtimeClient, with validators)', `export { default, createRealtimeClient } from ${client};`),
    await measure('socket.io-client', 'socket.io-client (`io`)', `export { io } from 'socket.io-client';`),
  ];
}

/** The markdown section, and the target row: the client smaller than socket.io-client. */
export function clientSizeReport(figures: ClientSizeFigure[]): { markdown: string; target: { target: string; measured: string; ok: boolean } } {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const client = figures.find((f) => f.id === 'client')!;
  const peer = figures.find((f) => f.id === 'socket.io-client')!;
  const rows = figures.map((f) => `| ${f.label} | ${kb(f.minBytes)} | ${kb(f.gzipBytes)} (${f.gzipBytes} B) | ${Object.entries(f.parts).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  const markdown = ['## Browser client size (esbuild: bundle, minify, ESM, browser; gzip -9)', '| bundle | minified | min + gzip | largest parts (minified bytes) |', '| --- | --- | --- | --- |', ...rows].join('\n');
  return {
    markdown,
    target: { target: 'realtime-contract/client with its validators < socket.io-client, min+gz', measured: `${kb(client.gzipBytes)} vs ${kb(peer.gzipBytes)} (${((client.gzipBytes / peer.gzipBytes) * 100).toFixed(0)} %)`, ok: client.gzipBytes < peer.gzipBytes },
  };
}
