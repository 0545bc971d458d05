/**
 * @module Orchestration: the drift sweep. One activity reads the whole scope with paged lists, decides
 * its Pending connections and plans every DNS difference from the post-decision states; the sweep
 * carries out the decisions side by side, then applies the DNS changes in bounded batches: deletes
 * first, then updates, then creates. The changes of an endpoint whose decision did not come through are
 * left for the next run. Reports progress as it goes (custom status) and ends with counts, every
 * conflict and every error.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import type { PlanSweepInput, PlanSweepResult } from "./activities/planSweep";
import type { ApplyDnsChangesInput } from "./activities/applyDnsChanges";
import { withoutEndpoints } from "../shared/dns/plan";
import { batchesOf, NO_CHANGES } from "./batchesOf";
import { decideConnections } from "./decideConnections";
import { decidedLinksOf } from "./planScope";
import { fanOut } from "./fanOut";
import { Activities, Orchestrations } from "./names";
import { armRetry } from "./armRetry";
import { dnsReportOf, mergeDnsReports, newRunReport, summarizeRunReport } from "./runReport";
import type { DnsReport, RunError } from "./runReport";
import { runLog } from "./runLog";

export interface DriftSweepInput {
  /** The configured scope (kept for runs started before the sweep decided in its own read). */
  subscriptionIds: string[];
  /** Sweep only these subscriptions (a manual run); the whole scope when left out. */
  onlySubscriptionIds?: string[];
  dryRun?: boolean;
  /** How many decisions or DNS batches go at once. */
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
    const planInput: PlanSweepInput = { runId: context.df.instanceId, dryRun, ...(only === undefined ? {} : { subscriptionIds: only }) };
    const plan = (yield context.df.callActivityWithRetry(Activities.planSweep, armRetry(), planInput)) as PlanSweepResult;
    const { counts } = plan;
    report.notes.push(`read ${counts.endpoints} endpoints in ${counts.subscriptions} subscriptions, ${counts.recordSets} record sets in ${counts.zones} zones, ${counts.linkTargets} link targets`, ...plan.notes);
    report.errors.push(...plan.errors);
    log(`planned ${plan.decisions.length} decisions; ${plan.changes.create.length} creates, ${plan.changes.update.length} updates, ${plan.changes.delete.length} deletes, ${plan.changes.conflicts.length} conflicts`);

    context.df.setCustomStatus({ phase: "deciding", total: plan.decisions.length });
    const { entries, decided } = yield* decideConnections(context, plan.decisions, { dryRun, concurrency });
    report.decisions = entries;
    // The plan assumed every approve and reject; an endpoint whose decision did not come through keeps its records as they are.
    const carriedOut = new Set(decided.map((d) => `${d.endpointId}|${d.targetResourceId}`.toLowerCase()));
    const notCarriedOut = new Set(decidedLinksOf(plan.decisions).filter((d) => !carriedOut.has(`${d.endpointId}|${d.targetResourceId}`.toLowerCase())).map((d) => d.endpointId.toLowerCase()));
    if (notCarriedOut.size > 0) report.notes.push(`${notCarriedOut.size} endpoint(s) whose decision did not come through keep their records until the next run`);
    const changes = withoutEndpoints(plan.changes, notCarriedOut);

    let dns: DnsReport;
    if (dryRun) {
      dns = dnsReportOf(changes);
    } else {
      const waves = batchesOf(changes, input.batchSize ?? 100);
      const total = waves.reduce((n, w) => n + w.length, 0);
      const results: { dns: DnsReport; errors: RunError[] }[] = [];
      for (const wave of waves) {
        context.df.setCustomStatus({ phase: "applying", done: results.length, total });
        results.push(
          ...(yield* fanOut<(typeof wave)[number], { dns: DnsReport; errors: RunError[] }>(context, wave, concurrency, (batch) => {
            const batchInput: ApplyDnsChangesInput = { runId: context.df.instanceId, changes: batch, dryRun };
            return context.df.callActivityWithRetry(Activities.applyDnsChanges, armRetry(), batchInput);
          })),
        );
        if (wave.length > 0) log(`applied ${results.length} of ${total} batches`);
      }
      dns = mergeDnsReports([dnsReportOf({ ...NO_CHANGES, conflicts: changes.conflicts }), ...results.map((r) => r.dns)]);
      report.errors.push(...results.flatMap((r) => r.errors));
    }
    dns.unchanged = plan.unchangedCount;
    dns.skipped = plan.skipped.map(({ fqdn, reason, detail }) => ({ fqdn, reason, detail }));
    dns.servedByZoneGroup = plan.servedByZoneGroup;
    report.dns = dns;
  } catch (error) {
    report.errors.push({ target: "scope", message: error instanceof Error ? error.message : String(error) });
  }
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  context.df.setCustomStatus({ phase: "done" });
  log(summarizeRunReport(report));
  return report;
};
df.app.orchestration(Orchestrations.driftSweep, driftSweepOrchestrator);
