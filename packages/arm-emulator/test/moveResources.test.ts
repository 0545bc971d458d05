/**
 * `POST .../moveResources` through @azure/arm-resources: resources move with their connections, and a
 * moved Batch account keeps a connection whose endpoint is later deleted (the orphan case), while the
 * other providers drop the connection with its endpoint.
 */
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { startEmulator } from "../src/index";
import { StaticTokenCredential, armRequest, clientOptions } from "./clients";
import type { Subscriber } from "./subscriber";
import { startSubscriber } from "./subscriber";

const SUB = "0000aaaa-0000-4000-8000-000000000001";
const group = (name: string): string => `/subscriptions/${SUB}/resourceGroups/${name}`;
const BATCH = `${group("rg-old")}/providers/Microsoft.Batch/batchAccounts/batchprod`;
const STORAGE = `${group("rg-old")}/providers/Microsoft.Storage/storageAccounts/stdata`;
const FAST = { updateIntervalInMs: 5 };

describe("moving resources to another resource group", () => {
  let emulator: Emulator;
  let resources: ResourceManagementClient;
  let network: NetworkManagementClient;
  let subscriber: Subscriber;
  beforeAll(async () => {
    emulator = await startEmulator();
    subscriber = await startSubscriber();
    resources = new ResourceManagementClient(new StaticTokenCredential(), SUB, clientOptions(emulator));
    network = new NetworkManagementClient(new StaticTokenCredential(), SUB, clientOptions(emulator));
  });
  afterAll(async () => {
    await emulator.close();
    await subscriber.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed({
      subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg-old" }, { name: "rg-new" }, { name: "rg-net" }] }],
      resources: [
        { type: "Microsoft.Batch/batchAccounts", name: "batchprod", subscriptionId: SUB, resourceGroup: "rg-old", location: "westeurope" },
        { type: "Microsoft.Storage/storageAccounts", name: "stdata", subscriptionId: SUB, resourceGroup: "rg-old", location: "westeurope" },
      ],
      privateEndpoints: [
        { subscriptionId: SUB, resourceGroup: "rg-net", name: "pe-batch", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: false },
        { subscriptionId: SUB, resourceGroup: "rg-net", name: "pe-blob", targetResourceId: STORAGE, groupIds: ["blob"], manual: false },
      ],
    });
  });

  const connectionsOf = async (id: string, version: string): Promise<{ id: string; properties: { privateEndpoint: { id: string } } }[]> =>
    ((await armRequest(emulator, "GET", `${id}/privateEndpointConnections?api-version=${version}`)).body as { value: { id: string; properties: { privateEndpoint: { id: string } } }[] }).value;

  it("moves the resources with their connections and announces it for the source group; the old ids are gone", async () => {
    await emulator.control.subscribe({ url: subscriber.url });
    await resources.resources.beginMoveResourcesAndWait("rg-old", { resources: [BATCH, STORAGE], targetResourceGroup: group("rg-new") }, FAST);
    await emulator.control.flushEvents();
    const events = subscriber.deliveries.flatMap((d) => d.body as { eventType: string; subject: string; data: { operationName: string } }[]);
    expect(events.map((e) => [e.eventType, e.subject, e.data.operationName])).toEqual([
      ["Microsoft.Resources.ResourceActionSuccess", group("rg-old"), "Microsoft.Resources/subscriptions/resourceGroups/moveResources/action"],
    ]);
    const moved = BATCH.replace("rg-old", "rg-new");
    expect((await armRequest(emulator, "GET", `${BATCH}?api-version=2025-06-01`)).status).toBe(404);
    expect((await armRequest(emulator, "GET", `${moved}?api-version=2025-06-01`)).body).toMatchObject({ id: moved });
    const [connection] = await connectionsOf(moved, "2025-06-01");
    expect(connection?.id.startsWith(`${moved}/privateEndpointConnections/`)).toBe(true);
    // The endpoint still names the id it was created for: ARM rewrites nothing else.
    const endpoint = await network.privateEndpoints.get("rg-net", "pe-batch");
    expect(endpoint.privateLinkServiceConnections?.[0]?.privateLinkServiceId).toBe(BATCH);
  });

  it("leaves a moved Batch account's connection behind when its endpoint is deleted, and not a Storage account's", async () => {
    await resources.resources.beginMoveResourcesAndWait("rg-old", { resources: [BATCH, STORAGE], targetResourceGroup: group("rg-new") }, FAST);
    await network.privateEndpoints.beginDeleteAndWait("rg-net", "pe-batch", FAST);
    await network.privateEndpoints.beginDeleteAndWait("rg-net", "pe-blob", FAST);
    const orphans = await connectionsOf(BATCH.replace("rg-old", "rg-new"), "2025-06-01");
    expect(orphans.map((c) => c.properties.privateEndpoint.id.split("/").at(-1))).toEqual(["pe-batch"]);
    expect((await armRequest(emulator, "GET", `${orphans[0]?.properties.privateEndpoint.id}?api-version=2025-07-01`)).status).toBe(404);
    expect(await connectionsOf(STORAGE.replace("rg-old", "rg-new"), "2025-06-01")).toEqual([]);
  });

  it("refuses a move of something it does not hold, from another group, or to a group that does not exist", async () => {
    const move = (body: unknown): Promise<number> => armRequest(emulator, "POST", `${group("rg-old")}/moveResources?api-version=2025-04-01`, { body }).then((r) => r.status);
    expect(await move({ resources: [], targetResourceGroup: group("rg-new") })).toBe(400);
    expect(await move({ resources: [BATCH.replace("batchprod", "nope")], targetResourceGroup: group("rg-new") })).toBe(400);
    expect(await move({ resources: [BATCH.replace("rg-old", "rg-net")], targetResourceGroup: group("rg-new") })).toBe(400);
    expect(await move({ resources: [BATCH], targetResourceGroup: group("rg-missing") })).toBe(404);
    expect((await armRequest(emulator, "GET", `${BATCH}?api-version=2025-06-01`)).status).toBe(200);
  });
});
