import { mapSchema, type Contract, type Direction, type MessageSchema, type SchemaNode } from '../contract/index.js';
import { REFUSALS } from '../shared/refusals.js';
import { pascal } from './language-shape.js';

/** AsyncAPI version of the generated document (the parser's hint to use 3.1.0 is informational). */
export const ASYNCAPI_VERSION = '3.0.0';

/**
 * Generates `asyncapi.json`: the contract as an AsyncAPI 3.0 document, so AsyncAPI's own
 * tools (Studio, generator, modelina) can read it (issue 13).
 *
 * - Described from the server's side: it `send`s server→client messages and `receive`s
 *   client→server ones (ping and pong both ways); a client does the opposite.
 * - One server, `wss://<host>` (no `pathname`: the channel's address is the path, relative,
 *   `api/ws`, so it resolves against the server's URL as @asyncapi/parser's `url()` gives it,
 *   `wss://<host>/` with its slash: `url() + address` and `new URL(address, url())` are both
 *   `wss://<host>/api/ws`; `/api/ws` made `//api/ws`, which the server answers 404: tCD F4),
 *   authenticated with the JWT in the `token` query
 *   parameter (security scheme `httpApiKey` in query) or an `Authorization: Bearer` header;
 *   the WebSocket channel binding describes the handshake (`GET`, query `token` and `since`).
 * - One channel for the socket (its address the socket's path without its first slash, `api/ws`), with every message; one
 *   operation per message and direction.
 * - Every message under `components.messages` with its payload (`#/components/schemas/<Title>`)
 *   and the schema's examples; every definition under `components.schemas`, `$ref`s rewritten
 *   from `#/definitions/X` to `#/components/schemas/X` (the parser resolves refs against the
 *   whole document).
 * - The polling fallback: a second server (`https`, the host alone) and channel (its address the poll path) whose operation
 *   has the HTTP binding `GET` with its query, answering the PollResponse document; `info.x-polling`
 *   holds its path, hold (`holdMs`, milliseconds) and `maxMessages`, which its texts name with their figures.
 * - The refusals of an upgrade and a poll (src/shared/refusals.ts, the server's list): each status
 *   and `{"error":<code>}` code under `info.x-refusal-codes`, by status in the socket channel's
 *   description, and as the poll's `PollRefusal` message (payload `http-refusal`).
 * - Every closed list, object and choice titled as Go and Python name it ({@link named}).
 *
 * Pure: the same contract gives the same bytes.
 */
export async function emitAsyncApi(contract: Contract): Promise<Map<string, string>> {
  return new Map([['asyncapi.json', `${JSON.stringify(buildAsyncApi(contract), null, 2)}\n`]]);
}

/** The AsyncAPI document as an object (see {@link emitAsyncApi}). */
export function buildAsyncApi(contract: Contract): Record<string, unknown> {
  const bundle = contract.bundle;
  const { protocol } = contract;
  const url = new URL(protocol.connection.url.replace(/<[^>]*>/g, 'x'));
  const host = url.host;
  const messageTypes = contract.messages.map((m) => m.type);
  const found = contract.documents.find((d) => d.title === 'PollResponse');

  // A schema's text names the paths by protocol.json's keys (`GET <x-polling.path>?since=<cursor>`):
  // written out here, so that the document follows a moved path (it kept `/api/ws/poll`: tBK F3).
  const withPaths = (text: string) => text.replace(/<x-polling\.path>/g, protocol.polling.path).replace(/<x-connection\.path>/g, protocol.connection.path);
  const schemas: Record<string, SchemaNode> = {};
  for (const [name, node] of Object.entries(bundle.definitions ?? {})) schemas[name] = named(forAsyncApi(node, withPaths), name);

  const messages: Record<string, unknown> = {};
  const described = <T extends { schema: SchemaNode }>(message: T): T => ({ ...message, schema: { ...message.schema, ...(typeof message.schema.description === 'string' && { description: withPaths(message.schema.description) }) } });
  const poll = found === undefined ? undefined : described(found);
  const contractMessages = contract.messages.map(described);
  for (const message of contractMessages) {
    messages[message.type] = {
      name: message.type,
      title: message.title,
      summary: message.directions.length > 1 ? capitalise(withoutDirection(firstSentence(message.schema.description ?? message.title))) : firstSentence(message.schema.description ?? message.title),
      description: message.schema.description,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${message.title}` },
      examples: (message.schema.examples ?? []).map((example, index) => ({ name: `${message.type}-${index + 1}`, payload: example })),
      'x-directions': message.directions,
      'x-audience': message.audience,
      'x-delivery': message.delivery,
      'x-spec-section': message.section,
    };
  }
  if (poll) {
    messages[poll.title] = {
      name: poll.title,
      title: poll.title,
      summary: firstSentence(poll.schema.description ?? poll.title),
      description: poll.schema.description,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${poll.title}` },
      examples: (poll.schema.examples ?? []).map((example, index) => ({ name: `${poll.title}-${index + 1}`, payload: example })),
      bindings: { http: { statusCode: 200, bindingVersion: '0.3.0' } },
    };
  }

  // x-polling's description names its facts (`<path>`, `holdMs`, `maxMessages`): each with its
  // figure, and the facts under info's x-polling as the keepalive's are (tBK F2).
  const pollingFacts = { path: protocol.polling.path, holdMs: protocol.polling.holdMs, maxMessages: protocol.polling.maxMessages };
  const pollingText = protocol.polling.description
    .replace(/<path>/g, protocol.polling.path)
    .replace(/`(holdMs|maxMessages)`/g, (name, key: 'holdMs' | 'maxMessages') => `${name} (${pollingFacts[key]})`);

  // A refused upgrade or poll: plain HTTP, its body `{"error":<code>}`, the code a client switches on
  // (no-token: resend with ?token=; invalid-token: stop). The server's own list (src/shared/refusals.ts),
  // which the document named none of (tBK F5).
  const refusalsOn = (on: 'upgrade' | 'poll') =>
    [...new Set(REFUSALS.filter((refusal) => refusal.on.includes(on)).map((refusal) => refusal.status))]
      .map((status) => `${status} ${REFUSALS.filter((refusal) => refusal.status === status && refusal.on.includes(on)).map((refusal) => `\`${refusal.code}\``).join(', ')}`)
      .join('; ');
  const refusalBody = (on: 'upgrade' | 'poll') =>
    `A refused ${on === 'upgrade' ? 'upgrade' : 'poll'} is answered with an HTTP status and the body \`{"error":<code>}\` (and a \`detail\` for a person where there is more to say), whose code is the one to switch on: ${refusalsOn(on)}. info.x-refusal-codes says what each means and what a client does; an \`authenticate\` hook may refuse with codes of its own.`;
  if (poll) {
    messages[REFUSAL_MESSAGE] = {
      name: REFUSAL_MESSAGE,
      title: 'Poll refused',
      summary: 'A refused poll: an HTTP status other than 200 and `{"error":<code>}`.',
      description: refusalBody('poll'),
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${REFUSAL_SCHEMA}` },
      examples: [
        { name: 'no-token', summary: '401: no token (resend with `?token=`)', payload: { error: 'no-token' } },
        { name: 'invalid-token', summary: '401: the token is refused (retry only with a new one)', payload: { error: 'invalid-token' } },
      ],
    };
  }

  const cursor = { $ref: '#/components/schemas/Cursor' };
  const operations: Record<string, unknown> = {};
  for (const message of contractMessages) {
    for (const direction of message.directions) {
      const action = direction === 'server-to-client' ? 'send' : 'receive';
      operations[operationName(action, message.type)] = {
        action,
        channel: { $ref: '#/channels/stream' },
        title: `${action === 'send' ? 'Send' : 'Receive'} ${message.type}`,
        // The operation's own direction, not the one a description's first sentence names: ping's and
        // pong's are the spec's v1.0 sentences ("Server → Client ping …"), wrong for the v1.1 way back.
        summary: `${arrow(direction)}: ${capitalise(withoutDirection(firstSentence(message.schema.description ?? message.title)))}`,
        messages: [{ $ref: `#/channels/stream/messages/${message.type}` }],
      };
    }
  }
  if (poll) {
    operations[POLL_OPERATION] = {
      action: 'send',
      channel: { $ref: '#/channels/poll' },
      title: 'Answer a poll',
      summary: `GET ${protocol.polling.path}?since=<cursor>: the messages after the cursor, held up to ${protocol.polling.holdMs} ms when none are pending, at most ${protocol.polling.maxMessages} per response.`,
      description: pollingText,
      bindings: {
        http: {
          method: 'GET',
          query: {
            type: 'object',
            properties: {
              since: { allOf: [cursor], description: 'The last cursor the client saw; without it the server answers at once with the head cursor and no messages.' },
              token: { type: 'string', description: 'The JWT, unless sent as `Authorization: Bearer <JWT>`.' },
            },
          },
          bindingVersion: '0.3.0',
        },
      },
      messages: [{ $ref: `#/channels/poll/messages/${poll.title}` }, { $ref: `#/channels/poll/messages/${REFUSAL_MESSAGE}` }],
    };
  }

  const security = [{ $ref: '#/components/securitySchemes/token' }, { $ref: '#/components/securitySchemes/bearer' }];
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'Real-time WebSocket protocol',
      version: protocol.version,
      description:
        'The trading platform\'s real-time protocol, generated from realtime-contract\'s schemas (do not edit). ' +
        'Operations are described from the server\'s side: it sends server→client messages and receives client→server ones. ' +
        `Keepalive: the server pings every ${protocol.keepalive.pingIntervalMs} ms and closes with 4408 when no pong answers within ${protocol.keepalive.pongTimeoutMs} ms.`,
      'x-close-codes': protocol.closeCodes,
      'x-error-codes': protocol.errorCodes,
      'x-keepalive': protocol.keepalive,
      'x-refusal-codes': REFUSALS.map(({ code, status, on, description }) => ({ code, status, on, description })),
      ...(poll && { 'x-polling': pollingFacts }),
    },
    defaultContentType: 'application/json',
    servers: {
      websocket: {
        host,
        protocol: 'wss',
        title: 'WebSocket endpoint',
        summary: `wss://${host}${protocol.connection.path}?token=<JWT>[&since=<cursor>]`,
        description: protocol.connection.authentication,
        security,
      },
      ...(poll && {
        polling: {
          host,
          protocol: 'https',
          title: 'Polling fallback',
          summary: `https://${host}${protocol.polling.path}?since=<cursor>`,
          description: pollingText,
          security,
        },
      }),
    },
    channels: {
      stream: {
        // The path itself (a `null` address means "unknown" in AsyncAPI 3.0: the Markdown template
        // titled every operation "SEND `null`": tBK F4). Said once: a reader composes the server's
        // host and pathname, then the channel's address, so the servers have no pathname (with
        // both, tools built wss://host/api/ws/api/ws: tCC F7), and the address has no leading
        // slash: the parser's url() ends with one (`//api/ws`, answered 404: tCD F4).
        address: relativeAddress(protocol.connection.path),
        title: 'The WebSocket connection',
        description: `A WebSocket has one channel: the connection itself. Every frame is one JSON message, discriminated by \`type\`. ${addressRule('wss', host, protocol.connection.path)} ${refusalBody('upgrade')}`,
        servers: [{ $ref: '#/servers/websocket' }],
        messages: Object.fromEntries(messageTypes.map((type) => [type, { $ref: `#/components/messages/${type}` }])),
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              properties: {
                token: { type: 'string', description: 'The JWT, unless sent as `Authorization: Bearer <JWT>`. A refused upgrade gets an HTTP status and no socket: 401 for the token (retry only with a new one), 403, 429, and 503 to retry with the same token after `Retry-After`; the websocket server\'s description lists them all.' },
                since: { allOf: [cursor], description: 'Resume after this cursor (protocol v1.1): the connection message says whether the stream resumed or has a gap.' },
              },
            },
            headers: {
              type: 'object',
              properties: { Authorization: { type: 'string', pattern: '^Bearer .+$', description: 'Non-browser clients may send the JWT here instead of the token query parameter.' } },
            },
            bindingVersion: '0.1.0',
          },
        },
      },
      ...(poll && {
        poll: {
          address: relativeAddress(protocol.polling.path),
          title: 'The polling fallback',
          description: `${pollingText} ${addressRule('https', host, protocol.polling.path)}`,
          servers: [{ $ref: '#/servers/polling' }],
          messages: { [poll.title]: { $ref: `#/components/messages/${poll.title}` }, [REFUSAL_MESSAGE]: { $ref: `#/components/messages/${REFUSAL_MESSAGE}` } },
        },
      }),
    },
    operations,
    components: {
      schemas: {
        ...schemas,
        ...(poll && {
          [REFUSAL_SCHEMA]: {
            title: 'HttpRefusal',
            description: 'The body of a refused upgrade or poll (any status but 101 and 200).',
            type: 'object',
            required: ['error'],
            properties: {
              error: { type: 'string', description: 'The refusal\'s code, kebab-case: the one a client switches on (info.x-refusal-codes).', 'x-known-values': [...new Set(REFUSALS.map((refusal) => refusal.code))] },
              detail: { type: 'string', description: 'What a person reads, where there is more to say than the code.' },
            },
          },
        }),
      },
      messages,
      securitySchemes: {
        token: { type: 'httpApiKey', name: 'token', in: 'query', description: 'The JWT as the `token` query parameter (browsers cannot set headers on a WebSocket).' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The JWT as `Authorization: Bearer <JWT>`.' },
      },
    },
  };
}

/** The poll channel's message of a refused poll, beside PollResponse under `components.messages`. */
export const REFUSAL_MESSAGE = 'PollRefusal';

/** The poll's operation, under `operations` beside the message types' ({@link operationName}). */
export const POLL_OPERATION = 'sendPollResponse';

/**
 * The operation of message type `type` in `action` (`send`: server→client, `receive`), as
 * `operations` names it: `sendTrades`, `receivePong`. check.ts refuses a message type whose name
 * would be {@link POLL_OPERATION}, or whose message key would be the poll's, as one would stand
 * for the other (`poll_response` lost its operation in silence: tCC F11).
 */
export function operationName(action: 'send' | 'receive', type: string): string {
  return `${action}${pascal(type)}`;
}

/** The component schema of a refusal's body: not PascalCase, so never a definition's name (check.ts). */
const REFUSAL_SCHEMA = 'http-refusal';

/**
 * A bundled definition as an AsyncAPI schema: refs into `#/components/schemas/`, no `$schema`/`$id`, no
 * message-level `x-` facts, no keyword beside a `$ref` (see {@link keptBesideRef}), and each
 * description's `<x-polling.path>` / `<x-connection.path>` written out (`withPaths`).
 */
/** A path as a channel's address: relative (`api/ws`), so it resolves against a server's URL that ends with `/`. */
function relativeAddress(path: string): string {
  return path.replace(/^\/+/, '');
}

/**
 * The composition rule, said in the channel's description: AsyncAPI 3 sets none, and readers
 * join the parser's `server.url()` (always ending with `/`) and the address, or resolve the
 * address against it as a URL reference; both give the served path.
 */
function addressRule(scheme: string, host: string, path: string): string {
  return `Its address is relative to its server's URL: resolve it against \`${scheme}://${host}/\` (as \`new URL(address, server.url())\`, or \`server.url() + address\`, the URL ending with \`/\`) to get \`${scheme}://${host}${path}\`.`;
}

function forAsyncApi(node: SchemaNode, withPaths: (text: string) => string): SchemaNode {
  return mapSchema(node, (child) => {
    const out: SchemaNode = {};
    for (const [keyword, value] of Object.entries(child)) {
      if (keyword === '$schema' || keyword === '$id' || (keyword.startsWith('x-') && keyword !== 'x-known-values')) continue;
      out[keyword] = keyword === '$ref' && typeof value === 'string' ? value.replace(/^#\/definitions\//, '#/components/schemas/') : keyword === 'description' && typeof value === 'string' ? withPaths(value) : value;
    }
    return keptBesideRef(out);
  });
}

/**
 * A schema whose `$ref` has siblings (a field's own `description`, beside the shared definition it
 * points at) as `{ allOf: [{ $ref }], ...siblings }`: AsyncAPI 3.0's Reference Object, like a draft-07
 * `$ref`, ignores every sibling, so the parser (and Studio, generator, modelina) reported the
 * definition's generic text in place of the field's own ("echoed unchanged" of pong's `timestamp` was
 * lost). `allOf` of one schema accepts exactly what the schema accepts. A bare `$ref` stays as it is.
 */
function keptBesideRef(schema: SchemaNode): SchemaNode {
  if (typeof schema.$ref !== 'string' || Object.keys(schema).length === 1) return schema;
  const { $ref, ...siblings } = schema;
  return { allOf: [{ $ref }], ...siblings };
}

/**
 * `definition` (the component schema `name`) with a `title` on every schema below it that code
 * generators declare a type for, so that they name it as the package does rather than by position
 * (modelina's `AnonymousSchema_13` for TradeData's platform, renumbered by any field added before
 * it: tBK F1); modelina names a model after `title` first.
 *  - A field's `{ allOf: [{ $ref }], description }` ({@link keptBesideRef}) is titled with the
 *    definition it refers to (`Platform`): one type wherever it is used, as a bare `$ref` is.
 *  - A closed list (`enum`, `const`), an object of its own (`properties`) or a choice (`anyOf`,
 *    `oneOf`, a `type` list of several types besides null) is titled after its place, as the generated Go and Python name it:
 *    `<Parent><Property>` (`TradeDataStatus`), `<…>Item` for an array's items, `<…>Value` for a
 *    map's values, `<…>Option<n>` for a choice's own inline branch (n from 1, in order), which
 *    names no Go or Python type: quicktype names what it declares inside a choice its own way
 *    (`<Place>Enum`, `<Place>Class`), and merges choices of the same types (README says so: tFH F4).
 *  - A title the schema gives is kept; a bare `$ref` is left as it is (the component names it).
 * Places are unique names (generate refuses two types named alike: language-shape.ts), and a
 * name depends on its place only, so adding a field renames no other type.
 */
function named(definition: SchemaNode, name: string): SchemaNode {
  const visit = (node: SchemaNode, place: string, root: boolean): SchemaNode => {
    if (typeof node !== 'object' || node === null || typeof node.$ref === 'string') return node;
    let out: SchemaNode = { ...node };
    const wrapped = node.allOf?.length === 1 && typeof node.allOf[0]!.$ref === 'string' ? node.allOf[0]!.$ref : undefined;
    // A `type` list of several types besides null is a choice too, as its `anyOf` form is: Go
    // declares it (`TradeDataMulti`), and untitled it was named by position (tGI F4).
    const typeList = Array.isArray(node.type) && node.type.filter((type) => type !== 'null').length > 1;
    const typed = node.enum !== undefined || node.const !== undefined || node.properties !== undefined || node.anyOf !== undefined || node.oneOf !== undefined || typeList;
    if (!root && typeof node.title !== 'string') {
      if (wrapped !== undefined) out = { title: decodeURIComponent(wrapped.slice(wrapped.lastIndexOf('/') + 1)).replace(/~1/g, '/').replace(/~0/g, '~'), ...out };
      else if (typed) out = { title: place, ...out };
    }
    if (node.properties) out.properties = Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, visit(child, `${place}${pascal(key)}`, false)]));
    if (node.items !== undefined && !Array.isArray(node.items)) out.items = visit(node.items, `${place}Item`, false);
    if (typeof node.additionalProperties === 'object') out.additionalProperties = visit(node.additionalProperties, `${place}Value`, false);
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = node[keyword];
      if (Array.isArray(branches)) out[keyword] = branches.map((branch, index) => visit(branch, `${place}Option${index + 1}`, false));
    }
    return out;
  };
  return visit(definition, name, true);
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/.exec(text);
  return (match ? match[1]! : text).trim();
}

/** A sentence without the direction it starts with ("Server → Client ping …" → "ping …"): the operation says its own. */
function withoutDirection(sentence: string): string {
  return sentence.replace(/^(?:server|client)\s*(?:→|->)\s*(?:server|client)\s*:?\s*/i, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function arrow(direction: Direction): string {
  return direction === 'server-to-client' ? 'server → client' : 'client → server';
}

export type { MessageSchema };
