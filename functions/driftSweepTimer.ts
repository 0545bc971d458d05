/**
 * @module Timer trigger for the drift sweep, on the schedule in `AUTOPILOT_SWEEP_SCHEDULE` (default every
 * 15 minutes). A sweep still running is left to finish; this tick is skipped. Each tick also purges the
 * history of runs older than `AUTOPILOT_RUN_RETENTION_DAYS` (default 30).
 */

import { app } from "@azure/functions";
import type { InvocationContext, Timer, TimerHandler } from "@azure/functions";
import * as df from "durable-functions";
import { sweepScheduleSetting } from "../shared/config";
import { getRuntime } from "../orchestrations/runtime";
import { startSweep } from "./startRun";
import { purgeRunsCreatedBefore } from "./runHistory";
import { runLog } from "../orchestrations/runLog";

export const driftSweepTimer: TimerHandler = async (timer: Timer, context: InvocationContext) => {
  const { config } = getRuntime();
  const client = df.getClient(context);
  const started = await startSweep(client, config, { reason: `timer${timer.isPastDue ? " (past due)" : ""}` });
  // The whole scope: no one resource.
  if (started.action === "alreadyRunning") context.log(runLog(started.instanceId, undefined, `drift sweep skipped: ${started.instanceId} is still running`));
  else context.log(runLog(started.instanceId, undefined, `drift sweep started: ${started.instanceId}${started.dryRun ? " (dry run)" : ""}`));
  const cutoff = new Date(Date.now() - config.runRetentionDays * 86_400_000);
  try {
    const purged = await purgeRunsCreatedBefore(client, cutoff);
    if (purged > 0) context.log(runLog(undefined, undefined, `run history: purged ${purged} run(s) created before ${cutoff.toISOString()} (retention ${config.runRetentionDays} days)`));
  } catch (error) {
    // The next tick tries again; the sweep has started either way.
    context.error(runLog(undefined, undefined, `run history: purge failed: ${error instanceof Error ? error.message : String(error)}`));
  }
};

// Read at registration: app settings are in the environment before the worker loads the app.
const schedule = sweepScheduleSetting();
app.timer("driftSweepTimer", { schedule, extraInputs: [df.input.durableClient()], handler: driftSweepTimer });
