/**
 * @module Zone sets: which private DNS zones serve which private endpoints. A zone set is a group of zone
 * resource groups and the VNets whose endpoints it serves (`AUTOPILOT_ZONE_SETS`). An endpoint belongs to
 * the set that names its VNet, else to the set that names none. Its clients resolve from its own VNet or
 * from the set's resolver VNets (hub-and-spoke with a DNS Private Resolver, where zones link only to the
 * hub), so a zone of the set counts for the endpoint only when it is linked to one of those VNets.
 *
 * Without the setting, one default set of `AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS` serves every endpoint and
 * every zone counts whatever its links, as before zone sets. Pure: links are read by the caller.
 */

import type { Config } from "../config";
import type { PrivateEndpoint, ZoneLink, ZoneRef } from "../domain";
import { parseResourceId } from "../resourceId";

export interface ZoneSet {
  name: string;
  /** Lower case. */
  zoneResourceGroupIds: string[];
  /** The VNets (lower-case ids) whose endpoints the set serves; `undefined`: every VNet no other set names. */
  virtualNetworkIds?: string[];
  /** VNets (lower-case ids) whose resolver answers the endpoints' clients. */
  resolverVirtualNetworkIds: string[];
  /** False only for the default set: there a zone counts whatever its links. */
  checksLinks: boolean;
}

/** The name of the one set used when `AUTOPILOT_ZONE_SETS` is not set. */
export const DEFAULT_ZONE_SET = "default";

const lower = (ids: readonly string[]) => ids.map((id) => id.toLowerCase().replace(/\/+$/, ""));

/** The configured zone sets, or the default set of every zone resource group serving every endpoint. */
export function zoneSetsOf(config: Pick<Config, "dnsZoneResourceGroupIds" | "zoneSets">): ZoneSet[] {
  if (config.zoneSets === undefined) {
    return [{ name: DEFAULT_ZONE_SET, zoneResourceGroupIds: lower(config.dnsZoneResourceGroupIds), resolverVirtualNetworkIds: [], checksLinks: false }];
  }
  return config.zoneSets.map((s) => ({
    name: s.name,
    zoneResourceGroupIds: lower(s.zoneResourceGroups),
    ...(s.virtualNetworks === undefined ? {} : { virtualNetworkIds: lower(s.virtualNetworks) }),
    resolverVirtualNetworkIds: lower(s.resolverVirtualNetworks ?? []),
    checksLinks: true,
  }));
}

/** The set serving an endpoint: the one that names its VNet, else the one that names none; `undefined` when neither. */
export function zoneSetFor(endpoint: Pick<PrivateEndpoint, "virtualNetworkId">, sets: readonly ZoneSet[]): ZoneSet | undefined {
  const network = endpoint.virtualNetworkId?.toLowerCase();
  return (network === undefined ? undefined : sets.find((s) => s.virtualNetworkIds?.includes(network) === true)) ?? sets.find((s) => s.virtualNetworkIds === undefined);
}

/** The resource group id (lower case) a zone lives in. */
function resourceGroupOf(zone: ZoneRef): string {
  const { subscriptionId, resourceGroup } = parseResourceId(zone.id);
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup ?? ""}`.toLowerCase();
}

/** The zones among `zones` that belong to the set. */
export function zonesOfSet<Z extends ZoneRef>(set: ZoneSet, zones: readonly Z[]): Z[] {
  const groups = new Set(set.zoneResourceGroupIds);
  return zones.filter((z) => groups.has(resourceGroupOf(z)));
}

/** The VNets (lower case) an endpoint's clients resolve from: its own and the set's resolver VNets. */
export function clientNetworksOf(endpoint: Pick<PrivateEndpoint, "virtualNetworkId">, set: ZoneSet): string[] {
  const own = endpoint.virtualNetworkId === undefined ? [] : [endpoint.virtualNetworkId.toLowerCase()];
  return [...new Set([...own, ...set.resolverVirtualNetworkIds])];
}

/** The zone's links to any of `networks` (lower-case ids): the VNets whose clients get its answers. */
export function linksTo(zone: ZoneRef, networks: readonly string[]): ZoneLink[] {
  return (zone.links ?? []).filter((l) => networks.includes(l.virtualNetworkId.toLowerCase()));
}

/** What the zones of a set mean for one endpoint. */
export interface EndpointZones {
  /** The set serving the endpoint; `undefined` when no set serves its VNet. */
  set?: ZoneSet;
  /** The zones whose records the endpoint's clients get. */
  serving: ZoneRef[];
  /** Zones of the set linked to none of the endpoint's client VNets: a record there would not be seen. */
  unlinked: ZoneRef[];
}

/** Which zones serve an endpoint: those of its set, linked to a VNet its clients resolve from (any, in the default set). */
export function zonesForEndpoint(endpoint: Pick<PrivateEndpoint, "virtualNetworkId">, sets: readonly ZoneSet[], zones: readonly ZoneRef[]): EndpointZones {
  const set = zoneSetFor(endpoint, sets);
  if (set === undefined) return { serving: [], unlinked: [] };
  const own = zonesOfSet(set, zones);
  if (!set.checksLinks) return { set, serving: own, unlinked: [] };
  const networks = clientNetworksOf(endpoint, set);
  const serving = own.filter((z) => linksTo(z, networks).length > 0);
  return { set, serving, unlinked: own.filter((z) => !serving.includes(z)) };
}

/**
 * The VNets (as ARM names them) linked to `legacy` but not to `current`: clients there would not resolve
 * a CNAME from `legacy` into `current`. `undefined` when either zone's links were not read.
 */
export function linkedOnlyTo(legacy: ZoneRef, current: ZoneRef): string[] | undefined {
  if (legacy.links === undefined || current.links === undefined) return undefined;
  const covered = new Set(current.links.map((l) => l.virtualNetworkId.toLowerCase()));
  return legacy.links.map((l) => l.virtualNetworkId).filter((v) => !covered.has(v.toLowerCase()));
}

/** What a client in a linked VNet gets for a name of the zone. */
export type Answer =
  /** The record's private address (through the CNAME, for Batch's legacy name). */
  | "privateAddress"
  /** The name is missing and the link's `resolutionPolicy` is `Default`. */
  | "nxdomain"
  /** The name is missing and the link's `resolutionPolicy` is `NxDomainRedirect`: the service's public endpoint. */
  | "publicByFallback";

/** What clients in each VNet linked to the zone get for one name after a change. */
export interface NameResolution {
  zone: string;
  name: string;
  change: "create" | "update" | "delete";
  answers: { virtualNetworkId: string; answer: Answer; value?: string }[];
}

interface ChangedRecord {
  zoneId: string;
  zone: string;
  name: string;
  type: string;
  ipv4Addresses: readonly string[];
  cname?: string;
}

/**
 * For each changed name of zones whose links were read, what clients in each linked VNet get once the
 * change is made: a create or update answers with the record; a delete (not followed by a create at the
 * name, as in a type swap) leaves NXDOMAIN, or the public endpoint where the link falls back.
 */
export function resolutionAfter(
  changes: { create: readonly ChangedRecord[]; update: readonly { after: ChangedRecord }[]; delete: readonly ChangedRecord[] },
  zones: readonly ZoneRef[],
): NameResolution[] {
  const linksOf = new Map(zones.map((z) => [z.id.toLowerCase(), z.links]));
  const at = (r: ChangedRecord) => `${r.zoneId.toLowerCase()}|${r.name.toLowerCase()}`;
  const written = new Set(changes.create.map(at));
  const entry = (r: ChangedRecord, change: NameResolution["change"]): NameResolution[] => {
    const links = linksOf.get(r.zoneId.toLowerCase());
    if (links === undefined || links.length === 0) return [];
    const value = r.type === "CNAME" ? `CNAME ${r.cname ?? ""}` : r.ipv4Addresses.join(",");
    const answers = links.map((l) =>
      change === "delete"
        ? { virtualNetworkId: l.virtualNetworkId, answer: l.resolutionPolicy === "NxDomainRedirect" ? ("publicByFallback" as const) : ("nxdomain" as const) }
        : { virtualNetworkId: l.virtualNetworkId, answer: "privateAddress" as const, value },
    );
    return [{ zone: r.zone, name: r.name, change, answers }];
  };
  return [
    ...changes.delete.filter((r) => !written.has(at(r))).flatMap((r) => entry(r, "delete")),
    ...changes.update.flatMap((u) => entry(u.after, "update")),
    ...changes.create.flatMap((r) => entry(r, "create")),
  ];
}
