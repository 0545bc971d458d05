/**
 * @module A run report as text for people (`GET /api/runs/{id}?format=text`, the CLI's `report`): one
 * summary line, then what needs a person (connections left Pending, decisions that failed, conflicts and
 * who holds the name, errors with the RBAC actions that were missing), then the changes grouped by PaaS resource,
 * then what clients in each VNet linked to a changed name's zone get. Resources,
 * connections and endpoints go by short names; the JSON report keeps the full ids.
 */

import { parentResourceId, parseResourceId } from "../shared/resourceId";
import { countOf } from "./runReport";
import type { ConflictEntry, DecisionEntry, DecisionOutcome, OrphanEntry, OrphanOutcome, RecordSummary, RunError, RunReport } from "./runReport";
import type { BatchZoneMigrationReport } from "../app/batchZoneMigration";
import { BATCH_ZONE } from "../shared/dns/batchMigration";

/**
 * The short name of an ARM id, lower case: `<resource>/<child>` for a child resource (a connection is
 * `<resource>/<connection>`), the name of a top-level one. Anything that is not an id stays as it is.
 */
export function shortNameOf(id: string): string {
  try {
    const { names, resourceGroup, subscriptionId } = parseResourceId(id);
    const short = names.length > 0 ? names.slice(-2).join("/") : (resourceGroup ?? subscriptionId);
    return short.toLowerCase();
  } catch {
    return id;
  }
}

const VERB_OF: Record<DecisionOutcome, string> = {
  approved: "approve",
  wouldApprove: "approve",
  rejected: "reject",
  wouldReject: "reject",
  leftPending: "leave",
  alreadyDecided: "skip",
  contended: "skip",
  failed: "fail",
};

/** Decisions listed under "needs a person" rather than under their resource. */
const NEEDS_A_PERSON = new Set<DecisionOutcome>(["leftPending", "failed"]);

/** How the summary line counts each outcome. */
const TALLY_OF: Record<DecisionOutcome, string> = {
  approved: "approved",
  wouldApprove: "would approve",
  rejected: "rejected",
  wouldReject: "would reject",
  leftPending: "left Pending",
  alreadyDecided: "skipped",
  contended: "skipped",
  failed: "failed",
};

/** How an orphaned connection's line starts, and how the summary counts it. */
const ORPHAN_VERB: Record<OrphanOutcome, string> = { reported: "orphan", wouldRemove: "would remove", removed: "removed", failed: "fail remove" };
const ORPHAN_TALLY: Record<OrphanOutcome, string> = { reported: "reported", wouldRemove: "would be removed", removed: "removed", failed: "failed" };

/** Verbs that change something, and so read "would ..." in a dry run. */
const CHANGES = new Set(["approve", "reject", "create", "update", "delete", "adopt"]);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summaryLine(report: RunReport): string {
  const target = report.kind === "sweep" ? "" : ` ${shortNameOf(report.target)}`;
  const tally = new Map<string, number>();
  for (const d of report.decisions) tally.set(TALLY_OF[d.outcome], (tally.get(TALLY_OF[d.outcome]) ?? 0) + 1);
  const notListed = report.omitted?.decisions ?? 0;
  const parts = [...tally].map(([what, n]) => `${n} ${what}`).concat(notListed > 0 ? [`${notListed} not listed`] : []);
  const decisions = `${plural(countOf(report, "decisions"), "decision")}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
  const would = report.dryRun ? "would be " : "";
  const adopted = countOf(report, "adopted") > 0 ? `, ${countOf(report, "adopted")} ${would}adopted` : "";
  const records = `${countOf(report, "created")} ${would}created, ${countOf(report, "updated")} ${would}updated, ${countOf(report, "deleted")} ${would}deleted${adopted}, ${countOf(report, "unchanged")} unchanged`;
  // The orphan tally goes before the conflicts: alerts read the line's end as "<n> conflicts; <n> errors".
  return `${report.kind} run${target}${report.dryRun ? " (dry run)" : ""}: ${decisions}; ${records}${orphanTally(report)}; ${plural(countOf(report, "conflicts"), "conflict")}; ${plural(report.errors.length, "error")}`;
}

/** `; 2 orphaned connections (1 removed, 1 reported)`, only when there are any. */
function orphanTally(report: RunReport): string {
  const n = countOf(report, "orphanedConnections");
  if (n === 0) return "";
  const tally = new Map<string, number>();
  for (const o of report.orphanedConnections ?? []) tally.set(ORPHAN_TALLY[o.outcome], (tally.get(ORPHAN_TALLY[o.outcome]) ?? 0) + 1);
  return `; ${plural(n, "orphaned connection")} (${[...tally].map(([what, k]) => `${k} ${what}`).join(", ")})`;
}

function orphanText(o: OrphanEntry): string {
  return `${shortNameOf(o.connectionId)}  from ${shortNameOf(o.endpointId)} (${o.reason}): ${o.detail}${o.error !== undefined ? ` (${o.error})` : ""}`;
}

function fqdnOf(r: RecordSummary): string {
  return `${r.name}.${r.zone}`;
}

function recordText(r: RecordSummary): string {
  return `${r.type} ${fqdnOf(r)} -> ${r.value}${r.endpointId !== undefined ? `  for ${shortNameOf(r.endpointId)}` : ""}`;
}

function decisionText(d: DecisionEntry): string {
  return `${shortNameOf(d.connectionId)}  rule ${d.ruleName}: ${d.reason}${d.detail !== undefined ? ` (${d.detail})` : ""}`;
}

/** Who holds a name we wanted, in words. */
function holderOf(c: ConflictEntry): string {
  const value = c.holder !== undefined ? ` -> ${c.holder.value}` : "";
  switch (c.reason) {
    case "unmarked":
      return `a record set without our marker${value}`;
    case "otherOwner":
      return `another deployment of the app (owner ${c.holder?.owner ?? "unknown"})${value}`;
    case "zoneGroup":
      return `a DNS zone group${value}`;
    default:
      return c.holder?.endpointId !== undefined ? `endpoint ${shortNameOf(c.holder.endpointId)}${value}` : `${c.reason}: ${c.detail}`;
  }
}

function errorText(e: RunError): string {
  const answer = e.status !== undefined ? ` (HTTP ${e.status}${e.code !== undefined ? ` ${e.code}` : ""})` : "";
  if (e.missingActions !== undefined && e.missingActions.length > 0) return `${shortNameOf(e.target)}: the app's identity lacks ${e.missingActions.join(" and ")}${answer}`;
  return `${shortNameOf(e.target)}: ${e.message}`;
}

/** The PaaS resource a record's changes belong under: its marker's first target, else the resource its endpoint's decision was for. */
function resourceOfRecord(r: RecordSummary, resourceOfEndpoint: ReadonlyMap<string, string>): string | undefined {
  return r.targetResourceIds?.[0] ?? (r.endpointId !== undefined ? resourceOfEndpoint.get(r.endpointId.toLowerCase()) : undefined);
}

function groupTitle(resourceId: string | undefined): string {
  return resourceId === undefined ? "records of no known resource:" : `resource ${shortNameOf(resourceId)}:`;
}

/** The whole report as text a person can read; docs/operations.md "Reading run reports" shows a sample. */
export function formatRunReport(report: RunReport): string {
  const verbWidth = report.dryRun ? 15 : 9;
  const line = (verb: string, text: string) => `  ${(report.dryRun && CHANGES.has(verb) ? `would ${verb}` : verb).padEnd(verbWidth)} ${text}`;
  const out = [summaryLine(report), `  started ${report.startedAt}, finished ${report.finishedAt || "(still running)"}, ${plural(report.rounds, "round")}`];
  for (const note of report.notes) out.push(`  note: ${note}`);

  const needs = [
    ...report.decisions.filter((d) => NEEDS_A_PERSON.has(d.outcome)).map((d) => line(VERB_OF[d.outcome], decisionText(d))),
    ...report.dns.conflicts.map((c) => line("conflict", `${recordText(c)}: held by ${holderOf(c)}`)),
    ...report.errors.map((e) => line("error", errorText(e))),
    ...(report.orphanedConnections ?? []).filter((o) => o.outcome === "failed").map((o) => line(ORPHAN_VERB.failed, orphanText(o))),
  ];
  out.push("", needs.length === 0 ? "needs a person: nothing" : `needs a person (${needs.length}):`, ...needs);

  const groups = new Map<string, { resourceId: string | undefined; lines: string[] }>();
  const add = (resourceId: string | undefined, text: string) => {
    const key = resourceId?.toLowerCase() ?? "";
    const group = groups.get(key) ?? { resourceId, lines: [] };
    group.lines.push(text);
    groups.set(key, group);
  };
  const resourceOfEndpoint = new Map<string, string>();
  for (const d of report.decisions) {
    const resourceId = safeParent(d.connectionId);
    if (resourceId !== undefined) resourceOfEndpoint.set(d.endpointId.toLowerCase(), resourceId);
    if (!NEEDS_A_PERSON.has(d.outcome)) add(resourceId, line(VERB_OF[d.outcome], decisionText(d)));
  }
  for (const [verb, records] of [["create", report.dns.created], ["update", report.dns.updated], ["delete", report.dns.deleted], ["adopt", report.dns.adopted ?? []]] as const) {
    for (const r of records) add(resourceOfRecord(r, resourceOfEndpoint), line(verb, recordText(r)));
  }
  const ordered = [...groups.values()].sort((a, b) => groupTitle(a.resourceId).localeCompare(groupTitle(b.resourceId)));
  for (const group of ordered) out.push("", groupTitle(group.resourceId), ...group.lines);

  const answered = { privateAddress: "", nxdomain: "NXDOMAIN", publicByFallback: "the public endpoint (NxDomainRedirect)" };
  const clients = (report.dns.resolution ?? []).map((r) =>
    line("clients", `${r.name}.${r.zone} after ${r.change}: ${r.answers.map((a) => `${shortNameOf(a.virtualNetworkId)} ${a.answer === "privateAddress" ? (a.value ?? "") : answered[a.answer]}`).join(", ")}`),
  );
  if (clients.length > 0) out.push("", `what clients in each linked VNet get (${clients.length}):`, ...clients);
  const orphans = (report.orphanedConnections ?? []).filter((o) => o.outcome !== "failed");
  if (orphans.length > 0) out.push("", `orphaned connections (${orphans.length}):`, ...orphans.map((o) => line(ORPHAN_VERB[o.outcome], orphanText(o))));

  const notWritten = [
    ...report.dns.servedByZoneGroup.map((fqdn) => line("served", `${fqdn}: by the endpoint's DNS zone group`)),
    ...report.dns.skipped.map((s) => line("skip", `${s.fqdn} (${s.reason}): ${s.detail}`)),
  ];
  if (notWritten.length > 0) out.push("", `names not written (${notWritten.length}):`, ...notWritten);

  if (report.batchZoneMigration !== undefined) out.push("", ...migrationLines(report.batchZoneMigration));

  // Unchanged records are counted in the summary line, never listed.
  const omitted = Object.entries(report.omitted ?? {}).filter(([list]) => list !== "carriedOut" && list !== "unchanged");
  if (omitted.length > 0) out.push("", ...omitted.map(([list, n]) => `... ${n} more ${list} (one log line each)`));
  return out.join("\n");
}

/** A Batch zone migration: per legacy zone, its VNets and links, each record's pair and the next step. */
function migrationLines(migration: BatchZoneMigrationReport): string[] {
  const out = [`batch zone migration (${migration.region}) to ${migration.newZones.map((z) => `${z.name} (${plural(z.links.length, "VNet link")})`).join(", ") || `${BATCH_ZONE}: not found`}:`];
  for (const zone of migration.legacyZones) {
    out.push(`  ${zone.zone.name}:`);
    for (const v of zone.vnets) out.push(`    vnet ${shortNameOf(v.virtualNetworkId)}: legacy zone ${v.legacyLinks.length > 0 ? "linked" : "not linked"}, new zone ${v.newLinks.length > 0 ? "linked" : "not linked"}`);
    for (const p of zone.pairs) out.push(`    ${p.status.padEnd(9)} ${p.legacy.name} -> ${p.targetName || "-"} (${p.legacy.value}): ${p.detail}`);
    out.push(`    next: ${zone.advice.advice}`);
  }
  return out;
}

function safeParent(connectionId: string): string | undefined {
  try {
    return parentResourceId(connectionId);
  } catch {
    return undefined;
  }
}
