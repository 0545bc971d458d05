/**
 * @module Which links a run's decisions changed, from their outcomes: an approval or rejection that was
 * carried out (or, in a dry run, would be). DNS is planned from these post-decision states.
 */

import type { DecidedLink } from "../shared/dns/assumeDecisions";
import type { DecisionEntry, DecisionOutcome, PendingDecision } from "./runReport";

const CARRIED_OUT: Partial<Record<DecisionOutcome, DecidedLink["status"]>> = { approved: "Approved", wouldApprove: "Approved", rejected: "Rejected", wouldReject: "Rejected" };

/** `entries[i]` is the outcome of `pending[i]`. */
export function carriedOutLinks(pending: readonly PendingDecision[], entries: readonly DecisionEntry[]): DecidedLink[] {
  return pending.flatMap((p, i) => {
    const status = CARRIED_OUT[entries[i]?.outcome ?? "failed"];
    return status === undefined ? [] : [{ endpointId: p.endpointId, targetResourceId: p.targetResourceId, status }];
  });
}
