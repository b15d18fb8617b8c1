/**
 * The poll response is made for each request, of what the store holds (its messages and cursor):
 * a change there is told what older servers stored, which upgrading servers first does not
 * spare. Its own envelope (`resume`, a field beside them) is written by the server answering the
 * poll: a change there was told to wait for stores to drain too (tDX F6).
 */
import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

const STORED = /older servers stored/;
const base = readSchemas();
const pollChanges = async (after: ReturnType<typeof readSchemas>) => (await diffFiles(base, after)).changes.filter((change) => change.subject === 'PollResponse');

describe('the poll response\'s impact and the store', () => {
  it('says nothing of a store for its own envelope: a value removed from resume, a required top-level field added', async () => {
    const resume = await pollChanges(patchSchemas(base, [{ op: 'replace', path: '/definitions.json/definitions/ResumeStatus/enum', value: ['new', 'resumed'] }]));
    expect(resume.map((change) => change.pointer)).toEqual(['/resume']);
    expect(resume[0]!.impact).toMatch(/upgrade servers first/);
    expect(resume[0]!.impact).not.toMatch(STORED);
    const server = await pollChanges(patchSchemas(base, [
      { op: 'add', path: '/poll-response.json/properties/server', value: { type: 'string', description: 'The server that answered.' } },
      { op: 'add', path: '/poll-response.json/required/-', value: 'server' },
    ]));
    expect(server.map((change) => change.pointer)).toEqual(['/server']);
    expect(server[0]!.impact).not.toMatch(STORED);
  });

  it('says what older servers stored for its cursor, which the store\'s messages make', async () => {
    const cursor = await pollChanges(patchSchemas(base, [{ op: 'add', path: '/definitions.json/definitions/Cursor/maxLength', value: 64 }]));
    expect(cursor.map((change) => change.pointer)).toContain('/cursor');
    expect(cursor.find((change) => change.pointer === '/cursor')!.impact).toMatch(STORED);
  });

  // tEI F17 (mutation M19: the root no longer taken as stored): its root holds the store's messages and cursor. Closing it
  // (additionalProperties: false added back) narrows what older servers sent, and stored.
  it('says what older servers stored for a narrowing at its root (tEI F17)', async () => {
    const open = patchSchemas(base, [{ op: 'remove', path: '/poll-response.json/additionalProperties' }]);
    const root = (await diffFiles(open, base)).changes.filter((change) => change.subject === 'PollResponse');
    expect(root.map((change) => change.pointer)).toEqual(['']);
    expect(root[0]!.impact).toMatch(/upgrade servers first/);
    expect(root[0]!.impact).toMatch(STORED);
  });
});
