import { describe, expect, it } from 'vitest';
import { describeSyntaxError } from '../../src/runtime/json-syntax.js';

/** JSON.parse's message for `text`, or undefined when it is JSON. */
function parseError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function statedPosition(message: string): number | undefined {
  const match = / at position (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The position found from the text alone: a message stating none, as Safari's. */
const scanned = (text: string): number => describeSyntaxError(text, 'JSON Parse error: Unrecognized token').position!;

/** Whether `prefix` has a fault of its own, as opposed to merely ending early (by V8). */
function failsBefore(prefix: string): boolean {
  const message = parseError(prefix);
  if (message === undefined || message.startsWith('Unexpected end of JSON input')) return false;
  const stated = statedPosition(message);
  return stated === undefined || stated < prefix.length;
}

/** The definition: the prefix through `position` fails for a reason other than ending early, the one before it does not. */
function isFaultAt(text: string, position: number): boolean {
  if (position === text.length) return !failsBefore(text);
  return failsBefore(text.slice(0, position + 1)) && !failsBefore(text.slice(0, position));
}

/** mulberry32: a fixed seed gives the same texts on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20240611);
const below = (n: number): number => Math.floor(next() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;
const many = (max: number, item: () => string): string[] => Array.from({ length: below(max + 1) }, item);

const SPACE = ['', '', '', ' ', '\n', '\t', '\r\n  '];
const STRING_PARTS = ['a', 'key', 'é', '😀', '\ud800', '\udc00', ' ', '\\n', '\\"', '\\\\', '\\/', '\\b\\f\\r\\t', '\\u00e9', '\\uD83D\\uDE00', '\\ud800'];
const digits = (): string => String(below(10)) + many(3, () => String(below(10))).join('');
const ws = (): string => pick(SPACE);

/** A valid JSON text: nested values, strings with escapes and surrogates, numbers of every form, whitespace around. */
function value(depth: number): string {
  switch (below(depth > 3 ? 4 : 6)) {
    case 0:
      return pick(['true', 'false', 'null']);
    case 1:
    case 2: {
      const integer = below(3) === 0 ? '0' : String(1 + below(9)) + many(3, () => String(below(10))).join('');
      const fraction = below(2) ? `.${digits()}` : '';
      const exponent = below(3) === 0 ? `${pick(['e', 'E'])}${pick(['', '+', '-'])}${digits()}` : '';
      return `${below(3) === 0 ? '-' : ''}${integer}${fraction}${exponent}`;
    }
    case 3:
      return `"${many(4, () => pick(STRING_PARTS)).join('')}"`;
    case 4:
      return `[${ws()}${many(4, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
    default:
      return `{${ws()}${many(4, () => `"${pick(STRING_PARTS)}"${ws()}:${ws()}${value(depth + 1)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  }
}

/** Characters a mutation inserts: JSON's own, near misses (a no-break space, a byte-order mark, controls, a quote), surrogates. */
const INSERTED = [...'[]{}:,"\\/ \t\n\r-+.eE0123456789tfnulrsaxbuvgZ\'', '\u00a0', '\ufeff', '\u0000', '\u001f', '\u2028', '\ud800', '😀'];

/** `text` with one to three characters deleted, inserted or replaced, or cut short. */
function mutate(text: string): string {
  for (let n = 1 + below(3); n > 0; n--) {
    const at = below(text.length + 1);
    const kind = below(4);
    if (kind === 0) text = text.slice(0, at) + text.slice(at + 1);
    else if (kind === 1) text = text.slice(0, at) + pick(INSERTED) + text.slice(at);
    else if (kind === 2) text = text.slice(0, at) + pick(INSERTED) + text.slice(at + 1);
    else text = text.slice(0, at);
  }
  return text;
}

describe('describeSyntaxError finds where JSON.parse failed, as V8 does, in one pass', () => {
  it('agrees with V8 on generated faulty texts: its stated positions, the character it quotes, and the shortest failing prefix', () => {
    const kinds = new Map<string, number>();
    let faulty = 0;
    for (let round = 0; round < 12_000; round++) {
      const valid = `${ws()}${value(0)}${ws()}`;
      const text = mutate(valid);
      const message = parseError(text);
      if (message === undefined) {
        // JSON after all: a JSON.parse that threw anyway (out of stack or memory) is placed at the end.
        expect(scanned(text), JSON.stringify(text)).toBe(text.length);
        continue;
      }
      faulty++;
      const kind = message.replace(/ (in JSON )?at position \d+.*$/s, '').replace(/^Unexpected token .*$/s, 'Unexpected token');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      const label = `${JSON.stringify(text)}: ${message}`;
      const position = describeSyntaxError(text, message).position!;
      const stated = statedPosition(message);
      // V8's stated position is kept, and the scanner finds the same one without it.
      if (stated !== undefined) expect(position, label).toBe(stated);
      expect(scanned(text), label).toBe(position);
      if (message.startsWith('Unexpected end of JSON input')) expect(position, label).toBe(text.length);
      // V8 quotes the unexpected character (of one beyond U+FFFF, its first half).
      const quoted = /^Unexpected token '(.)'/su.exec(message);
      if (quoted) expect(text[position], label).toBe(quoted[1]);
      expect(isFaultAt(text, position), label).toBe(true);
    }
    expect(faulty).toBeGreaterThan(8_000);
    // Every kind of fault V8 tells apart came up (17 on Node 20): not only a few easy ones.
    expect(kinds.size, [...kinds.keys()].join('\n')).toBeGreaterThanOrEqual(14);
  });

  it.each([
    ['[1,]', 3],
    ['[1,2,]', 5],
    ['[1 ,]', 4],
    ['[,]', 1],
    ['[1,,2]', 3],
    ['}', 0],
    [']', 0],
    ['{"a":}', 5],
    ['{"a":1,"b":]', 11],
    ['tx', 1],
    ['nulx', 3],
    ['falsy', 4],
    ['[tru]', 4],
    ['[.5]', 1],
    ['[+1]', 1],
    ['[Infinity]', 1],
    ["['a']", 1],
    [' x', 1],
    ['\u00a0[1]', 0],
    ['[1,\u00a01]', 3],
    ['\ufeff{}', 0],
    ['[😀]', 1],
    ['[{"a":[{}]},{"b":{"c":[1,2,{"d":}]}}]', 32],
  ])('an unexpected token V8 names without a position: %j at %i', (text, expected) => {
    const message = parseError(text)!;
    expect(message).toMatch(/^Unexpected token /);
    expect(statedPosition(message)).toBeUndefined();
    expect(describeSyntaxError(text, message).position).toBe(expected);
    expect(isFaultAt(text, expected)).toBe(true);
  });

  it('states the found character and why, as before', () => {
    const text = '[1,2,]';
    expect(describeSyntaxError(text, parseError(text)!)).toMatchObject({ position: 5, found: `"]" at position 5 (Unexpected token ']')` });
    expect(describeSyntaxError('\ufeff1', parseError('\ufeff1')!)).toMatchObject({ position: 0, found: 'U+FEFF (a byte-order mark) at position 0 (Unexpected token U+FEFF)', hint: expect.stringContaining('byte-order mark') });
    expect(describeSyntaxError('[tr', parseError('[tr')!)).toMatchObject({ position: 3, found: 'the end of the text (Unexpected end of JSON input)' });
  });

  it('places a million nested brackets closed by the wrong one at the wrong one (a binary search parsed it 20 times)', () => {
    const text = `${'['.repeat(1e6)}}`;
    expect(describeSyntaxError(text, parseError(text)!).position).toBe(1e6);
    // Arrays and objects alternating, 200 000 deep: each closer is checked against its opener.
    const mixed = `${'[{"a":'.repeat(1e5)}1${'}]'.repeat(1e5)}`;
    expect(scanned(mixed)).toBe(mixed.length);
    const swapped = `${mixed.slice(0, -2)}]}`;
    expect(scanned(swapped)).toBe(swapped.length - 2);
    expect(statedPosition(parseError(swapped)!)).toBe(swapped.length - 2);
  });

  it('reads a position only at the end of the message, not in the text V8 quotes (a reviewer: `[1, at position 5]` said 5)', () => {
    expect(describeSyntaxError('[1, at position 5]', parseError('[1, at position 5]')!).position).toBe(4);
    expect(describeSyntaxError('[" at position 9",]', parseError('[" at position 9",]')!).position).toBe(18);
  });

  it('a text that is JSON after all (JSON.parse ran out of stack or memory) is placed at its end, without looping or throwing', () => {
    const text = `${'['.repeat(1e5)}${']'.repeat(1e5)}`;
    expect(describeSyntaxError(text, 'Maximum call stack size exceeded')).toMatchObject({ position: text.length, found: 'the end of the text (Maximum call stack size exceeded)' });
    expect(describeSyntaxError('', 'out of memory').position).toBe(0);
  });
});
