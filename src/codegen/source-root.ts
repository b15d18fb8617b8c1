import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout whose `src/runtime/*.ts` the generators bundle into `generated/`, from the URL
 * of a module of src/codegen: two folders up when it runs from source (tsx), three when it
 * runs from `dist/` after `npm run build` (dist has no `.ts` runtime to bundle, and the
 * bundles name their sources, so the output must come from the same files either way).
 *
 * @throws Error when neither holds the sources (the installed package ships no generators)
 */
export function sourceRoot(moduleUrl: string): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  for (const root of [path.resolve(here, '../..'), path.resolve(here, '../../..')]) {
    if (existsSync(path.join(root, 'src/runtime/formats.ts'))) return root;
  }
  throw new Error(`no src/runtime/formats.ts above ${here}: generate needs a checkout of realtime-contract`);
}
