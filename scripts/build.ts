/**
 * `npm run build`: compiles src/ and generated/ into dist/ with tsc (JavaScript and
 * declarations), then copies the artifacts that are already JavaScript (the bundled
 * validators and their declarations), which tsc does not copy.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildDashboard } from '../src/client/dashboard/handler.js';

const root = path.resolve(import.meta.dirname, '..');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'scripts/tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  // tsc printed its errors above: say what failed, without a stack trace of this script.
  process.stderr.write('npm run build: tsc found the type errors above; dist/ was not built\n');
  process.exit(1);
}
for (const file of readdirSync(path.join(root, 'generated'), { recursive: true, encoding: 'utf8' })) {
  if (/\.(js|d\.ts)$/.test(file)) cpSync(path.join(root, 'generated', file), path.join(root, 'dist/generated', file));
}
// The demo dashboard's browser bundle, so `serve --demo` shows it from an install without esbuild.
await buildDashboard(path.join(root, 'dist/src/client/dashboard/dashboard.bundle.js'));
