import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract } from '../../src/contract/load.js';
import type { SchemaNode } from '../../src/contract/schema.js';
import { runGoModule } from '../support/go-module.js';
import { findTool } from '../support/toolchain.js';

// README ("Python and Go types"): a value of another wrong JSON type is an error in Go, but for a
// field of null alone (`{"type": "null"}`), an interface{}: any value reads into it and is written
// back, where the validators and Python refuse it (tGY F5: the README did not say so).
const goTool = findTool('go', ['version']);
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('a Go field of null alone', () => {
  it.skipIf(!goTool.available)(`is an interface{} that takes any value, as README says ${goTool.reason}`.trimEnd(), { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'go-null-'));
    folders.push(dir);
    cpSync('schemas', path.join(dir, 'schemas'), { recursive: true });
    const trades = JSON.parse(readFileSync(path.join(dir, 'schemas/trades.json'), 'utf8')) as SchemaNode;
    trades.definitions!.TradeData!.properties!.nothing = { type: 'null', description: 'Null alone.' };
    writeFileSync(path.join(dir, 'schemas/trades.json'), JSON.stringify(trades));
    const go = (await emitLanguages(await loadContract(path.join(dir, 'schemas')))).get('languages/go/realtimecontract/messages.go')!;
    expect(go).toMatch(/^\tNothing\s+interface\{\}\s+`json:"nothing,omitempty"`$/m);
    const main = `package main

import (
	"fmt"
	"nullfield/realtimecontract"
)

func main() {
	frame := \`{"type":"trades","data":{"id":"t1","bot_id":"b1","platform":"luno","symbol":"BTC-ZAR","side":"buy","quantity":1,"price":1,"total":1,"fee":0,"status":"filled","pnl":null,"timestamp":"2026-01-14T16:30:00.000Z","nothing":5},"ts":"2026-01-14T16:30:00.000Z"}\`
	m, err := realtimecontract.UnmarshalTradesMessage([]byte(frame))
	out, _ := m.Marshal()
	fmt.Println(err == nil, string(out))
}
`;
    const run = runGoModule(path.join(dir, 'module'), 'nullfield', go, main);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^true .*"nothing":5/);
  });
});
