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
import type { Emulator, EstateSeed } from "../src/index";
import { startEmulator } from "../src/index";
import { StaticTokenCredential } from "./clients";
import type { Exchange, RecordingOptions } from "./parseDifferences";
import { parseDifferences, recordingClientOptions } from "./parseDifferences";

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

interface SdkConnection {
  name?: string;
  privateLinkServiceConnectionState?: { status?: string };
}

const statusOf = (c: SdkConnection): string | undefined => c.privateLinkServiceConnectionState?.status;

/** One SDK's calls for the same steps, so every client runs the same scenario. */
interface SdkUnderTest {
  name: string;
  defaultApiVersion: string;
  /** Whether the spec pages the connection and private link resource lists. */
  paged: { connections: boolean; privateLinkResources: boolean };
  resource: string;
  make(options: RecordingOptions): {
    list(): AsyncIterable<SdkConnection>;
    get(name: string): Promise<SdkConnection>;
    setStatus(name: string, status: "Approved" | "Rejected"): Promise<SdkConnection>;
    remove(name: string): Promise<unknown>;
    readResource(): Promise<unknown>;
    /** The private link resources: a list result, or an iterable of items. */
    privateLinkResources(): Promise<unknown> | AsyncIterable<unknown>;
  };
}

const state = (status: "Approved" | "Rejected"): { privateLinkServiceConnectionState: { status: "Approved" | "Rejected"; description: string } } => ({
  privateLinkServiceConnectionState: { status, description: `${status.toLowerCase()} by test` },
});

const SDKS: SdkUnderTest[] = [
  {
    name: "@azure/arm-storage",
    defaultApiVersion: "2026-09-01",
    paged: { connections: false, privateLinkResources: false },
    resource: "/storageAccounts/stdata",
    make(options) {
      const c = new StorageManagementClient(credential, SUB, options);
      return {
        list: () => c.privateEndpointConnections.list("rg-data", "stdata"),
        get: (name) => c.privateEndpointConnections.get("rg-data", "stdata", name),
        setStatus: (name, status) => c.privateEndpointConnections.put("rg-data", "stdata", name, state(status)),
        remove: (name) => c.privateEndpointConnections.delete("rg-data", "stdata", name),
        readResource: () => c.storageAccounts.getProperties("rg-data", "stdata"),
        privateLinkResources: () => c.privateLinkResources.listByStorageAccount("rg-data", "stdata"),
      };
    },
  },
  {
    name: "@azure/arm-keyvault",
    defaultApiVersion: "2026-02-01",
    paged: { connections: true, privateLinkResources: false },
    resource: "/vaults/kv-data",
    make(options) {
      const c = new KeyVaultManagementClient(credential, SUB, options);
      return {
        list: () => c.privateEndpointConnections.listByResource("rg-data", "kv-data"),
        get: (name) => c.privateEndpointConnections.get("rg-data", "kv-data", name),
        setStatus: (name, status) => c.privateEndpointConnections.put("rg-data", "kv-data", name, state(status)),
        remove: async (name) => await c.privateEndpointConnections.delete("rg-data", "kv-data", name, FAST),
        readResource: () => c.vaults.get("rg-data", "kv-data"),
        privateLinkResources: () => c.privateLinkResources.listByVault("rg-data", "kv-data"),
      };
    },
  },
  {
    name: "@azure/arm-machinelearning",
    defaultApiVersion: "2022-10-01",
    paged: { connections: false, privateLinkResources: false },
    resource: "/workspaces/mlw",
    make(options) {
      const c = new AzureMachineLearningWorkspaces(credential, SUB, options);
      return {
        list: () => c.privateEndpointConnections.list("rg-ml", "mlw"),
        get: (name) => c.privateEndpointConnections.get("rg-ml", "mlw", name),
        setStatus: (name, status) => c.privateEndpointConnections.createOrUpdate("rg-ml", "mlw", name, state(status)),
        remove: (name) => c.privateEndpointConnections.delete("rg-ml", "mlw", name),
        readResource: () => c.workspaces.get("rg-ml", "mlw"),
        privateLinkResources: () => c.privateLinkResources.list("rg-ml", "mlw"),
      };
    },
  },
  {
    name: "@azure/arm-batch",
    defaultApiVersion: "2023-11-01",
    paged: { connections: true, privateLinkResources: true },
    resource: "/batchAccounts/batchprod",
    make(options) {
      const c = new BatchManagementClient(credential, SUB, options);
      return {
        list: () => c.privateEndpointConnectionOperations.listByBatchAccount("rg-batch", "batchprod"),
        get: (name) => c.privateEndpointConnectionOperations.get("rg-batch", "batchprod", name),
        setStatus: (name, status) => c.privateEndpointConnectionOperations.beginUpdateAndWait("rg-batch", "batchprod", name, state(status), FAST),
        remove: (name) => c.privateEndpointConnectionOperations.beginDeleteAndWait("rg-batch", "batchprod", name, FAST),
        readResource: () => c.batchAccountOperations.get("rg-batch", "batchprod"),
        privateLinkResources: () => c.privateLinkResourceOperations.listByBatchAccount("rg-batch", "batchprod"),
      };
    },
  },
];

/** Item counts of the pages a list's GETs answered with. */
function pageSizes(exchanges: readonly Exchange[], suffix: string): number[] {
  return reads(exchanges, suffix).map((e) => (e.body as { value: unknown[] }).value.length);
}

describe("SDK clients the app does not use, at their default api-versions", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ pageSize: 2 });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed(SEED);
  });

  for (const sdk of SDKS) {
    it(`${sdk.name}: lists, gets, approves, rejects and deletes connections and reads the resource, with zero parse differences`, async () => {
      const { options, exchanges } = recordingClientOptions(emulator);
      const client = sdk.make(options);
      const list = await collect(client.list());
      expect(list.map(statusOf)).toEqual(["Pending", "Pending", "Pending"]);
      // Three connections, pages of two: a pageable list answers in two pages, an unpaged one at once.
      expect(pageSizes(exchanges, "/privateEndpointConnections")).toEqual(sdk.paged.connections ? [2, 1] : [3]);
      if (!sdk.paged.connections) expect(lastRead(exchanges, "/privateEndpointConnections")).not.toHaveProperty("nextLink");
      expect(parseDifferences(listed(exchanges, "/privateEndpointConnections"), list)).toEqual([]);
      const [a, b, c] = list.map((x) => x.name ?? "") as [string, string, string];

      const got = await client.get(a);
      expect(parseDifferences(lastRead(exchanges, `/privateEndpointConnections/${a}`), got)).toEqual([]);
      expect(statusOf(await client.setStatus(a, "Approved"))).toBe("Approved");
      expect(statusOf(await client.setStatus(b, "Rejected"))).toBe("Rejected");
      await client.remove(c);
      expect((await collect(client.list())).map(statusOf)).toEqual(["Approved", "Rejected"]);

      const resource = await client.readResource();
      expect(parseDifferences(lastRead(exchanges, sdk.resource), resource)).toEqual([]);
      const groups = client.privateLinkResources();
      const parsedGroups = Symbol.asyncIterator in groups ? await collect(groups) : await groups;
      const sentGroups = sdk.paged.privateLinkResources ? listed(exchanges, "/privateLinkResources") : lastRead(exchanges, "/privateLinkResources");
      expect(pageSizes(exchanges, "/privateLinkResources")).toHaveLength(1);
      expect(parseDifferences(sentGroups, parsedGroups)).toEqual([]);
      expect(new Set(exchanges.map((e) => e.url.searchParams.get("api-version")))).toEqual(new Set([sdk.defaultApiVersion]));
    });
  }
});
