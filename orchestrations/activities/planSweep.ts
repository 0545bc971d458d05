/**
 * @module Activity: the read half of a drift sweep. Lists (paged, never one GET per item) the zones,
 * their record sets and the private endpoints in every subscription of the scope, plans the DNS of the
 * whole scope, and finds the PaaS resources that hold Pending connections to decide.
 */

import * as df from "durable-functions";
import type { ActivityHandler } from "durable-functions";
import type { InvocationContext } from "@azure/functions";
import { desiredRecords } from "../../shared/dns/desired";
import { planChanges } from "../../shared/dns/plan";
import type { DnsChanges } from "../../shared/dns/plan";
import { endpointOf, isOwnedBy, targetsOf } from "../../shared/dns/ownership";
import { isWithinScope, normalizeResourceId } from "../../shared/resourceId";
import { listPrivateEndpoints } from "../../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../../shared/azure/privateDns";
import { listConnections } from "../../shared/azure/connections";
import type { RunError } from "../runReport";
import { Activities } from "../names";
import { getRuntime } from "../runtime";

export interface PlanSweepResult {
  /** The scope's DNS changes; `unchanged` is left empty to keep the history small (see `unchangedCount`). */
  changes: DnsChanges;
  unchangedCount: number;
  /** PaaS resources with Pending connections, for the sweep to reconcile. */
  resourcesToDecide: string[];
  counts: { subscriptions: number; endpoints: number; zones: number; recordSets: number; linkTargets: number };
  errors: RunError[];
}

export interface PlanSweepInput {
  /** The subscriptions to sweep; the whole configured scope when left out. */
  subscriptionIds?: string[];
}

export async function planSweep(input: PlanSweepInput, context?: InvocationContext): Promise<PlanSweepResult> {
  const { clients, config } = getRuntime();
  const subscriptionIds = input.subscriptionIds ?? config.subscriptionIds;
  const partial = subscriptionIds.length < config.subscriptionIds.length;
  const scope = { subscriptionIds };
  const zones = await listZones(clients, config.dnsZoneResourceGroupIds);
  const [endpointLists, recordLists] = await Promise.all([
    Promise.all(subscriptionIds.map((s) => listPrivateEndpoints(clients, s))),
    Promise.all(zones.map((z) => listRecordSets(clients, z))),
  ]);
  const endpoints = endpointLists.flat();
  const current = recordLists.flat();
  context?.log(`sweep read ${endpoints.length} endpoints in ${subscriptionIds.length} subscriptions and ${current.length} record sets in ${zones.length} zones`);
  const desired = endpoints.flatMap((e) => desiredRecords(e, zones, { ownerId: config.ownerId, ttl: config.recordTtl }).records);
  // A sweep of part of the scope answers only for the endpoints in it: records of endpoints elsewhere stay.
  const endpointIds = partial
    ? [...new Set([...endpoints.map((e) => e.id.toLowerCase()), ...current.filter((r) => isOwnedBy(r, config.ownerId)).map(endpointOf).filter((id): id is string => id !== undefined && isWithinScope(id, scope))])]
    : undefined;
  const changes = planChanges({ current, desired, ownerId: config.ownerId, ...(endpointIds !== undefined ? { endpointIds } : {}) });

  // Resources whose connections may wait for a decision: the targets of our endpoints and of our records.
  const targets = new Set<string>();
  for (const e of endpoints) for (const l of e.links) targets.add(normalizeResourceId(l.targetResourceId));
  for (const r of current) if (isOwnedBy(r, config.ownerId)) for (const t of targetsOf(r)) targets.add(t);
  const inScope = [...targets].filter((t) => isWithinScope(t, scope)).sort();
  const resourcesToDecide: string[] = [];
  const errors: RunError[] = [];
  for (const target of inScope) {
    try {
      const connections = await listConnections(clients, target);
      if (connections.some((c) => c.status === "Pending")) resourcesToDecide.push(target);
    } catch (error) {
      errors.push({ target, message: `could not list its connections: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return {
    changes: { ...changes, unchanged: [] },
    unchangedCount: changes.unchanged.length,
    resourcesToDecide,
    errors,
    counts: { subscriptions: subscriptionIds.length, endpoints: endpoints.length, zones: zones.length, recordSets: current.length, linkTargets: inScope.length },
  };
}

const planSweepHandler: ActivityHandler = (input: PlanSweepInput, context: InvocationContext) => planSweep(input, context);
df.app.activity(Activities.planSweep, { handler: planSweepHandler });
