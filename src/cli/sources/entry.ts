import type { JsonTextScan } from '../../languages/json-scan.js';
import type { ValidationError } from '../../runtime/errors.js';

/** Where a message is: the path as given (or `<stdin>`), its 1-based line, and its index in a `.json` array. */
export interface Place {
  file: string;
  /** 1-based line where the message (or, once located, the faulty value) starts. */
  line: number;
  /** Position of the message in a `.json` array, when the file holds one. */
  index?: number;
}

/** One message read from a source. */
export interface MessageEntry extends Place {
  kind: 'message';
  value: unknown;
  /** Keys written twice in one object of the message (only when duplicate keys are looked for). */
  duplicateKeys: { pointer: string; line: number }[];
  /** Line of the value at `pointer` (a JSON Pointer into the message); the message's line when unknown. */
  locate(pointer: string): number;
  /**
   * The number at `pointer` as the text writes it (`12345678901234567890`, `1.0`), or undefined
   * when there is no number there. Read only for a rejection: error texts show a value as
   * JavaScript reads it, which for such numbers is not what the producer wrote.
   */
  literal(pointer: string): string | undefined;
  /**
   * {@link MessageEntry.literal} of each of `pointers` that has a number there, found at once:
   * a rejection's faults ask together, so that an NDJSON line is read once for all of them, in a
   * pass that keeps no syntax tree of it (a line's tree took about 0.45 KB a key).
   */
  literals(pointers: readonly string[]): ReadonlyMap<string, string>;
  /**
   * The JSON text the message was read from, as the producer wrote it, and the line it starts
   * on: the NDJSON line, or the whole `.json` document (one object shared by its messages).
   * `scan` is the text's one-pass scan when duplicate keys were looked for, so that the
   * portability check (`findNonPortableIntegers`) does not read the text again.
   */
  source: { text: string; line: number; scan?: JsonTextScan | undefined };
}

/** Text that is not a message: not JSON, not UTF-8, an empty file, a line too long to hold, nested too deep to read (`index`: an element of a `.json` array). */
export interface SyntaxEntry extends Place {
  kind: 'syntax';
  error: ValidationError;
}

/** A path that could not be read at all (missing, unreadable, unsupported): a usage or I/O error. */
export interface UnreadableEntry {
  kind: 'unreadable';
  file: string;
  /** One line, e.g. `cannot read "x.json": no such file or folder`. */
  reason: string;
}

/**
 * A regular NDJSON file left unread for the caller (only with `SourceOptions.largeNdjsonFrom`):
 * `validate` hands its blocks to worker threads.
 */
export interface NdjsonFileEntry {
  kind: 'ndjson-file';
  file: string;
  /** Its size in bytes when it was found. */
  size: number;
  /** Found in a folder (not named): it goes by its extension whatever `--input` says ({@link readFoundFile}). */
  found?: true;
}

/** What a source yields, in input order. */
export type SourceEntry = MessageEntry | SyntaxEntry | UnreadableEntry;

/** What a stream of bytes holds: one JSON document (a message or an array of them), or NDJSON. */
export type InputFormat = 'json' | 'ndjson';
