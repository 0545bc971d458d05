/**
 * The control API, in process and over HTTP: seeding is deterministic, actions taken as other
 * people change both sides of a link the way Azure does, and snapshots expose the whole estate.
 * Also the paging contract, as a property over list sizes and page sizes.
 */
import fc from "fast-check";
import { resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator, EstateSeed } from "../src/index";
import { loadEstateSeed, startEmulator } from "../src/index";
import { HUB, SPOKE, UNKNOWN, armRequest } from "./clients";

const ENDPOINTS = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints`;
const BLOB_ZONE = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;

describe("the control API", () => {
  let emulator: Emulator;
  let demo: EstateSeed;

  beforeAll(async () => {
    demo = await loadEstateSeed(resolve(__dirname, "..", "estates", "demo.json"));
    emulator = await startEmulator({ estate: demo });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed(demo);
  });

  it("seeds the demo estate with the same ids and IPs every time", async () => {
    const other = await startEmulator({ estate: demo });
    const pick = (e: Emulator) => {
      const s = e.control.snapshot();
      return { connections: s.connections.map((c) => c.id), nics: s.networkInterfaces.map((n) => [n.id, n.ipConfigs.map((c) => c.privateIp)]) };
    };
    expect(pick(other)).toEqual(pick(emulator));
    await other.close();
  });

  it("holds the demo estate's endpoints, all Pending, and the hand-made foreign record", () => {
    const snapshot = emulator.control.snapshot();
    expect(snapshot.connections.map((c) => [c.endpointId.split("/").at(-1), c.state.status])).toEqual([
      ["pe-batchprod-account", "Pending"],
      ["pe-batchprod-nodemgmt", "Pending"],
      ["pe-mlws", "Pending"],
      ["pe-stdata-blob", "Pending"],
      ["pe-kv-secrets", "Pending"],
      ["pe-rogue-stdata", "Pending"],
    ]);
    expect(snapshot.privateEndpoints.find((e) => e.name === "pe-rogue-stdata")?.subscriptionId).toBe(UNKNOWN);
    expect(snapshot.recordSets).toEqual([
      expect.objectContaining({ zoneName: "privatelink.blob.core.windows.net", name: "legacyshare", aRecords: ["10.50.0.10"], metadata: { createdBy: "storage-team", ticket: "CHG-1042" }, etag: expect.stringMatching(/^"/) }),
    ]);
  });

  it("removing a connection from the resource side leaves the endpoint's link Disconnected", async () => {
    const connection = emulator.control.snapshot().connections.find((c) => c.endpointId.endsWith("/pe-kv-secrets"));
    expect(emulator.control.removeConnection(connection?.id ?? "")).toBe(true);
    expect(emulator.control.removeConnection(connection?.id ?? "")).toBe(false);
    const res = await armRequest(emulator, "GET", `${ENDPOINTS}/pe-kv-secrets?api-version=2025-07-01`);
    expect(res.body).toMatchObject({ properties: { manualPrivateLinkServiceConnections: [{ properties: { privateLinkServiceConnectionState: { status: "Disconnected" } } }] } });
  });

  it("approving outside the app shows on both sides", async () => {
    const connection = emulator.control.snapshot().connections.find((c) => c.endpointId.endsWith("/pe-stdata-blob"));
    emulator.control.setConnectionState(connection?.id ?? "", "Approved", "approved by the storage team");
    const side = await armRequest(emulator, "GET", `${connection?.id}?api-version=2025-06-01`);
    expect(side.body).toMatchObject({ properties: { privateLinkServiceConnectionState: { status: "Approved", description: "approved by the storage team", actionRequired: "None" } } });
    const endpoint = await armRequest(emulator, "GET", `${ENDPOINTS}/pe-stdata-blob?api-version=2025-07-01`);
    expect(endpoint.body).toMatchObject({ properties: { manualPrivateLinkServiceConnections: [{ properties: { privateLinkServiceConnectionState: { status: "Approved" } } }] } });
  });

  it("changing an endpoint's IP updates its NIC, its customDnsConfigs and its zone group's records", async () => {
    const put = await armRequest(emulator, "PUT", `${ENDPOINTS}/pe-stdata-blob/privateDnsZoneGroups/default?api-version=2025-07-01`, {
      body: { properties: { privateDnsZoneConfigs: [{ name: "blob", properties: { privateDnsZoneId: BLOB_ZONE } }] } },
    });
    expect(put.status).toBe(201);
    const endpoint = emulator.control.snapshot().privateEndpoints.find((e) => e.name === "pe-stdata-blob");
    const nic = emulator.control.changeEndpointIp(endpoint?.id ?? "", "stdata.blob.core.windows.net", "10.20.1.99");
    expect(nic.ipConfigs.map((c) => c.privateIp)).toEqual(["10.20.1.99"]);
    const res = await armRequest(emulator, "GET", `${ENDPOINTS}/pe-stdata-blob?api-version=2025-07-01`);
    expect(res.body).toMatchObject({ properties: { customDnsConfigs: [{ fqdn: "stdata.blob.core.windows.net", ipAddresses: ["10.20.1.99"] }] } });
    const record = emulator.control.snapshot().recordSets.find((r) => r.name === "stdata");
    expect(record).toMatchObject({ aRecords: ["10.20.1.99"], metadata: { creator: "created by private DNS zone group" }, ttl: 10 });
    expect(() => emulator.control.changeEndpointIp(endpoint?.id ?? "", "other.example", "10.0.0.1")).toThrow(RangeError);
  });

  it("creates endpoints for other people, with IPs from the subnet and the FQDNs of the target's region", () => {
    const created = emulator.control.createPrivateEndpoint({
      subscriptionId: SPOKE,
      resourceGroup: "rg-new",
      name: "pe-batch-again",
      targetResourceId: `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`,
      groupIds: ["nodeManagement"],
      manual: false,
    });
    expect(created.links[0]?.state.status).toBe("Approved");
    const nic = emulator.control.snapshot().networkInterfaces.find((n) => n.id === created.nicId);
    expect(nic?.ipConfigs.map((c) => [c.fqdn, c.privateIp])).toEqual([["batchprod.eastus.service.batch.azure.com", "10.20.1.12"]]);
    expect(() => emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-new", name: "pe-bad", targetResourceId: created.links[0]?.targetResourceId ?? "", groupIds: ["blob"], manual: false })).toThrow(/not valid/);
  });

  it("deleting an endpoint removes its connection from the target", () => {
    const endpointId = `${ENDPOINTS}/pe-mlws`;
    expect(emulator.control.deletePrivateEndpoint(endpointId)).toBe(true);
    expect(emulator.control.snapshot().connections.some((c) => c.endpointId === endpointId)).toBe(false);
    expect(emulator.control.deletePrivateEndpoint(endpointId)).toBe(false);
  });

  it("serves the same methods over HTTP under /_emulator", async () => {
    const listed = await armRequest(emulator, "GET", "/_emulator/", { token: null });
    expect(listed.body).toMatchObject({ methods: expect.arrayContaining(["seed", "setConnectionState", "flushEvents"]) });
    const written = await armRequest(emulator, "POST", "/_emulator/putRecordSet", { token: null, body: { zoneId: BLOB_ZONE, type: "A", name: "byhand", ipv4Addresses: ["10.1.1.1"], metadata: { who: "ops" } } });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ name: "byhand", aRecords: ["10.1.1.1"] });
    const snapshot = await armRequest(emulator, "GET", "/_emulator/snapshot", { token: null });
    expect((snapshot.body as { recordSets: unknown[] }).recordSets).toHaveLength(2);
    const bad = await armRequest(emulator, "POST", "/_emulator/setConnectionState", { token: null, body: { connectionId: `${BLOB_ZONE}/nope`, status: "Approved" } });
    expect(bad.status).toBe(400);
    const unknown = await armRequest(emulator, "POST", "/_emulator/explode", { token: null });
    expect(unknown.status).toBe(404);
    const counters = await armRequest(emulator, "GET", "/_emulator/counters", { token: null });
    expect(counters.body).toEqual({ operations: {}, total: 0, throttled: 0, maxWritesInFlight: 0 });
  });

  it("pages every list completely and in order, whatever the page size and $top", async () => {
    const zone = "privatelink.notebooks.azure.net";
    const zoneId = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zone}`;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 4 }), fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), async (count, pageSize, top) => {
        for (const r of emulator.control.snapshot().recordSets.filter((x) => x.zoneName === zone)) emulator.control.deleteRecordSet({ zoneId, type: "A", name: r.name });
        for (let i = 0; i < count; i++) emulator.control.putRecordSet({ zoneId, type: "A", name: `n${i}`, ipv4Addresses: ["10.0.0.1"] });
        emulator.control.setPageSize(pageSize);
        const names: string[] = [];
        let next: string | undefined = `${zoneId}/A?api-version=2024-06-01${top === undefined ? "" : `&$top=${top}`}`;
        for (let pages = 0; next !== undefined && pages < 50; pages++) {
          const res = await armRequest(emulator, "GET", next);
          const body = res.body as { value: { name: string }[]; nextLink?: string };
          expect(body.value.length).toBeLessThanOrEqual(Math.min(pageSize, top ?? pageSize));
          names.push(...body.value.map((v) => v.name));
          next = body.nextLink;
        }
        expect(names).toEqual(Array.from({ length: count }, (_, i) => `n${i}`));
      }),
      { numRuns: 25 },
    );
    emulator.control.setPageSize(100);
  });
});
