/**
 * @module Activity: Batch's zone migration for one region or all (`migrateBatchZones`, see
 * app/batchZoneMigration.ts), in process: read, copy through the one DNS writer, read back and verify.
 * A dry run reads through read-only clients and writes nothing.
 */

import type { InvocationContext } from "@azure/functions";
import { migrateBatchZones } from "../../app/batchZoneMigration";
import type { BatchZoneMigrationRun } from "../../app/batchZoneMigration";
import { defineActivity } from "../defineActivity";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";
import { boundedReport } from "../runReport";
import type { RunReport } from "../runReport";

export interface MigrateBatchZonesInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  /** One region (`eastus`) or `all`. */
  region: string;
  /** The run's dry-run flag, resolved where the run started. */
  dryRun: boolean;
}

async function run(input: MigrateBatchZonesInput, context?: InvocationContext): Promise<BatchZoneMigrationRun> {
  const { config, clientsFor } = getRuntime();
  const migrated = await migrateBatchZones(clientsFor(input), config, {
    region: input.region,
    dryRun: input.dryRun,
    concurrency: config.sweepConcurrency,
    log: (message, resourceId) => context?.log(runLog(input.runId, resourceId, message)),
  });
  // The report keeps the first entries of each list, as a sweep's does; the log has a line for each.
  const { dns, omitted } = boundedReport<Pick<RunReport, "decisions" | "dns" | "omitted">>({ decisions: [], dns: migrated.dns });
  return { ...migrated, dns, ...(omitted !== undefined ? { omitted } : {}) };
}

export const migrateBatchZonesActivity = defineActivity<MigrateBatchZonesInput, BatchZoneMigrationRun>(Activities.migrateBatchZones, (input) => `batch zone migration ${input.region}`, run);
