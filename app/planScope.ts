/**
 * @module Reads a scope with paged lists (never one GET per item), decides its Pending connections by
 * policy, and plans the DNS of the whole scope from the post-decision states: an approval the run makes
 * (or, in a dry run, would make) counts as Approved, a rejection as Rejected. One read, one plan for
 * every endpoint of every name. The read half of a drift sweep, and what the `plan` CLI shows.
 *
 * Failures stay where they happen: a subscription whose endpoints cannot be listed, or a zone whose
 * record sets cannot, is reported as an error (with its status and code) and the rest is planned; no
 * record is deleted for an endpoint in a subscription that could not be read (fail closed), and nothing
 * is planned in a zone that could not be read.
 *
 * Requests: the list pages (zones, their record sets, the private endpoints of each subscription and,
 * per Private Link type and subscription, the PaaS resources with their connections), plus, for a type
 * whose list carries no connections (App Service), one connection list per resource our endpoints or
 * records point at and one GET of each such resource with Pending connections; zone groups and NICs
 * only for Approved endpoints whose `customDnsConfigs` name no FQDN. Zone groups' own records are
 * recognised in the zones (see `isServedByZoneGroup`).
 */

import type { Config } from "../shared/config";
import type { Connection, DnsRecord, LinkTarget, PrivateEndpoint, ZoneRef } from "../shared/domain";
import { decide } from "../shared/policy";
import type { Policy } from "../shared/policy";
import { desiredRecordsIn, keepHeldARecords } from "../shared/dns/desired";
import { zoneSetsOf } from "../shared/dns/zoneSets";
import type { DesiredRecords, SkippedName } from "../shared/dns/desired";
import { isServedByZoneGroup } from "../shared/dns/plan";
import type { DnsChanges } from "../shared/dns/plan";
import { mergeStreamed, planRemainder, PlanStream } from "../shared/dns/planStream";
import type { StreamedChanges } from "../shared/dns/planStream";
import { assumeDecisions, decidedLinkIndex } from "../shared/dns/assumeDecisions";
import type { DecidedLink } from "../shared/dns/assumeDecisions";
import { endpointOf, isOwnedBy, targetsOf } from "../shared/dns/ownership";
import { isWithinScope, normalizeResourceId } from "../shared/resourceId";
import type { ArmClients } from "../shared/azure/clients";
import { iteratePrivateEndpoints } from "../shared/azure/privateEndpoints";
import { iterateRecordSets, listZones } from "../shared/azure/privateDns";
import { withVirtualNetworkLinks } from "../shared/azure/virtualNetworkLinks";
import { getLinkTarget, listConnections } from "../shared/azure/connections";
import { iterateLinkTargets } from "../shared/azure/linkTargets";
import { LINK_PROVIDERS, linkProviderFor } from "../shared/azure/providers";
import type { LinkProvider } from "../shared/azure/providers";
import type { PendingDecision } from "../orchestrations/runReport";
import { readConnectionFacts } from "../orchestrations/readConnectionFacts";
import { REPORT_LIST_LIMIT, runErrorsOf } from "../orchestrations/runReport";
import type { RunError } from "../orchestrations/runReport";
import { subscriptionsInScope } from "../orchestrations/scope";
import { OrphanFinder } from "../shared/orphans";
import type { OrphanCandidate } from "../shared/orphans";
import { FirstEntries } from "../shared/firstEntries";

export interface ScopePlan {
  /** Every Pending connection on a resource in scope, with the policy's decision. */
  decisions: PendingDecision[];
  /**
   * The DNS changes, planned as if every approve and reject in `decisions` is carried out. `unchanged`
   * holds the first record sets already right (in the planner's order); `unchangedCount` counts them all.
   */
  changes: DnsChanges & { unchangedCount: number };
  /** Names of the endpoints for which no record is desired, and why: the first by name; `skippedCount` counts them all. */
  skipped: SkippedName[];
  skippedCount: number;
  /** Names whose record a DNS zone group already wrote, as we would have. */
  servedByZoneGroup: string[];
  /** Connections that are Disconnected, or whose endpoint was not listed (see `shared/orphans.ts`). */
  orphanCandidates: OrphanCandidate[];
  counts: { subscriptions: number; endpoints: number; zones: number; recordSets: number; linkTargets: number };
  errors: RunError[];
  /** The zones read, with their VNet links when those could be read. */
  zones: ZoneRef[];
}

export interface PlanScopeOptions {
  /** The policy that decides the Pending connections. */
  policy: Policy;
  /** The resource groups of the private DNS zones to plan in (a sweep shard's zone set). */
  zoneResourceGroupIds: readonly string[];
  /** The subscriptions to read; the whole scope (with the management group's) when left out. */
  subscriptionIds?: readonly string[];
  /** Called as reading goes, for people watching a long read. */
  onProgress?: (message: string) => void;
}

/** The links a run's decisions change, for `assumeDecisions`. */
export function decidedLinksOf(decisions: readonly PendingDecision[]): DecidedLink[] {
  return decisions.flatMap(({ endpointId, targetResourceId, decision }) =>
    decision.action === "leavePending" ? [] : [{ endpointId, targetResourceId, status: decision.action === "approve" ? ("Approved" as const) : ("Rejected" as const) }],
  );
}

export async function planScope(clients: ArmClients, config: Config, options: PlanScopeOptions): Promise<ScopePlan> {
  const inScope = await subscriptionsInScope(clients, config);
  const subscriptionIds = options.subscriptionIds ?? inScope;
  const partial = inScope.some((s) => !subscriptionIds.some((t) => t.toLowerCase() === s));
  const scope = { subscriptionIds };
  const errors: RunError[] = [];
  const listed = LINK_PROVIDERS.filter((p) => p.listsConnections);
  const zoneSets = zoneSetsOf(config);
  const listedZones = await listZones(clients, options.zoneResourceGroupIds);
  // Which zones serve an endpoint, and whether Batch's CNAME is safe, depend on the links: unread, nothing is planned.
  const zones = await withVirtualNetworkLinks(clients, listedZones).catch((error: unknown) => {
    errors.push(...runErrorsOf("zones", error).map((e) => ({ ...e, message: `could not read the zones' VNet links, so nothing is planned in any zone: ${e.message}` })));
    return undefined;
  }) ?? listedZones;
  const desiredOf = (e: PrivateEndpoint) => desiredRecordsIn(e, zoneSets, zones, { ownerId: config.ownerId, ttl: config.recordTtl });
  // Endpoints are turned into their desired records page by page and not kept (at 100k endpoints the
  // SDK objects would dominate the sweep's memory), except those with a Pending link: their records
  // wait for the decisions. Desired records go into the stream in a compact form keyed by zone and name;
  // a record set read that already is what its name's one claim asks for is counted and dropped there.
  const stream = new PlanStream(config.ownerId, REPORT_LIST_LIMIT);
  const skipped = new FirstEntries<SkippedName>(REPORT_LIST_LIMIT, (s) => s.fqdn);
  const servedByZoneGroup: string[] = [];
  const take = (d: DesiredRecords) => {
    for (const r of d.records) stream.desire(r);
    for (const s of d.skipped) skipped.add(s);
    servedByZoneGroup.push(...d.servedByZoneGroup);
  };
  const awaitingDecision = new Map<string, PrivateEndpoint>();
  let endpointCount = 0;
  const unlisted = new Set<string>();
  const unreadSubscriptions = new Set<string>();
  const orphans = new OrphanFinder();
  const readEndpoints = async (subscriptionId: string): Promise<void> => {
    try {
      for await (const page of iteratePrivateEndpoints(clients, subscriptionId, { details: "approvedWithoutDns" })) {
        for (const e of page) {
          endpointCount++;
          orphans.endpointListed(e.id);
          for (const l of e.links) if (!listsConnections(l.targetResourceId)) unlisted.add(normalizeResourceId(l.targetResourceId));
          if (e.links.some((l) => l.status === "Pending")) awaitingDecision.set(e.id.toLowerCase(), e);
          else take(desiredOf(e));
        }
      }
    } catch (error) {
      unreadSubscriptions.add(subscriptionId.toLowerCase());
      errors.push(...runErrorsOf(`/subscriptions/${subscriptionId}`, error).map((e) => ({ ...e, message: `could not list its private endpoints, so no record of its endpoints is deleted: ${e.message}` })));
    }
  };
  const unreadZones = new Set<string>(zones === listedZones ? zones.map((z) => z.id.toLowerCase()) : []);
  let recordSets = 0;
  const readRecordSets = async (zone: ZoneRef): Promise<void> => {
    try {
      for await (const page of iterateRecordSets(clients, zone)) {
        for (const r of page) {
          recordSets++;
          // Types whose lists carry no connections: read those of the resources our records point at.
          if (isOwnedBy(r, config.ownerId)) for (const t of targetsOf(r)) if (!listsConnections(t)) unlisted.add(t);
          stream.read(r);
        }
      }
    } catch (error) {
      unreadZones.add(zone.id.toLowerCase());
      errors.push(...runErrorsOf(zone.id, error).map((e) => ({ ...e, message: `could not list its record sets, so nothing is planned in it: ${e.message}` })));
    }
  };
  const pending: { target: LinkTarget; connections: Connection[] }[] = [];
  let linkTargets = 0;
  const readLinkTargets = async (subscriptionId: string, provider: LinkProvider): Promise<void> => {
    try {
      for await (const page of iterateLinkTargets(clients, subscriptionId, provider)) {
        for (const { target, connections } of page) {
          linkTargets++;
          orphans.connectionsListed(connections);
          const waiting = connections.filter((c) => c.status === "Pending");
          if (waiting.length > 0) pending.push({ target, connections: waiting });
        }
      }
    } catch (error) {
      errors.push(...runErrorsOf(`/subscriptions/${subscriptionId}/providers/${provider.resourceType}`, error).map((e) => ({ ...e, message: `could not list them: ${e.message}` })));
    }
  };
  await Promise.all([
    Promise.all(subscriptionIds.map(readEndpoints)),
    Promise.all(subscriptionIds.flatMap((s) => listed.map((provider) => readLinkTargets(s, provider)))),
  ]);
  // The zones after the endpoints, so record sets already right are dropped as they are read.
  await Promise.all(zones.map(readRecordSets));
  options.onProgress?.(
    `read ${endpointCount} endpoints and ${linkTargets} Private Link resources in ${subscriptionIds.length} subscriptions, and ${recordSets} record sets in ${zones.length} zones`,
  );

  const perResource = [...unlisted].filter((t) => isWithinScope(t, scope)).sort();
  for (const [i, resourceId] of perResource.entries()) {
    try {
      const listed = await listConnections(clients, resourceId);
      orphans.connectionsListed(listed);
      const connections = listed.filter((c) => c.status === "Pending");
      const target = connections.length > 0 ? await getLinkTarget(clients, resourceId) : undefined;
      if (target !== undefined) pending.push({ target, connections });
    } catch (error) {
      errors.push(...runErrorsOf(resourceId, error).map((e) => ({ ...e, message: `could not list its connections: ${e.message}` })));
    }
    if ((i + 1) % 100 === 0) options.onProgress?.(`listed the connections of ${i + 1} of ${perResource.length} resources`);
  }

  // Decide, from the connections already listed (the endpoint, when its group ids are needed, is the one read above).
  const decisions: PendingDecision[] = [];
  for (const { target, connections } of pending) {
    for (const connection of connections) {
      const endpoint = awaitingDecision.get(connection.privateEndpointId.toLowerCase());
      const facts = await readConnectionFacts(clients, connection, target, { subscriptionIds: inScope, ...(endpoint === undefined ? {} : { endpoint }) });
      decisions.push({ connectionId: connection.id, endpointId: connection.privateEndpointId, targetResourceId: target.id, decision: decide(options.policy, facts) });
    }
  }
  decisions.sort((a, b) => a.connectionId.localeCompare(b.connectionId));
  const decided = decidedLinkIndex(decidedLinksOf(decisions));
  for (const e of awaitingDecision.values()) take(desiredOf(assumeDecisions(e, decided)));

  // A plan for part of the scope answers only for the endpoints in it: records of endpoints elsewhere, or
  // in a subscription that could not be read, stay. In a zone, those are the endpoints that desire a
  // record there and those of our records there in the subscriptions that were read (every endpoint
  // read is in one of those, and the plan asks only about endpoints that desire or hold a name).
  const answersFor = unreadSubscriptions.size === 0 ? scope : { subscriptionIds: subscriptionIds.filter((s) => !unreadSubscriptions.has(s.toLowerCase())) };
  const limited = partial || unreadSubscriptions.size > 0;
  const inRun = (desired: readonly DnsRecord[], zoneCurrent: readonly DnsRecord[]): { endpointIds?: string[] } => {
    if (!limited) return {};
    const ids = new Set(desired.map((r) => endpointOf(r) as string));
    for (const r of zoneCurrent) {
      const id = endpointOf(r);
      if (id !== undefined && isOwnedBy(r, config.ownerId) && isWithinScope(id, answersFor)) ids.add(id);
    }
    return { endpointIds: [...ids] };
  };
  // Zone by zone (a name lives in one zone), each from what the stream holds of it: a record set dropped
  // as unchanged planned as unchanged and nothing else, and its endpoint is asked about only at its name.
  // Batch's legacy CNAME claims become A records where our A already holds the name (keepHeldARecords):
  // such a record set never matches its claim as read, so it is always in the remainder with its claim.
  const zonePlans: StreamedChanges[] = [];
  for (const zoneKey of stream.zoneKeys()) {
    const remainder = stream.take(zoneKey);
    const desired = keepHeldARecords(remainder.desired, remainder.current, config.ownerId);
    if (!unreadZones.has(zoneKey)) zonePlans.push(planRemainder({ ...remainder, desired }, { ownerId: config.ownerId, adoptUnmarked: config.adoptRecords, ...inRun(desired, remainder.current) }));
  }
  const planned = mergeStreamed(zonePlans, REPORT_LIST_LIMIT);
  const served = planned.conflicts.filter(isServedByZoneGroup);
  servedByZoneGroup.push(...served.map((c) => `${c.record.name}.${c.record.zone}`));
  const changes = { ...planned, conflicts: planned.conflicts.filter((c) => !isServedByZoneGroup(c)) };
  return {
    decisions,
    changes,
    skipped: skipped.items(),
    skippedCount: skipped.count,
    servedByZoneGroup: [...new Set(servedByZoneGroup)].sort(),
    orphanCandidates: orphans.candidates({ listedSubscriptions: subscriptionIds.filter((s) => !unreadSubscriptions.has(s.toLowerCase())), scopeSubscriptions: inScope }),
    errors,
    zones,
    counts: { subscriptions: subscriptionIds.length, endpoints: endpointCount, zones: zones.length, recordSets, linkTargets: linkTargets + perResource.length },
  };
}

/** False for a type whose list carries no connections, and for a type we do not support at all. */
function listsConnections(resourceId: string): boolean {
  try {
    return linkProviderFor(resourceId).listsConnections;
  } catch {
    return true;
  }
}
