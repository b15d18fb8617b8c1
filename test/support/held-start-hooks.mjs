/** The resolve hook of ./held-start.mjs (module customization hooks, run on their own thread). */
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export async function resolve(specifier, context, next) {
  const { RC_HELD_START_MARK: mark, RC_HELD_START_GO: go } = process.env;
  if (mark && go && specifier === './program.js' && /\/src\/cli\/main\.[jt]s$/.test(context.parentURL ?? '')) {
    writeFileSync(mark, 'held\n');
    for (let waited = 0; !existsSync(go) && waited < 30_000; waited += 20) await sleep(20);
  }
  return next(specifier, context);
}
