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
  /** Whether an endpoint (of `listedSubscriptions`) was listed. */
  isListed: (endpointId: string) => boolean;
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
  const candidates: OrphanCandidate[] = [];
  for (const c of connections) {
    const suspicion = suspicionOf(c, listedSubscriptions, scopeSubscriptions, listed.isListed);
    if (suspicion !== undefined) candidates.push({ connectionId: c.id, endpointId: c.privateEndpointId, suspicion });
  }
  return candidates.sort((a, b) => a.connectionId.localeCompare(b.connectionId));
}

function suspicionOf(c: ListedConnection, listedSubscriptions: ReadonlySet<string>, scopeSubscriptions: ReadonlySet<string>, isListed: (endpointId: string) => boolean): OrphanSuspicion | undefined {
  if (isDisconnected(c)) return "disconnected";
  const subscription = endpointSubscriptionOf(c.privateEndpointId);
  if (subscription === undefined) return undefined;
  if (listedSubscriptions.has(subscription)) return isListed(c.privateEndpointId) ? undefined : "endpointNotListed";
  return scopeSubscriptions.has(subscription) ? undefined : "endpointOutsideScope";
}

/**
 * A 53-bit hash of an id, ignoring case: what `OrphanFinder` keeps of each listed endpoint (a number,
 * not the id: a fifth of the memory at 100k endpoints). Two ids that collide (about 1 in 10^10 at 100k)
 * only hide an orphan from one sweep's report: nothing is ever removed without a GET answering 404.
 */
export function idHash(id: string): number {
  const s = id.toLowerCase();
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
  }
  a = Math.imul(a ^ (a >>> 15), 0x85ebca6b) ^ Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b) ^ Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
}

/**
 * Collects what `orphanCandidates` needs while a run reads, keeping little: a hash of every listed
 * endpoint's id, and only those listed connections that are Disconnected or whose endpoint has not been
 * listed yet.
 */
export class OrphanFinder {
  private readonly endpoints = new Set<number>();
  /**
   * Connections whose endpoint was not listed yet, by the endpoint's hash, each packed into one flat
   * string (id, endpoint id, status, and `?` before an unrecognized status): the two lists are read side by side, so most
   * wait only until their endpoint's page arrives, and none holds an object or a slice of a page.
   */
  private readonly waiting = new Map<number, string | string[]>();
  private readonly disconnected: string[] = [];
  private readonly isListed = (endpointId: string): boolean => this.endpoints.has(idHash(endpointId));

  endpointListed(endpointId: string): void {
    const hash = idHash(endpointId);
    this.endpoints.add(hash);
    this.waiting.delete(hash);
  }

  connectionsListed(connections: Iterable<Connection>): void {
    for (const c of connections) {
      const packed = [c.id, c.privateEndpointId, c.status, c.unrecognizedStatus === undefined ? "" : `?${c.unrecognizedStatus}`].join("\t");
      if (isDisconnected(c)) {
        this.disconnected.push(packed);
        continue;
      }
      const hash = idHash(c.privateEndpointId);
      if (this.endpoints.has(hash)) continue;
      const entry = this.waiting.get(hash);
      this.waiting.set(hash, entry === undefined ? packed : Array.isArray(entry) ? [...entry, packed] : [entry, packed]);
    }
  }

  /** The candidates, once the run has read everything. */
  candidates(subscriptions: Pick<ListedEndpoints, "listedSubscriptions" | "scopeSubscriptions">): OrphanCandidate[] {
    const packed = [...this.disconnected, ...[...this.waiting.values()].flat()];
    return orphanCandidates(packed.map(unpackConnection), { ...subscriptions, isListed: this.isListed });
  }
}

function unpackConnection(packed: string): ListedConnection {
  const [id = "", privateEndpointId = "", status, unrecognizedStatus = ""] = packed.split("\t");
  return { id, privateEndpointId, status: status as Connection["status"], ...(unrecognizedStatus === "" ? {} : { unrecognizedStatus: unrecognizedStatus.slice(1) }) };
}
