/**
 * @module Orchestration: the drift sweep. Reads the whole scope with paged lists, plans every DNS
 * difference at once, reconciles the resources that hold Pending connections, and applies the DNS
 * changes in bounded batches: deletes first, then updates, then creates. Reports progress as it goes
 * (custom status) and ends with counts, every conflict and every error.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler, Task } from "durable-functions";
import type { PlanSweepInput, PlanSweepResult } from "./activities/planSweep";
import type { ApplyDnsChangesInput } from "./activities/applyDnsChanges";
import type { ReconcileResourceInput } from "./reconcileResource";
import { batchesOf, NO_CHANGES } from "./batchesOf";
import { Activities, Orchestrations } from "./names";
import { armRetry } from "./armRetry";
import { dnsReportOf, mergeDnsReports, newRunReport, summarizeRunReport } from "./runReport";
import type { DnsReport, RunError, RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface DriftSweepInput {
  /** The configured scope, for the resource runs to tell our endpoints from other tenants'. */
  subscriptionIds: string[];
  /** Sweep only these subscriptions (a manual run); the whole scope when left out. */
  onlySubscriptionIds?: string[];
  dryRun?: boolean;
  /** How many batches or resource runs go at once. */
  concurrency?: number;
  /** Record set changes per batch. */
  batchSize?: number;
  reason?: string;
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
  const report = newRunReport("sweep", "scope", { dryRun, startedAt: context.df.currentUtcDateTime, reason: input.reason });
  try {
    context.df.setCustomStatus({ phase: "reading" });
    const planInput: PlanSweepInput = { runId: context.df.instanceId, ...(only === undefined ? {} : { subscriptionIds: only }) };
    const plan = (yield context.df.callActivityWithRetry(Activities.planSweep, armRetry(), planInput)) as PlanSweepResult;
    const { counts } = plan;
    report.notes.push(`read ${counts.endpoints} endpoints in ${counts.subscriptions} subscriptions, ${counts.recordSets} record sets in ${counts.zones} zones, ${counts.linkTargets} link targets`);
    report.errors.push(...plan.errors);
    log(`planned ${plan.changes.create.length} creates, ${plan.changes.update.length} updates, ${plan.changes.delete.length} deletes, ${plan.changes.conflicts.length} conflicts; ${plan.resourcesToDecide.length} resources with Pending connections`);

    const resourceReports: RunReport[] = [];
    for (let i = 0; i < plan.resourcesToDecide.length; i += concurrency) {
      context.df.setCustomStatus({ phase: "deciding", done: i, total: plan.resourcesToDecide.length });
      const tasks: Task[] = plan.resourcesToDecide.slice(i, i + concurrency).map((resourceId) => {
        const child: ReconcileResourceInput = { resourceId, subscriptionIds: input.subscriptionIds, dryRun, concurrency, reason: "drift sweep" };
        return context.df.callSubOrchestrator(Orchestrations.reconcileResource, child);
      });
      resourceReports.push(...((yield context.df.Task.all(tasks)) as RunReport[]));
    }
    report.decisions = resourceReports.flatMap((r) => r.decisions);
    report.errors.push(...resourceReports.flatMap((r) => r.errors));

    let dns: DnsReport;
    if (dryRun) {
      dns = dnsReportOf(plan.changes);
    } else {
      const waves = batchesOf(plan.changes, input.batchSize ?? 100);
      const total = waves.reduce((n, w) => n + w.length, 0);
      const results: { dns: DnsReport; errors: RunError[] }[] = [];
      for (const wave of waves) {
        for (let i = 0; i < wave.length; i += concurrency) {
          context.df.setCustomStatus({ phase: "applying", done: results.length, total });
          const tasks: Task[] = wave.slice(i, i + concurrency).map((changes) => {
            const batch: ApplyDnsChangesInput = { runId: context.df.instanceId, changes, dryRun };
            return context.df.callActivityWithRetry(Activities.applyDnsChanges, armRetry(), batch);
          });
          results.push(...((yield context.df.Task.all(tasks)) as { dns: DnsReport; errors: RunError[] }[]));
          log(`applied ${results.length} of ${total} batches`);
        }
      }
      dns = mergeDnsReports([dnsReportOf({ ...NO_CHANGES, conflicts: plan.changes.conflicts }), ...results.map((r) => r.dns)]);
      report.errors.push(...results.flatMap((r) => r.errors));
    }
    dns.unchanged = plan.unchangedCount;
    report.dns = mergeDnsReports([dns, ...resourceReports.map((r) => r.dns)]);
  } catch (error) {
    report.errors.push({ target: "scope", message: error instanceof Error ? error.message : String(error) });
  }
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  context.df.setCustomStatus({ phase: "done" });
  log(summarizeRunReport(report));
  return report;
};
df.app.orchestration(Orchestrations.driftSweep, driftSweepOrchestrator);
