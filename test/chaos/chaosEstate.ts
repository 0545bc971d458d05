/**
 * @module A generated estate for the chaos suite: the demo estate's subscriptions and zones with many
 * Storage, Key Vault and Batch targets, some seeded endpoints in the allowed and the unknown
 * subscription, and foreign hand-written records. Deterministic for a given PRNG.
 */

import type { EstateSeed, SeedPrivateEndpoint, SeedResource } from "@privatelink-autopilot/arm-emulator";
import { demoEstate, HUB, SPOKE, UNKNOWN } from "../e2e/stack";

export type TargetKind = "storage" | "keyvault" | "batch";

export interface ChaosTarget {
  kind: TargetKind;
  name: string;
  id: string;
  groupId: string;
}

const KIND_INFO: Record<TargetKind, { type: string; resourceGroup: string; groupId: string; prefix: string }> = {
  storage: { type: "Microsoft.Storage/storageAccounts", resourceGroup: "rg-data", groupId: "blob", prefix: "stchaos" },
  keyvault: { type: "Microsoft.KeyVault/vaults", resourceGroup: "rg-security", groupId: "vault", prefix: "kvchaos" },
  batch: { type: "Microsoft.Batch/batchAccounts", resourceGroup: "rg-batch", groupId: "batchAccount", prefix: "batchchaos" },
};

export const DNS_ZONES = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones`;
export const FOREIGN_ZONES = ["privatelink.blob.core.windows.net", "privatelink.vaultcore.azure.net", "privatelink.batch.azure.com", "privatelink.eastus.batch.azure.com"];

export interface ChaosEstate {
  seed: EstateSeed;
  /** Targets no endpoint of the allowed subscription uses yet (each gets one, so names never collide). */
  freeTargets: ChaosTarget[];
  /** Every target, for endpoints of the unknown subscription (which may share one). */
  allTargets: ChaosTarget[];
}

function targetsOf(kind: TargetKind, count: number): ChaosTarget[] {
  const info = KIND_INFO[kind];
  return Array.from({ length: count }, (_, i) => {
    const name = `${info.prefix}${String(i).padStart(3, "0")}`;
    return { kind, name, id: `/subscriptions/${SPOKE}/resourceGroups/${info.resourceGroup}/providers/${info.type}/${name}`, groupId: info.groupId };
  });
}

export function endpointRequest(name: string, target: ChaosTarget, subscriptionId: string, manual: boolean): SeedPrivateEndpoint {
  return { subscriptionId, resourceGroup: subscriptionId === SPOKE ? "rg-endpoints" : "rg-rogue", name, targetResourceId: target.id, groupIds: [target.groupId], manual, requestMessage: `chaos ${name}` };
}

/** `targets` of each kind; `seededEndpoints` endpoints present from the start, in assorted states. */
export async function chaosEstate(random: () => number, targets: number, seededEndpoints: number): Promise<ChaosEstate> {
  const demo = await demoEstate();
  const allTargets = [...targetsOf("storage", targets), ...targetsOf("keyvault", targets), ...targetsOf("batch", targets)];
  const resources: SeedResource[] = allTargets.map((t) => ({ type: KIND_INFO[t.kind].type, name: t.name, subscriptionId: SPOKE, resourceGroup: KIND_INFO[t.kind].resourceGroup, location: "eastus", tags: { env: "chaos" } }));
  const freeTargets = [...allTargets].sort(() => random() - 0.5);
  const privateEndpoints: SeedPrivateEndpoint[] = [];
  for (let i = 0; i < seededEndpoints; i++) {
    const unknown = random() < 0.2;
    const target = unknown ? (allTargets[Math.floor(random() * allTargets.length)] as ChaosTarget) : (freeTargets.pop() as ChaosTarget);
    const roll = random();
    const request = endpointRequest(`pe-seed-${i}`, target, unknown ? UNKNOWN : SPOKE, roll >= 0.3);
    // Some start Approved by someone else (auto-approved), some Pending, a few Rejected by hand.
    if (roll < 0.3) privateEndpoints.push(request);
    else if (roll < 0.9) privateEndpoints.push({ ...request, status: "Pending" });
    else privateEndpoints.push({ ...request, status: "Rejected", description: "rejected by a human" });
  }
  const recordSets = FOREIGN_ZONES.map((zone, i) => ({ subscriptionId: HUB, resourceGroup: "rg-dns", zone, type: "A" as const, name: `handwritten-${i}`, ipv4Addresses: [`10.99.0.${i + 1}`], metadata: { creator: "ops-team" } }));
  return { seed: { ...demo, resources: [...(demo.resources ?? []), ...resources], privateEndpoints, recordSets: [...(demo.recordSets ?? []), ...recordSets] }, freeTargets, allTargets };
}
