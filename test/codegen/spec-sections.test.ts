/**
 * `x-spec-section` names a heading of the spec beside the schemas
 * (`schemas/websocket-message-schemas.md`, shipped in the package), which the reference titles
 * and the type comments cite (`@see websocket-message-schemas.md, section "8. Whale Activity"`):
 * generate refuses an empty one, or one the spec does not have, naming the file, the pointer
 * and the nearest heading (tBD F2: a misspelt section was generated into a dozen citations of
 * a section the spec does not have, an empty one into a blank "Spec section" in the reference).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, SchemaError } from '../../src/codegen/index.js';
import { markdownHeadings } from '../../src/codegen/spec-sections.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** schemas/ in a temporary folder, `file`'s x-spec-section set to `section`. */
function schemasWith(file: string, section: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spec-sections-'));
  folders.push(dir);
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
  expect(typeof schema['x-spec-section']).toBe('string');
  writeFileSync(path.join(dir, file), `${JSON.stringify({ ...schema, 'x-spec-section': section }, null, 2)}\n`);
  return dir;
}

async function refusal(dir: string): Promise<SchemaError> {
  const error = await generate(dir).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SchemaError);
  return error as SchemaError;
}

describe('generate: x-spec-section is a heading of websocket-message-schemas.md', () => {
  it('refuses a misspelt section, naming the file, the pointer and the heading meant', async () => {
    const error = await refusal(schemasWith('whale.json', '8. Whale Activty'));
    expect(error).toMatchObject({ file: 'whale.json', pointer: '/x-spec-section' });
    expect(error.message).toContain('"8. Whale Activty" is not a heading of websocket-message-schemas.md');
    expect(error.message).toContain('the nearest heading is "8. Whale Activity"');
  });

  it('refuses an empty or blank section, naming the section of the spec that holds the message type', async () => {
    const empty = await refusal(schemasWith('whale.json', ''));
    expect(empty).toMatchObject({ file: 'whale.json', pointer: '/x-spec-section' });
    expect(empty.message).toMatch(/#\/x-spec-section: is empty: .*the nearest heading is "8\. Whale Activity"/);
    const blank = await refusal(schemasWith('trades.json', '   '));
    expect(blank).toMatchObject({ file: 'trades.json', pointer: '/x-spec-section' });
    expect(blank.message).toMatch(/is blank: .*the nearest heading is "3\. Trades"/);
  });

  it("refuses a section a document (the poll response) cites that the spec does not have, with the nearest of the spec's own", async () => {
    const error = await refusal(schemasWith('poll-response.json', 'Backend Implementaton Notes'));
    expect(error).toMatchObject({ file: 'poll-response.json', pointer: '/x-spec-section' });
    expect(error.message).toContain('the nearest heading is "Backend Implementation Notes"');
  });

  it('takes a heading of any level as written after its #s, and not a line of a code block', async () => {
    expect(markdownHeadings('# A\n## B ##\n   ### C\n```sh\n# not a heading\n```\n~~~\n## nor this\n~~~\n#### `whale`\n#nope\n').map((heading) => heading.text)).toEqual(['A', 'B', 'C', '`whale`']);
    const spec = readFileSync(path.join(ROOT, 'schemas/websocket-message-schemas.md'), 'utf8');
    expect(markdownHeadings(spec).map((heading) => heading.text)).toEqual(expect.arrayContaining(['Error Handling', 'Backend Implementation Notes', '2. Keepalive', '12. AI Tasks']));
    // A heading of another level than the message sections' is a section too.
    const error = await generate(schemasWith('whale.json', 'Message Types')).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeUndefined();
  });

  it('refuses schemas without the spec beside them, which every section cites', async () => {
    const dir = schemasWith('whale.json', '8. Whale Activity');
    rmSync(path.join(dir, 'websocket-message-schemas.md'));
    const error = await refusal(dir);
    expect(error).toMatchObject({ file: 'websocket-message-schemas.md', pointer: '' });
    expect(error.message).toContain('file is missing');
  });

  it('the CLI exits 2 naming the file, the pointer and the nearest heading, and writes nothing', () => {
    const dir = schemasWith('whale.json', '8. Whale Activty');
    const outer = mkdtempSync(path.join(tmpdir(), 'spec-sections-out-'));
    folders.push(outer);
    const out = path.join(outer, 'generated');
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'generate', '--schemas', dir, '--out', out], { encoding: 'utf8', cwd: ROOT, timeout: 150_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('whale.json#/x-spec-section: "8. Whale Activty" is not a heading of websocket-message-schemas.md');
    expect(run.stderr).toContain('the nearest heading is "8. Whale Activity"');
    expect(existsSync(out)).toBe(false);
  });
});
