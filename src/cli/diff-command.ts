import { execFile } from 'node:child_process';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { dotNamedSchemasSkipped, invalidJsonAt, isSchemaFileName, NESTED_SCHEMA_PROBLEM, nestedSchema, readSchemaText, schemaTooDeep, writtenTextFault, type Contract, type SchemaNode } from '../contract/index.js';
import { alignUndeclaredFacts, type SchemaFiles } from '../diff/align.js';
import { languageDeclarations, type LanguageDeclarations } from '../diff/language-code.js';
import { atLeast, diffContracts, LEVELS, type Change, type DiffReport, type Level } from '../diff/index.js';
import { printable, printableJson, quoted } from '../runtime/printable.js';
import { readPackTarball, TarballError, TARBALL_MAX_BYTES, type PackContents } from '../diff/tarball.js';
import { utf8Text } from '../shared/utf8.js';
import { shellWord, windowsPathHint } from './generate-command.js';

const run = promisify(execFile);

/** Options of `realtime-contract diff`. */
export interface DiffCommandOptions {
  format: 'text' | 'json';
  /**
   * Exit 1 when a change of this level or worse is found; `major` when the changes call for a
   * major release (`semver`: any breaking change, and a change that breaks only code built on the
   * generated types, such as a type renamed or a field's Go and Python type changed); `never`
   * always exits 0 (unless an error).
   */
  failOn: Level | 'major' | 'never';
  /** Where the schemas are inside the working tree and inside a git ref (default `schemas`). */
  schemas: string;
  /** Folder that git commands and relative paths start from (default: the process's). */
  cwd?: string;
}

/** Where the command writes. */
export interface DiffOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** One side of the comparison once found: where its schema files came from, and the files. */
export interface ContractSource {
  /** How the side was given and what it turned out to be, e.g. `v1.0 (git ref)`. */
  label: string;
  kind: 'working-tree' | 'folder' | 'git' | 'tarball';
  files: SchemaFiles;
  /** What the files' text says that their parsed values lost (`trades.json#/…/maxLength: duplicate key …`), which the loader refuses: said of the newer side. */
  writtenFaults: string[];
}

/** A side that cannot be read: a usage or I/O error (exit 2). */
export class SourceError extends Error {
  /** Which side could not be read (`<old>`, `<new>` or both), when the error is the sides'; else undefined (`--schemas`, no contract model). */
  side: 'old' | 'new' | 'both' | undefined;
  /** The faults of the side's other files, found with this one (each file's own: it is not JSON, not a valid schema), a line each. */
  more: readonly string[];
  /** Whether the side was found and its schema files are at fault (not JSON, unreadable files), not the side itself (no such ref, folder or tarball). */
  inFiles = false;
  constructor(message: string, side?: 'old' | 'new' | 'both', more: readonly string[] = []) {
    super(message);
    this.side = side;
    this.more = more;
  }
}

/** Throws, when `problems` holds any, the {@link SourceError} of them all: the first its message, the others `more`. */
function throwProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw Object.assign(new SourceError(problems[0]!, undefined, problems.slice(1)), { inFiles: true });
}

/** {@link parseSchema}, its fault pushed on `problems` (undefined returned) rather than thrown, so that every file of a side is read before it is refused. */
function parseOrNote(problems: string[], ...args: Parameters<typeof parseSchema>): SchemaNode | undefined {
  try {
    return parseSchema(...args);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/**
 * `realtime-contract diff <old> [<new>]`: compares two contracts and classifies every change
 * by the direction of the message it touches (see `src/diff/index.ts`), then suggests the
 * release (major, minor, patch) and the protocol version.
 *
 * Each side is, in this order of precedence: `git:<ref>`, `dir:<path>` or `tarball:<file>`
 * when prefixed; a `.tgz`/`.tar.gz` file (the output of `npm pack` of this package: its
 * `package/schemas/`); a folder (its `schemas/` subfolder when it has one, else the folder
 * itself); otherwise a git ref (`main`, `v1.0.0`, `HEAD~3`) whose `<--schemas>` folder is
 * read with `git show`. `<new>` defaults to the working tree's `<--schemas>` folder.
 *
 * Text output: one line per change, `<level> <subject> <pointer> (<direction>): <what> — <who
 * it breaks> [<rule>]`, then a summary line with the counts, the release and the protocol
 * version. JSON output: `{ before, after, ...DiffReport, failOn }` (`failOn` a {@link FailOnVerdict}); when a side cannot be read,
 * `{ error, errors?, side? }` (`side` `old`, `new` or `both`; `errors` every fault when there are
 * several; the errors on stderr too). A side may come from anyone (a
 * tarball above all): every character of what is printed that could forge terminal output (a
 * control character, such as the escape that starts an ANSI sequence, or a bidirectional
 * control) is written as `\uXXXX`, in text and JSON output and in error messages alike.
 *
 * @returns the exit code: 0 nothing at or above `--fail-on` (with `major`: the release the
 *   changes call for is not major), 1 something is (said on stderr in one line: the threshold
 *   and how many changes are at or above it), 2 a side cannot be read (missing, not a
 *   contract, broken schema, unknown ref)
 */
export async function runDiff(oldSpec: string, newSpec: string | undefined, options: DiffCommandOptions, output: DiffOutput): Promise<number> {
  let report: DiffReport;
  let before: ContractSource;
  let after: ContractSource;
  /** The side being read, named in an error that does not say which itself. */
  let reading: 'old' | 'new' | 'both' | undefined;
  try {
    // An empty side is a mistake (`diff "$TAG"` with TAG unset), not the current folder: read
    // as one, it compared the working tree with itself and found no changes (a hostile tester).
    // So is one empty after its prefix (`diff "git:$TAG"`, the spelling README advises for a
    // name that could be a folder): read as git's `<ref>:<path>`, it advised "write git:git" (a fresh tester).
    if (options.schemas.trim() === '') throw new SourceError('--schemas is empty: name the folder of the schemas in the working tree and in git refs (schemas by default)');
    for (const [side, spec] of [['<old>', oldSpec], ['<new>', newSpec]] as const) {
      if (spec === undefined) continue;
      const which = side === '<old>' ? 'old' : 'new';
      if (spec.trim() === '') throw new SourceError(`${side} is empty: name a git ref, a folder of schemas or an npm pack tarball (omit <new> for the working tree)`, which);
      const prefix = /^(git|dir|tarball):\s*$/.exec(spec)?.[1] as keyof typeof PREFIXED | undefined;
      if (prefix !== undefined) throw new SourceError(`${side} is empty after its prefix: name ${PREFIXED[prefix]} after ${prefix}: (omit <new> for the working tree)`, which);
    }
    reading = 'old';
    try {
      before = await readSource(oldSpec, options);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      // Both sides' broken files were named a run each (tBT F2): the newer is read too, and its
      // broken files said after. Only theirs: a side not found from a subfolder is the older's fault too, said once.
      if (!error.inFiles) throw error;
      const newer = await (newSpec === undefined ? readWorkingTree(options) : readSource(newSpec, options)).then(
        () => undefined,
        (other: unknown) => (other instanceof SourceError && other.inFiles ? other : undefined),
      );
      if (newer === undefined) throw error;
      throw new SourceError(error.message, 'both', [...error.more, newer.message, ...newer.more]);
    }
    reading = 'new';
    after = newSpec === undefined ? await readWorkingTree(options) : await readSource(newSpec, options);
    reading = undefined;
    report = await compareSources(before, after, (problem) => output.stderr(`realtime-contract: warning: generate refuses ${printable(after.label)}: ${printable(problem)}; compared as it is, but it cannot ship as it is\n`));
  } catch (error) {
    if (error instanceof SourceError) {
      for (const message of [error.message, ...error.more]) output.stderr(`realtime-contract: ${printable(message)}\n`);
      // As validate and listen do: a CI step that keeps stdout as the report got an empty one, and
      // a JSON parse error, the reason only on stderr (tBT F12).
      const side = error.side ?? reading;
      if (options.format === 'json') output.stdout(`${printableJson(JSON.stringify({ error: error.message, ...(error.more.length > 0 && { errors: [error.message, ...error.more] }), ...(side && { side }) }, null, 2))}\n`);
      return 2;
    }
    throw error;
  }
  const verdict = failOnVerdict(report, options.failOn);
  if (options.format === 'json') {
    output.stdout(`${printableJson(JSON.stringify({ before: before.label, after: after.label, ...report, failOn: verdict }, null, 2))}\n`);
  } else {
    for (const change of report.changes) output.stdout(`${formatChange(change)}\n`);
    output.stdout(`${formatSummary(report, before, after)}\n`);
  }
  // Exit 1 said why (tHQ F5: a red CI step whose report read "0 breaking", nothing naming --fail-on). On stderr: stdout stays the report.
  if (verdict.failed) output.stderr(`realtime-contract: ${failOnLine(report, verdict)}\n`);
  return verdict.failed ? 1 : 0;
}

/**
 * What `--fail-on` made of a report, as the JSON output's `failOn` carries it: the threshold
 * given (`level`: a level, `major` or `never`), whether it failed the run (exit 1), and for a
 * level how many changes are at or above it (`changes`; absent for `major` and `never`).
 */
export interface FailOnVerdict {
  level: DiffCommandOptions['failOn'];
  failed: boolean;
  changes?: number;
}

/** {@link FailOnVerdict} of `report` under `--fail-on failOn`. */
export function failOnVerdict(report: DiffReport, failOn: DiffCommandOptions['failOn']): FailOnVerdict {
  if (failOn === 'never') return { level: failOn, failed: false };
  if (failOn === 'major') return { level: failOn, failed: report.semver === 'major' };
  const changes = LEVELS.filter((level) => atLeast(level, failOn)).reduce((sum, level) => sum + report.counts[level], 0);
  return { level: failOn, failed: changes > 0, changes };
}

/** The line said when `--fail-on` fails the run: `--fail-on strict: 12 changes at or above strict (0 breaking, 12 strict): exit 1`. */
function failOnLine(report: DiffReport, verdict: FailOnVerdict): string {
  if (verdict.level === 'major') return `--fail-on major: the changes call for a major release${majorForCode(report)}: exit 1`;
  const level = verdict.level as Level;
  const counts = LEVELS.filter((each) => atLeast(each, level)).reverse().map((each) => `${report.counts[each]} ${each}`).join(', ');
  return `--fail-on ${level}: ${verdict.changes} change${verdict.changes === 1 ? '' : 's'} at or above ${level} (${counts}): exit 1`;
}

/**
 * Loads both sides through the contract loader, in memory (`contractFromTexts`: nothing is
 * written to disk), after {@link alignUndeclaredFacts}, so a contract of an older version loads
 * too, and diffs them.
 *
 * @throws SourceError when a side is not a loadable contract
 */
export async function compareSources(before: ContractSource, after: ContractSource, onNotGeneratable?: (problem: string) => void): Promise<DiffReport> {
  let contractFromTexts: typeof import('../contract/index.js').contractFromTexts;
  let SchemaError: typeof import('../contract/index.js').SchemaError;
  try {
    ({ contractFromTexts, SchemaError } = await import('../contract/index.js'));
  } catch (error) {
    // The loader checks schemas with ajv, a dev dependency: an installed package may lack it.
    throw new SourceError(`diff needs a checkout of realtime-contract with its dev dependencies installed (npm ci): ${(error as Error).message}`);
  }
  const aligned = alignUndeclaredFacts(before.files, after.files);
  // Loaded from memory, as the loader reads a folder: nothing of either side is written to disk
  // (both were written to a temporary folder, and a TMPDIR that could not be written, or a
  // tarball's file name too long for it, failed the diff with the system's words: a fresh tester).
  const load = (files: SchemaFiles, label: string, side: 'old' | 'new') => {
    try {
      return contractFromTexts(new Map([...files].map(([file, schema]) => [file, JSON.stringify(schema)])));
    } catch (error) {
      const others = error instanceof SchemaError ? error.others.map((other) => `${label}: not a loadable contract: ${other.message}`) : [];
      throw new SourceError(`${label}: not a loadable contract: ${(error as Error).message}`, side, others);
    }
  };
  const oldContract = load(aligned.before, before.label, 'old');
  const newContract = load(aligned.after, after.label, 'new');
  let refused = false;
  if (onNotGeneratable) {
    // The newer side is the one about to ship: a contract `generate` refuses (an unknown format,
    // a name Go and Python cannot carry) was compared in silence (a hostile tester). The older
    // side may predate a rule, and is read as it is.
    const { checkGeneratable } = await import('../codegen/check.js');
    for (const fault of after.writtenFaults) onNotGeneratable(fault);
    try {
      checkGeneratable(newContract);
      // What generate refuses next: values Go or Python would name alike (it compared them in silence).
      const { checkEnumCaseNames } = await import('../codegen/quicktype-names.js');
      await checkEnumCaseNames(newContract);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      onNotGeneratable(error.message);
      refused = true;
    }
  }
  // The Go and Python each side generates, as generate writes them: the names in them that the
  // contract model cannot tell (an alias split, a name quicktype gave moved) are compared too
  // (tGY F2, F6, tGI F11: a field's Go type changed while diff said "release minor"). What the
  // newer side's rendering refuses (a property that becomes a Go field named as a generated
  // method, `unmarshal_json` beside `UnmarshalJSON`) is said as the checks above are (tHV F7:
  // nothing was said, and the release was minor), unless they refused it already.
  const languages = await generatedDeclarations(oldContract, newContract, onNotGeneratable && !refused ? onNotGeneratable : undefined);
  return diffContracts(oldContract, newContract, { extraChanges: aligned.changes, ...(languages ? { languages } : {}) });
}

/**
 * Both sides' generated Go and Python declarations, or undefined when either side is one
 * `generate` refuses (no code to compare).
 *
 * @param onNewRefused told the message of the newer side's refusal, when Go and Python cannot
 *   be rendered from it (a property that becomes a Go field named as a generated method)
 */
export async function generatedDeclarations(before: Contract, after: Contract, onNewRefused?: (problem: string) => void): Promise<{ before: LanguageDeclarations; after: LanguageDeclarations } | undefined> {
  const { emitLanguages } = await import('../codegen/quicktype.js');
  const { SchemaError } = await import('../contract/index.js');
  const { NameClashError } = await import('../codegen/language-shape.js');
  const declarations = async (contract: Contract, onRefused?: (problem: string) => void) => {
    try {
      return languageDeclarations(await emitLanguages(contract));
    } catch (error) {
      if (error instanceof SchemaError || error instanceof NameClashError) {
        onRefused?.(error.message);
        return undefined;
      }
      throw error;
    }
  };
  const old = await declarations(before);
  // The newer side is rendered whatever the older one does, when its refusal is to be said.
  const now = old === undefined && onNewRefused === undefined ? undefined : await declarations(after, onNewRefused);
  return old && now ? { before: old, after: now } : undefined;
}

/** What each prefix of a side names. */
const PREFIXED = { git: 'a git ref', dir: 'a folder of schemas', tarball: 'an npm pack tarball' } as const;

/** Reads one side given on the command line. */
export async function readSource(spec: string, options: Pick<DiffCommandOptions, 'schemas' | 'cwd'>): Promise<ContractSource> {
  const cwd = options.cwd ?? process.cwd();
  const prefixed = /^(git|dir|tarball):(.+)$/.exec(spec);
  if (prefixed) {
    const [, kind, value] = prefixed as unknown as [string, 'git' | 'dir' | 'tarball', string];
    if (kind === 'git') return readGitRef(value, options.schemas, cwd, spec);
    // A Windows path not found here: said so, with its WSL form, as of a side without a prefix
    // (it was a raw `ENOENT … scandir '/…/C:\\Users\\…'`: a tester).
    const windows = windowsPathHint(value, kind === 'tarball' ? 'the tarball' : 'the folder');
    if (windows !== '' && !(await stat(path.resolve(cwd, value)).then(() => true, () => false))) {
      throw new SourceError(`${spec}: no such ${kind === 'tarball' ? 'file' : 'folder'} here${windows}`);
    }
    if (kind === 'tarball') return readTarball(path.resolve(cwd, value), spec);
    if ((await stat(path.resolve(cwd, value)).catch(() => undefined))?.isFile()) throw fileForFolder(spec, `dir:${path.dirname(value)}`);
    return readFolder(path.resolve(cwd, value), spec);
  }
  const resolved = path.resolve(cwd, spec);
  const info = await stat(resolved).catch(() => undefined);
  if (info?.isFile()) {
    if (/\.(tgz|tar\.gz)$/i.test(spec)) return readTarball(resolved, spec);
    throw new SourceError(`${spec}: a file, but not a .tgz tarball (npm pack output)`);
  }
  if (info?.isDirectory()) {
    try {
      return await readFolder(resolved, spec);
    } catch (error) {
      // A folder that happens to be named like a ref (`HEAD`, `main`) and holds no contract hides the ref: say how to reach it.
      if (error instanceof NotAContract && (await isGitRef(spec, cwd))) throw new SourceError(`${error.message}; for the git ref of that name, write git:${spec}`);
      throw error;
    }
  }
  return readGitRef(spec, options.schemas, cwd);
}

/** The working tree's schema folder. */
export async function readWorkingTree(options: Pick<DiffCommandOptions, 'schemas' | 'cwd'>): Promise<ContractSource> {
  const dir = path.resolve(options.cwd ?? process.cwd(), options.schemas);
  const windows = windowsPathHint(options.schemas, 'the folder');
  if (windows !== '' && !(await stat(dir).then(() => true, () => false))) throw new SourceError(`--schemas ${options.schemas}: no such folder here${windows}`);
  if ((await stat(dir).catch(() => undefined))?.isFile()) throw fileForFolder(`--schemas ${options.schemas}`, `--schemas ${path.dirname(options.schemas)}`);
  return { ...(await readFolder(dir, options.schemas)), label: `${options.schemas} (working tree)`, kind: 'working-tree' };
}

/**
 * The refusal of a file given where the folder of the schemas goes (`--schemas
 * schemas/definitions.json`): it read "no schemas/definitions.json/protocol.json" and "cannot read
 * the folder: ENOTDIR", not what was wrong (tEP F9).
 */
function fileForFolder(where: string, folder: string): SourceError {
  return new SourceError(`${where}: expected a folder of schemas (the one that holds protocol.json), got a file: give its folder, ${folder}`);
}

/** Whether `name` names a commit in the repository around `cwd` (`git rev-parse --verify`). */
async function isGitRef(name: string, cwd: string): Promise<boolean> {
  try {
    await run('git', ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd });
    return true;
  } catch {
    return false;
  }
}

/** A folder without `protocol.json`: no contract there (maybe a ref's name was meant). */
class NotAContract extends SourceError {}

async function readFolder(dir: string, spec: string): Promise<ContractSource> {
  const nested = path.join(dir, 'schemas');
  const useNested = await stat(path.join(nested, 'protocol.json')).then(() => true, () => false);
  const folder = useNested ? nested : dir;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new SourceError(`${spec}: cannot read the folder: ${(error as Error).message}`);
  }
  // `.definitions.json`, `.trades.json`… alone: none is read, and that is said (it was "no protocol.json").
  const skipped = dotNamedSchemasSkipped(names);
  if (skipped !== undefined) throw new NotAContract(`${spec}: no schema files (*.json) to read: ${skipped}`);
  names = names.filter(isSchemaFileName).sort();
  if (!names.includes('protocol.json')) throw new NotAContract(`${spec}: not a folder of contract schemas (no protocol.json${useNested ? '' : ', and no schemas/ folder with one'})`);
  const files: SchemaFiles = new Map();
  const writtenFaults: string[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const read = await readSchemaText(path.join(folder, name));
    const schema = 'problem' in read ? void problems.push(`${spec}: ${name}: ${read.problem}`) : parseOrNote(problems, read.text, `${spec}: ${name}`, name, writtenFaults);
    if (schema !== undefined) files.set(name, schema);
  }
  throwProblems(problems);
  // Compared without it, as generate would not read it (it refuses the folder): said, not skipped unsaid.
  const subfolder = await nestedSchema(folder).catch(() => undefined);
  if (subfolder !== undefined) writtenFaults.push(`${subfolder}: ${NESTED_SCHEMA_PROBLEM}`);
  return { label: `${spec} (folder)`, kind: 'folder', files, writtenFaults };
}

/**
 * Reads `<schemas>/*.json` at git ref `ref`. `spec` is the side as given (`git:HEAD` or `HEAD`),
 * which labels it and its errors, as a folder's and a tarball's are labelled (`git:HEAD` was
 * said `HEAD`, while `dir:x` stayed `dir:x`). The folder inside the ref is `--schemas`, not git's
 * `<ref>:<path>` (`git:HEAD:schemas`), which is no ref: refused with the form that works.
 */
async function readGitRef(ref: string, schemas: string, cwd: string, spec = ref): Promise<ContractSource> {
  const forced = spec !== ref;
  if (ref.startsWith('-')) throw new SourceError(`${spec}: not a git ref`);
  // `blame` names the argument git refused when it is not the ref (`--schemas …`, once the ref is found).
  const gitBytes = async (args: string[], at = cwd, blame?: string) => {
    try {
      return (await run('git', args, { cwd: at, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' })).stdout;
    } catch (error) {
      // No git on the PATH (a slim CI image): execFile's ENOENT has no stderr, and the ref was blamed (a tester).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SourceError(forced
          ? `${spec}: git was not found on the PATH, and a git ref is read with it: install git (a folder of schemas or an npm pack tarball needs none)`
          : `${spec}: not a folder or tarball here, and git was not found on the PATH to read it as a git ref: install git (a folder of schemas or an npm pack tarball needs none)`);
      }
      const stderr = gitReason(error);
      // Every failure was worded as the ref being none, a --schemas git refused too (tEL F1).
      if (blame !== undefined) throw new SourceError(`${blame}: git cannot read it in ${spec}${stderr ? ` (${stderr})` : ''}`);
      const hint = (await pathFormHint(ref, cwd)) || (await shallowHint(cwd));
      throw new SourceError(`${spec}: not a ${forced ? '' : 'folder, tarball or '}git ref here${stderr ? ` (${stderr})` : ''}${hint}`);
    }
  };
  const git = async (args: string[], at = cwd, blame?: string) => (await gitBytes(args, at, blame)).toString('utf8');
  const commit = (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
  // `--schemas` as the repository's path, whatever form it was given in (absolute, `../<checkout>/schemas`):
  // it was passed to git as written, relative to the current folder, so an absolute one listed
  // nothing ("no /…/schemas/protocol.json", a file that exists) and `../repo/schemas` was refused
  // by git with the ref blamed (tEL F1). Git runs from the top, where that path is read.
  const { top, folder } = await schemasInRepository(schemas, cwd, spec);
  const given = `--schemas ${schemas}`;
  const listing = await git(['ls-tree', '--name-only', commit, '--', `./${folder}/`], top, given);
  const listed = listing.split('\n').filter((line) => line !== '').map((line) => path.posix.basename(line));
  const skipped = dotNamedSchemasSkipped(listed);
  if (skipped !== undefined) throw new SourceError(`${spec}: no schema files (*.json) in ${folder}/ at ${commit.slice(0, 12)}: ${skipped}`);
  const names = listed.filter(isSchemaFileName).sort();
  if (!names.includes('protocol.json')) {
    // A file named where the folder goes, in the working tree or in the commit (tEP F9).
    const isFile = (await stat(path.resolve(cwd, schemas)).catch(() => undefined))?.isFile()
      || (await run('git', ['cat-file', '-t', `${commit}:./${folder}`], { cwd: top }).then(({ stdout }) => String(stdout).trim() === 'blob', () => false));
    if (isFile) throw fileForFolder(`${spec}: ${given}`, `--schemas ${path.dirname(schemas)}`);
    // Run from a subfolder, a relative `schemas` is read relative to it (a hostile tester read the error as a missing contract):
    // the way to the folder of that name at the top, said only where the commit has a contract there (a hint must lead somewhere).
    const prefix = (await git(['rev-parse', '--show-prefix'])).trim().replace(/\/$/, '');
    const fromTop = path.posix.normalize(schemas.split(path.sep).join('/')).replace(/\/+$/, '');
    const leads = prefix !== '' && !path.isAbsolute(schemas) && fromTop !== '..' && !fromTop.startsWith('../') && fromTop !== folder
      && (await git(['ls-tree', '--name-only', commit, '--', `./${fromTop}/protocol.json`], top, given)).trim() !== '';
    const where = leads
      ? `; ${schemas} is read relative to the current folder, ${prefix}/ of the repository: run diff from the repository's top, or give --schemas ${path.posix.relative(prefix, fromTop) || '.'}`
      : folder === fromTop ? '' : ` (${given})`;
    // A Windows path is no folder inside a ref either (it was `no C:\\Users\\…/protocol.json at …`: a tester).
    throw new SourceError(`${spec}: no ${folder}/protocol.json at ${commit.slice(0, 12)}${where}${windowsPathHint(schemas, 'the folder', given)}`);
  }
  const files: SchemaFiles = new Map();
  const writtenFaults: string[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const read = utf8Text(await gitBytes(['show', `${commit}:./${folder}/${name}`], top, `--schemas ${schemas}`));
    const schema = 'problem' in read ? void problems.push(`${spec}: ${folder}/${name}: ${read.problem}`) : parseOrNote(problems, read.text, `${spec}: ${folder}/${name}`, name, writtenFaults);
    if (schema !== undefined) files.set(name, schema);
  }
  throwProblems(problems);
  return { label: `${spec} (git ${commit.slice(0, 12)})`, kind: 'git', files, writtenFaults };
}

/** Git's own reason for a failed command: the first line of its standard error (or the error's message). */
function gitReason(error: unknown): string {
  return String((error as { stderr?: Buffer | string }).stderr ?? (error as Error).message).trim().split('\n')[0] ?? '';
}

/**
 * Where `--schemas` is inside the repository around `cwd`: the repository's top folder, and the
 * folder's path from there (`/`-separated; `.` for the top itself). `schemas` is read from `cwd`
 * (relative or absolute, through symbolic links), as the working tree's side reads it.
 *
 * @throws SourceError naming `--schemas` when it is outside that repository (git reads no
 *   folder there), or naming `spec` when git cannot tell the repository's top (its reason said)
 */
async function schemasInRepository(schemas: string, cwd: string, spec: string): Promise<{ top: string; folder: string }> {
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch (error) {
    const reason = gitReason(error);
    throw new SourceError(`${spec}: git cannot tell the top of the repository here, where --schemas ${schemas} is read from${reason ? ` (${reason})` : ''}`);
  }
  const realTop = await realpath(top).catch(() => top);
  const lexical = path.resolve(await realpath(cwd).catch(() => cwd), schemas);
  const inside = (dir: string): string | undefined => {
    const relative = path.relative(realTop, dir);
    if (relative === '') return '.';
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  };
  const folder = inside(lexical) ?? inside(await realpath(lexical).catch(() => lexical));
  if (folder === undefined) {
    throw new SourceError(`--schemas ${schemas}: ${lexical} is outside the repository at ${realTop}, whose commits ${spec} names: name the folder of the schemas inside it (relative to the current folder, or absolute), or run diff from the repository it is in`);
  }
  return { top: realTop, folder };
}

/**
 * What is said of a ref not found in a shallow clone (`git clone --depth 1`, actions/checkout's
 * default): its history, or the ref, may not be fetched (`HEAD~1`, a release tag), and how to
 * fetch it; `''` in a full clone or outside a repository. `HEAD~1` was said to be no ref, with
 * nothing of the shallow history (a tester).
 */
async function shallowHint(cwd: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--is-shallow-repository'], { cwd });
    if (stdout.trim() !== 'true') return '';
  } catch {
    return '';
  }
  return '; this repository is a shallow clone (git clone --depth, actions/checkout\'s default), so the commit may not be fetched: fetch the history (git fetch --unshallow; with actions/checkout, fetch-depth: 0) or the ref itself (git fetch origin tag <tag>)';
}

/**
 * What is said of a side of the form `<x>:<path>` that is no ref: a Windows path (`C:\\…`,
 * `C:/…`) is told so, with its WSL form (`/mnt/c/…`); git's `<ref>:<path>` is told the form
 * that works, `git:<ref> --schemas <path>`, only where `<ref>` is a ref (`C:\\Users\\…` was told
 * `git:C --schemas \\Users\\…`: a tester). Quoted for a POSIX shell, escaped by the caller.
 */
async function pathFormHint(ref: string, cwd: string): Promise<string> {
  const windows = windowsPathHint(ref);
  if (windows !== '') return windows;
  const pathForm = /^([^:]+):(.*)$/.exec(ref);
  if (!pathForm || !(await isGitRef(pathForm[1]!, cwd))) return '';
  return `; the folder inside a ref is --schemas: write git:${shellWord(pathForm[1]!)}${pathForm[2] === '' ? '' : ` --schemas ${shellWord(pathForm[2]!)}`}`;
}

/**
 * Reads `package/schemas/*.json` of an `npm pack` tarball through {@link readPackTarball}:
 * in memory, at most {@link TARBALL_MAX_BYTES} once gunzipped, nothing extracted to disk. A
 * tarball holding anything but regular files and folders there (a symbolic or hard link, a
 * device) is refused, and nothing is read through it. Names and text from the tarball are
 * shown {@link quoted} (escaped, on one line, cut): a member name can hold escapes or
 * newlines that would forge terminal output. The label names the package as its
 * `package/package.json` does (`?` for what it does not say).
 *
 * @throws SourceError when the tarball cannot be read, is too large, holds a link or other
 *   non-regular member there, has no `package/schemas/protocol.json`, or a schema is not JSON
 */
async function readTarball(file: string, spec: string): Promise<ContractSource> {
  let contents: PackContents;
  try {
    contents = await readPackTarball(file);
  } catch (error) {
    if (error instanceof TarballError) throw new SourceError(`${spec}: ${error.message}`);
    throw error;
  }
  if (!contents.schemas.has('protocol.json')) throw new SourceError(`${spec}: no package/schemas/protocol.json in the tarball (not an npm pack of realtime-contract?)`);
  const files: SchemaFiles = new Map();
  const writtenFaults: string[] = [];
  const problems: string[] = [];
  for (const [name, text] of contents.schemas) {
    const schema = parseOrNote(problems, text, `${spec}: ${quoted(`package/schemas/${name}`)}`, name, writtenFaults);
    if (schema !== undefined) files.set(name, schema);
  }
  throwProblems(problems);
  let pkg: { name?: unknown; version?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(contents.packageJson ?? '{}');
    if (typeof parsed === 'object' && parsed !== null) pkg = parsed;
  } catch {
    // The label then says `?@?`: the schemas are what diff reads.
  }
  return { label: `${spec} (tarball ${packageField(pkg.name)}@${packageField(pkg.version)})`, kind: 'tarball', files, writtenFaults };
}

/** A name or version from a tarball's package.json for the label: as it is when plain (`realtime-contract`, `1.0.0-rc.1`), else {@link quoted} (cut at 60), `?` when not a string. */
function packageField(value: unknown): string {
  if (typeof value !== 'string') return '?';
  return /^[\w.@/+~-]{1,100}$/.test(value) ? value : quoted(value, 60);
}

/**
 * The schema of a side's file `name`, from its `text`; what the text says that the value loses
 * (a key written twice, a number JSON.parse rounds) goes to `writtenFaults`, and the value is
 * compared as JSON.parse reads it.
 *
 * @throws SourceError when the text is not a JSON object, is nested too deep, or holds a number
 *   no JSON can carry once read (`1e400`, read as Infinity)
 */
function parseSchema(text: string, where: string, name: string, writtenFaults: string[]): SchemaNode {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Where, as `generate` says it (it said `at position 2766`).
    throw new SourceError(`${where}: not a JSON schema (${invalidJsonAt(text, (error as Error).message)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SourceError(`${where}: not a JSON schema (expected a JSON object)`);
  // Written out again and read by recursion later: a schema 3,000 levels deep ran out of stack with no file named (a hostile tester).
  const deep = schemaTooDeep(text);
  if (deep !== undefined) throw new SourceError(`${where}: ${deep}`);
  // diff loads a copy written from the value: a doubled key, or a number it rounds, was compared
  // in silence; `1e400` was written as null and said so (a fresh user).
  const fault = writtenTextFault(text);
  if (fault?.unwritable) throw new SourceError(`${where}: not a loadable contract: ${name}#${fault.pointer}: ${fault.problem}`);
  if (fault) writtenFaults.push(`${name}#${fault.pointer}: ${fault.problem}`);
  return value as SchemaNode;
}

const ARROWS = { 'server-to-client': 'server→client', 'client-to-server': 'client→server' } as const;

/** `breaking trades /data/fee (server→client): may now be null — … [made-nullable]`: one line, newlines as spaces, other controls escaped ({@link printable}). */
export function formatChange(change: Change): string {
  const subject = change.subject ?? 'protocol';
  const where = change.pointer === '' ? '' : ` ${change.pointer}`;
  const direction = change.direction ? ` (${ARROWS[change.direction]})` : '';
  return printable(`${change.level.padEnd(10)} ${subject}${where}${direction}: ${change.text} — ${change.impact} [${change.rule}]`.replace(/[\r\n]+/g, ' '));
}

/** `3 changes (1 breaking, 1 strict, 1 compatible) from … to …: release major; protocol version 2.0 (declared 1.1, too low)`, controls escaped ({@link printable}). */
export function formatSummary(report: DiffReport, before: ContractSource, after: ContractSource): string {
  const total = report.changes.length;
  if (total === 0) return printable(`no changes from ${before.label} to ${after.label}`);
  const counts = [...LEVELS].reverse().map((level) => `${report.counts[level]} ${level}`).join(', ');
  const { before: was, after: now, suggested, bumped } = report.protocolVersion;
  const version = bumped ? `protocol version ${now} (was ${was}; ${suggested} or later needed)` : `protocol version should be ${suggested} or later (declared ${now}, was ${was})`;
  return printable(`${total} change${total === 1 ? '' : 's'} (${counts}) from ${before.label} to ${after.label}: release ${report.semver}${majorForCode(report)}; ${version}`);
}

/** The code a major release without a breaking change is for (`' (for code: importing-code)'`), or ''; the line said `release major` with no reason (a fresh user). */
function majorForCode(report: DiffReport): string {
  if (report.semver !== 'major' || report.counts.breaking > 0) return '';
  const code = new Set(report.changes.flatMap((change) => change.breaks.filter((peer) => CODE_PEERS.includes(peer))));
  return code.size === 0 ? '' : ` (for code built on the generated types: ${[...code].join(', ')})`;
}

/** The peers that are code built on the generated types, not parties on the wire. */
const CODE_PEERS: readonly string[] = ['producer-code', 'other-language-code', 'importing-code'];
