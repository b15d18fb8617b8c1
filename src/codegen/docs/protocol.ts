/** The sections about the protocol around the messages: connecting, delivery and resume, polling, keepalive, close codes, error handling, version history. */
import type { Contract, MessageSchema } from '../../contract/index.js';
import { cell, fieldTable, propertyRows, prose, type FieldRow } from './field-table.js';
import { deliveryLabel, messageAnchor, senders } from './labels.js';

export function connecting(contract: Contract): string {
  const { url, path, authentication } = contract.protocol.connection;
  return [
    '## Connecting',
    '',
    '```text',
    url,
    '```',
    '',
    `**Endpoint path:** \`${path}\``,
    '',
    `**Authentication:** ${prose(authentication)}`,
  ].join('\n');
}

export function keepalive(contract: Contract, ping: MessageSchema, pong: MessageSchema): string {
  const { pingIntervalMs, pongTimeoutMs } = contract.protocol.keepalive;
  const duration = (ms: number) => `${ms / 1000} s (${ms} ms)`;
  const link = (m: MessageSchema) => `[\`${m.type}\`](#${messageAnchor(m)})`;
  return [
    '## Keepalive',
    '',
    '| Setting | Value |',
    '| --- | --- |',
    `| Ping interval | ${duration(pingIntervalMs)} |`,
    `| Pong timeout | ${duration(pongTimeoutMs)} |`,
    '',
    `- The server sends a ${link(ping)} every ${duration(pingIntervalMs)}.`,
    `- The client answers each ping with a ${link(pong)} whose \`timestamp\` is the ping’s \`timestamp\`, unchanged.`,
    `- If the pong has not arrived ${duration(pongTimeoutMs)} after its ping, the server drops the connection (close code ${closeCodeOf(contract, 'PongTimeout')}).`,
    `- Either side may send a ping (${link(ping)}: ${senders(ping)}; ${link(pong)}: ${senders(pong)}): the other answers with a pong in the same way.`,
    `- Both are flat messages (\`{ "type", "timestamp" }\`, epoch milliseconds); see [Message envelope](#message-envelope).`,
  ].join('\n');
}

export function errorHandling(contract: Contract, error: MessageSchema, rows: FieldRow[]): string {
  const payload = rows.filter((row) => row.path.startsWith('data.'));
  return [
    '## Error handling',
    '',
    'A client meets errors in two forms:',
    '',
    `1. **Reported by the ${senders(error)}:** an [\`${error.type}\`](#${messageAnchor(error)}) message. Its payload:`,
    '',
    ...payload.map((row) => `   - \`${row.path}\` (${row.required === 'yes' ? 'required' : 'optional'}, ${row.type}${row.allowed ? `; ${row.allowed}` : ''}): ${prose(row.description)}`),
    '',
    '   The known codes, and when the reference server sends each (a code it never sends says so):',
    '',
    '   | Code | When |',
    '   | --- | --- |',
    ...contract.protocol.errorCodes.map((entry) => `   | \`${entry.code}\` | ${cell(prose(entry.description))} |`),
    '',
    '2. **Rejected on receipt:** a frame that is not JSON, has an unknown `type` or breaks its schema fails validation in the client. ' +
      'Skip that one message and keep the connection: one bad message must not cost the others.',
  ].join('\n');
}

function closeCodeOf(contract: Contract, name: string): number | string {
  return contract.protocol.closeCodes.find((entry) => entry.name === name)?.code ?? name;
}

const RECONNECT_LABELS = { yes: 'yes, with backoff', no: 'no', 'with-new-token': 'only with a new token' } as const;

export function delivery(contract: Contract): string {
  const stream = contract.messages.filter((m) => m.audience !== 'connection');
  const states = contract.messages.filter((m) => m.delivery.class === 'state');
  const userStates = states.filter((m) => m.audience === 'user');
  return [
    '## Delivery and resume',
    '',
    '**Audience.** Each message type says who receives it: *one user (and admins)* — published to that user’s stream; ' +
      '*every user* — broadcast; *one connection* — concerns one socket and is never stored. A user never receives another user’s messages; admin users receive every user’s.',
    '',
    '**Admin streams (a limit of v1.x).** A message carries no user id, and the envelope has no key for one: on an admin’s socket, the messages of different users cannot be told apart. ' +
      `A state (${userStates.map((m) => `\`${m.type}\``).join(', ')}) is superseded within one user’s stream: where two users’ messages have the same key ` +
      '(any two `metrics`; two users’ `balances` of one platform), an admin’s client that applies them by key shows whichever user’s came last. ' +
      'What a producer can do in v1.x: have the admin dashboard show them as they come (a feed, as the demo’s does), not as one state; a per-user view of them comes from the backend’s own API, not from the admin stream. ' +
      'A message that concerns every user, published to each (a system-wide alert), reaches an admin once per user.',
    '',
    `**Cursor (v1.1).** The messages of a stream (${stream.map((m) => `\`${m.type}\``).join(', ')}) carry a top-level \`cursor\`: an opaque position, increasing within the stream. ` +
      'The `connection` message carries the position the stream continues from. A client keeps the last cursor it received and reconnects with `?since=<cursor>`: ' +
      'the server sends the `connection` message with `data.resume`, then every message it missed, in order, with no gap and no duplicate, then the live stream. ' +
      'When the cursor cannot be resumed from (older than the server’s replay buffer, from before a restart that lost it, malformed), `resume` is `"gap"`: refetch state. ' +
      'The stream then goes on from the `connection` message’s cursor: first whatever the server still holds after it (possibly nothing), in order, then the live stream. ' +
      'Those held messages may already be in the refetched state: apply them as updates, not as new on top of it (a state replaces its key’s; an event may be one the refetch already holds).',
    '',
    '**Delivery class.** An *event* is never dropped or merged. A *state* is superseded by the next message with the same key, so under backpressure or a rate limit ' +
      `the server may deliver only the latest one per key (the others are skipped, never reordered): ${states.map((m) => `\`${m.type}\` (${deliveryLabel(m)})`).join(', ')}.`,
  ].join('\n');
}

export function polling(contract: Contract): string {
  const { path, holdMs, maxMessages, description } = contract.protocol.polling;
  const response = contract.documents.find((d) => d.title === 'PollResponse');
  const lines = [
    '## Polling fallback',
    '',
    '```text',
    `GET ${path}?since=<cursor>`,
    '```',
    '',
    prose(description),
    '',
    `| Setting | Value |`,
    '| --- | --- |',
    `| Longest hold | ${holdMs / 1000} s (${holdMs} ms) |`,
    `| Messages per response | at most ${maxMessages} |`,
  ];
  if (response) {
    const rows = propertyRows(contract, { node: response.schema, file: response.file }, '', new Set([response.schema]));
    lines.push('', `**Response body** (\`${response.title}\`, \`schemas/${response.file}\`)`, '', fieldTable(rows));
    for (const example of response.schema.examples ?? []) lines.push('', '```json', JSON.stringify(example, null, 2), '```');
  }
  return lines.join('\n');
}

export function closeCodes(contract: Contract): string {
  return [
    '## Close codes',
    '',
    'Why the server closes a WebSocket, and whether a client should reconnect. Before the upgrade the server refuses with an HTTP status instead (401, 403, 429, 503, …; see [Connecting](#connecting)); no socket is opened.',
    '',
    '| Code | Name | Reconnect | When |',
    '| --- | --- | --- | --- |',
    ...contract.protocol.closeCodes.map((entry) => `| ${entry.code} | \`${entry.name}\` | ${RECONNECT_LABELS[entry.reconnect]} | ${cell(prose(entry.description))} |`),
  ].join('\n');
}

export function versionHistory(contract: Contract): string {
  return [
    '## Version history',
    '',
    '| Version | Date | Changes |',
    '| --- | --- | --- |',
    ...contract.protocol.versionHistory.map((entry) => `| v${cell(entry.version)} | ${cell(entry.date)} | ${cell(prose(entry.changes))} |`),
  ].join('\n');
}
