import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Output of the generators: path relative to `generated/` → file text. */
export type GeneratedFiles = Map<string, string>;

/** What differs between `generated/` on disk and what the schemas produce. */
export interface Staleness {
  /** Files whose text differs. */
  changed: string[];
  /**
   * Files that differ only in line ends: CRLF on disk where the generators write LF, as after
   * a checkout with `core.autocrlf=true` that `.gitattributes` did not cover.
   */
  lineEnds: string[];
  /** Files the schemas produce that are not on disk. */
  missing: string[];
  /** Files on disk that the schemas no longer produce. */
  extra: string[];
}

/** `--out` names a folder that holds what `generate` does not write: it is left as it was. */
export class ForeignOutputError extends Error {
  constructor(
    readonly outDir: string,
    readonly entries: string[],
  ) {
    super(
      `${outDir} holds ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ` and ${entries.length - 5} more` : ''}, which generate does not write; ` +
        'generate replaces the whole folder: name a new folder, or one it wrote (nothing was changed)',
    );
    this.name = 'ForeignOutputError';
  }
}

/**
 * Replaces `outDir` with exactly `files`, atomically as a whole: everything is written to a
 * sibling folder first, then swapped in by rename, so a failure leaves `outDir` as it was.
 * Files the schemas no longer produce go with it, inside the folders generate writes
 * (`docs/`, `languages/`, …); a name at the top of `outDir` that generate never writes
 * (`.git`, `package.json`, a stray file) means `outDir` is not its folder, and nothing is
 * touched (`--out src` deleted the sources).
 *
 * @throws ForeignOutputError when `outDir` holds a top-level name `files` does not
 */
export async function writeGenerated(outDir: string, files: GeneratedFiles): Promise<void> {
  if (await exists(outDir)) {
    const ours = new Set([...files.keys()].map((relative) => relative.split('/')[0]!));
    const foreign = (await readdir(outDir)).filter((name) => !ours.has(name)).sort();
    if (foreign.length > 0) throw new ForeignOutputError(outDir, foreign);
  }
  const staging = `${outDir}.staging-${process.pid}`;
  const retired = `${outDir}.retired-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const [relative, text] of files) {
      const target = path.join(staging, relative);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    const hadOutput = await exists(outDir);
    if (hadOutput) await rename(outDir, retired);
    await rename(staging, outDir);
    if (hadOutput) await rm(retired, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Compares `outDir` with `files` byte for byte, telling line-end-only differences apart. */
export async function checkGenerated(outDir: string, files: GeneratedFiles): Promise<Staleness> {
  const onDisk = new Set(await listFiles(outDir));
  const staleness: Staleness = { changed: [], lineEnds: [], missing: [], extra: [] };
  for (const [relative, text] of files) {
    if (!onDisk.has(relative)) staleness.missing.push(relative);
    else {
      const found = await readFile(path.join(outDir, relative), 'utf8');
      if (found !== text) (found.replace(/\r\n/g, '\n') === text ? staleness.lineEnds : staleness.changed).push(relative);
    }
    onDisk.delete(relative);
  }
  staleness.extra = [...onDisk].sort();
  return staleness;
}

async function listFiles(dir: string): Promise<string[]> {
  if (!(await exists(dir))) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

async function exists(target: string): Promise<boolean> {
  return stat(target).then(
    () => true,
    () => false,
  );
}
