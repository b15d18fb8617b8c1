import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/cli/serve-command.js';

/** README's "Start here": its steps, and what it says of the demo's tokens and of a refused one. */

const readme = readFileSync('README.md', 'utf8');
const startHere = readme.slice(readme.indexOf('## Start here\n'), readme.indexOf('\n## ', readme.indexOf('## Start here\n') + 1));

describe('README: Start here', () => {
  it('is a numbered list of the steps from a clone to the demo, 1 to 5, ending at the dashboard', () => {
    const steps = [...startHere.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    for (const command of ['git clone', 'npm ci', 'npm run validate', 'npx tsx src/cli/main.ts serve --demo', 'Dashboard:']) expect(startHere).toContain(command);
  });

  it('gives the demo tokens\' lifetime as the demo signs them: 24 hours after they are printed', async () => {
    expect(startHere).toMatch(/The tokens expire 24 hours \(86,400 s\) after\s+they are printed \(`exp` is `iat` \+ 24 h\)/);
    const demo = await startDemo({ port: 0, host: '127.0.0.1', intervalMs: 60_000 });
    try {
      for (const token of Object.values(demo.tokens)) {
        const { iat, exp } = decodeJwt(token);
        expect(exp! - iat!).toBe(86_400);
        expect(Math.abs(iat! - Date.now() / 1000)).toBeLessThan(60);
      }
    } finally {
      await demo.stop();
    }
  });

  it('says what the dashboard shows for a refused token, and an expired one, in the words test/client/browser.test.ts checks on the real dashboard', () => {
    const browser = readFileSync('test/client/browser.test.ts', 'utf8');
    // And for one that expired while the dashboard was open (it was said to be refused: a fresh tester).
    for (const shown of ['unauthorized, HTTP 401', 'error: token refused', 'unauthorized, token expired', 'error: token expired']) {
      expect(startHere).toContain(`\`${shown}\``);
      expect(browser).toContain(shown);
    }
  });
});
