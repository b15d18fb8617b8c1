import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/runtime/validate.js';
import { readFixtureMessages } from '../support/fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** A default Ajv (strict mode) with ajv-formats, as the README has a consumer write it; warnings collected. */
function defaultAjv(): { ajv: Ajv; warnings: unknown[][] } {
  const warnings: unknown[][] = [];
  const ajv = new Ajv({ logger: { log: () => {}, warn: (...args: unknown[]) => warnings.push(args), error: (...args: unknown[]) => { throw new Error(String(args)); } } });
  addFormats(ajv);
  return { ajv, warnings };
}

describe('the shipped schemas load in other validators (issue 8, item 18)', () => {
  it('generated/schema/messages.schema.json compiles with a default new Ajv() + ajv-formats and judges the fixtures', () => {
    const { ajv } = defaultAjv();
    const validate = ajv.compile(read('generated/schema/messages.schema.json'));
    for (const { name, value } of readFixtureMessages('valid')) expect(validate(value), name).toBe(true);
    expect(validate({ type: 'ping', timestamp: -1 })).toBe(false);
    expect(validate({ type: 'pong', timestamp: 1, extra: true })).toBe(false);
    // README: a generic validator judges any RFC 3339 date-time, which strict mode does not.
    const connection = { type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: '2026-12-31T23:59:60Z' };
    expect(validate(connection)).toBe(true);
    expect(validate({ ...connection, ts: '2026-01-14t16:30:00z' })).toBe(true);
    expect(validateMessage(connection).ok).toBe(false);
    expect(validateMessage({ ...connection, ts: '2026-01-14t16:30:00z' }).ok).toBe(false);
  });

  it('has no x- keywords; generated/schema/keywords.json lists those of schemas/*.json', () => {
    expect(readFileSync('generated/schema/messages.schema.json', 'utf8')).not.toMatch(/"x-[a-z-]+":/);
    const keywords = read('generated/schema/keywords.json') as unknown as string[];
    expect(keywords).toEqual(expect.arrayContaining(['x-direction', 'x-audience', 'x-delivery', 'x-known-values']));
    expect(keywords.every((keyword) => keyword.startsWith('x-'))).toBe(true);
  });

  it('schemas/*.json compile in strict mode once keywords.json is declared, as the README says', () => {
    const { ajv } = defaultAjv();
    ajv.addVocabulary(read('generated/schema/keywords.json') as unknown as string[]);
    for (const file of readdirSync('schemas').filter((f) => f.endsWith('.json'))) ajv.addSchema(read(path.join('schemas', file)));
    const validate = ajv.getSchema('https://realtime-contract.dev/schemas/trades.json')!;
    expect(validate(read('test/fixtures/valid/spec/trades.json'))).toBe(true);
  });

  it("each of schemas/*.json compiles by the README's recipe: keywords.json, definitions.json, and for poll-response.json the message files it refers to (found by a fresh user)", () => {
    const files = readdirSync('schemas').filter((f) => f.endsWith('.json') && f !== 'definitions.json');
    const recipe = (file: string, beside: readonly string[]) => {
      const { ajv } = defaultAjv();
      ajv.addVocabulary(read('generated/schema/keywords.json') as unknown as string[]);
      ajv.addSchema(read('schemas/definitions.json'));
      for (const other of beside) ajv.addSchema(read(path.join('schemas', other)));
      return ajv.compile(read(path.join('schemas', file)));
    };
    for (const file of files.filter((f) => f !== 'poll-response.json')) expect(() => recipe(file, []), file).not.toThrow();
    // poll-response.json refers to every message file, not only definitions.json: with definitions.json alone it cannot compile.
    expect(() => recipe('poll-response.json', [])).toThrow(/can't resolve reference \w+\.json/);
    const messageFiles = files.filter((f) => f !== 'poll-response.json' && f !== 'protocol.json');
    const validate = recipe('poll-response.json', messageFiles);
    const trades = read('test/fixtures/valid/spec/trades.json');
    expect(validate({ cursor: 'e.1', resume: 'resumed', messages: [{ ...trades, cursor: 'e.1' }] }), JSON.stringify(validate.errors)).toBe(true);
    // The README's recipe says so (it said definitions.json was all they refer to).
    expect(readFileSync('README.md', 'utf8')).toContain('`poll-response.json` refers to every message file as well, so add those too before compiling it');
  });
});
