import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceRoot } from '../../src/codegen/source-root.js';

describe('the generators find the runtime sources they bundle', () => {
  const checkout = mkdtempSync(path.join(tmpdir(), 'source-root-'));
  mkdirSync(path.join(checkout, 'src/runtime'), { recursive: true });
  writeFileSync(path.join(checkout, 'src/runtime/formats.ts'), '');
  mkdirSync(path.join(checkout, 'dist/src/codegen'), { recursive: true });

  it('from source (tsx) and from dist/ after npm run build: the same checkout, so the same output', () => {
    expect(sourceRoot(pathToFileURL(path.join(checkout, 'src/codegen/validators.ts')).href)).toBe(checkout);
    // Before, dist/ was taken for the checkout: the built bin's `generate` failed to find src/runtime/formats.ts.
    expect(sourceRoot(pathToFileURL(path.join(checkout, 'dist/src/codegen/validators.js')).href)).toBe(checkout);
  });

  it('says what it needs where there are no sources (an installed package)', () => {
    const installed = mkdtempSync(path.join(tmpdir(), 'source-root-installed-'));
    expect(() => sourceRoot(pathToFileURL(path.join(installed, 'dist/src/codegen/validators.js')).href)).toThrow(/generate needs a checkout of realtime-contract/);
  });
});
