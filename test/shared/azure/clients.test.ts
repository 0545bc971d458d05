import { describe, expect, it } from "vitest";
import { DefaultAzureCredential } from "@azure/identity";
import { StaticTokenCredential, createArmClients, createCredential, defaultCredential } from "../../../shared/azure/clients";
import { ArmRequestError, isTransientArmError, WriteRefusedError } from "../../../shared/azure/errors";
import { approveConnection, listConnections, rejectConnection } from "../../../shared/azure/connections";
import { deleteRecordSet, listRecordSets, upsertARecord } from "../../../shared/azure/privateDns";
import { getPrivateEndpoint } from "../../../shared/azure/privateEndpoints";
import { BLOB_ZONE, STORAGE, SUB, endpointId, useEmulator, zoneId } from "./fixture";

const blob = { id: zoneId(BLOB_ZONE), name: BLOB_ZONE };
const LIST_ALL = { method: "GET", path: "/privateDnsZones/[^/]+/ALL$" };

describe("createArmClients", () => {
  const credential = new StaticTokenCredential();

  it("refuses plain http, malformed endpoints, unbounded retries and a missing credential", () => {
    expect(() => createArmClients({ endpoint: "http://127.0.0.1:1", credential })).toThrow(/https/);
    expect(() => createArmClients({ endpoint: "not a url", credential })).toThrow(TypeError);
    expect(() => createArmClients({ credential, maxRetries: 11 })).toThrow(RangeError);
    expect(() => createArmClients({ credential, maxRetries: -1 })).toThrow(RangeError);
    expect(() => createArmClients({ credential, retryDelayInMs: 1.5 })).toThrow(RangeError);
    expect(() => createArmClients({} as never)).toThrow(/credential/);
    expect(() => createArmClients({ credential, writePacing: { capacity: 0, refillPerSecond: 10 } })).toThrow(/ArmClientOptions.writePacing.capacity/);
    expect(() => createArmClients({ credential, writePacing: { capacity: 200, refillPerSecond: -1 } })).toThrow(RangeError);
  });

  it("creates each client once per subscription and only when first asked", () => {
    const clients = createArmClients({ credential });
    expect(clients.endpoint).toBe("https://management.azure.com");
    expect(clients.network(SUB)).toBe(clients.network(SUB.toUpperCase()));
    expect(clients.privateDns(SUB)).toBe(clients.privateDns(SUB));
    expect(clients.resources(SUB)).toBe(clients.resources(SUB));
    expect(clients.network(SUB)).not.toBe(clients.network("22222222-2222-4222-8222-222222222222"));
    expect(() => clients.network("not-a-guid")).toThrow(/GUID/);
    expect(clients.requestCount()).toBe(0);
  });

  it("chooses the credential by configuration", async () => {
    const token = await createCredential("static").getToken("https://management.azure.com/.default");
    expect(token?.token).toBe("emulator");
    expect(await new StaticTokenCredential("t0k").getToken()).toMatchObject({ token: "t0k" });
    expect(createCredential("default", {})).toBeInstanceOf(DefaultAzureCredential);
    expect(defaultCredential({ AZURE_CLIENT_ID: "00000000-0000-0000-0000-0000000000aa" })).toBeInstanceOf(DefaultAzureCredential);
    expect(() => createCredential("magic" as never)).toThrow(RangeError);
  });
});

describe("ARM clients against the emulator: trust, retries and throttling", () => {
  const fx = useEmulator(100);

  it("trusts the emulator only through the configured CA", async () => {
    const untrusted = createArmClients({ endpoint: fx.emulator.url, credential: new StaticTokenCredential(), maxRetries: 0 });
    const error = await listRecordSets(untrusted, blob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(String((error as Error).message)).toMatch(/certificate/i);
    expect(isTransientArmError(error)).toBe(false);
    await expect(listRecordSets(fx.clients, blob)).resolves.toHaveLength(4);
  });

  it("retries a 429 after the Retry-After the server sent", async () => {
    fx.emulator.control.injectFault({ ...LIST_ALL, sequence: [{ type: "throttle", retryAfterSeconds: 1 }] });
    const started = Date.now();
    await expect(listRecordSets(fx.clients, blob)).resolves.toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fx.clients.requestCount()).toBe(2);
    expect(fx.emulator.control.counters().throttled).toBe(1);
  });

  it("retries throttled writes too, with Retry-After 0", async () => {
    fx.emulator.control.injectFault({ method: "PUT", sequence: [{ type: "throttle", retryAfterSeconds: 0 }, { type: "throttle", retryAfterSeconds: 0 }] });
    const record = { zoneId: blob.id, zone: BLOB_ZONE, name: "retried", type: "A" as const, ttl: 10, ipv4Addresses: ["10.1.1.1"], metadata: {} };
    await expect(upsertARecord(fx.clients, record, { ifNoneMatch: "*" })).resolves.toMatchObject({ name: "retried" });
    expect(fx.clients.requestCount()).toBe(3);
  });

  it("retries 500 and 503 with back-off, and a dropped connection", async () => {
    fx.emulator.control.injectFault({ ...LIST_ALL, sequence: [{ type: "error", status: 500 }, { type: "error", status: 503 }, { type: "drop" }] });
    await expect(listRecordSets(fx.clients, blob)).resolves.toHaveLength(4);
    expect(fx.clients.requestCount()).toBe(4);
  });

  it("retries the same way in the network client and on the generic connection list", async () => {
    fx.emulator.control.injectFault({ method: "GET", path: "/privateEndpoints/pe-kv$", sequence: [{ type: "error", status: 503 }] });
    fx.emulator.control.injectFault({ method: "GET", path: "/privateEndpointConnections$", sequence: [{ type: "throttle", retryAfterSeconds: 0 }, { type: "error", status: 500 }] });
    expect((await getPrivateEndpoint(fx.clients, endpointId("pe-kv")))?.name).toBe("pe-kv");
    expect(await listConnections(fx.clients, STORAGE)).toHaveLength(3);
    // Endpoint: 503 + GET + zone groups; connections: 429 + 500 + GET.
    expect(fx.clients.requestCount()).toBe(6);
  });

  it("abandons an attempt that gets no answer in time and retries it", async () => {
    const clients = fx.clientsWith({ requestTimeoutInMs: 150 });
    fx.emulator.control.injectFault({ ...LIST_ALL, sequence: [{ type: "latency", ms: 1_000 }] });
    await expect(listRecordSets(clients, blob)).resolves.toHaveLength(4);
    expect(clients.requestCount()).toBe(2);
  });

  it("gives up after maxRetries with a transient ArmRequestError", async () => {
    const clients = fx.clientsWith({ maxRetries: 2 });
    fx.emulator.control.injectFault({ ...LIST_ALL, sequence: [{ type: "error", status: 503 }, { type: "error", status: 503 }, { type: "error", status: 503 }] });
    const error = await listRecordSets(clients, blob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(error).toMatchObject({ statusCode: 503, code: "ServiceUnavailable", operation: "listRecordSets" });
    expect(isTransientArmError(error)).toBe(true);
    expect(clients.requestCount()).toBe(3);
  });

  it("hands a Retry-After longer than the bound straight back, for a durable back-off", async () => {
    const clients = fx.clientsWith({ maxRetryAfterInMs: 500 });
    fx.emulator.control.injectFault({ ...LIST_ALL, sequence: [{ type: "throttle", retryAfterSeconds: 30 }] });
    const started = Date.now();
    const error = await listRecordSets(clients, blob).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ name: "ArmRequestError", statusCode: 429 });
    expect(isTransientArmError(error)).toBe(true);
    expect(clients.requestCount()).toBe(1);
  });

  it("honours ARM's own subscription throttling when it is switched on", async () => {
    fx.emulator.control.setThrottling({ enabled: true, reads: { capacity: 1, refillPerSecond: 20 } });
    try {
      await expect(Promise.all([listRecordSets(fx.clients, blob), listRecordSets(fx.clients, blob)])).resolves.toHaveLength(2);
      expect(fx.emulator.control.counters().throttled).toBeGreaterThanOrEqual(1);
    } finally {
      fx.emulator.control.setThrottling({ enabled: false });
    }
  });
});

describe("read-only clients (the dry-run backstop)", () => {
  const fx = useEmulator(100);

  it("refuse every PUT, PATCH and DELETE before it leaves the process, and still read", async () => {
    const readOnly = fx.clientsWith({ readOnly: true });
    expect(readOnly.readOnly).toBe(true);
    expect(fx.clients.readOnly).toBe(false);
    const record = { zoneId: blob.id, zone: BLOB_ZONE, name: "never", type: "A" as const, ttl: 10, ipv4Addresses: ["10.1.1.1"], metadata: {} };
    const [existing] = await listRecordSets(readOnly, blob);
    const [connection] = await listConnections(readOnly, STORAGE);
    fx.emulator.control.resetCounters();

    const refusals = await Promise.all([
      upsertARecord(readOnly, record, { ifNoneMatch: "*" }).catch((e: unknown) => e),
      deleteRecordSet(readOnly, existing!, { ifMatch: existing!.etag! }).catch((e: unknown) => e),
      approveConnection(readOnly, connection!.id, "approved").catch((e: unknown) => e),
      rejectConnection(readOnly, connection!.id, "rejected").catch((e: unknown) => e),
    ]);
    for (const error of refusals) {
      expect(error).toBeInstanceOf(WriteRefusedError);
      expect((error as Error).message).toMatch(/^dry run: refused (PUT|PATCH|DELETE) https:\/\/\S+\/subscriptions\/\S+; a dry run never writes to ARM$/);
      expect(isTransientArmError(error)).toBe(false);
    }
    // Nothing reached ARM: not even one attempt.
    expect(fx.emulator.control.counters().total).toBe(0);
    expect(readOnly.requestCount()).toBe(2);
  });
});
