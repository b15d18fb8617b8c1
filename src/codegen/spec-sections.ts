import { existsSync } from 'node:fs';
import path from 'node:path';
import { readSchemaText, SchemaError, type Contract } from '../contract/index.js';

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

/**
 * The headings of a Markdown text (ATX headings, `#` to `######`, outside fenced code blocks),
 * as written after the `#`s, trimmed, with a closing run of `#`s dropped: `### 8. Whale
 * Activity` is `8. Whale Activity`.
 */
export function markdownHeadings(markdown: string): string[] {
  const headings: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split(/\r\n|\r|\n/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (heading) headings.push((heading[1] ?? '').trim());
  }
  return headings.filter((heading) => heading !== '');
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
  const headings = markdownHeadings(spec);
  const cited = [
    ...contract.messages.map((message) => ({ file: message.file, section: message.section, type: message.type as string | undefined })),
    ...(contract.documents ?? []).map((document) => ({ file: document.file, section: document.section, type: undefined })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const { file, section, type } of cited) {
    if (section.trim() !== '' && headings.includes(section)) continue;
    const near = nearestHeading(section, headings, type === undefined ? undefined : typeSection(spec, type));
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
function typeSection(spec: string, type: string): string | undefined {
  const lines = spec.split(/\r\n|\r|\n/);
  const at = lines.findIndex((line) => new RegExp(`^ {0,3}(#{1,6})[ \\t]+\`${type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`[ \\t]*$`).test(line));
  if (at < 0) return undefined;
  const level = /^ {0,3}(#+)/.exec(lines[at]!)![1]!.length;
  for (let i = at - 1; i >= 0; i--) {
    const heading = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*$/.exec(lines[i]!);
    if (heading && heading[1]!.length < level) return heading[2]!.replace(/[ \t]+#+$/, '').trim();
  }
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

/** Levenshtein distance (insertions, deletions, substitutions), for headings of a few dozen characters. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
