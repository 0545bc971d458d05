/**
 * @module Computes the DNS records a private endpoint should have in the zones that serve it: one A record
 * per FQDN, mapped through the service table, marked as ours. Batch's legacy regional zone gets the A
 * record, or the documented CNAME into the current zone when that is safe (see `placeRecords`).
 */

import type { DnsRecord, EndpointLink, PrivateEndpoint, ZoneRef } from "../domain";
import { resourceTypeOf } from "../resourceId";
import { isOwnedBy, ownershipMetadata } from "./ownership";
import { linkedOnlyTo, zonesForEndpoint } from "./zoneSets";
import type { ZoneSet } from "./zoneSets";
import { mapFqdn } from "./zones";
import type { FqdnMapping, PrivateName, UnmappedReason } from "./zones";

export interface DesiredRecordsOptions {
  ownerId: string;
  /** Record set TTL in seconds; default 10, as Azure's zone groups use. */
  ttl?: number;
  /** Zones of the endpoint's zone set that no VNet of its clients is linked to: named in skip details. */
  unlinkedZones?: readonly ZoneRef[];
}

export type SkipReason =
  /** No connection of the endpoint is Approved. */
  | "notApproved"
  /** The endpoint's provisioningState is not Succeeded. */
  | "notProvisioned"
  /** The FQDN has no IPv4 address yet. */
  | "noAddresses"
  /** The zone the FQDN maps to is not among the zones in use. */
  | "missingZone"
  /** The zone exists in the endpoint's zone set but is linked to none of the VNets its clients resolve from. */
  | "zoneNotLinked"
  /** No zone set serves the endpoint's VNet. */
  | "noZoneSet"
  /**
   * Not a missing answer: Batch's legacy zone keeps an A record instead of the CNAME into the current zone,
   * because the current zone is not linked to every VNet the legacy zone is.
   */
  | "cnameNotSafe"
  | UnmappedReason;

/** An FQDN of the endpoint for which no record is desired, and why. */
export interface SkippedName {
  fqdn: string;
  reason: SkipReason;
  detail: string;
}

export interface DesiredRecords {
  /** Sorted by zone, name and type; A records have sorted, unique addresses. */
  records: DnsRecord[];
  /** FQDNs (some of) whose records the endpoint's own DNS zone group writes; we write nothing there. */
  servedByZoneGroup: string[];
  skipped: SkippedName[];
}

export const DEFAULT_TTL = 10;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Valid IPv4 addresses, unique, in numeric order. */
export function sortIpv4(addresses: readonly string[]): string[] {
  const valid = [...new Set(addresses.map((a) => a.trim()).filter((a) => IPV4.test(a)))];
  const value = (ip: string) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return valid.sort((a, b) => value(a) - value(b));
}

function normalizeFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.$/, "");
}

/** Tries every groupId of every approved link; the first mapping wins, else the most telling failure. */
function mapThroughLinks(fqdn: string, links: readonly EndpointLink[]): FqdnMapping {
  const rank: Record<UnmappedReason, number> = { unknownService: 0, unknownSuffix: 1, noPrivateZone: 2 };
  let best: FqdnMapping | undefined;
  for (const link of links) {
    const resourceType = resourceTypeOf(link.targetResourceId);
    for (const groupId of link.groupIds) {
      const mapping = mapFqdn(fqdn, resourceType, groupId);
      if (mapping.kind === "mapped") return mapping;
      if (best === undefined || (best.kind === "unmapped" && rank[mapping.reason] > rank[best.reason])) best = mapping;
    }
  }
  return best ?? { kind: "unmapped", reason: "unknownService", detail: "the approved connections name no groupId" };
}

interface Planned {
  name: PrivateName;
  zone: ZoneRef;
  type: "A" | "CNAME";
  cname?: string;
}

/** Where the records of one FQDN go, and why the legacy zone keeps an A record when it does. */
interface Placement {
  planned: Planned[];
  cnameNotSafe?: string;
}

/**
 * Where the records for one mapped FQDN go. With a superseded zone (Batch), of the zones serving the endpoint:
 * - only the current zone -> A there; only the legacy zone -> A there;
 * - both, and the current zone is linked to every VNet the legacy zone is linked to -> A in the current zone
 *   and the documented CNAME in the legacy zone to the current zone's name (resolution checks the legacy
 *   zone first; our A already there is kept instead, see `keepHeldARecords`);
 * - both, but some VNet linked to the legacy zone is not linked to the current zone (step 1 of Microsoft's
 *   migration, or links unknown) -> A in both: the CNAME would not resolve there.
 */
function placeRecords(mapping: Extract<FqdnMapping, { kind: "mapped" }>, zoneByName: ReadonlyMap<string, ZoneRef>): Placement {
  const currentZone = zoneByName.get(mapping.name.zone);
  const legacy = mapping.legacyNames.find((n) => zoneByName.has(n.zone));
  const legacyZone = legacy === undefined ? undefined : zoneByName.get(legacy.zone);
  const planned: Planned[] = [];
  if (currentZone !== undefined) planned.push({ name: mapping.name, zone: currentZone, type: "A" });
  if (legacy === undefined || legacyZone === undefined) return { planned };
  if (currentZone === undefined) return { planned: [...planned, { name: legacy, zone: legacyZone, type: "A" }] };
  const missing = linkedOnlyTo(legacyZone, currentZone);
  if (missing !== undefined && missing.length === 0) {
    return { planned: [...planned, { name: legacy, zone: legacyZone, type: "CNAME", cname: `${mapping.name.name}.${mapping.name.zone}` }] };
  }
  const why =
    missing === undefined
      ? `the VNet links of ${legacyZone.name} and ${currentZone.name} were not read`
      : `${currentZone.name} is not linked to ${missing.join(", ")}, which ${legacyZone.name} is linked to`;
  return {
    planned: [...planned, { name: legacy, zone: legacyZone, type: "A" }],
    cnameNotSafe: `${legacy.name}.${legacy.zone} keeps an A record instead of the CNAME to ${mapping.name.name}.${mapping.name.zone}: ${why}, so clients there would get no private answer through the CNAME`,
  };
}

function recordKey(r: Pick<DnsRecord, "zoneId" | "type" | "name">): string {
  return `${r.zoneId.toLowerCase()}|${r.type}|${r.name}`;
}

function compareRecords(a: DnsRecord, b: DnsRecord): number {
  return a.zone.localeCompare(b.zone) || a.name.localeCompare(b.name) || a.type.localeCompare(b.type);
}

/**
 * The records one private endpoint should have in the zones in use. Only Approved connections count;
 * an endpoint that is not Succeeded, or an FQDN without addresses, yields nothing for those names.
 * Names in zones the endpoint's own DNS zone group serves are reported in `servedByZoneGroup`.
 */
export function desiredRecords(endpoint: PrivateEndpoint, zonesInUse: readonly ZoneRef[], options: DesiredRecordsOptions): DesiredRecords {
  const ttl = options.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 2147483647) {
    throw new RangeError(`ttl must be an integer number of seconds from 1 to 2147483647, got ${ttl}`);
  }
  const approvedTargets = endpoint.links.filter((l) => l.status === "Approved").map((l) => l.targetResourceId);
  const metadata = ownershipMetadata(options.ownerId, endpoint.id, approvedTargets);
  const result: DesiredRecords = { records: [], servedByZoneGroup: [], skipped: [] };
  const fqdns = [...new Set(endpoint.dnsConfigs.map((c) => normalizeFqdn(c.fqdn)))];
  const skipAll = (reason: SkipReason, detail: string) => {
    for (const fqdn of fqdns) result.skipped.push({ fqdn, reason, detail });
    return result;
  };

  const approved = endpoint.links.filter((l) => l.status === "Approved");
  if (approved.length === 0) return skipAll("notApproved", `no connection of endpoint ${endpoint.name} is Approved`);
  if (endpoint.provisioningState.toLowerCase() !== "succeeded") {
    return skipAll("notProvisioned", `endpoint ${endpoint.name} is ${endpoint.provisioningState}, not Succeeded`);
  }

  // One FQDN may be listed once per IP configuration: merge its addresses.
  const addressesByFqdn = new Map<string, string[]>();
  for (const config of endpoint.dnsConfigs) {
    const fqdn = normalizeFqdn(config.fqdn);
    addressesByFqdn.set(fqdn, [...(addressesByFqdn.get(fqdn) ?? []), ...config.ipAddresses]);
  }
  const zoneByName = new Map<string, ZoneRef>();
  for (const zone of zonesInUse) {
    const name = zone.name.toLowerCase();
    if (!zoneByName.has(name)) zoneByName.set(name, zone);
  }
  const servedZones = new Set(endpoint.zoneGroupZones.map((z) => z.toLowerCase()));
  const byKey = new Map<string, DnsRecord>();

  for (const [fqdn, addresses] of addressesByFqdn) {
    const ipv4Addresses = sortIpv4(addresses);
    if (ipv4Addresses.length === 0) {
      result.skipped.push({ fqdn, reason: "noAddresses", detail: `${fqdn} has no IPv4 address yet` });
      continue;
    }
    const mapping = mapThroughLinks(fqdn, approved);
    if (mapping.kind === "unmapped") {
      result.skipped.push({ fqdn, reason: mapping.reason, detail: mapping.detail });
      continue;
    }
    const { planned, cnameNotSafe } = placeRecords(mapping, zoneByName);
    if (planned.length === 0) {
      const names = [mapping.name, ...mapping.legacyNames].map((n) => n.zone);
      const unlinked = (options.unlinkedZones ?? []).filter((z) => names.includes(z.name.toLowerCase()));
      result.skipped.push(
        unlinked.length > 0
          ? { fqdn, reason: "zoneNotLinked", detail: `${fqdn} belongs in ${unlinked.map((z) => z.id).join(" or ")}, which is linked to none of the VNets its clients resolve from` }
          : { fqdn, reason: "missingZone", detail: `${fqdn} belongs in ${names.join(" or ")}, which is not among the zones in use` },
      );
      continue;
    }
    if (cnameNotSafe !== undefined) result.skipped.push({ fqdn, reason: "cnameNotSafe", detail: cnameNotSafe });
    let served = false;
    for (const p of planned) {
      if (servedZones.has(p.name.zone)) {
        served = true;
        continue;
      }
      const record: DnsRecord = {
        zoneId: p.zone.id,
        zone: p.name.zone,
        name: p.name.name,
        type: p.type,
        ttl,
        ipv4Addresses: p.type === "A" ? ipv4Addresses : [],
        ...(p.cname === undefined ? {} : { cname: p.cname, sameAnswerAddresses: ipv4Addresses }),
        metadata: { ...metadata },
      };
      const key = recordKey(record);
      const existing = byKey.get(key);
      // Two FQDNs may land on one name (Key Vault's vault.azure.net and vaultcore.azure.net).
      if (existing !== undefined && record.type === "A") existing.ipv4Addresses = sortIpv4([...existing.ipv4Addresses, ...ipv4Addresses]);
      else if (existing === undefined) byKey.set(key, record);
    }
    if (served) result.servedByZoneGroup.push(fqdn);
  }
  result.records = [...byKey.values()].sort(compareRecords);
  return result;
}

export interface DesiredRecordsInOptions extends DesiredRecordsOptions {
  /** A run over one zone set (a sweep shard): an endpoint another set serves gets nothing here, not even skips. */
  onlySet?: string;
}

/**
 * The records an endpoint should have in the zones its zone set serves it with (see `zonesForEndpoint`);
 * an endpoint no set serves gets none, each FQDN skipped as `noZoneSet`.
 */
export function desiredRecordsIn(endpoint: PrivateEndpoint, sets: readonly ZoneSet[], zones: readonly ZoneRef[], options: DesiredRecordsInOptions): DesiredRecords {
  const { set, serving, unlinked } = zonesForEndpoint(endpoint, sets, zones);
  if (options.onlySet !== undefined && set !== undefined && set.name !== options.onlySet) return { records: [], servedByZoneGroup: [], skipped: [] };
  const desired = desiredRecords(endpoint, serving, { ...options, unlinkedZones: unlinked });
  if (set !== undefined || desired.skipped.some((s) => s.reason === "notApproved" || s.reason === "notProvisioned")) return desired;
  const detail = `no zone set serves ${endpoint.virtualNetworkId ?? "the endpoint's VNet (unknown)"}; expected it in a set's virtualNetworks, or a set without virtualNetworks`;
  return { ...desired, skipped: desired.skipped.map((s) => (s.reason === "missingZone" ? { fqdn: s.fqdn, reason: "noZoneSet", detail } : s)) };
}

/**
 * The desired records of one zone with each Batch legacy CNAME turned back into an A record where our A
 * record already holds the name: it answers exactly as the CNAME would, and keeping it (or updating its
 * addresses in place) never leaves the name without an answer, as a swap to CNAME would.
 */
export function keepHeldARecords(desired: readonly DnsRecord[], current: readonly DnsRecord[], ownerId: string): DnsRecord[] {
  const key = (r: DnsRecord) => `${r.zoneId.toLowerCase()}|${r.name.toLowerCase()}`;
  const wanted = new Set(desired.filter((r) => r.sameAnswerAddresses !== undefined).map(key));
  if (wanted.size === 0) return [...desired];
  const held = new Set(current.filter((r) => r.type === "A" && wanted.has(key(r)) && isOwnedBy(r, ownerId)).map(key));
  return desired.map((r) => {
    if (r.sameAnswerAddresses === undefined || !held.has(key(r))) return r;
    const { cname: _cname, sameAnswerAddresses, ...rest } = r;
    return { ...rest, type: "A", ipv4Addresses: sameAnswerAddresses };
  });
}
