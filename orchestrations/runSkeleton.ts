/**
 * @module The skeleton every run shares: a report started at the run's durable time, stages whose
 * failures are reported where they happen (a failed stage does not skip the next), the summary line, and
 * (for the event-keyed runs) carrying the report over when events made the run go round once more.
 */

import type { OrchestrationContext, Task } from "durable-functions";
import { goRoundAgainIfNudged } from "./goRoundAgainIfNudged";
import { carryOver, newRunReport, runErrorsOf, summarizeRunReport } from "./runReport";
import type { RunReport } from "./runReport";
import { runLog } from "./runLog";

export interface RunInput {
  dryRun?: boolean;
  /** Why the run started (the event, "manual run", "drift sweep"). */
  reason?: string;
  round?: number;
  /** The report of the rounds before, when events made the run go round again. */
  previous?: RunReport;
}

export interface RunShape {
  kind: RunReport["kind"];
  /** The run's key: the resource it reconciles, or `scope`. */
  target: string;
  /** The resource its log lines name (`undefined` for the whole scope). */
  logResource: string | undefined;
  /** Whether events for the key make the run go round once more. */
  goesRound: boolean;
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

/** Runs `body` in the skeleton; returns the report, or `undefined` when the run went round again. */
export function* runSkeleton<I extends RunInput>(context: OrchestrationContext, input: I, shape: RunShape, body: (report: RunReport) => Generator<Task, void, unknown>): Generator<Task, RunReport | undefined, unknown> {
  const dryRun = input.dryRun === true;
  const report = newRunReport(shape.kind, shape.target, { dryRun, startedAt: context.df.currentUtcDateTime, reason: input.reason, round: input.round });
  yield* stage(report, shape.target, body(report));
  report.finishedAt = context.df.currentUtcDateTime.toISOString();
  if (input.previous !== undefined) Object.assign(report, carryOver(input.previous, report));
  if (!context.df.isReplaying) context.log(runLog(context.df.instanceId, shape.logResource, `${shape.kind === "sweep" ? "sweep: " : ""}${summarizeRunReport(report)}`));
  if (shape.goesRound && (yield* goRoundAgainIfNudged(context, { ...input, round: report.rounds, previous: report }, shape.target))) return undefined;
  return report;
}
