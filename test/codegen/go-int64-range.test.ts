import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract } from '../../src/contract/load.js';
import { runGoModule } from '../support/go-module.js';
import { findTool } from '../support/toolchain.js';

// The Go package comment: int64 fields accept whole numbers written with a fraction or an
// exponent, as JSON Schema does. -2^63 fits an int64, but `wholeNumber` tested
// `math.Abs(value) >= 1<<63` and refused it written `-9223372036854775808.0` (tIR F6); 2^63 does
// not fit and stays refused.
const goTool = findTool('go', ['version']);
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('a Go int64 field given a whole number with a fraction or an exponent', () => {
  it.skipIf(!goTool.available)(`takes -2^63, the int64 range being asymmetric, and still refuses 2^63 ${goTool.reason}`.trimEnd(), { timeout: 240_000 }, async () => {
    const go = (await emitLanguages(await loadContract('schemas'))).get('languages/go/realtimecontract/messages.go')!;
    const module = mkdtempSync(path.join(tmpdir(), 'go-int64-'));
    folders.push(module);
    const main = `package main

import (
	"fmt"
	"int64range/realtimecontract"
)

func main() {
	for _, count := range []string{"-9223372036854775808.0", "-9.223372036854775808e18", "-9223372036854775808", "9223372036854775808.0", "9.223372036854775808e18"} {
		frame := \`{"type":"bots","data":{"id":"b","name":"n","platform":"luno","symbol":"BTC-ZAR","status":"running","trading_mode":"paper","risk_mode":"moderate","capital":1,"pnl":0,"win_rate":0.5,"last_trade":null,"trades_count":\` + count + \`},"ts":"2026-01-14T16:30:00.000Z"}\`
		m, err := realtimecontract.UnmarshalBotsMessage([]byte(frame))
		if err != nil {
			fmt.Println(count, "refused")
		} else {
			fmt.Println(count, m.Data.TradesCount)
		}
	}
}
`;
    const run = runGoModule(module, 'int64range', go, main, [], { timeoutMs: 200_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      '-9223372036854775808.0 -9223372036854775808',
      '-9.223372036854775808e18 -9223372036854775808',
      '-9223372036854775808 -9223372036854775808',
      '9223372036854775808.0 refused',
      '9.223372036854775808e18 refused',
    ]);
  });
});
