/** How many of a path's first links {@link linkPath} keeps when it shortens it. */
const FIRST_LINKS = 3;
/** How many of its last links: the one before the last and the last, the step that closes a ring or ends a chain. */
const LAST_LINKS = 2;

/**
 * A path of `$ref`s as a refusal names it: `links` (file#pointer each, in order) joined by " → ",
 * a long one (more than 6 links) shortened to its first 3, "… (N more)" and its last 2, so that
 * a ring or a chain of 450 definitions is one line of a few hundred characters (a ring's was
 * 17,876: tCV F5) that still ends with the step that closes the ring or ends the chain.
 * The one shortening of such paths: the loader's refusals of a ring, a loop of bare `$ref`s and a
 * chain nested too deep, and generate's of a message that inlines too many schemas, use it.
 *
 * @returns e.g. `a#/A → a#/B → a#/C → … (444 more) → a#/Z → a#/A`; the links joined whole when 6 or fewer
 */
export function linkPath(links: readonly string[]): string {
  // Eliding a single link would save nothing: "… (1 more)" is about as long as the link.
  if (links.length <= FIRST_LINKS + LAST_LINKS + 1) return links.join(' → ');
  const elided = links.length - FIRST_LINKS - LAST_LINKS;
  return [...links.slice(0, FIRST_LINKS), `… (${elided.toLocaleString('en-US')} more)`, ...links.slice(-LAST_LINKS)].join(' → ');
}
