/**
 * @module Activity: the drift sweep's shards (`sweepShards`) from the configuration, read in an activity
 * so the orchestrator replays the list it started with even if the settings change during the run.
 */

import { sweepShards } from "../../app/sweepShards";
import type { SweepShard } from "../../app/sweepShards";
import { defineActivity } from "../defineActivity";
import { Activities } from "../names";
import { getRuntime } from "../runtime";

export const listSweepShardsActivity = defineActivity<Record<string, never>, SweepShard[]>(Activities.listSweepShards, () => "scope", async () => sweepShards(getRuntime().config));
