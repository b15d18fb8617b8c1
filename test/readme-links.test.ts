/**
 * README's links within itself lead somewhere: each `(#anchor)` is the anchor GitHub gives one
 * of its headings (lower case, punctuation other than `-` and `_` dropped, spaces as `-`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const README = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

/** GitHub's anchor of a heading's text. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

describe('README', () => {
  it('links only to headings it has', () => {
    // Headings outside fenced code blocks only: a `# comment` in a shell example is none.
    const prose = README.replace(/^```[\s\S]*?^```/gm, '');
    const anchors = new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });
});
