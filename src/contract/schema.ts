/**
 * The JSON Schema (draft-07) subset the contract is written in, and the contract model that
 * every code generator reads: the message schemas in spec order, the shared definitions and
 * the protocol facts.
 */

/** Who sends a message (DESIGN.md, principle 2). */
export type Direction = 'server-to-client' | 'client-to-server';

/** A JSON Schema node as written in `schemas/`, including this project's `x-` keywords. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  /** A list of schemas (a tuple) is valid draft-07 too; the loader accepts it only when ajv's strict mode does. */
  items?: SchemaNode;
  additionalItems?: boolean | SchemaNode;
  contains?: SchemaNode;
  patternProperties?: Record<string, SchemaNode>;
  propertyNames?: SchemaNode;
  /** Property name → a schema the whole object must then match, or the names it then requires. */
  dependencies?: Record<string, SchemaNode | string[]>;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
  examples?: unknown[];
  /** Direction(s) of a message schema: one, or both for messages that travel either way (ping, pong). */
  'x-direction'?: Direction | Direction[];
  /** Who receives a server→client message: one user's stream, every user, or one socket. */
  'x-audience'?: Audience;
  /** Whether a message may be conflated to its latest value per key. */
  'x-delivery'?: Delivery;
  /** Heading of the spec section a message schema implements, e.g. "3. Trades". */
  'x-spec-section'?: string;
  /** Known values of an open string: documented and offered to TypeScript, not enforced. */
  'x-known-values'?: string[];
  [keyword: string]: unknown;
}

/**
 * Who receives a message (issue "Reference server", spec note 2): `user` — one user's stream
 * (and admins); `global` — every connected user; `connection` — one socket only, never stored.
 */
export type Audience = 'user' | 'global' | 'connection';

/**
 * Delivery class: an `event` is never dropped or merged; a `state` is superseded by the next
 * message with the same `key` (a JSON Pointer into the message, or null: one state per type),
 * so it may be conflated to its latest value under backpressure or a rate limit.
 */
export type Delivery = { class: 'event' } | { class: 'state'; key: string | null };

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** One message type: its schema file and the facts every generator needs. */
export interface MessageSchema {
  /** Wire value of `type`, e.g. "trades". */
  type: string;
  /** File name under `schemas/`, e.g. "trades.json". */
  file: string;
  /** Type name, from the schema's `title`, e.g. "TradesMessage". */
  title: string;
  /** Who may send it: one direction, or both (ping, pong). */
  directions: Direction[];
  audience: Audience;
  delivery: Delivery;
  /** Spec section heading, e.g. "3. Trades". */
  section: string;
  /** Whether the message uses the `{type, data, ts}` envelope (false for ping/pong). */
  enveloped: boolean;
  schema: SchemaNode;
}

/** A schema file that is not a message: a document of the protocol such as the poll response. */
export interface DocumentSchema {
  /** File name under `schemas/`, e.g. "poll-response.json". */
  file: string;
  /** Type name, from the schema's `title`, e.g. "PollResponse". */
  title: string;
  section: string;
  schema: SchemaNode;
}

/** A WebSocket close code the server uses, with the reconnect advice for clients. */
export interface CloseCodeFact {
  code: number;
  /** PascalCase name, e.g. "TokenExpired". */
  name: string;
  /** `yes` (with backoff), `no`, or `with-new-token` (only after getting a new JWT). */
  reconnect: 'yes' | 'no' | 'with-new-token';
  description: string;
}

/** A known `error.data.code` value; its description says when the reference server sends it (or that it never does). */
export interface ErrorCodeFact {
  /** Wire value, UPPER_SNAKE_CASE. */
  code: string;
  /** PascalCase name, e.g. "InvalidJson". */
  name: string;
  description: string;
}

/** Protocol-wide facts from `schemas/protocol.json`. */
export interface ProtocolFacts {
  version: string;
  connection: { url: string; path: string; authentication: string };
  /** Milliseconds. */
  keepalive: { pingIntervalMs: number; pongTimeoutMs: number };
  /** The polling fallback: path, long-poll hold (milliseconds), messages per response. */
  polling: { path: string; holdMs: number; maxMessages: number; description: string };
  closeCodes: CloseCodeFact[];
  errorCodes: ErrorCodeFact[];
  versionHistory: { version: string; date: string; changes: string }[];
}

/** Everything under `schemas/`, checked and in spec order. */
export interface Contract {
  /** Message schemas ordered by spec section, then by type. */
  messages: MessageSchema[];
  /** Schema files that are neither messages nor definitions nor protocol (the poll response), by file name. */
  documents: DocumentSchema[];
  /** `schemas/definitions.json`. */
  definitions: SchemaNode;
  /** `schemas/protocol.json`. */
  protocolSchema: SchemaNode;
  protocol: ProtocolFacts;
  /** Every schema file by file name, as read. */
  files: Map<string, SchemaNode>;
  /**
   * Every schema in one draft-07 document whose `$ref`s are all local (`#/definitions/<Name>`),
   * built once by the loader (see `bundleContract`) and read by every target that cannot follow
   * cross-file references.
   */
  bundle: SchemaNode;
}

/** Base URI of every `$id` in `schemas/`. */
export const SCHEMA_BASE_URI = 'https://realtime-contract.dev/schemas/';
