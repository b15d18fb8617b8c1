import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { ValidationError } from '../runtime/errors.js';
import { parsePointer } from '../runtime/json-pointer.js';
import { describeSyntaxError } from '../runtime/json-syntax.js';
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
 * @returns the exit code: 0 all valid, 1 any invalid, 2 a usage or I/O error (a missing
 *   file, an unreadable folder, an unsupported file type); the other paths are still validated
 */
export async function runValidate(paths: string[], options: ValidateCommandOptions, output: Output): Promise<number> {
  const tally = { valid: 0, invalid: 0 };
  const problems: Problem[] = [];
  const errors: string[] = [];
  const report = (problem: Problem) => {
    tally.invalid++;
    if (options.format === 'text') {
      output.stdout(`${problem.file}:${problem.line}: ${problem.type ?? '-'} ${problem.pointer || '(root)'} ${problem.message}\n`);
    } else {
      problems.push(problem);
    }
  };
  const fail = (message: string) => {
    errors.push(message);
    if (options.format === 'text') output.stderr(`realtime-contract: ${message}\n`);
  };
  const check = (value: unknown, file: string, line: number, locate?: (error: ValidationError) => number) => {
    const result = validateMessage(value, { mode: options.mode });
    if (result.ok) {
      tally.valid++;
      return;
    }
    const [error] = result.errors;
    report(toProblem(file, locate ? locate(error!) : line, messageType(value), error!));
  };

  const validateDocument = (text: string, file: string) => {
    if (text.trim() === '') {
      report({ file, line: 1, type: null, pointer: '', keyword: 'json', message: 'expected at least one message, got an empty file' });
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      const syntax = describeSyntaxError(text, (error as Error).message);
      report(toProblem(file, lineAt(text, syntax.position ?? 0), null, syntax));
      return;
    }
    const messages = Array.isArray(document) ? document : [document];
    if (messages.length === 0) {
      report({ file, line: 1, type: null, pointer: '', keyword: 'json', message: 'expected at least one message, got an empty array' });
      return;
    }
    let tree: JsonNode | undefined | null = null;
    messages.forEach((message, index) => {
      check(message, file, 1, (error) => {
        tree ??= safeParseTree(text);
        const prefix = Array.isArray(document) ? [index] : [];
        return tree ? lineAt(text, nearestOffset(tree, prefix, parsePointer(error.pointer))) : 1;
      });
    });
  };

  const validateLines = async (lines: AsyncIterable<string>, file: string) => {
    let number = 0;
    let seen = 0;
    for await (const raw of lines) {
      number++;
      const line = number === 1 ? stripBom(raw) : raw;
      if (line.trim() === '') continue;
      seen++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        report(toProblem(file, number, null, describeSyntaxError(line, (error as Error).message)));
        continue;
      }
      check(value, file, number);
    }
    if (seen === 0) report({ file, line: 1, type: null, pointer: '', keyword: 'json', message: 'expected at least one message, got an empty file' });
  };

  const validateFile = async (file: string) => {
    const binary = await findNulByte(file);
    if (binary !== undefined) {
      report({ file, line: 1, type: null, pointer: '', keyword: 'json', message: `expected JSON text, got a binary file (NUL byte at offset ${binary})` });
      return;
    }
    if (LINE_FILE.test(file)) {
      const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
      await validateLines(lines, file);
    } else {
      validateDocument(stripBom(await readFile(file, 'utf8')), file);
    }
  };

  for (const given of paths) {
    try {
      if (given === '-') {
        const text = stripBom(await readAll(output.stdin()));
        if (isJsonDocument(text)) validateDocument(text, '<stdin>');
        else await validateLines(splitLines(text), '<stdin>');
        continue;
      }
      const info = await stat(given);
      if (info.isDirectory()) {
        const files = await messageFilesUnder(given);
        if (files.length === 0) fail(`no .json, .ndjson or .jsonl files under "${given}"`);
        for (const file of files) await validateFile(file);
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

function toProblem(file: string, line: number, type: string | null, error: ValidationError): Problem {
  return { file, line, type, pointer: error.pointer, keyword: error.keyword, message: error.message, expected: error.expected, found: error.found };
}

function messageType(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : null;
}

async function messageFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && MESSAGE_FILE.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Offset of the first NUL byte in the first 64 KiB, if any: a binary file, not JSON text. */
async function findNulByte(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const index = buffer.subarray(0, bytesRead).indexOf(0);
    return index === -1 ? undefined : index;
  } finally {
    await handle.close();
  }
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

function isJsonDocument(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    const first = text.trimStart()[0];
    // A pretty-printed document with a fault is still a document; NDJSON lines are compact.
    return first === '[' || (first === '{' && !text.trimStart().split('\n', 1)[0]!.trimEnd().endsWith('}'));
  }
}

async function* splitLines(text: string): AsyncIterable<string> {
  for (const line of text.split('\n')) yield line.endsWith('\r') ? line.slice(0, -1) : line;
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
