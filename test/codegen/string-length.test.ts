/**
 * `minLength` and `maxLength` count characters (code points), as JSON Schema says and as a
 * default ajv judges the shipped bundled schema: the generated validators counted UTF-16 code
 * units, and 21 emoji were "more than 40 characters" (a hostile tester). Checked on the
 * strict, tolerant and every-error validators generated from a contract with such bounds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, expect, it } from 'vitest';
import { tradeValidatorsWith } from '../support/trade-validators.js';
import { codePoints } from '../../src/codegen/validators.js';

// CommonJS default export, as ESM sees it.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'string-length-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));


it('agree with a default ajv on the bundled schema for strings of emoji, lone surrogates and plain text, at and around the bounds', async () => {
  const { files, strict, tolerant, every } = await tradeValidatorsWith(work, {
    note: { type: 'string', minLength: 3, maxLength: 5, description: 'A note.' },
    tag: { type: 'string', maxLength: 0, description: 'Always empty.' },
  });
  const ajv = new Ajv();
  addFormats(ajv);
  const bundled = ajv.compile(JSON.parse(files.get('schema/messages.schema.json')!) as object);

  const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
  const pieces = ['a', '😀', '\ud800', '\udc00', 'é', '\u{10ffff}'];
  const notes: string[] = [];
  for (let length = 0; length <= 7; length++) {
    for (let seed = 0; seed < 12; seed++) notes.push(Array.from({ length }, (_, i) => pieces[(seed * 7 + i * (seed + 1)) % pieces.length]).join(''));
  }
  for (const note of [...notes, '😀😀😀', '😀'.repeat(5), '😀'.repeat(6), 'ab😀']) {
    const message = { ...trade, data: { ...trade.data, note } };
    const expected = bundled(message);
    expect(expected, JSON.stringify(note)).toBe(codePoints(note) >= 3 && codePoints(note) <= 5);
    expect(strict('trades', message, 'strict') === null, JSON.stringify(note)).toBe(expected);
    expect(tolerant('trades', message) === null, JSON.stringify(note)).toBe(expected);
    expect(every.trades!(message), JSON.stringify(note)).toBe(expected);
  }
  for (const tag of ['', 'a', '😀']) {
    const message = { ...trade, data: { ...trade.data, tag } };
    expect(strict('trades', message, 'strict') === null).toBe(bundled(message));
  }
}, 120_000);
