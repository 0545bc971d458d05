/**
 * @module Orchestration: the drift sweep. One activity (`sweepScope`, see `app/runScope.ts`) reads the
 * scope with paged lists, decides its Pending connections, carries them out, plans every DNS difference
 * from the post-decision states and applies it, in process; it returns a bounded report (counts, the first
 * entries of each list, every error), so the sweep's history stays small at any size. Reports progress
 * (custom status) and ends with that report.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { sweepScopeActivity } from "./activities/sweepScope";
import { isActivityFailure } from "./defineActivity";
import { Orchestrations } from "./names";
import { runSkeleton } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";

export interface DriftSweepInput extends RunInput {
  /** The configured scope (kept for runs started before the sweep read it itself). */
  subscriptionIds: string[];
  /** Sweep only these subscriptions (a manual run); the whole scope when left out. */
  onlySubscriptionIds?: string[];
  /** How many connection or record writes go at once. */
  concurrency?: number;
}

const driftSweepOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<DriftSweepInput>();
  const dryRun = input.dryRun === true;
  // A sweep of one subscription names it as its resource; a sweep of the whole scope names none.
  const only = input.onlySubscriptionIds;
  const scopeId = only?.length === 1 ? `/subscriptions/${only[0]}` : undefined;
  const report = yield* runSkeleton(context, input, { kind: "sweep", target: "scope", logResource: scopeId, goesRound: false }, function* (report) {
    context.df.setCustomStatus({ phase: "sweeping" });
    const run = yield* sweepScopeActivity.call(context, { runId: context.df.instanceId, dryRun, concurrency: input.concurrency ?? 8, ...(only === undefined ? {} : { subscriptionIds: only }) });
    if (isActivityFailure(run)) return void report.errors.push(...run.failed);
    const { counts } = run;
    report.notes.push(`read ${counts.endpoints} endpoints in ${counts.subscriptions} subscriptions, ${counts.recordSets} record sets in ${counts.zones} zones, ${counts.linkTargets} link targets`, ...run.notes);
    report.decisions = run.decisions;
    report.dns = run.dns;
    report.errors.push(...run.errors);
    if (run.omitted !== undefined) report.omitted = run.omitted;
  });
  context.df.setCustomStatus({ phase: "done" });
  return report;
};
df.app.orchestration(Orchestrations.driftSweep, driftSweepOrchestrator);
