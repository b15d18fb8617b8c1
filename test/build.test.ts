/** `npm run build` (scripts/build.ts) on a copy of the checkout: dist/ is replaced whole, or left as it was. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemoProcess } from './support/demo-process.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const copy = mkdtempSync(path.join(tmpdir(), 'build-'));
/** `node --import` this: esbuild (a devDependency) cannot be imported, as in an installed package. */
const WITHOUT_ESBUILD = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(
  `data:text/javascript,export async function resolve(s,c,next){if(s==='esbuild')throw Object.assign(new Error("Cannot find package 'esbuild'"),{code:'ERR_MODULE_NOT_FOUND'});return next(s,c)}`,
)})`;
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function build() {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: copy, encoding: 'utf8', timeout: 240_000 });
}

describe('npm run build', () => {
  it('leaves dist/ as it was when tsc finds a type error (it left one without its validators, saying it was not built: a fresh user)', () => {
    for (const entry of ['src', 'generated', 'scripts', 'schemas', 'package.json', 'tsconfig.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    mkdirSync(path.join(copy, 'dist/generated'), { recursive: true });
    writeFileSync(path.join(copy, 'dist/generated/validators.js'), '// the last good build\n');
    // As after a schema edit the demo did not follow: a type error in src/.
    appendFileSync(path.join(copy, 'src/server/demo.ts'), "\nexport const broken: number = 'not a number';\n");
    const failed = build();
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain("npm run build: tsc found the type errors above; dist/ was left as it was\n");
    expect(readdirSync(path.join(copy, 'dist/generated'))).toEqual(['validators.js']);
    expect(readdirSync(copy).filter((entry) => entry.startsWith('.dist-'))).toEqual([]);
  }, 240_000);

  it('replaces dist/ whole once the build succeeds, and removes what a killed build left', () => {
    cpSync(path.join(ROOT, 'src/server/demo.ts'), path.join(copy, 'src/server/demo.ts'));
    mkdirSync(path.join(copy, '.dist-staging-2147483646'));
    // One of a build still running (here: this test's process) is left to it (a reviewer: it was removed mid-build).
    mkdirSync(path.join(copy, `.dist-staging-${process.pid}`));
    const built = build();
    expect(built.status, built.stderr).toBe(0);
    expect(readdirSync(copy).filter((entry) => entry.startsWith('.dist-'))).toEqual([`.dist-staging-${process.pid}`]);
    rmSync(path.join(copy, `.dist-staging-${process.pid}`), { recursive: true });
    expect(existsSync(path.join(copy, 'dist/generated/validators.d.ts'))).toBe(true);
    expect(existsSync(path.join(copy, 'dist/src/client/dashboard/dashboard.bundle.js'))).toBe(true);
    // The bin runs as a program (npx in a checkout runs it so; tsc wrote it 0644: 'Permission denied').
    expect(statSync(path.join(copy, 'dist/src/cli/main.js')).mode & 0o111).toBe(0o111);
    expect(readdirSync(copy).filter((entry) => entry.startsWith('.dist-'))).toEqual([]);
  }, 240_000);

  it("serves the dashboard from a build with its prebuilt dashboard.bundle.js, without esbuild (an installed package's would 500: tCJ F5)", async () => {
    const prebuilt = path.join(copy, 'dist/src/client/dashboard/dashboard.bundle.js');
    const { child, output, exited } = await startDemoProcess([], { node: ['--import', WITHOUT_ESBUILD, path.join(copy, 'dist/src/cli/main.js')] });
    try {
      const url = /^Dashboard: (\S+)$/m.exec(output())?.[1];
      expect(url, output()).toBeDefined();
      const script = await fetch(new URL('/dashboard.js', url!));
      expect([script.status, await script.text()]).toEqual([200, readFileSync(prebuilt, 'utf8')]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('a required field added to ping, pong or connection data (a contract owner, tAC)', () => {
  it('is a type error at every place that builds one: the builders, the server, the client', () => {
    // Each built its pong with a cast: `npm run build` passed, and the new server and client of one
    // build refused each other's pongs (every socket closed 4408); the client's own `connection`
    // events lacked a field their handler's type promised.
    const edited = mkdtempSync(path.join(tmpdir(), 'keepalive-field-'));
    try {
      for (const entry of ['src', 'generated', 'scripts', 'schemas', 'package.json', 'tsconfig.json']) cpSync(path.join(ROOT, entry), path.join(edited, entry), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(edited, 'node_modules'), 'dir');
      // What `npm run generate` writes for a required integer `added` in ping.json, pong.json and connection.json's data.
      const types = path.join(edited, 'generated/types.ts');
      let text = readFileSync(types, 'utf8');
      for (const name of ['PingMessage', 'PongMessage', 'ConnectionData']) {
        const head = `export interface ${name} {\n`;
        expect(text).toContain(head);
        text = text.replace(head, `${head}  added: number;\n`);
      }
      writeFileSync(types, text);
      const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'scripts/tsconfig.build.json'], { cwd: edited, encoding: 'utf8', timeout: 240_000 });
      expect(tsc.status, tsc.stderr).toBe(1);
      // One block per error: its first line names the place, the lines under it the missing property.
      const files = new Set(tsc.stdout.split(/\n(?=\S)/).filter((block) => block.includes("'added'")).map((block) => block.slice(0, block.indexOf('('))));
      expect([...files].sort()).toEqual(['src/client/client.ts', 'src/runtime/builders.ts', 'src/server/core.ts']);
    } finally {
      rmSync(edited, { recursive: true, force: true });
    }
  }, 240_000);
});
