import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gate, probe } from "./fixtures/app/probe";
import { createStateDir, eventually, removeStateDir, startOrchestration, startTestHost, waitForFinish } from "./helpers";

describe("restarting the local host on the same state directory", () => {
  const stateDirs: string[] = [];
  afterAll(async () => {
    for (const dir of stateDirs) await removeStateDir(dir);
  });

  it("resumes an in-flight orchestration, re-running the activity that was running at the stop", async () => {
    const stateDir = await createStateDir();
    stateDirs.push(stateDir);
    const first = await startTestHost({ stateDir });
    const started = await startOrchestration(first.host, "gated", { key: "restart-1" }, "resume-me");
    await eventually(() => gate("restart-1").waiting === 1, 5000, "the activity to start");
    await first.host.close();
    expect(await readdir(join(stateDir, "instances"))).toContain("resume-me.json");

    // The abandoned execution finishes after the stop; its result must not count.
    gate("restart-1").open();
    const second = await startTestHost({ stateDir });
    try {
      const status = await waitForFinish(started.statusQueryGetUri.replace(first.host.url, second.host.url));
      expect(status).toMatchObject({ runtimeStatus: "Completed", output: { first: "passed restart-1", second: 42 } });
      expect(probe.calls.get("waitAtGate:restart-1")).toBe(2);
      expect(second.logger.find("Resuming 1 in-flight orchestration").length).toBe(1);
    } finally {
      await second.host.close();
    }
  });

  it("keeps finished instances queryable after a restart", async () => {
    const stateDir = await createStateDir();
    stateDirs.push(stateDir);
    const first = await startTestHost({ stateDir });
    const started = await startOrchestration(first.host, "fanOut", { values: [10] }, "done-before");
    await waitForFinish(started.statusQueryGetUri);
    await first.host.close();
    const second = await startTestHost({ stateDir });
    try {
      const status = await waitForFinish(`${second.host.url}/runtime/webhooks/durabletask/instances/done-before`);
      expect(status).toMatchObject({ runtimeStatus: "Completed", output: 20 });
    } finally {
      await second.host.close();
    }
  });
});
