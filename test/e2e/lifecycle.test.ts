import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CreatePrivateEndpointRequest } from "@privatelink-autopilot/arm-emulator";
import { createArmClients, StaticTokenCredential } from "../../shared/azure/clients";
import { emptyEstate, HUB, OWNER, recordsIn, SPOKE, startStack, UNKNOWN } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const ML = `/subscriptions/${SPOKE}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlws`;
const KEYVAULT = `/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`;
const DNS_RG = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones`;

/** The demo estate without its seeded endpoints, so each test creates the ones it is about. */
function newEndpoint(name: string, targetResourceId: string, groupIds: string[], subscriptionId = SPOKE): CreatePrivateEndpointRequest {
  return { subscriptionId, resourceGroup: subscriptionId === SPOKE ? "rg-endpoints" : "rg-rogue", name, targetResourceId, groupIds, manual: true, requestMessage: `please, for ${name}` };
}

function connectionOf(stack: Stack, endpointId: string) {
  return stack.emulator.control.snapshot().connections.find((c) => c.endpointId.toLowerCase() === endpointId.toLowerCase());
}

function ownedRecords(stack: Stack): string[] {
  return stack.emulator.control
    .snapshot()
    .recordSets.filter((r) => r.metadata["owner"] === OWNER)
    .map((r) => `${r.type} ${r.name}.${r.zoneName}`)
    .sort();
}

describe("the app end to end (local host + ARM emulator + real durable client)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate() });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(async () => {
    await stack.reseed(await emptyEstate());
  });

  it("approves a Pending Batch connection from an allowed subscription and writes its records in both Batch zones", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-batch", BATCH, ["batchAccount"]));
    await stack.settle();

    const connection = connectionOf(stack, endpoint.id);
    expect(connection?.state.status).toBe("Approved");
    expect(connection?.state.description).toContain("privatelink-autopilot");
    expect(connection?.state.description).toContain("platform-subscriptions");
    expect(recordsIn(stack.emulator, "privatelink.batch.azure.com")).toEqual([expect.stringMatching(/^batchprod\.eastus A 10\.20\.1\.\d+ owner=e2e-owner$/)]);
    // Both zones are in use: the legacy regional zone gets the documented CNAME to the new zone's name.
    expect(recordsIn(stack.emulator, "privatelink.eastus.batch.azure.com")).toEqual(["batchprod CNAME batchprod.eastus.privatelink.batch.azure.com owner=e2e-owner"]);
  });

  it("rejects an endpoint from a subscription the policy does not know, and writes no record", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-rogue", STORAGE, ["blob"], UNKNOWN));
    // The stranger's subscription is not watched: a run for the resource (or the sweep) finds the connection.
    const { report } = await stack.run({ resourceId: STORAGE });

    expect(connectionOf(stack, endpoint.id)?.state).toMatchObject({ status: "Rejected", description: expect.stringContaining("unknown-subscriptions") });
    expect(report.decisions).toEqual([expect.objectContaining({ action: "reject", ruleName: "unknown-subscriptions", outcome: "rejected" })]);
    expect(ownedRecords(stack)).toEqual([]);
  });

  it("leaves a connection Pending when the policy says so, writes nothing, and says why", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-kv", KEYVAULT, ["vault"]));
    await stack.settle();
    const { report } = await stack.run({ endpointId: endpoint.id });

    expect(connectionOf(stack, endpoint.id)?.state.status).toBe("Pending");
    expect(report.decisions).toEqual([expect.objectContaining({ action: "leavePending", ruleName: "keyvault-for-humans", outcome: "leftPending" })]);
    expect(report.dns.skipped).toEqual([expect.objectContaining({ reason: "notApproved" })]);
    expect(ownedRecords(stack)).toEqual([]);
  });

  it("writes every FQDN of a Machine Learning workspace endpoint across both of its zones", async () => {
    stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-ml", ML, ["amlworkspace"]));
    await stack.settle();

    const api = recordsIn(stack.emulator, "privatelink.api.azureml.ms");
    const notebooks = recordsIn(stack.emulator, "privatelink.notebooks.azure.net");
    expect(api).toEqual([
      expect.stringMatching(/^\*\.[0-9a-f-]+\.inference\.eastus A /),
      expect.stringMatching(/^[0-9a-f-]+\.workspace\.eastus A /),
      expect.stringMatching(/^[0-9a-f-]+\.workspace\.eastus\.cert A /),
    ]);
    expect(notebooks).toEqual([expect.stringMatching(/^ml-mlws-eastus-[0-9a-f-]+\.eastus A /)]);
  });

  it("deletes an endpoint's records when the endpoint is deleted, and leaves the foreign record in the zone alone", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
    await stack.settle();
    const zoneBefore = recordsIn(stack.emulator, "privatelink.blob.core.windows.net");
    expect(zoneBefore).toEqual(expect.arrayContaining([expect.stringMatching(/^stdata A .* owner=e2e-owner$/), expect.stringMatching(/^legacyshare A /)]));

    stack.emulator.control.deletePrivateEndpoint(endpoint.id);
    await stack.settle();

    const zoneAfter = recordsIn(stack.emulator, "privatelink.blob.core.windows.net");
    expect(zoneAfter).toEqual(zoneBefore.filter((r) => !r.startsWith("stdata ")));
    expect(zoneAfter).toEqual([expect.stringMatching(/^legacyshare A /)]);
  });

  it("deletes the records when the resource side removes the connection and the endpoint turns Disconnected", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
    await stack.settle();
    expect(ownedRecords(stack)).toEqual(["A stdata.privatelink.blob.core.windows.net"]);

    stack.emulator.control.removeConnection(connectionOf(stack, endpoint.id)?.id ?? "");
    await stack.settle();

    const link = stack.emulator.control.snapshot().privateEndpoints.find((e) => e.id === endpoint.id)?.links[0];
    expect(link?.state.status).toBe("Disconnected");
    expect(ownedRecords(stack)).toEqual([]);
  });

  it("hands a shared name over to the other endpoint when the holder's connection is removed", async () => {
    const first = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob-1", STORAGE, ["blob"]));
    await stack.settle();
    const second = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob-2", STORAGE, ["blob"]));
    await stack.settle();
    const holder = () => stack.emulator.control.snapshot().recordSets.find((r) => r.zoneName === "privatelink.blob.core.windows.net" && r.name === "stdata")?.metadata["endpointId"];
    expect(holder()).toBe(first.id.toLowerCase());

    stack.emulator.control.removeConnection(connectionOf(stack, first.id)?.id ?? "");
    await stack.settle();

    expect(holder()).toBe(second.id.toLowerCase());
  });

  it("deletes nothing on a forged delete event for an endpoint that still exists", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
    await stack.settle();
    const before = ownedRecords(stack);
    expect(before).toHaveLength(1);

    stack.emulator.control.forgeEvent({ eventType: "Microsoft.Resources.ResourceDeleteSuccess", resourceId: endpoint.id, operationName: "Microsoft.Network/privateEndpoints/delete" });
    await stack.settle();

    expect(ownedRecords(stack)).toEqual(before);
    expect(stack.logs.some((l) => l.message.includes("privateEndpoints/delete succeeded"))).toBe(true);
  });

  it("approves once and writes each record once for a burst of 50 duplicate events", async () => {
    stack.emulator.control.setEventChaos({ duplicate: 50 });
    stack.emulator.control.resetCounters();
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
    await stack.settle();
    stack.emulator.control.clearEventChaos();

    const counters = stack.emulator.control.counters();
    const writes = (pattern: RegExp) => Object.entries(counters.operations).filter(([op]) => pattern.test(op)).reduce((n, [, c]) => n + c, 0);
    expect(connectionOf(stack, endpoint.id)?.state.status).toBe("Approved");
    expect(writes(/^(PUT|PATCH) .*privateEndpointConnections:/)).toBe(1);
    expect(writes(/^PUT privateDnsZones\/recordSets:createOrUpdate$/)).toBe(1);
  });

  it("returns the plan of a dry run and changes nothing", async () => {
    // Auto-approved, and its event lost: the records are missing until a run writes them.
    stack.emulator.control.setEventChaos({ dropProbability: 1 });
    const endpoint = stack.emulator.control.createPrivateEndpoint({ ...newEndpoint("pe-blob", STORAGE, ["blob"]), manual: false });
    await stack.settle();
    stack.emulator.control.clearEventChaos();
    const before = stack.emulator.control.snapshot();

    const { report, runtimeStatus } = await stack.run({ endpointId: endpoint.id }, true);

    expect(runtimeStatus).toBe("Completed");
    expect(report.dryRun).toBe(true);
    expect(report.dns.created).toEqual([expect.objectContaining({ zone: "privatelink.blob.core.windows.net", name: "stdata", type: "A" })]);
    expect(stack.emulator.control.snapshot()).toEqual(before);
  });

  it("restores records deleted behind its back and removes a stale owned record of a gone endpoint, by the timer sweep", async () => {
    stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
    await stack.settle();
    const zoneId = `${DNS_RG}/privatelink.blob.core.windows.net`;
    stack.emulator.control.deleteRecordSet({ zoneId, type: "A", name: "stdata" });
    const gone = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-long-gone`;
    stack.emulator.control.putRecordSet({ zoneId, type: "A", name: "stale", ipv4Addresses: ["10.20.1.99"], metadata: { managedBy: "privatelink-autopilot", owner: OWNER, endpointId: gone.toLowerCase() } });
    await stack.settle();

    await stack.host.runTimer("driftSweepTimer");
    await stack.settle();

    expect(recordsIn(stack.emulator, "privatelink.blob.core.windows.net")).toEqual([
      expect.stringMatching(/^legacyshare A /),
      expect.stringMatching(/^stdata A 10\.20\.1\.\d+ owner=e2e-owner$/),
    ]);
  });

  it("rejects, by the timer sweep, a stranger's Pending connection whose event was lost, on a resource none of our endpoints point at", async () => {
    stack.emulator.control.setEventChaos({ dropProbability: 1 });
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-rogue", STORAGE, ["blob"], UNKNOWN));
    await stack.settle();
    expect(connectionOf(stack, endpoint.id)?.state.status).toBe("Pending");
    stack.emulator.control.clearEventChaos();

    await stack.host.runTimer("driftSweepTimer");
    await stack.settle();

    expect(connectionOf(stack, endpoint.id)?.state).toMatchObject({ status: "Rejected", description: expect.stringContaining("unknown-subscriptions") });
    expect(ownedRecords(stack)).toEqual([]);
  });

  it("steps aside, without a conflict, when the endpoint's own DNS zone group takes over its name", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
    await stack.settle();
    expect(recordsIn(stack.emulator, "privatelink.blob.core.windows.net")).toContainEqual(expect.stringMatching(/^stdata A .* owner=e2e-owner$/));
    const network = createArmClients({ endpoint: stack.emulator.url, credential: new StaticTokenCredential(), ca: stack.emulator.ca }).network(SPOKE);
    await network.privateDnsZoneGroups.beginCreateOrUpdateAndWait("rg-endpoints", endpoint.name, "default", { privateDnsZoneConfigs: [{ name: "blob", privateDnsZoneId: `${DNS_RG}/privatelink.blob.core.windows.net` }] }, { updateIntervalInMs: 5 });
    await stack.settle();
    const zoneGroupRecord = stack.emulator.control.snapshot().recordSets.find((r) => r.name === "stdata");
    expect(zoneGroupRecord?.metadata).toMatchObject({ creator: expect.stringContaining("zone group") });

    const { report } = await stack.run("all");

    expect(report.dns.conflicts).toEqual([]);
    expect(report.dns.created).toEqual([]);
    expect(report.dns.deleted).toEqual([]);
    expect(stack.emulator.control.snapshot().recordSets.find((r) => r.name === "stdata")).toEqual(zoneGroupRecord);
  });

  it("answers malformed Event Grid payloads and bad run requests with 400 and a clear message, and starts nothing", async () => {
    stack.emulator.control.resetCounters();
    const webhook = "/runtime/webhooks/eventgrid?functionName=onArmEvent";
    const notJson = await stack.post(webhook, "{not json");
    expect(notJson.status).toBe(400);
    const badRun = await stack.post("/api/runs", { scope: { endpointId: "pe-1" } });
    expect(badRun).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("Invalid ARM resource id \"pe-1\"") } } });
    const outside = await stack.post("/api/runs", { scope: { subscriptionId: UNKNOWN } });
    expect(outside).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("outside the configured subscriptions") } } });
    const wrongType = await stack.post("/api/runs", { scope: "all", dryRun: "yes" });
    expect(wrongType).toMatchObject({ status: 400, body: { error: { message: "dryRun: expected true or false" } } });
    await stack.settle();
    expect(stack.emulator.control.counters().total).toBe(0);
  });

  it("answers 404 for a run that does not exist", async () => {
    expect((await stack.get("/api/runs/no-such-run")).status).toBe(404);
  });
});

describe("the app across a host restart", () => {
  it("resumes a run that was in flight when the host stopped, and completes it", async () => {
    const stack = await startStack({ estate: await emptyEstate(), emulator: { asyncOperationDelayMs: 400 } });
    try {
      const endpoint = stack.emulator.control.createPrivateEndpoint(newEndpoint("pe-blob", STORAGE, ["blob"]));
      await stack.emulator.control.flushEvents();
      // Stop while the approval's long-running operation is still in progress.
      await new Promise((r) => setTimeout(r, 150));
      await stack.stopHost();
      expect(connectionOf(stack, endpoint.id)?.state.status).not.toBe("Rejected");
      await stack.startHost();
      await stack.settle();

      expect(connectionOf(stack, endpoint.id)?.state.status).toBe("Approved");
      expect(ownedRecords(stack)).toEqual(["A stdata.privatelink.blob.core.windows.net"]);
    } finally {
      await stack.close();
    }
  });
});
