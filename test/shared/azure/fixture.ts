/**
 * @module The estate the adapter tests run against, and `useEmulator`: one ARM emulator per test file
 * on 127.0.0.1 (real HTTPS, its own CA), re-seeded before every test, with clients that trust it.
 */

import { afterAll, beforeAll, beforeEach } from "vitest";
import type { ArmClientOptions, ArmClients } from "../../../shared/azure/clients";
import { StaticTokenCredential, createArmClients } from "../../../shared/azure/clients";
import type { Emulator, EstateSeed } from "@privatelink-autopilot/arm-emulator";
import { startEmulator } from "@privatelink-autopilot/arm-emulator";

export const SUB = "11111111-1111-4111-8111-111111111111";
export const SUB2 = "22222222-2222-4222-8222-222222222222";
const RG_APP = `/subscriptions/${SUB}/resourceGroups/rg-app`;
export const RG_DNS = `/subscriptions/${SUB}/resourceGroups/rg-dns`;
export const RG_DNS2 = `/subscriptions/${SUB2}/resourceGroups/rg-dns-legacy`;

export const BATCH = `${RG_APP}/providers/Microsoft.Batch/batchAccounts/batchacct`;
export const ML = `${RG_APP}/providers/Microsoft.MachineLearningServices/workspaces/mlws`;
export const STORAGE = `${RG_APP}/providers/Microsoft.Storage/storageAccounts/stacct`;
export const VAULT = `${RG_APP}/providers/Microsoft.KeyVault/vaults/kv-app`;
export const ML_WORKSPACE_ID = "0f6c3a0e-5b7d-4c21-9a3e-7d2b1c4e5f60";

export function endpointId(name: string, subscriptionId = SUB): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/rg-pe/providers/Microsoft.Network/privateEndpoints/${name}`;
}

export function zoneId(name: string, resourceGroupId = RG_DNS): string {
  return `${resourceGroupId}/providers/Microsoft.Network/privateDnsZones/${name}`;
}

export const BLOB_ZONE = "privatelink.blob.core.windows.net";
export const BATCH_ZONE = "privatelink.batch.azure.com";
export const VAULT_ZONE = "privatelink.vaultcore.azure.net";
export const LEGACY_BATCH_ZONE = "privatelink.eastus.batch.azure.com";

const endpoint = (name: string, targetResourceId: string, groupIds: string[], manual: boolean, extra: { status?: "Pending" | "Approved" | "Rejected" | "Disconnected"; requestMessage?: string; subscriptionId?: string } = {}) => ({
  subscriptionId: extra.subscriptionId ?? SUB,
  resourceGroup: "rg-pe",
  name,
  targetResourceId,
  groupIds,
  manual,
  ...(extra.status !== undefined ? { status: extra.status } : {}),
  ...(extra.requestMessage !== undefined ? { requestMessage: extra.requestMessage } : {}),
});

/** Five endpoints in SUB (three Approved, two Pending), one in SUB2; four zones; a few hand-made record sets. */
export function testEstate(): EstateSeed {
  return {
    subscriptions: [
      { id: SUB, resourceGroups: [{ name: "rg-app" }, { name: "rg-pe" }, { name: "rg-dns" }, { name: "rg-net" }] },
      { id: SUB2, resourceGroups: [{ name: "rg-pe" }, { name: "rg-dns-legacy" }, { name: "rg-net" }] },
    ],
    subnets: [
      { id: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`, addressPrefix: "10.20.1.0/24" },
      { id: `/subscriptions/${SUB2}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`, addressPrefix: "10.30.1.0/24" },
    ],
    resources: [
      { type: "Microsoft.Batch/batchAccounts", name: "batchacct", subscriptionId: SUB, resourceGroup: "rg-app", location: "eastus", tags: { env: "prod", owner: "hpc" } },
      { type: "Microsoft.MachineLearningServices/workspaces", name: "mlws", subscriptionId: SUB, resourceGroup: "rg-app", location: "East US", workspaceId: ML_WORKSPACE_ID },
      { type: "Microsoft.Storage/storageAccounts", name: "stacct", subscriptionId: SUB, resourceGroup: "rg-app", location: "eastus", tags: { env: "dev" } },
      { type: "Microsoft.KeyVault/vaults", name: "kv-app", subscriptionId: SUB, resourceGroup: "rg-app", location: "eastus" },
    ],
    privateEndpoints: [
      endpoint("pe-batch", BATCH, ["batchAccount"], false),
      endpoint("pe-blob", STORAGE, ["blob"], false),
      endpoint("pe-kv", VAULT, ["vault"], false),
      endpoint("pe-ml", ML, ["amlworkspace"], true, { requestMessage: "ML team, ticket 42" }),
      endpoint("pe-file", STORAGE, ["file"], true, { requestMessage: "please" }),
      endpoint("pe-other-sub", STORAGE, ["table"], false, { subscriptionId: SUB2 }),
    ],
    privateDnsZones: [
      { name: BLOB_ZONE, subscriptionId: SUB, resourceGroup: "rg-dns" },
      { name: BATCH_ZONE, subscriptionId: SUB, resourceGroup: "rg-dns" },
      { name: VAULT_ZONE, subscriptionId: SUB, resourceGroup: "rg-dns" },
      { name: LEGACY_BATCH_ZONE, subscriptionId: SUB2, resourceGroup: "rg-dns-legacy" },
    ],
    recordSets: [
      { subscriptionId: SUB, resourceGroup: "rg-dns", zone: BLOB_ZONE, type: "A", name: "handmade", ttl: 300, ipv4Addresses: ["10.9.0.10", "10.9.0.2"], metadata: { team: "network" } },
      { subscriptionId: SUB, resourceGroup: "rg-dns", zone: BLOB_ZONE, type: "A", name: "Other1", ipv4Addresses: ["10.9.0.3"] },
      { subscriptionId: SUB, resourceGroup: "rg-dns", zone: BLOB_ZONE, type: "A", name: "other2", ipv4Addresses: ["10.9.0.4"] },
      { subscriptionId: SUB, resourceGroup: "rg-dns", zone: BLOB_ZONE, type: "CNAME", name: "alias", cname: "handmade.privatelink.blob.core.windows.net" },
      { subscriptionId: SUB2, resourceGroup: "rg-dns-legacy", zone: LEGACY_BATCH_ZONE, type: "A", name: "batchacct", ipv4Addresses: ["10.30.1.9"] },
    ],
  };
}

export interface EmulatorFixture {
  readonly emulator: Emulator;
  readonly clients: ArmClients;
  /** Fresh clients (own cache and counter) with extra options. */
  clientsWith(options?: Partial<ArmClientOptions>): ArmClients;
}

/** Back-offs short enough that retry tests stay fast; everything else as in production. */
export const FAST_RETRIES: Partial<ArmClientOptions> = { retryDelayInMs: 5, maxRetryDelayInMs: 40 };

/** Starts one emulator for the file; before each test it is reset, re-seeded and given `pageSize`. */
export function useEmulator(pageSize = 2): EmulatorFixture {
  let emulator: Emulator | undefined;
  let clients: ArmClients | undefined;
  const clientsWith = (options: Partial<ArmClientOptions> = {}): ArmClients => {
    if (emulator === undefined) throw new Error("The emulator is not running; call useEmulator at the top of a describe block");
    return createArmClients({ endpoint: emulator.url, credential: new StaticTokenCredential(), ca: emulator.ca, ...FAST_RETRIES, ...options });
  };
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, pageSize });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    const control = (emulator as Emulator).control;
    control.reset();
    control.setPageSize(pageSize);
    control.setAsyncOperationDelay(0);
    control.seed(testEstate());
    clients = clientsWith();
  });
  return {
    get emulator() {
      return emulator as Emulator;
    },
    get clients() {
      return clients as ArmClients;
    },
    clientsWith,
  };
}
