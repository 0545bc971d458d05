import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiFamily, Emulator } from "../src/index";
import { acceptedApiVersions, startEmulator } from "../src/index";
import { armRequest } from "./clients";

const SUB = "0000aaaa-0000-4000-8000-000000000001";
const rg = (name: string): string => `/subscriptions/${SUB}/resourceGroups/${name}/providers`;
const STORAGE = `${rg("rg-data")}/Microsoft.Storage/storageAccounts/stdata`;
const VAULT = `${rg("rg-data")}/Microsoft.KeyVault/vaults/kv-data`;
const WORKSPACE = `${rg("rg-ml")}/Microsoft.MachineLearningServices/workspaces/mlw`;
const BATCH = `${rg("rg-batch")}/Microsoft.Batch/batchAccounts/batchprod`;

/** One read per emulated resource type: the path and the type whose versions it must accept. */
const READS: [family: ApiFamily, type: string, path: string][] = [
  ["storage", "Microsoft.Storage/storageAccounts", STORAGE],
  ["storage", "Microsoft.Storage/storageAccounts/privateEndpointConnections", `${STORAGE}/privateEndpointConnections`],
  ["keyVault", "Microsoft.KeyVault/vaults", VAULT],
  ["keyVault", "Microsoft.KeyVault/vaults/privateEndpointConnections", `${VAULT}/privateEndpointConnections`],
  ["machineLearning", "Microsoft.MachineLearningServices/workspaces", WORKSPACE],
  ["machineLearning", "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections", `${WORKSPACE}/privateEndpointConnections`],
  ["batch", "Microsoft.Batch/batchAccounts", BATCH],
  ["batch", "Microsoft.Batch/batchAccounts/privateEndpointConnections", `${BATCH}/privateEndpointConnections`],
  ["network", "Microsoft.Network/privateEndpoints", `${rg("rg-net")}/Microsoft.Network/privateEndpoints`],
  ["privateDns", "Microsoft.Network/privateDnsZones", `${rg("rg-dns")}/Microsoft.Network/privateDnsZones`],
];

describe("the api-version gate", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      estate: {
        subscriptions: [{ id: SUB, resourceGroups: ["rg-data", "rg-ml", "rg-batch", "rg-net", "rg-dns"].map((name) => ({ name })) }],
        resources: [
          { type: "Microsoft.Storage/storageAccounts", name: "stdata", subscriptionId: SUB, resourceGroup: "rg-data", location: "westeurope" },
          { type: "Microsoft.KeyVault/vaults", name: "kv-data", subscriptionId: SUB, resourceGroup: "rg-data", location: "westeurope" },
          { type: "Microsoft.MachineLearningServices/workspaces", name: "mlw", subscriptionId: SUB, resourceGroup: "rg-ml", location: "westeurope" },
          { type: "Microsoft.Batch/batchAccounts", name: "batchprod", subscriptionId: SUB, resourceGroup: "rg-batch", location: "westeurope" },
        ],
        privateEndpoints: [{ subscriptionId: SUB, resourceGroup: "rg-net", name: "pe-batch", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true }],
      },
    });
  });
  afterAll(async () => {
    await emulator.close();
  });

  for (const [family, type, path] of READS) {
    it(`accepts every published api-version of ${type}`, async () => {
      const versions = acceptedApiVersions(family, type);
      expect(versions.length).toBeGreaterThan(3);
      const statuses = await Promise.all(versions.map(async (v) => [v, (await armRequest(emulator, "GET", `${path}?api-version=${v}`)).status]));
      expect(statuses.filter(([, status]) => status !== 200)).toEqual([]);
    });
  }

  it("accepts the versions other SDKs and the Azure CLI send", async () => {
    const sent: [string, string][] = [
      [`/subscriptions/${SUB}/providers/Microsoft.Network/privateEndpoints`, "2022-07-01"],
      [`/subscriptions/${SUB}/providers/Microsoft.Network/privateEndpoints`, "2022-01-01"],
      [`${BATCH}/privateEndpointConnections`, "2022-10-01"],
      [`${STORAGE}/privateEndpointConnections`, "2022-09-01"],
      [`${STORAGE}/privateEndpointConnections`, "2019-06-01"],
      [`${WORKSPACE}/privateEndpointConnections`, "2021-01-01"],
    ];
    for (const [path, version] of sent) expect((await armRequest(emulator, "GET", `${path}?api-version=${version}`)).status, `${path} @ ${version}`).toBe(200);
  });

  it("refuses a version from before the type existed with ARM's NoRegisteredProviderFound", async () => {
    const res = await armRequest(emulator, "GET", `${STORAGE}/privateEndpointConnections?api-version=2019-04-01`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: "NoRegisteredProviderFound",
        message: `No registered resource provider found for location 'westeurope' and API version '2019-04-01' for type 'storageAccounts/privateEndpointConnections'. The supported api-versions are '${acceptedApiVersions("storage", "Microsoft.Storage/storageAccounts/privateEndpointConnections").join(", ")}'. The supported locations are 'westeurope'.`,
      },
    });
    expect((await armRequest(emulator, "GET", `${STORAGE}?api-version=2019-04-01`)).status).toBe(200);
  });

  it("refuses an unpublished version and a preview the type never had", async () => {
    for (const version of ["2025-02-01", "2025-07-01-preview"]) {
      const res = await armRequest(emulator, "GET", `${rg("rg-net")}/Microsoft.Network/privateEndpoints?api-version=${version}`);
      expect(res.body).toMatchObject({ error: { code: "NoRegisteredProviderFound", message: expect.stringContaining(`API version '${version}' for type 'privateEndpoints'`) } });
    }
  });

  it("answers a value that is not a version with InvalidApiVersionParameter", async () => {
    const res = await armRequest(emulator, "GET", `${STORAGE}?api-version=latest`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "InvalidApiVersionParameter", message: expect.stringMatching(/^The api-version 'latest' is invalid\. The supported versions are '2015-05-01-preview,/) } });
  });

  it("leaves out the fields a type gained after the requested version, wherever the type appears", async () => {
    const groupIdsAt = async (version: string): Promise<unknown[]> => {
      const list = (await armRequest(emulator, "GET", `${BATCH}/privateEndpointConnections?api-version=${version}`)).body as { value: { properties: Record<string, unknown> }[] };
      const account = (await armRequest(emulator, "GET", `${BATCH}?api-version=${version}`)).body as { properties: { privateEndpointConnections: { properties: Record<string, unknown> }[] } };
      return [...list.value, ...account.properties.privateEndpointConnections].map((c) => c.properties.groupIds);
    };
    expect(await groupIdsAt("2022-01-01")).toEqual([undefined, undefined]);
    expect(await groupIdsAt("2022-06-01")).toEqual([["batchAccount"], ["batchAccount"]]);

    const endpoint = async (version: string): Promise<Record<string, unknown>> =>
      ((await armRequest(emulator, "GET", `${rg("rg-net")}/Microsoft.Network/privateEndpoints/pe-batch?api-version=${version}`)).body as { properties: Record<string, unknown> }).properties;
    expect(await endpoint("2021-03-01")).not.toHaveProperty("ipConfigurations");
    expect(await endpoint("2021-03-01")).not.toHaveProperty("customNetworkInterfaceName");
    expect(await endpoint("2021-03-01")).toHaveProperty("manualPrivateLinkServiceConnections");
    expect(await endpoint("2021-05-01")).toMatchObject({ ipConfigurations: [], customNetworkInterfaceName: "" });
  });
});
