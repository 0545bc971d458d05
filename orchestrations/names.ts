/**
 * @module The names of the orchestrations and activities, and the instance ids that make each
 * reconciliation a singleton per key.
 */

import { createHash } from "node:crypto";
import { normalizeResourceId, resourceNameOf } from "../shared/resourceId";

export const Orchestrations = {
  reconcileEndpoint: "reconcileEndpoint",
  reconcileResource: "reconcileResource",
  driftSweep: "driftSweep",
} as const;

export const Activities = {
  evaluateEndpoint: "evaluateEndpoint",
  setConnectionState: "setConnectionState",
  reconcileDns: "reconcileDns",
  evaluateResource: "evaluateResource",
  sweepScope: "sweepScope",
} as const;

/** The external event that makes an in-flight run go round once more. */
export const NUDGE_EVENT = "nudge";

/** The one instance id the timer sweep runs under, so two sweeps never overlap. */
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
