import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownArgument, shownPath } from '../../src/cli/shown-argument.js';
import { withPasswordShownRedacted, withUserInfoShownRedacted } from '../../src/shared/secrets.js';

/** The findings of tHC's second-round review of the CLI's redaction, each checked where it was found. */

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

function cli(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REALTIME_CONTRACT_'))) });
  return { status: result.status, stderr: result.stderr };
}

describe('tHC findings', () => {
  it('hides a later list entry\'s password whose @host is missing, the list kept (F17)', () => {
    expect(withUserInfoShownRedacted('http://localhost:3000,https://alice:Secr3tPw9/jwks')).toBe('http://localhost:3000,https://alice:[redacted]/jwks');
    expect(withUserInfoShownRedacted('http://localhost:3000,https://alice:Secr3tPw9')).toBe('http://localhost:3000,https://alice:[redacted]');
    expect(withUserInfoShownRedacted('http://localhost:3000,http://localhost:5173')).toBe('http://localhost:3000,http://localhost:5173');
    expect(withUserInfoShownRedacted('http://localhost:3000 https://localhost:5173/x')).toBe('http://localhost:3000 https://localhost:5173/x');
  });
});
