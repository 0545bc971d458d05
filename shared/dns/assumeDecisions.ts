/**
 * @module The endpoint as it will be once a run's decisions are carried out: DNS is planned from the
 * post-decision states, so an approval made in this run (or, in a dry run, one it would make) counts as
 * Approved and a rejection as Rejected, and one plan covers every endpoint of a name at once.
 */

import type { PrivateEndpoint } from "../domain";

/** A connection this run approves or rejects (or would), seen from the endpoint's side. */
export interface DecidedLink {
  endpointId: string;
  targetResourceId: string;
  status: "Approved" | "Rejected";
}

function keyOf(endpointId: string, targetResourceId: string): string {
  // Lower case is enough: both ids come from ARM, which spells one resource the same way up to case.
  return `${endpointId.toLowerCase()}|${targetResourceId.toLowerCase()}`;
}

/** Indexes decided links for `assumeDecisions`. */
export function decidedLinkIndex(decided: readonly DecidedLink[]): ReadonlyMap<string, DecidedLink["status"]> {
  return new Map(decided.map((d) => [keyOf(d.endpointId, d.targetResourceId), d.status]));
}

/** The endpoint with its Pending links to decided resources set to the decided status; the same object when none applies. */
export function assumeDecisions(endpoint: PrivateEndpoint, decided: ReadonlyMap<string, DecidedLink["status"]>): PrivateEndpoint {
  if (decided.size === 0 || !endpoint.links.some((l) => l.status === "Pending")) return endpoint;
  let changed = false;
  const links = endpoint.links.map((link) => {
    const status = link.status === "Pending" ? decided.get(keyOf(endpoint.id, link.targetResourceId)) : undefined;
    if (status === undefined) return link;
    changed = true;
    return { ...link, status };
  });
  return changed ? { ...endpoint, links } : endpoint;
}
