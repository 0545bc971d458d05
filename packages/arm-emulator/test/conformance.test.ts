/**
 * Replays every official example vendored in test/fixtures/arm (sources in its NOTICE.md) against the
 * emulator over HTTPS and checks status codes, LRO headers and response shapes (keys, JSON types, enum values).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator, EstateSeed } from "../src/index";
import { startEmulator } from "../src/index";
import { armRequest } from "./clients";
import { shapeMismatches } from "./shape";

const REFERENCE = resolve(__dirname, "fixtures", "arm");
const SUB = "0000aaaa-0000-4000-8000-000000000001";
const rid = (rg: string, type: string, name: string): string => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/${type}/${name}`;
const BATCH = rid("default-azurebatch-japaneast", "Microsoft.Batch/batchAccounts", "sampleacct");
const KV = rid("sample-group", "Microsoft.KeyVault/vaults", "sample-vault");
const ML = rid("rg-1234", "Microsoft.MachineLearningServices/workspaces", "testworkspace");
const STORAGE = rid("res6977", "Microsoft.Storage/storageAccounts", "sto2527");
const SUBNET = `${rid("rg1", "Microsoft.Network/virtualNetworks", "myVnet")}/subnets/mySubnet`;
const ZONE_RG = "resourceGroup1";
const FILE_ZONE = rid("rg1", "Microsoft.Network/privateDnsZones", "privatelink.file.core.windows.net");

function endpoint(rg: string, name: string, target: string, groupId: string, manual: boolean): NonNullable<EstateSeed["privateEndpoints"]>[number] {
  return { subscriptionId: SUB, resourceGroup: rg, name, subnetId: SUBNET, targetResourceId: target, groupIds: [groupId], manual, requestMessage: "Please approve my connection." };
}

/** One estate that has what every example names (with a GUID subscription instead of `subid`). */
const SEED: EstateSeed = {
  subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg1" }, { name: ZONE_RG }] }],
  subnets: [{ id: SUBNET, addressPrefix: "192.168.0.0/24" }],
  resources: [
    { type: "Microsoft.Batch/batchAccounts", name: "sampleacct", subscriptionId: SUB, resourceGroup: "default-azurebatch-japaneast", location: "japaneast" },
    { type: "Microsoft.KeyVault/vaults", name: "sample-vault", subscriptionId: SUB, resourceGroup: "sample-group", location: "westus" },
    { type: "Microsoft.MachineLearningServices/workspaces", name: "testworkspace", subscriptionId: SUB, resourceGroup: "rg-1234", location: "eastus" },
    { type: "Microsoft.Storage/storageAccounts", name: "sto2527", subscriptionId: SUB, resourceGroup: "res6977", location: "eastus" },
  ],
  privateEndpoints: [
    endpoint("default-azurebatch-japaneast", "testprivateEndpoint", BATCH, "batchAccount", false),
    endpoint("sample-group", "sample-pe", KV, "vault", false),
    endpoint("rg-1234", "petest01", ML, "amlworkspace", false),
    endpoint("res6977", "petest01", STORAGE, "blob", false),
    endpoint("res6977", "petest02", STORAGE, "blob", true),
    endpoint("rg1", "testPe", STORAGE, "file", false),
    endpoint("rg1", "testPeManual", STORAGE, "file", true),
  ],
  privateDnsZones: [
    { name: "privatezone1.com", subscriptionId: SUB, resourceGroup: ZONE_RG, tags: { key1: "value1" }, virtualNetworkLinks: [{ name: "virtualNetworkLink1", virtualNetworkId: rid("rg1", "Microsoft.Network/virtualNetworks", "myVnet") }] },
    { name: "privatezone2.com", subscriptionId: SUB, resourceGroup: ZONE_RG },
    { name: "privatelink.file.core.windows.net", subscriptionId: SUB, resourceGroup: "rg1" },
  ],
  recordSets: [
    { subscriptionId: SUB, resourceGroup: ZONE_RG, zone: "privatezone1.com", type: "A", name: "recorda1", ipv4Addresses: ["1.2.3.4"], metadata: { key1: "value1" } },
    { subscriptionId: SUB, resourceGroup: ZONE_RG, zone: "privatezone1.com", type: "A", name: "recorda2", ipv4Addresses: ["5.6.7.8"] },
    { subscriptionId: SUB, resourceGroup: ZONE_RG, zone: "privatezone1.com", type: "CNAME", name: "recordcname", cname: "contoso.com", metadata: { key1: "value1" } },
  ],
};

interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

/** How to replay one example: the request(s) to send; each answer must be one of the example's statuses. */
interface Replay {
  method: string;
  path: (emulator: Emulator) => string;
  body?: (example: Example) => unknown;
  /** Statuses of successive identical requests (e.g. create then update, delete then delete again). */
  expect: number[];
  /** Keys the emulator knowingly leaves out (README "not emulated"). */
  optionalKeys?: string[];
}

function connectionName(emulator: Emulator, resourceId: string, endpointName: string): string {
  const found = emulator.control.snapshot().connections.find((c) => c.resourceId.toLowerCase() === resourceId.toLowerCase() && c.endpointId.endsWith(`/${endpointName}`));
  if (found === undefined) throw new Error(`No connection from ${endpointName} on ${resourceId}`);
  return found.name;
}

function nicName(emulator: Emulator, endpointName: string): string {
  const found = emulator.control.snapshot().privateEndpoints.find((e) => e.name === endpointName);
  return found?.nicId.split("/").at(-1) ?? "missing";
}

const pec = (resourceId: string, endpointName: string) => (emulator: Emulator) => `${resourceId}/privateEndpointConnections/${connectionName(emulator, resourceId, endpointName)}`;
const fixed = (path: string) => () => path;
const bodyParam = (name: string) => (example: Example) => example.parameters[name];
const PE = (name: string) => rid("rg1", "Microsoft.Network/privateEndpoints", name);
const ZONE1 = rid(ZONE_RG, "Microsoft.Network/privateDnsZones", "privatezone1.com");
const zoneGroupBody = (): unknown => ({ properties: { privateDnsZoneConfigs: [{ properties: { privateDnsZoneId: FILE_ZONE } }] } });

const REPLAYS: Record<string, Replay> = {
  "batch/PrivateEndpointConnectionGet.json": { method: "GET", path: pec(BATCH, "testprivateEndpoint"), expect: [200] },
  "batch/PrivateEndpointConnectionsList.json": { method: "GET", path: fixed(`${BATCH}/privateEndpointConnections`), expect: [200] },
  "batch/PrivateEndpointConnectionUpdate.json": { method: "PATCH", path: pec(BATCH, "testprivateEndpoint"), body: bodyParam("parameters"), expect: [202] },
  "batch/PrivateEndpointConnectionDelete.json": { method: "DELETE", path: pec(BATCH, "testprivateEndpoint"), expect: [202] },
  "batch/PrivateLinkResourceGet.json": { method: "GET", path: fixed(`${BATCH}/privateLinkResources/batchAccount`), expect: [200] },
  "batch/PrivateLinkResourcesList.json": { method: "GET", path: fixed(`${BATCH}/privateLinkResources`), expect: [200] },
  "keyvault/getPrivateEndpointConnection.json": { method: "GET", path: pec(KV, "sample-pe"), expect: [200] },
  "keyvault/listPrivateEndpointConnection.json": { method: "GET", path: fixed(`${KV}/privateEndpointConnections`), expect: [200] },
  "keyvault/putPrivateEndpointConnection.json": { method: "PUT", path: pec(KV, "sample-pe"), body: bodyParam("properties"), expect: [200] },
  "keyvault/deletePrivateEndpointConnection.json": { method: "DELETE", path: pec(KV, "sample-pe"), expect: [202] },
  "keyvault/listPrivateLinkResources.json": { method: "GET", path: fixed(`${KV}/privateLinkResources`), expect: [200] },
  "machinelearning/PrivateEndpointConnection_get.json": { method: "GET", path: pec(ML, "petest01"), expect: [200] },
  "machinelearning/PrivateEndpointConnection_list.json": { method: "GET", path: fixed(`${ML}/privateEndpointConnections`), expect: [200] },
  "machinelearning/PrivateEndpointConnection_createOrUpdate.json": { method: "PUT", path: pec(ML, "petest01"), body: bodyParam("properties"), expect: [200] },
  "machinelearning/PrivateEndpointConnection_delete.json": { method: "DELETE", path: pec(ML, "petest01"), expect: [200] },
  "machinelearning/PrivateLinkResource_list.json": { method: "GET", path: fixed(`${ML}/privateLinkResources`), expect: [200] },
  "storage/StorageAccountGetPrivateEndpointConnection.json": { method: "GET", path: pec(STORAGE, "petest01"), expect: [200] },
  "storage/StorageAccountListPrivateEndpointConnections.json": { method: "GET", path: fixed(`${STORAGE}/privateEndpointConnections`), expect: [200] },
  "storage/StorageAccountPutPrivateEndpointConnection.json": { method: "PUT", path: pec(STORAGE, "petest02"), body: bodyParam("properties"), expect: [200] },
  "storage/StorageAccountDeletePrivateEndpointConnection.json": { method: "DELETE", path: pec(STORAGE, "petest01"), expect: [200] },
  "storage/StorageAccountListPrivateLinkResources.json": { method: "GET", path: fixed(`${STORAGE}/privateLinkResources`), expect: [200] },
  "network/PrivateEndpointGet.json": { method: "GET", path: fixed(PE("testPe")), expect: [200] },
  "network/PrivateEndpointGetForManualApproval.2025-03-01.json": { method: "GET", path: fixed(PE("testPeManual")), expect: [200] },
  "network/PrivateEndpointList.json": { method: "GET", path: fixed(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/privateEndpoints`), expect: [200] },
  "network/PrivateEndpointDelete.json": { method: "DELETE", path: fixed(PE("testPe")), expect: [202, 204] },
  "network/NetworkInterfaceGet.json": {
    method: "GET",
    path: (emulator) => rid("rg1", "Microsoft.Network/networkInterfaces", nicName(emulator, "testPe")),
    expect: [200],
    // A private endpoint's NIC has no VM, public IP, NSG or DSCP configuration.
    optionalKeys: ["publicIPAddress", "internalDomainNameSuffix", "networkSecurityGroup", "virtualMachine", "dscpConfiguration"],
  },
  "network/PrivateEndpointDnsZoneGroupCreate.json": { method: "PUT", path: fixed(`${PE("testPe")}/privateDnsZoneGroups/testPdnsgroup`), body: zoneGroupBody, expect: [201, 200] },
  "network/PrivateEndpointDnsZoneGroupGet.2025-03-01.json": { method: "GET", path: fixed(`${PE("testPe")}/privateDnsZoneGroups/testPdnsgroup`), expect: [200] },
  "network/PrivateEndpointDnsZoneGroupList.json": { method: "GET", path: fixed(`${PE("testPe")}/privateDnsZoneGroups`), expect: [200] },
  "network/PrivateEndpointDnsZoneGroupDelete.json": { method: "DELETE", path: fixed(`${PE("testPe")}/privateDnsZoneGroups/testPdnsgroup`), expect: [202, 204] },
  "privatedns/PrivateZoneGet.json": { method: "GET", path: fixed(ZONE1), expect: [200] },
  "privatedns/PrivateZoneListInResourceGroup.json": { method: "GET", path: fixed(`/subscriptions/${SUB}/resourceGroups/${ZONE_RG}/providers/Microsoft.Network/privateDnsZones`), expect: [200] },
  "privatedns/PrivateZoneListInSubscription.json": { method: "GET", path: fixed(`/subscriptions/${SUB}/providers/Microsoft.Network/privateDnsZones`), expect: [200] },
  "privatedns/RecordSetAPut.json": { method: "PUT", path: fixed(`${ZONE1}/A/recordA`), body: bodyParam("parameters"), expect: [201, 200] },
  "privatedns/RecordSetCNAMEPut.json": { method: "PUT", path: fixed(`${ZONE1}/CNAME/recordCNAME2`), body: bodyParam("parameters"), expect: [201, 200] },
  "privatedns/RecordSetAGet.json": { method: "GET", path: fixed(`${ZONE1}/A/recordA1`), expect: [200] },
  "privatedns/RecordSetAList.json": { method: "GET", path: fixed(`${ZONE1}/A`), expect: [200] },
  "privatedns/RecordSetALLList.json": { method: "GET", path: fixed(`${ZONE1}/ALL`), expect: [200] },
  "privatedns/RecordSetADelete.json": { method: "DELETE", path: fixed(`${ZONE1}/A/recordA1`), expect: [200, 204] },
  "privatedns/VirtualNetworkLinkList.json": { method: "GET", path: fixed(`${ZONE1}/virtualNetworkLinks`), expect: [200] },
};

/** Set-up a replay needs beyond the seed. */
const BEFORE: Record<string, (emulator: Emulator) => Promise<void>> = {
  "network/PrivateEndpointDnsZoneGroupGet.2025-03-01.json": (emulator) => putZoneGroup(emulator),
  "network/PrivateEndpointDnsZoneGroupList.json": (emulator) => putZoneGroup(emulator),
  "network/PrivateEndpointDnsZoneGroupDelete.json": (emulator) => putZoneGroup(emulator),
};

async function putZoneGroup(emulator: Emulator): Promise<void> {
  const res = await armRequest(emulator, "PUT", `${PE("testPe")}/privateDnsZoneGroups/testPdnsgroup?api-version=2025-07-01`, { body: zoneGroupBody() });
  expect(res.status).toBe(201);
}

function exampleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return exampleFiles(full);
    return name.endsWith(".json") && !name.includes("definitions") && !full.includes("common-types") ? [relative(REFERENCE, full)] : [];
  });
}

describe("conformance with the official ARM examples", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed(SEED);
  });

  it("has a replay for every example in the reference folder", () => {
    expect(exampleFiles(REFERENCE).sort()).toEqual(Object.keys(REPLAYS).sort());
  });

  for (const [file, replay] of Object.entries(REPLAYS)) {
    it(`answers ${file} with the example's statuses and shapes`, async () => {
      const example = JSON.parse(readFileSync(join(REFERENCE, file), "utf8")) as Example;
      await BEFORE[file]?.(emulator);
      const apiVersion = String(example.parameters["api-version"]);
      const path = replay.path(emulator);
      for (const expected of replay.expect) {
        expect(Object.keys(example.responses)).toContain(String(expected));
        const res = await armRequest(emulator, replay.method, `${path}?api-version=${apiVersion}`, replay.body ? { body: replay.body(example) } : {});
        expect(res.status, `${replay.method} ${path}: ${res.text}`).toBe(expected);
        const model = example.responses[String(expected)];
        for (const header of Object.keys(model?.headers ?? {})) {
          if (header.toLowerCase() === "etag") continue;
          expect(res.headers[header.toLowerCase()], `${header} header`).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/|^\d+$/);
        }
        if (model?.body !== undefined && Object.keys(model.body as object).length > 0) {
          expect(shapeMismatches(model.body, res.body, replay.optionalKeys)).toEqual([]);
        }
      }
    });
  }
});
