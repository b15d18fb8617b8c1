/**
 * Schema text written into generated TypeScript by hand, outside json-schema-to-typescript
 * (which escapes the descriptions it writes, not a `tsType` given to it): every such place goes
 * through one of these.
 */

/**
 * `text` for the inside of a doc comment: a star and slash in it (a description, a polling path
 * such as `/api/ws/poll*\/x`) ended the comment, and the rest was read as code (tsc: "':'
 * expected"; a hostile tester). Each is written `*\/`, as the contract's descriptions were.
 */
export function docText(text: string): string {
  return text.replaceAll('*/', '*\\/');
}

/**
 * `value` as a TypeScript string literal that holds exactly it: JSON's escapes are JavaScript's,
 * so an apostrophe, a backslash or a line break in a schema's string cannot end the literal or
 * change its value (`'back\slash'` is read "backslash"; a hostile tester). Prettier then writes
 * it in single quotes where that needs no more escapes.
 */
export function stringLiteral(value: string): string {
  return JSON.stringify(value);
}
