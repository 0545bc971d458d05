/**
 * @module Orchestration: reconciles one private endpoint. Decides its Pending connections by policy,
 * waits (bounded, with durable timers) for an approved endpoint's IPs, then brings its DNS records to
 * what they should be; a gone or disconnected endpoint loses the records we wrote for it. Events that
 * arrive meanwhile make it go round once more.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import type { EvaluateEndpointInput, EvaluateEndpointResult } from "./activities/evaluateEndpoint";
import type { ReconcileEndpointDnsInput, ReconcileEndpointDnsResult } from "./activities/reconcileEndpointDns";
import { decideConnections } from "./decideConnections";
import { goRoundAgainIfNudged } from "./goRoundAgainIfNudged";
import { Activities, Orchestrations } from "./names";
import { armRetry } from "./armRetry";
import { carryOver, newRunReport, summarizeRunReport } from "./runReport";
import type { RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface ReconcileEndpointInput {
  endpointId: string;
  dryRun?: boolean;
  /** Set by a resource run that has already decided the connections. */
  skipDecisions?: boolean;
  /** Why the run started (the event, or "manual run"). */
  reason?: string;
  round?: number;
  /** The report of the rounds before, when events made the run go round again. */
  previous?: RunReport;
}

/** An approved endpoint without IPs yet is asked again this many times, this far apart. */
const MAX_WAITS = 6;
const WAIT_MS = 5_000;

const reconcileEndpointOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ReconcileEndpointInput>();
  const dryRun = input.dryRun === true;
  const report = newRunReport("endpoint", input.endpointId, { dryRun, startedAt: context.df.currentUtcDateTime, reason: input.reason, round: input.round });
  const previous = input.previous;
  try {
    if (input.skipDecisions !== true) {
      const evaluateInput: EvaluateEndpointInput = { runId: context.df.instanceId, endpointId: input.endpointId };
      const evaluation = (yield context.df.callActivityWithRetry(Activities.evaluateEndpoint, armRetry(), evaluateInput)) as EvaluateEndpointResult;
      report.notes.push(...evaluation.notes);
      report.decisions = yield* decideConnections(context, evaluation.pending, dryRun);
    }
    const dnsInput: ReconcileEndpointDnsInput = { runId: context.df.instanceId, endpointId: input.endpointId, dryRun };
    for (let attempt = 1; ; attempt++) {
      const result = (yield context.df.callActivityWithRetry(Activities.reconcileEndpointDns, armRetry(), dnsInput)) as ReconcileEndpointDnsResult;
      report.dns = result.dns;
      report.errors.push(...result.errors);
      if (result.waitingFor === undefined || dryRun) break;
      if (attempt >= MAX_WAITS) {
        report.notes.push(`gave up waiting after ${MAX_WAITS} tries: ${result.waitingFor}; the next event or sweep finishes it`);
        break;
      }
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + WAIT_MS));
    }
  } catch (error) {
    // Reported, not rethrown: a failed endpoint must not fail the resource run or sweep above it.
    report.errors.push({ target: input.endpointId, message: error instanceof Error ? error.message : String(error) });
  }
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  if (previous !== undefined) Object.assign(report, carryOver(previous, report));
  if (!context.df.isReplaying) context.log(runLog(context.df.instanceId, input.endpointId, summarizeRunReport(report)));
  if (yield* goRoundAgainIfNudged(context, { ...input, round: report.rounds, previous: report }, input.endpointId)) return undefined;
  return report;
};
df.app.orchestration(Orchestrations.reconcileEndpoint, reconcileEndpointOrchestrator);
