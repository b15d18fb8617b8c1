/**
 * The CLI's commands (commander), run by `./main.ts` once it has held `serve`'s and `listen`'s signals.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type * as GenerateCommandModule from './generate-command.js';
import type * as DiffCommandModule from './diff-command.js';
import { oneLine, processOutput } from './report.js';
import { printable } from '../runtime/printable.js';
import { shownArgument, withPathsShown } from './shown-argument.js';
import { editDistance } from '../runtime/errors.js';

const output = processOutput();
/**
 * How a message shows the path arguments of the command run (diff, validate, generate: {@link withPathsShown}), the error
 * that ends it included: a URL's password or token and a JWT in one `[redacted]`, the rest as typed (tGF F7).
 */
let pathsShown: (text: string) => string = (text) => text;
/** {@link output} with `values`, path arguments, shown in what it writes as {@link withPathsShown} shows them. */
function outputShowing(values: readonly (string | undefined)[]): typeof output {
  pathsShown = withPathsShown(values.filter((value): value is string => value !== undefined));
  return { ...output, stdout: (text) => output.stdout(pathsShown(text)), stderr: (text) => output.stderr(pathsShown(text)) };
}

// The contract's figures that listen's help states (tBD F3), read as the CLI starts: a checkout
// whose generated/ is broken (a merge conflict in contract.ts) must still start, for generate to
// repair it, so without them the help names the constants alone.
const contract: Partial<typeof import('../../generated/contract.js')> = await import('../../generated/contract.js').catch(() => ({}));
const figure = (value: number | undefined) => (value === undefined ? '' : `, ${value} ms`);

const program = new Command('realtime-contract')
  .description('Validate messages against the real-time WebSocket contract, serve it, and check a server against it (in a checkout: regenerate its artifacts and diff two versions).')
  .version(packageVersion())
  .exitOverride()
  // Inherited by every command: an option's value is echoed escaped, as paths are
  // (`--format "json\r"` from a CRLF-saved CI script printed `argument 'json' is invalid`).
  .configureOutput({ outputError: (text, write) => write(escapedLines(text)) })
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
What each command needs:
  validate  only Node: works wherever the package is installed (npx realtime-contract validate …)
  serve     only Node: the reference server ships with the package (ws, jose)
  listen    only Node: a client that checks a running server against the contract
  generate  a checkout of the realtime-contract repository with its dev dependencies (npm ci);
            the installed package ships no code generators, so it does not offer generate
  diff      a checkout too (it reads contracts through the contract model, which needs ajv);
            the installed package does not offer it`,
  );

// `-v`, as most CLIs spell the version, got a bare "unknown option" where a long option's typo gets commander's "(Did you mean
// --token?)" (tHQ F2): a hidden option, refused with the same words and that hint. Commander suggests for long options only.
program.addOption(new Option('-v').hideHelp());
program.on('option:v', () => program.error("error: unknown option '-v'\n(Did you mean --version?)", { code: 'commander.unknownOption' }));

program
  .command('validate')
  .description('validate message files: .json (one message or an array), .ndjson/.jsonl (one per line), folders, pipes, or - for stdin (needs only Node)')
  .argument('<paths...>', 'files, folders, FIFOs or <(process substitution), or - for standard input')
  // `cat x.ndjson | realtime-contract validate` said only that paths are missing (a fresh user).
  .configureOutput({
    outputError: (text, write) => write(escapedLines(text.includes("missing required argument 'paths'") ? `${text}(- reads standard input: cat messages.ndjson | realtime-contract validate -)\n` : text)),
  })
  .addOption(new Option('--mode <mode>', 'strict rejects unknown fields (producers, CI); tolerant lets them pass (consumers)').choices(['strict', 'tolerant']).default('strict'))
  .addOption(new Option('--format <format>', 'text: a line per rejected message; json: one JSON object').choices(['text', 'json']).default('text'))
  .addOption(
    new Option('--input <format>', 'what standard input, pipes and named files hold: json (one document), ndjson (one message per line), auto (a named file by its extension; else one document if the whole text is one, else NDJSON); a folder\'s files go by their extensions')
      .choices(['auto', 'json', 'ndjson'])
      .default('auto'),
  )
  .option('--all-errors', 'report every fault of each message, not only the first', false)
  .option('--jobs <n>', 'worker threads for NDJSON files of 8 MiB or more, 1 to 16 (same output; 1: none) (default: CPUs, at most 4)', (v: string) => {
    // One range, one message, for 0 and 17 alike (a hostile tester).
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 16) throw new InvalidArgumentError('expected an integer from 1 to 16');
    return Number(v);
  })
  .action(async (paths: string[], options: { mode: 'strict' | 'tolerant'; format: 'text' | 'json'; input: 'auto' | 'json' | 'ndjson'; allErrors: boolean; jobs?: number }) => {
    // Imported on use: `generate` must run before generated/ exists.
    const { runValidate } = await import('./validate-command.js');
    const stale = (await import('./stale.js')).staleContractWarning();
    if (stale) output.stderr(`${stale}\n`);
    process.exitCode = await runValidate(paths, options, outputShowing(paths));
  });

// The code generators need a checkout (schemas/, dev dependencies): the package ships neither
// them nor this command, so an installed CLI offers only what works where it runs.
const generateCommand = ['generate-command.js', 'generate-command.ts'].map((name) => new URL(name, import.meta.url)).find((url) => existsSync(url));
if (generateCommand) {
  program
    .command('generate')
    .description('write generated/ from schemas/ (types, validators, TypeBox, docs, other languages); needs a checkout with dev dependencies (npm ci)')
    .option('--check', 'write nothing; exit 1 naming the stale files when generated/ differs', false)
    .option('--schemas <dir>', 'folder of the JSON Schemas', 'schemas')
    .option('--out <dir>', 'folder to replace with the artifacts (refused when its top level holds a name generate does not write)', 'generated')
    .action(async (options: { check: boolean; schemas: string; out: string }, command: Command) => {
      if (currentFolderGone()) return;
      const { runGenerate } = (await import(generateCommand.href)) as typeof GenerateCommandModule;
      process.exitCode = await runGenerate({ ...options, outNamed: command.getOptionValueSource('out') !== 'default', schemasNamed: command.getOptionValueSource('schemas') !== 'default' }, outputShowing([options.schemas, options.out]));
    });
}

const serveCommand = program
  .command('serve')
  .description('run the reference WebSocket server with a demo producer (--demo, required: a real backend embeds createRealtimeServer from "realtime-contract/server")')
  .option('--demo', 'required: demo secret, tokens for two users and an admin, and a producer of every stream type')
  .option('--port <port>', 'port to listen on', '8000')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  // From the environment, the secret (and a Redis password) stay out of the process list, which every local user reads
  // (`ps`, /proc/<pid>/cmdline): with the secret, one signs an admin token for the demo (tCN F2). Named as listen's
  // REALTIME_CONTRACT_TOKEN is; the option given wins.
  .addOption(new Option('--redis <url>', 'keep streams in Redis (redis://host:port) so several serve processes share fan-out and resume; from the environment, a password in it stays out of the process list').env('REALTIME_CONTRACT_REDIS'))
  .addOption(new Option('--secret <secret>', 'HS256 demo secret, at least 32 bytes (give every node the same one with --redis; default: a random one, kept in a folder of the temp dir that only you can open, so a restarted demo accepts the tokens it printed); from the environment, it stays out of the process list').env('REALTIME_CONTRACT_SECRET'))
  .option('--allow-origin <origin...>', 'browser origins allowed besides the demo\'s own (http://localhost:PORT, http://127.0.0.1:PORT, the listening host)')
  .option('--no-websocket', 'refuse WebSocket upgrades (404), so clients fall back to long polling: to try the fallback')
  .action(async (options: { demo?: boolean; port: string; host: string; redis?: string; secret?: string; allowOrigin?: string[]; websocket: boolean }) => {
    const { runServe } = await import('./serve-command.js');
    // A refusal names what the value was given as: the variable, when it came from the environment.
    const named = (option: 'secret' | 'redis', variable: string) => (serveCommand.getOptionValueSource(option) === 'env' ? { [option]: variable } : {});
    process.exitCode = await runServe({ ...options, names: { ...named('secret', 'REALTIME_CONTRACT_SECRET'), ...named('redis', 'REALTIME_CONTRACT_REDIS') } }, output);
    // Ended here, its output written, with its SIGINT and SIGTERM listener still installed: after a natural end (the `exit`
    // event) Node's teardown closes that listener and gives both signals their default action for 100-350 ms under load,
    // so a second Ctrl-C or a supervisor's SIGTERM 5-100 ms after the first killed the stopped demo by the signal, 130 or
    // 143, its `stopped` line printed (tII F1). process.exit skips that teardown: a signal now changes nothing.
    await output.flushed?.();
    process.exit();
  });
// The usage line names every option, made from them so that none is left out (it said only
// `[options]`, and README's copy had lost --redis and --secret): --demo is required.
serveCommand.usage(serveCommand.options.map((option) => (option.long === '--demo' ? option.flags : `[${option.flags}]`)).join(' '));

program
  .command('listen')
  .description('connect to a running server, answer its pings, and check every frame and the keepalive timing against the contract')
  .argument('<ws-url>', `e.g. ws://localhost:8000${contract.WEBSOCKET_PATH ?? '/api/ws'}`)
  // An empty one (`--token "$JWT"` with JWT unset, an empty REALTIME_CONTRACT_TOKEN) was dropped in
  // silence, and the server's 401 was said as "no token was given: --token, …" (tBT F9): refused
  // here, commander naming the option or the variable it came from.
  .addOption(
    new Option('--token <jwt>', 'sent as ?token= (never printed); from the environment, it stays out of the process list')
      .env('REALTIME_CONTRACT_TOKEN')
      .argParser((v: string) => {
        if (v.trim() === '') throw new InvalidArgumentError('expected a token, got an empty one (an unset variable, as in --token "$JWT" with JWT unset?): give the token, or leave out both --token and REALTIME_CONTRACT_TOKEN to connect without one');
        return v;
      }),
  )
  .option('--duration <time>', 'stop after this long: 60s, 500ms, 2m, 1h; a bare number is seconds, under 1000 (5000 alone is refused: write 5000ms or 5000s) (default 60s, with --count too)', (v: string) => duration(v, 's'))
  .option('--count <n>', 'stop after n frames (fewer, when --duration runs out or the server closes, is a violation)', (v: string) => positiveInteger(v))
  .option('--ping-interval <time>', `the ping interval to check against: 30s, 30000ms; a bare number is milliseconds, at least 1000 (30 alone is refused: write 30s or 30ms) (default the contract's PING_INTERVAL_MS${figure(contract.PING_INTERVAL_MS)})`, (v: string) => duration(v, 'ms', false))
  .option('--tolerance <fraction>', 'allowed deviation of a ping interval, as a fraction of it from 0 to 1 (default 0.1)', (v: string) => fraction(v))
  .addOption(new Option('--mode <mode>', 'strict rejects unknown fields; tolerant lets them pass').choices(['strict', 'tolerant']).default('strict'))
  .addOption(new Option('--format <format>', 'text: a line per violation; json: one JSON object').choices(['text', 'json']).default('text'))
  .option('--all-errors', 'report every fault of each frame, not only the first', false)
  .option('--no-ping', `send no ping; by default listen pings a server once its first message with a cursor shows protocol v1.1, as the package's client does (a v1.0 server, the spec's, sends no cursor and is not pinged), and wants a pong echoing it within the contract's pong timeout (PONG_TIMEOUT_MS${figure(contract.PONG_TIMEOUT_MS)}) or before the run ends`)
  .option('--max-frame <size>', 'the largest message read: 1MiB, 512KiB, 4096 (a bare number is bytes; at most and by default 100MiB); a larger one is a violation that ends the run. --duration does not interrupt the check of a frame: this bounds how long one takes', (v: string) => size(v, 100 * 1024 * 1024))
  .action(async (url: string, options: { token?: string; duration?: number; count?: number; pingInterval?: number; tolerance?: number; mode: 'strict' | 'tolerant'; format: 'text' | 'json'; allErrors: boolean; maxFrame?: number; ping: boolean }) => {
    const { runListen } = await import('./listen-command.js');
    const stale = (await import('./stale.js')).staleContractWarning();
    if (stale) output.stderr(`${stale}\n`);
    process.exitCode = await runListen(url, { ...options, durationMs: options.duration, pingIntervalMs: options.pingInterval, maxFrameBytes: options.maxFrame }, output);
    // Its signals held to the end (main.ts, runListen), it still ended naturally, and in Node's teardown after that the
    // default action was back for 70-290 ms under load: a second Ctrl-C or a SIGTERM after the report killed it 130 or 143
    // where the report said 0 violations (tIQ F4). Ended as serve is, by process.exit once its output is written, but
    // only once nothing is left to do (`beforeExit`): it still waits up to 1 s for the server's answer to its close.
    process.once('beforeExit', () => void (output.flushed?.() ?? Promise.resolve()).then(() => process.exit()));
  });

// diff reads both contracts through the contract model, which needs the checkout's dev
// dependencies (ajv) like generate: the package ships neither, so only a checkout offers it.
const diffCommand = ['diff-command.js', 'diff-command.ts'].map((name) => new URL(name, import.meta.url)).find((url) => existsSync(url));
if (diffCommand) {
  program
    .command('diff')
    .description('classify the changes between two contracts by who they break (exit 1 on --fail-on level), and suggest the release and protocol version')
    .argument('<old>', 'the older contract: a git ref, a folder of schemas, or an npm pack tarball (.tgz); prefix git:, dir: or tarball: to force one')
    .argument('[new]', 'the newer contract, the same kinds (default: the working tree)')
    .addOption(new Option('--format <format>', 'text: a line per change, then a summary; json: one JSON object').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a change of this level or worse is found (major: when the changes call for a major release, code built on the generated types included)').choices(['breaking', 'strict', 'compatible', 'major', 'never']).default('breaking'))
    .option('--schemas <dir>', 'folder of the schemas in the working tree and in git refs', 'schemas')
    .action(async (old: string, current: string | undefined, options: { format: 'text' | 'json'; failOn: 'breaking' | 'strict' | 'compatible' | 'major' | 'never'; schemas: string }) => {
      if (currentFolderGone()) return;
      const { runDiff } = (await import(diffCommand.href)) as typeof DiffCommandModule;
      process.exitCode = await runDiff(old, current, options, outputShowing([old, current, options.schemas]));
    });
}

// The installed package: `generate` and `diff` say why they are not there, where commander
// said only `unknown command 'generate'` (found by a fresh user).
for (const [name, available] of [['generate', generateCommand], ['diff', diffCommand]] as const) {
  if (available) continue;
  program
    .command(name, { hidden: true })
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write(`realtime-contract: ${name} needs a checkout of the realtime-contract repository with its dev dependencies (npm ci); the installed package ships no ${name === 'generate' ? 'code generators' : 'contract model (ajv) to read schemas with'}\n`);
      process.exitCode = 2;
    });
}

/**
 * commander's error text with each line escaped as the CLI's own messages are (`\r`, `\u001b`), its line ends kept, and the
 * word an unknown option or command quotes shown as {@link shownArgument} shows it: `--tokne=<jwt>`, `--secrets=<secret>`,
 * `--redis-url=redis://:<password>@host` were echoed whole (tFU F1). (An option's refused value is shown so where it is refused.)
 */
function escapedLines(text: string): string {
  const unknown = /^(error: unknown (?:option|command) ')([^]*)('(?:\n\(Did you mean [^\n']*\?\))?\n?)$/.exec(text);
  const shown = unknown === null ? text : `${unknown[1]}${shownArgument(unknown[2]!)}${unknown[3]}${suggestion(unknown[1]!, unknown[2]!, unknown[3]!)}`;
  return shown.split('\n').map(oneLine).join('\n');
}

/**
 * commander's "Did you mean" for an unknown `--name=value`, which it gives for `--tokne` but not for `--tokne=…` (tHC F14):
 * the running command's option nearest `--name`, within two edits; empty when commander gave one or none is near.
 */
function suggestion(start: string, word: string, end: string): string {
  const option = /^(--[^=]+)=/.exec(word);
  if (!start.includes('option') || option === null || end.includes('Did you mean')) return '';
  const command = program.commands.find((each) => each.name() === process.argv[2]) ?? program;
  const near = command.options
    .map((each) => each.long)
    .filter((long): long is string => long !== undefined && long !== option[1])
    .map((long) => ({ long, distance: editDistance(option[1]!.toLowerCase(), long) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance)[0];
  return near === undefined ? '' : `${end.endsWith('\n') ? '' : '\n'}(Did you mean ${near.long}?)\n`;
}

/** A fraction from 0 to 1 as JavaScript writes numbers (`0.5`, `.5`, `1e-1`: `.5` was refused as not one, a fresh user); `50%` is told as 0.5. */
function fraction(value: string): number {
  // A percentage from 0 to 100 % is told as its fraction (to 12 digits: 0.7 % read 0.006999999999999999, tFA F4); past 100 % no fraction is one.
  const percent = /^(\d+(?:\.\d*)?|\.\d+)\s*%$/.exec(value.trim());
  if (percent && Number(percent[1]) <= 100) throw new InvalidArgumentError(`expected a fraction from 0 to 1, such as 0.1, not a percentage: ${percent[1]}% is ${Number((Number(percent[1]) / 100).toPrecision(12))}`);
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(value.trim()) || Number(value) > 1) throw new InvalidArgumentError('expected a fraction from 0 to 1, such as 0.1');
  return Number(value);
}

/**
 * A positive, finite duration in ms: `60s`, `500ms`, `2m`; a bare number is in `bare` units.
 * `timer` when a timer is set for it (Node runs none longer than 2^31 − 1 ms).
 */
function duration(value: string, bare: 'ms' | 's', timer = true): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m ? Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? bare]!) : 0;
  if (!(ms >= 1) || !Number.isFinite(ms)) throw new InvalidArgumentError(`expected a duration such as 60s, 500ms or 2m${bare === 'ms' ? ' (a bare number is milliseconds)' : ''}`);
  // `--ping-interval 30` beside `--duration 65` (seconds) checked for a ping every 30 ms (a fresh
  // user): a bare number of milliseconds under a second is taken for seconds written bare, and refused.
  if (bare === 'ms' && m![2] === undefined && ms < 1000) throw new InvalidArgumentError(`a bare number is milliseconds here, and ${ms} ms is surely not meant: write ${value.trim()}s, or ${value.trim()}ms if it is`);
  // And the other way round: `--duration 60000` beside `--ping-interval 30000` (ms) ran for 16.7
  // hours, `--duration 5000` for 83 minutes (fresh users): from 1000 on, a bare number may be
  // either, so its unit is asked for.
  if (bare === 's' && m![2] === undefined && ms >= 1_000_000) throw new InvalidArgumentError(`a bare number is seconds here, and ${value.trim()} s (${ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`}) may be meant as milliseconds: write ${value.trim()}ms, or ${value.trim()}s if it is seconds`);
  // Node's timers hold at most 2^31 - 1 ms; a longer one fires at once (`listen` ended after 1 ms).
  if (timer && ms > 2 ** 31 - 1) throw new InvalidArgumentError('expected a duration of at most 596h (2^31 - 1 ms, the longest timer Node runs)');
  return ms;
}

/**
 * A size in bytes from 1 to `max`: `1MiB`, `512KiB`, `4096B`; a bare number is bytes. Only the
 * binary units: `1MB` could mean 10^6 or 2^20 bytes, and is refused with both.
 */
function size(value: string, max: number): number {
  const m = /^(\d+)\s*(B|KiB|MiB)?$/i.exec(value.trim());
  const unit = m?.[2]?.toLowerCase();
  const bytes = m ? Number(m[1]) * (unit === 'mib' ? 1024 * 1024 : unit === 'kib' ? 1024 : 1) : NaN;
  if (!m) {
    const decimal = /^(\d+)\s*([KM])B?$/i.exec(value.trim());
    // `1MB`: 1MiB (2^20 bytes) or 1000000 (bytes), said with both.
    const binary = decimal ? `${decimal[1]}${decimal[2]!.toUpperCase()}iB` : '';
    const mega = decimal?.[2]!.toUpperCase() === 'M';
    const [inBinary, inDecimal] = decimal ? [Number(decimal[1]) * (mega ? 1024 * 1024 : 1024), Number(decimal[1]) * (mega ? 1_000_000 : 1000)] : [0, 0];
    throw new InvalidArgumentError(decimal ? `expected a size in bytes, KiB or MiB, got ${value.trim()}, which could mean ${inBinary} or ${inDecimal} bytes: write ${binary} or ${inDecimal}` : 'expected a size such as 1MiB, 512KiB or 4096 (bytes)');
  }
  if (!(bytes >= 1) || bytes > max) throw new InvalidArgumentError(`expected a size from 1 byte to ${max / 1024 / 1024}MiB, got ${value.trim()}`);
  return bytes;
}

function positiveInteger(value: string): number {
  // Past 2^53 - 1 a count is rounded: `--count 9007199254740993` said it expected …992 frames.
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected a positive integer up to ${Number.MAX_SAFE_INTEGER}`);
  return Number(value);
}

// Every wrong option value of a run, said together: commander stops at the first, so that
// `validate --mode lax --jobs 0 --input xml` took three runs (tBT F3). Each option's check
// records its refusal, in commander's words, and the command stops before its action with all
// of them. (An option from the environment, --token, still stops at once: its words say where
// the value came from, which a check cannot tell. Unknown options and missing arguments are
// found before, by commander, one at a time.)
const refusedValues: string[] = [];
for (const command of program.commands) {
  for (const option of command.options) {
    const check = option.parseArg;
    if (check === undefined || option.envVar !== undefined) continue;
    option.parseArg = <T>(value: string, previous: T): T => {
      try {
        return check.call(option, value, previous) as T;
      } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        // The value as a usage error shows it (a JWT, a password or a URL's credentials left out: tFU F1); one that is an
        // option was taken as this one's value, which an empty variable before it does (`--duration $DURATION --token=…`).
        const anOption = /^--?[A-Za-z]/.test(value) ? `; it is an option, taken as the value of ${option.long ?? option.flags}: was the value before it an empty variable (${option.long ?? option.flags} $VALUE with VALUE unset)? Quote the variable ("$VALUE")` : '';
        refusedValues.push(`error: option '${option.flags}' argument '${shownArgument(value)}' is invalid. ${error.message}${anOption}`);
        return undefined as T;
      }
    };
  }
}
program.hook('preAction', (_program, command) => {
  if (refusedValues.length > 0) command.error(refusedValues.join('\n'), { code: 'commander.invalidArgument' });
});

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every usage error exits 2 (commander prints the message).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (!currentFolderGone()) {
    // Escaped like every other message: a path with a control character in a Node error reached the terminal raw (a tester).
    process.stderr.write(pathsShown(`realtime-contract: ${printable((error as Error).message)}\n`));
    process.exitCode = 2;
  }
}

/**
 * Whether the current folder no longer exists (a shell left standing in a folder that
 * `generate` replaced whole, or that was removed), said on stderr with exit code 2 if so: the
 * generators' import failed on it, and was read as missing dev dependencies (npm ci), with a
 * stack trace, and `diff` said `ENOENT … uv_cwd` (a tester).
 */
function currentFolderGone(): boolean {
  try {
    process.cwd();
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    process.stderr.write('realtime-contract: the current folder no longer exists (removed, or replaced whole by generate, as it replaces --out): cd into the checkout again (or any folder that exists)\n');
    process.exitCode = 2;
    return true;
  }
}

/** The version in this package's package.json, found from here in src/ or dist/. */
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'realtime-contract' && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}
