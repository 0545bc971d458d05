/**
 * @module Orchestration: reconciles one PaaS resource. Decides its Pending connections by policy, then
 * reconciles every endpoint it concerns (in the scope), including endpoints whose connection was
 * removed from the resource side and whose records must go.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler, Task } from "durable-functions";
import { isWithinScope } from "../shared/resourceId";
import type { EvaluateResourceInput, EvaluateResourceResult } from "./activities/evaluateResource";
import type { ReconcileEndpointInput } from "./reconcileEndpoint";
import { decideConnections } from "./decideConnections";
import { goRoundAgainIfNudged } from "./goRoundAgainIfNudged";
import { Activities, Orchestrations } from "./names";
import { armRetry } from "./armRetry";
import { carryOver, newRunReport, mergeDnsReports, summarizeRunReport } from "./runReport";
import type { RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface ReconcileResourceInput {
  resourceId: string;
  /** The subscriptions in scope; endpoints elsewhere (other tenants) get decisions but no DNS. */
  subscriptionIds: string[];
  dryRun?: boolean;
  /** How many endpoint runs go at once. */
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
    const evaluateInput: EvaluateResourceInput = { runId: context.df.instanceId, resourceId: input.resourceId };
    const evaluation = (yield context.df.callActivityWithRetry(Activities.evaluateResource, armRetry(), evaluateInput)) as EvaluateResourceResult;
    report.notes.push(...evaluation.notes);
    report.decisions = yield* decideConnections(context, evaluation.pending, dryRun);
    const scope = { subscriptionIds: input.subscriptionIds };
    const endpoints = evaluation.endpointIds.filter((id) => isWithinScope(id, scope));
    const outside = evaluation.endpointIds.length - endpoints.length;
    if (outside > 0) report.notes.push(`${outside} endpoint(s) outside the configured subscriptions: decided, but their DNS is not ours to write`);
    const batch = input.concurrency ?? 8;
    const reconcileEndpoints = function* (ids: readonly string[]): Generator<Task, RunReport[], unknown> {
      const reports: RunReport[] = [];
      for (let i = 0; i < ids.length; i += batch) {
        const tasks: Task[] = ids.slice(i, i + batch).map((endpointId) => {
          const child: ReconcileEndpointInput = { endpointId, dryRun, skipDecisions: true, reason: `resource run for ${input.resourceId}` };
          return context.df.callSubOrchestrator(Orchestrations.reconcileEndpoint, child);
        });
        reports.push(...((yield context.df.Task.all(tasks)) as RunReport[]));
      }
      return reports;
    };
    const children = yield* reconcileEndpoints(endpoints);
    // Endpoints run side by side: one may have found a name still held by another that let it go
    // in the same pass. Once, those go again, so the name is handed over now, not at the next sweep.
    const waiting = endpoints.filter((_, i) => children[i]?.dns.conflicts.some((c) => c.reason === "heldOutsideRun"));
    if (waiting.length > 0 && children.some((c) => c.dns.deleted.length > 0)) {
      const again = yield* reconcileEndpoints(waiting);
      for (const [i, id] of waiting.entries()) {
        const at = endpoints.indexOf(id);
        const first = children[at];
        const second = again[i];
        if (first !== undefined && second !== undefined) children[at] = carryOver(first, second);
      }
    }
    report.dns = mergeDnsReports(children.map((c) => c.dns));
    report.errors.push(...children.flatMap((c) => c.errors));
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
