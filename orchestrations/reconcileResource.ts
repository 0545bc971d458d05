/**
 * @module Orchestration: reconciles one PaaS resource. Decides its Pending connections by policy, then
 * plans the DNS of every endpoint it concerns (in the scope) at once, including endpoints whose
 * connection was removed from the resource side and whose records must go: a name one endpoint lets go
 * is handed to another in the same plan.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { isWithinScope } from "../shared/resourceId";
import type { EvaluateResourceInput, EvaluateResourceResult } from "./activities/evaluateResource";
import { decideConnections } from "./decideConnections";
import { goRoundAgainIfNudged } from "./goRoundAgainIfNudged";
import { reconcileDnsWithWaits } from "./reconcileDnsWithWaits";
import { Activities, Orchestrations } from "./names";
import { armRetry } from "./armRetry";
import { carryOver, newRunReport, summarizeRunReport } from "./runReport";
import type { RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface ReconcileResourceInput {
  resourceId: string;
  /** The subscriptions in scope; endpoints elsewhere (other tenants) get decisions but no DNS. */
  subscriptionIds: string[];
  dryRun?: boolean;
  /** How many connection writes go at once. */
  concurrency?: number;
  reason?: string;
  round?: number;
  /** The report of the rounds before, when events made the run go round again. */
  previous?: RunReport;
}

const reconcileResourceOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ReconcileResourceInput>();
  const dryRun = input.dryRun === true;
  const report = newRunReport("resource", input.resourceId, { dryRun, startedAt: context.df.currentUtcDateTime, reason: input.reason, round: input.round });
  const previous = input.previous;
  try {
    const evaluateInput: EvaluateResourceInput = { runId: context.df.instanceId, resourceId: input.resourceId, dryRun };
    const evaluation = (yield context.df.callActivityWithRetry(Activities.evaluateResource, armRetry(), evaluateInput)) as EvaluateResourceResult;
    report.notes.push(...evaluation.notes);
    const { entries, decided } = yield* decideConnections(context, evaluation.pending, { dryRun, concurrency: input.concurrency ?? 8 });
    report.decisions = entries;
    const scope = { subscriptionIds: input.subscriptionIds };
    const endpointIds = evaluation.endpointIds.filter((id) => isWithinScope(id, scope));
    const outside = evaluation.endpointIds.length - endpointIds.length;
    if (outside > 0) report.notes.push(`${outside} endpoint(s) outside the configured subscriptions: decided, but their DNS is not ours to write`);
    if (endpointIds.length > 0) yield* reconcileDnsWithWaits(context, { runId: context.df.instanceId, endpointIds, decided, dryRun }, report);
  } catch (error) {
    report.errors.push({ target: input.resourceId, message: error instanceof Error ? error.message : String(error) });
  }
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  if (previous !== undefined) Object.assign(report, carryOver(previous, report));
  if (!context.df.isReplaying) context.log(runLog(context.df.instanceId, input.resourceId, summarizeRunReport(report)));
  if (yield* goRoundAgainIfNudged(context, { ...input, round: report.rounds, previous: report }, input.resourceId)) return undefined;
  return report;
};
df.app.orchestration(Orchestrations.reconcileResource, reconcileResourceOrchestrator);
