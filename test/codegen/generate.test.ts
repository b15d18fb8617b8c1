import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseExpressionAt } from 'acorn';
import { simple } from 'acorn-walk';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { checkGenerated, generate, SchemaError } from '../../src/codegen/index.js';
import { loadContract } from '../../src/contract/index.js';
import { jsonText, readJson, replaceSnippet } from '../support/schema-text.js';

const CLI = path.resolve('src/cli/main.ts');

function runGenerate(args: string[]) {
  // Bounded: a generate that waits forever (it once read a FIFO) fails the test instead of hanging the run.
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'generate', ...args], { encoding: 'utf8', timeout: 150_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of schemas/ and generated/ in a temporary folder, to break and regenerate. */
function workspace() {
  const dir = mkdtempSync(path.join(tmpdir(), 'generate-'));
  cpSync('schemas', path.join(dir, 'schemas'), { recursive: true });
  cpSync('generated', path.join(dir, 'generated'), { recursive: true });
  return { dir, schemas: path.join(dir, 'schemas'), out: path.join(dir, 'generated') };
}

function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder, { recursive: true, encoding: 'utf8', withFileTypes: false })
      .filter((file) => !file.endsWith('/') && path.extname(file) !== '')
      .sort()
      .map((file) => [file, readFileSync(path.join(folder, file), 'utf8')]),
  );
}

describe('npm run generate', () => {
  it('produces the committed generated/ exactly, and the same bytes twice', async () => {
    const first = await generate('schemas');
    const second = await generate('schemas');
    expect([...second]).toEqual([...first]);
    expect(await checkGenerated('generated', first)).toEqual({ changed: [], lineEnds: [], missing: [], extra: [] });
    expect([...first.keys()]).toEqual(
      expect.arrayContaining([
        'validators.js', 'validators.d.ts', 'types.ts', 'contract.ts', 'typebox.ts', 'docs/messages.md',
        'schema/messages.schema.json', 'languages/python/realtime_contract.py', 'languages/go/realtimecontract/messages.go',
      ]),
    );
  });

  // Two generate runs in a copied checkout: past the 60 s default once at load 10.
  it('repairs a checkout whose generated/ is broken: a merge conflict left in contract.ts, validators.js deleted (found by a hostile tester)', { timeout: 180_000 }, () => {
    // The CLI's own code lives in the checkout it regenerates: it must load without generated/.
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-checkout-'));
    try {
      for (const entry of ['src', 'schemas', 'generated', 'package.json', 'tsconfig.json']) cpSync(entry, path.join(dir, entry), { recursive: true });
      symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'), 'dir');
      writeFileSync(path.join(dir, 'generated/contract.ts'), `${readFileSync('generated/contract.ts', 'utf8')}<<<<<<< HEAD\n=======\n>>>>>>> branch\n`);
      rmSync(path.join(dir, 'generated/validators.js'));
      const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, 'src/cli/main.ts'), 'generate', ...args], { cwd: dir, encoding: 'utf8', timeout: 150_000 });
      const check = run(['--check']);
      expect(check.status).toBe(1);
      expect(check.stderr).toContain('generated/contract.ts (changed)');
      expect(check.stderr).toContain('generated/validators.js (missing)');
      const repair = run([]);
      expect({ status: repair.status, stderr: repair.stderr }).toEqual({ status: 0, stderr: '' });
      // Its line says what changed; a run with nothing to change writes nothing and says so (`wrote 18 files` read as a change: a fresh user).
      expect(repair.stdout).toMatch(/^wrote \d+ files to generated\/ \(1 changed, 1 new\) in \d+ ms\n$/);
      // README's "Changing the contract" quotes that line as printed, its counts and time aside (it left out " in N ms": tGT F3).
      const quoted = /\(`(wrote \d+ files to\s+generated\/ \([^)]*\)[^`]*)`/.exec(readFileSync('README.md', 'utf8'))?.[1]?.replace(/\s+/g, ' ');
      expect(quoted).toMatch(/^wrote \d+ files to generated\/ \(\d+ changed(, \d+ new)?(, \d+ removed)?\) in \d+ ms$/);
      const shape = (line: string) => line.trim().replace(/\([^)]*\)/, '(…)').replace(/ \d+ ms$/, ' N ms');
      expect(shape(quoted!)).toBe(shape(repair.stdout));
      expect(snapshot(path.join(dir, 'generated'))).toEqual(snapshot('generated'));
      const written = lstatSync(path.join(dir, 'generated/types.ts')).mtimeMs;
      const again = run([]);
      expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: '' });
      expect(again.stdout).toMatch(/^generated\/ was up to date \(\d+ files\): nothing written, in \d+ ms\n$/);
      expect(lstatSync(path.join(dir, 'generated/types.ts')).mtimeMs).toBe(written);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a definition titled otherwise than its key, which diff still reads', async () => {
    // Before, generate failed with "quicktype declared no type for the schema title AlertData".
    const { schemas } = workspace();
    const file = path.join(schemas, 'alerts.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { definitions: Record<string, { title?: string }> };
    schema.definitions.AlertData!.title = 'AlertPayload';
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const error = await generate(schemas).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'alerts.json', pointer: '/definitions/AlertData/title' });
    expect((error as Error).message).toContain('expected "AlertData", the definition\'s key');
    // An older contract written so can still be compared.
    await expect(loadContract(schemas)).resolves.toBeDefined();
  });

  it('writes the same bytes when run from another folder', () => {
    // esbuild names bundled files in comments relative to its working folder: from /tmp,
    // generated/formats.js said `// ../work/main/src/runtime/formats.ts`.
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'generate-cwd-'));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const result = spawnSync(process.execPath, ['--import', tsx, CLI, 'generate', '--check', '--schemas', path.resolve('schemas'), '--out', path.resolve('generated')], { cwd: elsewhere, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('carries an edited field description into every artifact; --check fails before and passes after', () => {
    const { schemas, out } = workspace();
    const file = path.join(schemas, 'trades.json');
    const before = 'Trading fee, in the quote asset.';
    const after = 'Trading fee charged by the exchange, in the quote asset.';
    // Edited parsed, not as text: the file's layout does not matter, and a description that no longer holds `before` fails loudly.
    const trades = readJson(file);
    const fee = trades.definitions.TradeData.properties.fee;
    fee.description = replaceSnippet(fee.description, before, after);
    writeFileSync(file, jsonText(trades));

    const stale = runGenerate(['--check', '--schemas', schemas, '--out', out]);
    expect(stale.code).toBe(1);
    for (const artifact of ['types.ts', 'typebox.ts', 'docs/messages.md', 'languages/python/realtime_contract.py', 'languages/go/realtimecontract/messages.go']) {
      expect(stale.stderr).toContain(`${path.join(out, artifact)}`);
    }

    expect(runGenerate(['--schemas', schemas, '--out', out]).code).toBe(0);
    for (const artifact of ['types.ts', 'typebox.ts', 'docs/messages.md', 'languages/python/realtime_contract.py', 'languages/go/realtimecontract/messages.go']) {
      expect(readFileSync(path.join(out, artifact), 'utf8'), artifact).toContain('Trading fee charged by the exchange');
    }
    expect(runGenerate(['--check', '--schemas', schemas, '--out', out])).toMatchObject({ code: 0 });
  }, 180_000); // three full generations in child processes

  // Each fault is made in trades.json parsed and written back by jsonText (its first lines "{", "$schema", "$id", "title"), whatever the file's own layout.
  it.each([
    ['invalid JSON', (trades: any) => replaceSnippet(jsonText(trades), '"title": "TradesMessage",', '"title": "TradesMessage"'), /trades\.json#: invalid JSON at line 5, column 3: got/],
    // With validate's hint (an editor saved it with one: a hostile tester).
    ['a byte-order mark', (trades: any) => `\ufeff${jsonText(trades)}`, /trades\.json#: invalid JSON at line 1, column 1: got U\+FEFF \(a byte-order mark\) at position 0 .*; drop the byte-order mark: JSON\.parse refuses it/],
    // Saved as Latin-1: read with U+FFFD in its place, into every generated file (a hostile tester).
    ['a file that is not UTF-8', (trades: any) => Buffer.from(replaceSnippet(jsonText(trades), '"title": "TradesMessage",', '"title": "Trad\u00e9sMessage",'), 'latin1'), /trades\.json#: not UTF-8: the byte 0xE9 at byte offset \d+ \(line 4\) is not part of a UTF-8 sequence; save the file as UTF-8/],
    // A tree of itself passed diff in silence, and stopped generate with neither place nor reason (a hostile tester).
    ['a recursive schema', (trades: any) => {
      trades.definitions.Tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/Tree' } } } };
      trades.definitions.TradeData.properties.tree = { $ref: '#/definitions/Tree' };
      return jsonText(trades);
    }, /trades\.json#\/definitions\/Tree\/properties\/children\/items\/\$ref: \$ref "#\/definitions\/Tree" leads back to a schema it stands in \(trades\.json#\/definitions\/Tree → trades\.json#\/definitions\/Tree\): a recursive schema cannot be generated/],
    ['a $ref that resolves nowhere', (trades: any) => {
      trades.definitions.TradeData.properties.side.$ref = replaceSnippet(trades.definitions.TradeData.properties.side.$ref, '#/definitions/Side', '#/definitions/Sid');
      return jsonText(trades);
    }, /trades\.json#\/definitions\/TradeData\/properties\/side\/\$ref: \$ref "definitions\.json#\/definitions\/Sid" resolves to nothing/],
    ['a misspelled keyword', (trades: any) => {
      const data = trades.definitions.TradeData;
      expect(data.required).toBeDefined();
      data.requird = data.required;
      delete data.required;
      return jsonText(trades);
    }, /trades\.json#\/definitions\/TradeData\/requird: unknown keyword "requird"; did you mean "required"\?/],
    ['a keyword of a later draft (2019-09, 2020-12): deprecated, said with the draft-07 way', (trades: any) => {
      trades.definitions.TradeData.properties.fee.deprecated = true;
      return jsonText(trades);
    }, /trades\.json#\/definitions\/TradeData\/properties\/fee\/deprecated: unknown keyword "deprecated"; the schemas are draft-07, which has no such keyword: begin the description with "@deprecated" and why/],
    ['a keyword of a later draft: minContains', (trades: any) => {
      trades.definitions.TradeData.minContains = 1;
      return jsonText(trades);
    }, /trades\.json#\/definitions\/TradeData\/minContains: unknown keyword "minContains"; the schemas are draft-07, whose "contains" asks for one matching item at least, and no count/],
    ['a keyword of a later draft: $defs', (trades: any) => {
      trades.$defs = trades.definitions;
      delete trades.definitions;
      return jsonText(trades);
    }, /trades\.json#\/\$defs: unknown keyword "\$defs"; the schemas are draft-07, which names it "definitions"/],
    ['a wrong type name', (trades: any) => {
      const pnl = trades.definitions.TradeData.properties.pnl;
      expect(pnl.type).toEqual(['number', 'null']);
      pnl.type = ['numbr', 'null'];
      return jsonText(trades);
    }, /trades\.json#\/definitions\/TradeData\/properties\/pnl\/type: not a valid draft-07 schema/],
  ])('stops on %s with the file and JSON Pointer, and leaves generated/ untouched', (_fault, breakSchema, message) => {
    const { schemas, out } = workspace();
    const file = path.join(schemas, 'trades.json');
    writeFileSync(file, breakSchema(readJson(file)));
    const before = snapshot(out);
    const result = runGenerate(['--schemas', schemas, '--out', out]);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(snapshot(out)).toEqual(before);
  });

  it('names a schema file with its control characters escaped: a name on disk does not drive the terminal (a hostile tester)', () => {
    const { schemas, out } = workspace();
    writeFileSync(path.join(schemas, 'z\u001b[31mz\n.json'), '{');
    const result = runGenerate(['--schemas', schemas, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('z\\u001b[31mz\\u000a.json#: invalid JSON');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says a copy of a message schema left with the type it copied: that type has its file already (a hostile tester)', () => {
    const { schemas, out } = workspace();
    // Its $id made its own, as the loader asks first.
    writeFileSync(path.join(schemas, 'orders.json'), readFileSync(path.join(schemas, 'trades.json'), 'utf8').replace('/schemas/trades.json"', '/schemas/orders.json"'));
    const result = runGenerate(['--schemas', schemas, '--out', out]);
    expect(result.stderr).toContain('orders.json#/properties/type/const: expected the file to be named trades.json; trades.json defines the type "trades" already: give this message a type of its own, "orders"');
    expect(result.code).toBe(2);
  });

  it('refuses an --out folder holding what it does not write, and changes nothing (found by a fresh user)', () => {
    // Before, `--out` named a folder it replaced whole: `.git`, `package.json`, sources went.
    const { schemas, out } = workspace();
    const other = path.join(path.dirname(out), 'project');
    mkdirSync(path.join(other, '.git'), { recursive: true });
    writeFileSync(path.join(other, '.git', 'config'), '[core]\n');
    writeFileSync(path.join(other, 'package.json'), '{}\n');
    const result = runGenerate(['--schemas', schemas, '--out', other]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`realtime-contract: --out ${other} holds .git, package.json, which generate does not write; generate replaces the whole folder: name a new folder, or one it wrote, or remove them (nothing was changed)\n`);
    expect(readFileSync(path.join(other, '.git', 'config'), 'utf8')).toBe('[core]\n');
    expect(readdirSync(other).sort()).toEqual(['.git', 'package.json']);
    // A stray file beside the generated ones is named, not deleted.
    writeFileSync(path.join(out, 'notes.md'), 'mine\n');
    expect(runGenerate(['--schemas', schemas, '--out', out]).stderr).toContain('holds notes.md');
    expect(readFileSync(path.join(out, 'notes.md'), 'utf8')).toBe('mine\n');
    rmSync(path.join(out, 'notes.md'));
    // Named with its control characters escaped: a name on disk does not drive the terminal.
    writeFileSync(path.join(out, 'notes\u001b[2J\u202e.md'), 'mine\n');
    expect(runGenerate(['--schemas', schemas, '--out', out]).stderr).toContain('holds notes\\u001b[2J\\u202e.md, which');
    rmSync(path.join(out, 'notes\u001b[2J\u202e.md'));
    // And one inside a folder generate writes (refused once the generators have run: it went, found by a hostile tester).
    writeFileSync(path.join(out, 'docs', 'notes.md'), 'mine too\n');
    const nested = runGenerate(['--schemas', schemas, '--out', out]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain(`--out ${out} holds docs/notes.md, which generate does not write; generate replaces the whole folder`);
    expect(readFileSync(path.join(out, 'docs', 'notes.md'), 'utf8')).toBe('mine too\n');
    rmSync(path.join(out, 'docs', 'notes.md'));
    // A generated file this run does not write (formats.js from a contract with a `format`) is generate's own.
    writeFileSync(path.join(out, 'old.ts'), '// Generated by `npm run generate` from schemas/*.json. Do not edit.\n');
    // So is a Go file, whose mark is Go's (`Code generated … DO NOT EDIT.`).
    writeFileSync(path.join(out, 'languages', 'go', 'realtimecontract', 'old.go'), '// Code generated by `npm run generate` from schemas/*.json with quicktype. DO NOT EDIT.\n');
    expect(runGenerate(['--schemas', schemas, '--out', out]).code).toBe(0);
    expect(readdirSync(out)).not.toContain('old.ts');
    expect(readdirSync(path.join(out, 'languages', 'go', 'realtimecontract'))).toEqual(['messages.go']);
    // A new folder, and its own output, are written.
    expect(runGenerate(['--schemas', schemas, '--out', path.join(other, 'generated')]).code).toBe(0);
    // Two full generate runs: a loaded machine took more than the default 60 s (a fresh user's run).
  }, 180_000);

  it('names a stray file in the default folder to remove, in --check and in generate, and no --out the user never gave (a hostile tester: each sent to the other)', () => {
    const { dir } = workspace();
    writeFileSync(path.join(dir, 'generated', '.DS_Store'), '');
    // Run where the user runs it (its defaults are relative), tsx found in this checkout.
    const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;
    const inDir = (args: string[]) => spawnSync(process.execPath, ['--import', tsx, CLI, 'generate', ...args], { cwd: dir, encoding: 'utf8', timeout: 150_000 });
    const check = inDir(['--check']);
    expect(check.status).toBe(1);
    expect(check.stderr).toBe([
      // Named once, and no generate run asked for: removing it is all it takes.
      'realtime-contract: generated/ is stale; it holds what generate did not write and will not delete: remove it:',
      '  generated/.DS_Store',
      '',
    ].join('\n'));
    const write = inDir([]);
    expect(write.status).toBe(2);
    expect(write.stderr).toBe('realtime-contract: generated holds .DS_Store, which generate does not write and will not delete (it replaces the whole folder): remove generated/.DS_Store, then run it again (nothing was changed)\n');
    rmSync(path.join(dir, 'generated', '.DS_Store'));
    expect(inDir([]).status).toBe(0);
  }, 180_000);

  it('refuses links and FIFOs among what it would replace, without reading a FIFO, and --check names them (found by a reviewer)', () => {
    const { dir, schemas, out } = workspace();
    writeFileSync(path.join(dir, 'mine.md'), 'mine\n');
    symlinkSync(path.join(dir, 'mine.md'), path.join(out, 'docs', 'link.md'));
    const fifo = spawnSync('mkfifo', [path.join(out, 'pipe')]);
    expect(fifo.status).toBe(0);
    // A name with a terminal escape in it is printed escaped.
    writeFileSync(path.join(out, 'docs', 'x\u001b[2J.md'), 'mine\n');
    const check = runGenerate(['--check', '--schemas', schemas, '--out', out]);
    expect(check.code).toBe(1);
    // Named once, escaped, in the list to remove (generate did not write it).
    expect(check.stderr.split('\n').filter((line) => line === `  ${path.join(out, 'docs', 'x\\u001b[2J.md')}`)).toHaveLength(1);
    expect(check.stderr).not.toContain('\u001b');
    expect(check.stderr).toContain(path.join(out, 'docs', 'link.md'));
    expect(check.stderr).toContain(path.join(out, 'pipe'));
    // The FIFO at the top is refused before the generators run; the link once they have.
    expect(runGenerate(['--schemas', schemas, '--out', out])).toMatchObject({ code: 2, stderr: expect.stringContaining(`--out ${out} holds pipe, which generate does not write`) });
    rmSync(path.join(out, 'pipe'));
    rmSync(path.join(out, 'docs', 'x\u001b[2J.md'));
    expect(runGenerate(['--schemas', schemas, '--out', out])).toMatchObject({ code: 2, stderr: expect.stringContaining(`--out ${out} holds docs/link.md, which generate does not write`) });
    expect(lstatSync(path.join(out, 'docs', 'link.md')).isSymbolicLink()).toBe(true);
  }, 180_000);

  it('refuses what it did not write at the paths it writes, or an empty folder, changing nothing; --check names them (found by a hostile tester)', () => {
    const { dir, schemas, out } = workspace();
    writeFileSync(path.join(out, 'types.ts'), '// my own types\n');
    rmSync(path.join(out, 'languages'), { recursive: true });
    writeFileSync(path.join(out, 'languages'), 'my notes\n');
    writeFileSync(path.join(dir, 'mine.md'), 'mine\n');
    rmSync(path.join(out, 'docs', 'messages.md'));
    symlinkSync(path.join(dir, 'mine.md'), path.join(out, 'docs', 'messages.md'));
    mkdirSync(path.join(out, 'docs', 'mine', 'deeper'), { recursive: true });
    rmSync(path.join(out, 'cli'), { recursive: true });
    expect(spawnSync('mkfifo', [path.join(out, 'cli')]).status).toBe(0);
    const refused = runGenerate(['--schemas', schemas, '--out', out]);
    expect(refused.stderr).toBe(`realtime-contract: --out ${out} holds cli, docs/messages.md, docs/mine, docs/mine/deeper, languages and 1 more, which generate does not write; generate replaces the whole folder: name a new folder, or one it wrote, or remove them (nothing was changed)\n`);
    expect(refused.code).toBe(2);
    expect(readFileSync(path.join(out, 'types.ts'), 'utf8')).toBe('// my own types\n');
    expect(readFileSync(path.join(out, 'languages'), 'utf8')).toBe('my notes\n');
    expect(lstatSync(path.join(out, 'docs', 'messages.md')).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(out, 'cli')).isFIFO()).toBe(true);
    const check = runGenerate(['--check', '--schemas', schemas, '--out', out]);
    expect(check.code).toBe(1);
    // Each named once, in the list to remove (the files it writes in their place are missing).
    expect(check.stderr.split('\n')[0]).toBe(`realtime-contract: ${out}/ is stale; remove what generate did not write (below), then run \`npm run generate -- --schemas ${schemas} --out ${out}\`:`);
    expect(check.stderr).toContain('realtime-contract: generate did not write and will not delete these; remove them first:\n');
    for (const named of ['types.ts', 'docs/messages.md', 'docs/mine', 'languages', 'cli']) {
      expect(check.stderr.split('\n').filter((line) => line === `  ${path.join(out, named)}`)).toHaveLength(1);
    }
    expect(check.stderr).not.toContain('(not generated)');
    expect(check.stderr).not.toContain('(changed)');
  }, 180_000);

  it('takes --out with a trailing slash or a last "." as the folder, and refuses an empty one (rename failed after the whole run)', () => {
    const { out } = workspace();
    expect(runGenerate(['--out', `${out}/`])).toMatchObject({ code: 0, stderr: '' });
    expect(runGenerate(['--out', `${out}/.`])).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(path.dirname(out)).sort()).toEqual(['generated', 'schemas']);
    expect(runGenerate(['--out', ''])).toMatchObject({ code: 2, stderr: 'realtime-contract: --out is empty: name the folder to write (generated by default)\n' });
    // As --out is (`--schemas "$DIR"` with DIR unset was said missing as the current folder: a tester).
    expect(runGenerate(['--schemas', ''])).toMatchObject({ code: 2, stderr: 'realtime-contract: --schemas is empty: name the folder of the JSON Schemas (schemas by default)\n' });
  }, 180_000);

  it('says a missing --schemas folder is missing', () => {
    const result = runGenerate(['--schemas', '/nonexistent-schemas', '--out', '/tmp/never-written']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('realtime-contract: --schemas /nonexistent-schemas: no such folder (the folder of the JSON Schemas, one file per message type)\n');
  });

  it('says a --schemas folder of dot-named files alone skips them, as validate says of message files (it said definitions.json is missing, beside .definitions.json)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-dots-'));
    const schemas = path.join(dir, 'schemas');
    mkdirSync(schemas);
    cpSync('schemas/definitions.json', path.join(schemas, '.definitions.json'));
    cpSync('schemas/trades.json', path.join(schemas, '.trades.json'));
    const out = path.join(dir, 'generated');
    for (const args of [[], ['--check']]) {
      expect(runGenerate([...args, '--schemas', schemas, '--out', out])).toMatchObject({
        code: 2,
        stderr: `realtime-contract: --schemas ${schemas}: no schema files (*.json) to read: 2 files whose names start with "." are skipped (.definitions.json, …): rename them to read them\n`,
      });
    }
    rmSync(path.join(schemas, '.trades.json'));
    expect(runGenerate(['--schemas', schemas, '--out', out])).toMatchObject({
      code: 2,
      stderr: `realtime-contract: --schemas ${schemas}: no schema files (*.json) to read: 1 file whose name starts with "." is skipped (.definitions.json): rename it to read it\n`,
    });
    expect(readdirSync(dir)).toEqual(['schemas']);
  });

  it('says an --out that is a file, a symbolic link, or under a file, is not a folder, with --check too (it said ENOTDIR … scandir)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-out-'));
    const file = path.join(dir, 'generated');
    writeFileSync(file, 'mine\n');
    for (const args of [[], ['--check']]) {
      const result = runGenerate([...args, '--out', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`realtime-contract: --out ${file}: is a file, not a folder (generate writes a folder of files: name a new folder, or one it wrote)\n`);
    }
    const result = runGenerate(['--out', path.join(file, 'inner')]);
    expect(result.stderr).toBe(`realtime-contract: --out ${path.join(file, 'inner')}: has a file where its path needs a folder (generate writes a folder of files: name a new folder, or one it wrote)\n`);
    // A dangling link ran the generators, then said ENOTDIR … rename.
    const link = path.join(dir, 'link');
    symlinkSync(path.join(dir, 'nowhere'), link);
    expect(runGenerate(['--out', link]).stderr).toBe(`realtime-contract: --out ${link}: is a symbolic link, not a folder (generate writes a folder of files: name a new folder, or one it wrote)\n`);
    // A link to a folder, named with a slash: lstat followed it, and generate replaced the link (found by a reviewer).
    const real = path.join(dir, 'real');
    mkdirSync(real);
    const folderLink = path.join(dir, 'folder-link');
    symlinkSync(real, folderLink);
    expect(runGenerate(['--out', `${folderLink}/`]).stderr).toBe(`realtime-contract: --out ${folderLink}/: is a symbolic link, not a folder (generate writes a folder of files: name a new folder, or one it wrote)\n`);
    expect(lstatSync(folderLink).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    rmSync(dir, { recursive: true });
  });

  it('names files that the schemas no longer produce', () => {
    const { schemas, out } = workspace();
    writeFileSync(path.join(out, 'leftover.ts'), 'export {};\n');
    const result = runGenerate(['--check', '--schemas', schemas, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path.join(out, 'leftover.ts')}`);
  });

  it('names a deleted file missing, and not the folder it leaves empty, which generate writes (found by a hostile tester)', async () => {
    const { dir, out } = workspace();
    try {
      rmSync(path.join(out, 'docs/messages.md'));
      expect(await checkGenerated(out, await generate('schemas'))).toEqual({ changed: [], lineEnds: [], missing: ['docs/messages.md'], extra: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A copy of schemas/ with `edit` applied to the parsed files it names. */
function schemasWith(edit: (files: Record<string, any>) => void, files: string[]): string {
  const { dir, schemas } = workspace();
  rmSync(path.join(dir, 'generated'), { recursive: true });
  const parsed = Object.fromEntries(files.map((file) => [file, readJson(path.join(schemas, file))]));
  edit(parsed);
  for (const [file, schema] of Object.entries(parsed)) writeFileSync(path.join(schemas, file), jsonText(schema));
  return schemas;
}

/** The syntax errors esbuild (what tsx and the bundles read it with) finds in each generated .ts and .js file: an empty list each when there are none. */
async function syntaxErrors(files: Map<string, string>): Promise<Record<string, string[]>> {
  const checked = [...files].filter(([file]) => /\.(ts|js)$/.test(file));
  return Object.fromEntries(
    await Promise.all(
      checked.map(async ([file, text]) => {
        try {
          await transform(text, { loader: file.endsWith('.js') ? 'js' : 'ts', sourcefile: file });
          return [file, []];
        } catch (error) {
          return [file, (error as { errors: { text: string }[] }).errors.map((e) => e.text)];
        }
      }),
    ),
  );
}

/**
 * The string literal types of the property `key` in `text`, as JavaScript reads them: a union of
 * literals and `(string & {})` is also a JavaScript expression (of `|` and `&`), which acorn parses.
 */
function literalsOf(text: string, key: string): string[] {
  const type = new RegExp(`^\\s*${key}\\?: ([\\s\\S]*?);\\n`, 'm').exec(text)![1]!;
  const found: string[] = [];
  simple(parseExpressionAt(type, 0, { ecmaVersion: 2022 }), { Literal: (node) => void (typeof node.value === 'string' && found.push(node.value)) });
  return found;
}

describe('schema text in the generated TypeScript (found by a hostile tester)', () => {
  it('writes x-known-values as string literals that hold them as written: an apostrophe, a line break, a backslash, a double quote', async () => {
    const values = ['known', "it's", 'line\nbreak', 'back\\slash', 'say "hi"', 'star*/slash'];
    const schemas = schemasWith((f) => {
      f['trades.json'].definitions.TradeData.properties.note = { type: 'string', 'x-known-values': values, description: 'A note.' };
    }, ['trades.json']);
    // It stopped at "it's" with prettier's code frame, naming no schema file, and read 'back\slash' as "backslash".
    const files = await generate(schemas);
    expect(literalsOf(files.get('types.ts')!, 'note')).toEqual(values);
    expect(literalsOf(files.get('received-types.ts')!, 'note')).toEqual(values);
    const errors = await syntaxErrors(files);
    expect(errors).toEqual(Object.fromEntries(Object.keys(errors).map((file) => [file, []])));
  }, 120_000);

  it('keeps "*/" in schema text from ending a doc comment: the polling path, descriptions, a spec section', async () => {
    const schemas = schemasWith((f) => {
      const protocol = f['protocol.json'];
      protocol['x-polling'].path = '/api/ws/poll*/x';
      protocol['x-close-codes'][0].description += ' */ x';
      protocol['x-error-codes'][0].description += ' */ x';
      f['trades.json']['x-spec-section'] += ' */ x';
      f['trades.json'].definitions.TradeData.properties.fee.description = 'Fee */ charged.';
    }, ['protocol.json', 'trades.json']);
    // A section is a heading of the spec beside the schemas: this one too.
    appendFileSync(path.join(schemas, 'websocket-message-schemas.md'), '\n### 3. Trades */ x\n');
    const files = await generate(schemas);
    // POLL_PATH's comment ended at "*/" and tsc read the rest as code ("':' expected").
    const errors = await syntaxErrors(files);
    expect(errors).toEqual(Object.fromEntries(Object.keys(errors).map((file) => [file, []])));
    expect(files.get('contract.ts')).toContain('export const POLL_PATH = "/api/ws/poll*/x";');
  }, 120_000);
});

describe('generate: an --out it cannot write is named as given, with what happened (raw Node errors named <out>.staging-<pid>: a tester)', () => {
  it('under /proc: exit 2 at once with a line naming --out (it looped for ever), and a link on the way that leads nowhere, escaped', () => {
    const proc = `/proc/rc-generate-${process.pid}`;
    expect(runGenerate(['--out', proc])).toMatchObject({
      code: 2,
      stderr: `realtime-contract: cannot write --out ${proc}: the file system of /proc/ refused to make a folder there (as procfs does): name a folder on a disk (nothing was changed)\n`,
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-out-'));
    const link = path.join(dir, 'disk\u001b[31mRED');
    symlinkSync('/nowhere/unmounted', link);
    const result = runGenerate(['--out', path.join(link, 'gen')]);
    expect(result).toMatchObject({
      code: 2,
      stderr: `realtime-contract: cannot write --out ${dir}/disk\\u001b[31mRED/gen: ${dir}/disk\\u001b[31mRED is a symbolic link to "/nowhere/unmounted", which leads nowhere (nothing was changed)\n`,
    });
    expect(readdirSync(dir)).toEqual(['disk\u001b[31mRED']);
    rmSync(dir, { recursive: true });
  }, 180_000);

  it('removes the folders above --out it made when the write fails, as "nothing was changed" says, and keeps them when it succeeds (they were left: a tester)', async () => {
    const { writeGenerated } = await import('../../src/codegen/write.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-parents-'));
    const files = new Map([['types.ts', 'export {};\n'], ['docs/messages.md', '# Messages\n']]);
    for (const long of ['b'.repeat(250), 'q'.repeat(300)]) {
      const error = await writeGenerated(path.join(dir, 'r1', 'r2', long), files).then(() => undefined, (caught: NodeJS.ErrnoException) => caught);
      expect(error?.code).toBe('ENAMETOOLONG');
      expect(readdirSync(dir)).toEqual([]);
    }
    // A folder that was there before stays, with what it held.
    mkdirSync(path.join(dir, 'kept'));
    await expect(writeGenerated(path.join(dir, 'kept', 'new', 'b'.repeat(250)), files)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    expect(readdirSync(dir)).toEqual(['kept']);
    expect(readdirSync(path.join(dir, 'kept'))).toEqual([]);
    await writeGenerated(path.join(dir, 'r1', 'r2', 'out'), files);
    expect(readFileSync(path.join(dir, 'r1', 'r2', 'out', 'docs', 'messages.md'), 'utf8')).toBe('# Messages\n');
    expect(readdirSync(path.join(dir, 'r1', 'r2'))).toEqual(['out']);
    rmSync(dir, { recursive: true });
  });

  it('says what a failed system call meant, for a relative --out too, never naming the staging folder', async () => {
    const { writeFailure } = await import('../../src/cli/generate-command.js');
    const failed = async (run: () => Promise<unknown>) => run().then(() => expect.unreachable(), (error: NodeJS.ErrnoException) => error);
    const { mkdir } = await import('node:fs/promises');
    const perm = await failed(() => mkdir(`/sys/rc-${process.pid}.staging-1`));
    expect(writeFailure(perm, { out: '/sys/rc' })).toBe('realtime-contract: cannot write --out /sys/rc: permission denied (generate writes a new folder beside it, in /sys/, and renames it into place) (nothing was changed)\n');
    const long = await failed(() => mkdir(path.join(tmpdir(), `${'g'.repeat(256)}`)));
    expect(writeFailure(long, { out: 'g'.repeat(245) })).toBe(`realtime-contract: cannot write --out ${'g'.repeat(245)}: its name is too long for generate to write beside it (${'g'.repeat(245)}.staging-${process.pid}): name a shorter folder (nothing was changed)\n`);
    expect(writeFailure(perm, { out: 'generated', outNamed: false })).toContain('cannot write generated: permission denied (generate writes a new folder beside it, in ./,');
  });
});

describe('generate: an --out inside --schemas', () => {
  it('is refused before anything is written, with --check too (the next run read the output as schemas: a tester)', () => {
    const { dir, schemas } = workspace();
    const before = readdirSync(schemas).sort();
    for (const args of [[], ['--check']]) {
      expect(runGenerate([...args, '--schemas', schemas, '--out', path.join(schemas, 'generated')])).toMatchObject({
        code: 2,
        stderr: `realtime-contract: --out ${schemas}/generated is inside --schemas ${schemas}: generate would read its own output as schemas; name a folder outside it (nothing was changed)\n`,
      });
    }
    // Through a link to the schemas folder, and the folder itself.
    symlinkSync(schemas, path.join(dir, 'link'));
    expect(runGenerate(['--schemas', schemas, '--out', path.join(dir, 'link', 'gen')]).stderr).toContain(`is inside --schemas ${schemas}:`);
    expect(runGenerate(['--schemas', schemas, '--out', schemas]).stderr).toBe(`realtime-contract: --out ${schemas} is --schemas ${schemas}: generate would read its own output as schemas; name a folder outside it (nothing was changed)\n`);
    expect(readdirSync(schemas).sort()).toEqual(before);
    rmSync(dir, { recursive: true });
  });
});
