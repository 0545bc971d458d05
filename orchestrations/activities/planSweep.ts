/**
 * @module Activity: the read half of a drift sweep (see `planScope`): reads the scope once, decides its
 * Pending connections and plans its DNS from the post-decision states. The plan's unchanged records are
 * left out of the result, and counted, to keep the orchestration's history small.
 */

import type { InvocationContext } from "@azure/functions";
import type { DnsChanges } from "../../shared/dns/plan";
import { planScope } from "../planScope";
import type { ScopePlan } from "../planScope";
import { Activities } from "../names";
import { defineActivity } from "../defineActivity";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";

export interface PlanSweepResult extends Omit<ScopePlan, "changes"> {
  changes: DnsChanges;
  unchangedCount: number;
  notes: string[];
}

export interface PlanSweepInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  /** The subscriptions to sweep; the whole configured scope when left out. */
  subscriptionIds?: string[];
  /** The run's dry-run flag, resolved where the run started: a dry run reads through read-only clients. */
  dryRun: boolean;
}

async function planSweep(input: PlanSweepInput, context?: InvocationContext): Promise<PlanSweepResult> {
  const { config, clientsFor, policies } = getRuntime();
  const { policy, error: policyError } = policies.current();
  // A sweep of one subscription names it as its resource, as the sweep's own lines do.
  const scopeId = input.subscriptionIds?.length === 1 ? `/subscriptions/${input.subscriptionIds[0]}` : undefined;
  const onProgress = (m: string) => context?.log(runLog(input.runId, scopeId, `sweep ${m}`));
  const plan = await planScope(clientsFor(input), config, { policy, ...(input.subscriptionIds !== undefined ? { subscriptionIds: input.subscriptionIds } : {}), onProgress });
  for (const { connectionId, endpointId, decision } of plan.decisions) {
    context?.log(runLog(input.runId, connectionId, `policy: ${decision.action} for ${endpointId} (rule ${decision.ruleName}: ${decision.reason})`));
  }
  return {
    ...plan,
    changes: { ...plan.changes, unchanged: [] },
    unchangedCount: plan.changes.unchanged.length,
    notes: policyError === undefined ? [] : [`policy file change not taken, last valid policy in force: ${policyError}`],
  };
}

export const planSweepActivity = defineActivity<PlanSweepInput, PlanSweepResult>(Activities.planSweep, (input) => (input.subscriptionIds?.length === 1 ? `/subscriptions/${input.subscriptionIds[0]}` : "scope"), planSweep);
