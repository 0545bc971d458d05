/**
 * @module The estate of the Batch zone migration tests: the legacy zone privatelink.eastus.batch.azure.com
 * linked to the hub and the spoke, privatelink.batch.azure.com linked to the hub only (step 1 half done),
 * and three legacy records: `batchprod` (ours, for an endpoint in scope), `batchhand` (made by hand, for an
 * endpoint in scope) and `batchaway` (made by hand, no endpoint in scope). Events are off: only the runs a
 * test starts act.
 */

import { ownershipMetadata } from "../../shared/dns/ownership";
import { emptyEstate, HUB, OWNER, SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

export const LEGACY = "privatelink.eastus.batch.azure.com";
export const NEW = "privatelink.batch.azure.com";
export const ZONE_ID = (zone: string) => `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zone}`;
const VNET = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
export const VNET_HUB = VNET(HUB, "rg-hub-net", "vnet-hub");
export const VNET_SPOKE = VNET(SPOKE, "rg-spoke-net", "vnet-spoke");
const account = (name: string) => `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/${name}`;

/** The stack, and the private IP of each account's endpoint. */
export async function startMigrationStack(): Promise<{ stack: Stack; ip: Record<string, string> }> {
  const estate = await emptyEstate();
  estate.privateDnsZones = [
    ...(estate.privateDnsZones ?? []).filter((z) => z.name !== LEGACY && z.name !== NEW),
    { name: LEGACY, subscriptionId: HUB, resourceGroup: "rg-dns", virtualNetworkLinks: [{ name: "link-hub", virtualNetworkId: VNET_HUB }, { name: "link-spoke", virtualNetworkId: VNET_SPOKE }] },
    { name: NEW, subscriptionId: HUB, resourceGroup: "rg-dns", virtualNetworkLinks: [{ name: "link-hub", virtualNetworkId: VNET_HUB }] },
  ];
  estate.resources = [...(estate.resources ?? []), { type: "Microsoft.Batch/batchAccounts", name: "batchhand", subscriptionId: SPOKE, resourceGroup: "rg-batch", location: "eastus" }];
  const stack = await startStack({ estate, eventsOff: true });
  const control = stack.emulator.control;
  const ip: Record<string, string> = {};
  for (const name of ["batchprod", "batchhand"]) {
    const endpoint = control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: `pe-${name}`, targetResourceId: account(name), groupIds: ["batchAccount"], manual: false });
    const nic = control.snapshot().networkInterfaces.find((n) => n.endpointId.toLowerCase() === endpoint.id.toLowerCase());
    ip[name] = nic?.ipConfigs[0]?.privateIp ?? "missing";
    // batchprod: our record from before the new zone existed; batchhand: made by hand.
    const metadata = name === "batchprod" ? ownershipMetadata(OWNER, endpoint.id, [account(name)]) : { createdBy: "hpc-team" };
    control.putRecordSet({ zoneId: ZONE_ID(LEGACY), type: "A", name, ttl: 10, ipv4Addresses: [ip[name] as string], metadata });
  }
  // A record whose endpoint is not in scope (the account's endpoint lives in a subscription we do not manage).
  control.putRecordSet({ zoneId: ZONE_ID(LEGACY), type: "A", name: "batchaway", ttl: 3600, ipv4Addresses: ["10.99.0.4"], metadata: {} });
  return { stack, ip };
}
