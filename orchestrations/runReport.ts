/**
 * @module The report every run returns as its output, and its plain-text rendering for people.
 * Records are summarised (zone, name, value) so that histories stay small.
 */

import type { Decision, DecisionAction, DnsRecord } from "../shared/domain";
import type { Conflict, DnsChanges } from "../shared/dns/plan";
import type { SkippedName } from "../shared/dns/desired";
import type { NameResolution } from "../shared/dns/zoneSets";
import { PermissionDeniedError, statusAndCodeOf } from "../shared/azure/errors";
import { MetadataKeys, metadataValue, ownerOf } from "../shared/dns/ownership";
import type { BatchZoneMigrationReport } from "../app/batchZoneMigration";

/** What happened to one connection. */
export type DecisionOutcome =
  | "approved"
  | "rejected"
  | "leftPending"
  | "wouldApprove"
  | "wouldReject"
  /** Someone else decided it between our read and our write; we left it as they did. */
  | "alreadyDecided"
  /** Someone else changed it (still Pending) between our read and our write; left alone, the next run decides. */
  | "contended"
  | "failed";

export interface DecisionEntry {
  connectionId: string;
  endpointId: string;
  action: DecisionAction;
  ruleName: string;
  reason: string;
  outcome: DecisionOutcome;
  /** Why a decision was not carried out: what failed, or who decided first. */
  detail?: string;
}

/** What a dry run reports for a decision: what it would do. */
function wouldOutcome(action: DecisionAction): DecisionOutcome {
  return action === "approve" ? "wouldApprove" : action === "reject" ? "wouldReject" : "leftPending";
}

/** A Pending connection and what the policy decided for it. */
export interface PendingDecision {
  connectionId: string;
  endpointId: string;
  targetResourceId: string;
  decision: Decision;
}

/** The report entries of decisions not carried out yet: what a dry run (and `plan`) shows. */
export function plannedDecisionEntries(pending: readonly PendingDecision[]): DecisionEntry[] {
  return pending.map((p) => {
    const { action, ruleName, reason } = p.decision;
    return { connectionId: p.connectionId, endpointId: p.endpointId, action, ruleName, reason, outcome: wouldOutcome(action) };
  });
}

/** A record set, summarised: `value` is the sorted IPs of an A record or the CNAME target. */
export interface RecordSummary {
  zone: string;
  name: string;
  type: string;
  value: string;
  /** The endpoint the record is for (from our marker). */
  endpointId?: string;
  /** The PaaS resources the endpoint's connections point at (from our marker). */
  targetResourceIds?: string[];
}

export interface ConflictEntry extends RecordSummary {
  reason: string;
  detail: string;
  /** The record set that holds the name, when there is one: its value, endpoint and owner id (when ours). */
  holder?: RecordSummary & { owner?: string };
}

export interface DnsReport {
  created: RecordSummary[];
  updated: RecordSummary[];
  deleted: RecordSummary[];
  /** Our records that were already right. */
  unchanged: RecordSummary[];
  /**
   * Record sets without any marker that already held what we would write, which the run took over by
   * adding our marker (`AUTOPILOT_ADOPT_RECORDS`; in a dry run, would take over). Absent in reports from
   * before the setting existed.
   */
  adopted?: RecordSummary[];
  conflicts: ConflictEntry[];
  servedByZoneGroup: string[];
  skipped: { fqdn: string; reason: string; detail: string }[];
  /**
   * For each changed name, what clients in each VNet linked to its zone get once the change is made
   * (`privateAddress`, `nxdomain`, or `publicByFallback` under `NxDomainRedirect`). Absent where links were not read.
   */
  resolution?: NameResolution[];
}

/**
 * Why a connection is reported as orphaned: `disconnected` (its status), `endpointGone` (its endpoint's
 * subscription was listed without it, or it is outside the scope, and a GET of it answered 404), or
 * `endpointUnknown` (that GET answered something else: cannot tell, never removed).
 */
export type OrphanReason = "disconnected" | "endpointGone" | "endpointUnknown";

/** What happened to an orphaned connection: listed (`report`, or cannot tell), or removed (`remove`). */
export type OrphanOutcome = "reported" | "wouldRemove" | "removed" | "failed";

export interface OrphanEntry {
  connectionId: string;
  endpointId: string;
  reason: OrphanReason;
  outcome: OrphanOutcome;
  /** The reason in words. */
  detail: string;
  /** What failed, for outcome `failed`. */
  error?: string;
}

export interface RunError {
  /** The resource or record the error concerns. */
  target: string;
  message: string;
  /** The HTTP status ARM answered with, when it answered. */
  status?: number;
  /** ARM's error code (`AuthorizationFailed`, ...) or the socket error's. */
  code?: string;
  /** When ARM denied the call (403): the RBAC actions the app's identity lacks. */
  missingActions?: string[];
}

/**
 * A failure as report errors, keeping status and code: one per inner error of an `AggregateError`
 * (each change of a batch that failed), never one string for all.
 */
export function runErrorsOf(target: string, error: unknown): RunError[] {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.flatMap((e: unknown) => runErrorsOf(target, e));
  const denied = deniedBy(error);
  const missingActions = denied !== undefined ? { missingActions: [...denied.actions] } : {};
  return [{ target, message: error instanceof Error ? error.message : String(error), ...statusAndCodeOf(error), ...missingActions }];
}

/** The 403 behind a failure: the error itself or one in its `cause` chain (a change's error wraps the ARM call's). */
function deniedBy(error: unknown): PermissionDeniedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof PermissionDeniedError) return current;
    current = current.cause;
  }
  return undefined;
}

/** The version of the report's JSON shape; it goes up when a field changes meaning or type. */
export const REPORT_SCHEMA_VERSION = 1;

/**
 * A report from the history in the current shape. Reports from before `schemaVersion` 1 counted
 * unchanged records in a number: that count moves to `omitted.unchanged`.
 */
export function currentShapeOf(report: RunReport): RunReport {
  const unchanged: unknown = report.dns.unchanged;
  if (typeof unchanged !== "number") return report;
  const omitted = unchanged > 0 ? { omitted: { ...report.omitted, unchanged } } : {};
  return { ...report, schemaVersion: REPORT_SCHEMA_VERSION, dns: { ...report.dns, unchanged: [] }, ...omitted };
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: "endpoint" | "resource" | "sweep" | "batchZoneMigration";
  /** The resource id of the run's key, `scope` for a sweep, the region (or `all`) for a Batch zone migration. */
  target: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  /**
   * 1, or n + 1 for a run that followed n runs of its key without a pause (events for the key arrived
   * during each); every run has its own id and report.
   */
  rounds: number;
  /** Notes on what the run found, e.g. "endpoint is gone". */
  notes: string[];
  decisions: DecisionEntry[];
  dns: DnsReport;
  errors: RunError[];
  /** Connections that are Disconnected or whose endpoint is gone (a sweep's; absent from other runs). */
  orphanedConnections?: OrphanEntry[];
  /**
   * How many entries a list leaves out after its first `REPORT_LIST_LIMIT` (a sweep's report, kept small
   * for the run's history; the log has a line for every one). Absent when nothing was left out.
   */
  omitted?: Partial<Record<ReportList | "carriedOut", number>>;
  /** A Batch zone migration's zones, links, record pairs and advice (its copies are also in `dns`). */
  batchZoneMigration?: BatchZoneMigrationReport;
}

/** The lists of a report that a sweep bounds. */
export type ReportList = "decisions" | "created" | "updated" | "deleted" | "unchanged" | "adopted" | "conflicts" | "servedByZoneGroup" | "skipped" | "resolution" | "orphanedConnections";

/** Entries a sweep's report keeps per list; errors are all kept. */
export const REPORT_LIST_LIMIT = 50;

type Bounded = Pick<RunReport, "decisions" | "dns" | "omitted" | "orphanedConnections">;

function listOf(report: Bounded, list: ReportList): unknown[] {
  if (list === "orphanedConnections") return report.orphanedConnections ?? [];
  return list === "decisions" ? report.decisions : (report.dns[list] ?? []);
}

/** How many entries a list has in all, the omitted ones included. */
export function countOf(report: Bounded, list: ReportList): number {
  return listOf(report, list).length + (report.omitted?.[list] ?? 0);
}

/** The report with each list cut to its first `limit` entries, and what was cut counted in `omitted`. */
export function boundedReport<R extends Bounded>(report: R, limit = REPORT_LIST_LIMIT): R {
  const omitted: Partial<Record<ReportList | "carriedOut", number>> = { ...report.omitted };
  const carriedOut = report.decisions.slice(limit).filter(isCarriedOut).length;
  if (carriedOut > 0) omitted.carriedOut = (omitted.carriedOut ?? 0) + carriedOut;
  const cut = <T>(list: ReportList, items: T[]): T[] => {
    if (items.length <= limit) return items;
    omitted[list] = (omitted[list] ?? 0) + items.length - limit;
    return items.slice(0, limit);
  };
  const { dns, omitted: _previous, ...rest } = report;
  const bounded = {
    ...rest,
    decisions: cut("decisions", report.decisions),
    dns: {
      ...dns,
      created: cut("created", dns.created),
      updated: cut("updated", dns.updated),
      deleted: cut("deleted", dns.deleted),
      unchanged: cut("unchanged", dns.unchanged),
      adopted: cut("adopted", dns.adopted ?? []),
      conflicts: cut("conflicts", dns.conflicts),
      servedByZoneGroup: cut("servedByZoneGroup", dns.servedByZoneGroup),
      skipped: cut("skipped", dns.skipped),
      ...(dns.resolution === undefined ? {} : { resolution: cut("resolution", dns.resolution) }),
    },
  } as R;
  if (report.orphanedConnections !== undefined) bounded.orphanedConnections = cut("orphanedConnections", report.orphanedConnections);
  if (Object.keys(omitted).length > 0) bounded.omitted = omitted;
  return bounded;
}

/** A report for a run that starts now; the orchestrator fills it in as it goes. */
export function newRunReport(kind: RunReport["kind"], target: string, options: { dryRun: boolean; startedAt: Date; reason?: string; round?: number }): RunReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind,
    target,
    dryRun: options.dryRun,
    startedAt: options.startedAt.toISOString(),
    finishedAt: "",
    rounds: (options.round ?? 0) + 1,
    notes: options.reason === undefined ? [] : [`started by: ${options.reason}`],
    decisions: [],
    dns: emptyDnsReport(),
    errors: [],
  };
}

export function emptyDnsReport(): DnsReport {
  return { created: [], updated: [], deleted: [], unchanged: [], adopted: [], conflicts: [], servedByZoneGroup: [], skipped: [] };
}

export function summarizeRecord(record: DnsRecord): RecordSummary {
  const value = record.type === "CNAME" ? (record.cname ?? "") : record.ipv4Addresses.join(",");
  const endpointId = metadataValue(record, MetadataKeys.endpointId);
  const targets = metadataValue(record, MetadataKeys.targetResourceId);
  return {
    zone: record.zone,
    name: record.name,
    type: record.type,
    value,
    ...(endpointId !== undefined ? { endpointId } : {}),
    ...(targets !== undefined && targets !== "" ? { targetResourceIds: targets.split(",") } : {}),
  };
}

export function summarizeConflict(conflict: Conflict): ConflictEntry {
  const entry: ConflictEntry = { ...summarizeRecord(conflict.record), reason: conflict.reason, detail: conflict.detail };
  if (conflict.current !== undefined) {
    const owner = ownerOf(conflict.current);
    entry.holder = { ...summarizeRecord(conflict.current), ...(owner !== undefined ? { owner } : {}) };
  }
  return entry;
}

/** The DNS part of a report for a plan: what was (or, in a dry run, would be) changed. */
export function dnsReportOf(changes: DnsChanges, skipped: readonly SkippedName[] = [], servedByZoneGroup: readonly string[] = []): DnsReport {
  return {
    created: changes.create.map(summarizeRecord),
    updated: changes.update.map((u) => summarizeRecord(u.after)),
    deleted: changes.delete.map(summarizeRecord),
    unchanged: changes.unchanged.map(summarizeRecord),
    adopted: (changes.adopt ?? []).map((u) => summarizeRecord(u.after)),
    conflicts: changes.conflicts.map(summarizeConflict),
    servedByZoneGroup: [...servedByZoneGroup],
    skipped: skipped.map((s) => ({ fqdn: s.fqdn, reason: s.reason, detail: s.detail })),
  };
}

export function mergeDnsReports(reports: readonly DnsReport[]): DnsReport {
  const merged = emptyDnsReport();
  for (const r of reports) {
    merged.created.push(...r.created);
    merged.updated.push(...r.updated);
    merged.deleted.push(...r.deleted);
    merged.unchanged.push(...r.unchanged);
    merged.adopted?.push(...(r.adopted ?? []));
    merged.conflicts.push(...r.conflicts);
    merged.servedByZoneGroup.push(...r.servedByZoneGroup);
    merged.skipped.push(...r.skipped);
    if (r.resolution !== undefined) merged.resolution = [...(merged.resolution ?? []), ...r.resolution];
  }
  return merged;
}

/** A decision that changed (or would change) the connection, or failed to. */
function isCarriedOut(d: DecisionEntry): boolean {
  return d.outcome !== "leftPending" && d.outcome !== "alreadyDecided" && d.outcome !== "contended";
}

/**
 * How many connection changes a run carried out (or, dry, would have): decisions, and orphaned connections
 * removed; and how many records it changed.
 */
export function changesOf(report: RunReport): { decisions: number; records: number } {
  const removed = (report.orphanedConnections ?? []).filter((o) => o.outcome === "removed" || o.outcome === "wouldRemove").length;
  return {
    decisions: report.decisions.filter(isCarriedOut).length + (report.omitted?.carriedOut ?? 0) + removed,
    records: countOf(report, "created") + countOf(report, "updated") + countOf(report, "deleted") + countOf(report, "adopted"),
  };
}

/** One line that says what a run did. */
export function summarizeRunReport(report: RunReport): string {
  const count = (n: number, what: string) => `${n} ${what}`;
  // Every decision counts, one left Pending too, as in the text report.
  const verb = report.dryRun ? "would change" : "changed";
  return [
    `${report.kind} run${report.dryRun ? " (dry run)" : ""}: ${count(countOf(report, "decisions"), "decisions")}`,
    `${verb} ${count(countOf(report, "created"), "created")}, ${count(countOf(report, "updated"), "updated")}, ${count(countOf(report, "deleted"), "deleted")}`,
    count(countOf(report, "unchanged"), "unchanged"),
    count(countOf(report, "conflicts"), "conflicts"),
    count(report.errors.length, "errors"),
  ].join("; ");
}
