import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/** The CLI in CI pipelines (issue 8, items 3–9): pipes, stdin, encodings, duplicate keys, every fault, help. */
const CLI = path.resolve('src/cli/main.ts');
const NODE = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(CLI)}`;
let dir: string;

function cli(args: string[], input?: string | Buffer) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `script` in bash, with `$CLI` the command line of the CLI and `$DIR` the test's folder. */
function bash(script: string) {
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, CLI: NODE, DIR: dir } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

const ping = (timestamp: unknown) => JSON.stringify({ type: 'ping', timestamp });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-pipelines-'));
});

describe('realtime-contract validate in a pipeline', () => {
  it('exits 1, not 0, when the reader closes the pipe early (set -o pipefail; … | head -1)', () => {
    file('many-invalid.ndjson', `${Array.from({ length: 20_000 }, (_, index) => ping(-index - 1)).join('\n')}\n`);
    file('many-valid.ndjson', `${Array.from({ length: 20_000 }, (_, index) => ping(index)).join('\n')}\n`);
    const failing = bash('set -o pipefail; eval "$CLI validate $DIR/many-invalid.ndjson" | head -1');
    expect(failing.stdout).toBe(`${dir}/many-invalid.ndjson:1: ping /timestamp expected a number >= 0, got -1\n`);
    expect(failing.stderr).toBe('');
    expect(failing.code).toBe(1);
    const passing = bash('set -o pipefail; eval "$CLI validate $DIR/many-valid.ndjson" | head -1');
    expect(passing).toMatchObject({ code: 0, stdout: '20000 valid, 0 invalid\n' });
  });

  // /dev/full: every write fails with ENOSPC, as on a full disk (Linux).
  it.skipIf(!existsSync('/dev/full'))('exits 2 with one line, not a stack trace and 1 ("invalid"), when standard output or error cannot be written (a fresh user: a full disk failed a valid file)', () => {
    /** The CLI with `stream` writing to /dev/full; the other is read. */
    const toFull = (args: string[], stream: 'stdout' | 'stderr') => {
      const full = openSync('/dev/full', 'w');
      try {
        const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', stream === 'stdout' ? full : 'pipe', stream === 'stderr' ? full : 'pipe'], encoding: 'utf8' });
        return { code: result.status, stdout: result.stdout, stderr: result.stderr };
      } finally {
        closeSync(full);
      }
    };
    const valid = file('full-valid.ndjson', `${ping(1)}\n`);
    for (const format of ['text', 'json']) {
      expect(toFull(['validate', '--format', format, valid], 'stdout')).toEqual({ code: 2, stdout: null, stderr: 'realtime-contract: cannot write standard output: ENOSPC: no space left on device, write\n' });
    }
    // Valid, with a warning on stderr: the count still goes to stdout, and the run exits 2 (it printed nothing and exited 1).
    const warned = file('full-warned.ndjson', `${ping(1.0).replace('1', '1.0')}\n`);
    expect(cli(['validate', warned])).toMatchObject({ code: 0, stdout: '1 valid, 0 invalid\n', stderr: expect.stringContaining('warning') });
    expect(toFull(['validate', warned], 'stderr')).toEqual({ code: 2, stdout: '1 valid, 0 invalid\n', stderr: null });
  });

  it('reads stdin as the user says (--input ndjson|json), and by itself never lets a guess hide a line', () => {
    const text = `{"type":"ping","timestamp":1\n${ping(1)}\n${ping(-5)}\n`;
    const asFile = cli(['validate', file('three.ndjson', text)]);
    const expected = ':1: - (root) expected valid JSON, got the end of the text';
    expect(asFile.stdout).toContain(expected);
    expect(asFile.stdout).toMatch(/:3: ping \/timestamp expected a number >= 0, got -5\n1 valid, 2 invalid\n$/);
    for (const args of [['validate', '-'], ['validate', '--input', 'ndjson', '-']]) {
      const stdin = cli(args, text);
      expect(stdin.stdout.replaceAll('<stdin>', path.join(dir, 'three.ndjson')), args.join(' ')).toBe(asFile.stdout);
      expect(stdin.code).toBe(1);
    }
    const pretty = JSON.stringify([JSON.parse(ping(1)), JSON.parse(ping(-5))], null, 2);
    expect(cli(['validate', '--input', 'json', '-'], pretty)).toMatchObject({ code: 1, stdout: '<stdin>:8: [1] ping /timestamp expected a number >= 0, got -5\n1 valid, 1 invalid\n' });
    expect(cli(['validate', '-'], pretty)).toMatchObject({ code: 1, stdout: '<stdin>:8: [1] ping /timestamp expected a number >= 0, got -5\n1 valid, 1 invalid\n' });
    expect(cli(['validate', '--input', 'json', '-'], `${ping(1)}\n${ping(2)}\n`).stdout).toMatch(/^<stdin>:2: - \(root\) expected valid JSON/);
    // Pretty-printed documents one after another: one error where the second starts, with the
    // ways out (it was one error per line of both, and no hint; then a hint to --input ndjson,
    // which does not read them either: a fresh user).
    const two = `${JSON.stringify(JSON.parse(ping(1)), null, 2)}\n${JSON.stringify(JSON.parse(ping(2)), null, 2)}\n`;
    expect(cli(['validate', '-'], two)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^<stdin>:5: - \(root\) expected valid JSON, got "\{" at column 1 .*; it holds JSON documents one after another: give each as a file of its own, put them in one array, or write one message per line \(jq -c \.\)\n0 valid, 1 invalid\n$/) });
    // In a .json file too (renamed from .ndjson, as the NDJSON reader advises for a pretty-printed document: a hostile tester).
    expect(cli(['validate', file('two.json', two)]).stdout).toMatch(/two\.json:5: - \(root\) expected valid JSON, got "\{" at column 1 .*; it holds JSON documents one after another: give each as a file of its own, put them in one array, or write one message per line \(jq -c \.\)\n/);
    // Text after one document that begins none (NUL padding, a stray brace) is no second document: told to remove it (tES F4, tEU F1).
    for (const [name, after, said] of [['nulend.json', '\0', 'U\\+0000 \\(an invisible character\\)'], ['brace.json', '}\n', '"\\}"']] as const) {
      for (const args of [['validate'], ['validate', '--input', 'json']]) {
        expect(cli([...args, file(name, `${ping(1)}${after}`)]).stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}:1: - \\(root\\) expected valid JSON, got ${said} at position \\d+ \\(Unexpected non-whitespace character after JSON\\); remove what follows the document: JSON text is one value \\(one message, or an array of them\\)\\n0 valid, 1 invalid\\n$`));
      }
    }
    // NDJSON is still found after 16 broken or blank lines, and in a last line without a line end.
    const late = `${'\n'.repeat(8)}${'{"type":"ping",\n'.repeat(8)}${ping(1)}\n${ping(-5)}`;
    expect(cli(['validate', '-'], late)).toMatchObject({ code: 1, stdout: expect.stringMatching(/:18: ping \/timestamp expected a number >= 0, got -5\n1 valid, 9 invalid\n$/) });
    expect(cli(['validate', '-'], `{"type":"ping",\n${ping(1)}`).stdout).toMatch(/\n1 valid, 1 invalid\n$/);
    // A document that ends too soon is at fault on its last line, not on the one after its final newline (a fresh user).
    // A trailing comma is named as such (a fresh user got the parser's words only), in a line and in a document.
    expect(cli(['validate', '-'], '{"type":"ping","timestamp":1,}\n').stdout).toBe('<stdin>:1: - (root) expected valid JSON, got "}" at position 29 (Expected double-quoted property name); drop the comma before it: JSON allows none before a closing bracket\n0 valid, 1 invalid\n');
    expect(cli(['validate', file('comma.json', '[\n  {"type":"ping","timestamp":1},\n]\n')]).stdout).toMatch(/^\S*comma\.json:3: - \(root\) expected valid JSON, got "\]" at column 1 .*; drop the comma before it: JSON allows none before a closing bracket\n/);
    expect(cli(['validate', file('trunc.json', '{"type":"ping","timestamp":1\n\n')]).stdout).toMatch(/trunc\.json:1: - \(root\) expected valid JSON, got the end of the text/);
    expect(cli(['validate', '--input', 'json', '-'], '{"type":"ping",\n"timestamp":1\n').stdout).toMatch(/^<stdin>:2: - \(root\) expected valid JSON, got the end of the text/);
    // Nothing but whitespace is said so, without the hint.
    expect(cli(['validate', '-'], '  \n').stdout).toBe('<stdin>:1: - (root) expected at least one message, got only whitespace\n0 valid, 1 invalid\n');
    expect(cli(['validate', '--input', 'yaml', '-'], '').code).toBe(2);
    // About ten CLI runs, each with tsx's start: 5-12 s apiece at load 40 (tGZ F3).
  }, 150_000);

  it('refuses text that is not UTF-8, naming the byte offset, in files, NDJSON lines and stdin', () => {
    const cp1252 = Buffer.concat([Buffer.from('{"type":"error","data":{"code":"X","message":"caf'), Buffer.from([0xe9]), Buffer.from('"},"ts":"2026-01-14T16:30:00.000Z"}\n')]);
    const json = file('cp1252.json', cp1252);
    const ndjson = file('cp1252.ndjson', Buffer.concat([Buffer.from(`${ping(1)}\n`), cp1252]));
    const reason = (offset: number) => `expected UTF-8 text, got the byte 0xE9 at byte offset ${offset} of the input, which is not UTF-8; save it as UTF-8`;
    expect(cli(['validate', json, ndjson])).toMatchObject({
      code: 1,
      stdout: `${json}:1: - (root) ${reason(49)}\n${ndjson}:2: - (root) ${reason(49 + ping(1).length + 1)}\n1 valid, 2 invalid\n`,
    });
    expect(cli(['validate', '-'], cp1252)).toMatchObject({ code: 1, stdout: `<stdin>:1: - (root) ${reason(49)}\n0 valid, 1 invalid\n` });
    // Text that is neither one document nor NDJSON, with a bad byte: the byte is the fault named
    // (it was a JSON syntax error at the U+FFFD, without the offset).
    const broken = Buffer.concat([Buffer.from('{"type":"ping",\n"timestamp":1'), Buffer.from([0xff]), Buffer.from('}')]);
    expect(cli(['validate', '-'], broken)).toMatchObject({ code: 1, stdout: `<stdin>:2: - (root) ${reason(29).replace('0xE9', '0xFF')}\n0 valid, 1 invalid\n` });
    // JSON output carries the offset as a field, as parseMessage's error does.
    expect(JSON.parse(cli(['validate', '--format', 'json', ndjson]).stdout).problems[0]).toMatchObject({ line: 2, keyword: 'json', byteOffset: 49 + ping(1).length + 1 });
    // One pretty-printed document on stdin with a bad byte is one error, on the line of the byte.
    const pretty = Buffer.from(JSON.stringify({ type: 'error', data: { code: 'X', message: 'caf_' }, ts: '2026-01-14T16:30:00.000Z' }, null, 2)).map((byte) => (byte === 0x5f ? 0xe9 : byte));
    const badLine = pretty.subarray(0, pretty.indexOf(0xe9)).filter((byte) => byte === 10).length + 1;
    expect(badLine).toBeGreaterThan(1);
    expect(cli(['validate', '-'], Buffer.from(pretty))).toMatchObject({ code: 1, stdout: `<stdin>:${badLine}: - (root) ${reason(pretty.indexOf(0xe9))}\n0 valid, 1 invalid\n` });
    // A genuine U+FFFD and a byte-order mark are UTF-8.
    expect(cli(['validate', file('fffd.json', `\uFEFF{"type":"error","data":{"code":"X","message":"\uFFFD"},"ts":"2026-01-14T16:30:00.000Z"}`)]).code).toBe(0);
  });

  it('names the byte offset of a line that is not UTF-8 across 64 KiB reads: a line that spans two reads, a character cut by one, and a bad byte after the cut', () => {
    const CHUNK = 65536; // what fs.createReadStream and a pipe hand over at a time
    const message = (text: string) => JSON.stringify({ type: 'error', data: { code: 'X', message: text }, ts: '2026-01-14T16:30:00.000Z' });
    /** A line whose `_` is the byte 0xE9 alone (é in Windows-1252), which is not UTF-8. */
    const bad = (text: string) => Buffer.from(Buffer.from(message(`caf${text}_`), 'utf8').map((byte) => (byte === 0x5f ? 0xe9 : byte)));
    const parts: Buffer[] = [];
    let size = 0;
    /** Appends one line; returns its number. */
    const add = (bytes: Buffer) => {
      parts.push(bytes, Buffer.from('\n'));
      size += bytes.length + 1;
      return parts.length / 2;
    };
    /** A valid line, padded so that the next line's byte `at` lands on `target`. */
    const padTo = (target: number, at: number) => {
      const empty = message('').length + 1;
      add(Buffer.from(message('p'.repeat(target - at - size - empty))));
    };
    for (let i = 0; size < CHUNK - 2000; i++) add(Buffer.from(ping(i)));
    // Line A (valid): a 3-byte € whose first byte ends the first read.
    const euros = message('€'.repeat(20));
    padTo(CHUNK - 1, Buffer.from(euros).indexOf(Buffer.from('€')));
    add(Buffer.from(euros));
    // Line B (not UTF-8): begins in the second read, its bad byte is in the third.
    for (let i = 0; size < 2 * CHUNK - 2000; i++) add(Buffer.from(ping(i)));
    const lineB = bad('é');
    padTo(2 * CHUNK + 5, lineB.indexOf(0xe9));
    const badLines = [add(lineB)];
    // Line C (not UTF-8) inside the third read, then a valid line.
    add(Buffer.from(ping(1)));
    const lineC = bad('€');
    const offsets = [2 * CHUNK + 5, size + lineC.indexOf(0xe9)];
    badLines.push(add(lineC));
    const lastLine = add(Buffer.from(ping(2)));
    const bytes = Buffer.concat(parts);
    expect([bytes[offsets[0]!], bytes[offsets[1]!], bytes.subarray(CHUNK - 1, CHUNK + 2).toString('utf8')]).toEqual([0xe9, 0xe9, '€']);
    const target = file('chunks.ndjson', bytes);
    const reason = (offset: number) => `expected UTF-8 text, got the byte 0xE9 at byte offset ${offset} of the input, which is not UTF-8; save it as UTF-8`;
    const expected = `${target}:${badLines[0]}: - (root) ${reason(offsets[0]!)}\n${target}:${badLines[1]}: - (root) ${reason(offsets[1]!)}\n${lastLine - 2} valid, 2 invalid\n`;
    expect(cli(['validate', target])).toMatchObject({ code: 1, stdout: expected, stderr: '' });
    expect(cli(['validate', '--input', 'ndjson', '-'], bytes)).toMatchObject({ code: 1, stdout: expected.replaceAll(target, '<stdin>') });
    expect(cli(['validate', '-'], bytes)).toMatchObject({ code: 1, stdout: expected.replaceAll(target, '<stdin>') });
  });

  it('reports a rejected line of a live stream when it arrives, not when the stream ends', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'validate', '--input', 'ndjson', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    const firstReport = new Promise<void>((resolve) => {
      child.stdout.on('data', (data: Buffer) => {
        stdout += data.toString('utf8');
        if (stdout.includes('\n')) resolve();
      });
    });
    child.stdin.write(`${ping(1)}\n${ping(-1)}\n`);
    await firstReport; // with the stream still open
    expect(stdout).toBe('<stdin>:2: ping /timestamp expected a number >= 0, got -1\n');
    child.stdin.end(`${ping(2)}\n`);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(stdout).toBe('<stdin>:2: ping /timestamp expected a number >= 0, got -1\n2 valid, 1 invalid\n');
    expect(code).toBe(1);
  });

  it('reports a stream that is not UTF-8 from its first byte at once, with the byte and its offset, as a short one (a fresh tester: 256 MiB of 0xFF were read first)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'validate', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Killed after 30 s: a reader that waits for the stream's end never gets it.
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString('utf8')));
    child.stdin.on('error', () => undefined);
    // 1 MiB of 0xFF, and the pipe left open: no line end, no NUL, no end of input.
    child.stdin.write(Buffer.alloc(1024 * 1024, 0xff));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    clearTimeout(kill);
    child.stdin.destroy();
    expect(stdout).toBe('<stdin>:1: - (root) expected UTF-8 text, got the byte 0xFF at byte offset 0 of the input, which is not UTF-8; save it as UTF-8\n0 valid, 1 invalid\n');
    expect(cli(['validate', '-'], Buffer.from([0xff, 0xff, 0xff])).stdout).toBe(stdout);
    expect(code).toBe(1);
  });

  it('reads a FIFO and a process substitution like a file', async () => {
    const fifo = path.join(dir, 'stream.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '%s' '${ping(1)}' > ${JSON.stringify(fifo)}`]);
    const read = cli(['validate', fifo]);
    await new Promise((resolve) => writer.on('exit', resolve));
    expect(read).toMatchObject({ code: 0, stdout: '1 valid, 0 invalid\n', stderr: '' });
    file('producer.ndjson', `${ping(1)}\n{"type":"pong"}\n`);
    const substituted = bash('eval "$CLI validate <(cat $DIR/producer.ndjson)"');
    expect(substituted.stdout).toMatch(/^\/dev\/fd\/\d+:2: pong \/timestamp expected required property "timestamp", got nothing\n1 valid, 1 invalid\n$/);
    expect(substituted.code).toBe(1);
  });

  it('reads a FIFO named twice once, as a file named twice is, instead of waiting for ever for a second writer', async () => {
    const fifo = path.join(dir, 'twice.ndjson');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '%s\\n' '${ping('x')}' > ${JSON.stringify(fifo)}`]);
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', fifo, fifo], { encoding: 'utf8', timeout: 20_000 });
    await new Promise((resolve) => writer.on('exit', resolve));
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe(`${fifo}:1: ping /timestamp expected an integer, got a string "x"\n0 valid, 1 invalid\n`);
    expect(result.status).toBe(1);
  });

  it('reads a FIFO named .json as --input says (auto by default), so NDJSON in it hides no line', async () => {
    const fifo = path.join(dir, 'named.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const text = `${ping(1)}\n{"type":"pong"}\n${ping(2)}\n`;
    for (const input of [[], ['--input', 'ndjson'], ['--input', 'auto']]) {
      const writer = spawn('sh', ['-c', `printf '%s' '${text}' > ${JSON.stringify(fifo)}`]);
      const read = cli(['validate', ...input, fifo]);
      await new Promise((resolve) => writer.on('exit', resolve));
      expect(read.stdout).toBe(`${fifo}:2: pong /timestamp expected required property "timestamp", got nothing\n2 valid, 1 invalid\n`);
    }
  });

  it('says it did not read a FIFO named like a message file inside a folder, and reads the rest', () => {
    const folder = path.join(dir, 'with-fifo');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'a.ndjson'), `${ping(1)}\n`);
    expect(spawnSync('mkfifo', [path.join(folder, 'b.ndjson')]).status).toBe(0);
    expect(spawnSync('mkfifo', [path.join(folder, 'c.txt')]).status).toBe(0);
    const run = cli(['validate', folder]);
    expect(run.stdout).toBe('1 valid, 0 invalid\n');
    expect(run.stderr).toContain(`cannot read "${path.join(folder, 'b.ndjson')}": not a regular file (a FIFO or device)`);
    expect(run.stderr).not.toContain('c.txt');
    expect(run.code).not.toBe(0);
  });

  it('reports a key written twice in strict mode (I-JSON), where JSON.parse would keep the last', () => {
    const twice = '{"type":"ping","timestamp":"x","timestamp":1}';
    const nested = file('nested.json', `[\n${ping(1)},\n{"type":"trades","data":{"id":"a",\n"id":"b"},"ts":"2026-01-14T16:30:00.000Z"}\n]`);
    const message = 'expected each key once in an object (I-JSON, RFC 7493), got "timestamp" more than once; JSON.parse keeps only the last value';
    expect(cli(['validate', '-'], twice)).toMatchObject({ code: 1, stdout: `<stdin>:1: ping /timestamp ${message}\n0 valid, 1 invalid\n` });
    expect(cli(['validate', '--mode', 'tolerant', '-'], twice)).toMatchObject({ code: 0, stdout: '1 valid, 0 invalid\n' });
    expect(cli(['validate', nested]).stdout).toMatch(/^.*nested\.json:4: \[1\] trades \/data\/id expected each key once/);
  });

  it('reports a string with half a surrogate pair alone in strict mode (I-JSON §2.1: UTF-8 cannot carry it), key or value, and shows it escaped', () => {
    const error = (text: string) => JSON.stringify({ type: 'error', data: { code: 'E', message: text }, ts: '2026-01-14T16:30:00.000Z' });
    const lines = [error('pair 😀 fine'), error('half \ud83d'), '{"type":"ping","timestamp":1,"k\\udc00":1}', '{"type":"ping","timestamp":"\\\\ud800"}'].join('\n');
    expect(lines).toContain('"half \\ud83d"');
    const strict = cli(['validate', '-'], lines);
    expect(strict.code).toBe(1);
    const [second, third, fourth, summary] = strict.stdout.split('\n');
    expect(second).toBe('<stdin>:2: error /data/message expected text whose surrogate escapes come in pairs (I-JSON, RFC 7493 §2.1), got "half \\ud83d", which holds half a pair alone: UTF-8 cannot carry it, so Go reads U+FFFD and Python cannot encode it; escape a character beyond U+FFFF as both halves ("\\ud83d\\ude00"), or write it as UTF-8');
    expect(third).toMatch(/^<stdin>:3: ping \/k\\udc00 expected text whose surrogate escapes come in pairs .*, got the key "k\\udc00", which/);
    // An escaped backslash before `u` writes no escape: only the type fault of the timestamp.
    expect(fourth).toMatch(/^<stdin>:4: ping \/timestamp expected an integer, got a string/);
    expect(summary).toBe('1 valid, 3 invalid');
    expect(cli(['validate', '--mode', 'tolerant', '-'], lines).stdout.split('\n').filter((line) => line.includes('surrogate'))).toEqual([]);
    // In a .json array, located on the line of the value; and every one with --all-errors, in the same message.
    const array = file('lone.json', `[\n${error('fine')},\n{"type":"error","data":{"code":"\\ud800",\n"message":"\\udfff"},"ts":"2026-01-14T16:30:00.000Z"}\n]`);
    const all = cli(['validate', '--all-errors', '--format', 'json', array]);
    const problems = (JSON.parse(all.stdout) as { problems: { line: number; index: number; pointer: string; keyword: string }[] }).problems;
    expect(problems.map(({ line, index, pointer, keyword }) => ({ line, index, pointer, keyword }))).toEqual([
      { line: 3, index: 1, pointer: '/data/code', keyword: 'loneSurrogate' },
      { line: 4, index: 1, pointer: '/data/message', keyword: 'loneSurrogate' },
    ]);
  });

  it('shows bidirectional controls escaped, which would reorder the line on screen (found by a hostile tester)', () => {
    const line = '{"type":"ping","timestamp":1,"\\u202e\\u2066x":1}';
    const run = cli(['validate', '-'], line);
    expect(run.stdout).toBe('<stdin>:1: ping /\\u202e\\u2066x expected no property "\\u202e\\u2066x" (unknown to the schema), got 1\n0 valid, 1 invalid\n');
    expect(cli(['validate', '--format', 'json', '-'], line).stdout).toContain('"pointer":"/\\u202e\\u2066x"');
    // Read back by a JSON reader (jq -r, a CI page): the pointer is the key as it is (data), the
    // message shows it escaped, as it shows an escape or a control (a README audit: the message
    // held the raw U+202E beside a `\u001b` written out).
    const [read] = (JSON.parse(cli(['validate', '--format', 'json', '-'], '{"type":"ping","timestamp":1,"x\\u202ey":"a\\u202eb\\u001bc"}').stdout) as { problems: { pointer: string; message: string }[] }).problems;
    expect(read).toMatchObject({ pointer: '/x\u202ey', message: 'expected no property "x\\u202ey" (unknown to the schema), got "a\\u202eb\\u001bc"' });
    // A file name too.
    const named = file('bidi\u202egpj.ndjson', line);
    expect(cli(['validate', named]).stdout).toContain(`${dir}/bidi\\u202egpj.ndjson:1: ping`);
    // Invisible characters too: a look-alike key (or a token with zero-width spaces between its characters) is told apart (a hostile tester).
    const hidden = '{"type":"ping","timestamp":1,"to\\u200bk\\u2060e\\ufeffn\\u00ad":1}';
    expect(cli(['validate', '-'], hidden).stdout).toBe('<stdin>:1: ping /to\\u200bk\\u2060e\\ufeffn\\u00ad expected no property "to\\u200bk\\u2060e\\ufeffn\\u00ad" (unknown to the schema), got 1\n0 valid, 1 invalid\n');
    expect(cli(['validate', '--format', 'json', '-'], hidden).stdout).toContain('"pointer":"/to\\u200bk\\u2060e\\ufeffn\\u00ad"');
    // Tag characters (astral, the usual hidden-text trick) and the other format characters (a reviewer).
    const tagged = '{"type":"ping","timestamp":1,"to\\udb40\\udc20k\\u206ae\\ufff9n\\u034f":1}';
    expect(cli(['validate', '-'], tagged).stdout).toMatch(/^<stdin>:1: ping \/to\\udb40\\udc20k\\u206ae\\ufff9n\\u034f expected/);
    // Every default-ignorable and format character, by Unicode property: a musical format character, a Hangul
    // filler, a variation selector, a Khmer inherent vowel (the hand list missed them: a hostile tester).
    const more = '{"type":"ping","timestamp":1,"ti\ud834\udd73me\u3164s\ufe0ft\u17b4amp":1}';
    expect(cli(['validate', '-'], more).stdout).toMatch(/^<stdin>:1: ping \/ti\\ud834\\udd73me\\u3164s\\ufe0ft\\u17b4amp expected no property "ti\\ud834\\udd73me\\u3164s\\ufe0ft\\u17b4amp"/);
    expect(cli(['validate', '--format', 'json', '-'], more).stdout).toContain('"pointer":"/ti\\ud834\\udd73me\\u3164s\\ufe0ft\\u17b4amp"');
  });

  it('shows a backslash in a file name or a key doubled, so a name holding the six characters \\u202e cannot pass for one holding U+202E (tBM F2)', () => {
    const folder = path.join(dir, 'backslash');
    mkdirSync(folder);
    // a<U+202E>b.ndjson and a\u202eb.ndjson (a backslash, then u202e): they printed alike, `a\u202eb.ndjson`.
    writeFileSync(path.join(folder, 'a\u202eb.ndjson'), `${ping(-1)}\n`);
    writeFileSync(path.join(folder, 'a\\u202eb.ndjson'), `${ping(-1)}\n`);
    const lines = cli(['validate', folder]).stdout.split('\n').filter((line) => line.includes('/timestamp')).map((line) => line.slice(0, line.indexOf(':1:')));
    expect(lines.sort()).toEqual([`${folder}/a\\\\u202eb.ndjson`, `${folder}/a\\u202eb.ndjson`]);
    // A warning names its file so too (tolerant mode, a value outside its closed list).
    const trade = JSON.parse(readFileSync(path.resolve('test/fixtures/valid/spec/trades.json'), 'utf8')) as { data: object };
    const hold = JSON.stringify({ ...trade, data: { ...trade.data, side: 'hold' } });
    const warned = file('c\\u200bd.ndjson', `${hold}\n`);
    expect(cli(['validate', '--mode', 'tolerant', warned]).stderr).toMatch(/^\S*\/c\\\\u200bd\.ndjson:1: warning: \/data\/side "hold" is not a value/m);
    // Keys: k<U+202E>b and k\u202eb, as the message after them already told apart.
    const keys = cli(['validate', '-'], '{"type":"ping","timestamp":1,"k\\u202eb":1}\n{"type":"ping","timestamp":1,"k\\\\u202eb":1}\n').stdout;
    expect(keys).toBe('<stdin>:1: ping /k\\u202eb expected no property "k\\u202eb" (unknown to the schema), got 1\n<stdin>:2: ping /k\\\\u202eb expected no property "k\\\\u202eb" (unknown to the schema), got 1\n0 valid, 2 invalid\n');
    // JSON output keeps them as data, exact.
    const json = JSON.parse(cli(['validate', '--format', 'json', folder]).stdout) as { problems: { file: string }[] };
    expect(json.problems.map((problem) => problem.file).sort()).toEqual([path.join(folder, 'a\\u202eb.ndjson'), path.join(folder, 'a\u202eb.ndjson')]);
  });

  it('quotes a file name escaped in every line that names one, text and JSON: cannot read, no files under, cannot validate (tBU F1)', () => {
    const folder = path.join(dir, 'quoted');
    mkdirSync(folder);
    const bidi = 'a\u202eb';
    const slash = 'a\\u202eb';
    // Two missing files: they read alike, `cannot read "…/a\u202eb.ndjson"`.
    const missing = [bidi, slash].map((name) => cli(['validate', path.join(folder, `${name}.ndjson`)]).stderr.split('\n')[0]);
    expect(missing[0]).toBe(`realtime-contract: cannot read "${folder}/a\\u202eb.ndjson": no such file or folder`);
    expect(missing[1]).toMatch(new RegExp(`^realtime-contract: cannot read "${folder}/a\\\\\\\\u202eb\\.ndjson": no such file or folder`));
    // Two empty folders, and a third whose only file is dot-named (said by name).
    for (const name of [bidi, slash, 'dot']) mkdirSync(path.join(folder, name));
    writeFileSync(path.join(folder, 'dot', `.${slash}.ndjson`), `${ping(1)}\n`);
    expect(cli(['validate', path.join(folder, bidi)]).stderr).toBe(`realtime-contract: no .json, .ndjson or .jsonl files under "${folder}/a\\u202eb"\n`);
    expect(cli(['validate', path.join(folder, slash)]).stderr).toBe(`realtime-contract: no .json, .ndjson or .jsonl files under "${folder}/a\\\\u202eb"\n`);
    expect(cli(['validate', path.join(folder, 'dot')]).stderr).toContain(`1 file whose name starts with "." is skipped (${folder}/dot/.a\\\\u202eb.ndjson): name it`);
    // A quote in a name cannot close its quotes.
    const quoted = path.join(folder, 'q".txt');
    writeFileSync(quoted, `${ping(1)}\n`);
    expect(cli(['validate', quoted]).stderr).toMatch(/^realtime-contract: cannot validate "\S*\/q\\"\.txt": expected a \.json/);
    // JSON output: `file` is the name, exact; `message` quotes it already escaped, with no raw U+202E.
    for (const [name, shown] of [[bidi, 'a\\u202eb'], [slash, 'a\\\\u202eb']]) {
      const { errors } = JSON.parse(cli(['validate', '--format', 'json', path.join(folder, `${name}.ndjson`)]).stdout) as { errors: { file: string; message: string }[] };
      expect(errors[0]!.file).toBe(path.join(folder, `${name}.ndjson`));
      expect(errors[0]!.message).toContain(`cannot read "${folder}/${shown}.ndjson": no such file or folder`);
      expect(errors[0]!.message).not.toContain('\u202e');
    }
  });

  it('reports every fault of a message with --all-errors, counting the message once', () => {
    const message = JSON.stringify({ type: 'alerts', data: { id: 'a', severity: 'bad', title: 5 }, ts: 'noon', extra: 1 });
    const first = cli(['validate', '-'], message);
    expect(first.stdout.trimEnd().split('\n')).toHaveLength(2);
    const all = cli(['validate', '--all-errors', '-'], message);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('0 valid, 1 invalid');
    expect(lines).toEqual(
      expect.arrayContaining([
        '<stdin>:1: alerts /data/severity expected one of "info", "warning", "error", "critical", got "bad"',
        '<stdin>:1: alerts /data/title expected a string, got a number 5',
        expect.stringMatching(/^<stdin>:1: alerts \/ts expected an RFC 3339 date-time/),
        '<stdin>:1: alerts /extra expected no property "extra" (unknown to the schema), got 1',
      ]),
    );
    const tolerant = cli(['validate', '--all-errors', '--mode', 'tolerant', '-'], message).stdout;
    expect(tolerant).not.toContain('/extra');
    expect(tolerant).toContain('/data/title');
    const json = JSON.parse(cli(['validate', '--all-errors', '--format', 'json', '-'], message).stdout) as { invalid: number; problems: { pointer: string }[] };
    expect(json.invalid).toBe(1);
    expect(json.problems.length).toBe(lines.length - 1);
    // A misspelt field: one key missing and one unknown, as many keys as expected. Both are named.
    const misspelt = cli(['validate', '--all-errors', '-'], '{"type":"ping","timestmp":1}').stdout;
    expect(misspelt).toContain('<stdin>:1: ping /timestamp expected required property "timestamp", got nothing');
    expect(misspelt).toContain('<stdin>:1: ping /timestmp expected no property "timestmp" (unknown to the schema), got 1');
    // Every unknown key of an object, up to 100 (only the first was named; found by a hostile tester).
    const many: Record<string, number> = { timestamp: 1 };
    for (let i = 0; i < 300; i++) many[`k${i}`] = i;
    const unknown = cli(['validate', '--all-errors', '-'], JSON.stringify({ type: 'ping', ...many })).stdout.trimEnd().split('\n');
    expect(unknown.slice(0, 3)).toEqual([0, 1, 2].map((i) => `<stdin>:1: ping /k${i} expected no property "k${i}" (unknown to the schema), got ${i}`));
    // 100 named, a line that counts the others (they went unsaid: a hostile tester), the summary.
    expect(unknown).toHaveLength(102);
    expect(unknown[100]).toBe('<stdin>:1: ping (root) expected no property unknown to the schema, got 200 more unknown properties, not listed (--all-errors names 100 per object)');
  });

  it('tolerant mode accepts a value outside a closed list and says so on stderr; strict rejects it', () => {
    const trade = { type: 'trades', data: { id: 't', bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'hold', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z' };
    const text = `${ping(1)}\n${JSON.stringify(trade)}\n`;
    expect(cli(['validate', '--mode', 'tolerant', '-'], text)).toMatchObject({
      code: 0,
      stdout: '2 valid, 0 invalid\n',
      stderr: '<stdin>:2: warning: /data/side "hold" is not a value this contract lists ("buy", "sell"): accepted in tolerant mode\n',
    });
    // A case slip gets strict mode's hint (a fresh user: only strict mode said it).
    expect(cli(['validate', '--mode', 'tolerant', '-'], JSON.stringify({ ...trade, data: { ...trade.data, side: 'BUY' } })).stderr).toBe(
      '<stdin>:1: warning: /data/side "BUY" is not a value this contract lists ("buy", "sell"): accepted in tolerant mode; did you mean "buy"?\n',
    );
    const json = cli(['validate', '--mode', 'tolerant', '--format', 'json', '-'], text);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: 2,
      warnings: [{ file: '<stdin>', line: 2, message: '/data/side "hold" is not a value this contract lists ("buy", "sell"): accepted in tolerant mode' }],
    });
    expect(cli(['validate', '-'], text).code).toBe(1);
  });

  it('says in --help what each command needs', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate\s+only Node/);
    expect(help.stdout).toMatch(/generate\s+a checkout of the realtime-contract repository with its dev dependencies/);
    expect(cli(['validate', '--help']).stdout).toMatch(/--input <format>[\s\S]*--all-errors/);
  });
});
