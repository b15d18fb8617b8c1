import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, type Change, type RuleId } from '../../src/diff/index.js';
import { diffFiles, patchSchemas, readSchemas, type PatchOperation } from './support.js';

/**
 * The corpus: each file is one schema pair — the current contract with `base` patches, then
 * `old` or `new` patches on top — and the changes `diff` must find between them, each with
 * its level. Patches are RFC 6902 operations whose path starts with the schema file name.
 */
interface CorpusCase {
  description: string;
  base: PatchOperation[];
  old: PatchOperation[];
  new: PatchOperation[];
  expect: Pick<Change, 'rule' | 'level' | 'subject' | 'direction' | 'pointer'>[];
}

const CORPUS = path.join(import.meta.dirname, 'corpus');
const cases = readdirSync(CORPUS)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ name: file.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(path.join(CORPUS, file), 'utf8')) as CorpusCase) }));
const current = readSchemas();

/** Facts of a message or of the protocol: judged once, not per direction. */
const UNDIRECTED = new Set<string>([
  'audience-changed', 'delivery-changed', 'delivery-key-changed', 'document-added', 'document-removed',
  'protocol-version-changed', 'protocol-version-not-bumped', 'connection-path-changed', 'connection-notes-changed',
  'ping-interval-changed', 'pong-timeout-changed', 'poll-path-changed', 'poll-hold-changed', 'poll-max-messages-changed',
  'close-code-added', 'close-code-removed', 'close-code-changed', 'error-code-added', 'error-code-removed', 'error-code-changed',
  'protocol-fact-added', 'protocol-fact-removed', 'protocol-fact-changed', 'documentation-changed', 'type-name-changed', 'definition-moved',
  'closed-list-not-extended',
]);
/** Rules the corpus cannot reach through today's loader, with the reason. */
const UNREACHABLE: Record<string, string> = {
  'protocol-fact-changed': 'the loader rejects x- keywords it does not know, and reads every one it knows into the model',
};

describe('diff corpus', () => {
  it('has at least 40 schema pairs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('exercises every rule, and every per-message rule in both directions', () => {
    const seen = new Set(cases.flatMap((c) => c.expect.map((e) => `${e.rule} ${e.direction ?? '-'}`)));
    for (const rule of Object.keys(RULES) as RuleId[]) {
      if (UNREACHABLE[rule]) continue;
      if (UNDIRECTED.has(rule)) expect(seen, rule).toContain(`${rule} -`);
      else for (const direction of ['server-to-client', 'client-to-server']) expect(seen, rule).toContain(`${rule} ${direction}`);
    }
  });

  it.each(cases)('$name: $description', async (corpusCase) => {
    const base = patchSchemas(current, corpusCase.base);
    const report = await diffFiles(patchSchemas(base, corpusCase.old), patchSchemas(base, corpusCase.new));
    const checksVersion = corpusCase.expect.some((e) => e.rule === 'protocol-version-not-bumped');
    const found = report.changes
      .filter((change) => checksVersion || change.rule !== 'protocol-version-not-bumped')
      .map(({ rule, level, subject, direction, pointer }) => ({ rule, level, subject, direction, pointer }));
    const order = (list: object[]) => list.map((item) => JSON.stringify(item)).sort();
    expect(order(found)).toEqual(order(corpusCase.expect));
  });

  it('definition-moved: reported beside any other change, a major release, the protocol version not concerned (a reviewer: it vanished beside an added field)', async () => {
    const moved = cases.find((c) => c.name === 'definition-moved')!;
    const base = patchSchemas(current, moved.base);
    const after = patchSchemas(patchSchemas(base, moved.new), [{ op: 'add', path: '/alerts.json/definitions/AlertData/properties/extra', value: { type: 'string' } }]);
    const report = await diffFiles(base, after);
    expect(report.changes.find((c) => c.rule === 'definition-moved')).toMatchObject({
      subject: 'definitions.json', pointer: '/definitions/TradeData', before: 'trades.json#/definitions/TradeData', after: 'definitions.json#/definitions/TradeData', breaks: ['importing-code'],
    });
    expect(report.changes.map((c) => c.rule)).toContain('optional-property-added');
    expect(report.semver).toBe('major');
    // The wire calls for a minor protocol version (the added field), not more.
    expect(report.protocolVersion.suggested).toBe('1.2');
  });

  it('message-removed: its generated type is gone too, so code that imports it (importing-code) and code built on it in Go and Python (other-language-code) break, and the text names it (a fresh user: only a title renamed said importing-code)', async () => {
    for (const [name, title, wire] of [['message-removed.s2c', 'NoticeMessage', ['tolerant-consumers', 'strict-consumers', 'newer-consumers']], ['message-removed.c2s', 'SubscribeMessage', ['older-clients']]] as const) {
      const removed = cases.find((c) => c.name === name)!;
      const base = patchSchemas(current, removed.base);
      const report = await diffFiles(patchSchemas(base, removed.old), patchSchemas(base, removed.new));
      const change = report.changes.find((c) => c.rule === 'message-removed');
      expect(change, name).toMatchObject({ breaks: [...wire, 'importing-code', 'other-language-code'], text: expect.stringContaining(`its type "${title}"`), impact: expect.stringContaining(`code that imports ${title} from the generated types`) });
      expect(report.semver, name).toBe('major');
    }
  });

  it('close-code-removed and error-code-removed: the generated CloseCode / ErrorCode constant goes with it, so importing-code breaks and the release is major, the wire compatible (tHV F1: "release minor", ErrorCode.InternalError no longer compiled)', async () => {
    for (const [name, constant] of [['close-code-removed', 'CloseCode.CorpusCode constant (or CLOSE_CODES[4000])'], ['error-code-removed', 'ErrorCode.Corpus constant (or ERROR_CODES.CORPUS)']] as const) {
      const removed = cases.find((c) => c.name === name)!;
      const base = patchSchemas(current, removed.base);
      const report = await diffFiles(patchSchemas(base, removed.old), patchSchemas(base, removed.new));
      const change = report.changes.find((c) => c.rule === name);
      expect(change, name).toMatchObject({ level: 'compatible', breaks: ['importing-code'], impact: expect.stringContaining(`code using the generated ${constant} no longer compiles`) });
      expect(report.semver, name).toBe('major');
      // The wire: the newer server no longer uses it, which older peers survive: a minor protocol version.
      expect(report.protocolVersion.suggested, name).toBe('1.2');
    }
  });

  it('close-code-changed and error-code-changed by name alone: compatible on the wire, no protocol version, importing-code and a major release for the generated constant renamed; the close code\'s text does not say the advice changed (tHV F3: breaking, older-peers, "older clients follow the old reconnect advice")', async () => {
    for (const [name, rule, constant] of [['close-code-changed.name-only', 'close-code-changed', 'CloseCode.CorpusCode'], ['error-code-changed', 'error-code-changed', 'ErrorCode.Corpus']] as const) {
      const renamed = cases.find((c) => c.name === name)!;
      const base = patchSchemas(current, renamed.base);
      const report = await diffFiles(patchSchemas(base, renamed.old), patchSchemas(base, renamed.new));
      const change = report.changes.find((c) => c.rule === rule);
      expect(change, name).toMatchObject({ level: 'compatible', breaks: ['importing-code'], impact: expect.stringContaining(`code using the generated ${constant} constant no longer compiles`) });
      expect(change!.impact, name).not.toContain('old reconnect advice');
      expect(report.semver, name).toBe('major');
      expect(report.protocolVersion, name).toMatchObject({ suggested: '1.1', bumped: true });
    }
    // The advice changed: breaking for older clients, as before.
    const advice = cases.find((c) => c.name === 'close-code-changed')!;
    const report = await diffFiles(patchSchemas(current, advice.old), patchSchemas(current, advice.new));
    expect(report.changes.find((c) => c.rule === 'close-code-changed')).toMatchObject({ level: 'breaking', breaks: ['older-peers'], impact: 'older clients follow the old reconnect advice' });
  });

  it('closed-list-not-extended: judged on a closed list of three values or more that gained one, not on a shorter one', async () => {
    const notExtended = (report: { changes: Change[] }) => report.changes.filter((change) => change.rule === 'closed-list-not-extended').map(({ pointer, after }) => ({ pointer, after }));
    const gains = [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'short' }] as const;
    // Side, two values ("buy", "sell"), gains one: decisions' list ("buy", "sell", "hold") holds both and not it, yet nothing is said.
    expect(notExtended(await diffFiles(current, patchSchemas(current, gains)))).toEqual([]);
    // The same, once Side has three values ("hold" too): decisions' list, left behind, is named.
    const three = patchSchemas(current, [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'hold' }]);
    expect(notExtended(await diffFiles(three, patchSchemas(three, gains)))).toEqual([
      { pointer: 'decisions.json#/definitions/DecisionData/properties/decision', after: ['short'] },
    ]);
  });
});
