/**
 * @module Activity: reads a PaaS resource's private endpoint connections, decides the Pending ones by
 * policy, and names every endpoint the resource concerns: those its connections name, and those our
 * records still name for it (a connection removed from the resource side is no longer listed).
 */

import type { InvocationContext } from "@azure/functions";
import { decide } from "../../shared/policy";
import { endpointOf, isOwnedBy, targetsOf } from "../../shared/dns/ownership";
import { zonesServing } from "../../shared/dns/zones";
import { normalizeResourceId, resourceTypeOf } from "../../shared/resourceId";
import { getLinkTarget, listConnections } from "../../shared/azure/connections";
import { listRecordSets, listZones } from "../../shared/azure/privateDns";
import type { PendingDecision } from "../runReport";
import { Activities } from "../names";
import { defineActivity } from "../defineActivity";
import { readConnectionFacts } from "../readConnectionFacts";
import { subscriptionsInScope } from "../scope";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";
import { decisionLine, logDecision } from "../changeLine";

export interface EvaluateResourceInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  resourceId: string;
  /** The run's dry-run flag, resolved where the run started: a dry run reads through read-only clients. */
  dryRun?: boolean;
}

export interface EvaluateResourceResult {
  exists: boolean;
  pending: PendingDecision[];
  /** Lower-cased ids of every endpoint the resource's connections or our records name. */
  endpointIds: string[];
  notes: string[];
}

async function evaluateResource(input: EvaluateResourceInput, context?: InvocationContext): Promise<EvaluateResourceResult> {
  const { clientsFor, config, policies } = getRuntime();
  const clients = clientsFor(input);
  const resourceKey = normalizeResourceId(input.resourceId);
  const target = await getLinkTarget(clients, input.resourceId);
  const connections = target === undefined ? [] : await listConnections(clients, target.id);
  const zones = zonesServing(resourceTypeOf(input.resourceId), await listZones(clients, config.dnsZoneResourceGroupIds));
  const records = (await Promise.all(zones.map((zone) => listRecordSets(clients, zone)))).flat();
  const fromRecords = records.filter((r) => isOwnedBy(r, config.ownerId) && targetsOf(r).includes(resourceKey)).map(endpointOf);
  const endpointIds = [...new Set([...connections.map((c) => normalizeResourceId(c.privateEndpointId)), ...fromRecords])]
    .filter((id): id is string => id !== undefined)
    .sort();
  const notes = target === undefined ? [`${input.resourceId} does not exist (deleted)`] : [];
  const { policy, error: policyError } = policies.current();
  if (policyError !== undefined) notes.push(`policy file change not taken, last valid policy in force: ${policyError}`);
  const pending: PendingDecision[] = [];
  const waiting = target === undefined ? [] : connections.filter((c) => c.status === "Pending");
  const scope = { subscriptionIds: waiting.some((c) => c.groupIds.length === 0) ? await subscriptionsInScope(clients, config) : [] };
  for (const connection of waiting) {
    if (target === undefined) break;
    const decision = decide(policy, await readConnectionFacts(clients, connection, target, scope));
    logDecision(context, runLog(input.runId, connection.id, decisionLine(decision, connection.id, connection.privateEndpointId)), decision);
    pending.push({ connectionId: connection.id, endpointId: connection.privateEndpointId, targetResourceId: target.id, decision });
  }
  return { exists: target !== undefined, pending, endpointIds, notes };
}

export const evaluateResourceActivity = defineActivity<EvaluateResourceInput, EvaluateResourceResult>(Activities.evaluateResource, (input) => input.resourceId, evaluateResource);
