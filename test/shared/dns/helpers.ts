/**
 * @module Builders for DNS test data, and `applyToEstate`, a pure model of applying a plan to a set of
 * record sets with the same preconditions the adapter sends (`If-None-Match: *`, `If-Match: <etag>`).
 */

import type { DnsRecord, DnsRecordType, PrivateEndpoint, ZoneRef } from "../../../shared/domain";
import { ownershipMetadata } from "../../../shared/dns/ownership";
import type { DnsChanges } from "../../../shared/dns/plan";

export const OWNER = "hub-weu-prod";
export const SUB = "00000000-0000-0000-0000-000000000001";

export function endpointId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/privateEndpoints/${name}`;
}

export function resourceId(type: string, name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/rg-app/providers/${type}/${name}`;
}

/** A zone in `rg-dns` (or `resourceGroup`), with the VNet links given (by VNet name, see `vnetId`). */
export function zoneRef(name: string, links?: readonly string[], resourceGroup = "rg-dns"): ZoneRef {
  const zone: ZoneRef = { id: `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/privateDnsZones/${name}`, name };
  return links === undefined ? zone : { ...zone, links: links.map((vnet) => ({ virtualNetworkId: vnetId(vnet), resolutionPolicy: "Default" as const })) };
}

export function vnetId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
}

export interface EndpointSpec {
  name?: string;
  target: string;
  groupIds: string[];
  status?: PrivateEndpoint["links"][number]["status"];
  dns: Record<string, string[]>;
  location?: string;
  provisioningState?: string;
  zoneGroupZones?: string[];
}

export function privateEndpoint(spec: EndpointSpec): PrivateEndpoint {
  const name = spec.name ?? "pe-1";
  return {
    id: endpointId(name),
    name,
    location: spec.location ?? "westeurope",
    provisioningState: spec.provisioningState ?? "Succeeded",
    links: [{ name: `${name}-conn`, targetResourceId: spec.target, groupIds: spec.groupIds, status: spec.status ?? "Approved", manual: false }],
    dnsConfigs: Object.entries(spec.dns).map(([fqdn, ipAddresses]) => ({ fqdn, ipAddresses })),
    zoneGroupZones: spec.zoneGroupZones ?? [],
  };
}

export interface RecordSpec {
  type?: DnsRecordType;
  ips?: string[];
  cname?: string;
  ttl?: number;
  /** An endpoint name (see `endpointId`) for our marker, or explicit metadata. */
  endpoint?: string;
  owner?: string;
  metadata?: Record<string, string>;
  etag?: string;
}

export function dnsRecord(zone: string, name: string, spec: RecordSpec = {}): DnsRecord {
  const type = spec.type ?? "A";
  const metadata = spec.metadata ?? (spec.endpoint === undefined ? {} : ownershipMetadata(spec.owner ?? OWNER, endpointId(spec.endpoint)));
  return {
    zoneId: zoneRef(zone).id,
    zone,
    name,
    type,
    ttl: spec.ttl ?? 10,
    ipv4Addresses: type === "A" ? (spec.ips ?? ["10.0.0.4"]) : [],
    ...(type === "CNAME" ? { cname: spec.cname ?? "target.example" } : {}),
    metadata,
    ...(spec.etag === undefined ? {} : { etag: spec.etag }),
  };
}

function key(r: DnsRecord): string {
  return `${r.zoneId.toLowerCase()}|${r.type}|${r.name.toLowerCase()}`;
}

function nameKey(r: DnsRecord): string {
  return `${r.zoneId.toLowerCase()}|${r.name.toLowerCase()}`;
}

/**
 * Applies deletes, then updates and adoptions, then creates. Throws where Azure would refuse: a create onto an
 * existing name (If-None-Match, or a CNAME beside another record), an update or delete of a record set
 * that is missing or whose etag changed (If-Match).
 */
export function applyToEstate(current: readonly DnsRecord[], changes: DnsChanges): DnsRecord[] {
  const estate = new Map(current.map((r) => [key(r), r]));
  let etag = 0;
  const ifMatch = (r: DnsRecord) => {
    const found = estate.get(key(r));
    if (found === undefined || found.etag !== r.etag) throw new Error(`412: ${key(r)} is missing or changed`);
  };
  for (const r of changes.delete) {
    ifMatch(r);
    estate.delete(key(r));
  }
  for (const { before, after } of changes.update) {
    ifMatch(before);
    if (key(before) !== key(after)) throw new Error(`an update must keep zone, type and name: ${key(before)} -> ${key(after)}`);
    estate.set(key(after), { ...after, etag: `u${++etag}` });
  }
  for (const { before, after } of changes.adopt ?? []) {
    ifMatch(before);
    if (key(before) !== key(after)) throw new Error(`an adoption must keep zone, type and name: ${key(before)} -> ${key(after)}`);
    estate.set(key(after), { ...after, etag: `a${++etag}` });
  }
  for (const r of changes.create) {
    if ([...estate.values()].some((e) => nameKey(e) === nameKey(r))) throw new Error(`412: ${key(r)} already holds a record set`);
    estate.set(key(r), { ...r, etag: `c${++etag}` });
  }
  return [...estate.values()];
}
