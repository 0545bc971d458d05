/**
 * @module Plans the changes that turn the record sets in the zones in use into the desired ones:
 * create, update, delete, and conflicts for names we may not touch. Pure; applying is the adapter's job.
 *
 * Records are keyed by zone id (lower case), type and name. A name holds an A or a CNAME record set,
 * never both, so a type change is a delete plus a create (apply deletes before creates).
 *
 * Plan table for one name. E, F1 < F2: private endpoints, ordered by id. The holder is the endpoint named
 * in the metadata of our record at the name. "In the run": `desired` holds that endpoint's records in
 * full (a sweep holds every endpoint's).
 *
 *   current at the name        | no claim         | claimed by the holder E     | claimed only by others F1, F2
 *   ---------------------------+------------------+-----------------------------+--------------------------------
 *   absent                     | -                | (no holder)                 | create F1; F2 claimedByLowerEndpoint
 *   ours, E in the run         | delete           | unchanged, or update to E;  | update to F1 (hand over);
 *                              |                  | F1, F2 heldByEndpoint       | F2 claimedByLowerEndpoint
 *   ours, E not in the run     | -                | (E not in the run)          | F1, F2 heldOutsideRun
 *   foreign: no marker, other  | - (never         | every claim a conflict: unmarked, otherOwner or zoneGroup
 *   owner, or zone group       |   deleted)       |
 *
 * "update" covers a changed TTL, address set, CNAME target or endpoint; with a different record type it
 * is delete + create. As in external-dns, the plan is first computed without regard to ownership and
 * then filtered: every update or delete of a record that is not ours, and every create at a name that
 * holds a record that is not ours, becomes a conflict or is dropped. Only owned records are ever changed,
 * with one opt-in exception (`adoptUnmarked`): a record set without any marker that already holds exactly
 * what we would write (same type and addresses, or same CNAME target) is adopted, that is our marker
 * (and our TTL) is added to it, with `If-Match` on the ETag it was read with. Anything else stays a conflict.
 */

import type { DnsRecord } from "../domain";
import { endpointOf, isManagedRecord, isOwnedBy, isOwnershipKey, isUnmarkedRecord, isZoneGroupRecord } from "./ownership";

export interface PlanChangesInput {
  /** Every A and CNAME record set read in the zones in use, ours and foreign. */
  current: readonly DnsRecord[];
  /** The union of `desiredRecords` for the endpoints of the run. */
  desired: readonly DnsRecord[];
  ownerId: string;
  /**
   * The endpoints whose desired records `desired` holds in full: only their stale records are deleted
   * or handed over. Leave it out for a sweep, which holds every endpoint's and deletes every owned
   * record not desired.
   */
  endpointIds?: readonly string[];
  /**
   * Adopt unmarked record sets whose content equals the desired record's (`AUTOPILOT_ADOPT_RECORDS`);
   * off by default, when they are conflicts (`unmarked`). Zone groups' and other owners' records never are.
   */
  adoptUnmarked?: boolean;
}

export interface DnsUpdate {
  /** The record set as read, with its etag for `If-Match`. */
  before: DnsRecord;
  after: DnsRecord;
}

export type ConflictReason =
  /** A record set without our marker holds the name. */
  | "unmarked"
  /** A record set with our marker but another deployment's owner id holds the name. */
  | "otherOwner"
  /** A private endpoint's DNS zone group wrote the record set. */
  | "zoneGroup"
  /** Another endpoint of ours holds the name and still desires it. */
  | "heldByEndpoint"
  /** An endpoint of ours outside this run holds the name; a run for it, or a sweep, decides. */
  | "heldOutsideRun"
  /** Several endpoints claim a free name; the lowest endpoint id wins. */
  | "claimedByLowerEndpoint"
  /** Set at apply, not by the plan: someone else changed, made or removed the record set after our read. */
  | "contended";

export interface Conflict {
  /** The desired record that was not applied. */
  record: DnsRecord;
  reason: ConflictReason;
  detail: string;
  /** The record set in the way, when there is one. */
  current?: DnsRecord;
}

export interface DnsChanges {
  create: DnsRecord[];
  update: DnsUpdate[];
  delete: DnsRecord[];
  conflicts: Conflict[];
  /** Owned record sets that already match. */
  unchanged: DnsRecord[];
  /**
   * Unmarked record sets taken over (`adoptUnmarked`): `before` as read (its ETag for `If-Match`), `after`
   * the same content with our marker and TTL. Set by `planChanges`; absent in plans built by hand.
   */
  adopt?: DnsUpdate[];
}

function nameKey(r: DnsRecord): string {
  return `${r.zoneId.toLowerCase()}|${r.name.toLowerCase()}`;
}

function recordKey(r: DnsRecord): string {
  return `${nameKey(r)}|${r.type}`;
}

function describe(r: DnsRecord): string {
  return `${r.type} ${r.name}.${r.zone}`;
}

/**
 * An endpoint by its own name (the id's last segment), as details say it: the full id is in the
 * conflict's records (`record`, `current`), which reports carry, so log lines stay short.
 */
function endpointName(endpointId: string | undefined): string {
  return endpointId === undefined ? "(none)" : endpointId.slice(endpointId.lastIndexOf("/") + 1) || endpointId;
}

function normalizeCname(cname: string | undefined): string {
  return (cname ?? "").trim().toLowerCase().replace(/\.$/, "");
}

function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sameOwnership(a: DnsRecord, b: DnsRecord): boolean {
  const keys = (r: DnsRecord) =>
    Object.entries(r.metadata)
      .filter(([k]) => isOwnershipKey(k))
      .map(([k, v]) => `${k.toLowerCase()}=${k.toLowerCase() === "endpointid" ? v.toLowerCase() : v}`)
      .sort()
      .join("\n");
  return keys(a) === keys(b);
}

/** Same type, and the same addresses (A) or target (CNAME). */
function sameContent(a: DnsRecord, b: DnsRecord): boolean {
  if (a.type !== b.type) return false;
  return a.type === "A" ? sameAddresses(a.ipv4Addresses, b.ipv4Addresses) : normalizeCname(a.cname) === normalizeCname(b.cname);
}

/** True when `current` already is what `desired` asks for (extra metadata entries are not compared). */
export function sameRecord(current: DnsRecord, desired: DnsRecord): boolean {
  return current.ttl === desired.ttl && sameOwnership(current, desired) && sameContent(current, desired);
}

/**
 * True when `current` may be adopted for `desired`: it carries no marker at all (not ours, not another
 * deployment's, not a zone group's) and holds exactly what we would write. The TTL may differ.
 */
export function isAdoptable(current: DnsRecord, desired: DnsRecord): boolean {
  return isUnmarkedRecord(current) && sameContent(current, desired);
}

/**
 * True when a conflict is only a DNS zone group having written the very record we would write (same
 * type and addresses or target): the name already serves the endpoint. A sweep, which learns about
 * zone groups from the zones instead of reading every endpoint's, leaves these out of its report.
 */
export function isServedByZoneGroup(conflict: Conflict): boolean {
  return conflict.reason === "zoneGroup" && conflict.current !== undefined && sameContent(conflict.current, conflict.record);
}

/** The desired record, keeping metadata entries that others added to the record set. */
function updated(before: DnsRecord, desired: DnsRecord): DnsRecord {
  const kept = Object.fromEntries(Object.entries(before.metadata).filter(([k]) => !isOwnershipKey(k)));
  return { ...desired, metadata: { ...kept, ...desired.metadata } };
}

/**
 * Records by zone id, then name (both lower case). Two levels rather than one joined key: a name key is
 * then the record's own string (lower-casing a lower-case string gives the same string), not a new one
 * per record, which matters for a zone of 100k records.
 */
function byZoneAndName(records: readonly DnsRecord[]): Map<string, Map<string, DnsRecord[]>> {
  const zones = new Map<string, Map<string, DnsRecord[]>>();
  for (const r of records) {
    const zone = r.zoneId.toLowerCase();
    const names = zones.get(zone) ?? new Map<string, DnsRecord[]>();
    zones.set(zone, names);
    const name = r.name.toLowerCase();
    const group = names.get(name);
    if (group === undefined) names.set(name, [r]);
    else group.push(r);
  }
  return zones;
}

function validateDesired(input: PlanChangesInput, scope: ReadonlySet<string> | undefined): void {
  for (const r of input.desired) {
    const endpoint = endpointOf(r);
    if (!isOwnedBy(r, input.ownerId) || endpoint === undefined) {
      throw new TypeError(`Desired record ${describe(r)} lacks ownership metadata for owner ${input.ownerId}; expected the metadata from ownershipMetadata(ownerId, endpointId)`);
    }
    if (scope !== undefined && !scope.has(endpoint)) {
      throw new RangeError(`Desired record ${describe(r)} is for endpoint ${endpoint}, which is not in endpointIds; expected desired records only for the endpoints of the run`);
    }
  }
}

/** The claims on one name, at most one per endpoint. */
function validateClaims(claims: readonly DnsRecord[]): void {
  const seen = new Set<string>();
  for (const r of claims) {
    const endpoint = endpointOf(r) as string;
    if (seen.has(endpoint)) throw new RangeError(`Endpoint ${endpoint} desires ${r.name}.${r.zone} twice; expected at most one record per name and endpoint`);
    seen.add(endpoint);
  }
}

/** The unfiltered plan for one name: endpoint arbitration and record comparison, no ownership checks. */
interface NamePlan {
  create: DnsRecord[];
  /** `desired` is the claim as given, before metadata others added is carried over into `after`. */
  update: (DnsUpdate & { desired: DnsRecord })[];
  delete: DnsRecord[];
  /** Current record sets that match their desired record, paired with it. */
  unchanged: DnsUpdate[];
  conflicts: Conflict[];
}

function planName(current: readonly DnsRecord[], claims: readonly DnsRecord[], inScope: (endpoint: string | undefined) => boolean, plan: NamePlan): void {
  const holder = current.map(endpointOf).find((e) => e !== undefined);
  const sorted = [...claims].sort((a, b) => (endpointOf(a) as string).localeCompare(endpointOf(b) as string));
  let winner: DnsRecord | undefined;
  if (sorted.length > 0) {
    const held = sorted.find((c) => endpointOf(c) === holder);
    if (held !== undefined) {
      winner = held;
    } else if (holder !== undefined && !inScope(holder)) {
      for (const c of sorted) {
        plan.conflicts.push({ record: c, reason: "heldOutsideRun", detail: `held by endpoint ${endpointName(holder)}, which this run does not cover`, current: current[0] });
      }
    } else {
      winner = sorted[0];
    }
  }
  if (winner !== undefined) {
    const winnerEndpoint = endpointOf(winner);
    const reason: ConflictReason = winnerEndpoint === holder ? "heldByEndpoint" : "claimedByLowerEndpoint";
    // The winner's own record set, where it already holds the name: reports name the holder from it.
    const held = current.find((r) => endpointOf(r) === winnerEndpoint);
    for (const c of sorted) {
      if (c === winner) continue;
      plan.conflicts.push({ record: c, reason, detail: `taken by endpoint ${endpointName(winnerEndpoint)}`, ...(held !== undefined ? { current: held } : {}) });
    }
  }
  for (const r of current) {
    if (winner !== undefined && r.type === winner.type) {
      if (sameRecord(r, winner)) plan.unchanged.push({ before: r, after: winner });
      else plan.update.push({ before: r, after: updated(r, winner), desired: winner });
    } else if (winner !== undefined || inScope(endpointOf(r))) {
      plan.delete.push(r);
    }
  }
  if (winner !== undefined && !current.some((r) => r.type === winner.type)) plan.create.push(winner);
}

function foreignReason(r: DnsRecord): ConflictReason {
  if (isZoneGroupRecord(r)) return "zoneGroup";
  return isManagedRecord(r) ? "otherOwner" : "unmarked";
}

function foreignDetail(holder: DnsRecord): string {
  const what = { zoneGroup: "a DNS zone group's record", otherOwner: "another deployment's record", unmarked: "a record without our marker" }[foreignReason(holder) as "zoneGroup" | "otherOwner" | "unmarked"];
  const value = holder.type === "CNAME" ? (holder.cname ?? "") : holder.ipv4Addresses.join(",");
  return `held by ${what} (${holder.type} ${value}); left alone`;
}

/** Ownership filtering, last: nothing that is not ours is changed, and claims on its names become conflicts. */
function filterByOwnership(raw: NamePlan, current: readonly DnsRecord[], ownerId: string, adoptUnmarked: boolean): DnsChanges {
  const foreignByName = new Map<string, DnsRecord>();
  for (const r of current) if (!isOwnedBy(r, ownerId) && !foreignByName.has(nameKey(r))) foreignByName.set(nameKey(r), r);
  const blockedBy = (r: DnsRecord) => foreignByName.get(nameKey(r));
  const changes: Required<DnsChanges> = { create: [], update: [], delete: [], conflicts: [], unchanged: [], adopt: [] };
  const adopted = new Set<string>();
  const conflict = (record: DnsRecord, holder: DnsRecord) =>
    changes.conflicts.push({ record, reason: foreignReason(holder), detail: foreignDetail(holder), current: holder });

  for (const r of raw.create) {
    const holder = blockedBy(r);
    if (holder === undefined) changes.create.push(r);
    else conflict(r, holder);
  }
  for (const u of raw.update) {
    if (isOwnedBy(u.before, ownerId)) {
      changes.update.push({ before: u.before, after: u.after });
    } else if (adoptUnmarked && isAdoptable(u.before, u.desired)) {
      changes.adopt.push({ before: u.before, after: u.after });
      adopted.add(nameKey(u.before));
    } else {
      conflict(u.desired, u.before);
    }
  }
  for (const u of raw.unchanged) {
    if (isOwnedBy(u.before, ownerId)) changes.unchanged.push(u.before);
    else conflict(u.after, u.before);
  }
  changes.delete = raw.delete.filter((r) => isOwnedBy(r, ownerId));
  for (const c of raw.conflicts) {
    const holder = blockedBy(c.record);
    // At an adopted name the endpoint that adopts it holds it, as if it had written the record.
    if (holder === undefined || adopted.has(nameKey(c.record))) changes.conflicts.push(c);
    else conflict(c.record, holder);
  }
  return changes;
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => key(a).localeCompare(key(b));
}

/**
 * Plans create/update/delete for the DNS records of the endpoints of a run, and reports conflicts.
 * Deletes and updates only ever touch record sets owned by `ownerId`; foreign record sets are never changed.
 */
export function planChanges(input: PlanChangesInput): DnsChanges {
  const scope = input.endpointIds === undefined ? undefined : new Set(input.endpointIds.map((id) => id.toLowerCase()));
  validateDesired(input, scope);
  const inScope = (endpoint: string | undefined) => scope === undefined || (endpoint !== undefined && scope.has(endpoint));
  const currentByZone = byZoneAndName(input.current);
  const desiredByZone = byZoneAndName(input.desired);
  for (const claimsByName of desiredByZone.values()) for (const claims of claimsByName.values()) validateClaims(claims);

  const raw: NamePlan = { create: [], update: [], delete: [], unchanged: [], conflicts: [] };
  const none = new Map<string, DnsRecord[]>();
  for (const zone of new Set([...currentByZone.keys(), ...desiredByZone.keys()])) {
    const current = currentByZone.get(zone) ?? none;
    const desired = desiredByZone.get(zone) ?? none;
    for (const name of current.keys()) planName(current.get(name) ?? [], desired.get(name) ?? [], inScope, raw);
    for (const name of desired.keys()) if (!current.has(name)) planName([], desired.get(name) ?? [], inScope, raw);
  }
  return sorted(filterByOwnership(raw, input.current, input.ownerId, input.adoptUnmarked === true));
}

/** Each list in the order a person reads it: by zone, name and type (conflicts then by endpoint). */
function sorted<C extends DnsChanges>(changes: C): C {
  changes.create.sort(byKey(recordKey));
  changes.update.sort(byKey((u) => recordKey(u.before)));
  changes.adopt?.sort(byKey((u) => recordKey(u.before)));
  changes.delete.sort(byKey(recordKey));
  changes.unchanged.sort(byKey(recordKey));
  changes.conflicts.sort(byKey((c) => `${recordKey(c.record)}|${endpointOf(c.record)}`));
  return changes;
}

/**
 * The plans of separate zones as one, in the order one `planChanges` over all of them gives: a name
 * lives in one zone, so planning zone by zone (to hold one zone at a time) decides the same.
 */
export function mergeChanges(plans: readonly DnsChanges[]): DnsChanges {
  return sorted({
    create: plans.flatMap((p) => p.create),
    update: plans.flatMap((p) => p.update),
    delete: plans.flatMap((p) => p.delete),
    conflicts: plans.flatMap((p) => p.conflicts),
    unchanged: plans.flatMap((p) => p.unchanged),
    adopt: plans.flatMap((p) => p.adopt ?? []),
  });
}

/**
 * The changes without those of the given endpoints (lower-case ids): for endpoints whose decision the
 * plan assumed but that did not come through, so their records wait for the next run to read them again.
 */
export function withoutEndpoints(changes: DnsChanges, endpointIds: ReadonlySet<string>): DnsChanges {
  if (endpointIds.size === 0) return changes;
  const keep = (r: DnsRecord) => !endpointIds.has(endpointOf(r) ?? "");
  return {
    ...changes,
    create: changes.create.filter(keep),
    update: changes.update.filter((u) => keep(u.after) && keep(u.before)),
    delete: changes.delete.filter(keep),
    adopt: (changes.adopt ?? []).filter((u) => keep(u.after)),
  };
}

/**
 * The first `limit` changes in apply order (deletes, then updates, then adoptions, then creates), and how
 * many are left for a later round: so one round's writes fit in one activity's time at ARM's write rate.
 * A type swap (a delete and a create at one name) stays in one round, so the name is never left empty
 * between rounds.
 */
export function firstChanges(changes: DnsChanges, limit: number): { changes: DnsChanges; remaining: number } {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number of at least 1, got ${limit}`);
  const adopt = changes.adopt ?? [];
  const total = changes.delete.length + changes.update.length + adopt.length + changes.create.length;
  if (total <= limit) return { changes, remaining: 0 };
  const createAt = new Map(changes.create.map((r) => [nameKey(r), r]));
  const deletedNames = new Set(changes.delete.map(nameKey));
  const deletes: DnsRecord[] = [];
  const swapped = new Set<DnsRecord>();
  let budget = limit;
  for (const r of changes.delete) {
    const replacement = createAt.get(nameKey(r));
    // A swap at the head of a round of one still goes, as a pair: every round makes progress.
    if (deletes.length > 0 && budget < (replacement === undefined ? 1 : 2)) break;
    deletes.push(r);
    if (replacement !== undefined) swapped.add(replacement);
    budget -= replacement === undefined ? 1 : 2;
  }
  budget = Math.max(0, budget);
  // Stale first: updates only once every delete is in, adoptions and plain creates once every update is.
  const deletesDone = deletes.length === changes.delete.length;
  const updates = deletesDone ? changes.update.slice(0, budget) : [];
  budget -= updates.length;
  const updatesDone = deletesDone && updates.length === changes.update.length;
  const adoptions = updatesDone ? adopt.slice(0, budget) : [];
  budget -= adoptions.length;
  const others = new Set(updatesDone && adoptions.length === adopt.length ? changes.create.filter((r) => !deletedNames.has(nameKey(r))).slice(0, budget) : []);
  const creates = changes.create.filter((r) => swapped.has(r) || others.has(r));
  const taken = deletes.length + updates.length + adoptions.length + creates.length;
  return { changes: { ...changes, delete: deletes, update: updates, adopt: adoptions, create: creates }, remaining: total - taken };
}
