import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { FIXTURES, readFixtureMessages } from '../support/fixtures.js';

/**
 * What an invalid fixture must be rejected for, read from its sidecar `<name>.expected.jsonc`
 * beside it (not a message file, so `validate` on the folder skips it): the JSON Pointer and
 * keyword of the fault, and `"tolerant": "valid"` for faults that only strict mode rejects
 * (unknown fields, timestamps outside the producer profile, a value outside a nullable closed
 * list, keyword `anyOf`, which passes with a notice at its pointer); a value outside a closed list
 * (keyword `enum`) passes tolerant mode with a notice; every other fault is rejected in
 * both modes alike. A sidecar may carry `//` comments saying why. Adding a fault is adding
 * two files.
 */
interface Expectation {
  pointer: string;
  keyword: string;
  tolerant?: 'valid';
}

function expectation(file: string): Expectation {
  const errors: ParseError[] = [];
  const sidecar = path.join(FIXTURES, 'invalid', file.replace(/\.json$/, '.expected.jsonc'));
  const value = parse(readFileSync(sidecar, 'utf8'), errors) as Expectation;
  if (errors.length > 0) throw new Error(`${sidecar} is not JSON`);
  return value;
}


const invalidFiles = readdirSync(path.join(FIXTURES, 'invalid')).filter((file) => file.endsWith('.json')).sort();

describe('valid fixtures', () => {
  const messages = readFixtureMessages('valid');

  it.each(messages.map((m) => [m.name, m.value] as const))('%s is valid in strict and tolerant mode', (_name, value) => {
    expect(validateMessage(value, { mode: 'strict' })).toEqual({ ok: true, message: value });
    expect(validateMessage(value, { mode: 'tolerant' }).ok).toBe(true);
  });

  it('cover every message type', () => {
    const types = new Set(messages.map((m) => (m.value as { type: string }).type));
    expect([...types].sort()).toEqual([...MESSAGE_TYPES].sort());
  });
});

describe('invalid fixtures', () => {
  it('each has an expectation beside it, and each expectation a fixture', () => {
    const sidecars = readdirSync(path.join(FIXTURES, 'invalid')).filter((file) => file.endsWith('.expected.jsonc'));
    expect(sidecars.map((file) => file.replace(/\.expected\.jsonc$/, '')).sort()).toEqual(invalidFiles.map((file) => file.replace(/\.json$/, '')));
    for (const file of invalidFiles) expect(expectation(file)).toMatchObject({ pointer: expect.any(String), keyword: expect.any(String) });
  });

  it('has at least three faults per message type', () => {
    for (const type of MESSAGE_TYPES) {
      expect(invalidFiles.filter((file) => file.startsWith(`${type}-`)).length, type).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(invalidFiles)('%s is rejected at the expected pointer for the expected keyword', (file) => {
    const value = JSON.parse(readFileSync(path.join(FIXTURES, 'invalid', file), 'utf8')) as unknown;
    const expected = expectation(file);
    const strict = validateMessage(value, { mode: 'strict' });
    expect(strict.ok).toBe(false);
    if (strict.ok) return;
    expect(strict.errors[0]).toMatchObject({ pointer: expected.pointer, keyword: expected.keyword });
    expect(strict.errors[0]!.message).toMatch(/^expected .+, got .+$/);
    expect(strict.reason).toBe(expected.keyword === 'discriminator' ? 'unknown-type' : 'invalid');

    const tolerant = validateMessage(value, { mode: 'tolerant' });
    if (expected.keyword === 'enum') {
      // Tolerant mode accepts a value outside a closed list and reports it as a notice.
      expect(tolerant.ok && tolerant.notices?.map((notice) => notice.pointer)).toEqual([expected.pointer]);
    } else if (expected.tolerant === 'valid') {
      expect(tolerant.ok).toBe(true);
      // A value outside a nullable closed list (keyword anyOf): opened as an enum is, with its notice (tHV F5).
      if (tolerant.ok && tolerant.notices !== undefined) expect(tolerant.notices.map((notice) => notice.pointer)).toEqual([expected.pointer]);
    } else {
      expect(tolerant.ok).toBe(false);
      if (!tolerant.ok) expect(tolerant.errors[0]).toMatchObject({ pointer: expected.pointer, keyword: expected.keyword });
    }
  });
});
