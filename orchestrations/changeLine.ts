/**
 * @module One readable line per change, in the style of kubectl and external-dns: a verb first, then
 * the short name of what changed and, for records, the value and the endpoint. The full ids go in the
 * trailing `run=`/`resource=` part that `runLog` adds.
 */
import type { InvocationContext } from "@azure/functions";
import type { Decision } from "../shared/domain";
import type { OrphanEntry, RecordSummary } from "./runReport";

/** The verbs a change line starts with. */
export type ChangeVerb = "approve" | "reject" | "leave" | "create" | "update" | "delete" | "adopt" | "conflict" | "skip" | "orphan" | "remove";

const VERB_OF_ACTION: Record<Decision["action"], ChangeVerb> = { approve: "approve", reject: "reject", leavePending: "leave" };

/** The last segment of a resource id: the endpoint's name for a private endpoint id. */
export function shortName(id: string): string {
  return id.split("/").filter((s) => s !== "").at(-1) ?? id;
}

/** `<resource>/<connection>` for a private endpoint connection id (`.../<resource>/privateEndpointConnections/<name>`). */
export function shortConnectionName(connectionId: string): string {
  const segments = connectionId.split("/").filter((s) => s !== "");
  const i = segments.findIndex((s) => s.toLowerCase() === "privateendpointconnections");
  return i > 0 && i + 1 < segments.length ? `${segments[i - 1]}/${segments[i + 1]}` : shortName(connectionId);
}

const DRY_RUN = " [dry run]";

/** `approve stdata/pe-conn from pe-stdata-blob (rule platform: same tenant)`. */
export function decisionLine(decision: Decision, connectionId: string, endpointId: string, options: { dryRun?: boolean } = {}): string {
  const verb = VERB_OF_ACTION[decision.action];
  return `${verb} ${shortConnectionName(connectionId)} from ${shortName(endpointId)} (rule ${decision.ruleName}: ${decision.reason})${options.dryRun === true && verb !== "leave" ? DRY_RUN : ""}`;
}

/** `create A stdata.privatelink.blob.core.windows.net 10.0.1.4 (pe-stdata-blob)`; `adopt`: our marker added to a record someone else wrote. */
export function recordLine(verb: "create" | "update" | "delete" | "adopt", record: RecordSummary, options: { dryRun?: boolean } = {}): string {
  return `${verb} ${recordText(record)}${options.dryRun === true ? DRY_RUN : ""}`;
}

function recordText(record: RecordSummary): string {
  const endpoint = record.endpointId === undefined ? "" : ` (${shortName(record.endpointId)})`;
  return `${record.type} ${record.name}.${record.zone} ${record.value}${endpoint}`;
}

/** `conflict A stdata.privatelink.blob.core.windows.net 10.0.1.4 (pe-b): <reason>: <detail>`. */
export function conflictLine(record: RecordSummary, reason: string, detail: string): string {
  return `conflict ${recordText(record)}: ${reason}: ${detail}`;
}

/**
 * Logs an evaluated decision: `leave` at INFO (no other line will name that connection), `approve` and
 * `reject` at DEBUG, since the line that counts is the one written when the change is carried out.
 */
export function logDecision(context: Pick<InvocationContext, "log" | "debug"> | undefined, line: string, decision: Decision): void {
  if (decision.action === "leavePending") context?.log(line);
  else context?.debug(line);
}

/**
 * `remove batchprod/pe-batch.1 from pe-batch (orphaned: ...)` for a removal (` [dry run]`: one a dry run
 * would make; `failed: ...` at the end when it failed), `orphan ... (orphaned: ...)` for one only reported.
 */
export function orphanLine(entry: OrphanEntry): string {
  const verb: ChangeVerb = entry.outcome === "reported" ? "orphan" : "remove";
  const line = `${verb} ${shortConnectionName(entry.connectionId)} from ${shortName(entry.endpointId)} (orphaned: ${entry.detail})`;
  if (entry.outcome === "failed") return `${line} failed: ${entry.error ?? "unknown error"}`;
  return entry.outcome === "wouldRemove" ? `${line}${DRY_RUN}` : line;
}
