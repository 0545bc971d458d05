/**
 * @module Orchestration: reconciles one private endpoint. Decides its Pending connections by policy,
 * then brings its DNS records to what they should be after those decisions (waiting, bounded, with
 * durable timers, for an approved endpoint's IPs); a gone or disconnected endpoint loses the records we
 * wrote for it. Events that arrive meanwhile make it go round once more.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import type { EvaluateEndpointInput, EvaluateEndpointResult } from "./activities/evaluateEndpoint";
import { decideConnections } from "./decideConnections";
import { goRoundAgainIfNudged } from "./goRoundAgainIfNudged";
import { reconcileDnsWithWaits } from "./reconcileDnsWithWaits";
import { Activities, Orchestrations } from "./names";
import { armRetry } from "./armRetry";
import { carryOver, newRunReport, summarizeRunReport } from "./runReport";
import type { RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface ReconcileEndpointInput {
  endpointId: string;
  dryRun?: boolean;
  /** Why the run started (the event, or "manual run"). */
  reason?: string;
  round?: number;
  /** The report of the rounds before, when events made the run go round again. */
  previous?: RunReport;
}

/** How many connection writes go at once (an endpoint rarely has more than one or two). */
const CONCURRENCY = 8;

const reconcileEndpointOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ReconcileEndpointInput>();
  const dryRun = input.dryRun === true;
  const report = newRunReport("endpoint", input.endpointId, { dryRun, startedAt: context.df.currentUtcDateTime, reason: input.reason, round: input.round });
  const previous = input.previous;
  try {
    const evaluateInput: EvaluateEndpointInput = { runId: context.df.instanceId, endpointId: input.endpointId, dryRun };
    const evaluation = (yield context.df.callActivityWithRetry(Activities.evaluateEndpoint, armRetry(), evaluateInput)) as EvaluateEndpointResult;
    report.notes.push(...evaluation.notes);
    const { entries, decided } = yield* decideConnections(context, evaluation.pending, { dryRun, concurrency: CONCURRENCY });
    report.decisions = entries;
    yield* reconcileDnsWithWaits(context, { runId: context.df.instanceId, endpointIds: [input.endpointId], decided, dryRun }, report);
  } catch (error) {
    report.errors.push({ target: input.endpointId, message: error instanceof Error ? error.message : String(error) });
  }
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  if (previous !== undefined) Object.assign(report, carryOver(previous, report));
  if (!context.df.isReplaying) context.log(runLog(context.df.instanceId, input.endpointId, summarizeRunReport(report)));
  if (yield* goRoundAgainIfNudged(context, { ...input, round: report.rounds, previous: report }, input.endpointId)) return undefined;
  return report;
};
df.app.orchestration(Orchestrations.reconcileEndpoint, reconcileEndpointOrchestrator);
