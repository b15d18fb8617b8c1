/**
 * A fault in a schema file: which file, where in it (JSON Pointer) and what is wrong.
 * Loading and generation stop on the first one; nothing is written.
 */
export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`${file}#${pointer}: ${problem}`);
    this.name = 'SchemaError';
  }
}
