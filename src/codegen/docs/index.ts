import type { Contract, MessageSchema } from '../../contract/index.js';
import { messageRows } from './field-table.js';
import { contents, envelope, header, messagesSection, sharedDefinitions, validationModes } from './messages.js';
import { closeCodes, connecting, delivery, errorHandling, keepalive, polling, versionHistory } from './protocol.js';

/**
 * Generates `docs/messages.md`, the protocol reference for people implementing either side:
 * connection and authentication, the envelope, validation modes, then every message in spec
 * order (direction, spec section, description, examples, field table), keepalive, error
 * handling, the shared definitions and the version history. Everything specific to the
 * protocol comes from the schemas and `protocol.json`, so the page cannot drift from them.
 *
 * @returns `docs/messages.md` → its Markdown text (deterministic, ends with a newline)
 * @throws Error when the contract lacks the `ping`, `pong` or `error` message that the
 *   keepalive and error-handling sections explain
 */
export function emitDocs(contract: Contract): Map<string, string> {
  const ping = requireMessage(contract, 'ping');
  const pong = requireMessage(contract, 'pong');
  const error = requireMessage(contract, 'error');
  const rows = new Map(contract.messages.map((message) => [message.type, messageRows(contract, message)]));
  const sections = [
    header(contract),
    contents(contract),
    connecting(contract),
    envelope(contract, rows),
    validationModes(),
    messagesSection(contract, rows),
    delivery(contract),
    polling(contract),
    keepalive(contract, ping, pong),
    closeCodes(contract),
    errorHandling(contract, error, rows.get(error.type)!),
    sharedDefinitions(contract),
    versionHistory(contract),
  ];
  return new Map([['docs/messages.md', `${sections.join('\n\n')}\n`]]);
}


function requireMessage(contract: Contract, type: string): MessageSchema {
  const message = contract.messages.find((m) => m.type === type);
  if (!message) throw new Error(`docs: the contract has no "${type}" message, which the reference explains`);
  return message;
}
