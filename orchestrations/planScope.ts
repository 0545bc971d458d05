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
import type { Connection, DnsRecord } from "../shared/domain";
import { desiredRecords } from "../shared/dns/desired";
import { isServedByZoneGroup, planChanges } from "../shared/dns/plan";
import type { DnsChanges } from "../shared/dns/plan";
import { endpointOf, isOwnedBy, targetsOf } from "../shared/dns/ownership";
import { isWithinScope, normalizeResourceId } from "../shared/resourceId";
import type { ArmClients } from "../shared/azure/clients";
import { iteratePrivateEndpoints } from "../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../shared/azure/privateDns";
import { listConnections } from "../shared/azure/connections";
import { iterateLinkTargets } from "../shared/azure/linkTargets";
import { LINK_PROVIDERS, linkProviderFor } from "../shared/azure/providers";
import type { LinkProvider } from "../shared/azure/providers";
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
  // Endpoints are turned into their desired records page by page and not kept: at 100k endpoints the
  // SDK objects would dominate the sweep's memory.
  const desired: DnsRecord[] = [];
  const endpointIds = new Set<string>();
  let endpointCount = 0;
  const unlisted = new Set<string>();
  const readEndpoints = async (subscriptionId: string): Promise<void> => {
    for await (const page of iteratePrivateEndpoints(clients, subscriptionId, { details: "approvedWithoutDns" })) {
      for (const e of page) {
        endpointCount++;
        endpointIds.add(e.id.toLowerCase());
        for (const l of e.links) if (!listsConnections(l.targetResourceId)) unlisted.add(normalizeResourceId(l.targetResourceId));
        for (const r of desiredRecords(e, zones, { ownerId: config.ownerId, ttl: config.recordTtl }).records) desired.push(r);
      }
    }
  };
  const pending: ScopePlan["pending"] = [];
  let linkTargets = 0;
  const readLinkTargets = async (subscriptionId: string, provider: LinkProvider): Promise<void> => {
    try {
      for await (const page of iterateLinkTargets(clients, subscriptionId, provider)) {
        for (const { target, connections } of page) {
          linkTargets++;
          const waiting = connections.filter((c) => c.status === "Pending");
          if (waiting.length > 0) pending.push({ resourceId: normalizeResourceId(target.id), connections: waiting });
        }
      }
    } catch (error) {
      errors.push({ target: `/subscriptions/${subscriptionId}/providers/${provider.resourceType}`, message: `could not list them: ${messageOf(error)}` });
    }
  };
  const [, recordLists] = await Promise.all([
    Promise.all(subscriptionIds.map(readEndpoints)),
    Promise.all(zones.map((z) => listRecordSets(clients, z))),
    Promise.all(subscriptionIds.flatMap((s) => listed.map((provider) => readLinkTargets(s, provider)))),
  ]);
  const current = recordLists.flat();
  options.onProgress?.(
    `read ${endpointCount} endpoints and ${linkTargets} Private Link resources in ${subscriptionIds.length} subscriptions, and ${current.length} record sets in ${zones.length} zones`,
  );
  // A plan for part of the scope answers only for the endpoints in it: records of endpoints elsewhere stay.
  if (partial) for (const r of current) if (isOwnedBy(r, config.ownerId)) {
    const id = endpointOf(r);
    if (id !== undefined && isWithinScope(id, scope)) endpointIds.add(id);
  }
  const planned = planChanges({ current, desired, ownerId: config.ownerId, ...(partial ? { endpointIds: [...endpointIds] } : {}) });
  const changes = { ...planned, conflicts: planned.conflicts.filter((c) => !isServedByZoneGroup(c)) };

  // Types whose lists carry no connections: read those of the resources our endpoints and records point at.
  for (const r of current) if (isOwnedBy(r, config.ownerId)) for (const t of targetsOf(r)) if (!listsConnections(t)) unlisted.add(t);
  const perResource = [...unlisted].filter((t) => isWithinScope(t, scope)).sort();
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
    counts: { subscriptions: subscriptionIds.length, endpoints: endpointCount, zones: zones.length, recordSets: current.length, linkTargets: linkTargets + perResource.length },
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
