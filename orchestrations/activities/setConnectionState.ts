/**
 * @module Activity: approves or rejects one connection, writing the rule and reason into its
 * description. Re-reads the connection first and acts only while it is still Pending, so a late or
 * repeated run never overrides someone else's decision. Where the provider gives connections an ETag
 * (Batch, Key Vault), the write carries it (`If-Match`): a decision someone made between our read and
 * our write (412) is left as they made it and reported, never retried over.
 */

import type { InvocationContext } from "@azure/functions";
import type { Decision } from "../../shared/domain";
import { approveConnection, getConnection, rejectConnection } from "../../shared/azure/connections";
import { PreconditionFailedError } from "../../shared/azure/errors";
import type { DecisionOutcome } from "../runReport";
import { Activities } from "../names";
import { defineActivity } from "../defineActivity";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";
import { decisionLine, shortConnectionName } from "../changeLine";

export interface SetConnectionStateInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  connectionId: string;
  /** The endpoint the connection comes from, named in the log line. */
  endpointId: string;
  decision: Decision;
  /** The run's dry-run flag: a dry run's clients refuse every write (the orchestrator does not call this then). */
  dryRun: boolean;
}

export interface SetConnectionStateResult {
  outcome: DecisionOutcome;
  detail: string;
}

async function setConnectionState(input: SetConnectionStateInput, context?: InvocationContext): Promise<SetConnectionStateResult> {
  const clients = getRuntime().clientsFor(input);
  const { connectionId, decision } = input;
  if (decision.action === "leavePending") return { outcome: "leftPending", detail: decision.reason };
  const connection = await getConnection(clients, connectionId);
  if (connection === undefined) return { outcome: "alreadyDecided", detail: "it no longer exists" };
  if (connection.status !== "Pending") return { outcome: "alreadyDecided", detail: `it is already ${connection.status}; left as it is` };
  const change = decision.action === "approve" ? approveConnection : rejectConnection;
  try {
    await change(clients, connectionId, decision.description, connection.etag !== undefined ? { ifMatch: connection.etag } : {});
  } catch (error) {
    // Any other failure goes to defineActivity's wrapper: transient ones are retried, permanent ones end as "failed".
    if (!(error instanceof PreconditionFailedError)) throw error;
    const now = await getConnection(clients, connectionId);
    const detail = `it changed between our read and our write (412 on If-Match: ${connection.etag}); it is now ${now?.status ?? "gone"}, left as it is`;
    context?.warn(runLog(input.runId, connectionId, `skip ${shortConnectionName(connectionId)}: ${detail}`));
    return { outcome: now?.status === "Pending" ? "contended" : "alreadyDecided", detail };
  }
  const outcome = decision.action === "approve" ? "approved" : "rejected";
  context?.log(runLog(input.runId, connectionId, decisionLine(decision, connectionId, input.endpointId)));
  return { outcome, detail: decision.description };
}

export const setConnectionStateActivity = defineActivity<SetConnectionStateInput, SetConnectionStateResult>(Activities.setConnectionState, (input) => input.connectionId, setConnectionState);
