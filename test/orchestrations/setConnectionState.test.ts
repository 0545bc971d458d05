import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "@privatelink-autopilot/arm-emulator";
import type { Emulator } from "@privatelink-autopilot/arm-emulator";
import { setConnectionStateActivity } from "../../orchestrations/activities/setConnectionState";

const setConnectionState = setConnectionStateActivity.run;
import { resetRuntime } from "../../orchestrations/runtime";
import type { Decision } from "../../shared/domain";
import { BATCH, endpointId, STORAGE, SUB, testEstate } from "../shared/azure/fixture";

const APPROVE: Decision = { action: "approve", ruleName: "hpc", reason: "the endpoint is ours", description: "privatelink-autopilot: approved by rule hpc" };

describe("setConnectionState (activity) against the emulator", () => {
  let emulator: Emulator;
  let dir: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), "plautopilot-decide-"));
    await writeFile(join(dir, "ca.pem"), emulator.ca);
    Object.assign(process.env, {
      AUTOPILOT_SUBSCRIPTIONS: SUB,
      AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${SUB}/resourceGroups/rg-dns`,
      AUTOPILOT_OWNER_ID: "decide-test",
      AUTOPILOT_POLICY: "defaultAction: leavePending\nrules: []\n",
      AUTOPILOT_ARM_ENDPOINT: emulator.url,
      AUTOPILOT_ARM_CA_FILE: join(dir, "ca.pem"),
      AUTOPILOT_ARM_STATIC_TOKEN: "test",
      AUTOPILOT_DRY_RUN: "false",
    });
    delete process.env["AUTOPILOT_POLICY_PATH"];
    delete process.env["AUTOPILOT_MANAGEMENT_GROUP"];
  });
  afterAll(async () => {
    resetRuntime();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    resetRuntime();
    emulator.control.reset();
    emulator.control.seed(testEstate());
    emulator.control.setAsyncOperationDelay(0);
  });

  function pendingConnection(name: string, target: string, groupId: string): string {
    emulator.control.createPrivateEndpoint({ subscriptionId: SUB, resourceGroup: "rg-pe", name, targetResourceId: target, groupIds: [groupId], manual: true });
    const connection = emulator.control.snapshot().connections.find((c) => c.endpointId.toLowerCase() === endpointId(name).toLowerCase());
    if (connection === undefined) throw new Error(`no connection for ${name}`);
    return connection.id;
  }

  /** Someone else decides the connection while our write is held at the emulator. */
  async function decideMeanwhile(connectionId: string, method: "PUT" | "PATCH"): Promise<void> {
    emulator.control.injectFault({ method, path: "/privateEndpointConnections/", sequence: [{ type: "latency", ms: 300 }] });
    emulator.control.resetCounters();
    await expect.poll(() => Object.keys(emulator.control.counters().operations).some((op) => op.startsWith(`${method} `)), { timeout: 3_000, interval: 5 }).toBe(true);
    emulator.control.setConnectionState(connectionId, "Rejected", "rejected by a person");
  }

  it("approves a Pending connection with the ETag it read", async () => {
    const id = pendingConnection("pe-batch-ok", BATCH, "batchAccount");
    await expect(setConnectionState({ runId: "run-1", connectionId: id, endpointId: endpointId("pe-batch-ok"), decision: APPROVE, dryRun: false })).resolves.toEqual({ outcome: "approved", detail: APPROVE.description });
    expect(emulator.control.snapshot().connections.find((c) => c.id === id)?.state).toMatchObject({ status: "Approved", description: APPROVE.description });
  });

  it("leaves a connection someone else decided between our read and our write as they decided it, and reports it (Batch: ETag, 412)", async () => {
    const id = pendingConnection("pe-batch-raced", BATCH, "batchAccount");
    const [result] = await Promise.all([setConnectionState({ runId: "run-2", connectionId: id, endpointId: endpointId("pe-batch-raced"), decision: APPROVE, dryRun: false }), decideMeanwhile(id, "PATCH")]);

    expect(result).toEqual({ outcome: "alreadyDecided", detail: expect.stringMatching(/^it changed between our read and our write \(412 on If-Match: \S+\); it is now Rejected, left as it is$/) });
    expect(emulator.control.snapshot().connections.find((c) => c.id === id)?.state).toMatchObject({ status: "Rejected", description: "rejected by a person" });
  });

  it("re-reads first where the provider gives no ETag (Storage): a connection already decided is left alone", async () => {
    const id = pendingConnection("pe-file-decided", STORAGE, "file");
    emulator.control.setConnectionState(id, "Rejected", "rejected by a person");
    await expect(setConnectionState({ runId: "run-3", connectionId: id, endpointId: endpointId("pe-file-decided"), decision: APPROVE, dryRun: false })).resolves.toEqual({ outcome: "alreadyDecided", detail: "it is already Rejected; left as it is" });
    expect(emulator.control.snapshot().connections.find((c) => c.id === id)?.state.status).toBe("Rejected");
  });

  it("writes nothing in a dry run: the clients refuse, and the wrapper returns that permanent failure with its message", async () => {
    const id = pendingConnection("pe-batch-dry", BATCH, "batchAccount");
    emulator.control.resetCounters();
    const result = await setConnectionStateActivity.invoke({ runId: "run-4", connectionId: id, endpointId: endpointId("pe-batch-dry"), decision: APPROVE, dryRun: true });
    expect(result).toEqual({ failed: [expect.objectContaining({ target: id, message: expect.stringMatching(/^dry run: refused PATCH https:\/\/\S+; a dry run never writes to ARM$/) })] });
    expect(Object.keys(emulator.control.counters().operations).filter((op) => !op.startsWith("GET "))).toEqual([]);
    expect(emulator.control.snapshot().connections.find((c) => c.id === id)?.state.status).toBe("Pending");
  });

  it("throws a transient failure (throttled) through the wrapper, so Durable retries it", async () => {
    const id = pendingConnection("pe-batch-throttled", BATCH, "batchAccount");
    // A Retry-After longer than the SDK waits out: the call fails at once with the 429.
    emulator.control.injectFault({ method: "PATCH", path: "/privateEndpointConnections/", probability: 1, action: { type: "throttle", retryAfterSeconds: 3600 } });
    try {
      await expect(setConnectionStateActivity.invoke({ runId: "run-5", connectionId: id, endpointId: endpointId("pe-batch-throttled"), decision: APPROVE, dryRun: false })).rejects.toMatchObject({ statusCode: 429 });
    } finally {
      emulator.control.clearFaults();
    }
    expect(emulator.control.snapshot().connections.find((c) => c.id === id)?.state.status).toBe("Pending");
  });
});
