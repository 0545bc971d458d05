/**
 * @module Activity: reads a private endpoint and decides, by policy, each of its Pending connections.
 * Reads the truth from ARM; whatever event started the run is not trusted.
 */

import type { InvocationContext } from "@azure/functions";
import type { PendingDecision } from "../runReport";
import { decide } from "../../shared/policy";
import { isWithinScope, sameResourceId } from "../../shared/resourceId";
import { getPrivateEndpoint } from "../../shared/azure/privateEndpoints";
import { getLinkTarget, listConnections } from "../../shared/azure/connections";
import { Activities } from "../names";
import { defineActivity } from "../defineActivity";
import { readConnectionFacts } from "../readConnectionFacts";
import { getRuntime } from "../runtime";
import { subscriptionsInScope } from "../scope";
import { runLog } from "../runLog";
import { decisionLine, logDecision } from "../changeLine";

export interface EvaluateEndpointInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  endpointId: string;
  /** The run's dry-run flag, resolved where the run started: a dry run reads through read-only clients. */
  dryRun?: boolean;
}


export interface EvaluateEndpointResult {
  exists: boolean;
  pending: PendingDecision[];
  notes: string[];
}

export async function evaluateEndpoint(input: EvaluateEndpointInput, context?: InvocationContext): Promise<EvaluateEndpointResult> {
  const { clientsFor, config, policies } = getRuntime();
  const clients = clientsFor(input);
  const endpoint = await getPrivateEndpoint(clients, input.endpointId);
  if (endpoint === undefined) return { exists: false, pending: [], notes: [`${input.endpointId} does not exist (deleted)`] };
  const { policy, error: policyError } = policies.current();
  const notes = policyError === undefined ? [] : [`policy file change not taken, last valid policy in force: ${policyError}`];
  const pending: PendingDecision[] = [];
  const waiting = endpoint.links.filter((l) => l.status === "Pending");
  const scope = { subscriptionIds: waiting.length > 0 ? await subscriptionsInScope(clients, config) : [] };
  for (const link of waiting) {
    if (!isWithinScope(link.targetResourceId, scope)) {
      notes.push(`${link.targetResourceId} is outside the configured subscriptions; its connection is left alone`);
      continue;
    }
    const target = await getLinkTarget(clients, link.targetResourceId);
    const connection = target && (await listConnections(clients, target.id)).find((c) => sameResourceId(c.privateEndpointId, endpoint.id));
    if (target === undefined || connection === undefined) {
      notes.push(`${link.targetResourceId} shows no connection from ${endpoint.id}; nothing to decide`);
      continue;
    }
    if (connection.status !== "Pending") {
      notes.push(`${connection.id} is already ${connection.status} on the resource side`);
      continue;
    }
    const decision = decide(policy, await readConnectionFacts(clients, connection, target, { ...scope, endpoint }));
    logDecision(context, runLog(input.runId, connection.id, decisionLine(decision, connection.id, endpoint.id)), decision);
    pending.push({ connectionId: connection.id, endpointId: endpoint.id, targetResourceId: target.id, decision });
  }
  return { exists: true, pending, notes };
}

export const evaluateEndpointActivity = defineActivity<EvaluateEndpointInput, EvaluateEndpointResult>(Activities.evaluateEndpoint, (input) => input.endpointId, evaluateEndpoint);
