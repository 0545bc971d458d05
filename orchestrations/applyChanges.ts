/**
 * @module Applies a DNS change plan through the private DNS adapter: deletes first (so a name can switch
 * between A and CNAME), then updates, then creates. Creates use `If-None-Match: *`, updates and deletes
 * `If-Match: <etag>`. A 412 means someone changed the record set since we read it: re-read that one name
 * and plan it again, never overwrite. Every change is attempted; failures are thrown together at the end.
 */

import type { DnsRecord } from "../shared/domain";
import { planChanges } from "../shared/dns/plan";
import type { Conflict, DnsChanges } from "../shared/dns/plan";
import { endpointOf } from "../shared/dns/ownership";
import { deleteRecordSet, getRecordSet, upsertARecord, upsertCNAMERecord } from "../shared/azure/privateDns";
import type { ArmClients } from "../shared/azure/clients";
import { PreconditionFailedError } from "../shared/azure/errors";

export interface ApplyChangesOptions {
  ownerId: string;
  /** How many record set writes run at once. */
  concurrency?: number;
  /** Called after each change that took effect, for live progress. */
  onChange?: (kind: "create" | "update" | "delete", record: DnsRecord) => void;
}

/** What took effect. Conflicts are names that a concurrent writer took while we ran. */
export interface AppliedChanges {
  created: DnsRecord[];
  updated: DnsRecord[];
  deleted: DnsRecord[];
  conflicts: Conflict[];
}

/** Thrown when some changes failed; `applied` says what did take effect. */
export class ApplyChangesError extends AggregateError {
  override readonly name = "ApplyChangesError";
  constructor(
    errors: Error[],
    total: number,
    readonly applied: AppliedChanges,
  ) {
    super(errors, `${errors.length} of ${total} DNS changes failed`);
  }
}

type Change = { kind: "create"; after: DnsRecord } | { kind: "update"; before: DnsRecord; after: DnsRecord } | { kind: "delete"; before: DnsRecord };

/** A 412 is re-planned at most this many times before the name is reported as contended. */
const MAX_REPLANS = 2;

export async function applyChanges(clients: ArmClients, changes: DnsChanges, options: ApplyChangesOptions): Promise<AppliedChanges> {
  const applied: AppliedChanges = { created: [], updated: [], deleted: [], conflicts: [] };
  const failures: Error[] = [];
  const phases: Change[][] = [
    changes.delete.map((before) => ({ kind: "delete", before })),
    changes.update.map(({ before, after }) => ({ kind: "update", before, after })),
    changes.create.map((after) => ({ kind: "create", after })),
  ];
  for (const phase of phases) {
    await forEachLimited(phase, options.concurrency ?? 4, async (change) => {
      try {
        await applyOne(clients, change, options, applied, 0);
      } catch (error) {
        failures.push(new Error(`${change.kind} ${describe(recordOf(change))} failed: ${messageOf(error)}`, { cause: error }));
      }
    });
  }
  const total = phases.reduce((n, p) => n + p.length, 0);
  if (failures.length > 0) throw new ApplyChangesError(failures, total, applied);
  return applied;
}

async function applyOne(clients: ArmClients, change: Change, options: ApplyChangesOptions, applied: AppliedChanges, replans: number): Promise<void> {
  try {
    if (change.kind === "delete") {
      await deleteRecordSet(clients, change.before, { ifMatch: change.before.etag });
      applied.deleted.push(change.before);
    } else {
      const upsert = change.after.type === "A" ? upsertARecord : upsertCNAMERecord;
      const condition = change.kind === "create" ? { ifNoneMatch: "*" as const } : { ifMatch: change.before.etag };
      const written = await upsert(clients, change.after, condition);
      (change.kind === "create" ? applied.created : applied.updated).push(written);
    }
    options.onChange?.(change.kind, recordOf(change));
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    const replanned = await replan(clients, change, options.ownerId);
    applied.conflicts.push(...replanned.conflicts);
    const next = firstChange(replanned);
    if (next === undefined) return;
    if (replans >= MAX_REPLANS) {
      applied.conflicts.push({ record: recordOf(change), reason: "heldOutsideRun", detail: `${describe(recordOf(change))} kept changing under us (412 ${replans + 1} times); the next run tries again` });
      return;
    }
    await applyOne(clients, next, options, applied, replans + 1);
  }
}

/** Plans one name again from what is there now. */
async function replan(clients: ArmClients, change: Change, ownerId: string): Promise<DnsChanges> {
  const record = recordOf(change);
  const current = await getRecordSet(clients, { id: record.zoneId, name: record.zone }, record.type, record.name);
  const desired = change.kind === "delete" ? [] : [change.after];
  const endpointIds = [...new Set([...desired, ...(change.kind === "create" ? [] : [change.before])].map(endpointOf).filter((id): id is string => id !== undefined))];
  return planChanges({ current: current === undefined ? [] : [current], desired, ownerId, endpointIds });
}

function firstChange(changes: DnsChanges): Change | undefined {
  const [before] = changes.delete;
  if (before !== undefined) return { kind: "delete", before };
  const [update] = changes.update;
  if (update !== undefined) return { kind: "update", ...update };
  const [after] = changes.create;
  return after === undefined ? undefined : { kind: "create", after };
}

function recordOf(change: Change): DnsRecord {
  return change.kind === "delete" ? change.before : change.after;
}

function describe(record: DnsRecord): string {
  return `${record.type} ${record.name}.${record.zone}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
