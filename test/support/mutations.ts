/**
 * Random faults for fuzz tests: one mutation deletes a key, replaces a value, adds a key
 * (maybe a known one in the wrong place, or `__proto__`), perturbs a string (timestamps above
 * all), moves a number across a range edge the schemas use, or changes `type`. The values put
 * in are the ones likeliest to sit on a boundary: the schemas' own words, and timestamps on
 * every calendar and syntax edge of RFC 3339.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { MESSAGE_TYPES } from '../../generated/contract.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every string the schemas name (const, enum, x-known-values) and every property name: the values most likely to sit on a boundary. */
function schemaWords(): { strings: string[]; keys: string[] } {
  const strings = new Set<string>();
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'enum' || key === 'x-known-values') && Array.isArray(value)) value.forEach((v) => typeof v === 'string' && strings.add(v));
      else if (key === 'const' && typeof value === 'string') strings.add(value);
      else if (key === 'properties' && typeof value === 'object' && value !== null) Object.keys(value).forEach((k) => keys.add(k));
      walk(value);
    }
  };
  const dir = path.join(ROOT, 'schemas');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) walk(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  return { strings: [...strings].sort(), keys: [...keys].sort() };
}

const words = schemaWords();

/** Timestamps on and around every calendar and syntax edge of RFC 3339. */
export const EDGE_TIMESTAMPS = [
  '2026-01-14T16:30:00.000Z', '2026-01-14T16:30:00Z', '2026-01-14t16:30:00.000z', '2026-01-14T16:30:00.123456789Z',
  '2024-02-29T00:00:00.000Z', '2026-02-29T00:00:00.000Z', '2000-02-29T12:00:00.000Z', '1900-02-29T12:00:00.000Z',
  '2026-02-30T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z', '2026-13-01T00:00:00.000Z',
  '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-32T00:00:00.000Z', '2026-01-14T24:00:00.000Z',
  '2026-01-14T23:60:00.000Z', '2026-01-14T23:59:60.000Z', '2026-12-31T23:59:60Z', '2026-12-31T23:59:60.000Z',
  '2026-12-31T12:00:60.000Z', '2026-12-31T23:59:61.000Z', '2027-01-01T01:29:60+01:30', '2026-01-14T16:30:00+02:00',
  '2026-01-14T16:30:00-05:30', '2026-01-14T16:30:00+0200', '2026-01-14T16:30:00+24:00', '2026-01-14T16:30:00+02:60',
  '2026-01-14 16:30:00.000Z', '2026-01-14T16:30:00.Z', '2026-01-14T16:30:00.000', '2026-1-14T16:30:00.000Z',
  '2026-01-14T16:30:00.000ZZ', '+2026-01-14T16:30:00.000Z', '2026-01-14T16:30:00.00AZ', '2026-01-14T16:3a:00.000Z',
  '2026/01/14T16:30:00.000Z', '2026-01-14T16:30:00,000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z',
];

/** Replacement values: types, ranges and integers at their edges, schema words and timestamps. */
export const interesting: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, '', 'x', 0, -0, 1, -1, 0.5, 1.0000001, -1e-9, 99.999, 100, 100.0001, 2.5,
    Number.MAX_SAFE_INTEGER, 8640000000000000, 8640000000000002, 1e300, [], {}, [1], { a: 1 }),
  fc.constantFrom(...words.strings),
  fc.constantFrom(...EDGE_TIMESTAMPS),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = (string | number)[];

/** Every (container, key) location in `value`, the root's own keys included. */
function locations(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (typeof value === 'object' && value !== null) {
    for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
      out.push([...at, key]);
      locations((value as Record<string | number, unknown>)[key], [...at, key], out);
    }
  }
  return out;
}

/** Every object (container where a key can be added) in `value`, the root first. */
function objects(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (typeof value === 'object' && value !== null) {
    if (!Array.isArray(value)) out.push(at);
    for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) objects((value as Record<string | number, unknown>)[key], [...at, key], out);
  }
  return out;
}

const get = (value: unknown, at: Path): any => at.reduce<any>((node, key) => node?.[key], value);

/** Perturbs one character of a string: a digit bumped, a character dropped, doubled or replaced. */
export function perturb(text: string, position: number, how: number): string {
  if (text.length === 0) return 'x';
  const i = position % text.length;
  const c = text.charCodeAt(i);
  switch (how % 4) {
    case 0:
      return text.slice(0, i) + String.fromCharCode(c >= 48 && c <= 56 ? c + 1 : c === 57 ? 48 : c + 1) + text.slice(i + 1);
    case 1:
      return text.slice(0, i) + text.slice(i + 1);
    case 2:
      return text.slice(0, i) + text[i] + text.slice(i);
    default:
      return `${text.slice(0, i)}${'0123456789TtZz:.-+ '[how % 19]}${text.slice(i + 1)}`;
  }
}

/** A number on or just past a range edge the schemas use, or `n` moved off the integers or scaled ×100. */
function nudge(n: number, how: number): number {
  const edges = [0, 1, 100, 8640000000000000];
  const edge = edges[how % edges.length]!;
  const choices = [edge, edge + 1e-9, edge - 1e-9, edge + 0.5, edge - 0.5, edge + 1, n + 0.5, n * 100, -n];
  return choices[Math.floor(how / edges.length) % choices.length]!;
}

export interface Mutation {
  kind: number;
  pick: number;
  extra: number;
  value: unknown;
  key: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.nat(7),
  pick: fc.nat(),
  extra: fc.nat(),
  value: interesting,
  key: fc.oneof(fc.constantFrom(...words.keys, '__proto__', 'constructor', 'toString', 'x'), fc.string({ maxLength: 6 })),
});

/** Applies one mutation in place: delete a key, replace a value, add a key, perturb a string, or change `type`. */
export function mutate(message: Record<string, unknown>, m: Mutation): void {
  const spots = locations(message);
  // A fresh copy: fast-check shares constant values between runs, and a value inserted twice could become circular.
  const value = structuredClone(m.value);
  if (spots.length === 0) {
    message[m.key] = value;
    return;
  }
  const spot = spots[m.pick % spots.length]!;
  const parent = get(message, spot.slice(0, -1));
  const key = spot[spot.length - 1]!;
  switch (m.kind) {
    case 0: // delete a key (or an array item)
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return;
    case 1: // replace a value
    case 2:
      parent[key] = value;
      return;
    case 3: { // add a key, maybe a known one in the wrong place; defineProperty so "__proto__" is an own key as JSON.parse makes it
      const holders = objects(message);
      const holder = get(message, holders[m.extra % holders.length]!);
      Object.defineProperty(holder, m.key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    case 4: { // perturb a string (timestamps above all), else replace
      const current = parent[key];
      parent[key] = typeof current === 'string' ? perturb(current, m.extra, m.pick) : value;
      return;
    }
    case 5: { // move a number (any number in the message) across a range edge (0, 1, 100, 8.64e15) or off the integers
      const numbers = spots.filter((at) => typeof get(message, at) === 'number');
      if (numbers.length === 0) return;
      const at = numbers[m.pick % numbers.length]!;
      const holder = get(message, at.slice(0, -1));
      holder[at[at.length - 1]!] = nudge(holder[at[at.length - 1]!], m.extra);
      return;
    }
    case 6: // another type's name in `type`
      message.type = MESSAGE_TYPES[m.extra % MESSAGE_TYPES.length];
      return;
    default: // two numeric nudges are likelier to reach a bound than one
      mutate(message, { ...m, kind: 5 });
      mutate(message, { ...m, kind: 5, pick: m.extra, extra: m.pick });
  }
}

/** As `JSON.parse` delivers it: the bench measures and the limit is defined on JSON data. */
export const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

