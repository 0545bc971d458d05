import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gate, probe } from "./fixtures/app/probe";
import type { TestHost } from "./helpers";
import { eventually, pollStatus, postJson, removeStateDir, requestJson, startOrchestration, startTestHost, waitForFinish } from "./helpers";

let test: TestHost;
let url: string;

beforeAll(async () => {
  test = await startTestHost({ maxConcurrentActivities: 2 });
  url = test.host.url;
});

afterAll(async () => {
  await test.host.close();
  await removeStateDir(test.stateDir);
});

describe("durable orchestrations through the real DurableClient", () => {
  it("starts over HTTP, answers with check-status URLs on this host, and completes a fan-out", async () => {
    const started = await startOrchestration(test.host, "fanOut", { values: [1, 2, 3, 4, 5] });
    expect(started.statusQueryGetUri).toBe(`${url}/runtime/webhooks/durabletask/instances/${started.id}?taskHub=TestHubName&connection=Storage`);
    const status = await waitForFinish(started.statusQueryGetUri);
    expect(status).toMatchObject({ name: "fanOut", instanceId: started.id, runtimeStatus: "Completed", output: 30, input: { values: [1, 2, 3, 4, 5] } });
  });

  it("runs fanned-out activities concurrently, never beyond the configured bound", () => {
    expect(probe.maxActiveDoubles).toBe(2);
  });

  it("logs orchestrator messages once, not on every replay", () => {
    expect(test.logger.find("doubled 5 values")).toHaveLength(1);
  });

  it("answers 202 with Location while running and 200 once finished", async () => {
    const started = await startOrchestration(test.host, "approval", {});
    const running = await requestJson(started.statusQueryGetUri);
    expect(running.status).toBe(202);
    expect(running.headers.get("location")).toBe(started.statusQueryGetUri);
    await postJson(`${url}/api/events/${started.id}/approval`, "yes");
    await waitForFinish(started.statusQueryGetUri);
    expect((await requestJson(started.statusQueryGetUri)).status).toBe(200);
  });

  it("retries a failing activity until it recovers, then surfaces exhaustion as a catchable error", async () => {
    const started = await startOrchestration(test.host, "retrying", { key: "r1" });
    const status = await waitForFinish(started.statusQueryGetUri);
    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual({ recovered: "ok after 3", exhausted: "TypeError: nope 2" });
    expect(probe.calls.get("flaky:r1-a")).toBe(3);
    expect(probe.calls.get("flaky:r1-b")).toBe(2);
  });

  it("keeps task ids in step when retries and completions of a fan-out arrive together", async () => {
    const started = await startOrchestration(test.host, "fanOutFlaky", { key: "ff", branches: 7 });
    const status = await waitForFinish(started.statusQueryGetUri);
    expect(status.output).toEqual({
      results: Array.from({ length: 7 }, (_, index) => `ok after ${(index % 3) + 1}`),
      after: 14,
    });
  });

  it("delivers an external event raised after the orchestrator started waiting", async () => {
    const started = await startOrchestration(test.host, "approval", {});
    await pollStatus(started.statusQueryGetUri, (status) => status.customStatus === "waiting for approval");
    expect((await postJson(`${url}/api/events/${started.id}/approval`, { approved: true })).status).toBe(202);
    expect((await waitForFinish(started.statusQueryGetUri)).output).toEqual({ approved: true });
  });

  it("buffers an external event raised before the orchestrator waits for it", async () => {
    const started = await startOrchestration(test.host, "approval", { gate: "early-event" });
    await eventually(() => gate("early-event").waiting === 1, 5000, "the activity to block");
    await postJson(`${url}/api/events/${started.id}/approval`, "raised early");
    gate("early-event").open();
    expect((await waitForFinish(started.statusQueryGetUri)).output).toBe("raised early");
  });

  it("resolves Task.any with whichever comes first: the event or the timer", async () => {
    const withEvent = await startOrchestration(test.host, "race", { timeoutMs: 60_000 });
    await pollStatus(withEvent.statusQueryGetUri, (status) => status.runtimeStatus === "Running");
    await postJson(`${url}/api/events/${withEvent.id}/go`, 7);
    expect((await waitForFinish(withEvent.statusQueryGetUri)).output).toBe("event 7");

    const withTimeout = await startOrchestration(test.host, "race", { timeoutMs: 50 });
    expect((await waitForFinish(withTimeout.statusQueryGetUri)).output).toBe("timeout");
  });

  it("returns sub-orchestration outputs and surfaces a failed child as a catchable error", async () => {
    const started = await startOrchestration(test.host, "parent", {}, "parent-1");
    const status = await waitForFinish(started.statusQueryGetUri);
    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toMatchObject({
      a: { doubled: 4, parent: "parent-1" },
      b: { doubled: 6, parent: "parent-1" },
      failed: expect.stringContaining("the child exploded"),
    });
    const explicit = await requestJson(`${url}/api/status/parent-1-explicit`);
    expect(explicit.body).toMatchObject({ name: "child", runtimeStatus: "Completed" });
  });

  it("continues as new with a fresh execution and the new input until it completes", async () => {
    const started = await startOrchestration(test.host, "counter", { n: 0, until: 3 }, "counter-1");
    const status = await waitForFinish(started.statusQueryGetUri);
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: { n: 3 }, input: { n: 3, until: 3 } });
    expect(probe.remembered.filter((value) => typeof value === "number")).toEqual([0, 1, 2, 3]);
  });

  it("delivers events raised after continueAsNew to the new execution", async () => {
    const started = await startOrchestration(test.host, "ticker", { n: 0, until: 3 });
    for (let n = 0; n < 3; n++) {
      await pollStatus(started.statusQueryGetUri, (status) => status.runtimeStatus === "Running" && (status.customStatus as { n?: number } | null)?.n === n);
      await postJson(`${url}/api/events/${started.id}/tick`, n);
    }
    expect((await waitForFinish(started.statusQueryGetUri)).output).toEqual({ ticks: 3 });
  });

  it("answers 409 to startNew for an id that is still running, so the app can raise an event instead", async () => {
    const started = await startOrchestration(test.host, "approval", {}, "single-1");
    const again = await postJson(`${url}/api/start/approval/single-1`, {});
    expect(again).toMatchObject({ status: 409, body: { conflict: true } });
    await postJson(`${url}/api/events/single-1/approval`, "done");
    await waitForFinish(started.statusQueryGetUri);
    expect((await postJson(`${url}/api/start/approval/single-1`, {})).status).toBe(202);
  });

  it("answers 404 for an unknown instance, on the status URL and through getStatus", async () => {
    expect((await requestJson(`${url}/runtime/webhooks/durabletask/instances/no-such-instance`)).status).toBe(404);
    const viaClient = await requestJson(`${url}/api/status/no-such-instance`);
    expect(viaClient.status).toBe(404);
    expect(viaClient.body).toMatchObject({ message: expect.stringContaining("404") });
  });

  it("lists instances filtered by runtime status", async () => {
    const started = await startOrchestration(test.host, "approval", {}, "listed-running");
    await pollStatus(started.statusQueryGetUri, (status) => status.runtimeStatus === "Running");
    const running = (await requestJson(`${url}/api/instances?status=Running`)).body as { instanceId: string; runtimeStatus: string }[];
    expect(running.map((instance) => instance.instanceId)).toContain("listed-running");
    expect(running.every((instance) => instance.runtimeStatus === "Running")).toBe(true);
    const completed = (await requestJson(`${url}/api/instances?status=Completed`)).body as { instanceId: string }[];
    expect(completed.map((instance) => instance.instanceId)).toContain("counter-1");
  });

  it("terminates a running instance and purges a finished one", async () => {
    await startOrchestration(test.host, "approval", {}, "to-terminate");
    expect((await postJson(`${url}/api/instances/to-terminate/terminate`)).status).toBe(202);
    const status = await waitForFinish(`${url}/runtime/webhooks/durabletask/instances/to-terminate`);
    expect(status).toMatchObject({ runtimeStatus: "Terminated", output: "stopped by test" });
    expect((await postJson(`${url}/api/instances/to-terminate/purge`)).body).toEqual({ instancesDeleted: 1 });
    expect((await requestJson(`${url}/runtime/webhooks/durabletask/instances/to-terminate`)).status).toBe(404);
  });

  it("answers 410 when raising an event on a finished instance and 412 when purging a running one", async () => {
    await startOrchestration(test.host, "approval", {}, "busy-1");
    const durable = `${url}/runtime/webhooks/durabletask/instances/busy-1`;
    expect((await requestJson(durable, { method: "DELETE" })).status).toBe(412);
    await postJson(`${durable}/raiseEvent/approval`, "ok");
    await waitForFinish(durable);
    expect((await postJson(`${durable}/raiseEvent/approval`, "late")).status).toBe(410);
  });

  it("fails an orchestration that uses an unsupported action, naming the action", async () => {
    const started = await startOrchestration(test.host, "unsupported");
    const status = await waitForFinish(started.statusQueryGetUri);
    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toEqual(expect.stringContaining("CallHttp"));
  });

  it("rejects a start for an orchestrator the app does not have", async () => {
    const response = await postJson(`${url}/runtime/webhooks/durabletask/orchestrators/nope`, {});
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ Message: expect.stringContaining("'nope'") });
  });
});
