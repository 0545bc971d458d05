/**
 * @module Activity: the read half of a drift sweep (see `planScope`). The plan's unchanged records are
 * left out of the result, and counted, to keep the orchestration's history small.
 */

import * as df from "durable-functions";
import type { ActivityHandler } from "durable-functions";
import type { InvocationContext } from "@azure/functions";
import type { DnsChanges } from "../../shared/dns/plan";
import { planScope } from "../planScope";
import type { ScopePlan } from "../planScope";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";

export interface PlanSweepResult {
  changes: DnsChanges;
  unchangedCount: number;
  /** PaaS resources with Pending connections, for the sweep to reconcile. */
  resourcesToDecide: string[];
  counts: ScopePlan["counts"];
  errors: ScopePlan["errors"];
}

export interface PlanSweepInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  /** The subscriptions to sweep; the whole configured scope when left out. */
  subscriptionIds?: string[];
}

export async function planSweep(input: PlanSweepInput, context?: InvocationContext): Promise<PlanSweepResult> {
  const { clients, config } = getRuntime();
  // A sweep of one subscription names it as its resource, as the sweep's own lines do.
  const scopeId = input.subscriptionIds?.length === 1 ? `/subscriptions/${input.subscriptionIds[0]}` : undefined;
  const onProgress = (m: string) => context?.log(runLog(input.runId, scopeId, `sweep ${m}`));
  const plan = await planScope(clients, config, { ...(input.subscriptionIds !== undefined ? { subscriptionIds: input.subscriptionIds } : {}), onProgress });
  return {
    changes: { ...plan.changes, unchanged: [] },
    unchangedCount: plan.changes.unchanged.length,
    resourcesToDecide: plan.pending.map((p) => p.resourceId),
    counts: plan.counts,
    errors: plan.errors,
  };
}

const planSweepHandler: ActivityHandler = (input: PlanSweepInput, context: InvocationContext) => planSweep(input, context);
df.app.activity(Activities.planSweep, { handler: planSweepHandler });
