import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleContract } from '../../src/contract/bundle.js';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract } from '../../src/contract/load.js';
import type { SchemaNode } from '../../src/contract/schema.js';
import { parseMessage } from '../../src/runtime/parse.js';
import { checkPollResponse } from '../../src/server/poll-response.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { readFixtureMessages } from '../support/fixtures.js';
import { findTool } from '../support/toolchain.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_FILE = 'languages/python/realtime_contract.py';
const GO_FILE = 'languages/go/realtimecontract/messages.go';

const contract = await loadContract(path.join(ROOT, 'schemas'));
const definitions = bundleContract(contract).definitions!;
const titleByType = new Map(contract.messages.map((m) => [m.type, m.title]));
const generated = await emitLanguages(contract);

interface Case {
  name: string;
  message: Record<string, unknown>;
  /** The JSON text sent, when not `JSON.stringify(message)`. */
  text?: string;
  /** The type to decode with, when the case is not a message (`PollResponse`). */
  title?: string;
}

function resolve(node: SchemaNode): SchemaNode {
  return node.$ref ? resolve(definitions[node.$ref.slice('#/definitions/'.length)]!) : node;
}

function isNullable(node: SchemaNode): boolean {
  const target = resolve(node);
  return (Array.isArray(target.type) && target.type.includes('null')) || (target.anyOf ?? []).some((n) => resolve(n).type === 'null');
}

/** The object schema a value of `node` follows, when it is an object with listed properties. */
function objectSchema(node: SchemaNode): SchemaNode | undefined {
  const target = resolve(node);
  if (target.properties) return target;
  for (const branch of target.anyOf ?? []) {
    const object = objectSchema(branch);
    if (object) return object;
  }
  return undefined;
}

/**
 * A copy of `value` (following `node`) where `change(key, property, parent)` may rewrite each
 * property of every nested object: return the new value, or `undefined` to drop the key.
 */
function rewrite(
  value: unknown,
  node: SchemaNode,
  change: (key: string, property: SchemaNode, parent: SchemaNode, value: unknown) => unknown,
): unknown {
  const schema = objectSchema(node);
  if (!schema || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const property = schema.properties![key];
    const next = property ? change(key, property, schema, rewrite(item, property, change)) : item;
    if (next !== undefined) result[key] = next;
  }
  return result;
}

/**
 * Variants of every schema example that exercise what quicktype gets wrong most easily:
 * every nullable key null, every optional key absent, and `pnl` (required but nullable)
 * both null and a number. Each variant is checked valid first, so none tests a mistake.
 */
function constructedCases(): Case[] {
  const cases: Case[] = [];
  for (const m of contract.messages) {
    const root = definitions[m.title]!;
    (m.schema.examples ?? []).forEach((example, index) => {
      const name = `${m.file} example ${index}`;
      const variants: [string, unknown][] = [
        ['', example],
        [' with nullable keys null', rewrite(example, root, (_key, property, _parent, value) => (isNullable(property) ? null : value))],
        [' with optional keys absent', rewrite(example, root, (key, _property, parent, value) => (parent.required?.includes(key) ? value : undefined))],
        [' with pnl set', rewrite(example, root, (key, property, _parent, value) => (key === 'pnl' && isNullable(property) ? -12.5 : value))],
      ];
      for (const [suffix, message] of variants) {
        const verdict = validateMessage(message);
        if (!verdict.ok) throw new Error(`${name}${suffix} is not valid: ${JSON.stringify(verdict.errors)}`);
        if (!cases.some((c) => JSON.stringify(c.message) === JSON.stringify(message))) {
          cases.push({ name: `${name}${suffix}`, message: message as Record<string, unknown> });
        }
      }
    });
  }
  return cases;
}

/**
 * `text` with every integer written as a whole float, as Python's `json` writes a float:
 * `1705251000000` becomes `1705251000000.0` (`fraction`), `1.705251e+12` (`exponent`) or
 * `1705251000000.0000000000000001` (`rounded`: a float64, as JavaScript and Python read it, is
 * the integer). JSON Schema counts each as an integer, so the validator accepts them (issue 8,
 * item 19).
 */
function wholeFloats(text: string, form: 'fraction' | 'exponent' | 'rounded'): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) => {
    if (!/^-?\d+$/.test(token)) return token;
    if (form === 'rounded') return token.replace(/^-/, '') === '0' ? token : `${token}.0000000000000001`;
    return form === 'fraction' ? `${token}.0` : Number(token).toExponential();
  });
}

const plainCases: Case[] = [
  ...readFixtureMessages('valid').map(({ name, value }) => ({ name, message: value as Record<string, unknown> })),
  ...constructedCases(),
];

const cases: Case[] = [
  ...plainCases,
  ...plainCases.flatMap((c) =>
    (['fraction', 'exponent', 'rounded'] as const).flatMap((form) => {
      const text = wholeFloats(JSON.stringify(c.message), form);
      if (text === JSON.stringify(c.message)) return [];
      const verdict = parseMessage(text);
      if (!verdict.ok) throw new Error(`${c.name} with integers written as floats (${form}) is not valid: ${JSON.stringify(verdict.errors)}`);
      return [{ ...c, name: `${c.name} with integers written as floats (${form})`, text }];
    }),
  ),
];

/**
 * Every example of the documents that are not messages (`PollResponse`, whose `messages` hold
 * any stream message), decoded with their own type.
 */
const documentCases: Case[] = contract.documents.flatMap((d) =>
  (d.schema.examples ?? []).map((example, index) => ({ name: `${d.file} example ${index}`, message: example as Record<string, unknown>, title: d.title })),
);
cases.push(...documentCases);

const tradesExample = contract.messages.find((m) => m.type === 'trades')!.schema.examples![0] as { type: string; data: Record<string, unknown> };
const { pnl: _pnl, ...dataWithoutPnl } = tradesExample.data;
const withoutPnl: Record<string, unknown> = { ...tradesExample, data: dataWithoutPnl };

/**
 * Every example with one optional key that the schema does not let be null set to null
 * (`details: null` of `error`): the validator refuses each one (checked here), and so must
 * the Python decoder (issue 8, item 22).
 */
const nullForOptional: Case[] = contract.messages.flatMap((m) =>
  (m.schema.examples ?? []).flatMap((example, index) => {
    const found: Case[] = [];
    const walk = (value: unknown, node: SchemaNode, at: string[]) => {
      const schema = objectSchema(node);
      // An object open to unknown keys (AiTaskResult) is a plain dict / map in both languages,
      // whose keys the decoders do not check (the module docs say so).
      if (!schema || typeof value !== 'object' || value === null || schema.additionalProperties !== false) return;
      for (const [key, property] of Object.entries(schema.properties!)) {
        if (!schema.required?.includes(key) && !isNullable(property)) {
          const message = structuredClone(example) as Record<string, unknown>;
          let parent = message;
          for (const step of at) parent = parent[step] as Record<string, unknown>;
          parent[key] = null;
          if (validateMessage(message).ok) throw new Error(`${m.file}: ${[...at, key].join('.')} = null is valid`);
          found.push({ name: `${m.file} example ${index} with ${[...at, key].join('.')} null`, message });
        }
        if (key in (value as Record<string, unknown>)) walk((value as Record<string, unknown>)[key], property, [...at, key]);
      }
    };
    walk(example, definitions[m.title]!, []);
    return found;
  }),
);

/** Every case as `[title, message]`, then the message that lacks `pnl`, then nullForOptional. */
const lines = [
  ...cases.map((c) => `[${JSON.stringify(c.title ?? titleByType.get(c.message.type as string))},${c.text ?? JSON.stringify(c.message)}]`),
  JSON.stringify([titleByType.get('trades'), withoutPnl]),
  ...nullForOptional.map((c) => JSON.stringify([titleByType.get(c.message.type as string), c.message])),
];
const input = `${lines.join('\n')}\n`;

type Outcome = { ok: unknown } | { error: string };

/**
 * Runs `command` with the NDJSON input on stdin and returns one outcome per line. Throws
 * when the command fails (a missing python3 or go skips the tests that call this instead).
 */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Outcome[] {
  const result = spawnSync(command, args, { ...options, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run ${command} (is it installed?): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  const answers = result.stdout.trimEnd().split('\n');
  if (answers.length !== lines.length) throw new Error(`${command} answered ${answers.length} lines for ${lines.length} messages`);
  return answers.map((line) => JSON.parse(line) as Outcome);
}

/** A main package that round-trips each line with `Unmarshal<Title>` and `Marshal`. */
function goMain(): string {
  const codecs = [...contract.messages, ...contract.documents]
    .map(
      (m) => `\t${JSON.stringify(m.title)}: func(b []byte) ([]byte, error) {
\t\tm, err := rc.Unmarshal${m.title}(b)
\t\tif err != nil {
\t\t\treturn nil, err
\t\t}
\t\treturn m.Marshal()
\t},`,
    )
    .join('\n');
  return `package main

import (
\t"bufio"
\t"encoding/json"
\t"fmt"
\t"os"

\trc "roundtrip/realtimecontract"
)

var codecs = map[string]func([]byte) ([]byte, error){
${codecs}
}

func main() {
\tin := bufio.NewScanner(os.Stdin)
\tin.Buffer(make([]byte, 1<<20), 1<<26)
\tout := bufio.NewWriter(os.Stdout)
\tdefer out.Flush()
\tfor in.Scan() {
\t\tvar line [2]json.RawMessage
\t\tvar title string
\t\tif err := json.Unmarshal(in.Bytes(), &line); err != nil {
\t\t\tpanic(err)
\t\t}
\t\tif err := json.Unmarshal(line[0], &title); err != nil {
\t\t\tpanic(err)
\t\t}
\t\tencoded, err := codecs[title](line[1])
\t\tif err != nil {
\t\t\tmessage, _ := json.Marshal(err.Error())
\t\t\tfmt.Fprintf(out, "{\\"error\\":%s}\\n", message)
\t\t\tcontinue
\t\t}
\t\tfmt.Fprintf(out, "{\\"ok\\":%s}\\n", encoded)
\t}
\tif err := in.Err(); err != nil {
\t\tpanic(err)
\t}
}
`;
}

/**
 * `compute` run on first call, its result or error kept: every test that needs a language's
 * outcomes fails (rather than being skipped, as after a failed beforeAll) when the round trip
 * breaks, and each process still runs once. A missing python3 or go skips instead (below).
 */
function once<T>(compute: () => T): () => T {
  let settled: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!settled) {
      try {
        settled = { value: compute() };
      } catch (error) {
        settled = { error };
      }
    }
    if ('error' in settled) throw settled.error;
    return settled.value;
  };
}

// Each round trip runs where its toolchain exists and is reported as skipped, with the reason,
// where it does not; under REALTIME_CONTRACT_REQUIRE_ALL=1 (.ci/run) a missing one fails.
const pythonTool = findTool('python3');
const goTool = findTool('go', ['version']);
const tools = { python: pythonTool, go: goTool } as const;

const work = mkdtempSync(path.join(tmpdir(), 'realtime-contract-languages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const python = once(() => {
  const pythonDir = path.join(work, 'python');
  mkdirSync(pythonDir);
  writeFileSync(path.join(pythonDir, 'realtime_contract.py'), generated.get(PYTHON_FILE)!);
  return run('python3', ['-B', path.join(ROOT, 'test/support/languages/roundtrip.py'), pythonDir], {});
});

/** Builds the Go round-trip program once (offline, with caches of its own); runs it with `args`. */
const goBinary = once(() => {
  // A module without dependencies, built offline with caches of its own.
  const module = path.join(work, 'go');
  mkdirSync(path.join(module, 'realtimecontract'), { recursive: true });
  writeFileSync(path.join(module, 'go.mod'), 'module roundtrip\n\ngo 1.19\n');
  writeFileSync(path.join(module, 'realtimecontract/messages.go'), generated.get(GO_FILE)!);
  writeFileSync(path.join(module, 'main.go'), goMain());
  const env = {
    ...process.env,
    GOPATH: path.join(work, 'gopath'),
    GOCACHE: path.join(work, 'gocache'),
    GOFLAGS: '',
    GOPROXY: 'off',
    GO111MODULE: 'on',
    GOTOOLCHAIN: 'local',
  };
  const binary = path.join(work, 'roundtrip-go');
  const build = spawnSync('go', ['build', '-o', binary, '.'], { cwd: module, env, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`go build failed:\n${build.stderr}`);
  return binary;
});
const go = once(() => run(goBinary(), [], {}));
const goWithNilCollections = once(() => run(goBinary(), ['nil-collections'], {}));

describe('generated Python and Go types', () => {
  it('are generated deterministically, with a header and the schema titles as type names', async () => {
    expect(await emitLanguages(contract)).toEqual(generated);
    const py = generated.get(PYTHON_FILE)!;
    const goText = generated.get(GO_FILE)!;
    expect(py).toMatch(/^# Generated by `npm run generate` from schemas\//);
    expect(goText).toMatch(/^\/\/ Code generated by `npm run generate` from schemas\/.*DO NOT EDIT\.\n\n\/\/ Package realtimecontract [^]*?\npackage realtimecontract\n/);
    for (const title of ['TradesMessage', 'TradeData', 'AiTasksMessage', 'AiTaskData', 'DecisionData', 'Platform']) {
      expect(py).toMatch(new RegExp(`^class ${title}\\b`, 'm'));
      expect(goText).toMatch(new RegExp(`^type ${title} `, 'm'));
    }
    expect(goText).not.toMatch(/Purple|Fluffy|Tentacled/);
    expect(goText).toMatch(/^\tPnl +\*float64 +`json:"pnl"`$/m);
  });

  it('run over a batch that holds fixtures and constructed variants', () => {
    expect(cases.length).toBeGreaterThan(contract.messages.length * 2);
    for (const type of titleByType.keys()) expect(cases.some((c) => c.message.type === type), type).toBe(true);
  });

  for (const language of ['python', 'go'] as const) {
    describe.skipIf(!tools[language].available)(`${language} round trip ${tools[language].reason}`.trimEnd(), () => {
      it.each(cases.map((c, index) => [c.name, index] as const))('%s', (_name, index) => {
        const outcome = (language === 'python' ? python : go)()[index]!;
        expect(outcome).toStrictEqual({ ok: cases[index]!.message });
      });
    });
  }

  it.skipIf(!goTool.available)(`Go is gofmt-clean as generated (gofmt -l lists nothing) ${goTool.reason}`.trimEnd(), () => {
    const dir = path.join(work, 'gofmt');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'messages.go'), generated.get(GO_FILE)!);
    const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
    const result = spawnSync(path.join(goroot, 'bin', 'gofmt'), ['-l', dir], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
  });

  it('lays Go out without Go: generate --check passes with go absent from PATH', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'generate', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: path.join(work, 'empty-path') }, // node itself is started by its full path
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!pythonTool.available)(`Python rejects a trade whose required but nullable pnl is missing ${pythonTool.reason}`.trimEnd(), () => {
    expect(python()[cases.length]).toStrictEqual({ error: "KeyError: 'pnl'" });
  });

  it.skipIf(!goTool.available)(`Go writes nil maps and slices so that the validator accepts the message ({} / [] where required) ${goTool.reason}`.trimEnd(), () => {
    const outcomes = goWithNilCollections();
    const balances = plainCases.findIndex((c) => c.message.type === 'balances');
    expect(outcomes[balances]).toMatchObject({ ok: { data: { balances: {} } } });
    for (const [index, c] of plainCases.entries()) {
      const outcome = outcomes[index]!;
      if (!('ok' in outcome)) throw new Error(`${c.name}: ${outcome.error}`);
      expect(validateMessage(outcome.ok).ok ? 'valid' : JSON.stringify(validateMessage(outcome.ok)), c.name).toBe('valid');
    }
  });

  // What validate's strict fault for a lone surrogate escape says of other languages (src/runtime/lone-surrogates.ts).
  it.skipIf(!pythonTool.available)(`Python reads a lone surrogate escape into a string it cannot encode as UTF-8 ${pythonTool.reason}`.trimEnd(), () => {
    const script = 'import json\ns = json.loads(\'"half \\\\ud800"\')\nprint(len(s))\ntry:\n  s.encode("utf-8")\nexcept UnicodeEncodeError as e:\n  print(e.reason)';
    const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('6\nsurrogates not allowed\n');
  });

  /** Runs `lines` in python3 with the generated module imported as `rc` (from a folder `name` of its own), `args` from sys.argv[2]. */
  const runWithModule = (name: string, lines: string[], args: string[]) => {
    const dir = path.join(work, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'realtime_contract.py'), generated.get(PYTHON_FILE)!);
    const script = ['import sys, json', 'sys.path.insert(0, sys.argv[1])', 'import realtime_contract as rc', ...lines].join('\n');
    return spawnSync('python3', ['-B', '-c', script, dir, ...args], { encoding: 'utf8' });
  };

  // What diff's `python-consumers` says (src/diff/index.ts): a closed list is an Enum that raises on a value it does not list; an open string takes any.
  it.skipIf(!pythonTool.available)(`the generated Python decoders refuse a value outside a closed list, and take one of an open string ${pythonTool.reason}`.trimEnd(), () => {
    const script = [
      'trade = json.loads(sys.argv[2])',
      'trade["data"]["platform"] = "coinbase"',
      'try:\n  rc.trades_message_from_dict(trade)\n  print("accepted")\nexcept ValueError as e:\n  print("ValueError", e)',
      'whale = json.loads(sys.argv[3])',
      'whale["data"]["platform"] = "coinbase"',
      'print(rc.whale_message_from_dict(whale).data.platform)',
    ];
    const example = (type: string) => JSON.stringify((JSON.parse(readFileSync(path.join(ROOT, `schemas/${type}.json`), 'utf8')) as { examples: unknown[] }).examples[0]);
    const result = runWithModule('python-enum', script, [example('trades'), example('whale')]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe("ValueError 'coinbase' is not a valid Platform\ncoinbase\n");
  });

  // An optional field added to the schema is a minor change (diff): Python code that builds the type must not need it.
  it.skipIf(!pythonTool.available)(`Python builds a type without its optional fields, which default to None and are left out ${pythonTool.reason}`.trimEnd(), () => {
    const script = [
      'data = rc.ConnectionData(mode=rc.ConnectionDataMode.WS, status=rc.ConnectionDataStatus.CONNECTED)',
      'print(json.dumps(rc.connection_message_to_dict(rc.ConnectionMessage(data=data, ts="2026-01-14T16:30:00.000Z", type=rc.ConnectionMessageType.CONNECTION)), sort_keys=True))',
      'print(json.dumps(rc.ErrorData(code="INTERNAL_ERROR", message="m").to_dict(), sort_keys=True))',
    ];
    const result = runWithModule('python-defaults', script, []);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('{"data": {"mode": "ws", "status": "connected"}, "ts": "2026-01-14T16:30:00.000Z", "type": "connection"}\n{"code": "INTERNAL_ERROR", "message": "m"}\n');
  });

  // A plain string for an Enum field failed in to_dict with a bare AssertionError (a hostile tester).
  it.skipIf(!pythonTool.available)(`Python encodes a listed value given as a plain string, and names one that is not listed ${pythonTool.reason}`.trimEnd(), () => {
    const script = [
      'data = rc.ConnectionData(mode="ws", status=rc.ConnectionDataStatus.CONNECTED)',
      'print(json.dumps(data.to_dict(), sort_keys=True))',
      'try:\n  rc.ConnectionData(mode="carrier-pigeon", status="connected").to_dict()\nexcept ValueError as e:\n  print("ValueError", e)',
      // An optional one goes through from_union, which said only AssertionError (a reviewer).
      'try:\n  rc.ConnectionData(mode="ws", status="connected", resume="later").to_dict()\nexcept ValueError as e:\n  print("ValueError", e)',
    ];
    const result = runWithModule('python-enum-strings', script, []);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe([
      '{"mode": "ws", "status": "connected"}',
      "ValueError 'carrier-pigeon' is not a valid ConnectionDataMode",
      "ValueError ConnectionData.resume: 'later' is none of the field's types: 'later' is not a valid ResumeStatus; not null",
      '',
    ].join('\n'));
  });

  // What README says the Python decoders raise: README's `except (AssertionError, KeyError, ValueError)`
  // let an OverflowError through (a price of 1 followed by 400 zeros), and from_union's ValueError
  // named no field (a fresh tester).
  it.skipIf(!pythonTool.available)(`Python's decoders raise ValueError for a number past a float's range, and name a field of several types ${pythonTool.reason}`.trimEnd(), () => {
    const trade = readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8');
    const frames = [trade.replace('"price": 850000', `"price": 1${'0'.repeat(400)}`), trade.replace('"price": 850000', '"price": 1e400'), trade.replace('"pnl": null', '"pnl": "abc"')];
    expect(new Set(frames).size).toBe(3);
    const script = ['for frame in sys.argv[2:]:', '  try:', '    rc.trades_message_from_dict(json.loads(frame))', '    print("accepted")', '  except (AssertionError, KeyError, ValueError) as error:', '    print(type(error).__name__, error)'];
    const result = runWithModule('python-errors', script, frames);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe([
      "ValueError expected a number, found an integer of 1329 bits, past a float's range",
      'ValueError expected a finite number, found inf',
      "ValueError TradeData.pnl: 'abc' is none of the field's types: not a number; not null",
      '',
    ].join('\n'));
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain("(`ValueError: TradeData.pnl: 'abc' is none of the field's types: not a number; not null`)");
    expect(readme).toContain("a number past a float's range (`1e400`, or 1 followed by 400 zeros; NaN too) in a number or integer field raises `ValueError` too, `-O` or not, which the `except` clause above catches; so do the encoders");
  });

  // An integer field took 1e400 with a bare AssertionError (inf under -O, echoed as Infinity) and
  // 1 followed by 400 zeros without an error (tAP F16); the encoders wrote NaN, Infinity (not
  // JSON) and true into number fields, which the decoders refuse (tAN F4); a number past a
  // float's range in the open AiTaskResult was written back as Infinity (tAN F3).
  it.skipIf(!pythonTool.available)(`Python refuses a number past a float's range in integer fields too, decoding and encoding, under -O too ${pythonTool.reason}`.trimEnd(), () => {
    const big = `1${'0'.repeat(400)}`;
    const script = [
      'def attempt(label, f):',
      '  try:',
      '    print(label, "accepted", json.dumps(f()))',
      '  except (AssertionError, KeyError, ValueError) as error:',
      '    print(label, type(error).__name__, error)',
      'trade = json.loads(sys.argv[2])',
      'bots = json.loads(sys.argv[3])',
      `attempt("ping 1e400", lambda: rc.ping_message_to_dict(rc.ping_message_from_dict(json.loads('{"type":"ping","timestamp":1e400}'))))`,
      `attempt("ping big", lambda: rc.ping_message_to_dict(rc.ping_message_from_dict(json.loads('{"type":"ping","timestamp":${big}}'))))`,
      'bots["data"]["trades_count"] = float("-inf")',
      'attempt("bots -inf", lambda: rc.bots_message_to_dict(rc.bots_message_from_dict(bots)))',
      'for value in [float("nan"), float("inf"), 10 ** 400]:',
      '  m = rc.trades_message_from_dict(trade)',
      '  m.data.price = value',
      '  attempt("price " + repr(value)[:5], lambda: rc.trades_message_to_dict(m))',
      'm = rc.trades_message_from_dict(trade)',
      'm.data.pnl = float("inf")',
      'attempt("pnl inf", lambda: rc.trades_message_to_dict(m))',
      'attempt("pong inf", lambda: rc.pong_message_to_dict(rc.PongMessage(timestamp=float("inf"), type=rc.PongMessageType.PONG)))',
      'task = rc.ai_tasks_message_from_dict(json.loads(sys.argv[4]))',
      'try:\n  json.dumps(rc.ai_tasks_message_to_dict(task), allow_nan=False)\nexcept ValueError as error:\n  print("result", error)',
    ];
    const file = (name: string) => readFileSync(path.join(ROOT, `test/fixtures/valid/spec/${name}.json`), 'utf8');
    const task = file('ai_tasks').replace('"checks_failed": 0', '"checks_failed": 0, "score": 1e400');
    expect(task).toContain('1e400');
    expect(validateMessage(JSON.parse(task)).ok).toBe(true);
    const expected = [
      'ping 1e400 ValueError expected a finite number, found inf',
      "ping big ValueError expected a number, found an integer of 1329 bits, past a float's range",
      'bots -inf ValueError expected a finite number, found -inf',
      'price nan ValueError expected a finite number, found nan',
      'price inf ValueError expected a finite number, found inf',
      "price 10000 ValueError expected a number, found an integer of 1329 bits, past a float's range",
      "pnl inf ValueError TradeData.pnl: inf is none of the field's types: expected a finite number, found inf; not null",
      'pong inf ValueError expected a finite number, found inf',
      'result Out of range float values are not JSON compliant',
      '',
    ].join('\n');
    const result = runWithModule('python-non-finite', script, [file('trades'), file('bots'), task]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(expected);
    const dir = path.join(work, 'python-non-finite');
    const stripped = spawnSync('python3', ['-B', '-O', '-c', ['import sys, json', 'sys.path.insert(0, sys.argv[1])', 'import realtime_contract as rc', ...script].join('\n'), dir, file('trades'), file('bots'), task], { encoding: 'utf8' });
    expect(stripped.stderr).toBe('');
    expect(stripped.stdout).toBe(expected);
    expect(generated.get(PYTHON_FILE)!).toContain('`json.dumps(<message>_to_dict(message), allow_nan=False)`');
  });

  // What README says of the Python decoders: quicktype's `assert`s, bare, and gone under `python -O` (a hostile tester).
  it.skipIf(!pythonTool.available)(`Python's decoders check a type with a bare assert, which python -O strips ${pythonTool.reason}`.trimEnd(), () => {
    const script = ['try:\n  m = rc.ping_message_from_dict({"type": "ping", "timestamp": "not a number"})\n  print("accepted", repr(m.timestamp))\nexcept AssertionError as e:\n  print("AssertionError", repr(str(e)))'];
    const checked = runWithModule('python-assert', script, []);
    expect(checked.stderr).toBe('');
    expect(checked.stdout).toBe("AssertionError ''\n");
    const dir = path.join(work, 'python-assert');
    const stripped = spawnSync('python3', ['-B', '-O', '-c', ['import sys, json', 'sys.path.insert(0, sys.argv[1])', 'import realtime_contract as rc', ...script].join('\n'), dir], { encoding: 'utf8' });
    expect(stripped.stderr).toBe('');
    expect(stripped.stdout).toBe("accepted 'not a number'\n");
  });

  // What README says Python does under -O, and of a key differing from a field only in case (tBL F4: held by no test).
  it.skipIf(!pythonTool.available)(`under python -O a number field converts a string or a boolean and null, an array or data: null raise TypeError or AttributeError; a "Price" beside "price" is ignored, -O or not, as README says ${pythonTool.reason}`.trimEnd(), () => {
    const script = [
      'trade = json.loads(sys.argv[2])',
      'def attempt(label, change):',
      '  message = json.loads(json.dumps(trade))',
      '  change(message)',
      '  try:\n    print(label, repr(rc.trades_message_from_dict(message).data.price))\n  except Exception as e:\n    print(label, type(e).__name__)',
      'attempt("string", lambda m: m["data"].update(price="12"))',
      'attempt("boolean", lambda m: m["data"].update(price=True))',
      'attempt("null", lambda m: m["data"].update(price=None))',
      'attempt("array", lambda m: m["data"].update(price=[]))',
      'attempt("object", lambda m: m["data"].update(price={}))',
      'attempt("data-null", lambda m: m.update(data=None))',
      'attempt("Price", lambda m: m["data"].update(Price=1))',
    ];
    const trade = readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8');
    const checked = runWithModule('python-dash-o', script, [trade]);
    expect(checked.stderr).toBe('');
    expect(checked.stdout).toBe('string AssertionError\nboolean AssertionError\nnull AssertionError\narray AssertionError\nobject AssertionError\ndata-null AssertionError\nPrice 850000\n');
    const stripped = spawnSync('python3', ['-B', '-O', '-c', ['import sys, json', 'sys.path.insert(0, sys.argv[1])', 'import realtime_contract as rc', ...script].join('\n'), path.join(work, 'python-dash-o'), trade], { encoding: 'utf8' });
    expect(stripped.stderr).toBe('');
    const outcomes = Object.fromEntries(stripped.stdout.trimEnd().split('\n').map((line) => line.split(' ') as [string, string]));
    expect(outcomes).toMatchObject({ string: '12.0', boolean: '1.0', Price: '850000' });
    for (const label of ['null', 'array', 'object', 'data-null']) expect(['TypeError', 'AttributeError'], label).toContain(outcomes[label]);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('a string or a boolean in a number field is converted (`"12"` reads 12.0, `true` 1.0), and null, an array or an object where a number or an object is required may raise `TypeError` or `AttributeError`');
  });

  /** Runs `body` as the main function of a Go module `name` (in a folder go-<name>) that imports the generated package as `rc`, with `arg` as os.Args[1]. */
  const runGoMain = (name: string, body: string, arg: string | string[], imports: string[] = []) => {
    const module = path.join(work, `go-${name}`);
    mkdirSync(path.join(module, 'realtimecontract'), { recursive: true });
    writeFileSync(path.join(module, 'go.mod'), `module ${name}\n\ngo 1.19\n`);
    writeFileSync(path.join(module, 'realtimecontract/messages.go'), generated.get(GO_FILE)!);
    const packages = ['fmt', 'os', ...imports].sort().map((p) => `\t"${p}"\n`).join('');
    writeFileSync(path.join(module, 'main.go'), `package main\n\nimport (\n${packages}\n\trc "${name}/realtimecontract"\n)\n\nfunc main() {\n\t${body}\n}\n`);
    return spawnSync('go', ['run', '.', ...[arg].flat()], { cwd: module, encoding: 'utf8', env: { ...process.env, GOCACHE: path.join(work, 'gocache'), GOPATH: path.join(work, 'gopath'), GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local' } });
  };

  // What README says of Go's closed lists and `type` (a fresh tester expected them refused, as in Python).
  it.skipIf(!goTool.available)(`Go's decoders take a value outside a closed list and another message's type, as README says ${goTool.reason}`.trimEnd(), () => {
    const trade = readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8').replace('"platform": "luno"', '"platform": "coinbase"').replace('"side": "buy"', '"side": "hold"');
    expect(trade).toContain('"platform": "coinbase"');
    const body = `m, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))
\tfmt.Println(m.Data.Platform, m.Data.Side, err)
\tout, _ := m.Marshal()
\tfmt.Println(string(out))
\tping, err := rc.UnmarshalPingMessage([]byte(\`{"type":"pong","timestamp":1}\`))
\tfmt.Println(ping.Type, ping.Type == rc.PingMessageTypePing, err)`;
    const result = runGoMain('closed-lists', body, trade);
    expect(result.stderr).toBe('');
    const [decoded, written, ping] = result.stdout.trimEnd().split('\n');
    expect(decoded).toBe('coinbase hold <nil>');
    expect(written).toContain('"platform":"coinbase"');
    expect(ping).toBe('pong false <nil>');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain("Nor do Go's decoders check a closed list or the `type` constant");
    expect(readme).toContain("Python's required keys, closed lists of strings and `type` too (a closed list of numbers, `\"type\": \"integer\"` beside `enum: [1, 2, 3]`, is a plain `int` or `float` there, not checked, as `diff` counts it), Go's none of them");
    expect(generated.get(GO_FILE)!.replace(/\s+(\/\/ )?/g, ' ')).toContain('Closed lists and the Type constant are not checked');
  });

  // What README says of the decoders' required keys: Python's refuse a missing one, Go's read its zero value (a hostile tester read "check required keys" of both).
  it.skipIf(!goTool.available || !pythonTool.available)(`a trade without its price: Python's decoder refuses it, Go's reads price 0 ${goTool.reason || pythonTool.reason}`.trimEnd(), () => {
    const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')) as { data: Record<string, unknown> };
    delete trade.data.price;
    const text = JSON.stringify(trade);
    const py = runWithModule('python-required', ['try:\n  rc.trades_message_from_dict(json.loads(sys.argv[2]))\n  print("accepted")\nexcept Exception as e:\n  print(type(e).__name__, e)'], [text]);
    expect(py.stderr).toBe('');
    expect(py.stdout).toBe("KeyError 'price'\n");
    const result = runGoMain('required', 'm, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))\n\tfmt.Println(err, m.Data.Price)', text);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('<nil> 0\n');
  });

  // What README says of a null the schema refuses: Go reads it as the zero value, as a missing key, and Marshal writes that zero (tAN F1, said, not refused).
  it.skipIf(!goTool.available)(`Go reads a null the schema refuses as the zero value, without an error, and writes the zero back, as README says ${goTool.reason}`.trimEnd(), () => {
    const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')) as { data: Record<string, unknown> };
    trade.data.price = null;
    const text = JSON.stringify(trade);
    expect(validateMessage(JSON.parse(text), { mode: 'tolerant' }).ok).toBe(false);
    const result = runGoMain('null-zero', 'm, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))\n\tout, _ := m.Marshal()\n\tfmt.Println(err, m.Data.Price, strings.Contains(string(out), `"price":0`))', text, ['strings']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('<nil> 0 true\n');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('and so does a null where the schema refuses one (`"price": null` reads price 0');
  });

  // What README says Marshal then writes: for price and action_required a valid message, for "data": null one the validator still refuses (README said "a valid value" of all three: tBL F1).
  it.skipIf(!goTool.available)(`Go writes back the zero of a refused null: valid for price and action_required, still invalid for "data": null, as README says ${goTool.reason}`.trimEnd(), () => {
    const fixture = (type: string) => JSON.parse(readFileSync(path.join(ROOT, `test/fixtures/valid/spec/${type}.json`), 'utf8')) as { data: Record<string, unknown> };
    const price = fixture('trades');
    price.data.price = null;
    const alert = fixture('alerts');
    alert.data.action_required = null;
    const data = fixture('trades') as { data: unknown };
    data.data = null;
    const frames = [price, alert, data].map((message) => JSON.stringify(message));
    for (const frame of frames) expect(validateMessage(JSON.parse(frame), { mode: 'tolerant' }).ok, frame).toBe(false);
    const body = `for i, decode := range []func([]byte) (interface{ Marshal() ([]byte, error) }, error){
		func(b []byte) (interface{ Marshal() ([]byte, error) }, error) { m, err := rc.UnmarshalTradesMessage(b); return &m, err },
		func(b []byte) (interface{ Marshal() ([]byte, error) }, error) { m, err := rc.UnmarshalAlertsMessage(b); return &m, err },
		func(b []byte) (interface{ Marshal() ([]byte, error) }, error) { m, err := rc.UnmarshalTradesMessage(b); return &m, err },
	} {
		m, err := decode([]byte(os.Args[1+i]))
		if err != nil {
			fmt.Println("error", err)
			continue
		}
		out, err := m.Marshal()
		fmt.Println(string(out), err)
	}`;
    const result = runGoMain('null-written', body, frames);
    expect(result.stderr).toBe('');
    const written = result.stdout.trimEnd().split('\n').map((line) => {
      expect(line).toMatch(/ <nil>$/);
      return JSON.parse(line.slice(0, -' <nil>'.length)) as { data: Record<string, unknown> };
    });
    expect(written).toHaveLength(3);
    expect(written[0]!.data.price).toBe(0);
    expect(written[1]!.data.action_required).toBe(false);
    expect(written[2]!.data).toMatchObject({ id: '', platform: '', quantity: 0 });
    const verdicts = written.map((message) => validateMessage(message, { mode: 'strict' }));
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true, false]);
    expect(verdicts[2]!.ok ? [] : verdicts[2]!.errors.map((error) => error.pointer)).toContain('/data/id');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('`Marshal` then writes that zero: a valid value for `price` and `action_required`, so a Go relay turns such a refused message into a valid one, and for `"data": null` another message the schema still refuses');
  });

  // What README says of Go's keys: encoding/json matches them without regard to case, so an
  // unknown "Price" beside "price" set the price (a tester: 1 in Go, 850000 in JavaScript and Python).
  it.skipIf(!goTool.available)(`Go reads a key that differs from a field's only in case into that field, the later winning, as README says ${goTool.reason}`.trimEnd(), () => {
    const trade = readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8').replace('"price": 850000', '"price": 850000, "Price": 1');
    expect(trade).toContain('"Price": 1');
    expect(parseMessage(trade, { mode: 'tolerant' })).toMatchObject({ ok: true, message: { data: { price: 850000 } } });
    const result = runGoMain('key-case', 'm, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))\n\tfmt.Println(m.Data.Price, err)', trade);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('1 <nil>\n');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('`encoding/json` matches keys without regard to case: a key that differs from a field\'s only in case (`"Price"` beside `"price"`) is read into that field, the later of the two winning');
  });

  // What README says of Go's integers: int64, where the schema's counts have no maximum (a fresh user).
  it.skipIf(!goTool.available)(`Go refuses a count past int64 that the validators accept ${goTool.reason}`.trimEnd(), () => {
    const metrics = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/metrics.json'), 'utf8')) as { data: Record<string, unknown> };
    const text = JSON.stringify(metrics).replace('"total_trades":342', '"total_trades":1e20');
    expect(validateMessage(JSON.parse(text)).ok).toBe(true);
    const result = runGoMain('int64', '_, err := rc.UnmarshalMetricsMessage([]byte(os.Args[1]))\n\tfmt.Println(err)', text);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^json: cannot unmarshal number 1e20 into Go struct field \w+\.data of type int64\n$/);
  });

  // What the Go package comment says of values held as decoded JSON (interface{}): read as
  // float64, 9007199254740993 came back 9007199254740992 and a count past 2^64 passed, rounded
  // (a fresh tester), through AiTaskResult and through PollResponse.Messages' recipe.
  it.skipIf(!goTool.available)(`Go keeps integers held in decoded JSON (AiTaskResult, PollResponse.Messages) exactly as written ${goTool.reason}`.trimEnd(), () => {
    const poll = (JSON.parse(readFileSync(path.join(ROOT, 'schemas/poll-response.json'), 'utf8')) as { examples: { messages: unknown[] }[] }).examples[0]!;
    const metrics = { ...(JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/metrics.json'), 'utf8')) as object), cursor: 'k3x9a.1044' };
    const tasks = { ...(JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/ai_tasks.json'), 'utf8')) as object), cursor: 'k3x9a.1045' };
    const text = JSON.stringify({ ...poll, messages: [metrics, tasks] })
      .replace('"total_trades":342', '"total_trades":9007199254740993')
      .replace('"checks_passed":15', '"checks_passed":9007199254740993')
      .replace('"checks_failed":0', '"checks_failed":18446744073709551617,"score":0.1');
    expect(text).toContain('"total_trades":9007199254740993');
    expect(text).toContain('"checks_failed":18446744073709551617');
    expect(validateMessage(JSON.parse(text).messages[1]).ok).toBe(true);
    const body = `p, err := rc.UnmarshalPollResponse([]byte(os.Args[1]))
\tif err != nil {
\t\tpanic(err)
\t}
\t// The recipe of the package comment: marshal each back to JSON, decode it with its type's Unmarshal.
\traw, _ := json.Marshal(p.Messages[0])
\tm, err := rc.UnmarshalMetricsMessage(raw)
\tfmt.Println(m.Data.TotalTrades, err)
\traw, _ = json.Marshal(p.Messages[1])
\ttask, err := rc.UnmarshalAiTasksMessage(raw)
\tout, _ := task.Marshal()
\tfmt.Println(string(out), err)
\ttask, err = rc.UnmarshalAiTasksMessage([]byte(os.Args[1])[0:0])
\tfmt.Println(err)`;
    const result = runGoMain('open-numbers', body, text, ['encoding/json']);
    expect(result.stderr).toBe('');
    const [total, task, empty] = result.stdout.trimEnd().split('\n');
    expect(total).toBe('9007199254740993 <nil>');
    expect(task).toContain('"result":{"checks_failed":18446744073709551617,"checks_passed":9007199254740993,"issues":[],"score":0.1}');
    expect(task).toMatch(/ <nil>$/);
    // Empty input is refused as encoding/json refuses it.
    expect(empty).toBe('unexpected end of JSON input');
  });

  // What README, the Python module and the Go package comment say of AiTaskResult: its keys are
  // not checked, the typed ones included (a fresh tester found them taken, and not said).
  it.skipIf(!goTool.available || !pythonTool.available)(`neither decoder checks AiTaskResult's keys, as README and both modules say ${goTool.reason || pythonTool.reason}`.trimEnd(), () => {
    const text = readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/ai_tasks.json'), 'utf8').replace('"checks_passed": 15', '"checks_passed": "x"');
    expect(text).toContain('"checks_passed": "x"');
    const py = runWithModule('python-open', ['print(json.dumps(rc.ai_tasks_message_to_dict(rc.ai_tasks_message_from_dict(json.loads(sys.argv[2])))["data"]["result"]))'], [text]);
    expect(py.stderr).toBe('');
    expect(py.stdout).toBe('{"checks_passed": "x", "checks_failed": 0, "issues": []}\n');
    const result = runGoMain('open-keys', 'm, err := rc.UnmarshalAiTasksMessage([]byte(os.Args[1]))\n\tfmt.Println(m.Data.Result["checks_passed"], err)', text);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('x <nil>\n');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('neither decoder checks its keys, the typed ones (`checks_passed`, `checks_failed`, `issues`) included, so `"checks_passed": "x"` is taken');
    expect(readme).toContain('Their decoders check types (not the keys of the open `AiTaskResult`)');
    expect(generated.get(PYTHON_FILE)!.replace(/\s+/g, ' ')).toContain('is a plain dict: its keys are kept as they are and not checked, the typed ones (`checks_passed`, `checks_failed`, `issues`) included');
    expect(generated.get(GO_FILE)!.replace(/\s+(\/\/ )?/g, ' ')).toContain('its keys are kept as they are and not checked, the typed ones included (checks_passed: "x" is taken)');
  });

  // tEY F1: README called Go consumers "tolerant of values added to the contract later"; both languages drop every key their types do not name, and README now says so.
  it.skipIf(!goTool.available || !pythonTool.available)(`both decoders take a key the types do not name, at any level, and their encoders drop it; decoded JSON keeps it, as README says ${goTool.reason || pythonTool.reason}`.trimEnd(), () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, any>;
    const trade = read('test/fixtures/valid/spec/trades.json');
    const decision = read('test/fixtures/valid/spec/decisions.json');
    const poll = read('test/fixtures/delivery/poll-response/valid/resumed-two-messages.json');
    // What each kept: the fixture as it was, before the keys a newer server might add.
    const expected = [structuredClone(trade), structuredClone(decision), structuredClone(poll)];
    trade.trace_id = 'abc';
    trade.data.order_type = 'limit';
    decision.data.sizing.leverage = 2;
    decision.data.component_scores.onchain = 0.5;
    poll.next = 'later';
    poll.messages[0].trace_id = 'abc';
    poll.messages[0].data.order_type = 'limit';
    expected[2]!.messages[0].trace_id = 'abc';
    expected[2]!.messages[0].data.order_type = 'limit';
    for (const message of [trade, decision]) expect(validateMessage(message, { mode: 'tolerant' }).ok).toBe(true);
    const texts = [trade, decision, poll].map((m) => JSON.stringify(m));
    const py = runWithModule('python-unknown-keys', [
      'print(json.dumps(rc.trades_message_to_dict(rc.trades_message_from_dict(json.loads(sys.argv[2])))))',
      'print(json.dumps(rc.decisions_message_to_dict(rc.decisions_message_from_dict(json.loads(sys.argv[3])))))',
      'print(json.dumps(rc.poll_response_to_dict(rc.poll_response_from_dict(json.loads(sys.argv[4])))))',
    ], texts);
    expect(py.stderr).toBe('');
    const body = `t, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))
\tif err != nil {
\t\tpanic(err)
\t}
\td, err := rc.UnmarshalDecisionsMessage([]byte(os.Args[2]))
\tif err != nil {
\t\tpanic(err)
\t}
\tp, err := rc.UnmarshalPollResponse([]byte(os.Args[3]))
\tif err != nil {
\t\tpanic(err)
\t}
\tfor _, out := range []func() ([]byte, error){t.Marshal, d.Marshal, p.Marshal} {
\t\ttext, err := out()
\t\tif err != nil {
\t\t\tpanic(err)
\t\t}
\t\tfmt.Println(string(text))
\t}`;
    const result = runGoMain('unknown-keys', body, texts);
    expect(result.stderr).toBe('');
    for (const stdout of [py.stdout, result.stdout]) {
      const written = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
      expect(written).toEqual(expected);
    }
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('**Fields the types do not name are dropped, in both languages.**');
    expect(readme).toContain('a relay or store-and-forward service that must pass a newer server\'s fields on forwards the frame\'s original text');
    expect(readme).toContain('Go consumers are thus tolerant of values added to a closed list later');
    expect(readme).not.toContain('tolerant of values added to the contract later');
  });

  // tEY F2: Python's number fields read an integer as a float, so a round trip wrote 850000 as 850000.0 and rounded one past 2^53.
  it.skipIf(!pythonTool.available)(`Python writes an integer of a number field back as it came, and a float as a float, as README says ${pythonTool.reason}`.trimEnd(), () => {
    const text = readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8').replace('"price": 850000', '"price": 9007199254740993');
    expect(text).toContain('"price": 9007199254740993');
    const py = runWithModule('python-integers', [
      'trade = rc.trades_message_from_dict(json.loads(sys.argv[2]))',
      'print(repr(trade.data.price), repr(trade.data.total), repr(trade.data.fee))',
      'print(json.dumps(rc.trades_message_to_dict(trade)["data"]["price"]))',
      'print(json.dumps(rc.trades_message_to_dict(rc.trades_message_from_dict(json.loads(sys.argv[3]))), sort_keys=True))',
    ], [text, readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')]);
    expect(py.stderr).toBe('');
    const [values, big, written] = py.stdout.trimEnd().split('\n');
    expect(values).toBe('9007199254740993 850 2.55');
    expect(big).toBe('9007199254740993');
    expect(written).toContain('"price": 850000,');
    expect(written).toContain('"total": 850}');
    expect(written).toContain('"fee": 2.55,');
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain('a Python number field keeps an integer as an `int`, so that it is written back as it came (`"price": 850000`, not `850000.0`)');
  });

  // tEY F8: a Python closed list is an Enum of its own: BalancesDataPlatform.LUNO != Platform.LUNO, unsaid until README said it.
  it.skipIf(!pythonTool.available)(`Python's closed lists are Enums that equal no other's: compare .value, build with the field's own Enum or the string, as README says ${pythonTool.reason}`.trimEnd(), () => {
    const py = runWithModule('python-enums', [
      'print(rc.BalancesDataPlatform.LUNO == rc.Platform.LUNO, rc.BalancesDataPlatform.LUNO.value == rc.Platform.LUNO.value)',
      'def build(platform):\n  data = rc.BalancesData(balances={}, platform=platform, total_value_zar=0)\n  try:\n    print(data.to_dict()["platform"])\n  except ValueError as e:\n    print("ValueError", e)',
      'build(rc.Platform.LUNO)',
      'build(rc.BalancesDataPlatform.LUNO)',
      'build("luno")',
    ], []);
    expect(py.stderr).toBe('');
    expect(py.stdout).toBe("False True\nValueError <Platform.LUNO: 'luno'> is not a valid BalancesDataPlatform\nluno\nluno\n");
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('so `BalancesDataPlatform.LUNO == Platform.LUNO` is `False` (a trade\'s exchange never equals a balance\'s) and the balances encoder refuses `Platform.LUNO` (`ValueError`): compare `.value`s');
  });

  // tEY F3: a nil item of PollResponse.Messages is written as null without an error, which the package comment's "What they do not" left out.
  it.skipIf(!goTool.available)(`Go writes a nil item of PollResponse.Messages as null, as the package comment and README say ${goTool.reason}`.trimEnd(), () => {
    const body = `p := rc.PollResponse{Cursor: "k3x9a.1043", Resume: rc.ResumeStatusNew, Messages: []interface{}{nil}}
\ttext, err := p.Marshal()
\tfmt.Println(string(text), err, len(os.Args))`;
    const result = runGoMain('poll-nil-item', body, []);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('{"cursor":"k3x9a.1043","messages":[null],"resume":"new"} <nil> 1\n');
    expect(checkPollResponse(result.stdout.split(' ')[0]!)).toMatch(/^\/messages\/0 fails /);
    expect(generated.get(GO_FILE)!.replace(/\s+(\/\/ )?/g, ' ')).toContain('and so is a nil item of PollResponse.Messages (an interface{}), which the schema refuses');
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain('and so is a nil item of `PollResponse.Messages`, an `interface{}`');
  });

  // tEY F7: inside a nullable object, a missing key was told as "'capital'" and a wrong type as a bare AssertionError, the inner field unnamed.
  it.skipIf(!pythonTool.available)(`Python names a missing key inside a nullable object, and says only AssertionError for a wrong type there, as README says ${pythonTool.reason}`.trimEnd(), () => {
    const py = runWithModule('python-nested-union', [
      'def attempt(change):',
      '  message = json.loads(sys.argv[2])',
      '  change(message["data"]["sizing"])',
      '  try:\n    rc.decisions_message_from_dict(message)\n  except ValueError as e:\n    print(e)',
      'attempt(lambda s: s.pop("capital"))',
      'attempt(lambda s: s.update(quantity="x"))',
    ], [readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/decisions.json'), 'utf8')]);
    expect(py.stderr).toBe('');
    expect(py.stdout).toBe([
      "DecisionData.sizing: {'quantity': 0.001, 'risk_per_trade': 0.02} is none of the field's types: missing key 'capital'; not null",
      "DecisionData.sizing: {'quantity': 'x', 'capital': 850, 'risk_per_trade': 0.02} is none of the field's types: AssertionError; not null",
      '',
    ].join('\n'));
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain("the object's type says `missing key 'capital'` for a missing key, but only `AssertionError` for a wrong JSON type inside it, without naming the inner field (`sizing.quantity`)");
  });

  // "Go struct field plain.timestamp" named the local type of the generated UnmarshalJSON (a fresh tester).
  it.skipIf(!goTool.available)(`Go's decode errors name the message type, not the generated UnmarshalJSON's local type ${goTool.reason}`.trimEnd(), () => {
    const result = runGoMain('error-names', '_, err := rc.UnmarshalPingMessage([]byte(os.Args[1]))\n\tfmt.Println(err)', '{"type":"ping","timestamp":1.5}');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('json: cannot unmarshal number 1.5 into Go struct field PingMessage.timestamp of type int64\n');
  });

  it.skipIf(!goTool.available)(`Go reads a lone surrogate escape as U+FFFD ${goTool.reason}`.trimEnd(), () => {
    const dir = path.join(work, 'lone-surrogate');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'main.go'), 'package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n)\n\nfunc main() {\n\tvar s string\n\tif err := json.Unmarshal([]byte(`"half \\ud800"`), &s); err != nil {\n\t\tpanic(err)\n\t}\n\tfmt.Printf("%+q\\n", s)\n}\n');
    const result = spawnSync('go', ['run', 'main.go'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOCACHE: path.join(work, 'gocache'), GOPATH: path.join(work, 'gopath'), GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'off', GOTOOLCHAIN: 'local' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('"half \\ufffd"\n');
  });

  it('has whole-float variants, documents and optional keys that may not be null to try', () => {
    expect(documentCases.map((c) => c.title)).toContain('PollResponse');
    expect(cases.some((c) => c.text?.includes('"timestamp":1705251000000.0') ?? false)).toBe(true);
    expect(nullForOptional.map((c) => c.name)).toContain('error.json example 0 with data.details null');
  });

  describe.skipIf(!pythonTool.available)(`Python refuses null for an optional key the schema does not let be null, as the validator does ${pythonTool.reason}`.trimEnd(), () => {
    it.each(nullForOptional.map((c, index) => [c.name, index] as const))('%s', (_name, index) => {
      expect(python()[cases.length + 1 + index]).toStrictEqual({ error: expect.stringMatching(/^ValueError: \w+ may be left out but not be null$/) });
    });
  });
});

describe('an object that names fields made open (found by a hostile tester)', () => {
  it('is generated as a map in Go and Python, the types only its fields reached left out, where generate failed on a title', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'realtime-contract-open-object-'));
    try {
      mkdirSync(path.join(dir, 'schemas'));
      for (const file of contract.files.keys()) {
        const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', file), 'utf8')) as SchemaNode;
        // TradeData is the only type that reaches Side (its own list of "buy" and "sell").
        if (file === 'trades.json') delete schema.definitions!.TradeData!.additionalProperties;
        writeFileSync(path.join(dir, 'schemas', file), JSON.stringify(schema));
      }
      const open = await emitLanguages(await loadContract(path.join(dir, 'schemas')));
      const goText = open.get(GO_FILE)!;
      expect(goText).toMatch(/^type TradesMessage struct \{[^}]*\n\tData +map\[string\]interface\{\} +`json:"data"`/m);
      expect(goText).not.toMatch(/^type (TradeData|Side) /m);
      expect(open.get(PYTHON_FILE)).toMatch(/^class TradesMessage:\n[^]*?\n {4}data: Dict\[str, Any\]\n/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a field written as a bare $ref to a number definition (tDJ F6: the reference and TypeScript showed its description, Go and Python dropped it)', () => {
  it("carries the definition's description on the Go field and the Python attribute; a description beside the $ref still wins", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'realtime-contract-primitive-ref-'));
    try {
      mkdirSync(path.join(dir, 'schemas'));
      for (const file of contract.files.keys()) {
        const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', file), 'utf8')) as SchemaNode;
        if (file === 'definitions.json') schema.definitions!.Quantity = { title: 'Quantity', type: 'number', exclusiveMinimum: 0, description: 'Amount traded, in units of the base asset.' };
        if (file === 'trades.json') {
          schema.definitions!.TradeData!.properties!.quantity = { $ref: 'definitions.json#/definitions/Quantity' };
          schema.definitions!.TradeData!.properties!.total = { $ref: 'definitions.json#/definitions/Quantity', description: 'Quantity times price.' };
        }
        writeFileSync(path.join(dir, 'schemas', file), JSON.stringify(schema));
      }
      const emitted = await emitLanguages(await loadContract(path.join(dir, 'schemas')));
      const goText = emitted.get(GO_FILE)!;
      expect(goText).toMatch(/\n\t\/\/ Amount traded, in units of the base asset\.\n\tQuantity +float64 +`json:"quantity"`/);
      expect(goText).toMatch(/\n\t\/\/ Quantity times price\.\n\tTotal +float64 +`json:"total"`/);
      const pythonText = emitted.get(PYTHON_FILE)!;
      expect(pythonText).toMatch(/\n {4}quantity: float\n {4}"""Amount traded, in units of the base asset\."""\n/);
      expect(pythonText).toMatch(/\n {4}total: float\n {4}"""Quantity times price\."""\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carries it on a nullable field too, anyOf [$ref, null], as the reference shows it (tDR F5)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'realtime-contract-nullable-ref-'));
    try {
      mkdirSync(path.join(dir, 'schemas'));
      for (const file of contract.files.keys()) {
        const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', file), 'utf8')) as SchemaNode;
        if (file === 'definitions.json') schema.definitions!.Money = { title: 'Money', type: 'number', description: 'Amount in ZAR.' };
        if (file === 'trades.json') schema.definitions!.TradeData!.properties!.rebate = { anyOf: [{ $ref: 'definitions.json#/definitions/Money' }, { type: 'null' }] };
        writeFileSync(path.join(dir, 'schemas', file), JSON.stringify(schema));
      }
      const emitted = await emitLanguages(await loadContract(path.join(dir, 'schemas')));
      expect(emitted.get(GO_FILE)!).toMatch(/\n\t\/\/ Amount in ZAR\.\n\tRebate +\*float64 +`json:"rebate,omitempty"`/);
      expect(emitted.get(PYTHON_FILE)!).toMatch(/\n {4}rebate: Optional\[float\] = None\n {4}"""Amount in ZAR\."""\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Go encoders of nested slices and maps, and of a required union (a hostile tester: `[][]float64{nil}` was written `[null]`, a nil union `null`, both refused)', () => {
  it.skipIf(!goTool.available)(`write each nil slice or map held in an array or a map as [] or {}, and refuse a required union left nil ${goTool.reason}`.trimEnd(), async () => {
    const dir = path.join(work, 'nested-schemas');
    mkdirSync(dir);
    for (const file of readdirSync(path.join(ROOT, 'schemas'))) writeFileSync(path.join(dir, file), readFileSync(path.join(ROOT, 'schemas', file)));
    const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
    Object.assign(trades.definitions.TradeData.properties, {
      levels: { type: 'array', items: { type: 'array', items: { type: 'number' } }, description: 'Required; its items may not be null.' },
      tiers: { type: 'object', additionalProperties: { type: 'array', items: { type: 'number' } }, description: 'Optional; its values may not be null.' },
      gaps: { type: 'array', items: { type: ['array', 'null'], items: { type: 'number' } }, description: 'Its items may be null.' },
      extra: { type: ['string', 'integer'], description: 'A required union.' },
    });
    trades.definitions.TradeData.required.push('levels', 'gaps', 'extra');
    writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades));
    const languages = await emitLanguages(await loadContract(dir));
    const module = path.join(work, 'go-nested');
    mkdirSync(path.join(module, 'realtimecontract'), { recursive: true });
    writeFileSync(path.join(module, 'go.mod'), 'module nested\n\ngo 1.19\n');
    writeFileSync(path.join(module, 'realtimecontract/messages.go'), languages.get(GO_FILE)!);
    writeFileSync(path.join(module, 'main.go'), `package main

import (
	"fmt"
	"os"

	rc "nested/realtimecontract"
)

func main() {
	m, err := rc.UnmarshalTradesMessage([]byte(os.Args[1]))
	if err != nil {
		panic(err)
	}
	levels := [][]float64{nil, {1}}
	m.Data.Levels = levels
	m.Data.Tiers = &map[string][]float64{"k": nil}
	m.Data.Gaps = [][]float64{nil}
	one := int64(1)
	m.Data.Extra = &rc.TradeDataExtra{Integer: &one}
	out, err := m.Marshal()
	fmt.Println(string(out), err, levels[0] == nil)
	m.Data.Extra = nil
	_, err = m.Marshal()
	fmt.Println(err)
}
`);
    const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
    const result = spawnSync('go', ['run', '.', JSON.stringify(trade)], { cwd: module, encoding: 'utf8', env: { ...process.env, GOCACHE: path.join(work, 'gocache'), GOPATH: path.join(work, 'gopath'), GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local' } });
    expect(result.stderr).toBe('');
    const [written, refused] = result.stdout.trimEnd().split('\n');
    const [json, error, untouched] = written!.split(' ');
    const data = JSON.parse(json!).data;
    expect([data.levels, data.tiers, data.gaps, data.extra]).toEqual([[[], [1]], { k: [] }, [null], 1]);
    // The caller's slice is left as it was.
    expect([error, untouched]).toEqual(['<nil>', 'true']);
    expect(refused).toMatch(/TradeData\.Extra \(extra\) is required/);
  }, 120_000);
});
