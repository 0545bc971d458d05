/**
 * ARM events from the emulator to loopback webhooks: the validation handshakes, both schemas, the
 * events control actions emit, delivery retries, and the chaos options (duplicate, delay, reorder,
 * drop, forge).
 */
import { EventGridDeserializer, isSystemEvent } from "@azure/eventgrid";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { loadEstateSeed, startEmulator } from "../src/index";
import { HUB, SPOKE, StaticTokenCredential, clientOptions } from "./clients";
import type { Subscriber } from "./subscriber";
import { startSubscriber } from "./subscriber";

const deserializer = new EventGridDeserializer();
const ZONE_ID = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
const STORAGE_ID = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;

interface EventLike {
  id: string;
  subject: string;
  eventType?: string;
  type?: string;
  data: { operationName: string; resourceUri: string; status: string };
}

function eventsOf(subscriber: Subscriber): EventLike[] {
  return subscriber.deliveries.flatMap((d) => (Array.isArray(d.body) ? (d.body as EventLike[]) : [d.body as EventLike]));
}

describe("ARM events", () => {
  let emulator: Emulator;
  let subscriber: Subscriber;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    emulator.control.reset();
    emulator.control.seed(await loadEstateSeed(resolve(__dirname, "..", "estates", "demo.json")));
    subscriber = await startSubscriber();
  });
  afterEach(async () => {
    await emulator.control.flushEvents();
    await subscriber.close();
  });

  const pendingStorageConnection = (): string => {
    const found = emulator.control.snapshot().connections.find((c) => c.endpointId.endsWith("/pe-stdata-blob"));
    if (found === undefined) throw new Error("demo estate lost pe-stdata-blob");
    return found.id;
  };

  it("validates an Event Grid subscriber, then delivers ResourceWriteSuccess for an ARM write", async () => {
    await emulator.control.subscribe({ url: subscriber.url });
    expect(subscriber.handshakes).toEqual(["SubscriptionValidation"]);
    const dns = new PrivateDnsManagementClient(new StaticTokenCredential(), HUB, clientOptions(emulator));
    await dns.recordSets.createOrUpdate("rg-dns", "privatelink.blob.core.windows.net", "A", "stdata", { ttl: 10, aRecords: [{ ipv4Address: "10.20.1.7" }] });
    await emulator.control.flushEvents();

    expect(subscriber.deliveries).toHaveLength(1);
    expect(subscriber.deliveries[0]?.headers["aeg-event-type"]).toBe("Notification");
    const [event] = await deserializer.deserializeEventGridEvents(JSON.stringify(subscriber.deliveries[0]?.body));
    expect(event).toBeDefined();
    if (event === undefined || !isSystemEvent("Microsoft.Resources.ResourceWriteSuccess", event)) throw new Error("expected a ResourceWriteSuccess event");
    expect(event.topic).toBe(`/subscriptions/${HUB}`);
    expect(event.subject).toBe(`${ZONE_ID}/A/stdata`);
    expect(event.data).toMatchObject({
      operationName: "Microsoft.Network/privateDnsZones/A/write",
      resourceUri: `${ZONE_ID}/A/stdata`,
      resourceProvider: "Microsoft.Network",
      status: "Succeeded",
      subscriptionId: HUB,
      tenantId: "aaaaaaaa-0000-4000-8000-000000000001",
    });
    expect(event.data.httpRequest).toMatchObject({ method: "PUT" });
  });

  it("sends no event for a write that failed its precondition", async () => {
    await emulator.control.subscribe({ url: subscriber.url });
    const dns = new PrivateDnsManagementClient(new StaticTokenCredential(), HUB, clientOptions(emulator));
    await expect(dns.recordSets.createOrUpdate("rg-dns", "privatelink.blob.core.windows.net", "A", "legacyshare", { ttl: 10, aRecords: [] }, { ifNoneMatch: "*" })).rejects.toMatchObject({ statusCode: 412 });
    await emulator.control.flushEvents();
    expect(subscriber.deliveries).toEqual([]);
  });

  it("delivers CloudEvents 1.0 after the OPTIONS abuse-protection handshake", async () => {
    await emulator.control.subscribe({ url: subscriber.url, schema: "CloudEventSchema" });
    expect(subscriber.handshakes).toEqual(["OPTIONS"]);
    emulator.control.setConnectionState(pendingStorageConnection(), "Approved", "approved by hand");
    await emulator.control.flushEvents();
    const [event] = await deserializer.deserializeCloudEvents(JSON.stringify(subscriber.deliveries[0]?.body));
    if (event === undefined || !isSystemEvent("Microsoft.Resources.ResourceWriteSuccess", event)) throw new Error("expected a ResourceWriteSuccess CloudEvent");
    expect(event.source).toBe(`/subscriptions/${SPOKE}`);
    expect(event.subject).toBe(pendingStorageConnection());
    expect(event.data?.operationName).toBe("Microsoft.Storage/storageAccounts/privateEndpointConnections/write");
  });

  it("rejects a subscriber that fails the handshake and never delivers to it", async () => {
    const refusing = await startSubscriber({ refuseHandshake: true });
    await expect(emulator.control.subscribe({ url: refusing.url })).rejects.toThrow(/validation handshake/);
    await expect(emulator.control.subscribe({ url: refusing.url, schema: "CloudEventSchema" })).rejects.toThrow(/abuse-protection handshake/);
    emulator.control.removeConnection(pendingStorageConnection());
    await emulator.control.flushEvents();
    expect(refusing.deliveries).toEqual([]);
    await refusing.close();
  });

  it("refuses subscriber URLs that are not plain http on the loopback interface", async () => {
    await expect(emulator.control.subscribe({ url: "https://example.com/hook" })).rejects.toThrow(RangeError);
  });

  it("emits what Azure would for actions taken by other people", async () => {
    await emulator.control.subscribe({ url: subscriber.url });
    const connectionId = pendingStorageConnection();
    const created = emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-someone", targetResourceId: STORAGE_ID, groupIds: ["queue"], manual: true, requestMessage: "hi" });
    emulator.control.changeEndpointIp(created.id, undefined, "10.20.1.200");
    emulator.control.putRecordSet({ zoneId: ZONE_ID, type: "A", name: "handmade", ipv4Addresses: ["10.9.9.9"] });
    emulator.control.deleteRecordSet({ zoneId: ZONE_ID, type: "A", name: "handmade" });
    emulator.control.removeConnection(connectionId);
    emulator.control.deletePrivateEndpoint(created.id);
    await emulator.control.flushEvents();
    expect(eventsOf(subscriber).map((e) => [e.eventType, e.data.operationName])).toEqual([
      ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Network/privateEndpoints/write"],
      ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Network/networkInterfaces/write"],
      ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Network/privateDnsZones/A/write"],
      ["Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Network/privateDnsZones/A/delete"],
      ["Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Storage/storageAccounts/privateEndpointConnections/delete"],
      ["Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Network/privateEndpoints/delete"],
    ]);
    expect(eventsOf(subscriber)[1]?.subject).toBe(created.nicId);
  });

  it("publishes a long-running write only once it has committed", async () => {
    await emulator.control.subscribe({ url: subscriber.url });
    emulator.control.setAsyncOperationDelay(300);
    const network = new NetworkManagementClient(new StaticTokenCredential(), SPOKE, clientOptions(emulator));
    const poller = await network.privateEndpoints.beginDelete("rg-endpoints", "pe-kv-secrets", { updateIntervalInMs: 5 });
    await emulator.control.flushEvents();
    expect(subscriber.deliveries).toEqual([]);
    await poller.pollUntilDone();
    await emulator.control.flushEvents();
    expect(eventsOf(subscriber).map((e) => e.data.operationName)).toEqual(["Microsoft.Network/privateEndpoints/delete"]);
  });

  it("retries a failed delivery a bounded number of times", async () => {
    await emulator.control.subscribe({ url: subscriber.url });
    subscriber.failNext(2);
    emulator.control.removeConnection(pendingStorageConnection());
    await emulator.control.flushEvents();
    expect(subscriber.deliveries.map((d) => d.headers["aeg-delivery-count"])).toEqual(["2"]);
    subscriber.failNext(10);
    emulator.control.deletePrivateEndpoint(`/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-mlws`);
    await emulator.control.flushEvents();
    expect(subscriber.deliveries).toHaveLength(1);
    expect(emulator.control.eventStats()).toMatchObject({ delivered: 1, failed: 1 });
  });

  describe("chaos", () => {
    const act = (n: number): void => {
      for (let i = 0; i < n; i++) emulator.control.putRecordSet({ zoneId: ZONE_ID, type: "A", name: `r${i}`, ipv4Addresses: ["10.0.0.1"] });
    };

    it("duplicates every event with the same id", async () => {
      await emulator.control.subscribe({ url: subscriber.url });
      emulator.control.setEventChaos({ duplicate: 3 });
      act(2);
      await emulator.control.flushEvents();
      const ids = eventsOf(subscriber).map((e) => e.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(2);
    });

    it("delays events until their time has come", async () => {
      await emulator.control.subscribe({ url: subscriber.url });
      emulator.control.setEventChaos({ delayMs: 50 });
      act(1);
      await new Promise((r) => setTimeout(r, 5));
      expect(subscriber.deliveries).toHaveLength(0);
      await emulator.control.flushEvents();
      expect(subscriber.deliveries).toHaveLength(1);
    });

    it("reorders a window of events reproducibly for a seed", async () => {
      await emulator.control.subscribe({ url: subscriber.url });
      const orderFor = async (seed: number): Promise<string[]> => {
        subscriber.deliveries.length = 0;
        emulator.control.setEventChaos({ reorderWindow: 6, seed });
        act(6);
        await emulator.control.flushEvents();
        return eventsOf(subscriber).map((e) => e.subject.split("/").at(-1) ?? "");
      };
      const first = await orderFor(42);
      expect([...first].sort()).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
      expect(first).not.toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
      expect(await orderFor(42)).toEqual(first);
    });

    it("drops events with the given probability, reproducibly for a seed", async () => {
      await emulator.control.subscribe({ url: subscriber.url });
      emulator.control.setEventChaos({ dropProbability: 1 });
      act(3);
      await emulator.control.flushEvents();
      expect(subscriber.deliveries).toEqual([]);
      expect(emulator.control.eventStats()).toMatchObject({ published: 3, dropped: 3 });
      const deliveredFor = async (seed: number): Promise<number> => {
        subscriber.deliveries.length = 0;
        emulator.control.setEventChaos({ dropProbability: 0.5, seed });
        act(20);
        await emulator.control.flushEvents();
        return subscriber.deliveries.length;
      };
      const delivered = await deliveredFor(7);
      expect(delivered).toBeGreaterThan(0);
      expect(delivered).toBeLessThan(20);
      expect(await deliveredFor(7)).toBe(delivered);
    });

    it("forges a delete event for an endpoint that still exists", async () => {
      await emulator.control.subscribe({ url: subscriber.url });
      const endpointId = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-stdata-blob`;
      emulator.control.forgeEvent({ eventType: "Microsoft.Resources.ResourceDeleteSuccess", resourceId: endpointId });
      await emulator.control.flushEvents();
      expect(eventsOf(subscriber).map((e) => [e.eventType, e.subject, e.data.operationName])).toEqual([
        ["Microsoft.Resources.ResourceDeleteSuccess", endpointId, "Microsoft.Network/privateEndpoints/delete"],
      ]);
      expect(emulator.control.snapshot().privateEndpoints.some((e) => e.id === endpointId)).toBe(true);
    });
  });
});
