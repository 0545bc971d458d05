import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import type { RunReport } from "../../orchestrations/runReport";
import { HUB, OWNER, SPOKE, startStack, TEST_POLICY } from "./stack";
import type { Stack } from "./stack";

const WRITES = /^(PUT|PATCH|POST|DELETE) /;

function recordLines(report: Pick<RunReport, "dns">, list: "created" | "updated" | "deleted"): string[] {
  return report.dns[list].map((r) => `${r.type} ${r.name}.${r.zone} -> ${r.value}`).sort();
}

describe("a preview is the run without writes (demo estate, events off)", () => {
  let stack: Stack;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Events off: the sweeps alone act.
    stack = await startStack({ eventsOff: true });
    env = {
      AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`,
      AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
      AUTOPILOT_OWNER_ID: OWNER,
      AUTOPILOT_POLICY: TEST_POLICY,
      AUTOPILOT_ARM_ENDPOINT: stack.emulator.url,
      AUTOPILOT_ARM_CA_FILE: join(stack.stateDir, "ca.pem"),
      AUTOPILOT_ARM_STATIC_TOKEN: "cli",
    };
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function plan(): Promise<{ code: number; report: RunReport }> {
    const out: string[] = [];
    const code = await runCli(["plan", "--json", "--detailed-exitcode"], env, { out: (l) => out.push(l), err: () => undefined });
    return { code, report: JSON.parse(out.join("\n")) as RunReport };
  }

  it("lists, in a dry run and in plan, the records the live run then creates; plan exits 2 before and 0 after", async () => {
    const before = await plan();
    expect(before.code).toBe(2);
    const planned = recordLines(before.report, "created");
    expect(planned).toHaveLength(8);

    stack.emulator.control.resetCounters();
    const dry = await stack.run("all", true);
    const dryRequests = stack.emulator.control.counters();
    const dryReport = dry.report as unknown as RunReport;
    expect(dryReport).toMatchObject({ dryRun: true, errors: [] });
    expect(recordLines(dryReport, "created")).toEqual(planned);
    expect(dryReport.decisions.map((d) => [d.connectionId, d.outcome]).sort()).toEqual(before.report.decisions.map((d) => [d.connectionId, d.outcome]).sort());
    expect(dryReport.dns.skipped).toEqual(before.report.dns.skipped);
    expect(Object.keys(stack.emulator.control.counters().operations).filter((op) => WRITES.test(op))).toEqual([]);

    stack.emulator.control.resetCounters();
    const live = await stack.run("all");
    const liveRequests = stack.emulator.control.counters();
    const liveReport = live.report as unknown as RunReport;
    expect(liveReport).toMatchObject({ dryRun: false, errors: [] });
    expect(recordLines(liveReport, "created")).toEqual(planned);
    const carriedOut: Record<string, string> = { wouldApprove: "approved", wouldReject: "rejected", leftPending: "leftPending" };
    expect(liveReport.decisions.map((d) => [d.connectionId, d.outcome]).sort()).toEqual(dryReport.decisions.map((d) => [d.connectionId, carriedOut[d.outcome]]).sort());
    // One plan for the whole scope: no name is reported held by an endpoint outside the run.
    expect(liveReport.dns.conflicts.filter((c) => c.reason === "heldOutsideRun")).toEqual([]);

    stack.emulator.control.resetCounters();
    const noOp = await stack.run("all");
    expect(noOp.report).toMatchObject({ decisions: [expect.objectContaining({ outcome: "leftPending" })], errors: [] });
    expect(noOp.report.dns).toMatchObject({ created: [], updated: [], deleted: [] });
    expect(noOp.report.dns.unchanged).toHaveLength(8);
    const noOpRequests = stack.emulator.control.counters();
    // Reads: the sweep over Pending connections reads the same list pages as a no-op sweep, nothing per resource.
    expect(dryRequests).toEqual(noOpRequests);
    // Writes: exactly one per change (each decision re-reads its connection first, to never override someone else's).
    const decisionsMade = liveReport.decisions.filter((d) => d.outcome === "approved" || d.outcome === "rejected").length;
    const writes = Object.entries(liveRequests.operations).filter(([op]) => WRITES.test(op));
    expect(writes.reduce((n, [, count]) => n + count, 0)).toBe(decisionsMade + planned.length);
    // Reads beyond the list pages: one GET of each connection before its decision, and the polls of the long-running
    // operations Batch answers its decisions with.
    const polls = Object.entries(liveRequests.operations).filter(([op]) => op.startsWith("GET operations:")).reduce((n, [, count]) => n + count, 0);
    expect(liveRequests.total - polls).toBe(noOpRequests.total + 2 * decisionsMade + planned.length);
    const after = await plan();
    expect(after.code).toBe(0);
    expect(after.report.dns.unchanged).toHaveLength(8);
  });
});

describe("a sweep with more record changes than one round applies", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ eventsOff: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("applies them in rounds that each read again, and reports every change once", async () => {
    const dry = (await stack.run("all", true)).report as unknown as RunReport;
    const planned = recordLines(dry, "created");
    expect(planned).toHaveLength(8);
    // Started the way the timer starts it, with a round of at most 3 record changes.
    const started = await stack.post("/runtime/webhooks/durabletask/orchestrators/driftSweep/sweep-in-rounds", { subscriptionIds: [HUB, SPOKE], maxRecordChanges: 3, reason: "test: rounds" });
    expect(started.status).toBe(202);
    await stack.settle();
    const report = ((await stack.get("/api/runs/sweep-in-rounds")).body as { report: RunReport }).report;
    expect(report).toMatchObject({ dryRun: false, errors: [] });
    expect(recordLines(report, "created")).toEqual(planned);
    expect(report.notes).toContain("applied in 3 rounds of at most 3 record changes");
    expect(report.decisions.filter((d) => d.outcome === "approved" || d.outcome === "rejected")).toHaveLength(dry.decisions.filter((d) => d.outcome !== "leftPending").length);
  });
});
