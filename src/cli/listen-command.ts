import { decodeJwt } from 'jose';
import { constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { type ClientRequest, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { unescape as querystringUnescape } from 'node:querystring';
import { connect as tlsConnect } from 'node:tls';
import WebSocket, * as wsModule from 'ws';
import { CloseCode, MESSAGE_TYPES, PING_INTERVAL_MS, PONG_TIMEOUT_MS, SERVER_MESSAGE_TYPES, WEBSOCKET_PATH } from '../../generated/contract.js';
import { endpointOf, samePath } from '../shared/request-url.js';
import { asWritten, numberLiterals } from '../languages/as-written.js';
import { findNonPortableIntegers } from '../languages/portability.js';
import { escapeToken } from '../runtime/json-pointer.js';
import { scanJsonText } from '../languages/json-scan.js';
import { failure, validateMessage } from '../runtime/validate.js';
import { parseMessage } from '../runtime/parse.js';
import { isAfter, isCursor, judgeCursor, POLL_SUFFIX, RECENT_CURSORS, remember, sameStream } from '../client/protocol.js';
import { cut, type ValidationError } from '../runtime/errors.js';
import { inertJson, noticeMessage, oneLine, shownPointer } from './report.js';
// Signals that end a run early, reported: Ctrl-C, CI's `timeout` (SIGTERM), a closed terminal (SIGHUP).
import { firstStopSignal, STOP_SIGNALS } from './stop-signals.js';
import { bracketsError, cliSyntaxError, duplicateKeyError, findDuplicateKeys, findLoneSurrogates, loneSurrogateError, MAX_LINE_BRACKETS, MAX_NESTING_DEPTH, mayHoldSurrogateEscape, nestingError, syntaxErrorBefore } from './sources/text.js';
import type { ValidationMode } from '../runtime/validate.js';
import { holdsUserInfoAnyhow, redactUrl } from '../server/auth.js';
import { holdsSecretParameter, isSecretName, leniently, looksLikeJwt, REDACTED, redactJwts, secretWhereAddressGoes, userInfoPastAuthority, withPasswordShownRedacted } from '../shared/secrets.js';


/** Period of listen's heartbeat timer, ms: how it tells that its event loop was held up (see `arrivedAfter`). */
const HEARTBEAT_MS = 20;

/** Longer than this without a heartbeat, ms, and the event loop was held up (a long check): what it saw meanwhile came earlier. */
const HELD_MS = 100;
/** The longest the run's end waits for listen to read what it had fallen behind on (endRun): past it, the message begun is said as unfinished. */
const DRAIN_MS = 5000;
/** How long after the server's close frame listen reads on for what the server sends after it, when TCP stays open (a frame after the close is a violation). */
const AFTER_CLOSE_MS = 500;
/** The 4 octets a client appends to a compressed message's payload before it inflates it (RFC 7692 §7.2.2). */
const DEFLATE_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * The clock every duration listen measures runs on (whole ms, never stepping: `performance.now()`):
 * ping intervals, the pong wait, the held loop, the run's end. On the wall clock, a step of the
 * machine's clock during a run (NTP stepping a fresh VM, a VM resumed) was reported as the
 * server's keepalive violation, an interval of -3596987 ms included (tAO).
 */
const clock = (): number => Math.floor(performance.now());

/** The wall time (epoch ms) at `at`, a time on {@link clock}: what is compared with a token's exp. */
const wallAt = (at: number): number => Date.now() - (clock() - at);

/**
 * The largest message listen reads, bytes, and its default (ws's own `maxPayload`): a larger one
 * is reported, not held (`--max-frame` lowers it). A frame's check is not interrupted, so this
 * bounds how long one frame can hold a run past `--duration`.
 */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;

/**
 * The most fragments (RFC 6455 §5.4: frames of one message) `listen` reads of one message: a
 * bound on its memory (each fragment is an object of its own, whatever its size, and 100 MiB of
 * one-byte fragments would be 100 million), not the protocol's, which sets none. `ws`'s own
 * client default, 16,384, failed a message a browser reads (tDY F4: 20,000 one-byte fragments).
 */
const MAX_FRAGMENTS = 1024 * 1024;
/** The most header bytes of the server's answer to the upgrade read, chromium's own bound (net's HttpStreamParser: 256 KiB): Node's default, 16 KiB, refused answers a browser takes (tES F3). */
const UPGRADE_HEADER_BYTES = 256 * 1024;

/**
 * The most listen leaves unsent (bytes, ws's `bufferedAmount`) and still queues a pong, to a
 * `ping` message or to a WebSocket ping frame: the client's own limit. A server that floods pings
 * and never reads grew listen's memory by about 370 bytes a ping, 445 MB in a 40 s run, which
 * also ended up to 10 s past `--duration` (a fresh tester).
 */
const MAX_UNSENT_BYTES = 1 << 20;

/** `bytes` in the largest unit that divides it: `1 MiB`, `512 KiB`, `1000 bytes`. */
function shownSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}
/**
 * Close codes the contract gives a server for its own condition, not for a client's fault
 * (`listen` sends nothing else than pongs, on time, and one ping once the server has shown a cursor): an early close with one is a warning.
 */
const SERVER_CONDITION_CLOSES: ReadonlyMap<number, string> = new Map([
  // Not 1011, InternalError: a server that fails is what a conformance run is for; nor 4401,
  // TokenExpired, which a server may send only once the token listen holds has expired (then a
  // warning too: see {@link EXP_SKEW_MS}).
  [CloseCode.TryAgainLater, 'TryAgainLater'],
  [CloseCode.StreamGap, 'StreamGap'],
]);

/**
 * How long before the `exp` of the token listen holds, ms, a 4401 (TokenExpired) close is still
 * taken as the server's word that it expired: the server's clock and this one differ. Earlier, a
 * 4401 is a violation; from then on a warning (a run longer than the token's life ended so by a
 * server that kept the contract was a failed run: a reviewer).
 */
const EXP_SKEW_MS = 5_000;

/**
 * How long past the `exp` of the token listen sent, ms, a server may still accept the upgrade
 * (its clock tolerance, its clock behind): later, by the server's clock when its 101 answer has a
 * Date header, else by listen's, the accepted upgrade is a violation. The contract validates the
 * token before the upgrade, and refuses an expired one with 401; a backend that accepted a token
 * dead for an hour passed, and its 4401 was excused as a run that outlived the token (tBQ F1).
 * The contract sets no tolerance; README's options table gives the reference server's
 * `jwt.clockToleranceSec` up to 300 s (src/server/auth.ts, MAX_CLOCK_TOLERANCE_SEC), so listen
 * takes 300 s: at 30 s, the package's own server configured with 60 s was a violator (tCC F6).
 */
const ACCEPT_LEEWAY_MS = 300_000;

/**
 * Past this, ms, an accepted expired token is more than two clocks' difference: within
 * {@link ACCEPT_LEEWAY_MS} it is a warning that names the tolerance listen assumed.
 */
const CLOCKS_DIFFER_MS = 30_000;

/** The contract's rule a server that accepts an expired token breaks. */
const TOKEN_RULE = 'the server validates the token before it accepts the connection and refuses a missing, malformed, expired or badly signed one with HTTP 401 (Connecting)';

/** Said with each fault of the answer to listen's ping: the client pings, and a v1.0 server has no such rule. */
const CLIENT_PING = "the package's client pings a server once it has shown protocol v1.1 (a message with a cursor): a client may ping the server, which answers with a pong; v1.0 servers (the spec's) send no cursor and are not pinged (--no-ping sends none)";

/**
 * How a close or a drop read during the run's-end drain, past what listen's socket held at the
 * end, is said: listen cannot tell one the server sent after the end from one it sent before,
 * queued behind what listen had fallen behind on in the system's socket buffer (tFB F5).
 */
const READ_AFTER_END = "read after the run ended (not judged: the server sent it after the end, or before it while listen was behind the server, its bytes still in the system's socket buffer, which listen cannot read ahead)";


/**
 * Swaps the run's signal handler for one that does nothing, kept 5 s (unref'd: it holds the
 * process up no longer than its own work does), past the process's exit in the CLI. Once the
 * report was written listen still waits up to 1 s for the server's answer to its close, and on
 * `cannot connect` for its socket to close, and Node takes some milliseconds to exit: with the
 * handlers gone a second Ctrl-C or a supervisor's SIGTERM then killed it by the signal, status
 * 130/143, not the run's 0/1/2 (tFB F7); removed at `beforeExit`, it still did, in Node's exit.
 * README: any other signal while the run ends changes nothing.
 */
function holdSignals(interrupt: (signal: NodeJS.Signals) => void): void {
  const ignore = () => undefined;
  for (const signal of STOP_SIGNALS) {
    process.off(signal, interrupt);
    process.on(signal, ignore);
  }
  setTimeout(() => {
    for (const signal of STOP_SIGNALS) process.off(signal, ignore);
  }, 5000).unref();
}

/** Options of `realtime-contract listen`. Durations in milliseconds. */
export interface ListenCommandOptions {
  token?: string;
  /** Stop after this long, ms. Default 60 000, with `count` too: a server that sends fewer frames must not hang the run. */
  durationMs?: number;
  /** Stop after this many frames. */
  count?: number;
  mode: ValidationMode;
  format: 'text' | 'json';
  /** The interval the server's pings must keep. Default `PING_INTERVAL_MS` (30 000). */
  pingIntervalMs?: number;
  /** Allowed deviation of a ping interval, as a fraction of it. Default 0.1 (±10 %). */
  tolerance?: number;
  /** Report every fault of each frame, not only the first (the CLI's all-errors validators, as `validate --all-errors`). */
  allErrors?: boolean;
  /**
   * The largest message read, bytes, from 1 to {@link MAX_FRAME_BYTES} (100 MiB, the default): a
   * larger one is a violation that ends the run. What bounds a run past `durationMs`: a frame's
   * check, which takes longer the larger the frame, is not interrupted.
   */
  maxFrameBytes?: number;
  /**
   * Whether to ping the server once, after the first message it sends with a `cursor` (it speaks
   * protocol v1.1, in which a client may ping the server, which answers with a `pong` echoing its
   * `timestamp`), as the package's client does, and hold it to an answer within `PONG_TIMEOUT_MS`
   * (10 000 ms). A server that sends no cursor (v1.0, the spec's) is not pinged, as the client
   * does not ping it. Default true; false sends none (`--no-ping`).
   */
  ping?: boolean;
}

/** One fault of the producer: a frame that breaks the contract, or the keepalive timing. */
export interface Violation {
  /** 0-based index of the frame among those received, or null for a fault of timing between frames. */
  index: number | null;
  /** The frame's `type` when it has a string one, else null. */
  type: string | null;
  pointer: string;
  keyword: string;
  message: string;
  /**
   * For a fault of the frame's text or message (the ones `validate` finds, keyword `type`,
   * `enum`, `json`, …), the fields of its `ValidationError`, as `validate --format json` gives
   * them: what the contract wants there (`one of "buy", "sell"`), what the frame holds (`"BUY"`),
   * the hint (`did you mean "buy"?`), and for text that is not JSON or is nested too deep, the
   * `position` (UTF-16 code units) where it goes wrong. Absent from listen's own checks of the
   * stream (`keepalive`, `protocol`, `close`, `frame`, `direction`), which say it in `message`.
   */
  expected?: string;
  found?: string;
  hint?: string;
  position?: number;
  /** For a text frame that is not UTF-8 (keyword `frame`): the offset in bytes of its first invalid sequence in the message, as `validate` gives it. */
  byteOffset?: number;
}

export interface ListenReport {
  /** The URL, token redacted. */
  url: string;
  /** Frames received (text or binary, each counted once), up to `count` when given. */
  frames: number;
  /**
   * Frames that are valid server-to-client messages, as `validate` judges them (warnings
   * allowed). A frame off the ping interval, or a first frame other than `connection`, stays
   * valid: those are violations of the stream, not of the message.
   */
  valid: number;
  /** Frames that are not: refused by this client, binary, not JSON, nested deeper than `MAX_NESTING_DEPTH` (1,000 levels; refused unparsed), failing the schema, a key written twice (strict), or a client-to-server type. `valid + invalid === frames`. */
  invalid: number;
  /** Frames per message type (a `type` cut at 60 characters), for the first {@link MAX_LISTED} types seen. */
  counts: Record<string, number>;
  /** Frames with a string `type` past the first {@link MAX_LISTED} types, not in `counts` (0 as a rule). */
  uncounted: number;
  /**
   * The first {@link MAX_LISTED} violations of frames, and every violation of the stream
   * (`index` null: the server's close, a missing ping, fewer frames than `count`); the rest are
   * counted in {@link ListenReport.violationCount}.
   */
  violations: Violation[];
  /** Violations found, listed or not: the exit code is 1 when it is not 0. */
  violationCount: number;
  /**
   * Notes that do not make a violation, as `validate` gives them: an integer other languages read
   * differently (`1.0`, beyond 2^53), and in tolerant mode a value outside a closed list; and
   * (`index` null) a close before the run ended with a code the contract gives a server for its
   * own condition ({@link SERVER_CONDITION_CLOSES}), or (`index` null, `keyword` `keepalive`)
   * WebSocket ping frames left unanswered while the server does not read ({@link MAX_UNSENT_BYTES}),
   * or (`keyword` `protocol`) a token the server accepted though it had expired more than 30 s
   * before, within the 300 s clock tolerance listen allows ({@link ACCEPT_LEEWAY_MS}).
   * The first {@link MAX_LISTED}; the rest are counted in {@link ListenReport.warningCount}.
   */
  warnings: { index: number | null; type: string | null; pointer: string; message: string; keyword?: 'keepalive' | 'protocol' }[];
  /** Warnings given, listed or not. */
  warningCount: number;
  /** Times between consecutive pings, ms: the first {@link MAX_LISTED}. */
  pingIntervals: number[];
  /** How the connection ended before the run did: the server's close code and reason, or 1006 (and no reason) when it ended without a close frame. */
  close: { code: number; reason: string } | null;
  /**
   * A frame that had begun to arrive and never finished, or a message sent in fragments whose
   * final fragment had not come (`fragmentBytes`): the connection ended in the middle of it
   * (1006), or the run did (`durationMs`, a signal; not `count` reached, past which frames are
   * ignored); or, of a message in fragments only, the server's close frame came before its final
   * fragment (any code: the message is discarded). Null when the stream stopped between messages (in a ping, pong or close frame
   * too, which is no message), or at a frame this client refused.
   */
  unfinished: UnfinishedFrame | null;
  /**
   * A close frame or a drop (1006, no reason) read after the run ended, while the drain read the
   * message begun before the end: not judged (the text report says it so, {@link READ_AFTER_END}:
   * sent after the end, or before it and still in the system's socket buffer, tFB F5). Null when
   * none came then. JSON had only `"close": null` for it, as for a server that stayed open (tFB F9).
   */
  closeAfterEnd: { code: number; reason: string } | null;
}

/**
 * Violations and warnings listed (printed, and kept for the JSON report), ping intervals and
 * message types kept, at most. A broken server that streams faults must not grow this client's
 * memory without end (a hostile tester's server sent 60,000 bad frames a second: 514 MB after
 * 45 s, 958 MB after 20 s in JSON); past the limit, violations and warnings are counted.
 */
export const MAX_LISTED = 1000;

interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Node's words for a certificate whose issuer it does not trust: a self-signed one, one signed by
 * a private CA, or one sent without its intermediate.
 */
const UNTRUSTED_CERTIFICATE = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** What to do, said after a TLS client's failure at a port that speaks plain HTTP. */
const PLAIN_THERE = 'give a ws:// (or http://) URL if it is plain WebSocket';

/** What to do, said after a plain client's failure at a port that speaks TLS. */
const TLS_THERE = 'the server speaks TLS there: give a wss:// (or https://) URL';

/**
 * A failed connection's cause, in one line: OpenSSL's own text ends with a line break, and a
 * TLS client that reaches a plain HTTP port gets only its "wrong version number" (a fresh user).
 * With the way out where the cause says it: a certificate Node does not trust (self-signed, a
 * private CA's) is trusted with NODE_EXTRA_CA_CERTS, Node's own way (`"self-signed certificate"`
 * alone left a user with a staging server stuck); the other scheme, where the port speaks it
 * (`speaksTls`: a plain client's hang-up at a port found to answer TLS, which said only "socket hang up").
 */
function connectError(error: Error & { code?: string }, url: URL, speaksTls = false): string {
  const text = error.message.trim();
  if (url.protocol === 'wss:') {
    // Only what a plain port answers (a TLS server of an old version is EPROTO too: a reviewer).
    if (error.code === 'EPROTO' && /wrong version number|packet length too long|http request/i.test(text)) return `the server does not speak TLS there: ${PLAIN_THERE} (${text})`;
    // A plain port that hangs up on the TLS client's first bytes.
    if (error.code === 'ECONNRESET' && /before secure TLS connection was established/.test(text)) return `the server ended the connection during the TLS handshake: ${PLAIN_THERE} (${text})`;
    if (error.code !== undefined && UNTRUSTED_CERTIFICATE.has(error.code)) {
      return `${text} (Node does not trust the server's certificate: to trust it, or the private CA that signed it, run with NODE_EXTRA_CA_CERTS=<its PEM file>${error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? '; or the server leaves out its intermediate certificate, which it must send' : ''})`;
    }
  }
  // Node's words, then the way out (tHQ F2: a bare ECONNREFUSED for a demo not started, or on another port).
  if (error.code === 'ECONNREFUSED') return `${text} (nothing listens at ${urlHostPort(url)}: is the server running, on that port? ${DEMO_PORT_HINT})`;
  return speaksTls ? `${TLS_THERE} (${text})` : text;
}

/** The end of ECONNREFUSED's way out: listen's own words, never a secret, shown whole beside a short token (see scrubConnect). */
const DEMO_PORT_HINT = 'serve --demo listens on 127.0.0.1:8000 unless given --port';

/** `host:port` of a ws(s) URL, its default port written out (80, 443). */
function urlHostPort(url: URL): string {
  return `${url.hostname}:${url.port === '' ? (url.protocol === 'wss:' ? '443' : '80') : url.port}`;
}

/**
 * What in the server's answer to the upgrade (`head`, its first bytes) Node's HTTP parser, which
 * ws uses, refuses, with what came: an answer that is no HTTP (`SSH-2.0-…`), one whose lines end
 * in LF alone (RFC 9112 §2.2 lets a recipient accept it, and browsers do), one that folds a header
 * line (obs-fold, RFC 9112 §5.2: browsers unfold it). Undefined when nothing came, or none of these
 * is seen in it.
 */
function parseFault(head: Buffer, error: { code?: string; message?: string; bytesParsed?: unknown; rawPacket?: unknown } = {}): string | undefined {
  if (head.length === 0) return undefined;
  const text = head.toString('latin1');
  const firstLine = JSON.stringify(cut(text.split(/\r?\n/)[0]!, 100));
  // A status line whose "HTTP" is not upper case is HTTP still, one Node refuses (RFC 9112 §2.3: the name is case-sensitive) and a browser reads: "not HTTP" sent a user to look for a wrong port (tEH F10).
  if (/^http\/\d/i.test(text) && !/^HTTP\//.test(text)) return `the server's answer has a status line Node's HTTP parser (ws's) refuses, ${firstLine}: the protocol name is "HTTP" in upper case (RFC 9112 §2.3: it is case-sensitive); a browser may read it, but listen cannot check such a backend`;
  if (!/^HTTP\/\d/.test(text)) return `the server's answer is not HTTP: it began ${firstLine} where an HTTP status line ("HTTP/1.1 101 Switching Protocols") was expected`;
  const bare = /(?<!\r)\n/.exec(text);
  if (bare !== null) return `the server's answer ends its lines with LF alone (${JSON.stringify(cut(text.slice(0, bare.index + 1), 100))}…), which Node's HTTP parser (ws's) refuses: a server ends them with CRLF (RFC 9112 §2.1; §2.2 lets a recipient accept a bare LF, and browsers do)`;
  const end = text.indexOf('\r\n\r\n');
  const fold = /\r\n([^\r\n]*)\r\n[ \t]/.exec(end === -1 ? text : text.slice(0, end + 2));
  if (fold !== null) return `the server's answer folds a header line (obs-fold: a line that begins with a space or tab continues ${JSON.stringify(cut(fold[1]!, 60))}), which Node's HTTP parser (ws's) refuses: a server never sends it (RFC 9112 §5.2; a browser unfolds it)`;
  return refusedLine(text, error);
}

/** What is wrong with a line Node's parser refuses, by its code: said before the parser's own words. */
const PARSE_FAULTS: readonly (readonly [RegExp, string])[] = [
  [/Invalid HTTP version/i, 'an HTTP version Node does not read (it reads HTTP/1.0 and HTTP/1.1: RFC 9112 §2.3)'],
  [/Invalid header value char/i, 'a header value with a control character (RFC 9110 §5.5)'],
  [/Invalid header token|Invalid header field char/i, 'a header name with a character a token may not hold, such as a space or a control (RFC 9110 §5.1)'],
];

/** Header names whose value is not shown: what a refused line of them holds may be a credential. */
const SECRET_HEADERS = /^(?:set-cookie|cookie|authorization|proxy-authorization|www-authenticate|proxy-authenticate)$/i;

/**
 * Any other refusal of Node's HTTP parser (llhttp's words alone, "Parse Error: Invalid header
 * token", named neither the line nor that a browser may read it: tDY F1): the line it refused,
 * from the packet it parsed and where it stopped (`bytesParsed`), escaped, a Location's value
 * redacted as a refusal's is, a credential header's not shown.
 */
function refusedLine(head: string, error: { code?: string; message?: string; bytesParsed?: unknown; rawPacket?: unknown }): string | undefined {
  if (error.code === undefined || !error.code.startsWith('HPE_') || error.code === 'HPE_HEADER_OVERFLOW') return undefined;
  const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : head;
  const at = typeof error.bytesParsed === 'number' && error.bytesParsed >= 0 ? Math.min(error.bytesParsed, raw.length) : 0;
  const start = at === 0 ? 0 : raw.lastIndexOf('\n', at - 1) + 1;
  const end = raw.indexOf('\n', start);
  let line = raw.slice(start, end === -1 ? raw.length : end).replace(/\r$/, '');
  const status = start === 0 && raw.startsWith('HTTP/');
  const colon = line.indexOf(':');
  if (!status && colon > 0) {
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (SECRET_HEADERS.test(name) || isSecretName(name)) line = `${name}: ${REDACTED}`;
    else if (/^location$/i.test(name)) line = `${name}: ${redactUrl(value)}`;
  }
  // By llhttp's words: its codes are coarser (a control in a header value is HPE_INVALID_HEADER_TOKEN too).
  const what = PARSE_FAULTS.find(([words]) => words.test(error.message ?? ''))?.[1];
  return `the server's answer has ${status ? 'a status line' : 'a header line'} Node's HTTP parser (ws's) refuses, ${JSON.stringify(cut(line, 120))}${what === undefined ? '' : `: ${what}`}; a browser may read it, but listen cannot check such a backend`;
}

/** RFC 6455 §1.3: what a server appends to the client's Sec-WebSocket-Key before hashing it. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Node's HTTP client keeps every header line of an answer of up to 1,000 (`rawHeaders`: 2,000
 * names and values); of an answer with more it keeps a few more (it collects them in batches,
 * 1,023 lines measured) and drops the others unsaid.
 */
const NODE_MAX_HEADER_FIELDS = 2000;

/**
 * A header not found in the answer: `none`, or, when Node kept more than {@link NODE_MAX_HEADER_FIELDS}
 * names and values (so it may have dropped the rest unsaid), none among those (it was "got none" of a
 * header that came after them, which a browser reads: tDY F11). At exactly 2,000 it kept all 1,000
 * lines: plain `none` (it said they were cut: tEI F5).
 */
function noHeader(answer: IncomingMessage): string {
  return answer.rawHeaders.length > NODE_MAX_HEADER_FIELDS ? `none among the first ${answer.rawHeaders.length / 2} header lines, all Node's HTTP client (ws's) keeps of an answer with more: it drops the lines after them unsaid, which a browser reads, so listen cannot check such an answer` : 'none';
}

/**
 * What `ws` refused in the server's 101 answer (`message`: its words, which name neither what
 * was expected nor what was found), said with both (`key`: the Sec-WebSocket-Key sent, `offer`
 * the Sec-WebSocket-Extensions sent, when known); undefined for another refusal. A
 * Sec-WebSocket-Accept sent more than once is said so (RFC 6455 §11.3.3), with whether each was right.
 */
function handshakeFault(message: string, answer: IncomingMessage, key: string | undefined, offer: string | undefined): string | undefined {
  const found = (name: string) => {
    const value = answer.headers[name];
    return value === undefined ? noHeader(answer) : JSON.stringify(cut(String(value), 100));
  };
  if (message === 'Invalid Sec-WebSocket-Accept header') {
    const derived = key !== undefined ? createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64') : undefined;
    const expected = derived !== undefined ? JSON.stringify(derived) : 'the base64 SHA-1 of the key and the GUID';
    // Sent more than once (Node joins the lines with ", "): the count is the fault, not the derivation, which may be right in each (tDL F7).
    const lines = answer.rawHeaders.filter((_, i) => i % 2 === 0 && answer.rawHeaders[i]!.toLowerCase() === 'sec-websocket-accept').length;
    if (lines > 1) {
      const values = answer.rawHeaders.filter((_, i) => i % 2 === 1 && answer.rawHeaders[i - 1]!.toLowerCase() === 'sec-websocket-accept');
      const right = derived !== undefined && values.every((value) => value.trim() === derived) ? ', each the one derived from the Sec-WebSocket-Key listen sent' : `, ${values.slice(0, 3).map((value) => JSON.stringify(cut(value, 40))).join(', ')}${values.length > 3 ? ', …' : ''} (expected ${expected} once)`;
      return `the server sent Sec-WebSocket-Accept ${lines} times${right}: it "MUST NOT appear more than once in an HTTP response" (RFC 6455 §11.3.3), and a client fails the connection for it`;
    }
    return `the server's Sec-WebSocket-Accept is not the one derived from the Sec-WebSocket-Key listen sent (RFC 6455 §4.2.2): expected ${expected}, got ${found('sec-websocket-accept')}`;
  }
  if (message === 'Invalid Upgrade header') return `the server's 101 answer must say Upgrade: websocket (RFC 6455 §4.2.2), got ${found('upgrade')}`;
  if (message === 'Server indicated an extension that was not requested' || message === 'Invalid Sec-WebSocket-Extensions header') {
    const value = answer.headers['sec-websocket-extensions'];
    const shownOffer = offer ?? 'permessage-deflate';
    const sent = extensionsAsSent(answer);
    return `the server chose the extension ${sent === undefined ? found('sec-websocket-extensions') : JSON.stringify(cut(sent, 100))} (Sec-WebSocket-Extensions), ${extensionFault(value === undefined ? '' : String(value), shownOffer) ?? `which ws refused (listen offered ${JSON.stringify(shownOffer)})`}`;
  }
  return undefined;
}

/**
 * A Sec-WebSocket-Extensions value with the spaces and tabs around each `=` outside a quoted string
 * taken out (`server_max_window_bits = 10`, `= "10"`): RFC 6455 writes the header's grammar (§4.3,
 * §9.1) with RFC 2616's implied *LWS, which allows them between a parameter's name, the `=` and
 * its value, and chromium reads them (its extension parser skips spaces before each token and
 * separator); ws refuses them, and listen said such an answer was "not written as RFC 6455 §9.1
 * has it", cannot connect, where a browser's page reads the run (tFF F5). Given to ws so.
 */
function withoutSpacesAroundEquals(header: string): string {
  return header.replace(/("(?:[^"\\]|\\.)*")|[ \t]*=[ \t]*/g, (_found, quoted: string | undefined) => quoted ?? '=');
}

/** The server's Sec-WebSocket-Extensions as it sent it (its lines joined by ", ", as Node joins them), before {@link withoutSpacesAroundEquals}. */
function extensionsAsSent(answer: IncomingMessage): string | undefined {
  const values = answer.rawHeaders.filter((_, i) => i % 2 === 1 && answer.rawHeaders[i - 1]!.toLowerCase() === 'sec-websocket-extensions');
  return values.length === 0 ? undefined : values.join(', ');
}

/** ws's parser of Sec-WebSocket-Extensions (RFC 6455 §9.1): extension name to its offers, each parameter to its values (`true` for none). */
/** ws's permessage-deflate (RFC 7692), whose `accept` throws for an answer ws refuses. */
const PerMessageDeflate = (wsModule as unknown as { PerMessageDeflate: new (options: object, isServer: boolean, maxPayload: number) => { accept(offers: unknown): unknown } }).PerMessageDeflate;

const parseExtensions = (wsModule as unknown as { extension: { parse(header: string): Record<string, Record<string, (string | true)[]>[]> } }).extension.parse;

/** The permessage-deflate parameters a server may answer with (RFC 7692 §7.1), and the section of each. */
const DEFLATE_PARAMETERS: ReadonlyMap<string, string> = new Map([
  ['server_no_context_takeover', '§7.1.1.1'],
  ['client_no_context_takeover', '§7.1.1.2'],
  ['server_max_window_bits', '§7.1.2.1'],
  ['client_max_window_bits', '§7.1.2.2'],
]);

/**
 * What is wrong with `header`, a server's Sec-WebSocket-Extensions that ws refused, as the rules
 * ws applies give it: not the header's grammar, an extension other than permessage-deflate (the
 * one in `offer`, what listen sent), or a parameter of permessage-deflate that RFC 7692 §7 makes
 * the client refuse: one it does not define, one given twice, or a value out of its range. All
 * were said to be "an extension or parameter listen did not offer", false of
 * `server_max_window_bits=3`, a parameter a server may add unasked and whose value (8 to 15) was
 * the fault (a fresh tester). Also what ws lets pass and a browser refuses (tDL F2), so that it
 * is checked on every answer ({@link answerExtensionFault}): permessage-deflate chosen twice
 * (listen offered it once), a window-bits value that is no decimal integer without leading
 * zeroes (`08`, `+9`, `0x9`, `9.0`, `9e0`: ws reads it as a JavaScript number). Undefined when
 * none of these is wrong.
 */
function extensionFault(header: string, offer: string): string | undefined {
  let extensions: Record<string, Record<string, (string | true)[]>[]>;
  try {
    extensions = parseExtensions(header);
  } catch {
    return 'but it is not written as RFC 6455 §9.1 has it (a name, then "; parameter" or "; parameter=value" for each parameter, extensions separated by commas): a client fails the handshake';
  }
  const other = Object.keys(extensions).find((name) => name !== 'permessage-deflate');
  if (other !== undefined) return `but ${JSON.stringify(cut(other, 60))} is no extension listen offered: it offers only ${JSON.stringify(offer)}, and a client fails the handshake for an extension it did not ask for (RFC 6455 §9.1)`;
  const chosen = extensions['permessage-deflate'] ?? [];
  if (chosen.length > 1) return `but it gives permessage-deflate ${chosen.length} times: a server answers with one of the offers (RFC 6455 §9.1, RFC 7692 §5), and listen offered it once ("${offer}"); a client fails the handshake for such an answer`;
  for (const parameters of chosen) {
    for (const [name, values] of Object.entries(parameters)) {
      const section = DEFLATE_PARAMETERS.get(name);
      const shown = JSON.stringify(cut(name, 60));
      if (section === undefined) return `but its permessage-deflate parameter ${shown} is none RFC 7692 defines for a server's answer (${[...DEFLATE_PARAMETERS.keys()].join(', ')}): a client fails the handshake for such a parameter (RFC 7692 §7)`;
      if (values.length > 1) return `but it gives the permessage-deflate parameter ${name} ${values.length} times: a client fails the handshake for a parameter given more than once (RFC 7692 §7)`;
      const value = values[0]!;
      const got = value === true ? 'none' : /^[1-9]\d{0,8}$/.test(value) ? value : JSON.stringify(cut(value, 40));
      if (name.endsWith('_no_context_takeover')) {
        if (value !== true) return `but its permessage-deflate parameter ${name} expected no value (RFC 7692 ${section}), got ${got}: a client fails the handshake for an invalid value (RFC 7692 §7)`;
      } else if (value === true || !/^\d+$/.test(value) || Number(value) < 8 || Number(value) > 15) {
        return `but its permessage-deflate parameter ${name} expected a value from 8 to 15 (RFC 7692 ${section}${name === 'client_max_window_bits' ? ', in a server\'s answer' : ''}), got ${got}: a client fails the handshake for an invalid value (RFC 7692 §7)`;
      } else if (value.startsWith('0')) {
        return `but its permessage-deflate parameter ${name} expected a value from 8 to 15 written without leading zeroes (RFC 7692 ${section}: "a decimal integer value without leading zeroes"), got ${got}: a client fails the handshake for an invalid value (RFC 7692 §7)`;
      }
    }
  }
  return undefined;
}

/**
 * What is wrong with the Sec-WebSocket-Extensions of a 101 answer `ws` accepts (`answer`; `key`
 * and `offer` what listen sent), by {@link extensionFault}: undefined when ws refuses the answer
 * anyway (its Upgrade, Sec-WebSocket-Accept or Sec-WebSocket-Protocol, checked before its
 * extensions: then said as ws refused it, {@link handshakeFault}), or when nothing is wrong.
 */
function answerExtensionFault(answer: IncomingMessage, key: string | undefined, offer: string | undefined): string | undefined {
  const header = answer.headers['sec-websocket-extensions'];
  if (header === undefined || key === undefined || offer === undefined) return undefined;
  if (answer.headers.upgrade?.toLowerCase() !== 'websocket' || answer.headers['sec-websocket-protocol'] !== undefined) return undefined;
  if (answer.headers['sec-websocket-accept'] !== createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64')) return undefined;
  // Nor when ws refuses its extensions: said in handshakeFault, after ws's own words.
  try {
    const extensions = parseExtensions(header);
    if (Object.keys(extensions).length !== 1 || extensions['permessage-deflate'] === undefined) return undefined;
    new PerMessageDeflate({}, false, 0).accept(extensions['permessage-deflate']);
  } catch {
    return undefined;
  }
  const fault = extensionFault(header, offer);
  return fault === undefined ? undefined : `the server chose the extension ${JSON.stringify(cut(extensionsAsSent(answer) ?? header, 100))} (Sec-WebSocket-Extensions), ${fault} (ws reads it so, a browser does not)`;
}

/**
 * Where the socket may be, said after a 404 to the upgrade at `url` (`query`: the URL given had
 * one, kept): a URL ending in the contract's poll suffix ({@link POLL_SUFFIX}, `/poll`; or it and
 * `/`) names a poll endpoint, the reference server's at its socket's path + that suffix (the
 * client derives it so), whatever that path is; any other path than WEBSOCKET_PATH (the
 * dashboard's, `/`) gets the default path, said to be the default (a server on another `path`
 * answers 404 there too). Nothing at WEBSOCKET_PATH itself. It said "the reference server's
 * socket is at /api/ws" as a fact, for the poll URL of a server on `/api/realtime` too, whose
 * socket is not there (a fresh tester); and it named the shipped `/api/ws` and `/poll` in a build
 * whose contract moved them, where its server serves neither (tBH F2).
 */
function socketHint(url: URL, query: boolean): string {
  const withQuery = query ? ', with the query as given' : '';
  const pathname = endpointOf(url.pathname);
  const poll = pathname.endsWith(POLL_SUFFIX) ? pathname.slice(0, -POLL_SUFFIX.length) : undefined;
  if (poll !== undefined && /^\/.*[^/]$/.test(poll)) {
    return ` (a URL ending in ${POLL_SUFFIX} names a poll endpoint, not a socket: the reference server's socket is the path without ${POLL_SUFFIX}, ${url.protocol}//${url.host}${poll}${withQuery})`;
  }
  if (samePath(url.pathname, WEBSOCKET_PATH)) return '';
  return ` (a reference server with the default path has its socket at ${WEBSOCKET_PATH}: ${url.protocol}//${url.host}${WEBSOCKET_PATH}${withQuery})`;
}

/** The characters an HTML escaper writes as a character reference, of those a token holds: HTML's own, and `/`, `+`, `=`, `` ` ``. */
const HTML_ESCAPED = /[&<>"'/+=`]/g;
/** HTML's named references of {@link HTML_ESCAPED}'s characters. */
const HTML_NAMED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * `secret` as an HTML page's text may write it (a 401 page echoing the token: `/` as `&#x2F;`, `+` as `&#43;`; it was shown in
 * the runs no 8-character piece of the token as sent covered, whole when it had a `/` or `+` every 7 characters: tHG F13): each
 * of {@link HTML_ESCAPED}'s characters written one way, decimal, hex in capitals or not, or named where HTML names it; and
 * as the escapers that write only some of them do (Go's html/template: `&<>"'+`; escape-html, lodash: `&<>"'`; OWASP's:
 * those and `/` as `&#x2F;`). A page mixing two of these is hidden in the 8-character pieces each form shares with it.
 * None for a secret without such a character. Eight forms at most, each a bounded rewrite of the secret.
 */
function htmlEscaped(secret: string): string[] {
  if (!/[&<>"'/+=`]/.test(secret)) return [];
  const code = (character: string) => character.charCodeAt(0);
  const decimal = (character: string) => `&#${code(character)};`;
  const hex = (character: string) => `&#x${code(character).toString(16).toUpperCase()};`;
  const lowerHex = (character: string) => `&#x${code(character).toString(16)};`;
  const go: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '+': '&#43;' };
  const forms = [
    secret.replace(HTML_ESCAPED, decimal),
    secret.replace(HTML_ESCAPED, hex),
    secret.replace(HTML_ESCAPED, lowerHex),
    secret.replace(HTML_ESCAPED, (character) => HTML_NAMED[character] ?? decimal(character)),
    secret.replace(HTML_ESCAPED, (character) => HTML_NAMED[character] ?? hex(character)),
    secret.replace(/[&<>"'+]/g, (character) => go[character]!),
    secret.replace(/[&<>"']/g, (character) => HTML_NAMED[character] ?? '&#39;'),
    secret.replace(/[&<>"'/]/g, (character) => HTML_NAMED[character] ?? (character === '/' ? '&#x2F;' : '&#x27;')),
  ];
  return [...new Set(forms)].filter((form) => form !== secret);
}

/** Why a URL whose user info, read to its last `@`, holds a `/`, `?` or `#` is refused ({@link userInfoPastAuthority}). */
const USER_INFO_PAST_AUTHORITY = 'the user info before its last "@" holds a "/", "?" or "#", where a URL\'s host ends, so the URL would be read with part of it as the host: percent-encode them in it (%2F, %3F, %23), and an "@" in it (%40); an "@" in the path after the host is written %40 too';

/** Why a URL holds no IPv6 zone id, and what to give instead. */
const ZONE_HELD = 'which a URL cannot hold (WHATWG URLs, and so ws and browsers, refuse a zone id, as %25<zone> too): give an address of the server without one, a global or loopback address, not a link-local fe80:: one';

/**
 * What is wrong with `target`, a URL `new URL` refused, when its authority (`scheme://[userinfo@]host[:port]`)
 * shows it: an IPv6 host with a zone id or without brackets, a port that is not digits or is past 65535, or no host. Only that part is read,
 * to name the fault; undefined for any other.
 */
function authorityFault(target: string): string | undefined {
  const authority = /^[a-z][a-z\d+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(target);
  if (!authority) return undefined;
  const [, host, port] = authority;
  // A scoped IPv6 address (`[fe80::1%eth0]`, RFC 6874's `%25eth0` too): refused for its zone,
  // which no WHATWG URL holds; it was said to be no absolute URL (a fresh tester).
  // `ws://[::1:8080/…`: with no `]`, the address and what follows it were read as the port, said to be "not shown" beside a
  // URL that showed it (tGF F6); said as what it is, the URL shown with what is no address `[redacted]` (authoritySecret).
  if (host!.startsWith('[') && !host!.endsWith(']')) return `the "[" before the IPv6 address is not closed by "]" (ws://[::1]:8080/api/ws)`;
  const zone = host!.startsWith('[') ? host!.indexOf('%') : -1;
  if (zone >= 0) return `the host ${cut(host!, 60)} names a zone (${cut(host!.slice(zone, -1), 40)}), ${ZONE_HELD}`;
  // An IPv6 address without brackets (`ws://::1:8000/…`, as `--host ::1` and server.address()
  // write it): its colons were read as the port's, "expected a port of digits, got ":1:8000""
  // (a fresh tester). Said only of an address that is one, with or without a last `:port`.
  if (port?.includes(':') && !host!.startsWith('[')) {
    const written = `${host}:${port}`;
    const percent = written.indexOf('%');
    // Its zone (`%eth0`) without the port after it, if any: no interface name holds a `:`.
    const zoneOf = percent >= 0 ? written.slice(percent).replace(/:\d{1,5}$/, '') : '';
    if (percent >= 0 && isIP(written.slice(0, percent)) === 6) return `the host ${cut(written.slice(0, percent) + zoneOf, 60)} is an IPv6 address with a zone (${cut(zoneOf, 40)}), ${ZONE_HELD}`;
    const split = /^(.*):(\d{1,5})$/.exec(written);
    const address = split && isIP(split[1]!) === 6 && Number(split[2]) <= 65535 ? `[${split[1]}]:${split[2]}` : isIP(written) === 6 ? `[${written}]` : undefined;
    // `ws://::1:99999/…`: an address and a port past 65535, both faults said, not "a port of digits" (a fresh tester).
    const wide = address === undefined && isIP(written) === 0 ? /^(.*):(\d+)$/.exec(written) : null;
    if (wide && isIP(wide[1]!) === 6) return `an IPv6 address goes in brackets in a URL, the port after them (${/^[a-z][a-z\d+.-]*:\/\//i.exec(target)![0]}[${cut(wide[1]!, 60)}]:PORT/…), and the port ${cut(wide[2]!, 20)} is out of range (0–65535), got ${JSON.stringify(cut(written, 60))} without brackets`;
    if (address !== undefined) {
      const [, scheme, rest] = /^([a-z][a-z\d+.-]*:\/\/)[^/?#]*([^?#]*)/i.exec(target.replace(/^([a-z][a-z\d+.-]*:\/\/)[^@/?#]*@/i, '$1'))!;
      return `an IPv6 address goes in brackets in a URL, the port after them: ${scheme}${address}${cut(rest!, 100)}${target.includes('?') ? ' (with the query as given)' : ''}, got ${JSON.stringify(cut(written, 60))} without brackets`;
    }
  }
  if (port !== undefined && port !== '' && !/^\d+$/.test(port)) {
    // An `@` after it: the host read was a user name and the "port" the start of a password that holds a `/`, `?` or `#`,
    // which end the authority (`ws://alice:s3cr/et@host:8080/…`): user info read to the last `@`, as the URL is shown,
    // and the password not quoted as the port (tCW F11: `got "s3cr"`).
    const at = target.lastIndexOf('@');
    // Only where the server's log reads user info: an `@` in a fragment is none (`ws://[::1/…#k@…`: tCY F5).
    if (at >= authority[0].length && holdsUserInfoAnyhow(target)) {
      const scheme = /^[a-z][a-z\d+.-]*:\/\//i.exec(target)![0];
      return authorityFault(`${scheme}${target.slice(at + 1)}`) ?? `the user info before the "@" holds a "/", "?" or "#", where a URL's host ends: percent-encode them in it (%2F, %3F, %23)`;
    }
    // One that reads as a secret is not quoted: a password whose @host is missing (`ws://alice:<password>/api/ws`), said
    // as jwksUrl and serve say it (tFU F5: printed, cut to 40 characters, where runListen's redaction could not find it).
    if (secretPort(port)) return 'expected a port of digits after the host, got other characters (not shown: it may be a password whose @host is missing)';
    return `expected a port of digits after the host, got ${JSON.stringify(cut(port, 40))}`;
  }
  if (port !== undefined && port !== '' && Number(port) > 65535) return `the port ${cut(port, 40)} is out of range (0–65535)`;
  if (host === '') return `expected a host after "//", got none (such as ws://127.0.0.1:8080/api/ws)`;
  return undefined;
}

/**
 * Whether the server at `url`'s host and port completes a TLS handshake, within `ms`: asked only
 * after a plain client's connection ended unanswered, to say so (any certificate will do: the
 * connection is closed at once, nothing is sent over it).
 */
function speaksTls(url: URL, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // A server name only for a host name: Node warns of an IP address given as one.
    const socket = tlsConnect({ host, port: Number(url.port || 80), rejectUnauthorized: false, ...(isIP(host) === 0 ? { servername: host } : {}) });
    const done = (speaks: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(speaks);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * `realtime-contract listen <ws-url>`: a live conformance check of any server of the protocol.
 * Connects (token as `?token=`), answers each `ping` the client would answer (valid in tolerant mode) with a `pong` echoing its timestamp (another is reported, not answered),
 * validates every frame as a server→client message in `mode`, and checks that pings come
 * every `pingIntervalMs` (± tolerance), that the first frame is `connection`, and that the
 * first `connection` message's `resume` and `cursor` answer the `since` asked in the URL
 * (ResumeStatus: "new" only without one, a "resumed" stream's cursor the `since` itself). Unless
 * `ping` is false, it pings the server once after its first message with a `cursor` (it speaks
 * protocol v1.1), as the package's client does, and wants a `pong` echoing its timestamp within `PONG_TIMEOUT_MS` (10 000 ms),
 * or before `durationMs` ends when that comes first: none (keyword `keepalive`: said at the pong
 * timeout, live; a pong that comes later is a warning that says when), one echoing
 * another timestamp, or a close while it awaits its pong (said on the
 * `close:` line) is a violation; an `error` message read meanwhile is named in the violation
 * when no pong follows (the likely refusal), and is none when the pong follows; a run that `count` or a signal ends first does not judge it.
 * Any other pong is unasked, a violation. A frame nested deeper than `MAX_NESTING_DEPTH` levels is
 * refused unparsed (keyword `depth`), as `validate` refuses such a line. Times are those frames
 * may have come at: a ping read late because this client was busy checking a large frame is
 * not late for that (only when it is late whenever it came while the client was busy). A run with
 * no frame at all, or that the server ends by closing with any code but 1000 and 1001
 * (GoingAway: a server shutting down), is a violation; a 1000 while listen's ping awaits its pong is a
 * warning (if the ping made it close, the package's client stays closed).
 * With `count`, exactly the first `count` frames are checked; later ones are ignored, and fewer
 * is a violation of its own (`protocol:`), whether `durationMs` ran out or the server closed
 * first, with whatever code: an early close with 4000 is reported as both.
 *
 * Text output: one line per violation, `frame <index>: <type> <pointer> <fault>` (timing
 * faults on the ping frame's own line, no ping at all as `keepalive:`, a missing connection message
 * or fewer frames than `count` as `protocol:`, the server's early close as `close:` with its code
 * and reason), then the count per type, the server's close (`closed by the server: <code> "<reason>"`)
 * and `N frames (V valid, I invalid), M violations`; a connection that ended in the middle of a
 * frame or of a message sent in fragments, or a run that ended while one arrived, says how much
 * of it had come (`unfinished`). JSON: one {@link ListenReport}. SIGINT
 * (Ctrl-C), SIGTERM and SIGHUP end the run early and report what was seen, as the end of `durationMs` does;
 * before the upgrade is answered it ends the attempt, as a connection that failed (exit 2), and so does one that came
 * before this was called while the CLI held them from its start ({@link firstStopSignal}: src/cli/main.ts).
 *
 * The token (`token`, or a `token` query parameter or password in the URL), and the value of any
 * other query parameter whose name says it holds a secret (`api_key`, `access_token`, `password`,
 * `sig`, …), is never printed whole: the URL's own is always `[redacted]` (the server's mark too), and in anything else (error texts, what the server
 * sends back, as written or URL-, JSON- or JSON Pointer-escaped) a secret of 8 characters or
 * more is redacted wherever it appears, whole or any 8 characters of it, while a shorter one only
 * where it stands alone (a shorter value of another parameter named as a secret, not at all
 * outside the URL: `sort_key=trades` must not hide every "trades"), not continued by a letter, digit or `_` on either side (`x` is redacted
 * in `got "x"` and `bad token x.`, not in `expected`). A shorter secret is no real credential (a JWT has dozens of characters), and
 * replacing each of its occurrences made every line unreadable.
 *
 * `durationMs` ends the run between frames; a frame whose check has begun is checked whole (it
 * cannot be interrupted), so one frame can hold the run past `durationMs` for as long as its
 * check takes, which grows with its size: `maxFrameBytes` bounds that (a larger frame is refused
 * unread, a violation that ends the run). What came meanwhile (a close, more frames) is read and
 * judged before the run ends (one turn of the loop).
 *
 * An empty token (`token: ''`, a URL's `?token=` with nothing after it and no `token` to replace
 * it) is refused before connecting (exit 2), naming which: an unset variable, sent as no token,
 * was said as "no token was given: --token, …".
 *
 * @returns the exit code: 0 no violation, 1 any violation, 2 cannot connect (the HTTP status
 *   of a refused upgrade is printed; a handshake that runs out of time says whether the server
 *   began its answer, with its status line, or sent nothing; one begun and cut by a close
 *   says so too, with its status line)
 * @throws RangeError for a `maxFrameBytes` that is not an integer from 1 to {@link MAX_FRAME_BYTES}
 */
/**
 * The hosts `target` may be read to name, as written (not lower-cased): after a scheme and its slashes, however written
 * (`ws://h`, `ws:h`, `ws:/h`, `ws:\\h`, `ws//h`, `//h`) and any user info, and its first word when its scheme was left out
 * (`h:8000/api/ws`); with blanks around the target too. Each up to its port, path, query, fragment or a blank.
 */
function writtenHosts(target: string): string[] {
  // And with the tabs and line breaks the URL parser drops left out: `ws://Pa55<TAB>w0rdXyz:8000` is dialled as pa55w0rdxyz,
  // and was judged as `Pa55` alone, then printed lower-cased (tFU F5).
  return [target.trim(), target.trim().replace(/[\t\n\r]/g, '')].flatMap((given) => {
    const afterScheme = /^(?:[a-z][a-z\d+.-]*:[/\\]*|[a-z][a-z\d+.-]*[/\\]+|[/\\]+)?(?:[^/\\?#]*@)?([^:/\\?#\s]*)/i.exec(given)?.[1] ?? '';
    const first = /^(?:[^/\\?#]*@)?([^:/\\?#\s]*)/.exec(given)?.[1] ?? '';
    return [afterScheme, first];
  });
}

/**
 * A part of `target`'s authority, as written, that reads as a secret ({@link secretWhereAddressGoes}) where a URL that does
 * not parse holds it: a port that is not digits (`ws://alice:<password>/api/ws`, a password whose @host is missing;
 * `127.0.0.1:<secret>/api/ws`), or a word in IPv6 brackets (`ws://[<secret>]:8000/…`, `ws://[::1:<secret>]/…`), which
 * {@link writtenHosts} does not read; undefined if none (tFU F5: each was printed, in the URL and as the port "got").
 */
function authoritySecret(target: string): string | undefined {
  const authority = /^(?:[a-z][a-z\d+.-]*:[/\\]*)?(?:[^/\\?#]*@)?([^/\\?#]*)/i.exec(target.trim())?.[1] ?? '';
  const found = authority.split(/[:[\]%\s]+/).find((part) => part !== '' && !/^\d+$/.test(part) && secretWhereAddressGoes(part));
  // Its port where no `@` follows (one that does is user info, `ws://alice:s3cr/et@host`, shown `[redacted]` already).
  const port = target.split(/[?#]/)[0]!.includes('@') ? undefined : /^(?:\[[^\]]*\]|[^:]*):([^:]*)$/.exec(authority)?.[1];
  // A `[` with no `]` (`ws://[::1:<password>/api/ws`): the address and its port run together, and a part that is no IPv6
  // group, IPv4 address or port of digits is judged as a port (tGF F6: a lower-case one was printed beside "not shown").
  const unclosed = authority.startsWith('[') && !authority.includes(']') ? authority.slice(1).split(':').find((part) => !/^(?:[0-9a-f]{0,4}|\d+|\d{1,3}(?:\.\d{1,3}){3})(?:%[\w.-]*)?$/i.test(part) && secretPort(part)) : undefined;
  return found ?? unclosed ?? (port !== undefined && !/^\d*$/.test(port) && secretPort(port) ? port : undefined);
}

/**
 * Whether a port that is no digits reads as a secret: as a host would ({@link secretWhereAddressGoes}), or of 6 characters
 * or more once unexpanded variables are left out: a lower-case password whose @host is missing (`ws://alice:s3cr3t-passw0rd/api/ws`)
 * reads as a host name, and was printed twice, in the URL and as the port got (tGD F5). `80a`, `${PORT}` are shown.
 */
function secretPort(port: string): boolean {
  return secretWhereAddressGoes(port) || port.replace(/\$\{\w*\}|\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%/g, '').length >= 6;
}

export async function runListen(target: string, options: ListenCommandOptions, output: Output): Promise<number> {
  const maxFrame = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  if (!Number.isSafeInteger(maxFrame) || maxFrame < 1 || maxFrame > MAX_FRAME_BYTES) throw new RangeError(`maxFrameBytes must be an integer from 1 to ${MAX_FRAME_BYTES}, got ${maxFrame}`);
  // A secret given where the host goes (`ws://${HOST}:8000/api/ws` with the password in the variable): it was printed, in
  // the URL and getaddrinfo's ENOTFOUND (tFE F1), as `--redis` and `--host` do not print it. Judged as written (the URL
  // parser lower-cases it), before anything is said of the URL: with another fault beside it (a port out of range or
  // unexpanded, a fragment, an empty ?token=, its scheme left out or written `ws:host`, `ws:/host`, `ws//host`, blanks
  // around it) it was printed (tFP F1). `[redacted]` in the URL shown and, as the token is, in anything else.
  const secretHost = writtenHosts(target).find((host) => host !== '' && !host.startsWith('[') && secretWhereAddressGoes(host));
  /** `text` with {@link secretHost} `[redacted]`, as written or lower-cased. */
  const hostHidden = (text: string): string => (secretHost === undefined ? text : text.split(secretHost).join(REDACTED).split(secretHost.toLowerCase()).join(REDACTED));
  const hostNote = secretHost === undefined ? '' : ` (the URL's host of ${secretHost.length} characters is not shown: it reads as a secret, not a host name; is it the token or a password?)`;
  // User info read to its last `@` holding a `/`, `?` or `#` (`ws://alice:Xk9@mP2/qR7@127.0.0.1:8080/…`, a password holding
  // `@` then `/`): the URL parser ends the user info at its first `@` and the host at the `/`, and listen connected to the
  // password's middle, printed it as the host and sent its rest as the path (tHG F11). Refused, shown as an option's is.
  const pastAuthority = userInfoPastAuthority(target);
  let url: URL | undefined;
  try {
    url = new URL(target);
    if (pastAuthority) throw new Error(USER_INFO_PAST_AUTHORITY);
    // http: and https: are taken as ws: and wss:, as the client and WebSocket constructors do.
    if (url.protocol === 'http:' || url.protocol === 'https:') url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    // `localhost:8000/api/ws` parses, as a URL of scheme `localhost:` (a reviewer): its scheme left
    // out. Repeated only without a query, which may hold a token.
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`expected a ws: or wss: URL (or http:, https:, taken as ws:, wss:)${/^[^:/?#]+:\d+(?:\/[^?#]*)?$/.test(target) ? `; with its scheme: ws://${target}` : ''}`);
    // ws refused it with its own words, unplaced: "The URL contains a fragment identifier" (a hostile tester).
    // What follows the # is not shown: it may hold a secret that is no JWT (a reviewer).
    if (url.hash !== '' || target.endsWith('#')) {
      url.hash = '';
      throw new Error('expected a URL without a fragment (a WebSocket URL has none), got one (not shown: it may hold a secret)');
    }
  } catch (error) {
    // Node says only "Invalid URL" (`ws//host`, `127.0.0.1:8080/api/ws`: a fresh user).
    const scheme = /^(wss?|https?)\/\//i.exec(target)?.[1];
    // Nor does it say which part: an absolute URL with port 99999 was said to be no absolute URL (a fresh user).
    const why = url && pastAuthority ? USER_INFO_PAST_AUTHORITY : url ? (error as Error).message : (authorityFault(target) ?? `expected an absolute URL such as ws://127.0.0.1:8080/api/ws${scheme ? ` (a ":" is missing after "${scheme}")` : ''}`);
    // An unparsable URL is redacted by pattern: the token must not reach the terminal either way. Its password is read to
    // the last `@`, as an option's is: one holding `/`, `?` or `#` stops the URL's authority, and was printed (tCW F11).
    // A target whose scheme was left out (`alice:hunter2@host/…`) parses as a URL of scheme `alice:`, its user info a path: read as given (printed: tCY F5).
    // No `:` nor `/`: no URL, no host:port, no path; most likely the token given where the URL goes (`listen "$JWT"`): printed
    // whole, where --token promises "never printed" (tEC F2). Said by its length.
    if (!/[:/]/.test(target)) {
      output.stderr(`realtime-contract: cannot listen to a value of ${target.length} characters that is no URL (not shown: it may be the token; give it as --token): expected an absolute URL such as ws://127.0.0.1:8080/api/ws\n`);
      return 2;
    }
    const shownTarget = url && !pastAuthority && (url.protocol === 'ws:' || url.protocol === 'wss:' || !/^[^/?#]*@/.test(target)) ? redact(url) : unparsedShown(target);
    const partSecret = secretHost === undefined ? authoritySecret(target) : undefined;
    const partHidden = (text: string) => (partSecret === undefined ? text : text.split(partSecret).join(REDACTED).split(partSecret.toLowerCase()).join(REDACTED));
    const partNote = partSecret === undefined || why.includes('not shown') ? '' : ` (a part of the URL's address of ${partSecret.length} characters is not shown: it reads as a secret, not a host or port; a password whose @host is missing, or the token?)`;
    output.stderr(partHidden(hostHidden(`realtime-contract: cannot listen to "${shownTarget}": ${redactText(why)}`)) + `${hostNote}${partNote}\n`);
    return 2;
  }
  // `?token=` with nothing after it (`?token=$JWT`, JWT unset) was sent as no token, and the 401
  // said "no token was given", the URL showing `token=[redacted]` (tBT F9). A --token replaces it.
  if (!options.token && url.searchParams.has('token') && url.searchParams.get('token')!.trim() === '') {
    output.stderr(`realtime-contract: cannot listen to "${hostHidden(redact(url))}": its token query parameter is empty (an unset variable, as in ?token=$JWT with JWT unset?): give the token, or drop the parameter to connect without one${hostNote}\n`);
    return 2;
  }
  if (options.token === '') {
    output.stderr('realtime-contract: cannot listen: the token given is empty (an unset variable?): give the token, or none to connect without one\n');
    return 2;
  }
  if (options.token) {
    // Two tokens given: say which is sent (the URL's was replaced in silence: a fresh user).
    if (url.searchParams.has('token')) output.stderr('realtime-contract: note: --token (or REALTIME_CONTRACT_TOKEN) replaces the token in the URL\n');
    url.searchParams.set('token', options.token);
  }
  const expiresAt = expiryOf(url.searchParams.get('token'));
  /** Whether a token goes with the upgrade (`?token=`, from --token, the variable or the URL). */
  const tokenSent = !!url.searchParams.get('token');
  // The secret host (judged above) `[redacted]` in the URL shown.
  const shown = secretHost === undefined ? redact(url) : redact(url).replace(/^([a-z][a-z\d+.-]*:\/\/(?:[^/?#]*@)?)[^/?#:]*/i, `$1${REDACTED}`);
  // A user name alone is taken for a credential (`<token>@host`), as redact() takes it; one beside a password is a name.
  // And the Basic credentials ws sends of the user info (`Authorization: Basic base64(user:password)`, its parts unescaped
  // as ws unescapes them): a server echoing the header it got (a 401 page, a close reason) had them printed (tGV F6).
  const basic = url.username || url.password ? Buffer.from(`${querystringUnescape(url.username)}:${querystringUnescape(url.password)}`).toString('base64') : null;
  const raw = [options.token, url.searchParams.get('token'), url.password ? decodedUserInfo(url.password) : url.username ? decodedUserInfo(url.username) : null, basic, secretHost, secretHost?.toLowerCase(), secretHost && url.hostname].filter((s): s is string => !!s);
  // Other parameters named as secrets: hidden in the URL always, and elsewhere when long enough
  // to be a credential (a `sort_key=trades` must not redact every "trades" the server sends).
  // So are those nested in a value redact() hides (`?return_to=https://app/cb?api_key=<value>`, `?next=https://alice:<password>@bank/`):
  // they were hidden in the URL and printed where the server echoed them (tCY F10).
  // But not a contract's message type (`?session_id=connection`): no credential, and listen's own words name it (`expected the
  // first frame to be the "connection" message` was `the "[redacted]" message`: tIO F6); the URL shows it `[redacted]` still.
  // A secret path parameter's value (`;jsessionid=<value>`: tDC F1) and the value a secret name holds after an encoded `=`
  // (`?session_id%3D<value>`, hidden whole in the URL: tDC F9) too: hidden in the URL, printed where the server echoed them.
  const inPath = [...url.pathname.matchAll(/;([^;=/]*)=([^;/]*)/g)].filter(([, name]) => isSecretName(leniently(name!))).map(([, , value]) => leniently(value!));
  const inName = secretParams(url).filter(([name]) => name.includes('=')).map(([name]) => name.slice(name.indexOf('=') + 1));
  const named = [...secretParams(url).map(([, value]) => value), ...inPath, ...inName, ...[...url.searchParams.values()].flatMap(nestedSecrets)].filter((value) => value.length >= WHOLE_SECRET_LENGTH && !(MESSAGE_TYPES as readonly string[]).includes(value));
  // Each as a report can show it: as sent in the query, URL-encoded, JSON-escaped, as a JSON
  // Pointer token, HTML-escaped. (A server that knows the token can always print a transform of it.)
  // URL-encoded with lower-case hex too (`%2b`, `%2f`), and read as a form reads it (`+` a space): a standard-base64 token so
  // echoed was printed whole, or two thirds of it (tIO F5).
  const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  const encoded = (secret: string) => [encodeURIComponent(secret), new URLSearchParams([['t', secret]]).toString().slice(2)].flatMap((text) => [text, lowerHex(text)]);
  const secrets = [...new Set([...raw, ...named].flatMap((secret) => [secret, secret.replace(/\+/g, ' '), ...encoded(secret), JSON.stringify(secret).slice(1, -1), escapeToken(secret), ...htmlEscaped(secret)]))].sort((a, b) => b.length - a.length);
  /**
   * Any text that could echo the URL or the token (error messages, and whatever the server
   * sends back), with them redacted: a secret of 8 characters or more whole and any piece of 8
   * characters of it (an error text cuts a long value short, a server may echo part of it), a
   * shorter one where it stands alone ({@link redactWhole}).
   */
  const scrub = (text: string) => redactPieces(redactWhole(redactText(text), secrets), secrets);
  // Node's own connect error names the address it dialled (`connect ECONNREFUSED 127.0.0.1:24599`), no server's echo: a short
  // --token is `[redacted]` where a server echoes it (README), and blanked that address's digits (`127.0.0.[redacted]:24599`,
  // `::[redacted]:24599`: tHS F3). That `<address>:<port>` is kept unless a secret of 8 characters or more is in it.
  const scrubConnect = (text: string, error: Error, url: URL) => {
    const { address: dialled, port } = error as Error & { address?: unknown; port?: unknown };
    const address = typeof dialled === 'string' && isIP(dialled) !== 0 && Number.isInteger(port) ? `${dialled}:${String(port)}` : undefined;
    const long = secrets.filter((secret) => secret.length >= WHOLE_SECRET_LENGTH);
    if (address === undefined || redactPieces(redactWhole(address, long), long) !== address) return scrub(text);
    // The way out connectError adds is listen's own words and the URL's host and port, shown whole as the address is: a
    // short token blanked their digits too (`127.[redacted].[redacted].1:8000`, `[::[redacted]]:port`).
    const kept = [address, `nothing listens at ${urlHostPort(url)}`, DEMO_PORT_HINT].filter((piece) => redactPieces(redactWhole(piece, long), long) === piece);
    const keep = (part: string, at: number): string => (at === kept.length ? scrub(part) : part.split(kept[at]!).map((piece) => keep(piece, at + 1)).join(kept[at]!));
    return keep(text, 0);
  };
  const interval = options.pingIntervalMs ?? PING_INTERVAL_MS;
  const slack = interval * (options.tolerance ?? 0.1);
  const durationMs = options.durationMs ?? 60_000;
  const report: ListenReport = { url: shown, frames: 0, valid: 0, invalid: 0, counts: Object.create(null) as Record<string, number>, uncounted: 0, violations: [], violationCount: 0, warnings: [], warningCount: 0, pingIntervals: [], close: null, unfinished: null, closeAfterEnd: null };
  let listedFrameViolations = 0;
  let types = 0;
  const text = options.format === 'text';
  // A server can echo the token anywhere (a field, a key, a close reason): nothing it sends is
  // printed or reported unscrubbed.
  const violate = (found: Violation) => {
    report.violationCount++;
    // A violation of the stream is always listed: there are a few at most.
    if (found.index !== null && listedFrameViolations++ >= MAX_LISTED) {
      if (text && listedFrameViolations === MAX_LISTED + 1) output.stdout(`more violations are counted, not printed: the first ${MAX_LISTED} are above\n`);
      return;
    }
    const violation: Violation = { ...found, type: found.type === null ? null : scrub(found.type), pointer: scrub(found.pointer), message: scrub(found.message) };
    // What the server sent is in found (and may be in a hint: `did you mean "<its value>"?`).
    for (const key of ['expected', 'found', 'hint'] as const) if (found[key] !== undefined) violation[key] = scrub(found[key]);
    report.violations.push(violation);
    if (text) output.stdout(`${oneLine(`${violation.index === null ? violation.keyword : `frame ${violation.index}`}: ${violation.type === null ? '-' : cut(violation.type, 40)} ${shownPointer(violation.pointer)} ${violation.message}`)}\n`);
  };
  const warn = (found: ListenReport['warnings'][number]) => {
    // A warning of the stream (not of a frame) is always listed, as such violations are: there is one at most.
    if (report.warningCount++ >= MAX_LISTED && found.index !== null) {
      if (text && report.warningCount === MAX_LISTED + 1) output.stderr(`more warnings are counted, not printed: the first ${MAX_LISTED} are above\n`);
      return;
    }
    const warning = { ...found, type: found.type === null ? null : scrub(found.type), pointer: scrub(found.pointer), message: scrub(found.message) };
    report.warnings.push(warning);
    if (text) output.stderr(`${oneLine(`${warning.index === null ? (warning.keyword ?? 'close') : `frame ${warning.index}`}: warning: ${warning.type === null ? '-' : cut(warning.type, 40)} ${shownPointer(warning.pointer)} ${warning.message}`)}\n`);
  };
  const validate = (value: unknown) => validateMessage(value, { mode: options.mode });
  /**
   * How much of the unfinished frame had come: `frame 1 (36 of the 276 bytes its header announced
   * had come)`; of a message in fragments, theirs and the next frame's: `frame 1 (in fragments: 15
   * bytes had come, then 36 of the 1050 bytes the next frame's header announced)`, or `…, and not
   * the final fragment` when no frame had begun after them.
   */
  const arriving = ({ index, received, announced, fragmentBytes, inflating, control }: UnfinishedFrame) => {
    const bytes = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;
    if (control !== undefined) return `the server's ${control} frame (${announced === null ? `${bytes(received)} of its header` : `${received} of the ${announced} bytes its header announced`} had come; no message frame of the count)`;
    // Listen's own lag, not the server's: what had come was not all read (tEH F11).
    // The DRAIN_MS words only when the drain ran out of them: a message still inflating when the run ended otherwise (the server closed) is said as such (tES F1).
    const behind = drainCut ? `, not judged: listen had fallen behind the server and had not read it ${drainCutBy ?? `${DRAIN_MS} ms after the run ended`}${inflating ? ' (still inflating: permessage-deflate)' : ''}` : inflating ? ', not judged: listen was still inflating it (permessage-deflate)' : '';
    if (inflating && fragmentBytes === undefined) return `frame ${index} (compressed, ${bytes(received)} had come whole${behind})`;
    if (inflating) return `frame ${index} (compressed, in fragments: ${bytes(fragmentBytes!)} had come${behind})`;
    if (fragmentBytes === undefined) return `frame ${index} (${announced === null ? `${bytes(received)} of its header` : `${received} of the ${announced} bytes its header announced`} had come${behind})`;
    const next = announced !== null ? `then ${received} of the ${announced} bytes the next frame's header announced` : received > 0 ? `then ${bytes(received)} of the next frame's header` : 'and not the final fragment';
    return `frame ${index} (in fragments: ${bytes(fragmentBytes)} had come, ${next}${behind})`;
  };
  /** For a connection that ended without a close frame, in the middle of a frame: where. */
  const cutShort = () => (report.close !== null && report.unfinished !== null ? ` in the middle of ${arriving(report.unfinished)}` : '');
  const allErrors = options.allErrors ? (await import('./all-errors.js')).allErrorsOf : undefined;
  /**
   * What a 4401 (TokenExpired) close before the token's exp is said against: the time left, a
   * token without `exp`, or no token at all (it was told "for a token without an exp" when none
   * was given: a fresh user).
   */
  const expiryWords = (closedWall: number, closedServer: number | undefined) => (!tokenSent
    ? 'but no token was given: --token, REALTIME_CONTRACT_TOKEN or a token query parameter'
    : expiresAt === undefined
      ? 'for a token without a numeric exp'
      : closedServer === undefined
        ? `${Math.round((expiresAt - closedWall) / 1000)} s before the token's exp by listen's clock, ${clockWords()}`
        : `${Math.round((expiresAt - closedServer) / 1000)} s before the token's exp by the server's clock (the Date header of its 101 answer, carried forward on listen's monotonic clock; the server's clock being ${clockDiff()})`);
  /**
   * The server's clock by the `Date` header of its 101 answer (`date`, ms, in whole seconds: the
   * server's time was up to 1 s past it), `at` when listen read that answer ({@link clock}) and
   * `wall` listen's wall clock then; undefined without one. The server's time at a later moment is
   * carried forward on the monotonic clock ({@link serverTimeAt}): a step of listen's wall clock
   * during the run, or an answer that came late, changes nothing (tAV: the offset taken when the
   * upgrade was asked, applied to the wall clock at the close, misjudged both).
   */
  let serverDate: { date: number; at: number; wall: number } | undefined;
  /** A Date header of the 101 answer that is no date (`Date: garbage`), as written: said as such, not as none (tBQ F1). */
  let unreadDate: string | undefined;
  /** Why the clocks cannot be compared: no Date header, or one that is no date. */
  const noDate = () => (unreadDate === undefined ? "the server's 101 answer had no Date header to compare the clocks" : `the server's 101 answer had a Date header that is no HTTP date, ${JSON.stringify(cut(unreadDate, 60))}, to compare the clocks`);
  /** How long the token's exp had passed when the server accepted the upgrade, and by whose clock (`55 s before it by listen's clock …`); undefined when it had not. */
  let expiredAtUpgrade: string | undefined;
  /** The seconds of {@link expiredAtUpgrade} alone, for a sentence that already named the clock. */
  let expiredBefore = 0;
  /** Whether it had expired past {@link ACCEPT_LEEWAY_MS}: the accepted upgrade is then a violation. */
  let acceptedExpired = false;
  /** The earliest the server's clock may have read at `at` ({@link clock}), or undefined without a Date header. */
  const serverTimeAt = (at: number) => (serverDate === undefined ? undefined : serverDate.date + (at - serverDate.at));
  /** The exp is the server's to judge, by its clock: what listen can tell of the two clocks. */
  const clockWords = () => {
    if (serverDate === undefined) return `which may be behind the server's by that much (${noDate()})`;
    return `the server's clock being ${clockDiff()} (by the Date header of its 101 answer)`;
  };
  /** The server's clock against listen's, by its Date header (`about 60 s ahead of listen's`): said once where the header is already named (tGJ F2). */
  const clockDiff = () => {
    const ahead = serverDate!.date + 500 - serverDate!.wall;
    const s = Math.round(Math.abs(ahead) / 1000);
    return `${Math.abs(ahead) < 1000 ? 'within a second of' : `about ${s} s ${ahead > 0 ? 'ahead of' : 'behind'}`} listen's`;
  };
  /**
   * The server's close, kept for the report; any code but 1000, 1001 and those of
   * {@link SERVER_CONDITION_CLOSES} (a warning) before the run ends is a violation (`counts`:
   * the socket had opened). 1001, GoingAway, is the contract's word for a
   * server shutting down or restarting (`close()` of the reference server): a run that overlaps
   * a deploy was no broken contract (a fresh user). Except while listen's ping awaits its pong:
   * then a close the client reconnects after (1001, 1013, 4410) is a violation, and 1000 a
   * warning, each naming the ping (tGT F4, tAH F5).
   */
  const serverClosed = (code: number, reason: Buffer, counts: boolean) => {
    report.close = { code, reason: scrub(reason.toString()) };
    /** When the close may first have come, by listen's wall clock. */
    const closedMono = closedAt ?? arrivedAfter(clock());
    const closedWall = wallAt(closedMono);
    const closedServer = serverTimeAt(closedMono);
    // Cut in the middle of a frame: said, and where (a drop between frames read the same: a fresh user).
    if (code === 1006 && refused === undefined) report.unfinished = unfinishedFrame(ws, report.frames) ?? null;
    // A close frame while a message sent in fragments was open discards that message: said too
    // (a server's 1000 after a first fragment read as a stop between messages: a fresh tester).
    else if (refused === undefined) {
      const open = unfinishedFrame(ws, report.frames);
      if (open?.fragmentBytes !== undefined) report.unfinished = { index: open.index, received: 0, announced: null, fragmentBytes: open.fragmentBytes };
    }
    const how = code === 1006 || code === 1005 ? `${closeWithoutCode(code)}${cutShort()}` : `the server closed the connection with ${code}${report.close.reason ? ` ${JSON.stringify(report.close.reason)}` : ''}${cutShort()}`;
    // A 1000 while listen's ping awaits its pong: a server may end the connection, so a warning,
    // not a violation; but if the ping made it close, the package's client stays closed for good
    // (1000 is "stay closed" for it): passed with no word (tAH F5).
    if (counts && code === 1000 && pongState === 'awaited') {
      clearTimeout(pongTimer);
      pongState = 'refused';
      warn({ index: null, type: null, pointer: '', message: `${how} (closed normally) while ${pingWords()} awaited its pong, ${afterPing(closedAt ?? clock(), closedSeen ?? clock())}${errorWords()}: if the ping made it close, the package's client stays closed (1000) after each such ping (${CLIENT_PING})` });
      return;
    }
    if (!counts || code === 1000) return;
    // A close the package's client reconnects after (1001, or one of SERVER_CONDITION_CLOSES), while
    // listen's ping awaits its pong: no word and exit 0 (1001) or a generic warning (4410, 1013) for
    // a server that closed so on each client ping, which left the client reconnecting and closed
    // again after each ping, never connected for long, no trade over its socket (tGT F4). Judged
    // by when it came, within the pong wait: a violation that names the ping. A server going away
    // just then (a deploy) closes so too; a pong comes within milliseconds, so that is rare, and
    // the line says to run listen again. Not a close listen had received when its ping went (sent
    // with the first frames): it came before the ping. A 1000 stays a warning (above): the client stays closed
    // after it, with or without a ping, so no close after each ping follows.
    const reconnects = code === CloseCode.GoingAway ? 'GoingAway' : SERVER_CONDITION_CLOSES.get(code);
    if (reconnects !== undefined && pongState === 'awaited' && !(closeFrameEnd !== null && closeFrameEnd <= pingReceived)) {
      clearTimeout(pongTimer);
      pongState = 'refused';
      violate({ index: null, type: null, pointer: '', keyword: 'close', message: `${how} before the run ended (${reconnects}), while ${pingWords()} awaited its pong, ${afterPing(closedAt ?? clock(), closedSeen ?? clock())}${errorWords()}: a close before the pong, as in answer to the ping; the package's client reconnects after ${code} and, closed so after each of its pings, never stays connected (a server ${code === CloseCode.GoingAway ? 'going away' : 'closing so for its own condition'} just as the ping came closes so too: run listen again) (${CLIENT_PING})` });
      return;
    }
    if (code === CloseCode.GoingAway) return;
    // A close the contract gives a server for its own condition (a storage outage: 4410, which a
    // Redis restart in README's walk-through sends) is no broken contract: a warning (a fresh user).
    const listed = SERVER_CONDITION_CLOSES.get(code);
    if (listed !== undefined) warn({ index: null, type: null, pointer: '', message: `${how} before the run ended: ${listed}, a close the contract lists (reconnect and resume)` });
    // A 4408 that may have come before listen's pong to the last ping went, that ping read late
    // (listen's loop held: a long frame check, a paused process): listen could not answer in
    // time, and the server dropped it as documented. Said as listen's (it was the server's
    // violation, exit 1: tAO F7), as a ping read late is judged by when it may have come.
    else if (code === CloseCode.PongTimeout && pings > 0 && lastPing - lastPingEarliest > HELD_MS && closedAt !== null && closedAt <= lastPing) {
      warn({ index: null, type: null, pointer: '', keyword: 'keepalive', message: `${how} before the run ended: listen's loop was held ${lastPing - lastPingEarliest} ms (a long frame check, a paused process) and answered the server's last ping only then, when the server may already have closed: the server's keepalive, not a fault of it` });
    }
    // When it may first have come: a close read late, its event loop held by a long check, came earlier (a reviewer).
    // When the close may have come by the server's clock, as far as its Date header tells it
    // (a machine a minute behind the server's made the close at exp + 5 s a violation "55 s
    // before the token's exp", with no word of the clocks: tAO). The latest it may have read.
    // With a Date header the server's clock alone decides (the latest it may have read: the header
    // is in whole seconds); without one, listen's.
    else if (code === CloseCode.TokenExpired && expiresAt !== undefined && (closedServer === undefined ? closedWall : closedServer + 1000) >= expiresAt - EXP_SKEW_MS) {
      const byServer = closedServer !== undefined && closedWall < expiresAt - EXP_SKEW_MS ? `, by the server's clock (the Date header of its 101 answer, ${clockDiff()})` : '';
      // The clocks are said once: after byServer, the upgrade's expiry by the same clock (tGJ F2: said three times, nested).
      const atUpgrade = byServer !== '' && serverDate !== undefined ? `${expiredBefore} s before it by that clock` : expiredAtUpgrade;
      warn({ index: null, type: null, pointer: '', message: `${how} before the run ended: TokenExpired, the token's exp being ${new Date(expiresAt).toISOString()}${byServer} (${expiredAtUpgrade === undefined ? 'give a token that outlives --duration' : `the token had expired at the upgrade, ${atUpgrade}, and the server accepted it${acceptedExpired ? ' (the protocol violation)' : ''}: give a token that has not expired and outlives --duration`})` });
    } else {
      // A close while listen's ping awaits its pong: said with it (a server that closes on a client ping passed: tAE F1).
      let ping = '';
      if (pongState === 'awaited') {
        clearTimeout(pongTimer);
        pongState = 'refused';
        ping = `, while ${pingWords()} awaited its pong, ${afterPing(closedAt ?? clock(), closedSeen ?? clock())}${errorWords()} (if the ping made it close: ${CLIENT_PING})`;
      }
      // A pong timeout after listen answered the server's last ping in time: where the server's keepalive is wrong (tGJ F8).
      const pong = code !== CloseCode.PongTimeout
        ? ''
        : pongSent !== null && pongSent.index === lastPingIndex
        ? ` (PongTimeout, though listen answered the server's last ping, frame ${pongSent.index}, with a pong echoing its timestamp as soon as it read it, ${Math.max(0, closedMono - pongSent.at)} ms before this close, within the contract's pong timeout, ${PONG_TIMEOUT_MS} ms: the server did not read that pong or did not match it to its ping)`
        : pings === 0
        ? ' (PongTimeout, though the server sent no ping for listen to answer)'
        : '';
      violate({ index: null, type: null, pointer: '', keyword: 'close', message: `${how} before the run ended${code === CloseCode.TokenExpired ? ` (TokenExpired, ${expiryWords(closedWall, closedServer === undefined ? undefined : closedServer + 1000)})` : ''}${pong}${ping}` });
    }
  };

  // This client's event loop as a timer sees it. A check that runs long (a frame of many MB)
  // holds the loop: frames that come meanwhile wait unread, then are read at once, and the
  // server's close and the end of the run are seen late. What is seen while the loop is held, or
  // right after (HELD_MS), may have happened any time since it was last free: the keepalive
  // checks take that earliest time for a ping's or the end's (a frame checked for 56 s made the
  // next ping, and the silence before the end, look late: a hostile tester).
  let freeAt = clock();
  let heldFrom = freeAt;
  let heldUntil = -Infinity;
  const heartbeat = setInterval(() => {
    const now = clock();
    if (now - freeAt > HELD_MS) {
      // Held since freeAt; one stretch with the last when it follows it closely (frames that waited through both).
      if (freeAt - heldUntil > HELD_MS) heldFrom = freeAt;
      heldUntil = now;
    }
    freeAt = now;
  }, HEARTBEAT_MS);
  heartbeat.unref();
  /** The earliest time something seen at `seen` (`clock()` then) may have happened: itself, unless the loop was held. */
  const arrivedAfter = (seen: number) => (seen - freeAt > HELD_MS ? freeAt : seen - heldUntil <= HELD_MS ? heldFrom : seen);

  // The handshake counts toward --duration too: a server that never answers ends the run in time.
  const handshakeMs = Math.min(10_000, durationMs);
  // RFC 6455 ping frames are answered here, not by ws: its auto-pong terminates the connection
  // itself once more than 60 pongs are pending (maxPendingAutoPongs), which 61 pings in one read
  // (140 bytes) did, and that drop was reported as the server's 1006, a violation that cut the
  // run short (a fresh tester). A server may ping at any time (RFC 6455 §5.5.2): listen answers
  // each, as the client answers the protocol's pings, while no more than MAX_UNSENT_BYTES it sent
  // is unsent, which bounds its memory when a server floods pings and does not read.
  // The upgrade's answer is read up to a browser's bound on its headers, not Node's 16 KiB: a 101 of 20 KB of headers,
  // which chromium takes, was "cannot connect" (tES F3).
  const ws = new WebSocket(url, { handshakeTimeout: handshakeMs, maxPayload: maxFrame, maxFragments: MAX_FRAGMENTS, autoPong: false, maxHeaderSize: UPGRADE_HEADER_BYTES });
  /** RFC 6455 ping frames received, and whether one went unanswered because the server does not read (said once). */
  let pingFrames = 0;
  /** `pingFrames` when the last `ping` message came: those since are said with a silence (tBQ F11). */
  let pingFramesAtPing = 0;
  let pingFramesUnread = false;
  ws.on('pong', () => {
    if (pongState !== 'awaited' && pongState !== 'late') return;
    if (pongFrames++ === 0) firstPongFrameAfter = clock() - pingAt;
  });
  ws.on('ping', (data) => {
    pingFrames++;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount <= MAX_UNSENT_BYTES) ws.pong(data);
    else if (!pingFramesUnread) {
      pingFramesUnread = true;
      warn({ index: null, type: null, pointer: '', keyword: 'keepalive', message: `WebSocket ping frame ${pingFrames} not answered: the server has not read ${ws.bufferedAmount} bytes listen sent; no pong frame is queued past ${shownSize(MAX_UNSENT_BYTES)} unsent (this ping frame and each one after it while the server does not read; said once)` });
    }
  });
  // The upgrade request ws sent, which it keeps only until the answer (`_req`, not API: without
  // it the expected accept is described, and the answer's bytes are not counted). Its
  // Sec-WebSocket-Key says what the server's accept should have been.
  const request = (ws as unknown as { _req?: ClientRequest | null })._req;
  const sentKey = request?.getHeader('sec-websocket-key');
  const sentOffer = request?.getHeader('sec-websocket-extensions');
  // What the server answered of the upgrade before its headers ended, from the request's socket
  // (ws and Node's http say nothing until the header block is whole): a server that began its
  // 101 and stalled read as one that sent nothing, "no answer" (tAE F5). The first bytes, for its
  // status line, and a count; read until the answer is whole.
  let answerBytes = 0;
  let answerHead = Buffer.alloc(0);
  /**
   * The bytes of the answer up to the end of its headers (its empty line), once read: chromium's
   * bound holds them all, its status line and line ends too, where Node's maxHeaderSize leaves those
   * out, and an answer a browser refuses passed (tFF F3). The last 3 bytes before, for an end split across reads.
   */
  let answerHeadBytes: number | undefined;
  let answerTail = Buffer.alloc(0);
  /**
   * Where the answer's status line begins: after the CR and LF bytes before it, which Node skips
   * however many, and chromium counts in its bound and skips up to 4 (it looks for "HTTP" within the
   * answer's first 4 bytes, else reads it as HTTP/0.9 and fails the handshake). An answer that began
   * with its empty line's bytes had its bound skipped, that line taken for the end of its headers (tFN F1).
   */
  let answerStart: number | undefined;
  const onAnswerData = (chunk: Buffer) => {
    if (answerHead.length < 512) answerHead = Buffer.concat([answerHead, chunk.subarray(0, 512 - answerHead.length)]);
    let from = 0;
    if (answerStart === undefined) {
      while (from < chunk.length && (chunk[from] === 0x0d || chunk[from] === 0x0a)) from += 1;
      if (from < chunk.length) answerStart = answerBytes + from;
    }
    if (answerStart !== undefined && answerHeadBytes === undefined) {
      const joined = Buffer.concat([answerTail, chunk.subarray(from)]);
      const end = joined.indexOf('\r\n\r\n');
      if (end !== -1) answerHeadBytes = answerBytes + from - answerTail.length + end + 4;
      else answerTail = joined.subarray(Math.max(0, joined.length - 3));
    }
    answerBytes += chunk.length;
  };
  /** Interim (1xx) answers before the 101, as `100 Continue`: Node and ws skip them (RFC 9110 §15.2), a browser fails the handshake (tDL F4). */
  const interim: string[] = [];
  request?.on('information', (info: { statusCode: number; statusMessage: string }) => {
    if (interim.length < 3) interim.push(`${info.statusCode}${info.statusMessage ? ` ${info.statusMessage}` : ''}`);
  });
  ws.once('open', () => {
    // A violation, as a frame a browser fails at is (a non-minimal length): a backend no browser connects to passed with exit 0 (tGJ F4).
    if (interim.length > 0) violate({ index: null, type: null, pointer: '', keyword: 'protocol', message: `expected the server's answer to the upgrade to be its 101 (RFC 6455 §4.2.2), got ${interim.map((answer) => `HTTP ${JSON.stringify(cut(answer, 60))}`).join(', then ')} before it: an interim answer ws skips (RFC 9110 §15.2), but a browser fails the handshake at it ("Unexpected response code"), and the dashboard never connects` });
  });
  request?.once('socket', (socket) => {
    // Before Node's parser, which emits the upgrade in its own listener: the whole answer is counted by then.
    socket.prependListener('data', onAnswerData);
    const stop = () => socket.off('data', onAnswerData);
    ws.once('upgrade', stop);
    ws.once('unexpected-response', stop);
    ws.once('close', stop);
  });
  /** Why the handshake ran out of time: no answer, or one begun and cut before the end of its headers (its status line shown). */
  const noAnswer = () => (answerBytes === 0 ? `no answer within ${handshakeMs} ms` : `${begun()} and sent no end of its headers (an empty line) within ${handshakeMs} ms`);
  /** What came of an answer begun: `the server began its answer ("HTTP/1.1 101 Switching Protocols", then 20 bytes of its headers)`. */
  const begun = () => {
    const text = answerHead.toString('latin1');
    const end = /\r?\n/.exec(text);
    const line = end ? text.slice(0, end.index) : text;
    const rest = end ? `, then ${answerBytes - end.index - end[0].length} bytes of its headers` : `, ${answerBytes} bytes, its status line unfinished`;
    return `the server began its answer (${JSON.stringify(cut(line, 100))}${rest})`;
  };
  /** Whether what came of the answer is the start of an HTTP one (not a TLS port's bytes). */
  const begunHttp = () => {
    const head = answerHead.subarray(0, 5).toString('latin1');
    return answerBytes > 0 && (head.startsWith('HTTP/') || 'HTTP/'.startsWith(head));
  };
  let started = clock();
  let lastPing = started;
  // What the client keeps to drop a repeated message (judgeCursor): the last cursor seen, the
  // last RECENT_CURSORS delivered (with the frame that carried each, to name it), the last one
  // let go from those, and the cursor a `resumed` answer replays from.
  /** The cursor this socket asked from (`since` in the URL), then the position each `connection` message left. */
  let socketSince: string | null = url.searchParams.get('since');
  let lastCursor: string | null = socketSince;
  const recent = new Map<string, number>();
  let evicted: string | null = null;
  let resumedFrom: string | null = null;
  /** The `since` asked in the URL (null for none; `''` for an empty one), and whether a `connection` message has answered it yet (only the first does). */
  const sinceAsked = url.searchParams.get('since');
  let answered = false;
  /** The earliest the last ping may have come ({@link arrivedAfter}; `lastPing` is when it was read). */
  let lastPingEarliest = started;
  /** When the last ping was due, by the schedule, for the next one's early check: `lastPingEarliest`, unless it came late. */
  let lastPingDue = started;
  /** listen's last pong to a server's ping: the ping's frame and when it was sent (a 4408 after it names them: tGJ F8). */
  let pongSent: { index: number; at: number } | null = null;
  /** The frame of the last ping judged (a valid one). */
  let lastPingIndex = -1;
  let pings = 0;
  /** Whether a ping went unanswered because the server does not read (said once, as a warning). */
  let unread = false;
  /** Whether a ping stamped in epoch seconds was said (once, as a warning). */
  let secondsPing = false;
  /**
   * Listen's own ping, sent after the first message with a cursor (`options.ping`): its `timestamp`, the frame after which it went, and what
   * became of it: awaited, answered by a pong echoing it, refused (a pong echoing another
   * timestamp, a close), or reported unanswered within PONG_TIMEOUT_MS (with the `error` message
   * read meanwhile, if one was: {@link errorMeanwhile}; an `error` followed by the pong is no refusal).
   */
  let pingTimestamp: number | null = null;
  /** When listen's ping went (`clock()`): the durations after it are measured from it. */
  let pingAt = 0;
  /**
   * The bytes of the stream listen had received when its ping went ({@link receivedBytes}), and
   * where the server's close frame ended in it: a close already received then (a server that
   * sent its close with its first frames, in the same read) came before the ping, no answer to it.
   */
  let pingReceived = 0;
  let closeFrameEnd: number | null = null;
  /**
   * How long after listen's ping something came that listen read at `seen` (`clock()` then), the
   * earliest it may have come being `earliest` ({@link arrivedAfter}): `4 ms after it`. Never
   * before the ping, which it answers or follows: a close read after a long frame check, the ping
   * sent at the end of that check, was moved back to the check's start, "-526 ms after it" (tGT
   * F1). When listen's loop was held meanwhile, the span it may have come in, as far as it knows.
   */
  const afterPing = (earliest: number, seen: number, ping = 'it') => {
    const from = Math.max(earliest, pingAt) - pingAt;
    const to = Math.max(seen, pingAt) - pingAt;
    if (earliest >= pingAt && to - from <= HELD_MS) return `${from} ms after ${ping}`;
    const held = `listen's loop was held by a long frame check${earliest < pingAt ? ' from before the ping' : ''}`;
    return from === 0 ? `within ${to} ms after ${ping} (read then; ${held})` : `${from} to ${to} ms after ${ping} (read at the latter; ${held})`;
  };
  let pongState: 'awaited' | 'answered' | 'refused' | 'late' | null = null;
  let pongTimer: NodeJS.Timeout | undefined;
  /** The frame whose pong answered listen's ping, for the words of a later pong. */
  let answeredBy: number | null = null;
  let pingAfter: number | null = null;
  const pingWords = () => `listen's ping (timestamp ${pingTimestamp}, sent after frame ${pingAfter}, the first with a cursor)`;
  /** The first `error` message read while listen's ping awaited its pong: its frame, and ms after the ping. */
  let errorMeanwhile: { index: number; after: number } | null = null;
  /** Said when no pong came: the error message read meanwhile, as the likely refusal of the ping. */
  const errorWords = () => (errorMeanwhile === null ? '' : `; an error message came meanwhile (frame ${errorMeanwhile.index}, ${errorMeanwhile.after} ms after the ping), the likely refusal`);
  /**
   * The first pong message read while listen's ping awaited its pong that the client cannot take
   * as the answer, invalid (a timestamp echoed as a string): "got none" was said with no word of
   * it (tDY F3). Said with the keepalive line, its own fault on its frame's.
   */
  let invalidPong: { index: number; after: number } | null = null;
  const invalidPongWords = () => (invalidPong === null ? '' : `; an invalid pong came meanwhile (frame ${invalidPong.index}, ${invalidPong.after} ms after the ping: its fault is on its own line), which the client does not take as the answer`);
  /** RFC 6455 pong frames that came after listen's ping (the first, ms after it): a server that answered in that layer was told "got none" (tDL F8). */
  let pongFrames = 0;
  let firstPongFrameAfter = 0;
  const pongFrameWords = () => (pongFrames === 0 ? '' : ` (${pongFrames} WebSocket pong frame${pongFrames === 1 ? '' : 's'} came meanwhile, the first ${firstPongFrameAfter} ms after the ping: the contract's pong is the JSON message {"type":"pong","timestamp":…} in a text frame, not an RFC 6455 pong frame, which a browser's page never sees)`);
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  // Once the run has ended (count reached, duration over, closed), later frames and our own
  // close are not part of it: several frames can arrive in one read, after the Nth.
  let stopped = false;
  /** When the server closed the socket, if it did before the run ended (the earliest it may have: {@link arrivedAfter}). */
  let closedAt: number | null = null;
  /** When listen read that close (`clock()`), which may be later than `closedAt` when its loop was held: {@link afterPing}. */
  let closedSeen: number | null = null;
  /** When the run ended (the earliest it may have, when this client was held up checking a frame). */
  let endedAt: number | null = null;
  /** When listen saw the run's end (`clock()`): {@link afterPing}. */
  let endSeen: number | null = null;
  /** Sets {@link endedAt} and {@link endSeen}, once. */
  const markEnd = () => {
    if (endedAt !== null) return;
    endSeen = clock();
    endedAt = arrivedAfter(endSeen);
  };
  const finish = () => {
    stopped = true;
    markEnd();
    resolveDone();
  };
  /**
   * Whether ws's Receiver has not finished with bytes it was handed: a compressed message
   * (permessage-deflate) inflating, which zlib does apart from the loop (its state 5, INFLATING),
   * a message whose event waits a turn (6, DEFER_EVENT), or bytes queued behind them (its
   * `writableLength`). Such a message had come whole: a run that ended there dropped it unread,
   * not judged, not counted, not said, exit 0 (tDY F9 at the end of --duration or a Ctrl-C, F13
   * when the server's close and the end of TCP came with it).
   */
  const receiverBusy = () => {
    const { _state: state, writableLength } = receiverOf(ws);
    return state === 5 || state === 6 || (typeof writableLength === 'number' && writableLength > 0);
  };
  let draining = false;
  /**
   * Bytes of the upgraded stream handed to ws (the socket's `data` events) and consumed by its
   * Receiver (framed, inflated or not), counted from the open: a run that ends with bytes listen
   * had read but not yet framed (ws pauses the socket while its Receiver is behind: back-pressure)
   * reads them first ({@link endRun}).
   */
  let delivered = 0;
  let consumed = 0;
  /** What the drain at the run's end reads up to: every byte in listen's own socket at the end. */
  let drainTarget = 0;
  /** Whether the drain ran out of its bound ({@link DRAIN_MS}) with a message unfinished, or a signal cut it short: said with it. */
  let drainCut = false;
  /** When a signal cut the drain short: what, and when (`when a second Ctrl-C (SIGINT) ended the drain 1000 ms after the run ended`). */
  let drainCutBy: string | undefined;
  /** What cut the drain short, and when after the run's end: said in JSON (`unfinished.behind`), as drainCutBy is in the text (tFF F7). */
  let drainCutReason: { cutBy: 'limit' | NodeJS.Signals; afterMs: number } | undefined;
  /** When the drain began ({@link clock}). */
  let drainStart = 0;
  /** Whether listen's socket had read the end of TCP (a FIN, a reset) when the drain began: a drop then came inside the run. */
  let tcpEndedInRun = false;
  /** Whether the server's close frame, read during the drain, lay past what listen's socket held at the run's end. */
  let closeFrameAfterRun = false;
  /**
   * A close the server sent after the run ended, read while the drain read the message begun
   * before the end: said after that message as after the end, and no verdict (a reset or a close
   * 1011 a second after --duration was a violation "before the run ended", the same backend
   * clean when listen had kept up: tES F9).
   */
  let closedAfterRun: string | undefined;
  /** Whether the close now seen came after the run's end: read during the drain, past its bytes. */
  const closeAfterRun = () => draining && (closeFrameAt !== null ? closeFrameAfterRun : !tcpEndedInRun);
  /** Notes that close ({@link closedAfterRun}), with the message it cut. */
  const noteCloseAfterRun = (code: number, reason: Buffer) => {
    const words = scrub(reason.toString());
    closedAfterRun = code === 1006 || code === 1005 ? closeWithoutCode(code) : `the server closed the connection with ${code}${words ? ` ${JSON.stringify(words)}` : ''}`;
    report.closeAfterEnd = { code, reason: words };
    report.unfinished = unfinishedFrame(ws, report.frames) ?? null;
  };
  /**
   * Whether the drain ended at its target, the end of the message that ends what was in listen's
   * socket at the run's end: a message ws had begun reading past it came after the end, and is not
   * said (it was said as one listen had fallen behind on and not read 5000 ms after the end, about
   * 1 s after it: tES F1).
   */
  let drainReached = false;
  const socketOf = () => (ws as unknown as { _socket?: { readableLength?: unknown } | null })._socket;
  const unreadBytes = () => {
    const length = socketOf()?.readableLength;
    return typeof length === 'number' ? length : 0;
  };
  /**
   * Bytes of the stream listen has received from the open: consumed by ws's Receiver, held by it,
   * or waiting in the socket (not its Writable's `writableLength`, which counts the chunk being
   * read again while a message event runs inside it).
   */
  const receivedBytes = () => {
    const { _bufferedBytes: buffered } = receiverOf(ws);
    return consumed + (typeof buffered === 'number' ? buffered : 0) + unreadBytes();
  };
  /** Whether ws's Receiver is between messages, with nothing of the next one buffered. */
  const betweenMessages = () => {
    const { _state: state, _bufferedBytes: buffered, _fragmented: fragmented } = receiverOf(ws);
    return state === 0 && buffered === 0 && (fragmented === 0 || fragmented === undefined) && !receiverBusy();
  };
  /**
   * The run's end (--duration, a signal): at once, or, while listen is behind the server
   * (its Receiver holds a message it has not finished, {@link receiverBusy}, or bytes wait unread
   * in its socket, which ws pauses while the Receiver inflates), once it has caught up: every byte
   * in listen's own socket at the end came inside the run, and the message they begin is read to
   * its end, for the server sent it while listen fell behind (a compressed message in 200,000
   * fragments, complete on the wire, was dropped unsaid: exit 0 for an invalid one, tEH F11). The
   * run then ends at the first message boundary, so a server that streams does not hold it; and
   * within DRAIN_MS, after which the message begun is said as unfinished, never dropped unsaid.
   * A run where listen had kept up ends at once (a frame arriving then is said as arriving).
   */
  const endRun = () => {
    if (stopped || draining) return;
    if (!receiverBusy() && unreadBytes() === 0) return finish();
    draining = true;
    drainTarget = delivered + unreadBytes();
    const socket = socketOf() as { _readableState?: { ended?: unknown } | null; destroyed?: unknown } | null | undefined;
    tcpEndedInRun = socket?._readableState?.ended === true || socket?.destroyed === true;
    markEnd();
    drainStart = clock();
    const drained = setInterval(() => {
      if (!stopped && !(consumed >= drainTarget && betweenMessages())) {
        if (clock() - drainStart < DRAIN_MS) return;
        drainCut = true;
        drainCutReason = { cutBy: 'limit', afterMs: DRAIN_MS };
      } else if (!stopped) drainReached = true;
      clearInterval(drained);
      finish();
    }, 10);
  };
  ws.once('open', () => {
    const { _receiver: receiver, _socket: socket } = ws as unknown as { _receiver?: { consume?: unknown } | null; _socket?: { on?: unknown } | null };
    if (typeof receiver?.consume !== 'function' || typeof socket?.on !== 'function') return;
    const consume = receiver.consume as (n: number) => Uint8Array;
    receiver.consume = function (this: unknown, n: number): Uint8Array {
      consumed += n;
      return consume.call(this, n);
    };
    (socket.on as (event: string, listener: (chunk: Buffer) => void) => void).call(socket, 'data', (chunk) => (delivered += chunk.length));
  });
  // Listening before 'open' resolves: the connection message can come in the same read as the upgrade.
  let opened = false;
  ws.once('open', () => (opened = true));
  /**
   * Pings the server once, after frame `index`, the first with a cursor the client accepts: it speaks
   * v1.1, which the package's client then pings (a v1.0 server, never: listen pinged it on open,
   * and every spec-only backend failed).
   */
  const ping = (index: number) => {
    pingAfter = index;
    // One ping, so a pong that echoes it is known as its answer.
    pingTimestamp = Date.now();
    pingAt = clock();
    pingReceived = receivedBytes();
    pongState = 'awaited';
    ws.send(JSON.stringify({ type: 'ping', timestamp: pingTimestamp }));
    pongTimer = setTimeout(() => {
      // After what came meanwhile is read: a loop held by a long check has the pong waiting unread.
      setImmediate(() => {
        if (pongState !== 'awaited' || stopped) return;
        // Said now, live (a run of an hour, or one a CI step's hard timeout kills, said nothing of
        // it until its end: tCC F5), as none by then; a pong that comes later is a warning that
        // says when (a pong 10.5 s after the ping was said to be none, though counted: tBQ F4).
        pongState = 'late';
        violate({ index: null, type: null, pointer: '', keyword: 'keepalive', message: `expected a pong echoing ${pingWords()} within ${PONG_TIMEOUT_MS} ms (the contract's pong timeout), got none by then${pongFrameWords()}${invalidPongWords()}${errorWords()}: ${CLIENT_PING}` });
      });
    }, PONG_TIMEOUT_MS);
  };
  // Ctrl-C ends the run early: what was seen so far is reported, as at the end of --duration.
  // Listened for from the start: frames are printed as they come, possibly before the code
  // below runs, and a Ctrl-C after the first of them ended the process unreported (a loaded CI).
  // Before the upgrade is answered it ends the attempt, as a failed connection.
  let interruptedAt: number | null = null;
  /** What ended it so: `Ctrl-C (SIGINT)`, or the other signal (CI's `timeout` sends SIGTERM; a closed terminal SIGHUP). */
  let interruptedBy = '';
  /** While a refused upgrade's body is read: says the refusal with what came of it. */
  let refusal: (() => void) | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    const name = signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : signal;
    // A signal during the run's-end drain (a second Ctrl-C, a supervisor's SIGTERM after it) ends
    // the drain at once, the message it read said as unfinished, and the run is reported: the
    // handlers were gone after the first, and it killed listen, no summary, no JSON (tES F6).
    if (draining && !stopped) {
      drainCut = true;
      drainCutReason = { cutBy: signal, afterMs: clock() - drainStart };
      drainCutBy = `when ${interruptedAt === null ? '' : 'a second '}${name} ended the drain ${drainCutReason.afterMs} ms after the run ended`;
      finish();
      return;
    }
    // Any later one while the run ends (each step of it is bounded) changes nothing.
    if (interruptedAt !== null || stopped) return;
    interruptedAt = clock();
    interruptedBy = name;
    if (opened) endRun();
    else if (refusal) refusal();
    else ws.terminate();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, interrupt);
  // One that came before, while the CLI loaded its commands (src/cli/main.ts holds them from its start): it killed listen
  // by the signal, silently, 130/143/129, in a run's first seconds under load (tIQ F1). It ends the attempt now, as one
  // before the upgrade is answered does: `cannot connect`, exit 2.
  const early = firstStopSignal();
  if (early !== undefined) interrupt(early);
  /** A frame this client refused (not UTF-8, over --max-frame (ws's maxPayload), a bad opcode): ws then closes the socket itself. */
  let refused: Error | undefined;
  /** Whether that frame was the server's close frame (said on the close: line, no frame of the count). */
  let refusedClose = false;
  /** Whether ws refused a frame that came after the run ended (in the same read as the count's last): its close is this client's. */
  let refusedAfterRun = false;
  /** The ping, pong or reserved control frame refused, if that frame was one (no message frame of the count either): `ping frame`, `control frame of reserved opcode 0xB`. */
  let refusedControl: string | undefined;
  /** The first two bytes of the last frame header ws's Receiver read ({@link watchHeaders}). */
  let lastHeader: readonly [number, number] | undefined;
  /**
   * The first frame of the message being read whose header wrote its length in more bytes than it
   * needs (RFC 6455 §5.2: "the minimal number of bytes MUST be used"): `ws` reads it, a browser
   * fails the connection there, and it passed (tDL F1). Said on that message's frame.
   */
  let longLength: { marker: 126 | 127; length: number | bigint; fragment: boolean } | undefined;
  /** The bytes of the text message ws refused as not UTF-8, if it refused one ({@link watchRefusedText}). */
  let refusedText: () => Buffer | undefined = () => undefined;
  ws.once('open', () => (refusedText = watchRefusedText(ws)));
  /**
   * What came after the server's close frame: its bytes and the first two (the header of the
   * frame they begin). The close is the last frame a server sends (RFC 6455 §5.5.1), and a
   * browser fails the connection at one after it (1006, not the server's code); ws stops reading
   * at the close (its Receiver keeps the rest of that read, and it stops listening to the socket),
   * so such a frame passed unseen (tDY F2). Read from both, until the run ends.
   */
  let afterClose: { bytes: number; head: Buffer } | undefined;
  /** When the server's close frame was read: the run reads AFTER_CLOSE_MS past it, unless TCP ends first. */
  let closeFrameAt: number | null = null;
  /**
   * Whether ws read the server's close frame after the run had ended (--count reached, the drain at
   * its target), in the same read as the frame that ended it: not the run's, as one in a later read
   * is not (it was judged a close "before the run ended", exit 1, where a later read gave exit 0: tFF F1).
   */
  let closeFrameAfterStop = false;
  ws.once('open', () => {
    const { _receiver: receiver, _socket: socket } = ws as unknown as { _receiver?: { once?: unknown }; _socket?: { on?: unknown } };
    if (typeof receiver?.once !== 'function' || typeof socket?.on !== 'function') return;
    const tap = (chunk: Uint8Array) => {
      if (stopped || chunk.length === 0) return;
      afterClose ??= { bytes: 0, head: Buffer.alloc(0) };
      afterClose.bytes += chunk.length;
      if (afterClose.head.length < 40) afterClose.head = Buffer.concat([afterClose.head, chunk.subarray(0, 40 - afterClose.head.length)]);
    };
    (receiver.once as (event: string, listener: () => void) => void).call(receiver, 'conclude', () => {
      closeFrameAt = clock();
      closeFrameEnd = consumed;
      if (stopped) {
        closeFrameAfterStop = true;
        return;
      }
      closeFrameAfterRun = draining && consumed > drainTarget;
      const { _buffers: buffers } = receiverOf(ws);
      if (Array.isArray(buffers)) for (const buffer of buffers) if (buffer instanceof Uint8Array) tap(buffer);
      (socket.on as (event: string, listener: (chunk: Buffer) => void) => void).call(socket, 'data', tap);
    });
  });
  /**
   * A fault of a compressed message's DEFLATE stream that ws passes and a browser does not
   * ({@link watchFinalBlocks}): said on the message's frame when ws delivers it (tEH F1).
   */
  let deflateFault: string | undefined;
  ws.once('open', () => watchFinalBlocks(ws, (fault) => (deflateFault ??= fault)));
  ws.once('open', () => watchWindowBits(ws, (fault) => (deflateFault ??= fault)));
  /** The last 64-bit length a data frame's header gave, exact: said when ws refuses it as past 2^53 - 1 (tDQ F4). */
  let lastWide: bigint | undefined;
  /** How many frame headers ws's Receiver has read: the first is the first thing the server sent after its 101. */
  let headersSeen = 0;
  ws.once('open', () => watchHeaders(ws, (header) => {
    lastHeader = header;
    headersSeen++;
  }, (marker, length) => {
    if (typeof length === 'bigint') lastWide = length;
    if (longLength === undefined && (marker === 126 ? length < 126 : length < 65536)) longLength = { marker, length, fragment: !(lastHeader !== undefined && lastHeader[0] & 0x80 && (lastHeader[0] & 0x0f) !== 0) };
  }));
  // Listening from the start: a bad frame can come in the same read as the upgrade, before the
  // code below runs; an error before 'open' is a connection failure, handled below.
  ws.on('error', (error) => {
    // A frame after the run ended (--count reached, in the same read) is not judged; ws closes
    // the connection at it, which is no drop of the server's (said as a 1006: tDQ F1).
    if (opened && stopped && refused === undefined) refusedAfterRun = true;
    if (!opened || stopped || refused !== undefined) return;
    // The server broke the framing: reported now, not when ws gives up waiting for the TCP
    // connection to end (30 s for a server that leaves it open). The close that follows (1006,
    // or 1002 and the like) is this client's, not the server's: no server close is reported.
    refused = error;
    // ws's own limit on a message's size is listen's, not the contract's: said as such.
    const code = (error as { code?: string }).code;
    const tooLarge = code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH';
    // The size its header announced, which ws's error does not say ("Max payload size exceeded"):
    // its Receiver holds it when it refuses (the message's total so far, of all its fragments:
    // said as such, for no one header announced it, a fresh tester); a length past 2^53 - 1 it
    // does not read: the one watchHeaders saw, exact (tDQ F4).
    const { _totalPayloadLength: total, _fragmented: fragmented, _compressed: compressed } = receiverOf(ws) as ReturnType<typeof receiverOf> & { _compressed?: unknown };
    const larger = code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'
      ? lastWide === undefined ? 'got one whose header announced more than 2^53 - 1 bytes' : `got one of ${lastWide} bytes announced`
      : typeof total === 'number' && total > maxFrame
        // A compressed payload as sent, which ws bounds too: its message may be smaller (one of exactly the limit, in stored blocks, was said as "one of 1030 bytes": tEH F6).
        ? compressed === true
          ? `got a compressed ${typeof fragmented === 'number' && fragmented !== 0 ? `one in fragments whose headers announced ${total} bytes so far` : `frame whose header announced ${total} bytes`} (permessage-deflate: the payload as sent, which listen bounds too; the message it inflates to may be smaller)`
          : typeof fragmented === 'number' && fragmented !== 0 ? `got one in fragments whose headers announced ${total} bytes so far` : `got one of ${total} bytes announced`
        // A compressed message under the limit as sent, past it inflated: "a larger one" read as wrong (tDY F8).
        : compressed === true && typeof total === 'number'
          ? `got a compressed one (permessage-deflate: its header${typeof fragmented === 'number' && fragmented !== 0 ? 's' : ''} announced ${total} bytes) that inflates past it`
          : 'got a larger one';
    // ws gives a close frame's reason that is not UTF-8 the code and words of a text frame's
    // ("Invalid WebSocket frame: invalid UTF-8 sequence", WS_ERR_INVALID_UTF8): its Receiver's
    // opcode, 8 (close) when it refuses, tells them apart (a fresh user: read as a bad text frame).
    // The server's close frame, refused: the server's close, said on the close: line, no message
    // frame of the count (a close with 1005 was "frame 1", counted toward --count: tBQ F2).
    // A control frame refused in its header (its length past 125, RSV1, no FIN): ws has not read
    // its length (126 and 127 are the 7-bit markers: "of 126 bytes" was said of one of 200) and,
    // for a bit it refuses first, not even its opcode (tCC F2): both from the header's bytes.
    // Text written on the upgraded socket without WebSocket framing (a hand-written backend that
    // writes its JSON, or a second HTTP answer, after the 101): its bytes read as a frame header
    // with reserved bits or opcodes, and were said as a reserved control frame, with ws's words of
    // another fault after it (tDY F5). The first header printable text: said as what came.
    // Asked of any header ws refuses, not only the first: a backend that frames its first message and writes the next raw (tEH F4).
    const unframed = lastHeader !== undefined && (headersSeen === 1 || HEADER_FAULTS.has(code ?? '')) ? unframedText(ws, lastHeader) : undefined;
    if (unframed !== undefined) {
      // Between two fragments of a message, that message had begun: "after frame 0" named the one before it (tES F8).
      const fragmented = receiverOf(ws)._fragmented;
      const where = headersSeen === 1 ? "after the server's 101 answer" : typeof fragmented === 'number' && fragmented !== 0 ? `between two fragments of frame ${report.frames} (a message in fragments)` : `after frame ${report.frames - 1}`;
      violate({ index: null, type: null, pointer: '', keyword: 'frame', message: `expected a WebSocket frame ${where}, got text without WebSocket framing, ${JSON.stringify(unframed)}… (RFC 6455 §5.2: after the handshake every byte is in a frame; the server wrote on the upgraded socket as on plain TCP), which this client had to refuse: ${scrub(error.message)}; the run ends here (ws closes the connection after a frame it refuses)` });
      finish();
      return;
    }
    const control = refusedInHeader(ws, code, lastHeader);
    if (control?.opcode === 0x8 || (control === undefined && receiverOf(ws)._opcode === 0x8)) {
      refusedClose = true;
      violate({ index: null, type: null, pointer: '', keyword: 'close', message: `${closeFrameFault(code, error.message, control === undefined ? receiverOf(ws)._payloadLength : control.length, control?.extended)}, which this client had to refuse: ${scrub(wsWords(error.message, code, control?.length, control?.extended))}; the run ends here (ws closes the connection after a frame it refuses)` });
      finish();
      return;
    }
    // A ping or pong control frame is no message frame either: it was "frame 1" in ws's words, of the count (tCC F2).
    if (control !== undefined) {
      // A reserved control opcode (0xB to 0xF) is a control frame too (RFC 6455 §5.2): it was "frame 1" of the count (tDL F5).
      const kind = control.opcode === 0x9 ? 'ping' : control.opcode === 0xa ? 'pong' : undefined;
      refusedControl = kind === undefined ? `control frame of reserved opcode 0x${control.opcode.toString(16).toUpperCase()}` : `${kind} frame`;
      // The rule ws refused it by: a reserved bit is checked before the opcode (its words were of RSV bits, the rule said the opcode's: tDY F5).
      const fault = kind === undefined && code !== 'WS_ERR_INVALID_OPCODE' && controlFrameFault(`reserved-opcode (0x${control.opcode.toString(16).toUpperCase()}) control`, code, control.length, control.extended) !== undefined
        ? controlFrameFault(`reserved-opcode (0x${control.opcode.toString(16).toUpperCase()}) control`, code, control.length, control.extended)!
        : kind === undefined
        ? `expected a control frame of opcode 0x8 (close), 0x9 (ping) or 0xA (pong), got one of opcode 0x${control.opcode.toString(16).toUpperCase()} (RFC 6455 §5.2: 0xB to 0xF are reserved for further control frames; a client fails the connection at one no extension it negotiated defines)`
        : controlFrameFault(kind, code, control.length, control.extended) ?? `expected a valid ${kind} frame (RFC 6455 §5.5), got another`;
      violate({ index: null, type: null, pointer: '', keyword: 'frame', message: `${fault}, a control frame (no message frame of the count), which this client had to refuse: ${scrub(wsWords(error.message, code, control.length, control.extended))}; the run ends here (ws closes the connection after a frame it refuses)` });
      finish();
      return;
    }
    report.invalid++;
    const ends = 'the run ends here (ws closes the connection after a frame it refuses)';
    // Text that is not UTF-8, said as `validate` says it, with the byte and its offset ("invalid UTF-8 sequence" gave neither: tDL F3).
    const bytes = code === 'WS_ERR_INVALID_UTF8' ? refusedText() : undefined;
    const utf8 = bytes === undefined ? undefined : parseMessage(bytes);
    if (utf8 !== undefined && !utf8.ok && utf8.errors[0].byteOffset !== undefined) {
      const fault = utf8.errors[0];
      violate({ ...faultOf(report.frames++, null, fault), keyword: 'frame', message: `${fault.message} (RFC 6455 §8.1: a text message is UTF-8, and a client fails the connection at one that is not), which this client had to refuse: ${scrub(error.message)}; ${ends}` });
      finish();
      return;
    }
    // A data frame refused in its header: the rule and where, not ws's words alone ("invalid opcode 1" of a text frame out of place: tDL F3).
    const { _fragmented: open, _totalPayloadLength: openBytes, _extensions: extensions } = receiverOf(ws);
    // A 64-bit length with its most significant bit set is a framing fault (RFC 6455 §5.2), as a
    // close frame's is said, not a message a larger --max-frame would read (tDQ F4).
    const dataOpcode = lastHeader === undefined ? undefined : lastHeader[0] & 0x0f;
    const dataFault = code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH' && lastWide !== undefined && lastWide >= 2n ** 63n
      ? `expected a ${dataOpcode === 2 ? 'binary' : dataOpcode === 0 ? 'continuation' : 'text'} frame whose 64-bit length has its most significant bit clear (RFC 6455 §5.2: it MUST be 0), got one of ${lastWide} bytes, a 64-bit length whose most significant bit is set`
      : lastHeader !== undefined && HEADER_FAULTS.has(code ?? '')
      ? dataFrameFault(code!, lastHeader, typeof open === 'number' && open !== 0 ? { opcode: open, bytes: typeof openBytes === 'number' ? openBytes : undefined } : undefined, typeof extensions === 'object' && extensions !== null && 'permessage-deflate' in extensions)
      : undefined;
    // Its index taken first: `report.frames > 0` read after `index: report.frames++` was always true,
    // and a first message zlib refuses so was said to refer back into an earlier one (tEI F12).
    const index = report.frames++;
    violate({
      index, type: null, pointer: '', keyword: 'frame',
      // And that it ends the run, which --duration would otherwise seem to have cut short (a hostile tester).
      message: dataFault !== undefined ? `${dataFault}, which this client had to refuse: ${scrub(error.message)}; ${ends}` : `${tooLarge
        ? `expected a message of at most ${shownSize(maxFrame)} (the most listen reads: --max-frame, ${shownSize(MAX_FRAME_BYTES)} by default; the contract sets no limit), ${larger}`
        // zlib's own words ("invalid block type") said nothing of compression (tBQ F3).
        // A message that reaches back into the one before, after the server's own server_no_context_takeover: that rule, not corrupt data (tDY F6).
        : code?.startsWith('Z_') && error.message === 'invalid distance too far back' && index > 0 && noContextTakeover(extensions)
          ? `expected a permessage-deflate payload that starts from an empty window (RFC 7692 §7.1.1.1: the server's 101 answer said server_no_context_takeover, so each message is compressed alone), got one that refers back into an earlier message, which zlib refuses (${code}): ${scrub(error.message)} (a browser keeps its window and reads it, a client that holds the server to its word does not)`
        // A reference further back than the window the server's own server_max_window_bits allows: that rule, not corrupt data (tEH F9).
        : code?.startsWith('Z_') && error.message === 'invalid distance too far back' && serverWindowBits(extensions) !== undefined
          ? `expected a permessage-deflate payload that refers back at most ${2 ** serverWindowBits(extensions)!} bytes (RFC 7692 §7.1.2.1: the server's 101 answer said server_max_window_bits=${serverWindowBits(extensions)}, so it compresses with a window of that size), got one that refers further back, which zlib refuses (${code}): ${scrub(error.message)} (a browser inflates with the largest window and reads it, a client that holds the server to its word does not)`
        : code?.startsWith('Z_')
          ? `expected a permessage-deflate payload that inflates (RFC 7692 §7.2.2: the frame was compressed, RSV1 set), got one zlib refuses (${code}): ${scrub(error.message)}`
          : error.message === 'Too many message fragments'
            ? `expected a message in at most ${MAX_FRAGMENTS} fragments (the most listen reads, a bound on its memory; RFC 6455 §5.4 sets no limit, and a browser reads more), got one in more, which this client had to refuse: ${scrub(error.message)}`
            : `expected a valid WebSocket frame, got one this client had to refuse: ${scrub(error.message)}`}; the run ends here (ws closes the connection after a frame it refuses)`,
    });
    finish();
  });
  ws.on('close', (code, reason) => {
    if (stopped) return;
    if (closeAfterRun()) {
      noteCloseAfterRun(code, reason);
      return finish();
    }
    closedSeen = clock();
    closedAt = arrivedAfter(closedSeen);
    // A socket that never opened is reported as a connection failure (exit 2) instead.
    serverClosed(code, reason, opened);
    finish();
  });
  ws.on('message', (data, isBinary) => {
    if (stopped) return;
    const index = report.frames++;
    const now = clock();
    const tooLong = longLength;
    longLength = undefined;
    const finalBlock = deflateFault;
    deflateFault = undefined;
    if (finalBlock !== undefined) violate({ index, type: null, pointer: '', keyword: 'frame', message: finalBlock });
    if (tooLong !== undefined) {
      const { marker, length, fragment } = tooLong;
      violate({ index, type: null, pointer: '', keyword: 'frame', message: `expected a ${isBinary ? 'binary' : 'text'} frame whose length is in the minimal number of bytes (RFC 6455 §5.2: 7 bits up to 125 bytes, 16 up to 65535), got ${fragment ? 'one in fragments, a header of which' : 'one whose header'} gives its ${length} byte${length === 1 ? '' : 's'} in an extended ${marker === 126 ? 16 : 64}-bit length (marker ${marker}): a browser fails the connection at such a frame` });
    }
    if (isBinary) {
      report.invalid++;
      violate({ index, type: null, pointer: '', keyword: 'frame', message: 'expected a text frame, got a binary frame' });
      // The client reads no message from it (README, `invalid`): a binary first frame hides no
      // connection message, as a frame too deep to read does not (it passed with the frame fault alone).
      if (index === 0) violate({ index, type: null, pointer: '/type', keyword: 'protocol', message: 'expected the first frame to be the "connection" message, got a binary frame (the client reads no message from one)' });
    } else {
      const text = (data as Buffer).toString('utf8');
      // One pass over the text before any parse (a frame of 90 MB nested 45,000,000 deep ran
      // this client out of memory): a frame nested too deep is refused unparsed; the pass
      // serves the checks of keys written twice and of portable integers below. A frame that
      // opens more arrays and objects than a line may is refused unparsed too, as `validate`
      // refuses the line: a 100 MB frame of 34,000,000 `{}` took 4.2 GB and 85 s to parse, and
      // ran a 2 GB heap out of memory with no report (a fresh user).
      const scan = scanJsonText(text, undefined, MAX_NESTING_DEPTH, MAX_LINE_BRACKETS);
      if (scan.deepAt !== undefined || scan.manyAt !== undefined) {
        report.invalid++;
        const error = scan.deepAt !== undefined ? (syntaxErrorBefore(text, scan.deepAt) ?? nestingError(scan.deepAt, text[scan.deepAt]!)) : bracketsError(scan.manyAt!, text[scan.manyAt!]!, 'frame');
        violate(faultOf(index, null, error));
        if (index === 0) violate({ index, type: null, pointer: '/type', keyword: 'protocol', message: `expected the first frame to be the "connection" message, got a frame ${scan.deepAt !== undefined ? 'nested too deep' : 'of too many arrays and objects'} to read` });
        if (options.count !== undefined && report.frames >= options.count) finish();
        return;
      }
      // Parsed once, for its verdict and its type alike (a frame near the 100 MiB limit took 6.5
      // times its size when read twice: a hostile tester), as parseMessage reads text.
      const parsed = parseFrame(text);
      const result = 'value' in parsed ? validate(parsed.value) : failure('json', [parsed.error]);
      const value: { type?: unknown; timestamp?: unknown } | null = 'value' in parsed && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : null;
      // A type is shown cut at 60 characters, as error texts cut keys: a server's 1 MB `type` is not printed whole.
      const type = typeof value?.type === 'string' ? cut(value.type, 60) : null;
      // The answer to listen's ping: a pong that echoes its timestamp (a fault of it is the frame's own; a late one, already reported, is no unasked pong).
      const answer = type === 'pong' && pingTimestamp !== null && value!.timestamp === pingTimestamp && pongState !== 'answered';
      if (answer) {
        clearTimeout(pongTimer);
        if (pongState === 'late') {
          // Past the pong timeout, by when it may first have come (a loop held by a long check reads it late).
          warn({ index: null, type: null, pointer: '', keyword: 'keepalive', message: `the pong echoing ${pingWords()} came late, ${afterPing(arrivedAfter(now), now, 'the ping')} (frame ${index}), past the contract's pong timeout (${PONG_TIMEOUT_MS} ms; the keepalive violation said then stands): a client that pings replaces a socket whose pong has not come by then (${CLIENT_PING})` });
        }
        pongState = 'answered';
        answeredBy = index;
      }
      if (type !== null) {
        const key = scrub(type);
        if (report.counts[key] !== undefined) report.counts[key]++;
        else if (types < MAX_LISTED) {
          types++;
          report.counts[key] = 1;
        } else report.uncounted++;
      }
      // Only a ping the client would answer (tolerant mode) is answered: echoing `timestamp: 1.5`
      // (or a 1e400 JSON writes as null) would put an invalid pong on the wire from listen itself.
      // One that only strict mode refuses (an unknown key) is answered too, or the server would
      // drop the socket and end the check (a reviewer). An invalid one, reported as such, is no
      // keepalive: the next ping's interval was measured from it (a fresh user).
      if (type === 'ping' && (result.ok || (options.mode === 'strict' && validateMessage(value, { mode: 'tolerant' }).ok))) {
        // Not while more than 1 MiB listen sent is unread, as the client: those pongs are dropped.
        // A warning, not a violation: a slow network leaves bytes unsent too.
        if (ws.bufferedAmount <= MAX_UNSENT_BYTES) {
          ws.send(JSON.stringify({ type: 'pong', timestamp: value!.timestamp }));
          pongSent = { index, at: now };
        } else if (!unread) {
          unread = true;
          warn({ index, type: 'ping', pointer: '', message: `not answered: the server has not read ${ws.bufferedAmount} bytes listen sent; no pong is queued past ${shownSize(MAX_UNSENT_BYTES)} unsent, as the client queues none (this ping and each one after it while the server does not read; said once)` });
        }
        // A timestamp that is now in epoch seconds: the schema's range admits it (1970 in ms), the
        // contract means ms; the same mistake in `ts` got a hint, this passed silently (tBQ F5). Said once.
        const stamp = value!.timestamp;
        if (!secondsPing && typeof stamp === 'number' && Math.abs(stamp * 1000 - Date.now()) < 86_400_000) {
          secondsPing = true;
          warn({ index, type: 'ping', pointer: '/timestamp', message: `${stamp} is now in epoch seconds (${new Date(stamp * 1000).toISOString()} read so; as ms it is ${new Date(stamp).toISOString()}): the contract's ping timestamp is milliseconds since the Unix epoch, Date.now() (said once)` });
        }
        // When this client was held up checking frames before this one, the ping may have come
        // any time since it was last free: judged by the bounds of when it came, not by when it was read.
        // The number said is the one judged (a late one's least, an early one's most), not the read
        // time, which held listen's own check of a large frame before it (tGJ F5).
        const earliest = arrivedAfter(now);
        const since = pings === 0 ? 'the connection' : 'the previous ping';
        const held = now - earliest > HELD_MS ? ` (read ${now - earliest} ms after it may have come: listen was checking an earlier frame)` : '';
        const late = earliest - lastPing > interval + slack;
        const early = pings > 0 && now - lastPingDue < interval - slack;
        if (late) checkPing(earliest - lastPing, `${since}${held}`, index);
        else if (early) checkPing(now - lastPingDue, lastPingDue === lastPingEarliest ? since : 'the previous ping was due (it came late, said at it; the schedule, not its late arrival, is what this one follows)', index);
        if (pings++ > 0 && report.pingIntervals.length < MAX_LISTED) report.pingIntervals.push(now - lastPing);
        // A ping that came late (queued behind a large message: a ping cannot overtake one on a TCP
        // stream) leaves the schedule as it was: the next one is judged from when this one was due,
        // not from its late arrival, or one delayed ping read as two violations, late then early (tGJ F5).
        lastPingDue = late ? Math.min(earliest, lastPingDue + interval) : earliest;
        lastPing = now;
        lastPingEarliest = earliest;
        pingFramesAtPing = pingFrames;
        lastPingIndex = index;
      }
      // Strict mode, as `validate`: a key written twice is a fault (I-JSON, RFC 7493); JSON.parse keeps the last.
      // So is a lone surrogate (`"\ud800"`), which UTF-8 cannot carry.
      const strict = options.mode === 'strict' && value !== null;
      const textFaults = [
        ...(strict ? findDuplicateKeys(text, { value }, scan).map(({ pointer }) => duplicateKeyError(pointer)) : []),
        ...(strict && mayHoldSurrogateEscape(text) ? findLoneSurrogates(value).map(loneSurrogateError) : []),
      ];
      const passed = tooLong === undefined && finalBlock === undefined && textFaults.length === 0 && result.ok && (SERVER_MESSAGE_TYPES as readonly string[]).includes(result.message.type);
      if (passed) report.valid++;
      else report.invalid++;
      for (const error of textFaults) violate(faultOf(index, type, error));
      if (textFaults.length > 0 && !allErrors) {
        // The first fault only: the text's.
      } else if (!result.ok) {
        // A number at fault as the server wrote it (`1e400 (read as Infinity, …)`), as `validate` shows it:
        // those of every fault found in one pass, made once one is asked for, that keeps no tree of the frame.
        const every = allErrors && result.reason === 'invalid' ? allErrors(value, options.mode) : [];
        const faults = every.length > 0 ? every : result.errors;
        let literals: Map<string, string> | undefined;
        const literal = (pointer: string) => (literals ??= numberLiterals(text, faults.map((fault) => fault.pointer))).get(pointer);
        for (const found of faults) {
          const error = value === null ? found : asWritten(found, value, literal);
          violate(faultOf(index, type, error));
        }
      } else if (!(SERVER_MESSAGE_TYPES as readonly string[]).includes(result.message.type)) {
        violate({ index, type, pointer: '/type', keyword: 'direction', message: `expected a server-to-client message type, got ${JSON.stringify(type)} (client-to-server only)` });
      } else if (type === 'pong' && !answer) {
        // A server sends a pong only in answer to a client's ping, and listen sends one, after the first message with a cursor:
        // one sending pongs instead of pings passed a run shorter than the ping interval (a fresh user).
        const timestamp = JSON.stringify((value as { timestamp?: unknown }).timestamp);
        if (pongState === 'awaited') {
          clearTimeout(pongTimer);
          pongState = 'refused';
          violate({ index, type, pointer: '/timestamp', keyword: 'keepalive', message: `expected the timestamp of ${pingWords()}, ${pingTimestamp}, echoed unchanged, got ${timestamp}: ${CLIENT_PING}` });
        } else {
          const sent = pingTimestamp === null ? `listen sent no ping: ${options.ping === false ? '--no-ping' : 'no message with a cursor yet'}` : answeredBy !== null ? `listen sends one ping, after the first message with a cursor, which frame ${answeredBy} answered` : 'listen sends one ping, after the first message with a cursor, and this echoes another timestamp';
          violate({ index, type, pointer: '', keyword: 'keepalive', message: `expected a pong only in answer to a ping, got one unasked (${sent}): the server pings, the client answers` });
        }
      } else {
        // Accepted: what other languages would read differently, and (tolerant) values outside a closed list.
        for (const warning of findNonPortableIntegers(text, validate, scan, { value })) warn({ index, type, pointer: warning.pointer, message: warning.message });
        for (const notice of result.notices ?? []) warn({ index, type, pointer: notice.pointer, message: noticeMessage(notice) });
      }
      // An `error` while the ping awaits its pong: remembered, not concluded on: a server's own
      // notice followed by the right pong is no refusal (a false violation: tAH F7). Said as the
      // likely refusal only when no pong comes (the package's client then emits it each time it pings).
      if (type === 'error' && pongState === 'awaited' && errorMeanwhile === null) errorMeanwhile = { index, after: clock() - pingAt };
      if (type === 'pong' && !answer && !result.ok && pongState === 'awaited' && invalidPong === null) invalidPong = { index, after: clock() - pingAt };
      if (index === 0 && type !== 'connection') {
        violate({ index, type, pointer: '/type', keyword: 'protocol', message: `expected the first frame to be the "connection" message, got ${type !== null ? JSON.stringify(type) : 'value' in parsed ? 'a frame without a type' : 'a frame that is not JSON (the client reads no message from one)'}` });
      }
      // Cursors increase within a stream (the contract). Judged by the client's own rule
      // (judgeCursor): a message the client drops as a repeat, or one whose ordered cursor goes
      // back (told as a gap), is a violation. Only the one just before was compared, so a
      // repeat of an older cursor (b, a, b) passed while the client dropped it (a fresh user).
      const cursor = (value as { cursor?: unknown } | null)?.cursor;
      // A cursor on a message the client accepts (tolerant) shows v1.1: the client pings from then on, and so does listen, once.
      if (options.ping !== false && !stopped && pingTimestamp === null && typeof cursor === 'string' && (result.ok || (options.mode === 'strict' && validateMessage(value, { mode: 'tolerant' }).ok))) ping(index);
      if (type === 'connection') {
        // The client's reading of a `connection` message it accepts (tolerant; another changes
        // nothing): a new stream unless it says `resumed` or, without `resume`, names the cursor
        // asked from or one delivered (README, client). Its cursor is where the stream is: never a repeat.
        if (result.ok || validateMessage(value, { mode: 'tolerant' }).ok) {
          const given = (value as { data?: { resume?: unknown } }).data?.resume;
          // One the contract does not list is read as none, as the client reads it.
          const resume = given === 'new' || given === 'gap' || given === 'resumed' ? given : undefined;
          if (!answered) {
            answered = true;
            checkResume(index, resume, cursor);
          }
          if (resume === 'resumed') resumedFrom = socketSince;
          const continues = resume === undefined && typeof cursor === 'string' && (cursor === socketSince || recent.has(cursor));
          if (resume !== 'resumed' && !continues && (typeof cursor === 'string' || resume === 'new' || resume === 'gap')) {
            // A `gap` (or `new`) in the same epoch at or after the cursor it had keeps what was
            // delivered: positions up to that cursor are repeats, not the stream going back.
            if (resume && sameStream(cursor as string, lastCursor) && !isAfter(lastCursor!, cursor as string)) resumedFrom = lastCursor;
            else {
              recent.clear();
              evicted = resumedFrom = null;
            }
            lastCursor = typeof cursor === 'string' ? cursor : null;
          }
          socketSince = lastCursor;
        }
      } else if (typeof cursor === 'string' && isCursor(cursor)) {
        const verdict = judgeCursor(cursor, lastCursor, recent, evicted, resumedFrom);
        if (verdict !== 'after') {
          const carried = recent.get(cursor);
          const expected = isAfter(cursor, lastCursor) ? `a cursor not among the last ${RECENT_CURSORS} delivered` : `a cursor after ${JSON.stringify(lastCursor)} (cursors increase within a stream)`;
          const got = `${cursor === lastCursor ? 'it again' : JSON.stringify(cursor)}${carried === undefined ? '' : `, the cursor of frame ${carried}`}`;
          const effect = verdict === 'repeat' ? 'the client drops this message as a repeat' : 'the client tells a gap and takes the stream from here';
          violate({ index, type, pointer: '/cursor', keyword: 'protocol', message: `expected ${expected}, got ${got}: ${effect}` });
        } else if (lastCursor !== null && sameStream(cursor, cursor) && sameStream(lastCursor, lastCursor) && !sameStream(cursor, lastCursor)) {
          // Another epoch, unannounced: the client delivers it as the stream's next message and tells no gap (a fresh user).
          violate({ index, type, pointer: '/cursor', keyword: 'protocol', message: `expected a cursor of the stream's epoch ${JSON.stringify(cut(lastCursor.slice(0, lastCursor.lastIndexOf('.')), 60))} (a new epoch comes with a connection message), got ${JSON.stringify(cut(cursor, 100))}: the client delivers it and tells no gap` });
        }
        if (verdict !== 'repeat') {
          lastCursor = cursor;
          if (isAfter(cursor, resumedFrom)) resumedFrom = null;
          evicted = remember(recent, cursor, index, verdict === 'back') ?? evicted;
        }
      }
    }
    if (options.count !== undefined && report.frames >= options.count) finish();
  });
  // The drain at the run's end stops at the message that ends what listen had in its socket ({@link endRun}).
  ws.on('message', () => {
    if (draining && !stopped && consumed >= drainTarget && receiverOf(ws)._fragmented === 0) {
      drainReached = true;
      finish();
    }
  });
  // The handshake's limit, kept here: ws's handshakeTimeout is the socket's idle timeout, which
  // Node defers once while the upgrade request waits unsent behind a TLS handshake, so a wss:
  // port that accepts and never answers took twice the limit (a fixer).
  let handshakeTimer: NodeJS.Timeout | undefined;
  /** The server's 101 answer, once ws has it (its headers say what ws refused in it). */
  let answer: IncomingMessage | undefined;
  /** A 101 answer ws accepts and a browser refuses ({@link answerExtensionFault}): the handshake fails with it. */
  let answerFault: string | undefined;
  ws.once('upgrade', (response) => {
    answer = response;
    // Read as a browser reads it: spaces around a parameter's `=` are no fault (ws checks the header after this event).
    const extensions = response.headers['sec-websocket-extensions'];
    if (typeof extensions === 'string') response.headers['sec-websocket-extensions'] = withoutSpacesAroundEquals(extensions);
    // Before ws goes on: the connection is ended as a browser's is (ws checks its answer after this event).
    // Node skips any number of line ends before the status line; chromium, 4 at most (tFN F2: more passed, exit 0, a browser failing the handshake).
    answerFault = answerStart !== undefined && answerStart > 4
      ? `the server's answer to the upgrade has ${answerStart} bytes of line ends (CR, LF) before its status line: Node skips them, but a browser looks for "HTTP" within the answer's first 4 bytes (chromium) and, not finding it there, reads the answer as HTTP/0.9 and fails the handshake`
      : answerHeadBytes !== undefined && answerHeadBytes > UPGRADE_HEADER_BYTES
      ? `the server's answer to the upgrade has ${answerHeadBytes} bytes up to the end of its headers, more than chromium reads (256 KiB, ${UPGRADE_HEADER_BYTES} bytes, its status line and line ends counted): a browser fails the handshake`
      : answerExtensionFault(response, typeof sentKey === 'string' ? sentKey : undefined, typeof sentOffer === 'string' ? sentOffer : undefined);
    if (answerFault !== undefined) {
      ws.terminate();
      return;
    }
    // By RFC 9110's grammar, as Retry-After is: Date.parse took "2099" for the server's clock (tCC F1).
    const date = httpDate(response.headers.date ?? '');
    if (date !== undefined) serverDate = { date, at: clock(), wall: Date.now() };
    else if (response.headers.date !== undefined) unreadDate = response.headers.date;
  });
  // The token the server accepted (the upgrade is its word that the token was valid): one whose exp had passed by the server's clock (its Date header) or, without one, by listen's.
  ws.once('open', () => {
    if (!tokenSent || expiresAt === undefined) return;
    const now = serverDate?.date ?? Date.now();
    // Within the clocks' difference a 4401 is taken at its word (EXP_SKEW_MS): a token due as listen started is no fault.
    if (now - expiresAt < EXP_SKEW_MS) return;
    const seconds = Math.round((now - expiresAt) / 1000);
    const whose = serverDate === undefined ? `by listen's clock (${noDate()})` : `by the server's clock (the Date header of its 101 answer, ${clockDiff()})`;
    expiredAtUpgrade = `${seconds} s before it ${whose}`;
    expiredBefore = seconds;
    acceptedExpired = now - expiresAt > ACCEPT_LEEWAY_MS;
    if (acceptedExpired) {
      violate({ index: null, type: null, pointer: '', keyword: 'protocol', message: `expected the server to refuse the upgrade with HTTP 401, got it accepted with a token that had expired (its exp ${new Date(expiresAt).toISOString()}, ${expiredAtUpgrade}; more than ${ACCEPT_LEEWAY_MS / 1000} s, past the clock tolerance listen allows a server, the most the reference server takes: jwt.clockToleranceSec up to ${ACCEPT_LEEWAY_MS / 1000} s): ${TOKEN_RULE}` });
    } else if (now - expiresAt > CLOCKS_DIFFER_MS) {
      warn({ index: null, type: null, pointer: '', keyword: 'protocol', message: `the server accepted the upgrade with a token that had expired (its exp ${new Date(expiresAt).toISOString()}, ${expiredAtUpgrade}): within the clock tolerance listen allows a server, ${ACCEPT_LEEWAY_MS / 1000} s (the most the reference server's jwt.clockToleranceSec takes), so no violation; a server whose tolerance is less breaks the contract's rule that ${TOKEN_RULE}` });
    }
  });
  const connected = await new Promise<true | string>((resolve) => {
    handshakeTimer = setTimeout(() => {
      resolve(scrub(`Opening handshake has timed out: ${noAnswer()}`));
      ws.terminate();
    }, handshakeMs);
    ws.once('open', () => resolve(true));
    ws.once('unexpected-response', (_req, res) => {
      // Answered: its refusal is read (up to 2 s), not cut short by the handshake's limit.
      clearTimeout(handshakeTimer);
      // A 101 that Node did not take as an upgrade: an acceptance that lacks a header RFC 6455
      // requires (a proxy that drops the hop-by-hop Connection and Upgrade), said as "the server
      // refused the upgrade with HTTP 101 Switching Protocols" (tBQ F8). Named, as ws's faults of the 101 are.
      if (res.statusCode === 101) {
        const header = (name: string) => (res.headers[name] === undefined ? undefined : String(res.headers[name]));
        const connection = header('connection');
        const upgrade = header('upgrade');
        const shownHeader = (value: string | undefined) => (value === undefined ? noHeader(res) : JSON.stringify(cut(value, 100)));
        const missing = connection === undefined || !connection.split(',').some((token) => token.trim().toLowerCase() === 'upgrade')
          ? `must say Connection: Upgrade (RFC 6455 §4.2.2), got ${shownHeader(connection)}`
          : upgrade === undefined || upgrade.trim().toLowerCase() !== 'websocket'
            ? `must say Upgrade: websocket (RFC 6455 §4.2.2), got ${shownHeader(upgrade)}`
            : `was not taken as an upgrade (HTTP/${res.httpVersion})`;
        ws.terminate();
        resolve(oneLine(scrub(`the server's 101 answer ${missing}: a client fails the connection for such an answer (RFC 6455 §4.1), as ws does (a proxy on the way may drop these hop-by-hop headers)`)));
        return;
      }
      // What the server says of its refusal (`{"error":"token-expired"}`): at most 1 KiB, for at most 2 s.
      const chunks: Buffer[] = [];
      let size = 0;
      let said = false;
      const done = () => {
        if (said) return;
        said = true;
        clearTimeout(timer);
        res.removeAllListeners('data');
        ws.terminate();
        const body = Buffer.concat(chunks).toString('utf8');
        let error: unknown = body;
        try {
          error = (JSON.parse(body) as { error?: unknown }).error ?? body;
        } catch {
          // not JSON: said as written
        }
        const reason = typeof error === 'string' && error.trim() !== '' ? `: ${JSON.stringify(cut(error.trim(), 200))}` : '';
        // A TLS port's answer to plain HTTP (Go's "Client sent an HTTP request to an HTTPS server.", nginx's "The plain HTTP request was sent to HTTPS port").
        const hint = res.statusCode === 400 && url.protocol === 'ws:' && /\bHTTPS\b(?!:)/i.test(body) ? ` (${TLS_THERE})` : res.statusCode === 401 && raw.length === 0
          ? ' (no token was given: --token, REALTIME_CONTRACT_TOKEN or a token query parameter)'
          : res.statusCode === 404 ? socketHint(url, new URL(target).search !== '') : '';
        // When to try again and where the server sends the client: the first things one asks of a
        // 429 or 503, and of a redirect (http: to https:); they were left out (a hostile tester).
        const retryAfter = res.headers['retry-after'];
        // Redacted as the server logs a URL (redactUrl: every value but a `since` cursor, user info whole, `#[redacted]`), then cut: cut first,
        // a long user info lost its `@` and was shown (tCY F1).
        const location = res.statusCode! >= 300 && res.statusCode! < 400 ? res.headers.location : undefined;
        // The versions a server speaks, which it sends with a refusal of the one asked (RFC 6455 §4.4): left out of a 426 (tDL F9).
        const versions = res.headers['sec-websocket-version'];
        const headers = `${retryAfter ? `; Retry-After: ${cut(retryAfter, 60)}` : ''}${location ? `; Location: ${cut(redactUrl(location), 200)}` : ''}${versions ? `; Sec-WebSocket-Version: ${cut(versions, 60)} (listen speaks 13, RFC 6455 §4.4)` : ''}`;
        // A 426 naming 13, the version listen asked for, refuses no version of it (tGR F4: said as a version refusal).
        const otherVersions = versions !== undefined && !versions.split(',').some((version) => version.trim() === '13');
        const contract = refusalFault(res.statusCode!, typeof error === 'string' ? error : '', retryAfter, otherVersions);
        // Scrubbed before oneLine escapes anything: an escaped control character would hide a token from the scrub.
        resolve(oneLine(scrub(`the server refused the upgrade with HTTP ${res.statusCode}${res.statusMessage ? ` ${res.statusMessage}` : ''}${reason}${hint}${headers}${contract}`)));
      };
      refusal = done;
      const timer = setTimeout(done, 2000);
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= 1024) done();
      });
      res.once('end', done);
      res.once('error', done);
    });
    ws.once('error', (error: Error & { code?: string }) => {
      if (interruptedAt !== null) return resolve(`${interruptedBy} ended the run before the upgrade was answered`);
      if (answerFault !== undefined) return resolve(scrub(answerFault));
      // A plain client that a TLS port hangs up on (Node's TLS server does, at an HTTP request): asked whether it speaks TLS.
      // The handshake's limit is over with the error: left armed, it ran out during the probe
      // and said "Opening handshake has timed out" in place of the probe's verdict.
      clearTimeout(handshakeTimer);
      // ws's own limit (the same handshakeMs, as the socket's idle timeout) can run out first, at a limit of a few ms: said as ours is.
      if (error.message === 'Opening handshake has timed out') return resolve(scrub(`${error.message}: ${noAnswer()}`));
      // ws's words alone named neither what the server chose nor the way out (a fresh user).
      const chosen = answer?.headers['sec-websocket-protocol'];
      if (chosen !== undefined && error.message === 'Server sent a subprotocol but none was requested') {
        return resolve(scrub(`the server chose the subprotocol ${JSON.stringify(cut(chosen, 100))} (Sec-WebSocket-Protocol), which listen did not offer: the protocol has none, and a client (ws, browsers) fails the handshake for one it did not ask for (RFC 6455 §4.1). The server must send no Sec-WebSocket-Protocol header to a client that offers none (${error.message})`));
      }
      const fault = answer && handshakeFault(error.message, answer, typeof sentKey === 'string' ? sentKey : undefined, typeof sentOffer === 'string' ? sentOffer : undefined);
      if (fault) return resolve(scrub(`${fault} (${error.message})`));
      // Node's own parser words, "Parse Error: Header overflow", named no limit (a fresh user).
      if (error.code === 'HPE_HEADER_OVERFLOW') return resolve(scrub(`the server's answer to the upgrade has more than ${UPGRADE_HEADER_BYTES} bytes of headers (256 KiB), more than chromium reads (${error.message})`));
      // An answer begun (its status line) and cut by a close said only "socket hang up", as one
      // that sent nothing (tAH F6): said as the stall is, with what came.
      if (error.code === 'ECONNRESET' && begunHttp()) return resolve(scrub(`${begun()} and closed the connection before the end of its headers (an empty line) (${error.message})`));
      // What Node's parser refused, with what came: llhttp's words alone ("Parse Error: Expected HTTP/, RTSP/ or ICE/") showed neither (tDL F6).
      // Read once the socket has handed over what came with the refused bytes (the parser refuses before they reach onAnswerData).
      const parsed = () => (error.code?.startsWith('HPE_') ? parseFault(answerHead, error) : undefined);
      // A server that answered with an HTTP status line speaks no TLS: no probe (it held the verdict 2 s more, past --duration: tEH F5).
      const answeredHttp = () => /^http\/\d/i.test(answerHead.subarray(0, 8).toString('latin1'));
      if (url!.protocol === 'ws:' && (error.code === 'ECONNRESET' || error.code?.startsWith('HPE_'))) {
        if (error.code?.startsWith('HPE_')) {
          setImmediate(() => {
            if (!answeredHttp()) return void speaksTls(url!, 2000).then((tls) => {
              const fault = tls ? undefined : parsed();
              resolve(fault !== undefined ? scrub(`${fault} (${error.message})`) : scrubConnect(connectError(error, url!, tls), error, url!));
            });
            const fault = parsed();
            resolve(fault !== undefined ? scrub(`${fault} (${error.message})`) : scrubConnect(connectError(error, url!), error, url!));
          });
          return;
        }
        void speaksTls(url!, 2000).then((tls) => {
          const fault = tls ? undefined : parsed();
          resolve(fault !== undefined ? scrub(`${fault} (${error.message})`) : scrubConnect(connectError(error, url!, tls), error, url!));
        });
      } else {
        setImmediate(() => {
          const fault = parsed();
          resolve(fault !== undefined ? scrub(`${fault} (${error.message})`) : scrubConnect(connectError(error, url!), error, url!));
        });
      }
    });
  });
  clearTimeout(handshakeTimer);
  if (connected !== true) {
    holdSignals(interrupt);
    clearInterval(heartbeat);
    if (text) output.stderr(`realtime-contract: cannot connect to ${shown}: ${oneLine(connected)}${secretHost === undefined ? '' : ` (the URL's host of ${secretHost.length} characters is not shown: it reads as a secret, not a host name; is it the token or a password?)`}\n`);
    else output.stdout(`${inertJson({ url: shown, error: connected })}\n`);
    return 2;
  }
  ws.on('error', () => undefined);
  started = clock();
  if (pings === 0) lastPing = lastPingEarliest = lastPingDue = started;
  // The run's end. When it comes late, listen's loop held by a long check, what the server sent
  // meanwhile waits unread in the socket: it came inside the run and is read first (one turn of
  // the loop, which reads what has come before setImmediate's callback runs). A close with 4000,
  // or an invalid frame, sent while a large frame was checked past --duration was dropped unread:
  // exit 0 for a backend that broke the contract inside the run (tBQ F10).
  const due = clock() + durationMs;
  const timer = setTimeout(() => {
    if (clock() - due <= HELD_MS) return endRun();
    endSeen = clock();
    endedAt = arrivedAfter(endSeen);
    setImmediate(endRun);
  }, durationMs);
  // A server that sends its close frame but leaves TCP open: ws says nothing until it gives up
  // (30 s). Its socket is CLOSING from that frame on: the run ends there, and the close is read below.
  // ws says CLOSING at the end of TCP too, while its Receiver may still inflate a message that
  // came before the close frame: the run ends once it has read them (tDY F13: that message was dropped).
  let closingSeenAt: number | null = null;
  /** When the watch below read that close (`clock()`): {@link closedSeen}. */
  let closingRead: number | null = null;
  // What comes in AFTER_CLOSE_MS after the close frame is read (a frame after it is a violation): a
  // fixed span, where the 50 ms poll alone made a frame 20 ms after the close a coin toss (tEH F2).
  const watch = setInterval(() => {
    if (ws.readyState !== WebSocket.CLOSING || stopped || receiverBusy()) return;
    if (closeFrameAt !== null && clock() - closeFrameAt < AFTER_CLOSE_MS) return;
    closingRead = closeFrameAt ?? clock();
    closingSeenAt = closeFrameAt ?? arrivedAfter(closingRead);
    finish();
  }, 50);
  await done;
  clearTimeout(timer);
  clearInterval(watch);
  if (ws.readyState === WebSocket.CLOSING && refused === undefined && !refusedAfterRun && !closeFrameAfterStop && report.close === null) {
    // The server sent its close frame but left the TCP connection open: ws would wait 30 s for
    // it to end. Ended here, the close event carries the server's code and reason; the silence
    // after it is not a keepalive fault.
    const afterRun = closeAfterRun();
    const closed = new Promise<void>((resolve) => ws.once('close', (code, reason) => {
      if (afterRun) noteCloseAfterRun(code, reason);
      else {
        closedSeen = closingRead ?? clock();
        closedAt = closingSeenAt ?? arrivedAfter(closedSeen);
        serverClosed(code, reason, true);
      }
      resolve();
    }));
    ws.terminate();
    await closed;
  }
  if (afterClose !== undefined && report.close !== null) {
    const { bytes, head } = afterClose;
    const opcode = head[0]! & 0x0f;
    // Text after the close (an HTTP answer written on the socket) was "a second close frame": 'H' reads as opcode 8 (tEH F3).
    const text = printableText(head);
    const what = head.length === 0 ? '' : text !== undefined ? `, beginning text without WebSocket framing, ${JSON.stringify(text)}` : `, beginning ${opcode === 0x8 ? 'a second close frame' : opcode === 0x9 ? 'a ping frame' : opcode === 0xa ? 'a pong frame' : opcode <= 0x2 ? `a data frame (${['a continuation', 'a text', 'a binary'][opcode]} frame, opcode 0x${opcode})` : `a frame of reserved opcode 0x${opcode.toString(16).toUpperCase()}`}`;
    violate({ index: null, type: null, pointer: '', keyword: 'close', message: `expected nothing after the server's close frame (RFC 6455 §5.5.1: the close is the last frame an endpoint sends, no data frame follows it), got ${bytes} more byte${bytes === 1 ? '' : 's'}${what}: a browser fails the connection there, and its page sees 1006 (abnormal closure), not the server's ${report.close.code}` });
  }
  // A run that ended (--duration, a signal) while a frame was arriving: said, with how much of it had come.
  if (report.close === null && refused === undefined && !drainReached && closedAfterRun === undefined && !(options.count !== undefined && report.frames >= options.count)) report.unfinished = unfinishedFrame(ws, report.frames) ?? null;
  // A drain cut short (DRAIN_MS, a second signal) left ws what listen had fallen behind on, which it
  // went on inflating after the report, one zlib call a fragment, for seconds: the process alive past
  // README's bound, and a Ctrl-C 5 s after the report killed it by the signal (tFF F2). Read no further.
  // So is what came after the run's end and waits unjudged in ws (a compressed message begun past the
  // drain's target or --count's last frame, bytes in its socket): ws.close() left ws inflating it, and
  // as README's 1 s wait ended ws.terminate() handed the socket's rest to its Receiver, read whole
  // before its close event, 3 to 9 s past the report, a Ctrl-C then killing it by the signal (tFN F3).
  const backlog = drainCut || (report.close === null && refused === undefined && (receiverBusy() || unreadBytes() > 0));
  if (backlog) stopReading(ws);
  // Why a message was not judged, in JSON too: listen's own lag, and what ended its read (only `inflating`, undocumented, was there: tFF F7).
  if (drainCut && drainCutReason !== undefined && report.unfinished !== null && report.unfinished.control === undefined) report.unfinished.behind = drainCutReason;
  clearTimeout(pongTimer);
  // Listen's ping unanswered when the run ended before the pong timeout: said with what ended it.
  // Not judged when --count was reached, a signal ended the run, the server closed (a close that
  // is a violation says it), or this client refused a frame: only the end of --duration.
  if (pongState === 'awaited' && report.close === null && refused === undefined && interruptedAt === null && !(options.count !== undefined && report.frames >= options.count)) {
    violate({ index: null, type: null, pointer: '', keyword: 'keepalive', message: `expected a pong echoing ${pingWords()} within ${PONG_TIMEOUT_MS} ms (the contract's pong timeout), got none before the run ended (--duration ${durationMs} ms), ${afterPing(endedAt ?? clock(), endSeen ?? clock())}${pongFrameWords()}${invalidPongWords()}${errorWords()}: ${CLIENT_PING}` });
  }
  if (report.frames === 0) {
    violate({ index: null, type: null, pointer: '', keyword: 'protocol', message: 'expected the first frame to be the "connection" message, got no frame' });
  }
  if (options.count !== undefined && report.frames < options.count) {
    // Said whatever ended the run, an early close with any code too: that close is a violation
    // of its own (above), the frames that never came are another.
    // And what ended it, when that was not --duration.
    const cause = report.close
      ? report.close.code === 1006 ? ` before the connection ended without a close frame${cutShort()}` : ` before the server closed the connection${report.close.code === 1000 ? '' : report.close.code === 1005 ? ' without a status code' : ` with ${report.close.code}`}${cutShort()}`
      : refused !== undefined
        ? refusedClose ? " before this client refused the server's close frame" : refusedControl !== undefined ? ` before this client refused the server's ${refusedControl}` : ' before this client refused a frame'
        : interruptedAt !== null
          ? ` before ${interruptedBy} ended the run after ${interruptedAt - started} ms`
          : '';
    const still = report.close === null && report.unfinished !== null ? `; ${arriving(report.unfinished)} was still arriving` : '';
    violate({ index: null, type: null, pointer: '', keyword: 'protocol', message: `expected ${options.count} frames within ${durationMs} ms, got ${report.frames}${cause}${still}` });
  }
  // The last stretch, up to the end of the run or the server's close: a server that stopped
  // pinging is silent past the interval.
  const end = closedAt ?? endedAt ?? clock();
  clearInterval(heartbeat);
  if (end - lastPing > interval + slack) checkPing(end - lastPing, pings === 0 ? 'the connection' : 'the last ping', null, true);
  if (report.close === null && !backlog) {
    ws.close(1000, 'listen finished');
    // A server that never answers the close must not hold the run past --duration (ws waits 30 s),
    // nor one that sends more meanwhile, which ws would read whole first (tFN F3): read no further.
    const closing = setTimeout(() => stopReading(ws), 1000);
    ws.once('close', () => clearTimeout(closing));
  }

  // Held past the report: a signal while the run ends changes nothing ({@link interrupt}, {@link holdSignals}).
  holdSignals(interrupt);
  if (text) {
    const counts = Object.entries(report.counts).map(([type, n]) => `${type} ${n}`);
    if (report.uncounted > 0) counts.push(`${report.uncounted} of types past the first ${MAX_LISTED}`);
    // Type names come from the server: one line, as the violations.
    output.stdout(`${counts.length > 0 ? oneLine(counts.join(', ')) : 'no messages'}\n`);
    // The reason quoted, as in the violation: a server must not be able to write report lines.
    if (report.close) output.stdout(`${oneLine(report.close.code === 1006 || report.close.code === 1005 ? `${closeWithoutCode(report.close.code)}${cutShort()}` : `closed by the server: ${report.close.code}${report.close.reason ? ` ${JSON.stringify(report.close.reason)}` : ''}${cutShort()}`)}\n`);
    // "Read after", not "sent after": a close or FIN the server sent before the end, behind bytes listen had fallen
    // behind on, waits in the system's socket buffer, which listen cannot see, and was said "after the end" (tFB F5).
    else if (report.unfinished !== null) output.stdout(`${arriving(report.unfinished)} was still arriving when the run ended${closedAfterRun === undefined ? '' : `, and then ${oneLine(closedAfterRun)}, ${READ_AFTER_END}`}\n`);
    else if (closedAfterRun !== undefined) output.stdout(`${oneLine(closedAfterRun)}, ${READ_AFTER_END}\n`);
    output.stdout(`${report.frames} frame${report.frames === 1 ? '' : 's'} (${report.valid} valid, ${report.invalid} invalid), ${report.violationCount} violation${report.violationCount === 1 ? '' : 's'}\n`);
  } else {
    output.stdout(`${inertJson(report)}\n`);
  }
  return report.violationCount > 0 ? 1 : 0;

  /**
   * The first `connection` message's `resume` (`resume`, undefined when it gives none or one the
   * contract does not list) and `cursor` held to the `since` listen asked with (ResumeStatus,
   * ConnectionData): "new" only when no `since` was given; "resumed" and "gap" only when one was
   * ("gap" also for one the server finds malformed: an empty `since=`, which the reference server
   * reads as none, may get "new" or "gap"); a "resumed" stream continues from `since` itself
   * ("every message after `since` follows", from the connection's `cursor`), so a cursor it
   * gives must be that `since`, as the reference server sends it. Without `resume` (v1.0) or
   * without a cursor, nothing is held.
   */
  function checkResume(index: number, resume: 'new' | 'gap' | 'resumed' | undefined, cursor: unknown): void {
    const asked = sinceAsked === null ? 'listen asked with no since' : sinceAsked === '' ? 'listen asked with an empty since, which names no position' : `listen asked with since=${JSON.stringify(cut(sinceAsked, 130))}`;
    const fault = (pointer: string, message: string) => violate({ index, type: 'connection', pointer, keyword: 'protocol', message });
    if (resume === undefined) return;
    if (sinceAsked === null && resume !== 'new') {
      fault('/data/resume', `expected "new" or no resume (${asked}), got ${JSON.stringify(resume)}, which answers a since: ${resume === 'resumed' ? '"resumed" says every message after since follows' : '"gap" says since cannot be resumed from'} (ResumeStatus), and "new" means no since was given`);
    } else if (sinceAsked !== null && sinceAsked !== '' && resume === 'new') {
      fault('/data/resume', `expected "resumed" or "gap" (${asked}), got "new", which the contract gives only when no since was given (ResumeStatus): the client takes it for a gap`);
    } else if (sinceAsked === '' && resume === 'resumed') {
      fault('/data/resume', `expected "new" or "gap" (${asked}), got "resumed", which says every message after since follows (ResumeStatus)`);
    } else if (resume === 'resumed' && typeof cursor === 'string' && cursor !== sinceAsked) {
      fault('/cursor', `expected the since asked, ${JSON.stringify(cut(sinceAsked!, 130))}, as the cursor of a "resumed" stream (every message after since follows, and the stream continues from this cursor: ResumeStatus, ConnectionData), got ${JSON.stringify(cut(cursor, 130))}: the stream goes on from another position than the one asked`);
    }
  }

  /**
   * WebSocket (RFC 6455) ping frames that came during a silence of `ping` messages: a server that
   * keeps alive as ws's heartbeat does was told "got none", with no word of the frames that came (tBQ F11).
   */
  function frameWords(): string {
    const frames = pingFrames - pingFramesAtPing;
    return frames === 0 ? '' : ` (${frames} WebSocket ping frame${frames === 1 ? '' : 's'} came meanwhile: the contract's keepalive is the JSON message {"type":"ping","timestamp":…}, which the package's client answers, not RFC 6455 ping frames, which a browser answers unseen)`;
  }

  function checkPing(elapsed: number, since: string, index: number | null, silent = false): void {
    const early = index !== null && since !== 'the connection' && elapsed < interval - slack;
    if (silent || early || elapsed > interval + slack) {
      violate({
        index,
        type: silent ? null : 'ping',
        pointer: '',
        keyword: 'keepalive',
        message: `expected a ping every ${interval} ms (± ${Math.round(slack)} ms), got ${silent ? 'none for ' : ''}${elapsed} ms since ${since}${silent ? frameWords() : ''}`,
      });
    }
  }
}

/**
 * The violation of frame `index` for one fault of its text or message: the error's fields as
 * `validate --format json` gives a problem's (`expected`, `found`, `hint`, `position` where it
 * has them), after the frame's place.
 */
function faultOf(index: number, type: string | null, error: ValidationError): Violation {
  const { pointer, keyword, message, expected, found, hint, position, byteOffset } = error;
  return { index, type, pointer, keyword, message, ...(expected === undefined ? {} : { expected }), ...(found === undefined ? {} : { found }), ...(hint === undefined ? {} : { hint }), ...(position === undefined ? {} : { position }), ...(byteOffset === undefined ? {} : { byteOffset }) };
}

/** A frame's text parsed, or why it is not JSON (as `parseMessage` says it). */
function parseFrame(text: string): { value: unknown } | { error: ValidationError } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: cliSyntaxError(text, (error as Error).message) };
  }
}

/** The shortest secret redacted wherever it appears, and in pieces of this many characters; a shorter one only where it stands alone. */
const WHOLE_SECRET_LENGTH = 8;

/** A character that continues a word: a letter, a combining mark, a digit, `_` (and other connector punctuation). */
const WORD = /^[\p{L}\p{M}\p{N}\p{Pc}]$/u;

/**
 * `text` with each of `secrets` replaced by {@link REDACTED}: one of {@link WHOLE_SECRET_LENGTH}
 * characters or more wherever it appears, a shorter one only where it stands alone, that is
 * where no letter, digit or `_` continues it on a side where it begins or ends with one (a
 * secret `x` goes in `got "x"` and `token x.`, stays in `expected`). Longest secret first, each
 * in one pass, in time linear in the text.
 */
function redactWhole(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= WHOLE_SECRET_LENGTH) {
      out = out.split(secret).join(REDACTED);
      continue;
    }
    // Its first and last characters, whole code points (an emoji is a pair of UTF-16 units).
    const points = Array.from(secret);
    const [first, last] = [points[0]!, points.at(-1)!];
    const before = WORD.test(first) ? '(?<![\\p{L}\\p{M}\\p{N}\\p{Pc}])' : '';
    const after = WORD.test(last) ? '(?![\\p{L}\\p{M}\\p{N}\\p{Pc}])' : '';
    out = out.replace(new RegExp(`${before}${escapeRegExp(secret)}${after}`, 'gu'), REDACTED);
  }
  return out;
}

/** `text` matched literally in a `u` regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * `text` with every run of 8 characters or more of any of `secrets` redacted: an error text
 * cuts a long string (`…abc...`), and a server may echo part of a token (its first 20
 * characters in a close reason), so a whole token never appears to be redacted. A run is a
 * stretch of text whose every 8 characters appear in the secret; found with a set of the
 * secret's 8-character pieces, in time linear in the text and the secret.
 */
function redactPieces(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < WHOLE_SECRET_LENGTH) continue;
    const pieces = new Set<string>();
    for (let i = 0; i + 8 <= secret.length; i++) pieces.add(secret.slice(i, i + 8));
    let kept = '';
    let from = 0;
    for (let at = 0; at + 8 <= out.length; ) {
      if (!pieces.has(out.slice(at, at + 8))) {
        at++;
        continue;
      }
      let end = at + 8;
      while (end < out.length && pieces.has(out.slice(end - 7, end + 1))) end++;
      kept += `${out.slice(from, at)}${REDACTED}`;
      from = at = end;
    }
    out = kept + out.slice(from);
  }
  return out;
}

/**
 * Whether a query parameter's value, percent-decoded (`leniently`), is one listen hides whole: a URL with user info
 * (`https://alice:hunter2@bank/`, in any form the parser or the server's log reads as one: `holdsUserInfoAnyhow`) or with a
 * parameter named as a secret (`holdsSecretParameter`): listen printed `?next=https://alice:hunter2@bank/` (tCY F7).
 * Linear in `value`.
 */
function valueHoldsSecret(value: string): boolean {
  return (value.includes('@') && holdsUserInfoAnyhow(value)) || holdsSecretParameter(value);
}

/**
 * `path` (a URL's path, before its query) with the value of each `;name=value` path parameter whose name says it holds
 * a secret ({@link isSecretName}, of the name decoded) `[redacted]`: `/api/ws;jsessionid=[redacted]`, the classic URL
 * shape of a session id (it was printed in clear, though redacted nested in a value: tCY F6). Linear in `path`.
 */
function withPathParametersRedacted(path: string): string {
  if (!path.includes(';')) return path;
  return path.replace(/;(?=([^;=/?#]*))\1=([^;/?#]*)/g, (whole: string, name: string) => (isSecretName(leniently(name)) ? `;${name}=${REDACTED}` : whole));
}

/** The query parameters of `url` whose names say they hold a secret, as `[name, value]`. */
function secretParams(url: URL): [string, string][] {
  return [...url.searchParams].filter(([name]) => isSecretName(name));
}

/**
 * The secrets nested in a query parameter's value (decoded) that redact() hides it for: the values of the parameters
 * named as secrets of a URL in it, and its password (or user name alone); none when it holds none.
 */
function nestedSecrets(value: string): string[] {
  const decoded = leniently(value);
  if (!valueHoldsSecret(decoded)) return [];
  const found = [...decoded.matchAll(/[?#&;]([^=?#&;]*)=([^&#;]*)/g)].filter(([, name]) => isSecretName(leniently(name!))).map(([, , secret]) => leniently(secret!));
  let parsed = false;
  try {
    const nested = new URL(decoded);
    if (nested.password || nested.username) found.push(decodedUserInfo(nested.password || nested.username));
    // The parser's password ends at a decoded `?` or `#` the server's rule reads past (`pass%3Fword`): tDC F2.
    parsed = !!(nested.password || nested.username) && !/[?#]/.test(decoded.slice(0, decoded.lastIndexOf('@')));
  } catch {
    // Not a URL the parser reads (`//alice:pw@bank/`, `https://alice:pa/ss@bank/`): read below.
  }
  // User info by the server's rule that the parser does not give (`alice:pw@bank` read as a scheme `alice:`, no base
  // for `//…`, a `/` in the password) was printed where the server echoed it (tDC F2): the part between the first `:`
  // after the scheme and the last `@` (the password), else the user name alone, else the whole value.
  if (!parsed && decoded.includes('@') && holdsUserInfoAnyhow(decoded)) {
    const at = decoded.lastIndexOf('@');
    const scheme = /^[a-z][a-z0-9+.-]*:(?=[/\\])/i.exec(decoded)?.[0].length ?? 0;
    const colon = decoded.indexOf(':', scheme);
    let from = scheme;
    while (decoded[from] === '/' || decoded[from] === '\\') from++;
    const password = colon !== -1 && colon < at ? decoded.slice(colon + 1, at) : '';
    const user = decoded.slice(from, at);
    found.push(password.length >= WHOLE_SECRET_LENGTH ? password : user.length >= WHOLE_SECRET_LENGTH ? user : decoded);
  }
  return found;
}

/** A URL's user name or password as ws sends it, decoded, or as written when it does not decode (`%zz`: decodeURIComponent threw). */
function decodedUserInfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** A query parameter's name as written, decoded (`+` a space); when one escape does not decode, the others decoded as URLSearchParams decodes them. */
function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // An escape that does not decode (`%74oken%FF`) leaves the others read, as the server's URLSearchParams reads them (printed: tCY F9).
    return [...new URLSearchParams(`${name.replace(/[&=]/g, '')}=`).keys()][0] ?? name;
  }
}

/**
 * Any text with the values of query parameters named as secrets (`token=<value>`,
 * `api_key=<value>`, `%74oken=<value>`: {@link isSecretName} of the name decoded), `user:password@` credentials and a `//user@` alone redacted by
 * pattern: for a target that does not parse as a URL, and error messages that may quote it.
 */
function redactText(text: string): string {
  return redactJwts(
    text
      // A name holds no separator: one pass, linear (a name allowed to hold `?` backtracked over a server's `?a?a?a…`: a reviewer).
      // The name decoded, as redact() and the server read it (`?%74oken=`, `?api%5Fkey=` were printed in clear: tCW F3); one that holds
      // an encoded `=` (`?token%3D<value>=1`) holds a value: `[redacted]` whole, as redact() does.
      .replace(/([?&;#])([^=?&;#\s"']*)=([^&;#\s"']*)/g, (whole: string, separator: string, name: string, value: string) => {
        // A path parameter redacted already (a Location, through redactUrl) ends there: the query after it is read on its own
        // (`;jsessionid=[redacted]?a=1` lost its `?a=1`, `…?[140 characters not logged]` was half eaten: tDC F7). Any other
        // one's value runs to the next `&`, `;`, `#`, space or quote, a `/` or `?` in it too (`;Password=Xy7/Qw9` printed `/Qw9`: tDE F2).
        if (separator === ';' && value.startsWith(REDACTED) && /^[?/]/.test(value.slice(REDACTED.length))) return `${separator}${name}=${REDACTED}${redactText(value.slice(REDACTED.length))}`;
        const decoded = decodedName(name);
        // A value that is a URL with a parameter named as a secret goes whole, as redact() does (tCV F12).
        // So does one that is a URL with user info (`?next=https%3A%2F%2Falice%3Ahunter2%40bank%2F`): valueHoldsSecret (printed: tCY F7).
        if (!isSecretName(decoded)) return valueHoldsSecret(leniently(value)) ? `${separator}${name}=${REDACTED}` : whole;
        return decoded.includes('=') ? `${separator}${REDACTED}` : `${separator}${name}=${REDACTED}`;
      })
      // A name holding an encoded `=` (`?token%3D<value>`, no raw `=`) holds its value too: `[redacted]` whole, as redact() does (tCO F7).
      // The name read whole at once (a lookahead and its backreference take no step back): `[^…]*%3d[^…]*` backtracked over
      // each `%3d` of a run a server sent, quadratic (120 KB: 35 s, the event loop held: tCY F8).
      // (A lookbehind then finds its `%3d`, within the name: no callback for each `&a` of a long text.)
      .replace(/([?&;#])(?=([^=?&;#\s"']*))\2(?<=%3d[^=?&;#\s"']*)(?=[&;#\s"']|$)/gi, (whole: string, separator: string, name: string) => (isSecretName(decodedName(name)) ? `${separator}${REDACTED}` : whole))
      .replace(/(\/\/[^/@\s:"']*:)[^/@\s"']*@/g, `$1${REDACTED}@`)
      // A password holding a `/` (base64 ones do: `https://alice:pa/ss@idp/`), where the part before that `/` is no port of
      // digits, to an `@` at most 256 characters on (a bound: each `//x:` of a long text reads no further), as the server's log reads one (withoutLooseUserInfo; printed: tCY F1).
      // So is one beginning with `/` or `\\` (`https://svc:/Hunter2@idp/`, an empty port to the parser: printed, tIO F8).
      .replace(/(\/\/[^/@\s:"'[]*:)(?=[^/@\s"']*[^\d/@\s"']|[/\\][^/\\])[^@\s"']{0,256}@/g, `$1${REDACTED}@`)
      // User info with no password goes whole, as redact() shows it (a token as the user name: tCV F6); `//user:[redacted]@` holds a `:`.
      .replace(/\/\/[^/@\s:"']+@/g, `//${REDACTED}@`)
      // The same JSON-escaped (`https:\/\/alice:hunter2@…`, PHP's json_encode default, in a body that is no JSON), and after
      // a web scheme's `:` without slashes (`https:alice:hunter2@…`, which the URL parser reads as user info): printed (tCY F1, aside).
      // (Its escaped slashes, `\/` or `\\/` once quoted again, read from a run's first backslash: linear.)
      .replace(/((?<!\\)(?:\\+\/){2}[^/\\@\s:"']*:)[^/\\@\s"']*@/g, `$1${REDACTED}@`)
      .replace(/((?<!\\)(?:\\+\/){2})[^/\\@\s:"']+@/g, `$1${REDACTED}@`)
      .replace(/\b((?:https?|wss?):[^/\\@\s:"']*:)[^/\\@\s"']{0,256}@/gi, `$1${REDACTED}@`)
      .replace(/\b((?:https?|wss?):)[^/\\@\s:"']+@/gi, `$1${REDACTED}@`),
  );
}


/** The `exp` of a JWT, in ms since the epoch, read without verifying it (listen cannot: it holds no key); undefined for none or another kind of token. */
function expiryOf(token: string | null): number | undefined {
  if (token === null || !looksLikeJwt(token)) return undefined;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The URL with its token, other parameters named as secrets and any credentials replaced: safe to print and log. */
function redact(url: URL): string {
  const copy = new URL(url.href);
  // A fragment, whatever it holds, is `#[redacted]`, as the server logs one (one of a URL of another scheme, refused, was printed: tCV F8).
  const fragment = copy.hash !== '' ? `#${REDACTED}` : '';
  copy.hash = '';
  // A path parameter named as a secret (`;jsessionid=`; the server's log redacts every one's value: printed, tCY F6).
  copy.pathname = withPathParametersRedacted(copy.pathname);
  // Every parameter kept in its place, repeated ones too.
  // Pair by pair, and the password after: a URLSearchParams or URL given the mark writes it `%5Bredacted%5D`.
  // A name that holds an encoded `=` (`?session_id%3D<value>`) holds its value too: that parameter is `[redacted]` whole.
  // A parameter whose value is a URL with a parameter named as a secret (`?return_to=https://app/cb?access_token=…`) goes whole
  // too (printed in clear: tCV F12).
  // One with user info (`?next=https://alice:hunter2@bank/`) too: valueHoldsSecret (printed: tCY F7).
  const nested = (value: string) => valueHoldsSecret(leniently(value));
  if ([...copy.searchParams].some(([name, value]) => isSecretName(name) || nested(value))) {
    copy.search = [...copy.searchParams].map(([name, value]) => (isSecretName(name) ? (name.includes('=') ? REDACTED : `${new URLSearchParams([[name, '']]).toString()}${REDACTED}`) : nested(value) ? `${new URLSearchParams([[name, '']]).toString()}${REDACTED}` : new URLSearchParams([[name, value]]).toString())).join('&');
  }
  // A user name with no password may be the credential (`wss://<token>@host`, which ws sends as Basic credentials: it was
  // printed, tCV F6): the user info goes whole, as the server's log shows any.
  if (!copy.password && copy.username) {
    copy.username = 'u';
    const href = copy.href;
    const at = href.indexOf('u@', href.indexOf('//') + 2);
    return redactJwts(`${href.slice(0, at)}${REDACTED}${href.slice(at + 1)}`) + fragment;
  }
  if (!copy.password) return redactJwts(copy.href) + fragment;
  copy.password = 'p';
  // The user name holds no `:` (the URL writes it `%3A`): the first `:p@` after the scheme's `//` is the password's.
  const href = copy.href;
  const at = href.indexOf(':p@', href.indexOf('//') + 2);
  return redactJwts(`${href.slice(0, at + 1)}${REDACTED}${href.slice(at + 2)}`) + fragment;
}

/**
 * `target` as given (it does not parse), redacted by pattern: its password (user info read to the last `@`, when the
 * server's log reads user info in it: `holdsUserInfoAnyhow`), a fragment, and {@link redactText}'s secrets.
 * An `@` in a fragment or query after a host and port is no user info (`ws://127.0.0.1:99999/api/ws#login=a@b:<secret>`
 * printed the fragment's tail and hid the port and path: tCY F5).
 */
function unparsedShown(target: string): string {
  const userInfo = holdsUserInfoAnyhow(target) || !/^[a-z][a-z\d+.-]*:\/\//i.test(target);
  return redactText(withTargetParametersRedacted(withFragmentRedacted(userInfo ? withPasswordShownRedacted(target) : target, userInfo)));
}

/**
 * An unparsed `target` with the value of each query parameter named as a secret read to the next `&` or `#` (or the end)
 * `[redacted]`, as the URL parser ends it, and so the value of a path parameter named as one to the next `;`, `/`, `?` or
 * `#`; a name that holds an encoded `=` (`?token%3D<value>`) goes whole. {@link redactText} ends a name and a value at a
 * space or quote, as it must in a server's prose: `?password=hunter2 hunter3` printed ` hunter3`, `?pass word=hunter2`
 * whole (tDC F4). Linear in `target`.
 */
function withTargetParametersRedacted(target: string): string {
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  const rest = query === -1 ? '' : target.slice(query);
  const secret = (separator: string, name: string, whole: string) => {
    const decoded = decodedName(name);
    return !isSecretName(decoded) ? whole : decoded.includes('=') ? `${separator}${REDACTED}` : `${separator}${name}=${REDACTED}`;
  };
  return (
    path.replace(/;([^=;/?#]*)=([^;/?#]*)/g, (whole: string, name: string) => secret(';', name, whole)) +
    rest.replace(/([?&])([^=?&#]*)(=[^&#]*)?/g, (whole: string, separator: string, name: string, value: string | undefined) => (value === undefined && !/%3d/i.test(name) ? whole : secret(separator, name, whole)))
  );
}

/**
 * `target` as given (it does not parse), with what follows its first `#` after the user info (to its last `@`, when
 * `userInfo`) as `#[redacted]`: a fragment is never shown, as for a URL that parses (`got one (not shown: …)`) and in
 * the server's log; `#x=<secret>` was printed when the target did not parse (tCV F8).
 */
function withFragmentRedacted(target: string, userInfo: boolean): string {
  const hash = target.indexOf('#', userInfo ? target.lastIndexOf('@') + 1 : 0);
  return hash === -1 ? target : `${target.slice(0, hash)}#${REDACTED}`;
}

/** Where a frame stood when the stream stopped: what of it had come (see {@link unfinishedFrame}). */
export interface UnfinishedFrame {
  /** 0-based index the frame would have had among those received. */
  index: number;
  /** Bytes of it received: of its payload once its header is whole, else of its header. */
  received: number;
  /** The payload length its header announced, bytes; null while the header itself was incomplete, or when no frame had begun after a message's fragments (see `fragmentBytes`). */
  announced: number | null;
  /**
   * Of a message sent in fragments (RFC 6455 §5.4) whose final fragment had not come: the payload
   * bytes of the fragments that had come whole. `received` and `announced` are then of the frame
   * that had begun after them (0 and null when none had: the stream stopped between two fragments).
   * Absent for a message in one frame, or still in its first fragment.
   */
  fragmentBytes?: number;
  /**
   * Present (true) when listen had the frame whole but not read it yet: a compressed message (or
   * its fragments so far) still inflating (permessage-deflate) when the run ended. Not judged.
   */
  inflating?: true;
  /**
   * Present when listen had fallen behind the server (its own lag, not the server's) and the read
   * of what it held at the run's end was cut short before this message's end: by its 5 s limit
   * (`cutBy` `limit`) or a signal (`SIGINT`, `SIGTERM`, `SIGHUP`), `afterMs` after the run ended.
   * The message is not judged: the server may have sent it whole.
   */
  behind?: { cutBy: 'limit' | NodeJS.Signals; afterMs: number };
  /** Of the server's close frame cut short (`close`): its kind; `index` is then no frame of the count, and `received` and `announced` are its own. */
  control?: string;
}

/**
 * Stops ws reading: its Receiver's buffered bytes and queued chunks dropped, the Receiver destroyed,
 * the socket too (ws hands a closed socket's remaining bytes to its Receiver and reads them all
 * before it says the close). ws's close event then never comes: what follows waits for none.
 */
function stopReading(ws: WebSocket): void {
  const receiver = (ws as unknown as { _receiver?: { _buffers?: unknown; _bufferedBytes?: unknown; destroy?: unknown } | null })._receiver;
  if (receiver && Array.isArray(receiver._buffers) && typeof receiver._bufferedBytes === 'number' && typeof receiver.destroy === 'function') {
    receiver._buffers = [];
    receiver._bufferedBytes = 0;
    (receiver.destroy as () => void).call(receiver);
  }
  ws.terminate();
}

/** The fields of ws's Receiver that listen reads (ws 8; each unknown, checked where it is read): see {@link unfinishedFrame}. */
function receiverOf(ws: WebSocket): { _state?: unknown; writableLength?: unknown; _bufferedBytes?: unknown; _payloadLength?: unknown; _totalPayloadLength?: unknown; _opcode?: unknown; _fragmented?: unknown; _buffers?: unknown; _extensions?: unknown } {
  return (ws as unknown as { _receiver?: ReturnType<typeof receiverOf> | null })._receiver ?? {};
}

/**
 * What ws's Receiver holds of a frame it has not finished, if any: `index` is the frame's would-be
 * index. ws says nothing of a frame cut short (its close is a bare 1006, as a drop between frames
 * is), and its Receiver keeps exactly what this needs: its state (reading the header, the 16- or
 * 64-bit length, the mask, the payload), the bytes it buffers (it consumes a payload only whole)
 * and the payload length the header announced. Those are fields of ws 8 (`_receiver`, `_state`,
 * `_bufferedBytes`, `_payloadLength`), read rather than framing the bytes a second time; anything
 * of another shape (another ws) gives undefined, and the listen tests pin what they say. A frame
 * is a WebSocket frame: of a message sent in fragments, the one that was arriving, with the bytes
 * of the fragments that had come whole before it (`fragmentBytes`: ws's `_fragmented`, the opcode
 * of a message whose final fragment has not come, and `_totalPayloadLength`, the sum of the
 * payload lengths its fragments' headers announced, the arriving one's once its length is read).
 * A message whose fragments had all come whole but not its final one is unfinished too, with no
 * frame begun (it read as a stream stopped between messages: a fresh tester).
 */
function unfinishedFrame(ws: WebSocket, index: number): UnfinishedFrame | undefined {
  const { _state: state, _bufferedBytes: buffered, _payloadLength: length, _totalPayloadLength: total, _fragmented: fragmented, _opcode: opcode, _buffers: buffers } = receiverOf(ws);
  if (typeof state !== 'number' || typeof buffered !== 'number' || typeof length !== 'number') return undefined;
  // A message in fragments is open: its fragments' bytes, less the arriving frame's once its length
  // is read (states 3, 4) and it is one of them (not a control frame between them). None, at the
  // first fragment's own payload: that frame is said as a frame in one piece would be.
  const open = typeof fragmented === 'number' && fragmented !== 0 && typeof total === 'number' && typeof opcode === 'number';
  const whole = open ? total - ((state === 3 || state === 4) && opcode < 0x08 ? length : 0) : 0;
  const fragments = open && (whole > 0 || state < 3) ? { fragmentBytes: whole } : {};
  // A control frame (ping, pong, close: opcode 8 and up) is no message: one cut short is no frame
  // of the count (a ping frame cut in its payload was said to be "frame 1" of a run that counted
  // 1 frame: a fresh tester). Between messages, nothing was arriving; among a message's
  // fragments, that message was, and no frame of it had begun.
  // A control frame cut short outside a message in fragments: said as the control frame it is, no frame of the count (a close frame cut short was "no close frame": tEH F8).
  // (A ping or pong cut short is still nothing arriving between messages: a connection that ends there ends between messages.)
  if ((state === 3 || state === 4) && typeof opcode === 'number' && opcode >= 0x08) return open ? { index, received: 0, announced: null, fragmentBytes: whole } : opcode === 0x8 ? { index, received: state === 4 ? buffered : 0, announced: length, control: 'close' } : undefined;
  // 5 INFLATING, 6 DEFER_EVENT: a compressed frame had come whole and zlib had not finished it (the drain at the run's end ran out, DRAIN_MS): its payload's bytes.
  if (state === 5 || state === 6) return { index, received: typeof total === 'number' && !open ? total : 0, announced: null, ...(open ? { fragmentBytes: typeof total === 'number' ? total : 0 } : {}), inflating: true };
  // ws's states (receiver.js): 0 GET_INFO, 1 and 2 the 16- and 64-bit length, 3 GET_MASK, 4 GET_DATA.
  if (state === 4 || state === 3) return { index, received: state === 4 ? buffered : 0, announced: length, ...fragments };
  // The first 2 bytes of the header are consumed on reading the 16- or 64-bit length.
  if (state === 1 || state === 2) return { index, received: buffered + 2, announced: null, ...fragments };
  // One byte of a header (ws reads it whole, at 2): that byte names the opcode, and a control
  // frame's is no message, as above (a ping cut after its first byte was still "frame 1": a fresh tester).
  const first = state === 0 && buffered > 0 && Array.isArray(buffers) && buffers[0] instanceof Uint8Array && buffers[0].length > 0 ? buffers[0][0]! : undefined;
  if (first !== undefined && (first & 0x0f) >= 0x08) return open ? { index, received: 0, announced: null, fragmentBytes: whole } : (first & 0x0f) === 0x8 ? { index, received: buffered, announced: null, control: 'close' } : undefined;
  if (state === 0 && (buffered > 0 || open)) return { index, received: buffered, announced: null, ...fragments };
  return undefined;
}

/** The statuses the contract gives a refused upgrade (Connecting), and what each says. */
const CONTRACT_REFUSALS: ReadonlyMap<number, string> = new Map([
  [400, 'malformed handshake'],
  [401, 'missing, malformed, expired or badly signed token'],
  [403, 'origin not allowed'],
  [404, 'no WebSocket at this path'],
  [405, 'method other than GET'],
  [426, 'a plain request without the upgrade'],
  [429, 'too many attempts or sockets'],
  [431, 'request headers too large'],
  [503, 'the server cannot check the token or serve the stream now'],
]);

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '([01]\\d|2[0-3]):([0-5]\\d):([0-5]\\d|60)';
/** RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, then the obsolete rfc850-date and asctime-date. */
const HTTP_DATES = [
  new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`),
  new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`),
  new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`),
];

/**
 * Whether a Retry-After value is what RFC 9110 §10.2.3 allows: delay-seconds (digits only) or an
 * HTTP-date (§5.6.7: IMF-fixdate, rfc850-date or asctime-date, a day from 1 to 31). Surrounding
 * whitespace is allowed (a field value's). Date.parse alone read "1.5", "-1" and "soon 1" as
 * dates (tBU F2).
 */
function isRetryAfter(value: string): boolean {
  return /^\d+$/.test(value.trim()) || httpDate(value) !== undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The time (epoch ms, UTC) an HTTP-date names (RFC 9110 §5.6.7: IMF-fixdate, rfc850-date with
 * its two-digit year read as the RFC says, more than 50 years ahead being the past century, or
 * asctime-date; all in GMT), surrounding whitespace allowed; undefined for anything else, a day
 * its month does not have (`Feb 30`) included. Date.parse read "2099", "1.5", "soon 1" and
 * "Dec 6 2099" as dates, and a date without "GMT" in local time: the 101 answer's `Date: 2099`
 * was the server's clock, 72 years ahead (tCC F1).
 */
function httpDate(value: string): number | undefined {
  const text = value.trim();
  for (const [index, pattern] of HTTP_DATES.entries()) {
    const match = pattern.exec(text);
    if (!match) continue;
    const [day, month, year] = index === 2 ? [Number(match[2]), match[1]!, Number(match[6])] : [Number(match[1]), match[2]!, Number(match[3])];
    const [hour, minute, second] = index === 2 ? [match[3], match[4], match[5]].map(Number) : [match[4], match[5], match[6]].map(Number);
    let fullYear = year;
    if (index === 1) {
      const thisYear = new Date().getUTCFullYear();
      fullYear = Math.floor(thisYear / 100) * 100 + year;
      if (fullYear > thisYear + 50) fullYear -= 100;
    }
    const monthIndex = MONTHS.indexOf(month);
    const date = new Date(0);
    date.setUTCFullYear(fullYear, monthIndex, day);
    // A day past its month's end rolls over into the next month: no such date.
    if (date.getUTCMonth() !== monthIndex || day < 1) return undefined;
    return date.getTime() + ((hour! * 60 + minute!) * 60 + second!) * 1000;
  }
  return undefined;
}

/**
 * Where a refused upgrade breaks the contract's refusals (Connecting), said after it (`status`,
 * `reason` the body's words, `retryAfter` its header): a status the contract does not give (200,
 * 500), a 403 (origin) whose reason names the token (a 401's), a 429 or 503 whose Retry-After is
 * neither seconds nor an HTTP date. A redirect is no refusal of its own. '' for none. Each was
 * shown as a plain "cannot connect", as a conforming 401 is (tBQ F9). `versions`: the refusal names
 * WebSocket versions (Sec-WebSocket-Version) and 13, listen's, is not among them.
 */
function refusalFault(status: number, reason: string, retryAfter: string | undefined, versions = false): string {
  if (status >= 300 && status < 400) return '';
  const listed = `the contract refuses an upgrade with ${[...CONTRACT_REFUSALS].map(([code, words]) => `${code} (${words})`).join(', ')} (Connecting)`;
  if (!CONTRACT_REFUSALS.has(status)) return ` (HTTP ${status} is no refusal the contract gives: ${listed})`;
  if (status === 403 && /token|jwt|expired|signature|unauthori[sz]ed/i.test(reason)) return ' (403 is the contract\'s refusal of an origin; a fault of the token is 401 (Connecting))';
  // listen's own upgrade is a GET that carries it: neither refusal can be of it (tGJ F1).
  if (status === 405) return ` (405 is the contract's refusal of a method other than GET; listen's upgrade was a GET: a server that refuses it so breaks the contract's refusals (Connecting))`;
  // One naming the versions the server speaks, 13 not among them, refuses the version asked (RFC 6455 §4.4): said by those.
  if (status === 426 && !versions) {
    return ` (426 is the contract's refusal of a plain request without the upgrade; listen's request carried it (Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13): a proxy on the way that drops the Upgrade and Connection headers leads a server to answer so; without one, the server breaks the contract's refusals (Connecting))`;
  }
  if ((status === 429 || status === 503) && retryAfter !== undefined && !isRetryAfter(retryAfter)) {
    return ` (Retry-After expected a number of seconds, as the contract has it (Connecting), or an HTTP date (RFC 9110 §10.2.3), got ${JSON.stringify(cut(retryAfter, 60))})`;
  }
  return '';
}

/**
 * What is wrong with a server's close frame that ws refused (`code`, `message`: ws's error;
 * `length`: the payload length its header announced), as RFC 6455 has it: a status code no
 * endpoint may send (§7.4.1, §7.4.2), a reason that is not UTF-8 (§5.5.1), a payload of one byte
 * or over 125 (§5.5, §5.5.1). ws's words alone ("invalid status code 1005") said neither that
 * it was the server's close nor why (tBQ F2).
 */
function closeFrameFault(code: string | undefined, message: string, length: unknown, extended?: number): string {
  if (code === 'WS_ERR_INVALID_UTF8') return 'expected a close frame whose reason is UTF-8 (RFC 6455 §5.5.1), got one whose reason is not';
  if (code === 'WS_ERR_INVALID_CLOSE_CODE') {
    const status = Number(/(\d+)$/.exec(message)?.[1]);
    const why = status === 1005 || status === 1006 || status === 1015
      ? `reserved: it "MUST NOT be set as a status code in a Close control frame by an endpoint" (RFC 6455 §7.4.1; ${status === 1005 ? 'what an endpoint reports for a close frame without a code' : status === 1006 ? 'what an endpoint reports for a connection that ended without a close frame' : 'what an endpoint reports for a failed TLS handshake'})`
      : status < 1000 ? 'below 1000: no status code (RFC 6455 §7.4.2)'
        : status < 3000 ? 'reserved for RFC 6455 and its extensions, and not defined by them (RFC 6455 §7.4.1, §7.4.2)'
          : 'past 4999: no status code (RFC 6455 §7.4.2)';
    return `expected a close frame whose status code is one a server may send (RFC 6455 §7.4: 1000 to 1003, 1007 to 1014, 3000 to 4999), got ${Number.isFinite(status) ? status : 'another'} (${why})`;
  }
  if (code === 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH' && length === 1 && extended === undefined) return 'expected a close frame whose payload is empty or begins with a 2-byte status code (RFC 6455 §5.5.1), got one of 1 byte';
  return controlFrameFault('close', code, typeof length === 'number' || typeof length === 'bigint' ? length : undefined, extended) ?? 'expected a valid close frame (RFC 6455 §5.5.1), got another';
}

/**
 * What is wrong with a control frame's header (`kind` close, ping or pong) that ws refused
 * (`code`, its error's), as RFC 6455 has it: a payload over 125 bytes (`length` the size its
 * header gave, a bigint past 2^53 - 1, undefined when its extended length had not come; a 64-bit
 * one with its most significant bit set said so, §5.2), fragmented (no FIN), a reserved bit set.
 * Undefined for another fault.
 */
function controlFrameFault(kind: string, code: string | undefined, length: number | bigint | undefined, extended?: number): string | undefined {
  // A length of 125 or less written in an extended field (126 then 16 bits, 127 then 64): no size is wrong, its writing is (tCO F2: "at most 125 bytes, got one of 5").
  if (code === 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH' && extended !== undefined && length !== undefined && length <= 125) {
    return `expected a ${kind} frame whose length is in its 7-bit field (RFC 6455 §5.5: at most 125 bytes; §5.2: in the minimal number of bytes), got one whose header gives its ${length} byte${length === 1 ? '' : 's'} in an extended ${extended === 126 ? 16 : 64}-bit length (marker ${extended})`;
  }
  // The marker came and its extended length not yet (a later TCP segment): ws refuses on the marker alone, so that is what is told, no size (tCQ F5: "got one whose header gave more").
  if (code === 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH' && extended !== undefined && length === undefined) {
    return `expected a ${kind} frame whose length is in its 7-bit field (RFC 6455 §5.5: at most 125 bytes; §5.2: in the minimal number of bytes), got one whose header writes its length in an extended ${extended === 126 ? 16 : 64}-bit field (marker ${extended}), refused before that length came`;
  }
  // A 64-bit length with its most significant bit set is a second fault of the header, said with the size (tCV F4).
  if (code === 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH') return `expected a ${kind} frame of at most 125 bytes (RFC 6455 §5.5), got one ${length === undefined ? 'whose header gave more' : `of ${length} bytes${typeof length === 'bigint' && length >= 2n ** 63n ? ', a 64-bit length whose most significant bit is set (RFC 6455 §5.2: it MUST be 0)' : ''}`}`;
  // Said as a control frame (a masked ping was "frame 1", a message frame of the count; a masked close "…had to refuse" twice: tDL F5).
  if (code === 'WS_ERR_UNEXPECTED_MASK') return `expected a ${kind} frame that is not masked (RFC 6455 §5.1: a server never masks a frame it sends), got a masked one`;
  if (code === 'WS_ERR_EXPECTED_FIN') return `expected a ${kind} frame with FIN set (RFC 6455 §5.5: a control frame is never fragmented), got one without`;
  if (code === 'WS_ERR_UNEXPECTED_RSV_1' || code === 'WS_ERR_UNEXPECTED_RSV_2_3') {
    const bits = code === 'WS_ERR_UNEXPECTED_RSV_1' ? 'RSV1' : 'RSV2 and RSV3';
    return `expected a ${kind} frame with ${bits} clear (RFC 6455 §5.2: set only by an extension that defines it; permessage-deflate never compresses a control frame, RFC 7692 §6.1), got one with ${code === 'WS_ERR_UNEXPECTED_RSV_1' ? 'it' : 'one of them'} set`;
  }
  return undefined;
}

/**
 * ws's `message` for a frame it refused (`code`), without the 7-bit length marker it gives as a
 * control frame's length ("invalid payload length 126" of a close of 200 bytes: 126 says a 16-bit
 * length follows, 127 a 64-bit one) where that is not the length the header gave (`length`,
 * undefined when its extended length had not come): the line said "got one of 200 bytes" and
 * then 126 (tCL F4). A true length (a pong of 126 bytes, a close of 1 byte) is kept, and so is the
 * marker (`extended`, 126 or 127) of a header whose extended length had not come.
 */
function wsWords(message: string, code: string | undefined, length: number | bigint | undefined, extended?: number): string {
  if (code !== 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH') return message;
  const marker = /^(.*invalid payload length) (\d+)$/.exec(message);
  // A length of 125 or less keeps it: the marker is then the fault, an extended length where none may be (tCO F2);
  // so does a marker whose extended length had not come: no size is said in its place (tCQ F5).
  if (extended !== undefined && length === undefined) return message;
  return marker !== null && Number(marker[2]) !== length && (length === undefined || length > 125) ? marker[1]! : message;
}

/** ws's errors for a frame it refuses in its first two bytes (receiver.js, getInfo). */
const HEADER_FAULTS = new Set(['WS_ERR_UNEXPECTED_RSV_2_3', 'WS_ERR_UNEXPECTED_RSV_1', 'WS_ERR_EXPECTED_FIN', 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 'WS_ERR_INVALID_OPCODE', 'WS_ERR_UNEXPECTED_MASK']);

/**
 * Has `seen` told the first two bytes of each frame header ws's Receiver reads (ws 8: its
 * `consume(2)` in state 0, GET_INFO), and `seenLength` the extended length of a data frame's
 * (its 7-bit marker, 126 or 127, and the 16- or 64-bit length after it, a bigint of the 64),
 * wrapping that method of this socket's Receiver: when ws
 * refuses a frame in its header, it keeps no opcode (a reserved bit is refused before it reads
 * it) and, of a length past 125, only the 7-bit marker (126, 127). Nothing for another shape of
 * ws (no Receiver with a `consume`): then {@link refusedInHeader} tells nothing.
 */
function watchHeaders(ws: WebSocket, seen: (header: readonly [number, number]) => void, seenLength: (marker: 126 | 127, length: number | bigint) => void): void {
  const receiver = (ws as unknown as { _receiver?: { consume?: unknown; _state?: unknown } | null })._receiver;
  if (typeof receiver?.consume !== 'function') return;
  const consume = receiver.consume as (n: number) => Uint8Array;
  receiver.consume = function (this: typeof receiver, n: number): Uint8Array {
    const bytes = consume.call(this, n);
    if (n === 2 && this._state === 0) seen([bytes[0]!, bytes[1]!]);
    // States 1 and 2 (GET_PAYLOAD_LENGTH_16, _64): a data frame's extended length (ws refuses a control frame's at its marker).
    else if (n === 2 && this._state === 1) seenLength(126, Buffer.from(bytes).readUInt16BE(0));
    else if (n === 8 && this._state === 2) seenLength(127, Buffer.from(bytes).readBigUInt64BE(0));
    return bytes;
  };
}

/**
 * Has the returned function give the bytes of the text message ws refused as not UTF-8 (ws 8:
 * its Receiver's `dataMessage`, which drops the message's fragments before it checks them),
 * wrapping that method of this socket's Receiver; undefined when it refused none (or for another
 * shape of ws). Only a refused message is kept: one ws delivers leaves its state at 0 (GET_INFO)
 * or 6 (DEFER_EVENT), a refused one where it was.
 */
function watchRefusedText(ws: WebSocket): () => Buffer | undefined {
  const receiver = (ws as unknown as { _receiver?: { dataMessage?: unknown; _fragments?: unknown; _fin?: unknown; _opcode?: unknown; _state?: unknown } | null })._receiver;
  if (typeof receiver?.dataMessage !== 'function') return () => undefined;
  const dataMessage = receiver.dataMessage as (cb: unknown) => unknown;
  let kept: Uint8Array[] | undefined;
  receiver.dataMessage = function (this: typeof receiver, cb: unknown): unknown {
    const fragments = this._fin === true && this._opcode === 1 && Array.isArray(this._fragments) ? (this._fragments as Uint8Array[]) : undefined;
    const result = dataMessage.call(this, cb);
    kept = fragments !== undefined && this._state !== 0 && this._state !== 6 ? fragments : undefined;
    return result;
  };
  return () => (kept === undefined ? undefined : Buffer.concat(kept));
}

/**
 * What is wrong with a data frame's header (`header`, its first two bytes: text, binary,
 * continuation or a reserved opcode, 3 to 7) that ws refused (`code`, its error's), as RFC 6455
 * has it: a text or binary frame while a message in fragments is unfinished (`open`, its opcode
 * and its bytes so far), a continuation with none begun (§5.4), a reserved opcode (§5.2), a
 * reserved bit no extension negotiated defines (`deflate`: permessage-deflate was, RFC 7692 §6.1),
 * a masked frame (§5.1). Undefined for a control frame or another fault.
 */
function dataFrameFault(code: string, header: readonly [number, number], open: { opcode: number; bytes: number | undefined } | undefined, deflate: boolean): string | undefined {
  const opcode = header[0] & 0x0f;
  if (opcode >= 0x8) return undefined;
  const kind = opcode === 1 ? 'text' : opcode === 2 ? 'binary' : opcode === 0 ? 'continuation' : `reserved (opcode 0x${opcode})`;
  if (code === 'WS_ERR_INVALID_OPCODE' && opcode === 0) return 'expected a text or binary frame to begin a message, got a continuation frame (opcode 0) with no message in fragments begun (RFC 6455 §5.4: a continuation frame follows a first fragment that has no FIN)';
  if (code === 'WS_ERR_INVALID_OPCODE' && opcode <= 2 && open !== undefined) {
    return `expected a continuation frame (opcode 0) of the ${open.opcode === 2 ? 'binary' : 'text'} message in fragments that was unfinished${open.bytes === undefined ? '' : ` (${open.bytes} byte${open.bytes === 1 ? '' : 's'} so far)`} (RFC 6455 §5.4: no other data frame comes between a message's fragments), got a ${kind} frame (opcode ${opcode}): that message is lost`;
  }
  if (code === 'WS_ERR_INVALID_OPCODE') return `expected a data frame of opcode 0x0 (continuation), 0x1 (text) or 0x2 (binary), got one of opcode 0x${opcode} (RFC 6455 §5.2: 0x3 to 0x7 are reserved for further non-control frames; a client fails the connection at one no extension it negotiated defines)`;
  if (code === 'WS_ERR_UNEXPECTED_RSV_1' && opcode === 0 && deflate) return 'expected a continuation frame with RSV1 clear (RFC 7692 §6.1: only the first frame of a compressed message sets it), got one with it set';
  if (code === 'WS_ERR_UNEXPECTED_RSV_1') return `expected a ${kind} frame with RSV1 clear (RFC 6455 §5.2: set only by an extension that defines it, and the server's 101 answer negotiated none: RSV1 marks a permessage-deflate frame, RFC 7692 §6), got one with it set`;
  if (code === 'WS_ERR_UNEXPECTED_RSV_2_3') return `expected a ${kind} frame with RSV2 and RSV3 clear (RFC 6455 §5.2: set only by an extension that defines them, and none listen offers does), got one with one of them set`;
  if (code === 'WS_ERR_UNEXPECTED_MASK') return `expected a ${kind} frame that is not masked (RFC 6455 §5.1: a server never masks a frame it sends), got a masked one`;
  return undefined;
}

/**
 * The control frame (close 8, ping 9, pong 10, or one of a reserved opcode, 0xB to 0xF) ws refused in its header, or masked, if it was one (`code`
 * ws's error, `header` its first two bytes, {@link watchHeaders}): its opcode, and the payload
 * length its header gave: the 7-bit length, or the 16- or 64-bit one after it when that has come
 * (ws buffers it unread), undefined when not.
 */
function refusedInHeader(ws: WebSocket, code: string | undefined, header: readonly [number, number] | undefined): ControlHeader | undefined {
  if (header === undefined || code === undefined || !HEADER_FAULTS.has(code)) return undefined;
  const opcode = header[0] & 0x0f;
  if (opcode < 0x8) return undefined;
  const marker = header[1] & 0x7f;
  if (marker < 126) return { opcode, length: marker };
  const { _buffers: buffers } = receiverOf(ws);
  const size = marker === 126 ? 2 : 8;
  const parts = Array.isArray(buffers) ? buffers.filter((b): b is Uint8Array => b instanceof Uint8Array) : [];
  const bytes = Buffer.concat(parts).subarray(0, size);
  if (bytes.length < size) return { opcode, length: undefined, extended: marker };
  // A 64-bit length past 2^53 - 1 kept exact, a bigint: as a number it rounds (2^64 - 1 was said as 18446744073709552000, tCV F4).
  const wide = size === 8 ? bytes.readBigUInt64BE(0) : undefined;
  const length = wide === undefined ? bytes.readUInt16BE(0) : wide <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(wide) : wide;
  return { opcode, length, extended: marker };
}

/** The server_max_window_bits the permessage-deflate ws negotiated gives, when it gives one below 15 (the largest window). */
function serverWindowBits(extensions: unknown): number | undefined {
  const deflate = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, { params?: unknown }>)['permessage-deflate'] : undefined;
  const params = deflate?.params;
  const bits = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).server_max_window_bits : undefined;
  return typeof bits === 'number' && bits >= 8 && bits < 15 ? bits : undefined;
}

/** Whether the permessage-deflate ws negotiated (its Receiver's `_extensions`) took server_no_context_takeover. */
function noContextTakeover(extensions: unknown): boolean {
  const deflate = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, { params?: unknown }>)['permessage-deflate'] : undefined;
  const params = deflate?.params;
  return typeof params === 'object' && params !== null && (params as Record<string, unknown>).server_no_context_takeover === true;
}

/**
 * The start of what came, when the frame header ws refused, and what followed it in the same
 * read, begin with printable text (`{"type":…`, `HTTP/1.1 200 OK`, a body after the 101, a stray
 * CRLF): a server that wrote without framing. Text of 8 bytes or more, or of 2 or more that ends a
 * line or runs up to a byte that begins a frame (a short HTTP body, `\r\n`, then a real frame:
 * they were said as reserved or close frames with reserved bits, tEH F4). Up to 40 characters;
 * undefined when they are not text.
 */
function unframedText(ws: WebSocket, header: readonly [number, number]): string | undefined {
  const { _buffers: buffers } = receiverOf(ws);
  const parts = Array.isArray(buffers) ? buffers.filter((b): b is Uint8Array => b instanceof Uint8Array) : [];
  const fragmented = receiverOf(ws)._fragmented;
  return printableText(Buffer.concat([Buffer.from(header), ...parts]).subarray(0, 40), typeof fragmented === 'number' && fragmented !== 0);
}

/**
 * The printable text `bytes` begin with, by the rule of {@link unframedText}; undefined when they
 * do not. `continued`: a message in fragments is open, so a continuation frame (opcode 0x0) may
 * follow the text (short text between two fragments was said as a close frame with RSV bits, or
 * a reserved frame: tES F8).
 */
function printableText(bytes: Buffer, continued = false): string | undefined {
  const text = (byte: number) => (byte >= 0x20 && byte < 0x7f) || byte === 0x0d || byte === 0x0a || byte === 0x09;
  let run = 0;
  while (run < bytes.length && text(bytes[run]!)) run++;
  // A frame's first byte after the text: FIN with a data or control opcode (RSV1 too, permessage-deflate), or a first fragment.
  const next = bytes[run];
  const frameStart = next !== undefined && (continued ? [0x00, 0x08, 0x09, 0x0a] : [0x01, 0x02, 0x08, 0x09, 0x0a]).includes(next & 0x0f) && (next & 0x30) === 0;
  // At least 8 bytes of text (a header's 2 bytes can be printable by chance: 0x7B is a frame header too), or a line's end, or text then a frame.
  if (run < 2 || (run < 8 && !(frameStart || (run === bytes.length && bytes[run - 1] === 0x0a)))) return undefined;
  return bytes.subarray(0, run).toString('latin1');
}

/**
 * A control frame's header as {@link refusedInHeader} read it: `length` in bytes, a bigint when
 * past 2^53 - 1 (exact: a number would round it); `extended` the 7-bit marker (126, 127) when its
 * length was written in an extended field.
 */
interface ControlHeader {
  opcode: number;
  length: number | bigint | undefined;
  extended?: number;
}

/**
 * The words for the two codes no server sends (RFC 6455 §7.1.5, §7.4.1), which ws reports in
 * their place: 1005, a close frame that carried no status code (it was said as "the server
 * closed the connection with 1005", a code that reads as the server's own); 1006, a connection
 * that ended without any close frame.
 */
function closeWithoutCode(code: 1005 | 1006): string {
  return code === 1005 ? 'the server closed the connection without a status code (its close frame carried none; ws reports 1005)' : 'the connection ended without a close frame (1006)';
}

/**
 * Holds a server that said server_max_window_bits=N (N < 15) to it across messages (RFC 7692
 * §7.1.2.1), as README says: a compressed message that refers back into the messages before it
 * further than 2^N bytes before its own start is said on its frame. ws inflated each fragment (and
 * each 16 KiB of output) in its own zlib call with a window of 2^N bytes, so a reference further
 * back within one message was refused only where it crossed a call's boundary: the same message
 * passed in one frame and failed in 3-byte fragments, the run ended, and chromium, which inflates
 * with the largest window, read all three (tES F2). ws now inflates with the largest window, as a
 * browser does; each whole message is inflated once more here, in one go, after the last 2^N
 * bytes of the ones before it (none after server_no_context_takeover): zlib refuses only a
 * reference past those. Within one message nothing is judged (no false fault, some references
 * across messages unseen: one from within the message reaching less than 2^N bytes before it).
 */
function watchWindowBits(ws: WebSocket, fault: (words: string) => void): void {
  const extensions = (ws as unknown as { _extensions?: Record<string, unknown> })._extensions;
  const deflate = extensions?.['permessage-deflate'] as { _decompress?: unknown; _inflate?: unknown; params?: Record<string, unknown> } | undefined;
  const bits = serverWindowBits(extensions);
  if (deflate === undefined || typeof deflate._decompress !== 'function' || deflate.params === undefined || bits === undefined || deflate._inflate != null) return;
  const fresh = noContextTakeover(extensions);
  // ws reads this when it makes its inflater, for each new stream.
  deflate.params.server_max_window_bits = 15;
  const decompress = deflate._decompress as (data: Buffer, fin: boolean, callback: (error: Error | null, data?: Buffer) => void) => void;
  const window = 2 ** bits;
  /** The last 2^N bytes the messages before this one inflated to; the payload and output of this one so far. */
  let history = Buffer.alloc(0);
  let payload: Buffer[] = [];
  let inflated: Buffer[] = [];
  deflate._decompress = function (this: NonNullable<typeof deflate>, data: Buffer, fin: boolean, callback: (error: Error | null, data?: Buffer) => void): void {
    payload.push(data);
    decompress.call(this, data, fin, (error, out) => {
      if (error !== null) {
        payload = [];
        inflated = [];
      } else {
        if (out !== undefined) inflated.push(out);
        if (fin) {
          try {
            inflateRawSync(Buffer.concat([...payload, DEFLATE_TAIL]), { windowBits: 15, finishFlush: zlibConstants.Z_SYNC_FLUSH, ...(history.length > 0 ? { dictionary: history } : {}) });
          } catch (refusal) {
            if ((refusal as Error).message === 'invalid distance too far back') {
              fault(`expected a permessage-deflate payload that refers back at most ${window} bytes (RFC 7692 §7.1.2.1: the server's 101 answer said server_max_window_bits=${bits}, so it compresses with a window of that size), got one that refers further back into the messages before it (a browser inflates with the largest window and reads it, a client that holds the server to its word does not)`);
            }
          }
          // A stream ended on its final block starts afresh (ws makes a new inflater), as after server_no_context_takeover.
          history = fresh || this._inflate == null ? Buffer.alloc(0) : Buffer.concat([history, ...inflated]).subarray(-window);
          payload = [];
          inflated = [];
        }
      }
      callback(error, out);
    });
  };
}

/** The text {@link leavesStreamReady} inflates after the bytes it is given. */
const STREAM_PROBE = Buffer.from('{"probe":"permessage-deflate"}');

/**
 * Whether a browser's inflater, once it has inflated `bytes` (a new DEFLATE stream after each
 * block with BFINAL set, as chromium resets its inflater there), stands between two blocks of a
 * stream that has not ended, where the next compressed payload inflates: known by inflating a
 * sync-flushed probe after them, which comes out whole only from there. Inside a block (an empty
 * stored block's header the appended 00 00 ff ff leaves unfinished) the probe is misread.
 */
function leavesStreamReady(bytes: Buffer): boolean {
  let input = Buffer.concat([bytes, deflateRawSync(STREAM_PROBE, { finishFlush: zlibConstants.Z_SYNC_FLUSH })]);
  const out: Buffer[] = [];
  // Each pass inflates one stream; a stream that ends before the input's end is followed by a new one (bounded: each pass takes at least a byte).
  for (let pass = 0; pass < 64 && input.length > 0; pass++) {
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      inflated = inflateRawSync(input, { finishFlush: zlibConstants.Z_SYNC_FLUSH, info: true }) as unknown as typeof inflated;
    } catch {
      return false;
    }
    out.push(inflated.buffer);
    const used = inflated.engine.bytesWritten;
    if (used <= 0) return false;
    input = input.subarray(used);
  }
  return input.length === 0 && Buffer.concat(out).equals(STREAM_PROBE);
}

/**
 * Watches the DEFLATE stream of each compressed message (permessage-deflate) for a block with
 * BFINAL set (RFC 7692 §7.2.3.4 allows one): ws's inflater ends there, drops whatever of the
 * payload came after it, and starts afresh at the next message, where a browser reads on: it
 * takes the bytes after the final block as a new stream (more text, or a failed connection when
 * they do not inflate), and the 4 octets 00 00 ff ff it appends to a payload whose stream ended
 * on its last byte as the start of one, so the next compressed message no longer inflates and it
 * fails the connection there (1006), unless the octet 0x00 the RFC asks for followed the final
 * block. Listen judged another message than a browser reads, and passed a backend a browser fails
 * (tEH F1). `fault` is given the words for the message ws delivers next. Wraps ws 8's
 * PerMessageDeflate `_decompress` of this socket (nothing for another shape of ws).
 */
function watchFinalBlocks(ws: WebSocket, fault: (words: string) => void): void {
  type Inflate = { bytesWritten?: unknown };
  const extensions = (ws as unknown as { _extensions?: Record<string, unknown> })._extensions;
  const deflate = extensions?.['permessage-deflate'] as { _decompress?: unknown; _inflate?: Inflate | null } | undefined;
  if (deflate === undefined || typeof deflate._decompress !== 'function') return;
  const decompress = deflate._decompress as (data: Buffer, fin: boolean, callback: (error: Error | null, data?: Buffer) => void) => void;
  /** Whether the last compressed message's DEFLATE stream ended on its payload's last byte, with no 0x00 octet after its final block. */
  let endedBare = false;
  const written = (inflate: Inflate | null | undefined) => (typeof inflate?.bytesWritten === 'number' ? inflate.bytesWritten : 0);
  deflate._decompress = function (this: NonNullable<typeof deflate>, data: Buffer, fin: boolean, callback: (error: Error | null, data?: Buffer) => void): void {
    const before = written(this._inflate);
    // The first fragment of the message after one whose stream ended bare: a browser fails the connection here.
    if (endedBare && this._inflate == null) {
      fault("expected a permessage-deflate payload that inflates after the compressed message before it (RFC 7692 §7.2.3.4: a DEFLATE block with BFINAL set is followed by the octet 0x00, an empty block's header, so that the 00 00 ff ff a client appends to each payload still inflates, §7.2.2), got it after one whose DEFLATE stream ended on its final block with no such octet: ws starts a new stream and reads this message, a browser reads the appended octets as the start of a block and fails the connection here (1006): its page sees neither this message nor any after it");
    }
    endedBare = false;
    let inflate: Inflate | null | undefined;
    decompress.call(this, data, fin, (error, inflated) => {
      if (error === null && this._inflate === null) {
        // The stream ended in this call (ws closed its inflater): the input zlib took of this payload.
        const consumed = written(inflate) - before;
        const rest = data.subarray(Math.max(0, consumed));
        if (rest.length === 0) endedBare = fin;
        else {
          // What a browser reads on: the rest as a new stream, with the 4 octets appended at the message's end.
          let more: Buffer | undefined;
          try {
            more = inflateRawSync(fin ? Buffer.concat([rest, DEFLATE_TAIL]) : rest, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
          } catch {
            more = undefined;
          }
          const after = `got one whose DEFLATE stream ended (a block with BFINAL set) ${rest.length} byte${rest.length === 1 ? '' : 's'} before the payload's end`;
          const rule = 'expected a permessage-deflate payload that is one DEFLATE stream to its end (RFC 7692 §7.2.3.4: after a block with BFINAL set comes at most the octet 0x00, an empty block\'s header)';
          if (more === undefined) fault(`${rule}, ${after}, bytes that do not inflate: ws drops them and reads the message, a browser inflates them too and fails the connection here (1006): its page never sees this message`);
          else if (more.length > 0) fault(`${rule}, ${after}, which inflate to ${more.length} more byte${more.length === 1 ? '' : 's'} of the message: ws drops them, so the message judged here is not the one a browser reads (its page gets those bytes too)`);
          // Bytes that inflate to nothing (an empty stored block 00 00 00 ff ff, an empty final block 03 00) can still leave a browser's stream inside a block or ended again, where the next payload no longer inflates (tES F5).
          // Chromium still delivers uncompressed messages after it, and a run with no compressed message after it ends clean: "its page sees no message after this one" was false (tFF F6).
          else if (fin && !leavesStreamReady(Buffer.concat([rest, DEFLATE_TAIL]))) fault(`${rule}, ${after}, which inflate to nothing but leave the 00 00 ff ff a browser appends to the payload (RFC 7692 §7.2.2) as the start of a block it never finishes: ws drops them and reads the next message afresh, a browser reads this message and fails the connection at the next compressed one, if one comes (1006): its page still gets the uncompressed messages before that one, and none from it on`);
        }
      }
      callback(error, inflated);
    });
    inflate = this._inflate;
  };
}
