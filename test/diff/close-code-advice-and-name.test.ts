/**
 * A close code whose reconnect advice and name both change (tIC F20: mutant DF04, the generated constant not marked gone
 * for such a change, survived corpus.test.ts, whose cases change one or the other): breaking for older clients, which follow
 * the old advice, and for code importing the generated CloseCode.<old name>, which no longer compiles.
 */
import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

const closeCode = (name: string, reconnect: string) => [
  { op: 'add', path: '/protocol.json/x-close-codes/-', value: { code: 4000, name, reconnect, description: 'A close code for the test.' } },
] as const;

describe('close code changed in advice and name (tIC F20)', () => {
  it('breaks older peers and importing code: a major release', async () => {
    const current = readSchemas();
    const report = await diffFiles(patchSchemas(current, [...closeCode('TryAgainLater', 'yes')]), patchSchemas(current, [...closeCode('Overloaded', 'no')]));
    const change = report.changes.find((c) => c.rule === 'close-code-changed');
    expect(change).toMatchObject({ level: 'breaking', impact: expect.stringContaining('CloseCode.TryAgainLater constant no longer compiles') });
    expect([...change!.breaks].sort()).toEqual(['importing-code', 'older-peers']);
    expect(report.semver).toBe('major');
  });
});
