/**
 * The destinations an org's rules can name, keyed by `kind`. Each destination plugs in with its zod
 * `settings` schema (the rules loader validates a rule's settings with it) and its `deliver`; the
 * sender looks a stored item's destination up here by kind.
 */
import { PulseError } from '../errors';
import type { Destination } from './destination';
import { slack } from './slack';
import { salesforceTaskDestination } from './task';
import { webhook } from './webhook';

/** Any destination, whatever its settings (the registry holds several kinds). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDestination = Destination<any>;

/** The destinations by kind. */
export interface DestinationRegistry {
  get(kind: string): AnyDestination | undefined;
  /** The known kinds, in registration order (error messages list them). */
  kinds(): string[];
}

/** A registry of `destinations`; two with one kind is a programming error, refused at once. */
export function createRegistry(destinations: readonly AnyDestination[]): DestinationRegistry {
  const byKind = new Map<string, AnyDestination>();
  for (const d of destinations) {
    if (byKind.has(d.kind)) {
      throw new PulseError('DUPLICATE_DESTINATION', `two destinations register the kind "${d.kind}"`, { kind: d.kind });
    }
    byKind.set(d.kind, d);
  }
  return { get: (kind) => byKind.get(kind), kinds: () => [...byKind.keys()] };
}

/**
 * Every per-action destination Pulse ships. Add a new one here (one line, its module under actions/
 * exporting a `Destination`). The weekly digest and MAP list membership act on a set of accounts,
 * not on one action, so they are not here (actions/digest.ts, actions/mapLists.ts).
 */
export const DESTINATIONS: readonly AnyDestination[] = [salesforceTaskDestination, slack, webhook];

/** The registry of every destination Pulse ships. */
export function defaultRegistry(): DestinationRegistry {
  return createRegistry(DESTINATIONS);
}
