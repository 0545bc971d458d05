/**
 * Long-running operations tell clients when to come back: Retry-After is the time the operation has
 * left (whole seconds, rounded up), or a fixed value when one is configured.
 */
import { BatchManagementClient } from "@azure/arm-batch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index";
import { startEmulator } from "../src/index";
import { StaticTokenCredential, armRequest, clientOptions } from "./clients";

const SUB = "0000aaaa-0000-4000-8000-000000000001";
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;

describe("Retry-After on long-running operations", () => {
  let emulator: Emulator;
  let connection: string;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.setRetryAfter(null);
    emulator.control.seed({
      subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg-batch" }, { name: "rg-net" }] }],
      resources: [{ type: "Microsoft.Batch/batchAccounts", name: "batchprod", subscriptionId: SUB, resourceGroup: "rg-batch", location: "westeurope" }],
      privateEndpoints: [{ subscriptionId: SUB, resourceGroup: "rg-net", name: "pe", targetResourceId: ACCOUNT, groupIds: ["batchAccount"], manual: true }],
    });
    connection = emulator.control.snapshot().connections[0]?.name ?? "";
  });

  const approve = (): Promise<Awaited<ReturnType<typeof armRequest>>> =>
    armRequest(emulator, "PATCH", `${ACCOUNT}/privateEndpointConnections/${connection}?api-version=2025-06-01`, { body: { properties: { privateLinkServiceConnectionState: { status: "Approved" } } } });

  it("says 0 when the operation is already done and the time left otherwise", async () => {
    emulator.control.setAsyncOperationDelay(0);
    expect((await approve()).headers["retry-after"]).toBe("0");
    emulator.control.setAsyncOperationDelay(1_500);
    const accepted = await approve();
    expect(accepted.headers["retry-after"]).toBe("2");
    const poll = await armRequest(emulator, "GET", String(accepted.headers["azure-asyncoperation"]));
    expect(poll.body).toMatchObject({ status: "InProgress" });
    expect(["1", "2"]).toContain(poll.headers["retry-after"]);
  });

  it("answers a fixed Retry-After when one is set, and the time left again once it is unset", async () => {
    emulator.control.setAsyncOperationDelay(50);
    emulator.control.setRetryAfter(7);
    expect((await approve()).headers["retry-after"]).toBe("7");
    emulator.control.setRetryAfter(null);
    expect((await approve()).headers["retry-after"]).toBe("1");
    expect(() => emulator.control.setRetryAfter(-1)).toThrow(RangeError);
  });

  it("lets an SDK finish an operation with a poll or two instead of spinning", async () => {
    emulator.control.setAsyncOperationDelay(300);
    emulator.control.resetCounters();
    const batch = new BatchManagementClient(new StaticTokenCredential(), SUB, clientOptions(emulator));
    const approved = await batch.privateEndpointConnectionOperations.beginUpdateAndWait("rg-batch", "batchprod", connection, { privateLinkServiceConnectionState: { status: "Approved" } }, { updateIntervalInMs: 1 });
    expect(approved.privateLinkServiceConnectionState?.status).toBe("Approved");
    const { operations } = emulator.control.counters();
    const polls = (operations["GET operations:status"] ?? 0) + (operations["GET operations:result"] ?? 0);
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(3);
  });
});
