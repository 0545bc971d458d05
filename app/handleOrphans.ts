/**
 * @module What a run does with its suspected orphaned connections (`shared/orphans.ts`): a connection
 * suspected because its endpoint was not listed counts only once a GET of the endpoint answers 404 (any
 * other answer: cannot tell, reported and never removed); then, as the policy's `orphanedConnections`
 * says, it is reported, or removed (a dry run says it would). One log line per orphan.
 */

import type { OrphanedConnectionAction } from "../shared/policy";
import type { OrphanCandidate } from "../shared/orphans";
import type { ArmClients } from "../shared/azure/clients";
import { deleteConnection, getConnection } from "../shared/azure/connections";
import { getPrivateEndpoint } from "../shared/azure/privateEndpoints";
import { mapLimit } from "../shared/mapLimit";
import { orphanLine } from "../orchestrations/changeLine";
import type { OrphanEntry } from "../orchestrations/runReport";

export interface HandleOrphansOptions {
  action: OrphanedConnectionAction;
  dryRun: boolean;
  /** Reads and deletes in flight at once. */
  concurrency: number;
  /** Poll interval of a long-running delete; default: the server's `Retry-After`. */
  updateIntervalInMs?: number;
  log?: (message: string, resourceId: string) => void;
}

type Confirmed = Omit<OrphanEntry, "outcome">;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The orphans among the candidates, each reported or removed; a candidate whose endpoint is there is dropped. */
export async function handleOrphans(clients: ArmClients, candidates: readonly OrphanCandidate[], options: HandleOrphansOptions): Promise<OrphanEntry[]> {
  const entries = await mapLimit(candidates, options.concurrency, async (candidate) => {
    const confirmed = await confirm(clients, candidate);
    if (confirmed === undefined) return undefined;
    const entry: OrphanEntry =
      options.action === "report" || confirmed.reason === "endpointUnknown"
        ? { ...confirmed, outcome: "reported" }
        : options.dryRun
          ? { ...confirmed, outcome: "wouldRemove" }
          : await remove(clients, confirmed, options);
    options.log?.(orphanLine(entry), entry.connectionId);
    return entry;
  });
  return entries.filter((e): e is OrphanEntry => e !== undefined);
}

async function confirm(clients: ArmClients, { connectionId, endpointId, suspicion }: OrphanCandidate): Promise<Confirmed | undefined> {
  if (suspicion === "disconnected") return { connectionId, endpointId, reason: "disconnected", detail: "its status is Disconnected" };
  try {
    const endpoint = await getPrivateEndpoint(clients, endpointId, { details: false });
    return endpoint === undefined ? { connectionId, endpointId, reason: "endpointGone", detail: "its private endpoint is gone (a GET of it answered 404)" } : undefined;
  } catch (error) {
    return { connectionId, endpointId, reason: "endpointUnknown", detail: `cannot tell whether its private endpoint is gone, so it is not removed: ${messageOf(error)}` };
  }
}

async function remove(clients: ArmClients, entry: Confirmed, options: HandleOrphansOptions): Promise<OrphanEntry> {
  try {
    await deleteConnection(clients, entry.connectionId, { ...(options.updateIntervalInMs === undefined ? {} : { updateIntervalInMs: options.updateIntervalInMs }) });
    return { ...entry, outcome: "removed" };
  } catch (error) {
    // A delete ARM accepted but whose status read failed (a poll refused) still removed it: the connection tells.
    const gone = await getConnection(clients, entry.connectionId).then(
      (c) => c === undefined,
      () => false,
    );
    return gone ? { ...entry, outcome: "removed" } : { ...entry, outcome: "failed", error: messageOf(error) };
  }
}
