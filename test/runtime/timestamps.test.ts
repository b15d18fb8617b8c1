import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDateTime, isProducerDateTime } from '../../src/runtime/date-time.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { findTool } from '../support/toolchain.js';
import { specExample } from './support.js';

/** RFC 3339 date-times that Go or Python 3.11 cannot parse: tolerant only. */
const RFC3339_ONLY = [
  '2026-01-14t16:30:00z',
  '2026-01-14T16:30:00z',
  '2026-01-14t16:30:00Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.5Z',
  '0000-01-01T00:00:00Z',
  '2026-01-14T16:30:00.1234567891Z',
];

/** The producer profile: every generated language parses these. */
const PRODUCER = [
  '2026-01-14T16:30:00Z',
  '2026-01-14T16:30:00.4Z',
  '2026-01-14T16:30:00.482913Z',
  '2026-01-14T16:30:00.123456789Z',
  '2026-01-14T18:30:00+02:00',
  '2026-01-14T11:00:00.5-05:30',
  '2026-01-14T16:30:00-00:00',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2028-02-29T23:59:59.999999999Z',
];

const trade = (ts: string) => ({ ...specExample('trades'), ts });

describe('strict mode takes only the timestamp profile every generated language parses (issue 8, item 20)', () => {
  it.each(RFC3339_ONLY)('%s: tolerant accepts it, strict names the profile', (ts) => {
    expect(isDateTime(ts)).toBe(true);
    expect(isProducerDateTime(ts)).toBe(false);
    expect(validateMessage(trade(ts), { mode: 'tolerant' }).ok).toBe(true);
    const strict = validateMessage(trade(ts), { mode: 'strict' });
    expect(strict).toMatchObject({ ok: false, errors: [{ pointer: '/ts', keyword: 'format' }] });
    if (!strict.ok) expect(strict.errors[0].expected).toMatch(/\(strict: upper-case T and Z, second below 60, year from 0001\)$/);
  });

  it('tells a producer writing lower-case t or z what to change', () => {
    const strict = validateMessage(trade('2026-01-14t16:30:00z'));
    expect(!strict.ok && strict.errors[0].hint).toMatch(/upper-case "T" and "Z"/);
  });

  it.each(PRODUCER)('%s passes both modes', (ts) => {
    expect(isProducerDateTime(ts)).toBe(true);
    expect(validateMessage(trade(ts), { mode: 'strict' }).ok).toBe(true);
    expect(validateMessage(trade(ts), { mode: 'tolerant' }).ok).toBe(true);
  });

  it('applies to every timestamp field, nullable ones included', () => {
    const bot = specExample('bots');
    bot.data.last_trade = '2026-01-14t16:30:00Z';
    expect(validateMessage(bot)).toMatchObject({ ok: false, errors: [{ pointer: '/data/last_trade', keyword: 'format' }] });
    expect(validateMessage(bot, { mode: 'tolerant' }).ok).toBe(true);
  });

  const python = findTool('python3');
  describe.skipIf(!python.available)(`Python datetime.fromisoformat agrees ${python.reason}`, () => {
    it('parses every producer-profile timestamp and refuses the RFC 3339-only ones it cannot read', () => {
      const script = 'import json,sys\nfrom datetime import datetime\nout=[]\nfor s in json.load(sys.stdin):\n  try:\n    datetime.fromisoformat(s); out.append(True)\n  except ValueError:\n    out.append(False)\nprint(json.dumps(out))';
      const parsed = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(PRODUCER), encoding: 'utf8' })) as boolean[];
      expect(parsed).toEqual(PRODUCER.map(() => true));
    });
  });

  const go = findTool('go', ['version']);
  describe.skipIf(!go.available)(`Go time.Parse(time.RFC3339Nano) agrees ${go.reason}`, () => {
    it('parses every producer-profile timestamp', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'timestamps-'));
      writeFileSync(
        path.join(dir, 'main.go'),
        `package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\t"os"\n\t"time"\n)\n\nfunc main() {\n\tvar in []string\n\tjson.NewDecoder(os.Stdin).Decode(&in)\n\tout := []bool{}\n\tfor _, s := range in {\n\t\t_, err := time.Parse(time.RFC3339Nano, s)\n\t\tout = append(out, err == nil)\n\t}\n\tb, _ := json.Marshal(out)\n\tfmt.Println(string(b))\n}\n`,
      );
      const output = execFileSync('go', ['run', 'main.go'], { cwd: dir, input: JSON.stringify(PRODUCER), encoding: 'utf8', env: { ...process.env, GO111MODULE: 'off', GOCACHE: path.join(dir, 'cache') } });
      expect(JSON.parse(output)).toEqual(PRODUCER.map(() => true));
    });
  });
});
