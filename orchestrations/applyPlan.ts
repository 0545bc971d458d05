/**
 * @module Turns a DNS change plan into a report: applies it (or not, in a dry run), logs each record
 * change for people watching, and reports failed changes as errors instead of failing the run.
 */

import type { DnsChanges } from "../shared/dns/plan";
import type { ArmClients } from "../shared/azure/clients";
import { applyChanges, ApplyChangesError } from "./applyChanges";
import type { AppliedChanges } from "./applyChanges";
import { dnsReportOf, summarizeConflict, summarizeRecord } from "./runReport";
import type { DnsReport, RunError } from "./runReport";

export interface ApplyPlanOptions {
  ownerId: string;
  dryRun: boolean;
  concurrency?: number;
  log?: (message: string) => void;
}

export async function applyPlan(clients: ArmClients, changes: DnsChanges, options: ApplyPlanOptions): Promise<{ dns: DnsReport; errors: RunError[] }> {
  const planned = dnsReportOf(changes);
  for (const c of planned.conflicts) options.log?.(`conflict: ${c.type} ${c.name}.${c.zone} left alone (${c.reason}): ${c.detail}`);
  if (options.dryRun) {
    for (const r of planned.created) options.log?.(`dry run: would create ${r.type} ${r.name}.${r.zone} -> ${r.value}`);
    for (const r of planned.updated) options.log?.(`dry run: would update ${r.type} ${r.name}.${r.zone} -> ${r.value}`);
    for (const r of planned.deleted) options.log?.(`dry run: would delete ${r.type} ${r.name}.${r.zone}`);
    return { dns: planned, errors: [] };
  }
  let applied: AppliedChanges;
  const errors: RunError[] = [];
  try {
    applied = await applyChanges(clients, changes, {
      ownerId: options.ownerId,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      onChange: (kind, record) => {
        const r = summarizeRecord(record);
        options.log?.(`${kind}d ${r.type} ${r.name}.${r.zone}${kind === "delete" ? "" : ` -> ${r.value}`}`);
      },
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
