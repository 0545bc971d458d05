import type { DurableOrchestrationStatus } from "durable-functions";
import { describe, expect, it } from "vitest";
import { pageOfRuns, summarizeRun } from "../../functions/runHistory";
import { newRunReport } from "../../orchestrations/runReport";
import type { RunReport } from "../../orchestrations/runReport";
import { Orchestrations, runIdFor } from "../../orchestrations/names";

function finishedRun(report: RunReport, startedAt: Date): DurableOrchestrationStatus {
  const id = runIdFor("endpoint-pe-kv-0123456789abcdef0123", startedAt);
  const time = startedAt.toISOString();
  return { name: Orchestrations.reconcileEndpoint, instanceId: id, runtimeStatus: "Completed", createdTime: time, lastUpdatedTime: time, input: {}, output: report } as unknown as DurableOrchestrationStatus;
}

describe("the run listing", () => {
  const leftPending = (() => {
    const report = newRunReport("endpoint", "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/privateendpoints/pe-kv", { dryRun: false, startedAt: new Date("2026-11-30T10:00:00Z") });
    report.decisions.push({ connectionId: "/c", endpointId: "/pe", action: "leavePending", ruleName: "humans", reason: "a person decides", outcome: "leftPending" });
    return report;
  })();

  it("counts a connection left Pending as a decision, as the report does, but not as a change", () => {
    expect(summarizeRun(finishedRun(leftPending, new Date("2026-11-30T10:00:00Z")))).toMatchObject({ decisions: 1, connectionChanges: 0, recordChanges: 0 });
  });

  it("keeps a run that only left a connection Pending out of hasChanges=true", () => {
    const runs = [finishedRun(leftPending, new Date("2026-11-30T10:00:00Z"))];
    expect(pageOfRuns(runs, { top: 10, hasChanges: true }).runs).toEqual([]);
    expect(pageOfRuns(runs, { top: 10, hasChanges: false }).runs).toHaveLength(1);
  });
});
