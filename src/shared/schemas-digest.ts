import { createHash } from 'node:crypto';

/**
 * A digest of the schema files as JSON values, by file name: what `generate` wrote `generated/`
 * from (`SCHEMAS_DIGEST` in generated/contract.ts). Whitespace, line ends and a byte-order mark
 * do not change it; a changed value or key order, a file added or removed does.
 *
 * @param files file name (`trades.json`) → its parsed JSON
 * @returns `sha256:<hex>`
 */
export function schemasDigest(files: Iterable<readonly [string, unknown]>): string {
  const hash = createHash('sha256');
  for (const [name, value] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${JSON.stringify(name)}\n${JSON.stringify(value)}\n`);
  return `sha256:${hash.digest('hex')}`;
}
