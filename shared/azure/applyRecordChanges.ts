/**
 * @module The one DNS writer: every record set change the app makes goes through `applyRecordChanges`.
 *
 * As external-dns's provider does, it applies a plan that was computed from an earlier read, and it
 * never overwrites what it did not read:
 * - a create is sent with `If-None-Match: *`, so a record set someone made meanwhile is never replaced;
 * - an update or delete first re-reads the record set and goes ahead only while it still carries our
 *   marker and the ETag that was planned on (ownership re-checked at apply, as external-dns's registry
 *   does), and is then sent with `If-Match: <that ETag>`.
 * - an adoption (opt-in) re-reads the record set and goes ahead only while it still carries no marker and
 *   the ETag that was planned on, and is then sent with `If-Match: <that ETag>`: it adds our marker to
 *   content someone else wrote, never changing the addresses or target.
 * A 412, a changed ETag or a lost marker ends that change as `contended`, naming both versions. It is
 * never retried with a fresh ETag: runs are level-triggered, and the next event or sweep plans again
 * from what is there then. Every change is attempted; failures are thrown together at the end.
 */

import { mapLimit } from "../mapLimit";
import type { DnsRecord } from "../domain";
import { sameRecord } from "../dns/plan";
import type { DnsChanges } from "../dns/plan";
import { isOwnedBy, isUnmarkedRecord, ownerOf } from "../dns/ownership";
import type { ArmClients } from "./clients";
import { PreconditionFailedError } from "./errors";
import { deleteRecordSet, getRecordSet, upsertARecord, upsertCNAMERecord } from "./privateDns";

/** One record set change: `before` is the record set as read (with its ETag), `after` what we want. */
export type RecordChange =
  | { kind: "create"; after: DnsRecord }
  | { kind: "update"; before: DnsRecord; after: DnsRecord }
  /** Our marker added to an unmarked record set that already holds what we would write. */
  | { kind: "adopt"; before: DnsRecord; after: DnsRecord }
  | { kind: "delete"; before: DnsRecord };

/** What became of one change. */
export type RecordOutcome =
  | { status: "created" | "updated" | "adopted"; change: RecordChange; written: DnsRecord }
  | { status: "deleted"; change: RecordChange }
  /** Someone else changed, made or removed the record set after our read; left as they have it. */
  | { status: "contended"; change: RecordChange; detail: string; current?: DnsRecord }
  | { status: "failed"; change: RecordChange; error: Error };

export type RecordOutcomeStatus = RecordOutcome["status"];

export interface ApplyRecordChangesOptions {
  /** Our owner id: updates and deletes go ahead only on record sets that carry it. */
  ownerId: string;
  /** How many record set changes run at once within a phase; default 4. */
  concurrency?: number;
  /** Called as each change ends, for live progress. */
  onOutcome?: (outcome: RecordOutcome) => void;
}

/** Thrown when some changes failed (not contended: failed); `outcomes` holds every change's outcome. */
export class ApplyRecordChangesError extends AggregateError {
  override readonly name = "ApplyRecordChangesError";
  constructor(readonly outcomes: RecordOutcome[]) {
    const failures = outcomes.flatMap((o) => (o.status === "failed" ? [o.error] : []));
    super(failures, `${failures.length} of ${outcomes.length} DNS changes failed`);
  }
}

/**
 * A plan's changes in the order they are applied: stale records first (deletes, then updates: a stale record
 * answers with a dead address and never falls back), then adoptions, then creates; a type swap's create
 * right after its delete.
 */
export function recordChangesOf(changes: Pick<DnsChanges, "create" | "update" | "delete" | "adopt">): RecordChange[] {
  return [
    ...changes.delete.map((before): RecordChange => ({ kind: "delete", before })),
    ...changes.update.map(({ before, after }): RecordChange => ({ kind: "update", before, after })),
    ...(changes.adopt ?? []).map(({ before, after }): RecordChange => ({ kind: "adopt", before, after })),
    ...changes.create.map((after): RecordChange => ({ kind: "create", after })),
  ];
}

/** Each delete paired with the create at the same name (a type swap), if any. */
function swapsOf(changes: readonly RecordChange[]): Map<RecordChange, RecordChange> {
  const at = (r: DnsRecord) => `${r.zoneId.toLowerCase()}|${r.name.toLowerCase()}`;
  const creates = new Map(changes.flatMap((c) => (c.kind === "create" ? [[at(c.after), c] as const] : [])));
  return new Map(changes.flatMap((c) => (c.kind === "delete" && creates.has(at(c.before)) ? [[c, creates.get(at(c.before)) as RecordChange] as const] : [])));
}

/** The record a change is about: what we write, or what we delete. */
export function recordOf(change: RecordChange): DnsRecord {
  return change.kind === "delete" ? change.before : change.after;
}

function valueOf(record: DnsRecord): string {
  return record.type === "CNAME" ? (record.cname ?? "") : record.ipv4Addresses.join(",");
}

/** `A name.zone -> value (etag …, owner …)`: one version of a record set, for contended reports. */
function describeVersion(record: DnsRecord): string {
  const owner = ownerOf(record);
  const etag = record.etag === undefined ? "" : `etag ${record.etag}, `;
  return `${record.type} ${record.name}.${record.zone} -> ${valueOf(record)} (${etag}${owner === undefined ? "no marker" : `owner ${owner}`})`;
}

/**
 * Applies the changes in phases (deletes, updates, adoptions, creates), each change conditionally, and
 * returns one outcome per change in the order given. Throws an `ApplyRecordChangesError` (with every
 * outcome) when any change failed; contended changes are outcomes, not failures.
 */
export async function applyRecordChanges(clients: ArmClients, changes: readonly RecordChange[], options: ApplyRecordChangesOptions): Promise<RecordOutcome[]> {
  const outcomes = new Map<RecordChange, RecordOutcome>();
  const apply = async (change: RecordChange) => {
    let outcome: RecordOutcome;
    try {
      outcome = await applyOne(clients, change, options.ownerId);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      outcome = { status: "failed", change, error: new Error(`${change.kind} ${describeVersion(recordOf(change))} failed: ${cause.message}`, { cause }) };
    }
    outcomes.set(change, outcome);
    options.onOutcome?.(outcome);
  };
  // A type swap (A <-> CNAME) is a delete and a create at one name: the create follows its delete at
  // once, so the name goes without an answer for one write, not for the rest of the phases.
  const swaps = swapsOf(changes);
  const replacements = new Set(swaps.values());
  for (const kind of ["delete", "update", "adopt", "create"] as const) {
    await mapLimit(
      changes.filter((c) => c.kind === kind && !replacements.has(c)),
      options.concurrency ?? 4,
      async (change) => {
        await apply(change);
        const replacement = swaps.get(change);
        if (replacement !== undefined) await apply(replacement);
      },
    );
  }
  const ordered = changes.map((c) => outcomes.get(c) as RecordOutcome);
  if (ordered.some((o) => o.status === "failed")) throw new ApplyRecordChangesError(ordered);
  return ordered;
}

async function applyOne(clients: ArmClients, change: RecordChange, ownerId: string): Promise<RecordOutcome> {
  if (change.kind === "create") {
    try {
      return { status: "created", change, written: await upsert(clients, change.after, { ifNoneMatch: "*" }) };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      return contended(clients, change, "someone else created it after our read (412 on If-None-Match: *)");
    }
  }
  const { before } = change;
  if (before.etag === undefined) throw new TypeError(`${describeVersion(before)} was read without an ETag; an update or delete is never sent unconditionally`);
  // Ownership and version, re-checked at apply: the plan was made from an earlier read.
  const current = await getRecordSet(clients, { id: before.zoneId, name: before.zone }, before.type, before.name);
  if (current === undefined) return contendedWith(change, undefined, "someone else deleted it after our read");
  if (change.kind === "adopt" ? !isUnmarkedRecord(current) : !isOwnedBy(current, ownerId)) {
    return contendedWith(change, current, change.kind === "adopt" ? "it carries a marker now" : "it no longer carries our marker");
  }
  if (current.etag !== before.etag) return contendedWith(change, current, "someone else changed it after our read");
  try {
    if (change.kind === "delete") {
      await deleteRecordSet(clients, before, { ifMatch: before.etag });
      return { status: "deleted", change };
    }
    const written = await upsert(clients, change.after, { ifMatch: before.etag });
    return { status: change.kind === "adopt" ? "adopted" : "updated", change, written };
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    return contended(clients, change, `someone else changed it between our check and our write (412 on If-Match: ${before.etag})`);
  }
}

function upsert(clients: ArmClients, record: DnsRecord, condition: { ifMatch: string } | { ifNoneMatch: "*" }): Promise<DnsRecord> {
  return record.type === "A" ? upsertARecord(clients, record, condition) : upsertCNAMERecord(clients, record, condition);
}

/** A 412: read the version that won, to name it (read only; never written over). */
async function contended(clients: ArmClients, change: RecordChange, why: string): Promise<RecordOutcome> {
  const record = recordOf(change);
  const current = await getRecordSet(clients, { id: record.zoneId, name: record.zone }, record.type, record.name).catch(() => undefined);
  return contendedWith(change, current, why);
}

function contendedWith(change: RecordChange, current: DnsRecord | undefined, why: string): RecordOutcome {
  const record = recordOf(change);
  const ours =
    change.kind === "create" ? `ours: ${describeVersion(change.after)}`
    : change.kind === "adopt" ? `to adopt as read: ${describeVersion(change.before)}`
    : `ours as read: ${describeVersion(change.before)}${change.kind === "update" ? `, to become ${valueOf(change.after)}` : ""}`;
  const same = current !== undefined && change.kind !== "delete" && sameRecord(current, change.after) ? ", already what we wanted" : "";
  const theirs = current === undefined ? "theirs: none (the record set is gone)" : `theirs: ${describeVersion(current)}${same}`;
  return {
    status: "contended",
    change,
    detail: `${change.kind} of ${record.type} ${record.name}.${record.zone} left alone: ${why}; ${ours}; ${theirs}; the next run plans again from what is there`,
    ...(current !== undefined ? { current } : {}),
  };
}
