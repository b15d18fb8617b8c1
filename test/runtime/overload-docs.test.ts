/**
 * The editor's hover on `parseMessage` / `validateMessage` shows the functions' whole doc
 * (`@param`, `@returns`, `@throws`, `@see`) whichever overload a call resolves to (tEM F7): the
 * tolerant-mode overloads carried a one-line doc of their own, and README's first example's call
 * (`parseMessage(frame, { mode: 'tolerant' })`) showed that line alone. Asked of the real
 * language server the package's TypeScript ships (`tsc --lsp --stdio`), on a file in a temporary
 * directory that imports the sources.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src/index.js');
const TSGO = path.join(path.dirname(createRequire(import.meta.url).resolve('@typescript/typescript-linux-x64/package.json')), 'lib/tsc');

/** Hover texts at each `[line, column]` of `file`, from the language server (stopped after). */
async function hovers(dir: string, file: string, at: [number, number][]): Promise<string[]> {
  const server = spawn(TSGO, ['--lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
  const pending = new Map<number, (result: unknown) => void>();
  let buffer = Buffer.alloc(0);
  server.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(buffer.subarray(0, end).toString())![1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as { id?: number; method?: string; result?: unknown };
      buffer = buffer.subarray(end + 4 + length);
      if (message.method !== undefined && message.id !== undefined) send({ jsonrpc: '2.0', id: message.id, result: null });
      else if (message.id !== undefined) pending.get(message.id)?.(message.result);
    }
  });
  const send = (message: object) => {
    const body = Buffer.from(JSON.stringify(message));
    server.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  };
  let next = 1;
  const ask = (method: string, params: object) => new Promise<unknown>((resolve) => {
    const id = next++;
    pending.set(id, resolve);
    send({ jsonrpc: '2.0', id, method, params });
  });
  try {
    await ask('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } } });
    send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    const uri = pathToFileURL(file).href;
    send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'typescript', version: 1, text: (await import('node:fs')).readFileSync(file, 'utf8') } } });
    const texts: string[] = [];
    for (const [line, character] of at) {
      const result = (await ask('textDocument/hover', { textDocument: { uri }, position: { line, character } })) as { contents?: { value?: string } } | null;
      texts.push(result?.contents?.value ?? '');
    }
    return texts;
  } finally {
    server.kill();
  }
}

describe('the overloads of parseMessage and validateMessage', () => {
  it('show the whole doc on hover, the tolerant-mode calls included', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'overload-docs-'));
    try {
      const calls = [
        "parseMessage(f, { mode: 'tolerant' })",
        "validateMessage(f, { mode: 'tolerant' })",
        "parseMessage(f, { direction: 'server-to-client', mode: 'tolerant' })",
        'parseMessage(f)',
        "validateMessage(f, { direction: 'client-to-server' })",
      ];
      const file = path.join(dir, 'hover.ts');
      writeFileSync(file, [`import { parseMessage, validateMessage } from ${JSON.stringify(SRC)};`, 'declare const f: string;', ...calls.map((call, i) => `export const v${i} = ${call};`), ''].join('\n'));
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true }, files: ['hover.ts'] }));
      const texts = await hovers(dir, file, calls.map((call, i) => [i + 2, `export const v${i} = `.length + 2]));
      calls.forEach((call, i) => {
        const text = texts[i]!;
        expect(text, call).toContain(call.startsWith('parse') ? 'Parses one WebSocket frame' : 'Validates one already-parsed message');
        for (const tag of ['@param', '@returns', '@throws', '@see']) expect(text, `${call}: ${tag}`).toMatch(new RegExp(`\\*?${tag}\\*?`));
        expect(text, call).toContain('Typed by its options: in tolerant mode');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
