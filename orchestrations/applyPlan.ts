/**
 * @module Turns a DNS change plan into a report: applies it through the one DNS writer
 * (`applyRecordChanges`), or in a dry run only says what it would do; logs one line per record change
 * for people watching; reports contended changes as conflicts (`contended`) and failed ones as errors
 * instead of failing the run.
 */

import type { DnsRecord, ZoneRef } from "../shared/domain";
import { resolutionAfter } from "../shared/dns/zoneSets";
import type { DnsChanges } from "../shared/dns/plan";
import type { ArmClients } from "../shared/azure/clients";
import { conflictLine, recordLine } from "./changeLine";
import { applyRecordChanges, ApplyRecordChangesError, recordChangesOf, recordOf } from "../shared/azure/applyRecordChanges";
import type { RecordOutcome } from "../shared/azure/applyRecordChanges";
import { dnsReportOf, runErrorsOf, summarizeRecord } from "./runReport";
import type { DnsReport, RecordSummary, RunError } from "./runReport";

export interface ApplyPlanOptions {
  ownerId: string;
  dryRun: boolean;
  concurrency?: number;
  /** The zones with their VNet links: the report then says what clients in each linked VNet get for each changed name. */
  zones?: readonly ZoneRef[];
  /** Called for each record change; `resourceId` is the endpoint the record belongs to, else its zone. */
  log?: (message: string, resourceId: string) => void;
}

/** Whom a record change is about: the endpoint named in its metadata, else its zone. */
function resourceOf(record: DnsRecord): string {
  return record.metadata["endpointId"] ?? record.zoneId;
}

function describe(r: RecordSummary): string {
  return `${r.type} ${r.name}.${r.zone}`;
}

/** One readable line per change that ended. */
function lineOf(outcome: RecordOutcome): string {
  const r = summarizeRecord(recordOf(outcome.change));
  switch (outcome.status) {
    case "created":
      return recordLine("create", r);
    case "updated":
      return recordLine("update", r);
    case "adopted":
      return recordLine("adopt", r);
    case "deleted":
      return recordLine("delete", r);
    case "contended":
      return conflictLine(r, "contended", outcome.detail);
    case "failed":
      return `error ${describe(r)}: ${outcome.error.message}`;
  }
}

/** What applying a plan did: the report's DNS part and the changes that failed. */
export interface AppliedPlan {
  dns: DnsReport;
  errors: RunError[];
}

export async function applyPlan(clients: ArmClients, changes: DnsChanges, options: ApplyPlanOptions): Promise<AppliedPlan> {
  const planned = dnsReportOf(changes);
  if (options.zones !== undefined) planned.resolution = resolutionAfter(changes, options.zones);
  const log = (record: DnsRecord, message: (r: RecordSummary) => string) => options.log?.(message(summarizeRecord(record)), resourceOf(record));
  for (const c of changes.conflicts) log(c.record, (r) => conflictLine(r, c.reason, c.detail));
  if (options.dryRun) {
    for (const record of changes.create) log(record, (r) => recordLine("create", r, { dryRun: true }));
    for (const { after } of changes.update) log(after, (r) => recordLine("update", r, { dryRun: true }));
    for (const { after } of changes.adopt ?? []) log(after, (r) => recordLine("adopt", r, { dryRun: true }));
    for (const record of changes.delete) log(record, (r) => recordLine("delete", r, { dryRun: true }));
    return { dns: planned, errors: [] };
  }
  let outcomes: RecordOutcome[];
  try {
    outcomes = await applyRecordChanges(clients, recordChangesOf(changes), {
      ownerId: options.ownerId,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      onOutcome: (outcome) => log(recordOf(outcome.change), () => lineOf(outcome)),
    });
  } catch (error) {
    if (!(error instanceof ApplyRecordChangesError)) throw error;
    outcomes = error.outcomes;
  }
  const written = (status: "created" | "updated" | "adopted") => outcomes.flatMap((o) => (o.status === status ? [summarizeRecord(o.written)] : []));
  return {
    dns: {
      ...planned,
      created: written("created"),
      updated: written("updated"),
      adopted: written("adopted"),
      deleted: outcomes.flatMap((o) => (o.status === "deleted" ? [summarizeRecord(recordOf(o.change))] : [])),
      conflicts: [
        ...planned.conflicts,
        ...outcomes.flatMap((o) => (o.status === "contended" ? [{ ...summarizeRecord(recordOf(o.change)), reason: "contended", detail: o.detail }] : [])),
      ],
    },
    errors: outcomes.flatMap((o) => (o.status === "failed" ? runErrorsOf(describe(summarizeRecord(recordOf(o.change))), o.error) : [])),
  };
}
