/**
 * @module Activity: brings one private endpoint's DNS records to what they should be. Reads the endpoint,
 * the zones and the record sets in the zones its service can use, plans, and applies (or, in a dry run,
 * only plans). An endpoint that is gone, rejected or disconnected gets its owned records deleted.
 */

import * as df from "durable-functions";
import type { ActivityHandler } from "durable-functions";
import type { InvocationContext } from "@azure/functions";
import { desiredRecords } from "../../shared/dns/desired";
import { planChanges } from "../../shared/dns/plan";
import { zonesServing } from "../../shared/dns/zones";
import { resourceTypeOf } from "../../shared/resourceId";
import { getPrivateEndpoint } from "../../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../../shared/azure/privateDns";
import { applyPlan } from "../applyPlan";
import type { DnsReport, RunError } from "../runReport";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";

export interface ReconcileEndpointDnsInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  endpointId: string;
  dryRun: boolean;
}

export interface ReconcileEndpointDnsResult {
  /** Set while an approved endpoint has no IPs or is still provisioning: the orchestrator waits and asks again. */
  waitingFor?: string;
  dns: DnsReport;
  errors: RunError[];
}

export async function reconcileEndpointDns(input: ReconcileEndpointDnsInput, context?: InvocationContext): Promise<ReconcileEndpointDnsResult> {
  const { config, clientsFor } = getRuntime();
  const clients = clientsFor(input);
  const [zones, endpoint] = await Promise.all([listZones(clients, config.dnsZoneResourceGroupIds), getPrivateEndpoint(clients, input.endpointId)]);
  const desired = endpoint === undefined ? undefined : desiredRecords(endpoint, zones, { ownerId: config.ownerId, ttl: config.recordTtl });
  // A gone endpoint names no service, so its records may be in any zone.
  const zonesToRead = endpoint === undefined ? zones : [...new Set(endpoint.links.flatMap((l) => zonesServing(resourceTypeOf(l.targetResourceId), zones)))];
  const current = (await Promise.all(zonesToRead.map((zone) => listRecordSets(clients, zone)))).flat();
  const changes = planChanges({ current, desired: desired?.records ?? [], ownerId: config.ownerId, endpointIds: [input.endpointId] });
  const { dns, errors } = await applyPlan(clients, changes, { ownerId: config.ownerId, dryRun: input.dryRun, log: (m, resourceId) => context?.log(runLog(input.runId, resourceId, m)) });
  dns.skipped = desired?.skipped.map((s) => ({ fqdn: s.fqdn, reason: s.reason, detail: s.detail })) ?? [];
  dns.servedByZoneGroup = desired?.servedByZoneGroup ?? [];
  const approved = endpoint?.links.some((l) => l.status === "Approved") ?? false;
  const waiting = approved ? desired?.skipped.find((s) => s.reason === "notProvisioned" || s.reason === "noAddresses") : undefined;
  return { ...(waiting !== undefined ? { waitingFor: waiting.detail } : {}), dns, errors };
}

const reconcileEndpointDnsHandler: ActivityHandler = (input: ReconcileEndpointDnsInput, context: InvocationContext) => reconcileEndpointDns(input, context);
df.app.activity(Activities.reconcileEndpointDns, { handler: reconcileEndpointDnsHandler });
