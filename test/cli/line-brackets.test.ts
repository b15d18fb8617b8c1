/**
 * The CLI's limit on the arrays and objects of one NDJSON line (`MAX_LINE_BRACKETS`, 1,000,000):
 * a line that opens more is refused from the one pass that counts its depth, before any parse,
 * and the other lines are validated as usual. A hostile tester's line of 80,000,000 `{}` (under
 * the 256 MiB line limit) held `validate` 15 minutes at 4.7 GB in `JSON.parse`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BRACKETS } from '../../src/cli/sources/index.js';
import { scanJsonText } from '../../src/languages/json-scan.js';
import { FIXTURES } from '../support/fixtures.js';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

const CLI = path.resolve('src/cli/main.ts');
const trade = JSON.parse(readFileSync(path.join(FIXTURES, 'valid/spec/trades.json'), 'utf8')) as Record<string, unknown>;
const tradeLine = JSON.stringify(trade);
const badTrade = JSON.stringify({ ...trade, ts: undefined });
const BAD = 'trades /ts expected required property "ts", got nothing';

/**
 * A strict-valid ai_tasks message whose free-form `result` holds an array of `objects` empty
 * objects (and `pad` spaces after it): it opens `objects + 4` arrays and objects (its root,
 * `data`, `result`, the array). `where` is the offset of the one past the limit, when there is one.
 */
function aiTask(objects: number, pad = 0): { text: string; where: number } {
  const head = '{"type":"ai_tasks","data":{"task_id":"task_xyz","task_type":"bodyguard_check","status":"completed","progress":1,"result":{"many":[';
  const tail = `${' '.repeat(pad)}},"started_at":"2026-01-14T16:28:00.000Z","completed_at":"2026-01-14T16:30:00.000Z"},"ts":"2026-01-14T16:30:00.000Z"}`;
  return { text: `${head}${'{},'.repeat(objects - 1)}{}]${tail}`, where: head.length + 3 * (MAX_LINE_BRACKETS - 4) };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-brackets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scanJsonText with a maxBrackets', () => {
  it('stops at the bracket that opens one more than maxBrackets, at any level, brackets in strings not counted', () => {
    expect(scanJsonText('[{},[],{"a":"[{"}]', undefined, undefined, 4).manyAt).toBeUndefined();
    expect(scanJsonText('[{},[],{"a":"[{"},[]]', undefined, undefined, 4)).toMatchObject({ manyAt: 18, deepAt: undefined });
    expect(scanJsonText('[{},[],{"a":"[{"},[]]').manyAt).toBeUndefined();
  });
});

describe('validate: a line of more arrays and objects than the limit', () => {
  it('is refused at the bracket past the limit, before any parse; the line at the limit and the other lines are validated', { timeout: 300_000 }, () => {
    const atLimit = aiTask(MAX_LINE_BRACKETS - 4).text;
    const over = aiTask(MAX_LINE_BRACKETS - 3);
    const file = path.join(dir, 'many.ndjson');
    writeFileSync(file, [tradeLine, atLimit, over.text, badTrade, ''].join('\n'));
    const result = cli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}:3: - (root) expected at most ${MAX_LINE_BRACKETS} arrays and objects in one line (the most the CLI reads; the contract sets no limit), got "{" opening number ${MAX_LINE_BRACKETS + 1} at position ${over.where}`);
    expect(result.stdout).toContain(`${file}:4: ${BAD}`);
    expect(result.stdout).not.toContain(`${file}:1:`);
    expect(result.stdout).not.toContain(`${file}:2:`);
    expect(result.stdout).toContain('2 valid, 2 invalid');
  });

  it('is refused the same by the worker threads (a file of 8 MiB or more)', { timeout: 300_000 }, () => {
    const over = aiTask(MAX_LINE_BRACKETS - 3, 9 * 1024 * 1024);
    const file = path.join(dir, 'big.ndjson');
    writeFileSync(file, [tradeLine, over.text, badTrade, ''].join('\n'));
    const serial = cli(['validate', '--jobs', '1', file]);
    const parallel = cli(['validate', '--jobs', '2', file]);
    expect(serial.code).toBe(1);
    expect(serial.stdout).toContain(`${file}:2: - (root) expected at most ${MAX_LINE_BRACKETS} arrays and objects in one line`);
    expect(serial.stdout).toContain(`${file}:3: ${BAD}`);
    expect(parallel).toEqual(serial);
  });
});

describe('listen: a frame of more arrays and objects than the limit', () => {
  afterEach(stopWsServers);
  const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });

  it('is a violation of that frame, refused unparsed as validate refuses the line; the frames around it are checked (a 100 MB frame of 34,000,000 `{}` ran a 2 GB heap out of memory)', { timeout: 120_000 }, async () => {
    const over = aiTask(MAX_LINE_BRACKETS - 3);
    const url = await wsServer((ws) => {
      for (const frame of [connection, over.text, aiTask(MAX_LINE_BRACKETS - 4).text, badTrade]) ws.send(frame);
    });
    const { status, stdout } = await runListen([url, '--count', '4', '--ping-interval', '60000'], {}, 100_000);
    expect(stdout.trim().split('\n')).toEqual([
      `frame 1: - (root) expected at most ${MAX_LINE_BRACKETS} arrays and objects in one frame (the most the CLI reads; the contract sets no limit), got "{" opening number ${MAX_LINE_BRACKETS + 1} at position ${over.where}`,
      `frame 3: ${BAD}`,
      'connection 1, ai_tasks 1, trades 1',
      '4 frames (2 valid, 2 invalid), 2 violations',
    ]);
    expect(status).toBe(1);
  });
});
