/**
 * @module Orchestration: Batch's zone migration as a run (kind `batchZoneMigration`, target the region or
 * `all`). One activity does the work (`migrateBatchZones`); the run's report carries its copies in `dns`
 * and the zones, links, record pairs and next step per legacy zone in `batchZoneMigration`.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { migrateBatchZonesActivity } from "./activities/migrateBatchZones";
import { isActivityFailure } from "./defineActivity";
import { Orchestrations } from "./names";
import { runSkeleton } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";

export interface BatchZoneMigrationInput extends RunInput {
  /** One region (`eastus`) or `all`. */
  region: string;
}

const batchZoneMigrationOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<BatchZoneMigrationInput>();
  const dryRun = input.dryRun === true;
  return yield* runSkeleton(context, input, { kind: "batchZoneMigration", target: input.region, logResource: undefined }, function* (report) {
    const run = yield* migrateBatchZonesActivity.call(context, { runId: context.df.instanceId, region: input.region, dryRun });
    if (isActivityFailure(run)) {
      report.errors.push(...run.failed);
      return;
    }
    report.notes.push(...run.notes);
    report.dns = run.dns;
    report.errors.push(...run.errors);
    report.batchZoneMigration = run.migration;
    if (run.omitted !== undefined) report.omitted = run.omitted;
  });
};
df.app.orchestration(Orchestrations.batchZoneMigration, batchZoneMigrationOrchestrator);
