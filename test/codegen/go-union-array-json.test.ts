// tIM F10: unionWholeNumbers (src/codegen/quicktype.ts) rewrites a union's whole numbers only when its array branch holds
// int64; a union whose array holds decoded JSON keeps its numbers as written (tIH F4). Mutant Q06, every array in a union
// rewritten, survived go-decoded-json.test.ts, whose only array union was of integers. The generated Go, compiled and run.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract } from '../../src/contract/index.js';
import { runGoModule } from '../support/go-module.js';
import { findTool } from '../support/toolchain.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GO_FILE = 'languages/go/realtimecontract/messages.go';
const goTool = findTool('go', ['version']);
const work = mkdtempSync(path.join(tmpdir(), 'go-union-array-json-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Go union whose array branch holds decoded JSON (tIM F10)', () => {
  it.skipIf(!goTool.available)(`keeps the array's numbers as written, beside a union's int64 read from 2.0 ${goTool.reason}`.trimEnd(), async () => {
    const schemas = path.join(work, 'schemas');
    cpSync(path.join(ROOT, 'schemas'), schemas, { recursive: true });
    const file = path.join(schemas, 'trades.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    Object.assign(schema.definitions.TradeData.properties, {
      tags: { anyOf: [{ type: 'array', items: {} }, { type: 'string' }], description: 'Tags: decoded JSON.' },
      level: { anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'A level.' },
    });
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const go = (await emitLanguages(await loadContract(schemas))).get(GO_FILE)!;
    expect(go).toMatch(/^func unmarshalUnion\(/m);
    const main = `package main

import (
\t"fmt"
\t"os"

\trc "decoded/realtimecontract"
)

func main() {
\tm, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))
\tif err != nil {
\t\tpanic(err)
\t}
\tout, err := m.Marshal()
\tfmt.Println(string(out), err)
}
`;
    const frame = JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')))
      .replace(/^\{"type":"trades","data":\{/, '{"type":"trades","data":{"tags":[1.0,2.50,1e2],"level":2.0,');
    expect(frame).toContain('"tags":[1.0,2.50,1e2]');
    const result = runGoModule(path.join(work, 'go'), 'decoded', go, main, [frame]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('"tags":[1.0,2.50,1e2]');
    expect(result.stdout).toContain('"level":2,');
  }, 300_000);
});
