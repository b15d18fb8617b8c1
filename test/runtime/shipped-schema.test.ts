import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { isProducerDateTime } from '../../src/runtime/date-time.js';
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

  // README's list of what ajv-formats accepts and strict mode refuses named two kinds of five (a fresh tester).
  it("accepts the date-times README lists that strict mode refuses, in the modes README says, and isProducerDateTime as its date-time judges as strict mode", () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain("it also accepts lower-case `t` and `z`, a leap second, year `0000` and more than 9 fraction digits, which tolerant mode accepts too, and, outside RFC 3339's grammar (tolerant mode refuses them too), white space for `T` (`2026-01-14 16:30:00Z`), an offset without a colon or without minutes (`+0200`, `+02`) and a leap second at an hour 24 or a minute 60 that its offset brings to 23:59 UTC; to judge as strict mode does, add `isProducerDateTime` as its `date-time` format after ajv-formats (`ajv.addFormat('date-time', isProducerDateTime)`)");
    const { ajv } = defaultAjv();
    const validate = ajv.compile(read('generated/schema/messages.schema.json'));
    const { ajv: producerAjv } = defaultAjv();
    producerAjv.addFormat('date-time', isProducerDateTime);
    const asStrict = producerAjv.compile(read('generated/schema/messages.schema.json'));
    const listed: [string, boolean][] = [
      ['2026-01-14t16:30:00z', true],
      ['2026-12-31T23:59:60Z', true],
      ['0000-01-01T00:00:00Z', true],
      ['2026-01-14T16:30:00.0000000001Z', true],
      ['2026-01-14 16:30:00Z', false],
      ['2026-01-14\t16:30:00Z', false],
      ['2026-01-14T16:30:00+0200', false],
      ['2026-01-14T16:30:00+02', false],
      ['2026-01-14T24:59:60+01:00', false],
      ['2026-01-14T23:60:60+00:01', false],
    ];
    for (const [ts, tolerant] of listed) {
      const connection = { type: 'connection', data: { status: 'connected', mode: 'ws' }, ts };
      expect([validate(connection), validateMessage(connection).ok, validateMessage(connection, { mode: 'tolerant' }).ok, asStrict(connection)], ts).toEqual([true, false, tolerant, false]);
    }
    // And nothing else: every date-time ajv-formats accepts and strict mode refuses is of a kind listed.
    const listedKind = (value: string) =>
      /^\d{4}-\d\d-\d\d\s/.test(value) || /[+-]\d\d(\d\d)?$/.test(value) || value.startsWith('0000') || /\.\d{10}/.test(value) || /:60(\.\d+)?([Zz]|[+-][\d:]+)$/.test(value) || /[tz]/.test(value);
    const ajvDateTime = (fullFormats['date-time'] as { validate: (value: string) => boolean }).validate;
    const digits = (length: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(length, '0'));
    const zone = fc.oneof(fc.constantFrom('Z', 'z'), fc.tuple(fc.constantFrom('+', '-'), digits(2, 25), fc.constantFrom(':', ''), fc.constantFrom('', '00', '30', '59', '61')).map((parts) => parts.join('')));
    const shaped = fc
      .tuple(fc.oneof(digits(4, 9999), fc.constant('0000')), digits(2, 13), digits(2, 32), fc.constantFrom('T', 't', ' ', '\t', '\u00a0'), digits(2, 25), digits(2, 61), digits(2, 61), fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,12}$/)), zone)
      .map(([year, month, day, separator, hour, minute, second, fraction, offset]) => `${year}-${month}-${day}${separator}${hour}:${minute}:${second}${fraction}${offset}`);
    const mutated = fc.tuple(shaped, fc.nat(), fc.string({ maxLength: 2 })).map(([value, at, insert]) => value.slice(0, at % (value.length + 1)) + insert + value.slice((at % (value.length + 1)) + 1));
    fc.assert(
      fc.property(fc.oneof(shaped, mutated), (value) => {
        if (ajvDateTime(value) && !isProducerDateTime(value)) expect(listedKind(value), value).toBe(true);
      }),
      { numRuns: 20_000 },
    );
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
