/**
 * README (The client, Size): the client with its validators, bundled for a browser, is smaller
 * min+gzip than socket.io-client, which validates nothing. Measured as `npm run bench` measures
 * it (scripts/bench/client.ts: esbuild bundle + minify, ESM, browser; gzip -9), from the sources
 * rather than a build. No test held it (tBM F1): a change that made the client larger failed none.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchClientSize } from '../../scripts/bench/client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the browser client\'s size', () => {
  it('is smaller, min+gzip, than socket.io-client, in this run and than the figure README quotes for it', async () => {
    const figures = await benchClientSize(path.join(ROOT, 'src/client/index.ts'));
    const bytes = (id: string) => figures.find((figure) => figure.id === id)!.gzipBytes;
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const quoted = /the client with its validators is [\d.]+ KB minified and gzipped \(([\d,]+) B\), [\d.]+ % of socket\.io-client's [\d.]+ KB \(([\d,]+) B\)/.exec(readme);
    expect(quoted, 'README\'s Size line').not.toBeNull();
    const [readmeClient, readmeSocketIo] = [quoted![1]!, quoted![2]!].map((figure) => Number(figure.replaceAll(',', '')));
    expect(bytes('client')).toBeLessThan(bytes('socket.io-client'));
    expect(bytes('client')).toBeLessThan(readmeSocketIo!);
    // README's figures are the bench's, from the build (a few bytes off the sources'): within 1 % of this run's.
    expect(Math.abs(bytes('client') - readmeClient!)).toBeLessThan(readmeClient! / 100);
    expect(Math.abs(bytes('socket.io-client') - readmeSocketIo!)).toBeLessThan(readmeSocketIo! / 100);
  });
});
