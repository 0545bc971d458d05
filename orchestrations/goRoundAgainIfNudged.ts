/**
 * @module Orchestration step: if events for the run's key arrived while it ran (raised as a nudge by the
 * starter), start over with fresh reads instead of starting a second run. A timer due now closes the
 * window: a nudge raised before it is seen, a later one finds the run finished and starts a new one.
 */

import type { OrchestrationContext, Task } from "durable-functions";
import { NUDGE_EVENT } from "./names";
import { runLog } from "./runLog";

/** `resourceId` is the run's key, for the log line. */
export function* goRoundAgainIfNudged(context: OrchestrationContext, nextInput: unknown, resourceId: string): Generator<Task, boolean, unknown> {
  const nudge = context.df.waitForExternalEvent(NUDGE_EVENT);
  const now = context.df.createTimer(context.df.currentUtcDateTime);
  const winner = yield context.df.Task.any([nudge, now]);
  if (winner !== nudge) return false;
  if (!context.df.isReplaying) context.log(runLog(context.df.instanceId, resourceId, "more events arrived during the run: going round once more"));
  context.df.continueAsNew(nextInput);
  return true;
}
