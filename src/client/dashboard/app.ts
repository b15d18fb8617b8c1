/**
 * The demo dashboard's browser code, bundled with the client (see handler.ts): a live panel
 * per message type, the connection badge (WebSocket / Polling / Offline; its changes and the
 * gaps, and only they, said in a live region for screen readers), rtt and counts.
 * The token comes from the page's `?token=` (what `serve --demo` prints; removed from the
 * address bar once read) or the form, which comes back when the server refuses the token.
 * The header's messages and cursor follow every message, redrawn at most once per frame.
 * `window.dashboard` exposes the counts and the client for tests and curious people.
 */
import { SERVER_MESSAGE_TYPES } from '../../../generated/contract.js';
import type { MessageDataMap } from '../../../generated/types.js';
import { createRealtimeClient, type FetchLike, type RealtimeClient, type RealtimeStatus } from '../index.js';
import { httpReason } from './http-reason.js';

/**
 * A row's text in parts: the line's own words (strings), and what a message holds (`field`: its
 * open strings, a server's close reason, a cursor). Each field is drawn in its own `<bdi>`, so
 * that right-to-left text or a U+202E in one cannot reorder the rest of the row (a Hebrew title
 * drew the message's `75%` before it; `Fill\u202E` reversed `sold 0.5 BTC at 850000`: tBE).
 */
type Row = (string | { field: string })[];
/**
 * A row from a template: its literal text as is, each value a field; a number as text, a row
 * spliced in (a part shown only sometimes: `d.pnl === null ? [] : row`…``).
 */
function row(literals: TemplateStringsArray, ...values: (string | number | Row)[]): Row {
  const parts: Row = [literals[0]!];
  values.forEach((value, i) => {
    if (Array.isArray(value)) parts.push(...value);
    else parts.push(typeof value === 'number' ? decimal(value) : { field: String(value) });
    parts.push(literals[i + 1]!);
  });
  return parts;
}
/**
 * A number in decimal, as JSON wrote it where it can be: JS writes one below 1e-6 or from 1e21 in
 * exponent notation, and a 50-satoshi trade read `buy 5e-7 BTC-ZAR` (tBE). The digits are the
 * shortest that read back as the number (`String`'s), the exponent moved into zeros:
 * `0.0000005`, `1000000000000000000000`.
 */
function decimal(n: number): string {
  const [, sign, digits, fraction = '', exponent] = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(String(n)) ?? [];
  if (exponent === undefined) return String(n);
  const e = Number(exponent);
  return e < 0 ? `${sign}0.${'0'.repeat(-e - 1)}${digits}${fraction}` : `${sign}${digits}${fraction}${'0'.repeat(e - fraction.length)}`;
}
/**
 * A field's text as drawn in its isolate (a `<bdi>`, or FSI … PDI in a title), such that nothing in
 * it ends the isolate: a paragraph separator (bidi class B: U+000A, U+000D, U+001C–U+001E, U+0085,
 * U+2029), which ends every isolate and embedding, as a space; a PDI (U+2069) or PDF (U+202C) that
 * closes nothing the field opened, left out (the PDI closed the `<bdi>` itself); and the field's
 * embeddings, overrides and isolates (U+202A, U+202B, U+202D, U+202E, U+2066–U+2068) it leaves
 * open closed at its end, deepest first. A U+202E after a U+2069 or U+2029 drew the rest of the
 * row reversed, price 850000 as 000058 (tCA F6). Half a surrogate pair alone is shown as its
 * escape (`\ud83d`). Every other character is kept.
 */
function contained(text: string): string {
  const open: string[] = [];
  const kept = text.replace(/[\n\r\x1c-\x1e\x85\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    // Half a surrogate pair alone (the client's `invalid` text, cut in UTF-16 units) as `\ud83d`, as the package's own messages show one: it was drawn as U+FFFD (tCA F5).
    if (c >= '\ud800' && c <= '\udfff') return `\\u${c.charCodeAt(0).toString(16)}`;
    // What closes each one open, the last opened last: a PDI closes the embeddings inside its isolate too.
    if (c === '\u202c') return open.at(-1) === c ? (open.pop(), c) : '';
    if (c === '\u2069') {
      const at = open.lastIndexOf(c);
      if (at < 0) return '';
      open.length = at;
      return c;
    }
    if (c >= '\u202a') return open.push(c >= '\u2066' ? '\u2069' : '\u202c'), c;
    return ' ';
  });
  return kept + open.reverse().join('');
}
/** A row as one string (a title): each field between FSI and PDI (U+2068, U+2069), isolated as a `<bdi>` is. */
const plain = (parts: Row): string => parts.map((part) => (typeof part === 'string' ? part : `\u2068${contained(part.field)}\u2069`)).join('');

type Summaries = { [T in keyof MessageDataMap]: (data: MessageDataMap[T]) => Row };

/** One line per message, typed by its type: these functions break the build if a field is renamed. */
const SUMMARY: Summaries = {
  // An `error` the client announces itself: a refused token, said as such, naming no transport
  // ("error over polling" read as if polling had been chosen, or as a fault of polling: fresh users);
  // an expired one as expired.
  connection: (d) =>
    d.status === 'error' && realtimeClient.getStatus().state === 'unauthorized'
      ? [`error: ${realtimeClient.getStatus().lastHttpStatus === 403 ? 'refused (HTTP 403)' : expired(realtimeClient.getStatus()) ? 'token expired' : 'token refused'}`]
      : row`${d.status} over ${d.mode}${d.resume ? row` (${d.resume})` : []}${d.status === 'disconnected' ? closedWith(d.mode) : []}`,
  trades: (d) => row`${d.side} ${d.quantity} ${d.symbol} @ ${d.price} on ${d.platform} — ${d.status}${d.pnl === null ? [] : row`, pnl ${d.pnl}`}`,
  bots: (d) => row`${d.name} (${d.symbol}) ${d.status}, pnl ${d.pnl}, win ${Math.round(d.win_rate * 100)}%`,
  balances: (d) => row`${d.platform}: ${Object.entries(d.balances).flatMap(([asset, b], i) => row`${i ? [' + '] : []}${b.total} ${asset}`)}, worth ${d.total_value_zar} ZAR`,
  decisions: (d) => row`${d.decision} ${d.symbol} at ${Math.round(d.confidence * 100)}%: ${d.reasoning}`,
  metrics: (d) => row`pnl ${d.total_pnl} (${d.total_pnl_percent}%), ${d.active_bots}/${d.total_bots} bots, ${d.total_trades} trades`,
  whale: (d) => row`${d.flow_type} ${d.amount} ${d.coin} ($${d.value_usd}) on ${d.platform}, ${d.signal}`,
  alerts: (d) => row`[${d.severity}] ${d.title}: ${d.message}`,
  system_health: (d) => row`${d.status}, cpu ${d.cpu_percent}%, mem ${d.memory_percent}%, db ${d.database}`,
  wallet: (d) => row`${d.event} ${d.amount} ${d.asset} on ${d.platform} (${d.status})`,
  ai_tasks: (d) => row`${d.task_type} ${d.status} ${Math.round(d.progress * 100)}%`,
  error: (d) => row`${d.code}: ${d.message}`,
};

/** The close a `disconnected` row named last: a close is named once, on the row of its own socket. */
let namedClose: RealtimeStatus['lastClose'] = null;
/**
 * A lost socket's close, as its row says it (`, closed 1013 too slow`): why it closed was nowhere
 * on the page (a fresh tester). Only over `ws`, and a close not named yet: the client keeps the
 * last socket's close (`lastClose`) for good, and a lost poll, which has none, was given it (a
 * crash read `closed 1001 server shutting down`, the close of a socket lost minutes before: tBE).
 */
function closedWith(mode: string): Row {
  const close = realtimeClient.getStatus().lastClose;
  if (mode !== 'ws' || !close || close === namedClose) return [];
  namedClose = close;
  return row`, closed ${close.code}${close.reason ? row` ${close.reason}` : []}`;
}

/** The `exp` claim (epoch s) of the token this page connected with, if it has one (see whom()). */
let tokenExp: number | undefined;
/**
 * The server's word on the last poll it refused 401 for this page's token: the body's `error`
 * (`token-expired`, `invalid-token`), or undefined when it gave none (or none was refused yet).
 */
let refusedAs: string | undefined;
/** The page's fetch, which reads the `error` of a poll's 401 body (the client reads no refusal's body). */
const pageFetch: FetchLike = async (url, init) => {
  const response = await fetch(url, init);
  // Over polling the server stamps no message: its answer's Date header is its clock (tCC F8).
  learn(Date.parse(response.headers.get('date') ?? ''));
  if (response.status === 401) {
    const body: unknown = await response.clone().json().catch(() => undefined);
    const error = (body as { error?: unknown } | null | undefined)?.error;
    refusedAs = typeof error === 'string' ? error : undefined;
  }
  return response;
};
/** The page's client: the package's, on the page's host, polling through {@link pageFetch}. */
const realtimeClient = createRealtimeClient({ fetch: pageFetch });
/** This page's monotonic clock as epoch ms: a step of the wall clock (`Date`) does not move it. */
const steady = () => performance.timeOrigin + performance.now();
/**
 * The server's clock minus {@link steady} (ms), learned from what the server itself stamps: its
 * `connection` greeting's `ts` and a ping's `timestamp` (epoch ms; one before 2001, epoch
 * seconds, is not a clock to take), and over polling, where it sends neither, a poll answer's
 * `Date` header (whole seconds: up to 1 s behind). Never from a message's `ts`: that is its producer's,
 * unchecked, and one trade stamped 2 h ahead moved every row the client made 2 h (tBU). The
 * largest such difference seen, the least delayed, renewed by the next one once a minute old.
 * Undefined until the server has said a time.
 */
let skew: number | undefined;
let skewAt = -Infinity;
/**
 * The server's clock minus the browser's wall clock (`Date.now()`, ms), learned at each server
 * stamp as {@link skew} is (the last one): the monotonic clock may not advance while the machine
 * sleeps (Chromium's on Linux), and a socket lost on wake, before the next stamp, was stamped as
 * early as the machine had slept (tCE). Where it reads later than {@link skew}, it is taken: a
 * sleep, or a wall clock stepped forward since the last stamp (until the next one; a step back
 * leaves {@link skew} the later one).
 */
let wallSkew = 0;
function learn(serverMs: number): void {
  const at = performance.now();
  const seen = serverMs - steady();
  if (!(serverMs >= 978_307_200_000) || !Number.isFinite(seen)) return;
  wallSkew = serverMs - Date.now();
  if (skew === undefined || seen >= skew || at - skewAt > 60_000) [skew, skewAt] = [seen, at];
}
/**
 * Now on the server's clock, for the rows the client makes itself (a lost socket, a connection
 * over polling, a gap, a dropped message: they carry the browser's time), as RFC 3339: the
 * browser's clock may be hours off, and its rows were shown among the server's an hour before the
 * connection they followed (tBR). The later of the two clocks carried forward from the server's
 * stamps ({@link skew}, {@link wallSkew}); the browser's own clock until the server has said a time.
 */
const now = () => new Date(skew === undefined ? Date.now() : Math.max(steady() + skew, Date.now() + wallSkew)).toISOString();
/**
 * Whether a message is one the client made itself, stamped with the browser's clock: a
 * `connection` but the server's greeting (`connected` over `ws`, the only one a server sends),
 * an `error` of the client's own (`CLIENT_…`, a handler that threw).
 */
function local(type: string, data: unknown): boolean {
  const d = (data ?? {}) as { status?: unknown; mode?: unknown; code?: unknown };
  if (type === 'connection') return !(d.status === 'connected' && d.mode === 'ws');
  return type === 'error' && typeof d.code === 'string' && d.code.startsWith('CLIENT_');
}
/** `HH:MM:SS` of `ms` (milliseconds since the epoch), its date first (`YYYY-MM-DD HH:MM:SS`, local) when that is not today: a token two days old read "expired at 10:26:43". */
function expiryTime(ms: number): string {
  const at = new Date(ms);
  const time = at.toTimeString().slice(0, 8);
  if (at.toDateString() === new Date().toDateString()) return time;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

/**
 * Whether the server refused the token for its age: a socket closed 4401 (`token expired`: no
 * HTTP request was refused, `lastHttpStatus` is null and `lastClose` says it), or a poll refused
 * 401 whose body says `{"error":"token-expired"}`. The browser's clock decides only when the
 * server said nothing (a 401 without such a body): a token whose `exp` is past by it. Said as
 * "refused", as a token signed with another secret is, it read as a wrong or revoked token, not
 * one to renew (a fresh tester); decided by the browser's clock, a clock hours behind said an
 * expired token was refused, and one ahead said a forged one expired (tAO). `exp` is the refused token's
 * (epoch s): the page's by default, a token being tried's (see attempt()).
 */
function expired(status: RealtimeStatus, exp = tokenExp): boolean {
  if (status.state !== 'unauthorized') return false;
  if (status.lastHttpStatus === null) return status.lastClose?.code === 4401;
  if (status.lastHttpStatus !== 401) return false;
  return refusedAs !== undefined ? refusedAs === 'token-expired' : exp !== undefined && exp * 1000 <= Date.now();
}

/** What the token form says of a refused token (`exp`: its `exp` claim, epoch s): expired, and when, or refused, with the HTTP status. */
function refusal(status: RealtimeStatus, exp: number | undefined): string {
  return expired(status, exp)
    ? `This token expired${exp !== undefined && exp * 1000 <= Date.now() ? ` at ${expiryTime(exp * 1000)}` : ''}: paste a new one (serve --demo prints new ones at each start).`
    : `The server refused this token${status.lastHttpStatus ? ` (HTTP ${status.lastHttpStatus})` : ''}: paste another one.`;
}

const BADGE: Record<RealtimeStatus['mode'], string> = { ws: 'WebSocket', polling: 'Polling', offline: 'Offline' };
const KEEP = 5;

const counts: Record<string, number> = {};
const $ = (id: string) => document.getElementById(id)!;

function panel(type: string): HTMLElement {
  const section = document.createElement('section');
  section.className = 'panel';
  section.id = `panel-${type}`;
  section.innerHTML = `<h2>${type} <span class="count" id="count-${type}" title="received; the last ${KEEP} are shown">0</span></h2><ol class="rows"></ol>`;
  $('panels').append(section);
  return section;
}

/**
 * `HH:MM:SS` of an RFC 3339 time in this browser's time zone, as a person reading the dashboard
 * expects (it showed UTC unsaid: a fresh user); a leap second (`23:59:60Z`, which `Date` does not
 * read) as the local second before it and `:60` (it was shown as written, its UTC among local
 * times, 5 hours off in New York: tBE); a time that does not parse, as written.
 */
function clock(ts: string): string {
  const at = new Date(ts);
  if (!Number.isNaN(at.getTime())) return at.toTimeString().slice(0, 8);
  const leap = /^(.{16}):60(.*)$/.exec(ts);
  const before = leap ? new Date(`${leap[1]}:59${leap[2]}`) : at;
  return Number.isNaN(before.getTime()) ? ts.slice(11, 19) : `${before.toTimeString().slice(0, 6)}60`;
}

/** The reader's `prefers-reduced-motion: reduce`, read at each message (it may change while the page is open). */
const still = matchMedia('(prefers-reduced-motion: reduce)');

/** The browser's grapheme clusters, where it has `Intl.Segmenter` (else code points: see cut()). */
const graphemes = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter() : undefined;
/**
 * `text`, or its first `max` - 1 characters and `…` when it has more than `max`: characters are
 * user-perceived ones (grapheme clusters, by `Intl.Segmenter`; code points in a browser without
 * it), each kept whole or dropped whole: a flag, a ZWJ family, a letter with its combining marks
 * (cut in code points, a flag was left a lone 🇿, a family "man ZWJ woman", an é its e: tCE F1;
 * in UTF-16 units, half an emoji: tCA F1). Bounded in code units too (at most 16 × `max`): a
 * cluster of hundreds of stacked marks counts as one character.
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept: string[] = [];
  let units = 0;
  // Lazily: only the first `max` characters of a 100,000-character field are read.
  for (const part of graphemes?.segment(text) ?? text) {
    const char = typeof part === 'string' ? part : part.segment;
    // One more than `max`, or too long: cut, the last whole character before the `…`.
    if (kept.length === max || (units += char.length) > 16 * max) return `${kept.slice(0, max - 1).join('')}…`;
    kept.push(char);
  }
  return text;
}

function show(type: string, text: Row, ts?: string): void {
  counts[type] = (counts[type] ?? 0) + 1;
  const section = document.getElementById(`panel-${type}`) ?? panel(type);
  section.querySelector('.count')!.textContent = String(counts[type]);
  const item = document.createElement('li');
  // A field the tolerant client takes may be long (300 KB made the panel thousands of lines
  // tall: a hostile tester): each field shows its first 200 characters (user-perceived: see cut()), and the row the fields
  // after it (the row's first 300 hid a failed trade's status and price after a long symbol: tBE).
  for (const part of ts ? [...row`${clock(ts)} `, ...text] : text) {
    if (typeof part === 'string') item.append(part);
    else if (part.field) item.append(Object.assign(document.createElement('bdi'), { textContent: contained(cut(part.field, 200)) }));
  }
  const rows = section.querySelector('.rows')!;
  if (paused) {
    // Held, the newest first, the last KEEP only: drawn when the reader resumes.
    const waiting = held.get(rows) ?? [];
    held.set(rows, [item, ...waiting].slice(0, KEEP));
    return void scheduleRender();
  }
  rows.prepend(item);
  while (rows.children.length > KEEP) rows.lastElementChild!.remove();
  // Not lit where the reader asked for reduced motion (every panel blinked once a second, for good: a fresh tester).
  if (!still.matches) flashing.add(section);
  scheduleRender();
}

/**
 * Paused by the reader (the pause button): the panels' rows are held still, and what comes
 * meanwhile is counted and kept for each panel (its last KEEP rows) until resumed. A row moved
 * down a line each second and left after about 5 (WCAG 2.2.2: a reader at 400 % zoom or in a
 * screen reader's browse mode could not finish one: tBE).
 */
let paused = false;
const held = new Map<Element, HTMLLIElement[]>();
function pause(on: boolean): void {
  paused = on;
  // Its name stays (a toggle's state is its aria-pressed, drawn as its colour).
  $('pause').setAttribute('aria-pressed', String(on));
  if (on) return;
  for (const [rows, items] of held) {
    rows.prepend(...items);
    while (rows.children.length > KEEP) rows.lastElementChild!.remove();
  }
  held.clear();
}
$('pause').addEventListener('click', () => pause(!paused));

/** Panels that received since the last frame: their flash restarts once per frame. */
const flashing = new Set<HTMLElement>();
// Out at the animation's end: a panel that receives again is lit without the restart's layout,
// and one that stopped receiving is not left lit (the class stayed, and the outline with it: a fresh user).
$('panels').addEventListener('animationend', (event) => {
  if (event.animationName === 'flash') (event.target as HTMLElement).classList.remove('flash');
});
let renderQueued = false;
/** The header follows every message, but is drawn at most once per animation frame. */
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    // One layout for every panel's flash, not one per message (a burst of 20,000 messages, a
    // resume's replay, froze the page 400-700 ms at a time: a hostile tester).
    // A panel still lit restarts its flash: the class off, one layout for all of them, and on again.
    const lit = [...flashing].filter((section) => section.classList.contains('flash'));
    for (const section of lit) section.classList.remove('flash');
    if (lit.length > 0) void document.body.offsetWidth;
    for (const section of flashing) section.classList.add('flash');
    flashing.clear();
    render(realtimeClient.getStatus());
  });
}

/**
 * `, next try in 12 s` while offline with an attempt scheduled: after a crash the backoff can
 * wait up to 30 s, and the page said nothing of it (a fresh user waited 20 s, unsure). While
 * the polling fallback runs, that time is the socket's, and a poll may come back sooner on its
 * own backoff: `retrying, socket in 27 s` (a fresh user read "next try in 27 s" and saw the
 * page come back after 6; the state `retrying` is the polls'). The countdown comes first, after
 * the state: the header cuts the end (`…, polls retrying` after it was cut at 1280 px: fresh users).
 */
function nextTry(status: RealtimeStatus): string {
  // (While connecting, the attempt is under way: the time it was due is past.)
  if (status.nextAttemptAt === null || status.state === 'connecting' || status.nextAttemptAt !== dueFor) return '';
  const left = dueAt - performance.now();
  if (left <= 0) return '';
  const seconds = Math.ceil(left / 1000);
  return status.state === 'polling' ? `, socket in ${seconds} s` : `, next try in ${seconds} s`;
}
/**
 * The attempt the countdown counts down to: the status's `nextAttemptAt` (wall time) and when it
 * is due on the page's monotonic clock (`performance.now()`), its delay read once, when a status
 * first gave it (`nextAttemptAt - Date.now()` then). Counted from the wall clock, a clock set back
 * an hour while retrying read `socket in 3613 s` for an attempt 13 s away, and one set forward
 * showed none (tBR): the client's own timers are monotonic.
 */
let dueFor: number | null = null;
let dueAt = 0;
function schedule(status: RealtimeStatus): void {
  if (status.nextAttemptAt === dueFor) return;
  dueFor = status.nextAttemptAt;
  if (dueFor !== null) dueAt = performance.now() + dueFor - Date.now();
}
// The countdown moves while nothing else does; and a duplicate the client drops changes its
// count in place, with no event (client.ts): the header showed the old count until the next
// message, ping or change of state (fxBS). Drawn within the second, only when it changed.
setInterval(() => {
  const status = realtimeClient.getStatus();
  if ((status.mode === 'offline' && status.nextAttemptAt !== null) || $('duplicates').textContent !== String(status.duplicates - since.duplicates)) scheduleRender();
}, 1000);

/**
 * The state, where the header cuts it, is a stop for the keyboard and a tap, and shown whole
 * when focused (page.ts): its title, the whole text, shows to a mouse only (at 390 px a phone
 * read `attempt 4, HTT…` and nothing more: a fresh tester). Not a stop while it is whole; kept
 * one while focused (shown whole then, it is cut no longer). Its width follows the window too.
 * The user's name the same way (`user maria.fernand…` at every width, whole to a mouse only, on
 * the page whose button switches users: tBE), and the cursor (`mxc4l…` at every width, the value a
 * reader compares with the journal or a gap's `since`: tEW F1).
 */
function fitState(): void {
  for (const [stat, shown] of [[$('state-stat'), $('state')], [$('user-stat'), $('user')], [$('cursor-stat'), $('cursor')]] as const) {
    if (stat === document.activeElement) continue;
    if (shown.scrollWidth > shown.clientWidth) stat.tabIndex = 0;
    else stat.removeAttribute('tabindex');
  }
}
addEventListener('resize', fitState);
$('state-stat').addEventListener('blur', fitState);
$('user-stat').addEventListener('blur', fitState);
$('cursor-stat').addEventListener('blur', fitState);

let lastState: RealtimeStatus['state'] = 'idle';
/**
 * The mode the screen reader was last told (the page opens Offline, as its badge says): a
 * change of mode, and a gap (with the mode), and only they, are written to the polite live
 * region `#announce` (the badge changed unannounced: a fresh tester); the countdown and the
 * counts, which change every second, are not.
 */
let toldMode: RealtimeStatus['mode'] = 'offline';
/** The HTTP status that belongs to the failures since the client was last connected (an older one is no reason it is offline now). */
const reason = httpReason();
/** The client's counts when this token's stream began: the header counts this user's messages only. */
const since = { received: 0, duplicates: 0 };
function render(status: RealtimeStatus): void {
  const badge = $('badge');
  badge.textContent = BADGE[status.mode];
  badge.dataset.mode = document.body.dataset.mode = status.mode;
  if (status.mode !== toldMode) $('announce').textContent = `connection ${BADGE[(toldMode = status.mode)]}`;
  // The last round trip means nothing while no server answers.
  $('rtt').textContent = status.rtt === null || status.mode === 'offline' ? '–' : `${status.rtt} ms`;
  // While the polling fallback finds no server either, it is retrying, not polling (the badge says Offline).
  const state = status.state === 'polling' && status.mode === 'offline' ? 'retrying' : status.state;
  // The attempt count and the last failure's status stay after the socket opens (until it has
  // been stable a while, and for good), and count the socket's probes while polling works:
  // shown only while nothing delivers (a fresh user read `polling, attempt 7` as a failure).
  // When the next try comes first: the header cuts the end (at 1280 px it showed the attempt, not the countdown).
  // Stopped (unauthorized, closed), nothing is tried again: no attempt count, which read as
  // retries to come and cut off the `HTTP 401` at 390 px (a hostile tester).
  const stopped = status.state === 'unauthorized' || status.state === 'closed';
  // Read at every render (it follows the statuses in order), shown only while offline.
  const http = reason(status);
  const trouble = status.mode !== 'offline' ? '' : `${expired(status) ? ', token expired' : ''}${nextTry(status)}${status.reconnectAttempts && !stopped ? `, attempt ${status.reconnectAttempts}` : ''}${http ? `, HTTP ${http}` : ''}`;
  $('state').textContent = $('state').title = `${state}${trouble}`;
  $('cursor').textContent = status.cursor ?? '–';
  $('cursor').title = status.cursor ?? '';
  $('received').textContent = String(status.received - since.received);
  $('duplicates').textContent = String(status.duplicates - since.duplicates);
  // A refused token (HTTP 401, close 4401) stops the client: ask for another one.
  // Only on the way in: connect() with a new token reports the old state once before it moves on.
  const refused = status.state === 'unauthorized' && lastState !== 'unauthorized';
  lastState = status.state;
  if (status.connected) accepted = current;
  const login = $('login') as HTMLFormElement;
  if (refused) {
    login.hidden = false;
    // Nothing to go back to: no Cancel (a reviewer).
    $('cancel').hidden = true;
    $('login-note').textContent = refusal(status, tokenExp);
    (login.elements.namedItem('token') as HTMLInputElement).focus();
    // Not kept for a reload: the tab's last token the server accepted is, or none (a reload connected with the refused one: tID F1);
    // none when the refused one is that token, accepted once and refused since (expired, or the demo restarted with another
    // secret: a reload connected with it again, Offline before the refusal showed again: tIL F4).
    if (current === accepted) accepted = undefined;
    if (accepted === undefined) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, accepted);
  }
  // Measured once every text is written: one layout a frame, as before.
  fitState();
}

// Every type the server sends gets its panel and its handler: a type added to the contract
// and run without the type checker (tsx) showed a panel stuck at 0 until SUMMARY had its line
// (a fresh user); its data is shown as JSON meanwhile.
for (const type of SERVER_MESSAGE_TYPES) {
  if (type === 'ping' || type === 'pong') continue;
  panel(type);
  const summary = (SUMMARY[type as keyof Summaries] as ((data: unknown) => Row) | undefined) ?? ((data: unknown) => row`${JSON.stringify(data, null, 1).replace(/\n\s*/g, ' ')}`);
  realtimeClient.on(type, ((data: unknown, message: { ts?: string }) => {
    // The client's own rows on the server's clock, as the server's are (see now()).
    if (local(type, data)) return show(type, summary(data), now());
    // The server's greeting only (local() leaves no other connection here): see learn().
    if (type === 'connection' && typeof message.ts === 'string') learn(Date.parse(message.ts));
    // An admin's view has every user's rows: one names the bot its message names (the demo's ids
    // name the user, bot_alice_1), or two users' rows read as one row shown twice (tGJ F7).
    const bot = shown?.admin ? (data as { bot_id?: unknown; id?: unknown } | null)?.[type === 'bots' ? 'id' : 'bot_id'] : undefined;
    show(type, typeof bot === 'string' ? row`${bot}: ${summary(data)}` : summary(data), message.ts);
  }) as never);
}
realtimeClient.on('ping', (message: { timestamp?: unknown }) => {
  if (typeof message.timestamp === 'number') learn(message.timestamp);
  counts.ping = (counts.ping ?? 0) + 1;
  scheduleRender();
});
// The attempt's delay read as each status comes, before it is drawn.
realtimeClient.on('status', (status) => {
  schedule(status);
  render(status);
});
// What came after `since` may be lost; the messages that follow are the stream the server holds now.
// Said in the header too: the events panel may be below the fold (a fresh user missed it).
let gaps = 0;
realtimeClient.on('gap', (e) => {
  const text = row`gap: messages after ${e.since ?? 'the start'} may be lost (${e.mode}); what follows is the server's stream now — refetch state`;
  const at = now();
  show('events', text, at);
  $('gaps').textContent = String(++gaps);
  $('gap-stat').title = `last at ${clock(at)}: ${plain(text)}`;
  $('gap-stat').hidden = false;
  // Told as the mode is, in the polite live region, once per gap: it was shown only, and a
  // screen reader heard a reconnect that lost messages as one that lost none (tBE). With the
  // mode it came back over, which is then not told again.
  $('announce').textContent = `connection ${BADGE[(toldMode = e.mode)]}, messages may have been lost`;
});
/**
 * The client's words about a dropped message with each bidirectional control in them (U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) shown as its escape, `\u202e`, as the server's own
 * errors write one (`got "Fill\u202e"`): they come from the found value, and in the same field a
 * U+202E in `got "A\u202eBCD"` drew the client's closing quote after `A` (`got "A"DCB`: tCE F4).
 */
const visible = (text: string) => text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
// Which message was dropped: its type and id where it has them (strings), as `invalid alerts
// alert_2: …`; a frame that is not JSON as such. It read `invalid invalid: /data/timestamp …`,
// a dropped critical alert as a dropped trade (tBE).
realtimeClient.on('invalid', (e) => {
  const { type, data } = ((typeof e.message === 'object' && e.message) || {}) as { type?: unknown; data?: unknown };
  const id = typeof data === 'object' && data ? (data as { id?: unknown }).id : undefined;
  const which = e.reason === 'json' ? ['frame (not JSON)'] : typeof type === 'string' ? row`${type}${typeof id === 'string' ? row` ${id}` : []}` : ['message'];
  show('events', row`invalid ${which}: ${e.errors[0]?.pointer || '(root)'} ${visible(String(e.errors[0]?.message))}`, now());
});
realtimeClient.on('unknown', (e) => show('events', row`unknown type ${e.type}`, now()));

const form = $('login') as HTMLFormElement;
const input = form.elements.namedItem('token') as HTMLInputElement;
/**
 * Whom a JWT names: its `sub`, whole (up to 256 characters, as the server takes it: the header
 * cuts it for display, by CSS, and shows it whole when focused and in its title; cut at 64 here,
 * two users whose names shared 63 characters could not be told apart: tCE F2), and whether it has the demo's `admin: true`
 * claim (every user's stream), and its `exp` (to say a refused token expired), read without verifying
 * it (the header says which user's stream this is; the server decides what it may see); undefined
 * for a token that is not a JWT with a string `sub`.
 */
function whom(token: string): { sub: string; admin: boolean; exp?: number } | undefined {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)))) as { sub?: unknown; admin?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string') return undefined;
    return { sub: claims.sub, admin: claims.admin === true, ...(Number.isFinite(claims.exp) && { exp: claims.exp as number }) };
  } catch {
    return undefined;
  }
}

/** This tab's token, in sessionStorage: a reload keeps it, another tab or a bookmark does not. */
const TOKEN_KEY = 'realtime-contract-demo-token';
/** Whose stream the panels show (`sub`, `admin` of the token last started), to tell a new token of the same user from another's. */
let shown: { sub: string; admin: boolean } | undefined;
/** The token last started (the page's client's), and the last one the server accepted (its client was connected with it), if any. */
let current: string | undefined;
let accepted: string | undefined;
function start(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  current = token;
  const who = whom(token);
  // A new token of the user shown (the last one expired, or was swapped) goes on from the cursor, the
  // panels kept: it started new, and the trades of the outage were lost with no gap told (tEK F1).
  const same = shown !== undefined && who?.sub === shown.sub && who.admin === shown.admin;
  shown = who && { sub: who.sub, admin: who.admin };
  tokenExp = who?.exp;
  refusedAs = undefined;
  $('user').textContent = who?.sub || '–';
  // Isolated in its title, as the gaps tooltip's fields are: a U+202E in the sub drew "(all users: the admin claim)" reversed (tCE F3).
  $('user').title = who ? `${plain(row`${who.sub}`)}${who.admin ? ' (all users: the admin claim)' : ''}` : '–';
  $('user').classList.toggle('all', who?.admin === true);
  $('scope').hidden = who?.admin !== true;
  closeForm();
  if (same) {
    realtimeClient.disconnect();
    realtimeClient.connect(token);
    return;
  }
  // Another token may be another user's: their stream starts new, not from this one's cursor (a reviewer),
  // and the panels too: the last user's trades are not shown as the next one's.
  realtimeClient.disconnect({ forgetCursor: true });
  ({ received: since.received, duplicates: since.duplicates } = realtimeClient.getStatus());
  for (const type of Object.keys(counts)) delete counts[type];
  for (const section of document.querySelectorAll('.panel')) {
    section.querySelector('.count')!.textContent = '0';
    section.querySelector('.rows')!.replaceChildren();
  }
  held.clear();
  gaps = 0;
  $('gap-stat').hidden = true;
  realtimeClient.connect(token);
}
/**
 * The token form away, and what was typed in it; the keyboard's focus, when it was in the form,
 * back on the "switch token" button (it fell to the page's body: a fresh tester).
 */
function closeForm(): void {
  endTrial();
  if (form.contains(document.activeElement)) $('switch').focus();
  form.hidden = true;
  $('cancel').hidden = true;
  input.value = '';
  $('login-note').textContent = '';
}
/** Whether the page's client has a stream to go back to: started, and not stopped (a refused token, the server's close). */
function live(): boolean {
  const { state } = realtimeClient.getStatus();
  return state !== 'idle' && state !== 'unauthorized' && state !== 'closed';
}
/**
 * The token being tried while a stream is shown, in a client of its own (its messages go nowhere): the
 * stream shown goes on until the server accepts the new token (its client connected: then start()
 * switches to it), and a refused one leaves it as it was, Cancel and Escape still there. A mistyped
 * token stopped the stream `unauthorized`, Cancel hidden, and a reload took the refused token (tID F1).
 */
let trial: RealtimeClient | undefined;
function endTrial(): void {
  trial?.disconnect();
  trial = undefined;
}
function attempt(token: string): void {
  endTrial();
  if (!live()) return start(token);
  // Its poll's 401 body is read into refusedAs, which is the page's token's: put back once read.
  const kept = refusedAs;
  const client = (trial = createRealtimeClient({ fetch: pageFetch }));
  client.on('status', (status) => {
    if (trial !== client) return;
    if (status.connected) return start(token);
    if (status.state !== 'unauthorized') return;
    const note = refusal(status, whom(token)?.exp);
    refusedAs = kept;
    endTrial();
    $('cancel').hidden = !live();
    $('login-note').textContent = $('cancel').hidden ? note : `${note} Cancel (Escape) keeps the stream shown.`;
    input.focus();
  });
  $('login-note').textContent = 'Asking the server…';
  client.connect(token);
}
// Another user's token without a reload: the form again, the stream unchanged until the server accepts it (attempt()),
// or the form put away again (Cancel, Escape) with the stream as it was.
$('switch').addEventListener('click', () => {
  // Cancel only where there is a stream to go back to: not before a first token, nor after a refused one (a reviewer).
  const asking = !form.hidden && $('cancel').hidden;
  form.hidden = false;
  $('cancel').hidden = asking || !live();
  $('login-note').textContent = "Paste another token: another user's stream starts new, this user's goes on.";
  input.focus();
});
$('cancel').addEventListener('click', closeForm);
form.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !$('cancel').hidden) closeForm();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  // Blank: nothing to send (it said the server refused a token no request had carried: a fresh user).
  const text = input.value.trim();
  // Its token, where a whole `Dashboard:` URL, an `alice (user):  eyJ…` line or `Bearer eyJ…` was pasted (README says
  // to paste the one in the URL): the whole text was sent and refused 401, "paste another one" (tEA F2). `token=`'s first,
  // then any, ended by anything a JWT does not hold: the demo's own websocat, curl and WebSocket lines end it with a quote,
  // and a JWT's shape under another parameter (`since=`) was taken before it (tEG F5). A `.` ends it where no part
  // follows (a sentence's end: the whole text was sent), and a header may be JSON with white space (`ewog…`, as the
  // server's isJwtHeader takes: `token=`'s was sent whole) (tEP F8).
  const jwt = '(e(?:y[AJ]|w[ok0])[\\w-]*\\.[\\w-]*\\.[\\w-]*)(?![\\w-]|\\.[\\w-])';
  const token = (new RegExp(`[?&]token=${jwt}`).exec(text) ?? new RegExp(`(?:^|[^\\w.-])${jwt}`).exec(text))?.[1] ?? text;
  if (token) attempt(token);
  else $('login-note').textContent = 'Paste a token first.';
});
const params = new URLSearchParams(location.search);
const given = params.get('token');
if (given) {
  // Out of the address bar (and so of history, bookmarks and screen shares) once read; kept for
  // this tab only, so a reload connects again (it left the page idle, saying nothing: a fresh user).
  params.delete('token');
  history.replaceState(history.state, '', `${location.pathname}${params.toString() ? `?${params}` : ''}${location.hash}`);
  start(given);
} else {
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept) start(kept);
  else $('login-note').textContent = 'No token: paste one (serve --demo prints a dashboard URL with one).';
}
render(realtimeClient.getStatus());

(window as unknown as { dashboard: object }).dashboard = { counts, client: realtimeClient };
