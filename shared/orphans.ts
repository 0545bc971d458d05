/**
 * @module Which private endpoint connections may be orphaned, from what a run listed (pure). A connection
 * is an orphan only when its status is Disconnected, or its private endpoint is gone. Absence from a list
 * is only a suspicion: it counts when the endpoint's subscription was listed in full this run, and even
 * then the caller confirms it with a GET of the endpoint (404) before saying "gone". An endpoint outside
 * the configured scope can only be told by that GET; one in a subscription of the scope that this run did
 * not list (its list failed, or the run covers part of the scope) is not suspected at all.
 */

import type { Connection } from "./domain";
import { parseResourceId, resourceTypeOf } from "./resourceId";

/**
 * Why a connection is suspected: `disconnected` counts as it is; `endpointNotListed` (its subscription was
 * listed in full without it) and `endpointOutsideScope` count only once a GET of the endpoint answers 404.
 */
export type OrphanSuspicion = "disconnected" | "endpointNotListed" | "endpointOutsideScope";

export interface OrphanCandidate {
  connectionId: string;
  endpointId: string;
  suspicion: OrphanSuspicion;
}

/** The fields of a listed connection the classification reads. */
export type ListedConnection = Pick<Connection, "id" | "privateEndpointId" | "status" | "unrecognizedStatus">;

/** What a run read of the endpoints. Ids compare case-insensitively, as ARM's do. */
export interface ListedEndpoints {
  /** The subscriptions whose private endpoints were listed to the end. */
  listedSubscriptions: Iterable<string>;
  /** Every subscription of the configured scope: for their endpoints, only the listing counts. */
  scopeSubscriptions: Iterable<string>;
  /** Every endpoint listed in `listedSubscriptions`. */
  endpointIds: Iterable<string>;
}

const PRIVATE_ENDPOINT_TYPE = "microsoft.network/privateendpoints";

/** A known Disconnected status, never one the adapter could not read (see `Connection.unrecognizedStatus`). */
export function isDisconnected(connection: ListedConnection): boolean {
  return connection.status === "Disconnected" && connection.unrecognizedStatus === undefined;
}

/** The subscription of a private endpoint id, lower case; `undefined` for anything else (nothing to check). */
function endpointSubscriptionOf(endpointId: string): string | undefined {
  try {
    const parsed = parseResourceId(endpointId);
    return resourceTypeOf(parsed).toLowerCase() === PRIVATE_ENDPOINT_TYPE ? parsed.subscriptionId.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The suspected orphans among `connections`, sorted by connection id. */
export function orphanCandidates(connections: Iterable<ListedConnection>, listed: ListedEndpoints): OrphanCandidate[] {
  const lower = (ids: Iterable<string>) => new Set([...ids].map((id) => id.toLowerCase()));
  const listedSubscriptions = lower(listed.listedSubscriptions);
  const scopeSubscriptions = lower(listed.scopeSubscriptions);
  const endpointIds = lower(listed.endpointIds);
  const candidates: OrphanCandidate[] = [];
  for (const c of connections) {
    const suspicion = suspicionOf(c, listedSubscriptions, scopeSubscriptions, endpointIds);
    if (suspicion !== undefined) candidates.push({ connectionId: c.id, endpointId: c.privateEndpointId, suspicion });
  }
  return candidates.sort((a, b) => a.connectionId.localeCompare(b.connectionId));
}

function suspicionOf(c: ListedConnection, listedSubscriptions: ReadonlySet<string>, scopeSubscriptions: ReadonlySet<string>, endpointIds: ReadonlySet<string>): OrphanSuspicion | undefined {
  if (isDisconnected(c)) return "disconnected";
  const subscription = endpointSubscriptionOf(c.privateEndpointId);
  if (subscription === undefined) return undefined;
  if (listedSubscriptions.has(subscription)) return endpointIds.has(c.privateEndpointId.toLowerCase()) ? undefined : "endpointNotListed";
  return scopeSubscriptions.has(subscription) ? undefined : "endpointOutsideScope";
}

/**
 * Collects what `orphanCandidates` needs while a run reads, keeping little: every listed endpoint's id,
 * and only those listed connections that are Disconnected or whose endpoint has not been listed yet.
 */
export class OrphanFinder {
  private readonly endpointIds = new Set<string>();
  private readonly connections: ListedConnection[] = [];

  endpointListed(endpointId: string): void {
    this.endpointIds.add(endpointId.toLowerCase());
  }

  connectionsListed(connections: Iterable<Connection>): void {
    for (const { id, privateEndpointId, status, unrecognizedStatus } of connections) {
      const c: ListedConnection = { id, privateEndpointId, status, ...(unrecognizedStatus === undefined ? {} : { unrecognizedStatus }) };
      if (isDisconnected(c) || !this.endpointIds.has(privateEndpointId.toLowerCase())) this.connections.push(c);
    }
  }

  /** The candidates, once the run has read everything. */
  candidates(subscriptions: Pick<ListedEndpoints, "listedSubscriptions" | "scopeSubscriptions">): OrphanCandidate[] {
    return orphanCandidates(this.connections, { ...subscriptions, endpointIds: this.endpointIds });
  }
}
