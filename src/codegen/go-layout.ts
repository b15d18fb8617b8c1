/**
 * Lays out generated Go source the way `gofmt` does, without Go: a Go consumer's CI gate
 * (`gofmt -l`) passes on the generated file, and the bytes do not depend on whether Go is
 * installed where `npm run generate` runs.
 *
 * It covers what quicktype's Go renderer and this package's additions emit, not Go at large:
 *  - indentation is one tab per open `{` / `(` (quicktype's helper functions come with two
 *    tabs per level), and `case` / `default` sit at their `switch`'s depth;
 *  - runs of blank lines become one, and none follows `{` / `(` or precedes `}` / `)`;
 *  - struct fields (`Name Type` and an optional tag) and const specs (`Name Type = value`) are
 *    aligned in columns as gofmt's tabwriter does: a column spans consecutive lines of one
 *    block, so a comment line or a blank line between two fields starts a new alignment
 *    section (quicktype padded every field to its longest comment).
 *
 * The test `test/codegen/languages.test.ts` runs `gofmt -l` over the output where Go exists.
 *
 * @param text Go source with `\n` line ends
 * @returns the same source, gofmt-clean
 */
export function layOutGo(text: string): string {
  return layOut(plainDocComments(text));
}

/**
 * gofmt rewrites the doc comment of a top-level declaration when a line looks like a list
 * item (`- a`, `1. a`), a code block (indented) or a heading (`# A`, or a lone capitalized
 * line between blank lines); schema descriptions put such lines there. Each doc comment is made
 * plain text that gofmt keeps: leading spaces dropped, a list-marker or `#` line joined to the
 * line before it (or, first in its paragraph, led by a zero-width space), and a lone
 * heading-like line ended with a period. Struct field comments are not doc comments: gofmt
 * leaves them, and so does this.
 */
function plainDocComments(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let block: string[] = [];
  const flush = (next: string | undefined) => {
    const isDoc = next !== undefined && /^(type|func|const|var) /.test(next);
    out.push(...(isDoc ? plainComment(block) : block));
    block = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('//')) {
      block.push(line);
      continue;
    }
    if (block.length > 0) flush(line);
    out.push(line);
  }
  if (block.length > 0) flush(undefined);
  return out.join('\n');
}

const LIST_OR_HEADING = /^([-*+\u2022#]|\d+[.)])([ \t]|$)/;

function plainComment(block: string[]): string[] {
  // Generated-code markers and directives stay as they are.
  if (block.some((line) => /^\/\/(go:|line |Code generated )/.test(line) || /^\/\/ Code generated /.test(line))) return block;
  const texts = block.map((line) => line.replace(/^\/\/ ?/, '').trim());
  const result: string[] = [];
  texts.forEach((text, index) => {
    const previous = result.at(-1);
    if (LIST_OR_HEADING.test(text)) {
      if (previous !== undefined && previous !== '') {
        result[result.length - 1] = `${previous} ${text}`;
        return;
      }
      result.push(`\u200b${text}`);
      return;
    }
    const alone = previous === '' && texts[index + 1] === '' && index + 2 < texts.length;
    result.push(alone && isOldHeading(text) ? `${text}.` : text);
  });
  return result.map((text) => (text === '' ? '//' : `// ${text}`));
}

/** go/doc/comment's old-style heading: capitalized, ends in a letter or digit, plain words. */
function isOldHeading(text: string): boolean {
  return /^\p{Lu}/u.test(text) && /[\p{L}\p{Nd}]$/u.test(text) && !/[;:!?+*/=[\]{}_^°&§~%#@<">\\]/.test(text);
}

function layOut(text: string): string {
  const lines: Line[] = [];
  const blocks: ('struct' | 'const' | 'other')[] = [];
  let previousBlank = false;
  for (const raw of text.split('\n')) {
    const code = raw.trim();
    if (code === '') {
      if (!previousBlank && lines.length > 0 && !opensBlock(lines.at(-1)!)) lines.push({ indent: 0, cells: [''] });
      previousBlank = true;
      continue;
    }
    previousBlank = false;
    const closes = /^[})\]]/.test(code);
    if (closes && lines.at(-1)?.cells.join('') === '') lines.pop(); // no blank line before a closer
    const depth = blocks.length - (closes ? 1 : 0) - (/^(case\b.*|default):/.test(code) ? 1 : 0);
    const kind = blocks.at(-1);
    lines.push({ indent: Math.max(depth, 0), cells: splitCells(code, closes ? undefined : kind) });
    for (const change of braceChanges(code)) {
      if (change === 'open') blocks.push(/\bstruct \{$/.test(code) ? 'struct' : /^const \($/.test(code) ? 'const' : 'other');
      else blocks.pop();
    }
  }
  while (lines.at(-1)?.cells.join('') === '') lines.pop();
  return `${align(lines).join('\n')}\n`;
}

interface Line {
  /** Tabs before the first cell. */
  indent: number;
  /** Cells to align; the last one is never padded (tabwriter's trailing cell). */
  cells: string[];
}

function opensBlock(line: Line): boolean {
  return line.cells.length === 1 && /[{(]$/.test(line.cells[0]!) && !line.cells[0]!.startsWith('//');
}

/**
 * A struct field is `Name`, `Type` and the tag; a const spec is `Name`, `Type` and `= value`,
 * as gofmt separates them (names and types never hold spaces in generated code). Comments and
 * anything else stay one cell.
 */
function splitCells(code: string, block: 'struct' | 'const' | 'other' | undefined): string[] {
  if (code.startsWith('//')) return [code];
  if (block === 'struct') {
    const field = /^(\S+) +(\S+)(?: +(`.*`))?$/.exec(code);
    if (field) return field[3] === undefined ? [field[1]!, field[2]!] : [field[1]!, field[2]!, field[3]];
  }
  if (block === 'const') {
    const spec = /^(\S+) +(\S+) += +(.*)$/.exec(code);
    if (spec) return [spec[1]!, spec[2]!, `= ${spec[3]!}`];
  }
  return [code];
}

/** `open` / `close` for each `{`, `(`, `}` and `)` outside strings, runes and comments. */
function braceChanges(code: string): ('open' | 'close')[] {
  const changes: ('open' | 'close')[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') break;
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (c !== '`' && code[i] === '\\') i++;
    } else if (c === '{' || c === '(') changes.push('open');
    else if (c === '}' || c === ')') changes.push('close');
  }
  // A line such as `} else {` or `}, {` closes one block and opens another: net per line.
  const net = changes.reduce((sum, change) => sum + (change === 'open' ? 1 : -1), 0);
  return Array.from({ length: Math.abs(net) }, () => (net > 0 ? 'open' : 'close'));
}

/**
 * text/tabwriter's algorithm with gofmt's settings (padding 1, spaces, tab indentation): a
 * column block is a run of consecutive lines that all have a terminated cell in that column;
 * its width is its widest cell (in code points) plus one.
 */
function align(lines: Line[]): string[] {
  // Indentation cells are columns too, as in gofmt: a line indented less ends every block
  // to its right.
  const rows = lines.map((line) => [...Array<string>(line.indent).fill(''), ...line.cells]);
  const widths: number[][] = rows.map(() => []);
  const format = (column: number, from: number, to: number): void => {
    for (let start = from; start < to; ) {
      if (column >= rows[start]!.length - 1) {
        start++;
        continue;
      }
      let end = start;
      let width = 0;
      while (end < to && column < rows[end]!.length - 1) {
        width = Math.max(width, [...rows[end]![column]!].length + 1);
        end++;
      }
      for (let row = start; row < end; row++) widths[row]![column] = width;
      format(column + 1, start, end);
      start = end;
    }
  };
  format(0, 0, rows.length);
  return lines.map((line, index) => {
    const row = rows[index]!;
    let out = '\t'.repeat(line.indent);
    for (let column = line.indent; column < row.length; column++) {
      const cell = row[column]!;
      out += column < row.length - 1 ? cell.padEnd(widths[index]![column]! - ([...cell].length - cell.length)) : cell;
    }
    return out;
  });
}
