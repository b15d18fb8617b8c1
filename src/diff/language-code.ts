/**
 * What the generated Go and Python declare, read from the code `generate` writes
 * (src/codegen/quicktype.ts `emitLanguages`), and the names in it that changed between two
 * contracts: pure, the text in, the declarations out. The contract model alone cannot tell every
 * name quicktype gives: two closed lists of the same values share one type (an alias) until one
 * of them gains a value, a union added elsewhere renames another's inline list
 * (`TradeDataGradeEnum` → `TradeDataAgradeEnum`), an `anyOf` of lists takes a name of
 * quicktype's own (`Two` → `PurpleTwo`). Each of these changed the type of a field that did
 * not change while `diff` said "release minor" (tGY F2, F6, tGI F11).
 */

/** One language's declarations. */
export interface Declarations {
  /** Type name → what it is: `= Side` for an alias, else its kind (`struct`, `string`, `Enum`, `class`). */
  types: Map<string, string>;
  /** Constant (Go) or `Enum.MEMBER` (Python) → the type it belongs to, and its value as written. */
  constants: Map<string, { type: string; value: string }>;
  /** Struct or class → field (the JSON key in Go, the attribute in Python) → its declared type. */
  fields: Map<string, Map<string, string>>;
  /**
   * Struct or class → the Go field or Python attribute → the JSON key it reads, as the code
   * writes it (`"yield"`): quicktype prefixes a Python keyword with the class name
   * (`trade_data_yield`), and a property added under that name took it, the older one becoming
   * `purple_yield` (tHL F5).
   */
  keys: Map<string, Map<string, string>>;
  /**
   * Go struct → the `encoding/json` methods the generated code declares on it (`UnmarshalJSON`, `MarshalJSON`): a struct that
   * gains one decodes and encodes through it, and a consumer's struct that embeds it then has only the generated fields read
   * and written (tHL F6). Empty for Python.
   */
  methods: Map<string, Set<string>>;
}

/** The Go and Python declarations of one contract's generated code. */
export interface LanguageDeclarations {
  Go: Declarations;
  Python: Declarations;
}

/** Reads the declarations of the generated Go file (`messages.go`), as `layOutGo` lays it out. */
export function goDeclarations(text: string): Declarations {
  const declarations: Declarations = { types: new Map(), constants: new Map(), fields: new Map(), keys: new Map(), methods: new Map() };
  // Alias constant → [the constant it stands for, the alias type whose block declares it].
  const aliasedConstants = new Map<string, [string, string | undefined]>();
  let lastType: string | undefined;
  let struct: Map<string, string> | undefined;
  let keys: Map<string, string> | undefined;
  let inConst = false;
  for (const line of text.split('\n')) {
    if (struct) {
      if (line === '}') struct = undefined;
      const field = /^\t(\w+)\s+(\S+)(?:\s+`json:"([^",]*)[^`]*`)?\s*$/.exec(line);
      if (field) struct?.set(field[3] ?? field[1]!, field[2]!);
      if (field) keys?.set(field[1]!, JSON.stringify(field[3] ?? field[1]!));
      continue;
    }
    if (inConst) {
      if (line === ')') inConst = false;
      const typed = /^\t(\w+)\s+(\w+)\s+=\s+(.+)$/.exec(line);
      if (typed) declarations.constants.set(typed[1]!, { type: typed[2]!, value: typed[3]! });
      const aliased = /^\t(\w+)\s+=\s+(\w+)$/.exec(line);
      if (aliased) aliasedConstants.set(aliased[1]!, [aliased[2]!, lastType]);
      continue;
    }
    if (line === 'const (') {
      inConst = true;
      continue;
    }
    const method = /^func \(\w+ \*?(\w+)\) (UnmarshalJSON|MarshalJSON)\(/.exec(line);
    if (method) {
      if (!declarations.methods.has(method[1]!)) declarations.methods.set(method[1]!, new Set());
      declarations.methods.get(method[1]!)!.add(method[2]!);
      continue;
    }
    const opened = /^type (\w+) struct \{$/.exec(line);
    if (opened) {
      declarations.types.set(opened[1]!, 'struct');
      struct = new Map();
      keys = new Map();
      declarations.fields.set(opened[1]!, struct);
      declarations.keys.set(opened[1]!, keys);
      continue;
    }
    lastType = /^type (\w+) /.exec(line)?.[1] ?? lastType;
    const alias = /^type (\w+) = (\S+)$/.exec(line);
    if (alias) {
      declarations.types.set(alias[1]!, `= ${alias[2]}`);
      continue;
    }
    const named = /^type (\w+) (.+)$/.exec(line);
    if (named) declarations.types.set(named[1]!, named[2]!.replace(/\s*\{\s*\}?$/, ''));
  }
  // `TradeDataDirBuy = SideBuy` after `type TradeDataDir = Side`: a constant of the alias, of Side's value.
  for (const [name, [of, block]] of aliasedConstants) {
    const target = declarations.constants.get(of);
    const type = block !== undefined && declarations.types.get(block) === `= ${target?.type}` ? block : target?.type ?? '?';
    declarations.constants.set(name, { type, value: target?.value ?? of });
  }
  return declarations;
}

/** Reads the declarations of the generated Python module (`realtime_contract.py`). */
export function pythonDeclarations(text: string): Declarations {
  const declarations: Declarations = { types: new Map(), constants: new Map(), fields: new Map(), keys: new Map(), methods: new Map() };
  let enumName: string | undefined;
  let fields: Map<string, string> | undefined;
  // The class whose from_dict is being read, and what each attribute reads there.
  let keys: Map<string, string> | undefined;
  let className: string | undefined;
  // Inside a docstring (a field's, whose lines are indented as fields are): no line there declares
  // anything (`    status: filled when done` in a description was read as the field's type: tHV F6).
  let inDocstring = false;
  for (const line of text.split('\n')) {
    const quotes = line.split('"""').length - 1;
    if (inDocstring) {
      if (quotes % 2 === 1) inDocstring = false;
      continue;
    }
    if (quotes % 2 === 1) {
      inDocstring = true;
      continue;
    }
    if (/^\s*"""/.test(line)) continue;
    const opened = /^class (\w+)(\(Enum\))?:/.exec(line);
    if (opened) {
      declarations.types.set(opened[1]!, opened[2] ? 'Enum' : 'class');
      enumName = opened[2] ? opened[1] : undefined;
      fields = opened[2] ? undefined : new Map();
      className = opened[2] ? undefined : opened[1];
      keys = undefined;
      if (fields) declarations.fields.set(opened[1]!, fields);
      continue;
    }
    if (/^\S/.test(line)) {
      enumName = undefined;
      fields = undefined;
      className = undefined;
      keys = undefined;
      const alias = /^(\w+) = (\w+)$/.exec(line);
      if (alias) declarations.types.set(alias[1]!, `= ${alias[2]}`);
      continue;
    }
    if (enumName) {
      const member = /^ {4}(\w+) = (.+)$/.exec(line);
      if (member) declarations.constants.set(`${enumName}.${member[1]}`, { type: enumName, value: member[2]! });
    } else if (className !== undefined) {
      if (/^ {4}def from_dict\(/.test(line)) declarations.keys.set(className, (keys = new Map()));
      else if (/^ {4}\S/.test(line)) keys = undefined;
      // `trade_data_yield = from_union([…], from_absent_or_value(obj, "yield"), …)`, `id = from_str(obj["id"])`.
      const read = keys && /^ {8}(\w+) = .*?(?:\bobj\[|from_absent_or_value\(obj, )("(?:[^"\\]|\\.)*")/.exec(line);
      if (read) keys!.set(read[1]!, read[2]!);
    }
    if (fields && enumName === undefined) {
      if (/^ {4}(def |@)/.test(line)) fields = undefined;
      const field = /^ {4}(\w+): (.+?)(?: = .*)?$/.exec(line);
      if (field && fields) fields.set(field[1]!, field[2]!);
    }
  }
  return declarations;
}

/** The declarations of both generated files, as `emitLanguages` returns them (path → text). */
export function languageDeclarations(files: ReadonlyMap<string, string>): LanguageDeclarations {
  const text = (suffix: string) => [...files].find(([file]) => file.endsWith(suffix))?.[1] ?? '';
  return { Go: goDeclarations(text('.go')), Python: pythonDeclarations(text('.py')) };
}

/** One place whose generated Go or Python changed, with what changed there. */
export interface LanguageNameChange {
  /** The struct or class the place belongs to, and its field (absent for a type itself). */
  owner: string;
  field?: string;
  /** `Go TradeData.dir: *Side → *TradeDataDir`, and such. */
  notes: string[];
  /** The old and new names (type text), for `before` / `after`. */
  before: string[];
  after: string[];
  /** Whether a field or attribute of it reads another JSON key, or a key is read under another name. */
  renamed?: boolean;
  /** Whether every change here is a type of its own made an alias of a type the older code did not declare: no older name changes meaning. */
  keepsNames?: boolean;
  /** Whether a Go struct here gains or loses `UnmarshalJSON` or `MarshalJSON` (tHL F6). */
  methods?: boolean;
}

/**
 * The changes of the generated Go and Python that break code written against the older ones, as
 * they read in the code: a field of a struct or class both sides declare whose declared type
 * names other declared types (`*Side` → `*TradeDataDir`, `Optional[Union[TradeDataGradeEnum,
 * int]]` → `Optional[Union[TradeDataAgradeEnum, int]]`); a declared type or constant whose name
 * the newer code no longer declares, or gives to another type (an alias of `Side` made a type
 * of its own; `TradeDataDirBuy` of `Side` made one of `TradeDataDir`). A field whose type only
 * changes between built-in types (`*int64` → `*float64`) is the wire rules' (other-language-code);
 * a name in `told` (a `type-name-changed` said already) is not said again; a name gone with its
 * field, or a constant gone with its value, is the change of the field or list.
 *
 * @returns one entry per struct field or type, keyed so that one place says both languages
 */
export function languageNameChanges(before: LanguageDeclarations, after: LanguageDeclarations, told: ReadonlySet<unknown>): LanguageNameChange[] {
  const found = new Map<string, LanguageNameChange>();
  const at = (owner: string, field?: string): LanguageNameChange => {
    const key = `${owner}\u0000${field ?? ''}`;
    let entry = found.get(key);
    if (!entry) found.set(key, (entry = { owner, ...(field === undefined ? {} : { field }), notes: [], before: [], after: [] }));
    return entry;
  };
  for (const language of ['Go', 'Python'] as const) {
    const old = before[language];
    const now = after[language];
    const declaredIn = (declarations: Declarations, type: string) => new Set((type.match(/\w+/g) ?? []).filter((word) => declarations.types.has(word)));
    // Where each name was used, to place a name that went without a field of its own.
    const usedAt = new Map<string, [string, string]>();
    const mentioned = new Set<string>();
    // A struct the newer code makes an alias (`type TradeDataGrade = TradeDataAgrade`) has the fields of the one it names.
    const fieldsOf = (owner: string) => now.fields.get(owner) ?? now.fields.get(now.types.get(owner)?.replace(/^= /, '') ?? '');
    for (const [owner, fields] of old.fields) {
      const newer = fieldsOf(owner);
      for (const [field, type] of fields) {
        for (const name of declaredIn(old, type)) if (!usedAt.has(name)) usedAt.set(name, [owner, field]);
        const retyped = newer?.get(field);
        if (retyped === undefined || retyped === type) continue;
        const was = declaredIn(old, type);
        const is = declaredIn(now, retyped);
        // A name the newer code keeps as an alias of the field's new type still compiles.
        const lost = [...was].filter((name) => !is.has(name) && !is.has(now.types.get(name)?.replace(/^= /, '') ?? ''));
        // Retyped to built-in types alone (an object opened into a map, a list opened): the wire rule's other-language-code.
        if (lost.length === 0 || is.size === 0 || lost.every((name) => told.has(name))) continue;
        const entry = at(owner, field);
        const constants = [...old.constants].filter(([constant, of]) => lost.includes(of.type) && !now.constants.has(constant)).map(([constant]) => constant);
        const withConstants = constants.length === 0 ? '' : ` (${language === 'Go' ? 'constants' : 'members'} ${constants.join(', ')} no longer declared)`;
        entry.keepsNames = false;
        entry.notes.push(`${language} ${owner}.${field}: ${type} → ${retyped}${withConstants}`);
        entry.before.push(type);
        entry.after.push(retyped);
        for (const name of lost) mentioned.add(name);
      }
    }
    for (const [name, kind] of old.types) {
      if (told.has(name) || mentioned.has(name)) continue;
      const newer = now.types.get(name);
      const [owner, field] = usedAt.get(name) ?? [name, undefined];
      // Gone with the field that used it (or the struct): that field's change says so.
      if (newer === undefined && field !== undefined && fieldsOf(owner)?.has(field) !== true) continue;
      // Gone where its field is now of built-in types alone: that retyping's change says so.
      if (newer === undefined && field !== undefined && (fieldsOf(owner)!.get(field)!.match(/\w+/g) ?? []).every((word) => !now.types.has(word))) continue;
      if (newer === undefined && field === undefined) continue;
      if (newer === kind || (newer !== undefined && !kind.startsWith('=') && !newer.startsWith('='))) continue;
      const entry = at(owner, field);
      const constants = [...old.constants].filter(([constant, of]) => of.type === name && !now.constants.has(constant)).map(([constant]) => constant);
      const withConstants = constants.length === 0 ? '' : ` (its ${language === 'Go' ? 'constants' : 'members'} ${constants.join(', ')} too)`;
      // A type of its own made an alias of a type the older code did not declare (a message type
      // added with a list of the same values): every older name still means what it meant, and
      // code built on them compiles and runs; it read as a major release (tHL F4).
      const aliasOfNew = newer !== undefined && !kind.startsWith('=') && newer.startsWith('= ') && !old.types.has(newer.slice(2));
      entry.keepsNames = (entry.keepsNames ?? true) && aliasOfNew;
      entry.notes.push(`${language} type ${name}: ${describe(kind)} → ${newer === undefined ? 'no longer declared' : describe(newer)}${aliasOfNew ? ', a type the older code did not declare, its constants or members kept through the alias' : withConstants}`);
      entry.before.push(name);
      if (newer !== undefined) entry.after.push(name);
      mentioned.add(name);
    }
    // A field or attribute that reads another JSON key, or a key read under another name
    // (`yield`: trade_data_yield → purple_yield when `trade_data_yield` was added): code that
    // reads it by name silently reads another key, or no longer compiles or runs (tHL F5).
    for (const [owner, keys] of old.keys) {
      const newer = now.keys.get(owner);
      if (newer === undefined) continue;
      const nameOf = new Map([...newer].map(([name, key]) => [key, name]));
      for (const [name, key] of keys) {
        const renamed = nameOf.get(key);
        const reads = newer.get(name);
        if ((renamed === undefined || renamed === name) && (reads === undefined || reads === key)) continue;
        const entry = at(owner, unquoted(key));
        const now = reads === undefined || reads === key ? '' : ` (${name} now reads ${reads})`;
        entry.keepsNames = false;
        entry.notes.push(`${language} ${owner}: the key ${key} is read by ${name} → ${renamed ?? 'no field'}${now}`);
        entry.before.push(name);
        if (renamed !== undefined) entry.after.push(renamed);
        entry.renamed = true;
      }
    }
    // A struct that gains or loses UnmarshalJSON or MarshalJSON (quicktype's whole-number reading comes with an integer
    // field): a consumer's struct that embeds it decodes and encodes only the generated fields after, or all of its own
    // again, and `DisallowUnknownFields` stops or starts reaching inside it; diff said minor (tHL F6).
    for (const [owner] of old.fields) {
      if (!now.fields.has(owner)) continue;
      const was = old.methods.get(owner) ?? new Set<string>();
      const is = now.methods.get(owner) ?? new Set<string>();
      const gained = [...is].filter((name) => !was.has(name)).sort();
      const lost = [...was].filter((name) => !is.has(name)).sort();
      if (gained.length === 0 && lost.length === 0) continue;
      const entry = at(owner);
      entry.keepsNames = false;
      entry.methods = true;
      entry.notes.push(`${language} ${owner}: ${[gained.length > 0 ? `declares ${gained.join(' and ')}` : '', lost.length > 0 ? `no longer declares ${lost.join(' and ')}` : ''].filter(Boolean).join(', ')}`);
      entry.before.push(owner);
      entry.after.push(owner);
    }
    for (const [name, { type, value }] of old.constants) {
      if (mentioned.has(type) || told.has(type)) continue;
      const newer = now.constants.get(name);
      if (newer?.type === type || (newer !== undefined && now.types.get(newer.type) === `= ${type}`) || (newer !== undefined && old.types.get(type) === `= ${newer.type}`)) continue;
      // A value gone from its list: the list's change says so.
      if (newer === undefined && ![...now.constants.values()].some((other) => other.type === type && other.value === value)) continue;
      const [owner, field] = usedAt.get(type) ?? [type, undefined];
      const entry = at(owner, field);
      entry.keepsNames = false;
      entry.notes.push(`${language} constant ${name} (${value}): of ${type} → ${newer === undefined ? 'no longer declared' : `of ${newer.type}`}`);
      entry.before.push(name);
      if (newer !== undefined) entry.after.push(name);
    }
  }
  return [...found.values()];
}

/** A JSON key as the generated code writes it (`"yield"`), unquoted. */
function unquoted(key: string): string {
  try {
    return JSON.parse(key) as string;
  } catch {
    return key.slice(1, -1);
  }
}

function describe(kind: string): string {
  return kind.startsWith('= ') ? `an alias of ${kind.slice(2)}` : 'a type of its own';
}
