/**
 * The validators are compiled with every `$ref` inlined, so a definition referred to from two
 * places of another is copied into each: a chain of definitions each referring twice to the
 * next doubles at every step (a tester's chain of 12 kept generate busy past 2 minutes, with no
 * word). generate refuses a message past MAX_INLINED_SCHEMAS (README "What stops generation"),
 * naming the chain and the size, before it inlines anything.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGeneratable, MAX_INLINED_SCHEMAS } from '../../src/codegen/check.js';
import { forEachSubschema, inlinedSchemaCount, inlineRefs, loadContract } from '../../src/contract/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const work = mkdtempSync(path.join(tmpdir(), 'inlined-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** schemas/ in a folder of its own, TradeData gaining `chain` → C0, each Ci an object whose left and right both refer to C(i+1). */
function chainSchemas(n: number): string {
  const dir = path.join(work, `chain-${n}`);
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const trades = JSON.parse(readFileSync(file, 'utf8'));
  trades.definitions.TradeData.properties.chain = { $ref: '#/definitions/C0' };
  for (let i = 0; i < n; i++) trades.definitions[`C${i}`] = { title: `C${i}`, type: 'object', properties: { left: { $ref: `#/definitions/C${i + 1}` }, right: { $ref: `#/definitions/C${i + 1}` } } };
  trades.definitions[`C${n}`] = { title: `C${n}`, type: 'object', properties: { end: { type: 'number' } } };
  writeFileSync(file, JSON.stringify(trades, null, 2));
  return dir;
}

describe('a message too large once its $refs are inlined', () => {
  it('a chain of 30 definitions each referring twice to the next is refused, naming the message, the chain and the size', () => {
    // In a child process, killed after 60 s: the endless inlining it replaced fails the test instead of hanging the run.
    const result = spawnSync(process.execPath, ['--import', TSX, CLI, 'generate', '--schemas', chainSchemas(30), '--out', path.join(work, 'out')], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
    expect({ signal: result.signal, status: result.status }).toEqual({ signal: null, status: 2 });
    expect(result.stderr).toContain('trades.json#');
    expect(result.stderr).toContain('3,221,225,488 schema objects, more than the bound of 1,000');
    expect(result.stderr).toMatch(/the copies of trades\.json#\/definitions\/C30 add the most, 2,147,483,646 \(2 schema objects of its own, inlined 1,073,741,824 times: 2 \$refs lead to it, through the chain of \$refs trades\.json#\/definitions\/TradeData → trades\.json#\/definitions\/C0 → .* trades\.json#\/definitions\/C30\);/);
    // Inlined more often than $refs lead to it: the chain's doubling is what multiplies it, and is told (tCV F7: told only then).
    expect(result.stderr).toMatch(/its copies multiply along that chain: 30 links of it hold more than one \$ref to the next, .* \(2 × 2 × … × 2, 30 factors = 1,073,741,824 copies\)\. Refer to trades\.json#\/definitions\/C1 in trades\.json#\/definitions\/C0 from no place \(now 2 places; each \$ref fewer there takes [\d,]+ schema objects away: 2 fewer bring the message to \d+\)/m);
    expect(result.stderr).not.toMatch(/flatten the chain/);
  }, 90_000);

  it('a message past the bound by one wide object, with no chain to flatten, is refused naming that object and its properties, not a chain (tCL F3)', async () => {
    const dir = path.join(work, 'wide');
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    const file = path.join(dir, 'metrics.json');
    const metrics = JSON.parse(readFileSync(file, 'utf8'));
    for (let i = 0; i < 1000; i++) metrics.definitions.MetricsData.properties[`extra${i}`] = { type: 'number' };
    writeFileSync(file, JSON.stringify(metrics, null, 2));
    const contract = await loadContract(dir);
    expect(() => checkGeneratable(contract)).toThrow(
      /^metrics\.json#: with every \$ref inlined \(as the validators are compiled\) this message would hold 1,015 schema objects, more than the bound of 1,000: copies of \$ref targets add only 3: the message is that wide itself; its widest object, metrics\.json#\/definitions\/MetricsData, has 1,010 properties \(each a schema object\)\. Give it fewer properties \(split the message into several\)$/,
    );
  });

  /** schemas/ in a folder of its own, metrics.json changed by `edit`, loaded. */
  const edited = async (name: string, edit: (metrics: { definitions: Record<string, { properties: Record<string, unknown> }> }) => void) => {
    const dir = path.join(work, name);
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    const file = path.join(dir, 'metrics.json');
    const metrics = JSON.parse(readFileSync(file, 'utf8'));
    edit(metrics);
    writeFileSync(file, JSON.stringify(metrics, null, 2));
    return loadContract(dir);
  };
  const numbers = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'number' }]));

  it('a message past the bound by the copies of a $ref target, within it without them, is told the copies, not its width (tCO F1: "the message is that wide itself")', async () => {
    const twice = await edited('wide-twice', (metrics) => {
      metrics.definitions.Wide = { type: 'object', properties: numbers(600) } as never;
      Object.assign(metrics.definitions.MetricsData!.properties, { w1: { $ref: '#/definitions/Wide' }, w2: { $ref: '#/definitions/Wide' } });
    });
    expect(() => checkGeneratable(twice)).toThrow(
      /^metrics\.json#: with every \$ref inlined \(as the validators are compiled\) this message would hold 1,217 schema objects, more than the bound of 1,000: copies of \$ref targets add 604 of them \(without them it would hold 613, within the bound\); the copies of metrics\.json#\/definitions\/Wide add the most, 601 \(601 schema objects of its own, inlined 2 times: 2 \$refs lead to it, through the chain of \$refs metrics\.json#\/definitions\/MetricsData → metrics\.json#\/definitions\/Wide\); each \$ref to it inlines one copy \(no place that refers to it is copied in turn: no chain multiplies them\)\. Refer to it from at most 1 place \(now 2 places; each \$ref fewer there takes 601 schema objects away: 1 fewer brings the message to 616\)$/,
    );
    // Referred to once, the same definition generates.
    const once = await edited('wide-once', (metrics) => {
      metrics.definitions.Wide = { type: 'object', properties: numbers(600) } as never;
      Object.assign(metrics.definitions.MetricsData!.properties, { w1: { $ref: '#/definitions/Wide' } });
    });
    expect(() => checkGeneratable(once)).not.toThrow();
  });

  // tCQ F4: copies of a small definition tipped a wide message over the bound, and the refusal named as "the largest part"
  // the chain from the message's largest $ref target (referred to once, never copied), neither the copies nor the width.
  it('a wide message tipped over the bound by the copies of a small definition is told that definition, its $refs, and the wide object (tCQ F4)', async () => {
    const tipped = await edited('wide-tipped', (metrics) => {
      metrics.definitions.MetricsData!.properties.wide = { type: 'object', properties: numbers(965) };
      metrics.definitions.Small = { type: 'object', properties: numbers(5) } as never;
      Object.assign(metrics.definitions.MetricsData!.properties, Object.fromEntries([1, 2, 3, 4].map((i) => [`s${i}`, { $ref: '#/definitions/Small' }])));
    });
    expect(() => checkGeneratable(tipped)).toThrow(
      /^metrics\.json#: with every \$ref inlined \(as the validators are compiled\) this message would hold [\d,]+ schema objects, more than the bound of 1,000: copies of \$ref targets add \d+ of them \(without them it would hold [\d,]+, within the bound\); the copies of metrics\.json#\/definitions\/Small add the most, 18 \(6 schema objects of its own, inlined 4 times: 4 \$refs lead to it, through the chain of \$refs metrics\.json#\/definitions\/MetricsData → metrics\.json#\/definitions\/Small\); the message is wide itself: its widest object, metrics\.json#\/definitions\/MetricsData\/properties\/wide, has 965 properties; each \$ref to it inlines one copy \(no place that refers to it is copied in turn: no chain multiplies them\)\. Refer to it from at most 3 places \(now 4 places; each \$ref fewer there takes 6 schema objects away: 1 fewer brings the message to 999\), or give the wide place fewer$/,
    );
  });

  // tCV F7: a definition of 600 properties referred to from two properties of the message itself was told "a chain of definitions each
  // referring twice to the next doubles at every step … or flatten the chain", with no chain: each $ref makes one copy.
  it('a definition copied by two $refs of the message itself, no chain between, is told to be referred to from fewer places, not to flatten a chain (tCV F7)', async () => {
    const direct = await edited('wide-direct', (metrics) => {
      metrics.definitions.Wide = { type: 'object', properties: numbers(600) } as never;
      Object.assign((metrics as unknown as { properties: Record<string, unknown> }).properties, { w1: { $ref: '#/definitions/Wide' }, w2: { $ref: '#/definitions/Wide' } });
    });
    let said = '';
    try {
      checkGeneratable(direct);
    } catch (error) {
      said = (error as Error).message;
    }
    expect(said).toMatch(/: copies of \$ref targets add 60\d of them \(without them it would hold [\d,]+, within the bound\); the copies of metrics\.json#\/definitions\/Wide add the most, 601 \(601 schema objects of its own, inlined 2 times: 2 \$refs lead to it\); each \$ref to it inlines one copy \(no place that refers to it is copied in turn: no chain multiplies them\)\. Refer to it from at most 1 place \(now 2 places; each \$ref fewer there takes 601 schema objects away: 1 fewer brings the message to \d+\)$/);
    expect(said).not.toMatch(/flatten the chain|doubles|through the chain/);
  });

  // tCV F11: 110 definitions, each an object of 9 properties and `next`, a $ref to the next, no definition copied: the refusal said
  // "the message is that wide itself" and to give X0, of 10 properties, fewer; no place is wide, the chain is long.
  it('a message large through a long chain of distinct definitions, no place wide, is told the chain and its length, not an object to narrow (tCV F11)', async () => {
    const chained = await edited('chain-distinct', (metrics) => {
      for (let i = 0; i < 110; i++) {
        const next = i + 1 < 110 ? { $ref: `#/definitions/X${i + 1}` } : { type: 'string' };
        metrics.definitions[`X${i}`] = { type: 'object', properties: { ...Object.fromEntries(Array.from({ length: 9 }, (_, j) => [`f${j}`, { type: 'string' }])), next } } as never;
      }
      metrics.definitions.MetricsData!.properties.x = { $ref: '#/definitions/X0' };
    });
    let said = '';
    try {
      checkGeneratable(chained);
    } catch (error) {
      said = (error as Error).message;
    }
    expect(said).toMatch(/^metrics\.json#: with every \$ref inlined \(as the validators are compiled\) this message would hold [\d,]+ schema objects, more than the bound of 1,000: copies of \$ref targets add only \d: the message is that large itself, and no one place in it is wide \(its widest object, metrics\.json#\/definitions\/MetricsData, has only \d+ properties\): it holds [\d,]+ schema objects across 11[0-9] \$ref targets; the chain of \$refs metrics\.json#\/definitions\/MetricsData → metrics\.json#\/definitions\/X0 → metrics\.json#\/definitions\/X1 → … \(106 more\) → metrics\.json#\/definitions\/X108 → metrics\.json#\/definitions\/X109, 111 deep \(each target inside the one before\), holds 1,1\d\d of them\. Split the message into several, or shorten the chain$/);
    expect(said).not.toMatch(/that wide itself|Give it fewer properties/);
  });

  /** The message's own properties (not MetricsData's, a $ref target), for shapes written in the message itself. */
  const rootProperties = (metrics: unknown) => (metrics as { properties: Record<string, unknown> }).properties;
  /** Definitions D0 → D1 → … → D(n-1), each an object of `props` properties and `next`, a $ref to the next. */
  const chainOf = (metrics: { definitions: Record<string, unknown> }, n: number, props: number) => {
    for (let i = 0; i < n; i++) metrics.definitions[`D${i}`] = { type: 'object', properties: { ...numbers(props), ...(i + 1 < n ? { next: { $ref: `#/definitions/D${i + 1}` } } : {}) } };
  };
  const refusal = (contract: Awaited<ReturnType<typeof loadContract>>) => {
    try {
      checkGeneratable(contract);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  // tCZ F6: a message of 11 objects of 100 properties written in it, and a chain of 3 small definitions, was told the chain
  // held 6 of its 1,121 objects and to "shorten the chain": without the chain it would still hold 1,115.
  it('a message large by what is written in it is not told to shorten a chain that holds little of it; a chain holding enough is (tCZ F6)', async () => {
    const inline = await edited('inline-smallchain', (metrics) => {
      chainOf(metrics, 3, 1);
      rootProperties(metrics).x = { $ref: '#/definitions/D0' };
      rootProperties(metrics).y = { type: 'object', properties: Object.fromEntries(Array.from({ length: 11 }, (_, o) => [`o${o}`, { type: 'object', properties: numbers(100) }])) };
    });
    const said = refusal(inline);
    expect(said).toMatch(/: copies of \$ref targets add only \d: the message is that large itself, and no one place in it is wide \(its widest object, metrics\.json#\/properties\/y\/properties\/o0, has only 100 properties\): it holds 1,1\d\d schema objects across \d+ \$ref targets, 1,1\d\d of them written in the message itself \(not through a \$ref\); the most any chain of \$refs holds is \d \([^)]+\): without its targets the message would still hold 1,1\d\d\. Split the message into several$/);
    expect(said).not.toMatch(/shorten the chain/);
    // A chain of 6 definitions of 100 properties beside 5 such objects written in the message: without it, within the bound.
    const half = await edited('inline-bigchain', (metrics) => {
      chainOf(metrics, 6, 100);
      rootProperties(metrics).x = { $ref: '#/definitions/D0' };
      rootProperties(metrics).y = { type: 'object', properties: Object.fromEntries(Array.from({ length: 5 }, (_, o) => [`o${o}`, { type: 'object', properties: numbers(100) }])) };
    });
    expect(refusal(half)).toMatch(/; the chain of \$refs metrics\.json#\/definitions\/D0 → metrics\.json#\/definitions\/D1 → metrics\.json#\/definitions\/D2 → metrics\.json#\/definitions\/D3 → metrics\.json#\/definitions\/D4 → metrics\.json#\/definitions\/D5, 6 deep \(each target inside the one before\), holds 606 of them\. Split the message into several, or shorten the chain$/);
  });

  // tCZ F7: x, y and z each a $ref to A, whose one property is a $ref to B of 400 properties: told "a chain … doubles at every
  // step … or flatten the chain"; nothing doubles (3 copies of A, each holding one B), and A is the one referred to 3 times.
  it('a large definition copied with the one that holds it, referred to from 3 places, is told that one to refer to from fewer places, not a doubling chain (tCZ F7)', async () => {
    const held = await edited('twice-then-once', (metrics) => {
      metrics.definitions.A = { type: 'object', properties: { b: { $ref: '#/definitions/B' } } } as never;
      metrics.definitions.B = { type: 'object', properties: numbers(400) } as never;
      Object.assign(rootProperties(metrics), { x: { $ref: '#/definitions/A' }, y: { $ref: '#/definitions/A' }, z: { $ref: '#/definitions/A' } });
    });
    const said = refusal(held);
    expect(said).toMatch(/: copies of \$ref targets add 80\d of them \(without them it would hold [\d,]+, within the bound\); the copies of metrics\.json#\/definitions\/B add the most, 802 \(401 schema objects of its own, inlined 3 times: 1 \$ref leads to it, through the chain of \$refs metrics\.json#\/definitions\/A → metrics\.json#\/definitions\/B\); each copy of metrics\.json#\/definitions\/A holds one of metrics\.json#\/definitions\/B, and each of the 3 \$refs to metrics\.json#\/definitions\/A inlines one copy of it \(no copied place reaches it by more than one path: no chain multiplies them\)\. Refer to metrics\.json#\/definitions\/A from at most 2 places \(now 3 places; each \$ref fewer there takes 402 schema objects away: 1 fewer brings the message to \d+\)$/);
    expect(said).not.toMatch(/flatten the chain|doubles/);
    // With a $ref to B of the message's own beside them: 4 copies, one per $ref, still none doubling.
    const beside = await edited('twice-then-once-beside', (metrics) => {
      metrics.definitions.A = { type: 'object', properties: { b: { $ref: '#/definitions/B' } } } as never;
      metrics.definitions.B = { type: 'object', properties: numbers(400) } as never;
      Object.assign(rootProperties(metrics), { x: { $ref: '#/definitions/A' }, y: { $ref: '#/definitions/A' }, z: { $ref: '#/definitions/A' }, w: { $ref: '#/definitions/B' } });
    });
    const besideSaid = refusal(beside);
    expect(besideSaid).toMatch(/inlined 4 times: 2 \$refs lead to it, through the chain of \$refs metrics\.json#\/definitions\/A → metrics\.json#\/definitions\/B\); each copy of metrics\.json#\/definitions\/A holds one of metrics\.json#\/definitions\/B, and each of the 3 \$refs to metrics\.json#\/definitions\/A and the 1 \$ref to metrics\.json#\/definitions\/B from a place not copied inlines one copy of it \(no copied place reaches it by more than one path: no chain multiplies them\)\. Refer to metrics\.json#\/definitions\/A from at most 1 place \(now 3 places; each \$ref fewer there takes 402 schema objects away: 2 fewer bring the message to 818\)$/);
    expect(besideSaid).not.toMatch(/flatten the chain|doubles/);
    // A referring twice to B: 3 × 2 copies, multiplied along the chain, told so.
    const multiplied = await edited('three-times-two', (metrics) => {
      metrics.definitions.A = { type: 'object', properties: { b: { $ref: '#/definitions/B' }, c: { $ref: '#/definitions/B' } } } as never;
      metrics.definitions.B = { type: 'object', properties: numbers(200) } as never;
      Object.assign(rootProperties(metrics), { x: { $ref: '#/definitions/A' }, y: { $ref: '#/definitions/A' }, z: { $ref: '#/definitions/A' } });
    });
    expect(refusal(multiplied)).toMatch(/inlined 6 times: 2 \$refs lead to it, .*its copies multiply along that chain: .* holds 3 \$refs to metrics\.json#\/definitions\/A, each of the 3 copies of metrics\.json#\/definitions\/A holds 2 \$refs to metrics\.json#\/definitions\/B \(3 × 2 = 6 copies\)\. Refer to /);
    expect(refusal(multiplied)).not.toMatch(/flatten the chain|doubles|twice/);
    // Referred to once, A generates.
    const once = await edited('twice-then-once-fixed', (metrics) => {
      metrics.definitions.A = { type: 'object', properties: { b: { $ref: '#/definitions/B' } } } as never;
      metrics.definitions.B = { type: 'object', properties: numbers(400) } as never;
      rootProperties(metrics).x = { $ref: '#/definitions/A' };
    });
    expect(refusal(once)).toBe('');
  });

  /** D (an object of 40 string properties), H (2 properties and `toD` $refs to D), and in MetricsData `toH` $refs to H, `direct` to D, `strings` strings. */
  const multiplying = (name: string, shape: { toD: number; toH: number; direct?: number; strings?: number; hProps?: number }) => edited(name, (metrics) => {
    const strings = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { type: 'string' }]));
    const refs = (n: number, prefix: string, to: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { $ref: `#/definitions/${to}` }]));
    metrics.definitions.D = { type: 'object', additionalProperties: false, properties: strings(40, 'p') } as never;
    metrics.definitions.H = { type: 'object', additionalProperties: false, properties: { ...strings(shape.hProps ?? 2, 'p'), ...refs(shape.toD, 'd', 'D') } } as never;
    Object.assign(metrics.definitions.MetricsData!.properties, refs(shape.toH, 'h', 'H'), refs(shape.direct ?? 0, 'x', 'D'), strings(shape.strings ?? 0, 's'));
  });
  const D = 'metrics\\.json#\\/definitions\\/D';
  const H = 'metrics\\.json#\\/definitions\\/H';

  // tDB F3: copies multiplied along a short chain (15 $refs to H, each copy holding 2 to D) were told "a chain of definitions
  // each referring twice to the next doubles at every step. Refer to fewer copies, or flatten the chain": flattening (the
  // message referring to D 30 times) leaves the same count, "fewer copies" named no place, and "twice" was said of 10 × 3.
  it('copies multiplied along a short chain are told each link\'s $refs and how many fewer at which link bring the message within the bound, not to flatten the chain (tDB F3)', async () => {
    const said = refusal(await multiplying('f3-15x2', { toD: 2, toH: 15 }));
    expect(said).toMatch(new RegExp(`inlined 30 times: 2 \\$refs lead to it, through the chain of \\$refs metrics\\.json#\\/definitions\\/MetricsData → ${H} → ${D}\\); its copies multiply along that chain: metrics\\.json#\\/definitions\\/MetricsData holds 15 \\$refs to ${H}, each of the 15 copies of ${H} holds 2 \\$refs to ${D} \\(15 × 2 = 30 copies\\)\\. Refer to ${H} in metrics\\.json#\\/definitions\\/MetricsData from at most 11 places \\(now 15 places; each \\$ref fewer there takes 85 schema objects away: 4 fewer bring the message to \\d+\\), or refer to ${D} in ${H} from at most 1 place \\(now 2 places; each \\$ref fewer there takes 615 schema objects away: 1 fewer brings the message to \\d+\\)$`));
    expect(said).not.toMatch(/flatten|doubles|twice|fewer copies/);
    // Each piece of advice, followed, generates; flattening the chain (D referred to 30 times from the message) does not.
    expect(refusal(await multiplying('f3-11x2', { toD: 2, toH: 11 }))).toBe('');
    expect(refusal(await multiplying('f3-15x1', { toD: 1, toH: 15 }))).toBe('');
    expect(refusal(await multiplying('f3-12x2', { toD: 2, toH: 12 }))).toMatch(/more than the bound/);
    const flat = refusal(await multiplying('f3-flat', { toD: 0, toH: 15, direct: 30 }));
    expect(flat).toMatch(new RegExp(`no chain multiplies them\\)\\. Refer to it from at most 22 places \\(now 30 places; each \\$ref fewer there takes 41 schema objects away: 8 fewer bring the message to \\d+\\)$`));
    // 10 $refs to a definition holding 3 to D: 10 × 3, not "twice".
    const tenByThree = refusal(await multiplying('f3-10x3', { toD: 3, toH: 10, hProps: 1 }));
    expect(tenByThree).toMatch(new RegExp(`metrics\\.json#\\/definitions\\/MetricsData holds 10 \\$refs to ${H}, each of the 10 copies of ${H} holds 3 \\$refs to ${D} \\(10 × 3 = 30 copies\\)\\. Refer to ${H} in metrics\\.json#\\/definitions\\/MetricsData from at most 7 places \\(now 10 places; each \\$ref fewer there takes 125 schema objects away: 3 fewer bring the message to \\d+\\), or refer to ${D} in ${H} from at most 2 places \\(now 3 places; each \\$ref fewer there takes 410 schema objects away: 1 fewer brings the message to \\d+\\)$`));
    expect(tenByThree).not.toMatch(/twice|flatten/);
    expect(refusal(await multiplying('f3-7x3', { toD: 3, toH: 7, hProps: 1 }))).toBe('');
    expect(refusal(await multiplying('f3-10x2', { toD: 2, toH: 10, hProps: 1 }))).toBe('');
  });

  // tDB F3b: copies most of the message (31 $refs to D) but 1,013 without them, over the bound too: told only "Refer to it
  // from fewer places"; followed to one $ref, a second refusal named the wide object.
  it('copies most of a message that is over the bound without them too are told so, with the wide place and how many $refs fewer bring it within (tDB F3b)', async () => {
    const said = refusal(await multiplying('f3b', { toD: 0, toH: 0, direct: 31, strings: 960 }));
    expect(said).toMatch(new RegExp(`copies of \\$ref targets add [\\d,]+ of them \\(without them it would still hold 1,0\\d\\d, over the bound\\); the copies of ${D} add the most, 1,230 \\(41 schema objects of its own, inlined 31 times: 31 \\$refs lead to it, through the chain of \\$refs metrics\\.json#\\/definitions\\/MetricsData → ${D}\\); the message is wide itself: its widest object, metrics\\.json#\\/definitions\\/MetricsData, has [\\d,]+ properties; each \\$ref to it inlines one copy \\(no place that refers to it is copied in turn: no chain multiplies them\\)\\. Refer to it from no place \\(now 31 places; each \\$ref fewer there takes 41 schema objects away: 31 fewer bring the message to \\d+\\), or give the wide place fewer$`));
    expect(refusal(await multiplying('f3b-none', { toD: 0, toH: 0, direct: 0, strings: 960 }))).toBe('');
    expect(refusal(await multiplying('f3b-one', { toD: 0, toH: 0, direct: 1, strings: 960 }))).toMatch(/more than the bound/);
    // With 1,000 strings, no $ref removed brings it under: said so, and what else must change.
    const wider = refusal(await multiplying('f3b-wider', { toD: 0, toH: 0, direct: 31, strings: 1000 }));
    expect(wider).toMatch(new RegExp(`Refer to it from fewer places \\(now 31 places; each \\$ref fewer there takes 41 schema objects away, all 31 only 1,271: it would still hold 1,0\\d\\d\\); that alone cannot bring it within the bound: give the wide place fewer too \\(or split the message into several\\)$`));
  });

  it('a message wide through an anyOf or patternProperties is told that place and keyword, not the object with the most properties (tCO F4: an object of 11 properties was blamed)', async () => {
    const anyOf = await edited('wide-anyof', (metrics) => {
      metrics.definitions.MetricsData!.properties.choice = { anyOf: Array.from({ length: 1100 }, (_, i) => ({ type: 'integer', const: i })) };
    });
    expect(() => checkGeneratable(anyOf)).toThrow(
      /: copies of \$ref targets add only 3: the message is that wide itself; its widest place, metrics\.json#\/definitions\/MetricsData\/properties\/choice, holds 1,100 subschemas in its anyOf \(each a schema object\)\. Give it fewer branches \(a choice among values is one enum; or split the message into several\)$/,
    );
    const patterns = await edited('wide-patterns', (metrics) => {
      metrics.definitions.MetricsData!.properties.pp = { type: 'object', patternProperties: Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`^x${i}$`, { type: 'number' }])) };
    });
    expect(() => checkGeneratable(patterns)).toThrow(/the message is that wide itself; its widest place, metrics\.json#\/definitions\/MetricsData\/properties\/pp, holds 1,100 subschemas in its patternProperties \(each a schema object\)\. Give it fewer patterns /);
  });

  it('counts what inlineRefs would write, and the shipped messages stay far below the bound', async () => {
    const chain = await loadContract(chainSchemas(5));
    const trades = chain.messages.find((message) => message.type === 'trades')!;
    let written = 0;
    forEachSubschema(inlineRefs(chain.files, trades.file, trades.schema), () => written++);
    expect(inlinedSchemaCount(chain.files, trades.file, trades.schema).count).toBe(written);
    const shipped = await loadContract(path.join(ROOT, 'schemas'));
    for (const message of shipped.messages) expect(inlinedSchemaCount(shipped.files, message.file, message.schema).count, message.file).toBeLessThan(MAX_INLINED_SCHEMAS / 10);
  });
});
