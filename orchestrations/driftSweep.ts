/**
 * @module Orchestration: the drift sweep. One activity reads the whole scope with paged lists, decides
 * its Pending connections and plans every DNS difference from the post-decision states; the sweep
 * carries out the decisions side by side, then applies the DNS changes in bounded batches: deletes
 * first, then updates, then creates. The changes of an endpoint whose decision did not come through are
 * left for the next run. Each stage's failure is reported where it happens and the next stage still
 * runs. Reports progress as it goes (custom status) and ends with counts, every conflict and every error.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { withoutEndpoints } from "../shared/dns/plan";
import type { DnsChanges } from "../shared/dns/plan";
import { planSweepActivity } from "./activities/planSweep";
import { applyDnsChangesActivity } from "./activities/applyDnsChanges";
import type { AppliedPlan } from "./applyPlan";
import { batchesOf, NO_CHANGES } from "./batchesOf";
import { decideConnections } from "./decideConnections";
import type { DecidedConnections } from "./decideConnections";
import { isActivityFailure } from "./defineActivity";
import type { ActivityFailure } from "./defineActivity";
import { decidedLinksOf } from "./planScope";
import { fanOut } from "./fanOut";
import { Orchestrations } from "./names";
import { dnsReportOf, mergeDnsReports, runErrorsOf } from "./runReport";
import { runSkeleton, stage } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";
import { runLog } from "./runLog";

export interface DriftSweepInput extends RunInput {
  /** The configured scope (kept for runs started before the sweep decided in its own read). */
  subscriptionIds: string[];
  /** Sweep only these subscriptions (a manual run); the whole scope when left out. */
  onlySubscriptionIds?: string[];
  /** How many decisions or DNS batches go at once. */
  concurrency?: number;
  /** Record set changes per batch. */
  batchSize?: number;
}

const driftSweepOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<DriftSweepInput>();
  const dryRun = input.dryRun === true;
  const concurrency = input.concurrency ?? 8;
  // A sweep of one subscription names it as its resource; a sweep of the whole scope names none.
  const only = input.onlySubscriptionIds;
  const scopeId = only?.length === 1 ? `/subscriptions/${only[0]}` : undefined;
  const log = (message: string) => {
    if (!context.df.isReplaying) context.log(runLog(context.df.instanceId, scopeId, `sweep: ${message}`));
  };
  const report = yield* runSkeleton(context, input, { kind: "sweep", target: "scope", logResource: scopeId, goesRound: false }, function* (report) {
    context.df.setCustomStatus({ phase: "reading" });
    const plan = yield* planSweepActivity.call(context, { runId: context.df.instanceId, dryRun, ...(only === undefined ? {} : { subscriptionIds: only }) });
    // Without a plan there is nothing to decide or apply.
    if (isActivityFailure(plan)) return void report.errors.push(...plan.failed);
    const { counts } = plan;
    report.notes.push(`read ${counts.endpoints} endpoints in ${counts.subscriptions} subscriptions, ${counts.recordSets} record sets in ${counts.zones} zones, ${counts.linkTargets} link targets`, ...plan.notes);
    report.errors.push(...plan.errors);
    log(`planned ${plan.decisions.length} decisions; ${plan.changes.create.length} creates, ${plan.changes.update.length} updates, ${plan.changes.delete.length} deletes, ${plan.changes.conflicts.length} conflicts`);

    context.df.setCustomStatus({ phase: "deciding", total: plan.decisions.length });
    const decisions: DecidedConnections | undefined = yield* stage(report, "scope", decideConnections(context, plan.decisions, { dryRun, concurrency }));
    report.decisions = decisions?.entries ?? [];
    // The plan assumed every approve and reject; an endpoint whose decision did not come through keeps its records as they are.
    const carriedOut = new Set((decisions?.decided ?? []).map((d) => `${d.endpointId}|${d.targetResourceId}`.toLowerCase()));
    const notCarriedOut = new Set(decidedLinksOf(plan.decisions).filter((d) => !carriedOut.has(`${d.endpointId}|${d.targetResourceId}`.toLowerCase())).map((d) => d.endpointId.toLowerCase()));
    if (notCarriedOut.size > 0) report.notes.push(`${notCarriedOut.size} endpoint(s) whose decision did not come through keep their records until the next run`);
    const changes = withoutEndpoints(plan.changes, notCarriedOut);

    let dns = dnsReportOf(changes, plan.skipped, plan.servedByZoneGroup);
    if (!dryRun) {
      const waves = batchesOf(changes, input.batchSize ?? 100);
      const total = waves.reduce((n, w) => n + w.length, 0);
      const results: AppliedPlan[] = [];
      for (const wave of waves) {
        context.df.setCustomStatus({ phase: "applying", done: results.length, total });
        const applied = yield* fanOut<DnsChanges, AppliedPlan | ActivityFailure>(
          context,
          wave,
          concurrency,
          (batch) => applyDnsChangesActivity.task(context, { runId: context.df.instanceId, changes: batch, dryRun }),
          (_, error) => ({ failed: runErrorsOf("dns", error) }),
        );
        for (const result of applied) {
          if (isActivityFailure(result)) report.errors.push(...result.failed);
          else results.push(result);
        }
        if (wave.length > 0) log(`applied ${results.length} of ${total} batches`);
      }
      dns = mergeDnsReports([dnsReportOf({ ...NO_CHANGES, conflicts: changes.conflicts }, plan.skipped, plan.servedByZoneGroup), ...results.map((r) => r.dns)]);
      report.errors.push(...results.flatMap((r) => r.errors));
    }
    dns.unchanged = plan.unchangedCount;
    report.dns = dns;
  });
  context.df.setCustomStatus({ phase: "done" });
  return report;
};
df.app.orchestration(Orchestrations.driftSweep, driftSweepOrchestrator);
