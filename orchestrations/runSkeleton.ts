/**
 * @module The skeleton every run shares: a report started at the run's durable time, stages whose
 * failures are reported where they happen (a failed stage does not skip the next), and the summary line.
 * Going round once more when events arrive during a run is the key's lock's job (runsForKey).
 */

import type { OrchestrationContext, Task } from "durable-functions";
import { changesOf, countOf, newRunReport, runErrorsOf, summarizeRunReport } from "./runReport";
import type { RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface RunInput {
  dryRun?: boolean;
  /** Why the run started (the event, "manual run", "drift sweep"). */
  reason?: string;
  /** How many runs for the key went before this one without a pause (events kept arriving). */
  round?: number;
}

export interface RunShape {
  kind: RunReport["kind"];
  /** The run's key: the resource it reconciles, or `scope`. */
  target: string;
  /** The resource its log lines name (`undefined` for the whole scope). */
  logResource: string | undefined;
}

/**
 * One stage of a run: its failure (an activity that kept failing transiently, or anything thrown) is
 * reported against `target` and the run goes on; `undefined` then.
 */
export function* stage<T>(report: RunReport, target: string, body: Generator<Task, T, unknown>): Generator<Task, T | undefined, unknown> {
  try {
    return yield* body;
  } catch (error) {
    report.errors.push(...runErrorsOf(target, error));
    return undefined;
  }
}

/** A run that decided nothing, changed no record and met no conflict, orphan or error: its summary is DEBUG. */
function isNoOp(report: RunReport): boolean {
  return report.decisions.length === 0 && changesOf(report).records === 0 && countOf(report, "conflicts") === 0 && countOf(report, "orphanedConnections") === 0 && report.errors.length === 0;
}

/** Runs `body` in the skeleton; returns the report. */
export function* runSkeleton<I extends RunInput>(context: OrchestrationContext, input: I, shape: RunShape, body: (report: RunReport) => Generator<Task, void, unknown>): Generator<Task, RunReport, unknown> {
  const dryRun = input.dryRun === true;
  const report = newRunReport(shape.kind, shape.target, { dryRun, startedAt: context.df.currentUtcDateTime, reason: input.reason, round: input.round });
  yield* stage(report, shape.target, body(report));
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  if (!context.df.isReplaying) {
    const line = runLog(context.df.instanceId, shape.logResource, summarizeRunReport(report));
    // A sweep's line stays at INFO whatever it found: the sweepMissing alert waits for it.
    if (shape.kind !== "sweep" && isNoOp(report)) context.debug(line);
    else context.log(line);
  }
  return report;
}
