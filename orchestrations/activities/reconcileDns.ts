/**
 * @module Activity: brings the DNS records of a run's private endpoints (one, or every endpoint of a
 * PaaS resource) to what they should be, in one plan: reads the endpoints, the zones and the record sets
 * in the zones their services can use, plans from the post-decision states (`decided`), and applies
 * (or, in a dry run, only plans). An endpoint that is gone, rejected or disconnected gets its owned
 * records deleted; a name one endpoint lets go is handed to another in the same plan.
 */

import type { InvocationContext } from "@azure/functions";
import type { DnsRecord, ZoneRef } from "../../shared/domain";
import { mapLimit } from "../../shared/mapLimit";
import { desiredRecordsIn, keepHeldARecords } from "../../shared/dns/desired";
import { zoneSetsOf } from "../../shared/dns/zoneSets";
import { withVirtualNetworkLinks } from "../../shared/azure/virtualNetworkLinks";
import type { DesiredRecords } from "../../shared/dns/desired";
import { planChanges } from "../../shared/dns/plan";
import { zonesServing } from "../../shared/dns/zones";
import { assumeDecisions, decidedLinkIndex } from "../../shared/dns/assumeDecisions";
import type { DecidedLink } from "../../shared/dns/assumeDecisions";
import { resourceTypeOf } from "../../shared/resourceId";
import { getPrivateEndpoint } from "../../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../../shared/azure/privateDns";
import { applyPlan } from "../applyPlan";
import type { DnsReport, RunError } from "../runReport";
import { Activities } from "../names";
import { defineActivity } from "../defineActivity";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";

export interface ReconcileDnsInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  /** The endpoints the run covers (in scope); their records are planned together. */
  endpointIds: string[];
  /** The links the run's decisions changed (or, in a dry run, would): planned as decided. */
  decided?: DecidedLink[];
  dryRun: boolean;
}

export interface ReconcileDnsResult {
  /** Set while an approved endpoint has no IPs or is still provisioning: the orchestrator waits and asks again. */
  waitingFor?: string;
  dns: DnsReport;
  errors: RunError[];
}

/** Endpoint reads in flight at once. */
const READ_CONCURRENCY = 8;

async function reconcileDns(input: ReconcileDnsInput, context?: InvocationContext): Promise<ReconcileDnsResult> {
  const { config, clientsFor } = getRuntime();
  const clients = clientsFor(input);
  const decided = decidedLinkIndex(input.decided ?? []);
  const [listed, read] = await Promise.all([listZones(clients, config.dnsZoneResourceGroupIds), mapLimit(input.endpointIds, READ_CONCURRENCY, (id) => getPrivateEndpoint(clients, id))]);
  const endpoints = read.flatMap((e) => (e === undefined ? [] : [assumeDecisions(e, decided)]));
  const zonesOfTheirServices = (zones: readonly ZoneRef[]) => [...new Set(endpoints.flatMap((e) => e.links.flatMap((l) => zonesServing(resourceTypeOf(l.targetResourceId), zones))))];
  // Links only of the zones the endpoints' services can use: the others hold no record they desire.
  const zones = await withVirtualNetworkLinks(clients, listed, { only: zonesOfTheirServices(listed) });
  const zoneSets = zoneSetsOf(config);
  const desired: DesiredRecords[] = endpoints.map((e) => desiredRecordsIn(e, zoneSets, zones, { ownerId: config.ownerId, ttl: config.recordTtl }));
  // A gone endpoint names no service, so its records may be in any zone.
  const zonesToRead = endpoints.length < input.endpointIds.length ? zones : zonesOfTheirServices(zones);
  const current = (await Promise.all(zonesToRead.map((zone) => listRecordSets(clients, zone)))).flat();
  const records: DnsRecord[] = keepHeldARecords(desired.flatMap((d) => d.records), current, config.ownerId);
  const changes = planChanges({ current, desired: records, ownerId: config.ownerId, endpointIds: input.endpointIds, adoptUnmarked: config.adoptRecords });
  const { dns, errors } = await applyPlan(clients, changes, { ownerId: config.ownerId, dryRun: input.dryRun, zones, log: (m, resourceId) => context?.log(runLog(input.runId, resourceId, m)) });
  dns.skipped = desired.flatMap((d) => d.skipped.map(({ fqdn, reason, detail }) => ({ fqdn, reason, detail })));
  dns.servedByZoneGroup = desired.flatMap((d) => d.servedByZoneGroup);
  const waiting = endpoints.flatMap((e, i) => {
    if (!e.links.some((l) => l.status === "Approved")) return [];
    return desired[i]?.skipped.filter((s) => s.reason === "notProvisioned" || s.reason === "noAddresses") ?? [];
  })[0];
  return { ...(waiting !== undefined ? { waitingFor: waiting.detail } : {}), dns, errors };
}

export const reconcileDnsActivity = defineActivity<ReconcileDnsInput, ReconcileDnsResult>(Activities.reconcileDns, (input) => (input.endpointIds.length === 1 ? (input.endpointIds[0] as string) : "dns"), reconcileDns);
