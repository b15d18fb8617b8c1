import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { visit } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { findDuplicateKeys } from '../../src/cli/sources/text.js';
import { arrayElementSpans, isNonPortable, scanJsonRange, scanJsonText } from '../../src/languages/json-scan.js';
import { exactNonPortableIntegers, findNonPortableIntegers } from '../../src/languages/portability.js';
import { validateMessage } from '../../src/runtime/validate.js';

const VALID = path.resolve(import.meta.dirname, '../fixtures/valid');

/** Every valid fixture message (or array of them), parsed: .json files whole, .ndjson line by line. */
const fixtures: unknown[] = readdirSync(VALID, {
  recursive: true,
  encoding: 'utf8',
})
  .sort()
  .flatMap((file) => {
    const text = file.endsWith('.json') || file.endsWith('.ndjson') ? readFileSync(path.join(VALID, file), 'utf8') : '';
    return file.endsWith('.json') ? [text] : text.split('\n').filter((line) => line.trim() !== '');
  })
  .map((text) => JSON.parse(text) as unknown);

/** Numbers written as they are, spelled to fool a prefilter: whole floats, long fractions, unsafe integers. */
const NUMBERS = [
  '1.0',
  '1.000',
  '1e3',
  '-0.0',
  '1E+2',
  '12345678901234567',
  '0.1234567890123456789',
  '1705251000000.000000000000001',
  '999999999999999.01',
  '99999999999999.999',
  '9007199254740993',
  '-9007199254740991',
  '1.5e-7',
  '0.000',
  '100',
  '1e400',
  `1${'0'.repeat(400)}`,
  '16958058749.22819',
];
/** String tokens with quotes, colons and backslashes where a key end might be seen, and escapes. */
const STRINGS = ['"\\":"', '"\\":1"', '"a\\\\"', '"\\\\\\":"', '"\\u0022:"', '"\\u00e9\\u20ac"', '"x\\\\\\\\"', '"16:30:00.000Z"', '"1.0"', '" : "', '"\\"\\"\\":"'];
const SPACES = ['', '', '', ' ', '\n', '\t ', '\r\n  '];

/** A spelling of the same number that may be a whole float (`42.0`, `42e0`, `420e-1`). */
const respell = (n: number, pick: <T>(items: readonly T[]) => T): string =>
  /e/.test(String(n))
    ? n.toExponential().replace('e', 'E')
    : Number.isInteger(n)
      ? pick([`${n}.0`, `${n}.000`, `${n}e0`, `${n * 10}e-1`, `${n}.0000000000000001`, `${n}.00000000000001`, `${n}E+0`])
      : pick([`${n}0`, n.toExponential(), `${n}e0`]);

/** A key written as is or with every character escaped (`"a"` and `"\u0061"` are the same key). */
const writeKey = (key: string, escape: boolean) => (escape ? `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(key));

/**
 * JSON text for `value` with choices drawn from `random`: spaces around every colon and comma,
 * numbers and strings now and then respelled or replaced, and now and then a key of an object
 * written twice (at any depth) or a key escaped.
 */
function write(value: unknown, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const space = () => pick(SPACES);
  if (typeof value === 'number') return random() < 0.6 ? JSON.stringify(value) : random() < 0.5 ? respell(value, pick) : pick(NUMBERS);
  if (typeof value === 'string') return random() < 0.9 ? JSON.stringify(value) : pick(STRINGS);
  if (Array.isArray(value)) return `[${space()}${value.map((item) => write(item, random)).join(`${space()},${space()}`)}${space()}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const members = Object.entries(value).map(([key, item]) => `${writeKey(key, random() < 0.05)}${space()}:${space()}${write(item, random)}`);
  if (random() < 0.15) {
    const keys = Object.keys(value);
    const key = keys.length > 0 && random() < 0.8 ? pick(keys) : pick(['a', '":', 'x\\']);
    members.splice(Math.floor(random() * (members.length + 1)), 0, `${writeKey(key, random() < 0.2)}${space()}:${space()}${pick([...NUMBERS, ...STRINGS, 'null', '{}', '[1.0]'])}`);
  }
  return `{${space()}${members.join(`${space()},${space()}`)}${space()}}`;
}

/** What jsonc-parser's exact walk says the scan should: the keys it reads, and whether a number is non-portable. */
function exactScan(text: string): { keys: number; nonPortable: boolean } {
  let keys = 0;
  let nonPortable = false;
  visit(text, {
    onObjectProperty: () => {
      keys++;
    },
    onLiteralValue: (value: unknown, offset, length) => {
      if (typeof value === 'number' && isNonPortable(text.slice(offset, offset + length), value)) nonPortable = true;
    },
  });
  return { keys, nonPortable };
}

/** mulberry32: a writer's choices in [0, 1), from fast-check's seed. */
function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('scanJsonText (the one pass that spares the CLI its exact scans)', () => {
  it('agrees with the exact scans on mutated fixture messages: keys written twice at any depth, spaces, tricky strings and numbers', () => {
    expect(fixtures.length).toBeGreaterThan(20);
    const seen = { duplicates: 0, warnings: 0, nonPortable: 0 };
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.integer(), (index, seed) => {
        const random = seeded(seed);
        const text = write(fixtures[index], random);
        const value = JSON.parse(text) as unknown;
        const scan = scanJsonText(text);
        expect(scan).toEqual(exactScan(text));
        const duplicates = findDuplicateKeys(text);
        expect(findDuplicateKeys(text, { value })).toEqual(duplicates);
        expect(findDuplicateKeys(text, { value }, scan)).toEqual(duplicates);
        const warnings = exactNonPortableIntegers(text, validateMessage);
        expect(findNonPortableIntegers(text, validateMessage)).toEqual(warnings);
        seen.duplicates += duplicates.length > 0 ? 1 : 0;
        seen.warnings += warnings.length > 0 ? 1 : 0;
        seen.nonPortable += scan.nonPortable ? 1 : 0;
      }),
      { numRuns: 3000, seed: 8 },
    );
    // The texts exercised both verdicts of both checks.
    expect(seen.duplicates).toBeGreaterThan(100);
    expect(seen.warnings).toBeGreaterThan(100);
    expect(seen.nonPortable).toBeLessThan(3000);
  });

  it('scanJsonRange reads a line in the text of its chunk as scanJsonText reads the line alone (the CLI scans NDJSON in place)', () => {
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.nat(fixtures.length - 1), fc.integer(), fc.constantFrom(undefined, 1, 2, 5), fc.boolean(), fc.constantFrom('', '"\\', '1.0', '1e', '{"a":'), fc.constantFrom('', '"', '":1,', '\\"', '5'), (index, other, seed, depth, cr, cut, next) => {
        const random = seeded(seed);
        // The line, sometimes cut short (an unclosed string, a number at its end), between other
        // lines whose ends hold backslashes, digits and open strings.
        const line = random() < 0.3 ? write(fixtures[index], random).slice(0, Math.floor(random() * 40)) + cut : write(fixtures[index], random);
        const before = `${write(fixtures[other], random)}${cut}\n`;
        const after = `\n${next}${write(fixtures[other], random)}`;
        const block = `${before}${line}${cr ? '\r' : ''}${after}`;
        const from = before.length;
        const suspects: number[] = [];
        const alone: number[] = [];
        expect(scanJsonRange(block, from, from + line.length, suspects, depth)).toEqual(scanJsonText(line, alone, depth));
        expect(suspects).toEqual(alone);
      }),
      { numRuns: 3000, seed: 9 },
    );
  });

  it('counts ±(2^53 − 1) portable, the integers past it not, as the warning says: "keep integers within ±9007199254740991"', () => {
    for (const written of ['9007199254740991', '-9007199254740991']) expect(isNonPortable(written), written).toBe(false);
    for (const written of ['9007199254740992', '-9007199254740992']) expect(isNonPortable(written), written).toBe(true);
    expect(scanJsonText('{"n":9007199254740991}').nonPortable).toBe(false);
  });

  it('reads each number that may round to a whole double, however close its fraction is to one', () => {
    for (const written of ['999999999999999.01', '99999999999999.999', '9999999999999.9999', '1.0000000000000001', '0.99999999999999999', '123456789012345.96875', '4503599627370495.5']) {
      expect(scanJsonText(`{"n":${written}}`).nonPortable).toBe(Number.isInteger(Number(written)));
    }
    expect(scanJsonText('{"a" : "x\\\\", "b\\":" :1.5}')).toEqual({
      keys: 2,
      nonPortable: false,
    });
  });
});

describe('arrayElementSpans', () => {
  it('cuts an array into its elements as JSON.parse reads them, whatever they hold and however they are spaced', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }), fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n '), { minLength: 1, maxLength: 5 }), (elements, spaces) => {
        // Spaces around the structure only: a string holding `,` or `]` keeps its bytes (JSON.stringify escapes nothing of them).
        const text = `${spaces[0]}[${elements.map((element) => `${spaces[1 % spaces.length]}${JSON.stringify(element)}${spaces[2 % spaces.length]}`).join(',')}]${spaces[0]}`;
        const spans = arrayElementSpans(text);
        expect(spans).toHaveLength(2 * elements.length);
        elements.forEach((element, index) => {
          const own = text.slice(spans[2 * index], spans[2 * index + 1]);
          expect(own).toBe(JSON.stringify(element));
        });
        // Indented, spaces inside the elements too: each span still parses to its element.
        const inside = JSON.stringify(elements, null, spaces.at(-1)!.includes('\n') ? 2 : '\t');
        const cut = arrayElementSpans(inside);
        expect(cut).toHaveLength(2 * elements.length);
        const parsed = JSON.parse(inside) as unknown[];
        parsed.forEach((element, index) => expect(JSON.parse(inside.slice(cut[2 * index], cut[2 * index + 1]))).toEqual(element));
      }),
      { numRuns: 500 },
    );
  });

  it('reaches elements past one nested deeper than a recursive walker can go', () => {
    const deep = `${'{"a":['.repeat(20_000)}1${']}'.repeat(20_000)}`;
    const text = `[${deep},"\\"]",{"b":2}]`;
    const spans = arrayElementSpans(text);
    expect(spans).toHaveLength(6);
    expect(text.slice(spans[2], spans[3])).toBe('"\\"]"');
    expect(text.slice(spans[4], spans[5])).toBe('{"b":2}');
  });
});
