/**
 * The emulator's ARM front door: auth, api-version and routing errors in ARM's shape, injected
 * faults (by sequence and by seeded probability), per-principal throttling, and request counters.
 */
import { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { startEmulator } from "../src/index";
import { SPOKE, StaticTokenCredential, armRequest } from "./clients";

const SUB = "44444444-4444-4444-4444-444444444444";
const LIST = `/subscriptions/${SUB}/providers/Microsoft.Network/privateEndpoints?api-version=2025-07-01`;
const ZONES = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones`;

describe("the ARM front door", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed({ subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg" }] }], privateDnsZones: [{ name: "privatelink.blob.core.windows.net", subscriptionId: SUB, resourceGroup: "rg" }] });
  });

  describe("errors in ARM's shape", () => {
    const cases: [string, string, Parameters<typeof armRequest>[3], number, string][] = [
      ["no bearer token", LIST, { token: null }, 401, "AuthenticationFailed"],
      ["no api-version", `/subscriptions/${SUB}/providers/Microsoft.Network/privateEndpoints`, {}, 400, "MissingApiVersionParameter"],
      ["an unpublished api-version", `/subscriptions/${SUB}/providers/Microsoft.Network/privateEndpoints?api-version=2099-01-01`, {}, 400, "NoRegisteredProviderFound"],
      ["an api-version that is not a version", `/subscriptions/${SUB}/providers/Microsoft.Network/privateEndpoints?api-version=latest`, {}, 400, "InvalidApiVersionParameter"],
      ["a namespace that is not emulated", `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm?api-version=2024-07-01`, {}, 400, "InvalidResourceNamespace"],
      ["an unknown resource type", `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/frobnicators/x?api-version=2025-07-01`, {}, 400, "InvalidResourceType"],
      ["an unknown subscription", `/subscriptions/99999999-9999-9999-9999-999999999999/providers/Microsoft.Network/privateEndpoints?api-version=2025-07-01`, {}, 404, "SubscriptionNotFound"],
      ["an unknown resource group", `/subscriptions/${SUB}/resourceGroups/nope/providers/Microsoft.Network/privateDnsZones?api-version=2024-06-01`, {}, 404, "ResourceGroupNotFound"],
      ["a missing record set", `${ZONES}/privatelink.blob.core.windows.net/A/none?api-version=2024-06-01`, {}, 404, "ResourceNotFound"],
    ];
    for (const [what, path, options, status, code] of cases) {
      it(`answers ${what} with ${status} ${code}`, async () => {
        const res = await armRequest(emulator, "GET", path, options);
        expect(res.status).toBe(status);
        expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
      });
    }

    it("answers a body that is not JSON with 400 InvalidRequestContent", async () => {
      const res = await armRequest(emulator, "PUT", `${ZONES}/privatelink.blob.core.windows.net/A/x?api-version=2024-06-01`, { body: "not json", headers: {} });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: expect.stringMatching(/InvalidRequestContent|InvalidParameter/) } });
    });

    it("answers a method the resource does not support with 405", async () => {
      const res = await armRequest(emulator, "POST", `${ZONES}/privatelink.blob.core.windows.net/A/x?api-version=2024-06-01`);
      expect(res.status).toBe(405);
    });
  });

  describe("faults", () => {
    it("injects an exact sequence for matching requests, then stops", async () => {
      emulator.control.injectFault({ method: "GET", path: "/privateEndpoints$", sequence: [{ type: "throttle", retryAfterSeconds: 0 }, { type: "error", status: 503 }, { type: "pass" }, { type: "error", status: 500 }] });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await armRequest(emulator, "GET", LIST)).status);
      expect(statuses).toEqual([429, 503, 200, 500, 200]);
      const first = await armRequest(emulator, "GET", `${ZONES}?api-version=2024-06-01`);
      expect(first.status).toBe(200);
    });

    it("injects 400, 403, 404 and 409 in ARM's words; the 403 names the principal, the action and the scope", async () => {
      const record = `${ZONES}/privatelink.blob.core.windows.net/A/web01`;
      emulator.control.injectFault({ sequence: [{ type: "error", status: 400 }, { type: "error", status: 403 }, { type: "error", status: 404 }, { type: "error", status: 409, code: "Conflict", message: "Another operation is in progress." }] });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await armRequest(emulator, "PUT", `${record}?api-version=2024-06-01`, { body: { properties: { ttl: 10, aRecords: [] } }, token: "principal-x" }));
      expect(answers.map((a) => a.status)).toEqual([400, 403, 404, 409]);
      expect(answers[0]?.body).toEqual({ error: { code: "BadRequest", message: "Injected 400 BadRequest." } });
      expect(answers[1]?.body).toEqual({
        error: {
          code: "AuthorizationFailed",
          message: expect.stringMatching(
            new RegExp(`^The client 'principal-x' with object id '[0-9a-f-]{36}' does not have authorization to perform action 'Microsoft\\.Network/privateDnsZones/A/write' over scope '${record.replace(/\./g, "\\.")}' or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$`),
          ),
        },
      });
      expect(answers[2]?.body).toEqual({ error: { code: "ResourceNotFound", message: "The Resource 'Microsoft.Network/privateDnsZones/A/web01' under resource group 'rg' was not found." } });
      expect(answers[3]?.body).toEqual({ error: { code: "Conflict", message: "Another operation is in progress." } });
      expect((await armRequest(emulator, "PUT", `${record}?api-version=2024-06-01`, { body: { properties: { ttl: 10, aRecords: [] } } })).status).toBe(201);
    });

    it("names read, delete and POST actions as RBAC does", async () => {
      const account = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct`;
      emulator.control.injectFault({ sequence: [{ type: "error", status: 403 }, { type: "error", status: 403 }, { type: "error", status: 403 }] });
      const reasons = [];
      for (const [method, path] of [["GET", `${account}/privateEndpointConnections`], ["DELETE", `${account}/privateEndpointConnections/pec`], ["POST", `/subscriptions/${SUB}/resourceGroups/rg/moveResources`]] as const) {
        reasons.push(((await armRequest(emulator, method, `${path}?api-version=2024-07-01`)).body as { error: { message: string } }).error.message);
      }
      expect(reasons.map((m) => /perform action '([^']+)'/.exec(m)?.[1])).toEqual([
        "Microsoft.Batch/batchAccounts/privateEndpointConnections/read",
        "Microsoft.Batch/batchAccounts/privateEndpointConnections/delete",
        "Microsoft.Resources/subscriptions/resourceGroups/moveResources/action",
      ]);
    });

    it("refuses a fault status it cannot inject", () => {
      expect(() => emulator.control.injectFault({ sequence: [{ type: "error", status: 418 as 400 }] })).toThrow(RangeError);
    });

    it("sends Retry-After with injected 429s and counts them", async () => {
      emulator.control.injectFault({ sequence: [{ type: "throttle", retryAfterSeconds: 7 }] });
      const res = await armRequest(emulator, "GET", LIST);
      expect(res.status).toBe(429);
      expect(res.headers["retry-after"]).toBe("7");
      expect(res.body).toMatchObject({ error: { code: "TooManyRequests" } });
      expect(emulator.control.counters().throttled).toBe(1);
    });

    it("injects by seeded probability, the same way for the same seed", async () => {
      const run = async (): Promise<number[]> => {
        emulator.control.clearFaults();
        emulator.control.injectFault({ probability: 0.5, seed: 11, action: { type: "error", status: 500 } });
        const statuses = [];
        for (let i = 0; i < 12; i++) statuses.push((await armRequest(emulator, "GET", LIST)).status);
        return statuses;
      };
      const first = await run();
      expect(first).toContain(500);
      expect(first).toContain(200);
      expect(await run()).toEqual(first);
    });

    it("drops the connection", async () => {
      emulator.control.injectFault({ sequence: [{ type: "drop" }] });
      await expect(armRequest(emulator, "GET", LIST)).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect((await armRequest(emulator, "GET", LIST)).status).toBe(200);
    });

    it("adds latency and then answers normally", async () => {
      emulator.control.injectFault({ sequence: [{ type: "latency", ms: 20 }] });
      const res = await armRequest(emulator, "GET", LIST);
      expect(res.status).toBe(200);
    });

    it("lets the SDK's own retry policy ride out a 429 with Retry-After: 0", async () => {
      emulator.control.seed({ subscriptions: [{ id: SPOKE }] });
      emulator.control.injectFault({ method: "GET", sequence: [{ type: "throttle", retryAfterSeconds: 0 }] });
      emulator.control.resetCounters();
      const network = new NetworkManagementClient(new StaticTokenCredential(), SPOKE, { endpoint: emulator.url, credentialScopes: ["https://management.azure.com/.default"], tlsOptions: { ca: emulator.ca } });
      const all = [];
      for await (const e of network.privateEndpoints.listBySubscription()) all.push(e);
      expect(all).toEqual([]);
      expect(emulator.control.counters()).toMatchObject({ total: 2, throttled: 1, operations: { "GET privateEndpoints:listBySubscription": 2 } });
    });
  });

  describe("throttling", () => {
    it("answers 429 with Retry-After and the remaining-requests header when a principal's bucket is empty", async () => {
      emulator.control.setThrottling({ enabled: true, reads: { capacity: 3, refillPerSecond: 0.5 } });
      const remaining = [];
      for (let i = 0; i < 3; i++) {
        const res = await armRequest(emulator, "GET", LIST);
        expect(res.status).toBe(200);
        remaining.push(res.headers["x-ms-ratelimit-remaining-subscription-reads"]);
      }
      expect(remaining).toEqual(["2", "1", "0"]);
      const throttled = await armRequest(emulator, "GET", LIST);
      expect(throttled.status).toBe(429);
      expect(throttled.body).toMatchObject({ error: { code: "SubscriptionRequestsThrottled" } });
      expect(Number(throttled.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(throttled.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("0");
      expect(emulator.control.counters().throttled).toBe(1);
    });

    it("keeps separate buckets per principal and per kind of request", async () => {
      emulator.control.setThrottling({ enabled: true, reads: { capacity: 1, refillPerSecond: 0 } });
      expect((await armRequest(emulator, "GET", LIST)).status).toBe(200);
      expect((await armRequest(emulator, "GET", LIST)).status).toBe(429);
      expect((await armRequest(emulator, "GET", LIST, { token: "another-principal" })).status).toBe(200);
      const write = await armRequest(emulator, "PUT", `${ZONES}/privatelink.blob.core.windows.net/A/x?api-version=2024-06-01`, { body: { properties: { ttl: 10, aRecords: [] } } });
      expect(write.status).toBe(201);
      expect(write.headers["x-ms-ratelimit-remaining-subscription-writes"]).toBe("199");
    });

    it("also reports the remaining reads when throttling is off", async () => {
      const res = await armRequest(emulator, "GET", LIST);
      expect(res.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("249");
    });
  });

  it("counts requests per operation and resets the counters", async () => {
    await armRequest(emulator, "GET", LIST);
    await armRequest(emulator, "GET", `${ZONES}/privatelink.blob.core.windows.net/ALL?api-version=2024-06-01`);
    await armRequest(emulator, "GET", `${ZONES}/privatelink.blob.core.windows.net/ALL?api-version=2024-06-01`);
    expect(emulator.control.counters()).toEqual({
      operations: { "GET privateDnsZones/recordSets:list": 2, "GET privateEndpoints:listBySubscription": 1 },
      total: 3,
      throttled: 0,
      maxWritesInFlight: 0,
    });
    emulator.control.resetCounters();
    expect(emulator.control.counters()).toEqual({ operations: {}, total: 0, throttled: 0, maxWritesInFlight: 0 });
  });

  it("counts the most writes it served at once, so a client's concurrency can be seen", async () => {
    emulator.control.injectFault({ method: "PUT", path: "/A/", probability: 1, action: { type: "latency", ms: 150 } });
    try {
      const put = (name: string) =>
        armRequest(emulator, "PUT", `${ZONES}/privatelink.blob.core.windows.net/A/${name}?api-version=2024-06-01`, { body: { properties: { ttl: 10, aRecords: [{ ipv4Address: "10.0.0.1" }] } } });
      await put("one");
      expect(emulator.control.counters().maxWritesInFlight).toBe(1);
      await Promise.all([put("two"), put("three"), put("four")]);
      expect(emulator.control.counters().maxWritesInFlight).toBe(3);
    } finally {
      emulator.control.clearFaults();
    }
  });
});
