import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';

/** Options of `realtime-contract generate`. */
export interface GenerateCommandOptions {
  /** Folder of the JSON Schemas. */
  schemas: string;
  /** Folder the artifacts go to; replaced as a whole. */
  out: string;
  /** Compare instead of writing. */
  check: boolean;
}

/**
 * `realtime-contract generate [--check]`: runs every generator over `schemas/` and writes
 * `generated/` (atomically, as a whole), or with `--check` only compares and names the stale
 * files. A broken schema stops generation with its file and JSON Pointer; nothing is written.
 *
 * @returns the exit code: 0 written or fresh, 1 stale (`--check`), 2 a broken schema, no
 *   schemas folder, an `--out` that is not a folder (a file, a symbolic link) or holds what generate does not write, or a checkout
 *   without the code generators' dev dependencies
 */
export async function runGenerate(options: GenerateCommandOptions, output: { stdout: (text: string) => void; stderr: (text: string) => void }): Promise<number> {
  let codegen: typeof import('../codegen/index.js');
  try {
    codegen = await import('../codegen/index.js');
  } catch (error) {
    output.stderr(`realtime-contract: generate needs a checkout of realtime-contract with its dev dependencies installed (npm ci): ${(error as Error).message}\n`);
    return 2;
  }
  const started = performance.now();
  const folder = await stat(options.schemas).then((found) => found.isDirectory(), () => false);
  if (!folder) {
    output.stderr(`realtime-contract: --schemas ${options.schemas}: no such folder (the folder of the JSON Schemas, one file per message type)\n`);
    return 2;
  }
  // A file, or a path through one: said before anything reads or writes it (it was `ENOTDIR … scandir`).
  // A symbolic link too, dangling or not: generate would replace the link itself with a folder.
  const notFolder = await lstat(options.out).then(
    (found) => (found.isDirectory() ? undefined : found.isSymbolicLink() ? 'is a symbolic link, not a folder' : 'is a file, not a folder'),
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error.code === 'ENOTDIR' ? 'has a file where its path needs a folder' : error.message),
  );
  if (notFolder !== undefined) {
    output.stderr(`realtime-contract: --out ${options.out}: ${notFolder} (generate writes a folder of files: name a new folder, or one it wrote)\n`);
    return 2;
  }
  if (!options.check) {
    // Refused before the generators run (seconds), and again with what this run writes.
    const foreign = await codegen.foreignEntries(options.out, codegen.OUTPUT_NAMES);
    if (foreign.length > 0) {
      output.stderr(`realtime-contract: --out ${new codegen.ForeignOutputError(options.out, foreign).message}\n`);
      return 2;
    }
  }
  let files;
  try {
    files = await codegen.generate(options.schemas);
  } catch (error) {
    if (error instanceof codegen.SchemaError) {
      output.stderr(`realtime-contract: ${path.join(options.schemas, error.file)}#${error.pointer}: ${error.problem}\n`);
      return 2;
    }
    throw error;
  }
  if (options.check) {
    const { changed, lineEnds, missing, extra } = await codegen.checkGenerated(options.out, files);
    const stale = [...changed.map((f) => `${f} (changed)`), ...missing.map((f) => `${f} (missing)`), ...extra.map((f) => `${f} (not generated)`)];
    const list = (names: string[]) => names.map((f) => `  ${path.join(options.out, f)}\n`).join('');
    if (stale.length > 0) {
      output.stderr(`realtime-contract: ${options.out}/ is stale; run \`npm run generate\`:\n${list(stale)}`);
    }
    if (lineEnds.length > 0) {
      output.stderr(
        `realtime-contract: ${lineEnds.length} file(s) in ${options.out}/ differ only in line ends (CRLF on disk, the generators write LF), ` +
          `as after a checkout with core.autocrlf=true; .gitattributes pins LF for ${options.out}/: run \`npm run generate\` to rewrite them:\n${list(lineEnds)}`,
      );
    }
    if (stale.length > 0 || lineEnds.length > 0) return 1;
    output.stdout(`${options.out}/ is up to date (${files.size} files)\n`);
    return 0;
  }
  try {
    await codegen.writeGenerated(options.out, files);
  } catch (error) {
    if (error instanceof codegen.ForeignOutputError) {
      output.stderr(`realtime-contract: --out ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  output.stdout(`wrote ${files.size} files to ${options.out}/ in ${Math.round(performance.now() - started)} ms\n`);
  return 0;
}
