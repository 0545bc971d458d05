/**
 * @module Orchestration step shared by every run: carries out the policy's decisions on Pending
 * connections, side by side (or, in a dry run, only reports them), and says which links the decisions
 * changed, so that DNS is planned from the post-decision states.
 */

import type { OrchestrationContext, Task } from "durable-functions";
import type { DecidedLink } from "../shared/dns/assumeDecisions";
import { setConnectionStateActivity } from "./activities/setConnectionState";
import type { SetConnectionStateResult } from "./activities/setConnectionState";
import { isActivityFailure } from "./defineActivity";
import type { ActivityFailure } from "./defineActivity";
import type { DecisionEntry, PendingDecision, RunError } from "./runReport";
import { carriedOutLinks } from "./carriedOutLinks";
import { plannedDecisionEntries, runErrorsOf } from "./runReport";
import { fanOut } from "./fanOut";
import { decisionLine } from "./changeLine";
import { runLog } from "./runLog";

export interface DecidedConnections {
  entries: DecisionEntry[];
  /** The links whose approval or rejection was carried out (or, in a dry run, would be). */
  decided: DecidedLink[];
}

export function* decideConnections(context: OrchestrationContext, pending: readonly PendingDecision[], options: { dryRun: boolean; concurrency: number }): Generator<Task, DecidedConnections, unknown> {
  const entries = plannedDecisionEntries(pending);
  if (!options.dryRun) {
    const writes = pending.flatMap((p, i) => (p.decision.action === "leavePending" ? [] : [i]));
    const failed = (errors: readonly RunError[]): SetConnectionStateResult => ({ outcome: "failed", detail: errors.map((e) => e.message).join("; ") });
    const results = yield* fanOut<number, SetConnectionStateResult | ActivityFailure>(
      context,
      writes,
      options.concurrency,
      (i) => {
        const p = pending[i] as PendingDecision;
        return setConnectionStateActivity.task(context, { runId: context.df.instanceId, connectionId: p.connectionId, endpointId: p.endpointId, decision: p.decision, dryRun: false });
      },
      (i, error) => ({ failed: runErrorsOf((pending[i] as PendingDecision).connectionId, error) }),
    );
    for (const [n, i] of writes.entries()) {
      const entry = entries[i] as DecisionEntry;
      const returned = results[n];
      const result = returned === undefined ? failed([]) : isActivityFailure(returned) ? failed(returned.failed) : returned;
      entry.outcome = result.outcome;
      if (result.outcome !== "approved" && result.outcome !== "rejected") entry.detail = result.detail;
    }
  } else if (!context.df.isReplaying) {
    // The activities logged these decisions at DEBUG; a dry run names what it would have written.
    for (const p of pending) {
      if (p.decision.action !== "leavePending") context.log(runLog(context.df.instanceId, p.connectionId, decisionLine(p.decision, p.connectionId, p.endpointId, { dryRun: true })));
    }
  }
  return { entries, decided: carriedOutLinks(pending, entries) };
}
