import { emitAllErrorsValidators } from './all-errors-validators.js';
import { emitAsyncApi } from './asyncapi.js';
import { emitConstants } from './contract-constants.js';
import { emitDocs } from './docs/index.js';
import { checkExamples, checkGeneratable } from './check.js';
import { escapeInvisible } from './invisible.js';
import { emitLanguages } from './quicktype.js';
import { checkEnumCaseNames } from './quicktype-names.js';
import { checkSpecSections, readSpec } from './spec-sections.js';
import { loadContract } from '../contract/index.js';
import { emitReceivedTypes } from './received-types.js';
import { emitShippedSchema } from './shipped-schema.js';
import { emitTypes } from './types.js';
import { emitTypeBox } from './typebox.js';
import { emitValidators } from './validators.js';
import type { GeneratedFiles } from './write.js';

export { dotNamedSchemasSkipped, SchemaError } from '../contract/index.js';
export { checkGenerated, foreignEntries, foreignOutput, ForeignOutputError, removeLeftovers, writeGenerated, type GeneratedFiles, type Staleness } from './write.js';

/**
 * Every top-level name `generate` may write in its output folder (`formats.js` and
 * `formats.d.ts` only for a contract with a `format`): what an `--out` folder may hold before
 * the generators run. {@link generate} refuses to write outside these names.
 */
export const OUTPUT_NAMES: ReadonlySet<string> = new Set(['asyncapi.json', 'cli', 'contract.ts', 'docs', 'formats.d.ts', 'formats.js', 'languages', 'received-types.ts', 'schema', 'typebox.ts', 'types.ts', 'validators-tolerant.d.ts', 'validators-tolerant.js', 'validators.d.ts', 'validators.js']);

/**
 * Runs every generator over the schemas in `schemaDir`. Pure: nothing is written; the
 * result maps a path relative to `generated/` to its text, in sorted order, byte-for-byte
 * the same on every run. An invisible or control character from a value of the contract is
 * written as `\uXXXX` in every file, never raw (invisible.ts).
 *
 * @throws SchemaError (file and JSON Pointer) when a schema is broken, or one of its `examples` fails it,
 *   or two values of a closed list would get one enum case name in Go or Python (quicktype-names.ts),
 *   or its `x-spec-section` is not a heading of `websocket-message-schemas.md` beside the schemas
 *   (spec-sections.ts; that file missing too)
 */
export async function generate(schemaDir: string): Promise<GeneratedFiles> {
  const contract = await loadContract(schemaDir);
  // What the generators cannot follow (a format the validators lack, a stream polls cannot
  // carry, what the Python and Go types cannot express) is refused here, before any generator
  // runs, so that the error names the file and pointer rather than a generator's symptom.
  checkGeneratable(contract);
  // Each x-spec-section is a heading of the spec beside the schemas, which the generated
  // reference titles and type comments cite (a misspelt one was cited as it was: a tester).
  checkSpecSections(contract, await readSpec(schemaDir));
  // Two values of a closed list that quicktype's Go or Python naming calls alike ("" and
  // "empty"): asked of quicktype's renderers themselves, so async, and after the checks above.
  await checkEnumCaseNames(contract);
  const outputs = await Promise.all([
    emitValidators(contract),
    emitAllErrorsValidators(contract),
    emitTypes(contract),
    emitReceivedTypes(contract),
    emitAsyncApi(contract),
    emitTypeBox(contract),
    emitConstants(contract),
    emitLanguages(contract),
    emitDocs(contract),
    emitShippedSchema(contract),
  ]);
  const files: GeneratedFiles = new Map();
  for (const output of outputs) {
    for (const [relative, text] of output) {
      if (files.has(relative)) throw new Error(`two generators write generated/${relative}`);
      if (!OUTPUT_NAMES.has(relative.split('/')[0]!)) throw new Error(`generated/${relative} is not under a name OUTPUT_NAMES lists`);
      // A value's invisible characters (a bidi override in an enum value) as \uXXXX, never raw.
      files.set(relative, escapeInvisible(text));
    }
  }
  await checkExamples(contract, files.get('validators.js')!);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
