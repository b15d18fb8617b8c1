/**
 * A fault in a schema file: which file, where in it (JSON Pointer) and what is wrong.
 * Loading and generation stop on it; nothing is written. The faults each file has on its own
 * (not JSON, not a valid schema, another draft's `$schema`, an unknown keyword, a wrong `$id`) are found in every file at
 * once: the first is this error (its `message` says it alone), the first of each other file is in
 * `others`, so several broken files are named in one run (they took a run each: tBT F2). Faults
 * between files (a `$ref` to nothing, a type declared twice) are looked for only once no file
 * has one of its own, and come one at a time.
 */
export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly problem: string,
    /** The first fault of each other file, in file name order; empty when only this one was found. */
    readonly others: readonly SchemaError[] = [],
  ) {
    super(`${file}#${pointer}: ${problem}`);
    this.name = 'SchemaError';
  }
}
