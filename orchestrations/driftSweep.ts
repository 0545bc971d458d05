/**
 * @module Orchestration: the drift sweep. One activity (`sweepScope`, see `app/runScope.ts`) reads the
 * scope with paged lists, decides its Pending connections, carries them out, plans every DNS difference
 * from the post-decision states and applies it, in process; it returns a bounded report (counts, the first
 * entries of each list, every error), so the sweep's history stays small at any size. One call applies
 * at most `maxRecordChanges` record changes, so it fits an activity's time at ARM's write rate (10 per
 * second per subscription); while changes remain, the sweep calls again, and that round reads again.
 * Reports progress (custom status) and ends with the merged report.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import type { ScopeRun } from "../app/runScope";
import { sweepScopeActivity } from "./activities/sweepScope";
import type { SweepScopeInput } from "./activities/sweepScope";
import { isActivityFailure } from "./defineActivity";
import { Orchestrations } from "./names";
import { boundedReport, countOf } from "./runReport";
import type { RunReport } from "./runReport";
import { runSkeleton } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";

export interface DriftSweepInput extends RunInput {
  /** The configured scope (kept for runs started before the sweep read it itself). */
  subscriptionIds: string[];
  /** Sweep only these subscriptions (a manual run); the whole scope when left out. */
  onlySubscriptionIds?: string[];
  /** How many connection or record writes go at once. */
  concurrency?: number;
  /** The most record changes one round applies; default 6,000 (10 minutes at ARM's write rate). */
  maxRecordChanges?: number;
}

/** Rounds a sweep makes at most before it leaves the rest to the next sweep. */
const MAX_ROUNDS = 50;

const driftSweepOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<DriftSweepInput>();
  const dryRun = input.dryRun === true;
  // A sweep of one subscription names it as its resource; a sweep of the whole scope names none.
  const only = input.onlySubscriptionIds;
  const scopeId = only?.length === 1 ? `/subscriptions/${only[0]}` : undefined;
  const report = yield* runSkeleton(context, input, { kind: "sweep", target: "scope", logResource: scopeId }, function* (report) {
    const shard: SweepScopeInput = { runId: context.df.instanceId, dryRun, concurrency: input.concurrency ?? 8, maxRecordChanges: input.maxRecordChanges ?? 6_000, ...(only === undefined ? {} : { subscriptionIds: only }) };
    const rounds: ScopeRun[] = [];
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      context.df.setCustomStatus({ phase: "sweeping", round });
      const run = yield* sweepScopeActivity.call(context, shard);
      if (isActivityFailure(run)) {
        report.errors.push(...run.failed);
        break;
      }
      rounds.push(run);
      const applied = countOf(run, "created") + countOf(run, "updated") + countOf(run, "deleted") + countOf(run, "adopted");
      // Another round only while this one made progress: a round that applied nothing would plan the same again.
      if (run.remaining === 0 || applied === 0) break;
    }
    const last = rounds.at(-1);
    if (last === undefined) return;
    const { counts } = last;
    report.notes.push(`read ${counts.endpoints} endpoints in ${counts.subscriptions} subscriptions, ${counts.recordSets} record sets in ${counts.zones} zones, ${counts.linkTargets} link targets`, ...new Set(rounds.flatMap((r) => r.notes)));
    if (rounds.length > 1) report.notes.push(`applied in ${rounds.length} rounds of at most ${shard.maxRecordChanges} record changes`);
    if (last.remaining > 0) report.notes.push(`${last.remaining} record changes left for the next sweep`);
    Object.assign(report, boundedReport(mergeRounds(rounds)));
    report.errors.push(...rounds.flatMap((r) => r.errors));
  });
  context.df.setCustomStatus({ phase: "done" });
  return report;
};
/** What every round did (decisions, record changes) adds up; the rest is the last round's view of how things stand. */
const ADDED_UP = ["decisions", "carriedOut", "created", "updated", "deleted", "adopted"] as const;

/** The rounds as one report (bounded again by the caller). */
function mergeRounds(rounds: readonly ScopeRun[]): Pick<RunReport, "decisions" | "dns" | "omitted" | "orphanedConnections"> {
  const last = rounds.at(-1) as ScopeRun;
  const omitted: NonNullable<RunReport["omitted"]> = { ...last.omitted };
  for (const list of ADDED_UP) {
    const sum = rounds.reduce((n, r) => n + (r.omitted?.[list] ?? 0), 0);
    if (sum > 0) omitted[list] = sum;
  }
  return {
    decisions: rounds.flatMap((r) => r.decisions),
    dns: { ...last.dns, created: rounds.flatMap((r) => r.dns.created), updated: rounds.flatMap((r) => r.dns.updated), deleted: rounds.flatMap((r) => r.dns.deleted), adopted: rounds.flatMap((r) => r.dns.adopted ?? []) },
    // Each round finds the orphans still there: one entry per connection, the latest round's.
    orphanedConnections: [...new Map(rounds.flatMap((r) => r.orphanedConnections ?? []).map((o) => [o.connectionId.toLowerCase(), o])).values()],
    omitted,
  };
}
df.app.orchestration(Orchestrations.driftSweep, driftSweepOrchestrator);
