import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../orchestrations/runReport";
import { startStack } from "./stack";
import type { Stack } from "./stack";

describe("failures stay where they happen (local host + ARM emulator, events off)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ eventsOff: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a sweep whose Batch approvals keep failing reports them failed, writes none of Batch's records, and still does the rest", async () => {
    // A Retry-After longer than the SDK waits out: each attempt fails at once, and the durable retries run out.
    for (const method of ["PUT", "PATCH"]) {
      stack.emulator.control.injectFault({ method, path: "/batchAccounts/batchprod/privateEndpointConnections/", probability: 1, action: { type: "throttle", retryAfterSeconds: 3600 } });
    }
    const sweep = await stack.run("all");
    stack.emulator.control.clearFaults();
    const report = sweep.report as unknown as RunReport;
    expect(sweep.runtimeStatus).toBe("Completed");

    const batch = report.decisions.filter((d) => /batchAccounts\/batchprod\//.test(d.connectionId));
    expect(batch.length).toBeGreaterThan(0);
    for (const d of batch) expect(d).toMatchObject({ action: "approve", outcome: "failed", detail: expect.stringMatching(/429|throttl/i) });
    expect(report.decisions.filter((d) => !batch.includes(d)).map((d) => d.outcome)).toEqual(expect.arrayContaining(["approved", "rejected"]));
    expect(report.notes).toContainEqual(expect.stringMatching(/endpoint\(s\) whose decision did not come through keep their records until the next run/));

    // The plan assumed the approvals; the sweep applies only what came through.
    const created = report.dns.created.map((r) => `${r.name}.${r.zone}`);
    expect(created.filter((n) => n.includes("batch"))).toEqual([]);
    expect(created).toContain("stdata.privatelink.blob.core.windows.net");
    expect(stack.emulator.control.snapshot().recordSets.filter((r) => r.zoneName.includes("batch") && r.metadata["owner"] !== undefined)).toEqual([]);

    // The next sweep, with the fault gone, finishes the job.
    const next = (await stack.run("all")).report as unknown as RunReport;
    expect(next.decisions.filter((d) => /batchAccounts\/batchprod\//.test(d.connectionId)).map((d) => d.outcome)).toEqual(batch.map(() => "approved"));
    expect(next.dns.created.map((r) => r.zone)).toEqual(expect.arrayContaining(["privatelink.batch.azure.com"]));
  });
});

describe("a denied write (local host + ARM emulator, events off)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ eventsOff: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a record write ARM denies (403) is reported with the RBAC action the app's identity lacks, under what needs a person", async () => {
    stack.emulator.control.injectFault({ method: "PUT", path: "/privateDnsZones/privatelink\\.batch\\.azure\\.com/A/", probability: 1, action: { type: "error", status: 403 } });
    const run = await stack.run("all");
    stack.emulator.control.clearFaults();
    const report = run.report as unknown as RunReport;
    expect(report.dns.created.some((r) => r.zone === "privatelink.batch.azure.com")).toBe(false);
    expect(report.errors.length).toBeGreaterThan(0);
    for (const e of report.errors) expect(e).toMatchObject({ status: 403, missingActions: ["Microsoft.Network/privateDnsZones/A/write"] });
    const text = String((await stack.get(`/api/runs/${run.instanceId}?format=text`)).body);
    expect(text).toMatch(/^sweep run: [^\n]*; [1-9]\d* errors?\n/);
    expect(text).toMatch(/\nneeds a person \(\d+\):\n(?: {2}[^\n]*\n)* {2}error {5}\S[^\n]*: the app's identity lacks Microsoft\.Network\/privateDnsZones\/A\/write \(HTTP 403 AuthorizationFailed\)\n/);
  });
});
