import { createReadStream, type Dirent } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { ValidationError } from '../runtime/errors.js';
import { parsePointer } from '../runtime/json-pointer.js';
import { describeSyntaxError } from '../runtime/json-syntax.js';
import { findNonPortableIntegers } from '../languages/portability.js';
import { validateMessage, type ValidationMode } from '../runtime/validate.js';

/** Options of `realtime-contract validate`. */
export interface ValidateCommandOptions {
  mode: ValidationMode;
  format: 'text' | 'json';
}

/** One rejected message, as printed. */
export interface Problem {
  /** The path as given (or `<stdin>`). */
  file: string;
  /** 1-based line where the message (or, in a `.json` file, the faulty value) starts. */
  line: number;
  /** Position of the message in a `.json` array, when the file holds one. */
  index?: number;
  /** The message's `type` when it has a string one, else null. */
  type: string | null;
  pointer: string;
  keyword: string;
  message: string;
  expected?: string;
  found?: string;
}

/** Where the command writes. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => NodeJS.ReadableStream;
}

const MESSAGE_FILE = /\.(json|ndjson|jsonl)$/i;
const LINE_FILE = /\.(ndjson|jsonl)$/i;
/** Longest NDJSON line read: past this a line is reported and skipped, not held in memory. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * `realtime-contract validate [paths...]`: validates message files.
 *
 * - `.json`: one message, or an array of messages;
 * - `.ndjson` / `.jsonl`: one message per line, read as a stream (bounded memory); blank
 *   lines are skipped, a bad line is reported and the others are still validated;
 * - a folder: every such file below it, recursively, in sorted order;
 * - `-`: standard input, read as one JSON document when it is one, else as NDJSON.
 *
 * Text output is one line per rejected message, `path:line: <type> <pointer> expected …,
 * got …`, then `N valid, M invalid`. JSON output is one object
 * `{ valid, invalid, problems: Problem[], errors: string[] }`.
 *
 * Folders are walked following symbolic links; files must be UTF-8 (BOM and CRLF allowed).
 *
 * @returns the exit code: 0 all valid, 1 any invalid, 2 a usage or I/O error (a missing or
 *   unreadable file or folder, an unsupported file type); every other file is still validated
 */
export async function runValidate(paths: string[], options: ValidateCommandOptions, output: Output): Promise<number> {
  const tally = { valid: 0, invalid: 0 };
  const problems: Problem[] = [];
  const errors: string[] = [];
  const report = (problem: Problem) => {
    tally.invalid++;
    if (options.format === 'text') {
      const type = problem.type === null ? '-' : problem.type.length > 40 ? `${problem.type.slice(0, 37)}...` : problem.type;
      output.stdout(`${oneLine(`${problem.file}:${problem.line}: ${type} ${problem.pointer || '(root)'} ${problem.message}`)}\n`);
    } else {
      problems.push(problem);
    }
  };
  const fail = (message: string) => {
    errors.push(message);
    if (options.format === 'text') output.stderr(`realtime-contract: ${oneLine(message)}\n`);
  };
  /**
   * Integers of valid messages that other languages read differently than the validator
   * (`1705251000000.0`, beyond 2^53: src/languages/portability.ts), as warnings on stderr
   * in text output; the exit code does not change. `firstLine` is the line `text` starts on.
   */
  const warnPortability = (text: string, file: string, firstLine: number) => {
    if (options.format !== 'text') return;
    for (const warning of findNonPortableIntegers(text, (value) => validateMessage(value, { mode: options.mode }))) {
      output.stderr(`${oneLine(`${file}:${firstLine + lineAt(text, warning.offset) - 1}: warning: ${warning.pointer} ${warning.message}`)}\n`);
    }
  };
  const check = (value: unknown, file: string, line: number, locate?: (error: ValidationError) => number, index?: number) => {
    const result = validateMessage(value, { mode: options.mode });
    if (result.ok) {
      tally.valid++;
      return;
    }
    const [error] = result.errors;
    report({ ...toProblem(file, locate ? locate(error!) : line, messageType(value), error!), ...(index !== undefined && { index }) });
  };

  /** `parsed` is the document when the caller has already parsed `text`. */
  const validateDocument = (text: string, file: string, parsed?: { document: unknown }) => {
    if (text.trim() === '') {
      report(fileProblem(file, 'at least one message', 'an empty file'));
      return;
    }
    let document: unknown;
    try {
      document = parsed ? parsed.document : JSON.parse(text);
    } catch (error) {
      const syntax = describeSyntaxError(text, (error as Error).message);
      report(toProblem(file, lineAt(text, syntax.position ?? 0), null, syntax));
      return;
    }
    const messages = Array.isArray(document) ? document : [document];
    if (messages.length === 0) {
      report(fileProblem(file, 'at least one message', 'an empty array'));
      return;
    }
    let tree: JsonNode | undefined | null = null;
    messages.forEach((message, index) => {
      const prefix = Array.isArray(document) ? [index] : [];
      const locate = (error: ValidationError) => {
        tree ??= safeParseTree(text);
        return tree ? lineAt(text, nearestOffset(tree, prefix, parsePointer(error.pointer))) : 1;
      };
      check(message, file, 1, locate, Array.isArray(document) ? index : undefined);
    });
    warnPortability(text, file, 1);
  };

  const validateLines = async (lines: AsyncIterable<Line>, file: string) => {
    let seen = 0;
    for await (const entry of lines) {
      if ('tooLong' in entry) {
        seen++;
        report({ file, line: entry.number, type: null, pointer: '', keyword: 'json', message: `expected a line of at most ${MAX_LINE_BYTES / 1024 / 1024} MB, got ${Math.ceil(entry.tooLong / 1024 / 1024)} MB or more` });
        continue;
      }
      const line = entry.number === 1 ? stripBom(entry.text) : entry.text;
      if (line.trim() === '') continue;
      seen++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        report(toProblem(file, entry.number, null, describeSyntaxError(line, (error as Error).message)));
        continue;
      }
      check(value, file, entry.number);
      warnPortability(line, file, entry.number);
    }
    if (seen === 0) report(fileProblem(file, 'at least one message', 'an empty file'));
  };

  const validateFile = async (file: string) => {
    try {
      const encoding = await sniffEncoding(file);
      if (encoding) {
        report(fileProblem(file, 'UTF-8 JSON text', encoding));
        return;
      }
      if (LINE_FILE.test(file)) await validateLines(readLines(file), file);
      else validateDocument(stripBom(await readFile(file, 'utf8')), file);
    } catch (error) {
      fail(`cannot read "${file}": ${describeIoError(error)}`);
    }
  };

  let readStdin = false;
  for (const given of paths) {
    try {
      if (given === '-') {
        if (readStdin) {
          fail('standard input (-) can be named only once');
          continue;
        }
        readStdin = true;
        const stdin = output.stdin();
        if ((stdin as { isTTY?: boolean }).isTTY) output.stderr('realtime-contract: reading messages from standard input; end with Ctrl-D\n');
        const text = stripBom(await readAll(stdin));
        const parsed = parseDocument(text);
        if (parsed) validateDocument(text, '<stdin>', parsed.document === NOT_JSON ? undefined : parsed);
        else await validateLines(splitLines(text), '<stdin>');
        continue;
      }
      const info = await stat(given);
      if (info.isDirectory()) {
        let found = 0;
        for await (const file of messageFilesUnder(given, fail)) {
          found++;
          await validateFile(file);
        }
        if (found === 0) fail(`no .json, .ndjson or .jsonl files under "${given}"`);
      } else if (MESSAGE_FILE.test(given)) {
        await validateFile(given);
      } else {
        fail(`cannot validate "${given}": expected a .json, .ndjson or .jsonl file, a folder, or - for standard input`);
      }
    } catch (error) {
      fail(`cannot read "${given}": ${describeIoError(error)}`);
    }
  }

  if (options.format === 'text') {
    output.stdout(`${tally.valid} valid, ${tally.invalid} invalid\n`);
  } else {
    output.stdout(`${JSON.stringify({ valid: tally.valid, invalid: tally.invalid, problems, errors })}\n`);
  }
  return errors.length > 0 ? 2 : tally.invalid > 0 ? 1 : 0;
}

/** A problem with a whole file rather than one message in it. */
function fileProblem(file: string, expected: string, found: string): Problem {
  return { file, line: 1, type: null, pointer: '', keyword: 'json', message: `expected ${expected}, got ${found}`, expected, found };
}

function toProblem(file: string, line: number, type: string | null, error: ValidationError): Problem {
  return { file, line, type, pointer: error.pointer, keyword: error.keyword, message: error.message, expected: error.expected, found: error.found };
}

function messageType(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : null;
}

/**
 * Message files below `dir`, recursively, in sorted order. Follows symbolic links (a linked
 * fixture is validated like any other), visits each real folder once (no link loops), and
 * reports an unreadable folder through `fail` and goes on with the others.
 */
async function* messageFilesUnder(dir: string, fail: (message: string) => void, visited = new Set<string>()): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    fail(`cannot read "${dir}": ${describeIoError(error)}`);
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const target = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const info = await stat(target);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
      } catch (error) {
        fail(`cannot read "${target}": ${describeIoError(error)}`);
        continue;
      }
    }
    if (isDirectory) yield* messageFilesUnder(target, fail, visited);
    else if (isFile && MESSAGE_FILE.test(entry.name)) yield target;
  }
}

/** One NDJSON line: its text, or only its size when it is too long to hold. */
type Line = { number: number; text: string } | { number: number; tooLong: number };

/**
 * Reads `file` line by line from a byte stream, holding one line at a time: splitting on the
 * LF byte is safe in UTF-8, and a CR before it is dropped. A line longer than
 * {@link MAX_LINE_BYTES} is skipped and reported by its size, so one giant line neither
 * exhausts memory nor hides the lines after it.
 */
async function* readLines(file: string): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let number = 1;
  const finish = (): Line => {
    const line = size > MAX_LINE_BYTES ? { number, tooLong: size } : { number, text: Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '') };
    parts = [];
    size = 0;
    number++;
    return line;
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      if (size + end - start <= MAX_LINE_BYTES) parts.push(chunk.subarray(start, end));
      size += end - start;
      yield finish();
      start = end + 1;
    }
    if (start < chunk.length) {
      if (size + chunk.length - start <= MAX_LINE_BYTES) parts.push(chunk.subarray(start));
      size += chunk.length - start;
    }
  }
  if (size > 0) yield finish();
}

/**
 * What keeps the first 64 KiB of `file` from being UTF-8 JSON text, if anything: a UTF-16
 * byte-order mark, or a NUL byte (a binary file).
 */
async function sniffEncoding(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'UTF-16 text (byte-order mark); save it as UTF-8';
    const nul = head.indexOf(0);
    return nul === -1 ? undefined : `a binary file (NUL byte at offset ${nul})`;
  } finally {
    await handle.close();
  }
}

/** The text on one line: control characters (newlines, escape sequences) shown as `\n`, `\u001b`. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (character) => JSON.stringify(character).slice(1, -1));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function safeParseTree(text: string): JsonNode | undefined {
  try {
    return parseTree(text) ?? undefined;
  } catch {
    return undefined; // e.g. nesting too deep for a recursive parser: fall back to line 1
  }
}

/** Offset of the node at `prefix + tokens`, or of its nearest existing ancestor. */
function nearestOffset(tree: JsonNode, prefix: (string | number)[], tokens: string[]): number {
  for (let length = tokens.length; length >= 0; length--) {
    const segments = [...prefix, ...tokens.slice(0, length).map((token) => (/^\d+$/.test(token) ? Number(token) : token))];
    const node = findNodeAtLocation(tree, segments);
    if (node) return node.parent?.type === 'property' ? node.parent.offset : node.offset;
  }
  return 0;
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

const NOT_JSON = Symbol('not JSON');

/**
 * Reads standard input as one JSON document when it is one, or looks like a pretty-printed
 * one with a fault (NDJSON lines are compact); `undefined` means: read it as NDJSON.
 */
function parseDocument(text: string): { document: unknown } | undefined {
  if (text.trim() === '') return { document: NOT_JSON };
  try {
    return { document: JSON.parse(text) };
  } catch {
    const first = text.trimStart()[0];
    const looksPretty = first === '[' || (first === '{' && !text.trimStart().split('\n', 1)[0]!.trimEnd().endsWith('}'));
    return looksPretty ? { document: NOT_JSON } : undefined;
  }
}

async function* splitLines(text: string): AsyncIterable<Line> {
  let number = 0;
  for (const line of text.split('\n')) yield { number: ++number, text: line.endsWith('\r') ? line.slice(0, -1) : line };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a folder',
    ENOTDIR: 'not a folder',
    ELOOP: 'too many symbolic links',
  };
  return (code && known[code]) ?? (error as Error).message;
}
