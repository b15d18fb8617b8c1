import type { Audience, Direction, MessageSchema } from '../../contract/index.js';

/** How the docs name directions, audiences and delivery classes. */
export const DIRECTION_LABELS: Record<Direction, string> = {
  'server-to-client': 'server → client',
  'client-to-server': 'client → server',
};

export const SENDERS: Record<Direction, string> = {
  'server-to-client': 'server',
  'client-to-server': 'client',
};

export const AUDIENCE_LABELS: Record<Audience, string> = {
  user: 'one user (and admins)',
  global: 'every user',
  connection: 'one connection',
};

/** `server → client`, or `both ways` for a message either side may send. */
export function directionLabel(message: MessageSchema): string {
  return message.directions.length > 1 ? 'both ways' : DIRECTION_LABELS[message.directions[0]!];
}

/** `server`, `client`, or `server or client`. */
export function senders(message: MessageSchema): string {
  return message.directions.map((d) => SENDERS[d]).join(' or ');
}

export function deliveryLabel(message: MessageSchema): string {
  const { delivery } = message;
  if (delivery.class === 'event') return 'event';
  return delivery.key === null ? 'state (one per type)' : `state per \`${delivery.key}\``;
}

export function messageAnchor(message: MessageSchema): string {
  return `message-${message.type}`;
}
