/**
 * The transport-agnostic heart of the server: who is connected, what each connection is owed
 * (isolation by `x-audience`, cursors, resume), its outbound queue (batching, conflation by
 * `x-delivery`, the slow-consumer bound), keepalive on one timer, inbound validation and rate
 * limits. The `ws` adapter (server.ts) only moves bytes and events in and out of it.
 */
import type { PongMessage, ServerMessage } from '../../generated/types.js';
import { firstDuplicateKey } from '../languages/duplicate-keys.js';
import { asWritten, numberLiteral, safeParseTree } from '../languages/as-written.js';
import { countKeys, scanJsonText } from '../languages/json-scan.js';
import { createMessage, MessageValidationError, serializeMessage } from '../runtime/builders.js';
import { cut, inertBare, preview } from '../runtime/errors.js';
import { describeSyntaxError } from '../runtime/json-syntax.js';
import { validateMessage } from '../runtime/validate.js';
import { userIdProblem, type Principal } from './auth.js';
import { audienceOf, CloseCode, ErrorCode, stateKeyOf, type GlobalMessage, type UserMessage } from './protocol.js';
import { escapeLoneSurrogates, hasLoneSurrogate } from '../runtime/lone-surrogates.js';
import { TokenBucket, type RateLimit } from './rate-limit.js';
import { formatCursor, parseCursor, type StreamEntry, type StreamStore } from './stream-store.js';
import { redactHiddenTexts, redactJwts, redactJwtsAcross, withUrlUserInfoRedacted, type HiddenTexts } from '../shared/secrets.js';

/** A pino-compatible logger: structured object first, then a message. */
export interface Logger {
  /** Optional: detail no one needs in production. Called as the other three. */
  debug?(object: object, message?: string): void;
  /**
   * What happens to connections: `object.event` names the line (`upgrade-refused`, `poll-refused`,
   * `close`, …), the other keys its facts (no token: JWTs are redacted); `message` is a short
   * sentence. Called as a method of the logger (pino's `this`); a throw loses that line only.
   */
  info(object: object, message?: string): void;
  /** Something to look at (a slow client dropped, a store fault told once, …); called as `info`. */
  warn(object: object, message?: string): void;
  /** A fault of the server or its store (`poll-failed`, `store-status-threw`, …), `object.err` summarising the error; called as `info`. */
  error(object: object, message?: string): void;
}

/** What the core needs from a socket. Frames are UTF-8 JSON text, already serialized. */
export interface Transport {
  /** Writes `frames` in order as one batch; `onWritten` once they are handed to the OS. */
  write(frames: readonly Buffer[], onWritten: () => void): void;
  /** Bytes written but not yet handed to the OS. */
  readonly bufferedAmount: number;
  /**
   * Bytes (as framed) the OS has taken so far, a write's part included, never decreasing: it
   * grows while the peer takes what it is sent, and stops when the kernel's buffer is full.
   */
  readonly sentBytes: number;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Destroys the socket at once. */
  terminate(): void;
}

/** Options of the core (a subset of the server's options, with defaults applied). */
export interface CoreOptions {
  store: StreamStore;
  validateOutbound: boolean;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  inboundRate: RateLimit;
  /** Refused frames in a row (after the first error) before closing with 4429. */
  inboundRateCloseAfter: number;
  /** Faulty frames in a row (each answered with an error) before closing with 1008. */
  maxConsecutiveFaults: number;
  outboundRate: RateLimit | null;
  maxBufferedBytes: number;
  writeHighWaterBytes: number;
  replayLimit: number;
  /** The largest message `publish` and `broadcast` take: bytes of its JSON text in UTF-8, before the cursor is added (RealtimeServerOptions.maxMessageBytes). */
  maxMessageBytes: number;
  logger: Logger | null;
  /** The wall clock, ms since the epoch (`Date.now`): token expiry and the `timestamp` a ping carries. */
  now: () => number;
  /**
   * A clock that never steps, in ms (`performance.now`): every duration and rate (the ping
   * interval, pong and close deadlines, the inbound and outbound token buckets). On the wall
   * clock, one set back an hour (an NTP step, a VM resumed) would stop the keepalive and leave
   * the inbound bucket empty for that hour.
   */
  monotonicNow: () => number;
}

/** Live-entry consumers: sockets and held polls. */
export interface Subscriber {
  readonly principal: Principal;
  /** `position`: the entry's cursor position, parsed once per entry (-1 if unparsable). */
  deliver(entry: StreamEntry, frame: Buffer, position: number): void;
}

/** A queued outbound frame. `key` set: a state, superseded by a later one with the same key. `replay`: the `connection` message or a replayed entry, outside the slow-consumer bound. */
interface Outgoing {
  frame: Buffer;
  type: string;
  key: string | undefined;
  dead: boolean;
  replay: boolean;
}

type Counts = Record<string, number>;
const bump = (counts: Counts, key: string | number, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * What is wrong with `userId` as the user of a per-user message, said after `name` as auth says a
 * token's (`userId is not a non-empty string, got 5`), or undefined for a user id a token may
 * name: {@link userIdProblem}, the one check, with what was given. `publish` and
 * `startDemoProducer` check with it.
 */
export function userIdFault(name: string, userId: unknown): string | undefined {
  const problem = userIdProblem(userId);
  // A number from a database (`user.id`) read as an empty string did: what it got tells the two apart.
  return problem === undefined ? undefined : `${name} ${problem}, got ${preview(userId)}`;
}

/** One accepted socket. Created by {@link RealtimeCore.accept}. */
export class Connection implements Subscriber {
  /** Position of the last stream entry queued, so replay and live never repeat one. */
  private lastPosition = -1;
  private epoch: string | null = null;
  private epochPrefix = '';
  /** Live entries that arrive while the replay is read. */
  private replayBuffer: { entry: StreamEntry; frame: Buffer; position: number }[] | null = [];
  private queue: Outgoing[] = [];
  private queueStart = 0;
  /**
   * Per-connection answers (ping, pong, error): sent before the queued stream once the
   * `connection` message is out, and not held to the outbound rate, so a queued backlog never
   * delays a ping past its pong deadline (a replay already written is ahead of it: the socket is
   * judged by its link's progress meanwhile, {@link pongDeadlineFrom}).
   */
  private urgent: Outgoing[] = [];
  /** Whether the `connection` message has been handed to the transport. */
  private greeted = false;
  private queuedBytes = 0;
  /** Of {@link queuedBytes}, those of replay frames (the `connection` message and replayed entries). */
  private replayQueuedBytes = 0;
  /** Bytes of frames this connection has handed to the transport, in all. */
  private writtenBytes = 0;
  /**
   * {@link writtenBytes} just after the last replay frame was handed to the transport: the
   * transport writes in order, so what of its buffer lies before this is the replay's.
   */
  private replayWrittenEnd = 0;
  /** Batches holding replay frames handed to the transport and not yet called back. */
  private replayWrites = 0;
  /**
   * When (`monotonicNow`) the replay's last byte left the server (its last batch called back), or
   * null while the replay is read, queued or in the transport's buffer: until then a ping awaited
   * is judged by the link's progress ({@link lastProgressAt}), and after, its pong deadline runs
   * from no earlier than this.
   */
  private replayOutAt: number | null = null;
  /**
   * When (`monotonicNow`) the peer was last seen taking bytes (the OS took more of this socket's,
   * {@link Transport.sentBytes}), or the server last wrote with nothing of its own waiting.
   */
  private lastProgressAt: number;
  /** {@link Transport.sentBytes} at the last look. */
  private sentSeen = 0;
  private readonly states = new Map<string, Outgoing>();
  private writing = false;
  /** The last flush stopped at the high-water mark or the outbound rate: only then are states conflated. */
  private blocked = false;
  private readonly inbound: TokenBucket;
  private readonly outbound: TokenBucket | null;
  private refusedInRow = 0;
  private faultsInRow = 0;
  /** When (`monotonicNow`) the oldest ping awaiting its pong was sent (its round armed), or null: which rounds a pong may answer. */
  pingSentAt: number | null = null;
  /**
   * When (`monotonicNow`) that ping was handed to the transport, or null while it waits: its pong
   * deadline runs from here. From the round's arming, a stall of the server's own loop before the
   * flush that wrote it (a long GC pause, a synchronous handler) would count against the client,
   * which would be closed 4408 though it answered at once.
   */
  pingWrittenAt: number | null = null;
  /** The `timestamp` of the last pong that echoed no ping awaiting one, for the 4408's reason; null once one does. */
  unmatchedPong: number | null = null;
  /** Where the last pong, refused as invalid while a ping awaited one, was at fault (a JSON Pointer), for the 4408's reason; null once a valid pong comes. */
  invalidPong: string | null = null;
  closing = false;
  closed = false;
  closeDeadline = 0;
  /** Aborted when the socket is gone (closed): a store read of its replay not sent yet is dropped (tIE F1). */
  readonly reads = new AbortController();
  /** Resolved when the queue is empty and the socket below its high-water mark (replay pacing). */
  private drainWaiter: (() => void) | null = null;
  /** Bytes of live entries held while the replay is read. */
  private replayBufferBytes = 0;
  /** The code this server closed with, counted in stats rather than what the peer echoes. */
  closeCode: number | null = null;

  constructor(
    private readonly core: RealtimeCore,
    readonly id: number,
    readonly principal: Principal,
    readonly transport: Transport,
  ) {
    const now = core.options.monotonicNow();
    this.lastProgressAt = now;
    this.inbound = new TokenBucket(core.options.inboundRate, now);
    this.outbound = core.options.outboundRate ? new TokenBucket(core.options.outboundRate, now) : null;
  }

  /** Bytes this connection holds: its queue plus what the transport has not handed to the OS. */
  get bufferedBytes(): number {
    return this.queuedBytes + this.transport.bufferedAmount;
  }

  /**
   * What the slow-consumer bound counts: {@link bufferedBytes} less the replay's frames, queued or
   * still in the transport's buffer (tIK F1). The replay is bounded by its page and paced by
   * {@link drained}; counted, a multi-MB entry a slow link was still taking had the next ping or
   * live message close the socket 1013, and the client, resumed, was sent that entry again,
   * forever. What is buffered is the tail of what was written: the replay's part of it is what
   * lies before {@link replayWrittenEnd} (framing and `ws`'s own frames, a few bytes each, read
   * as the replay's). A peer that stops reading behind a replay is still closed: by the bound,
   * once what follows the replay passes it, or by the keepalive, its link taking nothing for
   * the pong timeout ({@link pongDeadlineFrom}).
   */
  private get boundedBytes(): number {
    const buffered = this.transport.bufferedAmount;
    const replayBuffered = Math.min(buffered, Math.max(0, this.replayWrittenEnd - (this.writtenBytes - buffered)));
    return this.queuedBytes - this.replayQueuedBytes + buffered - replayBuffered;
  }

  deliver(entry: StreamEntry, frame: Buffer, position: number): void {
    if (this.closing) return;
    if (this.replayBuffer !== null) {
      this.replayBuffer.push({ entry, frame, position });
      this.replayBufferBytes += frame.length;
      if (this.replayBufferBytes > this.core.options.maxBufferedBytes) {
        // Live traffic outruns the replay: the client resumes again from what it got.
        this.core.counters.slowClientCloses++;
        this.core.closeConnection(this, CloseCode.TryAgainLater, 'replay overtaken by live traffic');
      }
      return;
    }
    // A cursor the core could not read (reported as a store fault): never sent on a socket.
    if (position < 0) return;
    if (this.epoch !== null && !entry.cursor.startsWith(this.epochPrefix)) {
      // The store lost its history (a new epoch): this socket's stream is no longer continuous.
      this.core.closeConnection(this, CloseCode.StreamGap, 'stream epoch changed');
      return;
    }
    // Already sent by the replay.
    if (position <= this.lastPosition) return;
    this.lastPosition = position;
    this.enqueue(frame, entry.type, conflationKey(entry));
  }

  /** Sends a per-connection message (connection, ping, pong, error): never stored, no cursor. */
  sendDirect(message: ServerMessage): void {
    if (this.closing) return;
    const frame = Buffer.from(JSON.stringify(message));
    this.urgent.push({ frame, type: message.type, key: undefined, dead: false, replay: false });
    this.queuedBytes += frame.length;
    if (this.boundedBytes > this.core.options.maxBufferedBytes) {
      this.core.counters.slowClientCloses++;
      this.core.closeConnection(this, CloseCode.TryAgainLater, 'slow consumer');
      return;
    }
    this.core.scheduleFlush(this);
  }

  /**
   * Hands the answers waiting (pong, error) to the transport at once, ahead of the queued
   * stream as {@link Connection.flush} would send them: called when the socket layer is about to
   * close on a protocol fault it found later in the same read (a frame over the size limit:
   * 1009), and before the 1008 close for repeated faults, so that the answers to the frames
   * before go out before the close frame. Nothing before the `connection` message is out.
   */
  flushAnswers(): void {
    if (this.closed || !this.greeted || this.urgent.length === 0) return;
    const batch: Buffer[] = [];
    const now = this.core.options.monotonicNow();
    for (const item of this.urgent) {
      this.queuedBytes -= item.frame.length;
      this.writtenBytes += item.frame.length;
      batch.push(item.frame);
      bump(this.core.counters.sent, item.type);
      if (item.type === 'ping') this.pingWritten(now);
    }
    this.urgent = [];
    this.transport.write(batch, () => {});
  }

  /** A ping handed to the transport at `now`: the first since the oldest awaited one was armed is that one. */
  private pingWritten(now: number): void {
    if (this.pingSentAt !== null && this.pingWrittenAt === null) this.pingWrittenAt = now;
  }

  /**
   * When the pong deadline of the oldest awaited ping runs from (`monotonicNow`), or null while the
   * server has yet to write it: from its write; unwritten, from its arming when it waits on the
   * peer (a socket whose earlier writes are not taken, above the high-water mark) or on the
   * `connection` message (as before: a start that never ends is not held open by it). While the
   * replay leaves the server, from no earlier than the link last took bytes; after, from no
   * earlier than the replay's last byte left ({@link replayOutAt}).
   */
  pongDeadlineFrom(): number | null {
    if (this.pingSentAt === null) return null;
    const from = this.pingWrittenAt ?? (this.writing || this.blocked || !this.greeted ? this.pingSentAt : null);
    if (from === null || !this.greeted) return from;
    // While the replay leaves (F1 of tIS): the ping waits behind what the kernel already holds
    // of it (MBs, which Node cannot see), so a slow link that keeps reading took longer than the
    // pong timeout to bring it and was closed 4408, again at each resume. Until the replay's last
    // byte is out of the server, the link's progress is the proof of life; then the pong has
    // its timeout from that moment.
    if (this.replayOutAt === null) return Math.max(from, this.lastProgressAt);
    return Math.max(from, this.replayOutAt);
  }

  /** Notes whether the peer took bytes since the last look (`now`: monotonicNow): the keepalive's proof of life while the replay leaves. */
  noteProgress(now: number): void {
    const sent = this.transport.sentBytes;
    if (sent > this.sentSeen) {
      this.sentSeen = sent;
      this.lastProgressAt = now;
    }
  }

  /** Whether the replay is still read, queued or in the transport's buffer (its socket judged by progress). */
  get replaying(): boolean {
    return this.replayOutAt === null;
  }

  /** Marks the replay out of the server once it is read, queued no more, and its last batch called back. */
  private noteReplayOut(): void {
    if (this.replayOutAt !== null || this.replayBuffer !== null || this.replayQueuedBytes > 0 || this.replayWrites > 0) return;
    const now = this.core.options.monotonicNow();
    this.noteProgress(now);
    this.replayOutAt = now;
  }

  /** Whether anything waits to be handed to the transport. */
  private get pending(): boolean {
    return this.queueStart < this.queue.length || (this.greeted && this.urgent.length > 0);
  }

  /**
   * Resume (generated/docs/messages.md, "Delivery and resume"): read what the viewer missed
   * after `since`, send the `connection` message with the cursor the stream continues from, the
   * replay in order, then the live entries that arrived meanwhile, skipping any already
   * replayed. Live entries are buffered from before the first read, so none falls between the
   * read and the subscription.
   */
  async start(since: string | null): Promise<void> {
    // A page is at most replayLimit entries and maxBufferedBytes of frames (past its first).
    const { store, replayLimit, maxBufferedBytes } = this.core.options;
    const viewer = { userId: this.principal.userId, admin: this.principal.admin };
    let result = await store.read(viewer, since, replayLimit, maxBufferedBytes, this.reads.signal);
    if (this.closing) return;
    const first = parseCursor(result.cursor);
    this.epoch = first?.epoch ?? null;
    this.epochPrefix = `${this.epoch}.`;
    // Where the stream stands before what follows: `since` (resumed), the head (new, gap), or,
    // for a gap that still brings what the store holds since it began, just before that.
    let cursor = result.resume === 'resumed' ? since! : result.cursor;
    const replayFrom = result.resume === 'gap' && result.entries.length > 0 ? parseCursor(result.entries[0]!.cursor) : null;
    // A custom store's first position may be 0, which no position comes before: `<epoch>.-1`, a
    // cursor the contract takes (CURSOR_PATTERN) that reads as no position (formatCursor refuses
    // it), so the client takes every entry after it, and a reconnect from it is told a gap and
    // replayed. (The entry's own cursor, `<epoch>.0`, had the client drop that entry as a repeat.)
    if (replayFrom !== null) cursor = replayFrom.position > 0 ? formatCursor(replayFrom.epoch, replayFrom.position - 1) : `${replayFrom.epoch}.-1`;
    this.lastPosition = replayFrom !== null ? replayFrom.position - 1 : (parseCursor(cursor)?.position ?? -1);
    const connection = createMessage('connection', { status: 'connected', mode: 'ws', resume: result.resume });
    this.enqueueText(JSON.stringify({ ...connection, cursor }), 'connection');
    /** The frame of the last entry replayed: another at its position is out of order. */
    let replayed: string | null = null;
    for (;;) {
      for (const entry of result.entries) {
        const parsed = parseCursor(entry.cursor);
        if (parsed === null) {
          this.core.storeFault('unreadable-cursor', entry.cursor);
          continue;
        }
        const { position } = parsed;
        if (position <= this.lastPosition) {
          // Below the last, or another entry at the last one's position (per-stream numbering):
          // out of the store's order. The last entry again (a store that reads inclusively) is not.
          if (position < this.lastPosition || (replayed !== null && entry.frame !== replayed)) this.core.storeFault('cursor-not-increasing', entry.cursor);
          continue;
        }
        replayed = entry.frame;
        this.lastPosition = position;
        this.enqueueText(entry.frame, entry.type, conflationKey(entry));
      }
      // A store that does not say (written before `more`) is read until a page comes back empty.
      if (!(result.more ?? true) || result.entries.length === 0 || this.closing) break;
      // Paced by the socket: the next page is read once this one is on its way.
      await this.drained();
      if (this.closing) return;
      result = await store.read(viewer, result.cursor, replayLimit, maxBufferedBytes, this.reads.signal);
      if (this.closing) return;
      if (result.resume === 'gap') {
        // The history moved past us while replaying: say so rather than skip silently.
        this.core.closeConnection(this, CloseCode.StreamGap, 'replay overtaken by eviction');
        return;
      }
    }
    const buffered = this.replayBuffer ?? [];
    this.replayBuffer = null;
    for (const { entry, frame, position } of buffered) this.deliver(entry, frame, position);
    this.noteReplayOut();
  }

  private enqueueText(text: string, type: string, key?: string): void {
    this.enqueue(Buffer.from(text), type, key, true);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      this.drainWaiter = resolve;
      this.checkDrained();
    });
  }

  /** Resolves a pending {@link drained} when the queue has drained or the connection is closing. */
  checkDrained(): void {
    if (this.drainWaiter === null) return;
    if (this.closing || (!this.pending && this.transport.bufferedAmount < this.core.options.writeHighWaterBytes)) {
      const resolve = this.drainWaiter;
      this.drainWaiter = null;
      resolve();
    }
  }

  /** Queues a frame. `replay`: a page of the replay, bounded by the page size and paced by {@link drained}, so not held to the slow-consumer bound, nor counted in it once queued ({@link boundedBytes}). */
  private enqueue(frame: Buffer, type: string, key: string | undefined, replay = false): void {
    const item: Outgoing = { frame, type, key, dead: false, replay };
    if (item.key !== undefined) {
      // Under backpressure, an outbound rate limit, or a burst larger than one write, latest wins,
      // moved to the end so cursors stay increasing on the wire. A reader that keeps up gets
      // every state.
      const previous = this.states.get(item.key);
      if (previous !== undefined && !previous.dead && (this.outbound !== null || this.blocked || this.queuedBytes >= this.core.options.writeHighWaterBytes)) {
        previous.dead = true;
        this.queuedBytes -= previous.frame.length;
        if (previous.replay) this.replayQueuedBytes -= previous.frame.length;
        this.core.counters.conflated++;
      }
      this.states.set(item.key, item);
    }
    this.queue.push(item);
    this.queuedBytes += frame.length;
    if (replay) this.replayQueuedBytes += frame.length;
    if (!replay && this.boundedBytes > this.core.options.maxBufferedBytes) {
      this.core.counters.slowClientCloses++;
      this.core.closeConnection(this, CloseCode.TryAgainLater, 'slow consumer');
      return;
    }
    this.core.scheduleFlush(this);
  }

  /** Hands queued frames to the transport while it is below its high-water mark (and the outbound rate allows). */
  flush(force = false): void {
    if (this.closed) return;
    if (this.writing && !force) {
      // The previous batch still waits for the OS: the peer is not keeping up.
      if (this.pending) this.blocked = true;
      return;
    }
    const { writeHighWaterBytes } = this.core.options;
    const now = this.core.options.monotonicNow();
    const batch: Buffer[] = [];
    let bytes = this.transport.bufferedAmount;
    let replayFrames = false;
    this.blocked = false;
    while (this.pending) {
      if (!force && bytes >= writeHighWaterBytes) {
        this.blocked = true;
        break;
      }
      if (this.greeted && this.urgent.length > 0) {
        for (const item of this.urgent) {
          this.queuedBytes -= item.frame.length;
          this.writtenBytes += item.frame.length;
          bytes += item.frame.length;
          batch.push(item.frame);
          bump(this.core.counters.sent, item.type);
          if (item.type === 'ping') this.pingWritten(now);
        }
        this.urgent = [];
        continue;
      }
      const item = this.queue[this.queueStart]!;
      if (item.dead) {
        this.queueStart++;
        continue;
      }
      if (!force && this.outbound !== null && !this.outbound.take(now)) {
        this.blocked = true;
        this.core.throttle(this, Math.max(1, Math.ceil(1000 / this.core.options.outboundRate!.perSecond)));
        break;
      }
      this.queueStart++;
      if (item.type === 'connection') this.greeted = true;
      if (item.key !== undefined && this.states.get(item.key) === item) this.states.delete(item.key);
      this.queuedBytes -= item.frame.length;
      this.writtenBytes += item.frame.length;
      if (item.replay) {
        this.replayQueuedBytes -= item.frame.length;
        this.replayWrittenEnd = this.writtenBytes;
        replayFrames = true;
      }
      bytes += item.frame.length;
      batch.push(item.frame);
      bump(this.core.counters.sent, item.type);
    }
    if (this.queueStart === this.queue.length) {
      this.queue = [];
      this.queueStart = 0;
    } else if (this.queueStart > 1024 && this.queueStart * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueStart);
      this.queueStart = 0;
    }
    if (batch.length === 0) {
      this.checkDrained();
      return;
    }
    // Nothing of this socket's waits in the server: the peer holds nothing up at this moment.
    if (this.transport.bufferedAmount === 0) this.lastProgressAt = now;
    this.writing = true;
    if (replayFrames) this.replayWrites++;
    this.transport.write(batch, () => {
      this.writing = false;
      this.lastProgressAt = this.core.options.monotonicNow();
      if (replayFrames) {
        this.replayWrites--;
        this.noteReplayOut();
      }
      if (this.pending) this.core.scheduleFlush(this);
      else this.checkDrained();
    });
  }

  /** Inbound frame (spec "Backend Implementation Notes" 3): rate limit, parse, validate as client→server, act. */
  receive(data: Buffer, isBinary: boolean): void {
    if (this.closing || !this.admitInbound()) return;
    if (isBinary) return this.sendError(ErrorCode.UnsupportedFrame, 'binary frames are not part of the protocol: send JSON text');
    let value: unknown;
    const text = data.toString('utf8');
    // Before any parse: JSON.parse of 16 KiB (a server's maxPayloadBytes raised) nested 8,000 deep costs about 1 ms, 10 times a flat frame.
    const deep = text.length > MAX_INBOUND_DEPTH ? nestedPast(text, MAX_INBOUND_DEPTH) : -1;
    if (deep !== -1) return this.sendError(ErrorCode.InvalidMessage, 'the frame nests deeper than a client message', `(root) expected at most ${MAX_INBOUND_DEPTH} levels of nesting, got more at position ${deep}`);
    try {
      value = JSON.parse(text);
    } catch (error) {
      // Where and what, as parseMessage says it (`expected valid JSON, got "}" at position 8 (…)`); bounded.
      return this.sendError(ErrorCode.InvalidJson, 'the frame is not JSON', cut(escapeLoneSurrogates(describeSyntaxError(text, (error as Error).message).message), 300));
    }
    // A key written twice (`{"type":"pong","timestamp":1,"timestamp":2}`): JSON.parse keeps the
    // last, another parser the first. Refused, as validate and listen refuse it, not judged on
    // one parser's reading: one pass counts the keys written, against those the value holds.
    if (scanJsonText(text).keys > countKeys(value)) {
      const twice = firstDuplicateKey(text);
      if (twice !== undefined) {
        this.notePongRefused(value, `${twice.pointer} twice`);
        return this.sendError(ErrorCode.InvalidMessage, 'a key is written twice', cut(escapeLoneSurrogates(`${inertBare(twice.pointer, 200)} expected each key once, got "${inertBare(twice.key, 60)}" twice (JSON parsers disagree on which value counts)`), 300));
      }
    }
    const checked = inboundCheck(value, text);
    if (!checked.ok) {
      this.notePongRefused(value, checked.pointer);
      return this.sendError(checked.code, checked.message, checked.details);
    }
    const message = checked.message;
    this.faultsInRow = 0;
    if (message.type === 'pong') {
      // A pong echoing any ping since the oldest one unanswered proves the peer alive.
      const sentAt = this.pingSentAt;
      if (sentAt === null) return;
      this.invalidPong = null;
      if (this.core.pingRounds.some((round) => round.timestamp === message.timestamp && round.sentAt >= sentAt)) [this.pingSentAt, this.pingWrittenAt, this.unmatchedPong] = [null, null, null];
      else this.unmatchedPong = message.timestamp;
    } else if (message.type === 'ping') {
      // Typed, not cast: a field the contract adds to pongs is then a type error here.
      const pong: PongMessage = { type: 'pong', timestamp: message.timestamp };
      this.sendDirect(pong);
    }
  }

  /**
   * Notes a frame of type `pong` refused as invalid (`at`: where) while a ping awaits its pong: a
   * client whose pongs are all refused (a newer client's extra key) is closed 4408 with that
   * fault in the reason, not a plain `pong timeout`, which would hide the cause.
   */
  private notePongRefused(value: unknown, at: string | undefined): void {
    if (this.pingSentAt === null || typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'pong') return;
    [this.invalidPong, this.unmatchedPong] = [at ?? '(root)', null];
  }

  /**
   * An RFC 6455 ping or pong frame (the socket layer answers a ping itself): counted and held to
   * the inbound rate as a message is, so a flood of them closes the socket with 4429 as a flood
   * of messages does (uncounted, one client could send 600 000 pongs a second). The server's
   * keepalive is the protocol's own ping message, so no control frame is one it asked for.
   */
  receiveControl(): void {
    if (!this.closing) this.admitInbound();
  }

  /**
   * Counts an inbound frame and takes a token of the inbound rate for it: false when it is
   * refused (the first of a run answered with RATE_LIMITED; past `inboundRateCloseAfter` in a
   * row the socket is closed with 4429). Both say the rate and burst; the error's `details` also
   * when the next frame is taken (ms) and how many more dropped close the socket.
   */
  private admitInbound(): boolean {
    const core = this.core;
    core.counters.received++;
    const now = core.options.monotonicNow();
    if (!this.inbound.take(now)) {
      this.refusedInRow++;
      // Both say the limit, the error when a frame is taken again: `slow down` alone said neither what was expected nor what was found (a fresh user).
      const closeAfter = core.options.inboundRateCloseAfter;
      // Past the limit first: with `inboundRateCloseAfter: 0` the first dropped frame closes the socket, as README says
      // (`maxConsecutiveFaults: 0` closes at the first fault, without its error); it was read as 1, the close a frame later,
      // and the error and reason told the client "more than 1" (tHW F3).
      if (this.refusedInRow > closeAfter) {
        // What was answered before (pongs, the RATE_LIMITED error) goes out before the close
        // frame: when a burst arrives in one read, it is still queued for the next flush.
        this.flush(true);
        const rate = rateText(core.options.inboundRate);
        const said = closeAfter === 0 ? `too many messages: over ${rate}; no frame over it is allowed` : `too many messages: over ${rate}, more than ${closeAfter} dropped in a row`;
        core.closeConnection(this, CloseCode.RateLimited, cut(said, 123));
      } else if (this.refusedInRow === 1) {
        const rate = rateText(core.options.inboundRate);
        const details = `expected at most ${rate}, RFC 6455 ping and pong frames included, got more: frames are dropped until the next is allowed, in ${this.inbound.waitMs(now)} ms; more than ${closeAfter} dropped in a row close the socket with 4429`;
        this.sendError(ErrorCode.RateLimited, `too many messages: over the inbound rate of ${rate}; slow down`, cut(details, 300));
      }
      return false;
    }
    this.refusedInRow = 0;
    return true;
  }

  private sendError(code: string, message: string, details?: string): void {
    this.core.counters.inboundErrors[code] = (this.core.counters.inboundErrors[code] ?? 0) + 1;
    if (code !== ErrorCode.RateLimited && ++this.faultsInRow > this.core.options.maxConsecutiveFaults) {
      // The errors for the faults before this one go out before the close frame: when they
      // arrived in one read, they are still queued for the next flush.
      this.flushAnswers();
      this.core.closeConnection(this, CloseCode.PolicyViolation, 'repeated protocol faults');
      return;
    }
    this.sendDirect(createMessage('error', details === undefined ? { code, message } : { code, message, details }));
  }
}

/** The result of {@link checkInbound}. */
export type InboundCheck = { ok: true; message: { type: 'pong' | 'ping'; timestamp: number } } | { ok: false; code: string; message: string; details?: string };

/**
 * Validates a parsed inbound frame as client→server, strictly (generated/docs/messages.md, "Error handling"): unknown type →
 * UNKNOWN_TYPE (the type it got and the ones a client sends in `details`), a type that only travels server→client → WRONG_DIRECTION, a schema fault →
 * INVALID_MESSAGE with the pointer and fault in `details` (never echoing the whole frame; at
 * most 300 characters).
 *
 * @param text the frame's JSON text, when known: a number at fault in `details` is then shown
 *   as the client wrote it where JavaScript reads it as another (`12345678901234567890 (read
 *   as 12345678901234567000)`)
 * @returns `{ ok: true, message }`, or `{ ok: false, code, message, details }`. Never throws,
 *   whatever `value` is: a revoked Proxy or a getter that throws is INVALID_MESSAGE, as
 *   `validateMessage` refuses it
 */
export function checkInbound(value: unknown, text?: string): InboundCheck {
  const checked = inboundCheck(value, text);
  if (checked.ok || checked.pointer === undefined) return checked;
  const { pointer: _pointer, ...refused } = checked;
  return refused;
}

/** {@link checkInbound}, with the JSON Pointer of an invalid message's fault (`pointer`, `(root)` for the root). */
function inboundCheck(value: unknown, text?: string): Extract<InboundCheck, { ok: true }> | (Extract<InboundCheck, { ok: false }> & { pointer?: string }) {
  // The runtime's direction-aware validation decides; this only maps its reasons to error codes.
  const result = validateMessage(value, { mode: 'strict', direction: 'client-to-server' });
  if (result.ok) return { ok: true, message: result.message };
  if (result.reason === 'unknown-type') return { ok: false, code: ErrorCode.UnknownType, message: 'unknown message type', details: details(result.errors[0]) };
  // Each with `details` too, where and what (`(root) expected a message object, got null`).
  // The type as validated (its `found`, JSON text), not read again: a getter may give another, or throw.
  if (result.reason === 'wrong-direction') return { ok: false, code: ErrorCode.WrongDirection, message: `${result.errors[0].found ?? 'this type'} is sent by the server, not by a client`, details: details(result.errors[0]) };
  // A hand-made value (a revoked Proxy, a getter that throws) that validateMessage refused must not throw here either.
  let type: unknown;
  try {
    type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  } catch {
    type = undefined;
  }
  if (typeof type !== 'string') return { ok: false, code: ErrorCode.InvalidMessage, message: 'expected a message object with a string "type"', details: details(result.errors[0]) };
  // A number as the client wrote it (`1.50`, not 1.5) costs a second parse of the whole frame: only for frames of a keepalive's size.
  let first = result.errors[0];
  if (text !== undefined && text.length <= AS_WRITTEN_MAX_CHARS) {
    try {
      first = asWritten(first, value, (pointer) => numberLiteral(text, safeParseTree(text), [], pointer));
    } catch {
      // asWritten reads the value again: a getter that throws now leaves the fault as validated.
    }
  }
  return { ok: false, code: ErrorCode.InvalidMessage, message: `invalid ${type} message`, details: details(first), pointer: first.pointer || '(root)' };
}

/**
 * Longest inbound frame, in UTF-16 code units, whose faulty number is quoted as written: that
 * takes a second parse of the whole frame (jsonc-parser), and 16 KiB frames of numeric keys cost
 * 2.3 ms each, so that one user at the allowed rate stalled the server (a hostile tester). A
 * client's messages (ping, pong) are under 100 characters.
 */
const AS_WRITTEN_MAX_CHARS = 1024;

/**
 * Deepest nesting of arrays and objects an inbound frame may have: a client's messages (ping,
 * pong) nest one level. A frame nested deeper is refused unparsed (INVALID_MESSAGE): a few
 * clients sending 16 KiB frames nested thousands deep stalled the server (a hostile tester).
 */
const MAX_INBOUND_DEPTH = 64;

/** Offset of the bracket that opens level `max + 1` of `text`'s arrays and objects (strings skipped; not a JSON check), or -1. */
function nestedPast(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/**
 * An inbound error's `details`: where and what, at most 300 characters (never the whole frame),
 * well-formed: cut where no surrogate pair is split, and half a pair the client wrote (in a key,
 * say) written as its escape. Either made the server's own error frame fail its contract's
 * strict profile (hostile testers).
 */
function details(error: { pointer: string; message: string }): string {
  // The pointer names the client's keys: escaped as the message's own quotes are (`/x\n…`), so the line stays one line wherever it is shown.
  return cut(escapeLoneSurrogates(`${error.pointer ? inertBare(error.pointer, 200) : '(root)'} ${error.message}`), 300);
}

/** Server counters behind `stats()`. */
export interface Counters {
  sent: Counts;
  received: number;
  conflated: number;
  inboundErrors: Counts;
  refusedUpgrades: Counts;
  refusedPolls: Counts;
  closes: Counts;
  slowClientCloses: number;
  published: number;
  pollsServed: number;
  /** Entries the store gave against its contract, per fault (see {@link RealtimeCore.storeFault}). */
  storeFaults: Counts;
}

/**
 * Routing, publishing and per-connection delivery, independent of the socket library.
 */
export class RealtimeCore {
  readonly counters: Counters = { sent: {}, received: 0, conflated: 0, inboundErrors: {}, refusedUpgrades: {}, refusedPolls: {}, closes: {}, slowClientCloses: 0, published: 0, pollsServed: 0, storeFaults: {} };
  readonly connections = new Set<Connection>();
  /** Connections closing, until the transport reports them closed. */
  private readonly closingSet = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Subscriber>>();
  private readonly admins = new Set<Subscriber>();
  private readonly everyone = new Set<Subscriber>();
  private readonly dirty = new Set<Connection>();
  private flushScheduled = false;
  private readonly throttled = new Set<Connection>();
  /** The live feed's last readable entry: its epoch, position and cursor (a later one of the epoch must be above it). */
  private liveEpoch: string | null = null;
  private livePosition = -1;
  private liveCursor: string | null = null;
  /** `<fault> <epoch>` of the store faults logged (at most 100, then forgotten). */
  private readonly faultsLogged = new Set<string>();
  private throttleTimer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  /** When the next ping round is due (`monotonicNow`). */
  private nextPingAt: number;
  /** The earliest time (`monotonicNow`) an unanswered ping reaches its pong timeout, or null when none is awaited. */
  private pongDeadline: number | null = null;
  /** Whether the pong deadlines are to be judged on the next turn of the loop (see `tick`). */
  private judgeScheduled = false;
  /** The ping rounds a pong may still answer (those since the oldest ping a socket awaits, and the last): the `timestamp` sent (wall clock) and when (`monotonicNow`). */
  pingRounds: { timestamp: number; sentAt: number }[] = [];
  private nextExpiry = Infinity;
  private nextId = 1;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeGap: (() => void) | undefined;

  constructor(readonly options: CoreOptions) {
    this.unsubscribe = options.store.subscribe((entry) => this.route(entry));
    // A store that lost live entries it cannot replay (e.g. Redis restarted): every socket's stream
    // has a hole, so close them with 4410; they reconnect with `since` and read `gap` or resume.
    this.unsubscribeGap = options.store.onGap?.(() => {
      for (const connection of this.connections) this.closeConnection(connection, CloseCode.StreamGap, 'stream gap');
    });
    this.nextPingAt = options.monotonicNow() + options.pingIntervalMs;
    // One timer per server (spec note 4): ping rounds, pong deadlines, token expiry, close deadlines.
    const tickMs = Math.max(5, Math.min(1000, Math.floor(Math.min(options.pingIntervalMs, options.pongTimeoutMs) / 20)));
    this.keepalive = setInterval(() => this.tick(), tickMs);
    this.keepalive.unref();
  }

  /**
   * Publishes a per-user message (`x-audience: user`) to `userId`'s stream: validated strictly
   * unless disabled, serialized once, given the next cursor, stored and fanned out.
   * @throws TypeError for a message that is not an object (nothing, a string such as a frame
   *   already serialized), a type whose audience is not `user`, a user id that is not a string or is
   *   empty (the message says what it got), or one no
   *   token names: longer than 256 characters (`MAX_USER_ID_LENGTH`, auth.ts), or holding half a UTF-16
   *   surrogate pair alone (see {@link hasLoneSurrogate}); with validation off, a message with
   *   no JSON object text (a `toJSON` that returns nothing, or other than an object); with
   *   validation on or off, one whose JSON text is `{}` or holds a `cursor` (from its `toJSON`)
   * @throws MessageValidationError when validation is on and the message is invalid, or holds
   *   half a UTF-16 surrogate pair alone in a string (nothing is sent)
   * @throws RangeError for a message whose JSON text is over `maxMessageBytes` in UTF-8 (nothing is sent)
   * Both are thrown synchronously (programming errors), as is what `JSON.stringify` throws when
   * validation is off (a cycle, a BigInt); the promise rejects when the store cannot take the message,
   * and, from the server's `close()` on, with {@link serverClosedError} (nothing stored, whatever the store).
   */
  publish(userId: string, message: UserMessage): Promise<StreamEntry> {
    const fault = userIdFault('userId', userId);
    if (fault !== undefined) {
      // `publish(message, 'alice')`: the message first (a fresh user).
      const swapped = typeof message === 'string' && typeof (userId as { type?: unknown } | null)?.type === 'string';
      throw new TypeError(`publish: ${fault}${swapped ? '; the message goes second: publish(userId, message)' : ''}`);
    }
    const type = typeOf(message, 'publish');
    if (audienceOf(type) !== 'user') throw new TypeError(`publish: ${preview(type)} is not a per-user message type (x-audience: user); ${audienceAdvice(type, 'publish')}`);
    return this.append(userId, message);
  }

  /**
   * Publishes a global message (`x-audience: global`) to every connected user.
   * @throws TypeError for a message that is not an object, a type whose audience is not
   *   `global`, or, with validation off, a message with no JSON object text (a `toJSON` that
   *   returns nothing, or other than an object); with validation on or off, one whose JSON text
   *   is `{}` or holds a `cursor`
   * @throws MessageValidationError when validation is on and the message is invalid (nothing is sent)
   * @throws RangeError for a message whose JSON text is over `maxMessageBytes` in UTF-8 (nothing is sent)
   * Both are thrown synchronously (programming errors), as is what `JSON.stringify` throws when
   * validation is off; the promise rejects when the store cannot take the message, and, from the
   * server's `close()` on, with {@link serverClosedError} (nothing stored, whatever the store).
   */
  broadcast(message: GlobalMessage): Promise<StreamEntry> {
    const type = typeOf(message, 'broadcast');
    if (audienceOf(type) !== 'global') throw new TypeError(`broadcast: ${preview(type)} is not a global message type (x-audience: global); ${audienceAdvice(type, 'broadcast')}`);
    return this.append(null, message);
  }

  private append(userId: string | null, message: ServerMessage): Promise<StreamEntry> {
    // The call and what it found (tEM F8): a relay re-publishing a message it received was told only "publish messages without one", from broadcast too.
    if ('cursor' in message) {
      const called = userId === null ? 'broadcast' : 'publish';
      throw new TypeError(`${called}: the message holds a cursor (${preview((message as { cursor?: unknown }).cursor)}): the server assigns cursors; ${called} it without one (\`const { cursor, ...message } = received\`); nothing was sent`);
    }
    let text: string;
    if (this.options.validateOutbound) {
      // The object first, for its words about a NaN (JSON would write null: a nullable pnl would
      // pass as "no pnl yet"); then the text that is stored and sent, which a `toJSON` (an ORM
      // document, a class instance) or a getter can make differ from the object (a hostile
      // tester's `_id` went out after the object passed). Half a surrogate pair alone (a title
      // cut inside an emoji) is refused too: UTF-8 cannot carry it, and strict consumers
      // (`listen`) refuse it.
      const result = validateMessage(message, { mode: 'strict' });
      if (!result.ok) throw new MessageValidationError(message.type, result.errors);
      text = serializeMessage(message, { validate: true });
    } else {
      text = JSON.stringify(message);
      // A `toJSON` that returns nothing, or other than an object: the cursor is spliced in before
      // the closing `}`, and `undefined.slice` failed inside the store, counted as published (a fresh user).
      // (A JSON text that ends in `}` is an object's.)
      if (text === undefined || text.charCodeAt(text.length - 1) !== 0x7d) {
        const called = userId === null ? 'broadcast' : 'publish';
        throw new TypeError(text === undefined
          ? `${called}: the message has no JSON text (JSON.stringify gives nothing: a toJSON that returns undefined?); nothing was sent`
          : `${called}: the message's JSON text must be an object, got ${preview(text)} (from its toJSON?); nothing was sent`);
      }
    }
    // No member (`{}`: a toJSON that drops every field, fields inherited through Object.create)
    // took the cursor as `{,"cursor":…}`, no JSON; a `cursor` of its own (a toJSON that gives a
    // relay's stored document) went out twice, `"cursor":"old.1","cursor":"<new>"`, validated or
    // not: neither is a frame to send (tCA F2, F3). (JSON.stringify writes the key as is.)
    if (text === '{}' || (text.includes('"cursor":') && Object.hasOwn(JSON.parse(text) as object, 'cursor'))) {
      const called = userId === null ? 'broadcast' : 'publish';
      throw new TypeError(text === '{}'
        ? `${called}: the message's JSON text is {}, no field (from its toJSON, or fields inherited: Object.create?); nothing was sent`
        : `${called}: the server assigns cursors: the message's JSON text holds one (from its toJSON?); nothing was sent`);
    }
    // Larger than a poll page can carry (tGW F1): a poll answers its first message whatever its size, and a client
    // refuses a page over its maxPollBytes (16 MiB by default) whole, then asks again from the same cursor: a client
    // that could only poll got nothing after it, no gap, re-downloading it with backoff until the store let it go.
    // UTF-8 takes at least one byte and at most three per UTF-16 unit: counted only when it may matter.
    const limit = this.options.maxMessageBytes;
    if (text.length > limit || (text.length * 3 > limit && Buffer.byteLength(text) > limit)) {
      const called = userId === null ? 'broadcast' : 'publish';
      // The poll's reason is the default's; an app's own limit is its own (tHB F2: a 1,000-byte limit was said to be a poll's).
      const why = limit === 2 ** 24 - 1024
        ? `a poll answers it alone, and a client refuses a poll response over its maxPollBytes (16 MiB by default), so a client that polls would receive nothing after it; ` +
          `send it smaller (a link to the data, or in parts), or raise the server's maxMessageBytes together with every client's maxPollBytes`
        : `the limit this server was given; send it smaller (a link to the data, or in parts), or raise maxMessageBytes (a client's maxPollBytes at least 1 KiB above it)`;
      throw new RangeError(`${called}: the message's JSON text is ${Buffer.byteLength(text)} bytes (UTF-8), expected at most ${limit} (maxMessageBytes): ${why}; nothing was sent`);
    }
    // After the server's close(): refused, whatever the store. Its own store rejected with a bare `stream store is closed`
    // (or, while it drained, stored what no socket would get), and an app's resolved and stored it (a fresh user).
    if (this.appendsRefused) return Promise.reject(serverClosedError(userId === null ? 'broadcast' : 'publish'));
    // The cursor is appended to the text once, shared by every recipient (stream-store.ts, "Cursor design").
    const stored = this.options.store.append(userId, message.type, (cursor) => `${text.slice(0, -1)},"cursor":"${cursor}"}`, stateKeyOf(message));
    // Counted once stored: a publish a full Redis refused was counted as published (a fresh user).
    return stored.then((entry) => {
      this.counters.published++;
      return entry;
    });
  }

  /** Fans a stored entry out to its audience: the user's subscribers plus admins, or everyone. */
  private route(entry: StreamEntry): void {
    const frame = Buffer.from(entry.frame);
    const parsed = parseCursor(entry.cursor);
    const position = parsed?.position ?? -1;
    if (parsed === null) {
      // Sockets cannot send it (Connection.deliver refuses it); held polls still wake and read it.
      this.storeFault('unreadable-cursor', entry.cursor);
    } else if (parsed.epoch === this.liveEpoch && parsed.position <= this.livePosition) {
      // Per-stream numbering: an admin's socket (or a user's, for a global entry) took it for one
      // already sent. Routed as before; a socket that has sent a later position drops it.
      this.storeFault('cursor-not-increasing', entry.cursor, this.liveCursor);
    } else {
      this.liveEpoch = parsed.epoch;
      this.livePosition = parsed.position;
      this.liveCursor = entry.cursor;
    }
    if (entry.userId === null) {
      for (const subscriber of this.everyone) subscriber.deliver(entry, frame, position);
      return;
    }
    const own = this.byUser.get(entry.userId);
    if (own !== undefined) for (const subscriber of own) subscriber.deliver(entry, frame, position);
    for (const admin of this.admins) if (admin.principal.userId !== entry.userId) admin.deliver(entry, frame, position);
  }

  /**
   * Reports an entry of the store that breaks the cursor rule of {@link StreamStore.append}
   * (`formatCursor(epoch, position)`, positions from one increasing sequence across the store):
   * counted in `stats().storeFaults` per fault, and logged as an error (`store-cursor-unreadable`,
   * `store-cursor-not-increasing`, the cursor shown quoted and cut to 60 characters) once per
   * fault, a position fault once per epoch, as the store's other faults are, so that no such
   * entry is dropped on every socket in silence.
   * - `unreadable-cursor`: not `<epoch>.<position>`. Not sent on sockets: without a position
   *   neither a replay nor the live feed can tell it from one already sent, nor a resume from it.
   * - `cursor-not-increasing`: at or below the position before it (the live feed's, or the
   *   replay page's) in the same epoch. A socket that has sent a later position drops it.
   */
  storeFault(fault: 'unreadable-cursor' | 'cursor-not-increasing', cursor: unknown, after?: unknown): void {
    bump(this.counters.storeFaults, fault);
    const epoch = fault === 'unreadable-cursor' ? '' : (parseCursor(cursor)?.epoch ?? '');
    const key = `${fault} ${epoch}`;
    if (this.faultsLogged.has(key)) return;
    if (this.faultsLogged.size >= 100) this.faultsLogged.clear();
    this.faultsLogged.add(key);
    const rule = 'a store must make its cursors with formatCursor(epoch, position), positions from one increasing sequence across all its streams';
    if (fault === 'unreadable-cursor') {
      this.options.logger?.error(
        { event: 'store-cursor-unreadable', cursor: preview(cursor) },
        `the stream store gave an entry whose cursor is not <epoch>.<position>: not sent on sockets (${rule}; further ones counted in stats().storeFaults)`,
      );
    } else {
      this.options.logger?.error(
        { event: 'store-cursor-not-increasing', cursor: preview(cursor), ...(after == null ? {} : { after: preview(after) }) },
        `the stream store gave an entry whose position is not above the one before it: sockets that sent a later one drop it (${rule}; further ones counted in stats().storeFaults)`,
      );
    }
  }

  /** Adds a live consumer (before its first read, so nothing falls between). */
  addSubscriber(subscriber: Subscriber): void {
    this.everyone.add(subscriber);
    if (subscriber.principal.admin) this.admins.add(subscriber);
    let own = this.byUser.get(subscriber.principal.userId);
    if (own === undefined) this.byUser.set(subscriber.principal.userId, (own = new Set()));
    own.add(subscriber);
  }

  removeSubscriber(subscriber: Subscriber): void {
    this.everyone.delete(subscriber);
    this.admins.delete(subscriber);
    const own = this.byUser.get(subscriber.principal.userId);
    if (own !== undefined) {
      own.delete(subscriber);
      if (own.size === 0) this.byUser.delete(subscriber.principal.userId);
    }
  }

  /** Sockets open for `userId`. */
  socketsOf(userId: string): number {
    let count = 0;
    for (const subscriber of this.byUser.get(userId) ?? []) if (subscriber instanceof Connection) count++;
    return count;
  }

  /**
   * Accepts an authenticated socket: registers it, then sends `connection` (with `resume` and
   * `cursor`), the replay after `since`, and the live stream.
   */
  accept(transport: Transport, principal: Principal, since: string | null): Connection {
    const connection = new Connection(this, this.nextId++, principal, transport);
    this.connections.add(connection);
    this.addSubscriber(connection);
    if (principal.expiresAt !== undefined) this.nextExpiry = Math.min(this.nextExpiry, principal.expiresAt);
    connection.start(since).catch((error: unknown) => {
      // Its socket gone while its read waited its turn: dropped, nothing to say.
      if (connection.reads.signal.aborted) return;
      this.options.logger?.error({ event: 'resume-failed', connection: connection.id, err: errorSummary(error) }, 'reading the stream store failed');
      this.closeConnection(connection, CloseCode.InternalError, 'stream store unavailable');
    });
    return connection;
  }

  /** The transport reported the socket closed (by either side). */
  closed(connection: Connection, code: number): void {
    if (connection.closed) return;
    connection.closed = true;
    connection.closing = true;
    connection.reads.abort();
    connection.checkDrained();
    bump(this.counters.closes, connection.closeCode ?? code);
    this.connections.delete(connection);
    this.closingSet.delete(connection);
    this.removeSubscriber(connection);
    this.dirty.delete(connection);
    this.throttled.delete(connection);
  }

  /**
   * The peer's close frame came first (its closing handshake): `connection` is closing, no longer pinged nor judged by the
   * keepalive, and no longer one of its user's open sockets; the tick terminates it if the peer does not end the connection
   * within 2 s. A client that sent 1000 and stopped reading was closed 4408 "pong timeout" by the next round (counted and
   * logged as such), and stayed one of its user's sockets for the 30 s `ws` waits for the end (tGU F7). Its code is the peer's.
   */
  peerClosing(connection: Connection, graceMs = 2000): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.closeDeadline = this.options.monotonicNow() + graceMs;
    this.closingSet.add(connection);
    this.removeSubscriber(connection);
    connection.checkDrained();
  }

  /** Starts closing `connection` with `code`; the tick terminates it if the peer does not finish the handshake. */
  closeConnection(connection: Connection, code: number, reason: string, graceMs = 2000): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.closeCode = code;
    connection.closeDeadline = this.options.monotonicNow() + graceMs;
    this.closingSet.add(connection);
    this.removeSubscriber(connection);
    connection.checkDrained();
    this.options.logger?.info({ event: 'close', connection: connection.id, code, reason }, 'closing connection');
    try {
      connection.transport.close(code, reason);
    } catch {
      connection.transport.terminate();
    }
  }

  scheduleFlush(connection: Connection): void {
    if (this.dirty.has(connection)) return;
    this.dirty.add(connection);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Writes are batched per tick: everything published in this turn goes out in one write per socket.
    setImmediate(() => {
      this.flushScheduled = false;
      const dirty = [...this.dirty];
      this.dirty.clear();
      for (const connection of dirty) connection.flush();
    });
  }

  /** Resumes `connection`'s flush after `waitMs` (the outbound rate), on one timer shared by all. */
  throttle(connection: Connection, waitMs: number): void {
    this.throttled.add(connection);
    if (this.throttleTimer !== null) return;
    this.throttleTimer = setTimeout(() => {
      this.throttleTimer = null;
      const throttled = [...this.throttled];
      this.throttled.clear();
      for (const connection of throttled) connection.flush();
    }, waitMs);
  }

  /** Closes with 4408 each socket whose oldest unanswered ping is past the pong timeout; sets the next deadline. */
  private judgePongDeadlines(): void {
    const now = this.options.monotonicNow();
    const { pongTimeoutMs } = this.options;
    // Each socket's deadline runs from its oldest unanswered ping (with a ping interval
    // shorter than the pong timeout, several rounds may be awaited at once), from when it was
    // written: one the server has yet to write is judged once it is (`now`: looked at again then).
    let oldest = Infinity;
    let oldestArmed = Infinity;
    for (const connection of this.connections) {
      if (connection.pingSentAt === null || connection.closing) continue;
      if (connection.replaying) connection.noteProgress(now);
      const from = connection.pongDeadlineFrom();
      if (from !== null && now >= from + pongTimeoutMs) {
        connection.pingSentAt = null;
        connection.pingWrittenAt = null;
        // A client that answers with another timestamp (its own clock's, the ping's plus one)
        // was closed as one that never answered: the reason says which (at most 123 bytes).
        const reason = connection.unmatchedPong !== null ? `pong timeout: the pongs echoed no ping's timestamp (the last: ${connection.unmatchedPong})` : connection.invalidPong !== null ? pongRefusedReason(connection.invalidPong) : 'pong timeout';
        // A peer that ignores pings may ignore the close too: wait for it only briefly.
        this.closeConnection(connection, CloseCode.PongTimeout, reason, Math.min(1000, pongTimeoutMs));
      } else {
        oldest = Math.min(oldest, from ?? now);
        oldestArmed = Math.min(oldestArmed, connection.pingSentAt);
      }
    }
    this.pongDeadline = oldest === Infinity ? null : oldest + pongTimeoutMs;
    // A pong answers a round sent since its socket's oldest unanswered ping: rounds before the
    // oldest still awaited answer none. Pruned here, after the sockets were read, not when the
    // next round is sent: a round due as the loop resumes from a stall dropped the one whose
    // pongs were still unread, and those pongs then echoed "no ping's timestamp".
    // By when each was armed, as a pong is matched.
    while (this.pingRounds.length > 1 && this.pingRounds[0]!.sentAt < oldestArmed) this.pingRounds.shift();
  }

  private tick(): void {
    const now = this.options.monotonicNow();
    const { pingIntervalMs, pongTimeoutMs } = this.options;
    // A socket whose replay is leaving is judged by its link's progress: looked at each tick, so
    // a link that stops taking bytes is closed within a tick of its pong timeout from then.
    for (const connection of this.connections) if (connection.pingSentAt !== null && connection.replaying && !connection.closing) connection.noteProgress(now);
    if (this.pongDeadline !== null && now >= this.pongDeadline && !this.judgeScheduled) {
      // Judged after the loop's next read of the sockets (setImmediate runs after the poll
      // phase), not in this timer: after the server's own loop stalled (a long GC pause, a
      // synchronous handler, the process frozen by SIGSTOP or a VM pause), a pong that arrived
      // in time waits unread in the kernel's buffer, and its client was closed 4408 as silent
      // (a hostile tester). One immediate per deadline due, whatever the number of sockets.
      this.judgeScheduled = true;
      setImmediate(() => {
        this.judgeScheduled = false;
        if (this.keepalive !== null) this.judgePongDeadlines();
      });
    }
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + pingIntervalMs;
      this.pongDeadline = Math.min(this.pongDeadline ?? Infinity, now + pongTimeoutMs);
      // The timestamp on the wire is epoch milliseconds (spec "Keepalive"), so the wall clock's.
      const timestamp = this.options.now();
      this.pingRounds.push({ timestamp, sentAt: now });
      for (const connection of this.connections) {
        if (connection.closing) continue;
        connection.pingSentAt ??= now;
        connection.sendDirect({ type: 'ping', timestamp });
      }
    }
    // Token expiry is wall time (`exp`).
    const wallNow = this.options.now();
    if (wallNow >= this.nextExpiry) {
      this.nextExpiry = Infinity;
      for (const connection of this.connections) {
        const expiresAt = connection.principal.expiresAt;
        if (expiresAt === undefined || connection.closing) continue;
        if (expiresAt <= wallNow) this.closeConnection(connection, CloseCode.TokenExpired, 'token expired');
        else this.nextExpiry = Math.min(this.nextExpiry, expiresAt);
      }
    }
    for (const connection of this.closingSet) {
      if (!connection.closed && now >= connection.closeDeadline) connection.transport.terminate();
    }
  }

  /** Terminates every socket still closing (shutdown deadline). */
  terminateClosing(): void {
    for (const connection of this.closingSet) if (!connection.closed) connection.transport.terminate();
  }

  /** Whether {@link refuseAppends} was called: `publish` and `broadcast` then reject with {@link serverClosedError}. */
  private appendsRefused = false;

  /** From now on `publish` and `broadcast` reject with {@link serverClosedError} (after their synchronous checks); the server's close() calls it first. */
  refuseAppends(): void {
    this.appendsRefused = true;
  }

  /** Stops the timers and the store subscription. Sockets are the adapter's to close. */
  stop(): void {
    if (this.keepalive !== null) clearInterval(this.keepalive);
    if (this.throttleTimer !== null) clearTimeout(this.throttleTimer);
    this.keepalive = null;
    this.unsubscribe();
    this.unsubscribeGap?.();
  }
}

/** A rate as the RATE_LIMITED error and the 4429's reason say it: `20 messages a second (burst 40)`, each number to 6 significant digits. */
function rateText(limit: RateLimit): string {
  const number = (value: number): string => String(Number(value.toPrecision(6)));
  return `${number(limit.perSecond)} message${limit.perSecond === 1 ? '' : 's'} a second (burst ${number(limit.burst)})`;
}

/**
 * What `publish` and `broadcast` reject with from the server's `close()` on: an Error whose `code` is `ERR_SERVER_CLOSED`, its
 * message naming the call (`publish() after close(): …`).
 */
function serverClosedError(called: 'publish' | 'broadcast'): Error {
  return Object.assign(new Error(`${called}() after close(): the server is closed (or closing), so nothing was stored or sent`), { code: 'ERR_SERVER_CLOSED' });
}

/**
 * The 4408's reason for a client whose last pong was refused as invalid (`at`: where), at most
 * 123 bytes of UTF-8 (RFC 6455's limit for a close reason): the pointer, which holds the client's
 * key, cut where no character is split, with controls and half surrogate pairs escaped.
 */
function pongRefusedReason(at: string): string {
  const prefix = 'pong timeout: the pong sent was invalid (';
  const where = escapeLoneSurrogates(at).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const room = 123 - prefix.length - 1;
  if (Buffer.byteLength(where) <= room) return `${prefix}${where})`;
  let [end, bytes] = [0, 3];
  for (const char of where) {
    const size = Buffer.byteLength(char);
    if (bytes + size > room) break;
    [end, bytes] = [end + char.length, bytes + size];
  }
  return `${prefix}${where.slice(0, end)}...)`;
}

/**
 * A log-safe summary of an error: its name, code and message (no payload, no stack), any JWT in
 * any of them `[redacted]` ({@link redactJwts}): a hook's error that quoted its token
 * (`could not verify token eyJ…`) was logged whole, though no token is ever logged (a fresh user).
 * With `hidden` (a hook's error: the texts of the request it was called for), those are taken out
 * first ({@link redactHiddenTexts}): the request's token, whatever its shape (an opaque session id
 * was logged whole: only a JWT was recognised, tGF F3), in one field or split between them (tGF F4),
 * its query values and its Origin's user info (the line's `url` hid them, its `err` showed them: tGF F8).
 * The user info of any URL in them is `[redacted]` too ({@link withUrlUserInfoRedacted}: a driver's error quoting
 * `postgres://app:<password>@db`, tGV F12).
 */
export function errorSummary(error: unknown, hidden?: HiddenTexts): { name?: string; code?: string; message?: string } {
  // Total, whatever the value: `instanceof` runs a Proxy's getPrototypeOf, which a revoked Proxy (or a throwing trap)
  // throws from; outside any try, it escaped the catch that called this: the process ended (tHM F4).
  try {
    return summaryOf(error, hidden);
  } catch {
    return { message: '(a value that cannot be shown as text)' };
  }
}

/** Whether `value` is an Error, false for a value whose prototype cannot be read (a revoked Proxy), never a throw (tHM F4). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** {@link errorSummary}'s work, which may throw. */
function summaryOf(error: unknown, hidden: HiddenTexts | undefined): { name?: string; code?: string; message?: string } {
  if (!isError(error)) return { message: withUrlUserInfoRedacted(redactJwts(hide([shownText(() => error)], hidden)[0]!)) };
  // Its name too, which a wrapper may build from the input (`e.name = token`, a `TokenError: <jwt>` split into name and message): printed whole (tFU F15).
  const [rawName, code, rawMessage] = hide([shownText(() => error.name), shownText(() => (error as { code?: unknown }).code || ''), shownText(() => error.message)], hidden);
  const [name, message] = redactJwtsAcross(rawName!, rawMessage!).map(withUrlUserInfoRedacted) as [string, string];
  return { name, ...(code ? { code: withUrlUserInfoRedacted(redactJwts(code)) } : {}), message };
}

/** `texts` with `hidden` taken out ({@link redactHiddenTexts}), or as they are without it. */
function hide(texts: string[], hidden: HiddenTexts | undefined): string[] {
  return hidden === undefined ? texts : redactHiddenTexts(texts, hidden);
}

/**
 * `String(read())`, or words saying it cannot be shown: an object whose `toString` is no function
 * (a hook's error named after a token header's field, `{"kid":{"toString":1}}`), one without a
 * prototype, or a getter that throws made errorSummary throw, and the server's process died on
 * logging a hook's error (tGD F6).
 */
function shownText(read: () => unknown): string {
  try {
    return String(read());
  } catch {
    return '(a value that cannot be shown as text)';
  }
}

/**
 * What a newer state replaces in a connection's queue (`x-delivery: { class: "state" }`): the
 * same type, the same key value, and the same user. An admin's socket carries every user's
 * stream, and one user's balance on Luno is not another's. Undefined for an event (never merged).
 */
function conflationKey(entry: StreamEntry): string | undefined {
  if (entry.key === undefined || entry.key === null) return undefined;
  const user = entry.userId ?? '';
  return `${entry.type}\u0000${user.length}:${user}\u0000${entry.key}`;
}

/**
 * The string `type` of a message given to `called` (`publish(userId, message)`), or a TypeError
 * that says what was given instead, in the words `serializeMessage` uses (`needs a message
 * object, got nothing`), every text shown escaped: a string message (a frame serialized
 * already) read as `"undefined" is not a per-user message type`, and a type was shown raw, a
 * newline in it forging a log line (a fresh user).
 */
function typeOf(message: unknown, called: 'publish' | 'broadcast'): string {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    const json = typeof message === 'string' && message.trimStart().startsWith('{');
    throw new TypeError(`${called === 'publish' ? 'publish(userId, message)' : 'broadcast(message)'} needs a message object, got ${preview(message)}${json ? '; give the object, not its JSON text: the server serializes it' : ''}`);
  }
  const type = (message as { type?: unknown }).type;
  const audience = called === 'publish' ? 'a per-user message type (x-audience: user)' : 'a global message type (x-audience: global)';
  if (typeof type !== 'string') throw new TypeError(`${called}: message.type must be a string naming ${audience}, got ${preview(type)}`);
  return type;
}

/** What to call instead of `publish` or `broadcast` for a message of `type`. */
function audienceAdvice(type: unknown, called: 'publish' | 'broadcast'): string {
  const audience = typeof type === 'string' ? audienceOf(type) : undefined;
  if (audience === 'connection') return 'the server sends it on each connection itself (connection, ping, pong, error), never through the stream';
  if (audience === 'global' && called === 'publish') return 'use broadcast(message): it goes to every user';
  if (audience === 'user' && called === 'broadcast') return 'use publish(userId, message): it goes to that user and admins';
  return 'not a message type of this contract';
}
