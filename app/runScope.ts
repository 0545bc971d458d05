/**
 * @module One run over a scope (the sweep's shard, and what the `plan` CLI shows): read once and decide
 * (`planScope`), carry out the decisions (a live run only), report or remove orphaned connections
 * (`handleOrphans`), leave the record changes of endpoints whose decision did not come through to the
 * next run, and apply the rest through the one DNS writer (a dry run only says what it would do). A
 * preview is this run without its writes: the same code, the same report.
 */

import type { Config } from "../shared/config";
import type { Policy } from "../shared/policy";
import { firstChanges, withoutEndpoints } from "../shared/dns/plan";
import type { ArmClients } from "../shared/azure/clients";
import { mapLimit } from "../shared/mapLimit";
import { applyPlan } from "../orchestrations/applyPlan";
import { decisionLine } from "../orchestrations/changeLine";
import { carriedOutLinks } from "../orchestrations/carriedOutLinks";
import { plannedDecisionEntries } from "../orchestrations/runReport";
import type { DecisionOutcome, PendingDecision, RunReport } from "../orchestrations/runReport";
import { decidedLinksOf, planScope } from "./planScope";
import { handleOrphans } from "./handleOrphans";
import type { ScopePlan } from "./planScope";

export interface RunScopeOptions {
  policy: Policy;
  dryRun: boolean;
  /** The resource groups of the private DNS zones to plan in (a sweep shard's zone set). */
  zoneResourceGroupIds: readonly string[];
  /** The subscriptions to run over; the whole scope when left out. */
  subscriptionIds?: readonly string[];
  /** Connection and record writes in flight at once. */
  concurrency: number;
  /**
   * The most record changes one call applies (deletes first, then updates, then creates); the rest are
   * counted in `remaining` for another round, which reads again. A dry run applies nothing and lists all.
   */
  maxRecordChanges?: number;
  /** Carries out one decision (a live run); a dry run never calls it. */
  carryOut?: (decision: PendingDecision) => Promise<{ outcome: DecisionOutcome; detail: string }>;
  /** Called as reading goes, for people watching a long read. */
  onProgress?: (message: string) => void;
  /** One line per decision and record change: `resourceId` is what the line is about. */
  log?: (message: string, resourceId: string) => void;
}

export type ScopeRun = Pick<RunReport, "notes" | "decisions" | "dns" | "errors" | "omitted" | "orphanedConnections"> & {
  counts: ScopePlan["counts"];
  /** Record changes planned but left for another round (`maxRecordChanges`). */
  remaining: number;
};

export async function runScope(clients: ArmClients, config: Config, options: RunScopeOptions): Promise<ScopeRun> {
  const plan = await planScope(clients, config, {
    policy: options.policy,
    zoneResourceGroupIds: options.zoneResourceGroupIds,
    ...(options.subscriptionIds === undefined ? {} : { subscriptionIds: options.subscriptionIds }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  // Approvals and rejections a live run carries out are logged where they are written (setConnectionState).
  const writesLogged = !options.dryRun && options.carryOut !== undefined;
  for (const { connectionId, endpointId, decision } of plan.decisions) {
    if (decision.action === "leavePending" || !writesLogged) options.log?.(decisionLine(decision, connectionId, endpointId, { dryRun: options.dryRun }), connectionId);
  }
  const decisions = plannedDecisionEntries(plan.decisions);
  const { carryOut } = options;
  if (!options.dryRun && carryOut !== undefined) {
    const writes = plan.decisions.flatMap((p, i) => (p.decision.action === "leavePending" ? [] : [i]));
    await mapLimit(writes, options.concurrency, async (i) => {
      const entry = decisions[i] as RunReport["decisions"][number];
      const result = await carryOut(plan.decisions[i] as PendingDecision).catch((error: unknown) => ({ outcome: "failed" as const, detail: error instanceof Error ? error.message : String(error) }));
      entry.outcome = result.outcome;
      if (result.outcome !== "approved" && result.outcome !== "rejected") entry.detail = result.detail;
    });
  }
  // Orphaned connections after the decisions: reported, or removed as the policy says (a dry run says it would).
  const orphanedConnections = await handleOrphans(clients, plan.orphanCandidates, {
    action: options.policy.orphanedConnections,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  // The plan assumed every approve and reject; an endpoint whose decision did not come through keeps its records as they are.
  const carriedOut = new Set(carriedOutLinks(plan.decisions, decisions).map((d) => `${d.endpointId}|${d.targetResourceId}`.toLowerCase()));
  const notCarriedOut = new Set(decidedLinksOf(plan.decisions).filter((d) => !carriedOut.has(`${d.endpointId}|${d.targetResourceId}`.toLowerCase())).map((d) => d.endpointId.toLowerCase()));
  const notes = notCarriedOut.size > 0 ? [`${notCarriedOut.size} endpoint(s) whose decision did not come through keep their records until the next run`] : [];
  const planned = withoutEndpoints(plan.changes, notCarriedOut);
  const { changes, remaining } = options.dryRun || options.maxRecordChanges === undefined ? { changes: planned, remaining: 0 } : firstChanges(planned, options.maxRecordChanges);
  const applied = await applyPlan(clients, changes, {
    ownerId: config.ownerId,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    zones: plan.zones,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const dns = { ...applied.dns, skipped: plan.skipped.map(({ fqdn, reason, detail }) => ({ fqdn, reason, detail })), servedByZoneGroup: plan.servedByZoneGroup };
  // The plan keeps the first unchanged record sets and skipped names only; the report counts the rest.
  const omitted: NonNullable<ScopeRun["omitted"]> = {};
  if (plan.changes.unchangedCount > plan.changes.unchanged.length) omitted.unchanged = plan.changes.unchangedCount - plan.changes.unchanged.length;
  if (plan.skippedCount > plan.skipped.length) omitted.skipped = plan.skippedCount - plan.skipped.length;
  return { notes, decisions, dns, errors: [...plan.errors, ...applied.errors], orphanedConnections, counts: plan.counts, remaining, ...(Object.keys(omitted).length > 0 ? { omitted } : {}) };
}
