/**
 * The CLI's limit on nesting (`MAX_NESTING_DEPTH`, 1,000 levels): text nested deeper is
 * refused from one pass over it, before any parse, where the limit is passed, and the other
 * lines, messages and frames are read as usual. A hostile tester's 90 MB line nested 45,000,000
 * deep ran `validate` out of memory after 173 s, and a `listen` frame the same after 107 s;
 * a frame that took long to check made the pings read after it look late.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_NESTING_DEPTH } from '../../src/cli/sources/index.js';
import { rootValueEnd, scanJsonText } from '../../src/languages/json-scan.js';
import { FIXTURES } from '../support/fixtures.js';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

const CLI = path.resolve('src/cli/main.ts');
const trade = JSON.parse(readFileSync(path.join(FIXTURES, 'valid/spec/trades.json'), 'utf8')) as Record<string, unknown> & { data: Record<string, unknown> };
const tradeLine = JSON.stringify(trade);
/** A trade without its `ts`: invalid in both modes. */
const badTrade = JSON.stringify({ ...trade, ts: undefined });
const BAD = 'trades /ts expected required property "ts", got nothing';
const LIMIT = `expected at most ${MAX_NESTING_DEPTH} levels of nesting (the most the CLI reads; the contract sets no limit), got "[" opening level ${MAX_NESTING_DEPTH + 1}`;

/**
 * A strict-valid ai_tasks message whose free-form `result` holds arrays nested `arrays` deep: the
 * message nests `arrays + 3` levels (its root, `data`, `result`); `where` is the offset in it
 * of the bracket that opens level 1,001, when it has one.
 */
function aiTask(arrays: number): { text: string; where: number } {
  const head = '{"type":"ai_tasks","data":{"task_id":"task_xyz","task_type":"bodyguard_check","status":"completed","progress":1,"result":{"deep":';
  const tail = '},"started_at":"2026-01-14T16:28:00.000Z","completed_at":"2026-01-14T16:30:00.000Z"},"ts":"2026-01-14T16:30:00.000Z"}';
  return { text: `${head}${'['.repeat(arrays)}${']'.repeat(arrays)}${tail}`, where: head.length + MAX_NESTING_DEPTH - 3 };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-nesting-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

/** The real CLI in a child process, killed after 60 s, with a heap of `heapMb` when given. */
function cli(args: string[], options: { input?: string; heapMb?: number } = {}) {
  const node = ['--import', 'tsx', ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : []), CLI, ...args];
  const started = Date.now();
  const result = spawnSync(process.execPath, node, { input: options.input, encoding: 'utf8', cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** Levels of nesting of a parsed value (a scalar 0, `[]` 1). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('scanJsonText with a maxDepth: the one pass that finds the place', () => {
  it('stops at the bracket that opens level maxDepth + 1, brackets in strings and escaped quotes being no levels', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, maxDepth) => {
        const text = JSON.stringify(value, null, maxDepth % 2 === 0 ? undefined : 1);
        const { deepAt } = scanJsonText(text, undefined, maxDepth);
        if (depthOf(value) <= maxDepth) expect(deepAt).toBeUndefined();
        else {
          expect('[{').toContain(text[deepAt!]);
          // The text up to that bracket is a prefix of one nested exactly one level more: cut there and closed, it parses no deeper.
          expect(scanJsonText(text.slice(0, deepAt), undefined, maxDepth).deepAt).toBeUndefined();
        }
        // Without a limit, any depth, and the same keys and numbers as without depth at all.
        expect(scanJsonText(text)).toEqual(scanJsonText(text, undefined, Number.MAX_SAFE_INTEGER));
        expect(scanJsonText(text).deepAt).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    // An escaped backslash leaves the quote after it closing its string; an escaped quote closes none.
    expect(scanJsonText(String.raw`["[[[", "\\", [[1]]]`, undefined, 2).deepAt).toBe(String.raw`["[[[", "\\", [`.length);
    expect(scanJsonText(String.raw`{"a\"[[": [[1]]}`, undefined, 2)).toEqual({ keys: 1, nonPortable: false, deepAt: 11 });
  });

  it('rootValueEnd: where the first bracket closes, at any depth, without parsing', () => {
    const deep = `${'['.repeat(1_000_000)}"]}"${']'.repeat(1_000_000)}`;
    expect(rootValueEnd(` \n${deep} \n`)).toBe(deep.length + 2);
    expect(rootValueEnd('{"a":"}"} {"b":1}')).toBe(9);
    expect(rootValueEnd('[[]')).toBe(-1);
    expect(rootValueEnd('"[]"')).toBe(-1);
  });
});

describe('validate: a message nested deeper than MAX_NESTING_DEPTH', () => {
  it('is 1,000 levels: far above any message of the protocol, which nest fewer than 10', () => {
    expect(MAX_NESTING_DEPTH).toBe(1000);
  });

  it('in NDJSON: the line is an error at the bracket that passes the limit, the lines around it are validated (serial and worker threads alike)', () => {
    const atLimit = aiTask(MAX_NESTING_DEPTH - 3);
    const past = aiTask(MAX_NESTING_DEPTH - 2);
    // 10 MB on one line, nested 5,000,000 deep: 870 MB and 4 s before the limit; now refused after its first kilobyte.
    const huge = aiTask(5_000_000);
    const lines = [tradeLine, past.text, atLimit.text, huge.text, badTrade, tradeLine];
    const target = file('deep.ndjson', `${lines.join('\n')}\n`);
    const expected =
      `${target}:2: - (root) ${LIMIT} at position ${past.where}\n` +
      `${target}:4: - (root) ${LIMIT} at position ${huge.where}\n` +
      `${target}:5: ${BAD}\n` +
      '3 valid, 3 invalid\n';
    // A file of 8 MiB or more goes to the worker threads with --jobs 2.
    for (const jobs of ['1', '2']) {
      const { code, stdout, stderr, ms } = cli(['validate', '--jobs', jobs, target], { heapMb: 128 });
      expect(stderr).toBe('');
      expect(stdout).toBe(expected);
      expect(code).toBe(1);
      expect(ms).toBeLessThan(30_000);
    }
    // Tolerant mode reads the same lines the same way.
    expect(cli(['validate', '--mode', 'tolerant', '--jobs', '1', target]).stdout).toBe(expected);
  });

  it('in NDJSON: text that is no JSON past the limit (`[` 10,000,000 times, then `}`) is said nested too deep, quickly', () => {
    const target = file('brackets.ndjson', `${tradeLine}\n${'['.repeat(10_000_000)}}\n${tradeLine}\n`);
    const { code, stdout, ms } = cli(['validate', '--jobs', '1', target], { heapMb: 128 });
    expect(stdout).toBe(`${target}:2: - (root) ${LIMIT} at position ${MAX_NESTING_DEPTH}\n2 valid, 1 invalid\n`);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(30_000);
  });

  it('in a .json document: the error names the line and the column, JSON output the position, and the next file is validated', () => {
    const deep = aiTask(100_000);
    // Pretty-printed: the deep field on line 3.
    const text = deep.text.replace('"data":', '\n"data":\n');
    const document = file('deep.json', text);
    const next = file('next.json', tradeLine);
    const position = text.indexOf('[') + MAX_NESTING_DEPTH - 3;
    const column = position - text.lastIndexOf('\n', position);
    const { code, stdout } = cli(['validate', document, next]);
    expect(stdout).toBe(`${document}:3: - (root) ${LIMIT} at column ${column} (position ${position})\n1 valid, 1 invalid\n`);
    expect(code).toBe(1);
    const json = JSON.parse(cli(['validate', '--format', 'json', document]).stdout) as { problems: Record<string, unknown>[] };
    expect(json.problems).toEqual([expect.objectContaining({ file: document, line: 3, type: null, pointer: '', keyword: 'depth', position, expected: `at most ${MAX_NESTING_DEPTH} levels of nesting (the most the CLI reads; the contract sets no limit)` })]);
  });

  it('in a .json array: the element nested too deep is an error of its own, with its index; the others are validated, warned about and located as usual', () => {
    const huge = aiTask(2_000_000);
    const warned = '{"type":"ping","timestamp":1.0}';
    const text = `[\n${tradeLine},\n${huge.text},\n${badTrade},\n${warned}\n]\n`;
    const document = file('batch.json', text);
    const position = text.indexOf(huge.text) + huge.where;
    const column = position - text.lastIndexOf('\n', position);
    const expected =
      `${document}:3: [1] - (root) ${LIMIT} at column ${column} (position ${position})\n` +
      `${document}:4: [2] ${BAD}\n` +
      '2 valid, 2 invalid\n';
    for (const mode of ['strict', 'tolerant']) {
      const { code, stdout, stderr } = cli(['validate', '--mode', mode, document], { heapMb: 128 });
      expect(stdout).toBe(expected);
      expect(stderr).toMatch(new RegExp(`^${document.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: warning: \\[3\\] /timestamp 1\\.0 is an integer written as a float`));
      expect(code).toBe(1);
    }
    // The same document on standard input: read as the one document it is, not as lines.
    const piped = cli(['validate', '-'], { input: text, heapMb: 128 });
    expect(piped.stdout).toBe(expected.replaceAll(document, '<stdin>'));
  });
});

describe('listen: a frame nested deeper than MAX_NESTING_DEPTH', () => {
  afterEach(stopWsServers);
  const server = wsServer;
  const listen = (args: string[]) => runListen(args, {}, 40_000);

  const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });

  it('is a violation of that frame at the bracket that passes the limit; the frames around it are checked as usual', async () => {
    // 20 MB nested 10,000,000 deep: gigabytes before the limit.
    const huge = aiTask(10_000_000);
    const past = aiTask(MAX_NESTING_DEPTH - 2);
    const url = await server((ws) => {
      for (const frame of [connection, huge.text, tradeLine, past.text, aiTask(MAX_NESTING_DEPTH - 3).text, badTrade]) ws.send(frame);
    });
    const { status, stdout } = await listen([url, '--count', '6', '--ping-interval', '60000']);
    expect(stdout.trim().split('\n')).toEqual([
      `frame 1: - (root) ${LIMIT} at position ${huge.where}`,
      `frame 3: - (root) ${LIMIT} at position ${past.where}`,
      `frame 5: ${BAD}`,
      'connection 1, trades 2, ai_tasks 1',
      '6 frames (3 valid, 3 invalid), 3 violations',
    ]);
    expect(status).toBe(1);
  });

  it('as the first frame: also no connection message, said so; JSON output gives the keyword', async () => {
    const past = aiTask(MAX_NESTING_DEPTH - 2);
    const url = await server((ws) => {
      for (const frame of [past.text, connection]) ws.send(frame);
    });
    const { status, stdout } = await listen([url, '--count', '2', '--ping-interval', '60000', '--format', 'json']);
    const report = JSON.parse(stdout) as { frames: number; valid: number; invalid: number; violations: { index: number; keyword: string; message: string }[] };
    expect(report).toMatchObject({ frames: 2, valid: 1, invalid: 1 });
    expect(report.violations).toEqual([
      // As validate --format json gives it: what was expected, what was found, and where.
      {
        index: 0, type: null, pointer: '', keyword: 'depth', message: `${LIMIT} at position ${past.where}`,
        expected: LIMIT.slice('expected '.length, LIMIT.indexOf(', got ')), found: `${LIMIT.slice(LIMIT.indexOf(', got ') + ', got '.length)} at position ${past.where}`, position: past.where,
      },
      { index: 0, type: null, pointer: '/type', keyword: 'protocol', message: 'expected the first frame to be the "connection" message, got a frame nested too deep to read' },
    ]);
    expect(status).toBe(1);
  });

  it('--count N ends the run on an N-th frame nested too deep, though more frames come (README: "checks exactly the first N frames")', async () => {
    const past = aiTask(MAX_NESTING_DEPTH - 2);
    const url = await server((ws) => {
      for (const frame of [connection, past.text, connection, tradeLine]) ws.send(frame);
    });
    // --duration is no end here: a run past frame 2 would read the frames after it, all sent at once.
    const { status, stdout } = await listen([url, '--count', '2', '--duration', '5s', '--ping-interval', '60000', '--no-ping']);
    expect(stdout.trim().split('\n')).toEqual([
      `frame 1: - (root) ${LIMIT} at position ${past.where}`,
      'connection 1',
      '2 frames (1 valid, 1 invalid), 1 violation',
    ]);
    expect(status).toBe(1);
  });

  it('a frame that takes long to check makes no ping read after it late or early: pings are judged by when they may have come', async () => {
    // 30 MB with a key written twice at its end (strict mode walks all of it to find where):
    // seconds of checking, while the server pings on time. The pings that came meanwhile were
    // read late and back to back: two false keepalive violations before.
    const item = '{"id":"abcdefgh","n":12345,"ok":true},';
    const slow = `{"type":"ai_tasks","data":{"task_id":"t","task_type":"bodyguard_check","status":"completed","progress":1,"result":{"items":[${item.repeat(800_000).slice(0, -1)}]},"started_at":"2026-01-14T16:28:00.000Z","completed_at":"2026-01-14T16:30:00.000Z"},"ts":"2026-01-14T16:30:00.000Z","ts":"2026-01-14T16:30:00.000Z"}`;
    const interval = 1000;
    /** When the server sent each ping: on a starved machine its own timer fires late (5.8 s once, load 10). */
    const sentAt: number[] = [];
    const url = await server((ws) => {
      ws.send(connection);
      const first = Date.now();
      let sent = 0;
      const ping = () => {
        sentAt.push(Date.now());
        ws.send(JSON.stringify({ type: 'ping', timestamp: first + interval * sent++ }));
      };
      ping();
      let timer: NodeJS.Timeout | undefined;
      // Pings on the server's clock, whenever the large frame is through.
      const next = () => {
        timer = setTimeout(() => {
          ping();
          next();
        }, Math.max(0, first + interval * sent - Date.now()));
      };
      ws.send(slow, () => next());
      // Stopping the server after the test terminates this socket: its close ends the pings.
      ws.on('close', () => clearTimeout(timer));
    });
    const { stdout } = await listen([url, '--duration', '8s', '--ping-interval', `${interval}ms`, '--tolerance', '0.9', '--format', 'json', '--no-ping']);
    const report = JSON.parse(stdout) as { frames: number; violations: { index: number | null; keyword: string; message: string }[]; pingIntervals: number[]; counts: Record<string, number> };
    // None read late or early but those the server itself sent off its interval (± 900 ms).
    const offTime = sentAt.slice(1).filter((at, i) => Math.abs(at - sentAt[i]! - interval) > 0.9 * interval).length;
    const keepalive = report.violations.filter((violation) => violation.keyword === 'keepalive');
    if (offTime === 0) expect(keepalive).toEqual([]);
    else expect(keepalive.length).toBeLessThanOrEqual(offTime);
    // The slow frame's own fault, found.
    expect(report.violations.filter((violation) => violation.keyword !== 'keepalive')).toEqual([expect.objectContaining({ index: 2, keyword: 'duplicateKey' })]);
    expect(report.counts.ping).toBeGreaterThanOrEqual(4);
  });
});

describe('a line nested too deep that is broken sooner', () => {
  it('is reported at its first fault, not at the bracket past the limit (a reviewer: a missing colon was reported at the 1,001st bracket)', () => {
    const broken = `{"type" 1, "x": ${'['.repeat(MAX_NESTING_DEPTH + 5)}`;
    const target = file('broken-and-deep.ndjson', `${tradeLine}\n${broken}\n${'['.repeat(MAX_NESTING_DEPTH + 1)}\n`);
    const { stdout } = cli(['validate', target]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${target}:2: - (root) expected valid JSON, got "1" at position 8 (Expected ':' after property name)`);
    expect(lines[1]).toMatch(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: - \\(root\\) ${LIMIT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(lines[2]).toBe('1 valid, 2 invalid');
  });
});
