/** The bench's inputs: the test fixtures grouped by message type. */
import { MESSAGE_TYPES } from '../../generated/contract.js';
import { readFixtureMessages, type FixtureMessage } from '../../test/support/fixtures.js';

export interface TypeFixtures {
  type: string;
  /** The spec example (valid/spec/<type>.json) first, then every variant of that type. */
  valid: FixtureMessage[];
  /** invalid/<type>-*.json. */
  invalid: FixtureMessage[];
}

/**
 * Valid and invalid fixture messages per message type, in the order of `MESSAGE_TYPES`.
 * Valid messages are grouped by their `type` field (keepalive.ndjson holds ping and pong,
 * timestamps.json several types); invalid ones by file-name prefix, since their `type` may
 * be the very fault.
 */
export function loadFixtures(): TypeFixtures[] {
  const valid = readFixtureMessages('valid');
  const invalid = readFixtureMessages('invalid');
  return MESSAGE_TYPES.map((type) => ({
    type,
    valid: valid
      .filter((m) => (m.value as { type?: unknown }).type === type)
      .sort((a, b) => Number(b.name === `valid/spec/${type}.json`) - Number(a.name === `valid/spec/${type}.json`)),
    invalid: invalid.filter((m) => m.name.startsWith(`invalid/${type}-`)),
  }));
}
