/**
 * @module Orchestration: reconciles one private endpoint. Decides its Pending connections by policy,
 * then brings its DNS records to what they should be after those decisions (waiting, bounded, with
 * durable timers, for an approved endpoint's IPs); a gone or disconnected endpoint loses the records we
 * wrote for it. A failed decision stage does not skip the DNS stage. Events that arrive meanwhile make
 * its key's lock (runsForKey) run it once more.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import type { DecidedLink } from "../shared/dns/assumeDecisions";
import { evaluateEndpointActivity } from "./activities/evaluateEndpoint";
import { decideConnections } from "./decideConnections";
import { isActivityFailure } from "./defineActivity";
import { reconcileDnsWithWaits } from "./reconcileDnsWithWaits";
import { runSkeleton, stage } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";
import { Orchestrations } from "./names";

export interface ReconcileEndpointInput extends RunInput {
  endpointId: string;
}

/** How many connection writes go at once (an endpoint rarely has more than one or two). */
const CONCURRENCY = 8;

const reconcileEndpointOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ReconcileEndpointInput>();
  const { endpointId } = input;
  const dryRun = input.dryRun === true;
  return yield* runSkeleton(context, input, { kind: "endpoint", target: endpointId, logResource: endpointId }, function* (report) {
    const decided: DecidedLink[] = [];
    yield* stage(report, endpointId, (function* () {
      const evaluation = yield* evaluateEndpointActivity.call(context, { runId: context.df.instanceId, endpointId, dryRun });
      if (isActivityFailure(evaluation)) return void report.errors.push(...evaluation.failed);
      report.notes.push(...evaluation.notes);
      const result = yield* decideConnections(context, evaluation.pending, { dryRun, concurrency: CONCURRENCY });
      report.decisions = result.entries;
      decided.push(...result.decided);
    })());
    yield* reconcileDnsWithWaits(context, { runId: context.df.instanceId, endpointIds: [endpointId], decided, dryRun }, report);
  });
};
df.app.orchestration(Orchestrations.reconcileEndpoint, reconcileEndpointOrchestrator);
