/**
 * @module Timer trigger for the drift sweep, on the schedule in `AUTOPILOT_SWEEP_SCHEDULE` (default every
 * 15 minutes). A sweep still running is left to finish; this tick is skipped.
 */

import { app } from "@azure/functions";
import type { InvocationContext, Timer, TimerHandler } from "@azure/functions";
import * as df from "durable-functions";
import { sweepScheduleSetting } from "../shared/config";
import { getRuntime } from "../orchestrations/runtime";
import { startSweep } from "./startRun";
import { runLog } from "../orchestrations/runLog";

export const driftSweepTimer: TimerHandler = async (timer: Timer, context: InvocationContext) => {
  const { config } = getRuntime();
  const started = await startSweep(df.getClient(context), config, { reason: `timer${timer.isPastDue ? " (past due)" : ""}` });
  // The whole scope: no one resource.
  if (started.action === "alreadyRunning") context.log(runLog(started.instanceId, undefined, `drift sweep skipped: ${started.instanceId} is still running`));
  else context.log(runLog(started.instanceId, undefined, `drift sweep started: ${started.instanceId}${started.dryRun ? " (dry run)" : ""}`));
};

// Read at registration: app settings are in the environment before the worker loads the app.
const schedule = sweepScheduleSetting();
app.timer("driftSweepTimer", { schedule, extraInputs: [df.input.durableClient()], handler: driftSweepTimer });
