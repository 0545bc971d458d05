/**
 * @module Orchestration: the drift sweep. It fans out over the sweep's shards (`sweepShards`: a DNS zone
 * set with the subscriptions whose endpoints it serves), one `sweepScope` activity each (see
 * `app/runScope.ts`): the activity reads its shard with paged lists, decides its Pending connections,
 * carries them out, plans every DNS difference from the post-decision states and applies it, in process,
 * and returns a bounded report (counts, the first entries of each list, every error), so the sweep's
 * history stays small at any size. A shard that fails is reported and the others go on. One call applies
 * at most `maxRecordChanges` record changes, so it fits an activity's time at ARM's write rate (10 per
 * second per subscription); while a shard has changes left, the sweep calls it again, and that round reads
 * again. Reports progress (custom status) and ends with the merged report.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import type { ScopeRun } from "../app/runScope";
import { addCounts, mergeShardReports, shardFor } from "../app/sweepShards";
import type { SweepShard } from "../app/sweepShards";
import { listSweepShardsActivity } from "./activities/listSweepShards";
import { sweepScopeActivity } from "./activities/sweepScope";
import type { SweepScopeInput } from "./activities/sweepScope";
import { isActivityFailure } from "./defineActivity";
import type { ActivityFailure } from "./defineActivity";
import { fanOut } from "./fanOut";
import { Orchestrations } from "./names";
import { boundedReport, countOf, runErrorsOf } from "./runReport";
import type { RunReport } from "./runReport";
import { runSkeleton } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";

export interface DriftSweepInput extends RunInput {
  /** The configured scope (kept for runs started before the sweep read it itself). */
  subscriptionIds: string[];
  /** Sweep only these subscriptions (a manual run); the whole scope when left out. */
  onlySubscriptionIds?: string[];
  /**
   * Sweep these shards; the configured ones (`sweepShards`) when left out. Each zone resource group must
   * be a configured one (the activity refuses others).
   */
  shards?: SweepShard[];
  /** How many connection or record writes go at once, in each shard. */
  concurrency?: number;
  /** The most record changes one round of a shard applies; default 6,000 (10 minutes at ARM's write rate). */
  maxRecordChanges?: number;
}

/** Rounds a shard makes at most before it leaves the rest to the next sweep. */
const MAX_ROUNDS = 50;

/** Shard activities in flight at once; the host spreads them over its instances. */
const SHARDS_AT_ONCE = 16;

/** One shard's rounds so far. */
interface ShardRuns {
  input: SweepScopeInput;
  rounds: ScopeRun[];
  done: boolean;
}

const driftSweepOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<DriftSweepInput>();
  const dryRun = input.dryRun === true;
  // A sweep of one subscription names it as its resource; a sweep of the whole scope names none.
  const only = input.onlySubscriptionIds;
  const scopeId = only?.length === 1 ? `/subscriptions/${only[0]}` : undefined;
  const report = yield* runSkeleton(context, input, { kind: "sweep", target: "scope", logResource: scopeId }, function* (report) {
    const listed = input.shards ?? (yield* listSweepShardsActivity.call(context, {}));
    if (isActivityFailure(listed)) {
      report.errors.push(...listed.failed);
      return;
    }
    const maxRecordChanges = input.maxRecordChanges ?? 6_000;
    const shards: ShardRuns[] = listed.flatMap((s) => {
      const shard = shardFor(s, only);
      return shard === undefined ? [] : [{ input: { ...shard, runId: context.df.instanceId, dryRun, concurrency: input.concurrency ?? 8, maxRecordChanges }, rounds: [], done: false }];
    });
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const due = shards.filter((s) => !s.done);
      if (due.length === 0) break;
      context.df.setCustomStatus({ phase: "sweeping", round, shards: due.length });
      const results = yield* fanOut<ShardRuns, ScopeRun | ActivityFailure>(
        context,
        due,
        SHARDS_AT_ONCE,
        (s) => sweepScopeActivity.task(context, s.input),
        (s, error) => ({ failed: runErrorsOf(`shard ${s.input.shard}`, error) }),
      );
      for (const [i, run] of results.entries()) {
        const shard = due[i] as ShardRuns;
        if (isActivityFailure(run)) {
          report.errors.push(...run.failed);
          shard.done = true;
          continue;
        }
        shard.rounds.push(run);
        const applied = countOf(run, "created") + countOf(run, "updated") + countOf(run, "deleted") + countOf(run, "adopted");
        // Another round only while this one made progress: a round that applied nothing would plan the same again.
        shard.done = run.remaining === 0 || applied === 0;
      }
    }
    const swept = shards.filter((s) => s.rounds.length > 0);
    if (swept.length === 0) return;
    const lasts = swept.map((s) => s.rounds.at(-1) as ScopeRun);
    const read = addCounts(lasts);
    report.notes.push(
      `read ${read.endpoints} endpoints in ${read.subscriptions} subscriptions, ${read.recordSets} record sets in ${read.zones} zones, ${read.linkTargets} link targets`,
      ...new Set(swept.flatMap((s) => s.rounds.flatMap((r) => r.notes))),
    );
    if (shards.length > 1) report.notes.push(`swept in ${shards.length} shards: ${shards.map((s) => s.input.shard).join(", ")}`);
    const rounds = Math.max(...swept.map((s) => s.rounds.length));
    if (rounds > 1) report.notes.push(`applied in ${rounds} rounds of at most ${maxRecordChanges} record changes`);
    const remaining = lasts.reduce((n, r) => n + r.remaining, 0);
    if (remaining > 0) report.notes.push(`${remaining} record changes left for the next sweep`);
    Object.assign(report, boundedReport(mergeShardReports(swept.map((s) => mergeRounds(s.rounds)))));
    report.errors.push(...swept.flatMap((s) => s.rounds.flatMap((r) => r.errors)));
  });
  context.df.setCustomStatus({ phase: "done" });
  return report;
};

type Merged = Pick<RunReport, "decisions" | "dns" | "omitted" | "orphanedConnections">;

/** What every round did (decisions, record changes) adds up; the rest is the last round's view of how things stand. */
const ADDED_UP = ["decisions", "carriedOut", "created", "updated", "deleted", "adopted"] as const;

/** One shard's rounds as one report. */
function mergeRounds(rounds: readonly ScopeRun[]): Merged {
  const last = rounds.at(-1) as ScopeRun;
  const omitted: NonNullable<RunReport["omitted"]> = { ...last.omitted };
  for (const list of ADDED_UP) {
    const sum = rounds.reduce((n, r) => n + (r.omitted?.[list] ?? 0), 0);
    if (sum > 0) omitted[list] = sum;
  }
  return {
    decisions: rounds.flatMap((r) => r.decisions),
    dns: { ...last.dns, created: rounds.flatMap((r) => r.dns.created), updated: rounds.flatMap((r) => r.dns.updated), deleted: rounds.flatMap((r) => r.dns.deleted), adopted: rounds.flatMap((r) => r.dns.adopted ?? []), ...resolutionOf(rounds) },
    // Each round finds the orphans still there: one entry per connection, the latest round's.
    orphanedConnections: [...new Map(rounds.flatMap((r) => r.orphanedConnections ?? []).map((o) => [o.connectionId.toLowerCase(), o])).values()],
    omitted,
  };
}

/** What clients get after each round's changes, when the rounds say (every change is in one round). */
function resolutionOf(rounds: readonly ScopeRun[]): Pick<RunReport["dns"], "resolution"> {
  return rounds.some((r) => r.dns.resolution !== undefined) ? { resolution: rounds.flatMap((r) => r.dns.resolution ?? []) } : {};
}

df.app.orchestration(Orchestrations.driftSweep, driftSweepOrchestrator);
