import { type EnumType, type Name, type RenderContext, type TargetLanguage } from 'quicktype-core';
import { forEachSubschema, SchemaError, type Contract } from '../contract/index.js';
import { quoted } from '../runtime/printable.js';
import { reachedDefinitions, shapeForQuicktype } from './language-shape.js';
import { QUICKTYPE_LANGUAGES, render } from './quicktype.js';

/** Two values of one closed list that a language's enum gives one case name. */
export interface EnumCaseCollision {
  /** `Python` or `Go` ({@link QUICKTYPE_LANGUAGES}). */
  language: string;
  /** The enum type's name in that language. */
  type: string;
  /** The values, in the order the schema lists them. */
  values: string[];
  /** The case name quicktype's naming proposes for every one of them. */
  proposed: string;
  /** What quicktype assigned each value instead (one keeps `proposed`, the others are renamed), in the order of `values`. */
  assigned: string[];
}

/** What a renderer is asked, beside rendering: quicktype's own naming of each enum case (members TypeScript declares protected). */
interface NamingRenderer {
  readonly typeGraph: { allNamedTypesSeparated(): { enums: ReadonlySet<EnumType> } };
  readonly names: ReadonlyMap<Name, string>;
  nameForEnumCase(e: EnumType, caseName: string): Name;
}

/**
 * The case names quicktype's renderers give the values of each closed list, for every language
 * quicktype writes ({@link QUICKTYPE_LANGUAGES}: the same targets and options emitLanguages
 * renders with): two values whose case names, as the language's naming styles them, are the
 * same (`""` and `"empty"`: Python's `EMPTY`, Go's `…Empty`; `"a-b"` and `"a_b"`) collide, and
 * quicktype renames one of them in silence (`EMPTY_`, `PurpleEmpty`). Nothing is rewritten here:
 * each collision is read from the renderer's own names after a render.
 *
 * @param contract a contract `checkGeneratable` passed
 * @returns every collision, by language, then type, then value
 */
export async function enumCaseCollisions(contract: Contract): Promise<EnumCaseCollision[]> {
  const { schema } = shapeForQuicktype(contract.bundle);
  const messages = [...contract.messages, ...contract.documents].map((m) => m.title);
  // No closed list the messages reach: nothing to name (and no render to wait for).
  const reached = reachedDefinitions(schema, messages);
  let lists = 0;
  for (const name of reached) forEachSubschema(schema.definitions![name]!, (node) => void (Array.isArray(node.enum) && node.enum.length > 1 && lists++));
  if (lists === 0) return [];
  const collisions: EnumCaseCollision[] = [];
  for (const { name: language, target } of QUICKTYPE_LANGUAGES) {
    const renderers: NamingRenderer[] = [];
    await render(observed(target(), renderers), schema, messages, '');
    for (const renderer of renderers) {
      const names = renderer.names;
      for (const e of renderer.typeGraph.allNamedTypesSeparated().enums) {
        const byProposed = new Map<string, string[]>();
        for (const value of e.cases) {
          const name = renderer.nameForEnumCase(e, value);
          // As quicktype's assignNames groups names: each one's first proposal, in its namer's style.
          const proposed = name.isFixed() ? name.fixedName : name.namingFunction.nameStyle(name.firstProposedName(names));
          byProposed.set(proposed, [...(byProposed.get(proposed) ?? []), value]);
        }
        for (const [proposed, values] of byProposed) {
          if (values.length < 2) continue;
          const assigned = values.map((value) => names.get(renderer.nameForEnumCase(e, value)) ?? proposed);
          collisions.push({ language, type: e.getCombinedName(), values, proposed, assigned });
        }
      }
    }
  }
  return collisions;
}

/**
 * Refuses a closed list two of whose values one of the generated languages would give the same
 * enum case name ({@link enumCaseCollisions}): quicktype renamed one of them in silence, so the
 * Go constant or Python member a user wrote for one value came to stand for the other after an
 * unrelated value was added. Run by `generate` after `checkGeneratable`, before any generator.
 *
 * @throws SchemaError at `/enum/<index>` of the later of the two values in the first schema
 *   that lists both, naming the values, the language and the case name
 */
export async function checkEnumCaseNames(contract: Contract): Promise<void> {
  const [collision] = await enumCaseCollisions(contract);
  if (collision === undefined) return;
  const { language, type, values, proposed, assigned } = collision;
  let place: [string, string] | undefined;
  for (const [file, schema] of contract.files) {
    forEachSubschema(schema, (node, pointer) => {
      if (place || !Array.isArray(node.enum) || !values.every((value) => node.enum!.includes(value))) return;
      place = [file, `${pointer}/enum/${Math.max(...values.map((value) => node.enum!.indexOf(value)))}`];
    });
  }
  const [file, pointer] = place ?? ['schemas', ''];
  const shown = values.map((value) => quoted(value));
  const renamed = values.map((value, index) => `${quoted(value)} as ${assigned[index]}`).join(', ');
  throw new SchemaError(
    file,
    pointer,
    `expected values of a closed list that ${language} names apart, got ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}, which quicktype's ${language} naming both calls ${proposed} (enum ${type}): it would write ${renamed}, renaming one in silence; rename a value`,
  );
}

/** `language`, with every renderer it makes pushed onto `renderers` (quicktype makes it inside `quicktype()`, and keeps no handle). */
function observed(language: TargetLanguage, renderers: NamingRenderer[]): TargetLanguage {
  const maker = language as unknown as { makeRenderer(context: RenderContext, options: Record<string, unknown>): unknown };
  const make = maker.makeRenderer.bind(language);
  maker.makeRenderer = (context, options) => {
    const renderer = make(context, options);
    renderers.push(renderer as NamingRenderer);
    return renderer;
  };
  return language;
}
