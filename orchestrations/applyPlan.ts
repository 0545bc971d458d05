/**
 * @module Turns a DNS change plan into a report: applies it (or not, in a dry run), logs each record
 * change for people watching, and reports failed changes as errors instead of failing the run.
 */

import type { DnsRecord } from "../shared/domain";
import type { DnsChanges } from "../shared/dns/plan";
import type { ArmClients } from "../shared/azure/clients";
import { applyChanges, ApplyChangesError } from "./applyChanges";
import type { AppliedChanges } from "./applyChanges";
import { dnsReportOf, summarizeConflict, summarizeRecord } from "./runReport";
import type { DnsReport, RecordSummary, RunError } from "./runReport";

export interface ApplyPlanOptions {
  ownerId: string;
  dryRun: boolean;
  concurrency?: number;
  /** Called for each record change; `resourceId` is the endpoint the record belongs to, else its zone. */
  log?: (message: string, resourceId: string) => void;
}

/** Whom a record change is about: the endpoint named in its metadata, else its zone. */
function resourceOf(record: DnsRecord): string {
  return record.metadata["endpointId"] ?? record.zoneId;
}

export async function applyPlan(clients: ArmClients, changes: DnsChanges, options: ApplyPlanOptions): Promise<{ dns: DnsReport; errors: RunError[] }> {
  const planned = dnsReportOf(changes);
  const log = (record: DnsRecord, message: (r: RecordSummary) => string) => options.log?.(message(summarizeRecord(record)), resourceOf(record));
  for (const c of changes.conflicts) log(c.record, (r) => `conflict: ${r.type} ${r.name}.${r.zone} left alone (${c.reason}): ${c.detail}`);
  if (options.dryRun) {
    for (const record of changes.create) log(record, (r) => `dry run: would create ${r.type} ${r.name}.${r.zone} -> ${r.value}`);
    for (const { after } of changes.update) log(after, (r) => `dry run: would update ${r.type} ${r.name}.${r.zone} -> ${r.value}`);
    for (const record of changes.delete) log(record, (r) => `dry run: would delete ${r.type} ${r.name}.${r.zone}`);
    return { dns: planned, errors: [] };
  }
  let applied: AppliedChanges;
  const errors: RunError[] = [];
  try {
    applied = await applyChanges(clients, changes, {
      ownerId: options.ownerId,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      onChange: (kind, record) => log(record, (r) => `${kind}d ${r.type} ${r.name}.${r.zone}${kind === "delete" ? "" : ` -> ${r.value}`}`),
    });
  } catch (error) {
    if (!(error instanceof ApplyChangesError)) throw error;
    applied = error.applied;
    for (const e of error.errors) errors.push({ target: "dns", message: e instanceof Error ? e.message : String(e) });
  }
  return {
    dns: {
      ...planned,
      created: applied.created.map(summarizeRecord),
      updated: applied.updated.map(summarizeRecord),
      deleted: applied.deleted.map(summarizeRecord),
      conflicts: [...planned.conflicts, ...applied.conflicts.map(summarizeConflict)],
    },
    errors,
  };
}
