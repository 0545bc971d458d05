/**
 * Private DNS zones and their virtual network links through @azure/arm-privatedns: creating and
 * deleting zones and creating, updating and deleting links are long-running, polled on Private DNS's
 * own operation URLs, with ETag preconditions, as in Azure.
 */
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { startEmulator } from "../src/index";
import { StaticTokenCredential, armRequest, clientOptions } from "./clients";

const SUB = "0000aaaa-0000-4000-8000-000000000001";
const ZONE = "privatelink.blob.core.windows.net";
const ZONES = `/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones`;
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const FAST = { updateIntervalInMs: 5 };

describe("Private DNS zones and virtual network links", () => {
  let emulator: Emulator;
  let dns: PrivateDnsManagementClient;
  beforeAll(async () => {
    emulator = await startEmulator();
    dns = new PrivateDnsManagementClient(new StaticTokenCredential(), SUB, clientOptions(emulator));
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.setAsyncOperationDelay(0);
    emulator.control.seed({ subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg-dns" }, { name: "rg-net" }] }] });
  });

  it("creates a zone as a long-running operation polled on privateDnsOperationStatuses, and refuses a second create with If-None-Match", async () => {
    // Long enough that the reads below happen before it commits, even on a loaded machine.
    emulator.control.setAsyncOperationDelay(500);
    const accepted = await armRequest(emulator, "PUT", `${ZONES}/${ZONE}?api-version=2024-06-01`, { body: { location: "global", tags: { team: "network" } } });
    expect(accepted.status).toBe(202);
    expect(accepted.headers["azure-asyncoperation"]).toMatch(new RegExp(`/subscriptions/${SUB}/providers/Microsoft.Network/privateDnsOperationStatuses/[0-9a-f-]{36}\\?api-version=2024-06-01$`));
    expect(accepted.headers.location).toMatch(/\/privateDnsOperationResults\//);
    expect((await armRequest(emulator, "GET", String(accepted.headers["azure-asyncoperation"]))).body).toMatchObject({ status: "InProgress" });
    expect((await armRequest(emulator, "GET", `${ZONES}/${ZONE}?api-version=2024-06-01`)).status).toBe(404);
    emulator.control.setAsyncOperationDelay(0);

    const zone = await dns.privateZones.beginCreateOrUpdateAndWait("rg-dns", "privatelink.file.core.windows.net", { location: "global", tags: { team: "storage" } }, FAST);
    expect(zone).toMatchObject({ name: "privatelink.file.core.windows.net", location: "global", tags: { team: "storage" }, provisioningState: "Succeeded", numberOfRecordSets: 1 });
    await expect(dns.privateZones.beginCreateOrUpdateAndWait("rg-dns", "privatelink.file.core.windows.net", { location: "global" }, { ...FAST, ifNoneMatch: "*" })).rejects.toMatchObject({ statusCode: 412 });
    // The first create commits when its delay has passed: wait for its operation, bounded.
    const status = String(accepted.headers["azure-asyncoperation"]);
    for (let i = 0; i < 100 && ((await armRequest(emulator, "GET", status)).body as { status?: string }).status === "InProgress"; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await armRequest(emulator, "GET", status)).body).toMatchObject({ status: "Succeeded" });
    expect(emulator.control.snapshot().privateDnsZones.map((z) => z.name).sort()).toEqual(["privatelink.blob.core.windows.net", "privatelink.file.core.windows.net"]);
  });

  it("creates, updates, lists and deletes a virtual network link (not a record set); the zone cannot go while it has links", async () => {
    await dns.privateZones.beginCreateOrUpdateAndWait("rg-dns", ZONE, { location: "global" }, FAST);
    const link = await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait("rg-dns", ZONE, "hub", { location: "global", virtualNetwork: { id: VNET }, registrationEnabled: false }, FAST);
    expect(link).toMatchObject({ name: "hub", virtualNetwork: { id: VNET }, registrationEnabled: false, virtualNetworkLinkState: "Completed" });
    const updated = await dns.virtualNetworkLinks.beginUpdateAndWait("rg-dns", ZONE, "hub", { registrationEnabled: true, tags: { why: "autoreg" } }, FAST);
    expect(updated).toMatchObject({ registrationEnabled: true, tags: { why: "autoreg" }, virtualNetwork: { id: VNET } });
    expect(updated.etag).not.toBe(link.etag);
    await expect(dns.virtualNetworkLinks.beginUpdateAndWait("rg-dns", ZONE, "hub", { registrationEnabled: false }, { ...FAST, ifMatch: link.etag ?? "" })).rejects.toMatchObject({ statusCode: 412 });
    const listed = [];
    for await (const l of dns.virtualNetworkLinks.list("rg-dns", ZONE)) listed.push(l.name);
    expect(listed).toEqual(["hub"]);
    expect((await dns.privateZones.get("rg-dns", ZONE)).numberOfVirtualNetworkLinksWithRegistration).toBe(1);
    await expect(dns.privateZones.beginDeleteAndWait("rg-dns", ZONE, FAST)).rejects.toMatchObject({ statusCode: 409 });
    await dns.virtualNetworkLinks.beginDeleteAndWait("rg-dns", ZONE, "hub", FAST);
    await expect(dns.virtualNetworkLinks.get("rg-dns", ZONE, "hub")).rejects.toMatchObject({ statusCode: 404 });
    await expect(dns.virtualNetworkLinks.beginUpdateAndWait("rg-dns", ZONE, "hub", { registrationEnabled: true }, FAST)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses a link without a virtual network, and deletes a zone without links together with its record sets", async () => {
    await dns.privateZones.beginCreateOrUpdateAndWait("rg-dns", ZONE, { location: "global" }, FAST);
    const noNetwork = await armRequest(emulator, "PUT", `${ZONES}/${ZONE}/virtualNetworkLinks/bad?api-version=2024-06-01`, { body: { location: "global", properties: {} } });
    expect(noNetwork.status).toBe(400);
    await dns.recordSets.createOrUpdate("rg-dns", ZONE, "A", "web", { ttl: 10, aRecords: [{ ipv4Address: "10.0.0.4" }] });
    await dns.privateZones.beginDeleteAndWait("rg-dns", ZONE, FAST);
    await expect(dns.privateZones.get("rg-dns", ZONE)).rejects.toMatchObject({ statusCode: 404 });
    expect(emulator.control.snapshot().recordSets).toEqual([]);
    expect((await armRequest(emulator, "DELETE", `${ZONES}/${ZONE}?api-version=2024-06-01`)).status).toBe(204);
  });
});
