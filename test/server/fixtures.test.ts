/**
 * Protocol v1.1 delivery fixtures (issue 10): cursors, the resumed/gap `connection` message and
 * the poll response, valid and invalid; and every v1.0 fixture still valid in strict mode.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPollResponseDocument } from '../../generated/validators.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { checkPollResponse } from '../../src/server/poll-response.js';
import { FIXTURES, readFixtureMessages } from '../support/fixtures.js';

const DELIVERY = path.join(FIXTURES, 'delivery');
const read = (dir: string) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown] as const);

/** Why each invalid message fixture is rejected, in both modes (tolerant mode accepts an unknown enum value with a notice). */
const EXPECTED: Record<string, { pointer: string; keyword: string }> = {
  'connection-resume-unknown': { pointer: '/data/resume', keyword: 'enum' },
  'trades-cursor-empty': { pointer: '/cursor', keyword: 'pattern' },
  'trades-cursor-number': { pointer: '/cursor', keyword: 'type' },
  'trades-cursor-too-long': { pointer: '/cursor', keyword: 'pattern' },
  'trades-cursor-with-slash': { pointer: '/cursor', keyword: 'pattern' },
};

describe('delivery fixtures', () => {
  it('v1.0 and v1.1 valid fixtures, and the delivery ones, are valid in strict and tolerant mode (cursor and resume are optional)', () => {
    const messages = readFixtureMessages('valid');
    for (const { name, value } of messages) expect(validateMessage(value, { mode: 'strict' }).ok, name).toBe(true);
    const v10 = messages.filter((m) => !m.name.includes('v1.1'));
    expect(v10.every((m) => !('cursor' in (m.value as object)))).toBe(true);
    const delivery = readFileSync(path.join(DELIVERY, 'valid/messages.ndjson'), 'utf8').split('\n').filter(Boolean);
    expect(delivery.length).toBeGreaterThan(0);
    for (const line of delivery) for (const mode of ['strict', 'tolerant'] as const) expect(validateMessage(JSON.parse(line), { mode }).ok, line).toBe(true);
  });

  it.each(read(path.join(DELIVERY, 'invalid')))('message %s is rejected for its named fault (strict; tolerant too unless it is an unknown enum value)', (name, value) => {
    expect(EXPECTED[name], `no expectation for ${name}`).toBeDefined();
    for (const mode of ['strict', 'tolerant'] as const) {
      const result = validateMessage(value, { mode });
      if (mode === 'tolerant' && EXPECTED[name]!.keyword === 'enum') {
        // Issue 13: tolerant mode accepts a value outside a closed list, with a notice.
        expect(result.ok && result.notices?.map((notice) => notice.pointer)).toEqual([EXPECTED[name]!.pointer]);
        continue;
      }
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]).toMatchObject(EXPECTED[name]!);
    }
  });

  it.each(read(path.join(DELIVERY, 'poll-response/valid')))('poll response %s is valid', (_name, value) => {
    expect(checkPollResponseDocument(value, 'strict')).toBeNull();
    expect(checkPollResponse(JSON.stringify(value))).toBeNull();
  });

  it.each(read(path.join(DELIVERY, 'poll-response/invalid')))('poll response %s is rejected', (_name, value) => {
    expect(checkPollResponseDocument(value, 'strict')).not.toBeNull();
    expect(checkPollResponse(JSON.stringify(value))).not.toBeNull();
  });
});
