/**
 * Drives the emulator with Azure SDK clients the app does not use (Storage, Key Vault, Machine
 * Learning) and arm-batch, each at its own default api-version: list, get, approve, reject and delete
 * connections and read the resource and its private link resources. Every wire body the SDK parsed
 * must reach its model unchanged, and lists page only where their spec says so (page size 2).
 */
import { BatchManagementClient } from "@azure/arm-batch";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { StorageManagementClient } from "@azure/arm-storage";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator, EstateSeed } from "../../../local/emulator/index";
import { startEmulator } from "../../../local/emulator/index";
import { StaticTokenCredential, clientOptions } from "./clients";
import type { Exchange } from "./parseDifferences";
import { parseDifferences, recorder } from "./parseDifferences";

const SUB = "0000aaaa-0000-4000-8000-000000000001";
const credential = new StaticTokenCredential();
const FAST = { updateIntervalInMs: 5 };
const RESOURCES = [
  { type: "Microsoft.Storage/storageAccounts", rg: "rg-data", name: "stdata" },
  { type: "Microsoft.KeyVault/vaults", rg: "rg-data", name: "kv-data" },
  { type: "Microsoft.MachineLearningServices/workspaces", rg: "rg-ml", name: "mlw" },
  { type: "Microsoft.Batch/batchAccounts", rg: "rg-batch", name: "batchprod" },
] as const;
const GROUP: Record<string, string> = {
  "Microsoft.Storage/storageAccounts": "blob",
  "Microsoft.KeyVault/vaults": "vault",
  "Microsoft.MachineLearningServices/workspaces": "amlworkspace",
  "Microsoft.Batch/batchAccounts": "batchAccount",
};

/** Each resource gets three Pending connections, one more than a page holds. */
const SEED: EstateSeed = {
  subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg-data" }, { name: "rg-ml" }, { name: "rg-batch" }, { name: "rg-net" }] }],
  resources: RESOURCES.map((r) => ({ type: r.type, name: r.name, subscriptionId: SUB, resourceGroup: r.rg, location: "westeurope" })),
  privateEndpoints: RESOURCES.flatMap((r) =>
    [1, 2, 3].map((n) => ({
      subscriptionId: SUB,
      resourceGroup: "rg-net",
      name: `pe-${r.name}-${n}`,
      targetResourceId: `/subscriptions/${SUB}/resourceGroups/${r.rg}/providers/${r.type}/${r.name}`,
      groupIds: [GROUP[r.type] as string],
      manual: true,
      requestMessage: `connection ${n}`,
    })),
  ),
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The GET exchanges on paths ending with `suffix`, in order. */
function reads(exchanges: readonly Exchange[], suffix: string): Exchange[] {
  return exchanges.filter((e) => e.method === "GET" && e.url.pathname.toLowerCase().endsWith(suffix.toLowerCase()));
}

function lastRead(exchanges: readonly Exchange[], suffix: string): unknown {
  return reads(exchanges, suffix).at(-1)?.body;
}

/** Every item the list's pages carried on the wire. */
function listed(exchanges: readonly Exchange[], suffix: string): unknown[] {
  return reads(exchanges, suffix).flatMap((e) => (e.body as { value: unknown[] }).value);
}

const statusOf = (c: { privateLinkServiceConnectionState?: { status?: string } }): string | undefined => c.privateLinkServiceConnectionState?.status;

describe("SDK clients the app does not use, at their default api-versions", () => {
  let emulator: Emulator;
  let exchanges: Exchange[];
  let options: ReturnType<typeof clientOptions> & { additionalPolicies: { policy: ReturnType<typeof recorder>["policy"]; position: "perCall" }[] };

  beforeAll(async () => {
    emulator = await startEmulator({ pageSize: 2 });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed(SEED);
    const recording = recorder();
    exchanges = recording.exchanges;
    options = { ...clientOptions(emulator), additionalPolicies: [{ policy: recording.policy, position: "perCall" }] };
  });

  it("@azure/arm-storage: lists unpaged, gets, approves, rejects, deletes and reads the account", async () => {
    const client = new StorageManagementClient(credential, SUB, options);
    const list = await collect(client.privateEndpointConnections.list("rg-data", "stdata"));
    expect(list.map(statusOf)).toEqual(["Pending", "Pending", "Pending"]);
    // Not pageable in the spec: one answer, no nextLink, every connection.
    expect(reads(exchanges, "/privateEndpointConnections")).toHaveLength(1);
    expect(lastRead(exchanges, "/privateEndpointConnections")).not.toHaveProperty("nextLink");
    expect(parseDifferences(listed(exchanges, "/privateEndpointConnections"), list)).toEqual([]);
    const [a, b, c] = list.map((x) => x.name ?? "");

    const got = await client.privateEndpointConnections.get("rg-data", "stdata", a ?? "");
    expect(parseDifferences(lastRead(exchanges, `/privateEndpointConnections/${a}`), got)).toEqual([]);
    const approved = await client.privateEndpointConnections.put("rg-data", "stdata", a ?? "", { privateLinkServiceConnectionState: { status: "Approved", description: "approved by test" } });
    expect(statusOf(approved)).toBe("Approved");
    const rejected = await client.privateEndpointConnections.put("rg-data", "stdata", b ?? "", { privateLinkServiceConnectionState: { status: "Rejected", description: "rejected by test" } });
    expect(statusOf(rejected)).toBe("Rejected");
    await client.privateEndpointConnections.delete("rg-data", "stdata", c ?? "");
    expect((await collect(client.privateEndpointConnections.list("rg-data", "stdata"))).map(statusOf)).toEqual(["Approved", "Rejected"]);

    const account = await client.storageAccounts.getProperties("rg-data", "stdata");
    expect(parseDifferences(lastRead(exchanges, "/storageAccounts/stdata"), account)).toEqual([]);
    const groups = await client.privateLinkResources.listByStorageAccount("rg-data", "stdata");
    expect(parseDifferences(lastRead(exchanges, "/privateLinkResources"), groups)).toEqual([]);
    expect(new Set(exchanges.map((e) => e.url.searchParams.get("api-version")))).toEqual(new Set(["2026-09-01"]));
  });

  it("@azure/arm-keyvault: lists paged, gets, approves, rejects, deletes and reads the vault", async () => {
    const client = new KeyVaultManagementClient(credential, SUB, options);
    const list = await collect(client.privateEndpointConnections.listByResource("rg-data", "kv-data"));
    expect(list.map(statusOf)).toEqual(["Pending", "Pending", "Pending"]);
    // Pageable in the spec: two pages of at most two.
    expect(reads(exchanges, "/privateEndpointConnections").map((e) => (e.body as { value: unknown[] }).value.length)).toEqual([2, 1]);
    expect(parseDifferences(listed(exchanges, "/privateEndpointConnections"), list)).toEqual([]);
    const [a, b, c] = list.map((x) => x.name ?? "");

    const got = await client.privateEndpointConnections.get("rg-data", "kv-data", a ?? "");
    expect(parseDifferences(lastRead(exchanges, `/privateEndpointConnections/${a}`), got)).toEqual([]);
    const approved = await client.privateEndpointConnections.put("rg-data", "kv-data", a ?? "", { privateLinkServiceConnectionState: { status: "Approved", description: "approved by test" } });
    expect(statusOf(approved)).toBe("Approved");
    const rejected = await client.privateEndpointConnections.put("rg-data", "kv-data", b ?? "", { privateLinkServiceConnectionState: { status: "Rejected", description: "rejected by test" } });
    expect(statusOf(rejected)).toBe("Rejected");
    await client.privateEndpointConnections.delete("rg-data", "kv-data", c ?? "", FAST);
    expect((await collect(client.privateEndpointConnections.listByResource("rg-data", "kv-data"))).map(statusOf)).toEqual(["Approved", "Rejected"]);

    const vault = await client.vaults.get("rg-data", "kv-data");
    expect(parseDifferences(lastRead(exchanges, "/vaults/kv-data"), vault)).toEqual([]);
    const groups = await client.privateLinkResources.listByVault("rg-data", "kv-data");
    expect(parseDifferences(lastRead(exchanges, "/privateLinkResources"), groups)).toEqual([]);
    expect(new Set(exchanges.map((e) => e.url.searchParams.get("api-version")))).toEqual(new Set(["2026-02-01"]));
  });

  it("@azure/arm-machinelearning: lists unpaged, gets, approves, rejects, deletes and reads the workspace", async () => {
    const client = new AzureMachineLearningWorkspaces(credential, SUB, options);
    const list = await collect(client.privateEndpointConnections.list("rg-ml", "mlw"));
    expect(list.map(statusOf)).toEqual(["Pending", "Pending", "Pending"]);
    expect(reads(exchanges, "/privateEndpointConnections")).toHaveLength(1);
    expect(lastRead(exchanges, "/privateEndpointConnections")).not.toHaveProperty("nextLink");
    expect(parseDifferences(listed(exchanges, "/privateEndpointConnections"), list)).toEqual([]);
    const [a, b, c] = list.map((x) => x.name ?? "");

    const got = await client.privateEndpointConnections.get("rg-ml", "mlw", a ?? "");
    expect(parseDifferences(lastRead(exchanges, `/privateEndpointConnections/${a}`), got)).toEqual([]);
    const approved = await client.privateEndpointConnections.createOrUpdate("rg-ml", "mlw", a ?? "", { privateLinkServiceConnectionState: { status: "Approved", description: "approved by test" } });
    expect(statusOf(approved)).toBe("Approved");
    const rejected = await client.privateEndpointConnections.createOrUpdate("rg-ml", "mlw", b ?? "", { privateLinkServiceConnectionState: { status: "Rejected", description: "rejected by test" } });
    expect(statusOf(rejected)).toBe("Rejected");
    await client.privateEndpointConnections.delete("rg-ml", "mlw", c ?? "");
    expect((await collect(client.privateEndpointConnections.list("rg-ml", "mlw"))).map(statusOf)).toEqual(["Approved", "Rejected"]);

    const workspace = await client.workspaces.get("rg-ml", "mlw");
    expect(parseDifferences(lastRead(exchanges, "/workspaces/mlw"), workspace)).toEqual([]);
    const groups = await client.privateLinkResources.list("rg-ml", "mlw");
    expect(parseDifferences(lastRead(exchanges, "/privateLinkResources"), groups)).toEqual([]);
    expect(new Set(exchanges.map((e) => e.url.searchParams.get("api-version")))).toEqual(new Set(["2022-10-01"]));
  });

  it("@azure/arm-batch: lists paged, gets, approves, rejects, deletes and reads the account", async () => {
    const client = new BatchManagementClient(credential, SUB, options);
    const list = await collect(client.privateEndpointConnectionOperations.listByBatchAccount("rg-batch", "batchprod"));
    expect(list.map(statusOf)).toEqual(["Pending", "Pending", "Pending"]);
    expect(reads(exchanges, "/privateEndpointConnections").map((e) => (e.body as { value: unknown[] }).value.length)).toEqual([2, 1]);
    expect(parseDifferences(listed(exchanges, "/privateEndpointConnections"), list)).toEqual([]);
    const [a, b, c] = list.map((x) => x.name ?? "");

    const got = await client.privateEndpointConnectionOperations.get("rg-batch", "batchprod", a ?? "");
    expect(parseDifferences(lastRead(exchanges, `/privateEndpointConnections/${a}`), got)).toEqual([]);
    const approved = await client.privateEndpointConnectionOperations.beginUpdateAndWait("rg-batch", "batchprod", a ?? "", { privateLinkServiceConnectionState: { status: "Approved", description: "approved by test" } }, FAST);
    expect(statusOf(approved)).toBe("Approved");
    const rejected = await client.privateEndpointConnectionOperations.beginUpdateAndWait("rg-batch", "batchprod", b ?? "", { privateLinkServiceConnectionState: { status: "Rejected", description: "rejected by test" } }, FAST);
    expect(statusOf(rejected)).toBe("Rejected");
    await client.privateEndpointConnectionOperations.beginDeleteAndWait("rg-batch", "batchprod", c ?? "", FAST);
    expect((await collect(client.privateEndpointConnectionOperations.listByBatchAccount("rg-batch", "batchprod"))).map(statusOf)).toEqual(["Approved", "Rejected"]);

    const account = await client.batchAccountOperations.get("rg-batch", "batchprod");
    expect(parseDifferences(lastRead(exchanges, "/batchAccounts/batchprod"), account)).toEqual([]);
    const groups = await collect(client.privateLinkResourceOperations.listByBatchAccount("rg-batch", "batchprod"));
    expect(reads(exchanges, "/privateLinkResources").map((e) => (e.body as { value: unknown[] }).value.length)).toEqual([2]);
    expect(parseDifferences(listed(exchanges, "/privateLinkResources"), groups)).toEqual([]);
    expect(new Set(exchanges.map((e) => e.url.searchParams.get("api-version")))).toEqual(new Set(["2023-11-01"]));
  });
});
