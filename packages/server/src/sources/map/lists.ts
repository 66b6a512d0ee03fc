/**
 * The contract between list-membership pushes (actions/mapLists.ts) and each MAP's list API: add or
 * remove people (by the vendor's person id) and say, per person, how it went. A vendor's client
 * batches to its own limits and retries as its pull does.
 */
import type { MapSourceName } from './types';

/** How one add or remove call went, per person. */
export interface ListCallResult {
  /** Now in the list (added, or already there) for an add; now out of it for a remove. */
  done: { memberId: string; membershipId?: string | null }[];
  /** People the vendor does not know (deleted or merged there): not in the list either way. */
  unknown: string[];
  /** Refused for another reason, with the vendor's words. */
  refused: { memberId: string; reason: string }[];
}

/** A member to remove, with the vendor's membership id when its remove needs it (Pardot). */
export interface ListRemoval {
  memberId: string;
  membershipId: string | null;
}

/** One MAP's static lists. */
export interface MapListClient {
  readonly source: MapSourceName;
  add(listId: string, memberIds: string[]): Promise<ListCallResult>;
  remove(listId: string, members: ListRemoval[]): Promise<ListCallResult>;
}

/** An empty result, to add to. */
export function emptyListResult(): ListCallResult {
  return { done: [], unknown: [], refused: [] };
}
