/**
 * @module Activity: the drift sweep's shards (`sweepShards`) from the configuration and the subscriptions
 * in scope, read in an activity so the orchestrator replays the list it started with even if the settings
 * or the management group change during the run.
 */

import { sweepShards } from "../../app/sweepShards";
import type { SweepShard } from "../../app/sweepShards";
import { defineActivity } from "../defineActivity";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { subscriptionsInScope } from "../scope";

export const listSweepShardsActivity = defineActivity<Record<string, never>, SweepShard[]>(Activities.listSweepShards, () => "scope", async () => {
  const { config, clientsFor } = getRuntime();
  return sweepShards(config, await subscriptionsInScope(clientsFor({ dryRun: true }), config));
});
