/**
 * @module Orchestration: reconciles one PaaS resource. Decides its Pending connections by policy, then
 * plans the DNS of every endpoint it concerns (in the scope) at once, including endpoints whose
 * connection was removed from the resource side and whose records must go: a name one endpoint lets go
 * is handed to another in the same plan. Events that arrive meanwhile make its key's lock (runsForKey) run it once more.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { isWithinScope } from "../shared/resourceId";
import { evaluateResourceActivity } from "./activities/evaluateResource";
import { decideConnections } from "./decideConnections";
import { isActivityFailure } from "./defineActivity";
import { reconcileDnsWithWaits } from "./reconcileDnsWithWaits";
import { runSkeleton } from "./runSkeleton";
import type { RunInput } from "./runSkeleton";
import { Orchestrations } from "./names";

export interface ReconcileResourceInput extends RunInput {
  resourceId: string;
  /** The subscriptions in scope; endpoints elsewhere (other tenants) get decisions but no DNS. */
  subscriptionIds: string[];
  /** How many connection writes go at once. */
  concurrency?: number;
}

const reconcileResourceOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ReconcileResourceInput>();
  const { resourceId } = input;
  const dryRun = input.dryRun === true;
  return yield* runSkeleton(context, input, { kind: "resource", target: resourceId, logResource: resourceId }, function* (report) {
    // Without the resource's endpoints there is nothing to plan DNS for: a failed read ends the run here.
    const evaluation = yield* evaluateResourceActivity.call(context, { runId: context.df.instanceId, resourceId, dryRun });
    if (isActivityFailure(evaluation)) return void report.errors.push(...evaluation.failed);
    report.notes.push(...evaluation.notes);
    const { entries, decided } = yield* decideConnections(context, evaluation.pending, { dryRun, concurrency: input.concurrency ?? 8 });
    report.decisions = entries;
    const scope = { subscriptionIds: input.subscriptionIds };
    const endpointIds = evaluation.endpointIds.filter((id) => isWithinScope(id, scope));
    const outside = evaluation.endpointIds.length - endpointIds.length;
    if (outside > 0) report.notes.push(`${outside} endpoint(s) outside the configured subscriptions: decided, but their DNS is not ours to write`);
    if (endpointIds.length > 0) yield* reconcileDnsWithWaits(context, { runId: context.df.instanceId, endpointIds, decided, dryRun }, report);
  });
};
df.app.orchestration(Orchestrations.reconcileResource, reconcileResourceOrchestrator);
