/**
 * @module Orchestration step shared by the endpoint and resource runs: one `reconcileDns` activity for
 * all the run's endpoints; while an approved endpoint has no IPs yet (or is still provisioning), waits
 * with a durable timer and asks again, a bounded number of times.
 */

import type { OrchestrationContext, Task } from "durable-functions";
import { reconcileDnsActivity } from "./activities/reconcileDns";
import type { ReconcileDnsInput } from "./activities/reconcileDns";
import { isActivityFailure } from "./defineActivity";
import type { RunReport } from "./runReport";

/** An approved endpoint without IPs yet is asked again this many times, this far apart. */
const MAX_WAITS = 6;
const WAIT_MS = 5_000;

/** Fills the report's `dns`, `errors` and (when it gave up waiting) `notes`. */
export function* reconcileDnsWithWaits(context: OrchestrationContext, input: ReconcileDnsInput, report: RunReport): Generator<Task, void, unknown> {
  for (let attempt = 1; ; attempt++) {
    const result = yield* reconcileDnsActivity.call(context, input);
    if (isActivityFailure(result)) {
      report.errors.push(...result.failed);
      return;
    }
    report.dns = result.dns;
    report.errors.push(...result.errors);
    if (result.waitingFor === undefined || input.dryRun) return;
    if (attempt >= MAX_WAITS) {
      report.notes.push(`gave up waiting after ${MAX_WAITS} tries: ${result.waitingFor}; the next event or sweep finishes it`);
      return;
    }
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + WAIT_MS));
  }
}
