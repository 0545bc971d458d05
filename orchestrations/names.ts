/**
 * @module The names of the orchestrations and activities, the keys that make each reconciliation a
 * singleton (the instance id of the key's lock, `runsForKey`), and the run ids (the key plus the run's
 * start time) under which every run keeps its own history and report.
 */

import { createHash, randomBytes } from "node:crypto";
import { normalizeResourceId, resourceNameOf } from "../shared/resourceId";

export const Orchestrations = {
  reconcileEndpoint: "reconcileEndpoint",
  reconcileResource: "reconcileResource",
  driftSweep: "driftSweep",
  batchZoneMigration: "batchZoneMigration",
  runsForKey: "runsForKey",
} as const;

/** The orchestrations that are runs (each has a report); `runsForKey` is only their lock. */
export type RunOrchestration = Exclude<(typeof Orchestrations)[keyof typeof Orchestrations], "runsForKey">;

export const RUN_KINDS: Readonly<Record<RunOrchestration, "endpoint" | "resource" | "sweep" | "batchZoneMigration">> = {
  reconcileEndpoint: "endpoint",
  reconcileResource: "resource",
  driftSweep: "sweep",
  batchZoneMigration: "batchZoneMigration",
};

export const Activities = {
  evaluateEndpoint: "evaluateEndpoint",
  setConnectionState: "setConnectionState",
  reconcileDns: "reconcileDns",
  evaluateResource: "evaluateResource",
  sweepScope: "sweepScope",
  migrateBatchZones: "migrateBatchZones",
  listSweepShards: "listSweepShards",
} as const;

/** The external event that makes an in-flight run go round once more. */
export const NUDGE_EVENT = "nudge";

/** The key of the timer sweep (the whole scope), so two sweeps never overlap. */
export const SWEEP_INSTANCE_ID = "drift-sweep";

/**
 * The instance id for a key: readable (kind and resource name) and unique (a hash of the lower-cased
 * id). Durable instance ids may not hold '/', so the id itself cannot be used.
 */
export function instanceIdFor(kind: "endpoint" | "resource", resourceId: string): string {
  const normalized = normalizeResourceId(resourceId);
  const hash = createHash("sha256").update(normalized).digest("hex").slice(0, 20);
  const name = resourceNameOf(resourceId).toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40);
  return `${kind}-${name}-${hash}`;
}

/** The key of a sweep of the whole scope, or of one subscription. */
export function sweepKeyFor(subscriptionId?: string): string {
  return subscriptionId === undefined ? SWEEP_INSTANCE_ID : `${SWEEP_INSTANCE_ID}-${subscriptionId.toLowerCase()}`;
}

/** The key of Batch's zone migration for one region, or for all (`batch-zone-migration-eastus`). */
export function batchZoneMigrationKeyFor(region: string): string {
  return `batch-zone-migration-${region.toLowerCase()}`;
}

/** Separates a run id's key from its start time; keys never hold it. */
const RUN_ID_SEPARATOR = "_";

/**
 * A run's id: its key and its start time to the millisecond (`endpoint-pe-app-<hash>_20261130T183946123Z`),
 * at most 90 characters (99 for a dry run), within the 100 the Durable Task Scheduler and MSSQL backends allow.
 */
export function runIdFor(key: string, startedAt: Date, options: { dryRun?: boolean } = {}): string {
  const stamp = startedAt.toISOString().replace(/[-:.]/g, "");
  return `${key}${RUN_ID_SEPARATOR}${stamp}${options.dryRun === true ? `-dry-${randomBytes(2).toString("hex")}` : ""}`;
}

/** The key of a run id (the id itself when it is a key). */
export function keyOfRunId(runId: string): string {
  const at = runId.indexOf(RUN_ID_SEPARATOR);
  return at < 0 ? runId : runId.slice(0, at);
}
