/**
 * @module Orchestration step shared by the endpoint and resource runs: carries out the policy's
 * decisions on Pending connections (or, in a dry run, only reports them).
 */

import type { OrchestrationContext, Task } from "durable-functions";
import type { PendingDecision } from "./activities/evaluateEndpoint";
import type { SetConnectionStateInput, SetConnectionStateResult } from "./activities/setConnectionState";
import type { DecisionEntry, DecisionOutcome } from "./runReport";
import { Activities } from "./names";
import { armRetry } from "./armRetry";

const WOULD: Record<string, DecisionOutcome> = { approve: "wouldApprove", reject: "wouldReject", leavePending: "leftPending" };

export function* decideConnections(context: OrchestrationContext, pending: readonly PendingDecision[], dryRun: boolean): Generator<Task, DecisionEntry[], unknown> {
  const entries: DecisionEntry[] = [];
  for (const p of pending) {
    const { action, ruleName, reason } = p.decision;
    const entry: DecisionEntry = { connectionId: p.connectionId, endpointId: p.endpointId, action, ruleName, reason, outcome: WOULD[action] ?? "leftPending" };
    if (!dryRun && action !== "leavePending") {
      const input: SetConnectionStateInput = { runId: context.df.instanceId, connectionId: p.connectionId, decision: p.decision, dryRun };
      const result = (yield context.df.callActivityWithRetry(Activities.setConnectionState, armRetry(), input)) as SetConnectionStateResult;
      entry.outcome = result.outcome;
      if (result.outcome !== "approved" && result.outcome !== "rejected") entry.detail = result.detail;
    }
    entries.push(entry);
  }
  return entries;
}
