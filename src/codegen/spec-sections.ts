import { existsSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { readSchemaText, SchemaError, type Contract } from '../contract/index.js';
import { editDistance } from '../runtime/errors.js';

/** The team's spec, beside the schemas (`schemas/websocket-message-schemas.md`, shipped in the package), whose headings `x-spec-section` names. */
export const SPEC_FILE = 'websocket-message-schemas.md';

/**
 * The text of {@link SPEC_FILE} in `schemaDir`, read as a schema file is (a regular file, UTF-8,
 * of a bounded size).
 *
 * @throws SchemaError at `websocket-message-schemas.md` when it is missing or cannot be read:
 *   every schema's `x-spec-section` names one of its headings, which the type comments cite
 */
export async function readSpec(schemaDir: string): Promise<string> {
  const file = path.join(schemaDir, SPEC_FILE);
  const read = existsSync(file) ? await readSchemaText(file) : { problem: 'file is missing' };
  if ('problem' in read) {
    throw new SchemaError(SPEC_FILE, '', `${read.problem}: it is the spec the schemas implement, kept beside them: each schema's x-spec-section names one of its headings, which the reference and the type comments cite (@see ${SPEC_FILE}, section "…")`);
  }
  return read.text;
}

/** A heading of a Markdown text: its text as written after the `#`s (or above the underline), and its level, 1 to 6. */
export interface MarkdownHeading {
  text: string;
  level: number;
}

/** The headings of a Markdown text, in order, as markdown-it reads them (code blocks, setext and closing `#`s as CommonMark says). */
export function markdownHeadings(markdown: string): MarkdownHeading[] {
  const tokens = new MarkdownIt().parse(markdown, {});
  const headings: MarkdownHeading[] = [];
  tokens.forEach((token, i) => {
    const text = token.type === 'heading_open' ? tokens[i + 1]?.content.trim() : undefined;
    if (text) headings.push({ text, level: Number(token.tag.slice(1)) });
  });
  return headings;
}

/**
 * Every message and document schema's `x-spec-section` is a heading of the spec beside the
 * schemas ({@link SPEC_FILE}): the reference titles its sections with it and the TSDoc of the
 * generated types cites it (`@see websocket-message-schemas.md, section "8. Whale Activity"`).
 * A misspelt section (`8. Whale Activty`) was generated into a dozen citations of a section the
 * spec does not have, and an empty one into a blank `**Spec section:**` in the reference (a
 * tester). Checked by file name, so the first fault named is the same on every run.
 *
 * @param spec the spec's Markdown text ({@link readSpec})
 * @throws SchemaError at the schema's `/x-spec-section`, naming the nearest heading
 */
export function checkSpecSections(contract: Contract, spec: string): void {
  const outline = markdownHeadings(spec);
  const headings = outline.map((heading) => heading.text);
  const cited = [
    ...contract.messages.map((message) => ({ file: message.file, section: message.section, type: message.type as string | undefined })),
    ...(contract.documents ?? []).map((document) => ({ file: document.file, section: document.section, type: undefined })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const { file, section, type } of cited) {
    if (section.trim() !== '' && headings.includes(section)) continue;
    const near = nearestHeading(section, headings, type === undefined ? undefined : typeSection(outline, type));
    const what = section.trim() === '' ? `is ${section === '' ? 'empty' : 'blank'}` : `${JSON.stringify(section)} is not a heading of ${SPEC_FILE}`;
    throw new SchemaError(
      file,
      '/x-spec-section',
      `${what}: it names the section of the spec beside the schemas (${SPEC_FILE}) that the schema implements, which the reference titles and the type comments cite; ` +
        `${near === undefined ? `the spec has no heading at all` : `the nearest heading is ${JSON.stringify(near)}`} (write a heading as it stands after its #s; ` +
        `a type the spec does not cover yet cites the section it falls under, "Message Types", until the spec gives it one of its own)`,
    );
  }
}

/**
 * The heading of the section that holds the spec's own heading for message `type` (`#### \`whale\``
 * under `### 8. Whale Activity`): the heading above it of a higher level; undefined where the
 * spec has no heading for the type.
 */
function typeSection(outline: readonly MarkdownHeading[], type: string): string | undefined {
  const at = outline.findIndex((heading) => heading.text === `\`${type}\``);
  if (at < 0) return undefined;
  for (let i = at - 1; i >= 0; i--) if (outline[i]!.level < outline[at]!.level) return outline[i]!.text;
  return undefined;
}

/**
 * The heading `section` most likely means: the closest by edit distance (case ignored) where it
 * is a slip (fewer edits than half the section's length), else the section that holds the
 * message type's own heading (`typeHeading`), else the closest anyway.
 */
function nearestHeading(section: string, headings: readonly string[], typeHeading: string | undefined): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  // A message type's own heading (`whale` in backticks) is a section too, but a slip rarely means it.
  const candidates = section.trim().startsWith('`') ? headings : headings.filter((heading) => !/^`[^`]*`$/.test(heading));
  for (const heading of candidates) {
    const distance = editDistance(section.trim().toLowerCase(), heading.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [heading, distance];
  }
  if (best !== undefined && section.trim() !== '' && bestDistance < section.trim().length / 2) return best;
  return typeHeading !== undefined && headings.includes(typeHeading) ? typeHeading : best;
}
