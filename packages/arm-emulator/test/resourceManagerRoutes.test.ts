/**
 * ARM's own reads, driven by the standard clients: tenants and subscriptions (what a CLI login lists)
 * through @azure/arm-resources-subscriptions, provider registrations through @azure/arm-resources,
 * each at its default api-version and with zero parse differences.
 */
import { ResourceManagementClient } from "@azure/arm-resources";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { startEmulator } from "../src/index";
import { StaticTokenCredential, armRequest } from "./clients";
import type { Exchange, RecordingOptions } from "./parseDifferences";
import { parseDifferences, recordingClientOptions } from "./parseDifferences";

const TENANT = "72f988bf-0000-4000-8000-00000000aaaa";
const SUBS = ["0000aaaa-0000-4000-8000-000000000001", "0000aaaa-0000-4000-8000-000000000002", "0000aaaa-0000-4000-8000-000000000003"];
const credential = new StaticTokenCredential();

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const wire = (exchanges: readonly Exchange[], path: string): unknown[] =>
  exchanges.filter((e) => e.url.pathname === path).flatMap((e) => (e.body as { value: unknown[] }).value);

describe("ARM's own reads for standard clients", () => {
  let emulator: Emulator;
  let exchanges: Exchange[];
  let options: RecordingOptions;
  beforeAll(async () => {
    emulator = await startEmulator({ pageSize: 2 });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed({
      tenantId: TENANT,
      subscriptions: SUBS.map((id, i) => ({ id, displayName: `sub ${i + 1}`, resourceGroups: [{ name: "rg" }] })),
      resources: [{ type: "Microsoft.Batch/batchAccounts", name: "acct", subscriptionId: SUBS[0] as string, resourceGroup: "rg", location: "westeurope" }],
    });
    ({ options, exchanges } = recordingClientOptions(emulator));
  });

  it("lists tenants and subscriptions across pages and gets one subscription, as a CLI login does", async () => {
    const client = new SubscriptionClient(credential, options);
    const tenants = await collect(client.tenants.list());
    expect(tenants.map((t) => t.tenantId)).toEqual([TENANT]);
    const subscriptions = await collect(client.subscriptions.list());
    expect(subscriptions.map((s) => [s.subscriptionId, s.displayName, s.state, s.tenantId])).toEqual(SUBS.map((id, i) => [id, `sub ${i + 1}`, "Enabled", TENANT]));
    expect(exchanges.filter((e) => e.url.pathname === "/subscriptions")).toHaveLength(2);
    const one = await client.subscriptions.get(SUBS[1] as string);
    expect(one.displayName).toBe("sub 2");
    expect(parseDifferences(wire(exchanges, "/tenants"), tenants)).toEqual([]);
    expect(parseDifferences(wire(exchanges, "/subscriptions"), subscriptions)).toEqual([]);
    expect(parseDifferences(exchanges.at(-1)?.body, one)).toEqual([]);
    expect(new Set(exchanges.map((e) => e.url.searchParams.get("api-version")))).toEqual(new Set(["2022-12-01"]));
    await expect(client.subscriptions.get("99999999-9999-4999-8999-999999999999")).rejects.toMatchObject({ statusCode: 404, code: "SubscriptionNotFound" });
  });

  it("reads provider registrations with every served type and the versions each accepts", async () => {
    const client = new ResourceManagementClient(credential, SUBS[0] as string, options);
    const batch = await client.providers.get("Microsoft.Batch");
    expect(batch).toMatchObject({ namespace: "Microsoft.Batch", registrationState: "Registered" });
    const connections = batch.resourceTypes?.find((t) => t.resourceType === "batchAccounts/privateEndpointConnections");
    expect(connections?.apiVersions?.[0]).toBe("2025-06-01");
    expect(connections?.apiVersions).not.toContain("2019-08-01");
    expect(parseDifferences(exchanges.at(-1)?.body, batch)).toEqual([]);
    const all = await collect(client.providers.list());
    expect(all.map((p) => p.namespace).sort()).toEqual(["Microsoft.Batch", "Microsoft.KeyVault", "Microsoft.MachineLearningServices", "Microsoft.Network", "Microsoft.Storage"]);
    const network = all.find((p) => p.namespace === "Microsoft.Network");
    expect(network?.resourceTypes?.map((t) => t.resourceType)).toEqual(expect.arrayContaining(["privateEndpoints", "privateDnsZones", "privateDnsZones/virtualNetworkLinks", "networkInterfaces"]));
    const tenantLevel = await client.providers.getAtTenantScope("Microsoft.Storage");
    expect(tenantLevel.registrationState).toBeUndefined();
    await expect(client.providers.get("Microsoft.Nope")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses an api-version ARM does not offer with InvalidApiVersionParameter", async () => {
    const res = await armRequest(emulator, "GET", "/subscriptions?api-version=2099-01-01");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "InvalidApiVersionParameter", message: expect.stringContaining("The api-version '2099-01-01' is invalid. The supported versions are '2015-11-01,") } });
  });
});
