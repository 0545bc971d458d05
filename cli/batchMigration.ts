/**
 * @module The CLI's `batch-migration` verb: Batch's zone migration for one region or all. By default it
 * computes the dry run itself, with read-only clients (the run's own code: the same report); `--live`
 * asks the deployed app to run it (`POST /api/runs` with the function key), since the CLI writes nothing.
 */

import type { Config } from "../shared/config";
import { migrateBatchZones } from "../app/batchZoneMigration";
import { formatRunReport } from "../orchestrations/formatRunReport";
import { newRunReport } from "../orchestrations/runReport";
import type { ArmClients } from "../shared/azure/clients";
import type { StartRunAnswer } from "../functions/runs";
import type { CliIo } from "./cliIo";
import { CLI_SCHEMA_VERSION } from "./cliIo";
import type { AppAccess } from "./runs";

/** The dry run, computed here: the report as text (or JSON). 0 done; 1 the report has errors. */
export async function batchMigrationDryRun(clients: ArmClients, config: Config, region: string, options: { json: boolean }, io: CliIo): Promise<number> {
  const startedAt = new Date();
  const run = await migrateBatchZones(clients, config, { region, dryRun: true });
  const report = newRunReport("batchZoneMigration", region, { dryRun: true, startedAt, reason: "privatelink-autopilot batch-migration" });
  report.notes.push(...run.notes);
  report.dns = run.dns;
  report.errors = run.errors;
  report.batchZoneMigration = run.migration;
  report.finishedAt = new Date().toISOString();
  io.out(options.json ? JSON.stringify({ ...report, schemaVersion: CLI_SCHEMA_VERSION }, null, 2) : formatRunReport(report));
  return report.errors.length > 0 ? 1 : 0;
}

/** `--live`: starts the run in the app; prints where to read its report. 0 started; 2 refused (400); 1 otherwise. */
export async function startBatchMigration(access: AppAccess, region: string, options: { json: boolean }, io: CliIo): Promise<number> {
  const response = await fetch(`${access.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(access.key !== undefined ? { "x-functions-key": access.key } : {}) },
    body: JSON.stringify({ scope: { batchZoneMigration: region }, dryRun: false }),
  });
  const text = await response.text();
  if (response.status !== 202) {
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // Not JSON: show it as it came.
    }
    io.err(`POST /api/runs answered ${response.status}: ${message}`);
    return response.status === 400 ? 2 : 1;
  }
  const answer = JSON.parse(text) as StartRunAnswer;
  if (options.json) io.out(JSON.stringify({ ...answer, schemaVersion: CLI_SCHEMA_VERSION }, null, 2));
  else io.out(`${answer.action} ${answer.id}${answer.dryRun ? " (dry run: AUTOPILOT_DRY_RUN is on in the app)" : ""}; its report: privatelink-autopilot report ${answer.id}`);
  return 0;
}
