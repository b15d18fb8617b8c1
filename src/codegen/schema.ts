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
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
  examples?: unknown[];
  /** Direction of a message schema. */
  'x-direction'?: Direction;
  /** Heading of the spec section a message schema implements, e.g. "3. Trades". */
  'x-spec-section'?: string;
  /** Known values of an open string: documented and offered to TypeScript, not enforced. */
  'x-known-values'?: string[];
  [keyword: string]: unknown;
}

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** One message type: its schema file and the facts every generator needs. */
export interface MessageSchema {
  /** Wire value of `type`, e.g. "trades". */
  type: string;
  /** File name under `schemas/`, e.g. "trades.json". */
  file: string;
  /** Type name, from the schema's `title`, e.g. "TradesMessage". */
  title: string;
  direction: Direction;
  /** Spec section heading, e.g. "3. Trades". */
  section: string;
  /** Whether the message uses the `{type, data, ts}` envelope (false for ping/pong). */
  enveloped: boolean;
  schema: SchemaNode;
}

/** Protocol-wide facts from `schemas/protocol.json`. */
export interface ProtocolFacts {
  version: string;
  connection: { url: string; path: string; authentication: string };
  keepalive: { pingIntervalMs: number; pongTimeoutMs: number };
  versionHistory: { version: string; date: string; changes: string }[];
}

/** Everything under `schemas/`, checked and in spec order. */
export interface Contract {
  /** Message schemas ordered by spec section, then by type. */
  messages: MessageSchema[];
  /** `schemas/definitions.json`. */
  definitions: SchemaNode;
  /** `schemas/protocol.json`. */
  protocolSchema: SchemaNode;
  protocol: ProtocolFacts;
  /** Every schema file by file name, as read. */
  files: Map<string, SchemaNode>;
}

/** Base URI of every `$id` in `schemas/`. */
export const SCHEMA_BASE_URI = 'https://realtime-contract.dev/schemas/';
