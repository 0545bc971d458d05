/**
 * @module Activity: one shard of a drift sweep (`runScope`): reads the shard once (its zones and the
 * subscriptions they serve), decides its Pending connections, carries the decisions out, plans DNS from
 * the post-decision states and applies it, all in process. Returns only a bounded report (counts, the
 * first entries of each list, every error): the log has a line for every decision and record change, so
 * the run's history stays small at any size.
 */

import type { InvocationContext } from "@azure/functions";
import { runScope } from "../../app/runScope";
import type { ScopeRun } from "../../app/runScope";
import { DEFAULT_SHARD } from "../../app/sweepShards";
import type { SweepShard } from "../../app/sweepShards";
import type { Config } from "../../shared/config";
import { defineActivity } from "../defineActivity";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";
import { boundedReport } from "../runReport";
import { setConnectionStateActivity } from "./setConnectionState";

export interface SweepScopeInput extends SweepShard {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  /** The run's dry-run flag, resolved where the run started: a dry run reads through read-only clients and writes nothing. */
  dryRun: boolean;
  /** Connection and record writes in flight at once. */
  concurrency: number;
  /** The most record changes this call applies; the sweep calls again for the rest. */
  maxRecordChanges: number;
}

/** The shard's zone resource groups, each one the configuration names: a sweep's input never widens where it writes. */
function zoneResourceGroupsOf(input: SweepScopeInput, config: Config): string[] {
  const configured = new Set(config.dnsZoneResourceGroupIds.map((id) => id.toLowerCase()));
  const foreign = input.zoneResourceGroupIds.filter((id) => !configured.has(id.toLowerCase()));
  if (foreign.length > 0) throw new RangeError(`shard ${input.shard}: ${foreign.join(", ")} is not a configured DNS zone resource group; expected one of ${[...configured].join(", ")}`);
  return input.zoneResourceGroupIds;
}

/** What a shard's errors and log lines name: its one subscription, else the scope (the default shard) or the shard. */
function targetOf(input: SweepScopeInput): string {
  if (input.subscriptionIds?.length === 1) return `/subscriptions/${input.subscriptionIds[0]}`;
  return input.shard === DEFAULT_SHARD ? "scope" : `shard ${input.shard}`;
}

async function sweepScope(input: SweepScopeInput, context?: InvocationContext): Promise<ScopeRun> {
  const { config, clientsFor, policies } = getRuntime();
  const { policy, error: policyError } = policies.current();
  const scopeId = input.subscriptionIds?.length === 1 ? `/subscriptions/${input.subscriptionIds[0]}` : undefined;
  const run = await runScope(clientsFor(input), config, {
    policy,
    zoneResourceGroupIds: zoneResourceGroupsOf(input, config),
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

export const sweepScopeActivity = defineActivity<SweepScopeInput, ScopeRun>(Activities.sweepScope, targetOf, sweepScope);
