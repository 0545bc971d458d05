/**
 * @module Orchestration step shared by every run: carries out the policy's decisions on Pending
 * connections, side by side (or, in a dry run, only reports them), and says which links the decisions
 * changed, so that DNS is planned from the post-decision states.
 */

import type { OrchestrationContext, Task } from "durable-functions";
import type { DecidedLink } from "../shared/dns/assumeDecisions";
import type { PendingDecision } from "./activities/evaluateEndpoint";
import type { SetConnectionStateInput, SetConnectionStateResult } from "./activities/setConnectionState";
import type { DecisionEntry, DecisionOutcome } from "./runReport";
import { wouldOutcome } from "./runReport";
import { Activities } from "./names";
import { armRetry } from "./armRetry";
import { fanOut } from "./fanOut";

export interface DecidedConnections {
  entries: DecisionEntry[];
  /** The links whose approval or rejection was carried out (or, in a dry run, would be). */
  decided: DecidedLink[];
}

const CARRIED_OUT: Partial<Record<DecisionOutcome, DecidedLink["status"]>> = { approved: "Approved", wouldApprove: "Approved", rejected: "Rejected", wouldReject: "Rejected" };

/** The report entries of decisions not carried out yet: what a dry run (and `plan`) shows. */
export function plannedDecisionEntries(pending: readonly PendingDecision[]): DecisionEntry[] {
  return pending.map((p) => {
    const { action, ruleName, reason } = p.decision;
    return { connectionId: p.connectionId, endpointId: p.endpointId, action, ruleName, reason, outcome: wouldOutcome(action) };
  });
}

export function* decideConnections(context: OrchestrationContext, pending: readonly PendingDecision[], options: { dryRun: boolean; concurrency: number }): Generator<Task, DecidedConnections, unknown> {
  const entries = plannedDecisionEntries(pending);
  if (!options.dryRun) {
    const writes = pending.flatMap((p, i) => (p.decision.action === "leavePending" ? [] : [i]));
    const results = yield* fanOut<number, SetConnectionStateResult>(context, writes, options.concurrency, (i) => {
      const p = pending[i] as PendingDecision;
      const input: SetConnectionStateInput = { runId: context.df.instanceId, connectionId: p.connectionId, decision: p.decision, dryRun: false };
      return context.df.callActivityWithRetry(Activities.setConnectionState, armRetry(), input);
    });
    for (const [n, i] of writes.entries()) {
      const entry = entries[i] as DecisionEntry;
      const result = results[n] as SetConnectionStateResult;
      entry.outcome = result.outcome;
      if (result.outcome !== "approved" && result.outcome !== "rejected") entry.detail = result.detail;
    }
  }
  const decided = pending.flatMap((p, i) => {
    const status = CARRIED_OUT[(entries[i] as DecisionEntry).outcome];
    return status === undefined ? [] : [{ endpointId: p.endpointId, targetResourceId: p.targetResourceId, status }];
  });
  return { entries, decided };
}
