import type { MessageType } from '../../../generated/types.js';

// Local copy of the StreamStore interface of PLAN.md until src/server/stream-store.ts lands on
// main (owned by the `server` helper); replaced by a re-export after the merge.

/** A stored, already-serialized server→client message. */
export interface StreamEntry {
  cursor: string;
  userId: string | null;
  type: MessageType;
  frame: string;
  key?: string | null;
}
export interface ReadResult {
  resume: 'new' | 'resumed' | 'gap';
  cursor: string;
  entries: StreamEntry[];
}
export interface StreamStore {
  append(userId: string | null, type: MessageType, frame: (cursor: string) => string, key?: string | null): Promise<StreamEntry>;
  read(viewer: { userId: string; admin: boolean }, since: string | null, limit: number): Promise<ReadResult>;
  subscribe(listener: (entry: StreamEntry) => void): () => void;
  status(): { healthy: boolean; detail?: string };
  close(): Promise<void>;
}
