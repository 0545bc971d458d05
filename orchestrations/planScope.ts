/**
 * @module Reads a scope with paged lists (never one GET per item): the zones, their record sets and the
 * private endpoints of each subscription; plans the DNS of the whole scope; and finds the PaaS resources
 * with Pending connections. The read half of a drift sweep, and what the `plan` CLI shows.
 */

import type { Config } from "../shared/config";
import type { Connection } from "../shared/domain";
import { desiredRecords } from "../shared/dns/desired";
import { planChanges } from "../shared/dns/plan";
import type { DnsChanges } from "../shared/dns/plan";
import { endpointOf, isOwnedBy, targetsOf } from "../shared/dns/ownership";
import { isWithinScope, normalizeResourceId } from "../shared/resourceId";
import type { ArmClients } from "../shared/azure/clients";
import { listPrivateEndpoints } from "../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../shared/azure/privateDns";
import { listConnections } from "../shared/azure/connections";
import type { RunError } from "./runReport";

export interface ScopePlan {
  changes: DnsChanges;
  /** PaaS resources with Pending connections, and those connections. */
  pending: { resourceId: string; connections: Connection[] }[];
  counts: { subscriptions: number; endpoints: number; zones: number; recordSets: number; linkTargets: number };
  errors: RunError[];
}

export interface PlanScopeOptions {
  /** The subscriptions to read; the whole configured scope when left out. */
  subscriptionIds?: readonly string[];
  /** Called as reading goes, for people watching a long read. */
  onProgress?: (message: string) => void;
}

export async function planScope(clients: ArmClients, config: Config, options: PlanScopeOptions = {}): Promise<ScopePlan> {
  const subscriptionIds = options.subscriptionIds ?? config.subscriptionIds;
  const partial = subscriptionIds.length < config.subscriptionIds.length;
  const scope = { subscriptionIds };
  const zones = await listZones(clients, config.dnsZoneResourceGroupIds);
  const [endpointLists, recordLists] = await Promise.all([
    Promise.all(subscriptionIds.map((s) => listPrivateEndpoints(clients, s))),
    Promise.all(zones.map((z) => listRecordSets(clients, z))),
  ]);
  const endpoints = endpointLists.flat();
  const current = recordLists.flat();
  options.onProgress?.(`read ${endpoints.length} endpoints in ${subscriptionIds.length} subscriptions and ${current.length} record sets in ${zones.length} zones`);
  const desired = endpoints.flatMap((e) => desiredRecords(e, zones, { ownerId: config.ownerId, ttl: config.recordTtl }).records);
  // A plan for part of the scope answers only for the endpoints in it: records of endpoints elsewhere stay.
  const endpointIds = partial
    ? [...new Set([...endpoints.map((e) => e.id.toLowerCase()), ...current.filter((r) => isOwnedBy(r, config.ownerId)).map(endpointOf).filter((id): id is string => id !== undefined && isWithinScope(id, scope))])]
    : undefined;
  const changes = planChanges({ current, desired, ownerId: config.ownerId, ...(endpointIds !== undefined ? { endpointIds } : {}) });

  // Resources whose connections may wait for a decision: the targets of our endpoints and of our records.
  const targets = new Set<string>();
  for (const e of endpoints) for (const l of e.links) targets.add(normalizeResourceId(l.targetResourceId));
  for (const r of current) if (isOwnedBy(r, config.ownerId)) for (const t of targetsOf(r)) targets.add(t);
  const inScope = [...targets].filter((t) => isWithinScope(t, scope)).sort();
  const pending: ScopePlan["pending"] = [];
  const errors: RunError[] = [];
  for (const [i, target] of inScope.entries()) {
    try {
      const connections = (await listConnections(clients, target)).filter((c) => c.status === "Pending");
      if (connections.length > 0) pending.push({ resourceId: target, connections });
    } catch (error) {
      errors.push({ target, message: `could not list its connections: ${error instanceof Error ? error.message : String(error)}` });
    }
    if ((i + 1) % 100 === 0) options.onProgress?.(`listed the connections of ${i + 1} of ${inScope.length} resources`);
  }
  return {
    changes,
    pending,
    errors,
    counts: { subscriptions: subscriptionIds.length, endpoints: endpoints.length, zones: zones.length, recordSets: current.length, linkTargets: inScope.length },
  };
}
