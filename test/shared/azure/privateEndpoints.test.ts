import { describe, expect, it } from "vitest";
import type { PrivateEndpoint } from "../../../shared/domain";
import { getNetworkInterfaceEndpointId, getPrivateEndpoint, listPrivateEndpoints, toConnectionStatus, toPrivateEndpoint } from "../../../shared/azure/privateEndpoints";
import { BATCH, BLOB_ZONE, ML, ML_WORKSPACE_ID, STORAGE, SUB, SUB2, VAULT, VAULT_ZONE, endpointId, useEmulator, zoneId } from "./fixture";

const PE = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Network/privateEndpoints/testPe";
const PLS = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1";

describe("toPrivateEndpoint", () => {
  // The shape of PrivateEndpointGet / PrivateEndpointGetForManualApproval, as the SDK flattens it.
  const sdk = {
    id: PE,
    name: "testPe",
    location: "East US",
    provisioningState: "Succeeded" as const,
    privateLinkServiceConnections: [
      { name: "auto", privateLinkServiceId: PLS, groupIds: ["blob"], requestMessage: "hi", privateLinkServiceConnectionState: { status: "Approved", description: "Auto-approved", actionsRequired: "None" } },
    ],
    manualPrivateLinkServiceConnections: [{ name: "manual", privateLinkServiceId: PLS, groupIds: ["file"], privateLinkServiceConnectionState: { status: "Pending" } }],
    customDnsConfigs: [
      { fqdn: "sa1.blob.core.windows.net", ipAddresses: ["192.168.0.4"] },
      { fqdn: "SA1.blob.core.windows.net", ipAddresses: ["192.168.0.5"] },
    ],
  };

  it("reads auto links as not manual and manual links as manual, with status, groupIds and request message", () => {
    const endpoint = toPrivateEndpoint(sdk);
    expect(endpoint.links).toEqual([
      { name: "auto", targetResourceId: PLS, groupIds: ["blob"], status: "Approved", manual: false, requestMessage: "hi" },
      { name: "manual", targetResourceId: PLS, groupIds: ["file"], status: "Pending", manual: true },
    ]);
    expect(endpoint).toMatchObject({ id: PE, name: "testPe", location: "eastus", provisioningState: "Succeeded", zoneGroupZones: [] });
  });

  it("merges customDnsConfigs per FQDN and prefers them to the NIC", () => {
    const nic = { ipConfigurations: [{ privateIPAddress: "10.0.0.9", privateLinkConnectionProperties: { fqdns: ["ignored.example"] } }] };
    expect(toPrivateEndpoint(sdk, { networkInterfaces: [nic] }).dnsConfigs).toEqual([{ fqdn: "sa1.blob.core.windows.net", ipAddresses: ["192.168.0.4", "192.168.0.5"] }]);
  });

  it("takes FQDNs from the NIC's ipConfigurations when customDnsConfigs is empty (zone group attached)", () => {
    const nic = {
      ipConfigurations: [
        { privateIPAddress: "10.0.0.4", privateLinkConnectionProperties: { groupId: "blob", requiredMemberName: "blob", fqdns: ["sa1.blob.core.windows.net"] } },
        { privateIPAddress: "10.0.0.5", privateLinkConnectionProperties: { groupId: "blob", requiredMemberName: "blob_secondary", fqdns: ["sa1-secondary.blob.core.windows.net"] } },
        { privateIPAddress: "10.0.0.6" },
      ],
    };
    const zoneGroups = [
      { privateDnsZoneConfigs: [{ privateDnsZoneId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/PrivateLink.Blob.Core.Windows.Net` }, { privateDnsZoneId: "not an id" }] },
    ];
    const endpoint = toPrivateEndpoint({ ...sdk, customDnsConfigs: [] }, { networkInterfaces: [nic], zoneGroups });
    expect(endpoint.dnsConfigs).toEqual([
      { fqdn: "sa1.blob.core.windows.net", ipAddresses: ["10.0.0.4"] },
      { fqdn: "sa1-secondary.blob.core.windows.net", ipAddresses: ["10.0.0.5"] },
    ]);
    expect(endpoint.zoneGroupZones).toEqual(["privatelink.blob.core.windows.net"]);
  });

  it("maps connection states case-insensitively; anything unknown counts as Disconnected", () => {
    expect(["approved", "PENDING", "Rejected", "Disconnected", "Removed", undefined].map(toConnectionStatus)).toEqual(["Approved", "Pending", "Rejected", "Disconnected", "Disconnected", "Disconnected"]);
  });

  it("refuses an endpoint without an id", () => {
    expect(() => toPrivateEndpoint({ name: "x" })).toThrow(TypeError);
  });
});

describe("private endpoint adapter against the emulator", () => {
  const fx = useEmulator(2);
  const byName = (endpoints: PrivateEndpoint[]) => Object.fromEntries(endpoints.map((e) => [e.name, e]));

  it("lists a subscription's endpoints across pages, reading zone groups only for approved ones", async () => {
    fx.emulator.control.resetCounters();
    const endpoints = await listPrivateEndpoints(fx.clients, SUB);
    expect(endpoints.map((e) => e.name).sort()).toEqual(["pe-batch", "pe-blob", "pe-file", "pe-kv", "pe-ml"]);
    // Five endpoints at two per page: three list requests; three Approved endpoints: three zone group lists.
    expect(fx.clients.requestCount()).toBe(6);
    const counters = JSON.stringify(fx.emulator.control.counters());
    expect(counters).toContain("privateEndpoints:listBySubscription");
    expect(counters).not.toContain("privateEndpoints:get");

    const e = byName(endpoints);
    expect(e["pe-batch"]?.links).toEqual([{ name: "pe-batch", targetResourceId: BATCH, groupIds: ["batchAccount"], status: "Approved", manual: false }]);
    expect(e["pe-batch"]?.dnsConfigs).toEqual([{ fqdn: "batchacct.eastus.batch.azure.com", ipAddresses: [expect.stringMatching(/^10\.20\.1\.\d+$/)] }]);
    expect(e["pe-batch"]?.location).toBe("eastus");
    expect(e["pe-ml"]?.links).toEqual([{ name: "pe-ml", targetResourceId: ML, groupIds: ["amlworkspace"], status: "Pending", manual: true, requestMessage: "ML team, ticket 42" }]);
    expect(e["pe-ml"]?.dnsConfigs.map((c) => c.fqdn)).toContain(`${ML_WORKSPACE_ID}.workspace.eastus.api.azureml.ms`);
    expect(e["pe-kv"]?.links[0]?.targetResourceId).toBe(VAULT);
  });

  it("lists without any detail reads when asked, and with all of them when asked", async () => {
    const none = fx.clientsWith();
    await listPrivateEndpoints(none, SUB, { details: "none" });
    expect(none.requestCount()).toBe(3);
    const all = fx.clientsWith();
    await listPrivateEndpoints(all, SUB, { details: "all", concurrency: 2 });
    expect(all.requestCount()).toBe(3 + 5);
    // Every emulated endpoint names its FQDNs in customDnsConfigs, so a sweep's read needs only the pages.
    const sweep = fx.clientsWith();
    const endpoints = await listPrivateEndpoints(sweep, SUB, { details: "approvedWithoutDns" });
    expect(sweep.requestCount()).toBe(3);
    expect(endpoints.find((e) => e.name === "pe-batch")?.dnsConfigs.map((c) => c.fqdn)).toEqual(["batchacct.eastus.batch.azure.com"]);
    await expect(listPrivateEndpoints(all, SUB, { concurrency: 0 })).rejects.toThrow(RangeError);
  });

  it("keeps subscriptions apart", async () => {
    expect((await listPrivateEndpoints(fx.clients, SUB2)).map((e) => e.id)).toEqual([endpointId("pe-other-sub", SUB2)]);
  });

  it("gets one endpoint with the zones its DNS zone group fills", async () => {
    await fx.clients.network(SUB).privateDnsZoneGroups.beginCreateOrUpdateAndWait(
      "rg-pe",
      "pe-blob",
      "default",
      { privateDnsZoneConfigs: [{ name: "blob", privateDnsZoneId: zoneId(BLOB_ZONE) }, { name: "kv", privateDnsZoneId: zoneId(VAULT_ZONE) }] },
      { updateIntervalInMs: 5 },
    );
    const endpoint = await getPrivateEndpoint(fx.clients, endpointId("pe-blob"));
    expect(endpoint?.zoneGroupZones).toEqual([BLOB_ZONE, VAULT_ZONE]);
    expect(endpoint?.links[0]?.targetResourceId).toBe(STORAGE);
    expect(endpoint?.dnsConfigs).toEqual([{ fqdn: "stacct.blob.core.windows.net", ipAddresses: [expect.any(String)] }]);
  });

  it("sees a changed IP on the next read", async () => {
    fx.emulator.control.changeEndpointIp(endpointId("pe-kv"), undefined, "10.20.1.200");
    expect((await getPrivateEndpoint(fx.clients, endpointId("pe-kv")))?.dnsConfigs).toEqual([{ fqdn: "kv-app.vault.azure.net", ipAddresses: ["10.20.1.200"] }]);
  });

  it("reads a deleted endpoint as gone", async () => {
    expect(fx.emulator.control.deletePrivateEndpoint(endpointId("pe-batch"))).toBe(true);
    expect(await getPrivateEndpoint(fx.clients, endpointId("pe-batch"))).toBeUndefined();
    expect(await getPrivateEndpoint(fx.clients, endpointId("never-existed"))).toBeUndefined();
  });

  it("resolves a NIC to the endpoint that owns it, and a missing NIC to undefined", async () => {
    const nicId = fx.emulator.control.snapshot().privateEndpoints.find((e) => e.name === "pe-ml")?.nicId as string;
    expect((await getNetworkInterfaceEndpointId(fx.clients, nicId))?.toLowerCase()).toBe(endpointId("pe-ml").toLowerCase());
    const missing = `/subscriptions/${SUB}/resourceGroups/rg-pe/providers/Microsoft.Network/networkInterfaces/nope`;
    expect(await getNetworkInterfaceEndpointId(fx.clients, missing)).toBeUndefined();
  });

  it("rejects ids of the wrong type before calling ARM", async () => {
    await expect(getPrivateEndpoint(fx.clients, BATCH)).rejects.toThrow(/not a Microsoft.Network\/privateEndpoints id/);
    await expect(getNetworkInterfaceEndpointId(fx.clients, endpointId("pe-ml"))).rejects.toThrow(TypeError);
  });
});
