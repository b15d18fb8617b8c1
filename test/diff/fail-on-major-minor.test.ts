/**
 * `--fail-on major` gates the release the changes call for: a diff that calls for a minor one (an optional field added)
 * passes it, exit 0, its JSON output's `failOn` saying so (tIM F19: mutant C05, `failed` on any release but a patch,
 * survived the `--fail-on` tests, which gave `major` only major diffs). In process (runDiff), real schema files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../src/cli/diff-command.js';
import { patchSchemas, readSchemas } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'diff-fail-on-major-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--fail-on major on a diff that calls for a minor release (tIM F19)', () => {
  it('exits 0 and says failOn { level: major, failed: false }; the same diff fails --fail-on compatible', { timeout: 240_000 }, async () => {
    const folder = path.join(work, 'optional-field');
    mkdirSync(folder, { recursive: true });
    const files = patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/venue', value: { type: 'string', description: 'Where the trade was matched.' } }]);
    for (const [name, schema] of files) writeFileSync(path.join(folder, name), `${JSON.stringify(schema, null, 2)}\n`);
    let stdout = '';
    let stderr = '';
    const code = await runDiff('schemas', folder, { format: 'json', failOn: 'major', schemas: 'schemas', cwd: ROOT }, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
    const report = JSON.parse(stdout) as { semver: string; failOn: unknown };
    expect(report.semver).toBe('minor');
    expect([code, report.failOn, stderr]).toEqual([0, { level: 'major', failed: false }, '']);
    // Not a diff that passes everything: a threshold of any change stops on it.
    expect(await runDiff('schemas', folder, { format: 'json', failOn: 'compatible', schemas: 'schemas', cwd: ROOT }, { stdout: () => {}, stderr: () => {} })).toBe(1);
  });
});
