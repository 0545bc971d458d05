/**
 * Drives the emulator with the real Azure SDK clients over HTTPS (trust via tlsOptions.ca):
 * arm-batch for connections, arm-privatedns for record sets, arm-network for endpoints and NICs,
 * arm-resources for generic reads.
 */
import { BatchManagementClient } from "@azure/arm-batch";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ResourceManagementClient } from "@azure/arm-resources";
import { resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { loadEstateSeed, startEmulator } from "../src/index";
import { HUB, SPOKE, StaticTokenCredential, clientOptions } from "./clients";

const credential = new StaticTokenCredential();
const FAST = { updateIntervalInMs: 5 };
const BATCH_RG = "rg-batch";
const STORAGE_ID = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const SUBNET_ID = `/subscriptions/${SPOKE}/resourceGroups/rg-spoke-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-private-endpoints`;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("the emulator with the Azure SDK clients", () => {
  let emulator: Emulator;
  let batch: BatchManagementClient;
  let network: NetworkManagementClient;
  let dns: PrivateDnsManagementClient;

  beforeAll(async () => {
    emulator = await startEmulator({ pageSize: 2 });
    batch = new BatchManagementClient(credential, SPOKE, clientOptions(emulator));
    network = new NetworkManagementClient(credential, SPOKE, clientOptions(emulator));
    dns = new PrivateDnsManagementClient(credential, HUB, clientOptions(emulator));
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    emulator.control.reset();
    emulator.control.seed(await loadEstateSeed(resolve(__dirname, "..", "estates", "demo.json")));
    emulator.control.setAsyncOperationDelay(0);
  });

  describe("arm-batch private endpoint connections", () => {
    it("gets and lists the account's Pending connections with their request messages", async () => {
      const list = await collect(batch.privateEndpointConnectionOperations.listByBatchAccount(BATCH_RG, "batchprod"));
      expect(list.map((c) => [c.groupIds?.[0], c.privateLinkServiceConnectionState?.status])).toEqual([
        ["batchAccount", "Pending"],
        ["nodeManagement", "Pending"],
      ]);
      const one = await batch.privateEndpointConnectionOperations.get(BATCH_RG, "batchprod", list[0]?.name ?? "");
      expect(one.privateLinkServiceConnectionState?.description).toBe("Batch account access from the spoke");
      expect(one.name).toMatch(/^pe-batchprod-account\.[0-9a-f-]{36}$/);
      expect(one.etag).toMatch(/^"[0-9a-f-]{36}"$/);
    });

    it("approves with the PATCH long-running operation and the endpoint mirrors it", async () => {
      emulator.control.setAsyncOperationDelay(30);
      const [first] = await collect(batch.privateEndpointConnectionOperations.listByBatchAccount(BATCH_RG, "batchprod"));
      const updated = await batch.privateEndpointConnectionOperations.beginUpdateAndWait(
        BATCH_RG,
        "batchprod",
        first?.name ?? "",
        { privateLinkServiceConnectionState: { status: "Approved", description: "approved by rule spoke-batch" } },
        FAST,
      );
      expect(updated.privateLinkServiceConnectionState).toMatchObject({ status: "Approved", description: "approved by rule spoke-batch" });
      expect(updated.provisioningState).toBe("Succeeded");
      const endpoint = await network.privateEndpoints.get("rg-endpoints", "pe-batchprod-account");
      expect(endpoint.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe("Approved");
      expect(emulator.control.counters().operations["GET operations:status"]).toBeGreaterThanOrEqual(1);
    });

    it("rejects a connection", async () => {
      const [, second] = await collect(batch.privateEndpointConnectionOperations.listByBatchAccount(BATCH_RG, "batchprod"));
      const rejected = await batch.privateEndpointConnectionOperations.beginUpdateAndWait(
        BATCH_RG,
        "batchprod",
        second?.name ?? "",
        { privateLinkServiceConnectionState: { status: "Rejected", description: "subscription not allowed" } },
        FAST,
      );
      expect(rejected.privateLinkServiceConnectionState?.status).toBe("Rejected");
    });

    it("refuses a stale If-Match on the PATCH with 412", async () => {
      const [first] = await collect(batch.privateEndpointConnectionOperations.listByBatchAccount(BATCH_RG, "batchprod"));
      await expect(
        batch.privateEndpointConnectionOperations.beginUpdateAndWait(BATCH_RG, "batchprod", first?.name ?? "", { privateLinkServiceConnectionState: { status: "Approved" } }, { ...FAST, ifMatch: '"stale"' }),
      ).rejects.toMatchObject({ statusCode: 412 });
    });

    it("deletes a connection with the Location long-running operation; the endpoint's link becomes Disconnected", async () => {
      const [first] = await collect(batch.privateEndpointConnectionOperations.listByBatchAccount(BATCH_RG, "batchprod"));
      await batch.privateEndpointConnectionOperations.beginDeleteAndWait(BATCH_RG, "batchprod", first?.name ?? "", FAST);
      await expect(batch.privateEndpointConnectionOperations.get(BATCH_RG, "batchprod", first?.name ?? "")).rejects.toMatchObject({ statusCode: 404 });
      const endpoint = await network.privateEndpoints.get("rg-endpoints", "pe-batchprod-account");
      expect(endpoint.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe("Disconnected");
    });

    it("lists the account's private link resources", async () => {
      const groups = await collect(batch.privateLinkResourceOperations.listByBatchAccount(BATCH_RG, "batchprod"));
      expect(groups.map((g) => g.groupId)).toEqual(["batchAccount", "nodeManagement"]);
    });
  });

  describe("arm-privatedns record sets", () => {
    const ZONE = "privatelink.batch.azure.com";

    it("creates with If-None-Match: * and refuses a second create with 412", async () => {
      const created = await dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", "BatchProd.EastUS", { ttl: 10, aRecords: [{ ipv4Address: "10.20.1.4" }], metadata: { managedBy: "privatelink-autopilot" } }, { ifNoneMatch: "*" });
      expect(created).toMatchObject({ name: "batchprod.eastus", ttl: 10, fqdn: "batchprod.eastus.privatelink.batch.azure.com.", metadata: { managedBy: "privatelink-autopilot" } });
      expect(created.etag).toMatch(/^"[0-9a-f-]{36}"$/);
      await expect(dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", "batchprod.eastus", { ttl: 10, aRecords: [] }, { ifNoneMatch: "*" })).rejects.toMatchObject({ statusCode: 412, code: "PreconditionFailed" });
    });

    it("updates with the current If-Match, refuses a stale one, and gives every write a new etag", async () => {
      const first = await dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", "acct.eastus", { ttl: 10, aRecords: [{ ipv4Address: "10.0.0.1" }] });
      const second = await dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", "acct.eastus", { ttl: 10, aRecords: [{ ipv4Address: "10.0.0.2" }] }, { ifMatch: first.etag ?? "" });
      expect(second.etag).not.toBe(first.etag);
      await expect(dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", "acct.eastus", { ttl: 10, aRecords: [] }, { ifMatch: first.etag ?? "" })).rejects.toMatchObject({ statusCode: 412 });
      await expect(dns.recordSets.delete("rg-dns", ZONE, "A", "acct.eastus", { ifMatch: first.etag ?? "" })).rejects.toMatchObject({ statusCode: 412 });
      await dns.recordSets.delete("rg-dns", ZONE, "A", "acct.eastus", { ifMatch: second.etag ?? "" });
      await expect(dns.recordSets.get("rg-dns", ZONE, "A", "acct.eastus")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    });

    it("writes CNAME record sets and refuses an A record beside one", async () => {
      const legacy = "privatelink.eastus.batch.azure.com";
      const cname = await dns.recordSets.createOrUpdate("rg-dns", legacy, "CNAME", "batchprod", { ttl: 10, cnameRecord: { cname: "batchprod.eastus.privatelink.batch.azure.com" } });
      expect(cname.cnameRecord?.cname).toBe("batchprod.eastus.privatelink.batch.azure.com");
      await expect(dns.recordSets.createOrUpdate("rg-dns", legacy, "A", "batchprod", { ttl: 10, aRecords: [{ ipv4Address: "10.0.0.9" }] })).rejects.toMatchObject({ statusCode: 409 });
    });

    it("pages lists across several nextLinks and honours $top", async () => {
      for (let i = 0; i < 7; i++) await dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", `r${i}`, { ttl: 10, aRecords: [{ ipv4Address: `10.0.0.${i + 1}` }] });
      emulator.control.resetCounters();
      const all = await collect(dns.recordSets.list("rg-dns", ZONE));
      expect(all.filter((r) => r.type === "Microsoft.Network/privateDnsZones/A").map((r) => r.name)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
      expect(all.some((r) => r.type === "Microsoft.Network/privateDnsZones/SOA")).toBe(true);
      expect(emulator.control.counters().operations["GET privateDnsZones/recordSets:list"]).toBe(4);
      const pages = [];
      for await (const p of dns.recordSets.listByType("rg-dns", ZONE, "A", { top: 1 }).byPage()) pages.push(p.length);
      expect(pages).toEqual([1, 1, 1, 1, 1, 1, 1]);
    });

    it("lists and gets zones and virtual network links", async () => {
      const zones = await collect(dns.privateZones.listByResourceGroup("rg-dns"));
      expect(zones.map((z) => z.name).sort()).toContain("privatelink.eastus.batch.azure.com");
      expect(zones).toHaveLength(6);
      const links = await collect(dns.virtualNetworkLinks.list("rg-dns", ZONE));
      expect(links[0]?.virtualNetwork?.id).toContain("vnet-hub");
    });
  });

  describe("arm-network private endpoints", () => {
    const create = (name: string, manual: boolean) =>
      network.privateEndpoints.beginCreateOrUpdateAndWait(
        "rg-endpoints",
        name,
        {
          location: "eastus",
          subnet: { id: SUBNET_ID },
          [manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections"]: [{ name: `${name}-conn`, privateLinkServiceId: STORAGE_ID, groupIds: ["file"], requestMessage: "need files" }],
        },
        FAST,
      );

    it("creates an endpoint with the long-running PUT: NIC, IP from the subnet, FQDN and an auto-approved connection", async () => {
      emulator.control.setAsyncOperationDelay(30);
      const endpoint = await create("pe-files", false);
      expect(endpoint.provisioningState).toBe("Succeeded");
      expect(endpoint.customDnsConfigs).toEqual([{ fqdn: "stdata.file.core.windows.net", ipAddresses: [expect.stringMatching(/^10\.20\.1\.\d+$/)] }]);
      expect(endpoint.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe("Approved");
      const nicName = endpoint.networkInterfaces?.[0]?.id?.split("/").at(-1) ?? "";
      expect(nicName).toMatch(/^pe-files\.nic\.[0-9a-f-]{36}$/);
      const nic = await network.networkInterfaces.get("rg-endpoints", nicName);
      expect(nic.privateEndpoint?.id).toBe(endpoint.id);
      expect(nic.ipConfigurations?.[0]?.privateIPAddress).toBe(endpoint.customDnsConfigs?.[0]?.ipAddresses?.[0]);
      const connections = emulator.control.snapshot().connections.filter((c) => c.endpointId === endpoint.id);
      expect(connections.map((c) => c.state.status)).toEqual(["Approved"]);
    });

    it("creates a manual endpoint whose connection is Pending with the request message", async () => {
      const endpoint = await create("pe-files-manual", true);
      expect(endpoint.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState).toMatchObject({ status: "Pending" });
      const rm = new ResourceManagementClient(credential, SPOKE, clientOptions(emulator));
      const connection = emulator.control.snapshot().connections.find((c) => c.endpointId === endpoint.id);
      const generic = await rm.resources.getById(connection?.id ?? "", "2025-06-01");
      expect(generic.properties).toMatchObject({ privateLinkServiceConnectionState: { status: "Pending", description: "need files", actionRequired: "None" } });
    });

    it("deletes an endpoint with the long-running DELETE, taking its NIC and connection with it", async () => {
      emulator.control.setAsyncOperationDelay(30);
      const endpoint = await create("pe-doomed", false);
      await network.privateEndpoints.beginDeleteAndWait("rg-endpoints", "pe-doomed", FAST);
      await expect(network.privateEndpoints.get("rg-endpoints", "pe-doomed")).rejects.toMatchObject({ statusCode: 404 });
      const snapshot = emulator.control.snapshot();
      expect(snapshot.connections.some((c) => c.endpointId === endpoint.id)).toBe(false);
      expect(snapshot.networkInterfaces.some((n) => n.endpointId === endpoint.id)).toBe(false);
    });

    it("lists endpoints by subscription and by resource group across pages", async () => {
      const all = await collect(network.privateEndpoints.listBySubscription());
      expect(all.map((e) => e.name).sort()).toEqual(["pe-batchprod-account", "pe-batchprod-nodemgmt", "pe-kv-secrets", "pe-mlws", "pe-stdata-blob"]);
      const inGroup = await collect(network.privateEndpoints.list("rg-endpoints"));
      expect(inGroup).toHaveLength(5);
    });

    it("issues each ML workspace FQDN its own IP", async () => {
      const endpoint = await network.privateEndpoints.get("rg-endpoints", "pe-mlws");
      const ws = "0f6c3a0e-5b7d-4c21-9a3e-7d2b1c4e5f60";
      expect(endpoint.customDnsConfigs?.map((c) => c.fqdn)).toEqual([
        `${ws}.workspace.eastus.api.azureml.ms`,
        `${ws}.workspace.eastus.cert.api.azureml.ms`,
        `ml-mlws-eastus-${ws}.eastus.notebooks.azure.net`,
        `*.${ws}.inference.eastus.api.azureml.ms`,
      ]);
      expect(new Set(endpoint.customDnsConfigs?.map((c) => c.ipAddresses?.[0])).size).toBe(4);
    });

    it("writes zone group records with Azure's creator metadata and removes them with the group", async () => {
      const zone = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
      const group = await network.privateDnsZoneGroups.beginCreateOrUpdateAndWait("rg-endpoints", "pe-stdata-blob", "default", { privateDnsZoneConfigs: [{ name: "blob", privateDnsZoneId: zone }] }, FAST);
      expect(group.privateDnsZoneConfigs?.[0]?.recordSets?.[0]).toMatchObject({ recordType: "A", recordSetName: "stdata", fqdn: "stdata.privatelink.blob.core.windows.net" });
      const record = await dns.recordSets.get("rg-dns", "privatelink.blob.core.windows.net", "A", "stdata");
      expect(record.metadata).toEqual({ creator: "created by private DNS zone group" });
      await network.privateDnsZoneGroups.beginDeleteAndWait("rg-endpoints", "pe-stdata-blob", "default", FAST);
      await expect(dns.recordSets.get("rg-dns", "privatelink.blob.core.windows.net", "A", "stdata")).rejects.toMatchObject({ statusCode: 404 });
    });

    it("reads PaaS resources with tags and location through resources.getById", async () => {
      const rm = new ResourceManagementClient(credential, SPOKE, clientOptions(emulator));
      const vault = await rm.resources.getById(`/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`, "2024-11-01");
      expect(vault).toMatchObject({ location: "eastus", tags: { env: "prod", owner: "security-team" }, type: "Microsoft.KeyVault/vaults" });
    });
  });
});
