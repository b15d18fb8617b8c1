// tHV F2: once a struct holding decoded JSON (AiTaskData.result, an AiTaskResult) gained an
// integer field, its generated UnmarshalJSON rewrote every whole number of the struct's text,
// the decoded JSON's included: `"checks_passed":3.0` was written back as 3, and
// 9007199254740993.0 as 9007199254740992, where README says decoded JSON is written back as it came.
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
const work = mkdtempSync(path.join(tmpdir(), 'go-decoded-json-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Go UnmarshalJSON of a struct with int64 fields beside decoded JSON', () => {
  it.skipIf(!goTool.available)(`reads whole numbers into its int64 fields and leaves the decoded JSON's numbers as written ${goTool.reason}`.trimEnd(), async () => {
    const schemas = path.join(work, 'schemas');
    cpSync(path.join(ROOT, 'schemas'), schemas, { recursive: true });
    const file = path.join(schemas, 'ai_tasks.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema.definitions.AiTaskData.properties.attempts = { type: 'integer', minimum: 0, description: 'Attempts so far.' };
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const go = (await emitLanguages(await loadContract(schemas))).get(GO_FILE)!;
    expect(go).toMatch(/^func \(r \*AiTaskData\) UnmarshalJSON\(/m);

    const main = `package main

import (
\t"fmt"
\t"os"

\trc "decoded/realtimecontract"
)

func main() {
\tm, err := rc.UnmarshalAiTasksMessage([]byte(os.Args[1]))
\tif err != nil {
\t\tpanic(err)
\t}
\tout, err := m.Marshal()
\tfmt.Println(*m.Data.Attempts, string(out), err)
}
`;
    const frame = JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/ai_tasks.json'), 'utf8')))
      .replace(/"result":\{[^}]*\}/, '"result":{"checks_passed":3.0,"score":1.50,"big":9007199254740993.0,"ratio":1e2},"attempts":2.0');
    expect(frame).toContain('"attempts":2.0');
    const result = goRun('go', go, main, frame);
    expect(result.stderr).toBe('');
    // 2.0 read into the int64 field; the result's numbers written back as they came.
    expect(result.stdout).toMatch(/^2 \{.*"result":\{"big":9007199254740993\.0,"checks_passed":3\.0,"ratio":1e2,"score":1\.50\}.*\} <nil>\n$/);
  }, 300_000);
});

/** `go run .` of `main` beside `go` (the generated package) in a module of its own under `name`; its stdout and stderr. */
function goRun(name: string, go: string, main: string, ...args: string[]) {
  return runGoModule(path.join(work, name), 'decoded', go, main, args, { cacheDir: work });
}

// tIH F1: the int64 UnmarshalJSON decoded the object into a map and encoded it again, which sorts
// its keys: "Timestamp":2.0 after "timestamp":1 read 1, where "Timestamp":2 read 2 (README: "the
// later of the two winning").
describe('Go UnmarshalJSON of a struct with int64 fields, two keys differing only in case', () => {
  it.skipIf(!goTool.available)(`reads the later of the two, whole number written with a fraction or not ${goTool.reason}`.trimEnd(), async () => {
    const go = (await emitLanguages(await loadContract(path.join(ROOT, 'schemas')))).get(GO_FILE)!;
    const result = goRun('case-keys', go, `package main

import (
\t"fmt"
\t"os"

\trc "decoded/realtimecontract"
)

func main() {
\tfor _, frame := range os.Args[1:] {
\t\tm, err := rc.UnmarshalPingMessage([]byte(frame))
\t\tfmt.Println(m.Timestamp, err)
\t}
}
`, '{"type":"ping","timestamp":1,"Timestamp":2}', '{"type":"ping","timestamp":1,"Timestamp":2.0}', '{"type":"ping","Timestamp":2.0,"timestamp":1}', '{"type":"ping","timestamp":1.0 , "Timestamp":2e0 }');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('2 <nil>\n2 <nil>\n1 <nil>\n2 <nil>\n');
  }, 300_000);
});

// tIH F4: unmarshalUnion rewrote the whole union value, so a map of any values held in a union
// had its numbers rewritten (3.0 written back as 3, 1e2 as 100), where decoded JSON is kept as written.
describe('Go union holding decoded JSON', () => {
  it.skipIf(!goTool.available)(`keeps its numbers as written, and still reads whole numbers into a union's int64 and []int64 ${goTool.reason}`.trimEnd(), async () => {
    const schemas = path.join(work, 'union-schemas');
    cpSync(path.join(ROOT, 'schemas'), schemas, { recursive: true });
    const file = path.join(schemas, 'trades.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    Object.assign(schema.definitions.TradeData.properties, {
      extra: { anyOf: [{ type: 'object', additionalProperties: {} }, { type: 'string' }], description: 'Extra.' },
      level: { anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'A level.' },
      levels: { anyOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'string' }], description: 'Levels.' },
    });
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const go = (await emitLanguages(await loadContract(schemas))).get(GO_FILE)!;
    expect(go).toMatch(/^func unmarshalUnion\(/m);
    const frame = JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')))
      .replace(/^\{"type":"trades","data":\{/, '{"type":"trades","data":{"extra":{"a":3.0,"b":[1.0,2.50],"d":1e2},"level":2.0,"levels":[1.0,2e0,3],');
    expect(frame).toContain('"level":2.0');
    const result = goRun('union', go, `package main

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
`, frame);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('"extra":{"a":3.0,"b":[1.0,2.50],"d":1e2}');
    expect(result.stdout).toContain('"level":2,');
    expect(result.stdout).toContain('"levels":[1,2,3]');
  }, 300_000);
});
