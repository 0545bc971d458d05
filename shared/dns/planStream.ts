/**
 * @module A keyed, streaming layer in front of `planChanges` for a large zone (external-dns style). Desired
 * records are held in a compact form keyed by zone and name; record sets are offered as their pages arrive,
 * and one that is exactly what its name's one claim asks for (ours, the same endpoint and targets, the same
 * content and TTL, no other record set at the name) is counted as unchanged and dropped at once. Only the
 * rest (changes, conflicts, foreign or stale record sets) is held as `DnsRecord`s and planned by
 * `planChanges`, so a no-op zone of 100k records costs 100k compact claims, not 200k records and their plan.
 *
 * The result is `planChanges` over everything, except that `unchanged` keeps its first entries (in the
 * planner's order) and counts the rest: a dropped record set's name would have planned as unchanged and
 * nothing else, and names are planned independently. A record set or claim that later arrives at a name
 * whose record set was dropped takes it back, so the order of `desire` and `read` does not matter.
 */

import type { DnsRecord, DnsRecordType } from "../domain";
import { mergeChanges, planChanges, sameRecord } from "./plan";
import type { DnsChanges, PlanChangesInput } from "./plan";
import { endpointOf, isOwnedBy, MetadataKeys, metadataValue, ownershipMetadata } from "./ownership";
import { FirstEntries } from "../firstEntries";

/**
 * A desired record without what its zone and name already say, packed into one flat string (a few dozen
 * bytes, no object): type, TTL, value (A: addresses joined by ","; CNAME: target), the endpoint id and the
 * target ids, each as an index into the stream's table of id prefixes plus its last segment, separated by
 * tabs. A matched claim (its one record set was exactly this and was dropped) starts with "!" and adds
 * that record set's etag and its place in the order read. A record the packed form would not give back
 * exactly (hand-made input) is kept as it is.
 */
type Claim = string | DnsRecord;

const MATCHED = "!";

interface ZoneState {
  zoneId: string;
  zone: string;
  claims: Map<string, Claim | Claim[]>;
  /** Record sets the plan needs, their places in the order read, and their names. */
  current: DnsRecord[];
  seqs: number[];
  held: Set<string>;
}

/** What is left of one zone for `planChanges`, and the record sets dropped as unchanged. */
export interface ZoneRemainder {
  current: DnsRecord[];
  desired: DnsRecord[];
  /** The first dropped record sets in name order (at most the stream's `keepUnchanged`), as read. */
  unchanged: DnsRecord[];
  /** How many record sets were dropped as unchanged. */
  unchangedCount: number;
}

/** A plan with `unchanged` cut to its first entries; `unchangedCount` counts them all. */
export type StreamedChanges = DnsChanges & { unchangedCount: number };

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Same keys in the same order with the same values. */
function sameMetadata(a: Record<string, string>, b: Record<string, string>): boolean {
  const x = Object.entries(a);
  const y = Object.entries(b);
  return x.length === y.length && x.every(([k, v], i) => y[i]?.[0] === k && y[i]?.[1] === v);
}

/** Field by field, etag aside. */
function identical(a: DnsRecord, b: DnsRecord): boolean {
  return a.zoneId === b.zoneId && a.zone === b.zone && a.name === b.name && a.type === b.type && a.ttl === b.ttl && a.cname === b.cname && sameList(a.ipv4Addresses, b.ipv4Addresses) && sameMetadata(a.metadata, b.metadata);
}

export class PlanStream {
  private readonly zones = new Map<string, ZoneState>();
  private reads = 0;
  /** Resource id prefixes (all but the last segment) and their indexes in packed claims. */
  private readonly prefixes: string[] = [];
  private readonly prefixIndex = new Map<string, number>();

  /**
   * @param ownerId - the deployment's owner id (`planChanges`' `ownerId`).
   * @param keepUnchanged - how many dropped record sets each zone keeps for the report (the first by name).
   */
  constructor(
    private readonly ownerId: string,
    private readonly keepUnchanged: number,
  ) {}

  /** A desired record (from `desiredRecords`). */
  desire(record: DnsRecord): void {
    const state = this.stateOf(record);
    const name = record.name.toLowerCase();
    const entry = state.claims.get(name);
    const claim = this.pack(state, record);
    if (entry === undefined) state.claims.set(name, claim);
    else if (Array.isArray(entry)) entry.push(claim);
    else state.claims.set(name, [this.takeBack(state, name, entry), claim]);
  }

  /** A record set as read. */
  read(record: DnsRecord): void {
    const state = this.stateOf(record);
    const name = record.name.toLowerCase();
    const entry = state.claims.get(name);
    const seq = this.reads++;
    if (entry !== undefined && !Array.isArray(entry) && !state.held.has(name)) {
      if (isMatched(entry)) state.claims.set(name, this.takeBack(state, name, entry));
      else if (typeof entry === "string" && isOwnedBy(record, this.ownerId) && !/[\t\n]/.test(record.etag ?? "")) {
        const desired = this.unpack(state, name, entry);
        if (sameRecord(record, desired) && identical(record, desired)) {
          state.claims.set(name, [MATCHED + entry, record.etag === undefined ? "" : `=${record.etag}`, seq].join("\t"));
          return;
        }
      }
    }
    hold(state, name, record, seq);
  }

  /** The zones (lower-case ids) that hold claims or record sets. */
  zoneKeys(): string[] {
    return [...this.zones.keys()];
  }

  /** Takes a zone (lower-case id) out of the stream: what is left to plan, and what was dropped. */
  take(zoneKey: string): ZoneRemainder {
    const state = this.zones.get(zoneKey);
    this.zones.delete(zoneKey);
    if (state === undefined) return { current: [], desired: [], unchanged: [], unchangedCount: 0 };
    const desired: DnsRecord[] = [];
    // The planner's order: zone, name and type.
    const matched = new FirstEntries<[string, string]>(this.keepUnchanged, ([name, claim]) => `${zoneKey}|${name}|${claim.slice(1, claim.indexOf("\t"))}`);
    for (const [name, entry] of state.claims) {
      if (Array.isArray(entry)) for (const c of entry) desired.push(this.unpack(state, name, c));
      else if (isMatched(entry)) matched.add([name, entry]);
      else desired.push(this.unpack(state, name, entry));
    }
    const unchanged = matched.items().map(([name, claim]) => this.asRead(state, name, claim).record);
    const order = state.seqs.map((seq, i) => ({ seq, i })).sort((a, b) => a.seq - b.seq);
    return { current: order.map(({ i }) => state.current[i] as DnsRecord), desired, unchanged, unchangedCount: matched.count };
  }

  private stateOf(record: DnsRecord): ZoneState {
    const key = record.zoneId.toLowerCase();
    let state = this.zones.get(key);
    if (state === undefined) {
      state = { zoneId: record.zoneId, zone: record.zone, claims: new Map(), current: [], seqs: [], held: new Set() };
      this.zones.set(key, state);
    }
    return state;
  }

  /** A resource id as its prefix's index and its last segment ("3:pe-app"). */
  private packId(id: string): string {
    const at = id.lastIndexOf("/") + 1;
    const prefix = id.slice(0, at);
    let index = this.prefixIndex.get(prefix);
    if (index === undefined) {
      index = this.prefixes.push(prefix) - 1;
      this.prefixIndex.set(prefix, index);
    }
    return `${index}:${id.slice(at)}`;
  }

  private unpackId(packed: string): string {
    const at = packed.indexOf(":");
    return `${this.prefixes[Number(packed.slice(0, at))] ?? ""}${packed.slice(at + 1)}`;
  }

  private pack(state: ZoneState, record: DnsRecord): Claim {
    const endpoint = endpointOf(record);
    // Unmarked input, and Batch's legacy CNAME claims (whose addresses keepHeldARecords needs), stay whole.
    if (endpoint === undefined || record.sameAnswerAddresses !== undefined) return record;
    const targets = metadataValue(record, MetadataKeys.targetResourceId);
    const value = record.type === "A" ? record.ipv4Addresses.join(",") : (record.cname ?? "");
    // One flat string (join copies its parts), so it holds no slice of the strings it came from.
    const packed = [record.type, record.ttl, value, this.packId(endpoint), targets === undefined ? "" : targets.split(",").map((t) => this.packId(t)).join(",")].join("\t");
    if (/[\t]/.test(value + endpoint + (targets ?? "")) || !identical(this.unpack(state, record.name, packed), record)) return record;
    return packed;
  }

  private unpack(state: ZoneState, name: string, claim: Claim): DnsRecord {
    if (typeof claim !== "string") return claim;
    const [type, ttl, value, endpoint, targets] = (isMatched(claim) ? claim.slice(1) : claim).split("\t") as [DnsRecordType, string, string, string, string];
    const record: DnsRecord = {
      zoneId: state.zoneId,
      zone: state.zone,
      name,
      type,
      ttl: Number(ttl),
      ipv4Addresses: type === "A" && value !== "" ? value.split(",") : [],
      metadata: ownershipMetadata(this.ownerId, this.unpackId(endpoint), targets === "" ? [] : targets.split(",").map((t) => this.unpackId(t))),
    };
    if (type === "CNAME") record.cname = value;
    return record;
  }

  /** A matched claim's record set as it was read, its place in the read order, and the claim itself. */
  private asRead(state: ZoneState, name: string, matched: string): { record: DnsRecord; seq: number; claim: string } {
    const fields = matched.split("\t");
    const etag = fields[5] as string;
    const record = this.unpack(state, name, matched);
    if (etag !== "") record.etag = etag.slice(1);
    return { record, seq: Number(fields[6]), claim: fields.slice(0, 5).join("\t").slice(1) };
  }

  /** Another record set or claim arrived at a name whose record set was dropped: the plan needs it again. Returns the claim. */
  private takeBack(state: ZoneState, name: string, claim: Claim): Claim {
    if (!isMatched(claim)) return claim;
    const { record, seq, claim: unmatched } = this.asRead(state, name, claim);
    hold(state, name, record, seq);
    return unmatched;
  }
}

function isMatched(claim: Claim): claim is string {
  return typeof claim === "string" && claim.startsWith(MATCHED);
}

function hold(state: ZoneState, name: string, record: DnsRecord, seq: number): void {
  state.current.push(record);
  state.seqs.push(seq);
  state.held.add(name);
}

/**
 * Plans what is left of a zone with `planChanges` (`endpointIds` as there) and adds the record sets
 * dropped as unchanged: the same plan as `planChanges` over the whole zone, `unchanged` cut.
 */
export function planRemainder(remainder: ZoneRemainder, options: Pick<PlanChangesInput, "ownerId" | "endpointIds" | "adoptUnmarked">): StreamedChanges {
  const plan = planChanges({ ...options, current: remainder.current, desired: remainder.desired });
  return { ...plan, unchanged: mergeChanges([plan, { create: [], update: [], delete: [], conflicts: [], unchanged: remainder.unchanged }]).unchanged, unchangedCount: plan.unchanged.length + remainder.unchangedCount };
}

/** The plans of separate zones as one (`mergeChanges`), `unchanged` cut to its first `limit` entries. */
export function mergeStreamed(plans: readonly StreamedChanges[], limit: number): StreamedChanges {
  const merged = mergeChanges(plans);
  return { ...merged, unchanged: merged.unchanged.slice(0, limit), unchangedCount: plans.reduce((n, p) => n + p.unchangedCount, 0) };
}
