import { describe, expect, it } from "vitest";
import { getLinkTarget, listConnections } from "../../shared/azure/connections";
import { readConnectionFacts } from "../../orchestrations/readConnectionFacts";
import { endpointId, STORAGE, SUB, SUB2, useEmulator } from "../shared/azure/fixture";

describe("readConnectionFacts", () => {
  const fx = useEmulator();

  async function read(endpointName: string, subscriptionIds: string[]) {
    const target = await getLinkTarget(fx.clients, STORAGE);
    const connection = (await listConnections(fx.clients, STORAGE)).find((c) => c.privateEndpointId.toLowerCase().endsWith(`/${endpointName}`));
    if (target === undefined || connection === undefined) throw new Error(`no connection from ${endpointName}`);
    fx.emulator.control.resetCounters();
    const facts = await readConnectionFacts(fx.clients, connection, target, { subscriptionIds });
    return { facts, connection, requests: fx.emulator.control.counters().operations };
  }

  it("reads the group ids from the endpoint, with one GET, when Storage's side of the connection has none", async () => {
    const { facts, connection, requests } = await read("pe-file", [SUB]);
    expect(connection.groupIds).toEqual([]);
    expect(facts).toMatchObject({ groupIds: ["file"], groupIdsSource: "endpoint", endpointId: endpointId("pe-file"), endpointSubscriptionId: SUB, endpointName: "pe-file", targetResourceType: "Microsoft.Storage/storageAccounts", targetResourceGroup: "rg-app", requestMessage: "please" });
    expect(Object.values(requests).reduce((n, c) => n + c, 0)).toBe(1);
  });

  it("does not read an endpoint outside the configured subscriptions: its group ids stay unknown", async () => {
    const { facts, requests } = await read("pe-other-sub", [SUB]);
    expect(facts.groupIds).toBeUndefined();
    expect(facts.groupIdsSource).toBe("unknown");
    expect(facts.endpointSubscriptionId).toBe(SUB2);
    expect(requests).toEqual({});
  });
});
