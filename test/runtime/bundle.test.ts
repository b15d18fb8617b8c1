import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserBundle } from '../support/browser-bundle.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What a dashboard's bundler keeps of the package root for `names`. */
async function bundle(names: string): Promise<{ gzipBytes: number; validatorBytes: number; code: string }> {
  const { code, gzipBytes, inputs } = await browserBundle(`export { ${names} } from './src/index.ts';`);
  return { gzipBytes, validatorBytes: inputs['generated/validators.js'] ?? 0, code };
}

describe('what a consumer does not use shakes out (issue 8, item 17)', () => {
  it('the package says only its TypeBox module has side effects: it registers TypeBox\'s date-time format', () => {
    // `import 'realtime-contract/typebox'` for its registration alone was a module a bundler could drop (a hostile tester).
    expect((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { sideEffects?: unknown }).sideEffects).toEqual(['./dist/generated/typebox.js']);
    expect(readFileSync(path.join(ROOT, 'generated/typebox.ts'), 'utf8')).toMatch(/^FormatRegistry\.Set\('date-time'/m);
  });

  it('importing only createPing (or createPing and createPong) keeps only the keepalive validators', async () => {
    const all = await bundle('parseMessage');
    for (const names of ['createPing', 'createPing, createPong']) {
      const keepalive = await bundle(names);
      // The whole validator set is about 53 KB minified; ping and pong together about 1 KB.
      expect(keepalive.validatorBytes, names).toBeLessThan(all.validatorBytes / 10);
      expect(keepalive.code, names).not.toContain('exchange_connections');
      // Neither the date-time checker nor the id pattern: ping and pong have no string field.
      expect(keepalive.code, names).not.toContain('[0-9A-Za-z._~-]');
      expect(keepalive.code, names).not.toMatch(/\b1e3\b|\*1e3|1000\*/);
      // Only the describing a flat message needs, too (describeFlatError): about 2.2 KB of 13.3
      // (the builders' own option checks and messages are most of it).
      expect(keepalive.gzipBytes, names).toBeLessThan(all.gzipBytes / 5);
    }
    expect(all.code).toContain('exchange_connections');
  });

  it('importing only constants keeps no validator at all', async () => {
    const constants = await bundle('MESSAGE_TYPES, PING_INTERVAL_MS, CloseCode');
    expect(constants.validatorBytes).toBe(0);
  });
});
