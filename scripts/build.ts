/**
 * `npm run build`: compiles src/ and generated/ into dist/ with tsc (JavaScript and
 * declarations), then copies the artifacts that are already JavaScript (the bundled
 * validators and their declarations), which tsc does not copy. It builds into a folder beside
 * dist/ and renames it over dist/ once whole: a build that fails leaves dist/ as it was.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildDashboard } from '../src/client/dashboard/handler.js';
import { processAlive } from '../src/shared/process-alive.js';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// Built beside dist/ and put in its place only whole: a build that failed (a type error after a
// schema edit) used to leave a dist/ without its validators, saying it was not built (a fresh user).
// What a killed build left; not a build still running beside this one (npm pack's, say: a reviewer).
for (const entry of readdirSync(root)) {
  const pid = /^\.dist-(?:staging|retired)-(\d+)$/.exec(entry)?.[1];
  if (pid !== undefined && !processAlive(Number(pid))) rmSync(path.join(root, entry), { recursive: true, force: true });
}
const staging = path.join(root, `.dist-staging-${process.pid}`);
try {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'scripts/tsconfig.build.json'), '--outDir', staging], { stdio: 'inherit' });
} catch {
  rmSync(staging, { recursive: true, force: true });
  // tsc printed its errors above: say what failed, without a stack trace of this script.
  process.stderr.write('npm run build: tsc found the type errors above; dist/ was left as it was\n');
  process.exit(1);
}
for (const file of readdirSync(path.join(root, 'generated'), { recursive: true, encoding: 'utf8' })) {
  if (/\.(js|d\.ts)$/.test(file)) cpSync(path.join(root, 'generated', file), path.join(staging, 'generated', file));
}
// The demo dashboard's browser bundle, so `serve --demo` shows it from an install without esbuild.
try {
  await buildDashboard(path.join(staging, 'src/client/dashboard/dashboard.bundle.js'));
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`npm run build: the dashboard bundle failed: ${(error as Error).message}\ndist/ was left as it was\n`);
  process.exit(1);
}
// The bin executable, as npm makes it on install: npx in a checkout runs dist/'s through a link,
// and tsc writes it 0644, so the second build on made it 'Permission denied' (a fresh user).
chmodSync(path.join(staging, 'src/cli/main.js'), 0o755);
const retired = path.join(root, `.dist-retired-${process.pid}`);
try {
  renameSync(dist, retired);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
renameSync(staging, dist);
rmSync(retired, { recursive: true, force: true });

