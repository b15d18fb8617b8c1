/**
 * The bench's inputs, per message type: many different valid messages (the test fixtures plus
 * messages generated from the schemas with a fixed seed, so every run sees the same ones), and
 * an invalid set that includes, for every type, the faults a validator finds last: a bad `ts`
 * (an impossible calendar date; for ping/pong a fractional `timestamp`) and an unknown
 * top-level key after all the known ones.
 */
import path from 'node:path';
import fc from 'fast-check';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import { loadContract } from '../../src/codegen/load.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { messageArbitraries } from '../../test/support/arbitraries.js';
import { readFixtureMessages } from '../../test/support/fixtures.js';
import { handValidate } from './hand.js';

export interface NamedInput {
  /** Fixture path, or `generated #n` / `last fault: bad ts #n` / `last fault: extra key #n`. */
  name: string;
  value: unknown;
}

export interface TypeInputs {
  type: string;
  /** Fixtures of the type (spec example first), then generated messages. */
  valid: NamedInput[];
  /** Fixtures `invalid/<type>-*`, then the faults found last. */
  invalid: NamedInput[];
  /** Only the faults found last (a subset of `invalid`): for "rejected vs accepted" ratios. */
  lastFault: NamedInput[];
  /** The valid message each `lastFault` entry was made from, same order: the fair "accepted" side of that ratio. */
  lastFaultBase: NamedInput[];
}

export interface InputOptions {
  /** Generated valid messages per type. */
  generated: number;
  /** Valid messages per type that get each of the two last faults. */
  lastFaults: number;
}

/** A seeded generator of numbers in [0, 1): the same inputs on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Makes a generated message look like what a producer sends: 85 % of its timestamps in the
 * `Date#toISOString` form (the generator spreads them evenly over fraction and zone forms)
 * numbers with at most 6 decimals, and, when it has a `cursor`, a well-formed increasing one; ping/pong get `Date.now()`-like times.
 */
function realistic(message: unknown, rand: () => number, index: number): unknown {
  const fix = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(fix);
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fix(v)]));
    if (typeof node === 'string' && node.length >= 20 && /^\d{4}-\d\d-\d\dT/.test(node) && rand() < 0.85) {
      return new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 365 * 86400000)).toISOString();
    }
    // Prices and fractions with a few decimals, not 5e-323 (denormals) or 17 significant digits.
    if (typeof node === 'number' && !Number.isInteger(node)) return Math.round(node * 1e6) / 1e6;
    return node;
  };
  const fixed = fix(message) as Record<string, unknown>;
  if ('cursor' in fixed) fixed.cursor = `k3x9a.${1000 + index}`;
  // ping/pong carry Date.now(), not any integer up to 8.64e15.
  if (typeof fixed.timestamp === 'number') fixed.timestamp = Date.UTC(2026, 0, 1) + Math.floor(rand() * 365 * 86400000);
  return fixed;
}

/** The two faults found last, applied to a copy of `message`. */
function lastFaults(type: string, message: Record<string, unknown>): { badTs: unknown; extraKey: unknown } {
  const badTs = { ...message };
  if (type === 'ping' || type === 'pong') badTs.timestamp = (message.timestamp as number) + 0.5;
  else badTs.ts = '2026-02-30T16:30:00.000Z';
  return { badTs, extraKey: { ...message, unexpected: true } };
}

/** Inputs of every message type, in `MESSAGE_TYPES` order; checks that strict validation and the hand-written limit agree on each. */
export async function loadInputs(options: InputOptions): Promise<TypeInputs[]> {
  const contract = await loadContract(path.resolve(import.meta.dirname, '../../schemas'));
  const arbitraries = messageArbitraries(contract);
  const validFixtures = readFixtureMessages('valid');
  const invalidFixtures = readFixtureMessages('invalid');
  const strict = (value: unknown) => validateMessage(value, { mode: 'strict' }).ok;
  return MESSAGE_TYPES.map((type, typeIndex) => {
    const rand = random(0x14 + typeIndex);
    const fixtures = validFixtures
      .filter((m) => (m.value as { type?: unknown }).type === type)
      .sort((a, b) => Number(b.name === `valid/spec/${type}.json`) - Number(a.name === `valid/spec/${type}.json`));
    const generated: NamedInput[] = [];
    const samples = fc.sample(arbitraries.get(type)!, { seed: 0x14 + typeIndex, numRuns: options.generated * 4 });
    for (const sample of samples) {
      if (generated.length === options.generated) break;
      const value = JSON.parse(JSON.stringify(realistic(sample, rand, generated.length)));
      // The generator knows no `pattern` and may break other rules the schemas state in words; keep what is valid.
      if (strict(value)) generated.push({ name: `generated #${generated.length + 1}`, value });
    }
    const valid = [...fixtures, ...generated];
    const lastFault = generated.slice(0, options.lastFaults).flatMap((m, i) => {
      const { badTs, extraKey } = lastFaults(type, m.value as Record<string, unknown>);
      return [{ name: `last fault: bad ts #${i + 1}`, value: badTs }, { name: `last fault: extra key #${i + 1}`, value: extraKey }];
    });
    const lastFaultBase = generated.slice(0, options.lastFaults).flatMap((m) => [m, m]);
    const invalid = [...invalidFixtures.filter((m) => m.name.startsWith(`invalid/${type}-`)), ...lastFault];
    for (const [set, inputs, expected] of [['valid', valid, true], ['invalid', invalid, false]] as const) {
      for (const input of inputs) {
        if (strict(input.value) !== expected || handValidate(input.value) !== expected) {
          throw new Error(`bench input ${type} ${input.name} (${set}): strict says ${strict(input.value)}, hand-written says ${handValidate(input.value)}`);
        }
      }
    }
    return { type, valid, invalid, lastFault, lastFaultBase };
  });
}

/** Every type's valid messages, interleaved by a seeded shuffle: what a dashboard's socket receives. */
export function mixedStream(inputs: readonly TypeInputs[], set: 'valid' | 'invalid'): unknown[] {
  const all = inputs.flatMap((t) => t[set].map((m) => m.value));
  const rand = random(0x1414);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

/** Compact JSON texts of the inputs, as they arrive on a socket. */
export const texts = (inputs: readonly NamedInput[]) => inputs.map((m) => JSON.stringify(m.value));
