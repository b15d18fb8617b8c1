/**
 * Prose from the contract in the Markdown reference (generated/docs/messages.md) shows as
 * written: `&`, `<` and `>` outside code spans are escaped, so "no P&L" is not the start of an
 * entity and `<script>` is not HTML a Markdown renderer passes through; code spans are kept.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitDocs } from '../../src/codegen/docs/index.js';
import { prose } from '../../src/codegen/docs/field-table.js';
import { loadContract } from '../../src/contract/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('prose in the Markdown reference', () => {
  it('escapes & < > outside code spans and keeps code spans as they are', () => {
    expect(prose('so consumers can tell "no P&L" from a missing field')).toBe('so consumers can tell "no P&amp;L" from a missing field');
    expect(prose('<script>alert(1)</script> & <b>bold</b>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(prose('an entity &amp; stays written')).toBe('an entity &amp;amp; stays written');
    expect(prose('resume with `?since=<cursor>&x=1` & go')).toBe('resume with `?since=<cursor>&x=1` &amp; go');
    // A code span of two backticks holds one; an unmatched backtick is text.
    expect(prose('``a ` <b>`` <i>')).toBe('``a ` <b>`` &lt;i&gt;');
    expect(prose('a ` lone <b>')).toBe('a ` lone &lt;b&gt;');
    expect(prose('*emphasis* and [a link](#x) stay Markdown')).toBe('*emphasis* and [a link](#x) stay Markdown');
  });

  it('the shipped reference shows "no P&L" escaped', () => {
    const docs = readFileSync(path.join(ROOT, 'generated/docs/messages.md'), 'utf8');
    expect(docs).toContain('consumers can tell "no P&amp;L" from a missing field');
    expect(docs).not.toContain('no P&L');
  });

  it('escapes a message description, a field description and a definition description', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'markdown-prose-'));
    made.push(dir);
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    const file = path.join(dir, 'trades.json');
    const trades = JSON.parse(readFileSync(file, 'utf8'));
    trades.description = 'Trades <script>alert(1)</script> & fills.';
    trades.definitions.TradeData.properties.fee.description = 'Fee, <b>not</b> `a<b`.';
    writeFileSync(file, JSON.stringify(trades, null, 2));
    const definitions = path.join(dir, 'definitions.json');
    const shared = JSON.parse(readFileSync(definitions, 'utf8'));
    shared.definitions.Timestamp.description = 'A <time> & date.';
    writeFileSync(definitions, JSON.stringify(shared, null, 2));
    const docs = emitDocs(await loadContract(dir)).get('docs/messages.md')!;
    expect(docs).not.toMatch(/<script>|<b>|<time>/);
    expect(docs).toContain('\nTrades &lt;script&gt;alert(1)&lt;/script&gt; &amp; fills.\n');
    expect(docs).toContain('| Trades &lt;script&gt;alert(1)&lt;/script&gt; &amp; fills. |');
    expect(docs).toContain('| Fee, &lt;b&gt;not&lt;/b&gt; `a<b`. |');
    expect(docs).toContain('| A &lt;time&gt; &amp; date. |');
  });
});
