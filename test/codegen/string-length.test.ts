/**
 * `minLength` and `maxLength` count characters (code points), as JSON Schema says and as a
 * default ajv judges the shipped bundled schema: the generated validators counted UTF-16 code
 * units, and 21 emoji were "more than 40 characters" (a hostile tester). Checked on the
 * strict, tolerant and every-error validators generated from a contract with such bounds.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, expect, it } from 'vitest';
import { generate } from '../../src/codegen/index.js';
import { codePoints } from '../../src/codegen/validators.js';

// CommonJS default export, as ESM sees it.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'string-length-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Check = (type: string, data: unknown, mode?: string) => unknown;

it('agree with a default ajv on the bundled schema for strings of emoji, lone surrogates and plain text, at and around the bounds', async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  schema.definitions.TradeData.properties.note = { type: 'string', minLength: 3, maxLength: 5, description: 'A note.' };
  schema.definitions.TradeData.properties.tag = { type: 'string', maxLength: 0, description: 'Always empty.' };
  writeFileSync(file, JSON.stringify(schema, null, 2));
  const files = await generate(dir);
  const formats = pathToFileURL(path.join(work, 'formats.mjs')).href;
  writeFileSync(path.join(work, 'formats.mjs'), files.get('formats.js')!);
  for (const name of ['validators.js', 'validators-tolerant.js', 'cli/all-errors-validators.js']) {
    writeFileSync(path.join(work, name.replace(/\//g, '-').replace(/\.js$/, '.mjs')), files.get(name)!.replace(/(["'])\.{1,2}\/formats\.js\1/g, JSON.stringify(formats)));
  }
  const strict = ((await import(pathToFileURL(path.join(work, 'validators.mjs')).href)) as { checkMessage: Check }).checkMessage;
  const tolerant = ((await import(pathToFileURL(path.join(work, 'validators-tolerant.mjs')).href)) as { checkTolerant: Check }).checkTolerant;
  const every = ((await import(pathToFileURL(path.join(work, 'cli-all-errors-validators.mjs')).href)) as { validators: Record<string, (data: unknown) => boolean> }).validators;
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
