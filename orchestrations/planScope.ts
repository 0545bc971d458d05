/**
 * @module Reads a scope with paged lists (never one GET per item): the zones, their record sets, the
 * private endpoints of each subscription and, per Private Link type and subscription, the PaaS resources
 * with their connections; plans the DNS of the whole scope; and finds the resources with Pending
 * connections, whoever's endpoint asks. The read half of a drift sweep, and what the `plan` CLI shows.
 *
 * Requests: the list pages, plus one connection list per resource of a type whose list carries no
 * connections (App Service) that our endpoints or records point at, plus zone groups and NICs only for
 * Approved endpoints whose `customDnsConfigs` name no FQDN. Zone groups' own records are recognised in
 * the zones (see `isServedByZoneGroup`).
 */

import type { Config } from "../shared/config";
import type { Connection } from "../shared/domain";
import { desiredRecords } from "../shared/dns/desired";
import { isServedByZoneGroup, planChanges } from "../shared/dns/plan";
import type { DnsChanges } from "../shared/dns/plan";
import { endpointOf, isOwnedBy, targetsOf } from "../shared/dns/ownership";
import { isWithinScope, normalizeResourceId } from "../shared/resourceId";
import type { ArmClients } from "../shared/azure/clients";
import { listPrivateEndpoints } from "../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../shared/azure/privateDns";
import { listConnections } from "../shared/azure/connections";
import { listLinkTargets } from "../shared/azure/linkTargets";
import type { LinkTargetWithConnections } from "../shared/azure/linkTargets";
import { LINK_PROVIDERS, linkProviderFor } from "../shared/azure/providers";
import type { RunError } from "./runReport";
import { subscriptionsInScope } from "./scope";

export interface ScopePlan {
  changes: DnsChanges;
  /** PaaS resources with Pending connections, and those connections. */
  pending: { resourceId: string; connections: Connection[] }[];
  counts: { subscriptions: number; endpoints: number; zones: number; recordSets: number; linkTargets: number };
  errors: RunError[];
}

export interface PlanScopeOptions {
  /** The subscriptions to read; the whole scope (with the management group's) when left out. */
  subscriptionIds?: readonly string[];
  /** Called as reading goes, for people watching a long read. */
  onProgress?: (message: string) => void;
}

export async function planScope(clients: ArmClients, config: Config, options: PlanScopeOptions = {}): Promise<ScopePlan> {
  const inScope = await subscriptionsInScope(clients, config);
  const subscriptionIds = options.subscriptionIds ?? inScope;
  const partial = inScope.some((s) => !subscriptionIds.some((t) => t.toLowerCase() === s));
  const scope = { subscriptionIds };
  const errors: RunError[] = [];
  const listed = LINK_PROVIDERS.filter((p) => p.listsConnections);
  const zones = await listZones(clients, config.dnsZoneResourceGroupIds);
  const [endpointLists, recordLists, targetLists] = await Promise.all([
    Promise.all(subscriptionIds.map((s) => listPrivateEndpoints(clients, s, { details: "approvedWithoutDns" }))),
    Promise.all(zones.map((z) => listRecordSets(clients, z))),
    Promise.all(
      subscriptionIds.flatMap((s) =>
        listed.map(async (provider): Promise<LinkTargetWithConnections[]> => {
          try {
            return await listLinkTargets(clients, s, provider);
          } catch (error) {
            errors.push({ target: `/subscriptions/${s}/providers/${provider.resourceType}`, message: `could not list them: ${messageOf(error)}` });
            return [];
          }
        }),
      ),
    ),
  ]);
  const endpoints = endpointLists.flat();
  const current = recordLists.flat();
  const linkTargets = targetLists.flat();
  options.onProgress?.(
    `read ${endpoints.length} endpoints and ${linkTargets.length} Private Link resources in ${subscriptionIds.length} subscriptions, and ${current.length} record sets in ${zones.length} zones`,
  );
  const desired = endpoints.flatMap((e) => desiredRecords(e, zones, { ownerId: config.ownerId, ttl: config.recordTtl }).records);
  // A plan for part of the scope answers only for the endpoints in it: records of endpoints elsewhere stay.
  const endpointIds = partial
    ? [...new Set([...endpoints.map((e) => e.id.toLowerCase()), ...current.filter((r) => isOwnedBy(r, config.ownerId)).map(endpointOf).filter((id): id is string => id !== undefined && isWithinScope(id, scope))])]
    : undefined;
  const planned = planChanges({ current, desired, ownerId: config.ownerId, ...(endpointIds !== undefined ? { endpointIds } : {}) });
  const changes = { ...planned, conflicts: planned.conflicts.filter((c) => !isServedByZoneGroup(c)) };

  const pending: ScopePlan["pending"] = [];
  for (const { target, connections } of linkTargets) {
    const waiting = connections.filter((c) => c.status === "Pending");
    if (waiting.length > 0) pending.push({ resourceId: normalizeResourceId(target.id), connections: waiting });
  }
  // Types whose lists carry no connections: read those of the resources our endpoints and records point at.
  const unlisted = new Set<string>();
  for (const e of endpoints) for (const l of e.links) unlisted.add(normalizeResourceId(l.targetResourceId));
  for (const r of current) if (isOwnedBy(r, config.ownerId)) for (const t of targetsOf(r)) unlisted.add(t);
  const perResource = [...unlisted].filter((t) => isWithinScope(t, scope) && !listsConnections(t)).sort();
  for (const [i, target] of perResource.entries()) {
    try {
      const connections = (await listConnections(clients, target)).filter((c) => c.status === "Pending");
      if (connections.length > 0) pending.push({ resourceId: target, connections });
    } catch (error) {
      errors.push({ target, message: `could not list its connections: ${messageOf(error)}` });
    }
    if ((i + 1) % 100 === 0) options.onProgress?.(`listed the connections of ${i + 1} of ${perResource.length} resources`);
  }
  pending.sort((a, b) => a.resourceId.localeCompare(b.resourceId));
  return {
    changes,
    pending,
    errors,
    counts: { subscriptions: subscriptionIds.length, endpoints: endpoints.length, zones: zones.length, recordSets: current.length, linkTargets: linkTargets.length + perResource.length },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** False for a type whose list carries no connections, and for a type we do not support at all. */
function listsConnections(resourceId: string): boolean {
  try {
    return linkProviderFor(resourceId).listsConnections;
  } catch {
    return true;
  }
}
