import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// A value added to a closed list or a message type added is a minor release, yet a TypeScript
// switch over a `types.ts` union with a `never` default stops compiling; README's release policy
// did not say it leaves such checks out (tIR F7).
it('README says exhaustive switches over the producer types are not covered by a minor release, and how to write switches that keep compiling', () => {
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  expect(readme).toContain('a value added to a closed list or a message type added makes TypeScript code that switches over a producer type\'s union in `types.ts` exhaustively (a `never` in its `default`) stop compiling, yet it is `minor`');
  expect(readme).toContain('Handle what you receive with the `Received…` types, whose closed lists stay open');
  expect(readme).toContain('give a switch over a union of message types (`ServerMessage`, `ReceivedServerMessage`, closed either way) a `default` that does not assert `never`');
});
