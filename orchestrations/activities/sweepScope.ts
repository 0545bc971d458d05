/**
 * @module Activity: one shard of a drift sweep (`runScope`): reads its scope once, decides its Pending
 * connections, carries the decisions out, plans DNS from the post-decision states and applies it, all in
 * process. Returns only a bounded report (counts, the first entries of each list, every error): the log
 * has a line for every decision and record change, so the run's history stays small at any size.
 */

import type { InvocationContext } from "@azure/functions";
import { runScope } from "../../app/runScope";
import type { ScopeRun } from "../../app/runScope";
import { defineActivity } from "../defineActivity";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";
import { boundedReport } from "../runReport";
import { setConnectionStateActivity } from "./setConnectionState";

export interface SweepScopeInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  /** The subscriptions to sweep; the whole configured scope when left out. */
  subscriptionIds?: string[];
  /** The run's dry-run flag, resolved where the run started: a dry run reads through read-only clients and writes nothing. */
  dryRun: boolean;
  /** Connection and record writes in flight at once. */
  concurrency: number;
  /** The most record changes this call applies; the sweep calls again for the rest. */
  maxRecordChanges: number;
}

async function sweepScope(input: SweepScopeInput, context?: InvocationContext): Promise<ScopeRun> {
  const { config, clientsFor, policies } = getRuntime();
  const { policy, error: policyError } = policies.current();
  // A sweep of one subscription names it as its resource, as the sweep's own lines do.
  const scopeId = input.subscriptionIds?.length === 1 ? `/subscriptions/${input.subscriptionIds[0]}` : undefined;
  const run = await runScope(clientsFor(input), config, {
    policy,
    dryRun: input.dryRun,
    concurrency: input.concurrency,
    maxRecordChanges: input.maxRecordChanges,
    ...(input.subscriptionIds === undefined ? {} : { subscriptionIds: input.subscriptionIds }),
    carryOut: (p) => setConnectionStateActivity.run({ runId: input.runId, connectionId: p.connectionId, endpointId: p.endpointId, decision: p.decision, dryRun: input.dryRun }, context),
    onProgress: (message) => context?.log(runLog(input.runId, scopeId, `sweep ${message}`)),
    log: (message, resourceId) => context?.log(runLog(input.runId, resourceId, message)),
  });
  if (policyError !== undefined) run.notes.push(`policy file change not taken, last valid policy in force: ${policyError}`);
  return boundedReport(run);
}

export const sweepScopeActivity = defineActivity<SweepScopeInput, ScopeRun>(
  Activities.sweepScope,
  (input) => (input.subscriptionIds?.length === 1 ? `/subscriptions/${input.subscriptionIds[0]}` : "scope"),
  sweepScope,
);
