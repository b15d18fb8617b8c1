import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMAS_DIGEST } from '../../generated/contract.js';
import { schemasDigest } from '../shared/schemas-digest.js';

/**
 * In a checkout whose `schemas/` no longer says what `generated/` was written from (a schema
 * edited, `npm run generate` not run yet), the warning to print: the CLI then validates against
 * the contract as it was (a fresh user's new field was "unknown to the schema"). Undefined
 * otherwise, and in an installed package, whose schemas/ and generated/ ship together. When
 * generated/ is up to date but this CLI's own copy of the contract (`digest`, dist/'s once
 * built) is not, it says to run `npm run build`.
 */
export function staleContractWarning(roots = packageRoots(), digest: string = SCHEMAS_DIGEST): string | undefined {
  for (const root of roots) {
    const dir = path.join(root, 'schemas');
    if (!existsSync(path.join(dir, 'definitions.json'))) continue;
    try {
      const files = readdirSync(dir)
        .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
        .map((name) => [name, JSON.parse(readFileSync(path.join(dir, name), 'utf8').replace(/^\uFEFF/, '')) as unknown] as const);
      const current = schemasDigest(files);
      if (current === digest) return undefined;
      // This CLI's contract is older than the checkout's generated/, which is up to date: the
      // CLI runs from dist/, built before the last generate (a fresh user ran generate twice and
      // was told to run it again).
      if (readFileSync(path.join(root, 'generated/contract.ts'), 'utf8').includes(JSON.stringify(current))) {
        return 'warning: dist/ was built before generated/ was last written: this checks against the contract as it was; run `npm run build`';
      }
    } catch {
      // A schema that is not JSON (generate says where), or no generated/contract.ts.
    }
    return 'warning: schemas/ has changed since generated/ was written: this checks against the contract as it was; run `npm run generate`';
  }
  return undefined;
}

/** Where the package's schemas/ may be: above src/cli from source (tsx), above dist/src/cli once built. */
function packageRoots(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../..'), path.resolve(here, '../../..')];
}
