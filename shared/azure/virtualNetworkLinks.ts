/**
 * @module Reads a private DNS zone's virtual network links: which VNets resolve names from the zone,
 * and what they get for a name the zone lacks (`resolutionPolicy`). Api-version 2024-06-01, the first
 * to carry `resolutionPolicy` (the `@azure/arm-privatedns` client speaks 2020-06-01, which drops it).
 */

import type { ZoneRef } from "../domain";
import { isRecord } from "../isRecord";
import { mapLimit } from "../mapLimit";
import { parseResourceId } from "../resourceId";
import type { ArmClients } from "./clients";
import { iteratePages } from "./connections";
import { armCall } from "./errors";
import { ArmOperations } from "./operations";

/** The api-version of the virtual network link list: the first with `resolutionPolicy`. */
export const VIRTUAL_NETWORK_LINK_API_VERSION = "2024-06-01";

/** One VNet linked to a zone. */
export interface VirtualNetworkLink {
  id: string;
  name: string;
  /** The linked VNet's resource id, as ARM gives it. */
  virtualNetworkId: string;
  /** Whether VMs in the VNet register their own records in the zone (auto-registration). */
  registrationEnabled: boolean;
  /**
   * `NxDomainRedirect`: a name the zone lacks is resolved publicly (to the service's public endpoint);
   * `Default`: it answers NXDOMAIN.
   */
  resolutionPolicy: "Default" | "NxDomainRedirect";
  /** `Completed` once the link is in force; `InProgress` while ARM sets it up. */
  virtualNetworkLinkState?: string;
}

function toVirtualNetworkLink(raw: unknown, zone: ZoneRef): VirtualNetworkLink {
  const properties = isRecord(raw) && isRecord(raw.properties) ? raw.properties : {};
  const network = isRecord(properties.virtualNetwork) ? properties.virtualNetwork.id : undefined;
  if (!isRecord(raw) || typeof raw.id !== "string" || typeof raw.name !== "string" || typeof network !== "string" || network === "") {
    throw new TypeError(`A virtual network link of ${zone.id} from ARM has no id, name or virtualNetwork.id: ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  return {
    id: raw.id,
    name: raw.name,
    virtualNetworkId: network,
    registrationEnabled: properties.registrationEnabled === true,
    resolutionPolicy: properties.resolutionPolicy === "NxDomainRedirect" ? "NxDomainRedirect" : "Default",
    ...(typeof properties.virtualNetworkLinkState === "string" ? { virtualNetworkLinkState: properties.virtualNetworkLinkState } : {}),
  };
}

/** Every virtual network link of `zone` (the paged list), in ARM's order. */
export async function listVirtualNetworkLinks(clients: ArmClients, zone: ZoneRef): Promise<VirtualNetworkLink[]> {
  const { subscriptionId } = parseResourceId(zone.id);
  const url = `${clients.endpoint}${zone.id}/virtualNetworkLinks?api-version=${VIRTUAL_NETWORK_LINK_API_VERSION}`;
  return armCall({ operation: ArmOperations.listVirtualNetworkLinks, scope: zone.id }, async () => {
    const links: VirtualNetworkLink[] = [];
    for await (const page of iteratePages(clients, subscriptionId, url)) links.push(...page.map((raw) => toVirtualNetworkLink(raw, zone)));
    return links;
  });
}

/** Options for `withVirtualNetworkLinks`. */
export interface WithVirtualNetworkLinksOptions {
  /** Read the links of only these zones (by id); the others come back as given. Default: every zone. */
  only?: readonly ZoneRef[];
  /** Link lists in flight at once; default 8. */
  concurrency?: number;
}

/**
 * The zones with their links in force (`ZoneRef.links`; a link still `InProgress` does not count yet), one
 * paged list per zone. A zone whose links cannot be read fails the call.
 */
export async function withVirtualNetworkLinks(clients: ArmClients, zones: readonly ZoneRef[], options: WithVirtualNetworkLinksOptions = {}): Promise<ZoneRef[]> {
  const wanted = new Set((options.only ?? zones).map((z) => z.id.toLowerCase()));
  return mapLimit(zones, options.concurrency ?? 8, async (zone) => {
    if (!wanted.has(zone.id.toLowerCase())) return zone;
    return withLinks(zone, await listVirtualNetworkLinks(clients, zone));
  });
}

/** The zone with those of `links` in force (`ZoneRef.links`; a link still `InProgress` does not count yet). */
export function withLinks(zone: ZoneRef, links: readonly VirtualNetworkLink[]): ZoneRef {
  const inForce = links.filter((l) => l.virtualNetworkLinkState === undefined || l.virtualNetworkLinkState === "Completed");
  return { ...zone, links: inForce.map(({ virtualNetworkId, resolutionPolicy }) => ({ virtualNetworkId, resolutionPolicy })) };
}
