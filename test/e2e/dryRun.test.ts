import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../orchestrations/runReport";
import { SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const WRITES = /^(PUT|PATCH|POST|DELETE) /;

/** ARM requests that would change something, as the emulator counted them. */
function writesSeen(stack: Stack): Record<string, number> {
  return Object.fromEntries(Object.entries(stack.emulator.control.counters().operations).filter(([operation]) => WRITES.test(operation)));
}

function connectionStates(stack: Stack): Record<string, string> {
  return Object.fromEntries(stack.emulator.control.snapshot().connections.map((c) => [c.id.toLowerCase(), c.state.status]));
}

async function reportOf(stack: Stack, instanceId: string): Promise<RunReport> {
  const status = await stack.get(`/api/runs/${instanceId}`);
  const report = (status.body as { report: RunReport | null }).report;
  if (report === null) throw new Error(`run ${instanceId} has no report: ${JSON.stringify(status.body)}`);
  return report;
}

describe("AUTOPILOT_DRY_RUN=true over the demo estate (local host + ARM emulator)", () => {
  let stack: Stack;
  let seededPending: string[];

  beforeAll(async () => {
    stack = await startStack({ settings: { AUTOPILOT_DRY_RUN: "true" } });
    seededPending = Object.entries(connectionStates(stack))
      .filter(([, status]) => status === "Pending")
      .map(([id]) => id);
    expect(seededPending.length).toBeGreaterThanOrEqual(6);
    stack.emulator.control.resetCounters();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("runs an event, a manual run and a timer sweep as dry runs: zero writes reach ARM, every connection stays Pending", async () => {
    // An event: a new Pending endpoint, and one whose connection the service approved itself (so DNS has work to plan).
    const pending = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-dry-pending", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true });
    const approved = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-dry-approved", targetResourceId: STORAGE, groupIds: ["blob"], manual: false });
    await stack.settle();
    const eventLines = stack.logs.filter((l) => /event .* -> started \S+ \(dry run\) run=/.test(l.message));
    expect(eventLines.length).toBeGreaterThanOrEqual(2);
    const eventRuns = await Promise.all([...new Set(eventLines.map((l) => /-> started (\S+)/.exec(l.message)?.[1] ?? ""))].map((id) => reportOf(stack, id)));
    for (const report of eventRuns) expect(report).toMatchObject({ dryRun: true, errors: [] });
    expect(eventRuns.flatMap((r) => r.decisions.map((d) => d.outcome))).toContain("wouldApprove");

    // A manual run that does not ask for a dry run: the setting makes it one.
    const manual = await stack.run("all");
    expect(manual.runtimeStatus).toBe("Completed");

    // The timer's drift sweep.
    await stack.host.runTimer("driftSweepTimer");
    await stack.settle();
    const sweep = await reportOf(stack, "drift-sweep");

    for (const report of [manual.report as unknown as RunReport, sweep]) {
      expect(report.dryRun).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.decisions.length).toBeGreaterThan(0);
      for (const d of report.decisions) expect(["wouldApprove", "wouldReject", "leftPending"]).toContain(d.outcome);
    }
    expect(sweep.decisions.map((d) => d.outcome)).toEqual(expect.arrayContaining(["wouldApprove", "wouldReject"]));
    // The approved endpoint's records are planned, never written: "would create" in the report and in the log.
    expect(sweep.dns.created.map((r) => r.name)).toContain("stdata");
    const text = await stack.get("/api/runs/drift-sweep?format=text");
    expect(String(text.body)).toMatch(/^sweep run \(dry run\): \d+ decisions \([^)]*would approve[^)]*\); \d+ would be created, /);
    expect(String(text.body)).toMatch(/\n {2}would create +A stdata\.privatelink\.blob\.core\.windows\.net -> /);
    expect(String(text.body)).not.toMatch(/\n {2}(create|approve|reject|delete) /);
    expect(stack.logs.some((l) => /^create A stdata\.privatelink\.blob\.core\.windows\.net \S+ \(\S+\) \[dry run\] run=/.test(l.message))).toBe(true);

    expect(writesSeen(stack)).toEqual({});
    const newPending = stack.emulator.control.snapshot().connections.find((c) => c.endpointId.toLowerCase() === pending.id.toLowerCase());
    const states = connectionStates(stack);
    for (const id of [...seededPending, newPending?.id.toLowerCase() ?? "missing"]) expect(states[id]).toBe("Pending");
    expect(approved.links[0]?.state.status).toBe("Approved");
  });

  it("refuses the writes of a run that bypassed the starters and forgot its dry-run flag (the client backstop)", async () => {
    stack.emulator.control.resetCounters();
    const endpoint = stack.emulator.control.snapshot().privateEndpoints.find((e) => e.name === "pe-batchprod-account");
    expect(endpoint).toBeDefined();
    // Started straight through the durable API, as a missed branch would: the input says dryRun false.
    const started = await stack.post(`/runtime/webhooks/durabletask/orchestrators/reconcileEndpoint/missed-branch`, { endpointId: endpoint?.id, dryRun: false, reason: "test: a missed branch" });
    expect(started.status).toBe(202);
    await stack.settle();
    const report = await reportOf(stack, "missed-branch");

    expect(writesSeen(stack)).toEqual({});
    for (const id of seededPending) expect(connectionStates(stack)[id]).toBe("Pending");
    expect(report.dryRun).toBe(false);
    expect(report.decisions).toEqual([
      expect.objectContaining({ action: "approve", outcome: "failed", detail: expect.stringMatching(/^dry run: refused (PUT|PATCH) https:\/\/\S+\/privateEndpointConnections\/\S+; a dry run never writes to ARM$/) }),
    ]);
  });
});
