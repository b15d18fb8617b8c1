/**
 * The catalogue of changes `realtime-contract diff` recognises, and how each is classified.
 *
 * Anchors: Buf's breaking rules (one rule per kind of change, grouped by how much they break:
 * FILE, PACKAGE, WIRE_JSON, WIRE) and oasdiff's checks (ids such as
 * `response-property-enum-value-added`, levels ERR/WARN/INFO, `--fail-on`). Here the
 * direction of the message replaces oasdiff's request/response: a server→client message is
 * a response (who breaks: older consumers), a client→server message a request (who breaks:
 * older clients, whose messages a newer server rejects).
 */

/**
 * How much a change breaks, from worst to mildest:
 *
 * - `breaking`: an older peer fails. Server→client: older consumers reject a message in
 *   tolerant mode (and so in strict mode), or lose something they relied on. Client→server:
 *   the newer server rejects what older clients send. Protocol: older peers misbehave
 *   (time out, reconnect wrongly).
 * - `strict`: only strict-mode validation of server→client messages fails (CI, a producer's
 *   own checks); tolerant consumers survive — they ignore unknown fields, report unknown enum
 *   values as notices and skip unknown message types. Also: the protocol version was not bumped.
 * - `compatible`: no older peer fails.
 */
export type Level = 'breaking' | 'strict' | 'compatible';

/** Levels from mildest to worst: `LEVELS.indexOf(a) > LEVELS.indexOf(b)` means a is worse. */
export const LEVELS: readonly Level[] = ['compatible', 'strict', 'breaking'];

/**
 * What a schema change does to the set of values accepted at one place: `more` (widened),
 * `fewer` (narrowed), `different` (neither contains the other), `same` (no value changes
 * validity: documentation, known values of an open string).
 */
export type Acceptance = 'more' | 'fewer' | 'different' | 'same';

/** Every rule, by id. Tests check each is exercised in both directions by the corpus. */
export const RULES = {
  // Messages
  'message-added': 'a message type was added',
  'message-removed': 'a message type was removed',
  'direction-added': 'a message type travels in one more direction',
  'direction-removed': 'a message type no longer travels in a direction',
  'audience-changed': 'who receives a message changed (x-audience: user, global, connection)',
  'delivery-changed': 'the delivery class changed (x-delivery: event or state)',
  'delivery-key-changed': 'the key a state message is conflated by changed',
  'document-added': 'a protocol document (e.g. the poll response) was added',
  'document-removed': 'a protocol document was removed',
  // Fields
  'required-property-added': 'a required field was added',
  'optional-property-added': 'an optional field was added',
  'required-property-removed': 'a required field was removed',
  'optional-property-removed': 'an optional field was removed',
  'property-made-required': 'an optional field became required',
  'property-made-optional': 'a required field became optional',
  'made-nullable': 'a value may now be null',
  'made-non-nullable': 'a value may no longer be null',
  'additional-properties-allowed': 'an object now admits fields it does not name',
  'additional-properties-forbidden': 'an object no longer admits fields it does not name',
  // Values
  'type-widened': 'a value admits more JSON types (e.g. integer → number)',
  'type-narrowed': 'a value admits fewer JSON types (e.g. number → integer)',
  'type-changed': 'a value changed JSON type',
  'enum-value-added': 'a value was added to a closed list',
  'enum-value-removed': 'a value was removed from a closed list',
  'enum-added': 'an open value became a closed list',
  'enum-removed': 'a closed list became an open value',
  'const-added': 'a value became fixed',
  'const-removed': 'a fixed value became free',
  'const-changed': 'a fixed value changed',
  'format-added': 'a format was added',
  'format-removed': 'a format was removed',
  'format-changed': 'a format changed',
  'range-widened': 'a numeric bound was relaxed or removed',
  'range-narrowed': 'a numeric bound was tightened or added',
  'range-changed': 'a numeric multiple changed',
  'length-widened': 'a length or size bound was relaxed or removed',
  'length-narrowed': 'a length or size bound was tightened or added',
  'pattern-added': 'a pattern was added',
  'pattern-removed': 'a pattern was removed',
  'pattern-changed': 'a pattern changed',
  'schema-changed': 'a combination of schemas (anyOf, oneOf, allOf, not) changed',
  'known-values-changed': 'the documented known values of an open string changed',
  'documentation-changed': 'only the documentation of a schema file changed: descriptions, defaults, examples or comments, its spec section, or entries of the version history',
  'type-name-changed': 'a generated type was renamed, added or removed (a definition, or the title of a message or an inline schema): code that imports it by name must follow',
  'definition-moved': 'a definition moved to another schema file under its name: the generated types keep it; a $ref into the published file it left must follow',
  // Protocol facts
  'protocol-version-changed': 'the protocol version changed',
  'protocol-version-not-bumped': 'the protocol version is lower than the changes call for',
  'closed-list-not-extended': 'a closed list that held every value of another did not gain the values added to it (a finding, not a change)',
  'connection-path-changed': 'the WebSocket path changed',
  'connection-notes-changed': 'the connection URL example or authentication notes changed',
  'ping-interval-changed': 'the server ping interval changed',
  'pong-timeout-changed': 'the time a client has to answer a ping changed',
  'poll-path-changed': 'the polling endpoint path changed',
  'poll-hold-changed': 'how long a long poll may be held changed',
  'poll-max-messages-changed': 'the most messages per poll response changed',
  'close-code-added': 'a close code was added',
  'close-code-removed': 'a close code was removed',
  'close-code-changed': 'a close code changed its reconnect advice (breaking) or only its name (compatible: the generated CloseCode constant is renamed)',
  'error-code-added': 'an error code was added',
  'error-code-removed': 'an error code was removed',
  'error-code-changed': 'an error code changed name (compatible: the generated ErrorCode constant is renamed)',
  'protocol-fact-added': 'a protocol fact was declared',
  'protocol-fact-removed': 'a protocol fact was removed',
  'protocol-fact-changed': 'a protocol fact changed',
} as const;

export type RuleId = keyof typeof RULES;

/** Whether `a` is at least as bad as `b`. */
export function atLeast(a: Level, b: Level): boolean {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b);
}

/** The worse of two levels. */
export function worse(a: Level, b: Level): Level {
  return atLeast(a, b) ? a : b;
}
